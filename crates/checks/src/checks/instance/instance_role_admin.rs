//! INST-003: an instance whose role has admin rights turns any code
//! execution or SSRF on the backend into control of the whole account.
//!
//! Admin means: the AWS managed `AdministratorAccess` attached, or any
//! attached (default version) or inline policy with an `Allow` of every
//! action (`*`, or `NotAction`) on every resource (`*`, or `NotResource`).
//! Explicit denies, conditions and permissions boundaries are not
//! subtracted (see [`super::policy`]). Instances without a profile are
//! INST-002's; they get no outcome here.

use super::role_grants::{Judged, per_instance, resolve};
use crate::registry::{Check, Context, Outcome};

pub struct InstanceRoleAdmin;

impl Check for InstanceRoleAdmin {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-003")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        per_instance(cx, judge)
    }
}

/// The verdict for every instance carrying `profile`.
fn judge(cx: &Context<'_>, profile: &str) -> Result<Judged, String> {
    let grants = resolve(cx, profile)?;
    let mut admin: Vec<String> = grants
        .administrator_access
        .iter()
        .map(|r| format!("{r}: AWS managed AdministratorAccess attached"))
        .collect();
    // AdministratorAccess's own document would say the same again.
    for g in grants.grants.iter().filter(|g| !g.is_administrator_access) {
        if let Some(a) = g.allows.iter().find(|a| a.is_admin()) {
            let what = match (a.not_action, a.not_resource) {
                (false, false) => "allows * on *".to_string(),
                (true, _) => format!(
                    "allows every action except {} (NotAction)",
                    a.actions.join(", ")
                ),
                (false, true) => format!(
                    "allows * on every resource except {} (NotResource)",
                    a.resources.join(", ")
                ),
            };
            admin.push(format!("{}: {what}", g.source));
        }
    }
    Ok(Judged::of(
        &grants,
        &admin,
        " has admin rights through its instance profile: ",
        "admin",
        || {
            if grants.roles.is_empty() {
                format!("instance profile {profile} holds no role")
            } else {
                format!(
                    "no policy of {} grants every action on every resource",
                    grants.roles.join(", ")
                )
            }
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
        let got = run(&InstanceRoleAdmin, s);
        assert_eq!(got.len(), 1, "{got:?}");
        got.into_iter().next().unwrap()
    }

    #[test]
    fn instances_sharing_a_profile_are_each_named_in_their_own_finding() {
        let mut s = with_role();
        attach(&mut s, ADMIN, None);
        let mut other = crate::testing::instance("i-2");
        other.iam_instance_profile_arn = Some(PROFILE.into());
        let mut stranger = crate::testing::instance("i-3");
        stranger.iam_instance_profile_arn =
            Some("arn:aws:iam::123456789012:instance-profile/gone".into());
        let mut stranger2 = crate::testing::instance("i-4");
        stranger2.iam_instance_profile_arn = stranger.iam_instance_profile_arn.clone();
        crate::testing::region(&mut s)
            .ec2
            .instances
            .extend([other, stranger, stranger2]);
        let got = run(&InstanceRoleAdmin, &s);
        let by_id = |id: &str| {
            got.iter()
                .find(|o| o.resource_arn.ends_with(&format!("instance/{id}")))
                .unwrap_or_else(|| panic!("no outcome for {id}: {got:?}"))
        };
        for id in ["i-1", "i-2"] {
            let o = by_id(id);
            assert_eq!(o.status, Status::Fail, "{o:?}");
            assert!(
                o.message.starts_with(&format!("{id} has admin rights")),
                "{}",
                o.message
            );
        }
        for id in ["i-3", "i-4"] {
            let o = by_id(id);
            assert!(matches!(o.status, Status::NotEvaluated(_)), "{o:?}");
            assert_eq!(o.message, format!("the role of {id} is unknown"));
        }
    }

    #[test]
    fn a_narrow_role_passes() {
        let mut s = with_role();
        attach(
            &mut s,
            "arn:aws:iam::123456789012:policy/api-backend-read",
            Some(allow(
                json!("s3:GetObject"),
                json!("arn:aws:s3:::orders-data/*"),
            )),
        );
        inline(
            &mut s,
            "api-backend-inline",
            Some(allow(json!(["sqs:SendMessage"]), json!("*"))),
        );
        let o = verdict(&s);
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert!(o.message.contains("app-role"), "{}", o.message);
    }

    #[test]
    fn administrator_access_fails_even_without_its_document() {
        let mut s = with_role();
        attach(&mut s, ADMIN, None);
        iam_fail(&mut s, "iam:GetPolicyVersion", Some(ADMIN));
        let o = verdict(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("AdministratorAccess attached"),
            "{}",
            o.message
        );
        // With its document, it is still reported once.
        let mut s = with_role();
        attach(&mut s, ADMIN, Some(allow(json!("*"), json!("*"))));
        let o = verdict(&s);
        assert_eq!(o.message.matches("AdministratorAccess").count(), 1);
    }

    #[test]
    fn star_on_star_in_any_policy_fails_not_action_too() {
        let mut s = with_role();
        inline(
            &mut s,
            "oops",
            Some(allow(json!(["s3:*", "*"]), json!("*"))),
        );
        let o = verdict(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("inline policy oops: allows * on *"),
            "{}",
            o.message
        );

        let mut s = with_role();
        attach(
            &mut s,
            "arn:aws:iam::aws:policy/PowerUserAccess",
            Some(json!({"Statement": [
                {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
            ]})),
        );
        // A Deny elsewhere does not rescue it, nor does a boundary.
        inline(
            &mut s,
            "deny",
            Some(json!({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}})),
        );
        role(&mut s).permissions_boundary_arn =
            Some("arn:aws:iam::123456789012:policy/boundary".into());
        let o = verdict(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("NotAction"), "{}", o.message);
        assert!(
            o.message.contains("boundary not evaluated"),
            "{}",
            o.message
        );
    }

    #[test]
    fn instances_without_a_profile_are_left_to_inst_002() {
        let mut s = with_role();
        region(&mut s).ec2.instances[0].iam_instance_profile_arn = None;
        assert!(run(&InstanceRoleAdmin, &s).is_empty());
    }

    #[test]
    fn missing_role_data_is_not_evaluated() {
        // A policy document that was not collected.
        let mut s = with_role();
        let arn = "arn:aws:iam::123456789012:policy/custom";
        attach(&mut s, arn, None);
        iam_fail(&mut s, "iam:GetPolicyVersion", Some(arn));
        let o = verdict(&s);
        assert!(
            matches!(&o.status, Status::NotEvaluated(r) if r.contains("iam:GetPolicyVersion failed for arn:aws:iam::123456789012:policy/custom")),
            "{:?}",
            o.status
        );
        // The attached list itself.
        let mut s = with_role();
        role(&mut s).attached_policy_arns = None;
        iam_fail(&mut s, "iam:ListAttachedRolePolicies", Some(ROLE_ARN));
        assert!(
            matches!(&verdict(&s).status, Status::NotEvaluated(r) if r.contains("ListAttachedRolePolicies"))
        );
        // The batch call the collector uses (no resource: it is account-wide).
        let mut s = with_role();
        role(&mut s).attached_policy_arns = None;
        role(&mut s).inline_policies = None;
        iam_fail(&mut s, "iam:GetAccountAuthorizationDetails", None);
        assert!(
            matches!(&verdict(&s).status, Status::NotEvaluated(r) if r.contains("iam:GetAccountAuthorizationDetails was not collected")),
            "{:?}",
            verdict(&s).status
        );
        // An inline document, or one that did not parse.
        let mut s = with_role();
        inline(&mut s, "broken", Some(json!("%7B%22Statement")));
        assert!(
            matches!(&verdict(&s).status, Status::NotEvaluated(r) if r.contains("did not parse"))
        );
        let mut s = with_role();
        inline(&mut s, "gone", None);
        iam_fail(
            &mut s,
            "iam:GetRolePolicy",
            Some(&format!("{ROLE_ARN}/gone")),
        );
        assert!(
            matches!(&verdict(&s).status, Status::NotEvaluated(r) if r.contains("GetRolePolicy"))
        );
        // The role, or the whole profile list.
        let mut s = with_role();
        s.iam.roles.clear();
        assert!(
            matches!(&verdict(&s).status, Status::NotEvaluated(r) if r.contains("role app-role"))
        );
        let mut s = with_role();
        s.iam.instance_profiles.clear();
        iam_fail(&mut s, "iam:ListInstanceProfiles", None);
        assert!(
            matches!(&verdict(&s).status, Status::NotEvaluated(r) if r.contains("iam:ListInstanceProfiles"))
        );
        // ... but a certain admin grant still fails despite the gap.
        let mut s = with_role();
        attach(&mut s, arn, None);
        attach(&mut s, ADMIN, None);
        assert_eq!(verdict(&s).status, Status::Fail);
    }

    #[test]
    fn uncollected_instances_are_not_evaluated() {
        let mut s = with_role();
        fail(&mut s, "ec2:DescribeInstances");
        region(&mut s).ec2.instances.clear();
        assert_eq!(
            statuses(&run(&InstanceRoleAdmin, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
