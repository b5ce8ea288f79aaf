//! INST-005: an instance launched with a key pair whose SSH port the
//! internet reaches accepts interactive logins from anyone holding (or
//! stealing, or guessing around) that key: the whole layered model is
//! bypassed by one leaked file. Session Manager needs neither the key nor
//! the port.
//!
//! Judged on the exposure paths, not on security groups alone: the instance
//! fails only when some path from the internet (direct or through a load
//! balancer) delivers port 22, or 3389 on Windows, where the key pair
//! decrypts the Administrator password. NET-005 reports the security group
//! rule itself, reachable or not.

use rampart_model::{PortRange, Status};

use crate::registry::{Check, Context, Outcome};

pub struct SshKeyWithOpenAdminPort;

fn covers(ranges: &[PortRange], port: i32) -> bool {
    ranges.iter().any(|r| r.from <= port && port <= r.to)
}

impl Check for SshKeyWithOpenAdminPort {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-005")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = cx.instance_gaps();
        for (region, i) in cx.live_instances() {
            let arn = cx.ec2_arn(region, "instance", &i.instance_id);
            let Some(key) = &i.key_name else {
                out.push(Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!("{} has no key pair", i.instance_id),
                ));
                continue;
            };
            let admin_ports: &[(i32, &str)] = if i
                .platform
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case("windows"))
            {
                &[(22, "SSH"), (3389, "RDP")]
            } else {
                &[(22, "SSH")]
            };
            let paths = cx.exposures.for_instance(region, &i.instance_id);
            let hits = |ranges: &[PortRange]| -> Vec<String> {
                admin_ports
                    .iter()
                    .filter(|(p, _)| covers(ranges, *p))
                    .map(|(p, name)| format!("{name} ({p})"))
                    .collect()
            };
            let sure = paths
                .iter()
                .filter(|e| e.uncertain.is_none())
                .find_map(|e| Some((e, hits(&e.path.ports))).filter(|(_, h)| !h.is_empty()));
            // An uncertain path with no known ports may deliver anything.
            let maybe = paths.iter().find(|e| {
                e.uncertain.is_some()
                    && (e.path.ports.is_empty() || !hits(&e.path.ports).is_empty())
            });
            let outcome = if let Some((e, ports)) = sure {
                let mut o = Outcome::new(
                    arn,
                    region,
                    Status::Fail,
                    format!(
                        "{} has key pair {key} and the internet reaches {} on it: {}; {}",
                        i.instance_id,
                        ports.join(" and "),
                        e.path,
                        super::ssm_state::admin_remedy(cx, region, &i.instance_id)
                    ),
                );
                o.path = Some(Box::new(e.path.clone()));
                o
            } else if let Some(e) = maybe {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(e.uncertain.clone().unwrap_or_default()),
                    format!(
                        "{} has key pair {key} and may be reachable on an admin port: {}",
                        i.instance_id, e.path
                    ),
                )
            } else if let Some(why) = cx.exposures.gap(region).map(str::to_string) {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!(
                        "{} has key pair {key}; its exposure paths are incomplete",
                        i.instance_id
                    ),
                )
            } else {
                Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!(
                        "{} has key pair {key} but no path from the internet reaches {}",
                        i.instance_id,
                        admin_ports
                            .iter()
                            .map(|(p, _)| p.to_string())
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                )
            };
            out.push(outcome);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::instance::fixtures::*;
    use crate::testing::*;

    fn keyed(id: &str) -> rampart_model::Instance {
        let mut i = instance(id);
        i.key_name = Some("legacy-key".into());
        i
    }

    #[test]
    fn a_key_with_ssh_reachable_fails_with_the_path() {
        let mut s = snapshot();
        region(&mut s).ec2.instances = vec![keyed("i-1")];
        let got = run_with_paths(
            &SshKeyWithOpenAdminPort,
            &s,
            vec![
                path_to("i-1", &[(8080, 8080)], None),
                path_to("i-1", &[(0, 1024)], None),
            ],
        );
        assert_eq!(statuses(&got), vec![("i-1".into(), "fail")]);
        assert!(
            got[0].message.contains("key pair legacy-key"),
            "{}",
            got[0].message
        );
        assert!(got[0].message.contains("SSH (22)"), "{}", got[0].message);
        assert_eq!(got[0].path.as_ref().unwrap().ports[0].to, 1024);
    }

    #[test]
    fn no_key_or_no_ssh_path_passes_rdp_counts_on_windows_only() {
        let mut s = snapshot();
        let mut win = keyed("i-win");
        win.platform = Some("windows".into());
        region(&mut s).ec2.instances = vec![
            instance("i-nokey"),
            keyed("i-web"),
            keyed("i-linux-rdp"),
            win,
        ];
        let got = run_with_paths(
            &SshKeyWithOpenAdminPort,
            &s,
            vec![
                path_to("i-nokey", &[(22, 22)], None),
                path_to("i-web", &[(443, 443)], None),
                path_to("i-linux-rdp", &[(3389, 3389)], None),
                path_to("i-win", &[(3389, 3389)], None),
            ],
        );
        assert_eq!(
            statuses(&got),
            vec![
                ("i-linux-rdp".into(), "pass"),
                ("i-nokey".into(), "pass"),
                ("i-web".into(), "pass"),
                ("i-win".into(), "fail"),
            ]
        );
    }

    #[test]
    fn uncertain_paths_and_missing_inputs_are_not_evaluated() {
        let mut s = snapshot();
        region(&mut s).ec2.instances = vec![keyed("i-1"), keyed("i-2")];
        let got = run_with_paths(
            &SshKeyWithOpenAdminPort,
            &s,
            vec![
                // Ports unknown: may include 22.
                path_to("i-1", &[], Some("security group sg-1 was not collected")),
                // Uncertain, but known not to carry 22: irrelevant.
                path_to(
                    "i-2",
                    &[(8080, 8080)],
                    Some("no network ACL known for subnet-1"),
                ),
            ],
        );
        assert_eq!(
            statuses(&got),
            vec![("i-1".into(), "not-evaluated"), ("i-2".into(), "pass")]
        );
        assert!(matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("sg-1")));
        // A region whose load balancers were not collected cannot pass a
        // keyed instance: any of them may reach it.
        fail(&mut s, "elasticloadbalancing:DescribeLoadBalancers");
        let got = run_with_paths(&SshKeyWithOpenAdminPort, &s, vec![]);
        assert_eq!(
            statuses(&got),
            vec![
                ("i-1".into(), "not-evaluated"),
                ("i-2".into(), "not-evaluated")
            ]
        );
        fail(&mut s, "ec2:DescribeInstances");
        assert!(
            statuses(&run_with_paths(&SshKeyWithOpenAdminPort, &s, vec![]))
                .contains(&("*".into(), "not-evaluated"))
        );
    }
}
