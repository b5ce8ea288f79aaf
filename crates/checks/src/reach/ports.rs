//! Protocols and port ranges as security groups and network ACLs spell
//! them. Both rule kinds share one coverage test, [`rule_covers`], so the
//! quirks live in one place: `-1` means every protocol (and then ports do
//! not apply), a missing or `-1` port bound means every port, and for ICMP
//! the two "port" fields are the ICMP type and code.

use std::fmt;

use rampart_model::PortRange;

/// An IP protocol as a rule names it. Numbers with a name (6, 17, 1, 58)
/// always parse to the named variant, so equal protocols compare equal
/// whichever spelling the snapshot used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// `-1`: every protocol.
    All,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    /// Any other IP protocol number (e.g. 50, ESP); ports do not apply.
    Other(u8),
}

impl Protocol {
    /// Parses both spellings: security groups (`-1`, `tcp`, `udp`, `icmp`,
    /// `icmpv6`, or a number) and NACLs (`-1` or a number). `all` is
    /// accepted too. `None` for anything else; the caller decides what an
    /// unreadable rule means.
    pub fn parse(s: &str) -> Option<Protocol> {
        let s = super::trim(s);
        // Compared without a lowercased copy: this runs for every rule of
        // every group of every instance, in the paths and in five checks.
        let names = [
            ("-1", Protocol::All),
            ("all", Protocol::All),
            ("tcp", Protocol::Tcp),
            ("udp", Protocol::Udp),
            ("icmp", Protocol::Icmp),
            ("icmpv6", Protocol::Icmpv6),
        ];
        match names.iter().find(|(name, _)| s.eq_ignore_ascii_case(name)) {
            Some((_, p)) => Some(*p),
            None => s.parse::<u8>().ok().map(Protocol::from_number),
        }
    }

    /// The protocol with this IANA number.
    pub fn from_number(n: u8) -> Protocol {
        match n {
            1 => Protocol::Icmp,
            6 => Protocol::Tcp,
            17 => Protocol::Udp,
            58 => Protocol::Icmpv6,
            n => Protocol::Other(n),
        }
    }

    /// The IANA number; `None` for [`Protocol::All`].
    pub fn number(self) -> Option<u8> {
        match self {
            Protocol::All => None,
            Protocol::Tcp => Some(6),
            Protocol::Udp => Some(17),
            Protocol::Icmp => Some(1),
            Protocol::Icmpv6 => Some(58),
            Protocol::Other(n) => Some(n),
        }
    }

    /// True when a rule for `self` applies to traffic of protocol `query`:
    /// an all-protocol rule applies to everything, otherwise the protocols
    /// must be the same. A query for `All` ("every protocol at once") is
    /// only covered by an all-protocol rule.
    pub fn covers(self, query: Protocol) -> bool {
        self == Protocol::All || self.number() == query.number()
    }

    /// True for the protocols whose rules carry a port range.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }

    /// True for the protocols whose rules carry an ICMP type and code.
    pub fn is_icmp(self) -> bool {
        matches!(self, Protocol::Icmp | Protocol::Icmpv6)
    }
}

impl fmt::Display for Protocol {
    /// The security group spelling (`all` for `-1`, a number for others).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::All => f.write_str("all"),
            Protocol::Tcp => f.write_str("tcp"),
            Protocol::Udp => f.write_str("udp"),
            Protocol::Icmp => f.write_str("icmp"),
            Protocol::Icmpv6 => f.write_str("icmpv6"),
            Protocol::Other(n) => write!(f, "{n}"),
        }
    }
}

/// Every port (also: every value of whatever a rule's range selects).
pub const ALL_PORTS: PortRange = PortRange { from: 0, to: 65535 };

/// The ephemeral ports a reply goes back to. AWS recommends opening
/// 1024-65535 outbound on NACLs because clients differ (Linux 32768-60999,
/// Windows 49152-65535, NAT gateways and ELB 1024-65535).
pub const EPHEMERAL: PortRange = PortRange {
    from: 1024,
    to: 65535,
};

/// The port range a tcp/udp rule's `from_port`/`to_port` select: `None` or
/// a negative bound (AWS's `-1`) on either side means every port; bounds are
/// clamped to 0-65535. A range with `from > to` selects nothing.
pub fn rule_ports(from: Option<i32>, to: Option<i32>) -> PortRange {
    match (from, to) {
        (Some(f), Some(t)) if f >= 0 && t >= 0 => PortRange {
            from: f.min(65535),
            to: t.min(65535),
        },
        _ => ALL_PORTS,
    }
}

/// What a rule selects within its protocol, as one range: tcp/udp ports;
/// for ICMP the type (`from`; `None` or `-1` is every type, and the code is
/// ignored, so a rule for one code of a type counts as the whole type);
/// [`ALL_PORTS`] for all-protocol and other-protocol rules, which have no
/// ports. [`ALL_PORTS`] therefore always reads "all of this protocol".
pub fn rule_span(proto: Protocol, from: Option<i32>, to: Option<i32>) -> PortRange {
    match proto {
        Protocol::Tcp | Protocol::Udp => rule_ports(from, to),
        Protocol::Icmp | Protocol::Icmpv6 => match from {
            Some(t) if t >= 0 => {
                let t = t.min(65535);
                PortRange { from: t, to: t }
            }
            _ => ALL_PORTS,
        },
        Protocol::All | Protocol::Other(_) => ALL_PORTS,
    }
}

/// True when `port` is in the inclusive range.
pub fn range_contains(r: PortRange, port: u16) -> bool {
    r.from <= i32::from(port) && i32::from(port) <= r.to
}

/// The ports in both ranges, if any.
pub fn overlap(a: PortRange, b: PortRange) -> Option<PortRange> {
    let r = PortRange {
        from: a.from.max(b.from),
        to: a.to.min(b.to),
    };
    (r.from <= r.to).then_some(r)
}

/// Sorts and merges overlapping or adjacent ranges, dropping empty ones:
/// `22, 80-81, 82-90` becomes `22, 80-90`.
pub fn merge(ranges: impl IntoIterator<Item = PortRange>) -> Vec<PortRange> {
    let mut v: Vec<PortRange> = ranges.into_iter().filter(|r| r.from <= r.to).collect();
    v.sort_unstable();
    let mut out: Vec<PortRange> = Vec::with_capacity(v.len());
    for r in v {
        match out.last_mut() {
            Some(last) if r.from <= last.to.saturating_add(1) => last.to = last.to.max(r.to),
            _ => out.push(r),
        }
    }
    out
}

/// True when a rule (security group or NACL) of protocol `rule_proto` with
/// `rule_from`/`rule_to` applies to traffic of `query_proto` on
/// `query_port`. For tcp/udp queries `query_port` is the destination port;
/// for ICMP queries it is the ICMP type; for other protocols it is ignored.
/// A tcp or udp query never matches an ICMP rule (different protocols).
pub fn rule_covers(
    rule_proto: Protocol,
    rule_from: Option<i32>,
    rule_to: Option<i32>,
    query_proto: Protocol,
    query_port: u16,
) -> bool {
    rule_proto.covers(query_proto)
        && range_contains(rule_span(rule_proto, rule_from, rule_to), query_port)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    fn pr(from: i32, to: i32) -> PortRange {
        PortRange { from, to }
    }

    #[test]
    fn parses_sg_and_nacl_spellings() {
        for (s, p) in [
            ("-1", Protocol::All),
            ("all", Protocol::All),
            ("tcp", Protocol::Tcp),
            ("TCP", Protocol::Tcp),
            ("6", Protocol::Tcp),
            ("udp", Protocol::Udp),
            ("17", Protocol::Udp),
            ("icmp", Protocol::Icmp),
            ("1", Protocol::Icmp),
            ("icmpv6", Protocol::Icmpv6),
            ("58", Protocol::Icmpv6),
            ("50", Protocol::Other(50)),
            ("0", Protocol::Other(0)),
        ] {
            assert_eq!(Protocol::parse(s), Some(p), "{s}");
        }
        for s in ["", "-2", "256", "sctp-ish", "tcp6"] {
            assert_eq!(Protocol::parse(s), None, "{s}");
        }
        assert_eq!(Protocol::parse("6").unwrap().to_string(), "tcp");
        assert_eq!(Protocol::Other(50).to_string(), "50");
    }

    #[test]
    fn all_protocol_rule_covers_everything() {
        for q in [
            Protocol::Tcp,
            Protocol::Udp,
            Protocol::Icmp,
            Protocol::Other(50),
            Protocol::All,
        ] {
            assert!(rule_covers(Protocol::All, None, None, q, 443));
            assert!(rule_covers(Protocol::All, Some(-1), Some(-1), q, 0));
        }
        // Only an all-protocol rule covers an all-protocol query.
        assert!(!rule_covers(Protocol::Tcp, None, None, Protocol::All, 443));
    }

    #[test]
    fn tcp_and_udp_ranges() {
        assert!(rule_covers(
            Protocol::Tcp,
            Some(80),
            Some(443),
            Protocol::Tcp,
            80
        ));
        assert!(rule_covers(
            Protocol::Tcp,
            Some(80),
            Some(443),
            Protocol::Tcp,
            443
        ));
        assert!(!rule_covers(
            Protocol::Tcp,
            Some(80),
            Some(443),
            Protocol::Tcp,
            444
        ));
        assert!(!rule_covers(
            Protocol::Tcp,
            Some(80),
            Some(443),
            Protocol::Tcp,
            79
        ));
        assert!(!rule_covers(
            Protocol::Tcp,
            Some(80),
            Some(443),
            Protocol::Udp,
            80
        ));
        assert!(rule_covers(Protocol::Udp, None, None, Protocol::Udp, 53));
        assert!(rule_covers(
            Protocol::Udp,
            Some(-1),
            Some(-1),
            Protocol::Udp,
            65535
        ));
        assert!(!rule_covers(
            Protocol::Tcp,
            Some(90),
            Some(80),
            Protocol::Tcp,
            85
        ));
    }

    #[test]
    fn icmp_is_type_and_code_not_ports() {
        // Echo request (type 8), any code.
        assert!(rule_covers(
            Protocol::Icmp,
            Some(8),
            Some(-1),
            Protocol::Icmp,
            8
        ));
        assert!(!rule_covers(
            Protocol::Icmp,
            Some(8),
            Some(-1),
            Protocol::Icmp,
            0
        ));
        // All types.
        assert!(rule_covers(
            Protocol::Icmp,
            Some(-1),
            Some(-1),
            Protocol::Icmp,
            3
        ));
        // A tcp query never matches an ICMP rule, whatever its fields.
        assert!(!rule_covers(
            Protocol::Icmp,
            Some(-1),
            Some(-1),
            Protocol::Tcp,
            22
        ));
        assert!(!rule_covers(
            Protocol::Icmp,
            Some(22),
            Some(22),
            Protocol::Tcp,
            22
        ));
        assert!(!rule_covers(
            Protocol::Icmpv6,
            None,
            None,
            Protocol::Icmp,
            8
        ));
        assert_eq!(rule_span(Protocol::Icmp, Some(3), Some(4)), pr(3, 3));
    }

    #[test]
    fn other_protocols_have_no_ports() {
        assert!(rule_covers(
            Protocol::Other(50),
            None,
            None,
            Protocol::Other(50),
            0
        ));
        assert!(rule_covers(
            Protocol::Other(50),
            Some(1),
            Some(2),
            Protocol::Other(50),
            9
        ));
        assert!(!rule_covers(
            Protocol::Other(50),
            None,
            None,
            Protocol::Other(51),
            0
        ));
        // A hand-built Other(6) is still tcp.
        assert!(rule_covers(
            Protocol::Other(6),
            Some(22),
            Some(22),
            Protocol::Tcp,
            22
        ));
    }

    #[test]
    fn merge_and_overlap() {
        assert_eq!(
            merge([pr(82, 90), pr(22, 22), pr(80, 81), pr(5, 4), pr(85, 86)]),
            vec![pr(22, 22), pr(80, 90)]
        );
        assert_eq!(merge([ALL_PORTS, pr(1, 2)]), vec![ALL_PORTS]);
        assert_eq!(overlap(pr(1, 10), pr(5, 20)), Some(pr(5, 10)));
        assert_eq!(overlap(pr(1, 4), pr(5, 20)), None);
    }

    fn proto() -> impl Strategy<Value = Protocol> {
        prop::sample::select(vec![
            Protocol::All,
            Protocol::Tcp,
            Protocol::Udp,
            Protocol::Icmp,
            Protocol::Other(50),
        ])
    }

    fn bound() -> impl Strategy<Value = Option<i32>> {
        prop_oneof![Just(None), Just(Some(-1)), (0i32..100).prop_map(Some)]
    }

    proptest! {
        #[test]
        fn rule_covers_agrees_with_brute_force(
            rp in proto(), from in bound(), to in bound(), qp in proto(), port in 0u16..120,
        ) {
            // Brute force: enumerate what the rule admits as explicit
            // (protocol number, port) pairs over a small universe.
            let known = |b: Option<i32>| b.filter(|x| *x >= 0);
            let mut admitted: BTreeSet<(Option<u8>, u16)> = BTreeSet::new();
            for p in 0u16..120 {
                let ok = match rp {
                    Protocol::All | Protocol::Other(_) => true,
                    Protocol::Tcp | Protocol::Udp => match (known(from), known(to)) {
                        (Some(f), Some(t)) => f <= i32::from(p) && i32::from(p) <= t,
                        _ => true,
                    },
                    Protocol::Icmp | Protocol::Icmpv6 => match known(from) {
                        Some(f) => f == i32::from(p),
                        None => true,
                    },
                };
                if ok {
                    admitted.insert((rp.number(), p));
                }
            }
            let brute = if rp == Protocol::All {
                admitted.contains(&(None, port))
            } else {
                admitted.contains(&(qp.number(), port))
            };
            prop_assert_eq!(rule_covers(rp, from, to, qp, port), brute);
        }

        /// Port-range overlap against a bitmap, empty (`from > to`) and
        /// single-port ranges included.
        #[test]
        fn overlap_agrees_with_a_bitmap(a in (0i32..200, 0i32..200), b in (0i32..200, 0i32..200)) {
            let (a, b) = (pr(a.0, a.1), pr(b.0, b.1));
            let both: Vec<u16> = (0u16..200)
                .filter(|p| range_contains(a, *p) && range_contains(b, *p))
                .collect();
            match overlap(a, b) {
                None => prop_assert!(both.is_empty(), "{:?} {:?} share {:?}", a, b, both),
                Some(r) => {
                    prop_assert!(r.from <= r.to);
                    let got: Vec<u16> = (0u16..200).filter(|p| range_contains(r, *p)).collect();
                    prop_assert_eq!(got, both);
                }
            }
            prop_assert_eq!(overlap(a, b), overlap(b, a));
        }

        #[test]
        fn merge_agrees_with_a_bitmap(ranges in prop::collection::vec((0i32..200, 0i32..200), 0..8)) {
            let ranges: Vec<PortRange> = ranges.into_iter().map(|(a, b)| pr(a, b)).collect();
            let merged = merge(ranges.clone());
            for w in merged.windows(2) {
                prop_assert!(w[0].to + 1 < w[1].from, "not disjoint and non-adjacent");
            }
            for p in 0u16..200 {
                let want = ranges.iter().any(|r| range_contains(*r, p));
                let got = merged.iter().any(|r| range_contains(*r, p));
                prop_assert_eq!(got, want, "port {}", p);
            }
        }
    }
}
