//! NET-007: a backend that can send every protocol to every address gives
//! an attacker who lands on it a free channel: exfiltration, command and
//! control, lateral movement, all on whatever port they like.
//!
//! Judged per network interface (issue 13 item 10): the groups on one ENI
//! are a union, so what the backend can actually send is what any rule of
//! any of its groups allows ("Security group rules",
//! https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
//! An ENI sends "all traffic everywhere" when its groups' egress rules
//! together admit every TCP and every UDP port (an all-protocol rule, or
//! full TCP and UDP ranges; ICMP is not required, as for NET-006) to every
//! public address of a family: the textbook 0.0.0.0/0 or ::/0, but also
//! 0.0.0.0/1 in one group plus 128.0.0.0/1 in another.
//!
//! The finding is filed on each group that contributes (the resource to
//! change), with the backends whose ENIs it opens: a group contributes when
//! its own rules admit every port of TCP, of UDP or of all protocols to
//! some public address of that family (a group that adds only tcp/443 to
//! an ENI that already sends everything is not the problem). If no single
//! group does (the ports are spread over groups), every group with a
//! TCP, UDP or all-protocol rule to public space is named.
//!
//! Scope: only the groups on backends' ENIs. Every new group starts with
//! allow-all egress (AWS's default), so judging every group in the account
//! would bury the backends' groups in noise.

use foldhash::HashMap;
use rampart_model::{SecurityGroup, SgRule, Status};

use super::all_traffic_open_to_internet::quoted;
use super::scope::{Scope, backend_sg_sets, backends_by_group, instance_arns};
use crate::reach::ip::{AddrSet, public_v4, public_v6};
use crate::reach::ports::Protocol;
use crate::reach::sg::{all_ports_peers, all_traffic_peers};
use crate::reach::{PrefixLists, prefix_list_resolver};
use crate::registry::{Check, Context, Outcome};

pub struct EgressUnrestricted;

/// At most this many ENIs are named in one message.
const MAX_NAMED: usize = 5;

/// What one ENI's group set allows out, shared by every ENI with the same
/// groups.
#[derive(Clone, Default)]
struct EniVerdict {
    /// The families (`IPv4`, `IPv6`) to every public address of which all
    /// traffic may go.
    everywhere: Vec<&'static str>,
    /// The groups that let it (see the module docs).
    contributors: Vec<String>,
    /// Why the answer may be wrong, when it is not "everywhere": a rule or
    /// a group that could not be read. Named groups are the ones that may
    /// contribute.
    unknown: Option<(String, Vec<String>)>,
}

/// What a group's findings gather, over every ENI it is on.
#[derive(Default)]
struct GroupTally<'a> {
    /// (instance, ENI, the ENI's verdict: an index into the check's list)
    /// where it lets all out, known backends only. The verdict's other
    /// contributors are named only for the few ENIs a message lists.
    fails: Vec<(&'a str, &'a str, usize)>,
    /// Maybe-backends it lets all out, with why they may be backends.
    maybe: Vec<(&'a str, String)>,
    /// The families named in the failures.
    families: Vec<&'static str>,
    unknown: Option<String>,
}

/// What a launch not known to feed a backend may do, where the paths are
/// incomplete ([`crate::fleets::judge_backends`]).
const MAY_LAUNCH: &str =
    "may launch backends whose security groups let them send all traffic everywhere";

impl Check for EgressUnrestricted {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-007")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let carriers = backends_by_group(cx);
        let mut out = scope.instance_gaps.clone();
        let mut tally: HashMap<(&str, &str), GroupTally> = HashMap::default();
        // By (region, the ENI's group ids): thousands of backends share a
        // set, so each set is judged once and its verdict kept here.
        let mut memo: HashMap<(&str, Vec<&str>), usize> = HashMap::default();
        let mut verdicts: Vec<EniVerdict> = Vec::new();
        // By (region, group id): groups recur in many sets.
        let mut wide_memo: HashMap<(&str, String), AddrSet> = HashMap::default();
        let mut doubt: std::collections::BTreeMap<&str, String> = Default::default();
        // Instances and tasks alike (issue 16 item 3).
        out.extend(scope.task_gaps.iter().cloned());
        for (region, b, maybe) in scope.everyone() {
            let id = b.id();
            let maybe = maybe.map(|a| a.as_str());
            let (Some(rix), Some(inv)) = (
                cx.index.regions.get(region),
                cx.snapshot.regions.get(region),
            ) else {
                continue;
            };
            let sets = backend_sg_sets(rix, b);
            let sets = match sets {
                Ok(s) => s,
                Err(why) => {
                    doubt.entry(region).or_insert_with(|| why.clone());
                    out.push(Outcome::new(
                        cx.ec2_arn(region, "instance", id),
                        region,
                        Status::NotEvaluated(why),
                        format!("the security groups of {id} are unknown"),
                    ));
                    continue;
                }
            };
            for (eni, ids) in sets {
                let mut key: Vec<&str> = ids.iter().map(|a| a.as_str()).collect();
                key.sort_unstable();
                key.dedup();
                for g in &key {
                    tally.entry((region, *g)).or_default();
                }
                let memo_key = (region, key);
                let ix = match memo.get(&memo_key) {
                    Some(ix) => *ix,
                    None => {
                        let resolve = prefix_list_resolver(
                            &inv.ec2.managed_prefix_lists,
                            &cx.snapshot.collection_errors,
                            region,
                        );
                        let groups: Vec<(&str, Option<&SecurityGroup>)> = memo_key
                            .1
                            .iter()
                            .map(|g| (*g, rix.security_groups.get(g).copied()))
                            .collect();
                        verdicts.push(judge_eni(&groups, &resolve, &mut |id, g| {
                            wide_memo
                                .entry((region, id.to_string()))
                                .or_insert_with(|| wide(g, &resolve))
                                .clone()
                        }));
                        memo.insert(memo_key.clone(), verdicts.len() - 1);
                        verdicts.len() - 1
                    }
                };
                let (key, v) = (memo_key.1, &verdicts[ix]);
                // The group ids as the snapshot holds them (the verdict's
                // copies do not outlive this iteration).
                let held = |g: &String| key.iter().copied().find(|k| *k == g.as_str());
                if !v.everywhere.is_empty() {
                    for g in &v.contributors {
                        let Some(gk) = held(g) else { continue };
                        let t = tally.entry((region, gk)).or_default();
                        match maybe {
                            None => t.fails.push((id, eni, ix)),
                            Some(why) => t.maybe.push((id, why.to_string())),
                        }
                        for f in &v.everywhere {
                            if !t.families.contains(f) {
                                t.families.push(f);
                            }
                        }
                    }
                } else if let Some((why, groups)) = &v.unknown {
                    for g in groups.iter().filter_map(held) {
                        tally
                            .entry((region, g))
                            .or_default()
                            .unknown
                            .get_or_insert_with(|| why.clone());
                    }
                }
            }
        }
        out.extend(super::scope::unjudged(
            cx,
            "security-group",
            doubt,
            |r, id| tally.contains_key(&(r, id)),
            |inv| {
                inv.ec2
                    .security_groups
                    .iter()
                    .map(|g| g.group_id.as_str())
                    .collect()
            },
        ));
        let mut tally: Vec<_> = tally.into_iter().collect();
        tally.sort_unstable_by_key(|(k, _)| *k);
        for ((region, group_id), t) in tally {
            let arn = cx.ec2_arn(region, "security-group", group_id);
            let affected = carriers
                .get(&(region, group_id))
                .map(|ids| instance_arns(cx, region, ids))
                .unwrap_or_default();
            let Some(sg) = cx
                .index
                .regions
                .get(region)
                .and_then(|rix| rix.security_groups.get(group_id))
            else {
                let why = cx
                    .not_collected(Some(region), &["ec2:DescribeSecurityGroups"])
                    .unwrap_or_else(|| format!("security group {group_id} was not collected"));
                let mut o = Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!("the egress rules of {group_id} are unknown"),
                );
                o.affected = affected;
                out.push(o);
                continue;
            };
            let resolve = cx.snapshot.regions.get(region).map(|inv| {
                prefix_list_resolver(
                    &inv.ec2.managed_prefix_lists,
                    &cx.snapshot.collection_errors,
                    region,
                )
            });
            let rules: Vec<&SgRule> = sg.egress.iter().collect();
            let quoted_rules = || {
                resolve
                    .as_ref()
                    .map(|r| quoted(&rules, r))
                    .unwrap_or_default()
                    .iter()
                    .map(|q| q.replacen(" from ", " to ", 1))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut o = if !t.fails.is_empty() {
                let mut named: Vec<String> = t
                    .fails
                    .iter()
                    .take(MAX_NAMED)
                    .map(|(inst, eni, ix)| {
                        let others: Vec<&str> = verdicts[*ix]
                            .contributors
                            .iter()
                            .map(|a| a.as_str())
                            .filter(|o| *o != group_id)
                            .collect();
                        let with = if others.is_empty() {
                            String::new()
                        } else {
                            format!(", with {}", others.join(", "))
                        };
                        match (*inst == *eni, others.is_empty()) {
                            (true, true) => inst.to_string(),
                            (true, false) => format!("{inst} (with {})", others.join(", ")),
                            (false, _) => format!("{inst} ({eni}{with})"),
                        }
                    })
                    .collect();
                if t.fails.len() > MAX_NAMED {
                    named.push(format!("{} more", t.fails.len() - MAX_NAMED));
                }
                let mut o = Outcome::new(
                    arn,
                    region,
                    Status::Fail,
                    format!(
                        "{group_id} ({}) lets backend{} {} send all traffic to every {} address ({})",
                        sg.group_name,
                        if t.fails.len() > 1 { "s" } else { "" },
                        named.join(", "),
                        t.families.join(" and "),
                        quoted_rules()
                    ),
                );
                let mut ids: Vec<&str> = t.fails.iter().map(|(i, _, _)| *i).collect();
                ids.sort_unstable();
                ids.dedup();
                o.affected = instance_arns(cx, region, &ids);
                out.push(o);
                continue;
            } else if let Some((first, why)) = t.maybe.first() {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(format!(
                        "used only by instances that may be backends ({first}, ...): {why}"
                    )),
                    format!(
                        "{group_id} lets all traffic out ({}), on instances that may be backends",
                        quoted_rules()
                    ),
                )
            } else if let Some(why) = t.unknown {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!("{group_id} may let a backend send all traffic everywhere"),
                )
            } else {
                Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!(
                        "{group_id} lets no backend ENI send all traffic to every public address"
                    ),
                )
            };
            o.affected = affected;
            out.push(o);
        }
        // What Auto Scaling groups will launch as backends (issue 15 item
        // 3): the launch's groups, judged together as one ENI's.
        out.extend(crate::fleets::judge_groups(cx, MAY_LAUNCH, |_, groups, resolve| {
            let groups: Vec<(&str, Option<&SecurityGroup>)> =
                groups.iter().map(|(id, g)| (id.as_str(), *g)).collect();
            let ids: Vec<&str> = groups.iter().map(|(id, _)| *id).collect();
            let v = judge_eni(&groups, resolve, &mut |_, g| wide(g, resolve));
            if !v.everywhere.is_empty() {
                (
                    Status::Fail,
                    format!(
                        "launches instances whose security groups ({}) let them send all traffic to every {} address ({} allow it)",
                        ids.join(", "),
                        v.everywhere.join(" and "),
                        v.contributors.join(", ")
                    ),
                )
            } else if let Some((why, _)) = v.unknown {
                (
                    Status::NotEvaluated(why),
                    format!(
                        "launches instances whose security groups ({}) may let them send all traffic everywhere",
                        ids.join(", ")
                    ),
                )
            } else {
                (
                    Status::Pass,
                    format!(
                        "launches instances whose security groups ({}) do not let them send all traffic to every public address",
                        ids.join(", ")
                    ),
                )
            }
        }));
        out
    }
}

/// One ENI's verdict from its groups (`None` for a group not collected).
/// `wide` is [`wide`] of a group, remembered across ENIs.
fn judge_eni(
    groups: &[(&str, Option<&SecurityGroup>)],
    resolve: &PrefixLists<'_>,
    wide: &mut dyn FnMut(&str, &SecurityGroup) -> AddrSet,
) -> EniVerdict {
    let rules: Vec<&SgRule> = groups
        .iter()
        .filter_map(|(_, g)| *g)
        .flat_map(|g| g.egress.iter())
        .collect();
    let (reach, unknowns) = all_traffic_peers(&rules, resolve);
    let families: Vec<(&'static str, AddrSet)> = [("IPv4", public_v4()), ("IPv6", public_v6())]
        .into_iter()
        .filter(|(_, public)| public.difference(&reach).is_empty())
        .collect();
    let mut v = EniVerdict::default();
    if !families.is_empty() {
        v.everywhere = families.iter().map(|(f, _)| *f).collect();
        let public = families
            .iter()
            .fold(AddrSet::empty(), |acc, (_, p)| acc.union(p));
        v.contributors = groups
            .iter()
            .filter_map(|(id, g)| Some((*id, (*g)?)))
            .filter(|(id, g)| wide(id, g).overlaps(&public))
            .map(|(id, _)| id.to_string())
            .collect();
        if v.contributors.is_empty() {
            v.contributors = groups
                .iter()
                .filter_map(|(id, g)| Some((*id, (*g)?)))
                .filter(|(_, g)| {
                    g.egress.iter().any(|r| {
                        matches!(
                            Protocol::parse(&r.protocol),
                            Some(Protocol::All | Protocol::Tcp | Protocol::Udp)
                        ) && crate::reach::sg::peer_matches(
                            r,
                            &crate::reach::sg::Peer::Internet,
                            resolve,
                        )
                        .is_yes()
                    })
                })
                .map(|(id, _)| id.to_string())
                .collect();
        }
        return v;
    }
    let missing: Vec<&str> = groups
        .iter()
        .filter(|(_, g)| g.is_none())
        .map(|(id, _)| *id)
        .collect();
    let why = match (missing.first(), unknowns.into_iter().next()) {
        (Some(g), _) => format!("security group {g} was not collected"),
        (None, Some(why)) => why,
        (None, None) => return v,
    };
    // The groups that may complete the picture: those whose own rules
    // could not all be read, and those that already reach far.
    let named: Vec<String> = groups
        .iter()
        .filter_map(|(id, g)| Some((*id, (*g)?)))
        .filter(|(id, g)| {
            let rules: Vec<&SgRule> = g.egress.iter().collect();
            !all_traffic_peers(&rules, resolve).1.is_empty()
                || wide(id, g).overlaps(&public_v4().union(&public_v6()))
        })
        .map(|(id, _)| id.to_string())
        .collect();
    v.unknown = Some((why, named));
    v
}

/// A group's own reach: the addresses it lets every port of TCP, or every
/// port of UDP, go to (all-protocol rules count for both).
fn wide(g: &SecurityGroup, resolve: &PrefixLists<'_>) -> AddrSet {
    let rules: Vec<&SgRule> = g.egress.iter().collect();
    all_ports_peers(&rules, Protocol::Tcp, resolve)
        .0
        .union(&all_ports_peers(&rules, Protocol::Udp, resolve).0)
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
    fn only_backend_groups_are_judged_and_default_egress_fails() {
        let got = run(&EgressUnrestricted, &demo());
        // sg-hnlb also allows everything out, but it is the NLB's group.
        assert_eq!(
            statuses(&got),
            vec![("sg-happ".into(), "pass"), ("sg-lweb".into(), "fail")]
        );
        assert_eq!(
            got[1].message,
            "sg-lweb (sg-lweb) lets backend i-l1 (eni-l1) send all traffic to every IPv4 address (all to 0.0.0.0/0)"
        );
    }

    #[test]
    fn split_default_routes_and_ipv6_count_a_private_destination_does_not() {
        let mut s = demo();
        group(&mut s, "sg-happ").egress =
            vec![all_traffic(v4("0.0.0.0/1")), all_traffic(v4("128.0.0.0/1"))];
        assert_eq!(
            statuses(&run(&EgressUnrestricted, &s))[0],
            ("sg-happ".into(), "fail")
        );
        group(&mut s, "sg-happ").egress = vec![all_traffic(v6("::/0"))];
        assert_eq!(
            statuses(&run(&EgressUnrestricted, &s))[0],
            ("sg-happ".into(), "fail")
        );
        group(&mut s, "sg-happ").egress = vec![
            all_traffic(v4("10.0.0.0/8")),
            tcp(0, 65535, v4("0.0.0.0/0")),
        ];
        assert_eq!(
            statuses(&run(&EgressUnrestricted, &s))[0],
            ("sg-happ".into(), "pass")
        );
    }

    /// Issue 13 item 10: the groups on one ENI are a union (traffic is
    /// allowed when any rule of any group allows it: "Security group
    /// rules", https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html),
    /// so egress is judged per ENI and every group that contributes is
    /// named. Half the internet each, on one ENI, is the whole internet.
    #[test]
    fn groups_on_one_eni_combine_and_each_contributor_is_named() {
        let mut s = demo();
        group(&mut s, "sg-happ").egress = vec![all_traffic(v4("0.0.0.0/1"))];
        region(&mut s).ec2.security_groups.push(sg(
            "sg-h2",
            "vpc-h",
            vec![],
            vec![
                all_traffic(v4("128.0.0.0/1")),
                tcp(443, 443, v4("0.0.0.0/0")),
            ],
        ));
        region(&mut s).ec2.security_groups.push(sg(
            "sg-h3",
            "vpc-h",
            vec![],
            vec![tcp(443, 443, v4("0.0.0.0/0"))],
        ));
        for e in &mut region(&mut s).ec2.network_interfaces {
            if e.network_interface_id == "eni-h1" {
                e.security_group_ids = vec!["sg-happ".into(), "sg-h2".into(), "sg-h3".into()];
            }
        }
        let got = run(&EgressUnrestricted, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("sg-h2".into(), "fail"),
                // Adds only tcp/443 to an ENI that already sends everything.
                ("sg-h3".into(), "pass"),
                ("sg-happ".into(), "fail"),
                ("sg-lweb".into(), "fail")
            ]
        );
        let happ = got
            .iter()
            .find(|o| o.resource_arn.ends_with("sg-happ"))
            .unwrap();
        assert_eq!(
            happ.message,
            "sg-happ (sg-happ) lets backend i-h1 (eni-h1, with sg-h2) send all traffic to every IPv4 address (all to 0.0.0.0/1)"
        );
        assert_eq!(
            happ.affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-h1".to_string()]
        );
        // tcp 0-65535 in one group and udp 0-65535 in another: all traffic.
        group(&mut s, "sg-happ").egress = vec![tcp(0, 65535, v4("0.0.0.0/0"))];
        group(&mut s, "sg-h2").egress = vec![SgRule {
            protocol: "udp".into(),
            ..tcp(0, 65535, v4("0.0.0.0/0"))
        }];
        let got = statuses(&run(&EgressUnrestricted, &s));
        assert_eq!(got[0], ("sg-h2".into(), "fail"));
        assert_eq!(got[2], ("sg-happ".into(), "fail"));
    }

    #[test]
    fn unknown_rules_groups_and_maybe_backends_are_not_evaluated() {
        let mut s = demo();
        group(&mut s, "sg-happ")
            .egress
            .push(all_traffic(pl("pl-x")));
        assert_eq!(
            statuses(&run(&EgressUnrestricted, &s))[0],
            ("sg-happ".into(), "not-evaluated")
        );
        let mut s = demo();
        region(&mut s).ec2.security_groups.clear();
        fail(&mut s, "ec2:DescribeSecurityGroups");
        assert_eq!(
            statuses(&run(&EgressUnrestricted, &s)),
            vec![
                ("sg-happ".into(), "not-evaluated"),
                ("sg-lweb".into(), "not-evaluated")
            ]
        );
        // Target health missing (per target group): i-h1 and i-x may or may
        // not be backends. i-h1's group still passes (it is compliant either
        // way); a violating group of a maybe-backend is not evaluated.
        let mut s = demo();
        let extra = eni(
            "eni-x",
            "subnet-happ",
            "vpc-h",
            "10.10.10.99",
            None,
            &["sg-hnlb"],
            "i-x",
        );
        region(&mut s)
            .ec2
            .instances
            .push(instance_on("i-x", &extra));
        region(&mut s).ec2.network_interfaces.push(extra);
        for tg in &mut region(&mut s).elbv2.target_groups {
            tg.targets = None;
        }
        for tg in [TG_H, TG_L] {
            fail_for(&mut s, "elasticloadbalancing:DescribeTargetHealth", tg);
        }
        assert_eq!(
            statuses(&run(&EgressUnrestricted, &s)),
            vec![
                ("sg-happ".into(), "pass"),
                ("sg-hnlb".into(), "not-evaluated"),
                ("sg-lweb".into(), "fail"),
            ]
        );
    }
}
