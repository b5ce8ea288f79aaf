//! INST-004: a role short of admin can still be far broader than the API
//! needs: `s3:*` reads, rewrites and deletes every bucket it can name,
//! `iam:PassRole` on every role lets the instance hand any role (an admin
//! one included) to a new EC2 instance, Lambda function or ECS task and so
//! escalate to it.
//!
//! Fails on `service:*` actions (whatever the resource; `iam:*` too,
//! although INST-003 also reports the self-escalation it allows),
//! `iam:PassRole` or a pattern covering it on every role (`*`, `arn:*`,
//! `arn:...:role/*`), `*` on limited resources, and `NotAction` on limited
//! resources. A resource pattern that covers every ARN (`arn:*`) is
//! described as every resource. The full `*` on every resource grant is
//! INST-003's finding and is ignored here, so a role whose only broad grant
//! is admin passes this check (and fails INST-003). Filed on the role,
//! listing the instances that carry it (see [`super::role_grants`]); the
//! same policy reading as INST-003 (see [`super::policy`]).

use super::role_grants::{Judged, PolicyCache, per_role, resolve_role};
use crate::registry::{Check, Context, Outcome};

pub struct InstanceRoleWildcards;

impl Check for InstanceRoleWildcards {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-004")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut cache = PolicyCache::default();
        per_role(cx, |role| judge(cx, role, &mut cache))
    }
}

fn judge<'s>(
    cx: &Context<'s>,
    role: &'s rampart_model::Role,
    cache: &mut PolicyCache<'s>,
) -> Judged {
    let grants = resolve_role(cx, role, cache);
    let wild: Vec<String> = grants
        .allows()
        .flat_map(|(source, a)| {
            a.wildcards()
                .into_iter()
                .map(move |w| format!("{source}: {w}"))
        })
        .collect();
    Judged::of(
        &grants,
        &wild,
        &grants.missing,
        " grants wildcard permissions: ",
        "wildcard",
        || {
            let admin =
                if !grants.administrator_access && !grants.allows().any(|(_, a)| a.is_admin()) {
                    ""
                } else {
                    " (beyond the * on * grant INST-003 reports)"
                };
            format!(
                "no service-wide wildcard or PassRole on every role{admin} in role {}",
                grants.role
            )
        },
    )
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

    /// Issue 13 item 19: filed once on the role, listing its instances.
    #[test]
    fn one_role_on_many_instances_is_one_finding_on_the_role() {
        let mut s = with_role();
        inline(&mut s, "broad", Some(allow(json!("s3:*"), json!("*"))));
        instance_with(&mut s, "i-2", PROFILE);
        let got = run(&InstanceRoleWildcards, &s);
        assert_eq!(got.len(), 1, "{got:?}");
        let o = &got[0];
        assert_eq!(o.resource_arn, ROLE_ARN);
        assert_eq!(o.region, None);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        let mut affected = o.affected.clone();
        affected.sort();
        assert_eq!(
            affected,
            ["i-1", "i-2"].map(|id| format!("arn:aws:ec2:us-east-1:123456789012:instance/{id}"))
        );
        assert_eq!(
            o.message,
            "role app-role grants wildcard permissions: inline policy broad: s3:* on *"
        );
    }

    /// Issue 13 item 18: `iam:*` stays listed here although INST-003 now
    /// reports the self-escalation it allows, and a resource pattern that
    /// covers every ARN (`arn:*`) is "every resource", for PassRole too.
    #[test]
    fn iam_star_and_every_arn_patterns_are_the_wildcards_they_are() {
        let mut s = with_role();
        inline(&mut s, "iam", Some(allow(json!("iam:*"), json!("*"))));
        let o = verdict(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("inline policy iam: iam:* on *"),
            "{}",
            o.message
        );

        let mut s = with_role();
        inline(&mut s, "s3", Some(allow(json!("s3:*"), json!("arn:*"))));
        let o = verdict(&s);
        assert!(
            o.message.contains("s3:* on arn:* (every resource)"),
            "{}",
            o.message
        );
        for r in [
            "arn:*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::123456789012:*",
        ] {
            let mut s = with_role();
            inline(&mut s, "pass", Some(allow(json!("iam:PassRole"), json!(r))));
            let o = verdict(&s);
            assert_eq!(o.status, Status::Fail, "{r}: {o:?}");
            assert!(o.message.contains("pass any role"), "{}", o.message);
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
                .contains("role app-role grants wildcard permissions: managed policy AmazonS3FullAccess: s3:* on *"),
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
