//! Address sets and the public address space. An [`AddrSet`] is a set of IPv4
//! and IPv6 addresses kept as sorted, disjoint, non-adjacent inclusive
//! intervals per family, so NACL first-match and route longest-prefix
//! evaluation can be done exactly with set algebra instead of sampling
//! addresses. The two families never mix: every operation works on each half
//! separately, which is also how AWS treats them (IPv4 and IPv6 rules and
//! routes are independent).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// An address family, for callers that ask about one half of an
/// [`AddrSet`] (a route table's IPv4 or IPv6 default route).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    /// Both families, IPv4 first.
    pub const BOTH: [Family; 2] = [Family::V4, Family::V6];

    pub fn of_net(net: &IpNet) -> Family {
        match net {
            IpNet::V4(_) => Family::V4,
            IpNet::V6(_) => Family::V6,
        }
    }

    pub fn of_addr(addr: &IpAddr) -> Family {
        match addr {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    fn bits(self) -> u32 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }

    fn max(self) -> u128 {
        match self {
            Family::V4 => u128::from(u32::MAX),
            Family::V6 => u128::MAX,
        }
    }
}

/// A set of IP addresses of either family. Sets are values: the operations
/// return new sets, and equal sets compare equal because the representation
/// is canonical (sorted, merged).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AddrSet {
    /// IPv4 addresses as u32 values widened to u128.
    v4: Vec<(u128, u128)>,
    v6: Vec<(u128, u128)>,
}

impl AddrSet {
    /// No address.
    pub fn empty() -> AddrSet {
        AddrSet::default()
    }

    /// Every address of one family (`0.0.0.0/0` or `::/0`).
    pub fn all(family: Family) -> AddrSet {
        let mut s = AddrSet::empty();
        *s.part_mut(family) = vec![(0, family.max())];
        s
    }

    /// The addresses of one CIDR block (host bits are ignored).
    pub fn from_net(net: IpNet) -> AddrSet {
        let mut s = AddrSet::empty();
        match net {
            IpNet::V4(n) => {
                s.v4 = vec![(
                    u128::from(u32::from(n.network())),
                    u128::from(u32::from(n.broadcast())),
                )];
            }
            IpNet::V6(n) => {
                s.v6 = vec![(u128::from(n.network()), u128::from(n.broadcast()))];
            }
        }
        s
    }

    /// The union of several CIDR blocks.
    pub fn from_nets(nets: impl IntoIterator<Item = IpNet>) -> AddrSet {
        let mut s = AddrSet::empty();
        for n in nets {
            let f = Family::of_net(&n);
            let one = AddrSet::from_net(n);
            s.part_mut(f).extend_from_slice(one.part(f));
        }
        s.v4 = normalize(std::mem::take(&mut s.v4));
        s.v6 = normalize(std::mem::take(&mut s.v6));
        s
    }

    /// One address.
    pub fn from_addr(addr: IpAddr) -> AddrSet {
        AddrSet::from_net(IpNet::from(addr))
    }

    /// The inclusive range `first..=last`; `None` when the two addresses are
    /// of different families or `first > last`.
    pub fn from_range(first: IpAddr, last: IpAddr) -> Option<AddrSet> {
        let (f, lo, hi) = match (first, last) {
            (IpAddr::V4(a), IpAddr::V4(b)) => (
                Family::V4,
                u128::from(u32::from(a)),
                u128::from(u32::from(b)),
            ),
            (IpAddr::V6(a), IpAddr::V6(b)) => (Family::V6, u128::from(a), u128::from(b)),
            _ => return None,
        };
        if lo > hi {
            return None;
        }
        let mut s = AddrSet::empty();
        *s.part_mut(f) = vec![(lo, hi)];
        Some(s)
    }

    pub fn union(&self, other: &AddrSet) -> AddrSet {
        self.combine(other, |a, b, _| {
            let mut v = Vec::with_capacity(a.len() + b.len());
            v.extend_from_slice(a);
            v.extend_from_slice(b);
            normalize(v)
        })
    }

    pub fn intersection(&self, other: &AddrSet) -> AddrSet {
        self.combine(other, |a, b, _| intersect(a, b))
    }

    /// The addresses in `self` and not in `other`.
    pub fn difference(&self, other: &AddrSet) -> AddrSet {
        self.combine(other, |a, b, f| intersect(a, &complement(b, f.max())))
    }

    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// True when the two sets share at least one address.
    pub fn overlaps(&self, other: &AddrSet) -> bool {
        !self.intersection(other).is_empty()
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        let (f, x) = to_bits(addr);
        let part = self.part(f);
        // The intervals are sorted and disjoint: the only candidate is the
        // last one starting at or before x.
        let i = part.partition_point(|&(lo, _)| lo <= x);
        i > 0 && part[i - 1].1 >= x
    }

    /// The half of the set in one family.
    pub fn only(&self, family: Family) -> AddrSet {
        let mut s = AddrSet::empty();
        *s.part_mut(family) = self.part(family).to_vec();
        s
    }

    /// The smallest list of CIDR blocks covering exactly this set, IPv4
    /// first, ascending; what a finding quotes.
    pub fn to_nets(&self) -> Vec<IpNet> {
        let mut out = Vec::new();
        for f in Family::BOTH {
            for &(lo, hi) in self.part(f) {
                split_into_nets(f, lo, hi, &mut out);
            }
        }
        out
    }

    fn part(&self, f: Family) -> &Vec<(u128, u128)> {
        match f {
            Family::V4 => &self.v4,
            Family::V6 => &self.v6,
        }
    }

    fn part_mut(&mut self, f: Family) -> &mut Vec<(u128, u128)> {
        match f {
            Family::V4 => &mut self.v4,
            Family::V6 => &mut self.v6,
        }
    }

    fn combine(
        &self,
        other: &AddrSet,
        op: impl Fn(&[(u128, u128)], &[(u128, u128)], Family) -> Vec<(u128, u128)>,
    ) -> AddrSet {
        AddrSet {
            v4: op(&self.v4, &other.v4, Family::V4),
            v6: op(&self.v6, &other.v6, Family::V6),
        }
    }
}

impl fmt::Display for AddrSet {
    /// CIDR blocks separated by `, `; `(none)` for the empty set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nets = self.to_nets();
        if nets.is_empty() {
            return f.write_str("(none)");
        }
        for (i, n) in nets.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

fn to_bits(addr: IpAddr) -> (Family, u128) {
    match addr {
        IpAddr::V4(a) => (Family::V4, u128::from(u32::from(a))),
        IpAddr::V6(a) => (Family::V6, u128::from(a)),
    }
}

/// Sorts and merges overlapping or adjacent intervals (the canonical form).
fn normalize(mut v: Vec<(u128, u128)>) -> Vec<(u128, u128)> {
    v.sort_unstable();
    let mut out: Vec<(u128, u128)> = Vec::with_capacity(v.len());
    for (lo, hi) in v {
        match out.last_mut() {
            // `hi + 1` would overflow at the top of IPv6 space: compare the
            // other way round.
            Some(last) if lo <= last.1 || lo - 1 == last.1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// Intersection of two canonical interval lists (two-pointer sweep).
fn intersect(a: &[(u128, u128)], b: &[(u128, u128)]) -> Vec<(u128, u128)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let lo = a[i].0.max(b[j].0);
        let hi = a[i].1.min(b[j].1);
        if lo <= hi {
            out.push((lo, hi));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The complement of a canonical interval list within `0..=max`.
fn complement(a: &[(u128, u128)], max: u128) -> Vec<(u128, u128)> {
    let mut out = Vec::with_capacity(a.len() + 1);
    let mut next = Some(0u128);
    for &(lo, hi) in a {
        if let Some(n) = next
            && n < lo
        {
            out.push((n, lo - 1));
        }
        next = hi.checked_add(1);
    }
    if let Some(n) = next
        && n <= max
    {
        out.push((n, max));
    }
    out
}

/// Greedy split of `lo..=hi` into the largest aligned CIDR blocks.
fn split_into_nets(f: Family, mut lo: u128, hi: u128, out: &mut Vec<IpNet>) {
    let bits = f.bits();
    loop {
        // The largest block aligned at `lo` that does not pass `hi`.
        let mut k = lo.trailing_zeros().min(bits);
        while k > 0 && block_last(lo, k) > hi {
            k -= 1;
        }
        let prefix = (bits - k) as u8;
        out.push(match f {
            Family::V4 => {
                IpNet::V4(Ipv4Net::new(Ipv4Addr::from(lo as u32), prefix).expect("prefix <= 32"))
            }
            Family::V6 => {
                IpNet::V6(Ipv6Net::new(Ipv6Addr::from(lo), prefix).expect("prefix <= 128"))
            }
        });
        let last = block_last(lo, k);
        if last >= hi {
            break;
        }
        lo = last + 1;
    }
}

/// The last address of the 2^k block starting at `lo` (saturating for the
/// whole IPv6 space).
fn block_last(lo: u128, k: u32) -> u128 {
    if k >= 128 {
        u128::MAX
    } else {
        lo.saturating_add((1u128 << k) - 1)
    }
}

/// IPv4 blocks that are not routable on the internet (RFC 6890 special
/// purpose ranges that a security group could meaningfully name). The
/// documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) are
/// deliberately absent: in tests and examples they stand for real public
/// addresses.
pub const NON_PUBLIC_V4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/4",
    // Includes 255.255.255.255, the limited broadcast address.
    "240.0.0.0/4",
];

/// The public IPv4 space: everything but [`NON_PUBLIC_V4`]. "Internet"
/// means any of these addresses, not only `0.0.0.0/0`.
pub fn public_v4() -> AddrSet {
    PUBLIC_V4.clone()
}

/// Built once: path tracing and the checks ask about the internet for every
/// rule of every backend, and building it parses nine CIDRs.
static PUBLIC_V4: std::sync::LazyLock<AddrSet> = std::sync::LazyLock::new(|| {
    let private = AddrSet::from_nets(
        NON_PUBLIC_V4
            .iter()
            .map(|c| c.parse::<IpNet>().expect("constant CIDR")),
    );
    AddrSet::all(Family::V4).difference(&private)
});

/// The public IPv6 space: global unicast, `2000::/3` (all that IANA
/// allocates to the internet today).
pub fn public_v6() -> AddrSet {
    PUBLIC_V6.clone()
}

static PUBLIC_V6: std::sync::LazyLock<AddrSet> =
    std::sync::LazyLock::new(|| AddrSet::from_net("2000::/3".parse().expect("constant CIDR")));

/// Both public spaces.
/// [`public_v4`] or [`public_v6`], by family.
pub fn public_of(family: Family) -> AddrSet {
    match family {
        Family::V4 => public_v4(),
        Family::V6 => public_v6(),
    }
}

pub fn public() -> AddrSet {
    public_v4().union(&public_v6())
}

/// True when the CIDR shares any address with the public space, i.e. a
/// rule naming it lets (part of) the internet in: `0.0.0.0/0`, `::/0` and a
/// single public `/32` all count, `10.0.0.0/8` and `224.0.0.0/3` do not.
pub fn contains_public(net: IpNet) -> bool {
    // No set is built: this runs for every CIDR rule a path or check reads.
    let (public, lo, hi) = match net {
        IpNet::V4(n) => (
            &PUBLIC_V4.v4,
            u128::from(u32::from(n.network())),
            u128::from(u32::from(n.broadcast())),
        ),
        IpNet::V6(n) => (
            &PUBLIC_V6.v6,
            u128::from(n.network()),
            u128::from(n.broadcast()),
        ),
    };
    // Sorted, disjoint intervals: the first one ending at or after `lo` is
    // the only candidate.
    let i = public.partition_point(|&(_, end)| end < lo);
    public.get(i).is_some_and(|&(start, _)| start <= hi)
}

/// True when two CIDR blocks share an address. CIDR blocks either nest or
/// are disjoint, so this is containment of one network address in the other.
pub fn nets_overlap(a: IpNet, b: IpNet) -> bool {
    a.contains(&b) || b.contains(&a)
}

/// Parses a CIDR as AWS prints it, tolerating a bare address (a `/32` or
/// `/128`) and surrounding whitespace; host bits are cleared. `None` for
/// anything else (the caller turns that into an `Unknown`).
pub fn parse_cidr(s: &str) -> Option<IpNet> {
    let s = super::trim(s);
    if s.contains('/') {
        s.parse::<IpNet>().ok().map(|n| n.trunc())
    } else {
        s.parse::<IpAddr>().ok().map(IpNet::from)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    fn set(cidrs: &[&str]) -> AddrSet {
        AddrSet::from_nets(cidrs.iter().map(|c| net(c)))
    }

    fn addr(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parse_cidr_accepts_bare_addresses_and_clears_host_bits() {
        assert_eq!(parse_cidr("10.1.2.3"), Some(net("10.1.2.3/32")));
        assert_eq!(parse_cidr("2001:db8::1"), Some(net("2001:db8::1/128")));
        assert_eq!(parse_cidr(" 10.0.0.0/8 "), Some(net("10.0.0.0/8")));
        assert_eq!(parse_cidr("10.1.2.3/8"), Some(net("10.0.0.0/8")));
        assert_eq!(parse_cidr("::/0"), Some(net("::/0")));
        assert_eq!(parse_cidr(""), None);
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
        assert_eq!(parse_cidr("pl-123"), None);
    }

    #[test]
    fn contains_public_examples() {
        for c in [
            "0.0.0.0/0",
            "::/0",
            "198.51.100.7/32",
            "203.0.113.0/24",
            "8.8.8.8/32",
            "2001:db8::/32",
            "0.0.0.0/1",
            "128.0.0.0/1",
        ] {
            assert!(contains_public(net(c)), "{c} should be internet");
        }
        for c in [
            "10.0.0.0/8",
            "224.0.0.0/3",
            "192.168.1.0/24",
            "172.16.0.0/12",
            "100.64.0.0/10",
            "127.0.0.1/32",
            "169.254.169.254/32",
            "255.255.255.255/32",
            "0.0.0.0/8",
            "fc00::/7",
            "fe80::/10",
            "::1/128",
            "ff00::/8",
        ] {
            assert!(!contains_public(net(c)), "{c} should not be internet");
        }
    }

    #[test]
    fn public_v4_boundaries() {
        let p = public_v4();
        assert!(p.contains(addr("1.0.0.0")));
        assert!(p.contains(addr("9.255.255.255")));
        assert!(!p.contains(addr("10.0.0.0")));
        assert!(p.contains(addr("11.0.0.0")));
        assert!(p.contains(addr("100.63.255.255")));
        assert!(!p.contains(addr("100.64.0.0")));
        assert!(!p.contains(addr("100.127.255.255")));
        assert!(p.contains(addr("100.128.0.0")));
        assert!(p.contains(addr("172.15.255.255")));
        assert!(!p.contains(addr("172.31.255.255")));
        assert!(p.contains(addr("172.32.0.0")));
        assert!(p.contains(addr("223.255.255.255")));
        assert!(!p.contains(addr("224.0.0.0")));
        assert!(!p.contains(addr("2001:db8::1")), "families never mix");
    }

    #[test]
    fn set_algebra_examples_v4_and_v6() {
        let a = set(&["10.0.0.0/24", "2001:db8::/64"]);
        let b = set(&["10.0.0.128/25", "10.0.1.0/24", "2001:db8::/65"]);
        assert_eq!(a.union(&b), set(&["10.0.0.0/23", "2001:db8::/64"]));
        assert_eq!(a.intersection(&b), set(&["10.0.0.128/25", "2001:db8::/65"]));
        assert_eq!(
            a.difference(&b),
            set(&["10.0.0.0/25", "2001:db8:0:0:8000::/65"])
        );
        assert!(a.overlaps(&b));
        assert!(!set(&["10.0.0.0/8"]).overlaps(&set(&["::/0"])));
        assert_eq!(a.only(Family::V6), set(&["2001:db8::/64"]));
    }

    #[test]
    fn whole_spaces_do_not_overflow() {
        let all6 = AddrSet::all(Family::V6);
        assert_eq!(all6, set(&["::/0"]));
        assert_eq!(all6.to_nets(), vec![net("::/0")]);
        let top = set(&["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"]);
        let rest = all6.difference(&top);
        assert_eq!(rest.union(&top), all6);
        assert!(!rest.contains(addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assert!(
            AddrSet::all(Family::V4)
                .difference(&set(&["0.0.0.0/0"]))
                .is_empty()
        );
        assert_eq!(set(&["0.0.0.0/0"]).to_nets(), vec![net("0.0.0.0/0")]);
    }

    #[test]
    fn to_nets_and_display_are_minimal() {
        let s = AddrSet::from_range(addr("10.0.0.1"), addr("10.0.0.6")).unwrap();
        assert_eq!(
            s.to_string(),
            "10.0.0.1/32, 10.0.0.2/31, 10.0.0.4/31, 10.0.0.6/32"
        );
        assert_eq!(AddrSet::empty().to_string(), "(none)");
        assert_eq!(public_v6().to_string(), "2000::/3");
        assert!(AddrSet::from_range(addr("10.0.0.2"), addr("10.0.0.1")).is_none());
        assert!(AddrSet::from_range(addr("10.0.0.2"), addr("::1")).is_none());
    }

    #[test]
    fn public_v4_has_the_expected_shape() {
        // 2^32 minus the non-public blocks, counted independently.
        let sizes: u64 = [8u32, 8, 10, 8, 16, 12, 16, 4, 4]
            .iter()
            .map(|p| 1u64 << (32 - p))
            .sum();
        let count: u64 = public_v4()
            .to_nets()
            .iter()
            .map(|n| 1u64 << (32 - n.prefix_len()))
            .sum();
        assert_eq!(count, (1u64 << 32) - sizes);
    }

    #[test]
    fn public_v4_agrees_with_the_oracle_on_every_slash_16() {
        // Every non-public block is /16-aligned or larger, so the first and
        // last address of each /16 decide the whole /16.
        let p = public_v4();
        for hi in 0u32..=0xffff {
            for a in [hi << 16, (hi << 16) | 0xffff] {
                let a = Ipv4Addr::from(a);
                assert_eq!(p.contains(IpAddr::V4(a)), is_public_naive_v4(a), "{a}");
            }
        }
    }

    // ------------------------------------------------------------ properties

    /// A random /24../32 inside 10.0.0.0/16, or a single point.
    fn small_net() -> impl Strategy<Value = IpNet> {
        (0u32..65536, 24u8..=32).prop_map(|(off, p)| {
            IpNet::V4(
                Ipv4Net::new(Ipv4Addr::from(0x0a00_0000 + off), p)
                    .unwrap()
                    .trunc(),
            )
        })
    }

    fn expand(s: &AddrSet) -> BTreeSet<u32> {
        s.to_nets()
            .iter()
            .flat_map(|n| match n {
                IpNet::V4(n) => u32::from(n.network())..=u32::from(n.broadcast()),
                IpNet::V6(_) => panic!("v4 only"),
            })
            .collect()
    }

    fn model(nets: &[IpNet]) -> BTreeSet<u32> {
        nets.iter()
            .flat_map(|n| match n {
                IpNet::V4(n) => u32::from(n.network())..=u32::from(n.broadcast()),
                IpNet::V6(_) => panic!("v4 only"),
            })
            .collect()
    }

    fn canonical(s: &AddrSet) -> bool {
        s.v4.iter()
            .all(|&(lo, hi)| lo <= hi && hi <= u128::from(u32::MAX))
            && s.v4.windows(2).all(|w| w[0].1 + 1 < w[1].0)
    }

    proptest! {
        #[test]
        fn set_ops_match_a_naive_model(
            a in prop::collection::vec(small_net(), 0..6),
            b in prop::collection::vec(small_net(), 0..6),
            probes in prop::collection::vec(0u32..65536, 0..20),
        ) {
            let (sa, sb) = (AddrSet::from_nets(a.clone()), AddrSet::from_nets(b.clone()));
            let (ma, mb) = (model(&a), model(&b));
            let u = sa.union(&sb);
            let i = sa.intersection(&sb);
            let d = sa.difference(&sb);
            for s in [&sa, &sb, &u, &i, &d] {
                prop_assert!(canonical(s));
            }
            prop_assert_eq!(expand(&sa), ma.clone());
            prop_assert_eq!(expand(&u), &ma | &mb);
            prop_assert_eq!(expand(&i), &ma & &mb);
            prop_assert_eq!(expand(&d), &ma - &mb);
            // Laws.
            prop_assert_eq!(&u, &sb.union(&sa));
            prop_assert_eq!(&i, &sb.intersection(&sa));
            prop_assert_eq!(d.union(&i), sa.clone());
            prop_assert!(d.intersection(&sb).is_empty());
            prop_assert_eq!(sa.overlaps(&sb), !(&ma & &mb).is_empty());
            for p in probes {
                let x = 0x0a00_0000 + p;
                prop_assert_eq!(u.contains(IpAddr::V4(Ipv4Addr::from(x))), ma.contains(&x) || mb.contains(&x));
                prop_assert_eq!(d.contains(IpAddr::V4(Ipv4Addr::from(x))), ma.contains(&x) && !mb.contains(&x));
            }
        }

        #[test]
        fn contains_public_agrees_per_address_v4(
            base in prop_oneof![
                any::<u32>(),
                // Near the edges of the non-public blocks.
                (prop::sample::select(NON_PUBLIC_V4.to_vec()), -300i64..300, any::<bool>())
                    .prop_map(|(c, d, end)| {
                        let n: Ipv4Net = c.parse().unwrap();
                        let edge = if end { u32::from(n.broadcast()) } else { u32::from(n.network()) };
                        (i64::from(edge) + d).clamp(0, i64::from(u32::MAX)) as u32
                    }),
            ],
            prefix in 24u8..=32,
        ) {
            let n = Ipv4Net::new(Ipv4Addr::from(base), prefix).unwrap().trunc();
            let naive = n.hosts_all().any(is_public_naive_v4);
            prop_assert_eq!(contains_public(IpNet::V4(n)), naive, "{}", n);
        }

        #[test]
        fn contains_public_agrees_per_address_v6(
            base in prop_oneof![
                any::<u128>(),
                (-300i128..300, prop::sample::select(vec![0x2000u128 << 112, 0x4000u128 << 112]))
                    .prop_map(|(d, edge)| (edge as i128 + d) as u128),
            ],
            prefix in 120u8..=128,
        ) {
            let n = Ipv6Net::new(Ipv6Addr::from(base), prefix).unwrap().trunc();
            let naive = n.hosts_all().any(|a| (a.segments()[0] & 0xe000) == 0x2000);
            prop_assert_eq!(contains_public(IpNet::V6(n)), naive, "{}", n);
        }
    }

    /// Two nets of one family whose addresses share the bits above
    /// `shared` (so they often nest, and often do not), any prefixes.
    fn related_v4() -> impl Strategy<Value = (Ipv4Net, Ipv4Net)> {
        (any::<u32>(), any::<u32>(), 0u32..=32, 0u8..=32, 0u8..=32).prop_map(
            |(base, noise, free, pa, pb)| {
                let other = base ^ (noise & u32::MAX.checked_shr(32 - free).unwrap_or(0));
                (
                    Ipv4Net::new(Ipv4Addr::from(base), pa).unwrap().trunc(),
                    Ipv4Net::new(Ipv4Addr::from(other), pb).unwrap().trunc(),
                )
            },
        )
    }

    fn related_v6() -> impl Strategy<Value = (Ipv6Net, Ipv6Net)> {
        (
            any::<u128>(),
            any::<u128>(),
            0u32..=128,
            0u8..=128,
            0u8..=128,
        )
            .prop_map(|(base, noise, free, pa, pb)| {
                let other = base ^ (noise & u128::MAX.checked_shr(128 - free).unwrap_or(0));
                (
                    Ipv6Net::new(Ipv6Addr::from(base), pa).unwrap().trunc(),
                    Ipv6Net::new(Ipv6Addr::from(other), pb).unwrap().trunc(),
                )
            })
    }

    /// The oracle: the nets' first..=last addresses as integers intersect.
    fn intervals_meet(a: (u128, u128), b: (u128, u128)) -> bool {
        a.0.max(b.0) <= a.1.min(b.1)
    }

    proptest! {
        /// CIDR overlap, the primitive behind "does this rule or route
        /// cover that block": `nets_overlap` and `AddrSet::overlaps` agree
        /// with interval arithmetic for every prefix length of both
        /// families, are symmetric, and never mix the families.
        #[test]
        fn cidr_overlap_agrees_with_interval_arithmetic(
            (a4, b4) in related_v4(),
            (a6, b6) in related_v6(),
        ) {
            let span4 = |n: Ipv4Net| (u128::from(u32::from(n.network())), u128::from(u32::from(n.broadcast())));
            let span6 = |n: Ipv6Net| (u128::from(n.network()), u128::from(n.broadcast()));
            let cases = [
                (IpNet::V4(a4), IpNet::V4(b4), intervals_meet(span4(a4), span4(b4))),
                (IpNet::V6(a6), IpNet::V6(b6), intervals_meet(span6(a6), span6(b6))),
                (IpNet::V4(a4), IpNet::V6(b6), false),
                (IpNet::V6(a6), IpNet::V4(b4), false),
            ];
            for (a, b, want) in cases {
                prop_assert_eq!(nets_overlap(a, b), want, "{} {}", a, b);
                prop_assert_eq!(nets_overlap(b, a), want, "{} {}", b, a);
                prop_assert_eq!(
                    AddrSet::from_net(a).overlaps(&AddrSet::from_net(b)),
                    want,
                    "sets {} {}", a, b
                );
            }
        }
    }

    /// An oracle built from the standard library's predicates, not from
    /// [`NON_PUBLIC_V4`].
    fn is_public_naive_v4(a: Ipv4Addr) -> bool {
        let o = a.octets();
        let shared = o[0] == 100 && (o[1] & 0xc0) == 64;
        !(o[0] == 0
            || a.is_private()
            || shared
            || a.is_loopback()
            || a.is_link_local()
            || a.is_multicast()
            || o[0] >= 240)
    }

    /// `Ipv4Net::hosts` skips network/broadcast addresses; we want all.
    trait AllHosts {
        type Addr;
        fn hosts_all(&self) -> Box<dyn Iterator<Item = Self::Addr>>;
    }

    impl AllHosts for Ipv4Net {
        type Addr = Ipv4Addr;
        fn hosts_all(&self) -> Box<dyn Iterator<Item = Ipv4Addr>> {
            Box::new((u32::from(self.network())..=u32::from(self.broadcast())).map(Ipv4Addr::from))
        }
    }

    impl AllHosts for Ipv6Net {
        type Addr = Ipv6Addr;
        fn hosts_all(&self) -> Box<dyn Iterator<Item = Ipv6Addr>> {
            Box::new(
                (u128::from(self.network())..=u128::from(self.broadcast())).map(Ipv6Addr::from),
            )
        }
    }
}
