//! Reachability primitives: the pure, snapshot-level building blocks the
//! exposure module chains into paths. Each submodule answers one narrow
//! question about one layer of AWS networking (address sets, protocols and
//! ports, security groups, network ACLs, route tables) and knows nothing
//! about the graph, findings or the other layers. Everything here is
//! deterministic and offline: prefix lists are resolved through a caller's
//! function, never fetched.
//!
//! Missing input (an uncollected prefix list, a CIDR that does not parse) is
//! never silently a yes or a no: where a primitive returns a verdict it is a
//! [`Reach`], and `Unknown` carries the reason so a check can report
//! *not evaluated* with it.

pub mod ip;
pub mod nacl;
pub mod ports;
pub mod route;
pub mod sg;

use ipnet::IpNet;
use rampart_model::ManagedPrefixList;

use self::ip::parse_cidr;

/// A three-valued answer to "can traffic get through?". Two values would
/// force a guess whenever the snapshot is incomplete; the third value keeps
/// the guess out and says why.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reach {
    Yes,
    No,
    /// The answer depends on input the snapshot does not hold; the string
    /// names it (e.g. `prefix list pl-123 entries not collected`).
    Unknown(String),
}

impl Reach {
    /// Shorthand for `Unknown(reason.into())`.
    pub fn unknown(reason: impl Into<String>) -> Reach {
        Reach::Unknown(reason.into())
    }

    /// A known answer.
    pub fn from_bool(b: bool) -> Reach {
        if b { Reach::Yes } else { Reach::No }
    }

    /// Kleene disjunction: traffic gets through if *any* of two ways lets it
    /// (two rules, two security groups). Yes dominates; No only when both
    /// are No; otherwise Unknown with both reasons.
    pub fn or(self, other: Reach) -> Reach {
        match (self, other) {
            (Reach::Yes, _) | (_, Reach::Yes) => Reach::Yes,
            (Reach::No, Reach::No) => Reach::No,
            (Reach::Unknown(a), Reach::Unknown(b)) => Reach::Unknown(join_reasons(a, &b)),
            (Reach::Unknown(r), Reach::No) | (Reach::No, Reach::Unknown(r)) => Reach::Unknown(r),
        }
    }

    /// Kleene conjunction: traffic gets through only if *every* hop lets it
    /// (route, NACL, security group). No dominates; Yes only when both are
    /// Yes; otherwise Unknown with both reasons.
    pub fn and(self, other: Reach) -> Reach {
        match (self, other) {
            (Reach::No, _) | (_, Reach::No) => Reach::No,
            (Reach::Yes, Reach::Yes) => Reach::Yes,
            (Reach::Unknown(a), Reach::Unknown(b)) => Reach::Unknown(join_reasons(a, &b)),
            (Reach::Unknown(r), Reach::Yes) | (Reach::Yes, Reach::Unknown(r)) => Reach::Unknown(r),
        }
    }

    /// `or` over any number of answers; `No` for none (nothing lets it in).
    pub fn any(answers: impl IntoIterator<Item = Reach>) -> Reach {
        let mut acc = Reach::No;
        for a in answers {
            acc = acc.or(a);
            if acc == Reach::Yes {
                break;
            }
        }
        acc
    }

    /// `and` over any number of answers; `Yes` for none (no hop blocks it).
    pub fn all(answers: impl IntoIterator<Item = Reach>) -> Reach {
        let mut acc = Reach::Yes;
        for a in answers {
            acc = acc.and(a);
            if acc == Reach::No {
                break;
            }
        }
        acc
    }

    pub fn is_yes(&self) -> bool {
        matches!(self, Reach::Yes)
    }

    pub fn is_no(&self) -> bool {
        matches!(self, Reach::No)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Reach::Unknown(_))
    }
}

/// Joins two reasons with `; `, dropping a reason already present so that
/// folding many rules over one missing prefix list names it once.
fn join_reasons(a: String, b: &str) -> String {
    if a.split("; ").any(|r| r == b) {
        a
    } else if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}

/// How the primitives learn a managed prefix list's CIDRs: `Some(entries)`
/// when the list and all its entries are known, `None` when the list is
/// unknown or its entries were not collected. A function rather than a map
/// so callers can scope it to a region and tests can stub it. The lifetime
/// lets a resolver borrow the snapshot (see [`prefix_list_resolver`]).
pub type PrefixLists<'a> = dyn Fn(&str) -> Option<Vec<IpNet>> + 'a;

/// The resolver for one region's collected prefix lists. A list whose
/// entries were not collected, or with any entry that does not parse, is
/// `None`: a partial list could hide exactly the CIDR that matters.
pub fn prefix_list_resolver(
    lists: &[ManagedPrefixList],
) -> impl Fn(&str) -> Option<Vec<IpNet>> + '_ {
    move |id: &str| {
        let list = lists.iter().find(|l| l.prefix_list_id == id)?;
        list.entries
            .as_ref()?
            .iter()
            .map(|e| parse_cidr(&e.cidr))
            .collect::<Option<Vec<_>>>()
    }
}

/// A resolver that knows no prefix list, for callers (and tests) with none.
pub fn no_prefix_lists(_id: &str) -> Option<Vec<IpNet>> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::PrefixListEntry;

    fn u(s: &str) -> Reach {
        Reach::unknown(s)
    }

    #[test]
    fn or_truth_table() {
        assert_eq!(Reach::Yes.or(Reach::No), Reach::Yes);
        assert_eq!(Reach::No.or(Reach::Yes), Reach::Yes);
        assert_eq!(u("a").or(Reach::Yes), Reach::Yes);
        assert_eq!(Reach::Yes.or(u("a")), Reach::Yes);
        assert_eq!(Reach::No.or(Reach::No), Reach::No);
        assert_eq!(Reach::No.or(u("a")), u("a"));
        assert_eq!(u("a").or(Reach::No), u("a"));
        assert_eq!(u("a").or(u("b")), u("a; b"));
        assert_eq!(u("a").or(u("a")), u("a"));
    }

    #[test]
    fn and_truth_table() {
        assert_eq!(Reach::Yes.and(Reach::Yes), Reach::Yes);
        assert_eq!(Reach::Yes.and(Reach::No), Reach::No);
        assert_eq!(u("a").and(Reach::No), Reach::No);
        assert_eq!(Reach::No.and(u("a")), Reach::No);
        assert_eq!(Reach::Yes.and(u("a")), u("a"));
        assert_eq!(u("a").and(Reach::Yes), u("a"));
        assert_eq!(u("a").and(u("b")), u("a; b"));
    }

    #[test]
    fn any_and_all_fold() {
        assert_eq!(Reach::any([]), Reach::No);
        assert_eq!(Reach::all([]), Reach::Yes);
        assert_eq!(Reach::any([Reach::No, u("x"), Reach::No, u("x")]), u("x"));
        assert_eq!(Reach::any([u("x"), Reach::Yes]), Reach::Yes);
        assert_eq!(Reach::all([Reach::Yes, u("x"), Reach::No]), Reach::No);
    }

    #[test]
    fn resolver_needs_every_entry() {
        let list = |id: &str, entries: Option<Vec<&str>>| ManagedPrefixList {
            prefix_list_id: id.into(),
            prefix_list_name: None,
            address_family: Some("IPv4".into()),
            owner_id: None,
            max_entries: None,
            entries: entries.map(|v| {
                v.into_iter()
                    .map(|c| PrefixListEntry {
                        cidr: c.into(),
                        description: None,
                    })
                    .collect()
            }),
            tags: Default::default(),
        };
        let lists = vec![
            list("pl-ok", Some(vec!["203.0.113.0/24", "10.0.0.0/8"])),
            list("pl-uncollected", None),
            list("pl-garbage", Some(vec!["203.0.113.0/24", "not-a-cidr"])),
        ];
        let r = prefix_list_resolver(&lists);
        assert_eq!(
            r("pl-ok"),
            Some(vec![
                "203.0.113.0/24".parse().unwrap(),
                "10.0.0.0/8".parse().unwrap()
            ])
        );
        assert_eq!(r("pl-uncollected"), None);
        assert_eq!(r("pl-garbage"), None);
        assert_eq!(r("pl-absent"), None);
        assert_eq!(no_prefix_lists("pl-ok"), None);
    }

    /// Regression: `PrefixLists` once meant `dyn Fn + 'static`, so a
    /// resolver borrowing the snapshot (or a `&dyn Fn` kept in a struct)
    /// could not be passed to the primitives at all.
    #[test]
    fn a_borrowing_resolver_can_be_passed_everywhere() {
        use rampart_model::{Route, RouteTable, RouteTarget, SgPeer, SgRule};

        struct Cx<'a> {
            resolve: &'a dyn Fn(&str) -> Option<Vec<IpNet>>,
        }
        let lists = vec![ManagedPrefixList {
            prefix_list_id: "pl-1".into(),
            prefix_list_name: None,
            address_family: Some("IPv4".into()),
            owner_id: None,
            max_entries: None,
            entries: Some(vec![PrefixListEntry {
                cidr: "198.51.100.0/24".into(),
                description: None,
            }]),
            tags: Default::default(),
        }];
        let resolver = prefix_list_resolver(&lists);
        let cx = Cx { resolve: &resolver };
        let rule = SgRule {
            protocol: "tcp".into(),
            from_port: Some(443),
            to_port: Some(443),
            peer: SgPeer::PrefixList {
                prefix_list_id: "pl-1".into(),
            },
            description: None,
        };
        let got = sg::admits(
            &[&rule],
            ports::Protocol::Tcp,
            443,
            &sg::Peer::Internet,
            cx.resolve,
        );
        assert_eq!(got, Reach::Yes);
        let rt = RouteTable {
            route_table_id: "rtb-1".into(),
            vpc_id: "vpc-1".into(),
            routes: vec![Route {
                destination_cidr_block: None,
                destination_ipv6_cidr_block: None,
                destination_prefix_list_id: Some("pl-1".into()),
                target: RouteTarget::InternetGateway("igw-1".into()),
                state: None,
                origin: None,
            }],
            associations: vec![],
            tags: Default::default(),
        };
        assert!(route::has_igw_route_to_internet(&rt, cx.resolve));
        assert_eq!(route::igw_reach(&rt, &resolver), Reach::Yes);
    }
}
