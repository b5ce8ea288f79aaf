//! NET-002: a backend with a public IPv4 address (auto-assigned or an
//! Elastic IP) or a global IPv6 address is addressable from the internet;
//! only its security group and NACL stand between it and every scanner.

use foldhash::{HashMap, HashMapExt};

use rampart_model::Status;

use super::scope::{Scope, enis};
use crate::reach::ip::{contains_public, parse_cidr};
use crate::registry::{Check, Context, Outcome};

pub struct BackendHasPublicIp;

/// What the verdict reads besides the exposure paths. Elastic IPs show up
/// on the ENI (and the instance) they are associated with, so
/// `DescribeAddresses` is not needed.
const INPUTS: &[&str] = &["ec2:DescribeNetworkInterfaces"];

impl Check for BackendHasPublicIp {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-002")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let mut out = scope.instance_outcomes(cx);
        // Elastic IPs by instance and by ENI, per region, built once: a
        // scan of every EIP per backend was quadratic (2 000 EIPs x 90 000
        // backends in the million-resource benchmark).
        type ByOwner<'s> = HashMap<&'s str, Vec<&'s rampart_model::ElasticIp>>;
        let eips: HashMap<&str, (ByOwner<'_>, ByOwner<'_>)> = cx
            .snapshot
            .regions
            .iter()
            .map(|(r, inv)| {
                let (mut by_instance, mut by_eni) = (ByOwner::new(), ByOwner::new());
                for eip in &inv.ec2.elastic_ips {
                    if let Some(i) = &eip.instance_id {
                        by_instance.entry(i.as_str()).or_default().push(eip);
                    }
                    if let Some(e) = &eip.network_interface_id {
                        by_eni.entry(e.as_str()).or_default().push(eip);
                    }
                }
                (r.as_str(), (by_instance, by_eni))
            })
            .collect();
        for (region, i) in &scope.backends {
            let Some(rix) = cx.index.regions.get(region) else {
                continue;
            };
            let arn = cx.ec2_arn(region, "instance", &i.instance_id);
            // Any associated public IPv4 counts, whatever its range: AWS
            // decides what is public (and emulators hand out odd ranges).
            let mut addrs: Vec<String> = i.public_ip.iter().map(|a| a.to_string()).collect();
            let mut v6: Vec<&str> = i.ipv6_addresses.iter().map(|a| a.as_str()).collect();
            let enis = enis(rix, i);
            for e in enis.iter().copied().flatten() {
                addrs.extend(
                    e.private_ip_addresses
                        .iter()
                        .filter_map(|p| p.public_ip.as_ref().map(|a| a.to_string())),
                );
                v6.extend(e.ipv6_addresses.iter().map(|a| a.as_str()));
            }
            if let Some((by_instance, by_eni)) = eips.get(*region) {
                // An EIP found both ways is added twice: `addrs` is deduplicated below.
                let mine = by_instance
                    .get(i.instance_id.as_str())
                    .into_iter()
                    .flatten()
                    .chain(
                        enis.iter()
                            .copied()
                            .flatten()
                            .filter_map(|e| by_eni.get(e.network_interface_id.as_str()))
                            .flatten(),
                    );
                for eip in mine {
                    if let Some(ip) = &eip.public_ip {
                        addrs.push(ip.clone());
                    }
                }
            }
            addrs.extend(
                v6.into_iter()
                    .filter(|a| parse_cidr(a).is_some_and(contains_public))
                    .map(str::to_string),
            );
            addrs.sort();
            addrs.dedup();
            let blocker = enis
                .err()
                .or_else(|| cx.not_collected(Some(region), INPUTS))
                .or_else(|| scope.pass_blocker(region).map(str::to_string));
            out.push(if !addrs.is_empty() {
                Outcome::new(
                    arn,
                    region,
                    Status::Fail,
                    format!(
                        "backend {} has public address(es) {}",
                        i.instance_id,
                        addrs.join(", ")
                    ),
                )
            } else if let Some(why) = blocker {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!("the addresses of {} are not all known", i.instance_id),
                )
            } else {
                Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!("backend {} has only private addresses", i.instance_id),
                )
            });
        }
        // ECS tasks (issue 16 item 3): a public address on the task's own
        // interface, which `assignPublicIp: ENABLED` gives it
        // (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html>;
        // FSBP ECS.2 asks services not to assign one).
        out.extend(scope.task_outcomes());
        for (region, t) in &scope.tasks {
            let Some(rix) = cx.index.regions.get(region) else {
                continue;
            };
            let arn = t.task_arn.as_str();
            let id = t.backend_id();
            let eni = super::scope::task_eni(rix, t);
            let mut addrs: Vec<String> = Vec::new();
            if let Ok(e) = &eni {
                addrs.extend(
                    e.private_ip_addresses
                        .iter()
                        .filter_map(|p| p.public_ip.as_ref().map(|a| a.to_string())),
                );
                addrs.extend(
                    e.ipv6_addresses
                        .iter()
                        .filter(|a| parse_cidr(a).is_some_and(contains_public))
                        .map(|a| a.to_string()),
                );
            }
            addrs.sort();
            addrs.dedup();
            let assigns = t
                .service_name()
                .and_then(|name| {
                    cx.snapshot
                        .regions
                        .get(*region)?
                        .ecs
                        .as_ref()?
                        .services()
                        .find(|s| {
                            s.service_name.as_deref() == Some(name)
                                && s.cluster_arn.as_deref() == t.cluster_arn.as_deref()
                        })
                })
                .and_then(|s| s.network.as_ref())
                .is_some_and(|n| n.assigns_public_ip());
            let blocker = eni
                .err()
                .or_else(|| cx.not_collected(Some(region), INPUTS))
                .or_else(|| scope.pass_blocker(region).map(str::to_string));
            out.push(if !addrs.is_empty() {
                Outcome::new(
                    arn,
                    region,
                    Status::Fail,
                    format!(
                        "backend task {id} has public address(es) {}{}",
                        addrs.join(", "),
                        if assigns {
                            " (its service assigns public IPs: assignPublicIp ENABLED)"
                        } else {
                            ""
                        }
                    ),
                )
            } else if let Some(why) = blocker {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!("the addresses of task {id} are not all known"),
                )
            } else {
                Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!("backend task {id} has only private addresses"),
                )
            });
        }
        // What Auto Scaling groups will launch as backends (issue 15 item
        // 3); a launch not known to feed a backend counts only where the
        // region's paths are incomplete, and then cannot fail.
        out.extend(crate::fleets::judge_backends(
            cx,
            "may launch backends with a public IPv4 address",
            |l| {
                Some(match l.public_ip(cx) {
                    Err(why) => (
                        Status::NotEvaluated(why),
                        "launches instances whose public address is unknown".into(),
                    ),
                    Ok(Some(why)) => (
                        Status::Fail,
                        format!("launches backends with a public IPv4 address: {why}"),
                    ),
                    Ok(None) => (
                        Status::Pass,
                        "launches backends without a public IPv4 address".into(),
                    ),
                })
            },
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;

    #[test]
    fn an_eip_fails_and_private_addresses_pass() {
        let got = run(&BackendHasPublicIp, &demo());
        assert_eq!(
            statuses(&got),
            vec![("i-h1".into(), "pass"), ("i-l1".into(), "fail")]
        );
        assert!(got[1].message.contains("127.0.0.5"), "{}", got[1].message);
    }

    #[test]
    fn a_global_ipv6_address_fails_a_unique_local_one_does_not() {
        let mut s = demo();
        let eni = region(&mut s)
            .ec2
            .network_interfaces
            .iter_mut()
            .find(|e| e.network_interface_id == "eni-h1")
            .unwrap();
        eni.ipv6_addresses = vec!["fd00::10".into()];
        assert_eq!(
            statuses(&run(&BackendHasPublicIp, &s))[0],
            ("i-h1".into(), "pass")
        );
        let eni = region(&mut s)
            .ec2
            .network_interfaces
            .iter_mut()
            .find(|e| e.network_interface_id == "eni-h1")
            .unwrap();
        eni.ipv6_addresses = vec!["2600:1f18::10".into()];
        let got = run(&BackendHasPublicIp, &s);
        assert_eq!(statuses(&got)[0], ("i-h1".into(), "fail"));
        assert!(got[0].message.contains("2600:1f18::10"));
    }

    #[test]
    fn a_secondary_eni_or_an_eip_record_counts() {
        let mut s = demo();
        region(&mut s)
            .ec2
            .elastic_ips
            .push(rampart_model::ElasticIp {
                allocation_id: Some("eipalloc-1".into()),
                public_ip: Some("198.51.100.20".into()),
                association_id: Some("eipassoc-1".into()),
                instance_id: None,
                network_interface_id: Some("eni-h1".into()),
                private_ip: Some("10.10.10.10".into()),
                domain: Some("vpc".into()),
                tags: tags(),
            });
        assert_eq!(
            statuses(&run(&BackendHasPublicIp, &s))[0],
            ("i-h1".into(), "fail")
        );
    }

    #[test]
    fn uncollected_interfaces_are_not_evaluated() {
        let mut s = demo();
        region(&mut s).ec2.network_interfaces.clear();
        fail(&mut s, "ec2:DescribeNetworkInterfaces");
        // i-l1's instance record still shows its public IP: a sure fail.
        // i-h1 is a backend as an LB target, but its ENIs are unknown.
        assert_eq!(
            statuses(&run(&BackendHasPublicIp, &s)),
            vec![("i-h1".into(), "not-evaluated"), ("i-l1".into(), "fail")]
        );
        let mut s = snapshot();
        fail(&mut s, "ec2:DescribeInstances");
        assert_eq!(
            statuses(&run(&BackendHasPublicIp, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
