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
use rampart_model::{CollectionError, ManagedPrefixList};

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

/// How the primitives learn a managed prefix list's CIDRs: `Ok(entries)`
/// when the list and all its entries are known, `Err(reason)` when the list
/// is unknown or its entries were not collected; the reason names the list
/// and, where one failed, the operation (so the reader knows which
/// permission is missing). A function rather than a map so callers can
/// scope it to a region and tests can stub it. The lifetime lets a resolver
/// borrow the snapshot (see [`prefix_list_resolver`]).
pub type PrefixLists<'a> = dyn Fn(&str) -> Result<Vec<IpNet>, String> + Sync + 'a;

/// `s.trim()`, skipping the Unicode walk when both ends are printable
/// ASCII (every CIDR and protocol AWS returns): rules are read for every
/// backend, in the paths and in five checks. The same result either way:
/// a printable ASCII byte at an end is a whole character, not whitespace.
pub(crate) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

pub use rampart_model::CLOUDFRONT_ORIGIN_FACING;

/// Who is knocking, for the prefix lists that name a sender rather than
/// addresses anyone may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources {
    /// Clients on the internet: CloudFront's origin-facing servers are
    /// not among them (an internet client reaches an origin that admits
    /// only them through a distribution: a CloudFront path, never a
    /// direct one), so their lists admit nobody.
    Internet,
    /// CloudFront fetching from an origin: its lists admit it, whatever
    /// addresses they hold today. Its servers are drawn as the whole
    /// public address space of the list's family (never a private
    /// address: a load balancer node's is not CloudFront's), so a rule
    /// that admits any public address may admit them too (a CloudFront path is then
    /// drawn where CloudFront might not fit through: a way in too many,
    /// never one too few).
    CloudFront,
}

/// The resolver for one region's collected prefix lists, with the
/// snapshot's collection errors to explain a gap, as internet clients see
/// them ([`Sources::Internet`]). A list whose entries were not collected,
/// or with any entry that does not parse, is an `Err`: a partial list
/// could hide exactly the CIDR that matters.
pub fn prefix_list_resolver<'a>(
    lists: &'a [ManagedPrefixList],
    errors: &'a [CollectionError],
    region: &'a str,
) -> impl Fn(&str) -> Result<Vec<IpNet>, String> + Sync + 'a {
    prefix_list_resolver_for(lists, errors, region, Sources::Internet)
}

/// [`prefix_list_resolver`] as `sources` see the lists: CloudFront's
/// origin-facing lists resolve to nothing for the internet and to the
/// public address space of their family for CloudFront, with or without
/// their entries (which only name CloudFront's servers of the day).
pub fn prefix_list_resolver_for<'a>(
    lists: &'a [ManagedPrefixList],
    errors: &'a [CollectionError],
    region: &'a str,
    sources: Sources,
) -> impl Fn(&str) -> Result<Vec<IpNet>, String> + Sync + 'a {
    // "OP was not collected (kind: message)", as `Context::not_collected`
    // words it, for the first error of `op` in this region (on `id` when
    // given).
    let failed = move |op: &str, id: Option<&str>| {
        errors
            .iter()
            .find(|e| {
                e.operation == op
                    && e.region.as_deref() == Some(region)
                    && (id.is_none() || e.resource.as_deref() == id)
            })
            .map(|e| {
                format!(
                    "{op} was not collected ({}: {})",
                    e.kind.as_str(),
                    e.message
                )
            })
    };
    move |id: &str| {
        let Some(list) = lists.iter().find(|l| l.prefix_list_id == id) else {
            return Err(match failed("ec2:DescribeManagedPrefixLists", None) {
                Some(why) => format!("prefix list {id} not collected: {why}"),
                None => format!("prefix list {id} is not among the region's prefix lists"),
            });
        };
        if list.is_cloudfront_origin_facing() {
            match sources {
                Sources::Internet => return Ok(Vec::new()),
                // Without its entries, CloudFront's servers are drawn as
                // public addresses (never a private one: a load balancer
                // node's is not CloudFront's); with them, as they are.
                Sources::CloudFront if list.entries.is_none() => {
                    return Ok(cloudfront_family(list).to_nets());
                }
                Sources::CloudFront => {}
            }
        }
        let Some(entries) = list.entries.as_ref() else {
            return Err(match failed("ec2:GetManagedPrefixListEntries", Some(id)) {
                Some(why) => format!("prefix list {id} entries not collected: {why}"),
                None => format!("prefix list {id} entries not collected"),
            });
        };
        entries
            .iter()
            .map(|e| {
                parse_cidr(&e.cidr)
                    .ok_or_else(|| format!("prefix list {id} entry {:?} not parseable", e.cidr))
            })
            .collect()
    }
}

/// Whether a CloudFront list is the IPv6 one.
fn cloudfront_v6(list: &ManagedPrefixList) -> bool {
    list.address_family.as_deref() == Some("IPv6")
        || list.prefix_list_name.as_deref() == Some(CLOUDFRONT_ORIGIN_FACING[1])
}

/// The public address space of a CloudFront list's family.
fn cloudfront_family(list: &ManagedPrefixList) -> ip::AddrSet {
    ip::public_of(if cloudfront_v6(list) {
        ip::Family::V6
    } else {
        ip::Family::V4
    })
}

/// The addresses CloudFront fetches from, as far as a region's lists tell:
/// per family, the entries of its AWS-owned origin-facing list when they
/// were collected, else every public address of the family (an
/// over-approximation: a way in too many, never one too few).
pub fn cloudfront_addresses(lists: &[ManagedPrefixList]) -> ip::AddrSet {
    let mut out = ip::AddrSet::empty();
    for family in [ip::Family::V4, ip::Family::V6] {
        let known = lists.iter().find(|l| {
            l.is_cloudfront_origin_facing()
                && l.entries.is_some()
                && cloudfront_v6(l) == (family == ip::Family::V6)
        });
        let set = match known.and_then(|l| l.entries.as_ref()) {
            Some(entries) => {
                let nets: Option<Vec<IpNet>> =
                    entries.iter().map(|e| parse_cidr(&e.cidr)).collect();
                match nets {
                    Some(nets) => ip::AddrSet::from_nets(nets),
                    None => ip::public_of(family),
                }
            }
            None => ip::public_of(family),
        };
        out = out.union(&set);
    }
    out
}

/// A resolver that knows no prefix list, for callers (and tests) with none.
pub fn no_prefix_lists(id: &str) -> Result<Vec<IpNet>, String> {
    Err(format!("prefix list {id} entries not collected"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "tcp",
            " tcp",
            "tcp ",
            "\t10.0.0.0/8\n",
            "\u{a0}-1\u{2003}",
            "é",
            " é ",
            "0.0.0.0/0",
            "\u{a0}",
            "a\u{a0}",
            "\u{a0}a",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn trim_agrees_with_str_trim_on_any_text(s in "\\PC{0,6}|[ \t\n\u{a0}\u{2003}a-z0-9./é]{0,8}") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
        }
    }

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

    /// CloudFront's origin-facing lists name a sender, not addresses: the
    /// internet is not admitted by them, CloudFront is (entries collected
    /// or not); a customer's list of the same name is read as addresses.
    /// <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html#managed-prefix-list>
    #[test]
    fn cloudfront_lists_admit_cloudfront_not_the_internet() {
        let list = |id: &str, name: &str, owner: &str, family: &str, entries: Option<&str>| {
            ManagedPrefixList {
                prefix_list_id: id.into(),
                prefix_list_name: Some(name.into()),
                address_family: Some(family.into()),
                owner_id: Some(owner.into()),
                max_entries: None,
                entries: entries.map(|c| {
                    vec![PrefixListEntry {
                        cidr: c.into(),
                        description: None,
                    }]
                }),
                tags: Default::default(),
            }
        };
        let lists = vec![
            list(
                "pl-cf",
                CLOUDFRONT_ORIGIN_FACING[0],
                "AWS",
                "IPv4",
                Some("130.176.0.0/18"),
            ),
            list("pl-cf6", CLOUDFRONT_ORIGIN_FACING[1], "AWS", "IPv6", None),
            list(
                "pl-fake",
                CLOUDFRONT_ORIGIN_FACING[0],
                "123456789012",
                "IPv4",
                Some("0.0.0.0/0"),
            ),
        ];
        let internet = prefix_list_resolver(&lists, &[], "us-east-1");
        assert_eq!(internet("pl-cf"), Ok(vec![]));
        assert_eq!(internet("pl-cf6"), Ok(vec![]));
        assert_eq!(internet("pl-fake"), Ok(vec!["0.0.0.0/0".parse().unwrap()]));
        let cf = prefix_list_resolver_for(&lists, &[], "us-east-1", Sources::CloudFront);
        // Collected entries are CloudFront's servers as they are.
        assert_eq!(cf("pl-cf"), Ok(vec!["130.176.0.0/18".parse().unwrap()]));
        let mut unknown = lists.clone();
        unknown[0].entries = None;
        let cf = prefix_list_resolver_for(&unknown, &[], "us-east-1", Sources::CloudFront);
        let nets = cf("pl-cf").unwrap();
        let has = |a: &str| {
            nets.iter()
                .any(|n| n.contains(&a.parse::<std::net::IpAddr>().unwrap()))
        };
        assert!(has("130.176.0.1") && has("8.8.8.8"), "{nets:?}");
        assert!(
            !has("10.0.0.5") && !has("192.168.1.1"),
            "never a private address: {nets:?}"
        );
        assert!(
            cf("pl-cf6")
                .unwrap()
                .iter()
                .all(|n| matches!(n, IpNet::V6(_)))
        );
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
        let r = prefix_list_resolver(&lists, &[], "us-east-1");
        assert_eq!(
            r("pl-ok"),
            Ok(vec![
                "203.0.113.0/24".parse().unwrap(),
                "10.0.0.0/8".parse().unwrap()
            ])
        );
        assert_eq!(
            r("pl-uncollected"),
            Err("prefix list pl-uncollected entries not collected".into())
        );
        assert_eq!(
            r("pl-garbage"),
            Err("prefix list pl-garbage entry \"not-a-cidr\" not parseable".into())
        );
        assert_eq!(
            r("pl-absent"),
            Err("prefix list pl-absent is not among the region's prefix lists".into())
        );
        assert!(no_prefix_lists("pl-ok").is_err());

        // With the failures recorded, the reasons name the operation (and
        // only this region's, and only this list's, failures count).
        let error = |region: &str, op: &str, resource: Option<&str>| CollectionError {
            service: "ec2".into(),
            region: Some(region.into()),
            operation: op.into(),
            resource: resource.map(Into::into),
            kind: rampart_model::ErrorKind::AccessDenied,
            code: Some("UnauthorizedOperation".into()),
            message: "denied".into(),
        };
        let errors = vec![
            error("eu-west-1", "ec2:DescribeManagedPrefixLists", None),
            error(
                "us-east-1",
                "ec2:GetManagedPrefixListEntries",
                Some("pl-other"),
            ),
            error(
                "us-east-1",
                "ec2:GetManagedPrefixListEntries",
                Some("pl-uncollected"),
            ),
        ];
        let r = prefix_list_resolver(&lists, &errors, "us-east-1");
        assert_eq!(
            r("pl-uncollected"),
            Err("prefix list pl-uncollected entries not collected: \
                 ec2:GetManagedPrefixListEntries was not collected (access-denied: denied)"
                .into())
        );
        assert_eq!(
            r("pl-absent"),
            Err("prefix list pl-absent is not among the region's prefix lists".into()),
            "eu-west-1's failure says nothing about us-east-1"
        );
        let r = prefix_list_resolver(&[], &errors, "eu-west-1");
        assert_eq!(
            r("pl-absent"),
            Err("prefix list pl-absent not collected: \
                 ec2:DescribeManagedPrefixLists was not collected (access-denied: denied)"
                .into())
        );
    }

    /// Regression: `PrefixLists` once meant `dyn Fn + 'static`, so a
    /// resolver borrowing the snapshot (or a `&dyn Fn` kept in a struct)
    /// could not be passed to the primitives at all.
    #[test]
    fn a_borrowing_resolver_can_be_passed_everywhere() {
        use rampart_model::{Route, RouteTable, RouteTarget, SgPeer, SgRule};

        struct Cx<'a> {
            resolve: &'a PrefixLists<'a>,
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
        let resolver = prefix_list_resolver(&lists, &[], "us-east-1");
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
