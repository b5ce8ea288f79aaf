//! NET-004: a backend's security group should admit its application port
//! from the load balancer only (the LB's security group, or its subnets),
//! never from internet CIDRs: otherwise anyone who learns the instance's
//! address, or any path that reaches it, talks to the app directly.
//!
//! Filed on the security group that must change (issue 13, item 19), with
//! the backends it exposes: one group on a hundred backends is one finding
//! listing a hundred backends.
//!
//! The app ports are the target ports of the target groups the instance is
//! registered in, with the target group's protocol (TCP, UDP, or both for
//! TCP_UDP), plus the ports and protocol its gateway paths deliver. A
//! backend that is neither (it is a backend only because it is reachable
//! directly) is judged on every tcp and udp port its groups open to the
//! internet, except SSH/RDP alone, which NET-005 owns.
//!
//! An internet-facing NLB without security groups that hands its targets
//! the client's address (client IP preservation) forces the instance's
//! group to admit the internet for the NLB to work at all: the finding
//! then says so, because the fix is on the load balancer, not only on the
//! group.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;

use rampart_model::{PathKind, PortRange, SecurityGroup, SgPeer, SgRule, Status, Transport};

use super::admin_port_open_to_internet::ADMIN_PORTS;
use super::scope::{Scope, backend_sg_sets, instance_arns, unjudged};
use crate::index::RegionIndex;
use crate::paths::{Exposures, client_ip_preserved, transports};
use crate::reach::ports::{Protocol, overlap, rule_span};
use crate::reach::sg::{Peer, internet_ports, peer_matches, rule_admits};
use crate::reach::{PrefixLists, Reach, prefix_list_resolver};
use crate::registry::{Check, Context, Outcome};

pub struct BackendSgAppPortOpenWide;

const INPUTS: &[&str] = &[
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeNetworkInterfaces",
];

/// More app ports than this from one path range are not listed one by one.
const MAX_PORTS: usize = 64;

/// What one security group is found to do, over the backends that use it.
#[derive(Default)]
struct Verdict<'a> {
    /// Backend -> where the group admits its app ports from the internet
    /// (`tcp 8080 on eni-1`).
    open: BTreeMap<&'a str, Vec<String>>,
    /// The offending rules, quoted.
    quoted: BTreeSet<String>,
    /// Why a rule of the group could not be judged.
    unknown: Option<String>,
    /// Backends judged (known ones), and maybe-backends with the reason.
    backends: BTreeSet<&'a str>,
    maybe: BTreeMap<&'a str, String>,
    /// The app ports judged, for the pass message.
    ports: BTreeSet<(Transport, u16)>,
    /// Internet-facing NLBs in front whose clients' addresses reach the
    /// backends: the group must admit the internet for them to work.
    preserving: BTreeSet<&'a str>,
}

/// What a launch not known to feed a backend may do, where the paths are
/// incomplete ([`crate::fleets::judge_backends`]).
const MAY_LAUNCH: &str =
    "may launch backends whose security groups admit their ports from the internet";

impl Check for BackendSgAppPortOpenWide {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-004")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let mut out = scope.instance_gaps.clone();
        // By (region, group id, protocol, port): thousands of backends share
        // a group, and judging one parses its every rule.
        let mut judged: HashMap<(&str, &str, Transport, u16), Judged> = HashMap::default();
        // By (region, group id, protocol), for directly reachable backends.
        let mut open_memo: HashMap<(&str, &str, Transport), Open> = HashMap::default();
        // Hashed: a group is looked up once per backend carrying it; sorted
        // once at the end.
        let mut groups: HashMap<(&str, &str), Verdict<'_>> = HashMap::default();
        let mut doubt: BTreeMap<&str, String> = BTreeMap::new();
        // Instances and tasks alike (issue 16 item 3).
        out.extend(scope.task_gaps.iter().cloned());
        for (region, b, maybe) in scope.everyone() {
            let id = b.id();
            let (Some(rix), Some(inv)) = (
                cx.index.regions.get(region),
                cx.snapshot.regions.get(region),
            ) else {
                continue;
            };
            let resolve = prefix_list_resolver(
                &inv.ec2.managed_prefix_lists,
                &cx.snapshot.collection_errors,
                region,
            );
            let (ports, preserving) = app_ports(rix, cx.exposures, region, id);
            let sets = backend_sg_sets(rix, b);
            let arn = cx.ec2_arn(region, "instance", id);
            let sets = match sets {
                Ok(s) => s,
                Err(why) => {
                    doubt.entry(region).or_insert_with(|| why.clone());
                    out.push(Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why),
                        format!("the security groups of {id} are unknown"),
                    ));
                    continue;
                }
            };
            for (eni, group_ids) in sets {
                for g in group_ids {
                    let v = groups.entry((region, g.as_str())).or_default();
                    match maybe {
                        None => {
                            v.backends.insert(id);
                        }
                        Some(why) => {
                            v.maybe.entry(id).or_insert_with(|| why.clone());
                        }
                    }
                    v.preserving.extend(preserving.iter().copied());
                    let Some(sg) = rix.security_groups.get(g.as_str()) else {
                        v.unknown = Some(format!("security group {g} was not collected"));
                        continue;
                    };
                    if !ports.is_empty() {
                        for (t, p) in &ports {
                            v.ports.insert((*t, *p));
                            let (quoted, why) = judged
                                .entry((region, g.as_str(), *t, *p))
                                .or_insert_with(|| judge_port(sg, *t, *p, &resolve));
                            if !quoted.is_empty() {
                                v.open
                                    .entry(id)
                                    .or_default()
                                    .push(format!("{t} {p} on {eni}"));
                                for q in quoted {
                                    if !v.quoted.contains(q) {
                                        v.quoted.insert(q.clone());
                                    }
                                }
                            }
                            if let Some(why) = why {
                                v.unknown = Some(why.clone());
                            }
                        }
                    } else {
                        // Directly reachable only: every internet-open port
                        // but SSH/RDP on their own.
                        for t in [Transport::Tcp, Transport::Udp] {
                            let (ranges, quoted, why) = open_memo
                                .entry((region, g.as_str(), t))
                                .or_insert_with(|| judge_open(sg, g, t, &resolve));
                            if let Some(why) = why {
                                v.unknown = Some(why.clone());
                            }
                            for r in ranges.iter() {
                                v.open
                                    .entry(id)
                                    .or_default()
                                    .push(format!("{t} {} on {eni}", show(*r)));
                            }
                            for q in quoted {
                                if !v.quoted.contains(q) {
                                    v.quoted.insert(q.clone());
                                }
                            }
                        }
                    }
                }
            }
        }
        out.extend(unjudged(
            cx,
            "security-group",
            doubt,
            |r, id| groups.contains_key(&(r, id)),
            |inv| {
                inv.ec2
                    .security_groups
                    .iter()
                    .map(|g| g.group_id.as_str())
                    .collect()
            },
        ));
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_unstable_by_key(|(k, _)| *k);
        for ((region, g), v) in groups {
            let blocker = cx
                .not_collected(Some(region), INPUTS)
                .or_else(|| scope.pass_blocker(region).map(str::to_string));
            out.push(verdict(cx, region, g, v, blocker));
        }
        // What Auto Scaling groups will launch as backends (issue 15 item
        // 3): the launch's groups on its target groups' ports, or, without
        // a target group, on every port they open but SSH/RDP alone.
        out.extend(crate::fleets::judge_groups(cx, MAY_LAUNCH, |l, groups, resolve| {
            // Every port but SSH/RDP alone when no target group names the
            // app port, or one of them is unknown.
            let ports = l.target_ports(cx).unwrap_or_default();
            let mut quoted: Vec<String> = Vec::new();
            let mut unknown = None;
            for (id, g) in groups {
                let Some(g) = g else {
                    unknown = Some(format!("security group {id} was not collected"));
                    continue;
                };
                if ports.is_empty() {
                    for t in [Transport::Tcp, Transport::Udp] {
                        let (_, q, u) = judge_open(g, id, t, resolve);
                        quoted.extend(q);
                        unknown = unknown.or(u);
                    }
                }
                for (t, port) in &ports {
                    let (q, u) = judge_port(g, *t, *port, resolve);
                    quoted.extend(q);
                    unknown = unknown.or(u);
                }
            }
            quoted.sort_unstable();
            quoted.dedup();
            let what = if ports.is_empty() {
                "its ports".to_string()
            } else {
                ports
                    .iter()
                    .map(|(t, p)| format!("{} {p}", t.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if !quoted.is_empty() {
                (
                    Status::Fail,
                    format!(
                        "launches backends whose security groups admit {what} from the internet ({})",
                        quoted.join("; ")
                    ),
                )
            } else if let Some(why) = unknown {
                (
                    Status::NotEvaluated(why),
                    format!("launches backends whose security groups may admit {what} from the internet"),
                )
            } else {
                let ids: Vec<&str> = groups.iter().map(|(id, _)| id.as_str()).collect();
                (
                    Status::Pass,
                    format!(
                        "launches backends whose security groups ({}) admit {what} from no public address",
                        ids.join(", ")
                    ),
                )
            }
        }));
        out
    }
}

/// The group's outcome over the backends that use it.
fn verdict(
    cx: &Context<'_>,
    region: &str,
    g: &str,
    v: Verdict<'_>,
    blocker: Option<String>,
) -> Outcome {
    let arn = cx.ec2_arn(region, "security-group", g);
    let open: Vec<&str> = v.open.keys().copied().collect();
    let affected = instance_arns(cx, region, &open);
    let sure: Vec<&str> = v
        .open
        .keys()
        .copied()
        .filter(|id| v.backends.contains(id))
        .collect();
    if !v.open.is_empty() {
        let listed: Vec<String> = v
            .open
            .iter()
            .map(|(id, where_)| format!("{id} ({})", where_.join(", ")))
            .collect();
        let mut msg = format!(
            "security group {g} admits the app port of {} backend(s) from the internet instead of only from their load balancer: {} ({})",
            v.open.len(),
            listed.join("; "),
            v.quoted.iter().cloned().collect::<Vec<_>>().join("; ")
        );
        if !v.preserving.is_empty() {
            msg.push_str(&format!(
                ". Internet-facing NLB {} has no security groups and preserves client IPs, so this rule is what makes it work: recreate the NLB with a security group (or put an internal NLB behind an API Gateway VPC link) and admit only that group",
                v.preserving.iter().copied().collect::<Vec<_>>().join(", ")
            ));
        }
        let status = if sure.is_empty() {
            // Only instances that may not be backends: a finding only if
            // they are.
            let (first, why) = v
                .open
                .keys()
                .find_map(|id| Some((*id, v.maybe.get(id)?)))
                .map_or(("?", String::new()), |(id, w)| (id, w.clone()));
            Status::NotEvaluated(format!(
                "the group's exposed instances may not be backends ({first}, ...): {why}"
            ))
        } else {
            Status::Fail
        };
        let mut o = Outcome::new(arn, region, status, msg);
        o.affected = affected;
        return o;
    }
    let users: Vec<&str> = v
        .backends
        .iter()
        .copied()
        .chain(v.maybe.keys().copied())
        .collect();
    if let Some(why) = v.unknown.or(blocker) {
        let mut o = Outcome::new(
            arn,
            region,
            Status::NotEvaluated(why),
            format!(
                "cannot tell whether security group {g} admits the app port of backend(s) {} from the internet",
                users.join(", ")
            ),
        );
        o.affected = instance_arns(cx, region, &users);
        return o;
    }
    let msg = if v.ports.is_empty() {
        format!(
            "security group {g} opens no port but SSH/RDP to the internet for backend(s) {} (see NET-005)",
            users.join(", ")
        )
    } else {
        format!(
            "security group {g} admits the app port(s) {} of backend(s) {} only from non-internet sources",
            // In text order, as the message always listed them.
            v.ports
                .iter()
                .map(|(t, p)| format!("{t} {p}"))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", "),
            users.join(", ")
        )
    };
    Outcome::new(arn, region, Status::Pass, msg)
}

/// A backend's app ports, as (protocol, port): its registrations' target
/// ports with the target groups' protocols, and what its gateway paths
/// deliver; plus the internet-facing NLBs without security groups that
/// hand it the client's address.
fn app_ports<'s>(
    rix: &RegionIndex<'s>,
    exposures: &Exposures,
    region: &str,
    id: &str,
) -> (BTreeSet<(Transport, u16)>, BTreeSet<&'s str>) {
    let mut ports = BTreeSet::new();
    let mut preserving = BTreeSet::new();
    // Indexed once per region: no scan of every target group per backend.
    for (tg, t) in rix.instance_targets.get(id).into_iter().flatten() {
        if let Some(p) = t.port.or(tg.port).and_then(|p| u16::try_from(p).ok()) {
            for tr in transports(tg.protocol.as_deref()) {
                ports.insert((*tr, p));
            }
        }
        for lb in rix
            .tg_load_balancers
            .get(tg.target_group_arn.as_str())
            .into_iter()
            .flatten()
        {
            if lb.lb_type.as_deref() == Some("network")
                && lb.scheme.as_deref() == Some("internet-facing")
                && lb.security_group_ids.is_empty()
                && client_ip_preserved(tg) != Some(false)
            {
                preserving.insert(lb.name.as_str());
            }
        }
    }
    for e in exposures.for_instance(region, id) {
        // The ports the front doors deliver to are the application's.
        if matches!(e.path.kind, PathKind::Gateway | PathKind::CloudFront) {
            for p in path_ports(&e.path.ports) {
                ports.insert((e.path.protocol, p));
            }
        }
    }
    (ports, preserving)
}

fn proto(t: Transport) -> Protocol {
    match t {
        Transport::Tcp => Protocol::Tcp,
        Transport::Udp => Protocol::Udp,
    }
}

/// What [`judge_open`] finds.
type Open = (Vec<PortRange>, Vec<String>, Option<String>);

/// The port ranges of protocol `t` that group `g` (`id`) opens to the
/// internet, but SSH/RDP on their own; the rules that open them, quoted;
/// and the last reason a rule could not be judged.
fn judge_open(g: &SecurityGroup, id: &str, t: Transport, resolve: &PrefixLists<'_>) -> Open {
    let proto = proto(t);
    let rules: Vec<&SgRule> = g.ingress.iter().collect();
    let (ranges, unknowns) = internet_ports(&rules, proto, resolve);
    let ranges: Vec<PortRange> = ranges.into_iter().filter(|r| !admin_only(*r)).collect();
    let mut quoted = Vec::new();
    for r in &ranges {
        for rule in &g.ingress {
            if covers_range(rule, proto, *r, resolve) {
                let q = format!("{id}: {}", describe(rule));
                if !quoted.contains(&q) {
                    quoted.push(q);
                }
            }
        }
    }
    (ranges, quoted, unknowns.into_iter().next())
}

/// What [`judge_port`] finds.
type Judged = (Vec<String>, Option<String>);

/// The rules of group `g` that admit `port` of protocol `t` from the
/// internet, quoted (`sg-1: tcp 8080 from 0.0.0.0/0`), and the last
/// reason one of them could not be judged.
fn judge_port(g: &SecurityGroup, t: Transport, port: u16, resolve: &PrefixLists<'_>) -> Judged {
    let mut quoted = Vec::new();
    let mut unknown = None;
    for r in &g.ingress {
        match rule_admits(r, proto(t), port, &Peer::Internet, resolve) {
            Reach::Yes => quoted.push(format!("{}: {}", g.group_id, describe(r))),
            Reach::No => {}
            Reach::Unknown(why) => unknown = Some(why),
        }
    }
    (quoted, unknown)
}

/// The ports a path delivers, capped (a gateway path delivers one).
fn path_ports(ports: &[PortRange]) -> Vec<u16> {
    ports
        .iter()
        .flat_map(|r| r.from.max(0)..=r.to.min(65535))
        .filter_map(|p| u16::try_from(p).ok())
        .take(MAX_PORTS)
        .collect()
}

/// True for a range that holds only SSH or only RDP.
fn admin_only(r: PortRange) -> bool {
    ADMIN_PORTS
        .iter()
        .any(|(p, _)| r.from == i32::from(*p) && r.to == i32::from(*p))
}

/// Does this rule open (part of) `range` of `proto` to the internet?
fn covers_range(
    rule: &SgRule,
    proto: Protocol,
    range: PortRange,
    resolve: &PrefixLists<'_>,
) -> bool {
    Protocol::parse(&rule.protocol).is_some_and(|p| {
        p.covers(proto) && overlap(rule_span(p, rule.from_port, rule.to_port), range).is_some()
    }) && peer_matches(rule, &Peer::Internet, resolve).is_yes()
}

fn show(r: PortRange) -> String {
    if r.from == r.to {
        r.from.to_string()
    } else {
        format!("{}-{}", r.from, r.to)
    }
}

/// A rule as the console shows it: `tcp 8080 from 0.0.0.0/0`.
pub(crate) fn describe(r: &SgRule) -> String {
    let proto = Protocol::parse(&r.protocol).map_or(r.protocol.to_string(), |p| p.to_string());
    let ports = match Protocol::parse(&r.protocol) {
        Some(p @ (Protocol::Tcp | Protocol::Udp)) => {
            format!(" {}", show(rule_span(p, r.from_port, r.to_port)))
        }
        _ => String::new(),
    };
    let peer = match &r.peer {
        SgPeer::Ipv4 { cidr } | SgPeer::Ipv6 { cidr } => cidr.clone(),
        SgPeer::PrefixList { prefix_list_id } => prefix_list_id.clone(),
        SgPeer::SecurityGroup { group_id, .. } => group_id.clone(),
    };
    format!("{proto}{ports} from {peer}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;
    use rampart_model::*;

    fn group<'a>(s: &'a mut Snapshot, id: &str) -> &'a mut SecurityGroup {
        region(s)
            .ec2
            .security_groups
            .iter_mut()
            .find(|g| g.group_id == id)
            .unwrap()
    }

    fn instance_arn(id: &str) -> String {
        format!("arn:aws:ec2:us-east-1:123456789012:instance/{id}")
    }

    #[test]
    fn the_nlb_reference_passes_and_the_world_open_app_port_fails_naming_the_nlb() {
        let got = run(&BackendSgAppPortOpenWide, &demo());
        // Filed on the groups: the hardened one passes, the legacy one fails
        // listing its backend.
        assert_eq!(
            statuses(&got),
            vec![("sg-happ".into(), "pass"), ("sg-lweb".into(), "fail")]
        );
        let legacy = &got[1];
        assert_eq!(legacy.affected, vec![instance_arn("i-l1")]);
        assert!(
            legacy.message.contains(
                "i-l1 (tcp 8080 on eni-l1) (sg-lweb: tcp 8080 from 0.0.0.0/0; sg-lweb: tcp 8080 from ::/0)"
            ),
            "{}",
            legacy.message
        );
        assert!(
            legacy
                .message
                .contains("NLB nlb-l has no security groups and preserves client IPs"),
            "{}",
            legacy.message
        );
    }

    #[test]
    fn the_nlb_is_found_through_its_listener_when_the_target_group_does_not_name_it() {
        let mut s = demo();
        for tg in &mut region(&mut s).elbv2.target_groups {
            tg.load_balancer_arns.clear();
        }
        let got = run(&BackendSgAppPortOpenWide, &s);
        assert!(
            got[1].message.contains("NLB nlb-l has no security groups"),
            "{}",
            got[1].message
        );
    }

    /// With client IP preservation off, the NLB's own addresses reach the
    /// backend: the group's internet rule is not what makes it work.
    #[test]
    fn an_nlb_that_does_not_preserve_client_ips_is_not_blamed() {
        let mut s = demo();
        for tg in &mut region(&mut s).elbv2.target_groups {
            tg.attributes = Some(
                [(
                    "preserve_client_ip.enabled".to_string(),
                    "false".to_string(),
                )]
                .into_iter()
                .collect(),
            );
        }
        let got = run(&BackendSgAppPortOpenWide, &s);
        assert_eq!(got[1].status, Status::Fail);
        assert!(
            !got[1].message.contains("preserves client IPs"),
            "{}",
            got[1].message
        );
    }

    #[test]
    fn a_single_public_address_or_all_traffic_counts_as_the_internet() {
        let mut s = demo();
        group(&mut s, "sg-happ")
            .ingress
            .push(tcp(8000, 8100, v4("198.51.100.7/32")));
        let got = run(&BackendSgAppPortOpenWide, &s);
        assert_eq!(statuses(&got)[0], ("sg-happ".into(), "fail"));
        assert_eq!(got[0].affected, vec![instance_arn("i-h1")]);
        // No NLB story for the hardened backend: its NLB has a group.
        assert!(!got[0].message.contains("preserves client IPs"));
        let mut s = demo();
        group(&mut s, "sg-happ")
            .ingress
            .push(all_traffic(v6("2001:db8::/32")));
        assert_eq!(
            statuses(&run(&BackendSgAppPortOpenWide, &s))[0],
            ("sg-happ".into(), "fail")
        );
    }

    /// The app port is judged with its real protocol (issue 13, item 2):
    /// a UDP target group's port is open to the internet only by a udp
    /// rule, and a tcp rule on the same number does not count.
    #[test]
    fn the_app_port_is_judged_with_the_target_groups_protocol() {
        let mut s = demo();
        for tg in &mut region(&mut s).elbv2.target_groups {
            if tg.target_group_arn == TG_H {
                tg.protocol = Some("UDP".into());
            }
        }
        group(&mut s, "sg-happ")
            .ingress
            .push(tcp(8080, 8080, v4("0.0.0.0/0")));
        let got = run(&BackendSgAppPortOpenWide, &s);
        assert_eq!(
            statuses(&got)[0],
            ("sg-happ".into(), "pass"),
            "{}",
            got[0].message
        );
        group(&mut s, "sg-happ").ingress.push(SgRule {
            protocol: "udp".into(),
            ..tcp(8080, 8080, v4("0.0.0.0/0"))
        });
        let got = run(&BackendSgAppPortOpenWide, &s);
        assert_eq!(statuses(&got)[0], ("sg-happ".into(), "fail"));
        assert!(
            got[0].message.contains("udp 8080 on eni-h1"),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn a_directly_reachable_backend_is_judged_on_its_open_ports_but_not_ssh_alone() {
        let mut s = demo();
        region(&mut s)
            .elbv2
            .load_balancers
            .retain(|l| l.name != "nlb-l");
        region(&mut s)
            .elbv2
            .target_groups
            .retain(|t| t.name.as_deref() != Some("tg-l"));
        region(&mut s)
            .apigateway
            .rest_apis
            .retain(|a| a.id != "api-l");
        let got = run(&BackendSgAppPortOpenWide, &s);
        assert_eq!(statuses(&got)[1], ("sg-lweb".into(), "fail"));
        assert!(
            got[1].message.contains("tcp 8080 on eni-l1"),
            "{}",
            got[1].message
        );
        assert!(!got[1].message.contains("22"), "{}", got[1].message);
        // Only SSH open: NET-005's business, a pass here.
        group(&mut s, "sg-lweb")
            .ingress
            .retain(|r| r.from_port == Some(22));
        assert_eq!(
            statuses(&run(&BackendSgAppPortOpenWide, &s))[1],
            ("sg-lweb".into(), "pass")
        );
    }

    /// One group on many backends is one finding listing them all (issue
    /// 13, item 19), judged once per port; an unknown rule makes the group
    /// not evaluated for every backend that uses it.
    #[test]
    fn a_group_shared_by_backends_is_one_finding_listing_them() {
        let mut s = demo();
        let r = region(&mut s);
        let e = eni(
            "eni-l2",
            "subnet-lpub",
            "vpc-l",
            "10.20.0.11",
            None,
            &["sg-lweb"],
            "i-l2",
        );
        add_target_instance(r, TG_L, "i-l2", e);
        let got = run(&BackendSgAppPortOpenWide, &s);
        assert_eq!(
            statuses(&got),
            vec![("sg-happ".into(), "pass"), ("sg-lweb".into(), "fail")]
        );
        assert_eq!(
            got[1].affected,
            vec![instance_arn("i-l1"), instance_arn("i-l2")]
        );
        for eni in ["eni-l1", "eni-l2"] {
            assert!(
                got[1].message.contains(&format!("tcp 8080 on {eni}")),
                "{}",
                got[1].message
            );
        }
        assert!(
            got[1].message.contains("2 backend(s)"),
            "{}",
            got[1].message
        );
        // An unparseable rule on the hardened group: not evaluated, and no
        // verdict leaks from one group to another.
        group(&mut s, "sg-happ")
            .ingress
            .push(tcp(8080, 8080, v4("not-a-cidr")));
        assert_eq!(
            statuses(&run(&BackendSgAppPortOpenWide, &s)),
            vec![
                ("sg-happ".into(), "not-evaluated"),
                ("sg-lweb".into(), "fail")
            ]
        );
    }

    #[test]
    fn unknown_groups_prefix_lists_and_path_inputs_are_not_evaluated() {
        let mut s = demo();
        group(&mut s, "sg-happ")
            .ingress
            .push(tcp(8080, 8080, pl("pl-uncollected")));
        assert_eq!(
            statuses(&run(&BackendSgAppPortOpenWide, &s))[0],
            ("sg-happ".into(), "not-evaluated")
        );
        let mut s = demo();
        region(&mut s)
            .ec2
            .security_groups
            .retain(|g| g.group_id != "sg-happ");
        let got = run(&BackendSgAppPortOpenWide, &s);
        assert_eq!(statuses(&got)[0], ("sg-happ".into(), "not-evaluated"));
        assert_eq!(got[0].affected, vec![instance_arn("i-h1")]);
        // The load balancer list itself missing: a group that passes on the
        // backends seen may have others nobody can see.
        let mut s = demo();
        fail(&mut s, "elasticloadbalancing:DescribeLoadBalancers");
        assert_eq!(
            statuses(&run(&BackendSgAppPortOpenWide, &s)),
            vec![
                ("sg-happ".into(), "not-evaluated"),
                ("sg-lweb".into(), "fail")
            ]
        );
        // A target list missing: its instances may be backends; a violation
        // only they would make is not evaluated.
        let mut s = demo();
        for tg in &mut region(&mut s).elbv2.target_groups {
            tg.targets = None;
        }
        for tg in [TG_H, TG_L] {
            fail_for(&mut s, "elasticloadbalancing:DescribeTargetHealth", tg);
        }
        let got = run(&BackendSgAppPortOpenWide, &s);
        assert_eq!(
            statuses(&got),
            vec![("sg-happ".into(), "pass"), ("sg-lweb".into(), "fail")],
            "i-l1 stays a backend on its certain direct path"
        );
    }
}
