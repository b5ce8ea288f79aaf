//! The reachability oracle: a deliberately naive evaluator, written apart
//! from `rampart_checks::paths` and sharing no code with it, that decides
//! for one backend, entry kind, protocol and port whether a concrete packet
//! from the internet gets in and its reply gets out, hop by hop.
//!
//! It reads only the snapshot (linear scans, no index) and tries concrete
//! packets: every candidate public source address (the edges of every CIDR
//! in the snapshot, the addresses just outside them, and a default address
//! per family) and every candidate client port. Clients are assumed to use
//! source ports 1024-65535 (the ephemeral range the NACL pages use for
//! replies; <https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html>),
//! and so are load balancer nodes for their own connections to targets.
//!
//! The AWS behaviour it encodes, with the page each rule comes from:
//!
//! - Routing: longest prefix match; at equal length a static route beats a
//!   prefix-list route; a blackhole route drops
//!   (<https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html>).
//!   A subnet uses its explicitly associated table, else the VPC's main table
//!   (<https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html>).
//! - Internet gateway: traffic from the internet to an ENI's public IPv4
//!   (1:1 NAT to its private address) or global IPv6 enters through the
//!   internet gateway attached to the VPC; the reply leaves through the route
//!   the subnet's table gives for the client's address, which must be that
//!   internet gateway (a NAT gateway rewrites the source, an egress-only
//!   internet gateway carries no inbound connection, a gateway endpoint goes
//!   to the service) (<https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html>).
//! - Ingress routing: a route table associated with the internet gateway
//!   (an edge association, `RouteTableAssociation.gateway_id`) routes the
//!   traffic entering the VPC; its routes send the VPC's or a subnet's whole
//!   CIDR to `local`, a Gateway Load Balancer endpoint or an appliance ENI
//!   (<https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html>).
//!   A hop through an appliance (GWLB endpoint, ENI or instance route
//!   target), inbound or for the reply, is an inspection hop whose rules are
//!   not in the snapshot: the verdict through it is Unknown.
//! - Network ACLs: stateless; rules evaluated lowest number first, the first
//!   match decides, `*` denies; an IPv4 rule never matches IPv6 traffic and
//!   vice versa; evaluated when traffic enters and leaves a subnet, not
//!   within a subnet (<https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>).
//! - Security groups: stateful (a reply is always allowed); the groups of an
//!   ENI are a union; a rule matches by protocol (`-1`, tcp, udp), port
//!   range, and peer: an IPv4 CIDR (IPv4 sources only), an IPv6 CIDR (IPv6
//!   sources only), a prefix list's entries, or another group, which admits
//!   the private addresses of the ENIs carrying that group, never public ones
//!   (<https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>).
//!   Load balancer nodes' outbound traffic to targets must pass their groups'
//!   outbound rules
//!   (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html>).
//! - Load balancers: an internet-facing load balancer has a node (an ENI
//!   described `ELB app/NAME/ID` or `ELB net/NAME/ID`) in each of its
//!   subnets; a client reaches a node like any ENI with a public address,
//!   through the node's groups (the load balancer's; an NLB may have none,
//!   then nothing filters). Listener -> default action / rules -> target
//!   groups -> targets, the target's port overriding the group's. Instance
//!   targets receive traffic on the primary private IPv4 of the primary ENI;
//!   `ip` targets on that address of an ENI in the target group's VPC;
//!   `AvailabilityZone=all` is outside the VPC; `lambda` targets end a path
//!   (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#target-type>).
//!   An ALB's targets see an ALB node's address: ELB nodes forward from
//!   the private addresses of their ENIs
//!   (<https://repost.aws/knowledge-center/elb-find-load-balancer-IP>), and
//!   since an ALB adds and replaces node ENIs as it scales, any address of
//!   its subnets counts; an NLB has one fixed address per subnet. Traffic
//!   from a node comes from the load balancer's groups. An NLB's targets see the
//!   client's address when client IP preservation is on (instance target
//!   groups and UDP/TCP_UDP/QUIC/TCP_QUIC groups by default, ip TCP/TLS
//!   groups off by default, `preserve_client_ip.enabled`), else the node's
//!   private address; an IPv6 client of an IPv4 target is seen as the node's
//!   IPv4 (<https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation>);
//!   traffic arriving over PrivateLink (an API Gateway REST VPC link) is
//!   always seen from the NLB's private addresses. A target group rule
//!   referencing the NLB's security group admits its traffic even with
//!   client IP preservation
//!   (<https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html>).
//!   An NLB `alb` target group (TCP) forwards to that ALB's listener on the
//!   group's port; the ALB's groups see the client's addresses
//!   (<https://docs.aws.amazon.com/elasticloadbalancing/latest/network/application-load-balancer-target.html>).
//!   Cross-zone load balancing never matters here: the generator puts every
//!   subnet in one Availability Zone.
//! - API Gateway REST APIs (not PRIVATE, execute-api endpoint enabled, with a
//!   stage) reach an NLB through a VPC link (PrivateLink) on the port of the
//!   integration URI (<https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-private-integration.html>).
//!   The PrivateLink side of the NLB is not modelled (no client-side NACL
//!   or security group check: its source addresses are API Gateway's).
//! - Stopped instances keep their addresses and registrations and are judged
//!   like running ones; terminated and shutting-down instances are gone.
//! - CloudFront's origin-facing prefix lists (AWS-owned, named
//!   `com.amazonaws.global.cloudfront.origin-facing` and
//!   `com.amazonaws.global.ipv6.cloudfront.origin-facing`) hold the
//!   addresses of CloudFront's origin-facing servers and nothing else: a rule
//!   naming one admits "only [...] CloudFront's origin-facing servers,
//!   preventing any non-CloudFront traffic from reaching your origin"
//!   (<https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html#managed-prefix-list>).
//!   So for internet clients (the direct, load balancer and API Gateway
//!   entries) a security group rule or a route naming one matches nobody,
//!   whatever entries were collected (or none), and it never matches a
//!   private address (a load balancer node, a target). A customer-owned list
//!   of the same name is the customer's addresses
//!   (<https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html>).
//! - CloudFront: an enabled distribution
//!   (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html>)
//!   sends requests to the origins its cache behaviours target, the default
//!   one and the others, an origin group standing for its members
//!   (<https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html>).
//!   A custom origin whose domain name is an internet-facing load balancer's
//!   DNS name (not case-sensitive:
//!   <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesOrigin.html>;
//!   or that name behind `dualstack.`:
//!   <https://repost.aws/knowledge-center/elb-configure-with-ipv6>) is that
//!   load balancer, and CloudFront connects to it over TCP on the HTTP port
//!   (`http-only`), the HTTPS port (`https-only`) or both (`match-viewer`)
//!   (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CustomOriginConfig.html>),
//!   over IPv4 (the origin's `IpAddressType`, not in the snapshot, is IPv4
//!   unless set otherwise: same page and
//!   <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-enable-ipv6.html>).
//!   From there CloudFront is a client of the load balancer like any
//!   internet client, from its own servers' addresses: the entries of its
//!   origin-facing list when they were collected, else (as the engine
//!   models them) any public IPv4 (a rule admitting any public CIDR then
//!   admits them too; an over-approximation). A rule naming the
//!   list admits CloudFront's packets
//!   (also at a target that sees CloudFront's address, behind an NLB
//!   preserving client addresses, or at an ALB behind an NLB), never a load
//!   balancer node's. A route naming one carries the replies to CloudFront
//!   by longest prefix over its entries when they were collected; without
//!   them, ahead of every other route of these tables: the list's entries are
//!   CloudFront's own ranges (`/16` and narrower, e.g. `15.158.0.0/16`,
//!   `130.176.0.0/18`), narrower than any route the generator writes that
//!   covers them, so the longest match.

use std::cmp::{max, min};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use rampart_model::*;

/// The answer for one question. Ordered so that a path is the minimum of its
/// hops and a backend the maximum of its paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    No,
    /// Only through a hop whose rules are not known (inspection).
    Unknown,
    Yes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    pub const ALL: [Proto; 2] = [Proto::Tcp, Proto::Udp];

    fn number(self) -> &'static str {
        match self {
            Proto::Tcp => "6",
            Proto::Udp => "17",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }
}

/// Where the internet comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entry {
    /// A public address on the backend's own ENI.
    Direct,
    /// An internet-facing load balancer.
    LoadBalancer,
    /// An API Gateway REST stage -> VPC link -> NLB.
    Gateway,
    /// A CloudFront distribution whose origin is an internet-facing load
    /// balancer.
    CloudFront,
}

/// Who sends the packets the hops judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sender {
    /// A client on the internet (the direct, load balancer and API Gateway
    /// entries).
    Internet,
    /// CloudFront's origin-facing servers, fetching from an origin.
    CloudFront,
}

/// The AWS-managed prefix lists of CloudFront's origin-facing servers, with
/// their address family (IPv6 or not).
const CLOUDFRONT_LISTS: [(&str, bool); 2] = [
    ("com.amazonaws.global.cloudfront.origin-facing", false),
    ("com.amazonaws.global.ipv6.cloudfront.origin-facing", true),
];

/// One packet, as the hop that judges it sees it.
#[derive(Clone, Copy, Debug)]
struct Pkt {
    src: IpAddr,
    dst: IpAddr,
    proto: Proto,
    dport: u16,
}

impl Pkt {
    fn reply(self, dport: u16) -> Pkt {
        Pkt {
            src: self.dst,
            dst: self.src,
            proto: self.proto,
            dport,
        }
    }
}

/// A load balancer node: its ENI and addresses.
#[derive(Clone, Debug)]
struct Node<'s> {
    eni: &'s NetworkInterface,
    v4: Option<IpAddr>,
    v6: Option<IpAddr>,
    /// The addresses the node may send from: an NLB node's fixed address;
    /// for an ALB node also every candidate address of its subnet (an ALB
    /// adds and replaces node ENIs as it scales, so any address of its
    /// subnets may be a node's tomorrow).
    senders: Vec<IpAddr>,
}

/// A known way the engine departs from AWS's behaviour, which the oracle can
/// emulate so that the test names it instead of failing on it (see
/// `KNOWN_ENGINE_DEVIATIONS` in `oracle.rs`). Each is an engine bug to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deviation {
    /// The hops a client's own address crosses are each judged for some
    /// public address, not for one client address: on a direct path the
    /// security group, the NACL and the route back (a group admitting
    /// `11.0.0.0/8` with the only internet route `128.0.0.0/1` is a path);
    /// behind an NLB preserving the client's address, the target's group
    /// and its subnet's NACL (a group admitting only `198.51.100.10/32`
    /// whose NACL denies `198.51.100.10/32` is a path).
    UncorrelatedSources,
    /// The target subnet's NACL is applied to a load balancer's traffic to
    /// a target (and the reply) even when the node and the target share the
    /// subnet; AWS evaluates NACLs only when traffic enters or leaves a
    /// subnet. The engine misses real paths.
    NaclWithinSubnet,
    /// A load balancer's subnets' NACLs are never evaluated: not for the
    /// client's traffic (inbound, and the reply outbound) nor for the node's
    /// traffic to a target (outbound, and the reply inbound).
    NoLbSubnetNacl,
    /// A load balancer's client side and target side are judged on
    /// different nodes: one node's subnet routed to the internet gateway,
    /// another node's address admitted by the target. The node that
    /// receives a client's connection is the one that forwards it, from its
    /// own address.
    UncorrelatedNodes,
    /// A load balancer's security groups' outbound rules are not evaluated
    /// for its traffic to targets.
    NoLbGroupEgress,
    /// Issue 13 item 3: an NLB behind a REST VPC link is treated like an
    /// internet-facing one, its targets seeing internet clients when the
    /// group preserves client addresses; over PrivateLink they see the NLB's
    /// private addresses.
    PreservationOverPrivateLink,
    /// Issue 13 item 3: client IP preservation is taken to be on exactly
    /// for NLBs without security groups and `instance` targets; AWS makes it
    /// a target group attribute (on by default for instance targets and
    /// UDP/TCP_UDP groups, off for ip TCP/TLS groups) whatever the NLB's
    /// groups. With groups on the NLB, targets admitting only the internet
    /// are missed and targets admitting only the VPC are reported.
    PreservationByNlbGroups,
    /// A target is judged on any ENI of its instance (the ENI's groups and
    /// subnet); AWS delivers an instance target's traffic to the primary
    /// private IPv4 of the primary ENI (device index 0), and an `ip`
    /// target's to the ENI holding that address.
    AnyEniForInstanceTargets,
    // The rest emulate unimplemented items for a local survey
    // (`RAMPART_ORACLE_ALSO`) only: with the item's switch on, they let the
    // test get past the item's first disagreement to the next.
    /// Item 2: every listener and target group is taken as TCP; no UDP path.
    NoUdpPaths,
    /// Item 8: stopped instances have no direct path.
    StoppedHaveNoPaths,
    /// Item 7: the internet gateway's edge route table is ignored, and a
    /// reply through an appliance carries nothing.
    NoInspection,
    /// Item 9: an IPv6 rule admits public IPv4 clients when it covers public
    /// IPv6 space, and vice versa (CIDRs and prefix lists).
    FamilyBlindGroups,
    /// Item 4: an `ip` target resolved to any ENI holding the address, in
    /// any VPC, `all` ignored.
    IpTargetsByAddress,
    /// Item 1: nothing through `alb` target groups.
    NoAlbTargets,
    /// Item 6: no load balancer is reached over IPv6.
    NoDualStack,
    /// Issue 16: in CloudFront's trace, its origin-facing list stands for
    /// the whole address space of its family, private addresses included:
    /// a target's rule naming it admits the load balancer node forwarding
    /// CloudFront's request (an ALB's, or an NLB's not preserving client
    /// addresses), and a load balancer group's outbound rule naming it lets
    /// the node reach any target. The list holds CloudFront's public
    /// servers only: the engine reports CloudFront paths AWS drops.
    CloudFrontListAdmitsAnyAddress,
    /// Issue 16: CloudFront is traced into a load balancer origin through
    /// every protocol of the listener on the origin's port, UDP included
    /// (a UDP or TCP_UDP NLB listener gives a UDP CloudFront path).
    /// CloudFront connects to a custom origin over HTTP or HTTPS only: TCP.
    CloudFrontOverUdp,
    /// Issue 16: in CloudFront's trace, a route naming its origin-facing
    /// list is one route to the whole address space (`/0`), which any
    /// static route covering CloudFront's address beats. CloudFront's
    /// addresses are the list's entries (CloudFront's own ranges, far
    /// narrower than a default route), so the route to the list is their
    /// longest match: with `0.0.0.0/0 -> igw` and the list
    /// to a peering connection (or a blackhole) the engine draws a
    /// CloudFront path whose replies AWS sends to the peering connection
    /// (and with `0.0.0.0/0 -> nat` and the list to the internet gateway
    /// it misses one).
    CloudFrontListRouteAsDefault,
    /// Issue 16: CloudFront is traced into a dual-stack load balancer
    /// origin over IPv6 too, from IPv6 sources. CloudFront connects to an
    /// origin over IPv4 unless the origin's `IpAddressType` says otherwise,
    /// and the snapshot does not hold it: a load balancer reached from the
    /// internet only over IPv6 gets a CloudFront path AWS does not take.
    CloudFrontOverIpv6,
}

impl Deviation {
    pub const ALL: &[Deviation] = &[
        Deviation::UncorrelatedSources,
        Deviation::NaclWithinSubnet,
        Deviation::NoLbSubnetNacl,
        Deviation::UncorrelatedNodes,
        Deviation::NoLbGroupEgress,
        Deviation::PreservationOverPrivateLink,
        Deviation::PreservationByNlbGroups,
        Deviation::AnyEniForInstanceTargets,
        Deviation::NoUdpPaths,
        Deviation::StoppedHaveNoPaths,
        Deviation::NoInspection,
        Deviation::FamilyBlindGroups,
        Deviation::IpTargetsByAddress,
        Deviation::NoAlbTargets,
        Deviation::NoDualStack,
        Deviation::CloudFrontListAdmitsAnyAddress,
        Deviation::CloudFrontOverUdp,
        Deviation::CloudFrontListRouteAsDefault,
        Deviation::CloudFrontOverIpv6,
    ];
}

#[derive(Clone)]
pub struct Oracle<'s> {
    inv: &'s RegionInventory,
    /// The account's distributions (global, not per region).
    cloudfront: Option<&'s CloudFrontInventory>,
    /// Who sends the packets being judged.
    sender: Sender,
    deviations: Vec<Deviation>,
    sources: Vec<IpAddr>,
    /// Private IPv4 edges of every CIDR (where ALB nodes may send from).
    private: Vec<IpAddr>,
    ephemeral: Vec<u16>,
    ports: Vec<u16>,
}

fn net(s: &str) -> Option<IpNet> {
    s.trim().parse::<IpNet>().ok()
}

fn addr(s: &str) -> Option<IpAddr> {
    s.trim().parse::<IpAddr>().ok()
}

/// Public address space as `docs/model.md` defines the internet: IPv4 minus
/// the special-purpose blocks, IPv6 global unicast.
pub fn is_public(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(v4) => {
            let not_public = [
                "0.0.0.0/8",
                "10.0.0.0/8",
                "100.64.0.0/10",
                "127.0.0.0/8",
                "169.254.0.0/16",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "224.0.0.0/4",
                "240.0.0.0/4",
            ];
            !not_public
                .iter()
                .any(|c| net(c).is_some_and(|n| n.contains(&IpAddr::V4(v4))))
        }
        IpAddr::V6(_) => net("2000::/3").is_some_and(|n| n.contains(&a)),
    }
}

fn step(a: IpAddr, up: bool) -> Option<IpAddr> {
    match a {
        IpAddr::V4(v) => {
            let n = u32::from(v);
            let m = if up {
                n.checked_add(1)
            } else {
                n.checked_sub(1)
            }?;
            Some(IpAddr::V4(Ipv4Addr::from(m)))
        }
        IpAddr::V6(v) => {
            let n = u128::from(v);
            let m = if up {
                n.checked_add(1)
            } else {
                n.checked_sub(1)
            }?;
            Some(IpAddr::V6(Ipv6Addr::from(m)))
        }
    }
}

fn port_range_of(from: Option<i32>, to: Option<i32>) -> (u16, u16) {
    match (from, to) {
        (Some(f), Some(t)) if f >= 0 && t >= 0 => (f.min(65535) as u16, t.min(65535) as u16),
        _ => (0, 65535),
    }
}

impl<'s> Oracle<'s> {
    pub fn new(inv: &'s RegionInventory) -> Oracle<'s> {
        let ec2 = &inv.ec2;
        // Every CIDR the snapshot mentions.
        let mut cidrs: Vec<IpNet> = Vec::new();
        for g in &ec2.security_groups {
            for r in g.ingress.iter().chain(&g.egress) {
                match &r.peer {
                    SgPeer::Ipv4 { cidr } | SgPeer::Ipv6 { cidr } => cidrs.extend(net(cidr)),
                    _ => {}
                }
            }
        }
        for acl in &ec2.network_acls {
            for e in &acl.entries {
                cidrs.extend(e.cidr_block.as_deref().and_then(net));
                cidrs.extend(e.ipv6_cidr_block.as_deref().and_then(net));
            }
        }
        for rt in &ec2.route_tables {
            for r in &rt.routes {
                cidrs.extend(r.destination_cidr_block.as_deref().and_then(net));
                cidrs.extend(r.destination_ipv6_cidr_block.as_deref().and_then(net));
            }
        }
        for pl in &ec2.managed_prefix_lists {
            for e in pl.entries.iter().flatten() {
                cidrs.extend(net(&e.cidr));
            }
        }
        for v in &ec2.vpcs {
            cidrs.extend(
                v.cidr_blocks
                    .iter()
                    .chain(&v.ipv6_cidr_blocks)
                    .filter_map(|c| net(c)),
            );
        }
        for s in &ec2.subnets {
            cidrs.extend(s.cidr_block.as_deref().and_then(net));
            cidrs.extend(s.ipv6_cidr_blocks.iter().filter_map(|c| net(c)));
        }
        let mut sources: BTreeSet<IpAddr> = BTreeSet::new();
        sources.insert("8.8.8.8".parse().unwrap());
        sources.insert("2001:4860:4860::8888".parse().unwrap());
        for c in &cidrs {
            let (lo, hi) = (c.network(), c.broadcast());
            sources.extend(
                [Some(lo), Some(hi), step(lo, false), step(hi, true)]
                    .into_iter()
                    .flatten(),
            );
        }
        let private: Vec<IpAddr> = sources
            .iter()
            .copied()
            .filter(|a| a.is_ipv4() && !is_public(*a))
            .collect();
        let sources: Vec<IpAddr> = sources.into_iter().filter(|a| is_public(*a)).collect();

        // Every port boundary (and its neighbours) of a rule, a listener, a
        // target group or a target.
        let mut edges: BTreeSet<u16> = BTreeSet::from([1, 1023, 1024, 65535]);
        let mut add = |lo: u16, hi: u16| {
            for p in [lo.checked_sub(1), Some(lo), Some(hi), hi.checked_add(1)]
                .into_iter()
                .flatten()
            {
                if p >= 1 {
                    edges.insert(p);
                }
            }
        };
        for g in &ec2.security_groups {
            for r in g.ingress.iter().chain(&g.egress) {
                let (lo, hi) = port_range_of(r.from_port, r.to_port);
                add(lo, hi);
            }
        }
        let mut nacl_edges: BTreeSet<u16> = BTreeSet::from([1024, 65535]);
        for acl in &ec2.network_acls {
            for e in &acl.entries {
                if let Some(pr) = e.port_range {
                    let (lo, hi) = port_range_of(Some(pr.from), Some(pr.to));
                    add(lo, hi);
                    for p in [lo.checked_sub(1), Some(lo), Some(hi), hi.checked_add(1)]
                        .into_iter()
                        .flatten()
                    {
                        if p >= 1024 {
                            nacl_edges.insert(p);
                        }
                    }
                }
            }
        }
        for lb in &inv.elbv2.load_balancers {
            for l in lb.listeners.iter().flatten() {
                if let Some(p) = l.port {
                    add(p as u16, p as u16);
                }
            }
        }
        for tg in &inv.elbv2.target_groups {
            if let Some(p) = tg.port {
                add(p as u16, p as u16);
            }
            for t in tg.targets.iter().flatten() {
                if let Some(p) = t.port {
                    add(p as u16, p as u16);
                }
            }
        }
        Oracle {
            inv,
            cloudfront: None,
            sender: Sender::Internet,
            deviations: Vec::new(),
            sources,
            private,
            ephemeral: nacl_edges.into_iter().collect(),
            ports: edges.into_iter().collect(),
        }
    }

    /// The same oracle, with the account's CloudFront distributions (the
    /// snapshot's, global).
    pub fn with_cloudfront(mut self, cloudfront: Option<&'s CloudFrontInventory>) -> Oracle<'s> {
        self.cloudfront = cloudfront;
        self
    }

    /// The same oracle, emulating the engine's `deviations`.
    pub fn with_deviations(mut self, deviations: &[Deviation]) -> Oracle<'s> {
        self.deviations = deviations.to_vec();
        self
    }

    fn deviates(&self, d: Deviation) -> bool {
        self.deviations.contains(&d)
    }

    /// The ports worth asking about: every boundary of every range in the
    /// snapshot and its neighbours.
    pub fn candidate_ports(&self) -> &[u16] {
        &self.ports
    }

    // ------------------------------------------------------------ lookups

    fn subnet(&self, id: &str) -> Option<&'s Subnet> {
        self.inv.ec2.subnets.iter().find(|s| s.subnet_id == id)
    }

    fn group(&self, id: &str) -> Option<&'s SecurityGroup> {
        self.inv
            .ec2
            .security_groups
            .iter()
            .find(|g| g.group_id == id)
    }

    fn prefix_list(&self, id: &str) -> Vec<IpNet> {
        self.inv
            .ec2
            .managed_prefix_lists
            .iter()
            .filter(|p| p.prefix_list_id == id)
            .flat_map(|p| p.entries.iter().flatten())
            .filter_map(|e| net(&e.cidr))
            .collect()
    }

    /// Whether `id` is one of CloudFront's origin-facing lists (AWS-owned,
    /// by name) and, if so, whether it is the IPv6 one.
    fn cloudfront_list(&self, id: &str) -> Option<bool> {
        let list = self
            .inv
            .ec2
            .managed_prefix_lists
            .iter()
            .find(|p| p.prefix_list_id == id)?;
        if list.owner_id.as_deref() != Some("AWS") {
            return None;
        }
        let name = list.prefix_list_name.as_deref()?;
        CLOUDFRONT_LISTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v6)| *v6)
    }

    /// The collected entries of the region's AWS-owned CloudFront list of
    /// `a`'s family, if there is one and they were collected.
    fn cloudfront_entries(&self, v6: bool) -> Option<Vec<IpNet>> {
        let list =
            self.inv.ec2.managed_prefix_lists.iter().find(|p| {
                self.cloudfront_list(&p.prefix_list_id) == Some(v6) && p.entries.is_some()
            })?;
        Some(
            list.entries
                .iter()
                .flatten()
                .filter_map(|e| net(&e.cidr))
                .collect(),
        )
    }

    /// Whether `a` is an address of CloudFront's origin-facing servers:
    /// with CloudFront as the sender, an address its list's entries hold
    /// when they were collected, else any public address (its sources are
    /// then modelled as any public address); for internet clients, none.
    fn is_cloudfront(&self, a: IpAddr) -> bool {
        self.sender == Sender::CloudFront
            && is_public(a)
            && self
                .cloudfront_entries(a.is_ipv6())
                .is_none_or(|nets| nets.iter().any(|n| n.contains(&a)))
    }

    /// Whether a CloudFront origin-facing list (IPv6 or not) holds `a`.
    fn cloudfront_list_holds(&self, v6: bool, a: IpAddr) -> bool {
        a.is_ipv6() == v6 && self.is_cloudfront(a)
    }

    /// The internet gateway attached to `vpc`.
    fn igw(&self, vpc: &str) -> Option<&'s InternetGateway> {
        self.inv
            .ec2
            .internet_gateways
            .iter()
            .find(|g| g.attached_vpc_ids.iter().any(|v| v == vpc))
    }

    /// The subnet's route table: its explicit association, else the main
    /// table of its VPC.
    fn subnet_table(&self, subnet: &Subnet) -> Option<&'s RouteTable> {
        let tables = &self.inv.ec2.route_tables;
        tables
            .iter()
            .find(|t| {
                t.associations
                    .iter()
                    .any(|a| a.subnet_id.as_deref() == Some(subnet.subnet_id.as_str()))
            })
            .or_else(|| {
                tables
                    .iter()
                    .find(|t| t.vpc_id == subnet.vpc_id && t.associations.iter().any(|a| a.main))
            })
    }

    /// The gateway route table of an internet gateway (edge association).
    fn edge_table(&self, igw: &str) -> Option<&'s RouteTable> {
        self.inv.ec2.route_tables.iter().find(|t| {
            t.associations
                .iter()
                .any(|a| a.gateway_id.as_deref() == Some(igw))
        })
    }

    /// Longest prefix match; at equal length a CIDR route beats a
    /// prefix-list route.
    fn route(&self, table: &'s RouteTable, to: IpAddr) -> Option<&'s Route> {
        let mut best: Option<(u8, u8, &Route)> = None;
        for r in &table.routes {
            let len = match (
                &r.destination_cidr_block,
                &r.destination_ipv6_cidr_block,
                &r.destination_prefix_list_id,
            ) {
                (Some(c), _, _) | (None, Some(c), _) => net(c)
                    .filter(|n| n.contains(&to))
                    .map(|n| (n.prefix_len(), 1u8)),
                // CloudFront's addresses are in its list's entries, each
                // narrower than any other route these tables hold: for them
                // the list's route is the longest match.
                (None, None, Some(pl)) => match self.cloudfront_list(pl) {
                    // With its entries known, CloudFront's addresses are
                    // matched by them, longest prefix first, as any list.
                    Some(v6)
                        if self.cloudfront_list_holds(v6, to)
                            && self.cloudfront_entries(v6).is_some() =>
                    {
                        self.prefix_list(pl)
                            .iter()
                            .filter(|n| n.contains(&to))
                            .map(|n| n.prefix_len())
                            .max()
                            .map(|l| (l, 0u8))
                    }
                    Some(v6) => self.cloudfront_list_holds(v6, to).then_some(
                        if self.deviates(Deviation::CloudFrontListRouteAsDefault) {
                            (0, 0u8)
                        } else {
                            (u8::MAX, 0u8)
                        },
                    ),
                    None => self
                        .prefix_list(pl)
                        .iter()
                        .filter(|n| n.contains(&to))
                        .map(|n| n.prefix_len())
                        .max()
                        .map(|l| (l, 0u8)),
                },
                _ => None,
            };
            if let Some((l, static_)) = len
                && best.is_none_or(|(bl, bs, _)| (l, static_) > (bl, bs))
            {
                best = Some((l, static_, r));
            }
        }
        best.map(|(_, _, r)| r)
    }

    fn is_gwlb_endpoint(&self, id: &str) -> bool {
        self.inv.ec2.vpc_endpoints.iter().any(|e| {
            e.vpc_endpoint_id == id && e.vpc_endpoint_type.as_deref() == Some("GatewayLoadBalancer")
        })
    }

    /// Whether a route hands traffic to an appliance whose rules are unknown.
    fn is_inspection(&self, target: &RouteTarget) -> bool {
        if self.deviates(Deviation::NoInspection) {
            return false;
        }
        match target {
            RouteTarget::NetworkInterface(_) | RouteTarget::Instance(_) => true,
            RouteTarget::VpcEndpoint(id) => self.is_gwlb_endpoint(id),
            _ => false,
        }
    }

    fn nacl(&self, subnet: &Subnet) -> Option<&'s NetworkAcl> {
        let acls = &self.inv.ec2.network_acls;
        acls.iter()
            .find(|a| {
                a.associations
                    .iter()
                    .any(|x| x.subnet_id == subnet.subnet_id)
            })
            .or_else(|| {
                acls.iter()
                    .find(|a| a.vpc_id == subnet.vpc_id && a.is_default)
            })
    }

    /// First matching rule by number decides; no match denies.
    fn nacl_allows(&self, subnet: &Subnet, egress: bool, p: Pkt) -> bool {
        let Some(acl) = self.nacl(subnet) else {
            return false;
        };
        let peer = if egress { p.dst } else { p.src };
        let mut rules: Vec<&NaclEntry> =
            acl.entries.iter().filter(|e| e.egress == egress).collect();
        rules.sort_by_key(|e| e.rule_number);
        for e in rules {
            let proto_ok = e.protocol == "-1" || e.protocol == p.proto.number();
            let cidr = match peer {
                IpAddr::V4(_) => e.cidr_block.as_deref(),
                IpAddr::V6(_) => e.ipv6_cidr_block.as_deref(),
            };
            let peer_ok = cidr.and_then(net).is_some_and(|n| n.contains(&peer));
            let port_ok = e.protocol == "-1"
                || e.port_range.is_none_or(|r| {
                    let (lo, hi) = port_range_of(Some(r.from), Some(r.to));
                    (lo..=hi).contains(&p.dport)
                });
            if proto_ok && peer_ok && port_ok {
                return e.rule_action.eq_ignore_ascii_case("allow");
            }
        }
        false
    }

    /// Whether `a` is a private address of an ENI carrying group `g`.
    fn is_member(&self, g: &str, a: IpAddr) -> bool {
        self.inv.ec2.network_interfaces.iter().any(|e| {
            e.security_group_ids.iter().any(|x| x == g)
                && (e
                    .private_ip_addresses
                    .iter()
                    .any(|p| addr(&p.private_ip) == Some(a))
                    || e.ipv6_addresses.iter().any(|v| addr(v) == Some(a)))
        })
    }

    fn rule_admits(
        &self,
        r: &SgRule,
        peer: IpAddr,
        proto: Proto,
        port: u16,
        via: &[CompactString],
    ) -> bool {
        let proto_ok = match r.protocol.to_ascii_lowercase().as_str() {
            "-1" | "all" => true,
            x => x == proto.name() || x == proto.number(),
        };
        if !proto_ok {
            return false;
        }
        if r.protocol != "-1" {
            let (lo, hi) = port_range_of(r.from_port, r.to_port);
            if !(lo..=hi).contains(&port) {
                return false;
            }
        }
        let family_blind = |cidr: &str| {
            self.deviates(Deviation::FamilyBlindGroups)
                && is_public(peer)
                && net(cidr)
                    .is_some_and(|n| self.sources(n.addr().is_ipv6()).any(|s| n.contains(&s)))
        };
        match &r.peer {
            SgPeer::Ipv4 { cidr } => {
                (peer.is_ipv4() && net(cidr).is_some_and(|n| n.contains(&peer)))
                    || (peer.is_ipv6() && family_blind(cidr))
            }
            SgPeer::Ipv6 { cidr } => {
                (peer.is_ipv6() && net(cidr).is_some_and(|n| n.contains(&peer)))
                    || (peer.is_ipv4() && family_blind(cidr))
            }
            SgPeer::PrefixList { prefix_list_id } => match self.cloudfront_list(prefix_list_id) {
                Some(v6)
                    if self.sender == Sender::CloudFront
                        && self.deviates(Deviation::CloudFrontListAdmitsAnyAddress) =>
                {
                    peer.is_ipv6() == v6
                }
                Some(v6) => self.cloudfront_list_holds(v6, peer),
                None => self
                    .prefix_list(prefix_list_id)
                    .iter()
                    .any(|n| n.contains(&peer) || family_blind(&n.to_string())),
            },
            SgPeer::SecurityGroup { group_id, .. } => {
                via.iter().any(|v| v == group_id) || self.is_member(group_id, peer)
            }
        }
    }

    /// Whether the union of `groups` admits `p` inbound (`via`: the groups of
    /// the NLB the packet came through).
    fn sg_in(&self, groups: &[CompactString], p: Pkt, via: &[CompactString]) -> bool {
        groups.iter().filter_map(|g| self.group(g)).any(|g| {
            g.ingress
                .iter()
                .any(|r| self.rule_admits(r, p.src, p.proto, p.dport, via))
        })
    }

    fn sg_out(&self, groups: &[CompactString], p: Pkt) -> bool {
        groups.iter().filter_map(|g| self.group(g)).any(|g| {
            g.egress
                .iter()
                .any(|r| self.rule_admits(r, p.dst, p.proto, p.dport, &[]))
        })
    }

    // ------------------------------------------------------------ hops

    /// A client on the internet reaches `dst` (an address of `eni`, the
    /// private one for IPv4) and the reply gets back: internet gateway in
    /// (with its edge route table), subnet NACL in, `groups` (None: nothing
    /// filters, an NLB without groups), NACL out, the subnet's route back.
    #[allow(clippy::too_many_arguments)]
    fn internet_to(
        &self,
        eni: &NetworkInterface,
        lb_node: bool,
        dst: IpAddr,
        groups: Option<&[CompactString]>,
        client: IpAddr,
        cport: u16,
        proto: Proto,
        port: u16,
    ) -> Verdict {
        let (Some(vpc), Some(subnet)) = (
            eni.vpc_id.as_deref(),
            eni.subnet_id.as_deref().and_then(|s| self.subnet(s)),
        ) else {
            return Verdict::No;
        };
        let Some(igw) = self.igw(vpc) else {
            return Verdict::No;
        };
        let mut v = Verdict::Yes;
        let edge = self
            .edge_table(&igw.internet_gateway_id)
            .filter(|_| !self.deviates(Deviation::NoInspection));
        if let Some(edge) = edge {
            match self.route(edge, dst) {
                Some(r) if r.state.as_deref() == Some("blackhole") => return Verdict::No,
                Some(r) if r.target == RouteTarget::Local => {}
                Some(r) if self.is_inspection(&r.target) => v = Verdict::Unknown,
                _ => return Verdict::No,
            }
        }
        let p = Pkt {
            src: client,
            dst,
            proto,
            dport: port,
        };
        let nacl = !(lb_node && self.deviates(Deviation::NoLbSubnetNacl));
        if nacl && !self.nacl_allows(subnet, false, p) {
            return Verdict::No;
        }
        if let Some(groups) = groups {
            let admitted = if self.deviates(Deviation::UncorrelatedSources) {
                self.sources(client.is_ipv6())
                    .any(|s| self.sg_in(groups, Pkt { src: s, ..p }, &[]))
            } else {
                self.sg_in(groups, p, &[])
            };
            if !admitted {
                return Verdict::No;
            }
        }
        if nacl && !self.nacl_allows(subnet, true, p.reply(cport)) {
            return Verdict::No;
        }
        let Some(table) = self.subnet_table(subnet) else {
            return Verdict::No;
        };
        let back = |to: IpAddr| match self.route(table, to) {
            Some(r) if r.state.as_deref() == Some("blackhole") => Verdict::No,
            Some(Route {
                target: RouteTarget::InternetGateway(id),
                ..
            }) if *id == igw.internet_gateway_id => v,
            Some(r) if self.is_inspection(&r.target) => min(v, Verdict::Unknown),
            _ => Verdict::No,
        };
        if self.deviates(Deviation::UncorrelatedSources) {
            self.sources(client.is_ipv6())
                .map(back)
                .max()
                .unwrap_or(Verdict::No)
        } else {
            back(client)
        }
    }

    /// A load balancer node sends to a target ENI and the reply comes back:
    /// the node's groups outbound, the NACLs of both subnets when they
    /// differ (out of the node's, into the target's; and back), the
    /// target's groups inbound. `seen` is the source the target sees and
    /// `sport` its source port.
    #[allow(clippy::too_many_arguments)]
    fn to_target(
        &self,
        node: &Node<'_>,
        lb_groups: &[CompactString],
        via_groups: &[CompactString],
        seen: IpAddr,
        sport: u16,
        target: &NetworkInterface,
        target_groups: &[CompactString],
        dst: IpAddr,
        proto: Proto,
        port: u16,
    ) -> bool {
        let p = Pkt {
            src: seen,
            dst,
            proto,
            dport: port,
        };
        if !lb_groups.is_empty()
            && !self.deviates(Deviation::NoLbGroupEgress)
            && !self.sg_out(lb_groups, p)
        {
            return false;
        }
        let (Some(from), Some(to)) = (
            node.eni.subnet_id.as_deref().and_then(|s| self.subnet(s)),
            target.subnet_id.as_deref().and_then(|s| self.subnet(s)),
        ) else {
            return false;
        };
        let cross = from.subnet_id != to.subnet_id;
        let lb_side = cross && !self.deviates(Deviation::NoLbSubnetNacl);
        let target_side = cross || self.deviates(Deviation::NaclWithinSubnet);
        let back = p.reply(sport);
        (!lb_side || (self.nacl_allows(from, true, p) && self.nacl_allows(from, false, back)))
            && (!target_side
                || (self.nacl_allows(to, false, p) && self.nacl_allows(to, true, back)))
            && if self.deviates(Deviation::UncorrelatedSources) && is_public(seen) {
                self.sources(seen.is_ipv6())
                    .any(|s| self.sg_in(target_groups, Pkt { src: s, ..p }, via_groups))
            } else {
                self.sg_in(target_groups, p, via_groups)
            }
    }

    // ------------------------------------------------------------ structure

    fn instance(&self, id: &str) -> Option<&'s Instance> {
        self.inv.ec2.instances.iter().find(|i| i.instance_id == id)
    }

    /// Not terminated or shutting down (stopped instances count).
    fn live(&self, id: &str) -> bool {
        self.instance(id)
            .is_some_and(|i| !matches!(i.state.as_deref(), Some("terminated" | "shutting-down")))
    }

    fn enis_of<'a>(&'a self, instance: &'a str) -> impl Iterator<Item = &'s NetworkInterface> + 'a {
        self.inv.ec2.network_interfaces.iter().filter(move |e| {
            e.attachment.as_ref().and_then(|a| a.instance_id.as_deref()) == Some(instance)
        })
    }

    fn primary_eni(&self, instance: &str) -> Option<&'s NetworkInterface> {
        self.enis_of(instance)
            .find(|e| e.attachment.as_ref().and_then(|a| a.device_index) == Some(0))
    }

    fn primary_v4(eni: &NetworkInterface) -> Option<IpAddr> {
        eni.private_ip_addresses
            .iter()
            .find(|p| p.primary)
            .and_then(|p| addr(&p.private_ip))
    }

    fn nodes(&self, lb: &'s LoadBalancer) -> Vec<Node<'s>> {
        // arn:...:loadbalancer/app/NAME/ID -> "ELB app/NAME/ID"
        let Some(tail) = lb.load_balancer_arn.split(":loadbalancer/").nth(1) else {
            return vec![];
        };
        let description = format!("ELB {tail}");
        self.inv
            .ec2
            .network_interfaces
            .iter()
            .filter(|e| e.description.as_deref() == Some(description.as_str()))
            .filter(|e| {
                e.subnet_id
                    .as_ref()
                    .is_some_and(|s| lb.subnet_ids.iter().any(|x| x == s))
            })
            .map(|eni| Node {
                eni,
                v4: Self::primary_v4(eni),
                senders: {
                    let mut senders: Vec<IpAddr> = Self::primary_v4(eni).into_iter().collect();
                    let subnet = eni
                        .subnet_id
                        .as_deref()
                        .and_then(|s| self.subnet(s))
                        .and_then(|s| s.cidr_block.as_deref())
                        .and_then(net);
                    if let (false, Some(subnet)) = (Self::is_nlb(lb), subnet) {
                        senders.extend(self.private.iter().filter(|a| subnet.contains(*a)));
                    }
                    senders
                },
                v6: if lb.ip_address_type.as_deref() == Some("dualstack")
                    && !self.deviates(Deviation::NoDualStack)
                {
                    eni.ipv6_addresses.first().and_then(|a| addr(a))
                } else {
                    None
                },
            })
            .collect()
    }

    fn lb(&self, arn: &str) -> Option<&'s LoadBalancer> {
        self.inv
            .elbv2
            .load_balancers
            .iter()
            .find(|l| l.load_balancer_arn == arn)
    }

    fn is_nlb(lb: &LoadBalancer) -> bool {
        lb.lb_type.as_deref() == Some("network")
    }

    /// The protocols a listener accepts from clients.
    fn listener_protos(&self, l: &Listener) -> Vec<Proto> {
        if self.deviates(Deviation::NoUdpPaths) {
            return vec![Proto::Tcp];
        }
        Self::protos_of(l)
    }

    fn protos_of(l: &Listener) -> Vec<Proto> {
        match l
            .protocol
            .as_deref()
            .unwrap_or("")
            .to_ascii_uppercase()
            .as_str()
        {
            "HTTP" | "HTTPS" | "TCP" | "TLS" => vec![Proto::Tcp],
            "UDP" | "QUIC" => vec![Proto::Udp],
            "TCP_UDP" | "TCP_QUIC" => vec![Proto::Tcp, Proto::Udp],
            _ => vec![],
        }
    }

    /// The protocol the target group carries to targets for a client
    /// protocol, if it carries it at all.
    fn tg_proto(&self, lb: &LoadBalancer, tg: &TargetGroup, client: Proto) -> Option<Proto> {
        if !Self::is_nlb(lb) || self.deviates(Deviation::NoUdpPaths) {
            return (client == Proto::Tcp).then_some(Proto::Tcp);
        }
        let ok = match tg
            .protocol
            .as_deref()
            .unwrap_or("")
            .to_ascii_uppercase()
            .as_str()
        {
            "TCP" | "TLS" => client == Proto::Tcp,
            "UDP" | "QUIC" => client == Proto::Udp,
            "TCP_UDP" | "TCP_QUIC" => true,
            _ => false,
        };
        ok.then_some(client)
    }

    /// Client IP preservation of an NLB target group.
    fn preserves_for(&self, lb: &LoadBalancer, tg: &TargetGroup) -> bool {
        if self.deviates(Deviation::PreservationByNlbGroups) {
            return lb.security_group_ids.is_empty()
                && tg.target_type.as_deref().unwrap_or("instance") == "instance";
        }
        Self::preserves(tg)
    }

    fn preserves(tg: &TargetGroup) -> bool {
        let proto = tg.protocol.as_deref().unwrap_or("").to_ascii_uppercase();
        if matches!(proto.as_str(), "UDP" | "TCP_UDP" | "QUIC" | "TCP_QUIC") {
            return true;
        }
        if let Some(v) = target_group_attribute(tg, "preserve_client_ip.enabled") {
            return v.eq_ignore_ascii_case("true");
        }
        match tg.target_type.as_deref() {
            Some("ip") => false,
            // instance (the default target type) and alb
            _ => true,
        }
    }

    fn target_groups_of(&self, l: &Listener) -> Vec<&'s TargetGroup> {
        let mut arns: Vec<&str> = Vec::new();
        let actions = l
            .default_actions
            .iter()
            .chain(l.rules.iter().flatten().flat_map(|r| &r.actions));
        for a in actions {
            if a.action_type.eq_ignore_ascii_case("forward") {
                arns.extend(a.target_group_arns.iter().map(String::as_str));
            }
        }
        self.inv
            .elbv2
            .target_groups
            .iter()
            .filter(|tg| arns.contains(&tg.target_group_arn.as_str()))
            .collect()
    }

    /// Where a target of `tg` delivers for `instance`: the ENI, its address
    /// and the port (more than one only when emulating
    /// [`Deviation::AnyEniForInstanceTargets`]).
    fn target_endpoints(
        &self,
        tg: &TargetGroup,
        t: &Target,
        instance: &str,
    ) -> Vec<(&'s NetworkInterface, IpAddr, u16)> {
        let owner = match tg.target_type.as_deref().unwrap_or("instance") {
            "instance" => t.id == instance,
            "ip" => self.target_endpoint(tg, t, instance).is_some(),
            _ => false,
        };
        if owner
            && self.deviates(Deviation::AnyEniForInstanceTargets)
            && let Some(port) = t.port.or(tg.port)
        {
            return self
                .enis_of(instance)
                .filter_map(|e| Some((e, Self::primary_v4(e)?, port as u16)))
                .collect();
        }
        if tg.target_type.as_deref() == Some("ip")
            && self.deviates(Deviation::IpTargetsByAddress)
            && let (Some(a), Some(port)) = (addr(&t.id), t.port.or(tg.port))
        {
            return self
                .enis_of(instance)
                .filter(|e| {
                    e.private_ip_addresses
                        .iter()
                        .any(|p| addr(&p.private_ip) == Some(a))
                })
                .map(|e| (e, a, port as u16))
                .collect();
        }
        self.target_endpoint(tg, t, instance).into_iter().collect()
    }

    fn target_endpoint(
        &self,
        tg: &TargetGroup,
        t: &Target,
        instance: &str,
    ) -> Option<(&'s NetworkInterface, IpAddr, u16)> {
        let port = t.port.or(tg.port)? as u16;
        match tg.target_type.as_deref().unwrap_or("instance") {
            "instance" => {
                if t.id != instance {
                    return None;
                }
                let eni = self.primary_eni(instance)?;
                Some((eni, Self::primary_v4(eni)?, port))
            }
            "ip" => {
                let by_address = self.deviates(Deviation::IpTargetsByAddress);
                if t.availability_zone.as_deref() == Some("all") && !by_address {
                    return None;
                }
                let a = addr(&t.id)?;
                let vpc = tg.vpc_id.as_deref()?;
                let eni = self.inv.ec2.network_interfaces.iter().find(|e| {
                    (by_address || e.vpc_id.as_deref() == Some(vpc))
                        && (e
                            .private_ip_addresses
                            .iter()
                            .any(|p| addr(&p.private_ip) == Some(a))
                            || e.ipv6_addresses.iter().any(|v| addr(v) == Some(a)))
                })?;
                let owner = eni.attachment.as_ref()?.instance_id.as_deref()?;
                (owner == instance).then_some((eni, a, port))
            }
            _ => None,
        }
    }

    /// How the client reaches a node of `lb`: from the internet (client
    /// address and port) or over PrivateLink.
    fn forward(
        &self,
        lb: &'s LoadBalancer,
        node: &Node<'_>,
        listener: &Listener,
        client: Client,
        cproto: Proto,
        goal: Goal<'_>,
    ) -> Verdict {
        let Goal {
            instance,
            proto,
            port,
        } = goal;
        let mut best = Verdict::No;
        let nlb = Self::is_nlb(lb);
        for tg in self.target_groups_of(listener) {
            let Some(tproto) = self.tg_proto(lb, tg, cproto) else {
                continue;
            };
            if tproto != proto && tg.target_type.as_deref() != Some("alb") {
                continue;
            }
            for t in tg.targets.iter().flatten() {
                if tg.target_type.as_deref() == Some("alb") {
                    if !nlb || tproto != Proto::Tcp {
                        continue;
                    }
                    best = max(best, self.via_alb(lb, node, tg, t, client, goal));
                    continue;
                }
                for (eni, dst, tport) in self.target_endpoints(tg, t, instance) {
                    if tport != port {
                        continue;
                    }
                    let seen = self.seen_by_target(lb, tg, node, client, dst);
                    // Traffic from a node comes from the load balancer's
                    // groups (an NLB's even with client IP preservation).
                    let via_groups: &[CompactString] = &lb.security_group_ids;
                    let ok = seen.iter().any(|(src, sports)| {
                        sports.iter().any(|&sport| {
                            self.to_target(
                                node,
                                &lb.security_group_ids,
                                via_groups,
                                *src,
                                sport,
                                eni,
                                &eni.security_group_ids,
                                dst,
                                tproto,
                                tport,
                            )
                        })
                    });
                    if ok {
                        return Verdict::Yes;
                    }
                }
            }
        }
        best
    }

    /// The sources (address and source ports) a target at `dst` sees for a
    /// connection `node` received from `client`: the client itself when an
    /// NLB preserves it (same family), else the node's private IPv4 with an
    /// ephemeral port.
    fn seen_by_target(
        &self,
        lb: &LoadBalancer,
        tg: &TargetGroup,
        node: &Node<'_>,
        client: Client,
        dst: IpAddr,
    ) -> Vec<(IpAddr, Vec<u16>)> {
        let preserving = Self::is_nlb(lb) && self.preserves_for(lb, tg);
        match client {
            Client::Internet { addr, port } if preserving && addr.is_ipv4() == dst.is_ipv4() => {
                return vec![(addr, vec![port])];
            }
            Client::PrivateLink
                if preserving && self.deviates(Deviation::PreservationOverPrivateLink) =>
            {
                return self
                    .sources(false)
                    .map(|s| (s, self.ephemeral.clone()))
                    .collect();
            }
            _ => {}
        }
        node.senders
            .iter()
            .map(|a| (*a, self.ephemeral.clone()))
            .collect()
    }

    /// An NLB node forwards to an ALB (an `alb` target group): to one of the
    /// ALB's nodes on the group's port, through the ALB's groups, then the
    /// ALB's listener on that port onwards.
    #[allow(clippy::too_many_arguments)]
    fn via_alb(
        &self,
        nlb: &'s LoadBalancer,
        node: &Node<'_>,
        tg: &TargetGroup,
        t: &Target,
        client: Client,
        goal: Goal<'_>,
    ) -> Verdict {
        let Goal {
            instance,
            proto,
            port,
        } = goal;
        let Some(alb) = self.lb(&t.id) else {
            return Verdict::No;
        };
        if self.deviates(Deviation::NoAlbTargets) {
            return Verdict::No;
        }
        if alb.lb_type.as_deref() != Some("application") {
            return Verdict::No;
        }
        let Some(tport) = tg.port.map(|p| p as u16) else {
            return Verdict::No;
        };
        let Some(listener) = alb
            .listeners
            .iter()
            .flatten()
            .find(|l| l.port == Some(tport as i32))
        else {
            return Verdict::No;
        };
        let Some(node_v4) = node.v4 else {
            return Verdict::No;
        };
        let mut best = Verdict::No;
        for anode in self.nodes(alb) {
            let Some(alb_v4) = anode.v4 else { continue };
            // The ALB sees the client's IPv4 from the internet, else the NLB node.
            let (seen, sports): (IpAddr, Vec<u16>) = match client {
                Client::Internet { addr, port } if addr.is_ipv4() => (addr, vec![port]),
                _ => (node_v4, self.ephemeral.clone()),
            };
            let reach = sports.iter().any(|&sp| {
                self.to_target(
                    node,
                    &nlb.security_group_ids,
                    &nlb.security_group_ids,
                    seen,
                    sp,
                    anode.eni,
                    &alb.security_group_ids,
                    alb_v4,
                    Proto::Tcp,
                    tport,
                )
            });
            if !reach {
                continue;
            }
            best = max(
                best,
                self.forward(
                    alb,
                    &anode,
                    listener,
                    Client::PrivateLink,
                    Proto::Tcp,
                    Goal {
                        instance,
                        proto,
                        port,
                    },
                ),
            );
            if best == Verdict::Yes {
                break;
            }
        }
        best
    }

    // ------------------------------------------------------------ entries

    /// Whether the internet reaches `instance` on (`proto`, `port`) through
    /// `entry`.
    pub fn verdict(&self, instance: &str, entry: Entry, proto: Proto, port: u16) -> Verdict {
        if !self.live(instance)
            || (proto == Proto::Udp && self.deviates(Deviation::NoUdpPaths))
            || (entry == Entry::Direct
                && self.deviates(Deviation::StoppedHaveNoPaths)
                && self.instance(instance).and_then(|i| i.state.as_deref()) == Some("stopped"))
        {
            return Verdict::No;
        }
        match entry {
            Entry::Direct => self.direct(instance, proto, port),
            Entry::LoadBalancer => self.through_lbs(instance, proto, port),
            Entry::Gateway => self.through_apis(instance, proto, port),
            Entry::CloudFront => {
                if self
                    .cloudfront
                    .is_none_or(|c| c.distributions.iter().all(|d| !d.enabled))
                {
                    return Verdict::No;
                }
                Oracle {
                    sender: Sender::CloudFront,
                    ..self.clone()
                }
                .through_cloudfront(instance, proto, port)
            }
        }
    }

    fn sources(&self, v6: bool) -> impl Iterator<Item = IpAddr> + '_ {
        self.sources
            .iter()
            .copied()
            .filter(move |a| a.is_ipv6() == v6)
    }

    fn direct(&self, instance: &str, proto: Proto, port: u16) -> Verdict {
        let mut best = Verdict::No;
        for eni in self.enis_of(instance) {
            // (private destination, family) for every public address.
            let mut dsts: Vec<IpAddr> = eni
                .private_ip_addresses
                .iter()
                .filter(|p| p.public_ip.is_some())
                .filter_map(|p| addr(&p.private_ip))
                .collect();
            dsts.extend(
                eni.ipv6_addresses
                    .iter()
                    .filter_map(|a| addr(a))
                    .filter(|a| is_public(*a)),
            );
            for dst in dsts {
                for client in self.sources(dst.is_ipv6()) {
                    for &cport in &self.ephemeral {
                        let v = self.internet_to(
                            eni,
                            false,
                            dst,
                            Some(&eni.security_group_ids),
                            client,
                            cport,
                            proto,
                            port,
                        );
                        best = max(best, v);
                        if best == Verdict::Yes {
                            return best;
                        }
                    }
                }
            }
        }
        best
    }

    fn through_lbs(&self, instance: &str, proto: Proto, port: u16) -> Verdict {
        let mut best = Verdict::No;
        for lb in &self.inv.elbv2.load_balancers {
            best = max(
                best,
                self.through_lb(
                    lb,
                    None,
                    Goal {
                        instance,
                        proto,
                        port,
                    },
                ),
            );
            if best == Verdict::Yes {
                return best;
            }
        }
        best
    }

    /// The sender reaches `lb` (on listener port `only`, if given) from the
    /// internet and the load balancer forwards towards the goal. CloudFront
    /// connects over TCP (HTTP or HTTPS) and IPv4 only.
    fn through_lb(&self, lb: &'s LoadBalancer, only: Option<u16>, goal: Goal<'_>) -> Verdict {
        if lb.scheme.as_deref() != Some("internet-facing") {
            return Verdict::No;
        }
        let cloudfront = self.sender == Sender::CloudFront;
        let groups: Option<&[CompactString]> =
            if Self::is_nlb(lb) && lb.security_group_ids.is_empty() {
                None
            } else {
                Some(&lb.security_group_ids)
            };
        let mut best = Verdict::No;
        for node in self.nodes(lb) {
            for listener in lb.listeners.iter().flatten() {
                let Some(lport) = listener.port.map(|p| p as u16) else {
                    continue;
                };
                if only.is_some_and(|p| p != lport) {
                    continue;
                }
                for cproto in self.listener_protos(listener) {
                    if cloudfront
                        && cproto != Proto::Tcp
                        && !self.deviates(Deviation::CloudFrontOverUdp)
                    {
                        continue;
                    }
                    let dsts = if cloudfront && !self.deviates(Deviation::CloudFrontOverIpv6) {
                        [node.v4, None]
                    } else {
                        [node.v4, node.v6]
                    };
                    for dst in dsts.into_iter().flatten() {
                        // CloudFront fetches from its own addresses only.
                        for client in self
                            .sources(dst.is_ipv6())
                            .filter(|c| !cloudfront || self.is_cloudfront(*c))
                        {
                            for &cport in &self.ephemeral {
                                let entry = self.internet_to(
                                    node.eni, true, dst, groups, client, cport, cproto, lport,
                                );
                                if entry == Verdict::No {
                                    continue;
                                }
                                // The node that received the connection
                                // forwards it.
                                let forwarders = if self.deviates(Deviation::UncorrelatedNodes) {
                                    self.nodes(lb)
                                } else {
                                    vec![node.clone()]
                                };
                                let onward = forwarders
                                    .iter()
                                    .map(|f| {
                                        self.forward(
                                            lb,
                                            f,
                                            listener,
                                            Client::Internet {
                                                addr: client,
                                                port: cport,
                                            },
                                            cproto,
                                            goal,
                                        )
                                    })
                                    .max()
                                    .unwrap_or(Verdict::No);
                                best = max(best, min(entry, onward));
                                if best == Verdict::Yes {
                                    return best;
                                }
                            }
                        }
                    }
                }
            }
        }
        best
    }

    /// CloudFront (this oracle's sender) fetching from every origin of an
    /// enabled distribution that a cache behaviour targets and that is an
    /// internet-facing load balancer, on the ports its protocol policy names.
    fn through_cloudfront(&self, instance: &str, proto: Proto, port: u16) -> Verdict {
        // CloudFront speaks HTTP or HTTPS to its origins: TCP.
        if proto != Proto::Tcp && !self.deviates(Deviation::CloudFrontOverUdp) {
            return Verdict::No;
        }
        let mut best = Verdict::No;
        let distributions = self.cloudfront.iter().flat_map(|c| &c.distributions);
        for d in distributions.filter(|d| d.enabled) {
            for o in targeted_origins(d) {
                if o.s3 || o.vpc_origin_id.is_some() {
                    continue;
                }
                let Some(c) = &o.custom else { continue };
                let Some(lb) = self.lb_named(&o.domain_name) else {
                    continue;
                };
                for p in origin_ports(c) {
                    best = max(
                        best,
                        self.through_lb(
                            lb,
                            Some(p),
                            Goal {
                                instance,
                                proto,
                                port,
                            },
                        ),
                    );
                    if best == Verdict::Yes {
                        return best;
                    }
                }
            }
        }
        best
    }

    /// The load balancer a host name designates: its DNS name, in any case,
    /// with or without the `dualstack.` prefix.
    fn lb_named(&self, host: &str) -> Option<&'s LoadBalancer> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let bare = host.strip_prefix("dualstack.").unwrap_or(&host);
        self.inv.elbv2.load_balancers.iter().find(|l| {
            l.dns_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(bare))
        })
    }

    fn through_apis(&self, instance: &str, proto: Proto, port: u16) -> Verdict {
        if proto != Proto::Tcp {
            return Verdict::No;
        }
        let mut best = Verdict::No;
        for api in &self.inv.apigateway.rest_apis {
            if api.disable_execute_api_endpoint
                || api.endpoint_types.iter().any(|t| t == "PRIVATE")
                || api.stages.as_ref().is_none_or(|s| s.is_empty())
            {
                continue;
            }
            let methods = api.resources.iter().flatten().flat_map(|r| &r.methods);
            for m in methods {
                let Some(i) = &m.integration else { continue };
                if i.connection_type.as_deref() != Some("VPC_LINK") {
                    continue;
                }
                let Some(link) = i
                    .connection_id
                    .as_deref()
                    .and_then(|id| self.inv.apigateway.vpc_links.iter().find(|l| l.id == id))
                else {
                    continue;
                };
                let Some(lport) = i.uri.as_deref().and_then(uri_port) else {
                    continue;
                };
                for lb in link.target_arns.iter().filter_map(|a| self.lb(a)) {
                    if !Self::is_nlb(lb) {
                        continue;
                    }
                    for listener in lb.listeners.iter().flatten() {
                        if listener.port != Some(lport as i32)
                            || !self.listener_protos(listener).contains(&Proto::Tcp)
                        {
                            continue;
                        }
                        for node in self.nodes(lb) {
                            best = max(
                                best,
                                self.forward(
                                    lb,
                                    &node,
                                    listener,
                                    Client::PrivateLink,
                                    Proto::Tcp,
                                    Goal {
                                        instance,
                                        proto,
                                        port,
                                    },
                                ),
                            );
                            if best == Verdict::Yes {
                                return best;
                            }
                        }
                    }
                }
            }
        }
        best
    }
}

/// The question: reaching `instance` on (`proto`, `port`).
#[derive(Clone, Copy, Debug)]
struct Goal<'a> {
    instance: &'a str,
    proto: Proto,
    port: u16,
}

/// Who the load balancer node received the connection from.
#[derive(Clone, Copy, Debug)]
enum Client {
    Internet {
        addr: IpAddr,
        port: u16,
    },
    /// Over PrivateLink (API Gateway's VPC link): the source is not a
    /// client address and client IP preservation does not apply.
    PrivateLink,
}

/// The origins some cache behaviour of `d` sends requests to: the default
/// behaviour's and the others' targets, an origin group standing for its
/// members.
fn targeted_origins(d: &Distribution) -> Vec<&CfOrigin> {
    let mut ids: Vec<&str> = Vec::new();
    for b in std::iter::once(&d.default_behavior).chain(&d.behaviors) {
        match d.origin_groups.iter().find(|g| g.id == b.target_origin_id) {
            Some(g) => ids.extend(g.members.iter().map(String::as_str)),
            None => ids.push(&b.target_origin_id),
        }
    }
    d.origins
        .iter()
        .filter(|o| ids.contains(&o.id.as_str()))
        .collect()
}

/// The ports CloudFront connects to on a custom origin: `http-only` the
/// HTTP port, `https-only` the HTTPS port, `match-viewer` (or a policy not
/// known) both.
fn origin_ports(c: &CfCustomOrigin) -> Vec<u16> {
    let http = u16::try_from(c.http_port).ok();
    let https = u16::try_from(c.https_port).ok();
    let ports = match c.protocol_policy.as_deref() {
        Some("http-only") => vec![http],
        Some("https-only") => vec![https],
        _ => vec![http, https],
    };
    ports.into_iter().flatten().collect()
}

/// The port of an integration URI (`http://host:8080/x`), or the scheme's.
fn uri_port(uri: &str) -> Option<u16> {
    let (scheme, rest) = uri.split_once("://")?;
    let host = rest.split('/').next()?;
    match host.rsplit_once(':') {
        Some((_, p)) => p.parse().ok(),
        None => match scheme {
            "http" => Some(80),
            "https" => Some(443),
            _ => None,
        },
    }
}

/// A target group attribute, as collected (`None` when the group does not
/// set it: AWS's default applies).
fn target_group_attribute<'a>(tg: &'a TargetGroup, key: &str) -> Option<&'a str> {
    tg.attributes.as_ref()?.get(key).map(String::as_str)
}
