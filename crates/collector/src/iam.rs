//! IAM inventory (global, once per account), limited to what the instance
//! layer needs: instance profiles, the roles in them, the roles ECS tasks
//! may assume (a trust policy naming `ecs-tasks.amazonaws.com`, which a task
//! role needs:
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html>),
//! each role's attached managed policies (default version's document, each
//! policy once however many roles share it) and inline policy documents.
//! Other roles are not kept.
//!
//! Two paged calls carry almost everything: `ListInstanceProfiles` and
//! `GetAccountAuthorizationDetails` (filter `Role`, `LocalManagedPolicy`),
//! which returns every role with its inline documents and attached policy
//! ARNs, and every customer managed policy with its versions, 1,000 items a
//! page. Per role that replaces `ListAttachedRolePolicies`,
//! `ListRolePolicies` and one `GetRolePolicy` per inline policy, and per
//! customer managed policy `GetPolicy` + `GetPolicyVersion`. Only AWS
//! managed policies attached to an instance role are still read one by one
//! (`GetPolicy` + `GetPolicyVersion`): asking the batch call for them
//! (`AWSManagedPolicy`) would return every AWS managed policy with every
//! version in some implementations, hundreds where a handful are needed.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::Client;
use aws_sdk_iam::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, parse_policy};
use crate::ids::IdShape;
use crate::session::task;

const SITE: Site<'static> = Site {
    service: "iam",
    region: None,
};

const ROLE: IdShape = IdShape::Arn {
    service: "iam",
    resource: "role",
};
const POLICY: IdShape = IdShape::Arn {
    service: "iam",
    resource: "policy",
};

/// The largest page IAM hands out (`MaxItems` 1..=1000).
const PAGE: i32 = 1000;

pub(crate) async fn collect(ctx: &Ctx) -> IamInventory {
    task(
        ctx,
        "iam",
        None,
        |i: &IamInventory| i.instance_profiles.len() + i.roles.len() + i.policies.len(),
        collect_inner(ctx),
    )
    .await
}

/// What `GetAccountAuthorizationDetails` returned, by ARN; `None` when a
/// page failed (the error is recorded).
struct Details {
    roles: BTreeMap<String, t::RoleDetail>,
    policies: BTreeMap<String, t::ManagedPolicyDetail>,
}

async fn details(ctx: &Ctx, c: &Client) -> Option<Details> {
    let pages: Vec<Result<_, _>> = c
        .get_account_authorization_details()
        .filter(t::EntityType::Role)
        .filter(t::EntityType::LocalManagedPolicy)
        .into_paginator()
        .page_size(PAGE)
        .send()
        .collect()
        .await;
    let mut out = Details {
        roles: BTreeMap::new(),
        policies: BTreeMap::new(),
    };
    for page in pages {
        let page = ctx.ok(SITE, "GetAccountAuthorizationDetails", None, page)?;
        // A role, attached policy or policy with a malformed ARN: the whole
        // answer is refused (crate::ids), so no role's policies are known.
        let gaad = "GetAccountAuthorizationDetails";
        let refused = |what: &str, shape: IdShape, arns: Vec<Option<&str>>| {
            !arns.is_empty()
                && ctx
                    .well_formed(SITE, gaad, None, what, shape, arns, |a| *a)
                    .is_empty()
        };
        let attached: Vec<Option<&str>> = page
            .role_detail_list()
            .iter()
            .flat_map(|r| r.attached_managed_policies())
            .map(|p| p.policy_arn())
            .collect();
        if refused(
            "role",
            ROLE,
            page.role_detail_list().iter().map(|r| r.arn()).collect(),
        ) || refused("attached policy", POLICY, attached)
            || refused(
                "policy",
                POLICY,
                page.policies().iter().map(|p| p.arn()).collect(),
            )
        {
            return None;
        }
        for r in page.role_detail_list() {
            if let Some(arn) = r.arn() {
                out.roles.insert(arn.to_string(), r.clone());
            }
        }
        for p in page.policies() {
            if let Some(arn) = p.arn() {
                out.policies.insert(arn.to_string(), p.clone());
            }
        }
    }
    Some(out)
}

async fn collect_inner(ctx: &Ctx) -> IamInventory {
    let _timer = crate::ctx::Timer::new("iam", None);
    let client = Client::from_conf(
        aws_sdk_iam::config::Builder::from(&ctx.sdk)
            .interceptor(ctx.counter("iam"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Xml))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("iam", None))
            .build(),
    );
    let c = &client;
    let (profiles, details) = tokio::join!(
        async {
            let profiles: Vec<t::InstanceProfile> = paged!(
                ctx,
                SITE,
                "ListInstanceProfiles",
                c.list_instance_profiles().max_items(PAGE)
            );
            // A malformed instance profile or role ARN: the answer is
            // refused whole (crate::ids).
            let profiles = ctx.well_formed(
                SITE,
                "ListInstanceProfiles",
                None,
                "instance profile",
                IdShape::Arn {
                    service: "iam",
                    resource: "instance-profile",
                },
                profiles,
                |p| Some(p.arn()),
            );
            let roles: Vec<&str> = profiles
                .iter()
                .flat_map(|p| p.roles())
                .map(|r| r.arn())
                .collect();
            if !roles.is_empty()
                && ctx
                    .well_formed(
                        SITE,
                        "ListInstanceProfiles",
                        None,
                        "role",
                        ROLE,
                        roles,
                        |a| Some(*a),
                    )
                    .is_empty()
            {
                return Vec::new();
            }
            profiles
        },
        details(ctx, c),
    );

    let mut instance_profiles: Vec<InstanceProfile> = profiles
        .iter()
        .map(|p| {
            let mut role_names: Vec<String> = p
                .roles()
                .iter()
                .map(|r| r.role_name().to_string())
                .collect();
            role_names.sort();
            InstanceProfile {
                arn: p.arn().to_string(),
                instance_profile_name: p.instance_profile_name().to_string(),
                instance_profile_id: Some(p.instance_profile_id().to_string()),
                path: Some(p.path().to_string()),
                role_names,
            }
        })
        .collect();
    instance_profiles.sort_by(|a, b| a.arn.cmp(&b.arn));

    // A role can sit in several profiles: keep it once.
    let mut seen = BTreeSet::new();
    let mut roles: Vec<Role> = profiles
        .iter()
        .flat_map(|p| p.roles())
        .filter(|r| seen.insert(r.arn().to_string()))
        .map(|r| role(r, details.as_ref().and_then(|d| d.roles.get(r.arn()))))
        .collect();
    // Roles ECS tasks may assume (task roles), from the authorization
    // details: no instance profile names them.
    if let Some(d) = &details {
        for (arn, detail) in &d.roles {
            let trusts = detail
                .assume_role_policy_document()
                .map(parse_policy)
                .and_then(|doc| {
                    rampart_model::trust_admits_service(&doc, rampart_model::ECS_TASKS_PRINCIPAL)
                })
                .unwrap_or(false);
            if trusts && seen.insert(arn.clone()) {
                roles.push(role_from_detail(detail));
            }
        }
    }
    roles.sort_by(|a, b| a.arn.cmp(&b.arn));

    let policy_arns: BTreeSet<String> = roles
        .iter()
        .flat_map(|r| r.attached_policy_arns.iter().flatten().cloned())
        .collect();
    let (local, aws): (Vec<String>, Vec<String>) = policy_arns.into_iter().partition(|arn| {
        details
            .as_ref()
            .is_some_and(|d| d.policies.contains_key(arn))
    });
    let mut policies: Vec<ManagedPolicy> = local
        .into_iter()
        .filter_map(|arn| {
            let p = details.as_ref()?.policies.get(&arn)?;
            Some(local_policy(arn, p))
        })
        .collect();
    policies.extend(
        futures::stream::iter(aws)
            .map(|arn| managed_policy(ctx, c, arn))
            .buffer_unordered(ctx.fanout)
            .collect::<Vec<_>>()
            .await,
    );
    policies.sort_by(|a, b| a.arn.cmp(&b.arn));

    IamInventory {
        instance_profiles,
        roles,
        policies,
    }
}

/// A role only the authorization details name (an ECS task role).
fn role_from_detail(d: &t::RoleDetail) -> Role {
    let mut attached: Vec<String> = d
        .attached_managed_policies()
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .collect();
    attached.sort();
    let mut inline: Vec<InlinePolicy> = d
        .role_policy_list()
        .iter()
        .map(|p| InlinePolicy {
            policy_name: p.policy_name().unwrap_or_default().to_string(),
            document: p.policy_document().map(parse_policy),
        })
        .collect();
    inline.sort_by(|a, b| a.policy_name.cmp(&b.policy_name));
    Role {
        arn: d.arn().unwrap_or_default().to_string(),
        role_name: d.role_name().unwrap_or_default().to_string(),
        role_id: d.role_id().map(str::to_string),
        path: d.path().map(str::to_string),
        assume_role_policy: d.assume_role_policy_document().map(parse_policy),
        permissions_boundary_arn: d
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn().map(str::to_string)),
        attached_policy_arns: Some(attached),
        inline_policies: Some(inline),
    }
}

/// A role as its instance profile names it, completed from the
/// authorization details; without them (the call failed, or the role was
/// created after it ran) its policies are "not collected".
fn role(r: &t::Role, detail: Option<&t::RoleDetail>) -> Role {
    let attached = detail.map(|d| {
        let mut v: Vec<String> = d
            .attached_managed_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_string))
            .collect();
        v.sort();
        v
    });
    let inline = detail.map(|d| {
        let mut v: Vec<InlinePolicy> = d
            .role_policy_list()
            .iter()
            .map(|p| InlinePolicy {
                policy_name: p.policy_name().unwrap_or_default().to_string(),
                document: p.policy_document().map(parse_policy),
            })
            .collect();
        v.sort_by(|a, b| a.policy_name.cmp(&b.policy_name));
        v
    });
    let boundary = detail
        .and_then(|d| d.permissions_boundary())
        .or(r.permissions_boundary())
        .and_then(|b| b.permissions_boundary_arn().map(str::to_string));
    Role {
        arn: r.arn().to_string(),
        role_name: r.role_name().to_string(),
        role_id: Some(r.role_id().to_string()),
        path: Some(r.path().to_string()),
        assume_role_policy: detail
            .and_then(|d| d.assume_role_policy_document())
            .or(r.assume_role_policy_document())
            .map(parse_policy),
        permissions_boundary_arn: boundary,
        attached_policy_arns: attached,
        inline_policies: inline,
    }
}

/// A customer managed policy from the authorization details: the default
/// version's document is in its version list.
fn local_policy(arn: String, p: &t::ManagedPolicyDetail) -> ManagedPolicy {
    let version = p.default_version_id().map(str::to_string);
    let document = p
        .policy_version_list()
        .iter()
        .find(|v| {
            v.is_default_version() || (version.is_some() && v.version_id() == version.as_deref())
        })
        .and_then(|v| v.document().map(parse_policy));
    ManagedPolicy {
        policy_name: p.policy_name().map(str::to_string),
        default_version_id: version,
        document,
        arn,
    }
}

async fn managed_policy(ctx: &Ctx, c: &Client, arn: String) -> ManagedPolicy {
    let res = c.get_policy().policy_arn(&arn).send().await;
    let policy = ctx.ok(SITE, "GetPolicy", Some(&arn), res);
    let meta = policy.as_ref().and_then(|p| p.policy());
    let version = meta
        .and_then(|p| p.default_version_id())
        .map(str::to_string);
    let document = match &version {
        Some(v) => {
            let res = c
                .get_policy_version()
                .policy_arn(&arn)
                .version_id(v)
                .send()
                .await;
            ctx.ok(SITE, "GetPolicyVersion", Some(&arn), res)
                .and_then(|o| {
                    o.policy_version()
                        .and_then(|pv| pv.document().map(parse_policy))
                })
        }
        None => None,
    };
    ManagedPolicy {
        policy_name: meta.and_then(|p| p.policy_name()).map(str::to_string),
        default_version_id: version,
        document,
        arn,
    }
}
