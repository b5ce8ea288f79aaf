//! NET-006: a security group that admits all traffic from public address
//! space opens every service of whatever carries the group: admin ports,
//! databases, debug endpoints, all at once.
//!
//! "All traffic" is every TCP port and every UDP port (issue 13 item 11):
//! an all-protocol (`-1`) rule gives it at once, `tcp 0-65535` plus
//! `udp 0-65535` (in one rule or several) give it together. Services
//! listen on TCP or UDP, so ICMP is not required: a group that admits both
//! from the internet is fully open whether or not ping works. It must be
//! the same public address that gets both (see
//! [`crate::reach::sg::all_traffic_peers`]). Every group in the account is
//! judged, as Security Hub's EC2.18 and EC2.19 do: one that guards nothing
//! today is one attachment away from doing so. A failing group lists the
//! backends that carry it.

use rampart_model::{SgRule, Status};

use super::backend_sg_app_port_open_wide::describe;
use super::scope::{backends_by_group, instance_arns};
use crate::reach::ip::public;
use crate::reach::ports::Protocol;
use crate::reach::prefix_list_resolver;
use crate::reach::sg::{Peer, all_traffic_peers, peer_matches};
use crate::registry::{Check, Context, Outcome};

pub struct AllTrafficOpenToInternet;

impl Check for AllTrafficOpenToInternet {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-006")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = Vec::new();
        let carriers = backends_by_group(cx);
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
                // Only rules whose peer may be a public address can let the
                // internet in (a private range cannot, whatever its protocol).
                let rules: Vec<&SgRule> = sg
                    .ingress
                    .iter()
                    .filter(|r| !peer_matches(r, &Peer::Internet, &resolve).is_no())
                    .collect();
                let (peers, unknowns) = all_traffic_peers(&rules, &resolve);
                let open = peers.intersection(&public());
                let arn = cx.ec2_arn(region, "security-group", &sg.group_id);
                let mut o = if !open.is_empty() {
                    Outcome::new(
                        arn,
                        region,
                        Status::Fail,
                        format!(
                            "{} ({}) admits all traffic from the internet: {}",
                            sg.group_id,
                            sg.group_name,
                            quoted(&rules, &resolve).join(", ")
                        ),
                    )
                } else if let Some(why) = unknowns.into_iter().next() {
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
                        format!(
                            "{} admits no public address on every TCP and UDP port",
                            sg.group_id
                        ),
                    )
                };
                if let Some(ids) = carriers.get(&(region.as_str(), sg.group_id.as_str())) {
                    o.affected = instance_arns(cx, region, ids);
                }
                out.push(o);
            }
        }
        out
    }
}

/// The rules to quote: the all-protocol ones from the internet, else the
/// TCP and UDP ones from the internet.
pub(crate) fn quoted(rules: &[&SgRule], resolve: &crate::reach::PrefixLists<'_>) -> Vec<String> {
    let from_internet = |p: Protocol| {
        rules
            .iter()
            .filter(move |r| Protocol::parse(&r.protocol) == Some(p))
            .filter(|r| peer_matches(r, &Peer::Internet, resolve).is_yes())
            .map(|r| describe(r))
    };
    let all: Vec<String> = from_internet(Protocol::All).collect();
    if !all.is_empty() {
        return all;
    }
    from_internet(Protocol::Tcp)
        .chain(from_internet(Protocol::Udp))
        .collect()
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

    /// Issue 13 item 11: `tcp 0-65535` plus `udp 0-65535` from the internet
    /// is all traffic, as `-1` is (what listens on an instance listens on
    /// TCP or UDP; ICMP is not required). The finding is filed on the group
    /// and lists the backends that carry it.
    #[test]
    fn every_tcp_and_udp_port_is_all_traffic_and_lists_the_backends() {
        let mut s = demo();
        let g = region(&mut s)
            .ec2
            .security_groups
            .iter_mut()
            .find(|g| g.group_id == "sg-lweb")
            .unwrap();
        g.ingress = vec![
            tcp(0, 65535, v4("0.0.0.0/0")),
            SgRule {
                protocol: "udp".into(),
                ..tcp(0, 65535, v4("0.0.0.0/0"))
            },
        ];
        let got = run(&AllTrafficOpenToInternet, &s);
        let lweb = got
            .iter()
            .find(|o| o.resource_arn.ends_with("sg-lweb"))
            .unwrap();
        assert_eq!(lweb.status, Status::Fail, "{}", lweb.message);
        assert_eq!(
            lweb.message,
            "sg-lweb (sg-lweb) admits all traffic from the internet: tcp 0-65535 from 0.0.0.0/0, udp 0-65535 from 0.0.0.0/0"
        );
        assert_eq!(
            lweb.affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-l1".to_string()]
        );
        // The same ports for different addresses admit nobody all traffic.
        let g = region(&mut s)
            .ec2
            .security_groups
            .iter_mut()
            .find(|g| g.group_id == "sg-lweb")
            .unwrap();
        g.ingress[1].peer = v6("::/0");
        let got = run(&AllTrafficOpenToInternet, &s);
        assert_eq!(statuses(&got)[2], ("sg-lweb".into(), "pass"));
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

    /// A rule admits only sources in its CIDR, whatever its protocol
    /// ("Security group rules", the source of a rule:
    /// https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html):
    /// a protocol rampart does not recognise on a private range cannot let
    /// the internet in, so it leaves the group's verdict alone; on a public
    /// range it makes the group not evaluated.
    #[test]
    fn an_unknown_protocol_matters_only_on_a_public_range() {
        let odd = |peer| SgRule {
            protocol: "bogus".into(),
            ..all_traffic(peer)
        };
        let mut s = snapshot();
        region(&mut s).ec2.security_groups = vec![
            sg("sg-private", "vpc-1", vec![odd(v4("10.0.0.0/8"))], vec![]),
            sg("sg-public", "vpc-1", vec![odd(v4("0.0.0.0/0"))], vec![]),
        ];
        assert_eq!(
            statuses(&run(&AllTrafficOpenToInternet, &s)),
            vec![
                ("sg-private".into(), "pass"),
                ("sg-public".into(), "not-evaluated"),
            ]
        );
    }
}
