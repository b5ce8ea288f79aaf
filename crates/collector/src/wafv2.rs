//! WAFv2 (REGIONAL scope) inventory of one region: every web ACL in full
//! (rules, statements, managed-group overrides, default action), its
//! logging destinations, and the resources it protects.
//!
//! Associations come from `ListResourcesForWebACL`, listed with the ACLs
//! (beside the other services of the region, not after them). Where that
//! operation is unavailable (some emulators do not implement it) the same
//! facts are rebuilt from the other side once the stages and load
//! balancers are in: each REST stage reports its `webAclArn`, and
//! `GetWebACLForResource` is asked for every ALB. The original failure is
//! kept aside ([`Ctx::defer`]) and recorded only if the fallback cannot
//! stand in for it. Logging works the
//! same way: `ListLoggingConfigurations` (one call), else
//! `GetLoggingConfiguration` per ACL.

use std::collections::BTreeMap;

use aws_sdk_wafv2::Client;
use aws_sdk_wafv2::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site};
use crate::ids::IdShape;

fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_wafv2::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("wafv2"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("wafv2", Some(region)))
            .build(),
    )
}

fn site(region: &str) -> Site<'_> {
    Site {
        service: "wafv2",
        region: Some(region),
    }
}

/// Lists and fetches every REGIONAL web ACL with its logging configuration.
/// Associations are filled in by [`associate`].
pub(crate) async fn collect_acls(ctx: &Ctx, region: &str) -> Vec<WebAcl> {
    let _timer = crate::ctx::Timer::new("wafv2 acls", Some(region));
    let c = &client(ctx, region);
    let site = site(region);
    let mut acls = fetch_acls(ctx, site, c, t::Scope::Regional).await;
    // Associations are listed here, beside the other services, not after
    // them: only the fallback needs the stages and load balancers.
    let arns: Vec<String> = acls.iter().map(|a| a.arn.clone()).collect();
    tokio::join!(
        logging(ctx, site, c, t::Scope::Regional, &mut acls),
        list_associations(ctx, region, c, &arns)
    )
    .1
    .into_iter()
    .zip(acls.iter_mut())
    .for_each(|(list, acl)| acl.associated_resources = list);
    acls
}

/// The `CLOUDFRONT`-scope web ACLs (called in us-east-1, `region`), with
/// their logging; errors are recorded without a region (a global
/// resource, beside the regional ACLs of us-east-1). Their associations
/// are the distributions that name them (`associated_resources` stays
/// `None`).
pub(crate) async fn collect_cloudfront_acls(ctx: &Ctx, region: &str) -> Vec<WebAcl> {
    let _timer = crate::ctx::Timer::new("wafv2 cloudfront acls", None);
    // us-east-1's client, endpoint and rate cap: the same requests on the
    // wire as the region's own ACLs.
    let c = &client(ctx, region);
    let site = Site {
        service: "wafv2",
        region: None,
    };
    let mut acls = fetch_acls(ctx, site, c, t::Scope::Cloudfront).await;
    logging(ctx, site, c, t::Scope::Cloudfront, &mut acls).await;
    acls
}

/// `ListWebACLs` and `GetWebACL` for every ACL of `scope`.
async fn fetch_acls(ctx: &Ctx, site: Site<'_>, c: &Client, scope: t::Scope) -> Vec<WebAcl> {
    let Some(summaries) = ctx
        .token_pages(
            site,
            "ListWebACLs",
            None,
            |marker| {
                c.list_web_acls()
                    .scope(scope.clone())
                    .set_next_marker(marker)
                    .limit(100)
                    .send()
            },
            |o| o.web_acls(),
            |o| o.next_marker(),
        )
        .await
    else {
        return Vec::new();
    };
    // An answer with a malformed ARN is refused whole (crate::ids).
    let summaries = ctx.well_formed(
        site,
        "ListWebACLs",
        None,
        "web ACL",
        IdShape::Arn {
            service: "wafv2",
            resource: if scope == t::Scope::Cloudfront {
                "global/webacl"
            } else {
                "regional/webacl"
            },
        },
        summaries,
        |s: &t::WebAclSummary| s.arn(),
    );

    let mut acls: Vec<WebAcl> = futures::stream::iter(summaries.iter())
        .map(|s| {
            let scope = scope.clone();
            async move {
                let (name, id, arn) = (
                    s.name().unwrap_or_default(),
                    s.id().unwrap_or_default(),
                    s.arn().unwrap_or_default(),
                );
                let res = c.get_web_acl().name(name).id(id).scope(scope).send().await;
                let full = ctx.ok(site, "GetWebACL", Some(arn), res);
                let body = full.as_ref().and_then(|o| o.web_acl());
                WebAcl {
                    arn: arn.to_string(),
                    id: id.to_string(),
                    name: name.to_string(),
                    default_action: body.and_then(|b| b.default_action()).map(|d| {
                        if d.block().is_some() {
                            "block"
                        } else {
                            "allow"
                        }
                        .to_string()
                    }),
                    rules: body.map(|b| {
                        let mut rules: Vec<WafRule> = b.rules().iter().map(rule).collect();
                        rules.sort_by_key(|r| r.priority);
                        rules
                    }),
                    capacity: body.map(|b| b.capacity()),
                    associated_resources: None,
                    logging_destinations: None,
                }
            }
        })
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    acls.sort_by(|a, b| a.arn.cmp(&b.arn));
    acls
}

/// `ListResourcesForWebACL` for every ACL and resource type: each ACL's
/// resources when every call worked, else `None` for all (the failures are
/// kept aside for [`associate`] to record or drop).
async fn list_associations(
    ctx: &Ctx,
    region: &str,
    c: &Client,
    arns: &[String],
) -> Vec<Option<Vec<String>>> {
    const TYPES: [t::ResourceType; 2] = [
        t::ResourceType::ApiGateway,
        t::ResourceType::ApplicationLoadBalancer,
    ];
    let site = site(region);
    let listed: Vec<(String, Result<Vec<String>, _>)> = futures::stream::iter(
        arns.iter()
            .flat_map(|a| TYPES.iter().map(move |ty| (a.clone(), ty.clone()))),
    )
    .map(|(arn, ty)| async move {
        let res = c
            .list_resources_for_web_acl()
            .web_acl_arn(&arn)
            .resource_type(ty)
            .send()
            .await
            .map(|o| o.resource_arns().to_vec());
        (arn, res)
    })
    .buffer_unordered(ctx.fanout)
    .collect()
    .await;

    let mut by_acl: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut failed = false;
    for (arn, res) in listed {
        match res {
            Ok(list) => by_acl.entry(arn).or_default().extend(list),
            Err(err) => {
                ctx.defer(site, "ListResourcesForWebACL", Some(&arn), &err);
                failed = true;
            }
        }
    }
    arns.iter()
        .map(|arn| {
            (!failed).then(|| {
                let mut list = by_acl.remove(arn).unwrap_or_default();
                list.sort();
                list.dedup();
                list
            })
        })
        .collect()
}

async fn logging(ctx: &Ctx, site: Site<'_>, c: &Client, scope: t::Scope, acls: &mut [WebAcl]) {
    if acls.is_empty() {
        return;
    }
    let listed = c
        .list_logging_configurations()
        .scope(scope.clone())
        .limit(100)
        .send()
        .await;
    // Page by hand here so a failure can fall back instead of being recorded.
    let mut by_acl: Option<BTreeMap<String, Vec<String>>> = None;
    let mut first_err = None;
    match listed {
        Ok(mut page) => {
            let mut map = BTreeMap::new();
            loop {
                for l in page.logging_configurations() {
                    map.insert(
                        l.resource_arn().to_string(),
                        l.log_destination_configs().to_vec(),
                    );
                }
                let Some(marker) = page
                    .next_marker()
                    .filter(|m| !m.is_empty())
                    .map(str::to_string)
                else {
                    break;
                };
                match c
                    .list_logging_configurations()
                    .scope(scope.clone())
                    .limit(100)
                    .next_marker(marker)
                    .send()
                    .await
                {
                    Ok(next) => page = next,
                    Err(err) => {
                        first_err = Some(err);
                        map.clear();
                        break;
                    }
                }
            }
            if first_err.is_none() {
                by_acl = Some(map);
            }
        }
        Err(err) => first_err = Some(err),
    }
    if let Some(map) = by_acl {
        for acl in acls.iter_mut() {
            acl.logging_destinations = Some(map.get(&acl.arn).cloned().unwrap_or_default());
        }
        return;
    }
    // Fallback: one GetLoggingConfiguration per ACL.
    let results: Vec<(String, Option<Vec<String>>)> =
        futures::stream::iter(acls.iter().map(|a| a.arn.clone()))
            .map(|arn| async move {
                let res = c
                    .get_logging_configuration()
                    .resource_arn(&arn)
                    .send()
                    .await;
                let dest = match res {
                    Ok(out) => Some(
                        out.logging_configuration()
                            .map(|l| l.log_destination_configs().to_vec())
                            .unwrap_or_default(),
                    ),
                    // "No logging configuration" is an answer, not a failure.
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|s| s.is_waf_nonexistent_item_exception()) =>
                    {
                        Some(Vec::new())
                    }
                    Err(err) => {
                        ctx.record(site, "GetLoggingConfiguration", Some(&arn), &err);
                        None
                    }
                };
                (arn, dest)
            })
            .buffer_unordered(ctx.fanout)
            .collect()
            .await;
    let all_ok = results.iter().all(|(_, d)| d.is_some());
    let map: BTreeMap<_, _> = results.into_iter().collect();
    for acl in acls.iter_mut() {
        acl.logging_destinations = map.get(&acl.arn).cloned().flatten();
    }
    if !all_ok && let Some(err) = first_err {
        ctx.record(site, "ListLoggingConfigurations", None, &err);
    }
}

/// Fills in each ACL's protected resources where the listing in
/// [`collect_acls`] failed, from the resources' side.
pub(crate) async fn associate(
    ctx: &Ctx,
    region: &str,
    mut acls: Vec<WebAcl>,
    apigateway: &ApiGatewayInventory,
    elbv2: &Elbv2Inventory,
) -> Wafv2Inventory {
    if acls.iter().all(|a| a.associated_resources.is_some()) {
        return Wafv2Inventory { web_acls: acls };
    }
    let _timer = crate::ctx::Timer::new("wafv2 associations", Some(region));
    let c = &client(ctx, region);
    match associations_from_resources(ctx, region, c, apigateway, elbv2).await {
        Some(from_resources) => {
            for acl in &mut acls {
                acl.associated_resources =
                    Some(from_resources.get(&acl.arn).cloned().unwrap_or_default());
            }
            ctx.settle(region, false);
            tracing::info!(
                region,
                "wafv2:ListResourcesForWebACL unavailable; associations rebuilt from the stages and load balancers"
            );
        }
        None => ctx.settle(region, true),
    }
    Wafv2Inventory { web_acls: acls }
}

/// ACL ARN -> protected resource ARNs, from the stages' `webAclArn` and
/// `GetWebACLForResource` per ALB. `None` when an input is missing (the
/// stages or ALBs were not collected, or a lookup failed).
async fn associations_from_resources(
    ctx: &Ctx,
    region: &str,
    c: &Client,
    apigateway: &ApiGatewayInventory,
    elbv2: &Elbv2Inventory,
) -> Option<BTreeMap<String, Vec<String>>> {
    let site = site(region);
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for api in &apigateway.rest_apis {
        for stage in api.stages.as_ref()? {
            if let Some(acl) = &stage.web_acl_arn {
                out.entry(acl.clone()).or_default().push(format!(
                    "arn:aws:apigateway:{region}::/restapis/{}/stages/{}",
                    api.id, stage.stage_name
                ));
            }
        }
    }
    let albs = elbv2
        .load_balancers
        .iter()
        .filter(|lb| lb.lb_type.as_deref() == Some("application"))
        .map(|lb| lb.load_balancer_arn.clone());
    let results: Vec<Option<(String, Option<String>)>> = futures::stream::iter(albs)
        .map(|arn| async move {
            let res = c.get_web_acl_for_resource().resource_arn(&arn).send().await;
            let acl = ctx.ok(site, "GetWebACLForResource", Some(&arn), res)?;
            Some((arn, acl.web_acl().map(|w| w.arn().to_string())))
        })
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    for r in results {
        if let (lb, Some(acl)) = r? {
            out.entry(acl).or_default().push(lb);
        }
    }
    for list in out.values_mut() {
        list.sort();
    }
    Some(out)
}

fn action(a: &t::RuleAction) -> Option<String> {
    let name = if a.block().is_some() {
        "block"
    } else if a.allow().is_some() {
        "allow"
    } else if a.count().is_some() {
        "count"
    } else if a.captcha().is_some() {
        "captcha"
    } else if a.challenge().is_some() {
        "challenge"
    } else {
        return None;
    };
    Some(name.to_string())
}

fn overrides(list: &[t::RuleActionOverride]) -> Vec<RuleActionOverride> {
    list.iter()
        .map(|o| RuleActionOverride {
            name: o.name().to_string(),
            action: o.action_to_use().and_then(action),
        })
        .collect()
}

fn rule(r: &t::Rule) -> WafRule {
    WafRule {
        name: r.name().to_string(),
        priority: r.priority(),
        action: r.action().and_then(action),
        override_action: r
            .override_action()
            .map(|o| if o.count().is_some() { "count" } else { "none" }.to_string()),
        statement: r.statement().map(statement).unwrap_or(WafStatement::Other {
            statement_type: "None".into(),
        }),
    }
}

fn statement(s: &t::Statement) -> WafStatement {
    if let Some(m) = s.managed_rule_group_statement() {
        return WafStatement::ManagedRuleGroup {
            vendor_name: m.vendor_name().to_string(),
            name: m.name().to_string(),
            version: m.version().map(str::to_string),
            rule_action_overrides: overrides(m.rule_action_overrides()),
            excluded_rules: m
                .excluded_rules()
                .iter()
                .map(|x| x.name().to_string())
                .collect(),
            scope_down: m.scope_down_statement().map(|s| Box::new(statement(s))),
        };
    }
    if let Some(g) = s.rule_group_reference_statement() {
        return WafStatement::RuleGroupReference {
            arn: g.arn().to_string(),
            rule_action_overrides: overrides(g.rule_action_overrides()),
            excluded_rules: g
                .excluded_rules()
                .iter()
                .map(|x| x.name().to_string())
                .collect(),
        };
    }
    if let Some(r) = s.rate_based_statement() {
        return WafStatement::RateBased {
            limit: r.limit(),
            aggregate_key_type: Some(r.aggregate_key_type().as_str().to_string()),
            evaluation_window_sec: Some(r.evaluation_window_sec()).filter(|w| *w > 0),
            scope_down: r.scope_down_statement().map(|s| Box::new(statement(s))),
        };
    }
    if let Some(a) = s.and_statement() {
        return WafStatement::And {
            statements: a.statements().iter().map(statement).collect(),
        };
    }
    if let Some(o) = s.or_statement() {
        return WafStatement::Or {
            statements: o.statements().iter().map(statement).collect(),
        };
    }
    if let Some(n) = s.not_statement()
        && let Some(inner) = n.statement()
    {
        return WafStatement::Not {
            statement: Box::new(statement(inner)),
        };
    }
    if let Some(i) = s.ip_set_reference_statement() {
        return WafStatement::IpSetReference {
            arn: i.arn().to_string(),
        };
    }
    if let Some(g) = s.geo_match_statement() {
        return WafStatement::GeoMatch {
            country_codes: g
                .country_codes()
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
        };
    }
    let statement_type = [
        (s.byte_match_statement().is_some(), "ByteMatchStatement"),
        (s.sqli_match_statement().is_some(), "SqliMatchStatement"),
        (s.xss_match_statement().is_some(), "XssMatchStatement"),
        (
            s.size_constraint_statement().is_some(),
            "SizeConstraintStatement",
        ),
        (
            s.regex_pattern_set_reference_statement().is_some(),
            "RegexPatternSetReferenceStatement",
        ),
        (s.label_match_statement().is_some(), "LabelMatchStatement"),
        (s.regex_match_statement().is_some(), "RegexMatchStatement"),
        (s.asn_match_statement().is_some(), "AsnMatchStatement"),
    ]
    .into_iter()
    .find(|(present, _)| *present)
    .map_or("Unknown", |(_, name)| name);
    WafStatement::Other {
        statement_type: statement_type.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_statements_keep_their_structure() {
        let managed = t::ManagedRuleGroupStatement::builder()
            .vendor_name("AWS")
            .name("AWSManagedRulesSQLiRuleSet")
            .excluded_rules(
                t::ExcludedRule::builder()
                    .name("SQLi_BODY")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let geo = t::Statement::builder()
            .geo_match_statement(
                t::GeoMatchStatement::builder()
                    .country_codes(t::CountryCode::De)
                    .build(),
            )
            .build();
        let not = t::Statement::builder()
            .not_statement(t::NotStatement::builder().statement(geo).build())
            .build();
        let and = t::Statement::builder()
            .and_statement(
                t::AndStatement::builder()
                    .statements(
                        t::Statement::builder()
                            .managed_rule_group_statement(managed)
                            .build(),
                    )
                    .statements(not)
                    .build()
                    .unwrap(),
            )
            .build();
        match statement(&and) {
            WafStatement::And { statements } => {
                assert!(
                    matches!(&statements[0], WafStatement::ManagedRuleGroup { excluded_rules, .. } if excluded_rules == &["SQLi_BODY"])
                );
                match &statements[1] {
                    WafStatement::Not { statement } => {
                        assert_eq!(
                            **statement,
                            WafStatement::GeoMatch {
                                country_codes: vec!["DE".into()]
                            }
                        )
                    }
                    other => panic!("{other:?}"),
                }
            }
            other => panic!("{other:?}"),
        }
        let other = t::Statement::builder()
            .label_match_statement(
                t::LabelMatchStatement::builder()
                    .scope(t::LabelMatchScope::Label)
                    .key("k")
                    .build()
                    .unwrap(),
            )
            .build();
        assert_eq!(
            statement(&other),
            WafStatement::Other {
                statement_type: "LabelMatchStatement".into()
            }
        );
    }

    #[test]
    fn rule_actions_and_overrides_map_to_names() {
        let count = t::RuleAction::builder()
            .count(t::CountAction::builder().build())
            .build();
        assert_eq!(action(&count).as_deref(), Some("count"));
        let block = t::RuleAction::builder()
            .block(t::BlockAction::builder().build())
            .build();
        assert_eq!(action(&block).as_deref(), Some("block"));
        let r = t::Rule::builder()
            .name("g")
            .priority(1)
            .override_action(
                t::OverrideAction::builder()
                    .count(t::CountAction::builder().build())
                    .build(),
            )
            .visibility_config(
                t::VisibilityConfig::builder()
                    .sampled_requests_enabled(false)
                    .cloud_watch_metrics_enabled(false)
                    .metric_name("m")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        assert_eq!(rule(&r).override_action.as_deref(), Some("count"));
    }
}
