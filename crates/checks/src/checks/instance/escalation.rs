//! Which roles of the IAM inventory are admin, directly or because they can
//! make themselves admin in a call or two (issue 13 item 18), for INST-003.
//!
//! A role is *admin* when a policy grants every action on every resource
//! (AdministratorAccess, `*` or `NotAction` on `*` or `arn:*`, ...). It is
//! *admin-equivalent* when it may:
//! - `iam:PutRolePolicy` or `iam:AttachRolePolicy` on its own ARN: write an
//!   inline `*` on `*` policy, or attach AdministratorAccess, to itself;
//! - `iam:CreatePolicyVersion` on a customer managed policy attached to it:
//!   that call alone may make the new version the default ("The
//!   iam:CreatePolicyVersion action allows them to create a new version of
//!   the policy and to set that version as the default",
//!   https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html#policy-version-permissions);
//!   AWS managed policies cannot be versioned by the account;
//! - `iam:UpdateAssumeRolePolicy` on an admin(-equivalent) role: make its
//!   trust policy name this role's ARN, then assume it (in one account a
//!   trust policy naming the role's ARN is enough, no identity policy
//!   needed: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
//!   On the role itself it opens the role to others but adds no
//!   permission, so it does not count;
//! - `iam:PassRole` on an admin(-equivalent) role with a way to hand it to
//!   compute it controls: `ec2:RunInstances`,
//!   `ec2:AssociateIamInstanceProfile` or
//!   `ec2:ReplaceIamInstanceProfileAssociation` when the role is in an
//!   instance profile (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/permission-to-pass-iam-roles.html),
//!   or `lambda:CreateFunction` with `lambda:InvokeFunction` when its trust
//!   policy lets Lambda assume it (or is unknown)
//!   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
//!
//! Admin-equivalence is followed to a fixed point: a role that may pass a
//! role that may make itself admin is admin-equivalent too. The launch and
//! invoke actions count on any resource (their resource scoping names what
//! the caller creates). An action counts when an `Allow` names it on the
//! resource (see [`super::policy`]: conditions do not stop it, they are
//! named in the finding) and no unconditional `Deny` covers it; permissions
//! boundaries are not evaluated (the finding names them).
//!
//! Only the roles of instance profiles are collected. Passing to EC2 needs
//! an instance profile, so those are all the roles PassRole can reach that
//! way, unless the role may also `iam:AddRoleToInstanceProfile`. A PassRole
//! (for Lambda, or with `AddRoleToInstanceProfile`) or an
//! `UpdateAssumeRolePolicy` that may reach a role outside the inventory is
//! a potential escalation rampart cannot judge: when nothing certain is
//! found it makes the role *not evaluated*, the potential named, never a
//! pass. So does a role it may take over whose own permissions are unknown.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use rampart_model::Role;
use serde_json::Value;

use super::policy::{Statement, covers_every_resource, covers_every_role, is_aws_managed};
use super::role_grants::{Judged, PolicyCache, RoleGrants, resolve_role};
use crate::registry::Context;

/// How many roles a path names before "and N more".
const LISTED: usize = 3;

/// What INST-003 knows about one role of the inventory.
struct Facts<'s> {
    role: &'s Role,
    grants: RoleGrants,
    /// Grants of every action on every resource, described.
    admin: Vec<String>,
    /// Ways to make itself admin without another role, described.
    own_paths: Vec<String>,
    /// The instance profile holding it, for the EC2 path.
    profile: Option<&'s str>,
    /// Whether Lambda may assume it (or its trust policy is unknown).
    trusts_lambda: bool,
    /// `ec2_means` and `lambda_means` of its grants.
    ec2: Option<(&'static str, Vec<String>)>,
    lambda: Option<Vec<String>>,
    /// It may take over another role: `iam:UpdateAssumeRolePolicy`, or
    /// `iam:PassRole` with a way to hand the role to compute.
    reaches_roles: bool,
}

/// Every role of the inventory, judged once.
pub(crate) struct Analysis<'s> {
    facts: Vec<Facts<'s>>,
    by_name: HashMap<&'s str, usize>,
    /// Admin or admin-equivalent roles (indices into `facts`).
    admin: HashSet<usize>,
    /// Roles not admin-equivalent whose verdict is unknown.
    unknown: HashMap<usize, String>,
    /// The ARNs of the inventory's roles.
    known: HashSet<&'s str>,
}

impl<'s> Analysis<'s> {
    pub fn new(cx: &Context<'s>) -> Analysis<'s> {
        let snapshot = cx.snapshot;
        let mut profile_of: HashMap<&str, &str> = HashMap::new();
        for p in &snapshot.iam.instance_profiles {
            for r in &p.role_names {
                profile_of
                    .entry(r.as_str())
                    .or_insert(&p.instance_profile_name);
            }
        }
        let mut cache = PolicyCache::default();
        let facts: Vec<Facts<'s>> = snapshot
            .iam
            .roles
            .iter()
            .map(|role| {
                let grants = resolve_role(cx, role, &mut cache);
                let admin = direct_admin(&grants);
                let own_paths = own_paths(role, &grants);
                let ec2 = ec2_means(&grants);
                let lambda = lambda_means(&grants);
                let reaches_roles = allowed(&grants, "iam:UpdateAssumeRolePolicy", None).is_some()
                    || ((ec2.is_some() || lambda.is_some())
                        && allowed(&grants, "iam:PassRole", None).is_some());
                Facts {
                    profile: profile_of.get(role.role_name.as_str()).copied(),
                    trusts_lambda: trusts(role.assume_role_policy.as_ref(), "lambda.amazonaws.com"),
                    role,
                    grants,
                    admin,
                    own_paths,
                    ec2,
                    lambda,
                    reaches_roles,
                }
            })
            .collect();
        let by_name = facts
            .iter()
            .enumerate()
            .map(|(n, f)| (f.role.role_name.as_str(), n))
            .collect();
        let mut a = Analysis {
            by_name,
            admin: facts
                .iter()
                .enumerate()
                .filter(|(_, f)| !f.admin.is_empty() || !f.own_paths.is_empty())
                .map(|(n, _)| n)
                .collect(),
            known: facts.iter().map(|f| f.role.arn.as_str()).collect(),
            facts,
            unknown: HashMap::new(),
        };
        a.close_admin();
        a.close_unknown();
        a
    }

    /// Adds the roles that may take over an admin role until none is left.
    fn close_admin(&mut self) {
        loop {
            let newly: Vec<usize> = (0..self.facts.len())
                .filter(|n| !self.admin.contains(n) && self.facts[*n].reaches_roles)
                .filter(|n| {
                    !self
                        .target_paths(*n, |t| self.admin.contains(&t))
                        .is_empty()
                })
                .collect();
            if newly.is_empty() {
                return;
            }
            self.admin.extend(newly);
        }
    }

    /// The roles, not admin-equivalent, whose verdict is unknown: part of
    /// their permissions unread, a potential escalation through roles that
    /// were not collected, or a role they may take over that is unknown.
    fn close_unknown(&mut self) {
        for n in 0..self.facts.len() {
            if self.admin.contains(&n) {
                continue;
            }
            let f = &self.facts[n];
            let why = f
                .grants
                .missing
                .first()
                .cloned()
                .or_else(|| self.potentials(n).into_iter().next());
            if let Some(why) = why {
                self.unknown.insert(n, why);
            }
        }
        loop {
            let newly: Vec<(usize, String)> = (0..self.facts.len())
                .filter(|n| {
                    !self.admin.contains(n)
                        && !self.unknown.contains_key(n)
                        && self.facts[*n].reaches_roles
                })
                .filter_map(|n| {
                    let t = self
                        .takeovers(n, |t| self.unknown.contains_key(&t))
                        .into_iter()
                        .next()?;
                    Some((n, self.unknown_target(t)))
                })
                .collect();
            if newly.is_empty() {
                return;
            }
            self.unknown.extend(newly);
        }
    }

    fn unknown_target(&self, t: usize) -> String {
        format!(
            "role {}, which it may take over, may be admin: {}",
            self.facts[t].role.role_name, self.unknown[&t]
        )
    }

    /// INST-003's verdict on role `role`.
    pub fn verdict(&self, role: &Role) -> Judged {
        let Some(&n) = self.by_name.get(role.role_name.as_str()) else {
            // `per_role` only asks about roles of the inventory.
            return Judged {
                status: rampart_model::Status::NotEvaluated(format!(
                    "role {} is not in the snapshot",
                    role.role_name
                )),
                message: format!("role {} is unknown", role.role_name),
            };
        };
        let f = &self.facts[n];
        if !f.admin.is_empty() {
            return Judged::of(
                &f.grants,
                &f.admin,
                &[],
                " has admin rights: ",
                "admin",
                String::new,
            );
        }
        let mut paths = f.own_paths.clone();
        paths.extend(self.target_paths(n, |t| self.admin.contains(&t)));
        let mut missing = f.grants.missing.clone();
        if paths.is_empty() {
            missing.extend(self.potentials(n));
            missing.extend(
                self.takeovers(n, |t| self.unknown.contains_key(&t))
                    .into_iter()
                    .map(|t| self.unknown_target(t)),
            );
        }
        Judged::of(
            &f.grants,
            &paths,
            &missing,
            " can make itself admin: ",
            "admin",
            || {
                let mut msg = format!(
                    "no policy of role {} grants every action on every resource or a way to make itself admin",
                    f.role.role_name
                );
                if f.ec2.is_some() && allowed(&f.grants, "iam:PassRole", None).is_some() {
                    msg.push_str(
                        " (it may pass roles to new instances, but no role it may pass is admin)",
                    );
                }
                msg
            },
        )
    }

    /// Roles `n` may take over for which `wanted` holds, each once.
    fn takeovers(&self, n: usize, wanted: impl Fn(usize) -> bool) -> Vec<usize> {
        if !self.facts[n].reaches_roles {
            return vec![];
        }
        (0..self.facts.len())
            .filter(|t| *t != n && wanted(*t))
            .filter(|t| !self.take_over(n, *t).is_empty())
            .collect()
    }

    /// The ways role `n` may take over role `t`, described.
    fn take_over(&self, n: usize, t: usize) -> Vec<String> {
        let (me, target) = (&self.facts[n], &self.facts[t]);
        let f = &me.grants;
        let arn = target.role.arn.as_str();
        let mut out = Vec::new();
        if let Some(via) = allowed(f, "iam:UpdateAssumeRolePolicy", Some(arn)) {
            out.push(format!(
                "iam:UpdateAssumeRolePolicy on {arn} (an admin role: trust itself, then sts:AssumeRole) ({})",
                vias(&[&via])
            ));
        }
        let Some(pass) = allowed(f, "iam:PassRole", Some(arn)) else {
            return out;
        };
        if let (Some(profile), Some((action, via))) = (target.profile, &me.ec2) {
            out.push(format!(
                "iam:PassRole on {arn} (an admin role, in instance profile {profile}) with {action} ({})",
                vias(&[&pass, via])
            ));
        } else if let (true, Some(via)) = (target.trusts_lambda, &me.lambda) {
            out.push(format!(
                "iam:PassRole on {arn} (an admin role that trusts Lambda) with \
                 lambda:CreateFunction and lambda:InvokeFunction ({})",
                vias(&[&pass, via])
            ));
        }
        out
    }

    /// The paths from role `n` to the roles for which `wanted` holds, at
    /// most [`LISTED`] of them named.
    fn target_paths(&self, n: usize, wanted: impl Fn(usize) -> bool) -> Vec<String> {
        let mut out = Vec::new();
        if !self.facts[n].reaches_roles {
            return out;
        }
        let mut more = 0;
        for t in (0..self.facts.len()).filter(|t| *t != n && wanted(*t)) {
            let paths = self.take_over(n, t);
            if paths.is_empty() {
                continue;
            }
            if out.len() < LISTED {
                out.extend(paths);
            } else {
                more += 1;
            }
        }
        if more > 0 {
            out.push(format!("and {more} more admin role(s) the same way"));
        }
        out
    }

    /// Escalations through roles the inventory does not hold, described.
    fn potentials(&self, n: usize) -> Vec<String> {
        let me = &self.facts[n];
        let f = &me.grants;
        let known = &self.known;
        let mut out = Vec::new();
        if !self.facts[n].reaches_roles {
            return out;
        }
        const OUTSIDE: &str = "roles outside instance profiles are not collected";
        if let Some((on, pass)) = beyond(f, "iam:PassRole", known) {
            if let Some(via) = &me.lambda {
                out.push(format!(
                    "{OUTSIDE}: iam:PassRole on {on} with lambda:CreateFunction and \
                     lambda:InvokeFunction ({}) may hand one, an admin one included, to a function it runs",
                    vias(&[&pass, via])
                ));
            }
            if let (Some(add), Some((action, via))) =
                (allowed(f, "iam:AddRoleToInstanceProfile", None), &me.ec2)
            {
                out.push(format!(
                    "{OUTSIDE}: iam:PassRole on {on} with iam:AddRoleToInstanceProfile and {action} ({}) \
                     may put one, an admin one included, on an instance",
                    vias(&[&pass, &add, via])
                ));
            }
        }
        if let Some((on, via)) = beyond(f, "iam:UpdateAssumeRolePolicy", known) {
            out.push(format!(
                "{OUTSIDE}: iam:UpdateAssumeRolePolicy on {on} ({}) may take one over, an admin one included",
                vias(&[&via])
            ));
        }
        out
    }
}

/// The grants of every action on every resource, described.
fn direct_admin(grants: &RoleGrants) -> Vec<String> {
    let mut admin = Vec::new();
    if grants.administrator_access {
        admin.push("AWS managed AdministratorAccess attached".to_string());
    }
    // AdministratorAccess's own document would say the same again.
    for g in grants.grants.iter().filter(|g| !g.is_administrator_access) {
        if let Some(a) = g.statements.allows.iter().find(|a| a.is_admin()) {
            let every = a
                .resources
                .iter()
                .find(|r| covers_every_resource(r))
                .map_or("*", |r| r.trim());
            let on = if every == "*" {
                "*".to_string()
            } else {
                format!("{every} (every resource)")
            };
            let what = match (a.not_action, a.not_resource) {
                (false, false) => format!("allows * on {on}"),
                (true, false) => format!(
                    "allows every action except {} (NotAction) on {on}",
                    a.actions.join(", ")
                ),
                (true, true) => format!(
                    "allows every action except {} (NotAction) on every resource except {} (NotResource)",
                    a.actions.join(", "),
                    a.resources.join(", ")
                ),
                (false, true) => format!(
                    "allows * on every resource except {} (NotResource)",
                    a.resources.join(", ")
                ),
            };
            admin.push(format!("{}: {what}", g.source));
        }
    }
    admin
}

/// The ways a role may rewrite its own permissions, described.
fn own_paths(role: &Role, grants: &RoleGrants) -> Vec<String> {
    let mut out = Vec::new();
    for action in ["iam:PutRolePolicy", "iam:AttachRolePolicy"] {
        if let Some(via) = allowed(grants, action, Some(&role.arn)) {
            out.push(format!("{action} on {} ({})", role.arn, vias(&[&via])));
        }
    }
    for policy in role.attached_policy_arns.iter().flatten() {
        if is_aws_managed(policy) {
            continue;
        }
        if let Some(via) = allowed(grants, "iam:CreatePolicyVersion", Some(policy)) {
            out.push(format!(
                "iam:CreatePolicyVersion on {policy}, attached to it, as the new default version ({})",
                vias(&[&via])
            ));
        }
    }
    out
}

/// Where `action` is allowed on `arn` (on some resource when `None`): the
/// sources of the allowing statements (those without a condition when
/// there are any, else each with its condition named); `None` when no
/// statement allows it or an unconditional deny covers it.
fn allowed(grants: &RoleGrants, action: &str, arn: Option<&str>) -> Option<Vec<String>> {
    if grants.denied(action, arn) {
        return None;
    }
    let matching: Vec<(&str, &Statement)> = grants
        .allows()
        .filter(|(_, a)| a.matches_action(action) && arn.is_none_or(|r| a.matches_resource(r)))
        .collect();
    let plain: Vec<String> = matching
        .iter()
        .filter(|(_, a)| a.conditions.is_empty())
        .map(|(s, _)| s.to_string())
        .collect();
    let sources = if plain.is_empty() {
        matching
            .iter()
            .map(|(s, a)| format!("{s}{}", a.condition_note()))
            .collect()
    } else {
        plain
    };
    (!sources.is_empty()).then(|| dedup(sources))
}

/// The first EC2 action that hands a role to an instance, and where it is
/// allowed.
fn ec2_means(grants: &RoleGrants) -> Option<(&'static str, Vec<String>)> {
    [
        "ec2:RunInstances",
        "ec2:AssociateIamInstanceProfile",
        "ec2:ReplaceIamInstanceProfileAssociation",
    ]
    .into_iter()
    .find_map(|a| allowed(grants, a, None).map(|via| (a, via)))
}

/// Where creating and invoking a Lambda function are allowed.
fn lambda_means(grants: &RoleGrants) -> Option<Vec<String>> {
    let mut create = allowed(grants, "lambda:CreateFunction", None)?;
    create.extend(allowed(grants, "lambda:InvokeFunction", None)?);
    Some(dedup(create))
}

/// Whether `action` is allowed on a role the inventory does not hold: the
/// resource patterns (joined) and where they are allowed.
fn beyond(
    grants: &RoleGrants,
    action: &str,
    known: &HashSet<&str>,
) -> Option<(String, Vec<String>)> {
    if grants.denied(action, None) {
        return None;
    }
    let mut on = Vec::new();
    let mut sources = Vec::new();
    for (source, a) in grants.allows().filter(|(_, a)| a.matches_action(action)) {
        let reach = a.not_resource || a.resources.iter().any(|r| may_name_other_role(r, known));
        if reach {
            if a.not_resource {
                on.push(format!("every resource except {}", a.resources.join(", ")));
            } else {
                on.extend(a.resources.iter().cloned());
            }
            sources.push(format!("{source}{}", a.condition_note()));
        }
    }
    (!on.is_empty()).then(|| (dedup(on).join(", "), dedup(sources)))
}

/// Whether a resource pattern may match the ARN of a role not in `known`:
/// it covers every role, or, with its wildcards filled in, it is the ARN
/// of a role the inventory does not hold.
fn may_name_other_role(pattern: &str, known: &HashSet<&str>) -> bool {
    let p = pattern.trim();
    if covers_every_role(p) {
        return true;
    }
    let filled: String = p
        .chars()
        .map(|c| if matches!(c, '*' | '?') { '\u{1}' } else { c })
        .collect();
    let mut parts = filled.splitn(6, ':');
    let is_role = parts.next() == Some("arn")
        && parts.next().is_some()
        && parts.next() == Some("iam")
        && parts.next().is_some()
        && parts.next().is_some()
        && parts.next().is_some_and(|r| r.starts_with("role/"));
    is_role && !known.contains(filled.as_str())
}

/// Whether a role trust policy lets `service` assume the role: an `Allow`
/// whose principal is the service, `*` or `{"AWS": "*"}`. An unknown or
/// unreadable trust policy is taken to allow it (an upper bound).
fn trusts(policy: Option<&Value>, service: &str) -> bool {
    let Some(Value::Object(doc)) = policy else {
        return true;
    };
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(l)) => l.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => return true,
    };
    let names = |v: &Value, want: &str| match v {
        Value::String(s) => s == want || s == "*",
        Value::Array(l) => l
            .iter()
            .any(|x| x.as_str().is_some_and(|s| s == want || s == "*")),
        _ => false,
    };
    statements.iter().any(|st| {
        let allow = st
            .get("Effect")
            .and_then(Value::as_str)
            .is_some_and(|e| e.eq_ignore_ascii_case("allow"));
        allow
            && match st.get("Principal") {
                Some(Value::String(s)) => s == "*",
                Some(p @ Value::Object(_)) => {
                    p.get("Service")
                        .is_some_and(|v| names(v, service) || names(v, &format!("{service}.cn")))
                        || p.get("AWS").is_some_and(|v| names(v, "*"))
                }
                _ => false,
            }
    })
}

/// The `, `-joined sources of several allowed actions, each source once.
fn vias(parts: &[&Vec<String>]) -> String {
    dedup(parts.iter().flat_map(|p| p.iter().cloned()).collect()).join(", ")
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    v.into_iter().filter(|x| seen.insert(x.clone())).collect()
}
