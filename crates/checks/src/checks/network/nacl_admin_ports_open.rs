//! NET-009: a network ACL that admits SSH (22) or RDP (3389) from public
//! address space leaves the admin ports to the security groups alone. The
//! classic way to get here without meaning to is the reply-traffic rule:
//! `allow tcp 1024-65535 from 0.0.0.0/0` also admits 3389, unless a deny for
//! it comes first.
//!
//! Every NACL in the account is judged (as Security Hub's EC2.21 does):
//! one that guards no subnet today is one association away from doing so.

use rampart_model::{NaclEntry, Status};

use super::admin_port_open_to_internet::ADMIN_PORTS;
use super::nacl_allows_all_inbound::read;
use crate::reach::ip::{AddrSet, public};
use crate::reach::nacl::allowed_sources;
use crate::reach::ports::{Protocol, rule_covers};
use crate::registry::{Check, Context, Outcome};

pub struct NaclAdminPortsOpen;

impl Check for NaclAdminPortsOpen {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-009")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = Vec::new();
        for (region, inv) in &cx.snapshot.regions {
            if let Some(gap) = cx.region_gap(region, &["ec2:DescribeNetworkAcls"], "network-acl") {
                out.push(gap);
                continue;
            }
            for acl in &inv.ec2.network_acls {
                let arn = cx.ec2_arn(region, "network-acl", &acl.network_acl_id);
                let mut open = Vec::new();
                let mut why_open = Vec::new();
                let mut unknown = None;
                let mut wide = false;
                for (port, name) in ADMIN_PORTS {
                    let admitted =
                        allowed_sources(&acl.entries, false, Protocol::Tcp, port, &public());
                    // The entry that decides for the admitted addresses, and
                    // the unreadable entries the evaluation skipped before it.
                    let decider = first_allow(&acl.entries, port, &admitted);
                    let limit = decider.map_or(i32::MAX, |e| e.rule_number);
                    let skipped = acl
                        .entries
                        .iter()
                        .filter(|e| !e.egress && e.rule_number < limit)
                        .find_map(|e| read(e).err());
                    match (admitted.is_empty(), skipped) {
                        (false, None) => {
                            open.push(format!("{name} ({port})"));
                            if let Some(e) = decider {
                                let cidr = e
                                    .cidr_block
                                    .as_deref()
                                    .or(e.ipv6_cidr_block.as_deref())
                                    .unwrap_or("?");
                                let what = match (e.protocol.as_str(), e.port_range) {
                                    ("-1", _) => "all traffic".to_string(),
                                    (_, Some(p)) if p.from == p.to => format!("tcp {}", p.from),
                                    (_, Some(p)) => format!("tcp {}-{}", p.from, p.to),
                                    (_, None) => "tcp (all ports)".to_string(),
                                };
                                why_open.push(format!(
                                    "rule {}: allow {what} from {cidr}",
                                    e.rule_number
                                ));
                                wide |= e.port_range.is_some_and(|p| p.from != p.to);
                            }
                        }
                        (_, Some(why)) => unknown = Some(why),
                        (true, None) => {}
                    }
                }
                why_open.sort();
                why_open.dedup();
                out.push(if !open.is_empty() {
                    let mut msg = format!(
                        "{} admits {} inbound from the internet ({})",
                        acl.network_acl_id,
                        open.join(" and "),
                        why_open.join("; ")
                    );
                    if wide {
                        msg.push_str(
                            "; a port range (such as the ephemeral 1024-65535 for replies) covers an admin port: deny it in a lower-numbered rule",
                        );
                    }
                    Outcome::new(arn, region, Status::Fail, msg)
                } else if let Some(why) = unknown {
                    Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why),
                        format!("{} may admit admin ports", acl.network_acl_id),
                    )
                } else {
                    Outcome::new(
                        arn,
                        region,
                        Status::Pass,
                        format!(
                            "{} keeps 22 and 3389 closed to the internet",
                            acl.network_acl_id
                        ),
                    )
                });
            }
        }
        out
    }
}

/// The first inbound allow entry (by rule number) that covers tcp `port`
/// and holds some of `admitted`: the one to quote.
fn first_allow<'e>(
    entries: &'e [NaclEntry],
    port: u16,
    admitted: &AddrSet,
) -> Option<&'e NaclEntry> {
    let mut v: Vec<&NaclEntry> = entries.iter().filter(|e| !e.egress).collect();
    v.sort_by_key(|e| e.rule_number);
    v.into_iter().find(|e| {
        read(e).is_ok_and(|(allow, proto, net, _)| {
            allow
                && rule_covers(
                    proto,
                    e.port_range.map(|p| p.from),
                    e.port_range.map(|p| p.to),
                    Protocol::Tcp,
                    port,
                )
                && AddrSet::from_net(net).overlaps(admitted)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;
    use rampart_model::*;

    fn of<'a>(got: &'a [Outcome], acl: &str) -> &'a Outcome {
        got.iter().find(|o| o.resource_arn.ends_with(acl)).unwrap()
    }

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
    fn default_nacls_fail_and_a_deny_before_the_reply_range_passes() {
        let got = run(&NaclAdminPortsOpen, &demo());
        assert_eq!(
            statuses(&got),
            vec![
                ("acl-happ".into(), "pass"),
                ("acl-hdef".into(), "fail"),
                ("acl-ldef".into(), "fail")
            ]
        );
        assert_eq!(
            of(&got, "acl-ldef").message,
            "acl-ldef admits SSH (22) and RDP (3389) inbound from the internet (rule 100: allow all traffic from 0.0.0.0/0)"
        );
    }

    #[test]
    fn the_reply_range_covers_rdp_without_its_deny() {
        let mut s = demo();
        entries_of(&mut s, "acl-happ").retain(|e| e.rule_number != 105);
        let got = run(&NaclAdminPortsOpen, &s);
        assert_eq!(statuses(&got)[0], ("acl-happ".into(), "fail"));
        let happ = of(&got, "acl-happ");
        assert!(
            happ.message.starts_with(
                "acl-happ admits RDP (3389) inbound from the internet (rule 110: allow tcp 1024-65535 from 0.0.0.0/0); a port range"
            ),
            "{}",
            happ.message
        );
        // A single public address is the internet too; a private range is not.
        let mut s = demo();
        entries_of(&mut s, "acl-happ").push(entry(
            false,
            90,
            "6",
            "allow",
            "198.51.100.7/32",
            Some((22, 22)),
        ));
        entries_of(&mut s, "acl-happ").push(entry(
            false,
            91,
            "6",
            "allow",
            "10.0.0.0/8",
            Some((3389, 3389)),
        ));
        let got = run(&NaclAdminPortsOpen, &s);
        assert_eq!(statuses(&got)[0], ("acl-happ".into(), "fail"));
        let happ = of(&got, "acl-happ");
        assert!(
            happ.message
                .starts_with("acl-happ admits SSH (22) inbound from the internet (rule 90: allow tcp 22 from 198.51.100.7/32)"),
            "{}",
            happ.message
        );
    }

    #[test]
    fn unreadable_entries_and_uncollected_nacls_are_not_evaluated() {
        let mut s = demo();
        entries_of(&mut s, "acl-happ").push(entry(false, 50, "bogus", "deny", "0.0.0.0/0", None));
        entries_of(&mut s, "acl-happ").retain(|e| e.rule_number != 105);
        assert_eq!(
            statuses(&run(&NaclAdminPortsOpen, &s))[0],
            ("acl-happ".into(), "not-evaluated")
        );
        let mut s = demo();
        fail(&mut s, "ec2:DescribeNetworkAcls");
        assert_eq!(
            statuses(&run(&NaclAdminPortsOpen, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
