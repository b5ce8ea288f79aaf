//! Random small topologies for the oracle test: a compact generated
//! description (`Topo`, indices resolved modulo the list they pick from, so
//! proptest shrinks them towards the first element), the snapshot it stands
//! for (`build`), and a readable rendering of that snapshot (`Debug`).
//!
//! Address plan: VPC k is `10.k.0.0/16` (or `10.0.0.0/16` again when it
//! overlaps VPC 1) and `2600:1f18:0:k00::/56`; its m-th subnet is
//! `10.k.m.0/24` and `2600:1f18:0:k0m::/64`; instance ENIs take host numbers
//! from .10 up, load balancer nodes .200 + the load balancer's number,
//! appliance ENIs .250. Public IPv4s are `198.51.100.x` (instances) and
//! `203.0.113.x` (load balancer nodes). Every subnet is in `us-east-1a`.
//! Load balancer `alb-N`/`nlb-N` (N its place in `Topo::lbs`, from 1) has
//! the DNS name `alb-N-1.elb.us-east-1.amazonaws.com`, distinct for each.

use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;
use rampart_model::*;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";
const AZ: &str = "us-east-1a";

/// Which not-yet-implemented features the generator may use (one switch
/// per item of issue 13).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Switches {
    /// Item 1: NLB target groups of type `alb`.
    pub alb_targets: bool,
    /// Item 2: UDP and TCP_UDP listeners and target groups, and UDP paths.
    pub udp: bool,
    /// Item 3: explicit `preserve_client_ip.enabled` (needs the model field).
    pub preservation_attribute: bool,
    /// Item 4: overlapping VPC CIDRs, `ip` targets named by an address of
    /// another VPC (`AvailabilityZone=all` when outside the group's VPC).
    pub overlapping_ip_targets: bool,
    /// Item 6: dual-stack load balancers (needs `ipv6`).
    pub dual_stack: bool,
    /// Item 7: edge associations, GWLB endpoints and appliance ENIs.
    pub inspection: bool,
    /// Item 8: stopped instances.
    pub stopped: bool,
    /// Item 9: IPv6 (VPC and subnet blocks, ENI addresses, v6 rules and routes).
    pub ipv6: bool,
    /// Issue 16: CloudFront's AWS-owned origin-facing prefix list (named by
    /// rules and routes) and a distribution whose origin is a load balancer.
    pub cloudfront: bool,
}

impl Switches {
    pub const ALL: Switches = Switches {
        alb_targets: true,
        udp: true,
        preservation_attribute: true,
        overlapping_ip_targets: true,
        dual_stack: true,
        inspection: true,
        stopped: true,
        ipv6: true,
        cloudfront: true,
    };
}

// ---------------------------------------------------------------- pools

/// IPv4 CIDRs for security group and NACL rules and prefix lists.
pub const V4: &[&str] = &[
    "0.0.0.0/0",
    "198.51.100.0/24",
    "10.0.0.0/16",
    "10.0.1.0/24",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "203.0.113.0/25",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "11.0.0.0/8",
    "10.1.0.0/16",
    "10.0.0.128/25",
    "52.216.0.0/15",
    "172.16.0.0/12",
    "198.51.100.10/32",
    "10.0.0.0/24",
];
/// IPv6 CIDRs for rules.
pub const V6: &[&str] = &[
    "::/0",
    "2000::/3",
    "2001:db8::/32",
    "2600:1f18::/32",
    "fc00::/7",
    "::/1",
    "2600:1f18:0:100::/56",
];
/// IPv4 route destinations (outside every VPC).
pub const ROUTE_V4: &[&str] = &[
    "0.0.0.0/0",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "198.51.100.0/24",
    "52.216.0.0/15",
    "11.0.0.0/8",
];
pub const ROUTE_V6: &[&str] = &["::/0", "2000::/3", "2001:db8::/32"];
/// Port ranges of rules.
pub const PORTS: &[(i32, i32)] = &[
    (0, 65535),
    (80, 80),
    (443, 443),
    (22, 22),
    (8080, 8080),
    (1024, 65535),
    (0, 1023),
    (80, 443),
    (8000, 9000),
    (32768, 65535),
    (53, 53),
    (1, 79),
];
pub const LISTENER_PORTS: &[i32] = &[80, 443, 8080, 53];
pub const TG_PORTS: &[i32] = &[80, 8080, 443, 53, 9000];
pub const OVERRIDE_PORTS: &[i32] = &[8081, 22, 9000];
const RULE_NUMBERS: &[i32] = &[50, 100, 110, 120, 200];
pub const ALB_PROTOCOLS: &[&str] = &["HTTP", "HTTPS"];
pub const NLB_PROTOCOLS: &[&str] = &["TCP", "TLS", "UDP", "TCP_UDP"];
/// Entries of CloudFront's origin-facing list (some of its real ranges,
/// none inside another pool's CIDR).
pub const CF_RANGES: &[&str] = &["130.176.0.0/18", "15.158.0.0/16", "64.252.64.0/18"];
/// The ports a CloudFront origin may name besides its load balancer's
/// listener ports: the generator's listener ports, and one no listener has.
pub const CF_PORTS: &[i32] = &[80, 443, 8080, 53, 8443];
pub const CF_POLICIES: &[&str] = &["http-only", "https-only", "match-viewer"];
/// The name of CloudFront's IPv4 origin-facing prefix list.
pub const CF_LIST_NAME: &str = "com.amazonaws.global.cloudfront.origin-facing";

// ---------------------------------------------------------------- the description

#[derive(Clone)]
pub struct Topo {
    pub vpcs: Vec<VpcG>,
    pub subnets: Vec<SubnetG>,
    /// Route tables besides each VPC's main table.
    pub tables: Vec<TableG>,
    /// Custom NACLs (each VPC also has its default, allowing everything).
    pub nacls: Vec<NaclG>,
    pub groups: Vec<SgG>,
    pub instances: Vec<InstanceG>,
    pub lbs: Vec<LbG>,
    pub api: Option<ApiG>,
    /// Entries (indices into `V4`) of the customer prefix list `pl-cust`
    /// (absent when empty).
    pub prefix_list: Vec<u8>,
    /// CloudFront (switch `cloudfront`): `None` leaves it out entirely.
    pub cloudfront: Option<CloudFrontG>,
}

/// CloudFront in the account: AWS's IPv4 origin-facing list `pl-cf`, and
/// perhaps a distribution.
#[derive(Clone, Debug)]
pub struct CloudFrontG {
    /// `pl-cf`'s entries (indices into `CF_RANGES`); `None`: not collected.
    pub entries: Option<Vec<u8>>,
    /// The customer list `pl-cust` (when there is one) carries CloudFront's
    /// list's name: it is still the customer's addresses.
    pub customer_named: bool,
    pub distribution: Option<DistG>,
}

/// A port of a CloudFront origin.
#[derive(Clone, Copy, Debug)]
pub enum PortG {
    /// The n-th listener port of the origin's load balancer (`CF_PORTS`'s
    /// n-th when it has none).
    Listener(u8),
    /// `CF_PORTS`'s n-th.
    Fixed(u8),
}

/// A distribution `E1` with one custom origin `o1` at a load balancer.
#[derive(Clone, Copy, Debug)]
pub struct DistG {
    pub enabled: bool,
    /// The load balancer the origin names: among the internet-facing ones
    /// (when there are some) unless `lb % 4 == 3`, then among all.
    pub lb: u8,
    /// Index into `CF_POLICIES`.
    pub policy: u8,
    pub http_port: PortG,
    pub https_port: PortG,
    /// How the origin names the load balancer: 0 its DNS name, 1 with the
    /// `dualstack.` prefix, 2 in upper case.
    pub host: u8,
    /// How a behaviour reaches `o1`: 0 the default behaviour; 1 the default
    /// behaviour through an origin group; 2 a path behaviour (the default
    /// one goes to an S3 origin).
    pub via: u8,
    /// A second custom origin `o2` at this load balancer that no behaviour
    /// targets.
    pub untargeted: Option<u8>,
}

#[derive(Clone, Debug)]
pub struct VpcG {
    /// VPCs after the first reuse the first one's IPv4 CIDR.
    pub overlap: bool,
    pub ipv6: bool,
    pub igw: bool,
    pub eigw: bool,
    pub nat: bool,
    /// `0.0.0.0/0` (and `::/0`) to the internet gateway on the main table,
    /// after `main_routes` (which may take those destinations first).
    pub default_route: bool,
    pub main_routes: Vec<RouteG>,
    /// An edge-associated route table on the internet gateway: (subnet,
    /// target) routes for subnets of this VPC.
    pub edge: Option<Vec<(u8, EdgeTarget)>>,
}

#[derive(Clone, Copy, Debug)]
pub enum EdgeTarget {
    Local,
    Gwlbe,
    Appliance,
}

#[derive(Clone, Debug)]
pub struct SubnetG {
    pub vpc: u8,
    pub ipv6: bool,
    /// The n-th extra table of its VPC (explicit association), else main.
    pub table: Option<u8>,
    /// The n-th custom NACL of its VPC, else the default NACL.
    pub nacl: Option<u8>,
}

#[derive(Clone, Debug)]
pub struct TableG {
    pub vpc: u8,
    /// As [`VpcG::default_route`].
    pub default_route: bool,
    pub routes: Vec<RouteG>,
}

#[derive(Clone, Copy, Debug)]
pub struct RouteG {
    pub dest: Dest,
    pub target: Hop,
    pub blackhole: bool,
}

#[derive(Clone, Copy, Debug)]
pub enum Dest {
    V4(u8),
    V6(u8),
    /// The AWS-managed S3 prefix list (always to the S3 gateway endpoint).
    S3,
    /// The customer prefix list.
    Custom,
    /// CloudFront's origin-facing list.
    CloudFront,
}

#[derive(Clone, Copy, Debug)]
pub enum Hop {
    Igw,
    Nat,
    Eigw,
    Peering,
    Gwlbe,
    Appliance,
}

#[derive(Clone, Debug)]
pub struct NaclG {
    pub vpc: u8,
    pub entries: Vec<NaclEntryG>,
    /// Rule 200 allowing everything, both ways and families, after `entries`.
    pub open: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct NaclEntryG {
    pub egress: bool,
    pub number: u8,
    /// 0: all, 1: tcp, 2: udp.
    pub protocol: u8,
    pub allow: bool,
    pub v6: bool,
    pub cidr: u8,
    pub ports: u8,
}

#[derive(Clone, Debug)]
pub struct SgG {
    pub vpc: u8,
    pub ingress: Vec<SgRuleG>,
    /// `None`: the default allow-all egress.
    pub egress: Option<Vec<SgRuleG>>,
}

#[derive(Clone, Copy, Debug)]
pub struct SgRuleG {
    /// 0: all, 1: tcp, 2: udp, 3: icmp.
    pub protocol: u8,
    pub ports: u8,
    pub peer: PeerG,
}

#[derive(Clone, Copy, Debug)]
pub enum PeerG {
    V4(u8),
    V6(u8),
    PrefixList,
    /// A group of the same VPC.
    Group(u8),
    /// CloudFront's origin-facing list (else, without it, the S3 list).
    CloudFront,
}

#[derive(Clone, Debug)]
pub struct InstanceG {
    /// 0: running, 1: stopped, 2: terminated.
    pub state: u8,
    pub enis: Vec<EniG>,
}

#[derive(Clone, Debug)]
pub struct EniG {
    /// The first ENI: any subnet; the others: a subnet of the same VPC.
    pub subnet: u8,
    pub groups: Vec<u8>,
    pub public_v4: bool,
    pub secondary: bool,
    pub ipv6: bool,
}

#[derive(Clone, Debug)]
pub struct LbG {
    pub nlb: bool,
    pub internet_facing: bool,
    pub vpc: u8,
    pub subnets: Vec<u8>,
    pub groups: Vec<u8>,
    /// An NLB without security groups (ALBs always have some).
    pub no_groups: bool,
    pub dualstack: bool,
    pub listeners: Vec<ListenerG>,
    pub tgs: Vec<TgG>,
}

#[derive(Clone, Debug)]
pub struct ListenerG {
    pub port: u8,
    pub protocol: u8,
    /// `None`: a fixed response.
    pub default_tg: Option<u8>,
    /// An ALB rule forwarding to another group.
    pub rule_tg: Option<u8>,
}

#[derive(Clone, Debug)]
pub struct TgG {
    /// 0: instance, 1: ip, 2: lambda, 3: alb.
    pub kind: u8,
    /// NLB: 0 TCP, 1 TLS, 2 TCP_UDP (when its listeners allow); ALB: HTTP/HTTPS.
    pub protocol: u8,
    pub port: u8,
    /// `preserve_client_ip.enabled`, when the generator sets it.
    pub preserve: Option<bool>,
    pub targets: Vec<TargetG>,
}

#[derive(Clone, Copy, Debug)]
pub struct TargetG {
    pub pick: u8,
    pub port: Option<u8>,
    /// An `ip` target may name an address of another VPC.
    pub other_vpcs: bool,
}

/// A REST API whose integration reaches the `lb`-th NLB through a VPC
/// link, on the port of its `port`-th listener (or, past the last, port
/// 9999 where no listener is).
#[derive(Clone, Copy, Debug)]
pub struct ApiG {
    pub lb: u8,
    pub port: u8,
}

fn pick<T>(v: &[T], i: u8) -> Option<&T> {
    if v.is_empty() {
        None
    } else {
        v.get(i as usize % v.len())
    }
}

// ---------------------------------------------------------------- strategies

fn flag(on: bool) -> BoxedStrategy<bool> {
    if on {
        any::<bool>().boxed()
    } else {
        Just(false).boxed()
    }
}

/// One of the enabled alternatives, by weight. (A `prop_oneof!` weight of
/// 0 is not enough: shrinking moves to earlier alternatives whatever
/// their weight.)
fn one_of<T: fmt::Debug + 'static>(
    options: Vec<(bool, u32, BoxedStrategy<T>)>,
) -> BoxedStrategy<T> {
    let enabled: Vec<(u32, BoxedStrategy<T>)> = options
        .into_iter()
        .filter(|(on, _, _)| *on)
        .map(|(_, w, s)| (w, s))
        .collect();
    prop::strategy::Union::new_weighted(enabled).boxed()
}

fn route(sw: Switches) -> impl Strategy<Value = RouteG> {
    let dest = one_of(vec![
        (
            true,
            4,
            (0..ROUTE_V4.len() as u8).prop_map(Dest::V4).boxed(),
        ),
        (
            sw.ipv6,
            1,
            (0..ROUTE_V6.len() as u8).prop_map(Dest::V6).boxed(),
        ),
        (true, 1, Just(Dest::S3).boxed()),
        (true, 1, Just(Dest::Custom).boxed()),
        (sw.cloudfront, 1, Just(Dest::CloudFront).boxed()),
    ]);
    let hop = one_of(vec![
        (true, 6, Just(Hop::Igw).boxed()),
        (true, 2, Just(Hop::Nat).boxed()),
        (sw.ipv6, 1, Just(Hop::Eigw).boxed()),
        (true, 1, Just(Hop::Peering).boxed()),
        (sw.inspection, 2, Just(Hop::Gwlbe).boxed()),
        (sw.inspection, 1, Just(Hop::Appliance).boxed()),
    ]);
    (dest, hop, prop::bool::weighted(0.1)).prop_map(|(dest, target, blackhole)| RouteG {
        dest,
        target,
        blackhole,
    })
}

fn vpc(sw: Switches) -> impl Strategy<Value = VpcG> {
    let edge = if sw.inspection {
        prop::option::of(prop::collection::vec(
            (
                any::<u8>(),
                prop_oneof![
                    Just(EdgeTarget::Local),
                    Just(EdgeTarget::Gwlbe),
                    Just(EdgeTarget::Appliance)
                ],
            ),
            1..3,
        ))
        .boxed()
    } else {
        Just(None).boxed()
    };
    (
        flag(sw.overlapping_ip_targets),
        flag(sw.ipv6),
        prop::bool::weighted(0.85),
        flag(sw.ipv6),
        any::<bool>(),
        prop::bool::weighted(0.75),
        prop::collection::vec(route(sw), 0..3),
        edge,
    )
        .prop_map(
            |(overlap, ipv6, igw, eigw, nat, default_route, main_routes, edge)| VpcG {
                overlap,
                ipv6,
                igw,
                eigw,
                nat,
                default_route,
                main_routes,
                edge,
            },
        )
}

fn nacl_entry(sw: Switches) -> impl Strategy<Value = NaclEntryG> {
    (
        any::<bool>(),
        0..RULE_NUMBERS.len() as u8,
        0..3u8,
        prop::bool::weighted(0.7),
        flag(sw.ipv6),
        0..V4.len() as u8,
        0..PORTS.len() as u8,
    )
        .prop_map(
            |(egress, number, protocol, allow, v6, cidr, ports)| NaclEntryG {
                egress,
                number,
                protocol,
                allow,
                v6,
                cidr,
                ports,
            },
        )
}

fn sg_rule(sw: Switches) -> impl Strategy<Value = SgRuleG> {
    let peer = one_of(vec![
        (true, 3, Just(PeerG::V4(0)).boxed()),
        (true, 4, (0..V4.len() as u8).prop_map(PeerG::V4).boxed()),
        (sw.ipv6, 2, (0..V6.len() as u8).prop_map(PeerG::V6).boxed()),
        (true, 1, Just(PeerG::PrefixList).boxed()),
        (true, 2, any::<u8>().prop_map(PeerG::Group).boxed()),
        (sw.cloudfront, 3, Just(PeerG::CloudFront).boxed()),
    ]);
    (
        prop_oneof![2 => Just(0u8), 5 => Just(1u8), 2 => Just(2u8), 1 => Just(3u8)],
        prop_oneof![2 => Just(0u8), 3 => 0..PORTS.len() as u8],
        peer,
    )
        .prop_map(|(protocol, ports, peer)| SgRuleG {
            protocol,
            ports,
            peer,
        })
}

fn instance(sw: Switches) -> impl Strategy<Value = InstanceG> {
    let state = if sw.stopped {
        prop_oneof![6 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)].boxed()
    } else {
        prop_oneof![8 => Just(0u8), 1 => Just(2u8)].boxed()
    };
    let eni = (
        any::<u8>(),
        prop::collection::vec(any::<u8>(), 1..3),
        prop::bool::weighted(0.6),
        prop::bool::weighted(0.2),
        flag(sw.ipv6),
    )
        .prop_map(|(subnet, groups, public_v4, secondary, ipv6)| EniG {
            subnet,
            groups,
            public_v4,
            secondary,
            ipv6,
        });
    (state, prop::collection::vec(eni, 1..3)).prop_map(|(state, enis)| InstanceG { state, enis })
}

fn tg(sw: Switches) -> impl Strategy<Value = TgG> {
    let kind = one_of(vec![
        (true, 5, Just(0u8).boxed()),
        (true, 3, Just(1u8).boxed()),
        (true, 1, Just(2u8).boxed()),
        (sw.alb_targets, 4, Just(3u8).boxed()),
    ]);
    let preserve = if sw.preservation_attribute {
        prop::option::of(any::<bool>()).boxed()
    } else {
        Just(None).boxed()
    };
    let target = (
        any::<u8>(),
        prop::option::weighted(0.2, 0..OVERRIDE_PORTS.len() as u8),
        flag(sw.overlapping_ip_targets),
    )
        .prop_map(|(pick, port, other_vpcs)| TargetG {
            pick,
            port,
            other_vpcs,
        });
    (
        kind,
        0..(if sw.udp { 3u8 } else { 2u8 }),
        0..TG_PORTS.len() as u8,
        preserve,
        prop::collection::vec(target, 1..3),
    )
        .prop_map(|(kind, protocol, port, preserve, targets)| TgG {
            kind,
            protocol,
            port,
            preserve,
            targets,
        })
}

fn lb(sw: Switches) -> impl Strategy<Value = LbG> {
    let listener = (
        0..LISTENER_PORTS.len() as u8,
        0..(if sw.udp { 4u8 } else { 2u8 }),
        prop::option::weighted(0.9, any::<u8>()),
        prop::option::weighted(0.3, any::<u8>()),
    )
        .prop_map(|(port, protocol, default_tg, rule_tg)| ListenerG {
            port,
            protocol,
            default_tg,
            rule_tg,
        });
    (
        any::<bool>(),
        prop::bool::weighted(0.8),
        // Mostly the first VPC, so that load balancers meet (`alb` targets).
        prop_oneof![3 => Just(0u8), 1 => any::<u8>()],
        prop::collection::vec(any::<u8>(), 1..3),
        prop::collection::vec(any::<u8>(), 1..3),
        prop::bool::weighted(0.4),
        flag(sw.dual_stack),
        prop::collection::vec(listener, 1..3),
        prop::collection::vec(tg(sw), 1..3),
    )
        .prop_map(
            |(nlb, internet_facing, vpc, subnets, groups, no_groups, dualstack, listeners, tgs)| {
                LbG {
                    nlb,
                    internet_facing,
                    vpc,
                    subnets,
                    groups,
                    no_groups,
                    dualstack,
                    listeners,
                    tgs,
                }
            },
        )
}

pub fn topo(sw: Switches) -> impl Strategy<Value = Topo> {
    let subnet = (
        any::<u8>(),
        flag(sw.ipv6),
        prop::option::of(any::<u8>()),
        prop::option::of(any::<u8>()),
    )
        .prop_map(|(vpc, ipv6, table, nacl)| SubnetG {
            vpc,
            ipv6,
            table,
            nacl,
        });
    let table = (
        any::<u8>(),
        prop::bool::weighted(0.6),
        prop::collection::vec(route(sw), 0..3),
    )
        .prop_map(|(vpc, default_route, routes)| TableG {
            vpc,
            default_route,
            routes,
        });
    let nacl = (
        any::<u8>(),
        prop::collection::vec(nacl_entry(sw), 0..5),
        prop::bool::weighted(0.7),
    )
        .prop_map(|(vpc, entries, open)| NaclG { vpc, entries, open });
    let group = (
        any::<u8>(),
        prop::collection::vec(sg_rule(sw), 1..4),
        prop::option::weighted(0.3, prop::collection::vec(sg_rule(sw), 0..3)),
    )
        .prop_map(|(vpc, ingress, egress)| SgG {
            vpc,
            ingress,
            egress,
        });
    let api = prop::option::weighted(0.5, (any::<u8>(), any::<u8>()))
        .prop_map(|o| o.map(|(lb, port)| ApiG { lb, port }));
    let cloudfront = if sw.cloudfront {
        prop::option::weighted(0.8, cloudfront()).boxed()
    } else {
        Just(None).boxed()
    };
    (
        prop::collection::vec(vpc(sw), 1..3),
        prop::collection::vec(subnet, 1..5),
        prop::collection::vec(table, 0..3),
        prop::collection::vec(nacl, 0..3),
        prop::collection::vec(group, 1..5),
        prop::collection::vec(instance(sw), 1..5),
        prop::collection::vec(lb(sw), if sw.alb_targets { 1..4 } else { 0..3 }),
        api,
        prop::collection::vec(0..V4.len() as u8, 0..3),
        cloudfront,
    )
        .prop_map(
            |(
                vpcs,
                subnets,
                tables,
                nacls,
                groups,
                instances,
                lbs,
                api,
                prefix_list,
                cloudfront,
            )| {
                Topo {
                    vpcs,
                    subnets,
                    tables,
                    nacls,
                    groups,
                    instances,
                    lbs,
                    api,
                    prefix_list,
                    cloudfront,
                }
            },
        )
}

fn cf_port() -> impl Strategy<Value = PortG> {
    prop_oneof![
        4 => any::<u8>().prop_map(PortG::Listener),
        1 => (0..CF_PORTS.len() as u8).prop_map(PortG::Fixed),
    ]
}

fn cloudfront() -> impl Strategy<Value = CloudFrontG> {
    let dist = (
        prop::bool::weighted(0.9),
        any::<u8>(),
        0..CF_POLICIES.len() as u8,
        cf_port(),
        cf_port(),
        0..3u8,
        0..3u8,
        prop::option::weighted(0.2, any::<u8>()),
    )
        .prop_map(
            |(enabled, lb, policy, http_port, https_port, host, via, untargeted)| DistG {
                enabled,
                lb,
                policy,
                http_port,
                https_port,
                host,
                via,
                untargeted,
            },
        );
    (
        prop::option::weighted(0.6, prop::collection::vec(0..CF_RANGES.len() as u8, 1..3)),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.8, dist),
    )
        .prop_map(|(entries, customer_named, distribution)| CloudFrontG {
            entries,
            customer_named,
            distribution,
        })
}

// ---------------------------------------------------------------- the snapshot

pub fn empty_snapshot() -> Snapshot {
    Snapshot {
        cloudfront: None,
        shield: None,
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "rampart".into(),
            version: TOOL_VERSION.into(),
        },
        collected_at: rampart_model::time::OffsetDateTime::UNIX_EPOCH,
        scan_duration_ms: 0,
        account_id: ACCOUNT.into(),
        partition: "aws".into(),
        caller_arn: format!("arn:aws:iam::{ACCOUNT}:user/oracle"),
        credential_source: None,
        api_calls: BTreeMap::new(),
        collection_errors: vec![],
        iam: IamInventory::default(),
        regions: BTreeMap::from([(REGION.to_string(), RegionInventory::default())]),
    }
}

/// A VPC's resolved facts, for the later resources.
struct VpcFacts {
    id: String,
    second_octet: u8,
    v6: Option<u16>,
    igw: Option<String>,
    eigw: Option<String>,
    nat: Option<String>,
    s3: String,
    gwlbe: Option<String>,
    appliance: Option<String>,
    subnets: Vec<usize>,
    groups: Vec<String>,
    default_group: String,
    custom_nacls: Vec<String>,
    extra_tables: Vec<String>,
}

struct SubnetFacts {
    id: String,
    vpc: usize,
    v4: Ipv4Addr,
    v6: Option<Ipv6Addr>,
    next_host: u8,
}

fn host4(base: Ipv4Addr, host: u8) -> String {
    let o = base.octets();
    Ipv4Addr::new(o[0], o[1], o[2], host).to_string()
}

fn host6(base: Ipv6Addr, host: u8) -> String {
    let mut s = base.segments();
    s[7] = host as u16;
    Ipv6Addr::from(s).to_string()
}

fn v6_block(vpc: u16, subnet: Option<u16>) -> Ipv6Addr {
    Ipv6Addr::new(
        0x2600,
        0x1f18,
        0,
        (vpc << 8) | subnet.unwrap_or(0),
        0,
        0,
        0,
        0,
    )
}

fn eni(id: &str, subnet: &SubnetFacts, vpc: &str) -> NetworkInterface {
    NetworkInterface {
        network_interface_id: id.into(),
        subnet_id: Some(subnet.id.clone().into()),
        vpc_id: Some(vpc.into()),
        availability_zone: Some(AZ.into()),
        interface_type: Some("interface".into()),
        description: None,
        status: Some("in-use".into()),
        requester_managed: false,
        private_ip_addresses: vec![],
        ipv6_addresses: vec![],
        security_group_ids: vec![],
        attachment: None,
        tags: Tags::new(),
    }
}

fn ip(private: String, primary: bool, public: Option<String>) -> EniPrivateIp {
    EniPrivateIp {
        private_ip: private.into(),
        primary,
        public_ip_owner: public.as_ref().map(|_| "amazon".into()),
        public_ip: public.map(Into::into),
    }
}

fn allow_all(egress: bool, number: i32, v6: bool) -> NaclEntry {
    NaclEntry {
        egress,
        rule_number: number,
        protocol: "-1".into(),
        rule_action: "allow".into(),
        cidr_block: (!v6).then(|| "0.0.0.0/0".into()),
        ipv6_cidr_block: v6.then(|| "::/0".into()),
        port_range: None,
        icmp_type_code: None,
    }
}

fn star_denies(v6: bool) -> Vec<NaclEntry> {
    let mut out = Vec::new();
    for egress in [false, true] {
        let mut d = allow_all(egress, 32767, false);
        d.rule_action = "deny".into();
        out.push(d);
        if v6 {
            let mut d = allow_all(egress, 32767, true);
            d.rule_action = "deny".into();
            out.push(d);
        }
    }
    out
}

fn sg_rule_of(r: &SgRuleG, vpc: &VpcFacts, has_custom_pl: bool, has_cf_pl: bool) -> SgRule {
    let (protocol, from, to) = match r.protocol {
        0 => ("-1", None, None),
        1 | 2 => {
            let (f, t) = PORTS[r.ports as usize % PORTS.len()];
            (
                if r.protocol == 1 { "tcp" } else { "udp" },
                Some(f),
                Some(t),
            )
        }
        _ => ("icmp", Some(-1), Some(-1)),
    };
    let peer = match r.peer {
        PeerG::V4(i) => SgPeer::Ipv4 {
            cidr: pick(V4, i).unwrap().to_string().into(),
        },
        PeerG::V6(i) => SgPeer::Ipv6 {
            cidr: pick(V6, i).unwrap().to_string().into(),
        },
        PeerG::PrefixList => SgPeer::PrefixList {
            prefix_list_id: if has_custom_pl { "pl-cust" } else { "pl-s3" }.into(),
        },
        PeerG::CloudFront => SgPeer::PrefixList {
            prefix_list_id: if has_cf_pl { "pl-cf" } else { "pl-s3" }.into(),
        },
        PeerG::Group(g) => SgPeer::SecurityGroup {
            group_id: pick(&vpc.groups, g)
                .unwrap_or(&vpc.default_group)
                .clone()
                .into(),
            user_id: Some(ACCOUNT.into()),
            vpc_id: None,
            peering_status: None,
        },
    };
    SgRule {
        protocol: protocol.into(),
        from_port: from,
        to_port: to,
        peer,
        description: None,
    }
}

fn action(tg: Option<String>) -> LbAction {
    match tg {
        Some(arn) => LbAction {
            action_type: "forward".into(),
            order: Some(1),
            target_group_arns: vec![arn],
            redirect_protocol: None,
            redirect_port: None,
            fixed_response_status: None,
        },
        None => LbAction {
            action_type: "fixed-response".into(),
            order: Some(1),
            target_group_arns: vec![],
            redirect_protocol: None,
            redirect_port: None,
            fixed_response_status: Some("404".into()),
        },
    }
}

fn lb_arn(nlb: bool, name: &str, n: usize) -> String {
    format!(
        "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{}/{name}/50000000000000{n:02}",
        if nlb { "net" } else { "app" }
    )
}

/// The snapshot a topology stands for.
pub fn build(t: &Topo) -> Snapshot {
    let mut snap = empty_snapshot();
    let inv = snap.regions.get_mut(REGION).unwrap();
    let ec2 = &mut inv.ec2;
    let has_custom_pl = !t.prefix_list.is_empty();
    let has_cf_pl = t.cloudfront.is_some();

    ec2.managed_prefix_lists.push(ManagedPrefixList {
        prefix_list_id: "pl-s3".into(),
        prefix_list_name: Some(format!("com.amazonaws.{REGION}.s3")),
        address_family: Some("IPv4".into()),
        owner_id: Some("AWS".into()),
        max_entries: None,
        entries: Some(vec![
            PrefixListEntry {
                cidr: "52.216.0.0/15".into(),
                description: None,
            },
            PrefixListEntry {
                cidr: "3.5.0.0/19".into(),
                description: None,
            },
        ]),
        tags: Tags::new(),
    });
    if has_custom_pl {
        let mut entries: Vec<PrefixListEntry> = t
            .prefix_list
            .iter()
            .map(|i| PrefixListEntry {
                cidr: pick(V4, *i).unwrap().to_string(),
                description: None,
            })
            .collect();
        entries.sort();
        entries.dedup();
        let customer_named = t.cloudfront.as_ref().is_some_and(|c| c.customer_named);
        ec2.managed_prefix_lists.push(ManagedPrefixList {
            prefix_list_id: "pl-cust".into(),
            prefix_list_name: Some(
                if customer_named {
                    CF_LIST_NAME
                } else {
                    "partners"
                }
                .into(),
            ),
            address_family: Some("IPv4".into()),
            owner_id: Some(ACCOUNT.into()),
            max_entries: Some(10),
            entries: Some(entries),
            tags: Tags::new(),
        });
    }

    if let Some(cf) = &t.cloudfront {
        let entries = cf.entries.as_ref().map(|e| {
            let mut entries: Vec<PrefixListEntry> = e
                .iter()
                .map(|i| PrefixListEntry {
                    cidr: pick(CF_RANGES, *i).unwrap().to_string(),
                    description: None,
                })
                .collect();
            entries.sort();
            entries.dedup();
            entries
        });
        ec2.managed_prefix_lists.push(ManagedPrefixList {
            prefix_list_id: "pl-cf".into(),
            prefix_list_name: Some(CF_LIST_NAME.into()),
            address_family: Some("IPv4".into()),
            owner_id: Some("AWS".into()),
            max_entries: Some(55),
            entries,
            tags: Tags::new(),
        });
    }

    // VPCs and their gateways.
    let mut vpcs: Vec<VpcFacts> = Vec::new();
    for (k, v) in t.vpcs.iter().enumerate() {
        let id = format!("vpc-{}", k + 1);
        let second_octet = if k > 0 && v.overlap { 0 } else { k as u8 };
        let v6 = v.ipv6.then_some(k as u16 + 1);
        ec2.vpcs.push(Vpc {
            vpc_id: id.clone(),
            owner_id: Some(ACCOUNT.into()),
            state: Some("available".into()),
            is_default: false,
            cidr_blocks: vec![format!("10.{second_octet}.0.0/16")],
            ipv6_cidr_blocks: v6
                .map(|b| format!("{}/56", v6_block(b, None)))
                .into_iter()
                .collect(),
            tags: Tags::new(),
        });
        let igw = v.igw.then(|| format!("igw-{}", k + 1));
        if let Some(g) = &igw {
            ec2.internet_gateways.push(InternetGateway {
                internet_gateway_id: g.clone(),
                attached_vpc_ids: vec![id.clone()],
                tags: Tags::new(),
            });
        }
        let eigw = (v.eigw && v6.is_some()).then(|| format!("eigw-{}", k + 1));
        if let Some(g) = &eigw {
            ec2.egress_only_internet_gateways
                .push(EgressOnlyInternetGateway {
                    egress_only_internet_gateway_id: g.clone(),
                    attached_vpc_ids: vec![id.clone()],
                    tags: Tags::new(),
                });
        }
        let s3 = format!("vpce-s3-{}", k + 1);
        ec2.vpc_endpoints.push(VpcEndpoint {
            vpc_endpoint_id: s3.clone(),
            vpc_id: Some(id.clone()),
            service_name: Some(format!("com.amazonaws.{REGION}.s3")),
            vpc_endpoint_type: Some("Gateway".into()),
            state: Some("available".into()),
            subnet_ids: vec![],
            route_table_ids: vec![],
            security_group_ids: vec![],
            private_dns_enabled: false,
            policy: None,
            tags: Tags::new(),
        });
        vpcs.push(VpcFacts {
            id,
            second_octet,
            v6,
            igw,
            eigw,
            nat: None,
            s3,
            gwlbe: None,
            appliance: None,
            subnets: vec![],
            groups: vec![],
            default_group: format!("sg-default-{}", k + 1),
            custom_nacls: vec![],
            extra_tables: vec![],
        });
    }

    // Subnets.
    let mut subnets: Vec<SubnetFacts> = Vec::new();
    for (j, s) in t.subnets.iter().enumerate() {
        let k = s.vpc as usize % vpcs.len();
        let m = vpcs[k].subnets.len() as u8;
        let v4 = Ipv4Addr::new(10, vpcs[k].second_octet, m, 0);
        let v6 = vpcs[k]
            .v6
            .filter(|_| s.ipv6)
            .map(|b| v6_block(b, Some(m as u16)));
        let id = format!("subnet-{}", j + 1);
        ec2.subnets.push(Subnet {
            subnet_id: id.clone(),
            vpc_id: vpcs[k].id.clone(),
            availability_zone: Some(AZ.into()),
            cidr_block: Some(format!("{v4}/24")),
            ipv6_cidr_blocks: v6.map(|a| format!("{a}/64")).into_iter().collect(),
            map_public_ip_on_launch: false,
            assign_ipv6_address_on_creation: false,
            default_for_az: false,
            tags: Tags::new(),
        });
        vpcs[k].subnets.push(j);
        subnets.push(SubnetFacts {
            id,
            vpc: k,
            v4,
            v6,
            next_host: 10,
        });
    }

    // Per-VPC NAT gateways, GWLB endpoints and appliances (in the VPC's
    // first subnet).
    for (k, v) in t.vpcs.iter().enumerate() {
        let Some(&first) = vpcs[k].subnets.first() else {
            continue;
        };
        let sub = subnets[first].id.clone();
        if v.nat {
            let id = format!("nat-{}", k + 1);
            ec2.nat_gateways.push(NatGateway {
                nat_gateway_id: id.clone(),
                vpc_id: Some(vpcs[k].id.clone()),
                subnet_id: Some(sub.clone()),
                state: Some("available".into()),
                connectivity_type: Some("public".into()),
                public_ips: vec![format!("192.0.2.{}", 10 + k)],
                private_ips: vec![host4(subnets[first].v4, 240)],
                tags: Tags::new(),
            });
            vpcs[k].nat = Some(id);
        }
        let routes: Vec<&RouteG> = v
            .main_routes
            .iter()
            .chain(
                t.tables
                    .iter()
                    .filter(|x| x.vpc as usize % vpcs.len() == k)
                    .flat_map(|x| &x.routes),
            )
            .collect();
        let edge = v.edge.iter().flatten().map(|(_, e)| *e);
        let wants_gwlbe = routes.iter().any(|r| matches!(r.target, Hop::Gwlbe))
            || edge.clone().any(|e| matches!(e, EdgeTarget::Gwlbe));
        let wants_appliance = routes.iter().any(|r| matches!(r.target, Hop::Appliance))
            || edge.clone().any(|e| matches!(e, EdgeTarget::Appliance));
        if wants_gwlbe {
            let id = format!("vpce-gwlb-{}", k + 1);
            ec2.vpc_endpoints.push(VpcEndpoint {
                vpc_endpoint_id: id.clone(),
                vpc_id: Some(vpcs[k].id.clone()),
                service_name: Some("com.amazonaws.vpce.us-east-1.vpce-svc-inspection".into()),
                vpc_endpoint_type: Some("GatewayLoadBalancer".into()),
                state: Some("available".into()),
                subnet_ids: vec![sub.clone()],
                route_table_ids: vec![],
                security_group_ids: vec![],
                private_dns_enabled: false,
                policy: None,
                tags: Tags::new(),
            });
            vpcs[k].gwlbe = Some(id);
        }
        if wants_appliance {
            let id = format!("eni-appliance-{}", k + 1);
            let mut e = eni(&id, &subnets[first], &vpcs[k].id);
            e.private_ip_addresses = vec![ip(host4(subnets[first].v4, 250), true, None)];
            e.security_group_ids = vec![vpcs[k].default_group.clone().into()];
            ec2.network_interfaces.push(e);
            vpcs[k].appliance = Some(id);
        }
    }

    // Security groups (a default group per VPC, then the generated ones).
    for (i, g) in t.groups.iter().enumerate() {
        let k = g.vpc as usize % vpcs.len();
        vpcs[k].groups.push(format!("sg-{}", i + 1));
    }
    for (k, v) in vpcs.iter().enumerate() {
        let mut egress = vec![SgRule {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            peer: SgPeer::Ipv4 {
                cidr: "0.0.0.0/0".into(),
            },
            description: None,
        }];
        if v.v6.is_some() {
            egress.push(SgRule {
                protocol: "-1".into(),
                from_port: None,
                to_port: None,
                peer: SgPeer::Ipv6 {
                    cidr: "::/0".into(),
                },
                description: None,
            });
        }
        ec2.security_groups.push(SecurityGroup {
            group_id: v.default_group.clone(),
            group_name: "default".into(),
            vpc_id: Some(v.id.clone()),
            owner_id: Some(ACCOUNT.into()),
            description: Some("default VPC security group".into()),
            ingress: vec![SgRule {
                protocol: "-1".into(),
                from_port: None,
                to_port: None,
                peer: SgPeer::SecurityGroup {
                    group_id: v.default_group.clone().into(),
                    user_id: Some(ACCOUNT.into()),
                    vpc_id: None,
                    peering_status: None,
                },
                description: None,
            }],
            egress,
            tags: Tags::new(),
        });
        let _ = k;
    }
    for (i, g) in t.groups.iter().enumerate() {
        let k = g.vpc as usize % vpcs.len();
        let v = &vpcs[k];
        let mut ingress: Vec<SgRule> = g
            .ingress
            .iter()
            .map(|r| sg_rule_of(r, v, has_custom_pl, has_cf_pl))
            .collect();
        ingress.sort();
        ingress.dedup();
        let mut egress: Vec<SgRule> = match &g.egress {
            Some(rules) => rules
                .iter()
                .map(|r| sg_rule_of(r, v, has_custom_pl, has_cf_pl))
                .collect(),
            None => {
                let mut all = vec![SgRule {
                    protocol: "-1".into(),
                    from_port: None,
                    to_port: None,
                    peer: SgPeer::Ipv4 {
                        cidr: "0.0.0.0/0".into(),
                    },
                    description: None,
                }];
                if v.v6.is_some() {
                    all.push(SgRule {
                        protocol: "-1".into(),
                        from_port: None,
                        to_port: None,
                        peer: SgPeer::Ipv6 {
                            cidr: "::/0".into(),
                        },
                        description: None,
                    });
                }
                all
            }
        };
        egress.sort();
        egress.dedup();
        ec2.security_groups.push(SecurityGroup {
            group_id: format!("sg-{}", i + 1),
            group_name: format!("group-{}", i + 1),
            vpc_id: Some(v.id.clone()),
            owner_id: Some(ACCOUNT.into()),
            description: None,
            ingress,
            egress,
            tags: Tags::new(),
        });
    }

    // NACLs.
    for (k, v) in vpcs.iter().enumerate() {
        let v6 = v.v6.is_some();
        let mut entries = vec![allow_all(false, 100, false), allow_all(true, 100, false)];
        if v6 {
            entries.push(allow_all(false, 101, true));
            entries.push(allow_all(true, 101, true));
        }
        entries.extend(star_denies(v6));
        entries.sort();
        ec2.network_acls.push(NetworkAcl {
            network_acl_id: format!("acl-default-{}", k + 1),
            vpc_id: v.id.clone(),
            is_default: true,
            entries,
            associations: vec![],
            tags: Tags::new(),
        });
    }
    for (i, n) in t.nacls.iter().enumerate() {
        let k = n.vpc as usize % vpcs.len();
        let v6 = vpcs[k].v6.is_some();
        let mut entries: Vec<NaclEntry> = Vec::new();
        for e in &n.entries {
            let number = RULE_NUMBERS[e.number as usize % RULE_NUMBERS.len()];
            if entries
                .iter()
                .any(|x| x.egress == e.egress && x.rule_number == number)
            {
                continue;
            }
            let protocol = ["-1", "6", "17"][e.protocol as usize % 3];
            let (cidr_block, ipv6_cidr_block) = if e.v6 && v6 {
                (None, Some(pick(V6, e.cidr).unwrap().to_string()))
            } else {
                (Some(pick(V4, e.cidr).unwrap().to_string()), None)
            };
            let port_range = (protocol != "-1").then(|| {
                let (from, to) = PORTS[e.ports as usize % PORTS.len()];
                PortRange { from, to }
            });
            entries.push(NaclEntry {
                egress: e.egress,
                rule_number: number,
                protocol: protocol.into(),
                rule_action: if e.allow { "allow" } else { "deny" }.into(),
                cidr_block,
                ipv6_cidr_block,
                port_range,
                icmp_type_code: None,
            });
        }
        if n.open {
            for egress in [false, true] {
                entries.push(allow_all(egress, 200, false));
                if v6 {
                    entries.push(allow_all(egress, 201, true));
                }
            }
        }
        entries.extend(star_denies(v6));
        entries.sort();
        let id = format!("acl-{}", i + 1);
        ec2.network_acls.push(NetworkAcl {
            network_acl_id: id.clone(),
            vpc_id: vpcs[k].id.clone(),
            is_default: false,
            entries,
            associations: vec![],
            tags: Tags::new(),
        });
        vpcs[k].custom_nacls.push(id);
    }
    for (j, s) in t.subnets.iter().enumerate() {
        let k = subnets[j].vpc;
        let acl = s
            .nacl
            .and_then(|n| pick(&vpcs[k].custom_nacls, n).cloned())
            .unwrap_or_else(|| format!("acl-default-{}", k + 1));
        let a = ec2
            .network_acls
            .iter_mut()
            .find(|a| a.network_acl_id == acl)
            .unwrap();
        a.associations.push(NaclAssociation {
            association_id: Some(format!("aclassoc-{}", j + 1)),
            subnet_id: subnets[j].id.clone(),
        });
    }

    // Route tables.
    let routes_of = |vpcs: &[VpcFacts], k: usize, rs: &[RouteG], default: bool| -> Vec<Route> {
        let v = &vpcs[k];
        let mut rs = rs.to_vec();
        if default {
            rs.push(RouteG {
                dest: Dest::V4(0),
                target: Hop::Igw,
                blackhole: false,
            });
            rs.push(RouteG {
                dest: Dest::V6(0),
                target: Hop::Igw,
                blackhole: false,
            });
        }
        let mut out = vec![Route {
            destination_cidr_block: Some(format!("10.{}.0.0/16", v.second_octet)),
            destination_ipv6_cidr_block: None,
            destination_prefix_list_id: None,
            target: RouteTarget::Local,
            state: Some("active".into()),
            origin: Some("CreateRouteTable".into()),
        }];
        if let Some(b) = v.v6 {
            out.push(Route {
                destination_cidr_block: None,
                destination_ipv6_cidr_block: Some(format!("{}/56", v6_block(b, None))),
                destination_prefix_list_id: None,
                target: RouteTarget::Local,
                state: Some("active".into()),
                origin: Some("CreateRouteTable".into()),
            });
        }
        for r in &rs {
            let (c4, c6, pl) = match r.dest {
                Dest::V4(i) => (Some(pick(ROUTE_V4, i).unwrap().to_string()), None, None),
                Dest::V6(i) if v.v6.is_some() => {
                    (None, Some(pick(ROUTE_V6, i).unwrap().to_string()), None)
                }
                Dest::V6(_) => continue,
                Dest::S3 => (None, None, Some("pl-s3".to_string())),
                Dest::Custom if has_custom_pl => (None, None, Some("pl-cust".to_string())),
                Dest::Custom => continue,
                Dest::CloudFront if has_cf_pl => (None, None, Some("pl-cf".to_string())),
                Dest::CloudFront => continue,
            };
            let target = match (r.dest, r.target) {
                (Dest::S3, _) => RouteTarget::VpcEndpoint(v.s3.clone()),
                (_, Hop::Igw) => match &v.igw {
                    Some(g) => RouteTarget::InternetGateway(g.clone()),
                    None => continue,
                },
                (_, Hop::Nat) => match &v.nat {
                    Some(n) if c6.is_none() => RouteTarget::NatGateway(n.clone()),
                    _ => continue,
                },
                (_, Hop::Eigw) => match &v.eigw {
                    Some(g) if c6.is_some() => RouteTarget::EgressOnlyInternetGateway(g.clone()),
                    _ => continue,
                },
                (_, Hop::Peering) => RouteTarget::VpcPeeringConnection("pcx-1".into()),
                (_, Hop::Gwlbe) => match &v.gwlbe {
                    Some(e) => RouteTarget::VpcEndpoint(e.clone()),
                    None => continue,
                },
                (_, Hop::Appliance) => match &v.appliance {
                    Some(e) => RouteTarget::NetworkInterface(e.clone()),
                    None => continue,
                },
            };
            if out.iter().any(|x| {
                x.destination_cidr_block == c4
                    && x.destination_ipv6_cidr_block == c6
                    && x.destination_prefix_list_id == pl
            }) {
                continue;
            }
            out.push(Route {
                destination_cidr_block: c4,
                destination_ipv6_cidr_block: c6,
                destination_prefix_list_id: pl,
                target,
                state: Some(if r.blackhole { "blackhole" } else { "active" }.into()),
                origin: Some("CreateRoute".into()),
            });
        }
        out.sort();
        out
    };
    let mut tables: Vec<RouteTable> = Vec::new();
    for (k, v) in t.vpcs.iter().enumerate() {
        tables.push(RouteTable {
            route_table_id: format!("rtb-main-{}", k + 1),
            vpc_id: vpcs[k].id.clone(),
            routes: routes_of(&vpcs, k, &v.main_routes, v.default_route),
            associations: vec![RouteTableAssociation {
                association_id: Some(format!("rtbassoc-main-{}", k + 1)),
                main: true,
                subnet_id: None,
                gateway_id: None,
            }],
            tags: Tags::new(),
        });
    }
    let mut extra: Vec<(usize, String)> = Vec::new();
    for (i, x) in t.tables.iter().enumerate() {
        let k = x.vpc as usize % vpcs.len();
        let id = format!("rtb-{}", i + 1);
        tables.push(RouteTable {
            route_table_id: id.clone(),
            vpc_id: vpcs[k].id.clone(),
            routes: routes_of(&vpcs, k, &x.routes, x.default_route),
            associations: vec![],
            tags: Tags::new(),
        });
        extra.push((k, id));
    }
    for (k, id) in extra {
        vpcs[k].extra_tables.push(id);
    }
    for (j, s) in t.subnets.iter().enumerate() {
        let k = subnets[j].vpc;
        if let Some(id) = s.table.and_then(|n| pick(&vpcs[k].extra_tables, n)) {
            let table = tables.iter_mut().find(|x| &x.route_table_id == id).unwrap();
            table.associations.push(RouteTableAssociation {
                association_id: Some(format!("rtbassoc-{}", j + 1)),
                main: false,
                subnet_id: Some(subnets[j].id.clone()),
                gateway_id: None,
            });
        }
    }
    for (k, v) in t.vpcs.iter().enumerate() {
        let (Some(edge), Some(igw)) = (&v.edge, &vpcs[k].igw) else {
            continue;
        };
        let mut routes = routes_of(&vpcs, k, &[], false);
        for (s, target) in edge {
            let Some(&j) = pick(&vpcs[k].subnets, *s) else {
                continue;
            };
            let target = match target {
                EdgeTarget::Local => RouteTarget::Local,
                EdgeTarget::Gwlbe => match &vpcs[k].gwlbe {
                    Some(e) => RouteTarget::VpcEndpoint(e.clone()),
                    None => continue,
                },
                EdgeTarget::Appliance => match &vpcs[k].appliance {
                    Some(e) => RouteTarget::NetworkInterface(e.clone()),
                    None => continue,
                },
            };
            let dest = format!("{}/24", subnets[j].v4);
            if routes
                .iter()
                .any(|r| r.destination_cidr_block.as_deref() == Some(dest.as_str()))
            {
                continue;
            }
            routes.push(Route {
                destination_cidr_block: Some(dest),
                destination_ipv6_cidr_block: None,
                destination_prefix_list_id: None,
                target,
                state: Some("active".into()),
                origin: Some("CreateRoute".into()),
            });
        }
        routes.sort();
        tables.push(RouteTable {
            route_table_id: format!("rtb-edge-{}", k + 1),
            vpc_id: vpcs[k].id.clone(),
            routes,
            associations: vec![RouteTableAssociation {
                association_id: Some(format!("rtbassoc-edge-{}", k + 1)),
                main: false,
                subnet_id: None,
                gateway_id: Some(igw.clone()),
            }],
            tags: Tags::new(),
        });
    }
    ec2.route_tables = tables;

    // Instances and their ENIs.
    let mut public_n = 10u8;
    // (instance index, VPC index, private addresses) of every instance ENI.
    let mut instance_addrs: Vec<(usize, usize, Vec<String>)> = Vec::new();
    for (n, g) in t.instances.iter().enumerate() {
        let id = format!("i-{}", n + 1);
        let state = ["running", "stopped", "terminated"][g.state as usize % 3];
        let mut inst = Instance {
            instance_id: id.clone().into(),
            state: Some(state.into()),
            instance_type: Some("t3.micro".into()),
            image_id: Some("ami-1".into()),
            vpc_id: None,
            subnet_id: None,
            private_ip: None,
            public_ip: None,
            ipv6_addresses: vec![],
            network_interface_ids: vec![],
            security_group_ids: vec![],
            metadata_options: None,
            iam_instance_profile_arn: None,
            key_name: None,
            root_device_name: None,
            block_device_mappings: vec![],
            launch_time: None,
            platform: None,
            tags: Tags::new(),
        };
        if state != "terminated" && !subnets.is_empty() {
            let first = g.enis[0].subnet as usize % subnets.len();
            let k = subnets[first].vpc;
            for (d, e) in g.enis.iter().enumerate() {
                let j = if d == 0 {
                    first
                } else {
                    *pick(&vpcs[k].subnets, e.subnet).unwrap()
                };
                let eni_id = format!("eni-{}{}", n + 1, (b'a' + d as u8) as char);
                let mut x = eni(&eni_id, &subnets[j], &vpcs[k].id);
                let h = subnets[j].next_host;
                subnets[j].next_host += 2;
                let public = e.public_v4.then(|| {
                    public_n += 1;
                    format!("198.51.100.{}", public_n - 1)
                });
                x.private_ip_addresses
                    .push(ip(host4(subnets[j].v4, h), true, public));
                if e.secondary {
                    x.private_ip_addresses
                        .push(ip(host4(subnets[j].v4, h + 1), false, None));
                }
                if e.ipv6
                    && let Some(b) = subnets[j].v6
                {
                    x.ipv6_addresses.push(host6(b, h).into());
                }
                let mut groups: Vec<String> = e
                    .groups
                    .iter()
                    .filter_map(|g| pick(&vpcs[k].groups, *g).cloned())
                    .collect();
                groups.sort();
                groups.dedup();
                if groups.is_empty() {
                    groups.push(vpcs[k].default_group.clone());
                }
                x.security_group_ids = groups.into_iter().map(Into::into).collect();
                x.attachment = Some(EniAttachment {
                    attachment_id: Some(format!("eni-attach-{}{}", n + 1, d).into()),
                    instance_id: Some(id.clone().into()),
                    device_index: Some(d as i32),
                    status: Some("attached".into()),
                });
                x.private_ip_addresses.sort();
                if d == 0 {
                    inst.vpc_id = Some(vpcs[k].id.clone().into());
                    inst.subnet_id = Some(subnets[j].id.clone().into());
                    inst.private_ip = Some(host4(subnets[j].v4, h).into());
                    inst.public_ip = x
                        .private_ip_addresses
                        .iter()
                        .find(|p| p.primary)
                        .and_then(|p| p.public_ip.clone());
                    inst.security_group_ids = x.security_group_ids.clone();
                }
                inst.ipv6_addresses.extend(x.ipv6_addresses.iter().cloned());
                inst.network_interface_ids.push(eni_id.clone().into());
                instance_addrs.push((
                    n,
                    k,
                    x.private_ip_addresses
                        .iter()
                        .map(|p| p.private_ip.to_string())
                        .collect(),
                ));
                ec2.network_interfaces.push(x);
            }
        }
        ec2.instances.push(inst);
    }

    // Load balancers: node ENIs, listeners, target groups.
    let mut lbs: Vec<LoadBalancer> = Vec::new();
    let mut tgs: Vec<TargetGroup> = Vec::new();
    let mut lb_vpc: Vec<Option<usize>> = Vec::new();
    let nlbs: Vec<usize> = (0..t.lbs.len()).filter(|&i| t.lbs[i].nlb).collect();
    let api_nlb = t.api.and_then(|a| pick(&nlbs, a.lb).copied());
    let mut node_public = 10u8;
    for (i, l) in t.lbs.iter().enumerate() {
        let k = l.vpc as usize % vpcs.len();
        if vpcs[k].subnets.is_empty() {
            lb_vpc.push(None);
            continue;
        }
        lb_vpc.push(Some(k));
        let name = format!("{}-{}", if l.nlb { "nlb" } else { "alb" }, i + 1);
        let arn = lb_arn(l.nlb, &name, i);
        let mut subs: Vec<usize> = l
            .subnets
            .iter()
            .map(|s| *pick(&vpcs[k].subnets, *s).unwrap())
            .collect();
        subs.sort();
        subs.dedup();
        let mut groups: Vec<String> = l
            .groups
            .iter()
            .filter_map(|g| pick(&vpcs[k].groups, *g).cloned())
            .collect();
        groups.sort();
        groups.dedup();
        if l.nlb && l.no_groups {
            groups.clear();
        }
        if !l.nlb && groups.is_empty() {
            groups.push(vpcs[k].default_group.clone());
        }
        if l.nlb && api_nlb == Some(i) {
            // The PrivateLink side of an NLB with groups depends on a
            // setting the snapshot does not hold: VPC link NLBs have none.
            groups.clear();
        }
        let dualstack = l.dualstack && subs.iter().all(|&j| subnets[j].v6.is_some());
        let tail = arn.split(":loadbalancer/").nth(1).unwrap().to_string();
        for &j in &subs {
            let mut x = eni(&format!("eni-{name}-{}", j + 1), &subnets[j], &vpcs[k].id);
            x.interface_type = Some(
                if l.nlb {
                    "network_load_balancer"
                } else {
                    "interface"
                }
                .into(),
            );
            x.description = Some(format!("ELB {tail}").into());
            x.requester_managed = true;
            let public = l.internet_facing.then(|| {
                node_public += 1;
                format!("203.0.113.{}", node_public - 1)
            });
            x.private_ip_addresses = vec![ip(host4(subnets[j].v4, 200 + i as u8), true, public)];
            if dualstack {
                x.ipv6_addresses = vec![host6(subnets[j].v6.unwrap(), 200 + i as u8).into()];
            }
            x.security_group_ids = groups.iter().map(|g| g.as_str().into()).collect();
            x.attachment = Some(EniAttachment {
                attachment_id: Some(format!("ela-attach-{name}-{j}").into()),
                instance_id: None,
                device_index: Some(1),
                status: Some("attached".into()),
            });
            ec2.network_interfaces.push(x);
        }
        lbs.push(LoadBalancer {
            eip_allocation_ids: Vec::new(),
            load_balancer_arn: arn,
            name: name.clone(),
            lb_type: Some(if l.nlb { "network" } else { "application" }.into()),
            scheme: Some(
                if l.internet_facing {
                    "internet-facing"
                } else {
                    "internal"
                }
                .into(),
            ),
            vpc_id: Some(vpcs[k].id.clone()),
            dns_name: Some(format!("{name}-1.elb.{REGION}.amazonaws.com")),
            state: Some("active".into()),
            ip_address_type: Some(if dualstack { "dualstack" } else { "ipv4" }.into()),
            subnet_ids: subs.iter().map(|&j| subnets[j].id.clone()).collect(),
            security_group_ids: groups.iter().map(|g| g.as_str().into()).collect(),
            attributes: None,
            listeners: Some(vec![]),
            tags: Tags::new(),
        });
    }
    // Listeners first, then target groups (an NLB's `alb` group takes the
    // port of a listener of an ALB that may come later).
    struct Wiring {
        k: usize,
        at: usize,
        tg_arns: Vec<String>,
        tg_protocol: Vec<Option<String>>,
        used: Vec<bool>,
    }
    let mut wiring: Vec<Option<Wiring>> = Vec::new();
    for (i, l) in t.lbs.iter().enumerate() {
        let Some(k) = lb_vpc[i] else {
            wiring.push(None);
            continue;
        };
        let at = lb_vpc[..i].iter().filter(|x| x.is_some()).count();
        let arn = lbs[at].load_balancer_arn.clone();
        let tg_arns: Vec<String> = (0..l.tgs.len())
            .map(|j| {
                format!(
                    "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/tg-{}-{}/70000000000{i}{j}",
                    i + 1,
                    j + 1
                )
            })
            .collect();
        // A target group's protocol follows the first listener forwarding
        // to it (AWS only accepts compatible pairs).
        let mut tg_protocol: Vec<Option<String>> = vec![None; l.tgs.len()];
        let mut used: Vec<bool> = vec![false; l.tgs.len()];
        let mut listeners: Vec<Listener> = Vec::new();
        for (n, g) in l.listeners.iter().enumerate() {
            let port = *pick(LISTENER_PORTS, g.port).unwrap();
            if listeners.iter().any(|x| x.port == Some(port)) {
                continue;
            }
            let to_alb = g
                .default_tg
                .is_some_and(|x| l.tgs[x as usize % l.tgs.len()].kind % 4 == 3);
            let protocol = if l.nlb && to_alb {
                // Only TCP listeners forward to an `alb` target group.
                "TCP"
            } else if l.nlb {
                *pick(NLB_PROTOCOLS, g.protocol).unwrap()
            } else {
                *pick(ALB_PROTOCOLS, g.protocol).unwrap()
            };
            let mut forward = |x: u8| -> Option<String> {
                let j = x as usize % l.tgs.len();
                let tg = &l.tgs[j];
                let want: &str = if !l.nlb {
                    ["HTTP", "HTTPS"][tg.protocol as usize % 2]
                } else if tg.kind % 4 == 3 {
                    if protocol != "TCP" {
                        return None;
                    }
                    "TCP"
                } else {
                    match (protocol, tg.protocol % 3) {
                        ("TCP", 2) => "TCP_UDP",
                        ("TCP", _) => "TCP",
                        ("TLS", 1) => "TLS",
                        ("TLS", _) => "TCP",
                        ("UDP", 2) => "TCP_UDP",
                        ("UDP", _) => "UDP",
                        _ => "TCP_UDP",
                    }
                };
                match tg_protocol[j].as_deref() {
                    None => tg_protocol[j] = Some(want.into()),
                    Some(p) if p == want => {}
                    // TCP_UDP groups also serve TCP and UDP listeners.
                    Some("TCP_UDP") if matches!(protocol, "TCP" | "UDP") => {}
                    Some(_) => return None,
                }
                used[j] = true;
                Some(tg_arns[j].clone())
            };
            let default = g.default_tg.and_then(&mut forward);
            let rule = if l.nlb {
                None
            } else {
                g.rule_tg.and_then(&mut forward)
            };
            let rules = (!l.nlb).then(|| {
                rule.map(|tg| ListenerRule {
                    rule_arn: format!("{arn}/rule-{n}"),
                    priority: Some("10".into()),
                    is_default: false,
                    conditions: vec![RuleCondition {
                        field: Some("path-pattern".into()),
                        values: vec!["/api/*".into()],
                        header_name: None,
                        header_matches_anything: false,
                    }],
                    actions: vec![action(Some(tg))],
                })
                .into_iter()
                .collect()
            });
            listeners.push(Listener {
                listener_arn: format!(
                    "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/{}/{port}",
                    arn.split(":loadbalancer/").nth(1).unwrap()
                ),
                port: Some(port),
                protocol: Some(protocol.into()),
                ssl_policy: None,
                certificate_arns: vec![],
                sni_certificate_arns: Some(vec![]),
                alpn_policy: vec![],
                default_actions: vec![action(default)],
                rules,
            });
        }
        lbs[at].listeners = Some(listeners);
        wiring.push(Some(Wiring {
            k,
            at,
            tg_arns,
            tg_protocol,
            used,
        }));
    }
    for (i, l) in t.lbs.iter().enumerate() {
        let Some(w) = &wiring[i] else { continue };
        let k = w.k;
        for (j, g) in l.tgs.iter().enumerate() {
            let kind = if l.nlb { g.kind % 4 } else { g.kind % 3 };
            let protocol = w.tg_protocol[j].clone().unwrap_or_else(|| {
                if !l.nlb {
                    ["HTTP", "HTTPS"][g.protocol as usize % 2].into()
                } else if kind == 3 {
                    "TCP".into()
                } else {
                    ["TCP", "TLS", "TCP_UDP"][g.protocol as usize % 3].into()
                }
            });
            let target_type = ["instance", "ip", "lambda", "alb"][kind as usize];
            let mut port = *pick(TG_PORTS, g.port).unwrap();
            let mut targets: Vec<Target> = Vec::new();
            let target = |id: String, port: Option<i32>, az: Option<&str>| Target {
                id,
                port,
                availability_zone: az.map(String::from),
                health_state: Some("healthy".into()),
                health_reason: None,
            };
            for x in &g.targets {
                let tport = x.port.map(|p| *pick(OVERRIDE_PORTS, p).unwrap());
                match kind {
                    0 => {
                        let mut candidates: Vec<usize> = instance_addrs
                            .iter()
                            .filter(|(n, v, _)| *v == k && t.instances[*n].state % 3 != 2)
                            .map(|(n, _, _)| *n)
                            .collect();
                        candidates.dedup();
                        if let Some(n) = pick(&candidates, x.pick) {
                            targets.push(target(format!("i-{}", n + 1), tport, None));
                        }
                    }
                    1 => {
                        // Addresses of this VPC's ENIs; with overlapping
                        // VPCs (or `all`), of other VPCs' too (AWS resolves
                        // them in the target group's VPC).
                        let all: Vec<&String> = instance_addrs
                            .iter()
                            .filter(|(_, v, _)| {
                                x.other_vpcs
                                    || *v == k
                                    || vpcs[*v].second_octet == vpcs[k].second_octet
                            })
                            .flat_map(|(_, _, a)| a.iter())
                            .collect();
                        if let Some(a) = pick(&all, x.pick) {
                            // `all` is for addresses outside the VPC only.
                            let inside = a.starts_with(&format!("10.{}.", vpcs[k].second_octet));
                            let az = if inside { AZ } else { "all" };
                            targets.push(target((*a).clone(), tport, Some(az)));
                        }
                    }
                    2 => {
                        if targets.is_empty() {
                            let f =
                                format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn-{}", i + 1);
                            targets.push(target(f, None, None));
                        }
                    }
                    _ => {
                        let albs: Vec<&LoadBalancer> = lbs
                            .iter()
                            .filter(|b| {
                                b.lb_type.as_deref() == Some("application")
                                    && b.vpc_id.as_deref() == Some(vpcs[k].id.as_str())
                            })
                            .collect();
                        if targets.is_empty()
                            && let Some(alb) = pick(&albs, x.pick)
                        {
                            // The group's port is one of the ALB's listener ports.
                            let ports: Vec<i32> = alb
                                .listeners
                                .iter()
                                .flatten()
                                .filter_map(|l| l.port)
                                .collect();
                            if let Some(p) = pick(&ports, g.port) {
                                port = *p;
                            }
                            targets.push(target(alb.load_balancer_arn.clone(), None, None));
                        }
                    }
                }
            }
            targets.sort();
            targets.dedup();
            tgs.push(TargetGroup {
                target_group_arn: w.tg_arns[j].clone(),
                name: Some(format!("tg-{}-{}", i + 1, j + 1)),
                protocol: Some(protocol),
                port: Some(port),
                target_type: Some(target_type.into()),
                vpc_id: Some(vpcs[k].id.clone()),
                load_balancer_arns: if w.used[j] {
                    vec![lbs[w.at].load_balancer_arn.clone()]
                } else {
                    vec![]
                },
                health_check_protocol: None,
                health_check_port: None,
                health_check_path: None,
                targets: Some(targets),
                // Collected: AWS's defaults unless the generator set the
                // preservation attribute.
                attributes: Some(
                    g.preserve
                        .map(|on| ("preserve_client_ip.enabled".to_string(), on.to_string()))
                        .into_iter()
                        .collect(),
                ),
            });
        }
    }
    inv.elbv2.load_balancers = lbs;
    inv.elbv2.target_groups = tgs;

    // A REST API stage -> VPC link -> NLB.
    if let (Some(a), Some(n)) = (t.api, api_nlb)
        && let Some(lb) = inv
            .elbv2
            .load_balancers
            .iter()
            .find(|l| l.name == format!("nlb-{}", n + 1))
    {
        let ports: Vec<i32> = lb
            .listeners
            .iter()
            .flatten()
            .filter_map(|l| l.port)
            .collect();
        let port = ports
            .get(a.port as usize % (ports.len() + 1))
            .copied()
            .unwrap_or(9999);
        inv.apigateway.vpc_links.push(RestVpcLink {
            id: "vl-1".into(),
            name: Some("link".into()),
            target_arns: vec![lb.load_balancer_arn.clone()],
            status: Some("AVAILABLE".into()),
            tags: Tags::new(),
        });
        inv.apigateway.rest_apis.push(RestApi {
            id: "api1".into(),
            name: Some("orders".into()),
            endpoint_types: vec!["REGIONAL".into()],
            vpc_endpoint_ids: vec![],
            policy: None,
            disable_execute_api_endpoint: false,
            api_key_source: None,
            resources: Some(vec![ApiResource {
                id: "r1".into(),
                parent_id: None,
                path: Some("/".into()),
                methods: vec![RestMethod {
                    http_method: "GET".into(),
                    authorization_type: Some("NONE".into()),
                    authorizer_id: None,
                    api_key_required: false,
                    authorization_scopes: vec![],
                    integration: Some(RestIntegration {
                        integration_type: Some("HTTP_PROXY".into()),
                        http_method: Some("GET".into()),
                        uri: Some(format!(
                            "http://{}:{port}/",
                            lb.dns_name.clone().unwrap_or_default()
                        )),
                        connection_type: Some("VPC_LINK".into()),
                        connection_id: Some("vl-1".into()),
                        tls_insecure_skip_verification: None,
                        timeout_in_millis: None,
                    }),
                }],
            }]),
            authorizers: Some(vec![]),
            stages: Some(vec![RestStage {
                stage_name: "prod".into(),
                deployment_id: Some("d1".into()),
                client_certificate_id: None,
                tracing_enabled: false,
                web_acl_arn: None,
                cache_cluster_enabled: false,
                method_settings: BTreeMap::new(),
                access_log_settings: None,
                variables: BTreeMap::new(),
                tags: Tags::new(),
            }]),
            tags: Tags::new(),
        });
    }

    // A CloudFront distribution in front of a load balancer.
    if let Some(d) = t.cloudfront.as_ref().and_then(|c| c.distribution) {
        let all: Vec<&LoadBalancer> = inv.elbv2.load_balancers.iter().collect();
        let public: Vec<&LoadBalancer> = all
            .iter()
            .copied()
            .filter(|l| l.scheme.as_deref() == Some("internet-facing"))
            .collect();
        let lbs = if d.lb % 4 == 3 || public.is_empty() {
            &all
        } else {
            &public
        };
        let port = |p: PortG| -> i32 {
            let listeners: Vec<i32> = pick(lbs, d.lb)
                .and_then(|lb| lb.listeners.as_ref())
                .into_iter()
                .flatten()
                .filter_map(|l| l.port)
                .collect();
            match p {
                PortG::Listener(i) => pick(&listeners, i).or(pick(CF_PORTS, i)).copied().unwrap(),
                PortG::Fixed(i) => *pick(CF_PORTS, i).unwrap(),
            }
        };
        let host = |i: u8| -> Option<String> {
            let name = pick(lbs, i)?.dns_name.clone()?;
            Some(match d.host % 3 {
                0 => name,
                1 => format!("dualstack.{name}"),
                _ => name.to_ascii_uppercase(),
            })
        };
        if let Some(h) = host(d.lb) {
            let custom = |id: &str, domain: String| CfOrigin {
                id: id.into(),
                domain_name: domain,
                origin_path: None,
                custom: Some(CfCustomOrigin {
                    http_port: port(d.http_port),
                    https_port: port(d.https_port),
                    protocol_policy: Some(pick(CF_POLICIES, d.policy).unwrap().to_string()),
                    ssl_protocols: vec!["TLSv1.2".into()],
                }),
                vpc_origin_id: None,
                s3: false,
                custom_header_names: vec![],
            };
            let mut origins = vec![custom("o1", h)];
            if let Some(h2) = d.untargeted.and_then(host) {
                origins.push(custom("o2", h2));
            }
            let behavior = |path: Option<&str>, target: &str| CfBehavior {
                path_pattern: path.map(String::from),
                target_origin_id: target.into(),
                viewer_protocol_policy: Some("allow-all".into()),
            };
            let (default_behavior, behaviors, origin_groups) = match d.via % 3 {
                0 => (behavior(None, "o1"), vec![], vec![]),
                1 => (
                    behavior(None, "g1"),
                    vec![],
                    vec![CfOriginGroup {
                        id: "g1".into(),
                        members: vec!["o1".into()],
                    }],
                ),
                _ => {
                    origins.push(CfOrigin {
                        id: "s3".into(),
                        domain_name: "assets.s3.us-east-1.amazonaws.com".into(),
                        origin_path: None,
                        custom: None,
                        vpc_origin_id: None,
                        s3: true,
                        custom_header_names: vec![],
                    });
                    (
                        behavior(None, "s3"),
                        vec![behavior(Some("/api/*"), "o1")],
                        vec![],
                    )
                }
            };
            snap.cloudfront = Some(CloudFrontInventory {
                distributions: vec![Distribution {
                    id: "E1".into(),
                    arn: format!("arn:aws:cloudfront::{ACCOUNT}:distribution/E1"),
                    domain_name: "d1.cloudfront.net".into(),
                    status: Some("Deployed".into()),
                    enabled: d.enabled,
                    staging: false,
                    aliases: vec![],
                    web_acl_id: None,
                    viewer_certificate: None,
                    origins,
                    origin_groups,
                    default_behavior,
                    behaviors,
                }],
                web_acls: vec![],
                vpc_origins: vec![],
            });
        }
    }
    snap
}

// ---------------------------------------------------------------- rendering

impl fmt::Debug for Topo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(&build(self)))
    }
}

fn ports(from: Option<i32>, to: Option<i32>) -> String {
    match (from, to) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => "all".into(),
    }
}

fn peer(p: &SgPeer) -> String {
    match p {
        SgPeer::Ipv4 { cidr } | SgPeer::Ipv6 { cidr } => cidr.to_string(),
        SgPeer::PrefixList { prefix_list_id } => prefix_list_id.to_string(),
        SgPeer::SecurityGroup { group_id, .. } => group_id.to_string(),
    }
}

fn target(t: &RouteTarget) -> String {
    match t {
        RouteTarget::Local => "local".into(),
        RouteTarget::InternetGateway(x)
        | RouteTarget::VirtualPrivateGateway(x)
        | RouteTarget::VpcEndpoint(x)
        | RouteTarget::NatGateway(x)
        | RouteTarget::EgressOnlyInternetGateway(x)
        | RouteTarget::TransitGateway(x)
        | RouteTarget::VpcPeeringConnection(x)
        | RouteTarget::NetworkInterface(x)
        | RouteTarget::Instance(x)
        | RouteTarget::CarrierGateway(x)
        | RouteTarget::LocalGateway(x)
        | RouteTarget::CoreNetwork(x)
        | RouteTarget::Unknown(x) => x.clone(),
    }
}

/// A compact, readable account: one line per resource.
pub fn render(s: &Snapshot) -> String {
    let mut o = String::from("\n");
    let Some(inv) = s.regions.get(REGION) else {
        return o;
    };
    let ec2 = &inv.ec2;
    for v in &ec2.vpcs {
        let igw: Vec<&str> = ec2
            .internet_gateways
            .iter()
            .filter(|g| g.attached_vpc_ids.contains(&v.vpc_id))
            .map(|g| g.internet_gateway_id.as_str())
            .chain(
                ec2.egress_only_internet_gateways
                    .iter()
                    .filter(|g| g.attached_vpc_ids.contains(&v.vpc_id))
                    .map(|g| g.egress_only_internet_gateway_id.as_str()),
            )
            .collect();
        let _ = writeln!(
            o,
            "{} {} {} gateways={:?}",
            v.vpc_id,
            v.cidr_blocks.join(","),
            v.ipv6_cidr_blocks.join(","),
            igw
        );
    }
    for sn in &ec2.subnets {
        let rt = ec2
            .route_tables
            .iter()
            .find(|t| {
                t.associations
                    .iter()
                    .any(|a| a.subnet_id.as_ref() == Some(&sn.subnet_id))
            })
            .map_or("main", |t| t.route_table_id.as_str());
        let acl = ec2
            .network_acls
            .iter()
            .find(|a| a.associations.iter().any(|x| x.subnet_id == sn.subnet_id))
            .map_or("?", |a| a.network_acl_id.as_str());
        let _ = writeln!(
            o,
            "{} {} {} {} rtb={rt} acl={acl}",
            sn.subnet_id,
            sn.vpc_id,
            sn.cidr_block.clone().unwrap_or_default(),
            sn.ipv6_cidr_blocks.join(",")
        );
    }
    for t in &ec2.route_tables {
        let routes: Vec<String> = t
            .routes
            .iter()
            .filter(|r| r.target != RouteTarget::Local)
            .map(|r| {
                let d = r
                    .destination_cidr_block
                    .clone()
                    .or(r.destination_ipv6_cidr_block.clone())
                    .or(r.destination_prefix_list_id.clone())
                    .unwrap_or_default();
                let bh = if r.state.as_deref() == Some("blackhole") {
                    "(blackhole)"
                } else {
                    ""
                };
                format!("{d}->{}{bh}", target(&r.target))
            })
            .collect();
        let local: Vec<String> = t
            .routes
            .iter()
            .filter(|r| r.target == RouteTarget::Local)
            .map(|r| {
                r.destination_cidr_block
                    .clone()
                    .or(r.destination_ipv6_cidr_block.clone())
                    .unwrap_or_default()
            })
            .collect();
        let edge: Vec<&str> = t
            .associations
            .iter()
            .filter_map(|a| a.gateway_id.as_deref())
            .collect();
        let _ = writeln!(
            o,
            "{} {}{}{} local={} [{}]",
            t.route_table_id,
            t.vpc_id,
            if t.is_main() { " main" } else { "" },
            if edge.is_empty() {
                String::new()
            } else {
                format!(" edge={}", edge.join(","))
            },
            local.join(","),
            routes.join(" ")
        );
    }
    for p in &ec2.managed_prefix_lists {
        let e: Vec<&str> = p
            .entries
            .iter()
            .flatten()
            .map(|e| e.cidr.as_str())
            .collect();
        let _ = writeln!(
            o,
            "{} {} owner={} [{}]",
            p.prefix_list_id,
            p.prefix_list_name.clone().unwrap_or_default(),
            p.owner_id.clone().unwrap_or_default(),
            if p.entries.is_some() {
                e.join(" ")
            } else {
                "entries not collected".into()
            }
        );
    }
    for e in &ec2.vpc_endpoints {
        if e.vpc_endpoint_type.as_deref() != Some("Gateway") {
            let _ = writeln!(
                o,
                "{} {:?} {}",
                e.vpc_endpoint_id,
                e.vpc_endpoint_type,
                e.subnet_ids.join(",")
            );
        }
    }
    for a in &ec2.network_acls {
        let rules = |egress: bool| -> String {
            a.entries
                .iter()
                .filter(|e| e.egress == egress && e.rule_number != 32767)
                .map(|e| {
                    let proto = match e.protocol.as_str() {
                        "-1" => "all",
                        "6" => "tcp",
                        "17" => "udp",
                        x => x,
                    };
                    let p = e
                        .port_range
                        .map(|r| format!(":{}", ports(Some(r.from), Some(r.to))))
                        .unwrap_or_default();
                    format!(
                        "{} {} {proto}{p} {}",
                        e.rule_number,
                        e.rule_action,
                        e.cidr_block
                            .clone()
                            .or(e.ipv6_cidr_block.clone())
                            .unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(
            o,
            "{} {} in[{}] out[{}]",
            a.network_acl_id,
            a.vpc_id,
            rules(false),
            rules(true)
        );
    }
    for g in &ec2.security_groups {
        let rules = |rs: &[SgRule]| -> String {
            rs.iter()
                .map(|r| {
                    let proto = if r.protocol == "-1" {
                        "all"
                    } else {
                        r.protocol.as_str()
                    };
                    let p = if r.protocol == "-1" || r.protocol == "icmp" {
                        String::new()
                    } else {
                        format!(":{}", ports(r.from_port, r.to_port))
                    };
                    format!("{proto}{p} {}", peer(&r.peer))
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(
            o,
            "{} {} in[{}] out[{}]",
            g.group_id,
            g.vpc_id.clone().unwrap_or_default(),
            rules(&g.ingress),
            rules(&g.egress)
        );
    }
    for e in &ec2.network_interfaces {
        let ips: Vec<String> = e
            .private_ip_addresses
            .iter()
            .map(|p| match &p.public_ip {
                Some(pb) => format!("{}(public {pb})", p.private_ip),
                None => p.private_ip.to_string(),
            })
            .chain(e.ipv6_addresses.iter().map(|a| a.to_string()))
            .collect();
        let owner = e
            .attachment
            .as_ref()
            .and_then(|a| {
                a.instance_id
                    .as_ref()
                    .map(|i| format!("{i}#{}", a.device_index.unwrap_or(0)))
            })
            .or(e.description.as_deref().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "{} {} {} {} groups={}",
            e.network_interface_id,
            owner,
            e.subnet_id.clone().unwrap_or_default(),
            ips.join(","),
            e.security_group_ids.join(",")
        );
    }
    for i in &ec2.instances {
        let _ = writeln!(
            o,
            "{} {}",
            i.instance_id,
            i.state.clone().unwrap_or_default()
        );
    }
    for l in &inv.elbv2.load_balancers {
        let _ = writeln!(
            o,
            "{} {} {} {} subnets={} groups={}",
            l.name,
            l.scheme.clone().unwrap_or_default(),
            l.ip_address_type.clone().unwrap_or_default(),
            l.vpc_id.clone().unwrap_or_default(),
            l.subnet_ids.join(","),
            l.security_group_ids.join(",")
        );
        for li in l.listeners.iter().flatten() {
            let fwd: Vec<&str> = li
                .default_actions
                .iter()
                .chain(li.rules.iter().flatten().flat_map(|r| &r.actions))
                .flat_map(|a| &a.target_group_arns)
                .map(|a| a.split('/').nth(1).unwrap_or(a))
                .collect();
            let _ = writeln!(
                o,
                "  listener {}:{} -> {}",
                li.protocol.clone().unwrap_or_default(),
                li.port.unwrap_or(0),
                if fwd.is_empty() {
                    "(fixed-response)".to_string()
                } else {
                    fwd.join(",")
                }
            );
        }
    }
    for tg in &inv.elbv2.target_groups {
        let ts: Vec<String> = tg
            .targets
            .iter()
            .flatten()
            .map(|t| {
                let id = if t.id.contains(":loadbalancer/") {
                    t.id.split('/').nth(2).unwrap_or(&t.id).to_string()
                } else {
                    t.id.clone()
                };
                let mut s = id;
                if let Some(p) = t.port {
                    let _ = write!(s, ":{p}");
                }
                if t.availability_zone.as_deref() == Some("all") {
                    s.push_str("(az=all)");
                }
                s
            })
            .collect();
        let _ = writeln!(
            o,
            "{} {} {}:{} {} [{}]",
            tg.name.clone().unwrap_or_default(),
            tg.target_type.clone().unwrap_or_default(),
            tg.protocol.clone().unwrap_or_default(),
            tg.port.unwrap_or(0),
            tg.vpc_id.clone().unwrap_or_default(),
            ts.join(" ")
        );
    }
    for a in &inv.apigateway.rest_apis {
        for r in a.resources.iter().flatten() {
            for m in &r.methods {
                if let Some(i) = &m.integration {
                    let _ = writeln!(
                        o,
                        "api {} {:?} {} {} -> {:?} {:?}",
                        a.id,
                        a.endpoint_types,
                        m.http_method,
                        r.path.clone().unwrap_or_default(),
                        i.connection_id,
                        i.uri
                    );
                }
            }
        }
    }
    for v in &inv.apigateway.vpc_links {
        let t: Vec<&str> = v
            .target_arns
            .iter()
            .map(|a| a.split('/').nth(2).unwrap_or(a))
            .collect();
        let _ = writeln!(o, "vpc link {} -> {}", v.id, t.join(","));
    }
    for d in s.cloudfront.iter().flat_map(|c| &c.distributions) {
        let origins: Vec<String> = d
            .origins
            .iter()
            .map(|x| match &x.custom {
                Some(c) => format!(
                    "{}={} {} http:{} https:{}",
                    x.id,
                    x.domain_name,
                    c.protocol_policy.clone().unwrap_or_default(),
                    c.http_port,
                    c.https_port
                ),
                None => format!("{}={}", x.id, x.domain_name),
            })
            .collect();
        let behaviors: Vec<String> = d
            .all_behaviors()
            .map(|b| {
                format!(
                    "{}->{}",
                    b.path_pattern.as_deref().unwrap_or("*"),
                    b.target_origin_id
                )
            })
            .collect();
        let groups: Vec<String> = d
            .origin_groups
            .iter()
            .map(|g| format!("{}=[{}]", g.id, g.members.join(",")))
            .collect();
        let _ = writeln!(
            o,
            "cloudfront {}{} origins[{}] groups[{}] behaviours[{}]",
            d.id,
            if d.enabled { "" } else { " (disabled)" },
            origins.join("; "),
            groups.join(" "),
            behaviors.join(" ")
        );
    }
    o
}
