//! NET-003: an API Gateway integration that calls an EC2 backend over the
//! public internet (an `INTERNET` connection to a load balancer's or an
//! instance's public name) needs that backend to be internet-reachable, so
//! the gateway is one front door among several and the backend hop crosses
//! the internet. A VPC link to an internal load balancer keeps both private.
//!
//! Judged per REST method and per HTTP API route with an HTTP integration;
//! Lambda, AWS-service and mock integrations have no EC2 backend and are
//! left out. A stage variable in the URI is resolved with every stage of
//! the API: one stage calling over the internet is enough to fail.

use foldhash::{HashMap, HashMapExt};

use rampart_model::{ExposurePath, HttpStage, PathKind, RestStage, Snapshot, Status};

use crate::index::IntegrationTarget;
use crate::reach::ip::parse_cidr;
use crate::registry::{Check, Context, Outcome};

pub struct IntegrationNotViaVpcLink;

/// What tells a public URL's host apart: the load balancers (by DNS name)
/// and the instances' public addresses.
const HOST_INPUTS: &[&str] = &[
    "elasticloadbalancing:DescribeLoadBalancers",
    "ec2:DescribeInstances",
    "ec2:DescribeNetworkInterfaces",
];

impl Check for IntegrationNotViaVpcLink {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-003")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = Vec::new();
        let s = cx.snapshot;
        for (region, inv) in &s.regions {
            let Some(rix) = cx.index.regions.get(region.as_str()) else {
                continue;
            };
            let judge = Judge {
                hosts: public_hosts(cx, region),
                host_gap: cx.not_collected(Some(region), HOST_INPUTS),
                paths: stage_hop_paths(cx, region),
            };
            let gap = |arn: String, why: String, msg: String| {
                Outcome::new(arn, region, Status::NotEvaluated(why), msg)
            };

            // REST APIs
            if let Some(why) = cx.not_collected(Some(region), &["apigateway:GetRestApis"]) {
                out.push(gap(
                    apigw_arn(s, region, "/restapis/*"),
                    why,
                    format!("REST APIs in {region} were not collected"),
                ));
            } else {
                for api in &inv.apigateway.rest_apis {
                    let Some(resources) = &api.resources else {
                        out.push(gap(
                            apigw_arn(s, region, &format!("/restapis/{}", api.id)),
                            cx.not_collected(Some(region), &["apigateway:GetResources"])
                                .unwrap_or_else(|| {
                                    format!("resources of {} not collected", api.id)
                                }),
                            format!("the methods of REST API {} are unknown", api.id),
                        ));
                        continue;
                    };
                    let stages: Vec<_> = match &api.stages {
                        Some(v) if !v.is_empty() => v.iter().map(Some).collect(),
                        _ => vec![None],
                    };
                    for res in resources {
                        for m in &res.methods {
                            let Some(integ) = &m.integration else {
                                continue;
                            };
                            let arn = apigw_arn(
                                s,
                                region,
                                &format!(
                                    "/restapis/{}/resources/{}/methods/{}",
                                    api.id, res.id, m.http_method
                                ),
                            );
                            let what = format!(
                                "{} {} of REST API {}",
                                m.http_method,
                                res.path.as_deref().unwrap_or(&res.id),
                                api.id
                            );
                            // The api-stage hop id the exposure paths use.
                            let hop = |st: Option<&RestStage>| {
                                format!(
                                    "{}/{}/{} {}",
                                    api.id,
                                    st.map_or("", |st| st.stage_name.as_str()),
                                    m.http_method,
                                    res.path.as_deref().unwrap_or("/")
                                )
                            };
                            let targets: Vec<_> = stages
                                .iter()
                                .map(|st| (hop(*st), rix.rest_integration(integ, *st)))
                                .collect();
                            out.extend(judge.verdict(arn, region, &what, targets));
                        }
                    }
                    // Methods whose GetMethod failed were left out of the
                    // listing: each is not evaluated, by name.
                    for e in s.errors_for("apigateway:GetMethod", Some(region)) {
                        let Some(rest) = e
                            .resource
                            .as_deref()
                            .and_then(|r| r.strip_prefix(&format!("{}/", api.id)))
                        else {
                            continue;
                        };
                        let Some((rid, verb)) = rest.split_once('/') else {
                            continue;
                        };
                        out.push(gap(
                            apigw_arn(
                                s,
                                region,
                                &format!("/restapis/{}/resources/{rid}/methods/{verb}", api.id),
                            ),
                            format!(
                                "apigateway:GetMethod was not collected ({}: {})",
                                e.kind.as_str(),
                                e.message
                            ),
                            format!(
                                "the integration of {verb} {rid} of REST API {} is unknown",
                                api.id
                            ),
                        ));
                    }
                }
            }

            // HTTP APIs
            if let Some(why) = cx.not_collected(Some(region), &["apigatewayv2:GetApis"]) {
                out.push(gap(
                    apigw_arn(s, region, "/apis/*"),
                    why,
                    format!("HTTP APIs in {region} were not collected"),
                ));
                continue;
            }
            for api in &inv.apigatewayv2.apis {
                let api_arn = apigw_arn(s, region, &format!("/apis/{}", api.api_id));
                let Some(routes) = &api.routes else {
                    out.push(gap(
                        api_arn,
                        cx.not_collected(Some(region), &["apigatewayv2:GetRoutes"])
                            .unwrap_or_else(|| format!("routes of {} not collected", api.api_id)),
                        format!("the routes of HTTP API {} are unknown", api.api_id),
                    ));
                    continue;
                };
                let stages: Vec<_> = match &api.stages {
                    Some(v) if !v.is_empty() => v.iter().map(Some).collect(),
                    _ => vec![None],
                };
                for r in routes {
                    let Some(integ_id) = r
                        .target
                        .as_deref()
                        .and_then(|t| t.strip_prefix("integrations/"))
                    else {
                        continue;
                    };
                    let arn = apigw_arn(
                        s,
                        region,
                        &format!(
                            "/apis/{}/routes/{}",
                            api.api_id,
                            r.route_id.as_deref().unwrap_or(&r.route_key)
                        ),
                    );
                    let what = format!("route {} of HTTP API {}", r.route_key, api.api_id);
                    let Some(integ) = api
                        .integrations
                        .iter()
                        .flatten()
                        .find(|i| i.integration_id == integ_id)
                    else {
                        let why = cx
                            .not_collected(Some(region), &["apigatewayv2:GetIntegrations"])
                            .unwrap_or_else(|| format!("integration {integ_id} not collected"));
                        out.push(gap(
                            arn,
                            why,
                            format!("the integration of {what} is unknown"),
                        ));
                        continue;
                    };
                    let hop = |st: Option<&HttpStage>| {
                        format!(
                            "{}/{}/{}",
                            api.api_id,
                            st.map_or("", |st| st.stage_name.as_str()),
                            r.route_key
                        )
                    };
                    let targets: Vec<_> = stages
                        .iter()
                        .map(|st| (hop(*st), rix.http_integration(integ, *st)))
                        .collect();
                    out.extend(judge.verdict(arn, region, &what, targets));
                }
            }
        }
        out
    }
}

struct Judge<'a> {
    /// Public address (or public EC2 DNS name) -> instance id.
    hosts: HashMap<String, String>,
    host_gap: Option<String>,
    /// The region's gateway exposure paths by api-stage hop id, to attach
    /// to a failure.
    paths: HashMap<&'a str, &'a ExposurePath>,
}

/// The region's certain gateway exposure paths by the id of each
/// api-stage hop they pass (the first path in backend order for an id many
/// share): one lookup per failure instead of a scan of every path.
fn stage_hop_paths<'a>(cx: &Context<'a>, region: &str) -> HashMap<&'a str, &'a ExposurePath> {
    let mut by_hop = HashMap::new();
    let paths = cx
        .exposures
        .in_region(region)
        .flat_map(|(_, v)| v.iter())
        .filter(|e| e.path.kind == PathKind::Gateway && e.uncertain.is_none())
        .map(|e| &e.path);
    for p in paths {
        for h in p.hops.iter().filter(|h| h.kind == "api-stage") {
            by_hop.entry(h.id.as_str()).or_insert(p);
        }
    }
    by_hop
}

impl Judge<'_> {
    /// The exposure path through this method/route on this stage, if the
    /// backend is reached that way (the api-stage hop's id names both).
    fn path_for(&self, stage_hop: &str) -> Option<ExposurePath> {
        self.paths.get(stage_hop).map(|p| (*p).clone())
    }

    /// One method's or route's outcome over its per-stage resolutions;
    /// `None` when the integration has no EC2 backend at all.
    fn verdict(
        &self,
        arn: String,
        region: &str,
        what: &str,
        targets: Vec<(String, IntegrationTarget<'_>)>,
    ) -> Option<Outcome> {
        let mut external = None;
        let mut unknown = None;
        let mut via_link = false;
        for (stage_hop, t) in &targets {
            let fail = |msg: String| {
                let mut o = Outcome::new(arn.clone(), region, Status::Fail, msg);
                o.path = self.path_for(stage_hop).map(Box::new);
                Some(o)
            };
            match t {
                IntegrationTarget::PublicUrl {
                    url,
                    load_balancer: Some(lb),
                } => {
                    let scheme = lb.scheme.as_deref().unwrap_or("unknown scheme");
                    let note = if scheme == "internal" {
                        " (an internal load balancer is not even reachable that way)"
                    } else {
                        ""
                    };
                    return fail(format!(
                        "{what} calls {url} over the internet: that is load balancer {} ({scheme}){note}; integrate through a VPC link instead",
                        lb.name
                    ));
                }
                IntegrationTarget::PublicUrl {
                    url,
                    load_balancer: None,
                } => {
                    if let Some(i) = host_of(url).and_then(|h| self.hosts.get(&h)) {
                        return fail(format!(
                            "{what} calls {url} over the internet: that is the public address of instance {i}; integrate through a VPC link and an internal load balancer instead"
                        ));
                    }
                    external.get_or_insert(url.clone());
                }
                IntegrationTarget::VpcLink { .. }
                | IntegrationTarget::CloudMap { .. }
                | IntegrationTarget::Unresolved(_) => {
                    via_link = true;
                }
                // A stage variable no stage defines: the URL is unknown.
                IntegrationTarget::UnknownUrl(why) => {
                    unknown = Some(why.clone());
                }
                IntegrationTarget::NotEc2 => {}
            }
        }
        if let Some(why) = unknown {
            return Some(Outcome::new(
                arn,
                region,
                Status::NotEvaluated(why),
                format!("the URL {what} calls is unknown"),
            ));
        }
        if let Some(url) = external {
            return Some(match &self.host_gap {
                // The host may be a load balancer or instance that was not collected.
                Some(why) => Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why.clone()),
                    format!("cannot tell whether {url} ({what}) is a backend of this account"),
                ),
                None => Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!(
                        "{what} calls {url}, which is no load balancer or instance of this account"
                    ),
                ),
            });
        }
        via_link.then(|| {
            Outcome::new(
                arn,
                region,
                Status::Pass,
                format!("{what} reaches its backend through a VPC link"),
            )
        })
    }
}

/// `arn:PARTITION:apigateway:REGION::PATH`.
fn apigw_arn(s: &Snapshot, region: &str, path: &str) -> String {
    format!("arn:{}:apigateway:{region}::{path}", s.partition)
}

/// Every public address of an instance in the region, plus the public DNS
/// names EC2 derives from IPv4 addresses, each to its instance id.
fn public_hosts(cx: &Context<'_>, region: &str) -> HashMap<String, String> {
    let mut hosts = HashMap::new();
    let Some(inv) = cx.snapshot.regions.get(region) else {
        return hosts;
    };
    let mut add = |addr: &str, instance: &str| {
        hosts.insert(addr.to_ascii_lowercase(), instance.to_string());
    };
    for i in &inv.ec2.instances {
        if let Some(ip) = &i.public_ip {
            add(ip, &i.instance_id);
        }
        for ip in &i.ipv6_addresses {
            add(ip, &i.instance_id);
        }
    }
    for e in &inv.ec2.network_interfaces {
        let Some(owner) = e.attachment.as_ref().and_then(|a| a.instance_id.as_deref()) else {
            continue;
        };
        for p in &e.private_ip_addresses {
            if let Some(ip) = &p.public_ip {
                add(ip, owner);
            }
        }
        for ip in &e.ipv6_addresses {
            add(ip, owner);
        }
    }
    for eip in &inv.ec2.elastic_ips {
        if let (Some(ip), Some(i)) = (&eip.public_ip, &eip.instance_id) {
            add(ip, i);
        }
    }
    hosts
}

/// The lower-cased host of a URL, with EC2's public DNS names
/// (`ec2-203-0-113-5.compute-1.amazonaws.com`) turned into their address.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host.split(':').next()?
    };
    let host = host.to_ascii_lowercase();
    if let Some(dashed) = host
        .strip_prefix("ec2-")
        .and_then(|h| h.split('.').next())
        .filter(|_| host.ends_with(".amazonaws.com"))
    {
        let dotted = dashed.replace('-', ".");
        if parse_cidr(&dotted).is_some() {
            return Some(dotted);
        }
    }
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;
    use rampart_model::*;

    const GET_H: &str =
        "arn:aws:apigateway:us-east-1::/restapis/api-h/resources/r-orders/methods/GET";
    const GET_L: &str =
        "arn:aws:apigateway:us-east-1::/restapis/api-l/resources/r-items/methods/GET";

    fn by_arn(got: &[Outcome]) -> Vec<(&str, &'static str)> {
        let mut v: Vec<_> = got
            .iter()
            .map(|o| (o.resource_arn.as_str(), o.status.as_str()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_vpc_link_passes_a_call_to_a_public_load_balancer_fails_mocks_are_skipped() {
        let got = run(&IntegrationNotViaVpcLink, &demo());
        assert_eq!(by_arn(&got), vec![(GET_H, "pass"), (GET_L, "fail")]);
        let legacy = got.iter().find(|o| o.resource_arn == GET_L).unwrap();
        // The backend path through this method comes with the finding.
        let path = legacy.path.as_ref().expect("the gateway path");
        assert_eq!(
            path.to_string(),
            "internet -> api api-l/v1 GET /items (no WAF, no auth) -> http://nlb-l.example/items (over the internet) -> nlb/nlb-l -> TCP:80 -> tg/tg-l:8080 -> i-l1"
        );
        assert!(
            legacy
                .message
                .contains("calls http://nlb-l.example/items over the internet: that is load balancer nlb-l (internet-facing)"),
            "{}",
            legacy.message
        );
    }

    #[test]
    fn http_api_routes_and_instance_addresses() {
        let mut s = demo();
        region(&mut s).apigateway.rest_apis.clear();
        // The public DNS name EC2 derives from i-l1's address.
        region(&mut s)
            .apigatewayv2
            .apis
            .push(http_api(http_integration(
                "INTERNET",
                "http://ec2-127-0-0-5.compute-1.amazonaws.com:8080/x",
            )));
        let got = run(&IntegrationNotViaVpcLink, &s);
        assert_eq!(
            by_arn(&got),
            vec![("arn:aws:apigateway:us-east-1::/apis/h1/routes/rt1", "fail")]
        );
        assert!(
            got[0].message.contains("instance i-l1"),
            "{}",
            got[0].message
        );

        // A VPC link to the internal NLB's listener passes; a third-party URL too.
        region(&mut s).apigatewayv2.apis = vec![http_api(http_integration("VPC_LINK", LISTENER_H))];
        assert_eq!(
            statuses(&run(&IntegrationNotViaVpcLink, &s)),
            vec![("rt1".into(), "pass")]
        );
        region(&mut s).apigatewayv2.apis = vec![http_api(http_integration(
            "INTERNET",
            "https://api.partner.example/v1",
        ))];
        assert_eq!(
            statuses(&run(&IntegrationNotViaVpcLink, &s)),
            vec![("rt1".into(), "pass")]
        );
    }

    #[test]
    fn a_stage_variable_is_resolved_per_stage() {
        let mut s = demo();
        let api = &mut region(&mut s).apigateway.rest_apis[0];
        let m = &mut api.resources.as_mut().unwrap()[0].methods[0];
        *m.integration.as_mut().unwrap() =
            integration("INTERNET", "http://${stageVariables.host}/orders", None);
        let mut beta = stage("beta");
        beta.variables.insert("host".into(), "nlb-l.example".into());
        let mut prod = stage("prod");
        prod.variables
            .insert("host".into(), "api.partner.example".into());
        api.stages = Some(vec![prod, beta]);
        assert!(by_arn(&run(&IntegrationNotViaVpcLink, &s)).contains(&(GET_H, "fail")));
        // Without stages the variable stays unresolved: not evaluated.
        region(&mut s).apigateway.rest_apis[0].stages = None;
        assert!(by_arn(&run(&IntegrationNotViaVpcLink, &s)).contains(&(GET_H, "not-evaluated")));
    }

    #[test]
    fn missing_lists_are_not_evaluated() {
        // Load balancers unknown: an unknown public host could be one of them.
        let mut s = demo();
        let m = &mut region(&mut s).apigateway.rest_apis[1]
            .resources
            .as_mut()
            .unwrap()[0]
            .methods[0];
        m.integration.as_mut().unwrap().uri = Some("http://somewhere.example/items".into());
        assert!(by_arn(&run(&IntegrationNotViaVpcLink, &s)).contains(&(GET_L, "pass")));
        fail(&mut s, "elasticloadbalancing:DescribeLoadBalancers");
        assert!(by_arn(&run(&IntegrationNotViaVpcLink, &s)).contains(&(GET_L, "not-evaluated")));

        // A method whose GetMethod failed is named, not dropped.
        let mut s = demo();
        s.collection_errors.push(CollectionError {
            service: "apigateway".into(),
            region: Some(REGION.into()),
            operation: "apigateway:GetMethod".into(),
            resource: Some("api-l/r-items/POST".into()),
            kind: ErrorKind::Throttled,
            code: None,
            message: "slow down".into(),
        });
        assert!(by_arn(&run(&IntegrationNotViaVpcLink, &s)).contains(&(
            "arn:aws:apigateway:us-east-1::/restapis/api-l/resources/r-items/methods/POST",
            "not-evaluated"
        )));

        // No API list at all; no resources for one API.
        let mut s = demo();
        region(&mut s).apigateway.rest_apis[1].resources = None;
        fail(&mut s, "apigatewayv2:GetApis");
        assert_eq!(
            by_arn(&run(&IntegrationNotViaVpcLink, &s)),
            vec![
                ("arn:aws:apigateway:us-east-1::/apis/*", "not-evaluated"),
                (GET_H, "pass"),
                (
                    "arn:aws:apigateway:us-east-1::/restapis/api-l",
                    "not-evaluated"
                ),
            ]
        );
    }

    #[test]
    fn hosts_and_ec2_dns_names() {
        assert_eq!(
            host_of("http://NLB-1.example:80/x").as_deref(),
            Some("nlb-1.example")
        );
        assert_eq!(
            host_of("https://ec2-54-1-2-3.compute-1.amazonaws.com/").as_deref(),
            Some("54.1.2.3")
        );
        assert_eq!(
            host_of("http://[2600::1]:8080/").as_deref(),
            Some("2600::1")
        );
    }
}
