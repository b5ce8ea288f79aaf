//! API Gateway REST (v1) inventory of one region: APIs with their resources,
//! methods and integrations (fetched embedded, one paged call per API),
//! authorizers and stages; VPC links, usage plans and custom domain names.
//! `GetMethod` is called only for a method the embedded listing did not
//! describe, and `GetAuthorizers` only for an API with a method that uses
//! an authorizer, so the common case costs two or three calls per API.

use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, e, map, o, parse_policy, strings};
use crate::ids::IdShape;

/// The largest page API Gateway hands out (`limit` 1..=500; default 25).
const PAGE: i32 = 500;

pub(crate) async fn collect(ctx: &Ctx, region: &str) -> ApiGatewayInventory {
    let _timer = crate::ctx::Timer::new("apigateway", Some(region));
    let client = Client::from_conf(
        aws_sdk_apigateway::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("apigateway"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("apigateway", Some(region)))
            .build(),
    );
    let site = Site {
        service: "apigateway",
        region: Some(region),
    };
    let c = &client;

    let (apis, links, plans, domains) = tokio::join!(
        async { paged!(ctx, site, "GetRestApis", c.get_rest_apis().limit(PAGE)) },
        async { paged!(ctx, site, "GetVpcLinks", c.get_vpc_links().limit(PAGE)) },
        async { paged!(ctx, site, "GetUsagePlans", c.get_usage_plans().limit(PAGE)) },
        async {
            paged!(
                ctx,
                site,
                "GetDomainNames",
                c.get_domain_names().limit(PAGE)
            )
        },
    );
    // An answer with a malformed id is refused whole (crate::ids).
    let apis = ctx.well_formed(
        site,
        "GetRestApis",
        None,
        "REST API",
        IdShape::ApiGateway,
        apis,
        |a: &t::RestApi| a.id(),
    );
    let links = ctx.well_formed(
        site,
        "GetVpcLinks",
        None,
        "VPC link",
        IdShape::ApiGateway,
        links,
        |l: &t::VpcLink| l.id(),
    );
    let plans = ctx.well_formed(
        site,
        "GetUsagePlans",
        None,
        "usage plan",
        IdShape::ApiGateway,
        plans,
        |p: &t::UsagePlan| p.id(),
    );
    let domains = ctx.well_formed(
        site,
        "GetDomainNames",
        None,
        "domain name",
        IdShape::Name,
        domains,
        |d: &t::DomainName| d.domain_name(),
    );
    let mut rest_apis: Vec<RestApi> = futures::stream::iter(apis.iter())
        .map(|api| rest_api(ctx, site, c, api))
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    rest_apis.sort_by(|a, b| a.id.cmp(&b.id));

    let mut vpc_links: Vec<RestVpcLink> = links
        .iter()
        .map(|l: &t::VpcLink| {
            let mut target_arns = strings(l.target_arns());
            target_arns.sort();
            RestVpcLink {
                id: l.id().unwrap_or_default().to_string(),
                name: o(l.name()),
                target_arns,
                status: e(l.status()),
                tags: map(l.tags()),
            }
        })
        .collect();
    vpc_links.sort_by(|a, b| a.id.cmp(&b.id));

    let mut usage_plans: Vec<UsagePlan> = plans.iter().map(usage_plan).collect();
    usage_plans.sort_by(|a, b| a.id.cmp(&b.id));

    let mut domain_names: Vec<DomainName> = futures::stream::iter(domains.iter())
        .map(|d: &t::DomainName| async move {
            let name = d.domain_name().unwrap_or_default();
            let api_mappings = base_path_mappings(ctx, site, c, name).await;
            (d, api_mappings)
        })
        .buffer_unordered(ctx.fanout)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .map(|(d, api_mappings)| DomainName {
            domain_name: d.domain_name().unwrap_or_default().to_string(),
            endpoint_types: d
                .endpoint_configuration()
                .map(|c| c.types().iter().map(|t| t.as_str().to_string()).collect())
                .unwrap_or_default(),
            security_policy: e(d.security_policy()),
            certificate_arn: o(d.certificate_arn()),
            regional_certificate_arn: o(d.regional_certificate_arn()),
            mutual_tls_truststore_uri: d
                .mutual_tls_authentication()
                .and_then(|m| o(m.truststore_uri())),
            tags: map(d.tags()),
            api_mappings,
        })
        .collect();
    domain_names.sort_by(|a, b| a.domain_name.cmp(&b.domain_name));

    ApiGatewayInventory {
        rest_apis,
        vpc_links,
        usage_plans,
        domain_names,
    }
}

/// A REST custom domain's base path mappings
/// (<https://docs.aws.amazon.com/apigateway/latest/api/API_GetBasePathMappings.html>):
/// the root mapping's base path is `(none)`, stored as the empty key.
async fn base_path_mappings(
    ctx: &Ctx,
    site: Site<'_>,
    c: &Client,
    domain: &str,
) -> Option<Vec<ApiMapping>> {
    let res: Result<Vec<t::BasePathMapping>, _> = c
        .get_base_path_mappings()
        .domain_name(domain)
        .limit(PAGE)
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    let listed = ctx.ok(site, "GetBasePathMappings", Some(domain), res)?;
    let mut out: Vec<ApiMapping> = listed
        .iter()
        .filter_map(|m| {
            Some(ApiMapping {
                api_id: m.rest_api_id()?.to_string(),
                stage: o(m.stage()),
                key: mapping_key(m.base_path()),
            })
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.api_id.cmp(&b.api_id)));
    Some(out)
}

/// A mapping's base path as a key: `(none)` (or nothing) is the root.
pub(crate) fn mapping_key(path: Option<&str>) -> String {
    match path.map(|p| p.trim_matches('/')) {
        None | Some("(none)") => String::new(),
        Some(p) => p.to_string(),
    }
}

fn throttle(t: &t::ThrottleSettings) -> Throttle {
    Throttle {
        burst_limit: Some(t.burst_limit()),
        rate_limit: Some(t.rate_limit()),
    }
}

fn usage_plan(p: &t::UsagePlan) -> UsagePlan {
    UsagePlan {
        id: p.id().unwrap_or_default().to_string(),
        name: o(p.name()),
        api_stages: p
            .api_stages()
            .iter()
            .map(|s| UsagePlanStage {
                api_id: o(s.api_id()),
                stage: o(s.stage()),
                throttle: s
                    .throttle()
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), throttle(v))).collect())
                    .unwrap_or_default(),
            })
            .collect(),
        throttle: p.throttle().map(throttle),
        quota_limit: p.quota().map(|q| q.limit()),
        quota_period: p.quota().and_then(|q| e(q.period())),
    }
}

async fn rest_api(ctx: &Ctx, site: Site<'_>, c: &Client, api: &t::RestApi) -> RestApi {
    let id = api.id().unwrap_or_default().to_string();
    let ((resources, authorizers), stages) = tokio::join!(
        async {
            let resources = resources(ctx, site, c, &id).await;
            // The authorizer list only matters if a method names one;
            // otherwise it is empty by construction and the call is saved
            // (one per API). Without the resources, ask.
            let authorizers = if resources.as_ref().is_none_or(|r| uses_authorizer(r)) {
                authorizers(ctx, site, c, &id).await
            } else {
                Some(Vec::new())
            };
            (resources, authorizers)
        },
        async {
            let res = c.get_stages().rest_api_id(&id).send().await;
            ctx.ok(site, "GetStages", Some(&id), res).map(|out| {
                let mut v: Vec<RestStage> = out.item().iter().map(stage).collect();
                v.sort_by(|a, b| a.stage_name.cmp(&b.stage_name));
                v
            })
        },
    );
    let cfg = api.endpoint_configuration();
    let mut vpce = cfg
        .map(|c| strings(c.vpc_endpoint_ids()))
        .unwrap_or_default();
    vpce.sort();
    RestApi {
        name: o(api.name()),
        endpoint_types: cfg
            .map(|c| c.types().iter().map(|t| t.as_str().to_string()).collect())
            .unwrap_or_default(),
        vpc_endpoint_ids: vpce,
        policy: api.policy().map(parse_policy),
        disable_execute_api_endpoint: api.disable_execute_api_endpoint(),
        api_key_source: e(api.api_key_source()),
        resources,
        authorizers,
        stages,
        tags: map(api.tags()),
        id,
    }
}

/// A method that refers to an authorizer (Lambda or Cognito).
fn uses_authorizer(resources: &[ApiResource]) -> bool {
    resources.iter().flat_map(|r| &r.methods).any(|m| {
        m.authorizer_id.is_some()
            || matches!(
                m.authorization_type.as_deref(),
                Some("CUSTOM" | "COGNITO_USER_POOLS")
            )
    })
}

async fn resources(ctx: &Ctx, site: Site<'_>, c: &Client, id: &str) -> Option<Vec<ApiResource>> {
    let res: Result<Vec<t::Resource>, _> = c
        .get_resources()
        .rest_api_id(id)
        .limit(PAGE)
        .embed("methods")
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    let listed = ctx.ok(site, "GetResources", Some(id), res)?;
    let n = listed.len();
    let listed = ctx.well_formed(
        site,
        "GetResources",
        Some(id),
        "resource",
        IdShape::ApiGateway,
        listed,
        |r: &t::Resource| r.id(),
    );
    if listed.len() != n {
        return None;
    }
    let mut out = Vec::with_capacity(listed.len());
    for r in &listed {
        let rid = r.id().unwrap_or_default().to_string();
        let mut methods = Vec::new();
        for (verb, m) in r.resource_methods().into_iter().flatten() {
            // `embed=methods` normally returns the whole method; if it came
            // back bare, ask for it.
            let method = if m.authorization_type().is_none() {
                let res = c
                    .get_method()
                    .rest_api_id(id)
                    .resource_id(&rid)
                    .http_method(verb)
                    .send()
                    .await;
                let resource = format!("{id}/{rid}/{verb}");
                match ctx.ok(site, "GetMethod", Some(&resource), res) {
                    Some(full) => rest_method(
                        verb,
                        full.authorization_type(),
                        full.authorizer_id(),
                        full.api_key_required(),
                        full.authorization_scopes(),
                        full.method_integration(),
                    ),
                    None => continue,
                }
            } else {
                rest_method(
                    verb,
                    m.authorization_type(),
                    m.authorizer_id(),
                    m.api_key_required(),
                    m.authorization_scopes(),
                    m.method_integration(),
                )
            };
            methods.push(method);
        }
        methods.sort_by(|a, b| a.http_method.cmp(&b.http_method));
        out.push(ApiResource {
            id: rid,
            parent_id: o(r.parent_id()),
            path: o(r.path()),
            methods,
        });
    }
    out.sort_by(|a, b| (&a.path, &a.id).cmp(&(&b.path, &b.id)));
    Some(out)
}

fn rest_method(
    verb: &str,
    authorization_type: Option<&str>,
    authorizer_id: Option<&str>,
    api_key_required: Option<bool>,
    scopes: &[String],
    integration: Option<&t::Integration>,
) -> RestMethod {
    RestMethod {
        http_method: verb.to_string(),
        authorization_type: o(authorization_type),
        authorizer_id: o(authorizer_id),
        api_key_required: api_key_required.unwrap_or(false),
        authorization_scopes: strings(scopes),
        integration: integration.map(|i| RestIntegration {
            integration_type: e(i.r#type()),
            http_method: o(i.http_method()),
            uri: o(i.uri()),
            connection_type: e(i.connection_type()),
            connection_id: o(i.connection_id()),
            tls_insecure_skip_verification: i.tls_config().map(|t| t.insecure_skip_verification()),
            // 0 means the field was absent (the SDK defaults it).
            timeout_in_millis: Some(i.timeout_in_millis()).filter(|t| *t > 0),
        }),
    }
}

async fn authorizers(
    ctx: &Ctx,
    site: Site<'_>,
    c: &Client,
    id: &str,
) -> Option<Vec<RestAuthorizer>> {
    // GetAuthorizers pages by `position` but has no SDK paginator.
    let listed = ctx
        .token_pages(
            site,
            "GetAuthorizers",
            Some(id),
            |position| {
                c.get_authorizers()
                    .rest_api_id(id)
                    .set_position(position)
                    .limit(PAGE)
                    .send()
            },
            |o| o.items(),
            |o| o.position(),
        )
        .await?;
    let mut out: Vec<RestAuthorizer> = listed
        .iter()
        .map(|a| RestAuthorizer {
            id: a.id().unwrap_or_default().to_string(),
            name: o(a.name()),
            authorizer_type: e(a.r#type()),
            provider_arns: strings(a.provider_arns()),
            authorizer_uri: o(a.authorizer_uri()),
            identity_source: o(a.identity_source()),
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Some(out)
}

fn stage(s: &t::Stage) -> RestStage {
    RestStage {
        stage_name: s.stage_name().unwrap_or_default().to_string(),
        deployment_id: o(s.deployment_id()),
        client_certificate_id: o(s.client_certificate_id()),
        tracing_enabled: s.tracing_enabled(),
        web_acl_arn: o(s.web_acl_arn()),
        cache_cluster_enabled: s.cache_cluster_enabled(),
        method_settings: s
            .method_settings()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            MethodSetting {
                                throttling_burst_limit: Some(v.throttling_burst_limit()),
                                throttling_rate_limit: Some(v.throttling_rate_limit()),
                                logging_level: o(v.logging_level()),
                                data_trace_enabled: v.data_trace_enabled(),
                                metrics_enabled: v.metrics_enabled(),
                                caching_enabled: v.caching_enabled(),
                                cache_data_encrypted: v.cache_data_encrypted(),
                                require_authorization_for_cache_control: v
                                    .require_authorization_for_cache_control(),
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        access_log_settings: s.access_log_settings().map(|a| AccessLogSettings {
            destination_arn: o(a.destination_arn()),
            format: o(a.format()),
        }),
        variables: map(s.variables()),
        tags: map(s.tags()),
    }
}
