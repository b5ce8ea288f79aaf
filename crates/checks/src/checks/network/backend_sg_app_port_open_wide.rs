//! NET-004: a backend's security group should admit its application port
//! from the load balancer only (the LB's security group, or its subnets),
//! never from internet CIDRs: otherwise anyone who learns the instance's
//! address, or any path that reaches it, talks to the app directly.
//!
//! The app ports are the target ports of the target groups the instance is
//! registered in, plus the ports its gateway paths deliver. A backend that
//! is neither (it is a backend only because it is reachable directly) is
//! judged on every port its groups open to the internet, except SSH/RDP
//! alone, which NET-005 owns.
//!
//! An internet-facing NLB without security groups that targets instances
//! preserves the client's address, so the instance's group must admit the
//! internet for the NLB to work at all: the finding then says so, because
//! the fix is on the load balancer, not only on the group.

use std::collections::BTreeSet;

use foldhash::HashMap;

use rampart_model::{ExposurePath, PathKind, PortRange, SgPeer, SgRule, Status};

use super::admin_port_open_to_internet::ADMIN_PORTS;
use super::scope::{Scope, sg_sets};
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

impl Check for BackendSgAppPortOpenWide {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-004")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let mut out = scope.instance_outcomes(cx);
        // By (region, group id, port): thousands of backends share a group,
        // and judging one parses its every rule.
        let mut judged: HashMap<(&str, &str, u16), Judged> = HashMap::default();
        for (region, i) in scope.backends {
            let (Some(rix), Some(inv)) = (
                cx.index.regions.get(region),
                cx.snapshot.regions.get(*region),
            ) else {
                continue;
            };
            let resolve = prefix_list_resolver(
                &inv.ec2.managed_prefix_lists,
                &cx.snapshot.collection_errors,
                region,
            );
            let arn = cx.ec2_arn(region, "instance", &i.instance_id);

            // The app ports, and the NLBs that force the instance open.
            let mut ports = BTreeSet::new();
            let mut preserving = BTreeSet::new();
            // Indexed once per region: no scan of every target group per backend.
            for (tg, t) in rix
                .instance_targets
                .get(i.instance_id.as_str())
                .into_iter()
                .flatten()
            {
                if let Some(p) = t.port.or(tg.port).and_then(|p| u16::try_from(p).ok()) {
                    ports.insert(p);
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
                        && tg.target_type.as_deref() != Some("ip")
                    {
                        preserving.insert(lb.name.as_str());
                    }
                }
            }
            for e in cx.exposures.for_instance(region, &i.instance_id) {
                if e.path.kind == PathKind::Gateway {
                    ports.extend(path_ports(&e.path));
                }
            }

            let sets = match sg_sets(rix, i) {
                Ok(s) => s,
                Err(why) => {
                    out.push(Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why),
                        format!("the security groups of {} are unknown", i.instance_id),
                    ));
                    continue;
                }
            };
            let mut open: Vec<String> = Vec::new();
            let mut rules_quoted: Vec<String> = Vec::new();
            let mut unknown: Option<String> = None;
            for (eni, group_ids) in sets {
                let mut groups = Vec::new();
                for g in group_ids {
                    match rix.security_groups.get(g.as_str()) {
                        Some(sg) => groups.push(*sg),
                        None => unknown = Some(format!("security group {g} was not collected")),
                    }
                }
                if !ports.is_empty() {
                    for p in &ports {
                        let mut hit = false;
                        for g in &groups {
                            let (quoted, why) = judged
                                .entry((*region, g.group_id.as_str(), *p))
                                .or_insert_with(|| judge_port(g, *p, &resolve));
                            if !quoted.is_empty() {
                                hit = true;
                                rules_quoted.extend(quoted.iter().cloned());
                            }
                            if let Some(why) = why {
                                unknown = Some(why.clone());
                            }
                        }
                        if hit {
                            open.push(format!("{p} on {eni}"));
                        }
                    }
                } else {
                    let rules: Vec<(&str, &SgRule)> = groups
                        .iter()
                        .flat_map(|g| g.ingress.iter().map(|r| (g.group_id.as_str(), r)))
                        .collect();
                    // Directly reachable only: every internet-open port but
                    // SSH/RDP on their own.
                    let rule_refs: Vec<&SgRule> = rules.iter().map(|(_, r)| *r).collect();
                    let (ranges, unknowns) = internet_ports(&rule_refs, Protocol::Tcp, &resolve);
                    if let Some(why) = unknowns.into_iter().next() {
                        unknown = Some(why);
                    }
                    for r in ranges.into_iter().filter(|r| !admin_only(*r)) {
                        open.push(format!("{} on {eni}", show(r)));
                        for (g, rule) in &rules {
                            if covers_range(rule, r, &resolve) {
                                rules_quoted.push(format!("{g}: {}", describe(rule)));
                            }
                        }
                    }
                }
            }
            rules_quoted.sort();
            rules_quoted.dedup();
            let blocker = cx
                .not_collected(Some(region), INPUTS)
                .or_else(|| scope.pass_blocker(region).map(str::to_string));
            out.push(if !open.is_empty() {
                let mut msg = format!(
                    "backend {} admits app port {} from the internet ({}) instead of only from its load balancer",
                    i.instance_id,
                    open.join(", "),
                    rules_quoted.join("; ")
                );
                if !preserving.is_empty() {
                    msg.push_str(&format!(
                        ". Internet-facing NLB {} has no security groups and preserves client IPs, so this rule is what makes it work: recreate the NLB with a security group (or put an internal NLB behind an API Gateway VPC link) and admit only that group",
                        preserving.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                }
                Outcome::new(arn, region, Status::Fail, msg)
            } else if let Some(why) = unknown.or(blocker) {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!(
                        "cannot tell whether {} admits its app port from the internet",
                        i.instance_id
                    ),
                )
            } else {
                let msg = if ports.is_empty() {
                    format!(
                        "backend {} opens no port but SSH/RDP to the internet (see NET-005)",
                        i.instance_id
                    )
                } else {
                    format!(
                        "backend {} admits app port(s) {} only from non-internet sources",
                        i.instance_id,
                        ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
                    )
                };
                Outcome::new(arn, region, Status::Pass, msg)
            });
        }
        out
    }
}

/// What [`judge_port`] finds.
type Judged = (Vec<String>, Option<String>);

/// The rules of group `g` that admit TCP `port` from the internet, quoted
/// (`sg-1: tcp 8080 from 0.0.0.0/0`), and the last reason one of them
/// could not be judged.
fn judge_port(g: &rampart_model::SecurityGroup, port: u16, resolve: &PrefixLists<'_>) -> Judged {
    let mut quoted = Vec::new();
    let mut unknown = None;
    for r in &g.ingress {
        match rule_admits(r, Protocol::Tcp, port, &Peer::Internet, resolve) {
            Reach::Yes => quoted.push(format!("{}: {}", g.group_id, describe(r))),
            Reach::No => {}
            Reach::Unknown(why) => unknown = Some(why),
        }
    }
    (quoted, unknown)
}

/// The ports a path delivers, capped (a gateway path delivers one).
fn path_ports(path: &ExposurePath) -> Vec<u16> {
    path.ports
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

/// Does this rule open (part of) `range` to the internet?
fn covers_range(rule: &SgRule, range: PortRange, resolve: &PrefixLists<'_>) -> bool {
    Protocol::parse(&rule.protocol).is_some_and(|p| {
        p.covers(Protocol::Tcp)
            && overlap(rule_span(p, rule.from_port, rule.to_port), range).is_some()
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
    let proto = Protocol::parse(&r.protocol).map_or(r.protocol.clone(), |p| p.to_string());
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

    #[test]
    fn the_nlb_reference_passes_and_the_world_open_app_port_fails_naming_the_nlb() {
        let got = run(&BackendSgAppPortOpenWide, &demo());
        assert_eq!(
            statuses(&got),
            vec![("i-h1".into(), "pass"), ("i-l1".into(), "fail")]
        );
        let legacy = &got[1];
        assert!(
            legacy.message.contains(
                "admits app port 8080 on eni-l1 from the internet (sg-lweb: tcp 8080 from 0.0.0.0/0; sg-lweb: tcp 8080 from ::/0)"
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

    #[test]
    fn a_single_public_address_or_all_traffic_counts_as_the_internet() {
        let mut s = demo();
        group(&mut s, "sg-happ")
            .ingress
            .push(tcp(8000, 8100, v4("198.51.100.7/32")));
        let got = run(&BackendSgAppPortOpenWide, &s);
        assert_eq!(statuses(&got)[0], ("i-h1".into(), "fail"));
        // No NLB story for the hardened backend: its NLB has a group.
        assert!(!got[0].message.contains("preserves client IPs"));
        let mut s = demo();
        group(&mut s, "sg-happ")
            .ingress
            .push(all_traffic(v6("2001:db8::/32")));
        assert_eq!(
            statuses(&run(&BackendSgAppPortOpenWide, &s))[0],
            ("i-h1".into(), "fail")
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
        assert_eq!(statuses(&got)[1], ("i-l1".into(), "fail"));
        assert!(
            got[1].message.contains("8080 on eni-l1"),
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
            ("i-l1".into(), "pass")
        );
    }

    /// A group is judged once per port and the verdict shared: a second
    /// backend on the legacy group fails with the same rules quoted, and
    /// an unknown rule reaches every backend that uses the group.
    #[test]
    fn backends_sharing_a_group_get_the_same_verdict_each() {
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
            vec![
                ("i-h1".into(), "pass"),
                ("i-l1".into(), "fail"),
                ("i-l2".into(), "fail")
            ]
        );
        for (o, eni) in got[1..].iter().zip(["eni-l1", "eni-l2"]) {
            assert!(
                o.message.contains(&format!(
                    "admits app port 8080 on {eni} from the internet (sg-lweb: tcp 8080 from 0.0.0.0/0; sg-lweb: tcp 8080 from ::/0)"
                )),
                "{}",
                o.message
            );
        }
        // An unparseable rule on the hardened group: not evaluated, and no
        // verdict leaks from one backend's group to another's.
        group(&mut s, "sg-happ")
            .ingress
            .push(tcp(8080, 8080, v4("not-a-cidr")));
        assert_eq!(
            statuses(&run(&BackendSgAppPortOpenWide, &s)),
            vec![
                ("i-h1".into(), "not-evaluated"),
                ("i-l1".into(), "fail"),
                ("i-l2".into(), "fail")
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
            ("i-h1".into(), "not-evaluated")
        );
        let mut s = demo();
        region(&mut s)
            .ec2
            .security_groups
            .retain(|g| g.group_id != "sg-happ");
        assert_eq!(
            statuses(&run(&BackendSgAppPortOpenWide, &s))[0],
            ("i-h1".into(), "not-evaluated")
        );
        let mut s = demo();
        fail(&mut s, "elasticloadbalancing:DescribeListeners");
        assert_eq!(
            statuses(&run(&BackendSgAppPortOpenWide, &s)),
            vec![("i-h1".into(), "not-evaluated"), ("i-l1".into(), "fail")]
        );
    }
}
