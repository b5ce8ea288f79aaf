//! NET-007: a backend whose security group lets every protocol out to every
//! address gives an attacker who lands on it a free channel: exfiltration,
//! command and control, lateral movement, all on whatever port they like.
//!
//! Scope: only the security groups on backends' network interfaces. Every
//! new group starts with exactly this rule (AWS's default egress), so
//! judging every group in the account would bury the backends' groups in
//! noise; the egress that matters is the egress of the machines the
//! internet reaches. A group counts as unrestricted when its all-protocol
//! egress rules together cover every public address of a family: the
//! textbook 0.0.0.0/0 or ::/0, but also 0.0.0.0/1 + 128.0.0.0/1.

use rampart_model::Status;

use super::backend_sg_app_port_open_wide::describe;
use super::scope::{Scope, sg_sets};
use crate::reach::ip::{AddrSet, parse_cidr, public_v4, public_v6};
use crate::reach::ports::Protocol;
use crate::reach::prefix_list_resolver;
use crate::registry::{Check, Context, Outcome};

pub struct EgressUnrestricted;

impl Check for EgressUnrestricted {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-007")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let (groups, mut out) = scope.resources(cx, "security groups", |rix, i| {
            Ok(sg_sets(rix, i)?
                .into_iter()
                .flat_map(|(_, ids)| ids.iter().map(String::as_str))
                .collect())
        });
        for ((region, group_id), users) in &groups {
            let arn = cx.ec2_arn(region, "security-group", group_id);
            let (Some(rix), Some(inv)) = (
                cx.index.regions.get(region),
                cx.snapshot.regions.get(*region),
            ) else {
                continue;
            };
            let Some(sg) = rix.security_groups.get(group_id) else {
                let why = cx
                    .not_collected(Some(region), &["ec2:DescribeSecurityGroups"])
                    .unwrap_or_else(|| format!("security group {group_id} was not collected"));
                out.push(Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!(
                        "the egress rules of {group_id} (on {}) are unknown",
                        users.names()
                    ),
                ));
                continue;
            };
            let resolve = prefix_list_resolver(
                &inv.ec2.managed_prefix_lists,
                &cx.snapshot.collection_errors,
                region,
            );
            let mut reach = AddrSet::empty();
            let mut rules = Vec::new();
            let mut unknown = None;
            for r in &sg.egress {
                match Protocol::parse(&r.protocol) {
                    Some(Protocol::All) => {}
                    Some(_) => continue,
                    None => {
                        unknown = Some(format!(
                            "security group rule protocol {:?} not recognised",
                            r.protocol
                        ));
                        continue;
                    }
                }
                let nets = match &r.peer {
                    rampart_model::SgPeer::Ipv4 { cidr } | rampart_model::SgPeer::Ipv6 { cidr } => {
                        match parse_cidr(cidr) {
                            Some(n) => vec![n],
                            None => {
                                unknown = Some(format!(
                                    "security group rule CIDR {cidr:?} not parseable"
                                ));
                                continue;
                            }
                        }
                    }
                    rampart_model::SgPeer::PrefixList { prefix_list_id } => {
                        match resolve(prefix_list_id) {
                            Ok(n) => n,
                            Err(why) => {
                                unknown = Some(why);
                                continue;
                            }
                        }
                    }
                    rampart_model::SgPeer::SecurityGroup { .. } => continue,
                };
                reach = reach.union(&AddrSet::from_nets(nets));
                rules.push(describe(r).replacen(" from ", " to ", 1));
            }
            let everywhere = [("IPv4", public_v4()), ("IPv6", public_v6())]
                .into_iter()
                .filter(|(_, public)| public.difference(&reach).is_empty())
                .map(|(f, _)| f)
                .collect::<Vec<_>>();
            out.push(if !everywhere.is_empty() {
                match users.doubt() {
                    Some(why) => Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why),
                        format!(
                            "{group_id} allows all egress ({}), on instances that may be backends",
                            rules.join(", ")
                        ),
                    ),
                    None => Outcome::new(
                        arn,
                        region,
                        Status::Fail,
                        format!(
                            "{group_id} ({}) on backend(s) {} allows all traffic out to every {} address ({})",
                            sg.group_name,
                            users.names(),
                            everywhere.join(" and "),
                            rules.join(", ")
                        ),
                    ),
                }
            } else if let Some(why) = unknown {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!("{group_id} may allow all egress"),
                )
            } else {
                Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!("{group_id} restricts egress by protocol, port or destination"),
                )
            });
        }
        out
    }
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
            "sg-lweb (sg-lweb) on backend(s) i-l1 allows all traffic out to every IPv4 address (all to 0.0.0.0/0)"
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
