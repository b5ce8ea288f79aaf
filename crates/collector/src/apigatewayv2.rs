//! API Gateway v2 (HTTP and WebSocket APIs) inventory of one region: APIs
//! with routes, integrations, stages and (when a route names one)
//! authorizers; VPC links. The v2 API pages by `NextToken` without SDK
//! paginators, so every list goes through [`Ctx::token_pages`].

use aws_sdk_apigatewayv2::Client;
use aws_sdk_apigatewayv2::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, e, map, o, strings};
use crate::ids::IdShape;

pub(crate) async fn collect(ctx: &Ctx, region: &str) -> ApiGatewayV2Inventory {
    let _timer = crate::ctx::Timer::new("apigatewayv2", Some(region));
    let client = Client::from_conf(
        aws_sdk_apigatewayv2::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("apigatewayv2"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
            .retry_classifier(crate::retry::Unimplemented)
            // One endpoint (apigateway.REGION.amazonaws.com, signing name
            // `apigateway`) serves v1 and v2 and meters them together: one cap.
            .http_client(ctx.http_client("apigateway", Some(region)))
            .build(),
    );
    // v1 and v2 share the IAM prefix `apigateway` and some operation names
    // (GetVpcLinks, GetStages); the snapshot keys v2 calls `apigatewayv2:`.
    let site = Site {
        service: "apigatewayv2",
        region: Some(region),
    };
    let c = &client;

    let (apis, links, domains) = tokio::join!(
        ctx.token_pages(
            site,
            "GetApis",
            None,
            |tok| c.get_apis().set_next_token(tok).send(),
            |o| o.items(),
            |o| o.next_token()
        ),
        ctx.token_pages(
            site,
            "GetVpcLinks",
            None,
            |tok| c.get_vpc_links().set_next_token(tok).send(),
            |o| o.items(),
            |o| o.next_token()
        ),
        ctx.token_pages(
            site,
            "GetDomainNames",
            None,
            |tok| c.get_domain_names().set_next_token(tok).send(),
            |o| o.items(),
            |o| o.next_token()
        ),
    );
    // An answer with a malformed id is refused whole (crate::ids).
    let apis = ctx.well_formed(
        site,
        "GetApis",
        None,
        "API",
        IdShape::ApiGateway,
        apis.unwrap_or_default(),
        |a: &t::Api| a.api_id(),
    );
    let links = links.map(|l| {
        ctx.well_formed(
            site,
            "GetVpcLinks",
            None,
            "VPC link",
            IdShape::ApiGateway,
            l,
            |l: &t::VpcLink| l.vpc_link_id(),
        )
    });
    let mut out_apis: Vec<HttpApi> = futures::stream::iter(apis.iter())
        .map(|api| http_api(ctx, site, c, api))
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    out_apis.sort_by(|a, b| a.api_id.cmp(&b.api_id));

    let mut vpc_links: Vec<HttpVpcLink> = links
        .unwrap_or_default()
        .iter()
        .map(|l: &t::VpcLink| {
            let mut subnet_ids = strings(l.subnet_ids());
            subnet_ids.sort();
            let mut security_group_ids: Vec<CompactString> = strings(l.security_group_ids());
            security_group_ids.sort();
            HttpVpcLink {
                vpc_link_id: l.vpc_link_id().unwrap_or_default().to_string(),
                name: o(l.name()),
                subnet_ids,
                security_group_ids,
                status: e(l.vpc_link_status()),
                tags: map(l.tags()),
            }
        })
        .collect();
    vpc_links.sort_by(|a, b| a.vpc_link_id.cmp(&b.vpc_link_id));

    let domain_names = match domains {
        None => None,
        Some(d) => {
            let d = ctx.well_formed(
                site,
                "GetDomainNames",
                None,
                "domain name",
                IdShape::Name,
                d,
                |d: &t::DomainName| d.domain_name(),
            );
            let mut v: Vec<DomainName> = futures::stream::iter(d.iter())
                .map(|d| domain_name(ctx, site, c, d))
                .buffer_unordered(ctx.fanout)
                .collect()
                .await;
            v.sort_by(|a, b| a.domain_name.cmp(&b.domain_name));
            Some(v)
        }
    };

    ApiGatewayV2Inventory {
        apis: out_apis,
        vpc_links,
        domain_names,
    }
}

/// A custom domain as the v2 API describes it, with its API mappings
/// (<https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/domainnames-domainname-apimappings.html>).
/// Only Regional domains have v2 API mappings: HTTP APIs cannot be mapped
/// to an edge-optimized domain, whose REST mappings the v1 base path
/// mappings list
/// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-custom-domain-names.html>).
async fn domain_name(ctx: &Ctx, site: Site<'_>, c: &Client, d: &t::DomainName) -> DomainName {
    let name = d.domain_name().unwrap_or_default().to_string();
    let config = d.domain_name_configurations().first();
    let endpoint_types: Vec<String> = d
        .domain_name_configurations()
        .iter()
        .filter_map(|c| e(c.endpoint_type()))
        .collect();
    let api_mappings = if endpoint_types.iter().any(|t| t == "REGIONAL") {
        ctx.token_pages(
            site,
            "GetApiMappings",
            Some(&name),
            |tok| {
                c.get_api_mappings()
                    .domain_name(&name)
                    .set_next_token(tok)
                    .send()
            },
            |o| o.items(),
            |o| o.next_token(),
        )
        .await
        .map(|items| {
            let mut v: Vec<ApiMapping> = items
                .iter()
                .filter_map(|m| {
                    Some(ApiMapping {
                        api_id: m.api_id()?.to_string(),
                        stage: o(m.stage()),
                        key: crate::apigateway::mapping_key(m.api_mapping_key()),
                    })
                })
                .collect();
            v.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.api_id.cmp(&b.api_id)));
            v
        })
    } else {
        Some(Vec::new())
    };
    // The configuration's one certificate is the edge (CloudFront) one for
    // an EDGE domain, the Regional one otherwise, as v1 names them.
    let cert = config.and_then(|c| o(c.certificate_arn()));
    let edge = endpoint_types.iter().any(|t| t == "EDGE");
    DomainName {
        security_policy: config.and_then(|c| e(c.security_policy())),
        certificate_arn: if edge { cert.clone() } else { None },
        regional_certificate_arn: if edge { None } else { cert },
        endpoint_types,
        mutual_tls_truststore_uri: d
            .mutual_tls_authentication()
            .and_then(|m| o(m.truststore_uri())),
        tags: map(d.tags()),
        api_mappings,
        domain_name: name,
    }
}

fn route_settings(r: &t::RouteSettings) -> HttpRouteSettings {
    HttpRouteSettings {
        throttling_burst_limit: r.throttling_burst_limit(),
        throttling_rate_limit: r.throttling_rate_limit(),
        detailed_metrics_enabled: r.detailed_metrics_enabled().unwrap_or(false),
        logging_level: e(r.logging_level()),
    }
}

async fn http_api(ctx: &Ctx, site: Site<'_>, c: &Client, api: &t::Api) -> HttpApi {
    let id = api.api_id().unwrap_or_default().to_string();
    let rid = Some(id.as_str());
    let (routes, integrations, stages) = tokio::join!(
        ctx.token_pages(
            site,
            "GetRoutes",
            rid,
            |tok| c.get_routes().api_id(&id).set_next_token(tok).send(),
            |o| o.items(),
            |o| o.next_token()
        ),
        ctx.token_pages(
            site,
            "GetIntegrations",
            rid,
            |tok| c.get_integrations().api_id(&id).set_next_token(tok).send(),
            |o| o.items(),
            |o| o.next_token()
        ),
        ctx.token_pages(
            site,
            "GetStages",
            rid,
            |tok| c.get_stages().api_id(&id).set_next_token(tok).send(),
            |o| o.items(),
            |o| o.next_token()
        ),
    );

    // A route or integration with a malformed id: that list is not
    // collected (crate::ids).
    let routes = routes.and_then(|list| {
        let n = list.len();
        let list = ctx.well_formed(
            site,
            "GetRoutes",
            rid,
            "route",
            IdShape::ApiGateway,
            list,
            |r: &t::Route| r.route_id(),
        );
        (list.len() == n).then_some(list)
    });
    let integrations = integrations.and_then(|list| {
        let n = list.len();
        let list = ctx.well_formed(
            site,
            "GetIntegrations",
            rid,
            "integration",
            IdShape::ApiGateway,
            list,
            |r: &t::Integration| r.integration_id(),
        );
        (list.len() == n).then_some(list)
    });

    // Authorizers only matter if a route uses one; skipping the call
    // otherwise saves one request per API.
    let needs_authorizers = match &routes {
        Some(r) => r.iter().any(|r| r.authorizer_id().is_some()),
        None => true,
    };
    let authorizers = if needs_authorizers {
        ctx.token_pages(
            site,
            "GetAuthorizers",
            rid,
            |tok| c.get_authorizers().api_id(&id).set_next_token(tok).send(),
            |o| o.items(),
            |o| o.next_token(),
        )
        .await
        .map(|list| {
            let mut v: Vec<HttpAuthorizer> = list
                .iter()
                .map(|a| HttpAuthorizer {
                    authorizer_id: a.authorizer_id().unwrap_or_default().to_string(),
                    name: o(a.name()),
                    authorizer_type: e(a.authorizer_type()),
                    identity_source: strings(a.identity_source()),
                    jwt_issuer: a.jwt_configuration().and_then(|j| o(j.issuer())),
                    jwt_audience: a
                        .jwt_configuration()
                        .map(|j| strings(j.audience()))
                        .unwrap_or_default(),
                    authorizer_uri: o(a.authorizer_uri()),
                })
                .collect();
            v.sort_by(|a, b| a.authorizer_id.cmp(&b.authorizer_id));
            v
        })
    } else {
        Some(Vec::new())
    };

    HttpApi {
        name: o(api.name()),
        protocol_type: e(api.protocol_type()),
        api_endpoint: o(api.api_endpoint()),
        disable_execute_api_endpoint: api.disable_execute_api_endpoint().unwrap_or(false),
        routes: routes.map(|list| {
            let mut v: Vec<HttpRoute> = list
                .iter()
                .map(|r| HttpRoute {
                    route_id: o(r.route_id()),
                    route_key: r.route_key().unwrap_or_default().to_string(),
                    authorization_type: e(r.authorization_type()),
                    authorizer_id: o(r.authorizer_id()),
                    api_key_required: r.api_key_required().unwrap_or(false),
                    target: o(r.target()),
                })
                .collect();
            v.sort_by(|a, b| (&a.route_key, &a.route_id).cmp(&(&b.route_key, &b.route_id)));
            v
        }),
        integrations: integrations.map(|list| {
            let mut v: Vec<HttpIntegration> = list
                .iter()
                .map(|i| HttpIntegration {
                    integration_id: i.integration_id().unwrap_or_default().to_string(),
                    integration_type: e(i.integration_type()),
                    integration_method: o(i.integration_method()),
                    integration_uri: o(i.integration_uri()),
                    connection_type: e(i.connection_type()),
                    connection_id: o(i.connection_id()),
                    tls_configured: i.tls_config().is_some(),
                    tls_server_name_to_verify: i
                        .tls_config()
                        .and_then(|t| o(t.server_name_to_verify())),
                    payload_format_version: o(i.payload_format_version()),
                })
                .collect();
            v.sort_by(|a, b| a.integration_id.cmp(&b.integration_id));
            v
        }),
        stages: stages.map(|list| {
            let mut v: Vec<HttpStage> = list
                .iter()
                .map(|s| HttpStage {
                    stage_name: s.stage_name().unwrap_or_default().to_string(),
                    auto_deploy: s.auto_deploy().unwrap_or(false),
                    access_log_settings: s.access_log_settings().map(|a| AccessLogSettings {
                        destination_arn: o(a.destination_arn()),
                        format: o(a.format()),
                    }),
                    default_route_settings: s.default_route_settings().map(route_settings),
                    route_settings: s
                        .route_settings()
                        .map(|m| {
                            m.iter()
                                .map(|(k, v)| (k.clone(), route_settings(v)))
                                .collect()
                        })
                        .unwrap_or_default(),
                    stage_variables: map(s.stage_variables()),
                    client_certificate_id: o(s.client_certificate_id()),
                    tags: map(s.tags()),
                })
                .collect();
            v.sort_by(|a, b| a.stage_name.cmp(&b.stage_name));
            v
        }),
        authorizers,
        tags: map(api.tags()),
        api_id: id,
    }
}
