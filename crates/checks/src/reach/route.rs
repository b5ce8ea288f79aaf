//! Route table evaluation: which route carries traffic to an address, and
//! which public addresses a table sends to an internet gateway. AWS picks
//! the longest matching prefix; among equal prefixes a static CIDR route
//! beats a prefix-list route, which beats a propagated route
//! (<https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html>).
//! A prefix-list route takes part once per entry, with that entry's length.
//!
//! Blackhole routes (`state == "blackhole"`, e.g. an IGW that was detached)
//! still win the prefix match, as in AWS, but carry no traffic: an address
//! they match is dropped, not handed to a shorter route.
//!
//! Routes whose destination cannot be read (a prefix list whose entries
//! were not collected, a CIDR that does not parse) cannot claim addresses;
//! they are left out and [`unresolved`] names them.

use std::net::IpAddr;

use ipnet::IpNet;
use rampart_model::{Route, RouteTable, RouteTarget};

use super::ip::{AddrSet, Family, parse_cidr, public_v4, public_v6};
use super::{PrefixLists, Reach};

/// True for a route that drops its traffic.
pub fn is_blackhole(route: &Route) -> bool {
    route.state.as_deref() == Some("blackhole")
}

/// One destination block of one route, with its tie-break rank.
struct Candidate {
    route: usize,
    net: IpNet,
    /// Lower wins among equal prefix lengths.
    tier: u8,
}

/// Every destination block of the table, most preferred first, and the
/// reasons for the routes left out.
fn candidates(rt: &RouteTable, resolve: &PrefixLists<'_>) -> (Vec<Candidate>, Vec<String>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for (i, r) in rt.routes.iter().enumerate() {
        let propagated = r.origin.as_deref() == Some("EnableVgwRoutePropagation");
        let static_tier = if r.target == RouteTarget::Local {
            0
        } else if propagated {
            3
        } else {
            1
        };
        if let Some(c) = r
            .destination_cidr_block
            .as_deref()
            .or(r.destination_ipv6_cidr_block.as_deref())
        {
            match parse_cidr(c) {
                Some(net) => out.push(Candidate {
                    route: i,
                    net,
                    tier: static_tier,
                }),
                None => skipped.push(format!(
                    "route table {} destination {c:?} not parseable",
                    rt.route_table_id
                )),
            }
        } else if let Some(pl) = r.destination_prefix_list_id.as_deref() {
            match resolve(pl) {
                Ok(nets) => out.extend(nets.into_iter().map(|net| Candidate {
                    route: i,
                    net,
                    tier: if propagated { 3 } else { 2 },
                })),
                Err(why) => skipped.push(format!("route table {} {why}", rt.route_table_id)),
            }
        } else {
            skipped.push(format!(
                "route table {} has a route without a destination",
                rt.route_table_id
            ));
        }
    }
    out.sort_by_key(|c| (std::cmp::Reverse(c.net.prefix_len()), c.tier, c.route));
    (out, skipped)
}

/// The route that carries traffic to `addr`: the longest-prefix match,
/// `None` when nothing matches or the match is a blackhole. Routes that
/// cannot be resolved are ignored (see [`unresolved`]).
pub fn lookup<'r>(
    rt: &'r RouteTable,
    addr: IpAddr,
    resolve: &PrefixLists<'_>,
) -> Option<&'r Route> {
    let (cands, _) = candidates(rt, resolve);
    let best = cands.iter().find(|c| c.net.contains(&addr))?;
    let route = &rt.routes[best.route];
    (!is_blackhole(route)).then_some(route)
}

/// For every route that carries traffic, the public addresses of `family`
/// whose longest-prefix match it is, in table order; routes that win no
/// public address (and blackholes) are left out. Walking the destination
/// blocks most-specific first, each claims what is still unclaimed, so the
/// sets are disjoint and a more specific route carves its hole out of a
/// default route.
pub fn internet_bound<'r>(
    rt: &'r RouteTable,
    family: Family,
    resolve: &PrefixLists<'_>,
) -> Vec<(&'r Route, AddrSet)> {
    let (cands, _) = candidates(rt, resolve);
    let mut remaining = match family {
        Family::V4 => public_v4(),
        Family::V6 => public_v6(),
    };
    let mut won: Vec<AddrSet> = vec![AddrSet::empty(); rt.routes.len()];
    for c in cands.iter().filter(|c| Family::of_net(&c.net) == family) {
        if remaining.is_empty() {
            break;
        }
        let block = AddrSet::from_net(c.net);
        let claim = remaining.intersection(&block);
        if claim.is_empty() {
            continue;
        }
        won[c.route] = won[c.route].union(&claim);
        remaining = remaining.difference(&block);
    }
    rt.routes
        .iter()
        .zip(won)
        .filter(|(r, set)| !set.is_empty() && !is_blackhole(r))
        .collect()
}

/// True when some public address (IPv4 or IPv6) is routed to an internet
/// gateway: `0.0.0.0/0 -> igw` or `::/0 -> igw`, but not when the default
/// route goes to a NAT gateway and only private space goes to the IGW, and
/// not for an egress-only internet gateway (it admits no inbound traffic).
/// Unresolved routes are ignored; [`igw_reach`] is the strict form.
pub fn has_igw_route_to_internet(rt: &RouteTable, resolve: &PrefixLists<'_>) -> bool {
    Family::BOTH.iter().any(|f| {
        internet_bound(rt, *f, resolve)
            .iter()
            .any(|(r, _)| matches!(r.target, RouteTarget::InternetGateway(_)))
    })
}

/// [`has_igw_route_to_internet`] that does not guess: when a route could
/// not be resolved, a `Yes` becomes `Unknown` (the unknown route might be
/// more specific and take the public addresses away), and so does a `No`
/// if an unresolved route itself targets an internet gateway.
pub fn igw_reach(rt: &RouteTable, resolve: &PrefixLists<'_>) -> Reach {
    let known = has_igw_route_to_internet(rt, resolve);
    let missing = unresolved(rt, resolve);
    if missing.is_empty() {
        return Reach::from_bool(known);
    }
    let unknown_igw = rt.routes.iter().any(|r| {
        matches!(r.target, RouteTarget::InternetGateway(_))
            && !is_blackhole(r)
            && r.destination_prefix_list_id
                .as_deref()
                .is_some_and(|pl| resolve(pl).is_err())
    }) || rt.routes.iter().any(|r| {
        matches!(r.target, RouteTarget::InternetGateway(_))
            && !is_blackhole(r)
            && r.destination_cidr_block
                .as_deref()
                .or(r.destination_ipv6_cidr_block.as_deref())
                .is_some_and(|c| parse_cidr(c).is_none())
    });
    if known || unknown_igw {
        Reach::Unknown(missing.join("; "))
    } else {
        Reach::No
    }
}

/// Why routes of the table were left out of the evaluation; empty when
/// every destination was read.
pub fn unresolved(rt: &RouteTable, resolve: &PrefixLists<'_>) -> Vec<String> {
    candidates(rt, resolve).1
}

#[cfg(test)]
mod tests {
    use super::super::no_prefix_lists;
    use super::*;

    fn route(dest: &str, target: RouteTarget) -> Route {
        let (v4, v6, pl) = if dest.starts_with("pl-") {
            (None, None, Some(dest.to_string()))
        } else if dest.contains(':') {
            (None, Some(dest.to_string()), None)
        } else {
            (Some(dest.to_string()), None, None)
        };
        Route {
            destination_cidr_block: v4,
            destination_ipv6_cidr_block: v6,
            destination_prefix_list_id: pl,
            target,
            state: Some("active".into()),
            origin: Some("CreateRoute".into()),
        }
    }

    fn table(routes: Vec<Route>) -> RouteTable {
        RouteTable {
            route_table_id: "rtb-1".into(),
            vpc_id: "vpc-1".into(),
            routes,
            associations: vec![],
            tags: Default::default(),
        }
    }

    fn igw() -> RouteTarget {
        RouteTarget::InternetGateway("igw-1".into())
    }

    fn nat() -> RouteTarget {
        RouteTarget::NatGateway("nat-1".into())
    }

    fn a(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn set(cidrs: &[&str]) -> AddrSet {
        AddrSet::from_nets(cidrs.iter().map(|c| c.parse().unwrap()))
    }

    fn lists(id: &str) -> Result<Vec<IpNet>, String> {
        match id {
            "pl-s3" => Ok(vec![
                "52.216.0.0/15".parse().unwrap(),
                "3.5.0.0/19".parse().unwrap(),
            ]),
            _ => no_prefix_lists(id),
        }
    }

    fn public_table() -> RouteTable {
        table(vec![
            route("10.0.0.0/16", RouteTarget::Local),
            route("0.0.0.0/0", igw()),
        ])
    }

    #[test]
    fn longest_prefix_match() {
        let rt = table(vec![
            route("0.0.0.0/0", igw()),
            route("10.0.0.0/16", RouteTarget::Local),
            route(
                "172.31.0.0/16",
                RouteTarget::VpcPeeringConnection("pcx-1".into()),
            ),
            route("172.31.5.0/24", RouteTarget::TransitGateway("tgw-1".into())),
        ]);
        let t = |addr: &str| lookup(&rt, a(addr), &no_prefix_lists).map(|r| r.target.clone());
        assert_eq!(t("10.0.3.4"), Some(RouteTarget::Local));
        assert_eq!(
            t("172.31.9.9"),
            Some(RouteTarget::VpcPeeringConnection("pcx-1".into()))
        );
        assert_eq!(
            t("172.31.5.9"),
            Some(RouteTarget::TransitGateway("tgw-1".into()))
        );
        assert_eq!(t("8.8.8.8"), Some(igw()));
        assert_eq!(t("2001:db8::1"), None, "no IPv6 route");
    }

    #[test]
    fn default_route_to_igw_is_internet() {
        assert!(has_igw_route_to_internet(&public_table(), &no_prefix_lists));
        assert_eq!(igw_reach(&public_table(), &no_prefix_lists), Reach::Yes);
        let rt = public_table();
        let bound = internet_bound(&rt, Family::V4, &no_prefix_lists);
        assert_eq!(bound.len(), 1);
        assert_eq!(bound[0].0.target, igw());
        assert_eq!(bound[0].1, public_v4());
    }

    #[test]
    fn nat_default_with_private_igw_route_is_not_internet() {
        let rt = table(vec![route("10.0.0.0/8", igw()), route("0.0.0.0/0", nat())]);
        assert!(!has_igw_route_to_internet(&rt, &no_prefix_lists));
        assert_eq!(igw_reach(&rt, &no_prefix_lists), Reach::No);
    }

    #[test]
    fn more_specific_non_igw_route_carves_a_hole() {
        let rt = table(vec![
            route("0.0.0.0/0", igw()),
            route(
                "198.51.100.0/24",
                RouteTarget::TransitGateway("tgw-1".into()),
            ),
        ]);
        let bound = internet_bound(&rt, Family::V4, &no_prefix_lists);
        assert_eq!(bound.len(), 2);
        let (r0, s0) = &bound[0];
        let (r1, s1) = &bound[1];
        assert_eq!(r0.target, igw());
        assert_eq!(*s0, public_v4().difference(&set(&["198.51.100.0/24"])));
        assert_eq!(r1.target, RouteTarget::TransitGateway("tgw-1".into()));
        assert_eq!(*s1, set(&["198.51.100.0/24"]));
        assert!(has_igw_route_to_internet(&rt, &no_prefix_lists));
        // A public /1 and /1 pair to NAT takes everything from the IGW.
        let rt = table(vec![
            route("0.0.0.0/0", igw()),
            route("0.0.0.0/1", nat()),
            route("128.0.0.0/1", nat()),
        ]);
        assert!(!has_igw_route_to_internet(&rt, &no_prefix_lists));
    }

    #[test]
    fn blackhole_routes_carry_nothing_and_still_win_the_match() {
        let mut dead = route("0.0.0.0/0", igw());
        dead.state = Some("blackhole".into());
        let rt = table(vec![route("10.0.0.0/16", RouteTarget::Local), dead]);
        assert!(!has_igw_route_to_internet(&rt, &no_prefix_lists));
        assert_eq!(lookup(&rt, a("8.8.8.8"), &no_prefix_lists), None);
        assert!(internet_bound(&rt, Family::V4, &no_prefix_lists).is_empty());

        // A more specific blackhole drops its block instead of falling back
        // to the IGW default.
        let mut hole = route("198.51.100.0/24", nat());
        hole.state = Some("blackhole".into());
        let rt = table(vec![route("0.0.0.0/0", igw()), hole]);
        assert_eq!(lookup(&rt, a("198.51.100.1"), &no_prefix_lists), None);
        assert_eq!(
            lookup(&rt, a("8.8.8.8"), &no_prefix_lists).unwrap().target,
            igw()
        );
        let bound = internet_bound(&rt, Family::V4, &no_prefix_lists);
        assert_eq!(bound.len(), 1);
        assert!(!bound[0].1.contains(a("198.51.100.1")));
    }

    #[test]
    fn prefix_list_routes() {
        let rt = table(vec![
            route("0.0.0.0/0", igw()),
            route("pl-s3", RouteTarget::VpcEndpoint("vpce-1".into())),
        ]);
        assert_eq!(
            lookup(&rt, a("52.217.1.1"), &lists).unwrap().target,
            RouteTarget::VpcEndpoint("vpce-1".into())
        );
        assert_eq!(lookup(&rt, a("8.8.8.8"), &lists).unwrap().target, igw());
        let bound = internet_bound(&rt, Family::V4, &lists);
        assert_eq!(bound[1].1, set(&["52.216.0.0/15", "3.5.0.0/19"]));
        assert!(unresolved(&rt, &lists).is_empty());
        assert_eq!(igw_reach(&rt, &lists), Reach::Yes);

        // Unresolved: ignored by the lenient answers, Unknown in the strict one.
        assert!(has_igw_route_to_internet(&rt, &no_prefix_lists));
        assert_eq!(
            igw_reach(&rt, &no_prefix_lists),
            Reach::unknown("route table rtb-1 prefix list pl-s3 entries not collected")
        );
        // An unresolved list to a NAT cannot create an IGW path: still No.
        let rt = table(vec![route("0.0.0.0/0", nat()), route("pl-x", nat())]);
        assert_eq!(igw_reach(&rt, &no_prefix_lists), Reach::No);
        // But an unresolved list to an IGW could.
        let rt = table(vec![route("0.0.0.0/0", nat()), route("pl-x", igw())]);
        assert!(igw_reach(&rt, &no_prefix_lists).is_unknown());
    }

    #[test]
    fn equal_prefix_static_beats_prefix_list_beats_propagated() {
        let mut propagated = route(
            "198.51.100.0/24",
            RouteTarget::VirtualPrivateGateway("vgw-1".into()),
        );
        propagated.origin = Some("EnableVgwRoutePropagation".into());
        let lists = |id: &str| match id {
            "pl-a" => Ok(vec!["198.51.100.0/24".parse().unwrap()]),
            _ => no_prefix_lists(id),
        };
        let rt = table(vec![
            propagated.clone(),
            route("pl-a", RouteTarget::TransitGateway("tgw-1".into())),
            route("198.51.100.0/24", igw()),
        ]);
        assert_eq!(
            lookup(&rt, a("198.51.100.1"), &lists).unwrap().target,
            igw()
        );
        let rt = table(vec![
            propagated,
            route("pl-a", RouteTarget::TransitGateway("tgw-1".into())),
        ]);
        assert_eq!(
            lookup(&rt, a("198.51.100.1"), &lists).unwrap().target,
            RouteTarget::TransitGateway("tgw-1".into())
        );
    }

    #[test]
    fn ipv6_default_to_egress_only_igw_is_not_an_igw() {
        let rt = table(vec![
            route("10.0.0.0/16", RouteTarget::Local),
            route("2001:db8:1::/56", RouteTarget::Local),
            route("0.0.0.0/0", nat()),
            route(
                "::/0",
                RouteTarget::EgressOnlyInternetGateway("eigw-1".into()),
            ),
        ]);
        assert!(!has_igw_route_to_internet(&rt, &no_prefix_lists));
        let bound = internet_bound(&rt, Family::V6, &no_prefix_lists);
        assert_eq!(bound.len(), 2, "the VPC's own block and the eigw");
        assert_eq!(
            bound[1].0.target,
            RouteTarget::EgressOnlyInternetGateway("eigw-1".into())
        );
        // And ::/0 to a real IGW is.
        let rt = table(vec![route("0.0.0.0/0", nat()), route("::/0", igw())]);
        assert!(has_igw_route_to_internet(&rt, &no_prefix_lists));
        assert_eq!(
            lookup(&rt, a("2001:db8::1"), &no_prefix_lists)
                .unwrap()
                .target,
            igw()
        );
    }

    #[test]
    fn unparseable_destination_is_reported() {
        let rt = table(vec![route("0.0.0.0/0", igw()), route("not-a-cidr", nat())]);
        assert_eq!(unresolved(&rt, &no_prefix_lists).len(), 1);
        assert!(igw_reach(&rt, &no_prefix_lists).is_unknown());
    }
}
