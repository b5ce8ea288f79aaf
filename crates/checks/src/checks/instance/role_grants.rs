//! What a role's credentials allow, and which instances carry it.
//!
//! [`resolve_role`] gathers a role's statements: the `Allow` and `Deny`
//! statements of every attached managed policy (default version) and inline
//! policy, each labelled with where it came from, plus the parts that could
//! not be read. Shared by INST-003 (admin) and INST-004 (wildcards), which
//! judge the statements; this module only gathers them.
//!
//! [`per_role`] files the verdicts: one outcome per role that a live
//! instance carries, on the role's ARN (IAM is global: no region), listing
//! those instances in `affected` (issue 13 item 19: a finding is filed on
//! the resource whose configuration must change). Instances whose profile
//! cannot be resolved get one not-evaluated outcome on the profile's ARN,
//! listing them; a profile that holds no role passes, on its ARN.
//!
//! Knowledge is partial, not all-or-nothing: a check fails on what it can
//! see (an admin grant in one policy is a fact even if another policy was
//! not collected) and reports *not evaluated* only when nothing it saw
//! fails and something is missing.

use std::collections::BTreeMap;
use std::sync::Arc;

use foldhash::HashMap;

use rampart_model::{Role, SharedStr, Status};

use crate::registry::why_missing;
use crate::registry::{Context, Outcome};

use super::policy::{Parsed, Statement, is_aws_administrator_access, parse};

/// One policy's statements and where they came from.
#[derive(Debug)]
pub(crate) struct Grant {
    /// `managed policy NAME` or `inline policy NAME`.
    pub source: String,
    /// Shared by every role the policy is attached to.
    pub statements: Arc<Parsed>,
    /// The AWS managed `AdministratorAccess`, already counted in
    /// [`RoleGrants::administrator_access`].
    pub is_administrator_access: bool,
}

/// Everything known about the permissions of one role.
#[derive(Debug, Default)]
pub(crate) struct RoleGrants {
    /// The role's name.
    pub role: String,
    pub grants: Vec<Grant>,
    /// The AWS managed `AdministratorAccess` is attached: admin by name,
    /// whether or not its document was collected.
    pub administrator_access: bool,
    /// The role's permissions boundary, which rampart does not evaluate (it
    /// can only narrow what the policies grant).
    pub boundary: Option<String>,
    /// Why part of the permissions is unknown, one entry per missing piece.
    pub missing: Vec<String>,
}

/// Managed policies parsed once however many roles carry them, by ARN.
pub(crate) type PolicyCache<'s> = HashMap<&'s str, Result<Arc<Parsed>, String>>;

/// Gathers a role's policies.
pub(crate) fn resolve_role<'s>(
    cx: &Context<'s>,
    role: &'s Role,
    cache: &mut PolicyCache<'s>,
) -> RoleGrants {
    let mut out = RoleGrants {
        role: role.role_name.clone(),
        boundary: role.permissions_boundary_arn.clone(),
        ..RoleGrants::default()
    };
    // The collector reads roles and customer managed policies with
    // GetAccountAuthorizationDetails; the per-role operation names stay
    // so snapshots from earlier versions still name what failed.
    match &role.attached_policy_arns {
        None => out.missing.push(why_missing(
            cx,
            None,
            &[
                "iam:GetAccountAuthorizationDetails",
                "iam:ListAttachedRolePolicies",
            ],
            &role.arn,
        )),
        Some(arns) => {
            for arn in arns {
                let aws_admin = is_aws_administrator_access(arn);
                out.administrator_access |= aws_admin;
                let policy = cx.index.policies.get(arn.as_str()).copied();
                let label = policy
                    .and_then(|p| p.policy_name.as_deref())
                    .unwrap_or(arn.as_str());
                let source = format!("managed policy {label}");
                match policy.and_then(|p| p.document.as_ref().map(|d| (p, d))) {
                    Some((p, doc)) => {
                        let parsed = cache
                            .entry(p.arn.as_str())
                            .or_insert_with(|| parse(doc).map(Arc::new))
                            .clone();
                        out.push(source, parsed, aws_admin)
                    }
                    // AdministratorAccess is `*` on `*` by definition;
                    // its missing document hides nothing.
                    None if aws_admin => {}
                    None => out.missing.push(why_missing(
                        cx,
                        None,
                        &[
                            "iam:GetPolicy",
                            "iam:GetPolicyVersion",
                            "iam:GetAccountAuthorizationDetails",
                        ],
                        arn,
                    )),
                }
            }
        }
    }
    match &role.inline_policies {
        None => out.missing.push(why_missing(
            cx,
            None,
            &["iam:GetAccountAuthorizationDetails", "iam:ListRolePolicies"],
            &role.arn,
        )),
        Some(inline) => {
            for p in inline {
                let source = format!("inline policy {}", p.policy_name);
                match &p.document {
                    Some(doc) => out.push(source, parse(doc).map(Arc::new), false),
                    None => out.missing.push(why_missing(
                        cx,
                        None,
                        &["iam:GetAccountAuthorizationDetails", "iam:GetRolePolicy"],
                        &format!("{}/{}", role.arn, p.policy_name),
                    )),
                }
            }
        }
    }
    out
}

impl RoleGrants {
    fn push(&mut self, source: String, parsed: Result<Arc<Parsed>, String>, aws_admin: bool) {
        match parsed {
            Ok(statements) => self.grants.push(Grant {
                source,
                statements,
                is_administrator_access: aws_admin,
            }),
            Err(why) => self
                .missing
                .push(format!("role {}: {source}: {why}", self.role)),
        }
    }

    /// `; permissions boundary B not evaluated`, or nothing.
    pub fn boundary_note(&self) -> String {
        match &self.boundary {
            None => String::new(),
            Some(b) => format!("; permissions boundary {b} not evaluated"),
        }
    }

    /// Every `Allow` statement, with the source of its policy.
    pub fn allows(&self) -> impl Iterator<Item = (&str, &Statement)> {
        self.grants.iter().flat_map(|g| {
            g.statements
                .allows
                .iter()
                .map(move |a| (g.source.as_str(), a))
        })
    }

    /// Whether an explicit `Deny` that always applies (no condition)
    /// covers `action` on `arn` ([`None`]: on every resource).
    pub fn denied(&self, action: &str, arn: Option<&str>) -> bool {
        self.grants
            .iter()
            .flat_map(|g| &g.statements.denies)
            .filter(|d| d.conditions.is_empty() && d.matches_action(action))
            .any(|d| match arn {
                Some(arn) => d.matches_resource(arn),
                None => d.every_resource(),
            })
    }
}

/// A role's verdict.
pub(crate) struct Judged {
    pub status: Status,
    pub message: String,
}

impl Judged {
    /// The verdict both role checks give: fail on what was `found` (the
    /// message is `role R{lead}{found, "; "-joined}` plus the boundary
    /// note); else not evaluated when something is `missing` (the first is
    /// the reason); else pass, with `pass`'s message.
    pub fn of(
        grants: &RoleGrants,
        found: &[String],
        missing: &[String],
        lead: &str,
        what: &str,
        pass: impl FnOnce() -> String,
    ) -> Judged {
        if !found.is_empty() {
            Judged {
                status: Status::Fail,
                message: format!(
                    "role {}{lead}{}{}",
                    grants.role,
                    found.join("; "),
                    grants.boundary_note()
                ),
            }
        } else if let Some(why) = missing.first() {
            let more = match missing.len() {
                1 => String::new(),
                n => format!(" (and {} more unknown part(s))", n - 1),
            };
            Judged {
                status: Status::NotEvaluated(why.clone()),
                message: format!(
                    "no {what} grant seen in role {}, but part of what it may do is unknown: {why}{more}",
                    grants.role
                ),
            }
        } else {
            Judged {
                status: Status::Pass,
                message: pass(),
            }
        }
    }
}

/// An outcome on a global IAM resource (a role, an instance profile).
fn iam_outcome(arn: String, status: Status, message: String, affected: Vec<SharedStr>) -> Outcome {
    Outcome {
        affected,
        ..Outcome::global(arn, status, message)
    }
}

/// Roles an instance may carry although none is known to, where the data
/// that says which instance carries which role is missing: the instance
/// list of a region, or the instance profiles (issue 14 item 3: a verdict
/// the full data would give is never dropped). An instance gets a role
/// only through an instance profile, and only if the role's trust policy
/// lets EC2 assume it
/// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html>):
/// without the instances, the roles the profiles hold; without the
/// profiles, the roles EC2 may assume. Each is not evaluated.
fn maybe_carried(cx: &Context<'_>, judged: &BTreeMap<&str, Vec<SharedStr>>) -> Vec<Outcome> {
    let profiles_missing = cx.not_collected(None, &["iam:ListInstanceProfiles"]);
    let instances_missing = cx
        .snapshot
        .region_names()
        .find_map(|r| cx.not_collected(Some(r), &["ec2:DescribeInstances"]));
    let Some(why) = instances_missing.or_else(|| profiles_missing.clone()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(why) = &profiles_missing {
        // The collector keeps only roles a profile holds: without the
        // profiles, the roles themselves may be missing too.
        out.push(iam_outcome(
            format!(
                "arn:{}:iam::{}:role/*",
                cx.snapshot.partition, cx.snapshot.account_id
            ),
            Status::NotEvaluated(why.clone()),
            "the roles instance profiles hold were not collected".to_string(),
            Vec::new(),
        ));
    }
    for role in &cx.snapshot.iam.roles {
        if judged.contains_key(role.role_name.as_str()) {
            continue;
        }
        let candidate = if profiles_missing.is_some() {
            ec2_may_assume(role)
        } else {
            cx.snapshot
                .iam
                .instance_profiles
                .iter()
                .any(|p| p.role_names.contains(&role.role_name))
        };
        if candidate {
            out.push(iam_outcome(
                role.arn.clone(),
                Status::NotEvaluated(why.clone()),
                format!(
                    "cannot tell whether an instance carries role {}: which instances carry which role is unknown",
                    role.role_name
                ),
                Vec::new(),
            ));
        }
    }
    out
}

/// Whether the role's trust policy may let EC2 assume it: an `Allow`
/// statement whose principal is everyone or names the EC2 service
/// principal; `true` when the trust policy is unknown or unreadable.
fn ec2_may_assume(role: &Role) -> bool {
    use serde_json::Value;
    let Some(doc) = &role.assume_role_policy else {
        return true;
    };
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => return true,
    };
    let names = |v: &Value, want: &dyn Fn(&str) -> bool| match v {
        Value::String(s) => want(s),
        Value::Array(a) => a.iter().any(|x| x.as_str().is_some_and(want)),
        _ => false,
    };
    let ec2 = |s: &str| {
        s.eq_ignore_ascii_case("ec2.amazonaws.com")
            || s.eq_ignore_ascii_case("ec2.amazonaws.com.cn")
    };
    statements.iter().any(|st| {
        st.get("Effect").and_then(Value::as_str) == Some("Allow")
            && match st.get("Principal") {
                Some(Value::String(p)) => p == "*",
                Some(Value::Object(p)) => {
                    p.get("Service").is_some_and(|v| names(v, &ec2))
                        || p.get("AWS").is_some_and(|v| names(v, &|s| s == "*"))
                }
                None => st.get("NotPrincipal").is_some(),
                _ => true,
            }
    })
}

/// One outcome per role carried by a live instance, from `judge`, listing
/// those instances; one per instance profile that cannot be resolved (not
/// evaluated) or holds no role (pass), listing its instances; plus the
/// regions without an instance list. Instances without a profile are
/// INST-002's and get nothing here.
///
/// What Auto Scaling groups will launch (issue 15 item 3) carries roles
/// too: a launch's instance profile (by ARN or by name, as a template may
/// give either: `LaunchTemplateIamInstanceProfileSpecification`, and a
/// launch configuration's `IamInstanceProfile`) adds its roles, judged like the others, the launch named
/// in the message and its group members listed (a member's card shows the
/// role its next instances get, even where the live ones carry another).
/// A launch whose profile or role is not in the snapshot is not evaluated,
/// filed on the launch; the fleets' gaps (launches that could not be read)
/// are reported as by every launch-judging check.
pub(crate) fn per_role<'s>(
    cx: &Context<'s>,
    mut judge: impl FnMut(&'s Role) -> Judged,
) -> Vec<Outcome> {
    let mut out = cx.instance_gaps();
    let mut by_role: BTreeMap<&str, Vec<SharedStr>> = BTreeMap::new();
    // Profile ARN -> (status, message, instances).
    let mut by_profile: BTreeMap<&str, (Status, String, Vec<SharedStr>)> = BTreeMap::new();
    for (region, i) in cx.live_instances() {
        let Some(profile_arn) = i.iam_instance_profile_arn.as_deref() else {
            continue;
        };
        let arn = cx.ec2_arn(region, "instance", &i.instance_id);
        let verdict = match cx.index.instance_profiles.get(profile_arn) {
            None => Some((
                Status::NotEvaluated(
                    cx.not_collected(None, &["iam:ListInstanceProfiles"])
                        .unwrap_or_else(|| {
                            format!("instance profile {profile_arn} is not in the snapshot")
                        }),
                ),
                format!("the role behind instance profile {profile_arn} is unknown"),
            )),
            Some(p) if p.role_names.is_empty() => Some((
                Status::Pass,
                format!(
                    "instance profile {} holds no role: its instances get no credentials",
                    p.instance_profile_name
                ),
            )),
            Some(p) => {
                let mut unknown = None;
                for name in &p.role_names {
                    match cx.index.roles.get(name.as_str()) {
                        Some(r) => by_role.entry(&r.role_name).or_default().push(arn.clone()),
                        None => unknown = Some(name),
                    }
                }
                unknown.map(|name| {
                    (
                        Status::NotEvaluated(format!(
                            "role {name}, named by instance profile {profile_arn}, is not in the snapshot"
                        )),
                        format!("the role {name} of instance profile {} is unknown", p.instance_profile_name),
                    )
                })
            }
        };
        if let Some((status, message)) = verdict {
            by_profile
                .entry(profile_arn)
                .or_insert((status, message, vec![]))
                .2
                .push(arn);
        }
    }
    let fleets = crate::fleets::Fleets::of(cx);
    out.extend(fleets.gaps.iter().cloned());
    let mut launched: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for l in &fleets.launches {
        let Some(named) = l.spec.iam_instance_profile.as_deref() else {
            continue;
        };
        let profile = cx.index.instance_profiles.get(named).copied().or_else(|| {
            cx.snapshot
                .iam
                .instance_profiles
                .iter()
                .find(|p| p.instance_profile_name == named)
        });
        let unknown = |why: String, what: String| {
            l.outcome(
                Status::NotEvaluated(why),
                format!("{} ({}) {what}", l.label, l.used_by()),
            )
        };
        let Some(p) = profile else {
            out.push(unknown(
                cx.not_collected(None, &["iam:ListInstanceProfiles"])
                    .unwrap_or_else(|| format!("instance profile {named} is not in the snapshot")),
                format!("launches with instance profile {named}, whose role is unknown"),
            ));
            continue;
        };
        for name in &p.role_names {
            match cx.index.roles.get(name.as_str()) {
                Some(r) => {
                    by_role
                        .entry(&r.role_name)
                        .or_default()
                        .extend(l.members.iter().cloned());
                    launched.entry(&r.role_name).or_default().push(&l.label);
                }
                None => out.push(unknown(
                    format!(
                        "role {name}, named by instance profile {}, is not in the snapshot",
                        p.instance_profile_name
                    ),
                    format!("launches with role {name}, which is unknown"),
                )),
            }
        }
    }
    // ECS tasks (issue 16 item 3): the task role of each running task's
    // task definition is what its containers' AWS calls use
    // (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html>),
    // judged like an instance's. Filed on the role, the tasks listed; a
    // task definition or role missing from the snapshot is not evaluated,
    // filed on the task definition.
    let mut by_definition: BTreeMap<(&str, &str), (Status, String, Vec<SharedStr>)> =
        BTreeMap::new();
    let mut missing_roles: BTreeMap<&str, (Status, String, Vec<SharedStr>)> = BTreeMap::new();
    for (region, t) in cx.live_tasks() {
        let arn = SharedStr::from(t.task_arn.as_str());
        let Some(def_arn) = t.task_definition_arn.as_deref() else {
            continue;
        };
        let def = cx
            .snapshot
            .regions
            .get(region)
            .and_then(|inv| inv.ecs.as_ref())
            .and_then(|e| e.task_definition(def_arn));
        let verdict = match def {
            None => Some((
                Status::NotEvaluated(why_missing(
                    cx,
                    Some(region),
                    &["ecs:DescribeTaskDefinition"],
                    def_arn,
                )),
                format!("the task role of task definition {def_arn} is unknown"),
            )),
            Some(d) => match d.task_role_arn.as_deref() {
                // No task role: the containers get no credentials.
                None => None,
                Some(role_arn) => {
                    let name = role_arn.rsplit('/').next().unwrap_or(role_arn);
                    match cx.index.roles.get(name) {
                        Some(r) => by_role.entry(&r.role_name).or_default().push(arn.clone()),
                        // Filed on the role the definition names, listing
                        // the tasks that carry it.
                        None => missing_roles
                            .entry(role_arn)
                            .or_insert_with(|| {
                                (
                                    Status::NotEvaluated(
                                        cx.not_collected(
                                            None,
                                            &["iam:GetAccountAuthorizationDetails"],
                                        )
                                        .unwrap_or_else(|| {
                                            format!(
                                                "role {role_arn}, the task role of {def_arn}, is not in the snapshot (rampart keeps the roles whose trust policy lets ECS tasks assume them)"
                                            )
                                        }),
                                    ),
                                    format!(
                                        "role {name}, the task role of task definition {def_arn}, is unknown"
                                    ),
                                    Vec::new(),
                                )
                            })
                            .2
                            .push(arn.clone()),
                    }
                    None
                }
            },
        };
        if let Some((status, message)) = verdict {
            by_definition
                .entry((region, def_arn))
                .or_insert((status, message, vec![]))
                .2
                .push(arn);
        }
    }
    // Where which role a task carries is unknown (a region's task list, or
    // a task definition, was not collected), every role ECS tasks may
    // assume and no known task carries may be one: not evaluated.
    let task_doubt = by_definition
        .values()
        .find_map(|(status, _, _)| match status {
            Status::NotEvaluated(why) => Some(why.clone()),
            _ => None,
        })
        .or_else(|| {
            cx.snapshot
                .region_names()
                .find_map(|r| cx.not_collected(Some(r), crate::registry::TASK_LISTS))
        });
    for ((region, def), (status, message, tasks)) in by_definition {
        let mut o = Outcome::new(def, region, status, message);
        o.affected = tasks;
        out.push(o);
    }
    for (role, (status, message, tasks)) in missing_roles {
        out.push(iam_outcome(role.to_string(), status, message, tasks));
    }
    out.extend(cx.task_gaps());
    if let Some(why) = task_doubt {
        for role in &cx.snapshot.iam.roles {
            if by_role.contains_key(role.role_name.as_str()) || !role.ecs_tasks_may_assume() {
                continue;
            }
            out.push(iam_outcome(
                role.arn.clone(),
                Status::NotEvaluated(why.clone()),
                format!(
                    "cannot tell whether an ECS task carries role {}: which tasks run with which task role is unknown",
                    role.role_name
                ),
                Vec::new(),
            ));
        }
    }
    out.extend(maybe_carried(cx, &by_role));
    for (name, instances) in by_role {
        let role = cx.index.roles[name];
        let j = judge(role);
        let message = match launched.get(name) {
            Some(labels) => format!("{}; launched by {}", j.message, crate::fleets::some(labels)),
            None => j.message,
        };
        out.push(iam_outcome(role.arn.clone(), j.status, message, instances));
    }
    for (profile, (status, message, instances)) in by_profile {
        out.push(iam_outcome(profile.to_string(), status, message, instances));
    }
    out
}

#[cfg(test)]
mod every_verdict_tests {
    //! Issue 14 item 3: a role an instance may carry keeps a verdict when
    //! the instances or the instance profiles were not collected.

    use rampart_model::Status;

    use super::super::fixtures::*;
    use super::super::instance_role_admin::InstanceRoleAdmin;
    use super::super::instance_role_wildcards::InstanceRoleWildcards;
    use crate::registry::Check;
    use crate::testing::{fail, region, run};

    fn status_on<'a>(got: &'a [crate::registry::Outcome], arn: &str) -> Option<&'a Status> {
        got.iter()
            .find(|o| o.resource_arn == arn)
            .map(|o| &o.status)
    }

    /// Group `web` (member `i-1`, which carries profile `app`) launches
    /// template `lt-1` version 1, whose instance profile is `profile`.
    fn fleet_with_profile(s: &mut rampart_model::Snapshot, profile: &str) {
        use crate::fleets::tests::{group, lt_ref};
        use rampart_model::*;
        region(s).autoscaling = Some(AutoScalingInventory {
            groups: vec![group("web", vec![lt_ref("1")], &[], &["i-1"])],
            launch_templates: vec![LaunchTemplate {
                id: "lt-1".into(),
                name: Some("web".into()),
                default_version: Some(1),
                latest_version: Some(1),
                versions: vec![LaunchTemplateVersion {
                    version: 1,
                    spec: LaunchSpec {
                        image_id: None,
                        iam_instance_profile: Some(profile.into()),
                        key_name: None,
                        metadata_options: None,
                        associate_public_ip: None,
                        subnet_id: None,
                        security_group_ids: vec![],
                        block_devices: vec![],
                    },
                }],
            }],
            launch_configurations: vec![],
            metadata_defaults: None,
        });
    }

    /// Issue 15 item 3: the role a launch template's profile holds is
    /// judged though no live instance carries it yet (the template was
    /// changed, the group not refreshed), by profile name or ARN (a
    /// template gives either:
    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateIamInstanceProfileSpecification.html,
    /// a launch configuration either too:
    /// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LaunchConfiguration.html); the
    /// message names the launch and the group's member is listed, so its
    /// card shows the role its next instance gets.
    #[test]
    fn a_role_only_a_launch_carries_is_judged_and_names_the_launch() {
        for by_name in [true, false] {
            let mut s = with_role();
            let builder = add_role(&mut s, "builder", true);
            attach_on(&mut s, "builder", ADMIN);
            let profile = if by_name {
                "builder".to_string()
            } else {
                "arn:aws:iam::123456789012:instance-profile/builder".to_string()
            };
            fleet_with_profile(&mut s, &profile);
            let got = run(&InstanceRoleAdmin, &s);
            let o = got
                .iter()
                .find(|o| o.resource_arn == builder.as_str())
                .unwrap_or_else(|| panic!("no verdict on the launch's role: {got:#?}"));
            assert_eq!(o.status, Status::Fail, "{o:#?}");
            assert!(
                o.message
                    .contains("launched by launch template web (lt-1) version 1"),
                "{}",
                o.message
            );
            assert_eq!(
                o.affected,
                vec![rampart_model::SharedStr::from(
                    "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
                )]
            );
            // The live instance's own role keeps its own verdict.
            assert_eq!(status_on(&got, ROLE_ARN), Some(&Status::Pass));
        }
    }

    #[test]
    fn a_launch_whose_profile_or_role_is_unknown_is_not_evaluated_on_the_launch() {
        const LAUNCH: &str = "arn:aws:ec2:us-east-1:123456789012:launch-template/lt-1/version/1";
        for check in [&InstanceRoleAdmin as &dyn Check, &InstanceRoleWildcards] {
            let mut s = with_role();
            fleet_with_profile(&mut s, "ghost");
            let got = run(check, &s);
            assert!(
                matches!(status_on(&got, LAUNCH), Some(Status::NotEvaluated(w)) if w.contains("instance profile ghost is not in the snapshot")),
                "{got:#?}"
            );
            // A profile that names a role the snapshot lacks.
            let mut s = with_role();
            s.iam.instance_profiles[0]
                .role_names
                .push("vanished".into());
            fleet_with_profile(&mut s, "app");
            let got = run(check, &s);
            assert!(
                matches!(status_on(&got, LAUNCH), Some(Status::NotEvaluated(w)) if w.contains("role vanished")),
                "{got:#?}"
            );
            // Without the profile list, the launch's role is unknown too.
            let mut s = with_role();
            s.iam.instance_profiles.clear();
            iam_fail(&mut s, "iam:ListInstanceProfiles", None);
            fleet_with_profile(&mut s, "builder");
            let got = run(check, &s);
            assert!(
                matches!(status_on(&got, LAUNCH), Some(Status::NotEvaluated(w)) if w.contains("iam:ListInstanceProfiles")),
                "{got:#?}"
            );
        }
    }

    #[test]
    fn a_role_in_a_profile_is_not_evaluated_without_the_instance_list() {
        for check in [&InstanceRoleAdmin as &dyn Check, &InstanceRoleWildcards] {
            let mut s = with_role();
            // A role no profile holds cannot be on an instance.
            let loose = add_role(&mut s, "loose", false);
            region(&mut s).ec2.instances.clear();
            fail(&mut s, "ec2:DescribeInstances");
            let got = run(check, &s);
            assert!(
                matches!(status_on(&got, ROLE_ARN), Some(Status::NotEvaluated(w)) if w.contains("ec2:DescribeInstances")),
                "{got:#?}"
            );
            assert_eq!(status_on(&got, &loose), None, "{got:#?}");
        }
    }

    #[test]
    fn a_role_ec2_may_assume_is_not_evaluated_without_the_profiles() {
        for check in [&InstanceRoleAdmin as &dyn Check, &InstanceRoleWildcards] {
            let mut s = with_role();
            role(&mut s).assume_role_policy = Some(trust("ec2.amazonaws.com"));
            let lambda = add_role(&mut s, "fn", false);
            s.iam.roles.last_mut().unwrap().assume_role_policy =
                Some(trust("lambda.amazonaws.com"));
            s.iam.instance_profiles.clear();
            iam_fail(&mut s, "iam:ListInstanceProfiles", None);
            let got = run(check, &s);
            assert!(
                matches!(status_on(&got, ROLE_ARN), Some(Status::NotEvaluated(w)) if w.contains("iam:ListInstanceProfiles")),
                "{got:#?}"
            );
            // Only EC2 can put a role on an instance (the role's trust
            // policy must let ec2.amazonaws.com assume it).
            assert_eq!(status_on(&got, &lambda), None, "{got:#?}");
            // The roles the collector did not keep stand behind role/*.
            assert!(
                matches!(
                    status_on(&got, "arn:aws:iam::123456789012:role/*"),
                    Some(Status::NotEvaluated(_))
                ),
                "{got:#?}"
            );
        }
    }

    #[test]
    fn nothing_missing_adds_nothing() {
        let mut s = with_role();
        add_role(&mut s, "spare", true);
        let got = run(&InstanceRoleAdmin, &s);
        assert_eq!(got.len(), 1, "{got:#?}");
    }
}
