//! INST-004: a role short of admin can still be far broader than the API
//! needs: `s3:*` reads, rewrites and deletes every bucket it can name,
//! `iam:PassRole` on every role lets the instance hand any role (an admin
//! one included) to a new EC2 instance, Lambda function or ECS task and so
//! escalate to it.
//!
//! Fails on `service:*` actions (whatever the resource), `iam:PassRole` or
//! a pattern covering it on every role (`*` or `arn:...:role/*`), `*` on
//! limited resources, and `NotAction` on limited resources. The full `*` on
//! `*` grant is INST-003's finding and is ignored here, so a role whose only
//! broad grant is admin passes this check (and fails INST-003). The same
//! conservative policy reading as INST-003 (see [`super::policy`]).

use super::role_grants::{Judged, per_instance, resolve};
use crate::registry::{Check, Context, Outcome};

pub struct InstanceRoleWildcards;

impl Check for InstanceRoleWildcards {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-004")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        per_instance(cx, judge)
    }
}

/// The verdict for every instance carrying `profile`.
fn judge(cx: &Context<'_>, profile: &str) -> Result<Judged, String> {
    let grants = resolve(cx, profile)?;
    let wild: Vec<String> = grants
        .grants
        .iter()
        .flat_map(|g| {
            g.allows
                .iter()
                .flat_map(|a| a.wildcards())
                .map(move |w| format!("{}: {w}", g.source))
        })
        .collect();
    Ok(Judged::of(
        &grants,
        &wild,
        "'s role grants wildcard permissions: ",
        "wildcard",
        || {
            let admin = if grants.administrator_access.is_empty()
                && !grants
                    .grants
                    .iter()
                    .any(|g| g.allows.iter().any(|a| a.is_admin()))
            {
                ""
            } else {
                " (beyond the * on * grant INST-003 reports)"
            };
            format!(
                "no service-wide wildcard or PassRole on every role{admin} in {}",
                if grants.roles.is_empty() {
                    format!("instance profile {profile} (no role)")
                } else {
                    grants.roles.join(", ")
                }
            )
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::instance::fixtures::*;
    use crate::testing::*;
    use rampart_model::Status;
    use serde_json::json;

    fn verdict(s: &rampart_model::Snapshot) -> Outcome {
        let got = run(&InstanceRoleWildcards, s);
        assert_eq!(got.len(), 1, "{got:?}");
        got.into_iter().next().unwrap()
    }

    #[test]
    fn instances_sharing_a_profile_are_each_named_in_their_own_finding() {
        let mut s = with_role();
        inline(&mut s, "broad", Some(allow(json!("s3:*"), json!("*"))));
        let mut other = crate::testing::instance("i-2");
        other.iam_instance_profile_arn = Some(PROFILE.into());
        crate::testing::region(&mut s).ec2.instances.push(other);
        let got = run(&InstanceRoleWildcards, &s);
        assert_eq!(got.len(), 2, "{got:?}");
        for (o, id) in got.iter().zip(["i-1", "i-2"]) {
            assert!(o.resource_arn.ends_with(&format!("instance/{id}")), "{o:?}");
            assert_eq!(o.status, Status::Fail, "{o:?}");
            assert!(
                o.message
                    .starts_with(&format!("{id}'s role grants wildcard permissions: ")),
                "{}",
                o.message
            );
        }
    }

    #[test]
    fn a_narrow_role_passes_and_admin_is_left_to_inst_003() {
        let mut s = with_role();
        inline(
            &mut s,
            "send",
            Some(allow(
                json!("sqs:SendMessage"),
                json!("arn:aws:sqs:us-east-1:123456789012:orders"),
            )),
        );
        assert_eq!(verdict(&s).status, Status::Pass);
        attach(&mut s, ADMIN, None);
        let o = verdict(&s);
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.contains("INST-003"), "{}", o.message);
    }

    #[test]
    fn service_wildcards_and_pass_role_on_every_role_fail() {
        let mut s = with_role();
        attach(
            &mut s,
            "arn:aws:iam::aws:policy/AmazonS3FullAccess",
            Some(allow(json!(["s3:*", "s3-object-lambda:*"]), json!("*"))),
        );
        inline(
            &mut s,
            "deploy",
            Some(allow(
                json!("iam:PassRole"),
                json!("arn:aws:iam::123456789012:role/*"),
            )),
        );
        let o = verdict(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .contains("role app-role: managed policy AmazonS3FullAccess: s3:* on *"),
            "{}",
            o.message
        );
        assert!(
            o.message.contains("inline policy deploy: iam:PassRole on"),
            "{}",
            o.message
        );
        // PassRole on one named role is the narrow form: pass.
        let mut s = with_role();
        inline(
            &mut s,
            "deploy",
            Some(allow(
                json!("iam:PassRole"),
                json!("arn:aws:iam::123456789012:role/worker"),
            )),
        );
        assert_eq!(verdict(&s).status, Status::Pass);
    }

    #[test]
    fn missing_policies_are_not_evaluated_unless_a_wildcard_is_already_seen() {
        let mut s = with_role();
        role(&mut s).inline_policies = None;
        iam_fail(&mut s, "iam:ListRolePolicies", Some(ROLE_ARN));
        let o = verdict(&s);
        assert!(
            matches!(&o.status, Status::NotEvaluated(r) if r.contains("iam:ListRolePolicies failed for arn:aws:iam::123456789012:role/app-role")),
            "{:?}",
            o.status
        );
        attach(
            &mut s,
            "arn:aws:iam::123456789012:policy/ec2",
            Some(allow(json!("ec2:*"), json!("*"))),
        );
        assert_eq!(verdict(&s).status, Status::Fail);

        let mut s = with_role();
        s.iam.instance_profiles.clear();
        assert!(
            matches!(&verdict(&s).status, Status::NotEvaluated(r) if r.contains("not in the snapshot"))
        );
    }
}
