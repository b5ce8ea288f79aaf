//! NET-008: a network ACL on a backend's subnet that allows every protocol
//! inbound from public address space is no second layer at all: the
//! security group is then the only filter between the internet and the
//! instance, and one rule mistake there is an exposure.
//!
//! Semantics: walking the inbound entries in rule order, an all-protocol
//! `allow` whose CIDR holds public addresses that no earlier `deny` (of any
//! protocol) has claimed admits all traffic from those addresses. An
//! earlier deny of anything for an address means the NACL does filter it.
//! Scope: NACLs associated with a subnet a backend has an interface in.

use rampart_model::{NaclEntry, Status};

use super::scope::{Scope, subnets};
use crate::reach::ip::{AddrSet, parse_cidr, public};
use crate::reach::ports::Protocol;
use crate::registry::{Check, Context, Outcome};

pub struct NaclAllowsAllInbound;

impl Check for NaclAllowsAllInbound {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-008")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let (acls, mut out) = scope.resources(cx, "network ACLs", |rix, i| {
            subnets(rix, i)?
                .into_iter()
                .map(|s| {
                    rix.subnet_nacl
                        .get(s)
                        .map(|a| a.network_acl_id.as_str())
                        .ok_or_else(|| format!("no network ACL known for {s}"))
                })
                .collect()
        });
        for ((region, acl_id), users) in &acls {
            let Some(acl) = cx.index.regions.get(region).and_then(|rix| {
                rix.subnet_nacl
                    .values()
                    .find(|a| a.network_acl_id == *acl_id)
            }) else {
                continue;
            };
            let arn = cx.ec2_arn(region, "network-acl", acl_id);
            let v = all_inbound(&acl.entries);
            out.push(if !v.rules.is_empty() {
                match users.doubt() {
                    Some(why) => Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why),
                        format!("{acl_id} allows all inbound traffic, on instances that may be backends"),
                    ),
                    None => Outcome::new(
                        arn,
                        region,
                        Status::Fail,
                        format!(
                            "{acl_id} on the subnet(s) of backend(s) {} allows all traffic inbound from the internet ({})",
                            users.names(),
                            v.rules.join(", ")
                        ),
                    ),
                }
            } else if let Some(why) = v.unknown {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!("{acl_id} may allow all inbound traffic"),
                )
            } else {
                Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!("{acl_id} filters inbound traffic from the internet"),
                )
            });
        }
        out
    }
}

/// What [`all_inbound`] found.
struct AllInbound {
    /// The all-protocol allow entries that admit some public address
    /// first, as `rule N: allow all from CIDR`.
    rules: Vec<String>,
    /// Why the answer may be wrong: an entry that could not be read came
    /// before an all-protocol allow that admits public addresses.
    unknown: Option<String>,
}

fn all_inbound(entries: &[NaclEntry]) -> AllInbound {
    let mut inbound: Vec<&NaclEntry> = entries.iter().filter(|e| !e.egress).collect();
    inbound.sort_by_key(|e| e.rule_number);
    let mut remaining = public();
    let mut found = AllInbound {
        rules: vec![],
        unknown: None,
    };
    let mut unreadable: Option<String> = None;
    for e in inbound {
        let parsed = read(e);
        let Ok((allow, proto, net, cidr)) = parsed else {
            unreadable.get_or_insert(parsed.err().unwrap_or_default());
            continue;
        };
        let block = AddrSet::from_net(net);
        if !allow {
            remaining = remaining.difference(&block);
        } else if proto == Protocol::All {
            if remaining.overlaps(&block) {
                match &unreadable {
                    None => found
                        .rules
                        .push(format!("rule {}: allow all from {cidr}", e.rule_number)),
                    Some(why) => {
                        found.unknown.get_or_insert(why.clone());
                    }
                }
            }
            remaining = remaining.difference(&block);
        }
    }
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
            "acl-ldef on the subnet(s) of backend(s) i-l1 allows all traffic inbound from the internet (rule 100: allow all from 0.0.0.0/0)"
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
                ("i-h1".into(), "not-evaluated"),
                ("i-l1".into(), "not-evaluated")
            ]
        );
    }
}
