//! What an instance's credentials allow: instance profile -> roles -> the
//! `Allow` statements of every attached managed policy (default version)
//! and inline policy, each labelled with where it came from, plus the parts
//! that could not be read. Shared by INST-003 (admin) and INST-004
//! (wildcards), which judge the statements; this module only gathers them.
//!
//! Knowledge is partial, not all-or-nothing: a check fails on what it can
//! see (an admin grant in one policy is a fact even if another policy was
//! not collected) and reports *not evaluated* only when nothing it saw
//! fails and something is missing.

use foldhash::HashMap;

use rampart_model::Status;

use crate::registry::why_missing;
use crate::registry::{Context, Outcome};

use super::policy::{Allow, allows, is_aws_administrator_access};

/// One policy's `Allow` statements and where they came from.
#[derive(Debug)]
pub(crate) struct Grant {
    /// `role R: managed policy NAME` or `role R: inline policy NAME`.
    pub source: String,
    pub allows: Vec<Allow>,
    /// The AWS managed `AdministratorAccess`, already counted in
    /// [`RoleGrants::administrator_access`].
    pub is_administrator_access: bool,
}

/// Everything known about the permissions an instance profile hands out.
#[derive(Debug, Default)]
pub(crate) struct RoleGrants {
    /// The profile's role names.
    pub roles: Vec<String>,
    pub grants: Vec<Grant>,
    /// AWS managed `AdministratorAccess` attachments (`role R`): admin by
    /// name, whether or not its document was collected.
    pub administrator_access: Vec<String>,
    /// Roles with a permissions boundary, which rampart does not evaluate
    /// (it can only narrow what the policies grant).
    pub boundaries: Vec<String>,
    /// Why part of the permissions is unknown, one entry per missing piece.
    pub missing: Vec<String>,
}

/// Resolves an instance profile. `Err` when the profile itself is unknown.
pub(crate) fn resolve(cx: &Context<'_>, profile_arn: &str) -> Result<RoleGrants, String> {
    let Some(profile) = cx.index.instance_profiles.get(profile_arn) else {
        return Err(cx
            .not_collected(None, &["iam:ListInstanceProfiles"])
            .unwrap_or_else(|| format!("instance profile {profile_arn} is not in the snapshot")));
    };
    let mut out = RoleGrants {
        roles: profile.role_names.clone(),
        ..RoleGrants::default()
    };
    for name in &profile.role_names {
        let Some(role) = cx.index.roles.get(name.as_str()) else {
            out.missing
                .push(format!("role {name} is not in the snapshot"));
            continue;
        };
        if let Some(b) = &role.permissions_boundary_arn {
            out.boundaries.push(format!("role {name}: {b}"));
        }
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
                    if is_aws_administrator_access(arn) {
                        out.administrator_access.push(format!("role {name}"));
                    }
                    let policy = cx.index.policies.get(arn.as_str());
                    let label = policy
                        .and_then(|p| p.policy_name.as_deref())
                        .unwrap_or(arn.as_str());
                    let source = format!("role {name}: managed policy {label}");
                    match policy.and_then(|p| p.document.as_ref()) {
                        Some(doc) => {
                            out.push(source, allows(doc), is_aws_administrator_access(arn))
                        }
                        // AdministratorAccess is `*` on `*` by definition;
                        // its missing document hides nothing.
                        None if is_aws_administrator_access(arn) => {}
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
                    let source = format!("role {name}: inline policy {}", p.policy_name);
                    match &p.document {
                        Some(doc) => out.push(source, allows(doc), false),
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
    }
    Ok(out)
}

impl RoleGrants {
    fn push(&mut self, source: String, parsed: Result<Vec<Allow>, String>, aws_admin: bool) {
        match parsed {
            Ok(allows) => self.grants.push(Grant {
                source,
                allows,
                is_administrator_access: aws_admin,
            }),
            Err(why) => self.missing.push(format!("{source}: {why}")),
        }
    }

    /// `; role R has a permissions boundary B (not evaluated)`, or nothing.
    pub fn boundary_note(&self) -> String {
        if self.boundaries.is_empty() {
            String::new()
        } else {
            format!(
                "; permissions boundary not evaluated ({})",
                self.boundaries.join(", ")
            )
        }
    }
}

/// One profile's verdict, shared by every instance that carries the
/// profile: a role is made per service, not per instance, so a hundred
/// instances may share one, and judging it parses its policies.
pub(crate) struct Judged {
    pub status: Status,
    /// The message; after the instance id when `after_id`.
    pub text: String,
    pub after_id: bool,
}

impl Judged {
    /// The verdict both role checks give: fail on what was `found` (the
    /// message is `ID{lead}{found, "; "-joined}` plus the boundary note);
    /// else not evaluated when part of the permissions is unknown ("no
    /// {what} grant seen, ..."); else pass, with `pass`'s message.
    pub fn of(
        grants: &RoleGrants,
        found: &[String],
        lead: &str,
        what: &str,
        pass: impl FnOnce() -> String,
    ) -> Judged {
        if !found.is_empty() {
            Judged {
                status: Status::Fail,
                text: format!("{lead}{}{}", found.join("; "), grants.boundary_note()),
                after_id: true,
            }
        } else if let Some(why) = grants.missing.first() {
            Judged {
                status: Status::NotEvaluated(why.clone()),
                text: format!(
                    "no {what} grant seen, but {} part(s) of the role's permissions are unknown",
                    grants.missing.len()
                ),
                after_id: false,
            }
        } else {
            Judged {
                status: Status::Pass,
                text: pass(),
                after_id: false,
            }
        }
    }

    /// The message for one instance.
    pub fn message(&self, instance_id: &str) -> String {
        if self.after_id {
            format!("{instance_id}{}", self.text)
        } else {
            self.text.clone()
        }
    }
}

/// One outcome per live instance with a profile, from `judge`'s verdict on
/// its profile, each profile judged once (`Err`: the profile is unknown,
/// remembered too); plus the regions without an instance list.
pub(crate) fn per_instance(
    cx: &Context<'_>,
    judge: impl Fn(&Context<'_>, &str) -> Result<Judged, String>,
) -> Vec<Outcome> {
    let mut out = cx.instance_gaps();
    let mut seen: HashMap<&str, Result<Judged, String>> = HashMap::default();
    for (region, i) in cx.live_instances() {
        let Some(profile) = &i.iam_instance_profile_arn else {
            continue;
        };
        let arn = cx.ec2_arn(region, "instance", &i.instance_id);
        let verdict = seen
            .entry(profile.as_str())
            .or_insert_with(|| judge(cx, profile));
        out.push(match verdict {
            Ok(j) => Outcome::new(arn, region, j.status.clone(), j.message(&i.instance_id)),
            Err(why) => Outcome::new(
                arn,
                region,
                Status::NotEvaluated(why.clone()),
                format!("the role of {} is unknown", i.instance_id),
            ),
        });
    }
    out
}
