//! NET-006: a security group rule for every protocol (`-1`) from public
//! address space opens every port of every protocol of whatever carries the
//! group: admin ports, databases, debug endpoints, all at once.

use rampart_model::Status;

use super::backend_sg_app_port_open_wide::describe;
use crate::reach::ports::Protocol;
use crate::reach::sg::{Peer, peer_matches};
use crate::reach::{Reach, prefix_list_resolver};
use crate::registry::{Check, Context, Outcome};

pub struct AllTrafficOpenToInternet;

impl Check for AllTrafficOpenToInternet {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-006")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = Vec::new();
        for (region, inv) in &cx.snapshot.regions {
            if let Some(gap) =
                cx.region_gap(region, &["ec2:DescribeSecurityGroups"], "security-group")
            {
                out.push(gap);
                continue;
            }
            let resolve = prefix_list_resolver(
                &inv.ec2.managed_prefix_lists,
                &cx.snapshot.collection_errors,
                region,
            );
            for sg in &inv.ec2.security_groups {
                let mut open = Vec::new();
                let mut unknown = None;
                for r in &sg.ingress {
                    let all = match Protocol::parse(&r.protocol) {
                        Some(p) => Reach::from_bool(p == Protocol::All),
                        None => Reach::unknown(format!(
                            "security group rule protocol {:?} not recognised",
                            r.protocol
                        )),
                    };
                    if all.is_no() {
                        continue;
                    }
                    match all.and(peer_matches(r, &Peer::Internet, &resolve)) {
                        Reach::Yes => open.push(describe(r)),
                        Reach::No => {}
                        Reach::Unknown(why) => unknown = Some(why),
                    }
                }
                let arn = cx.ec2_arn(region, "security-group", &sg.group_id);
                out.push(if !open.is_empty() {
                    Outcome::new(
                        arn,
                        region,
                        Status::Fail,
                        format!(
                            "{} ({}) admits all traffic from the internet: {}",
                            sg.group_id,
                            sg.group_name,
                            open.join(", ")
                        ),
                    )
                } else if let Some(why) = unknown {
                    Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why),
                        format!("{} may admit all traffic from the internet", sg.group_id),
                    )
                } else {
                    Outcome::new(
                        arn,
                        region,
                        Status::Pass,
                        format!("{} has no all-protocol rule from the internet", sg.group_id),
                    )
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;

    #[test]
    fn all_protocols_from_any_public_space_fail() {
        let mut s = snapshot();
        region(&mut s).ec2.security_groups = vec![
            sg(
                "sg-world",
                "vpc-1",
                vec![all_traffic(v4("0.0.0.0/0"))],
                vec![],
            ),
            sg("sg-v6", "vpc-1", vec![all_traffic(v6("::/0"))], vec![]),
            sg(
                "sg-one-ip",
                "vpc-1",
                vec![all_traffic(v4("203.0.113.9/32"))],
                vec![],
            ),
            sg(
                "sg-vpc",
                "vpc-1",
                vec![all_traffic(v4("10.0.0.0/8"))],
                vec![],
            ),
            sg(
                "sg-self",
                "vpc-1",
                vec![all_traffic(sg_ref("sg-self"))],
                vec![],
            ),
            sg(
                "sg-web",
                "vpc-1",
                vec![tcp(0, 65535, v4("0.0.0.0/0"))],
                vec![],
            ),
            sg(
                "sg-egress",
                "vpc-1",
                vec![],
                vec![all_traffic(v4("0.0.0.0/0"))],
            ),
        ];
        let got = run(&AllTrafficOpenToInternet, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("sg-egress".into(), "pass"),
                ("sg-one-ip".into(), "fail"),
                ("sg-self".into(), "pass"),
                ("sg-v6".into(), "fail"),
                ("sg-vpc".into(), "pass"),
                // All TCP ports is NET-004/NET-005's business, not "all traffic".
                ("sg-web".into(), "pass"),
                ("sg-world".into(), "fail"),
            ]
        );
        let world = got
            .iter()
            .find(|o| o.resource_arn.ends_with("sg-world"))
            .unwrap();
        assert_eq!(
            world.message,
            "sg-world (sg-world) admits all traffic from the internet: all from 0.0.0.0/0"
        );
    }

    #[test]
    fn the_demo_groups_pass() {
        let got = statuses(&run(&AllTrafficOpenToInternet, &demo()));
        assert!(got.iter().all(|(_, st)| *st == "pass"), "{got:?}");
    }

    #[test]
    fn unknown_prefix_lists_and_uncollected_groups_are_not_evaluated() {
        let mut s = snapshot();
        region(&mut s).ec2.security_groups =
            vec![sg("sg-pl", "vpc-1", vec![all_traffic(pl("pl-x"))], vec![])];
        assert_eq!(
            statuses(&run(&AllTrafficOpenToInternet, &s)),
            vec![("sg-pl".into(), "not-evaluated")]
        );
        let mut s = snapshot();
        fail(&mut s, "ec2:DescribeSecurityGroups");
        assert_eq!(
            statuses(&run(&AllTrafficOpenToInternet, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
