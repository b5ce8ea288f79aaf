//! Paths through load balancers: from the internet into an internet-facing
//! NLB or ALB, or from an API Gateway VPC link into any of them; then
//! listener -> target groups -> targets, where a target is an instance,
//! an `ip` address (resolved within the target group's VPC), or an ALB
//! behind an NLB, whose own listeners continue the path.
//!
//! What a target sees as the source decides which of its security group
//! rules matter
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation>):
//! - an ALB always sends from its own nodes (its subnets' addresses, its
//!   security groups);
//! - an NLB sends the client's address when client IP preservation is on
//!   (always for UDP, TCP_UDP, QUIC and TCP_QUIC target groups; otherwise
//!   the `preserve_client_ip.enabled` attribute, on by default for
//!   `instance` targets, off for `ip` targets), except that an IPv6 client
//!   reaching an IPv4 target arrives from the NLB's address;
//! - an NLB reached over PrivateLink (an API Gateway REST or WebSocket VPC
//!   link) sends from its own nodes whatever the attribute says
//!   (<https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html>,
//!   "VPC endpoint services");
//! - an NLB in front of an ALB passes the client's address on to the ALB,
//!   whose security group must admit the clients
//!   (<https://docs.aws.amazon.com/elasticloadbalancing/latest/network/application-load-balancer-target.html>).
//!
//! Every traversal crosses the NACLs on the way: the load balancer
//! subnet's for the client and for the node's own traffic to a target in
//! another subnet, and the target subnet's.

use rampart_model::*;

use super::flow::{self, Flow};
use super::inputs::Input;
use super::{
    Backend, Entry, Exposure, RegionCx, Unresolved, hop, instance_hop, is_live, proto_of, single,
    subnet_first, subnets_addrs, transports,
};
use crate::index::TargetRef;
use crate::reach::ip::{AddrSet, Family};
use crate::reach::ports::Protocol;

/// How traffic reached a load balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Via {
    /// From internet clients (or API Gateway calling a public URL).
    Internet,
    /// Over PrivateLink: an API Gateway REST or WebSocket VPC link.
    PrivateLink,
    /// From the interfaces of an HTTP API VPC link in the VPC.
    VpcLinkV2,
    /// From the interfaces CloudFront places in the VPC for a VPC origin.
    VpcOrigin,
}

/// A target group a listener forwards to, or the ARN of one that was not
/// collected.
enum Group<'s> {
    Found(&'s TargetGroup),
    Missing(String),
}

impl<'a, 's> RegionCx<'a, 's> {
    /// Paths from the internet through an internet-facing `lb` (all its
    /// listeners, or only the one on `port`). `prefix` are the hops before
    /// the internet reaches it (an API stage calling it as a public URL);
    /// empty for clients on the internet.
    pub(super) fn through_internet(
        &self,
        lb: &'s LoadBalancer,
        port: Option<u16>,
        prefix: Vec<Hop>,
        kind: PathKind,
    ) -> Vec<Exposure> {
        if lb.scheme.as_deref() != Some("internet-facing")
            || lb.lb_type.as_deref() == Some("gateway")
        {
            return vec![];
        }
        // ipv4, dualstack, dualstack-without-public-ipv4
        // (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-ip-address-type.html>).
        let address_type = lb.ip_address_type.as_deref().unwrap_or("ipv4");
        let mut families = Vec::new();
        if address_type != "dualstack-without-public-ipv4" {
            families.push(Family::V4);
        }
        // CloudFront connects to a custom origin over IPv4 unless the
        // origin's IpAddressType says otherwise (not collected)
        // (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CustomOriginConfig.html>).
        if address_type.starts_with("dualstack") && kind != PathKind::CloudFront {
            families.push(Family::V6);
        }
        let lb_rules = (!lb.security_group_ids.is_empty())
            .then(|| self.groups_ingress(&lb.security_group_ids, &lb.name));
        let mut out = Vec::new();
        for subnet_id in &lb.subnet_ids {
            let subnet = self.subnet(subnet_id);
            for family in &families {
                if *family == Family::V6 && subnet.is_some_and(|s| s.ipv6_cidr_blocks.is_empty()) {
                    continue;
                }
                let Some(Entry {
                    flow, inspection, ..
                }) = self.internet_into(
                    lb.vpc_id.as_deref(),
                    subnet_id,
                    subnet_first(subnet, *family),
                    *family,
                )
                else {
                    continue;
                };
                // The internet gateway is implied by an internet-facing load
                // balancer; an inspection hop is not.
                let mut path = if prefix.is_empty() {
                    vec![hop("internet", "internet", "internet")]
                } else {
                    prefix.clone()
                };
                path.extend(inspection);
                path.push(lb_hop(lb));
                let at_lb = |proto: Protocol, lport: u16| {
                    let f = match &lb_rules {
                        Some(rules) => {
                            flow::security_groups(rules, proto, lport, &flow, self.resolve)
                        }
                        None => flow.clone(),
                    };
                    self.nacl_inbound(subnet_id, proto, lport, &f)
                };
                self.reads.look_up(Input::Listeners);
                match &lb.listeners {
                    Some(listeners) => {
                        for l in listeners {
                            let Some(lport) = l.port.and_then(|p| u16::try_from(p).ok()) else {
                                continue;
                            };
                            if port.is_some_and(|p| p != lport) {
                                continue;
                            }
                            for t in transports(l.protocol.as_deref()) {
                                // CloudFront speaks HTTP(S) to a custom
                                // origin: TCP only.
                                if kind == PathKind::CloudFront && *t != Transport::Tcp {
                                    continue;
                                }
                                let f = at_lb(proto_of(*t), lport);
                                if f.is_empty() {
                                    continue;
                                }
                                let mut h = path.clone();
                                h.push(self.listener_hop(l, lport));
                                out.extend(self.forward(
                                    lb,
                                    Some(l),
                                    Some(*t),
                                    &f,
                                    *family,
                                    Via::Internet,
                                    Some(subnet_id),
                                    h,
                                    kind,
                                ));
                            }
                        }
                    }
                    None => {
                        let (why, h) = self.listeners_unknown(lb, &path);
                        out.extend(self.forward(
                            lb,
                            None,
                            (kind == PathKind::CloudFront).then_some(Transport::Tcp),
                            &flow.clone().doubt(why),
                            *family,
                            Via::Internet,
                            Some(subnet_id),
                            h,
                            kind,
                        ));
                    }
                }
            }
        }
        out
    }

    /// Paths from an API Gateway REST or WebSocket VPC link (PrivateLink)
    /// through `lb`'s listener on `port`.
    pub(super) fn through_private_link(
        &self,
        lb: &'s LoadBalancer,
        port: Option<u16>,
        mut hops: Vec<Hop>,
    ) -> Vec<Exposure> {
        hops.push(lb_hop(lb));
        // API Gateway's side of the link: not addresses any rule judges
        // (the NLB sends on from its own nodes), only how sure the way is.
        let arriving = Flow::sure(AddrSet::all(Family::V4));
        self.entered_inside(
            lb,
            port,
            hops,
            &arriving,
            Via::PrivateLink,
            PathKind::Gateway,
        )
    }

    /// Paths through `lb`'s TCP listeners (only the one on `port`, when
    /// given) for traffic that reached it from inside AWS, its security
    /// groups not judged (`arriving` as it arrived; `hops` end with the
    /// load balancer's), per subnet of the load balancer.
    fn entered_inside(
        &self,
        lb: &'s LoadBalancer,
        port: Option<u16>,
        hops: Vec<Hop>,
        arriving: &Flow,
        via: Via,
        kind: PathKind,
    ) -> Vec<Exposure> {
        let subnets: Vec<Option<&str>> = if lb.subnet_ids.is_empty() {
            vec![None]
        } else {
            lb.subnet_ids.iter().map(|s| Some(s.as_str())).collect()
        };
        let mut out = Vec::new();
        self.reads.look_up(Input::Listeners);
        for subnet in subnets {
            match &lb.listeners {
                Some(listeners) => {
                    for l in listeners {
                        let Some(lport) = l.port.and_then(|p| u16::try_from(p).ok()) else {
                            continue;
                        };
                        // API Gateway and CloudFront call over TCP.
                        if port.is_some_and(|p| p != lport)
                            || !transports(l.protocol.as_deref()).contains(&Transport::Tcp)
                        {
                            continue;
                        }
                        let mut h = hops.clone();
                        h.push(self.listener_hop(l, lport));
                        out.extend(self.forward(
                            lb,
                            Some(l),
                            Some(Transport::Tcp),
                            arriving,
                            Family::V4,
                            via,
                            subnet,
                            h,
                            kind,
                        ));
                    }
                }
                None => {
                    let (why, h) = self.listeners_unknown(lb, &hops);
                    out.extend(self.forward(
                        lb,
                        None,
                        Some(Transport::Tcp),
                        &arriving.clone().doubt(why),
                        Family::V4,
                        via,
                        subnet,
                        h,
                        kind,
                    ));
                }
            }
        }
        out
    }

    /// Paths from CloudFront's interfaces for a VPC origin whose endpoint
    /// is `lb` (internal or internet-facing), through its listener on
    /// `port`; `hops` end with the VPC origin's.
    ///
    /// CloudFront connects from network interfaces it creates in the
    /// VPC's subnets, in a security group it creates there (the service
    /// role may only create both tagged `aws.cloudfront.vpcorigin` =
    /// `enabled`:
    /// <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCloudFrontVPCOriginServiceRolePolicy.html>).
    /// Those interfaces and their addresses are not what rampart reads the
    /// endpoint's rules against, so `lb`'s own security group and subnet
    /// NACLs are not judged on this hop: the path is drawn whenever a
    /// listener serves the port (never a missed way in; the cost is a path
    /// AWS might drop). What the load balancer sends on is judged as for
    /// any client: an NLB that preserves client IPs passes on an address
    /// of the VPC in CloudFront's group (by its tag, or every group of the
    /// VPC when none carries it).
    pub(super) fn through_vpc_origin(
        &self,
        lb: &'s LoadBalancer,
        port: u16,
        mut hops: Vec<Hop>,
    ) -> Vec<Exposure> {
        if lb.lb_type.as_deref() == Some("gateway") {
            return vec![];
        }
        hops.push(lb_hop(lb));
        let mut arriving = Flow::sure(AddrSet::all(Family::V4));
        arriving.groups = self.cloudfront_vpc_origin_groups(lb.vpc_id.as_deref());
        self.entered_inside(
            lb,
            Some(port),
            hops,
            &arriving,
            Via::VpcOrigin,
            PathKind::CloudFront,
        )
    }

    /// The security groups of `vpc` CloudFront's VPC-origin interfaces
    /// are in: those tagged `aws.cloudfront.vpcorigin` = `enabled`, else
    /// any group (one of the VPC's may be CloudFront's:
    /// [`flow::ANY_GROUP`]).
    pub(super) fn cloudfront_vpc_origin_groups(&self, vpc: Option<&str>) -> Vec<CompactString> {
        self.reads.enumerate(Input::SecurityGroups);
        // Indexed once per region: a region holds thousands of groups.
        let groups = &self.rix.cloudfront_groups;
        let mut tagged: Vec<CompactString> = groups
            .iter()
            .filter(|(v, _)| vpc.is_none_or(|vpc| vpc == **v))
            .flat_map(|(_, ids)| ids.iter().map(|g| CompactString::from(*g)))
            .collect();
        tagged.sort_unstable();
        if tagged.is_empty() {
            vec![CompactString::const_new(flow::ANY_GROUP)]
        } else {
            tagged
        }
    }

    /// Paths from an HTTP API VPC link's interfaces (in `link`'s subnets,
    /// carrying its security groups) through `listener` of `lb`.
    pub(super) fn through_vpc_link(
        &self,
        lb: &'s LoadBalancer,
        listener: &'s Listener,
        link: Result<&'s HttpVpcLink, String>,
        mut hops: Vec<Hop>,
    ) -> Vec<Exposure> {
        let Some(lport) = listener.port.and_then(|p| u16::try_from(p).ok()) else {
            return vec![];
        };
        let arriving = self.leaving_link(&link);
        hops.push(lb_hop(lb));
        hops.push(self.listener_hop(listener, lport));
        let lb_rules = (!lb.security_group_ids.is_empty())
            .then(|| self.groups_ingress(&lb.security_group_ids, &lb.name));
        let f = match &lb_rules {
            Some(rules) => {
                flow::security_groups(rules, Protocol::Tcp, lport, &arriving, self.resolve)
            }
            None => arriving,
        };
        let mut out = Vec::new();
        for subnet in &lb.subnet_ids {
            let f = self.nacl_inbound(subnet, Protocol::Tcp, lport, &f);
            if f.is_empty() {
                continue;
            }
            out.extend(self.forward(
                lb,
                Some(listener),
                Some(Transport::Tcp),
                &f,
                Family::V4,
                Via::VpcLinkV2,
                Some(subnet),
                hops.clone(),
                PathKind::Gateway,
            ));
        }
        out
    }

    /// What leaves an HTTP API's VPC link (v2): its subnets' addresses, as
    /// members of its groups (a target's group may admit the link's group
    /// by id); any IPv4 source, with the reason, when the link or its
    /// subnets are unknown.
    pub(super) fn leaving_link(&self, link: &Result<&'s HttpVpcLink, String>) -> Flow {
        match link {
            Ok(link) => {
                let (addrs, missing) = subnets_addrs(|s| self.subnet(s), &link.subnet_ids);
                let mut f = if missing.is_empty() {
                    Flow::sure(addrs)
                } else {
                    Flow::maybe(
                        AddrSet::all(Family::V4),
                        self.missing(
                            Input::Subnets,
                            None,
                            format!(
                                "subnets {} of VPC link {} were not collected",
                                missing.join(", "),
                                link.vpc_link_id
                            ),
                        ),
                    )
                };
                f.groups = link.security_group_ids.clone();
                f
            }
            Err(why) => Flow::maybe(AddrSet::all(Family::V4), why.clone()),
        }
    }

    /// `PROTOCOL:PORT`, with the certificate a TLS listener presents.
    fn listener_hop(&self, l: &Listener, port: u16) -> Hop {
        let mut label = format!("{}:{port}", l.protocol.as_deref().unwrap_or("?"));
        if let Some(cert) = self.cert_note(l.certificate_arns.first()) {
            label.push_str(&format!(" ({cert})"));
        }
        hop("listener", &l.listener_arn, label)
    }

    /// Why `lb`'s listeners are unknown, and `hops` with an unknown
    /// listener after them.
    fn listeners_unknown(&self, lb: &LoadBalancer, hops: &[Hop]) -> (String, Vec<Hop>) {
        let why = self.missing(
            Input::Listeners,
            Some(&lb.load_balancer_arn),
            format!("the listeners of {} were not collected", lb.name),
        );
        let mut h = hops.to_vec();
        h.push(hop("listener", "?", "listener ? (not collected)"));
        (why, h)
    }

    /// From a listener (or, when the listeners are unknown, from every
    /// target group that names the load balancer) to the targets.
    /// `transport` is the listener's; `None` takes each group's own.
    #[allow(clippy::too_many_arguments)]
    fn forward(
        &self,
        lb: &'s LoadBalancer,
        listener: Option<&'s Listener>,
        transport: Option<Transport>,
        arriving: &Flow,
        family: Family,
        via: Via,
        lb_subnet: Option<&str>,
        hops: Vec<Hop>,
        kind: PathKind,
    ) -> Vec<Exposure> {
        let mut out = Vec::new();
        for (group, doubt) in self.listener_groups(lb, listener) {
            let f = match doubt {
                Some(why) => arriving.clone().doubt(why),
                None => arriving.clone(),
            };
            let tg = match group {
                Group::Found(tg) => tg,
                Group::Missing(arn) => {
                    let why = self.missing(
                        Input::TargetGroups,
                        Some(&arn),
                        format!("target group {arn} was not collected"),
                    );
                    let mut h = hops.clone();
                    h.push(hop("target-group", &arn, "tg ? (not collected)"));
                    out.extend(self.maybe_targets(lb.vpc_id.as_deref(), &h, kind, &why));
                    continue;
                }
            };
            let own = transports(tg.protocol.as_deref());
            let carried: Vec<Transport> = match transport {
                Some(t) => own.iter().copied().filter(|o| *o == t).collect(),
                None => own.to_vec(),
            };
            let mut h = hops.clone();
            h.push(tg_hop(tg));
            self.reads.look_up(Input::TargetHealth);
            let Some(targets) = &tg.targets else {
                let why = self.missing(
                    Input::TargetHealth,
                    Some(&tg.target_group_arn),
                    format!(
                        "the targets of tg/{} were not collected",
                        tg.name.as_deref().unwrap_or("?")
                    ),
                );
                match tg.target_type.as_deref() {
                    Some("lambda") => {}
                    Some("alb") => self.unresolved(Unresolved {
                        region: String::new(),
                        resource_arn: tg.target_group_arn.clone(),
                        load_balancers: vec![lb.load_balancer_arn.clone()],
                        path: path_of(kind, h, carried.first().copied().unwrap_or_default()),
                        reason: why,
                    }),
                    _ => out.extend(self.maybe_targets(
                        tg.vpc_id.as_deref().or(lb.vpc_id.as_deref()),
                        &h,
                        kind,
                        &why,
                    )),
                }
                continue;
            };
            for target in targets {
                let Some(tport) = target.port.or(tg.port).and_then(|p| u16::try_from(p).ok())
                else {
                    continue;
                };
                match self.rix.resolve_target(tg, target) {
                    TargetRef::Instance(i, eni) => {
                        if !is_live(i) {
                            continue;
                        }
                        for t in &carried {
                            out.extend(self.to_instance(
                                lb,
                                tg,
                                Backend::Instance(i),
                                eni,
                                tport,
                                *t,
                                &f,
                                family,
                                via,
                                lb_subnet,
                                &h,
                                kind,
                            ));
                        }
                    }
                    TargetRef::Task(task, eni) => {
                        if !task.is_live() {
                            continue;
                        }
                        for t in &carried {
                            out.extend(self.to_instance(
                                lb,
                                tg,
                                Backend::Task(task),
                                Some(eni),
                                tport,
                                *t,
                                &f,
                                family,
                                via,
                                lb_subnet,
                                &h,
                                kind,
                            ));
                        }
                    }
                    TargetRef::Alb(alb) => {
                        if carried.contains(&Transport::Tcp) {
                            out.extend(
                                self.to_alb(lb, alb, tport, &f, family, via, lb_subnet, &h, kind),
                            );
                        }
                    }
                    TargetRef::NotEc2(_) => {}
                    TargetRef::Unknown(why) => {
                        if f.is_empty() {
                            continue;
                        }
                        let mut h = h.clone();
                        h.push(hop(
                            "target",
                            &target.id,
                            format!("{} (unknown)", target.id),
                        ));
                        let mut p = path_of(kind, h, carried.first().copied().unwrap_or_default());
                        p.ports = vec![single(tport)];
                        self.unresolved(Unresolved {
                            region: String::new(),
                            resource_arn: tg.target_group_arn.clone(),
                            load_balancers: vec![lb.load_balancer_arn.clone()],
                            path: p,
                            reason: why,
                        });
                    }
                }
            }
        }
        out
    }

    /// The target groups a listener forwards to: its default actions and
    /// rules. When an ALB listener's rules were not collected, every group
    /// that names the load balancer may be one (with the reason); when the
    /// listener itself is unknown (`None`), likewise.
    fn listener_groups(
        &self,
        lb: &'s LoadBalancer,
        listener: Option<&'s Listener>,
    ) -> Vec<(Group<'s>, Option<String>)> {
        self.reads.look_up(Input::TargetGroups);
        let naming = || {
            self.rix
                .lb_target_groups
                .get(lb.load_balancer_arn.as_str())
                .into_iter()
                .flatten()
                .copied()
        };
        let Some(l) = listener else {
            let why = self.missing(
                Input::Listeners,
                Some(&lb.load_balancer_arn),
                format!("the listeners of {} were not collected", lb.name),
            );
            return naming()
                .map(|tg| (Group::Found(tg), Some(why.clone())))
                .collect();
        };
        let mut arns: Vec<&str> = l
            .default_actions
            .iter()
            .chain(l.rules.iter().flatten().flat_map(|r| r.actions.iter()))
            .flat_map(|a| a.target_group_arns.iter().map(String::as_str))
            .collect();
        arns.sort_unstable();
        arns.dedup();
        let mut out: Vec<(Group<'s>, Option<String>)> = arns
            .iter()
            .map(|a| match self.rix.target_groups.get(a) {
                Some(tg) => (Group::Found(tg), None),
                None => (Group::Missing(a.to_string()), None),
            })
            .collect();
        if lb.lb_type.as_deref() == Some("application") {
            self.reads.look_up(Input::ListenerRules);
            if l.rules.is_none() {
                let why = self.missing(
                    Input::ListenerRules,
                    Some(&l.listener_arn),
                    format!(
                        "the rules of listener {} of {} were not collected",
                        l.port.map_or("?".to_string(), |p| p.to_string()),
                        lb.name
                    ),
                );
                for tg in naming() {
                    if !arns.contains(&tg.target_group_arn.as_str()) {
                        out.push((Group::Found(tg), Some(why.clone())));
                    }
                }
            }
        }
        out
    }

    /// Every live instance in `vpc` (in the region when the VPC is
    /// unknown) as a maybe-target of an unknown target list, each with the
    /// reason.
    fn maybe_targets(
        &self,
        vpc: Option<&str>,
        hops: &[Hop],
        kind: PathKind,
        why: &str,
    ) -> Vec<Exposure> {
        self.inv
            .ec2
            .instances
            .iter()
            .filter(|i| is_live(i) && (vpc.is_none() || i.vpc_id.as_deref() == vpc))
            .map(|i| {
                let mut h = hops.to_vec();
                h.push(instance_hop(i));
                self.exposure(i, kind, h, Transport::Tcp, vec![], Some(why.to_string()))
            })
            .collect()
    }

    /// The last hop: does the target instance's interface admit what the
    /// load balancer sends on `tport`?
    #[allow(clippy::too_many_arguments)]
    fn to_instance(
        &self,
        lb: &'s LoadBalancer,
        tg: &'s TargetGroup,
        b: Backend<'s>,
        eni: Option<&'s NetworkInterface>,
        tport: u16,
        t: Transport,
        arriving: &Flow,
        family: Family,
        via: Via,
        lb_subnet: Option<&str>,
        hops: &[Hop],
        kind: PathKind,
    ) -> Option<Exposure> {
        if arriving.is_empty() {
            return None;
        }
        let mut h = hops.to_vec();
        h.push(b.hop());
        // An instance target gets the traffic on its primary interface.
        self.reads.look_up(Input::NetworkInterfaces);
        let eni = eni.or_else(|| {
            self.rix
                .instance_enis
                .get(b.id())
                .and_then(|v| v.first().copied())
        });
        let Some(eni) = eni else {
            let first = match b {
                Backend::Instance(i) => i.network_interface_ids.first().map(|e| e.as_str()),
                Backend::Task(t) => t.network_interface_id.as_deref(),
            };
            let why = self.missing(
                Input::NetworkInterfaces,
                first,
                format!("the network interface of {} was not collected", b.id()),
            );
            return Some(self.exposure(b, kind, h, t, vec![single(tport)], Some(why)));
        };
        let subnet = eni.subnet_id.as_deref()?;
        let proto = proto_of(t);
        let target_v6 = eni
            .private_ip_addresses
            .first()
            .is_some_and(|p| p.private_ip.contains(':'));
        let (alternatives, unknown) =
            self.seen_by_target(lb, tg, via, family, target_v6, arriving, lb_subnet);
        let rules = self.eni_ingress(eni);
        let dest = AddrSet::from_nets(
            eni.private_ip_addresses
                .iter()
                .filter_map(|p| crate::reach::ip::parse_cidr(&p.private_ip)),
        );
        let mut results = Vec::new();
        for seen in alternatives {
            let f = flow::security_groups(&rules, proto, tport, &seen, self.resolve);
            let mut f = self.nacl_inbound(subnet, proto, tport, &f);
            if let Some(s) = lb_subnet {
                match flow::nacl_outbound(self.nacl(s), s, self.subnet(s), proto, tport, &dest) {
                    Ok(true) => {}
                    Ok(false) => f = Flow::default(),
                    Err(why) => f = f.doubt(why),
                }
            }
            f = self.lb_egress(lb, proto, tport, &dest, &eni.security_group_ids, f);
            results.push(f);
        }
        let certain = results.iter().all(|f| !f.sure.is_empty());
        let possible = results.iter().any(|f| !f.is_empty());
        if !possible {
            return None;
        }
        let uncertain = (!certain).then(|| {
            let mut why: Vec<String> = Vec::new();
            if results.len() > 1 {
                why.extend(unknown);
            }
            for f in &results {
                for w in &f.why {
                    if !why.contains(w) {
                        why.push(w.clone());
                    }
                }
            }
            why.join("; ")
        });
        Some(self.exposure(b, kind, h, t, vec![single(tport)], uncertain))
    }

    /// A load balancer with security groups sends to its targets only what
    /// their egress rules allow (security groups are stateful: the reply
    /// needs no rule)
    /// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html>).
    fn lb_egress(
        &self,
        lb: &'s LoadBalancer,
        proto: Protocol,
        port: u16,
        dest: &AddrSet,
        dest_groups: &[CompactString],
        f: Flow,
    ) -> Flow {
        if lb.security_group_ids.is_empty() || f.is_empty() {
            return f;
        }
        let rules = self.groups_egress(&lb.security_group_ids, &lb.name);
        match flow::egress_admits(&rules, proto, port, dest, dest_groups, self.resolve) {
            Ok(true) => f,
            Ok(false) => Flow::default(),
            Err(why) => f.doubt(why),
        }
    }

    /// Who the target sees as the source: the alternatives (one, or two
    /// when client IP preservation could not be read), and why there are
    /// two.
    #[allow(clippy::too_many_arguments)]
    fn seen_by_target(
        &self,
        lb: &'s LoadBalancer,
        tg: &'s TargetGroup,
        via: Via,
        family: Family,
        target_v6: bool,
        arriving: &Flow,
        lb_subnet: Option<&str>,
    ) -> (Vec<Flow>, Option<String>) {
        let target_family = if target_v6 { Family::V6 } else { Family::V4 };
        let nodes = || self.lb_nodes(lb, lb_subnet, arriving, target_family);
        if lb.lb_type.as_deref() != Some("network") || via == Via::PrivateLink {
            return (vec![nodes()], None);
        }
        let preserved = || {
            let mut f = arriving.clone();
            for g in &lb.security_group_ids {
                if !f.groups.contains(g) {
                    f.groups.push(g.clone());
                }
            }
            f
        };
        match self.preserves_client_ip(tg, family, target_v6) {
            Ok(true) => (vec![preserved()], None),
            Ok(false) => (vec![nodes()], None),
            Err(why) => (vec![preserved(), nodes()], Some(why)),
        }
    }

    /// The traffic re-sent by `lb`'s nodes: from the addresses of its
    /// subnet `lb_subnet` (all its subnets when that is not known), in its
    /// security groups.
    fn lb_nodes(
        &self,
        lb: &'s LoadBalancer,
        lb_subnet: Option<&str>,
        arriving: &Flow,
        family: Family,
    ) -> Flow {
        let subnets: Vec<String> = match lb_subnet {
            Some(s) => vec![s.to_string()],
            None => lb.subnet_ids.clone(),
        };
        let (addrs, missing) = subnets_addrs(|s| self.subnet(s), &subnets);
        // A node talks to a target over the target's address family.
        let f = arriving.resent(addrs.only(family), &lb.security_group_ids);
        if missing.is_empty() {
            f
        } else {
            arriving
                .resent(AddrSet::all(Family::V4), &lb.security_group_ids)
                .doubt(self.missing(
                    Input::Subnets,
                    None,
                    format!(
                        "the subnets of {} ({}) were not collected",
                        lb.name,
                        missing.join(", ")
                    ),
                ))
        }
    }

    /// Whether targets of `tg` (an NLB's) see the client's address.
    fn preserves_client_ip(
        &self,
        tg: &TargetGroup,
        family: Family,
        target_v6: bool,
    ) -> Result<bool, String> {
        // A client of the other family arrives from the load balancer's
        // own address, whatever the protocol (the table of addresses
        // targets receive, on the attributes page).
        if (family == Family::V6) != target_v6 {
            return Ok(false);
        }
        if always_preserved(tg) {
            return Ok(true);
        }
        self.reads.look_up(Input::TargetGroupAttributes);
        match client_ip_preserved(tg) {
            Some(on) => Ok(on),
            None => Err(self.missing(
                Input::TargetGroupAttributes,
                Some(&tg.target_group_arn),
                format!(
                    "preserve_client_ip.enabled of tg/{} was not collected",
                    tg.name.as_deref().unwrap_or("?")
                ),
            )),
        }
    }

    /// An NLB target group of type `alb`: the ALB's security group and
    /// subnet NACL judge what the NLB passes on, then its listener on
    /// `tport` forwards to its own target groups.
    #[allow(clippy::too_many_arguments)]
    fn to_alb(
        &self,
        nlb: &'s LoadBalancer,
        alb: &'s LoadBalancer,
        tport: u16,
        arriving: &Flow,
        family: Family,
        via: Via,
        nlb_subnet: Option<&str>,
        hops: &[Hop],
        kind: PathKind,
    ) -> Vec<Exposure> {
        if arriving.is_empty() {
            return vec![];
        }
        // `alb` target groups are IPv4 only. A client of the other family
        // (IPv6, through a dualstack NLB) is translated and arrives from
        // the NLB's own address: client IP preservation has no effect on
        // traffic converted from IPv6 to IPv4
        // (<https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation>).
        // Found by the oracle: the ALB's groups were judged against the
        // IPv6 client and the path was missed.
        let translated = family == Family::V6;
        let family = if translated { Family::V4 } else { family };
        let seen = if via == Via::PrivateLink || translated {
            self.lb_nodes(nlb, nlb_subnet, arriving, Family::V4)
        } else {
            let mut f = arriving.clone();
            f.groups = nlb.security_group_ids.clone();
            f
        };
        let rules = self.groups_ingress(&alb.security_group_ids, &alb.name);
        let mut h = hops.to_vec();
        h.push(lb_hop(alb));
        let mut out = Vec::new();
        for subnet in &alb.subnet_ids {
            let f = flow::security_groups(&rules, Protocol::Tcp, tport, &seen, self.resolve);
            let mut f = self.nacl_inbound(subnet, Protocol::Tcp, tport, &f);
            let dest = flow::subnet_addrs(self.subnet(subnet));
            if let Some(s) = nlb_subnet {
                match flow::nacl_outbound(
                    self.nacl(s),
                    s,
                    self.subnet(s),
                    Protocol::Tcp,
                    tport,
                    &dest,
                ) {
                    Ok(true) => {}
                    Ok(false) => f = Flow::default(),
                    Err(why) => f = f.doubt(why),
                }
            }
            f = self.lb_egress(nlb, Protocol::Tcp, tport, &dest, &alb.security_group_ids, f);
            if f.is_empty() {
                continue;
            }
            self.reads.look_up(Input::Listeners);
            match &alb.listeners {
                Some(listeners) => {
                    for l in listeners {
                        if l.port.and_then(|p| u16::try_from(p).ok()) != Some(tport) {
                            continue;
                        }
                        let mut h = h.clone();
                        h.push(self.listener_hop(l, tport));
                        out.extend(self.forward(
                            alb,
                            Some(l),
                            Some(Transport::Tcp),
                            &f,
                            family,
                            via,
                            Some(subnet),
                            h,
                            kind,
                        ));
                    }
                }
                None => {
                    let (why, h) = self.listeners_unknown(alb, &h);
                    out.extend(self.forward(
                        alb,
                        None,
                        Some(Transport::Tcp),
                        &f.clone().doubt(why),
                        family,
                        via,
                        Some(subnet),
                        h,
                        kind,
                    ));
                }
            }
        }
        out
    }
}

/// Client IP preservation can't be turned off for UDP, TCP_UDP, QUIC and
/// TCP_QUIC target groups.
fn always_preserved(tg: &TargetGroup) -> bool {
    let protocol = tg.protocol.as_deref().unwrap_or("TCP").to_ascii_uppercase();
    matches!(protocol.as_str(), "UDP" | "TCP_UDP" | "QUIC" | "TCP_QUIC")
}

/// Whether an NLB target group hands its targets the (same-family)
/// client's address: always for UDP-based groups, else the
/// `preserve_client_ip.enabled` attribute, whose default is on for
/// `instance` targets and off for `ip` targets; `None` when the attributes
/// were not collected.
pub(crate) fn client_ip_preserved(tg: &TargetGroup) -> Option<bool> {
    if always_preserved(tg) {
        return Some(true);
    }
    let a = tg.attributes.as_ref()?;
    Some(
        match a.get("preserve_client_ip.enabled").map(String::as_str) {
            Some(v) => v.eq_ignore_ascii_case("true"),
            None => tg.target_type.as_deref() != Some("ip"),
        },
    )
}

fn lb_hop(lb: &LoadBalancer) -> Hop {
    let kind = match lb.lb_type.as_deref() {
        Some("application") => "alb",
        Some("network") => "nlb",
        Some(other) => other,
        None => "lb",
    };
    hop(
        "load-balancer",
        &lb.load_balancer_arn,
        format!("{kind}/{}", lb.name),
    )
}

fn tg_hop(tg: &TargetGroup) -> Hop {
    hop(
        "target-group",
        &tg.target_group_arn,
        format!(
            "tg/{}:{}",
            tg.name.as_deref().unwrap_or("?"),
            tg.port.map_or("?".to_string(), |p| p.to_string())
        ),
    )
}

fn path_of(kind: PathKind, hops: Vec<Hop>, protocol: Transport) -> ExposurePath {
    ExposurePath {
        kind,
        hops,
        ports: vec![],
        protocol,
    }
}
