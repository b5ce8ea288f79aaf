//! DATA-005: TLS that ends at the load balancer or at API Gateway leaves the
//! last hop to the backend in the clear: anyone who can observe traffic
//! inside the VPC (a compromised neighbour, a mirrored ENI, a misrouted
//! peering) reads requests, tokens and responses.
//!
//! Judged per hop:
//! - **target group** (resource: its ARN): passes with protocol `HTTPS` or
//!   `TLS` (re-encrypted to the targets). A plaintext group (`HTTP`, `TCP`,
//!   `UDP`, `TCP_UDP`) fails when a `TLS`/`HTTPS` listener forwards to it
//!   (TLS terminated at the load balancer, plaintext after it) or when an
//!   `HTTP` listener does (plaintext HTTP the load balancer parses). Behind
//!   `TCP`/`UDP` listeners only, the load balancer passes the client's
//!   bytes through unchanged and cannot tell whether they are TLS (this is
//!   how end-to-end TLS to the instance is built): pass, and an
//!   internet-facing plaintext listener is NET-011's finding. Groups no
//!   listener uses get no outcome; Lambda and GENEVE groups have no such hop.
//! - **REST integration** (`HTTP`/`HTTP_PROXY`; resource: the integration
//!   ARN): the URI's scheme decides, after stage variables are substituted
//!   for every stage: `http://` fails, `https://` passes, through a VPC link
//!   or not.
//! - **HTTP API integration** (`HTTP_PROXY`): through a VPC link, API
//!   Gateway uses TLS only when the integration has a TLS configuration
//!   (`tlsConfig.serverNameToVerify`); over the internet, the URI's scheme.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use rampart_model::*;

use super::api_stages::{apigateway_arn, list_gap, v2_kind};
use crate::registry::why_missing;
use crate::registry::{Check, Context, Outcome};

pub struct InternalHopWithoutTls;

impl Check for InternalHopWithoutTls {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-005")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        // Exposure paths per target group, for the message.
        let mut on_paths: HashMap<(&str, &str), usize> = HashMap::new();
        for e in cx.exposures.all() {
            for h in e.path.hops.iter().filter(|h| h.kind == "target-group") {
                *on_paths
                    .entry((e.region.as_str(), h.id.as_str()))
                    .or_default() += 1;
            }
        }
        let mut out = Vec::new();
        for (region, inv) in &cx.snapshot.regions {
            target_groups(cx, region, inv, &on_paths, &mut out);
            rest_integrations(cx, region, inv, &mut out);
            http_integrations(cx, region, inv, &mut out);
        }
        out
    }
}

fn lb_label(lb: &LoadBalancer) -> String {
    let kind = match lb.lb_type.as_deref() {
        Some("application") => "alb",
        Some("network") => "nlb",
        _ => "lb",
    };
    format!("{kind}/{}", lb.name)
}

/// Why the listeners in front of a target group may be incomplete.
fn fronts_unknown(
    cx: &Context<'_>,
    region: &str,
    tg: &TargetGroup,
    lbs: &HashMap<&str, &LoadBalancer>,
) -> Option<String> {
    if let Some(why) = cx.not_collected(
        Some(region),
        &["elasticloadbalancing:DescribeLoadBalancers"],
    ) {
        return Some(why);
    }
    for arn in &tg.load_balancer_arns {
        let Some(lb) = lbs.get(arn.as_str()) else {
            return Some(format!("load balancer {arn} was not collected"));
        };
        let Some(listeners) = &lb.listeners else {
            return Some(why_missing(
                cx,
                Some(region),
                &["elasticloadbalancing:DescribeListeners"],
                arn,
            ));
        };
        let rules_failed = cx
            .snapshot
            .errors_for("elasticloadbalancing:DescribeRules", Some(region))
            .find(|e| {
                listeners
                    .iter()
                    .any(|l| e.resource.as_deref() == Some(l.listener_arn.as_str()))
            });
        if let Some(e) = rules_failed {
            return Some(format!(
                "elasticloadbalancing:DescribeRules failed for {} ({}: {})",
                e.resource.as_deref().unwrap_or_default(),
                e.kind.as_str(),
                e.message
            ));
        }
    }
    None
}

fn target_groups(
    cx: &Context<'_>,
    region: &str,
    inv: &RegionInventory,
    on_paths: &HashMap<(&str, &str), usize>,
    out: &mut Vec<Outcome>,
) {
    if let Some(reason) =
        cx.not_collected(Some(region), &["elasticloadbalancing:DescribeTargetGroups"])
    {
        out.push(Outcome::new(
            format!(
                "arn:{}:elasticloadbalancing:{region}:{}:targetgroup/*",
                cx.snapshot.partition, cx.snapshot.account_id
            ),
            region,
            Status::NotEvaluated(reason),
            format!("target groups in {region} were not collected"),
        ));
        return;
    }
    let Some(rix) = cx.index.regions.get(region) else {
        return;
    };
    let mut fronts: HashMap<&str, Vec<(&LoadBalancer, &Listener)>> = HashMap::new();
    for lb in &inv.elbv2.load_balancers {
        for l in lb.listeners.iter().flatten() {
            for tg in rix.listener_target_groups(l) {
                fronts
                    .entry(tg.target_group_arn.as_str())
                    .or_default()
                    .push((lb, l));
            }
        }
    }
    for tg in &inv.elbv2.target_groups {
        let protocol = tg.protocol.as_deref().unwrap_or_default();
        if tg.target_type.as_deref() == Some("lambda") || protocol.eq_ignore_ascii_case("GENEVE") {
            continue;
        }
        let arn = tg.target_group_arn.as_str();
        let name = format!("tg/{}", tg.name.as_deref().unwrap_or(arn));
        let listeners = fronts.get(arn).map_or(&[][..], Vec::as_slice);
        let paths = match on_paths.get(&(region, arn)) {
            Some(n) => format!(" (on {n} exposure path(s))"),
            None => String::new(),
        };
        let described = |pick: &dyn Fn(&str) -> bool| -> Vec<String> {
            listeners
                .iter()
                .filter(|(_, l)| l.protocol.as_deref().is_some_and(pick))
                .map(|(lb, l)| {
                    format!(
                        "{} {}:{}",
                        lb_label(lb),
                        l.protocol.as_deref().unwrap_or("?"),
                        l.port.map_or("?".into(), |p| p.to_string())
                    )
                })
                .collect()
        };
        let (status, msg) = if protocol.is_empty() {
            (
                Status::NotEvaluated(format!("{name} reported no protocol")),
                format!("the protocol of {name} is unknown"),
            )
        } else if is_tls_protocol(protocol) {
            (
                Status::Pass,
                format!("{name} re-encrypts to its targets ({protocol})"),
            )
        } else if let terminating @ [_, ..] = described(&is_tls_protocol).as_slice() {
            (
                Status::Fail,
                format!(
                    "TLS ends at {} and {name} forwards plaintext {protocol} to the targets{paths}",
                    terminating.join(", ")
                ),
            )
        } else if let http @ [_, ..] = described(&|p| p.eq_ignore_ascii_case("HTTP")).as_slice() {
            (
                Status::Fail,
                format!(
                    "{} parses plaintext HTTP and {name} forwards it as {protocol}{paths}",
                    http.join(", ")
                ),
            )
        } else if let Some(why) = fronts_unknown(cx, region, tg, &rix.load_balancers) {
            (
                Status::NotEvaluated(why),
                format!("the listeners in front of {name} are unknown"),
            )
        } else if listeners.is_empty() {
            continue;
        } else {
            (
                Status::Pass,
                format!(
                    "{} pass the client's bytes through to {name} unchanged (no TLS terminated at the load balancer)",
                    described(&|_| true).join(", ")
                ),
            )
        };
        out.push(Outcome::new(arn.to_string(), region, status, msg));
    }
}

/// What an integration URI's scheme says about the hop.
enum Scheme {
    Plain(String),
    Tls,
    Unknown(String),
}

/// The scheme of `uri` for every set of stage variables it may be
/// resolved with; plaintext in any stage is plaintext.
fn scheme<'a>(uri: &str, stages: impl Iterator<Item = &'a BTreeMap<String, String>>) -> Scheme {
    let candidates: Vec<String> = if uri.contains("${stageVariables.") {
        stages
            .map(|vars| {
                vars.iter().fold(uri.to_string(), |u, (k, v)| {
                    u.replace(&format!("${{stageVariables.{k}}}"), v)
                })
            })
            .collect()
    } else {
        vec![uri.to_string()]
    };
    if candidates.is_empty() {
        return Scheme::Unknown(format!(
            "integration URI {uri} depends on stage variables and no stage was collected"
        ));
    }
    let mut unknown = None;
    for c in candidates {
        let lower = c.trim().to_ascii_lowercase();
        if lower.starts_with("http://") {
            return Scheme::Plain(c);
        }
        if !lower.starts_with("https://") {
            unknown = Some(c);
        }
    }
    match unknown {
        Some(c) => Scheme::Unknown(format!("the scheme of integration URI {c:?} is unknown")),
        None => Scheme::Tls,
    }
}

fn rest_integrations(
    cx: &Context<'_>,
    region: &str,
    inv: &RegionInventory,
    out: &mut Vec<Outcome>,
) {
    if let Some(gap) = list_gap(
        cx,
        region,
        "apigateway:GetRestApis",
        "/restapis",
        "REST APIs",
    ) {
        out.push(gap);
        return;
    }
    for api in &inv.apigateway.rest_apis {
        let integration_arn = |rid: &str, verb: &str| {
            apigateway_arn(
                cx,
                region,
                &format!(
                    "/restapis/{}/resources/{rid}/methods/{verb}/integration",
                    api.id
                ),
            )
        };
        let Some(resources) = &api.resources else {
            out.push(Outcome::new(
                apigateway_arn(cx, region, &format!("/restapis/{}/resources/*", api.id)),
                region,
                Status::NotEvaluated(why_missing(
                    cx,
                    Some(region),
                    &["apigateway:GetResources"],
                    &api.id,
                )),
                format!("the methods of REST API {} were not collected", api.id),
            ));
            continue;
        };
        // A method whose GetMethod failed is missing from the list; the
        // error names it as API/RESOURCE/VERB.
        for e in cx.snapshot.errors_for("apigateway:GetMethod", Some(region)) {
            let Some((rid, verb)) = e
                .resource
                .as_deref()
                .and_then(|r| r.strip_prefix(&format!("{}/", api.id)))
                .and_then(|r| r.split_once('/'))
            else {
                continue;
            };
            out.push(Outcome::new(
                integration_arn(rid, verb),
                region,
                Status::NotEvaluated(format!(
                    "apigateway:GetMethod failed ({}: {})",
                    e.kind.as_str(),
                    e.message
                )),
                format!("{verb} on resource {rid} of REST API {} is unknown", api.id),
            ));
        }
        for res in resources {
            for m in &res.methods {
                let Some(integ) = &m.integration else {
                    continue;
                };
                if !matches!(
                    integ.integration_type.as_deref(),
                    Some("HTTP" | "HTTP_PROXY")
                ) {
                    continue;
                }
                let label = format!(
                    "{} {} of REST API {}",
                    m.http_method,
                    res.path.as_deref().unwrap_or("/"),
                    api.id
                );
                let via = if integ.connection_type.as_deref() == Some("VPC_LINK") {
                    "through a VPC link"
                } else {
                    "over the internet"
                };
                let uri = integ.uri.as_deref().unwrap_or_default();
                let vars = api.stages.iter().flatten().map(|s| &s.variables);
                let (status, msg) = match scheme(uri, vars) {
                    Scheme::Plain(u) => (
                        Status::Fail,
                        format!("{label} calls its backend in plaintext HTTP {via}: {u}"),
                    ),
                    Scheme::Tls => (
                        Status::Pass,
                        format!(
                            "{label} calls its backend over HTTPS {via}{}",
                            if integ.tls_insecure_skip_verification == Some(true) {
                                " (certificate not verified)"
                            } else {
                                ""
                            }
                        ),
                    ),
                    Scheme::Unknown(why) => (
                        Status::NotEvaluated(why),
                        format!("the protocol {label} uses is unknown"),
                    ),
                };
                out.push(Outcome::new(
                    integration_arn(&res.id, &m.http_method),
                    region,
                    status,
                    msg,
                ));
            }
        }
    }
}

fn http_integrations(
    cx: &Context<'_>,
    region: &str,
    inv: &RegionInventory,
    out: &mut Vec<Outcome>,
) {
    if let Some(gap) = list_gap(cx, region, "apigatewayv2:GetApis", "/apis", "HTTP APIs") {
        out.push(gap);
        return;
    }
    for api in &inv.apigatewayv2.apis {
        let Some(integrations) = &api.integrations else {
            let why = why_missing(
                cx,
                Some(region),
                &["apigatewayv2:GetIntegrations"],
                &api.api_id,
            );
            // The integrations the routes name keep their own verdict
            // (issue 14 item 3); a route's target is `integrations/ID`
            // (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-routes.html).
            let mut named: Vec<&str> = api
                .routes
                .iter()
                .flatten()
                .filter_map(|r| r.target.as_deref()?.strip_prefix("integrations/"))
                .collect();
            named.sort_unstable();
            named.dedup();
            for id in std::iter::once("*").chain(named) {
                out.push(Outcome::new(
                    apigateway_arn(
                        cx,
                        region,
                        &format!("/apis/{}/integrations/{id}", api.api_id),
                    ),
                    region,
                    Status::NotEvaluated(why.clone()),
                    format!("the integrations of API {} were not collected", api.api_id),
                ));
            }
            continue;
        };
        for i in integrations {
            if !matches!(i.integration_type.as_deref(), Some("HTTP" | "HTTP_PROXY")) {
                continue;
            }
            let label = format!(
                "integration {} of {} {}",
                i.integration_id,
                v2_kind(api),
                api.api_id
            );
            let uri = i.integration_uri.as_deref().unwrap_or_default();
            let (status, msg) = if i.connection_type.as_deref() == Some("VPC_LINK") {
                match (i.tls_configured, &i.tls_server_name_to_verify) {
                    (_, Some(n)) => (
                        Status::Pass,
                        format!("{label} uses TLS through its VPC link (server name {n})"),
                    ),
                    (true, None) => (
                        Status::Pass,
                        format!("{label} uses TLS through its VPC link"),
                    ),
                    (false, None) => (
                        Status::Fail,
                        format!(
                            "{label} reaches {uri} through a VPC link without a TLS configuration: API Gateway sends plaintext HTTP"
                        ),
                    ),
                }
            } else {
                let vars = api.stages.iter().flatten().map(|s| &s.stage_variables);
                match scheme(uri, vars) {
                    Scheme::Plain(u) => (
                        Status::Fail,
                        format!(
                            "{label} calls its backend in plaintext HTTP over the internet: {u}"
                        ),
                    ),
                    Scheme::Tls => (
                        Status::Pass,
                        format!("{label} calls its backend over HTTPS"),
                    ),
                    Scheme::Unknown(why) => (
                        Status::NotEvaluated(why),
                        format!("the protocol {label} uses is unknown"),
                    ),
                }
            };
            out.push(Outcome::new(
                apigateway_arn(
                    cx,
                    region,
                    &format!("/apis/{}/integrations/{}", api.api_id, i.integration_id),
                ),
                region,
                status,
                msg,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::data::fixtures::*;
    use crate::testing::*;

    /// (resource ARN tail after the region/account part, status), sorted.
    fn verdicts(got: &[Outcome]) -> Vec<(String, &'static str)> {
        let mut v: Vec<_> = got
            .iter()
            .map(|o| {
                let tail = o
                    .resource_arn
                    .split_once("targetgroup/")
                    .map(|(_, t)| format!("tg/{t}"))
                    .or_else(|| o.resource_arn.split_once("::").map(|(_, t)| t.to_string()))
                    .unwrap_or_else(|| o.resource_arn.to_string());
                (tail, o.status.as_str())
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn target_groups_behind_tls_listeners_must_re_encrypt() {
        let mut s = snapshot();
        let r = region(&mut s);
        r.elbv2.load_balancers = vec![
            nlb(
                "int",
                vec![
                    listener("int", "TLS", 443, "plain"),
                    listener("int", "TLS", 8443, "tls"),
                ],
            ),
            nlb("pub", vec![listener("pub", "TCP", 80, "passthrough")]),
            nlb("alb", vec![listener("alb", "HTTP", 80, "http")]),
        ];
        r.elbv2.target_groups = vec![
            target_group("plain", "TCP", "int"),
            target_group("tls", "TLS", "int"),
            target_group("passthrough", "TCP", "pub"),
            target_group("http", "HTTP", "alb"),
            target_group("unused", "TCP", "none"),
        ];
        r.elbv2.target_groups[4].load_balancer_arns.clear();
        let got = run(&InternalHopWithoutTls, &s);
        assert_eq!(
            verdicts(&got),
            vec![
                ("tg/http/1".into(), "fail"),
                ("tg/passthrough/1".into(), "pass"),
                ("tg/plain/1".into(), "fail"),
                ("tg/tls/1".into(), "pass"),
            ]
        );
        assert!(
            got.iter().any(|o| o.message
                == "TLS ends at nlb/int TLS:443 and tg/plain forwards plaintext TCP to the targets"),
            "{got:#?}"
        );
    }

    #[test]
    fn integrations_are_judged_by_scheme_and_tls_config() {
        let mut s = snapshot();
        let mut api = rest_api("a1", vec![rest_stage("prod")]);
        api.stages.as_mut().unwrap()[0]
            .variables
            .insert("backend".into(), "https://nlb.example".into());
        let mut mock = proxy("", false);
        mock.integration_type = Some("MOCK".into());
        api.resources = Some(vec![resource(
            "r1",
            "/orders",
            vec![
                ("GET", proxy("http://nlb.example:443/orders", true)),
                ("POST", proxy("https://api.example.com/orders", false)),
                ("PUT", proxy("${stageVariables.backend}/orders", true)),
                ("OPTIONS", mock),
            ],
        )]);
        let r = region(&mut s);
        r.apigateway.rest_apis = vec![api];
        r.apigatewayv2.apis = vec![http_api(
            "h1",
            vec![http_stage("$default")],
            vec![
                private_integration("i-plain", "arn:listener/1", None),
                private_integration("i-tls", "arn:listener/2", Some("orders.internal")),
                // A TLS config without a server name is still TLS.
                HttpIntegration {
                    tls_configured: true,
                    ..private_integration("i-tls-noname", "arn:listener/3", None)
                },
            ],
        )];
        let got = run(&InternalHopWithoutTls, &s);
        assert_eq!(
            verdicts(&got),
            vec![
                ("/apis/h1/integrations/i-plain".into(), "fail"),
                ("/apis/h1/integrations/i-tls".into(), "pass"),
                ("/apis/h1/integrations/i-tls-noname".into(), "pass"),
                (
                    "/restapis/a1/resources/r1/methods/GET/integration".into(),
                    "fail"
                ),
                (
                    "/restapis/a1/resources/r1/methods/POST/integration".into(),
                    "pass"
                ),
                (
                    "/restapis/a1/resources/r1/methods/PUT/integration".into(),
                    "pass"
                ),
            ]
        );
        assert!(got.iter().any(|o| o.message
            == "GET /orders of REST API a1 calls its backend in plaintext HTTP through a VPC link: http://nlb.example:443/orders"));
    }

    #[test]
    fn missing_listeners_methods_and_stage_variables_are_not_evaluated() {
        let mut s = snapshot();
        let mut lb = nlb("int", vec![]);
        lb.listeners = None;
        let mut api = rest_api("a1", vec![]);
        api.stages = None;
        api.resources = Some(vec![resource(
            "r1",
            "/x",
            vec![("GET", proxy("${stageVariables.url}/x", false))],
        )]);
        let mut gone = rest_api("a2", vec![]);
        gone.resources = None;
        let mut v2 = http_api("h1", vec![], vec![]);
        v2.integrations = None;
        // Issue 14 item 3: the integration a route names keeps a verdict.
        v2.routes = Some(vec![HttpRoute {
            route_id: Some("rt1".into()),
            route_key: "GET /x".into(),
            authorization_type: Some("NONE".into()),
            authorizer_id: None,
            api_key_required: false,
            target: Some("integrations/in1".into()),
        }]);
        let r = region(&mut s);
        r.elbv2.load_balancers = vec![lb];
        r.elbv2.target_groups = vec![target_group("plain", "TCP", "int")];
        r.apigateway.rest_apis = vec![api, gone];
        r.apigatewayv2.apis = vec![v2];
        fail(&mut s, "elasticloadbalancing:DescribeListeners");
        fail(&mut s, "apigateway:GetMethod");
        s.collection_errors.last_mut().unwrap().resource = Some("a1/r2/DELETE".into());
        let got = run(&InternalHopWithoutTls, &s);
        assert_eq!(
            verdicts(&got),
            vec![
                ("/apis/h1/integrations/*".into(), "not-evaluated"),
                ("/apis/h1/integrations/in1".into(), "not-evaluated"),
                (
                    "/restapis/a1/resources/r1/methods/GET/integration".into(),
                    "not-evaluated"
                ),
                (
                    "/restapis/a1/resources/r2/methods/DELETE/integration".into(),
                    "not-evaluated"
                ),
                ("/restapis/a2/resources/*".into(), "not-evaluated"),
                ("tg/plain/1".into(), "not-evaluated"),
            ]
        );
        // Whole lists missing: one gap per region and kind.
        let mut s = snapshot();
        fail(&mut s, "elasticloadbalancing:DescribeTargetGroups");
        fail(&mut s, "apigateway:GetRestApis");
        fail(&mut s, "apigatewayv2:GetApis");
        assert_eq!(
            statuses(&run(&InternalHopWithoutTls, &s)),
            vec![("*".into(), "not-evaluated"); 3]
        );
    }
}
