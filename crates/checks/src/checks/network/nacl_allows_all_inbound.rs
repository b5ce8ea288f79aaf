//! NET-008: a network ACL on a backend's subnet that admits everything that
//! matters from public address space is no second layer at all: the
//! security group is then the only filter between the internet and the
//! instance, and one rule mistake there is an exposure.
//!
//! What is judged is what the NACL admits, not whether it has a deny
//! (issue 13 item 11): a NACL fails when some public address gets through
//! it, inbound, on *every port that matters* for the backends behind it:
//! - SSH (22) and RDP (3389);
//! - the high-risk ports of NET-015 (databases, caches, search, brokers,
//!   file sharing, legacy admin and mail);
//! - the backends' app ports: the target ports of the target groups they
//!   are registered in (UDP for a UDP target group) and the ports their
//!   load balancer and gateway paths deliver.
//!
//! A deny for any of those, for every public address, is filtering and
//! passes; a deny for anything else (one UDP port, one port nothing
//! listens on, one public block) in front of an allow-all rule leaves the
//! NACL as open as the default one and fails. The ephemeral range
//! (1024-65535) is deliberately not a port that matters: a filtering NACL
//! must admit it for replies anyway (the default NACL guidance), so
//! admitting it says nothing, and denying one port in it filters nothing.
//!
//! Entries are evaluated lowest rule number first, the first match
//! decides, implicit deny at the end (`crate::reach::nacl`). An entry that
//! cannot be read makes a fail not evaluated when it comes before a rule
//! that decides it, and makes any pass not evaluated (it could be an allow
//! that opens the port that looked closed). Scope: NACLs associated with a
//! subnet a backend has an interface in; the finding lists the backends
//! behind it.

use std::collections::BTreeSet;

use rampart_model::{NaclEntry, PathKind, Status, Transport};

use super::admin_port_open_to_internet::ADMIN_PORTS;
use super::high_risk_port_open_to_internet::HIGH_RISK_PORTS;
use super::scope::{Scope, instance_arns, subnets, task_subnets};
use crate::index::RegionIndex;
use crate::paths::Exposures;
use crate::reach::ip::{AddrSet, parse_cidr, public};
use crate::reach::nacl::allowed_sources;
use crate::reach::ports::{Protocol, rule_covers};
use crate::registry::{Check, Context, Outcome};

pub struct NaclAllowsAllInbound;

/// At most this many ports of one path's range count as app ports.
const MAX_PATH_PORTS: usize = 64;

impl Check for NaclAllowsAllInbound {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-008")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let (acls, mut out) = scope.resources(
            cx,
            "network ACLs",
            "network-acl",
            |inv| {
                inv.ec2
                    .network_acls
                    .iter()
                    .map(|a| a.network_acl_id.as_str())
                    .collect()
            },
            |rix, i| {
                subnets(rix, i)?
                    .into_iter()
                    .map(|s| {
                        rix.subnet_nacl
                            .get(s)
                            .map(|a| a.network_acl_id.as_str())
                            .ok_or_else(|| format!("no network ACL known for {s}"))
                    })
                    .collect()
            },
            Some(&|rix, t| {
                task_subnets(rix, t)?
                    .into_iter()
                    .map(|s| {
                        rix.subnet_nacl
                            .get(s)
                            .map(|a| a.network_acl_id.as_str())
                            .ok_or_else(|| format!("no network ACL known for {s}"))
                    })
                    .collect()
            }),
        );
        for r in cx.snapshot.region_names() {
            out.extend(cx.region_gap(r, &["ec2:DescribeNetworkAcls"], "network-acl"));
        }
        for ((region, acl_id), users) in &acls {
            let Some(rix) = cx.index.regions.get(region) else {
                continue;
            };
            let Some(acl) = rix
                .subnet_nacl
                .values()
                .find(|a| a.network_acl_id == *acl_id)
            else {
                continue;
            };
            let arn = cx.ec2_arn(region, "network-acl", acl_id);
            let instances = users
                .backends
                .iter()
                .copied()
                .chain(users.maybe.iter().map(|(i, _)| *i));
            let matter = ports_that_matter(rix, cx.exposures, region, instances);
            let v = open_on_all(&acl.entries, &matter);
            let mut o = if !v.admitted.is_empty() && v.doubt.is_none() {
                match users.doubt() {
                    Some(why) => Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why),
                        format!(
                            "{acl_id} admits every port that matters from the internet, on instances that may be backends"
                        ),
                    ),
                    None => Outcome::new(
                        arn,
                        region,
                        Status::Fail,
                        format!(
                            "{acl_id} on the subnet(s) of backend(s) {} allows all traffic inbound from the internet ({}): every port that matters is open ({})",
                            users.names(),
                            v.rules.join(", "),
                            describe_ports(&matter)
                        ),
                    ),
                }
            } else if let Some(why) = v.doubt {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!("{acl_id} may admit every port that matters from the internet"),
                )
            } else {
                Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!(
                        "{acl_id} denies the internet at least one port that matters ({})",
                        v.closed.unwrap_or_default()
                    ),
                )
            };
            o.affected = instance_arns(cx, region, &users.backends);
            out.push(o);
        }
        out
    }
}

/// A port that matters: transport and port.
type Port = (Protocol, u16);

/// SSH, RDP, the high-risk ports, and the app ports of `instances`.
fn ports_that_matter<'a>(
    rix: &RegionIndex<'_>,
    exposures: &Exposures,
    region: &str,
    instances: impl Iterator<Item = &'a str>,
) -> BTreeSet<Port> {
    let mut m: BTreeSet<Port> = ADMIN_PORTS
        .iter()
        .chain(HIGH_RISK_PORTS)
        .map(|(p, _)| (Protocol::Tcp, *p))
        .collect();
    for id in instances {
        for (tg, t) in rix.instance_targets.get(id).into_iter().flatten() {
            let Some(p) = t.port.or(tg.port).and_then(|p| u16::try_from(p).ok()) else {
                continue;
            };
            match tg.protocol.as_deref() {
                Some("UDP") => {
                    m.insert((Protocol::Udp, p));
                }
                Some("TCP_UDP") => {
                    m.insert((Protocol::Tcp, p));
                    m.insert((Protocol::Udp, p));
                }
                _ => {
                    m.insert((Protocol::Tcp, p));
                }
            }
        }
        for e in exposures.for_instance(region, id) {
            // A direct path delivers whatever the groups open: not an app port.
            if e.path.kind == PathKind::Direct {
                continue;
            }
            let proto = match e.path.protocol {
                Transport::Tcp => Protocol::Tcp,
                Transport::Udp => Protocol::Udp,
            };
            m.extend(
                e.path
                    .ports
                    .iter()
                    .flat_map(|r| r.from.max(0)..=r.to.min(65535))
                    .filter_map(|p| u16::try_from(p).ok())
                    .take(MAX_PATH_PORTS)
                    .map(|p| (proto, p)),
            );
        }
    }
    m
}

/// `22/tcp, 3389/tcp, ...` for a message, the app ports included.
fn describe_ports(m: &BTreeSet<Port>) -> String {
    let fixed: BTreeSet<u16> = ADMIN_PORTS
        .iter()
        .chain(HIGH_RISK_PORTS)
        .map(|(p, _)| *p)
        .collect();
    let mut app: Vec<String> = m
        .iter()
        .filter(|(proto, p)| !(*proto == Protocol::Tcp && fixed.contains(p)))
        .map(|(proto, p)| format!("{p}/{proto}"))
        .collect();
    let mut s = "SSH, RDP, the high-risk ports".to_string();
    if !app.is_empty() {
        if app.len() > 5 {
            let more = app.len() - 5;
            app.truncate(5);
            app.push(format!("{more} more"));
        }
        s.push_str(&format!(", app port(s) {}", app.join(", ")));
    }
    s
}

/// What [`open_on_all`] found.
struct OpenOnAll {
    /// The public addresses admitted on every port that matters.
    admitted: AddrSet,
    /// The allow entries that admit them, as `rule N: allow all from CIDR`.
    rules: Vec<String>,
    /// A port that matters closed to every public address, for a pass.
    closed: Option<String>,
    /// Why the answer may be wrong (an entry that cannot be read).
    doubt: Option<String>,
}

fn open_on_all(entries: &[NaclEntry], matter: &BTreeSet<Port>) -> OpenOnAll {
    let mut inbound: Vec<&NaclEntry> = entries.iter().filter(|e| !e.egress).collect();
    inbound.sort_by_key(|e| e.rule_number);
    let unreadable: Vec<(i32, String)> = inbound
        .iter()
        .filter_map(|e| read(e).err().map(|why| (e.rule_number, why)))
        .collect();
    let mut admitted = public();
    let mut closed = None;
    for (proto, port) in matter {
        let here = allowed_sources(entries, false, *proto, *port, &admitted);
        if here.is_empty() {
            closed = Some(format!("{port}/{proto}"));
        }
        admitted = here;
        if admitted.is_empty() {
            break;
        }
    }
    let mut found = OpenOnAll {
        admitted,
        rules: vec![],
        closed,
        doubt: None,
    };
    if found.admitted.is_empty() {
        found.doubt = unreadable.first().map(|(_, why)| why.clone());
        return found;
    }
    // The entries that decide for the admitted addresses, per port.
    let mut deciders: BTreeSet<i32> = BTreeSet::new();
    for (proto, port) in matter {
        let mut remaining = found.admitted.clone();
        for e in &inbound {
            let Ok((allow, rp, net, _)) = read(e) else {
                continue;
            };
            let span = e.port_range;
            if !rule_covers(rp, span.map(|p| p.from), span.map(|p| p.to), *proto, *port) {
                continue;
            }
            let block = AddrSet::from_net(net);
            if !remaining.overlaps(&block) {
                continue;
            }
            if allow {
                deciders.insert(e.rule_number);
            }
            remaining = remaining.difference(&block);
            if remaining.is_empty() {
                break;
            }
        }
    }
    let last = deciders.last().copied().unwrap_or(i32::MAX);
    found.doubt = unreadable
        .iter()
        .find(|(n, _)| *n < last)
        .map(|(_, why)| why.clone());
    found.rules = inbound
        .iter()
        .filter(|e| deciders.contains(&e.rule_number))
        .filter_map(|e| {
            let (_, rp, _, cidr) = read(e).ok()?;
            let what = match (rp, e.port_range) {
                (Protocol::All, _) => "all".to_string(),
                (p, Some(r)) if r.from == r.to => format!("{p} {}", r.from),
                (p, Some(r)) => format!("{p} {}-{}", r.from, r.to),
                (p, None) => p.to_string(),
            };
            Some(format!("rule {}: allow {what} from {cidr}", e.rule_number))
        })
        .collect();
    found
}

/// An entry as (allow, protocol, CIDR, CIDR text), or why it cannot be read.
pub(crate) fn read(e: &NaclEntry) -> Result<(bool, Protocol, ipnet::IpNet, &str), String> {
    let proto = Protocol::parse(&e.protocol).ok_or_else(|| {
        format!(
            "NACL rule {} protocol {:?} not recognised",
            e.rule_number, e.protocol
        )
    })?;
    let allow = match e.rule_action.to_ascii_lowercase().as_str() {
        "allow" => true,
        "deny" => false,
        other => {
            return Err(format!(
                "NACL rule {} action {other:?} not recognised",
                e.rule_number
            ));
        }
    };
    let cidr = e
        .cidr_block
        .as_deref()
        .or(e.ipv6_cidr_block.as_deref())
        .unwrap_or_default();
    let net = parse_cidr(cidr)
        .ok_or_else(|| format!("NACL rule {} CIDR {cidr:?} not parseable", e.rule_number))?;
    Ok((allow, proto, net, cidr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;
    use rampart_model::*;

    fn entries_of<'a>(s: &'a mut Snapshot, id: &str) -> &'a mut Vec<NaclEntry> {
        &mut region(s)
            .ec2
            .network_acls
            .iter_mut()
            .find(|a| a.network_acl_id == id)
            .unwrap()
            .entries
    }

    #[test]
    fn the_default_nacl_on_a_backend_subnet_fails_a_filtering_one_passes() {
        let got = run(&NaclAllowsAllInbound, &demo());
        // acl-hdef allows everything too, but no backend sits behind it.
        assert_eq!(
            statuses(&got),
            vec![("acl-happ".into(), "pass"), ("acl-ldef".into(), "fail")]
        );
        assert_eq!(
            got[1].message,
            "acl-ldef on the subnet(s) of backend(s) i-l1 allows all traffic inbound from the internet (rule 100: allow all from 0.0.0.0/0): every port that matters is open (SSH, RDP, the high-risk ports, app port(s) 8080/tcp)"
        );
    }

    #[test]
    fn rule_order_decides() {
        let mut s = demo();
        // A deny for the world first: the later allow only admits the VPC.
        entries_of(&mut s, "acl-ldef").push(entry(
            false,
            50,
            "6",
            "deny",
            "0.0.0.0/0",
            Some((22, 22)),
        ));
        assert_eq!(
            statuses(&run(&NaclAllowsAllInbound, &s))[1],
            ("acl-ldef".into(), "pass")
        );
        // An all-allow for a public IPv6 range before the deny-all of acl-happ.
        let mut s = demo();
        entries_of(&mut s, "acl-happ").push(entry(
            false,
            150,
            "-1",
            "allow",
            "2001:db8::/32",
            None,
        ));
        assert_eq!(
            statuses(&run(&NaclAllowsAllInbound, &s))[0],
            ("acl-happ".into(), "fail")
        );
        // ... but not when it only names private space.
        let mut s = demo();
        entries_of(&mut s, "acl-happ").push(entry(false, 150, "-1", "allow", "10.0.0.0/8", None));
        assert_eq!(
            statuses(&run(&NaclAllowsAllInbound, &s))[0],
            ("acl-happ".into(), "pass")
        );
    }

    /// Issue 13 item 11: an unrelated deny in front of the allow-all rule
    /// (one UDP port, one port nothing listens on) leaves the NACL open on
    /// every port that matters, so it still fails; a deny for a port that
    /// matters (an admin port, a high-risk port, the backend's app port)
    /// is filtering. NACL entries are evaluated lowest number first and
    /// the first match decides (NetworkAclEntry, "processes the entries ...
    /// according to the rule numbers, in ascending order",
    /// https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_NetworkAclEntry.html).
    #[test]
    fn an_unrelated_deny_before_allow_all_still_fails() {
        let with = |e: NaclEntry| {
            let mut s = demo();
            entries_of(&mut s, "acl-ldef").push(e);
            run(&NaclAllowsAllInbound, &s)
                .into_iter()
                .find(|o| o.resource_arn.ends_with("acl-ldef"))
                .unwrap()
        };
        for unrelated in [
            entry(false, 50, "17", "deny", "0.0.0.0/0", Some((53, 53))),
            entry(false, 50, "6", "deny", "0.0.0.0/0", Some((40000, 40000))),
            entry(false, 50, "-1", "deny", "203.0.113.0/24", None),
        ] {
            let o = with(unrelated.clone());
            assert_eq!(o.status, Status::Fail, "{unrelated:?}: {}", o.message);
            assert_eq!(
                o.affected,
                vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-l1".to_string()]
            );
        }
        for related in [
            entry(false, 50, "6", "deny", "0.0.0.0/0", Some((3306, 3306))),
            entry(false, 50, "6", "deny", "0.0.0.0/0", Some((8080, 8080))),
            entry(false, 50, "6", "deny", "0.0.0.0/0", Some((3389, 3389))),
        ] {
            let o = with(related.clone());
            assert_eq!(o.status, Status::Pass, "{related:?}: {}", o.message);
        }
    }

    #[test]
    fn unreadable_entries_and_unknown_nacls_are_not_evaluated() {
        let mut s = demo();
        entries_of(&mut s, "acl-ldef").push(entry(false, 10, "6", "deny", "not-a-cidr", None));
        assert_eq!(
            statuses(&run(&NaclAllowsAllInbound, &s))[1],
            ("acl-ldef".into(), "not-evaluated")
        );
        // An unreadable entry after the decision changes nothing.
        let mut s = demo();
        entries_of(&mut s, "acl-ldef").push(entry(false, 200, "6", "deny", "not-a-cidr", None));
        assert_eq!(
            statuses(&run(&NaclAllowsAllInbound, &s))[1],
            ("acl-ldef".into(), "fail")
        );
        // NACLs not collected: no ACL known for the backends' subnets.
        let mut s = demo();
        region(&mut s).ec2.network_acls.clear();
        fail(&mut s, "ec2:DescribeNetworkAcls");
        assert_eq!(
            statuses(&run(&NaclAllowsAllInbound, &s)),
            vec![
                ("*".into(), "not-evaluated"),
                ("i-h1".into(), "not-evaluated"),
                ("i-l1".into(), "not-evaluated")
            ]
        );
    }
}
