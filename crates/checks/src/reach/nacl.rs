//! Network ACL evaluation. NACLs are stateless and ordered: for each packet
//! the entries of its direction are tried in rule-number order, the first
//! entry whose CIDR, protocol and ports match decides, and nothing matching
//! means deny (the `*` entry, rule 32767, which a snapshot may or may not
//! list). Because the answer differs per address, the primitives work on
//! [`AddrSet`]s and are exact: each entry claims, from the addresses not yet
//! decided, those inside its CIDR.
//!
//! Malformed entries (an unknown protocol or action, a missing or
//! unparseable CIDR) cannot be evaluated; they are skipped, and
//! [`malformed`] lists them so the caller can mark its answer not evaluated.

use rampart_model::NaclEntry;

use super::ip::{AddrSet, parse_cidr};
use super::ports::{EPHEMERAL, Protocol, rule_covers, rule_span};

/// An entry in the form the evaluation needs.
struct Entry {
    allow: bool,
    proto: Protocol,
    from: Option<i32>,
    to: Option<i32>,
    net: AddrSet,
}

impl Entry {
    fn parse(e: &NaclEntry) -> Result<Entry, String> {
        let proto = Protocol::parse(&e.protocol).ok_or_else(|| {
            format!(
                "NACL rule {} protocol {:?} not recognised",
                e.rule_number, e.protocol
            )
        })?;
        let action = e.rule_action.as_str();
        let allow = if action.eq_ignore_ascii_case("allow") {
            true
        } else if action.eq_ignore_ascii_case("deny") {
            false
        } else {
            return Err(format!(
                "NACL rule {} action {:?} not recognised",
                e.rule_number,
                action.to_ascii_lowercase()
            ));
        };
        let cidr = e.cidr_block.as_deref().or(e.ipv6_cidr_block.as_deref());
        let net = cidr
            .and_then(parse_cidr)
            .ok_or_else(|| format!("NACL rule {} CIDR {cidr:?} not parseable", e.rule_number))?;
        // For ICMP the rule's "ports" are the ICMP type and code, exactly as
        // for security groups; for tcp/udp a missing range means all ports.
        let (from, to) = if proto.is_icmp() {
            e.icmp_type_code
                .map_or((None, None), |i| (i.icmp_type, i.code))
        } else {
            e.port_range
                .map_or((None, None), |p| (Some(p.from), Some(p.to)))
        };
        Ok(Entry {
            allow,
            proto,
            from,
            to,
            net: AddrSet::from_net(net),
        })
    }

    fn covers(&self, proto: Protocol, port: u16) -> bool {
        rule_covers(self.proto, self.from, self.to, proto, port)
    }
}

/// The parseable entries of one direction, in evaluation order.
fn ordered(entries: &[NaclEntry], egress: bool) -> Vec<Entry> {
    let mut v: Vec<&NaclEntry> = entries.iter().filter(|e| e.egress == egress).collect();
    v.sort_by_key(|e| e.rule_number);
    v.into_iter().filter_map(|e| Entry::parse(e).ok()).collect()
}

fn first_match(entries: &[Entry], proto: Protocol, port: u16, candidates: AddrSet) -> AddrSet {
    let mut remaining = candidates;
    let mut allowed = AddrSet::empty();
    for e in entries {
        if remaining.is_empty() {
            break;
        }
        if !e.covers(proto, port) {
            continue;
        }
        let hit = remaining.intersection(&e.net);
        if hit.is_empty() {
            continue;
        }
        if e.allow {
            allowed = allowed.union(&hit);
        }
        remaining = remaining.difference(&e.net);
    }
    // Whatever is left matched nothing: the implicit deny.
    allowed
}

/// The subset of `candidates` whose traffic of `proto` to `port` the NACL
/// allows in one direction: the remote addresses of inbound traffic
/// (`egress == false`, sources) or of outbound traffic (`egress == true`,
/// destinations). `port` is the destination port (the ICMP type for ICMP).
/// Entries of the other address family never match, as in AWS.
pub fn allowed_sources(
    entries: &[NaclEntry],
    egress: bool,
    proto: Protocol,
    port: u16,
    candidates: &AddrSet,
) -> AddrSet {
    first_match(&ordered(entries, egress), proto, port, candidates.clone())
}

/// The sources in `sources` that can hold a conversation with `port`
/// through the NACL: their inbound traffic is allowed *and* the reply (same
/// protocol, from `port` back to the source's ephemeral port) is allowed
/// outbound.
///
/// A client's ephemeral port is not known, so for tcp/udp a source passes
/// the reply check when *some* port in 1024-65535 is allowed outbound to it
/// by first match: some client OS (or NAT) would pick a working port. This
/// is computed exactly, not sampled: the ephemeral range is cut at every
/// outbound entry's port bounds, and within a piece every entry either
/// covers all ports or none, so one representative port per piece decides.
/// The approximation is therefore only the "some port" reading, which errs
/// towards reporting a path as open (a NACL that allows only 49152-65535
/// outbound passes for Windows-like clients and fails for Linux ones).
///
/// For protocols without ports the reply check asks the same question
/// outbound (protocol, and for ICMP the same type); ICMP echo replies are a
/// different type, and callers that care about ping should ask about type 0
/// outbound themselves.
pub fn round_trip(entries: &[NaclEntry], proto: Protocol, port: u16, sources: &AddrSet) -> AddrSet {
    let inbound = allowed_sources(entries, false, proto, port, sources);
    if inbound.is_empty() {
        return inbound;
    }
    replies(&ordered(entries, true), proto, port, inbound)
}

/// The peers in `peers` to which a reply passes `entries` (one direction,
/// in order): for protocols with ports, to *some* ephemeral port
/// (1024-65535), computed exactly: the range is cut at every covering
/// entry's bounds and one port per piece decides; for the others, the
/// same protocol (and ICMP type) as the request.
fn replies(entries: &[Entry], proto: Protocol, port: u16, peers: AddrSet) -> AddrSet {
    if !proto.has_ports() {
        return first_match(entries, proto, port, peers);
    }
    // Cut points: where some covering entry's range starts or ends, within
    // the ephemeral range.
    let mut cuts = vec![EPHEMERAL.from];
    for e in entries.iter().filter(|e| e.proto.covers(proto)) {
        let span = rule_span(e.proto, e.from, e.to);
        for c in [span.from, span.to.saturating_add(1)] {
            if EPHEMERAL.from < c && c <= EPHEMERAL.to {
                cuts.push(c);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut passed = AddrSet::empty();
    for c in cuts {
        let port = u16::try_from(c).expect("cut within the ephemeral range");
        passed = passed.union(&first_match(entries, proto, port, peers.clone()));
        if passed == peers {
            break;
        }
    }
    passed
}

/// [`round_trip`] seen from the sender's side: the destinations in
/// `dests` that traffic of `proto` to `port` may leave for (outbound, by
/// first match) *and* whose reply, from `port` back to the sender's
/// ephemeral port (some port in 1024-65535, as in [`round_trip`]), is let
/// back in. A load balancer node talking to a target in another subnet
/// crosses its own subnet's NACL this way.
pub fn round_trip_out(
    entries: &[NaclEntry],
    proto: Protocol,
    port: u16,
    dests: &AddrSet,
) -> AddrSet {
    let outbound = allowed_sources(entries, true, proto, port, dests);
    if outbound.is_empty() {
        return outbound;
    }
    replies(&ordered(entries, false), proto, port, outbound)
}

/// Why each entry that cannot be evaluated was skipped, in entry order. A
/// non-empty list means [`allowed_sources`] and [`round_trip`] may be wrong
/// (a skipped deny could have blocked, a skipped allow could have opened).
pub fn malformed(entries: &[NaclEntry]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|e| Entry::parse(e).err())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use proptest::prelude::*;
    use rampart_model::{IcmpTypeCode, PortRange};

    use super::*;
    use crate::reach::ip::{public_v4, public_v6};

    fn entry(
        egress: bool,
        n: i32,
        proto: &str,
        action: &str,
        cidr: &str,
        ports: Option<(i32, i32)>,
    ) -> NaclEntry {
        let v6 = cidr.contains(':');
        NaclEntry {
            egress,
            rule_number: n,
            protocol: proto.into(),
            rule_action: action.into(),
            cidr_block: (!v6).then(|| cidr.to_string()),
            ipv6_cidr_block: v6.then(|| cidr.to_string()),
            port_range: ports.map(|(from, to)| PortRange { from, to }),
            icmp_type_code: None,
        }
    }

    fn inb(n: i32, proto: &str, action: &str, cidr: &str, ports: Option<(i32, i32)>) -> NaclEntry {
        entry(false, n, proto, action, cidr, ports)
    }

    fn outb(n: i32, proto: &str, action: &str, cidr: &str, ports: Option<(i32, i32)>) -> NaclEntry {
        entry(true, n, proto, action, cidr, ports)
    }

    fn set(cidrs: &[&str]) -> AddrSet {
        AddrSet::from_nets(cidrs.iter().map(|c| c.parse().unwrap()))
    }

    fn internet() -> AddrSet {
        public_v4().union(&public_v6())
    }

    /// The AWS default NACL: allow everything, then the `*` deny.
    fn default_nacl() -> Vec<NaclEntry> {
        vec![
            inb(100, "-1", "allow", "0.0.0.0/0", None),
            inb(101, "-1", "allow", "::/0", None),
            inb(32767, "-1", "deny", "0.0.0.0/0", None),
            inb(32768, "-1", "deny", "::/0", None),
            outb(100, "-1", "allow", "0.0.0.0/0", None),
            outb(101, "-1", "allow", "::/0", None),
            outb(32767, "-1", "deny", "0.0.0.0/0", None),
            outb(32768, "-1", "deny", "::/0", None),
        ]
    }

    #[test]
    fn default_nacl_allows_everything_both_ways() {
        let n = default_nacl();
        assert_eq!(
            allowed_sources(&n, false, Protocol::Tcp, 22, &internet()),
            internet()
        );
        assert_eq!(round_trip(&n, Protocol::Tcp, 22, &internet()), internet());
    }

    #[test]
    fn deny_before_allow_blocks() {
        let n = vec![
            inb(100, "6", "deny", "0.0.0.0/0", Some((22, 22))),
            inb(200, "-1", "allow", "0.0.0.0/0", None),
        ];
        let all = AddrSet::all(crate::reach::ip::Family::V4);
        assert!(allowed_sources(&n, false, Protocol::Tcp, 22, &all).is_empty());
        // The deny is for 22 only: 443 falls through to the allow.
        assert_eq!(allowed_sources(&n, false, Protocol::Tcp, 443, &all), all);
        // udp/22 is not tcp/22.
        assert_eq!(allowed_sources(&n, false, Protocol::Udp, 22, &all), all);
    }

    #[test]
    fn allow_before_deny_wins() {
        let n = vec![
            inb(100, "6", "allow", "0.0.0.0/0", Some((22, 22))),
            inb(200, "-1", "deny", "0.0.0.0/0", None),
        ];
        let all = AddrSet::all(crate::reach::ip::Family::V4);
        assert_eq!(allowed_sources(&n, false, Protocol::Tcp, 22, &all), all);
        assert!(allowed_sources(&n, false, Protocol::Tcp, 23, &all).is_empty());
    }

    #[test]
    fn rule_number_not_list_order_decides() {
        let n = vec![
            inb(200, "-1", "allow", "0.0.0.0/0", None),
            inb(100, "-1", "deny", "0.0.0.0/0", None),
        ];
        assert!(allowed_sources(&n, false, Protocol::Tcp, 80, &public_v4()).is_empty());
    }

    #[test]
    fn partial_overlap_allows_exactly_the_allowed_block() {
        let n = vec![
            inb(100, "6", "allow", "203.0.113.0/24", Some((443, 443))),
            inb(200, "-1", "deny", "0.0.0.0/0", None),
        ];
        let got = allowed_sources(&n, false, Protocol::Tcp, 443, &internet());
        assert_eq!(got, set(&["203.0.113.0/24"]));
        assert_eq!(got.to_string(), "203.0.113.0/24");
    }

    #[test]
    fn more_specific_deny_carves_a_hole_only_if_first() {
        let n = vec![
            inb(90, "-1", "deny", "198.51.100.0/25", None),
            inb(100, "-1", "allow", "198.51.100.0/24", None),
        ];
        let got = allowed_sources(&n, false, Protocol::Tcp, 80, &set(&["198.51.100.0/24"]));
        assert_eq!(got, set(&["198.51.100.128/25"]));
    }

    #[test]
    fn missing_catch_all_entry_is_still_an_implicit_deny() {
        // Only an allow for one block, no 32767 entry listed.
        let n = vec![inb(100, "-1", "allow", "192.0.2.0/24", None)];
        let got = allowed_sources(&n, false, Protocol::Tcp, 80, &internet());
        assert_eq!(got, set(&["192.0.2.0/24"]));
        // And nothing at all for a direction with no entries.
        assert!(allowed_sources(&n, true, Protocol::Tcp, 80, &internet()).is_empty());
    }

    #[test]
    fn entries_of_the_other_family_are_skipped() {
        let n = vec![
            inb(100, "-1", "deny", "::/0", None),
            inb(200, "-1", "allow", "0.0.0.0/0", None),
        ];
        assert_eq!(
            allowed_sources(&n, false, Protocol::Tcp, 80, &public_v4()),
            public_v4()
        );
        assert!(allowed_sources(&n, false, Protocol::Tcp, 80, &public_v6()).is_empty());
    }

    #[test]
    fn ipv6_entries() {
        let n = vec![
            inb(100, "6", "allow", "2001:db8::/32", Some((443, 443))),
            outb(100, "6", "allow", "::/0", Some((1024, 65535))),
        ];
        assert_eq!(
            round_trip(&n, Protocol::Tcp, 443, &internet()),
            set(&["2001:db8::/32"])
        );
    }

    #[test]
    fn icmp_entries_match_type() {
        let mut echo = inb(100, "1", "allow", "0.0.0.0/0", None);
        echo.icmp_type_code = Some(IcmpTypeCode {
            icmp_type: Some(8),
            code: Some(-1),
        });
        let n = vec![echo];
        assert_eq!(
            allowed_sources(&n, false, Protocol::Icmp, 8, &public_v4()),
            public_v4()
        );
        assert!(allowed_sources(&n, false, Protocol::Icmp, 3, &public_v4()).is_empty());
        assert!(allowed_sources(&n, false, Protocol::Tcp, 8, &public_v4()).is_empty());
    }

    #[test]
    fn missing_ephemeral_outbound_empties_the_round_trip() {
        // Inbound 443 allowed; outbound only 443 (a common mistake).
        let n = vec![
            inb(100, "6", "allow", "0.0.0.0/0", Some((443, 443))),
            outb(100, "6", "allow", "0.0.0.0/0", Some((443, 443))),
        ];
        assert_eq!(
            allowed_sources(&n, false, Protocol::Tcp, 443, &public_v4()),
            public_v4()
        );
        assert!(round_trip(&n, Protocol::Tcp, 443, &public_v4()).is_empty());
    }

    #[test]
    fn round_trip_ephemeral_pieces() {
        // Outbound: deny 1024-49151 to everyone, then allow all tcp to one
        // block. Some ephemeral port (49152+) works for that block only.
        let n = vec![
            inb(100, "-1", "allow", "0.0.0.0/0", None),
            outb(100, "6", "deny", "0.0.0.0/0", Some((1024, 49151))),
            outb(200, "6", "allow", "198.51.100.0/24", Some((0, 65535))),
        ];
        assert_eq!(
            round_trip(&n, Protocol::Tcp, 443, &public_v4()),
            set(&["198.51.100.0/24"])
        );
        // Deny the whole ephemeral range first: nothing passes.
        let n = vec![
            inb(100, "-1", "allow", "0.0.0.0/0", None),
            outb(100, "6", "deny", "0.0.0.0/0", Some((1024, 65535))),
            outb(200, "-1", "allow", "0.0.0.0/0", None),
        ];
        assert!(round_trip(&n, Protocol::Tcp, 443, &public_v4()).is_empty());
        // A reply rule for udp does not help tcp.
        let n = vec![
            inb(100, "-1", "allow", "0.0.0.0/0", None),
            outb(100, "17", "allow", "0.0.0.0/0", Some((1024, 65535))),
        ];
        assert!(round_trip(&n, Protocol::Tcp, 443, &public_v4()).is_empty());
    }

    #[test]
    fn round_trip_needs_inbound_too() {
        let n = vec![
            inb(100, "6", "allow", "10.0.0.0/8", Some((443, 443))),
            outb(100, "-1", "allow", "0.0.0.0/0", None),
        ];
        assert!(round_trip(&n, Protocol::Tcp, 443, &public_v4()).is_empty());
    }

    #[test]
    fn malformed_entries_are_skipped_and_listed() {
        let mut no_cidr = inb(50, "-1", "deny", "0.0.0.0/0", None);
        no_cidr.cidr_block = None;
        let n = vec![
            no_cidr,
            inb(60, "bogus", "deny", "0.0.0.0/0", None),
            inb(70, "-1", "maybe", "0.0.0.0/0", None),
            inb(100, "-1", "allow", "0.0.0.0/0", None),
        ];
        assert_eq!(
            allowed_sources(&n, false, Protocol::Tcp, 80, &public_v4()),
            public_v4()
        );
        let why = malformed(&n);
        assert_eq!(why.len(), 3, "{why:?}");
        assert!(why[0].contains("rule 50"));
        assert!(why[1].contains("\"bogus\""));
        assert!(why[2].contains("\"maybe\""));
        assert!(malformed(&default_nacl()).is_empty());
    }

    // ------------------------------------------------------------ properties

    const BASE: u32 = 0xC633_6400; // 198.51.100.0/24, the address universe

    fn addr(i: u32) -> IpAddr {
        IpAddr::V4(Ipv4Addr::from(BASE + i))
    }

    fn any_entry(egress: bool) -> impl Strategy<Value = NaclEntry> {
        let cidr = prop_oneof![
            1 => Just("0.0.0.0/0".to_string()),
            1 => Just("::/0".to_string()),
            6 => (0u32..256, 24u8..=32).prop_map(|(i, p)| {
                ipnet::Ipv4Net::new(Ipv4Addr::from(BASE + i), p).unwrap().trunc().to_string()
            }),
        ];
        let proto = prop::sample::select(vec!["-1", "6", "17"]);
        let ports = prop_oneof![
            Just(None),
            (0i32..30, 0i32..30).prop_map(Some),
            // Ranges around the ephemeral boundary and inside it.
            (
                prop::sample::select(vec![1000, 1023, 1024, 1025, 40000, 65534, 65535]),
                prop::sample::select(vec![1023, 1024, 2000, 49151, 65535])
            )
                .prop_map(Some),
        ];
        (1i32..40, proto, any::<bool>(), cidr, ports).prop_map(move |(n, p, allow, c, ports)| {
            entry(
                egress,
                n * 10,
                p,
                if allow { "allow" } else { "deny" },
                &c,
                ports,
            )
        })
    }

    /// First match by brute force, one address and one port at a time.
    fn brute(entries: &[NaclEntry], egress: bool, proto: Protocol, port: u16, a: IpAddr) -> bool {
        let mut v: Vec<&NaclEntry> = entries.iter().filter(|e| e.egress == egress).collect();
        v.sort_by_key(|e| e.rule_number);
        for e in v {
            let net: ipnet::IpNet = e
                .cidr_block
                .as_deref()
                .or(e.ipv6_cidr_block.as_deref())
                .unwrap()
                .parse()
                .unwrap();
            let p = Protocol::parse(&e.protocol).unwrap();
            let proto_ok = p == Protocol::All || p == proto;
            let port_ok = p == Protocol::All
                || e.port_range
                    .is_none_or(|r| r.from <= i32::from(port) && i32::from(port) <= r.to);
            if net.contains(&a) && proto_ok && port_ok {
                return e.rule_action == "allow";
            }
        }
        false
    }

    proptest! {
        #[test]
        fn allowed_sources_agrees_with_first_match_simulation(
            entries in prop::collection::vec(any_entry(false), 0..8),
            proto in prop::sample::select(vec![Protocol::Tcp, Protocol::Udp]),
            port in 0u16..30,
            subset in prop::collection::vec(any::<bool>(), 256),
        ) {
            // Candidates: a random subset of the /24 (exercises the
            // `candidates` argument, not only the full universe).
            let cands: Vec<u32> = (0..256).filter(|i| subset[*i as usize]).collect();
            let cand_set = AddrSet::from_nets(cands.iter().map(|i| ipnet::IpNet::from(addr(*i))));
            let got = allowed_sources(&entries, false, proto, port, &cand_set);
            for i in 0..256u32 {
                let want = subset[i as usize] && brute(&entries, false, proto, port, addr(i));
                prop_assert_eq!(got.contains(addr(i)), want, "address {}", addr(i));
            }
            prop_assert!(got.only(crate::reach::ip::Family::V6).is_empty());
        }

        #[test]
        fn round_trip_agrees_with_brute_force(
            inbound in prop::collection::vec(any_entry(false), 0..5),
            outbound in prop::collection::vec(any_entry(true), 0..6),
            port in 0u16..30,
        ) {
            let entries: Vec<NaclEntry> = inbound.into_iter().chain(outbound).collect();
            let got = round_trip(&entries, Protocol::Tcp, port, &set(&["198.51.100.0/24"]));
            // Every port at which the outbound answer can change, plus the
            // range's ends: checking these is checking all of 1024-65535.
            let mut probes: Vec<i32> = vec![1024, 65535];
            for e in entries.iter().filter(|e| e.egress) {
                if let Some(r) = e.port_range {
                    probes.extend([r.from - 1, r.from, r.to, r.to + 1]);
                }
            }
            probes.retain(|p| (1024..=65535).contains(p));
            for i in 0..256u32 {
                let a = addr(i);
                let want = brute(&entries, false, Protocol::Tcp, port, a)
                    && probes.iter().any(|p| brute(&entries, true, Protocol::Tcp, *p as u16, a));
                prop_assert_eq!(got.contains(a), want, "address {}", a);
            }
        }
    }
}
