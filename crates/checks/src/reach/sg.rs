//! Security group evaluation. An ENI's security groups are a union: traffic
//! is admitted when *any* rule of *any* of its groups admits it, so callers
//! gather the rules of every group on the ENI into one slice and ask once.
//! The functions are direction-agnostic: pass ingress rules with the
//! traffic's source as the peer, or egress rules with its destination.
//!
//! Security groups are stateful, so unlike NACLs no reply check is needed.

use ipnet::IpNet;
use rampart_model::{CompactString, PortRange, SgPeer, SgRule};

use super::ip::{AddrSet, Family, contains_public, nets_overlap, parse_cidr};
use super::ports::{ALL_PORTS, Protocol, merge, rule_covers, rule_span};
use super::{PrefixLists, Reach};

/// Who is on the other end of the traffic being asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer<'a> {
    /// Any public address (see [`super::ip::public_v4`]); a rule admits the
    /// internet when its CIDR contains *some* public address.
    Internet,
    /// Addresses in this block; a rule admits it when the CIDRs overlap.
    Cidr(IpNet),
    /// Traffic from ENIs in these security groups (e.g. an NLB's groups);
    /// admitted only by rules that reference one of the groups.
    Members(&'a [CompactString]),
    /// A load balancer: its traffic comes from addresses in its subnets
    /// (CIDRs or its private IPs) *and* from members of its security groups,
    /// so either kind of rule admits it.
    CidrOrMembers {
        cidrs: &'a [IpNet],
        groups: &'a [CompactString],
    },
}

/// Does any rule admit `proto`/`port` from (or to) `peer`? `Yes` if some
/// rule covers the protocol and port and its peer overlaps `peer`; `Unknown`
/// if none does but a covering rule's peer could not be evaluated (a prefix
/// list whose entries were not collected, a CIDR or protocol that does not
/// parse); otherwise `No`.
pub fn admits(
    rules: &[&SgRule],
    proto: Protocol,
    port: u16,
    peer: &Peer<'_>,
    resolve: &PrefixLists<'_>,
) -> Reach {
    Reach::any(
        rules
            .iter()
            .map(|r| rule_admits(r, proto, port, peer, resolve)),
    )
}

/// One rule's verdict for [`admits`]: covers the traffic *and* its peer
/// matches. Useful to quote the rule(s) that open a path.
pub fn rule_admits(
    rule: &SgRule,
    proto: Protocol,
    port: u16,
    peer: &Peer<'_>,
    resolve: &PrefixLists<'_>,
) -> Reach {
    let covers = match Protocol::parse(&rule.protocol) {
        Some(rp) => Reach::from_bool(rule_covers(rp, rule.from_port, rule.to_port, proto, port)),
        None => Reach::Unknown(format!(
            "security group rule protocol {:?} not recognised",
            rule.protocol
        )),
    };
    if covers.is_no() {
        // Do not report a prefix list as missing for a rule that could not
        // have mattered.
        return Reach::No;
    }
    covers.and(peer_matches(rule, peer, resolve))
}

/// Does the rule's peer (CIDR, prefix list or group reference) overlap
/// `peer`, whatever its protocol and ports?
pub fn peer_matches(rule: &SgRule, peer: &Peer<'_>, resolve: &PrefixLists<'_>) -> Reach {
    match &rule.peer {
        SgPeer::Ipv4 { cidr } | SgPeer::Ipv6 { cidr } => match parse_cidr(cidr) {
            Some(net) => Reach::from_bool(net_matches(net, *peer)),
            None => Reach::Unknown(format!("security group rule CIDR {cidr:?} not parseable")),
        },
        SgPeer::PrefixList { prefix_list_id } => {
            if matches!(peer, &Peer::Members(_)) {
                // Group membership is not an address: no list can match it.
                return Reach::No;
            }
            match resolve(prefix_list_id) {
                Ok(nets) => Reach::from_bool(nets.iter().any(|n| net_matches(*n, *peer))),
                Err(why) => Reach::Unknown(why),
            }
        }
        // A group reference admits members of that group only: never the
        // internet, and never a bare CIDR (we cannot tell which ENIs live in
        // it; callers that know use `CidrOrMembers`).
        SgPeer::SecurityGroup { group_id, .. } => Reach::from_bool(match *peer {
            Peer::Members(groups) | Peer::CidrOrMembers { groups, .. } => {
                groups.iter().any(|g| g == group_id)
            }
            Peer::Internet | Peer::Cidr(_) => false,
        }),
    }
}

fn net_matches(net: IpNet, peer: Peer<'_>) -> bool {
    match peer {
        Peer::Internet => contains_public(net),
        Peer::Cidr(q) => nets_overlap(net, q),
        Peer::Members(_) => false,
        Peer::CidrOrMembers { cidrs, .. } => cidrs.iter().any(|c| nets_overlap(net, *c)),
    }
}

/// The ports of `proto` open to the internet, merged, plus the reasons some
/// rule could not be evaluated (deduplicated). All-protocol rules contribute
/// 0-65535. For ICMP the ranges are ICMP types (0-65535 meaning every type);
/// for other protocols 0-65535 means "open". An unknown does not shrink the
/// known ranges: the ranges are what is *certainly* open.
pub fn internet_ports(
    rules: &[&SgRule],
    proto: Protocol,
    resolve: &PrefixLists<'_>,
) -> (Vec<PortRange>, Vec<String>) {
    let mut ranges = Vec::new();
    let mut unknowns: Vec<String> = Vec::new();
    let mut note = |r: String| {
        if !unknowns.contains(&r) {
            unknowns.push(r);
        }
    };
    for rule in rules {
        let Some(rp) = Protocol::parse(&rule.protocol) else {
            note(format!(
                "security group rule protocol {:?} not recognised",
                rule.protocol
            ));
            continue;
        };
        if !rp.covers(proto) {
            continue;
        }
        match peer_matches(rule, &Peer::Internet, resolve) {
            Reach::Yes => ranges.push(rule_span(rp, rule.from_port, rule.to_port)),
            Reach::No => {}
            Reach::Unknown(r) => note(r),
        }
    }
    (merge(ranges), unknowns)
}

/// The rules (of any protocol and port) whose peer contains public address
/// space, for findings that quote the offending rule. Rules whose peer
/// cannot be evaluated are left out; [`peer_matches`] reports those.
pub fn internet_open_rules<'r>(rules: &'r [SgRule], resolve: &PrefixLists<'_>) -> Vec<&'r SgRule> {
    rules
        .iter()
        .filter(|r| peer_matches(r, &Peer::Internet, resolve).is_yes())
        .collect()
}

/// The addresses to (or from) which `rules` admit *every port* of `proto`
/// (`Tcp` or `Udp`), whichever rules together do it: one `tcp 0-65535`
/// rule, `0-32767` plus `32768-65535` for the same block, or an
/// all-protocol (`-1`) rule. Exact, not sampled: the port space is cut at
/// every rule's bounds, and within a piece each rule covers every port or
/// none, so one port per piece decides; an address is in the answer when
/// every piece admits it. Group references admit no address and are
/// skipped.
///
/// The set is what is *certainly* admitted. Rules whose protocol or peer
/// cannot be read are left out of it, and their reasons are returned
/// (deduplicated) only when they could change it: the answer is computed
/// again with each such rule admitting every address on every port of
/// `proto`, and a rule for one port that cannot complete any coverage
/// (tcp/443 to an uncollected prefix list) is no reason for doubt.
pub fn all_ports_peers(
    rules: &[&SgRule],
    proto: Protocol,
    resolve: &PrefixLists<'_>,
) -> (AddrSet, Vec<String>) {
    let mut unknowns: Vec<String> = Vec::new();
    let mut note = |r: String| {
        if !unknowns.contains(&r) {
            unknowns.push(r);
        }
    };
    let everything = || AddrSet::all(Family::V4).union(&AddrSet::all(Family::V6));
    let mut certain: Vec<(PortRange, AddrSet)> = Vec::new();
    let mut unread: Vec<(PortRange, AddrSet)> = Vec::new();
    for rule in rules {
        let Some(rp) = Protocol::parse(&rule.protocol) else {
            note(format!(
                "security group rule protocol {:?} not recognised",
                rule.protocol
            ));
            unread.push((ALL_PORTS, everything()));
            continue;
        };
        if !rp.covers(proto) {
            continue;
        }
        let span = rule_span(rp, rule.from_port, rule.to_port);
        match rule_nets(rule, resolve) {
            Ok(nets) if !nets.is_empty() => certain.push((span, AddrSet::from_nets(nets))),
            Ok(_) => {}
            Err(why) => {
                note(why);
                unread.push((span, everything()));
            }
        }
    }
    let sure = every_port(&certain);
    if !unknowns.is_empty() {
        certain.extend(unread);
        if every_port(&certain) == sure {
            unknowns.clear();
        }
    }
    (sure, unknowns)
}

/// The addresses every piece of the port space admits, given each rule's
/// port range and addresses (see [`all_ports_peers`]).
fn every_port(spans: &[(PortRange, AddrSet)]) -> AddrSet {
    if spans.is_empty() {
        return AddrSet::empty();
    }
    let mut cuts = vec![0];
    for (r, _) in spans {
        cuts.push(r.from);
        if r.to < 65535 {
            cuts.push(r.to + 1);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut full: Option<AddrSet> = None;
    for c in cuts {
        let here = spans
            .iter()
            .filter(|(r, _)| r.from <= c && c <= r.to)
            .fold(AddrSet::empty(), |acc, (_, s)| acc.union(s));
        let next = match full {
            None => here,
            Some(f) => f.intersection(&here),
        };
        if next.is_empty() {
            return next;
        }
        full = Some(next);
    }
    full.unwrap_or_default()
}

/// The addresses to (or from) which `rules` admit *all traffic*: every port
/// of TCP and every port of UDP (so any service, whatever it listens on),
/// which an all-protocol (`-1`) rule gives at once and `tcp 0-65535` plus
/// `udp 0-65535` give together. ICMP is not required: it carries no
/// service. The unknowns are as in [`all_ports_peers`].
pub fn all_traffic_peers(rules: &[&SgRule], resolve: &PrefixLists<'_>) -> (AddrSet, Vec<String>) {
    let (tcp, mut unknowns) = all_ports_peers(rules, Protocol::Tcp, resolve);
    let (udp, more) = all_ports_peers(rules, Protocol::Udp, resolve);
    for m in more {
        if !unknowns.contains(&m) {
            unknowns.push(m);
        }
    }
    (tcp.intersection(&udp), unknowns)
}

/// The CIDR blocks a rule's peer names: its CIDR, or its prefix list's
/// entries; none for a group reference.
fn rule_nets(rule: &SgRule, resolve: &PrefixLists<'_>) -> Result<Vec<IpNet>, String> {
    match &rule.peer {
        SgPeer::Ipv4 { cidr } | SgPeer::Ipv6 { cidr } => parse_cidr(cidr)
            .map(|n| vec![n])
            .ok_or_else(|| format!("security group rule CIDR {cidr:?} not parseable")),
        SgPeer::PrefixList { prefix_list_id } => resolve(prefix_list_id),
        SgPeer::SecurityGroup { .. } => Ok(vec![]),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::no_prefix_lists;
    use super::super::ports::range_contains;
    use super::*;

    fn rule(proto: &str, from: Option<i32>, to: Option<i32>, peer: SgPeer) -> SgRule {
        SgRule {
            protocol: proto.into(),
            from_port: from,
            to_port: to,
            peer,
            description: None,
        }
    }

    fn tcp(from: i32, to: i32, peer: SgPeer) -> SgRule {
        rule("tcp", Some(from), Some(to), peer)
    }

    fn v4(c: &str) -> SgPeer {
        SgPeer::Ipv4 { cidr: c.into() }
    }

    fn v6(c: &str) -> SgPeer {
        SgPeer::Ipv6 { cidr: c.into() }
    }

    fn pl(id: &str) -> SgPeer {
        SgPeer::PrefixList {
            prefix_list_id: id.into(),
        }
    }

    fn sg(id: &str) -> SgPeer {
        SgPeer::SecurityGroup {
            group_id: id.into(),
            user_id: None,
            vpc_id: None,
            peering_status: None,
        }
    }

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    /// pl-public holds one public /24, pl-private only RFC 1918 space;
    /// everything else is uncollected.
    fn lists(id: &str) -> Result<Vec<IpNet>, String> {
        match id {
            "pl-public" => Ok(vec![net("10.0.0.0/8"), net("198.51.100.0/24")]),
            "pl-private" => Ok(vec![net("10.0.0.0/8"), net("192.168.0.0/16")]),
            _ => no_prefix_lists(id),
        }
    }

    fn refs(rules: &[SgRule]) -> Vec<&SgRule> {
        rules.iter().collect()
    }

    fn pr(from: i32, to: i32) -> PortRange {
        PortRange { from, to }
    }

    #[test]
    fn internet_cidrs_v4_and_v6() {
        let rules = [tcp(443, 443, v4("0.0.0.0/0"))];
        let r = refs(&rules);
        assert_eq!(
            admits(&r, Protocol::Tcp, 443, &Peer::Internet, &lists),
            Reach::Yes
        );
        assert_eq!(
            admits(&r, Protocol::Tcp, 22, &Peer::Internet, &lists),
            Reach::No
        );
        assert_eq!(
            admits(&r, Protocol::Udp, 443, &Peer::Internet, &lists),
            Reach::No
        );

        // A single public address is internet too; private space is not.
        let rules = [
            tcp(22, 22, v4("198.51.100.7/32")),
            tcp(80, 80, v4("10.0.0.0/8")),
        ];
        let r = refs(&rules);
        assert_eq!(
            admits(&r, Protocol::Tcp, 22, &Peer::Internet, &lists),
            Reach::Yes
        );
        assert_eq!(
            admits(&r, Protocol::Tcp, 80, &Peer::Internet, &lists),
            Reach::No
        );

        let rules = [tcp(443, 443, v6("::/0")), tcp(80, 80, v6("fd00::/8"))];
        let r = refs(&rules);
        assert_eq!(
            admits(&r, Protocol::Tcp, 443, &Peer::Internet, &lists),
            Reach::Yes
        );
        assert_eq!(
            admits(&r, Protocol::Tcp, 80, &Peer::Internet, &lists),
            Reach::No
        );
    }

    #[test]
    fn protocol_all_vs_ranges_vs_icmp() {
        let rules = [rule("-1", None, None, v4("0.0.0.0/0"))];
        let r = refs(&rules);
        for (p, port) in [
            (Protocol::Tcp, 22),
            (Protocol::Udp, 53),
            (Protocol::Icmp, 8),
        ] {
            assert_eq!(admits(&r, p, port, &Peer::Internet, &lists), Reach::Yes);
        }
        let rules = [
            tcp(8000, 8100, v4("0.0.0.0/0")),
            rule("icmp", Some(-1), Some(-1), v4("0.0.0.0/0")),
        ];
        let r = refs(&rules);
        assert_eq!(
            admits(&r, Protocol::Tcp, 8080, &Peer::Internet, &lists),
            Reach::Yes
        );
        assert_eq!(
            admits(&r, Protocol::Tcp, 8101, &Peer::Internet, &lists),
            Reach::No
        );
        assert_eq!(
            admits(&r, Protocol::Icmp, 8, &Peer::Internet, &lists),
            Reach::Yes
        );
        // The ICMP rule must not open tcp/22 even though -1 means "all types".
        assert_eq!(
            admits(&r, Protocol::Tcp, 22, &Peer::Internet, &lists),
            Reach::No
        );
    }

    #[test]
    fn prefix_lists_resolved_and_unresolved() {
        let rules = [tcp(443, 443, pl("pl-public"))];
        assert_eq!(
            admits(&refs(&rules), Protocol::Tcp, 443, &Peer::Internet, &lists),
            Reach::Yes
        );
        let rules = [tcp(443, 443, pl("pl-private"))];
        assert_eq!(
            admits(&refs(&rules), Protocol::Tcp, 443, &Peer::Internet, &lists),
            Reach::No
        );
        let rules = [tcp(443, 443, pl("pl-123"))];
        let r = refs(&rules);
        assert_eq!(
            admits(&r, Protocol::Tcp, 443, &Peer::Internet, &lists),
            Reach::unknown("prefix list pl-123 entries not collected")
        );
        // Not covering the port: the missing list cannot matter.
        assert_eq!(
            admits(&r, Protocol::Tcp, 22, &Peer::Internet, &lists),
            Reach::No
        );
        // Some other rule says yes: Yes wins over Unknown.
        let rules = [tcp(443, 443, pl("pl-123")), tcp(443, 443, v4("0.0.0.0/0"))];
        assert_eq!(
            admits(
                &refs(&rules),
                Protocol::Tcp,
                443,
                &Peer::Internet,
                &no_prefix_lists
            ),
            Reach::Yes
        );
    }

    #[test]
    fn unparseable_rule_input_is_unknown_not_no() {
        let rules = [tcp(22, 22, v4("garbage"))];
        assert!(admits(&refs(&rules), Protocol::Tcp, 22, &Peer::Internet, &lists).is_unknown());
        let rules = [rule("sctp-ish", None, None, v4("0.0.0.0/0"))];
        assert!(admits(&refs(&rules), Protocol::Tcp, 22, &Peer::Internet, &lists).is_unknown());
    }

    #[test]
    fn security_group_references() {
        let nlb: Vec<CompactString> = vec!["sg-nlb".into()];
        let other: Vec<CompactString> = vec!["sg-other".into()];
        let rules = [tcp(8080, 8080, sg("sg-nlb"))];
        let r = refs(&rules);
        assert_eq!(
            admits(&r, Protocol::Tcp, 8080, &Peer::Members(&nlb), &lists),
            Reach::Yes
        );
        assert_eq!(
            admits(&r, Protocol::Tcp, 8080, &Peer::Members(&other), &lists),
            Reach::No
        );
        assert_eq!(
            admits(&r, Protocol::Tcp, 8081, &Peer::Members(&nlb), &lists),
            Reach::No
        );
        // A group reference never admits the internet, nor a bare CIDR.
        assert_eq!(
            admits(&r, Protocol::Tcp, 8080, &Peer::Internet, &lists),
            Reach::No
        );
        assert_eq!(
            admits(
                &r,
                Protocol::Tcp,
                8080,
                &Peer::Cidr(net("0.0.0.0/0")),
                &lists
            ),
            Reach::No
        );
        // CIDR rules and prefix lists never admit group members as such.
        let rules = [
            tcp(8080, 8080, v4("0.0.0.0/0")),
            tcp(8080, 8080, pl("pl-123")),
        ];
        assert_eq!(
            admits(
                &refs(&rules),
                Protocol::Tcp,
                8080,
                &Peer::Members(&nlb),
                &lists
            ),
            Reach::No
        );
    }

    #[test]
    fn load_balancer_peer_matches_cidrs_or_groups() {
        let subnets = [net("10.0.1.0/24"), net("10.0.2.0/24")];
        let groups: Vec<CompactString> = vec!["sg-alb".into()];
        let lb = Peer::CidrOrMembers {
            cidrs: &subnets,
            groups: &groups,
        };
        let by_vpc_cidr = [tcp(80, 80, v4("10.0.0.0/16"))];
        let by_group = [tcp(80, 80, sg("sg-alb"))];
        let by_other_subnet = [tcp(80, 80, v4("10.0.3.0/24"))];
        let by_one_ip = [tcp(80, 80, v4("10.0.2.17/32"))];
        assert_eq!(
            admits(&refs(&by_vpc_cidr), Protocol::Tcp, 80, &lb, &lists),
            Reach::Yes
        );
        assert_eq!(
            admits(&refs(&by_group), Protocol::Tcp, 80, &lb, &lists),
            Reach::Yes
        );
        assert_eq!(
            admits(&refs(&by_other_subnet), Protocol::Tcp, 80, &lb, &lists),
            Reach::No
        );
        assert_eq!(
            admits(&refs(&by_one_ip), Protocol::Tcp, 80, &lb, &lists),
            Reach::Yes
        );
        assert_eq!(
            admits(
                &refs(&by_vpc_cidr),
                Protocol::Tcp,
                80,
                &Peer::Cidr(net("10.0.9.9/32")),
                &lists
            ),
            Reach::Yes
        );
    }

    #[test]
    fn several_groups_on_one_eni_are_a_union() {
        // Group A: ssh from the office; group B: https from anywhere.
        let group_a = [tcp(22, 22, v4("10.20.0.0/16"))];
        let group_b = [tcp(443, 443, v4("0.0.0.0/0")), tcp(22, 22, pl("pl-123"))];
        let union: Vec<&SgRule> = group_a.iter().chain(group_b.iter()).collect();
        assert_eq!(
            admits(&union, Protocol::Tcp, 443, &Peer::Internet, &lists),
            Reach::Yes
        );
        assert!(admits(&union, Protocol::Tcp, 22, &Peer::Internet, &lists).is_unknown());
        assert_eq!(
            admits(
                &union,
                Protocol::Tcp,
                22,
                &Peer::Cidr(net("10.20.1.1/32")),
                &lists
            ),
            Reach::Yes
        );
        // Group A alone never opens 443.
        assert_eq!(
            admits(&refs(&group_a), Protocol::Tcp, 443, &Peer::Internet, &lists),
            Reach::No
        );
    }

    #[test]
    fn internet_ports_merges_and_reports_unknowns() {
        let rules = [
            tcp(80, 80, v4("0.0.0.0/0")),
            tcp(81, 90, v6("::/0")),
            tcp(443, 443, v4("198.51.100.0/24")),
            tcp(22, 22, v4("10.0.0.0/8")),
            tcp(8443, 8443, sg("sg-x")),
            rule("udp", Some(53), Some(53), v4("0.0.0.0/0")),
            tcp(3389, 3389, pl("pl-123")),
            tcp(5432, 5432, pl("pl-123")),
            tcp(9000, 9000, pl("pl-public")),
        ];
        let (ports, unknowns) = internet_ports(&refs(&rules), Protocol::Tcp, &lists);
        assert_eq!(ports, vec![pr(80, 90), pr(443, 443), pr(9000, 9000)]);
        assert_eq!(
            unknowns,
            vec!["prefix list pl-123 entries not collected".to_string()]
        );
        let (ports, _) = internet_ports(&refs(&rules), Protocol::Udp, &lists);
        assert_eq!(ports, vec![pr(53, 53)]);

        let rules = [
            rule("-1", None, None, v4("0.0.0.0/0")),
            tcp(22, 22, v4("0.0.0.0/0")),
        ];
        let (ports, unknowns) = internet_ports(&refs(&rules), Protocol::Tcp, &lists);
        assert_eq!(ports, vec![pr(0, 65535)]);
        assert!(unknowns.is_empty());
    }

    #[test]
    fn internet_open_rules_quotes_the_offenders() {
        let rules = vec![
            tcp(22, 22, v4("0.0.0.0/0")),
            tcp(22, 22, v4("10.0.0.0/8")),
            tcp(443, 443, v6("2001:db8::/32")),
            tcp(80, 80, sg("sg-lb")),
            tcp(80, 80, pl("pl-123")),
            tcp(80, 80, pl("pl-public")),
        ];
        let open = internet_open_rules(&rules, &lists);
        assert_eq!(open, vec![&rules[0], &rules[2], &rules[5]]);
    }

    fn udp(from: i32, to: i32, peer: SgPeer) -> SgRule {
        rule("udp", Some(from), Some(to), peer)
    }

    fn addrs(cidrs: &[&str]) -> AddrSet {
        AddrSet::from_nets(cidrs.iter().map(|c| net(c)))
    }

    /// Issue 13 item 11: `tcp 0-65535` plus `udp 0-65535` is all traffic,
    /// as `-1` is; ports may be spread over rules (and over the groups of
    /// one ENI, whose rules are a union: "Security group rules",
    /// https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
    #[test]
    fn all_traffic_is_every_tcp_and_every_udp_port() {
        let rules = [rule("-1", None, None, v4("0.0.0.0/0"))];
        assert_eq!(
            all_traffic_peers(&refs(&rules), &lists).0,
            addrs(&["0.0.0.0/0"])
        );
        // tcp and udp for the same block; tcp alone is not all traffic.
        let rules = [
            tcp(0, 65535, v4("0.0.0.0/0")),
            udp(0, 65535, v4("198.51.100.0/24")),
        ];
        assert_eq!(
            all_traffic_peers(&refs(&rules), &lists).0,
            addrs(&["198.51.100.0/24"])
        );
        assert_eq!(
            all_ports_peers(&refs(&rules), Protocol::Tcp, &lists).0,
            addrs(&["0.0.0.0/0"])
        );
        // Split port ranges join; a gap of one port breaks them.
        let rules = [
            tcp(0, 32767, v6("::/0")),
            tcp(32768, 65535, v6("2001:db8::/32")),
            rule("udp", None, None, v6("::/0")),
        ];
        assert_eq!(
            all_traffic_peers(&refs(&rules), &lists).0,
            addrs(&["2001:db8::/32"])
        );
        let rules = [
            tcp(0, 32766, v4("0.0.0.0/0")),
            tcp(32768, 65535, v4("0.0.0.0/0")),
        ];
        assert!(
            all_ports_peers(&refs(&rules), Protocol::Tcp, &lists)
                .0
                .is_empty()
        );
        // ICMP is not needed; group references admit no address; an
        // unresolvable list is reported, not guessed.
        let rules = [
            tcp(0, 65535, pl("pl-public")),
            udp(0, 65535, pl("pl-public")),
            tcp(0, 65535, sg("sg-x")),
            udp(0, 65535, pl("pl-123")),
        ];
        let (got, unknowns) = all_traffic_peers(&refs(&rules), &lists);
        assert_eq!(got, addrs(&["10.0.0.0/8", "198.51.100.0/24"]));
        assert_eq!(
            unknowns,
            vec!["prefix list pl-123 entries not collected".to_string()]
        );
        assert!(all_traffic_peers(&[], &lists).0.is_empty());
        // An unreadable rule for one port cannot complete a coverage: no
        // doubt from it.
        let rules = [tcp(443, 443, pl("pl-123")), tcp(0, 65535, v4("0.0.0.0/0"))];
        let (got, unknowns) = all_ports_peers(&refs(&rules), Protocol::Tcp, &lists);
        assert_eq!(got, addrs(&["0.0.0.0/0"]));
        assert!(unknowns.is_empty(), "{unknowns:?}");
        let rules = [
            tcp(443, 443, pl("pl-123")),
            tcp(0, 442, v4("0.0.0.0/0")),
            tcp(444, 65535, v4("0.0.0.0/0")),
        ];
        let (got, unknowns) = all_ports_peers(&refs(&rules), Protocol::Tcp, &lists);
        assert!(got.is_empty());
        assert_eq!(
            unknowns.len(),
            1,
            "the list may hold the missing port's peers"
        );
    }

    // ------------------------------------------------------------ properties

    fn any_rule() -> impl Strategy<Value = SgRule> {
        let peer = prop::sample::select(vec![
            v4("0.0.0.0/0"),
            v4("10.0.0.0/8"),
            v4("198.51.100.7/32"),
            v6("::/0"),
            v6("fc00::/7"),
            sg("sg-a"),
            pl("pl-public"),
            pl("pl-private"),
        ]);
        let proto = prop::sample::select(vec!["-1", "tcp", "udp", "icmp", "6"]);
        let bound = prop_oneof![Just(None), Just(Some(-1)), (0i32..100).prop_map(Some)];
        (proto, bound.clone(), bound, peer).prop_map(|(p, f, t, peer)| rule(p, f, t, peer))
    }

    proptest! {
        /// `internet_ports` must agree with asking `admits` port by port.
        #[test]
        fn internet_ports_agrees_with_admits_per_port(
            rules in prop::collection::vec(any_rule(), 0..6),
            proto in prop::sample::select(vec![Protocol::Tcp, Protocol::Udp, Protocol::Icmp]),
        ) {
            let r = refs(&rules);
            let (ports, unknowns) = internet_ports(&r, proto, &lists);
            prop_assert!(unknowns.is_empty());
            for port in 0u16..130 {
                let brute = admits(&r, proto, port, &Peer::Internet, &lists);
                let listed = ports.iter().any(|pr| range_contains(*pr, port));
                prop_assert_eq!(brute.is_yes(), listed, "port {}", port);
                prop_assert!(!brute.is_unknown());
            }
        }
    }
}
