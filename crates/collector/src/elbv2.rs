//! ELBv2 inventory of one region: load balancers with attributes, tags,
//! listeners and (ALB) listener rules; target groups with registered targets
//! and their health. Per-resource calls are the ones ELBv2 has no batch form
//! for (listeners, rules, attributes, target health), run concurrently under
//! the fan-out bound; tags are fetched in batches of 20.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, e, o, strings, tags};
use crate::ids::IdShape;

/// The largest page ELBv2 hands out (`PageSize` 1..=400).
const PAGE: i32 = 400;

pub(crate) async fn collect(ctx: &Ctx, region: &str) -> Elbv2Inventory {
    let _timer = crate::ctx::Timer::new("elasticloadbalancing", Some(region));
    let client = Client::from_conf(
        aws_sdk_elasticloadbalancingv2::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("elasticloadbalancing"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Xml))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("elasticloadbalancing", Some(region)))
            .build(),
    );
    let site = Site {
        service: "elasticloadbalancing",
        region: Some(region),
    };
    let c = &client;

    let (lbs, tgs) = tokio::join!(
        async {
            paged!(
                ctx,
                site,
                "DescribeLoadBalancers",
                c.describe_load_balancers().page_size(PAGE)
            )
        },
        async {
            paged!(
                ctx,
                site,
                "DescribeTargetGroups",
                c.describe_target_groups().page_size(PAGE)
            )
        },
    );
    // An answer with a malformed ARN is refused whole (crate::ids).
    let lbs = ctx.well_formed(
        site,
        "DescribeLoadBalancers",
        None,
        "load balancer",
        IdShape::Arn {
            service: "elasticloadbalancing",
            resource: "loadbalancer",
        },
        lbs,
        |lb: &t::LoadBalancer| lb.load_balancer_arn(),
    );
    let tgs = ctx.well_formed(
        site,
        "DescribeTargetGroups",
        None,
        "target group",
        IdShape::Arn {
            service: "elasticloadbalancing",
            resource: "targetgroup",
        },
        tgs,
        |tg: &t::TargetGroup| tg.target_group_arn(),
    );

    let arns: Vec<String> = lbs
        .iter()
        .filter_map(|lb| o(lb.load_balancer_arn()))
        .collect();
    let (mut load_balancers, target_groups, mut lb_tags) = tokio::join!(
        futures::stream::iter(lbs.iter())
            .map(|lb| load_balancer(ctx, site, c, lb))
            .buffer_unordered(ctx.fanout)
            .collect::<Vec<_>>(),
        futures::stream::iter(tgs.iter())
            .map(|tg| target_group(ctx, site, c, tg))
            .buffer_unordered(ctx.fanout)
            .collect::<Vec<_>>(),
        lb_tags(ctx, site, c, &arns),
    );
    for lb in &mut load_balancers {
        lb.tags = lb_tags.remove(&lb.load_balancer_arn).unwrap_or_default();
    }
    let mut target_groups = target_groups;
    load_balancers.sort_by(|a, b| a.load_balancer_arn.cmp(&b.load_balancer_arn));
    target_groups.sort_by(|a, b| a.target_group_arn.cmp(&b.target_group_arn));
    Elbv2Inventory {
        load_balancers,
        target_groups,
    }
}

async fn lb_tags(ctx: &Ctx, site: Site<'_>, c: &Client, arns: &[String]) -> BTreeMap<String, Tags> {
    let mut out = BTreeMap::new();
    // DescribeTags takes at most 20 resource ARNs per call.
    let results: Vec<_> = futures::stream::iter(arns.chunks(20))
        .map(|chunk| async move {
            let res = c
                .describe_tags()
                .set_resource_arns(Some(chunk.to_vec()))
                .send()
                .await;
            ctx.ok(site, "DescribeTags", None, res)
        })
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    for res in results.into_iter().flatten() {
        for d in res.tag_descriptions() {
            if let Some(arn) = d.resource_arn() {
                out.insert(
                    arn.to_string(),
                    tags(d.tags().iter().map(|t| (t.key(), t.value()))),
                );
            }
        }
    }
    out
}

async fn load_balancer(
    ctx: &Ctx,
    site: Site<'_>,
    c: &Client,
    lb: &t::LoadBalancer,
) -> LoadBalancer {
    let arn = lb.load_balancer_arn().unwrap_or_default().to_string();
    let is_alb = lb.r#type().is_some_and(|t| t.as_str() == "application");
    let (listeners, attributes) = tokio::join!(
        async {
            let res: Result<Vec<t::Listener>, _> = c
                .describe_listeners()
                .load_balancer_arn(&arn)
                .page_size(PAGE)
                .into_paginator()
                .items()
                .send()
                .collect()
                .await;
            let listeners = ctx.ok(site, "DescribeListeners", Some(&arn), res)?;
            let mut out = Vec::with_capacity(listeners.len());
            for l in &listeners {
                out.push(listener(ctx, site, c, l, is_alb).await);
            }
            out.sort_by(|a, b| a.listener_arn.cmp(&b.listener_arn));
            Some(out)
        },
        async {
            let res = c
                .describe_load_balancer_attributes()
                .load_balancer_arn(&arn)
                .send()
                .await;
            ctx.ok(site, "DescribeLoadBalancerAttributes", Some(&arn), res)
                .map(|out| {
                    out.attributes()
                        .iter()
                        .filter_map(|a| {
                            Some((
                                a.key()?.to_string(),
                                a.value().unwrap_or_default().to_string(),
                            ))
                        })
                        .collect::<BTreeMap<_, _>>()
                })
        },
    );
    let mut subnet_ids: Vec<String> = lb
        .availability_zones()
        .iter()
        .filter_map(|z| o(z.subnet_id()))
        .collect();
    subnet_ids.sort();
    // An internet-facing NLB's Elastic IPs, one per zone at most
    // (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAddress.html):
    // what Shield Advanced protects for it.
    let mut eip_allocation_ids: Vec<String> = lb
        .availability_zones()
        .iter()
        .flat_map(|z| z.load_balancer_addresses())
        .filter_map(|a| o(a.allocation_id()))
        .collect();
    eip_allocation_ids.sort();
    eip_allocation_ids.dedup();
    let mut security_group_ids: Vec<CompactString> = strings(lb.security_groups());
    security_group_ids.sort();
    LoadBalancer {
        eip_allocation_ids,
        load_balancer_arn: arn,
        name: lb.load_balancer_name().unwrap_or_default().to_string(),
        lb_type: e(lb.r#type()),
        scheme: e(lb.scheme()),
        vpc_id: o(lb.vpc_id()),
        dns_name: o(lb.dns_name()),
        state: lb.state().and_then(|s| e(s.code())),
        ip_address_type: e(lb.ip_address_type()),
        subnet_ids,
        security_group_ids,
        attributes,
        listeners,
        tags: Tags::new(),
    }
}

fn action(a: &t::Action) -> LbAction {
    let mut tgs: Vec<String> = a
        .target_group_arn()
        .map(str::to_string)
        .into_iter()
        .collect();
    if let Some(fwd) = a.forward_config() {
        for tg in fwd.target_groups() {
            if let Some(arn) = tg.target_group_arn()
                && !tgs.iter().any(|x| x == arn)
            {
                tgs.push(arn.to_string());
            }
        }
    }
    tgs.sort();
    LbAction {
        action_type: e(a.r#type()).unwrap_or_default(),
        order: a.order(),
        target_group_arns: tgs,
        redirect_protocol: a.redirect_config().and_then(|r| o(r.protocol())),
        redirect_port: a.redirect_config().and_then(|r| o(r.port())),
        fixed_response_status: a.fixed_response_config().and_then(|f| o(f.status_code())),
    }
}

async fn listener(
    ctx: &Ctx,
    site: Site<'_>,
    c: &Client,
    l: &t::Listener,
    is_alb: bool,
) -> Listener {
    let arn = l.listener_arn().unwrap_or_default().to_string();
    // Only ALB listeners have rules beyond the default action.
    let rules = if is_alb {
        let res: Result<Vec<t::Rule>, _> = c
            .describe_rules()
            .listener_arn(&arn)
            .page_size(PAGE)
            .into_paginator()
            .items()
            .send()
            .collect()
            .await;
        ctx.ok(site, "DescribeRules", Some(&arn), res).map(|rules| {
            let mut v: Vec<ListenerRule> = rules
                .iter()
                .filter(|r| !r.is_default().unwrap_or(false))
                .map(|r| ListenerRule {
                    rule_arn: r.rule_arn().unwrap_or_default().to_string(),
                    priority: o(r.priority()),
                    is_default: r.is_default().unwrap_or(false),
                    conditions: r
                        .conditions()
                        .iter()
                        .map(|c| {
                            let header = c.http_header_config();
                            // Header and query-string values may be
                            // secrets (CloudFront's origin header): never
                            // kept, whichever list an endpoint puts them in.
                            let secret = matches!(c.field(), Some("http-header" | "query-string"));
                            RuleCondition {
                                field: o(c.field()),
                                values: if secret {
                                    Vec::new()
                                } else {
                                    strings(c.values())
                                },
                                // The name and whether a value is all
                                // wildcards; never the values (secrets).
                                header_name: header.and_then(|h| o(h.http_header_name())),
                                header_matches_anything: header.is_some_and(|h| {
                                    h.values().iter().any(|v| {
                                        !v.is_empty() && v.chars().all(|ch| ch == '*' || ch == '?')
                                    })
                                }),
                            }
                        })
                        .collect(),
                    actions: r.actions().iter().map(action).collect(),
                })
                .collect();
            v.sort();
            v
        })
    } else {
        None
    };
    // A secure listener's certificate list (SNI): the certificates it
    // presents besides the default one `DescribeListeners` names. The
    // default appears in the answer with IsDefault true, and once more
    // with false if it is also in the list
    // (<https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeListenerCertificates.html>).
    let secure = l.protocol().is_some_and(|p| is_tls_protocol(p.as_str()));
    let sni_certificate_arns = if secure {
        let res: Result<Vec<t::Certificate>, _> = c
            .describe_listener_certificates()
            .listener_arn(&arn)
            .page_size(400)
            .into_paginator()
            .items()
            .send()
            .collect()
            .await;
        ctx.ok(site, "DescribeListenerCertificates", Some(&arn), res)
            .map(|certs| {
                let mut v: Vec<String> = certs
                    .iter()
                    .filter(|c| c.is_default() != Some(true))
                    .filter_map(|c| o(c.certificate_arn()))
                    .collect();
                v.sort();
                v.dedup();
                v
            })
    } else {
        Some(Vec::new())
    };
    let mut default_actions: Vec<LbAction> = l.default_actions().iter().map(action).collect();
    default_actions.sort();
    Listener {
        listener_arn: arn,
        port: l.port(),
        protocol: e(l.protocol()),
        ssl_policy: o(l.ssl_policy()),
        certificate_arns: l
            .certificates()
            .iter()
            .filter_map(|c| o(c.certificate_arn()))
            .collect(),
        sni_certificate_arns,
        alpn_policy: strings(l.alpn_policy()),
        default_actions,
        rules,
    }
}

async fn target_group(ctx: &Ctx, site: Site<'_>, c: &Client, tg: &t::TargetGroup) -> TargetGroup {
    let arn = tg.target_group_arn().unwrap_or_default().to_string();
    // Client IP preservation decides which source addresses a target's
    // security group must admit (docs/model.md); the attributes come from
    // their own call.
    let (res, attrs) = tokio::join!(
        c.describe_target_health().target_group_arn(&arn).send(),
        c.describe_target_group_attributes()
            .target_group_arn(&arn)
            .send(),
    );
    let attributes = ctx
        .ok(site, "DescribeTargetGroupAttributes", Some(&arn), attrs)
        .map(|out| {
            out.attributes()
                .iter()
                .filter_map(|a| {
                    Some((
                        a.key()?.to_string(),
                        a.value().unwrap_or_default().to_string(),
                    ))
                })
                .collect::<BTreeMap<_, _>>()
        });
    let targets = ctx
        .ok(site, "DescribeTargetHealth", Some(&arn), res)
        .map(|out| {
            let mut v: Vec<Target> = out
                .target_health_descriptions()
                .iter()
                .filter_map(|d| {
                    let t = d.target()?;
                    Some(Target {
                        id: t.id()?.to_string(),
                        port: t.port(),
                        availability_zone: o(t.availability_zone()),
                        health_state: d.target_health().and_then(|h| e(h.state())),
                        health_reason: d.target_health().and_then(|h| e(h.reason())),
                    })
                })
                .collect();
            v.sort();
            v
        });
    let mut lbs = strings(tg.load_balancer_arns());
    lbs.sort();
    TargetGroup {
        target_group_arn: arn,
        name: o(tg.target_group_name()),
        protocol: e(tg.protocol()),
        port: tg.port(),
        target_type: e(tg.target_type()),
        vpc_id: o(tg.vpc_id()),
        load_balancer_arns: lbs,
        health_check_protocol: e(tg.health_check_protocol()),
        health_check_port: o(tg.health_check_port()),
        health_check_path: o(tg.health_check_path()),
        targets,
        attributes,
    }
}
