//! IAM inventory (global, once per account), limited to what the instance
//! layer needs: instance profiles, the roles in them, each role's attached
//! managed policies (default version's document, each policy fetched once
//! however many roles share it) and inline policy documents. Roles that no
//! instance profile holds are not read.

use std::collections::BTreeSet;

use aws_sdk_iam::Client;
use aws_sdk_iam::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, parse_policy};
use crate::session::task;

const SITE: Site<'static> = Site {
    service: "iam",
    region: None,
};

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

async fn collect_inner(ctx: &Ctx) -> IamInventory {
    let client = Client::from_conf(
        aws_sdk_iam::config::Builder::from(&ctx.sdk)
            .interceptor(ctx.counter("iam"))
            .http_client(ctx.http_client("iam", None))
            .build(),
    );
    let c = &client;
    let profiles: Vec<t::InstanceProfile> = paged!(
        ctx,
        SITE,
        "ListInstanceProfiles",
        c.list_instance_profiles()
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

    // A role can sit in several profiles: read it once.
    let mut seen = BTreeSet::new();
    let unique_roles: Vec<&t::Role> = profiles
        .iter()
        .flat_map(|p| p.roles())
        .filter(|r| seen.insert(r.arn().to_string()))
        .collect();
    let mut roles: Vec<Role> = futures::stream::iter(unique_roles)
        .map(|r| role(ctx, c, r))
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    roles.sort_by(|a, b| a.arn.cmp(&b.arn));

    let policy_arns: BTreeSet<String> = roles
        .iter()
        .flat_map(|r| r.attached_policy_arns.iter().flatten().cloned())
        .collect();
    let mut policies: Vec<ManagedPolicy> = futures::stream::iter(policy_arns)
        .map(|arn| managed_policy(ctx, c, arn))
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    policies.sort_by(|a, b| a.arn.cmp(&b.arn));

    IamInventory {
        instance_profiles,
        roles,
        policies,
    }
}

async fn role(ctx: &Ctx, c: &Client, r: &t::Role) -> Role {
    let name = r.role_name();
    let arn = r.arn();
    let (attached, inline) = tokio::join!(
        async {
            let res: Result<Vec<t::AttachedPolicy>, _> = c
                .list_attached_role_policies()
                .role_name(name)
                .into_paginator()
                .items()
                .send()
                .collect()
                .await;
            ctx.ok(SITE, "ListAttachedRolePolicies", Some(arn), res)
                .map(|list| {
                    let mut v: Vec<String> = list
                        .iter()
                        .filter_map(|p| p.policy_arn().map(str::to_string))
                        .collect();
                    v.sort();
                    v
                })
        },
        async {
            let res: Result<Vec<String>, _> = c
                .list_role_policies()
                .role_name(name)
                .into_paginator()
                .items()
                .send()
                .collect()
                .await;
            let names = ctx.ok(SITE, "ListRolePolicies", Some(arn), res)?;
            let mut docs: Vec<InlinePolicy> = futures::stream::iter(names)
                .map(|policy_name| async move {
                    let res = c
                        .get_role_policy()
                        .role_name(name)
                        .policy_name(&policy_name)
                        .send()
                        .await;
                    let resource = format!("{arn}/{policy_name}");
                    let document = ctx
                        .ok(SITE, "GetRolePolicy", Some(&resource), res)
                        .map(|o| parse_policy(o.policy_document()));
                    InlinePolicy {
                        policy_name,
                        document,
                    }
                })
                .buffer_unordered(ctx.fanout)
                .collect()
                .await;
            docs.sort_by(|a, b| a.policy_name.cmp(&b.policy_name));
            Some(docs)
        },
    );
    Role {
        arn: arn.to_string(),
        role_name: name.to_string(),
        role_id: Some(r.role_id().to_string()),
        path: Some(r.path().to_string()),
        assume_role_policy: r.assume_role_policy_document().map(parse_policy),
        permissions_boundary_arn: r
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn().map(str::to_string)),
        attached_policy_arns: attached,
        inline_policies: inline,
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
