//! Exposure paths: for every instance, every way the internet reaches it,
//! hop by hop, with the ports that get through.
//!
//! Three kinds (DESIGN.md, "Exposure paths"):
//! - **direct**: a public IPv4/EIP or global IPv6 on one of the instance's
//!   ENIs, a route from its subnet to an internet gateway, a security group
//!   rule admitting the port from public space, and a NACL that admits the
//!   port inbound and the ephemeral reply outbound;
//! - **load balancer**: an internet-facing NLB/ALB reachable from the
//!   internet, listener -> target group -> target -> instance, with the
//!   instance's security group admitting the LB's traffic (the client's own
//!   address when an NLB without security groups preserves it);
//! - **gateway**: a public API Gateway stage -> method/route -> integration
//!   -> VPC link (or public URL) -> load balancer -> ... -> instance.
//!
//! A path whose existence depends on data that was not collected is kept
//! with `certain: false` and the reason: it is neither dropped (a false
//! "not exposed") nor asserted.

use std::collections::BTreeMap;

use ipnet::IpNet;
use rampart_model::*;

use crate::index::{Index, IntegrationTarget, RegionIndex, stage_arn};
use crate::reach::ip::{
    AddrSet, Family, contains_public, parse_cidr, public, public_v4, public_v6,
};
use crate::reach::ports::Protocol;
use crate::reach::sg::Peer;
use crate::reach::{PrefixLists, Reach, nacl, prefix_list_resolver, route, sg};

/// An exposure path plus whether every link of it is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    pub region: String,
    pub instance_id: String,
    pub path: ExposurePath,
    /// `None` when every hop was established from collected data; else why
    /// the path may exist.
    pub uncertain: Option<String>,
}

/// All exposure paths of a snapshot, by region, then instance id. Two
/// levels rather than one `(region, instance)` key: every check asks for
/// one backend's paths, and a tuple of `String`s can only be looked up
/// with a tuple of new `String`s (two allocations per lookup, millions of
/// lookups at a million resources).
#[derive(Debug, Default, Clone)]
pub struct Exposures {
    by_region: BTreeMap<String, BTreeMap<String, Vec<Exposure>>>,
}

impl Exposures {
    pub fn compute(index: &Index<'_>) -> Exposures {
        let mut out = Exposures::default();
        for (region, rix) in &index.regions {
            let Some(inv) = index.snapshot.regions.get(*region) else {
                continue;
            };
            let resolve = prefix_list_resolver(
                &inv.ec2.managed_prefix_lists,
                &index.snapshot.collection_errors,
                region,
            );
            let cx = RegionCx {
                rix,
                resolve: &resolve,
            };
            // Every instance, load balancer and API is traced on its own
            // from shared, read-only data: on every core, then gathered in
            // the same order as one loop over them would produce.
            use rayon::prelude::*;
            let direct = inv.ec2.instances.par_iter().flat_map_iter(|i| {
                let stopped = matches!(
                    i.state.as_deref(),
                    Some("terminated" | "shutting-down" | "stopped")
                );
                if stopped { Vec::new() } else { cx.direct(i) }
            });
            let through_lbs = inv.elbv2.load_balancers.par_iter().flat_map_iter(|lb| {
                cx.through_lb(
                    lb,
                    None,
                    vec![hop("internet", "internet", "internet")],
                    None,
                )
            });
            let rest = inv
                .apigateway
                .rest_apis
                .par_iter()
                .flat_map_iter(|api| cx.rest_api(api));
            let http = inv
                .apigatewayv2
                .apis
                .par_iter()
                .flat_map_iter(|api| cx.http_api(api));
            let found: Vec<Exposure> = direct.chain(through_lbs).chain(rest).chain(http).collect();
            for mut e in found {
                e.region = region.to_string();
                out.add(e);
            }
        }
        use rayon::prelude::*;
        out.by_region
            .values_mut()
            .flat_map(BTreeMap::values_mut)
            .collect::<Vec<_>>()
            .into_par_iter()
            .for_each(|paths| {
                paths.sort_by(|a, b| a.path.cmp(&b.path));
                paths.dedup_by(|a, b| a.path == b.path);
            });
        out
    }

    /// Files `e` under its region and instance (in the order added).
    pub fn add(&mut self, e: Exposure) {
        self.by_region
            .entry(e.region.clone())
            .or_default()
            .entry(e.instance_id.clone())
            .or_default()
            .push(e);
    }

    /// Whether instance `id` in `region` is a backend (DESIGN.md): the
    /// internet reaches it by some path, or it is a load balancer target.
    pub fn is_backend(&self, rix: Option<&RegionIndex<'_>>, region: &str, id: &str) -> bool {
        !self.for_instance(region, id).is_empty() || rix.is_some_and(|r| r.is_lb_target(id))
    }

    pub fn for_instance(&self, region: &str, instance_id: &str) -> &[Exposure] {
        self.by_region
            .get(region)
            .and_then(|m| m.get(instance_id))
            .map_or(&[], Vec::as_slice)
    }

    /// Each backend with paths in `region`, by instance id, with its paths.
    pub fn in_region<'a>(
        &'a self,
        region: &str,
    ) -> impl Iterator<Item = (&'a str, &'a [Exposure])> + 'a {
        self.by_region
            .get(region)
            .into_iter()
            .flatten()
            .map(|(id, v)| (id.as_str(), v.as_slice()))
    }

    /// Every backend's paths, by region, then instance id.
    pub fn into_by_instance(self) -> impl Iterator<Item = ((String, String), Vec<Exposure>)> {
        self.by_region.into_iter().flat_map(|(region, by_id)| {
            by_id
                .into_iter()
                .map(move |(id, paths)| ((region.clone(), id), paths))
        })
    }

    /// Every path, by region, then instance id, then path.
    pub fn all(&self) -> impl Iterator<Item = &Exposure> {
        self.by_region.values().flat_map(BTreeMap::values).flatten()
    }
}

/// An instance that exists: not terminated or shutting down.
pub fn is_live(i: &Instance) -> bool {
    !matches!(i.state.as_deref(), Some("terminated" | "shutting-down"))
}

fn hop(kind: &str, id: &str, label: impl Into<String>) -> Hop {
    Hop {
        kind: kind.into(),
        id: id.into(),
        label: label.into(),
        gaps: vec![],
    }
}

struct RegionCx<'a, 's> {
    rix: &'a RegionIndex<'s>,
    resolve: &'a PrefixLists<'a>,
}

/// A partial answer: the port ranges that pass, and why it may be incomplete.
struct Ports {
    ports: Vec<PortRange>,
    uncertain: Option<String>,
}

fn join(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if a == b => Some(a),
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

impl<'s> RegionCx<'_, 's> {
    /// The ingress rules of the union of an ENI's security groups, or why
    /// they are unknown.
    fn eni_ingress(&self, eni: &NetworkInterface) -> Result<Vec<&'s SgRule>, String> {
        let mut rules = Vec::new();
        for g in &eni.security_group_ids {
            match self.rix.security_groups.get(g.as_str()) {
                Some(sg) => rules.extend(sg.ingress.iter()),
                None => return Err(format!("security group {g} was not collected")),
            }
        }
        Ok(rules)
    }

    /// Does the subnet route some public address of `family` to an IGW?
    fn subnet_routes_to_igw(&self, subnet: &str, family: Family) -> Reach {
        match self.rix.subnet_route_table.get(subnet) {
            Some(rt) => {
                Reach::from_bool(route::internet_bound(rt, family, self.resolve).iter().any(
                    |(r, set)| {
                        matches!(r.target, RouteTarget::InternetGateway(_)) && !set.is_empty()
                    },
                ))
            }
            None => Reach::unknown(format!("no route table known for {subnet}")),
        }
    }

    /// Ports of `candidates` (tcp) the subnet's NACL passes both ways for
    /// some address of `sources`.
    fn nacl_ports(
        &self,
        subnet: &str,
        candidates: &[u16],
        sources: &AddrSet,
    ) -> Result<Vec<u16>, String> {
        let Some(acl) = self.rix.subnet_nacl.get(subnet) else {
            return Err(format!("no network ACL known for {subnet}"));
        };
        Ok(candidates
            .iter()
            .copied()
            .filter(|p| !nacl::round_trip(&acl.entries, Protocol::Tcp, *p, sources).is_empty())
            .collect())
    }

    /// The TCP ports open from `peer` on an ENI: security groups then NACL.
    fn open_ports(
        &self,
        eni: &NetworkInterface,
        peer: &Peer<'_>,
        sources: &AddrSet,
        wanted: &[u16],
    ) -> Ports {
        let all = || wanted.iter().copied().map(single).collect();
        let Some(subnet) = eni.subnet_id.as_deref() else {
            return Ports {
                ports: vec![],
                uncertain: Some("ENI has no subnet".into()),
            };
        };
        let rules = match self.eni_ingress(eni) {
            Ok(r) => r,
            Err(why) => {
                return Ports {
                    ports: all(),
                    uncertain: Some(why),
                };
            }
        };
        let mut uncertain = None;
        let mut admitted = Vec::new();
        for p in wanted {
            match sg::admits(&rules, Protocol::Tcp, *p, peer, self.resolve) {
                Reach::Yes => admitted.push(*p),
                Reach::No => {}
                Reach::Unknown(why) => {
                    admitted.push(*p);
                    uncertain = join(uncertain, Some(why));
                }
            }
        }
        match self.nacl_ports(subnet, &admitted, sources) {
            Ok(ports) => Ports {
                ports: ports.into_iter().map(single).collect(),
                uncertain,
            },
            Err(why) => Ports {
                ports: admitted.into_iter().map(single).collect(),
                uncertain: join(uncertain, Some(why)),
            },
        }
    }

    fn direct(&self, i: &'s Instance) -> Vec<Exposure> {
        let mut out = Vec::new();
        for eni in self
            .rix
            .instance_enis
            .get(i.instance_id.as_str())
            .into_iter()
            .flatten()
        {
            let v4: Vec<&str> = eni
                .private_ip_addresses
                .iter()
                .filter_map(|p| p.public_ip.as_deref())
                .chain(
                    if eni.attachment.as_ref().and_then(|a| a.device_index) == Some(0) {
                        i.public_ip.as_deref()
                    } else {
                        None
                    },
                )
                .collect();
            let v6: Vec<&str> = eni
                .ipv6_addresses
                .iter()
                .map(String::as_str)
                .filter(|a| parse_cidr(a).is_some_and(contains_public))
                .collect();
            let Some(subnet) = eni.subnet_id.as_deref() else {
                continue;
            };
            for (family, addrs, sources) in
                [(Family::V4, v4, public_v4()), (Family::V6, v6, public_v6())]
            {
                let Some(addr) = addrs.first() else { continue };
                let routed = self.subnet_routes_to_igw(subnet, family);
                if routed.is_no() {
                    continue;
                }
                // Which ports does the internet reach? Every port the SGs
                // open to public space, judged one by one at the NACL.
                let rules = match self.eni_ingress(eni) {
                    Ok(r) => r,
                    Err(why) => {
                        out.push(self.direct_path(i, eni, addr, vec![], Some(why)));
                        continue;
                    }
                };
                let (ranges, unknown) = sg::internet_ports(&rules, Protocol::Tcp, self.resolve);
                let nacl_entries = self
                    .rix
                    .subnet_nacl
                    .get(subnet)
                    .map(|a| a.entries.as_slice());
                let intervals = elementary_intervals(&ranges, nacl_entries.unwrap_or(&[]));
                let firsts: Vec<u16> = intervals
                    .iter()
                    .filter_map(|r| u16::try_from(r.from).ok())
                    .collect();
                let ports = match self.nacl_ports(subnet, &firsts, &sources) {
                    Ok(open) => Ports {
                        ports: merge_ranges(
                            intervals
                                .iter()
                                .filter(|r| u16::try_from(r.from).is_ok_and(|f| open.contains(&f)))
                                .copied()
                                .collect(),
                        ),
                        uncertain: None,
                    },
                    Err(why) => Ports {
                        ports: merge_ranges(intervals),
                        uncertain: Some(why),
                    },
                };
                let mut uncertain = ports.uncertain;
                if !unknown.is_empty() {
                    uncertain = join(uncertain, Some(unknown.join("; ")));
                }
                if let Reach::Unknown(why) = routed {
                    uncertain = join(uncertain, Some(why));
                }
                if ports.ports.is_empty() && uncertain.is_none() {
                    continue;
                }
                out.push(self.direct_path(i, eni, addr, ports.ports, uncertain));
            }
        }
        out
    }

    fn direct_path(
        &self,
        i: &Instance,
        eni: &NetworkInterface,
        addr: &str,
        ports: Vec<PortRange>,
        uncertain: Option<String>,
    ) -> Exposure {
        let igw = eni
            .subnet_id
            .as_deref()
            .and_then(|s| self.rix.subnet_route_table.get(s))
            .and_then(|rt| {
                rt.routes.iter().find_map(|r| match &r.target {
                    RouteTarget::InternetGateway(id) => Some(id.clone()),
                    _ => None,
                })
            })
            .unwrap_or_else(|| "igw".into());
        Exposure {
            region: String::new(),
            instance_id: i.instance_id.clone(),
            path: ExposurePath {
                protocol: Default::default(),
                kind: PathKind::Direct,
                hops: vec![
                    hop("internet", "internet", "internet"),
                    hop("internet-gateway", &igw, igw.clone()),
                    hop(
                        "network-interface",
                        &eni.network_interface_id,
                        format!("{} ({addr})", eni.network_interface_id),
                    ),
                    hop("instance", &i.instance_id, i.instance_id.clone()),
                ],
                ports,
            },
            uncertain,
        }
    }

    /// Paths through one load balancer. `entry` is the path so far
    /// (internet, or internet -> stage -> VPC link); `listener` narrows to one
    /// listener (HTTP API integrations name it), `port` to a listener port.
    fn through_lb(
        &self,
        lb: &'s LoadBalancer,
        only_listener: Option<&'s Listener>,
        entry: Vec<Hop>,
        port: Option<u16>,
    ) -> Vec<Exposure> {
        let from_internet = entry.len() == 1;
        let mut lb_uncertain = None;
        if from_internet {
            if lb.scheme.as_deref() != Some("internet-facing") {
                return vec![];
            }
            // At least one of its subnets must route to an IGW.
            let routed = Reach::any(
                lb.subnet_ids
                    .iter()
                    .map(|s| self.subnet_routes_to_igw(s, Family::V4)),
            );
            match routed {
                Reach::No => return vec![],
                Reach::Unknown(why) => lb_uncertain = Some(why),
                Reach::Yes => {}
            }
        }
        let kind = match lb.lb_type.as_deref() {
            Some("application") => "alb",
            Some("network") => "nlb",
            Some(other) => other,
            None => "lb",
        };
        let Some(listeners) = &lb.listeners else {
            return vec![];
        };
        let mut out = Vec::new();
        for l in listeners {
            if only_listener.is_some_and(|o| o.listener_arn != l.listener_arn) {
                continue;
            }
            let Some(lport) = l.port.and_then(|p| u16::try_from(p).ok()) else {
                continue;
            };
            if port.is_some_and(|p| p != lport) {
                continue;
            }
            // An LB with security groups must admit the listener port from the internet.
            let mut uncertain = lb_uncertain.clone();
            if from_internet && !lb.security_group_ids.is_empty() {
                let rules: Option<Vec<&SgRule>> = lb
                    .security_group_ids
                    .iter()
                    .map(|g| {
                        self.rix
                            .security_groups
                            .get(g.as_str())
                            .map(|s| s.ingress.iter())
                    })
                    .collect::<Option<Vec<_>>>()
                    .map(|v| v.into_iter().flatten().collect());
                match rules
                    .map(|r| sg::admits(&r, Protocol::Tcp, lport, &Peer::Internet, self.resolve))
                {
                    Some(Reach::No) => continue,
                    Some(Reach::Yes) => {}
                    Some(Reach::Unknown(why)) => uncertain = join(uncertain, Some(why)),
                    None => {
                        uncertain = join(
                            uncertain,
                            Some(format!("a security group of {} was not collected", lb.name)),
                        )
                    }
                }
            }
            for tg in self.rix.listener_target_groups(l) {
                let Some(targets) = &tg.targets else { continue };
                for t in targets {
                    let Some(instance) = self.rix.target_instance(tg, t) else {
                        continue;
                    };
                    let Some(tport) = t.port.or(tg.port).and_then(|p| u16::try_from(p).ok()) else {
                        continue;
                    };
                    let mut hops = entry.clone();
                    hops.push(hop(
                        "load-balancer",
                        &lb.load_balancer_arn,
                        format!("{kind}/{}", lb.name),
                    ));
                    hops.push(hop(
                        "listener",
                        &l.listener_arn,
                        format!("{}:{lport}", l.protocol.as_deref().unwrap_or("?")),
                    ));
                    hops.push(hop(
                        "target-group",
                        &tg.target_group_arn,
                        format!("tg/{}:{tport}", tg.name.as_deref().unwrap_or("?")),
                    ));
                    hops.push(hop(
                        "instance",
                        &instance.instance_id,
                        instance.instance_id.clone(),
                    ));
                    let ports = self.lb_to_instance(lb, tg, instance, tport);
                    if ports.ports.is_empty() && ports.uncertain.is_none() {
                        continue;
                    }
                    out.push(Exposure {
                        region: String::new(),
                        instance_id: instance.instance_id.clone(),
                        path: ExposurePath {
                            protocol: Default::default(),
                            kind: if from_internet {
                                PathKind::LoadBalancer
                            } else {
                                PathKind::Gateway
                            },
                            hops,
                            ports: ports.ports,
                        },
                        uncertain: join(uncertain.clone(), ports.uncertain),
                    });
                }
            }
        }
        out
    }

    /// Does the instance admit the load balancer's traffic on the target port?
    fn lb_to_instance(
        &self,
        lb: &LoadBalancer,
        tg: &TargetGroup,
        i: &Instance,
        port: u16,
    ) -> Ports {
        let lb_cidrs: Vec<IpNet> = lb
            .subnet_ids
            .iter()
            .filter_map(|s| self.rix.subnets.get(s.as_str()))
            .filter_map(|s| s.cidr_block.as_deref().and_then(parse_cidr))
            .collect();
        // An NLB without security groups that targets instances preserves
        // the client's address: the instance sees the internet itself.
        let preserves_client = lb.lb_type.as_deref() == Some("network")
            && lb.security_group_ids.is_empty()
            && tg.target_type.as_deref() != Some("ip");
        let (peer, sources) = if preserves_client {
            (Peer::Internet, public())
        } else {
            (
                Peer::CidrOrMembers {
                    cidrs: &lb_cidrs,
                    groups: &lb.security_group_ids,
                },
                AddrSet::from_nets(lb_cidrs.iter().copied()),
            )
        };
        let mut ports = Ports {
            ports: vec![],
            uncertain: None,
        };
        for eni in self
            .rix
            .instance_enis
            .get(i.instance_id.as_str())
            .into_iter()
            .flatten()
        {
            let p = self.open_ports(eni, &peer, &sources, &[port]);
            ports.uncertain = join(ports.uncertain, p.uncertain);
            ports.ports.extend(p.ports);
        }
        ports.ports = merge_ranges(ports.ports);
        ports
    }

    fn rest_api(&self, api: &'s RestApi) -> Vec<Exposure> {
        // PRIVATE APIs are reachable only through a VPC endpoint.
        if api.endpoint_types.iter().all(|t| t == "PRIVATE") || api.disable_execute_api_endpoint {
            return vec![];
        }
        let mut out = Vec::new();
        for stage in api.stages.iter().flatten() {
            let sarn = stage_arn(
                self.rix.partition,
                self.rix.name,
                &api.id,
                &stage.stage_name,
            );
            let waf = self.rix.web_acl_for.get(&sarn);
            for res in api.resources.iter().flatten() {
                for m in &res.methods {
                    let Some(integ) = &m.integration else {
                        continue;
                    };
                    let mut stage_hop = hop(
                        "api-stage",
                        &format!(
                            "{}/{}/{} {}",
                            api.id,
                            stage.stage_name,
                            m.http_method,
                            res.path.as_deref().unwrap_or("/")
                        ),
                        format!(
                            "api {}/{} {} {}",
                            api.id,
                            stage.stage_name,
                            m.http_method,
                            res.path.as_deref().unwrap_or("/")
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
                    let entry = vec![hop("internet", "internet", "internet"), stage_hop];
                    out.extend(self.integration(
                        self.rix.rest_integration(integ, Some(stage)),
                        entry,
                        integ.uri.as_deref(),
                    ));
                }
            }
        }
        out
    }

    fn http_api(&self, api: &'s HttpApi) -> Vec<Exposure> {
        if api.disable_execute_api_endpoint || api.protocol_type.as_deref() != Some("HTTP") {
            return vec![];
        }
        let integrations: BTreeMap<&str, &HttpIntegration> = api
            .integrations
            .iter()
            .flatten()
            .map(|i| (i.integration_id.as_str(), i))
            .collect();
        let mut out = Vec::new();
        for stage in api.stages.iter().flatten() {
            for r in api.routes.iter().flatten() {
                let Some(integ) = r
                    .target
                    .as_deref()
                    .and_then(|t| t.strip_prefix("integrations/"))
                    .and_then(|id| integrations.get(id))
                else {
                    continue;
                };
                let mut stage_hop = hop(
                    "api-stage",
                    &format!("{}/{}/{}", api.api_id, stage.stage_name, r.route_key),
                    format!(
                        "http-api {}/{} {}",
                        api.api_id, stage.stage_name, r.route_key
                    ),
                );
                // HTTP APIs cannot hold a WAF web ACL at all.
                stage_hop.gaps.push("no WAF (HTTP API)".into());
                if r.authorization_type.as_deref().is_none_or(|a| a == "NONE") {
                    stage_hop.gaps.push("no auth".into());
                }
                let entry = vec![hop("internet", "internet", "internet"), stage_hop];
                out.extend(self.integration(
                    self.rix.http_integration(integ, Some(stage)),
                    entry,
                    None,
                ));
            }
        }
        out
    }

    fn integration(
        &self,
        target: IntegrationTarget<'s>,
        mut entry: Vec<Hop>,
        uri: Option<&str>,
    ) -> Vec<Exposure> {
        let port = uri.and_then(uri_port);
        match target {
            IntegrationTarget::VpcLink {
                link_id,
                load_balancers,
                listener,
            } => {
                if let Some(id) = &link_id {
                    entry.push(hop("vpc-link", id, format!("vpclink {id}")));
                }
                load_balancers
                    .into_iter()
                    .flat_map(|lb| {
                        self.through_lb(
                            lb,
                            listener,
                            entry.clone(),
                            port.or_else(|| default_port(uri)),
                        )
                    })
                    .collect()
            }
            IntegrationTarget::PublicUrl {
                load_balancer: Some(lb),
                url,
            } => {
                // The API calls the backend over the internet: the LB must be
                // internet-facing, and then the path continues through it.
                if lb.scheme.as_deref() != Some("internet-facing") {
                    return vec![];
                }
                entry.push(hop(
                    "public-url",
                    &url,
                    format!("{url} (over the internet)"),
                ));
                self.through_lb(lb, None, entry, port.or_else(|| default_port(Some(&url))))
            }
            _ => vec![],
        }
    }
}

/// The explicit port of an http(s) URL.
fn uri_port(uri: &str) -> Option<u16> {
    let rest = uri.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    authority.rsplit_once(':')?.1.parse().ok()
}

fn default_port(uri: Option<&str>) -> Option<u16> {
    match uri?.split_once("://")?.0 {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    }
}

/// Splits SG-open ranges at every boundary of the NACL's port ranges. A
/// NACL answers the same for every port of such an elementary interval, so
/// asking about its first port is exact: no open port is missed.
fn elementary_intervals(ranges: &[PortRange], nacl: &[NaclEntry]) -> Vec<PortRange> {
    let mut bounds: Vec<i32> = nacl
        .iter()
        .filter_map(|e| e.port_range)
        .flat_map(|r| [r.from, r.to.saturating_add(1)])
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut out = Vec::new();
    for r in ranges {
        let (start, to) = (r.from.clamp(0, 65535), r.to.clamp(0, 65535));
        let mut from = start;
        for b in bounds.iter().copied().filter(|b| *b > start && *b <= to) {
            out.push(PortRange { from, to: b - 1 });
            from = b;
        }
        if from <= to {
            out.push(PortRange { from, to });
        }
    }
    out
}

/// Sorts and joins adjacent or overlapping ranges.
fn merge_ranges(mut ranges: Vec<PortRange>) -> Vec<PortRange> {
    ranges.sort();
    let mut out: Vec<PortRange> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.from <= last.to.saturating_add(1) => last.to = last.to.max(r.to),
            _ => out.push(r),
        }
    }
    out
}

fn single(port: u16) -> PortRange {
    PortRange {
        from: i32::from(port),
        to: i32::from(port),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pr(from: i32, to: i32) -> PortRange {
        PortRange { from, to }
    }

    fn entry(from: i32, to: i32) -> NaclEntry {
        NaclEntry {
            egress: false,
            rule_number: 100,
            protocol: "6".into(),
            rule_action: "allow".into(),
            cidr_block: Some("0.0.0.0/0".into()),
            ipv6_cidr_block: None,
            port_range: Some(pr(from, to)),
            icmp_type_code: None,
        }
    }

    #[test]
    fn intervals_split_exactly_at_nacl_boundaries() {
        let got = elementary_intervals(&[pr(1000, 2000)], &[entry(1500, 1500), entry(0, 65535)]);
        assert_eq!(got, vec![pr(1000, 1499), pr(1500, 1500), pr(1501, 2000)]);
        assert_eq!(
            elementary_intervals(&[pr(22, 22)], &[entry(1024, 65535)]),
            vec![pr(22, 22)]
        );
        assert_eq!(
            elementary_intervals(&[pr(0, 65535)], &[]),
            vec![pr(0, 65535)]
        );
    }

    #[test]
    fn ranges_merge_when_adjacent_or_overlapping() {
        assert_eq!(
            merge_ranges(vec![pr(80, 80), pr(22, 22), pr(81, 90), pr(85, 100)]),
            vec![pr(22, 22), pr(80, 100)]
        );
    }

    #[test]
    fn integration_uri_ports() {
        assert_eq!(uri_port("http://nlb.example:8080/x"), Some(8080));
        assert_eq!(uri_port("http://nlb.example/x"), None);
        assert_eq!(default_port(Some("https://nlb.example/x")), Some(443));
        assert_eq!(default_port(Some("http://nlb.example")), Some(80));
    }
}
