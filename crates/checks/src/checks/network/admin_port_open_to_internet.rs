//! NET-005: a security group that admits SSH (22) or RDP (3389) from public
//! address space exposes the most attacked services on the internet, and
//! the credentials behind them, to everyone.

use rampart_model::Status;

use super::scope::backends_by_group;
use crate::reach::ports::Protocol;
use crate::reach::sg::{Peer, admits};
use crate::reach::{Reach, prefix_list_resolver};
use crate::registry::{Check, Context, Outcome};

pub struct AdminPortOpenToInternet;

pub(crate) const ADMIN_PORTS: [(u16, &str); 2] = [(22, "SSH"), (3389, "RDP")];

impl Check for AdminPortOpenToInternet {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-005")
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
                let rules: Vec<_> = sg.ingress.iter().collect();
                let mut open = Vec::new();
                let mut unknown = None;
                for (port, name) in ADMIN_PORTS {
                    match admits(&rules, Protocol::Tcp, port, &Peer::Internet, &resolve) {
                        Reach::Yes => open.push(format!("{name} ({port})")),
                        Reach::No => {}
                        Reach::Unknown(why) => unknown = Some(why),
                    }
                }
                let arn = cx.ec2_arn(region, "security-group", &sg.group_id);
                out.push(if !open.is_empty() {
                    // The remedy depends on whether Session Manager already
                    // reaches the backends behind the group (issue 15).
                    let carriers = backends_by_group(cx)
                        .get(&(region.as_str(), sg.group_id.as_str()))
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    let remedy =
                        crate::checks::instance::ssm_state::group_remedy(cx, region, carriers);
                    Outcome::new(
                        arn,
                        region,
                        Status::Fail,
                        format!(
                            "{} ({}) admits {} from the internet{}",
                            sg.group_id,
                            sg.group_name,
                            open.join(" and "),
                            remedy.map(|r| format!("; {r}")).unwrap_or_default()
                        ),
                    )
                } else if let Some(why) = unknown {
                    Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why),
                        "admin ports may be open",
                    )
                } else {
                    Outcome::new(
                        arn,
                        region,
                        Status::Pass,
                        format!("{} keeps 22 and 3389 off the internet", sg.group_id),
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
    use crate::testing::*;
    use rampart_model::*;

    fn sg(id: &str, ingress: Vec<SgRule>) -> SecurityGroup {
        SecurityGroup {
            group_id: id.into(),
            group_name: id.into(),
            vpc_id: Some("vpc-1".into()),
            owner_id: None,
            description: None,
            ingress,
            egress: vec![],
            tags: Tags::new(),
        }
    }

    fn rule(proto: &str, from: Option<i32>, to: Option<i32>, peer: SgPeer) -> SgRule {
        SgRule {
            protocol: proto.into(),
            from_port: from,
            to_port: to,
            peer,
            description: None,
        }
    }

    #[test]
    fn ssh_rdp_ranges_and_all_traffic_from_public_space_fail() {
        let v4 = |c: &str| SgPeer::Ipv4 { cidr: c.into() };
        let mut s = snapshot();
        region(&mut s).ec2.security_groups = vec![
            sg(
                "sg-ssh",
                vec![rule("tcp", Some(22), Some(22), v4("0.0.0.0/0"))],
            ),
            sg(
                "sg-rdp-one-ip",
                vec![rule("tcp", Some(3389), Some(3389), v4("198.51.100.7/32"))],
            ),
            sg(
                "sg-range",
                vec![rule(
                    "tcp",
                    Some(0),
                    Some(1024),
                    SgPeer::Ipv6 {
                        cidr: "::/0".into(),
                    },
                )],
            ),
            sg("sg-all", vec![rule("-1", None, None, v4("0.0.0.0/0"))]),
            sg(
                "sg-private",
                vec![rule("tcp", Some(22), Some(22), v4("10.0.0.0/8"))],
            ),
            sg(
                "sg-web",
                vec![rule("tcp", Some(443), Some(443), v4("0.0.0.0/0"))],
            ),
            sg(
                "sg-udp",
                vec![rule("udp", Some(22), Some(22), v4("0.0.0.0/0"))],
            ),
        ];
        assert_eq!(
            statuses(&run(&AdminPortOpenToInternet, &s)),
            vec![
                ("sg-all".into(), "fail"),
                ("sg-private".into(), "pass"),
                ("sg-range".into(), "fail"),
                ("sg-rdp-one-ip".into(), "fail"),
                ("sg-ssh".into(), "fail"),
                ("sg-udp".into(), "pass"),
                ("sg-web".into(), "pass"),
            ]
        );
    }

    #[test]
    fn unresolvable_prefix_lists_and_missing_groups_are_not_evaluated() {
        let mut s = snapshot();
        region(&mut s).ec2.security_groups = vec![sg(
            "sg-pl",
            vec![rule(
                "tcp",
                Some(22),
                Some(22),
                SgPeer::PrefixList {
                    prefix_list_id: "pl-x".into(),
                },
            )],
        )];
        assert_eq!(
            statuses(&run(&AdminPortOpenToInternet, &s)),
            vec![("sg-pl".into(), "not-evaluated")]
        );
        let mut s = snapshot();
        fail(&mut s, "ec2:DescribeSecurityGroups");
        assert_eq!(
            statuses(&run(&AdminPortOpenToInternet, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
