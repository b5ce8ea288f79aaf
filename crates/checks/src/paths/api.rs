//! Paths through API Gateway: a public stage (REST, HTTP or WebSocket) ->
//! method or route -> integration -> VPC link or public URL -> load
//! balancer -> ... -> instance.
//!
//! - REST and WebSocket private integrations go through a REST-style VPC
//!   link to an NLB over PrivateLink, on the listener whose port the
//!   integration URI names (its scheme's default when it names none)
//!   (<https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-private-integration.html>,
//!   <https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/websocket-api.html>);
//! - HTTP API private integrations name the ALB/NLB listener by ARN and
//!   reach it from the VPC link's interfaces
//!   (<https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html>);
//! - an integration whose URL is one of the account's internet-facing load
//!   balancers calls it over the internet: the path continues as an
//!   internet client's would.
//!
//! Stage variables are substituted per stage first; an integration that
//! cannot be resolved (a variable the stage does not define, a VPC link
//! that was not collected) is an [`Unresolved`] way in, never a guess.
//! REST APIs that are only PRIVATE are reached through VPC endpoints, not
//! from the internet; WebSocket APIs are always Regional (public).

use rampart_model::*;

use super::inputs::Input;
use super::{Exposure, RegionCx, Unresolved, default_port, hop, uri_port};
use crate::index::{IntegrationTarget, stage_arn};

impl<'a, 's> RegionCx<'a, 's> {
    pub(super) fn rest_api(&self, api: &'s RestApi) -> Vec<Exposure> {
        // PRIVATE APIs are reachable only through a VPC endpoint.
        if api.endpoint_types.iter().all(|t| t == "PRIVATE") {
            return vec![];
        }
        let api_arn = crate::index::apigateway_arn(
            self.rix.partition,
            self.region,
            &format!("/restapis/{}", api.id),
        );
        let Some(unsure) = self.has_doors(&api.id, api.disable_execute_api_endpoint) else {
            return vec![];
        };
        self.reads.look_up(Input::RestResources);
        self.reads.look_up(Input::RestStages);
        let (Some(resources), Some(stages)) = (&api.resources, &api.stages) else {
            let (input, what) = if api.resources.is_none() {
                (Input::RestResources, "methods")
            } else {
                (Input::RestStages, "stages")
            };
            let why = self.missing(
                input,
                Some(&api.id),
                format!("the {what} of API {} were not collected", api.id),
            );
            self.unknown_api(&api_arn, &format!("api {}", api.id), why);
            return vec![];
        };
        let mut out = Vec::new();
        for stage in stages {
            let sarn = stage_arn(
                self.rix.partition,
                self.rix.name,
                &api.id,
                &stage.stage_name,
            );
            let waf = self.rix.web_acl_for.get(&sarn);
            for res in resources {
                for m in &res.methods {
                    let Some(integ) = &m.integration else {
                        continue;
                    };
                    let path = res.path.as_deref().unwrap_or("/");
                    let mut stage_hop = hop(
                        "api-stage",
                        &format!("{}/{}/{} {}", api.id, stage.stage_name, m.http_method, path),
                        format!(
                            "api {}/{} {} {}",
                            api.id, stage.stage_name, m.http_method, path
                        ),
                    );
                    if waf.is_none() {
                        stage_hop.gaps.push("no WAF".into());
                    }
                    if m.authorization_type.as_deref().is_none_or(|a| a == "NONE")
                        && !m.api_key_required
                    {
                        stage_hop.gaps.push("no auth".into());
                    }
                    self.reads.look_up(Input::RestVpcLinks);
                    for (entry, maybe) in self.doors(
                        &api.id,
                        api.disable_execute_api_endpoint,
                        &stage.stage_name,
                        stage_hop,
                        unsure.as_deref(),
                    ) {
                        out.extend(maybe_only(
                            self.integration(
                                self.rix.rest_integration(integ, Some(stage)),
                                entry,
                                &sarn,
                            ),
                            maybe,
                        ));
                    }
                }
            }
        }
        out
    }

    /// HTTP and WebSocket APIs (API Gateway v2).
    pub(super) fn v2_api(&self, api: &'s HttpApi) -> Vec<Exposure> {
        let websocket = match api.protocol_type.as_deref() {
            Some("HTTP") => false,
            Some("WEBSOCKET") => true,
            _ => return vec![],
        };
        let api_arn = crate::index::apigateway_arn(
            self.rix.partition,
            self.region,
            &format!("/apis/{}", api.api_id),
        );
        let Some(unsure) = self.has_doors(&api.api_id, api.disable_execute_api_endpoint) else {
            return vec![];
        };
        self.reads.look_up(Input::ApiRoutes);
        self.reads.look_up(Input::ApiIntegrations);
        self.reads.look_up(Input::ApiStages);
        let (Some(routes), Some(integrations), Some(stages)) =
            (&api.routes, &api.integrations, &api.stages)
        else {
            let (input, what) = if api.routes.is_none() {
                (Input::ApiRoutes, "routes")
            } else if api.integrations.is_none() {
                (Input::ApiIntegrations, "integrations")
            } else {
                (Input::ApiStages, "stages")
            };
            let why = self.missing(
                input,
                Some(&api.api_id),
                format!("the {what} of API {} were not collected", api.api_id),
            );
            self.unknown_api(&api_arn, &format!("api {}", api.api_id), why);
            return vec![];
        };
        // A WebSocket API authorizes only its $connect route; every other
        // route runs on a connection $connect admitted
        // (<https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-control-access.html>).
        let connect_open = websocket
            && routes
                .iter()
                .find(|r| r.route_key == "$connect")
                .is_none_or(|r| r.authorization_type.as_deref().is_none_or(|a| a == "NONE"));
        let mut out = Vec::new();
        for stage in stages {
            let sarn = crate::index::apigateway_arn(
                self.rix.partition,
                self.region,
                &format!("/apis/{}/stages/{}", api.api_id, stage.stage_name),
            );
            for r in routes {
                let Some(integ) = r
                    .target
                    .as_deref()
                    .and_then(|t| t.strip_prefix("integrations/"))
                    .and_then(|id| integrations.iter().find(|i| i.integration_id == id))
                else {
                    continue;
                };
                let (kind, waf_gap) = if websocket {
                    ("ws-api", "no WAF (WebSocket API)")
                } else {
                    ("http-api", "no WAF (HTTP API)")
                };
                let mut stage_hop = hop(
                    "api-stage",
                    &format!("{}/{}/{}", api.api_id, stage.stage_name, r.route_key),
                    format!("{kind} {}/{} {}", api.api_id, stage.stage_name, r.route_key),
                );
                // Neither HTTP nor WebSocket APIs can hold a WAF web ACL.
                stage_hop.gaps.push(waf_gap.into());
                let open = if websocket {
                    connect_open
                } else {
                    r.authorization_type.as_deref().is_none_or(|a| a == "NONE")
                };
                if open {
                    stage_hop.gaps.push("no auth".into());
                }
                for (entry, maybe) in self.doors(
                    &api.api_id,
                    api.disable_execute_api_endpoint,
                    &stage.stage_name,
                    stage_hop,
                    unsure.as_deref(),
                ) {
                    let target = if websocket {
                        self.reads.look_up(Input::RestVpcLinks);
                        self.rix.websocket_integration(integ, Some(stage))
                    } else {
                        self.rix.http_integration(integ, Some(stage))
                    };
                    out.extend(maybe_only(self.integration(target, entry, &sarn), maybe));
                }
            }
        }
        out
    }

    /// Whether clients can enter API `api_id` at all: `None` when they
    /// cannot, `Some(None)` when they can by known ways, `Some(Some(why))`
    /// when they may by a way nobody can see. With its default
    /// (`execute-api`) endpoint enabled they can; with it disabled, only
    /// through a custom domain mapped to it
    /// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html>):
    /// the domains are read, and when a domain list or some domain's
    /// mappings are missing, the API's backends are reached *maybe*
    /// (uncertain paths, with why) where no known mapping serves a stage.
    /// Its backends are known (its integrations are), so nothing else in
    /// the region is in doubt.
    fn has_doors(&self, api_id: &str, disabled: bool) -> Option<Option<String>> {
        if !disabled {
            return Some(None);
        }
        use crate::domains::{LIST_V1, LIST_V2, MAPPINGS_V1};
        for input in [
            Input::DomainNames,
            Input::BasePathMappings,
            Input::ApiDomainNames,
            Input::ApiMappings,
        ] {
            self.reads.look_up(input);
        }
        let domains = self.domains();
        match domains.unknown_mappings().first() {
            Some(op) => {
                let input = match *op {
                    LIST_V1 => Input::DomainNames,
                    LIST_V2 => Input::ApiDomainNames,
                    MAPPINGS_V1 => Input::BasePathMappings,
                    _ => Input::ApiMappings,
                };
                Some(Some(self.missing(
                    input,
                    None,
                    format!(
                        "API {api_id} disables its default endpoint, and the custom domains that may serve it are not all known"
                    ),
                )))
            }
            None => domains.maps_api(api_id).then_some(None),
        }
    }

    /// The ways in to one stage hop of API `api_id`, each a list of hops
    /// ending with `stage_hop`, with why it is only a maybe: the default
    /// endpoint (unless `disabled`), whose stage hop names the custom
    /// domains that also serve the stage; with the default endpoint
    /// disabled, one entry per custom domain mapping to the stage, through
    /// a `domain` hop, or, when none is known and `unsure` says some may be
    /// unseen, one uncertain entry through an unknown domain.
    fn doors(
        &self,
        api_id: &str,
        disabled: bool,
        stage: &str,
        stage_hop: Hop,
        unsure: Option<&str>,
    ) -> Vec<(Vec<Hop>, Option<String>)> {
        let internet = hop("internet", "internet", "internet");
        if !disabled {
            let mut stage_hop = stage_hop;
            let also: Vec<String> = self
                .domains()
                .entries(api_id, stage)
                .map(|(d, m)| crate::domains::entry_id(d.name, m))
                .collect();
            if !also.is_empty() {
                stage_hop.label = format!("{} (also via {})", stage_hop.label, also.join(", "));
            }
            return vec![(vec![internet, stage_hop], None)];
        }
        let mut out: Vec<(Vec<Hop>, Option<String>)> = self
            .domains()
            .entries(api_id, stage)
            .map(|(d, m)| {
                let id = crate::domains::entry_id(d.name, m);
                let desc = d.described();
                let mut label = format!("domain {id}");
                let cert = self.cert_note(desc.certificate_arns().next());
                let notes: Vec<&str> = desc
                    .security_policy
                    .as_deref()
                    .into_iter()
                    .chain(desc.mutual_tls_truststore_uri.as_ref().map(|_| "mTLS"))
                    .chain(cert.as_deref())
                    .collect();
                if !notes.is_empty() {
                    label.push_str(&format!(" ({})", notes.join(", ")));
                }
                (
                    vec![
                        internet.clone(),
                        hop("api-domain", &id, label),
                        stage_hop.clone(),
                    ],
                    None,
                )
            })
            .collect();
        if out.is_empty()
            && let Some(why) = unsure
        {
            out.push((
                vec![
                    internet,
                    hop("api-domain", "?", "domain ? (mappings not collected)"),
                    stage_hop,
                ],
                Some(why.to_string()),
            ));
        }
        out
    }

    /// An API whose methods or stages are unknown: its backends are
    /// unknown, so the region's gateway paths may be incomplete.
    fn unknown_api(&self, arn: &str, label: &str, why: String) {
        self.unresolved(Unresolved {
            region: String::new(),
            resource_arn: arn.to_string(),
            load_balancers: vec![],
            path: ExposurePath {
                kind: PathKind::Gateway,
                hops: vec![
                    hop("internet", "internet", "internet"),
                    hop("api", arn, format!("{label} (not collected)")),
                ],
                ports: vec![],
                protocol: Transport::Tcp,
            },
            reason: why.clone(),
        });
        self.gap(why);
    }

    fn integration(
        &self,
        target: IntegrationTarget<'s>,
        mut entry: Vec<Hop>,
        stage_arn: &str,
    ) -> Vec<Exposure> {
        match target {
            IntegrationTarget::VpcLink {
                link_id,
                load_balancers,
                listener: Some(listener),
                ..
            } => {
                // HTTP API: the link's own interfaces call the listener.
                let id = link_id.clone().unwrap_or_default();
                entry.push(hop("vpc-link", &id, format!("vpclink {id}")));
                self.reads.look_up(Input::ApiVpcLinks);
                let link = link_id
                    .as_deref()
                    .and_then(|id| self.rix.http_vpc_links.get(id).copied())
                    .ok_or_else(|| {
                        self.missing(
                            Input::ApiVpcLinks,
                            link_id.as_deref(),
                            format!("VPC link {id} was not collected"),
                        )
                    });
                load_balancers
                    .into_iter()
                    .flat_map(|lb| {
                        let key = format!(
                            "vpc-link {} {} {:?}",
                            lb.load_balancer_arn,
                            listener.listener_arn,
                            link.as_ref().map(|l| &l.vpc_link_id)
                        );
                        let link = link.clone();
                        self.traced(key, &entry, |cx| {
                            cx.through_vpc_link(lb, listener, link, Vec::new())
                        })
                    })
                    .collect()
            }
            IntegrationTarget::VpcLink {
                link_id,
                load_balancers,
                listener: None,
                uri,
            } => {
                if let Some(id) = &link_id {
                    entry.push(hop("vpc-link", id, format!("vpclink {id}")));
                }
                let port = uri_port(&uri).or_else(|| default_port(&uri));
                load_balancers
                    .into_iter()
                    .flat_map(|lb| {
                        let key = format!("private-link {} {port:?}", lb.load_balancer_arn);
                        self.traced(key, &entry, |cx| {
                            cx.through_private_link(lb, port, Vec::new())
                        })
                    })
                    .collect()
            }
            IntegrationTarget::CloudMap { link_id, service } => {
                let id = link_id.clone().unwrap_or_default();
                entry.push(hop("vpc-link", &id, format!("vpclink {id}")));
                self.reads.look_up(Input::ApiVpcLinks);
                self.reads.look_up(Input::CloudMapServices);
                let link = link_id
                    .as_deref()
                    .and_then(|id| self.rix.http_vpc_links.get(id).copied())
                    .ok_or_else(|| {
                        self.missing(
                            Input::ApiVpcLinks,
                            link_id.as_deref(),
                            format!("VPC link {id} was not collected"),
                        )
                    });
                match service {
                    Ok(service) => {
                        let key = format!(
                            "cloudmap {} {:?} {stage_arn}",
                            service.arn,
                            link.as_ref().map(|l| &l.vpc_link_id)
                        );
                        self.traced(key, &entry, |cx| {
                            cx.through_cloud_map(service, link, stage_arn, Vec::new())
                        })
                    }
                    Err(arn) => {
                        let why = self.missing(
                            Input::CloudMapServices,
                            None,
                            format!("Cloud Map service {arn} was not collected"),
                        );
                        entry.push(hop("cloudmap", &arn, "cloudmap ? (not collected)"));
                        // Whatever it registers may be a backend nobody
                        // can see.
                        self.gap(why.clone());
                        self.unresolved_gateway(stage_arn, entry, why);
                        vec![]
                    }
                }
            }
            IntegrationTarget::PublicUrl {
                load_balancer: Some(lb),
                url,
            } => {
                // The API calls the backend over the internet: the load
                // balancer must be internet-facing, and the path continues
                // as an internet client's would.
                let port = uri_port(&url).or_else(|| default_port(&url));
                entry.push(hop(
                    "public-url",
                    &url,
                    format!("{url} (over the internet)"),
                ));
                self.through_internet(lb, port, entry, PathKind::Gateway)
            }
            IntegrationTarget::PublicUrl {
                load_balancer: None,
                ..
            }
            | IntegrationTarget::NotEc2 => vec![],
            IntegrationTarget::Unresolved(why) | IntegrationTarget::UnknownUrl(why) => {
                // A link or load balancer that was not collected is the
                // likely cause: name the failed operations, if any.
                let mut why = why;
                for input in [Input::RestVpcLinks, Input::LoadBalancers, Input::Listeners] {
                    why = self.missing(input, None, why);
                }
                entry.push(hop("integration", "?", "integration ? (unresolved)"));
                self.unresolved_gateway(stage_arn, entry, why);
                vec![]
            }
        }
    }
}

impl<'a, 's> RegionCx<'a, 's> {
    /// A gateway way in through `stage_arn` that ends at something unknown
    /// after `hops`.
    pub(super) fn unresolved_gateway(&self, stage_arn: &str, hops: Vec<Hop>, reason: String) {
        self.unresolved(Unresolved {
            region: String::new(),
            resource_arn: stage_arn.to_string(),
            load_balancers: vec![],
            path: ExposurePath {
                kind: PathKind::Gateway,
                hops,
                ports: vec![],
                protocol: Transport::Tcp,
            },
            reason,
        });
    }
}

/// `found`, each path marked uncertain with `maybe` when there is one.
fn maybe_only(mut found: Vec<Exposure>, maybe: Option<String>) -> Vec<Exposure> {
    if let Some(why) = maybe {
        for e in &mut found {
            e.uncertain.get_or_insert_with(|| why.clone());
        }
    }
    found
}
