//! INST-003: an instance whose role has admin rights turns any code
//! execution or SSRF on the backend into control of the whole account.
//!
//! Admin means: the AWS managed `AdministratorAccess` attached, or any
//! attached (default version) or inline policy with an `Allow` of every
//! action (`*`, or `NotAction`) on every resource (`*`, `arn:*` and the
//! like, or `NotResource`); or a way for the role to make itself admin in a
//! call or two: rewriting its own policies, a new default version of a
//! policy attached to it, or taking over an admin role through its trust
//! policy or PassRole (see [`super::escalation`], which names the path).
//! Explicit denies, conditions and permissions boundaries are not
//! subtracted from a direct admin grant (see [`super::policy`]).
//!
//! Filed on the role, listing the live instances that carry it (see
//! [`super::role_grants`]); instances without a profile are INST-002's and
//! get no outcome here.

use super::escalation::Analysis;
use super::role_grants::per_role;
use crate::registry::{Check, Context, Outcome};

pub struct InstanceRoleAdmin;

impl Check for InstanceRoleAdmin {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-003")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let analysis = Analysis::new(cx);
        per_role(cx, |role| analysis.verdict(role))
    }
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

    /// Issue 13 item 19: the finding is filed on the role, the resource
    /// whose configuration must change, once, with every live instance
    /// that carries it listed; instances whose profile is unknown get one
    /// not-evaluated outcome on that profile, listing them.
    #[test]
    fn one_role_on_many_instances_is_one_finding_on_the_role() {
        let mut s = with_role();
        attach(&mut s, ADMIN, None);
        instance_with(&mut s, "i-2", PROFILE);
        instance_with(&mut s, "i-3", PROFILE);
        // A terminated instance is not exposed by the role any more.
        instance_with(&mut s, "i-9", PROFILE);
        region(&mut s).ec2.instances.last_mut().unwrap().state = Some("terminated".into());
        let gone = "arn:aws:iam::123456789012:instance-profile/gone";
        instance_with(&mut s, "i-4", gone);
        instance_with(&mut s, "i-5", gone);
        let got = run(&InstanceRoleAdmin, &s);
        assert_eq!(got.len(), 2, "{got:?}");
        let on_role = got.iter().find(|o| o.resource_arn == ROLE_ARN).unwrap();
        assert_eq!(on_role.status, Status::Fail);
        assert_eq!(on_role.region, None, "IAM is global");
        let arn = |id: &str| format!("arn:aws:ec2:us-east-1:123456789012:instance/{id}");
        let mut affected = on_role.affected.clone();
        affected.sort();
        assert_eq!(affected, vec![arn("i-1"), arn("i-2"), arn("i-3")]);
        assert!(
            on_role
                .message
                .starts_with("role app-role has admin rights: "),
            "{}",
            on_role.message
        );
        let on_profile = got.iter().find(|o| o.resource_arn == gone).unwrap();
        assert!(
            matches!(&on_profile.status, Status::NotEvaluated(r) if r.contains("instance profile arn:aws:iam::123456789012:instance-profile/gone is not in the snapshot")),
            "{on_profile:?}"
        );
        assert_eq!(on_profile.region, None);
        let mut affected = on_profile.affected.clone();
        affected.sort();
        assert_eq!(affected, vec![arn("i-4"), arn("i-5")]);
    }

    fn esc(action: serde_json::Value, resource: serde_json::Value) -> Outcome {
        let mut s = with_role();
        inline(&mut s, "esc", Some(allow(action, resource)));
        verdict(&s)
    }

    /// Issue 13 item 18: a role that may rewrite its own permissions is
    /// admin in one call. PutRolePolicy and AttachRolePolicy act on the
    /// role (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html);
    /// action names match case-insensitively, with `*` and `?`
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
    #[test]
    fn a_role_that_may_rewrite_its_own_policies_is_admin() {
        let o = esc(json!("iam:PutRolePolicy"), json!(ROLE_ARN));
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert_eq!(
            o.message,
            "role app-role can make itself admin: iam:PutRolePolicy on \
             arn:aws:iam::123456789012:role/app-role (inline policy esc)"
        );
        let o = esc(json!(["IAM:attachrolepolicy"]), json!("*"));
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(
            o.message.contains("iam:AttachRolePolicy on arn:aws:iam::123456789012:role/app-role (inline policy esc)"),
            "{}",
            o.message
        );
        let o = esc(
            json!("iam:*"),
            json!("arn:aws:iam::123456789012:role/app-*"),
        );
        assert_eq!(o.status, Status::Fail, "{o:?}");
        let o = esc(json!("iam:Put?olePolicy"), json!("arn:aws:iam::*:role/*"));
        assert_eq!(o.status, Status::Fail, "{o:?}");
        // On another role, or another action: not itself.
        let o = esc(
            json!(["iam:PutRolePolicy", "iam:AttachRolePolicy"]),
            json!("arn:aws:iam::123456789012:role/worker"),
        );
        assert_eq!(o.status, Status::Pass, "{o:?}");
        let o = esc(json!("iam:PutUserPolicy"), json!("*"));
        assert_eq!(o.status, Status::Pass, "{o:?}");
        // A resource pattern is case-sensitive, as the ARN is
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
        let o = esc(
            json!("iam:PutRolePolicy"),
            json!("arn:aws:iam::123456789012:role/App-Role"),
        );
        assert_eq!(o.status, Status::Pass, "{o:?}");
    }

    /// CreatePolicyVersion alone sets the new version as the default:
    /// "The iam:CreatePolicyVersion action allows them to create a new
    /// version of the policy and to set that version as the default"
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html#policy-version-permissions).
    /// It counts on a customer managed policy attached to the role; AWS
    /// managed policies cannot be versioned by the account.
    #[test]
    fn create_policy_version_on_an_attached_policy_is_admin() {
        let custom = "arn:aws:iam::123456789012:policy/app-read";
        let mut s = with_role();
        attach(
            &mut s,
            custom,
            Some(allow(
                json!(["s3:GetObject", "iam:CreatePolicyVersion"]),
                json!(["arn:aws:s3:::orders/*", custom]),
            )),
        );
        let o = verdict(&s);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert_eq!(
            o.message,
            "role app-role can make itself admin: iam:CreatePolicyVersion on \
             arn:aws:iam::123456789012:policy/app-read, attached to it, as the new \
             default version (managed policy app-read)"
        );
        // On a policy the role does not carry, or an AWS managed one: no.
        let mut s = with_role();
        attach(
            &mut s,
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            Some(allow(json!("s3:Get*"), json!("*"))),
        );
        inline(
            &mut s,
            "versions",
            Some(allow(json!("iam:CreatePolicyVersion"), json!("*"))),
        );
        assert_eq!(verdict(&s).status, Status::Pass);
        // SetDefaultPolicyVersion alone only picks among versions that exist.
        let mut s = with_role();
        attach(
            &mut s,
            custom,
            Some(allow(json!("iam:SetDefaultPolicyVersion"), json!(custom))),
        );
        assert_eq!(verdict(&s).status, Status::Pass);
    }

    /// Explicit denies that always apply block a path
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html);
    /// a conditional allow counts, with its condition named; a conditional
    /// deny may not apply and blocks nothing.
    #[test]
    fn denies_conditions_not_resource_and_not_action_in_escalation() {
        let deny = |cond: Option<serde_json::Value>| {
            let mut st =
                json!({"Effect": "Deny", "Action": "iam:*RolePolicy", "Resource": ROLE_ARN});
            if let Some(c) = cond {
                st["Condition"] = c;
            }
            json!({"Statement": [st]})
        };
        let mut s = with_role();
        inline(
            &mut s,
            "esc",
            Some(allow(json!("iam:PutRolePolicy"), json!("*"))),
        );
        inline(&mut s, "guard", Some(deny(None)));
        assert_eq!(verdict(&s).status, Status::Pass);
        let mut s = with_role();
        inline(
            &mut s,
            "esc",
            Some(allow(json!("iam:PutRolePolicy"), json!("*"))),
        );
        inline(
            &mut s,
            "guard",
            Some(deny(Some(
                json!({"Bool": {"aws:MultiFactorAuthPresent": "false"}}),
            ))),
        );
        assert_eq!(verdict(&s).status, Status::Fail);

        let mut s = with_role();
        inline(
            &mut s,
            "esc",
            Some(json!({"Statement": [{
                "Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*",
                "Condition": {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}
            }]})),
        );
        let o = verdict(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .contains("(inline policy esc, if its condition on iam:PolicyARN allows it)"),
            "{}",
            o.message
        );

        let not_resource = |r: &str| json!({"Statement": [{"Effect": "Allow", "Action": "iam:PutRolePolicy", "NotResource": r}]});
        let mut s = with_role();
        inline(&mut s, "esc", Some(not_resource(ROLE_ARN)));
        assert_eq!(verdict(&s).status, Status::Pass);
        let mut s = with_role();
        inline(
            &mut s,
            "esc",
            Some(not_resource("arn:aws:iam::123456789012:role/admin")),
        );
        assert_eq!(verdict(&s).status, Status::Fail);

        // Everything but S3 on the role itself includes iam:PutRolePolicy.
        let mut s = with_role();
        inline(
            &mut s,
            "esc",
            Some(
                json!({"Statement": [{"Effect": "Allow", "NotAction": "s3:*", "Resource": ROLE_ARN}]}),
            ),
        );
        assert_eq!(verdict(&s).status, Status::Fail);
    }

    /// UpdateAssumeRolePolicy on itself lets others in, but adds no
    /// permission; on an admin role it is a takeover in two calls: trust
    /// itself, then AssumeRole, which a trust policy naming the role's ARN
    /// allows in the same account
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
    #[test]
    fn update_assume_role_policy_counts_on_an_admin_role() {
        let o = esc(json!("iam:UpdateAssumeRolePolicy"), json!(ROLE_ARN));
        assert_eq!(o.status, Status::Pass, "{o:?}");
        let mut s = with_role();
        let admin = add_role(&mut s, "ops-admin", true);
        inline_on(&mut s, "ops-admin", "all", allow(json!("*"), json!("*")));
        inline(
            &mut s,
            "trust",
            Some(allow(json!("iam:UpdateAssumeRolePolicy"), json!(admin))),
        );
        let o = verdict(&s);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert_eq!(
            o.message,
            "role app-role can make itself admin: iam:UpdateAssumeRolePolicy on \
             arn:aws:iam::123456789012:role/ops-admin (an admin role: trust itself, \
             then sts:AssumeRole) (inline policy trust)"
        );
    }

    /// PassRole hands a role to a service: to an instance launched (or
    /// re-profiled) with an instance profile holding an admin role
    /// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/permission-to-pass-iam-roles.html),
    /// or to a Lambda function it then invokes, if the admin role trusts
    /// Lambda (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
    #[test]
    fn pass_role_on_an_admin_role_with_a_launch_is_admin() {
        let setup = |pass: serde_json::Value, others: &[&str]| {
            let mut s = with_role();
            add_role(&mut s, "ops-admin", true);
            attach_on(&mut s, "ops-admin", ADMIN);
            inline(
                &mut s,
                "deploy",
                Some(json!({"Statement": [
                    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": pass},
                    {"Effect": "Allow", "Action": others, "Resource": "*"}
                ]})),
            );
            s
        };
        let admin = "arn:aws:iam::123456789012:role/ops-admin";
        let o = verdict(&setup(json!(admin), &["ec2:RunInstances"]));
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert_eq!(
            o.message,
            "role app-role can make itself admin: iam:PassRole on \
             arn:aws:iam::123456789012:role/ops-admin (an admin role, in instance \
             profile ops-admin) with ec2:RunInstances (inline policy deploy)"
        );
        let o = verdict(&setup(
            json!("*"),
            &["ec2:ReplaceIamInstanceProfileAssociation"],
        ));
        assert_eq!(o.status, Status::Fail, "{o:?}");
        // Without a way to launch, PassRole alone does nothing.
        assert_eq!(
            verdict(&setup(json!("*"), &["s3:GetObject"])).status,
            Status::Pass
        );
        // Lambda: only for an admin role that trusts Lambda.
        let lambda = ["lambda:CreateFunction", "lambda:InvokeFunction"];
        let mut s = setup(json!(admin), &lambda);
        assert_eq!(
            verdict(&s).status,
            Status::Pass,
            "ops-admin trusts EC2 only"
        );
        s.iam.roles[1].assume_role_policy = Some(trust("lambda.amazonaws.com"));
        let o = verdict(&s);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(
            o.message
                .contains("with lambda:CreateFunction and lambda:InvokeFunction"),
            "{}",
            o.message
        );
    }

    /// Only the roles in instance profiles are collected. PassRole on `*`
    /// with a launch reaches all of those, so "no admin among them" is a
    /// pass; with Lambda it may reach any other role of the account: not
    /// evaluated, the potential named.
    #[test]
    fn pass_role_on_every_role_without_a_known_admin_role() {
        let mut s = with_role();
        inline(
            &mut s,
            "deploy",
            Some(allow(
                json!(["iam:PassRole", "ec2:RunInstances"]),
                json!("*"),
            )),
        );
        let o = verdict(&s);
        assert_eq!(o.status, Status::Pass, "{o:?}");
        inline(
            &mut s,
            "fn",
            Some(allow(
                json!(["lambda:CreateFunction", "lambda:InvokeFunction"]),
                json!("*"),
            )),
        );
        let o = verdict(&s);
        assert!(
            matches!(&o.status, Status::NotEvaluated(r) if r.contains("roles outside instance profiles are not collected")),
            "{o:?}"
        );
        assert!(o.message.contains("iam:PassRole on *"), "{}", o.message);
    }

    /// A role that can pass a role that can make itself admin is admin too;
    /// a role it can pass whose permissions are unknown leaves it unknown.
    #[test]
    fn pass_role_follows_roles_that_escalate_and_unknown_roles() {
        let mut s = with_role();
        add_role(&mut s, "builder", true);
        inline_on(
            &mut s,
            "builder",
            "self",
            allow(
                json!("iam:AttachRolePolicy"),
                json!("arn:aws:iam::123456789012:role/builder"),
            ),
        );
        inline(
            &mut s,
            "deploy",
            Some(allow(
                json!(["iam:PassRole", "ec2:RunInstances"]),
                json!("*"),
            )),
        );
        let o = verdict(&s);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(
            o.message.contains("role/builder (an admin role"),
            "{}",
            o.message
        );

        let mut s = with_role();
        add_role(&mut s, "mystery", true);
        s.iam.roles[1].inline_policies = None;
        iam_fail(&mut s, "iam:GetAccountAuthorizationDetails", None);
        inline(
            &mut s,
            "deploy",
            Some(allow(
                json!(["iam:PassRole", "ec2:RunInstances"]),
                json!("*"),
            )),
        );
        let o = verdict(&s);
        assert!(
            matches!(&o.status, Status::NotEvaluated(r) if r.contains("role mystery")),
            "{o:?}"
        );
    }

    /// `arn:*` is every resource: `*` on it is admin.
    #[test]
    fn star_on_every_arn_is_admin() {
        for r in ["arn:*", "arn:aws:*", "arn:*:*:*:*:*"] {
            let o = esc(json!("*"), json!(r));
            assert_eq!(o.status, Status::Fail, "{r}: {o:?}");
            assert!(o.message.contains("has admin rights"), "{}", o.message);
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
        // Without the profiles, the profile the instance names and the
        // role EC2 may assume (its trust policy is unknown here) are both
        // not evaluated (issue 14 item 3).
        let mut s = with_role();
        s.iam.instance_profiles.clear();
        iam_fail(&mut s, "iam:ListInstanceProfiles", None);
        let got = run(&InstanceRoleAdmin, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("*".into(), "not-evaluated"),
                ("app".into(), "not-evaluated"),
                ("app-role".into(), "not-evaluated")
            ]
        );
        assert!(
            got.iter().all(|o| matches!(&o.status, Status::NotEvaluated(r) if r.contains("iam:ListInstanceProfiles"))),
            "{got:#?}"
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
        // The role its profile holds may be on a backend: not evaluated.
        assert_eq!(
            statuses(&run(&InstanceRoleAdmin, &s)),
            vec![
                ("*".into(), "not-evaluated"),
                ("app-role".into(), "not-evaluated")
            ]
        );
    }
}
