//! EDGE-014: where the account subscribes to AWS Shield Advanced, every
//! internet-facing entry in front of a backend is one of its protected
//! resources. A subscription protects nothing by itself: "Shield Advanced
//! protections are only enabled for resources that you have explicitly
//! specified in Shield Advanced or that you protect through an AWS Firewall
//! Manager Shield Advanced policy"
//! (<https://docs.aws.amazon.com/waf/latest/developerguide/ddos-advanced-summary-protected-resources.html>).
//!
//! The entries, from the exposure paths (issue 16 item 2):
//! - an internet-facing **ALB** that a `load-balancer` path enters by: a
//!   protection must name the load balancer's ARN;
//! - an internet-facing **NLB**: Shield Advanced protects "Network Load
//!   Balancers by association with protected Amazon EC2 Elastic IP
//!   addresses"
//!   (<https://docs.aws.amazon.com/waf/latest/DDOSAPIReference/API_CreateProtection.html>),
//!   so each of its Elastic IPs (`eip-allocation/ALLOC`) must be
//!   protected; an NLB on addresses AWS assigns cannot be, and fails;
//! - a **CloudFront distribution** in front of backends
//!   ([`super::cloudfront`]): a protection must name its ARN;
//! - a backend reached **directly** on a public address: on an Elastic IP,
//!   that allocation must be protected (filed on it); on an auto-assigned
//!   IPv4 or an IPv6 address, which no protection can cover, the backend
//!   fails (filed on the instance).
//!
//! API Gateway stages are not entries here: Shield Advanced protects an API
//! only through a CloudFront distribution in front of it (issue 16 item 1).
//!
//! An account that does not subscribe has nothing to judge: one outcome,
//! *not evaluated*, on `arn:PARTITION:shield::ACCOUNT:subscription` says
//! so once (no backend's card counts it). A subscription state or a
//! protection list that was not collected makes each entry *not
//! evaluated*, never a pass. Each outcome lists the backends behind its
//! entry as `affected`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rampart_model::{ElasticIp, LoadBalancer, PathKind, RegionInventory, ShieldInventory, Status};

use crate::paths::Exposure;
use crate::registry::{Check, Context, Outcome};

pub struct EntryWithoutShieldAdvanced;

const STATE: &str = "shield:GetSubscriptionState";
const LIST: &str = "shield:ListProtections";
const ADDRESSES: &str = "ec2:DescribeAddresses";

/// A region's public addresses, indexed once (a backend reached directly
/// looks its address up; a region has as many interfaces as instances).
#[derive(Default)]
struct Addresses<'s> {
    /// Public IPv4 -> its owner on the interface (`amazon` or an account).
    owner: HashMap<&'s str, Option<&'s str>>,
    /// Public IPv4 -> the Elastic IP holding it.
    eips: HashMap<&'s str, &'s ElasticIp>,
    /// Instance id -> the public IPv4 of each Elastic IP associated with it.
    of_instance: HashMap<&'s str, Vec<&'s str>>,
}

impl<'s> Addresses<'s> {
    fn of(inv: &'s RegionInventory) -> Addresses<'s> {
        let mut out = Addresses::default();
        for p in inv
            .ec2
            .network_interfaces
            .iter()
            .flat_map(|n| &n.private_ip_addresses)
        {
            if let Some(ip) = p.public_ip.as_deref() {
                out.owner.insert(ip, p.public_ip_owner.as_deref());
            }
        }
        for a in &inv.ec2.elastic_ips {
            let Some(ip) = a.public_ip.as_deref() else {
                continue;
            };
            out.eips.entry(ip).or_insert(a);
            // (Snapshots from an emulator before the collector dropped it
            // may hold an unassociated address's InstanceId as "".)
            if let Some(id) = a.instance_id.as_deref().filter(|id| !id.is_empty()) {
                out.of_instance.entry(id).or_default().push(ip);
            }
        }
        out
    }

    /// The public address of the one Elastic IP associated with
    /// `instance` (the address list names it even when its interface is
    /// unknown).
    fn only_eip_of(&self, instance: &str) -> Option<String> {
        match self.of_instance.get(instance).map(Vec::as_slice) {
            Some([ip]) => Some(ip.to_string()),
            _ => None,
        }
    }
}

/// One internet-facing entry and the backends behind it.
struct Entry<'s> {
    kind: Kind<'s>,
    backends: BTreeSet<&'s str>,
    /// Why the internet may not reach it after all, while every path that
    /// makes it an entry is uncertain; `None` once one is certain.
    maybe: Option<String>,
}

enum Kind<'s> {
    LoadBalancer(&'s LoadBalancer),
    /// A backend's public address, as its direct path names it.
    Address {
        instance: &'s str,
        address: String,
    },
    /// An entry whose paths may exist: why (a path gap).
    Unknown {
        resource: String,
        why: String,
    },
}

impl Check for EntryWithoutShieldAdvanced {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-014")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let subscription = format!(
            "arn:{}:shield::{}:subscription",
            cx.snapshot.partition, cx.snapshot.account_id
        );
        let Some(shield) = &cx.snapshot.shield else {
            return vec![Outcome::global(
                subscription,
                Status::NotEvaluated(
                    "Shield data is not in this snapshot (written before schema version 8): re-scan"
                        .into(),
                ),
                "the Shield Advanced subscription was not collected",
            )];
        };
        // Why no entry can be judged, if none can.
        let unknown = match cx.not_collected(None, &[STATE]) {
            Some(why) => Some(why),
            None => match shield.subscription_state.as_deref() {
                Some(_) if shield.subscribed() => cx.not_collected(None, &[LIST]),
                Some(other) => {
                    return vec![Outcome::global(
                        subscription,
                        Status::NotEvaluated(format!(
                            "the account does not subscribe to Shield Advanced (subscription state {other}): \
                             EDGE-014 judges subscribers only"
                        )),
                        format!(
                            "the account does not subscribe to Shield Advanced ({other}); entries are not judged"
                        ),
                    )];
                }
                None => Some("the Shield Advanced subscription state was not collected".into()),
            },
        };
        let mut out = cx.instance_gaps();
        // A task reached directly on its own public address is an entry
        // too: without the task list, those are unknown.
        out.extend(cx.task_gaps());
        for region in cx.snapshot.region_names() {
            // Without the load balancer list, its internet-facing ones are
            // unknown: one outcome for them all.
            out.extend(cx.load_balancer_gap(region));
            let addresses = cx
                .snapshot
                .regions
                .get(region)
                .map(Addresses::of)
                .unwrap_or_default();
            for entry in entries(cx, region, &addresses).into_values() {
                out.push(judge(
                    cx,
                    region,
                    shield,
                    &addresses,
                    unknown.as_deref(),
                    entry,
                ));
            }
        }
        // The CloudFront distributions in front of backends: protected by
        // their own ARN. Without the distribution list, EDGE-015 to
        // EDGE-017 say so; here it is one gap as well.
        match super::cloudfront::fronts(cx) {
            Err(gap) => out.push(gap.clone()),
            Ok(fronts) => {
                for f in fronts {
                    let what = format!("{} {}", f.label(), f.behind());
                    out.push(match (&unknown, shield.protection_of(&f.dist.arn)) {
                        (Some(why), _) => f.outcome(cx, Status::NotEvaluated(why.clone()), what),
                        (None, Some(p)) => f.outcome(
                            cx,
                            Status::Pass,
                            format!(
                                "{what} is protected by Shield Advanced (protection {})",
                                p.name.as_deref().unwrap_or(&p.id)
                            ),
                        ),
                        (None, None) => f.outcome(
                            cx,
                            Status::Fail,
                            format!("{what} is not protected by Shield Advanced"),
                        ),
                    });
                }
            }
        }
        out
    }
}

/// The region's internet-facing entries in front of backends, by key (the
/// load balancer's ARN, or `INSTANCE ADDRESS`).
fn entries<'s>(
    cx: &Context<'s>,
    region: &str,
    addresses: &Addresses<'s>,
) -> BTreeMap<String, Entry<'s>> {
    let mut out: BTreeMap<String, Entry<'s>> = BTreeMap::new();
    let Some(inv) = cx.snapshot.regions.get(region) else {
        return out;
    };
    let facing: BTreeMap<&str, &'s LoadBalancer> = inv
        .elbv2
        .load_balancers
        .iter()
        .filter(|lb| {
            lb.scheme.as_deref() == Some("internet-facing")
                && matches!(lb.lb_type.as_deref(), Some("application" | "network"))
        })
        .map(|lb| (lb.load_balancer_arn.as_str(), lb))
        .collect();
    fn add<'s>(
        out: &mut BTreeMap<String, Entry<'s>>,
        key: String,
        kind: Kind<'s>,
        backend: Option<&'s str>,
        uncertain: Option<&str>,
    ) {
        let fresh = !out.contains_key(&key);
        let e = out.entry(key).or_insert_with(|| Entry {
            kind,
            backends: BTreeSet::new(),
            maybe: uncertain.map(str::to_string),
        });
        if uncertain.is_none() && !fresh {
            e.maybe = None;
        }
        e.backends.extend(backend);
    }
    let mut direct: BTreeSet<&str> = BTreeSet::new();
    for (id, paths) in cx.exposures.in_region(region) {
        for e in paths {
            match e.path.kind {
                PathKind::LoadBalancer => {
                    if let Some(lb) = first_lb(e).and_then(|arn| facing.get(arn)) {
                        add(
                            &mut out,
                            lb.load_balancer_arn.clone(),
                            Kind::LoadBalancer(lb),
                            Some(id),
                            e.uncertain.as_deref(),
                        );
                    }
                }
                PathKind::Direct => {
                    direct.insert(id);
                    let address = address_of(e)
                        .or_else(|| addresses.only_eip_of(id))
                        .unwrap_or_else(|| "?".to_string());
                    add(
                        &mut out,
                        format!("{id} {address}"),
                        Kind::Address {
                            instance: id,
                            address,
                        },
                        Some(id),
                        e.uncertain.as_deref(),
                    );
                }
                // API Gateway and CloudFront are entries of their own
                // (regional API endpoints are not Shield resources; a
                // distribution is judged by its ARN below).
                PathKind::Gateway | PathKind::CloudFront => {}
            }
        }
    }
    // A load balancer that forwards to a target nobody can name is in
    // front of something all the same.
    for u in cx.exposures.unresolved_in(region) {
        if u.path.kind == PathKind::LoadBalancer
            && let Some(lb) = u
                .load_balancers
                .first()
                .and_then(|a| facing.get(a.as_str()))
        {
            add(
                &mut out,
                lb.load_balancer_arn.clone(),
                Kind::LoadBalancer(lb),
                None,
                None,
            );
        }
    }
    // Where the paths may be incomplete (a list they walk whole is
    // missing), an internet-facing load balancer or a public backend no path
    // reaches may still be an entry. A missing looked-up input leaves its
    // path uncertain instead (crate::paths::inputs): that entry is a maybe.
    if let Some(why) = cx.exposures.gap(region).map(str::to_string) {
        for (arn, _) in facing {
            if !out.contains_key(arn) {
                add(
                    &mut out,
                    arn.to_string(),
                    Kind::Unknown {
                        resource: arn.to_string(),
                        why: why.clone(),
                    },
                    None,
                    None,
                );
            }
        }
        // An Elastic IP associated with an instance is that instance's
        // way in, whether or not the instance list is there.
        for (&id, ips) in &addresses.of_instance {
            if let Some(&ip) = ips.first()
                && !direct.contains(id)
            {
                direct.insert(id);
                add(
                    &mut out,
                    format!("{id} {ip}"),
                    Kind::Address {
                        instance: id,
                        address: ip.to_string(),
                    },
                    Some(id),
                    None,
                );
            }
        }
        for i in &inv.ec2.instances {
            if i.public_ip.is_some() && !direct.contains(i.instance_id.as_str()) {
                add(
                    &mut out,
                    i.instance_id.to_string(),
                    Kind::Unknown {
                        resource: cx.ec2_arn(region, "instance", &i.instance_id).to_string(),
                        why: why.clone(),
                    },
                    Some(i.instance_id.as_str()),
                    None,
                );
            }
        }
    }
    out
}

/// The load balancer a `load-balancer` path enters by (its first).
fn first_lb(e: &Exposure) -> Option<&str> {
    e.path
        .hops
        .iter()
        .find(|h| h.kind == "load-balancer")
        .map(|h| h.id.as_str())
}

/// The public address a direct path enters by: its network interface
/// hop's label is `ENI (ADDRESS)` (crate::paths); `None` when the
/// interface was not collected.
fn address_of(e: &Exposure) -> Option<String> {
    e.path
        .hops
        .iter()
        .find(|h| h.kind == "network-interface")
        .and_then(|h| {
            h.label
                .rsplit_once(" (")
                .and_then(|(_, rest)| rest.strip_suffix(')'))
        })
        .filter(|a| a.parse::<std::net::IpAddr>().is_ok())
        .map(str::to_string)
}

fn judge(
    cx: &Context<'_>,
    region: &str,
    shield: &ShieldInventory,
    addresses: &Addresses<'_>,
    unknown: Option<&str>,
    entry: Entry<'_>,
) -> Outcome {
    let backends: Vec<&str> = entry.backends.iter().copied().collect();
    let behind = if backends.is_empty() {
        "in front of targets the snapshot cannot name".to_string()
    } else {
        format!(
            "in front of {} backend(s) ({})",
            backends.len(),
            backends.join(", ")
        )
    };
    let eip_arn = |alloc: &str| {
        format!(
            "arn:{}:ec2:{region}:{}:eip-allocation/{alloc}",
            cx.snapshot.partition, cx.snapshot.account_id
        )
    };
    let maybe = entry.maybe;
    let (resource, status, message) = match entry.kind {
        Kind::Unknown { resource, why } => (
            resource,
            Status::NotEvaluated(why),
            "may be an internet-facing entry in front of backends".to_string(),
        ),
        Kind::LoadBalancer(lb) => {
            let arn = lb.load_balancer_arn.clone();
            let network = lb.lb_type.as_deref() == Some("network");
            let name = format!("{}/{}", if network { "nlb" } else { "alb" }, lb.name);
            if let Some(why) = unknown {
                (
                    arn,
                    Status::NotEvaluated(why.to_string()),
                    format!("internet-facing {name} {behind}"),
                )
            } else if !network {
                match shield.protection_of(&arn) {
                    Some(p) => (
                        arn,
                        Status::Pass,
                        format!(
                            "internet-facing {name} {behind} is protected by Shield Advanced (protection {})",
                            p.name.as_deref().unwrap_or(&p.id)
                        ),
                    ),
                    None => (
                        arn,
                        Status::Fail,
                        format!(
                            "internet-facing {name} {behind} is not protected by Shield Advanced"
                        ),
                    ),
                }
            } else if lb.eip_allocation_ids.is_empty() {
                (
                    arn,
                    Status::Fail,
                    format!(
                        "internet-facing {name} {behind} answers on addresses AWS assigns: Shield Advanced \
                         protects an NLB only through its Elastic IPs (one per subnet, set when it is created)"
                    ),
                )
            } else {
                let open: Vec<&str> = lb
                    .eip_allocation_ids
                    .iter()
                    .filter(|a| shield.protection_of(&eip_arn(a)).is_none())
                    .map(String::as_str)
                    .collect();
                if open.is_empty() {
                    (
                        arn,
                        Status::Pass,
                        format!(
                            "internet-facing {name} {behind} is protected by Shield Advanced through its Elastic IPs ({})",
                            lb.eip_allocation_ids.join(", ")
                        ),
                    )
                } else {
                    (
                        arn,
                        Status::Fail,
                        format!(
                            "internet-facing {name} {behind}: Shield Advanced does not protect its Elastic IP(s) {}",
                            open.join(", ")
                        ),
                    )
                }
            }
        }
        Kind::Address { instance, address } => {
            let instance_arn = cx.ec2_arn(region, "instance", instance).to_string();
            let what = if address == "?" {
                format!("backend {instance} may be reached directly")
            } else {
                format!("backend {instance} reached directly on {address}")
            };
            match direct_entry(cx, region, addresses, instance, &address) {
                Err(why) => (instance_arn, Status::NotEvaluated(why), what),
                Ok(None) => (
                    instance_arn,
                    Status::Fail,
                    format!(
                        "{what}, an address Shield Advanced cannot protect (it protects instances through Elastic IPs only)"
                    ),
                ),
                Ok(Some(alloc)) => {
                    let arn = eip_arn(alloc);
                    if let Some(why) = unknown {
                        (arn, Status::NotEvaluated(why.to_string()), what)
                    } else if let Some(p) = shield.protection_of(&arn) {
                        (
                            arn,
                            Status::Pass,
                            format!(
                                "{what}: Elastic IP {alloc} is protected by Shield Advanced (protection {})",
                                p.name.as_deref().unwrap_or(&p.id)
                            ),
                        )
                    } else {
                        (
                            arn,
                            Status::Fail,
                            format!("{what}: Shield Advanced does not protect Elastic IP {alloc}"),
                        )
                    }
                }
            }
        }
    };
    // Unprotected, but the internet may not reach it after all: every path
    // that makes it an entry is uncertain.
    let (status, message) = match (status, maybe) {
        (Status::Fail, Some(why)) => (
            Status::NotEvaluated(why),
            format!("{message} (if the internet reaches it: its paths are uncertain)"),
        ),
        (status, _) => (status, message),
    };
    let mut o = Outcome::new(resource, region, status, message);
    o.affected = backends
        .iter()
        .map(|id| cx.ec2_arn(region, "instance", id))
        .collect();
    o
}

/// The Elastic IP allocation behind a backend's public `address`: `None`
/// for an address no Elastic IP holds (AWS auto-assigned it, `amazon`
/// owns it, or it is IPv6), or why it is unknown.
fn direct_entry<'a>(
    cx: &Context<'_>,
    region: &str,
    addresses: &Addresses<'a>,
    instance: &str,
    address: &str,
) -> Result<Option<&'a str>, String> {
    if address == "?" {
        return Err(cx
            .not_collected(Some(region), &["ec2:DescribeNetworkInterfaces"])
            .unwrap_or_else(|| {
                format!(
                    "the public address {instance} is reached on is not in the snapshot (its network interface was not collected)"
                )
            }));
    }
    if address.contains(':') {
        return Ok(None);
    }
    let owner = addresses.owner.get(address).copied().flatten();
    if owner == Some("amazon") {
        return Ok(None);
    }
    if let Some(why) = cx.not_collected(Some(region), &[ADDRESSES]) {
        return Err(why);
    }
    match addresses.eips.get(address) {
        Some(a) => a
            .allocation_id
            .as_deref()
            .map(Some)
            .ok_or_else(|| format!("Elastic IP {address} has no allocation id in the snapshot")),
        // Not one of the account's Elastic IPs: auto-assigned, whatever
        // the interface's owner field said.
        None if owner.is_none() => Ok(None),
        None => Err(format!(
            "public address {address} of {instance} is owned by {} but is not among the region's Elastic IPs",
            owner.unwrap_or("?")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;
    use rampart_model::{ElasticIp, ShieldProtection, Tags};

    const EIP_L: &str = "arn:aws:ec2:us-east-1:123456789012:eip-allocation/eipalloc-l1";

    fn protection(arn: &str) -> ShieldProtection {
        ShieldProtection {
            id: format!("p-{}", arn.len()),
            name: Some("p".into()),
            resource_arn: arn.into(),
        }
    }

    /// The network demo with the legacy backend's address an Elastic IP
    /// and an active subscription protecting what `protected` names.
    fn subscribed(protected: &[&str]) -> rampart_model::Snapshot {
        let mut s = demo();
        region(&mut s).ec2.elastic_ips.push(ElasticIp {
            allocation_id: Some("eipalloc-l1".into()),
            public_ip: Some("127.0.0.5".into()),
            association_id: Some("eipassoc-l1".into()),
            instance_id: Some("i-l1".into()),
            network_interface_id: Some("eni-l1".into()),
            private_ip: Some("10.20.0.10".into()),
            domain: Some("vpc".into()),
            tags: Tags::new(),
        });
        let mut protections: Vec<ShieldProtection> =
            protected.iter().map(|a| protection(a)).collect();
        protections.sort_by(|a, b| a.resource_arn.cmp(&b.resource_arn));
        s.shield = Some(ShieldInventory {
            subscription_state: Some("ACTIVE".into()),
            protections,
        });
        s
    }

    fn by_resource(got: &[Outcome]) -> Vec<(&str, &'static str)> {
        got.iter()
            .map(|o| (o.resource_arn.as_str(), o.status.as_str()))
            .collect()
    }

    #[test]
    fn a_protected_elastic_ip_passes_an_nlb_on_aws_addresses_fails() {
        let got = run(&EntryWithoutShieldAdvanced, &subscribed(&[EIP_L]));
        assert_eq!(
            by_resource(&got),
            vec![(NLB_L, "fail"), (EIP_L, "pass")],
            "{got:?}"
        );
        assert_eq!(
            got[0].message,
            "internet-facing nlb/nlb-l in front of 1 backend(s) (i-l1) answers on addresses AWS assigns: \
             Shield Advanced protects an NLB only through its Elastic IPs (one per subnet, set when it is created)"
        );
        assert_eq!(
            got[0].affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-l1".to_string()]
        );
        assert!(
            got[1].message.contains("reached directly on 127.0.0.5")
                && got[1].message.contains("eipalloc-l1 is protected"),
            "{}",
            got[1].message
        );
        assert_eq!(got[1].affected, got[0].affected);
    }

    #[test]
    fn an_unprotected_elastic_ip_fails_and_an_nlb_passes_only_with_every_eip_protected() {
        let mut s = subscribed(&[]);
        let nlb = &mut region(&mut s).elbv2.load_balancers[1];
        assert_eq!(nlb.load_balancer_arn, NLB_L);
        nlb.eip_allocation_ids = vec!["eipalloc-n1".into(), "eipalloc-n2".into()];
        let n1 = "arn:aws:ec2:us-east-1:123456789012:eip-allocation/eipalloc-n1";
        let n2 = "arn:aws:ec2:us-east-1:123456789012:eip-allocation/eipalloc-n2";
        s.shield.as_mut().unwrap().protections = vec![protection(n1)];
        let got = run(&EntryWithoutShieldAdvanced, &s);
        assert_eq!(by_resource(&got), vec![(NLB_L, "fail"), (EIP_L, "fail")]);
        assert!(
            got[0]
                .message
                .ends_with("Shield Advanced does not protect its Elastic IP(s) eipalloc-n2"),
            "{}",
            got[0].message
        );
        assert!(
            got[1]
                .message
                .ends_with("Shield Advanced does not protect Elastic IP eipalloc-l1"),
            "{}",
            got[1].message
        );
        let mut ps = vec![protection(n1), protection(n2)];
        ps.sort_by(|a, b| a.resource_arn.cmp(&b.resource_arn));
        s.shield.as_mut().unwrap().protections = ps;
        let got = run(&EntryWithoutShieldAdvanced, &s);
        assert_eq!(by_resource(&got), vec![(NLB_L, "pass"), (EIP_L, "fail")]);
    }

    #[test]
    fn an_alb_needs_its_own_protection() {
        let mut s = subscribed(&[EIP_L]);
        region(&mut s).elbv2.load_balancers[1].lb_type = Some("application".into());
        let got = run(&EntryWithoutShieldAdvanced, &s);
        assert_eq!(by_resource(&got)[0], (NLB_L, "fail"));
        assert!(
            got[0].message.starts_with(
                "internet-facing alb/nlb-l in front of 1 backend(s) (i-l1) is not protected"
            ),
            "{}",
            got[0].message
        );
        let s2 = {
            let mut s2 = s.clone();
            let mut ps = vec![protection(EIP_L), protection(NLB_L)];
            ps.sort_by(|a, b| a.resource_arn.cmp(&b.resource_arn));
            s2.shield.as_mut().unwrap().protections = ps;
            s2
        };
        let got = run(&EntryWithoutShieldAdvanced, &s2);
        assert_eq!(by_resource(&got), vec![(NLB_L, "pass"), (EIP_L, "pass")]);
    }

    /// An address AWS assigned (owner `amazon`) cannot be protected: the
    /// backend itself fails.
    #[test]
    fn an_auto_assigned_address_fails_on_the_backend() {
        let mut s = subscribed(&[EIP_L]);
        let r = region(&mut s);
        r.ec2.elastic_ips.clear();
        for n in &mut r.ec2.network_interfaces {
            for p in &mut n.private_ip_addresses {
                if p.public_ip.is_some() {
                    p.public_ip_owner = Some("amazon".into());
                }
            }
        }
        let got = run(&EntryWithoutShieldAdvanced, &s);
        let i = "arn:aws:ec2:us-east-1:123456789012:instance/i-l1";
        assert_eq!(by_resource(&got), vec![(NLB_L, "fail"), (i, "fail")]);
        assert!(
            got[1].message.contains("cannot protect"),
            "{}",
            got[1].message
        );
    }

    #[test]
    fn an_account_without_the_subscription_is_told_once() {
        let mut s = subscribed(&[]);
        s.shield.as_mut().unwrap().subscription_state = Some("INACTIVE".into());
        let got = run(&EntryWithoutShieldAdvanced, &s);
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].resource_arn,
            "arn:aws:shield::123456789012:subscription"
        );
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("does not subscribe")),
            "{got:?}"
        );
        assert!(got[0].affected.is_empty());
        assert_eq!(got[0].region, None);
    }

    #[test]
    fn missing_shield_data_is_not_evaluated_never_a_pass() {
        // GetSubscriptionState denied: the collector records nothing else.
        let mut s = subscribed(&[EIP_L]);
        s.shield = Some(ShieldInventory::default());
        global_fail(&mut s, STATE);
        let got = run(&EntryWithoutShieldAdvanced, &s);
        assert_eq!(
            by_resource(&got),
            vec![(NLB_L, "not-evaluated"), (EIP_L, "not-evaluated")]
        );
        assert!(
            matches!(&got[1].status, Status::NotEvaluated(w) if w.contains("GetSubscriptionState")),
            "{got:?}"
        );
        // ListProtections denied while the account subscribes.
        let mut s = subscribed(&[]);
        global_fail(&mut s, LIST);
        let got = run(&EntryWithoutShieldAdvanced, &s);
        assert_eq!(
            by_resource(&got),
            vec![(NLB_L, "not-evaluated"), (EIP_L, "not-evaluated")]
        );
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("ListProtections")),
            "{got:?}"
        );
        // DescribeAddresses denied: the direct entry's allocation is
        // unknown; the NLB is judged all the same.
        let mut s = subscribed(&[EIP_L]);
        region(&mut s).ec2.elastic_ips.clear();
        fail(&mut s, ADDRESSES);
        let got = run(&EntryWithoutShieldAdvanced, &s);
        let i = "arn:aws:ec2:us-east-1:123456789012:instance/i-l1";
        assert_eq!(
            by_resource(&got),
            vec![(NLB_L, "fail"), (i, "not-evaluated")]
        );
        // A snapshot older than schema version 8.
        let mut s = subscribed(&[EIP_L]);
        s.shield = None;
        let got = run(&EntryWithoutShieldAdvanced, &s);
        assert_eq!(got.len(), 1);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("schema version 8")),
            "{got:?}"
        );
    }

    /// Where the paths may be incomplete (a list they walk was not
    /// collected), an internet-facing load balancer no known path starts
    /// at may still be an entry: not evaluated, never dropped. Entries the
    /// paths do show are judged on their protection all the same.
    #[test]
    fn a_path_gap_leaves_unseen_entries_not_evaluated() {
        const ALB: &str =
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb-x/9";
        let mut s = subscribed(&[EIP_L]);
        region(&mut s).elbv2.load_balancers.push(lb(
            ALB,
            "alb-x",
            "application",
            "internet-facing",
            &["subnet-lpub"],
            &[],
            vec![],
        ));
        // No path to it: not an entry in front of backends.
        let got = run(&EntryWithoutShieldAdvanced, &s);
        assert!(
            got.iter().all(|o| o.resource_arn.as_str() != ALB),
            "{got:?}"
        );
        // A looked-up input leaves the paths through it uncertain, not
        // unseen (crate::paths::inputs): no listener, still no entry.
        let mut routes = s.clone();
        fail(&mut routes, "ec2:DescribeRouteTables");
        let got = run(&EntryWithoutShieldAdvanced, &routes);
        assert!(
            got.iter().all(|o| o.resource_arn.as_str() != ALB),
            "{got:?}"
        );
        // A list the paths walk whole is missing: any path may be unseen.
        fail(&mut s, "elasticloadbalancing:DescribeTargetGroups");
        let got = run(&EntryWithoutShieldAdvanced, &s);
        let alb = got
            .iter()
            .find(|o| o.resource_arn.as_str() == ALB)
            .expect("judged under the gap");
        assert!(
            matches!(&alb.status, Status::NotEvaluated(w) if w.contains("DescribeTargetGroups")),
            "{alb:?}"
        );
    }

    /// An unprotected load balancer the internet only may reach (its path
    /// is uncertain: here its listeners were not collected) is not
    /// evaluated, naming why; once a path is certain it fails.
    #[test]
    fn an_entry_only_uncertain_paths_reach_is_not_evaluated() {
        let mut s = subscribed(&[EIP_L]);
        region(&mut s)
            .elbv2
            .load_balancers
            .iter_mut()
            .find(|lb| lb.load_balancer_arn == crate::checks::network::fixtures::NLB_L)
            .expect("the legacy NLB")
            .listeners = None;
        fail_for(
            &mut s,
            "elasticloadbalancing:DescribeListeners",
            crate::checks::network::fixtures::NLB_L,
        );
        let got = run(&EntryWithoutShieldAdvanced, &s);
        let nlb = got
            .iter()
            .find(|o| o.resource_arn.as_str() == crate::checks::network::fixtures::NLB_L)
            .expect("the legacy NLB is judged");
        assert!(
            matches!(&nlb.status, Status::NotEvaluated(w) if w.contains("DescribeListeners")),
            "{nlb:?}"
        );
        let got = run(&EntryWithoutShieldAdvanced, &subscribed(&[EIP_L]));
        let nlb = got
            .iter()
            .find(|o| o.resource_arn.as_str() == crate::checks::network::fixtures::NLB_L)
            .expect("the legacy NLB is judged");
        assert_eq!(nlb.status.as_str(), "fail", "{nlb:?}");
    }

    /// Each list the entries come from, denied alone: what the rest of
    /// the snapshot still shows is judged, the rest is not evaluated
    /// naming the operation (tests/e2e/denied.rs on the demo).
    #[test]
    fn each_missing_list_is_named_and_what_remains_is_judged() {
        // No load balancer list: their entries are one gap.
        let mut s = subscribed(&[EIP_L]);
        region(&mut s).elbv2.load_balancers.clear();
        fail(&mut s, "elasticloadbalancing:DescribeLoadBalancers");
        let got = run(&EntryWithoutShieldAdvanced, &s);
        let lbs = got
            .iter()
            .find(|o| o.resource_arn.ends_with(":loadbalancer/*"))
            .expect("a gap for the load balancers");
        assert!(
            matches!(&lbs.status, Status::NotEvaluated(w) if w.contains("DescribeLoadBalancers")),
            "{lbs:?}"
        );
        // No network interfaces: the instance's one Elastic IP stands for
        // its address.
        let mut s = subscribed(&[EIP_L]);
        region(&mut s).ec2.network_interfaces.clear();
        fail(&mut s, "ec2:DescribeNetworkInterfaces");
        let got = run(&EntryWithoutShieldAdvanced, &s);
        assert!(
            got.iter()
                .any(|o| o.resource_arn.as_str() == EIP_L && o.status == Status::Pass),
            "{got:?}"
        );
        // ... and without it either, the reason names the operation.
        region(&mut s).ec2.elastic_ips.clear();
        let got = run(&EntryWithoutShieldAdvanced, &s);
        assert!(
            got.iter().any(|o| matches!(&o.status,
                Status::NotEvaluated(w) if w.contains("DescribeNetworkInterfaces"))),
            "{got:?}"
        );
        assert!(got.iter().all(|o| o.status != Status::Pass), "{got:?}");
        // No instance list: the Elastic IP associated with the instance is
        // still its way in; one associated with nothing (an empty
        // instance id, as moto answers) is not.
        let mut s = subscribed(&[EIP_L]);
        region(&mut s).ec2.instances.clear();
        region(&mut s).ec2.elastic_ips.push(ElasticIp {
            allocation_id: Some("eipalloc-nat".into()),
            public_ip: Some("127.0.0.9".into()),
            association_id: None,
            instance_id: Some(String::new()),
            network_interface_id: None,
            private_ip: None,
            domain: Some("vpc".into()),
            tags: Tags::new(),
        });
        fail(&mut s, "ec2:DescribeInstances");
        let got = run(&EntryWithoutShieldAdvanced, &s);
        assert!(
            got.iter()
                .any(|o| o.resource_arn.as_str() == EIP_L && o.status == Status::Pass),
            "{got:?}"
        );
        assert!(
            got.iter().all(|o| !o.message.contains("127.0.0.9")
                && o.affected.iter().all(|a| !a.ends_with("instance/"))),
            "{got:?}"
        );
    }

    /// A distribution in front of a backend is an entry of its own,
    /// protected by its ARN.
    #[test]
    fn a_cloudfront_distribution_needs_its_own_protection() {
        use crate::checks::edge::cloudfront::fixtures::{DIST, distribution, legacy_nlb};
        let mut s = subscribed(&[EIP_L]);
        s.cloudfront = Some(rampart_model::CloudFrontInventory {
            distributions: vec![distribution(vec![legacy_nlb()])],
            web_acls: vec![],
            vpc_origins: vec![],
        });
        let got = run(&EntryWithoutShieldAdvanced, &s);
        let d = got
            .iter()
            .find(|o| o.resource_arn.as_str() == DIST)
            .expect("the distribution is judged");
        assert_eq!(d.status, Status::Fail, "{d:?}");
        assert_eq!(d.region, None);
        assert_eq!(d.affected.len(), 1);
        let mut ps = vec![protection(EIP_L), protection(DIST)];
        ps.sort_by(|a, b| a.resource_arn.cmp(&b.resource_arn));
        s.shield.as_mut().unwrap().protections = ps;
        let got = run(&EntryWithoutShieldAdvanced, &s);
        let d = got
            .iter()
            .find(|o| o.resource_arn.as_str() == DIST)
            .unwrap();
        assert_eq!(d.status, Status::Pass, "{d:?}");
    }

    fn global_fail(s: &mut rampart_model::Snapshot, operation: &str) {
        fail(s, operation);
        s.collection_errors.last_mut().expect("just pushed").region = None;
    }
}
