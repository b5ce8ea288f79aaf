//! Traffic as it moves hop by hop: the set of source addresses that get
//! this far (and the security groups of the interfaces that send it), split
//! into what certainly gets through and what gets through only if data the
//! snapshot lacks (or an appliance whose rules are not read) lets it.
//!
//! Every hop narrows the *same* set of sources, so a path exists only when
//! one source passes every hop: a security group that admits one public
//! range and a NACL that admits another make no path, as in AWS. Address
//! families never mix: an IPv6 rule admits no IPv4 source and the reverse,
//! because the sets keep the families apart.

use rampart_model::{CompactString, NetworkAcl, SgPeer, SgRule, Subnet};

use crate::reach::ip::{AddrSet, parse_cidr};
use crate::reach::ports::{Protocol, rule_covers};
use crate::reach::{PrefixLists, nacl};

/// In [`Flow::groups`]: the senders may be in any security group (whose
/// group is not collected), so a rule referencing any group admits them.
/// No security group id is `*`.
pub(crate) const ANY_GROUP: &str = "*";

/// Who is sending traffic that reached a hop.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Flow {
    /// Sources that got this far on every hop judged from collected data.
    pub sure: AddrSet,
    /// Sources that got this far only if something unknown lets them.
    pub maybe: AddrSet,
    /// Security groups of the sending interfaces (a load balancer's, a VPC
    /// link's): a rule referencing one of them admits the senders.
    /// [`ANY_GROUP`] stands for senders that may be in any group.
    pub groups: Vec<CompactString>,
    /// Why `maybe` is not `sure`.
    pub why: Vec<String>,
}

impl Flow {
    /// `addrs`, certainly, sent by interfaces in no security group.
    pub fn sure(addrs: AddrSet) -> Flow {
        Flow {
            sure: addrs,
            ..Flow::default()
        }
    }

    /// `addrs`, only possibly, for `why`.
    pub fn maybe(addrs: AddrSet, why: impl Into<String>) -> Flow {
        let mut f = Flow {
            maybe: addrs,
            ..Flow::default()
        };
        f.note(why);
        f
    }

    pub fn is_empty(&self) -> bool {
        self.sure.is_empty() && self.maybe.is_empty()
    }

    /// Every source that may have got this far.
    pub fn all(&self) -> AddrSet {
        self.sure.union(&self.maybe)
    }

    /// Records a reason once.
    pub fn note(&mut self, why: impl Into<String>) {
        let why = why.into();
        if !self.why.contains(&why) {
            self.why.push(why);
        }
    }

    /// Everything becomes a maybe, for `why`.
    pub fn doubt(mut self, why: impl Into<String>) -> Flow {
        if self.is_empty() {
            return self;
        }
        self.maybe = self.all();
        self.sure = AddrSet::empty();
        self.note(why);
        self
    }

    /// The traffic is sent on by other interfaces (a load balancer node
    /// that does not preserve the client's address): the senders are now
    /// `addrs` in `groups`, exactly as sure as the traffic that arrived.
    pub fn resent(&self, addrs: AddrSet, groups: &[CompactString]) -> Flow {
        let (sure, maybe) = if !self.sure.is_empty() {
            (addrs, AddrSet::empty())
        } else if !self.maybe.is_empty() {
            (AddrSet::empty(), addrs)
        } else {
            (AddrSet::empty(), AddrSet::empty())
        };
        Flow {
            sure,
            maybe,
            groups: groups.to_vec(),
            why: self.why.clone(),
        }
    }

    /// Keeps only the sources in `keep` (an address family, a subnet).
    pub fn within(&self, keep: &AddrSet) -> Flow {
        Flow {
            sure: self.sure.intersection(keep),
            maybe: self.maybe.intersection(keep),
            groups: self.groups.clone(),
            why: self.why.clone(),
        }
    }

    /// Either flow's sources (two ways in, or two subnets).
    pub fn union(&self, other: &Flow) -> Flow {
        let sure = self.sure.union(&other.sure);
        let mut f = Flow {
            maybe: self.maybe.union(&other.maybe).difference(&sure),
            sure,
            groups: self.groups.clone(),
            why: self.why.clone(),
        };
        for g in &other.groups {
            if !f.groups.contains(g) {
                f.groups.push(g.clone());
            }
        }
        for w in &other.why {
            f.note(w.clone());
        }
        f
    }
}

/// The sources of `flow` that the union of `rules` (an ENI's groups, a
/// load balancer's groups) admits for `proto`/`port`: CIDR rules by
/// address (each family only its own), prefix lists through `resolve`,
/// group references when the senders carry the group. `rules` is `Err`
/// when a group was not collected; then nothing is certain.
pub(crate) fn security_groups(
    rules: &Result<Vec<&SgRule>, String>,
    proto: Protocol,
    port: u16,
    flow: &Flow,
    resolve: &PrefixLists<'_>,
) -> Flow {
    let rules = match rules {
        Ok(r) => r,
        Err(why) => return flow.clone().doubt(why.clone()),
    };
    let all = flow.all();
    let mut yes = AddrSet::empty();
    let mut unknown = AddrSet::empty();
    let mut why: Vec<String> = Vec::new();
    for rule in rules {
        let Some(rp) = Protocol::parse(&rule.protocol) else {
            unknown = all.clone();
            why.push(format!(
                "security group rule protocol {:?} not recognised",
                rule.protocol
            ));
            continue;
        };
        if !rule_covers(rp, rule.from_port, rule.to_port, proto, port) {
            continue;
        }
        match &rule.peer {
            SgPeer::Ipv4 { cidr } | SgPeer::Ipv6 { cidr } => match parse_cidr(cidr) {
                Some(net) => yes = yes.union(&all.intersection(&AddrSet::from_net(net))),
                None => {
                    unknown = all.clone();
                    why.push(format!("security group rule CIDR {cidr:?} not parseable"));
                }
            },
            SgPeer::PrefixList { prefix_list_id } => match resolve(prefix_list_id) {
                Ok(nets) => yes = yes.union(&all.intersection(&AddrSet::from_nets(nets))),
                Err(w) => {
                    unknown = all.clone();
                    why.push(w);
                }
            },
            SgPeer::SecurityGroup { group_id, .. } => {
                if flow.groups.iter().any(|g| g == group_id || g == ANY_GROUP) {
                    yes = all.clone();
                }
            }
        }
    }
    let sure = flow.sure.intersection(&yes);
    let maybe = flow
        .maybe
        .intersection(&yes.union(&unknown))
        .union(&flow.sure.intersection(&unknown))
        .difference(&sure);
    let mut out = Flow {
        sure,
        maybe,
        groups: flow.groups.clone(),
        why: flow.why.clone(),
    };
    if !out.maybe.is_empty() {
        for w in why {
            out.note(w);
        }
    }
    out
}

/// Whether the union of a sender's egress `rules` (a load balancer's
/// groups) lets `proto`/`port` out to `dest` (the receiver's addresses),
/// or to the receiver's `dest_groups` by reference. Security groups are
/// stateful, so the reply needs no rule. `Err` when a group or a prefix
/// list is unknown and the answer depends on it.
pub(crate) fn egress_admits(
    rules: &Result<Vec<&SgRule>, String>,
    proto: Protocol,
    port: u16,
    dest: &AddrSet,
    dest_groups: &[CompactString],
    resolve: &PrefixLists<'_>,
) -> Result<bool, String> {
    let rules = rules.as_ref().map_err(Clone::clone)?;
    let mut unknown = None;
    for rule in rules {
        let Some(rp) = Protocol::parse(&rule.protocol) else {
            unknown = Some(format!(
                "security group rule protocol {:?} not recognised",
                rule.protocol
            ));
            continue;
        };
        if !rule_covers(rp, rule.from_port, rule.to_port, proto, port) {
            continue;
        }
        let hit = match &rule.peer {
            SgPeer::Ipv4 { cidr } | SgPeer::Ipv6 { cidr } => match parse_cidr(cidr) {
                Some(net) => dest.overlaps(&AddrSet::from_net(net)),
                None => {
                    unknown = Some(format!("security group rule CIDR {cidr:?} not parseable"));
                    false
                }
            },
            SgPeer::PrefixList { prefix_list_id } => match resolve(prefix_list_id) {
                Ok(nets) => dest.overlaps(&AddrSet::from_nets(nets)),
                Err(w) => {
                    unknown = Some(w);
                    false
                }
            },
            SgPeer::SecurityGroup { group_id, .. } => dest_groups.iter().any(|g| g == group_id),
        };
        if hit {
            return Ok(true);
        }
    }
    match unknown {
        Some(why) => Err(why),
        None => Ok(false),
    }
}

/// The sources of `flow` that hold a conversation with `port` through the
/// NACL of `subnet` (inbound, and the reply outbound to the source's
/// ephemeral port; NACLs are stateless). A NACL sits at the subnet's
/// boundary: sources inside the subnet itself do not cross it
/// (<https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>).
/// `acl` is `None` when the subnet's NACL is unknown.
pub(crate) fn nacl_inbound(
    acl: Option<&NetworkAcl>,
    subnet_id: &str,
    subnet: Option<&Subnet>,
    proto: Protocol,
    port: u16,
    flow: &Flow,
) -> Flow {
    let inside = subnet_addrs(subnet);
    let local = flow.within(&inside);
    let outside = Flow {
        sure: flow.sure.difference(&inside),
        maybe: flow.maybe.difference(&inside),
        groups: flow.groups.clone(),
        why: flow.why.clone(),
    };
    let Some(acl) = acl else {
        return local.union(&outside.doubt(format!("no network ACL known for {subnet_id}")));
    };
    let sure = nacl::round_trip(&acl.entries, proto, port, &outside.sure);
    let maybe = nacl::round_trip(&acl.entries, proto, port, &outside.maybe);
    let mut out = Flow {
        sure,
        maybe,
        groups: flow.groups.clone(),
        why: flow.why.clone(),
    };
    let broken = nacl::malformed(&acl.entries);
    if !broken.is_empty() {
        let lost = outside.all().difference(&out.sure);
        if !lost.is_empty() {
            out.maybe = out.maybe.union(&lost);
            for b in broken {
                out.note(format!("{}: {b}", acl.network_acl_id));
            }
        }
    }
    local.union(&out)
}

/// Whether traffic from a sender in `subnet` (a load balancer node) to
/// `dest` on `port` leaves through the subnet's NACL and its reply comes
/// back in: `Ok(true)`/`Ok(false)`, or `Err(why)` when the NACL is unknown
/// or has entries that cannot be read. Destinations inside the subnet do
/// not cross it.
pub(crate) fn nacl_outbound(
    acl: Option<&NetworkAcl>,
    subnet_id: &str,
    subnet: Option<&Subnet>,
    proto: Protocol,
    port: u16,
    dest: &AddrSet,
) -> Result<bool, String> {
    let outside = dest.difference(&subnet_addrs(subnet));
    if outside.is_empty() {
        return Ok(true);
    }
    let Some(acl) = acl else {
        return Err(format!("no network ACL known for {subnet_id}"));
    };
    let passed = !nacl::round_trip_out(&acl.entries, proto, port, &outside).is_empty();
    let broken = nacl::malformed(&acl.entries);
    if !passed && !broken.is_empty() {
        return Err(format!("{}: {}", acl.network_acl_id, broken.join("; ")));
    }
    Ok(passed)
}

/// The subnet's own addresses (both families); empty when unknown.
pub(crate) fn subnet_addrs(subnet: Option<&Subnet>) -> AddrSet {
    let Some(s) = subnet else {
        return AddrSet::empty();
    };
    AddrSet::from_nets(
        s.cidr_block
            .iter()
            .chain(s.ipv6_cidr_blocks.iter())
            .filter_map(|c| parse_cidr(c)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reach::ip::{public_v4, public_v6};
    use crate::reach::no_prefix_lists;
    use rampart_model::{NaclEntry, PortRange};

    fn set(cidrs: &[&str]) -> AddrSet {
        AddrSet::from_nets(cidrs.iter().map(|c| c.parse().unwrap()))
    }

    fn rule(proto: &str, port: i32, peer: SgPeer) -> SgRule {
        SgRule {
            protocol: proto.into(),
            from_port: Some(port),
            to_port: Some(port),
            peer,
            description: None,
        }
    }

    fn v4(c: &str) -> SgPeer {
        SgPeer::Ipv4 { cidr: c.into() }
    }

    fn v6(c: &str) -> SgPeer {
        SgPeer::Ipv6 { cidr: c.into() }
    }

    #[test]
    fn security_groups_narrow_by_address_and_family() {
        let rules = [
            rule("tcp", 443, v4("198.51.100.0/24")),
            rule("tcp", 443, v6("::/0")),
        ];
        let r: Result<Vec<&SgRule>, String> = Ok(rules.iter().collect());
        let internet = Flow::sure(public_v4().union(&public_v6()));
        let got = security_groups(&r, Protocol::Tcp, 443, &internet, &no_prefix_lists);
        assert_eq!(got.sure, set(&["198.51.100.0/24"]).union(&public_v6()));
        // IPv4 only: the ::/0 rule admits none of it.
        let got = security_groups(
            &r,
            Protocol::Tcp,
            443,
            &Flow::sure(public_v4()),
            &no_prefix_lists,
        );
        assert_eq!(got.sure, set(&["198.51.100.0/24"]));
        assert!(security_groups(&r, Protocol::Udp, 443, &internet, &no_prefix_lists).is_empty());
    }

    #[test]
    fn group_references_admit_the_senders_that_carry_the_group() {
        let rules = [rule(
            "tcp",
            8080,
            SgPeer::SecurityGroup {
                group_id: "sg-lb".into(),
                user_id: None,
                vpc_id: None,
                peering_status: None,
            },
        )];
        let r: Result<Vec<&SgRule>, String> = Ok(rules.iter().collect());
        let mut nodes = Flow::sure(set(&["10.0.0.0/24"]));
        assert!(security_groups(&r, Protocol::Tcp, 8080, &nodes, &no_prefix_lists).is_empty());
        nodes.groups = vec!["sg-lb".into()];
        assert_eq!(
            security_groups(&r, Protocol::Tcp, 8080, &nodes, &no_prefix_lists).sure,
            set(&["10.0.0.0/24"])
        );
    }

    #[test]
    fn unknown_input_is_a_maybe_with_its_reason() {
        let rules = [rule(
            "tcp",
            443,
            SgPeer::PrefixList {
                prefix_list_id: "pl-x".into(),
            },
        )];
        let r: Result<Vec<&SgRule>, String> = Ok(rules.iter().collect());
        let got = security_groups(
            &r,
            Protocol::Tcp,
            443,
            &Flow::sure(public_v4()),
            &no_prefix_lists,
        );
        assert!(got.sure.is_empty());
        assert_eq!(got.maybe, public_v4());
        assert!(got.why[0].contains("pl-x"), "{:?}", got.why);
        let missing: Result<Vec<&SgRule>, String> =
            Err("security group sg-9 was not collected".into());
        let got = security_groups(
            &missing,
            Protocol::Tcp,
            443,
            &Flow::sure(public_v4()),
            &no_prefix_lists,
        );
        assert!(got.sure.is_empty() && !got.maybe.is_empty());
    }

    fn entry(egress: bool, n: i32, action: &str, cidr: &str, ports: (i32, i32)) -> NaclEntry {
        NaclEntry {
            egress,
            rule_number: n,
            protocol: "6".into(),
            rule_action: action.into(),
            cidr_block: Some(cidr.into()),
            ipv6_cidr_block: None,
            port_range: Some(PortRange {
                from: ports.0,
                to: ports.1,
            }),
            icmp_type_code: None,
        }
    }

    #[test]
    fn the_nacl_judges_only_sources_outside_its_subnet() {
        let acl = NetworkAcl {
            network_acl_id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            is_default: false,
            entries: vec![
                entry(false, 100, "allow", "198.51.100.0/24", (443, 443)),
                entry(true, 100, "allow", "0.0.0.0/0", (1024, 65535)),
            ],
            associations: vec![],
            tags: Default::default(),
        };
        let subnet = Subnet {
            subnet_id: "subnet-1".into(),
            vpc_id: "vpc-1".into(),
            availability_zone: None,
            cidr_block: Some("10.0.1.0/24".into()),
            ipv6_cidr_blocks: vec![],
            map_public_ip_on_launch: false,
            assign_ipv6_address_on_creation: false,
            default_for_az: false,
            tags: Default::default(),
        };
        let flow = Flow::sure(public_v4().union(&set(&["10.0.1.0/24", "10.0.2.0/24"])));
        let got = nacl_inbound(
            Some(&acl),
            "subnet-1",
            Some(&subnet),
            Protocol::Tcp,
            443,
            &flow,
        );
        assert_eq!(got.sure, set(&["198.51.100.0/24", "10.0.1.0/24"]));
        let dest = set(&["10.0.2.5/32"]);
        assert_eq!(
            nacl_outbound(
                Some(&acl),
                "subnet-1",
                Some(&subnet),
                Protocol::Tcp,
                443,
                &dest
            ),
            Ok(false),
            "no inbound rule lets the reply back in"
        );
        assert_eq!(
            nacl_outbound(
                Some(&acl),
                "subnet-1",
                Some(&subnet),
                Protocol::Tcp,
                443,
                &set(&["10.0.1.7/32"])
            ),
            Ok(true),
            "inside the subnet: no NACL"
        );
    }
}
