//! NET-015: a security group that admits a high-risk service port from
//! public address space: databases, caches, search, message brokers, file
//! sharing, legacy remote administration and mail. Latent like NET-005 (a
//! group on no instance still fails: it is one attachment away), at the
//! metadata's high severity; critical when a certain exposure path reaches
//! a backend carrying the group on such a port that the group opens.
//!
//! The ports are Security Hub's EC2.19 list ("Security groups should not
//! allow unrestricted access to ports with high risk",
//! https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19),
//! TCP as its underlying AWS Config rule `restricted-common-ports` judges
//! (https://docs.aws.amazon.com/config/latest/developerguide/restricted-common-ports.html),
//! with three changes:
//! - 22 and 3389 are left to NET-005, which owns SSH and RDP;
//! - the web development ports 3000, 5000, 8080, 8088 and 8888 are left
//!   out: an API backend serves on them, and whether its app port may be
//!   open is NET-004's question (the paths and the load balancer decide);
//! - the caches and brokers EC2.19 omits are added: Redis 6379, Kafka
//!   9092, Memcached 11211, MongoDB 27017.
//!
//! As for every group check, "the internet" is any public address, and
//! the rules of one group are read together (any rule admitting the port
//! is enough).

use rampart_model::{PathKind, Severity, SgRule, Status, Transport};

use super::scope::{backends_by_group, instance_arns};
use crate::reach::ports::{Protocol, range_contains};
use crate::reach::sg::{Peer, admits, peer_matches};
use crate::reach::{Reach, prefix_list_resolver};
use crate::registry::{Check, Context, Outcome};

pub struct HighRiskPortOpenToInternet;

/// The high-risk TCP ports and their services (see the module docs).
pub(crate) const HIGH_RISK_PORTS: &[(u16, &str)] = &[
    (20, "FTP data"),
    (21, "FTP"),
    (23, "Telnet"),
    (25, "SMTP"),
    (110, "POP3"),
    (135, "RPC"),
    (143, "IMAP"),
    (445, "SMB/CIFS"),
    (1433, "SQL Server"),
    (1434, "SQL Server browser"),
    (3306, "MySQL"),
    (4333, "mSQL"),
    (5432, "PostgreSQL"),
    (5500, "fcp-addr-srvr1"),
    (5601, "OpenSearch Dashboards"),
    (6379, "Redis"),
    (9092, "Kafka"),
    (9200, "OpenSearch"),
    (9300, "OpenSearch transport"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
];

/// At most this many reached backends are named in one message.
const MAX_NAMED: usize = 5;

impl Check for HighRiskPortOpenToInternet {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-015")
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
                // A rule whose peer is no public address admits nothing
                // from the internet whatever its ports: judged once, not
                // once per port.
                let rules: Vec<&SgRule> = sg
                    .ingress
                    .iter()
                    .filter(|r| !peer_matches(r, &Peer::Internet, &resolve).is_no())
                    .collect();
                let mut open: Vec<(u16, &str)> = Vec::new();
                let mut unknown = None;
                for (port, name) in HIGH_RISK_PORTS {
                    match admits(&rules, Protocol::Tcp, *port, &Peer::Internet, &resolve) {
                        Reach::Yes => open.push((*port, name)),
                        Reach::No => {}
                        Reach::Unknown(why) => unknown = Some(why),
                    }
                }
                let arn = cx.ec2_arn(region, "security-group", &sg.group_id);
                let backends: &[&str] = carriers
                    .get(&(region.as_str(), sg.group_id.as_str()))
                    .map_or(&[], Vec::as_slice);
                let mut o = if !open.is_empty() {
                    let (reached, maybe) = reached(cx, region, backends, &open);
                    let listed = open
                        .iter()
                        .map(|(p, n)| format!("{n} ({p})"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let mut msg = format!(
                        "{} ({}) admits {listed} from the internet",
                        sg.group_id, sg.group_name
                    );
                    let mut o = if reached.is_empty() {
                        msg.push_str(match maybe.first() {
                            Some(_) => "; a path that may exist (its data is incomplete) reaches a backend on it",
                            None => "; no exposure path reaches a backend on it today",
                        });
                        Outcome::new(arn, region, Status::Fail, msg)
                    } else {
                        let mut named: Vec<String> =
                            reached.iter().take(MAX_NAMED).cloned().collect();
                        if reached.len() > MAX_NAMED {
                            named.push(format!("{} more", reached.len() - MAX_NAMED));
                        }
                        msg.push_str(&format!("; reached on {}", named.join(", ")));
                        let mut o = Outcome::new(arn, region, Status::Fail, msg);
                        o.severity = Some(Severity::Critical);
                        o
                    };
                    o.affected = instance_arns(cx, region, backends);
                    o
                } else if let Some(why) = unknown {
                    Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why),
                        format!(
                            "{} may admit a high-risk port from the internet",
                            sg.group_id
                        ),
                    )
                } else {
                    Outcome::new(
                        arn,
                        region,
                        Status::Pass,
                        format!(
                            "{} admits none of the high-risk ports from the internet",
                            sg.group_id
                        ),
                    )
                };
                if o.affected.is_empty() {
                    o.affected = instance_arns(cx, region, backends);
                }
                out.push(o);
            }
        }
        out
    }
}

/// The backends among `backends` that a path reaches on one of the `open`
/// ports: certain paths as `PORT at backend ID (KIND path)`, then the ids reached
/// only by uncertain ones.
fn reached(
    cx: &Context<'_>,
    region: &str,
    backends: &[&str],
    open: &[(u16, &str)],
) -> (Vec<String>, Vec<String>) {
    let mut sure = Vec::new();
    let mut maybe = Vec::new();
    for id in backends {
        let mut hit: Option<String> = None;
        let mut doubtful = false;
        for e in cx.exposures.for_instance(region, id) {
            if e.path.protocol != Transport::Tcp {
                continue;
            }
            let Some((port, _)) = open
                .iter()
                .find(|(p, _)| e.path.ports.iter().any(|r| range_contains(*r, *p)))
            else {
                continue;
            };
            if e.uncertain.is_some() {
                doubtful = true;
                continue;
            }
            let kind = match e.path.kind {
                PathKind::Direct => "direct",
                PathKind::LoadBalancer => "load balancer",
                PathKind::Gateway => "API gateway",
                PathKind::CloudFront => "CloudFront",
            };
            hit.get_or_insert_with(|| format!("{port} at backend {id} ({kind} path)"));
        }
        match hit {
            Some(h) => sure.push(h),
            None if doubtful => maybe.push(id.to_string()),
            None => {}
        }
    }
    (sure, maybe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;
    use rampart_model::*;

    fn of<'a>(got: &'a [Outcome], id: &str) -> &'a Outcome {
        got.iter()
            .find(|o| o.resource_arn.ends_with(&format!("/{id}")))
            .unwrap_or_else(|| panic!("no outcome for {id}: {got:?}"))
    }

    fn group<'a>(s: &'a mut Snapshot, id: &str) -> &'a mut SecurityGroup {
        region(s)
            .ec2
            .security_groups
            .iter_mut()
            .find(|g| g.group_id == id)
            .unwrap()
    }

    /// The demo's groups open SSH (NET-005's) and the app port 8080
    /// (NET-004's) to the world, no high-risk service.
    #[test]
    fn the_demo_groups_pass() {
        let got = run(&HighRiskPortOpenToInternet, &demo());
        assert_eq!(
            statuses(&got),
            vec![
                ("sg-happ".into(), "pass"),
                ("sg-hnlb".into(), "pass"),
                ("sg-lweb".into(), "pass")
            ]
        );
        assert_eq!(
            of(&got, "sg-lweb").affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-l1".to_string()]
        );
    }

    /// A group on no instance fails all the same (latent), at the
    /// metadata's severity; ranges and single public addresses count, UDP
    /// and private sources do not.
    #[test]
    fn a_latent_rule_fails_high() {
        let mut s = snapshot();
        region(&mut s).ec2.security_groups = vec![
            sg(
                "sg-db",
                "vpc-1",
                vec![tcp(5432, 5432, v4("0.0.0.0/0"))],
                vec![],
            ),
            sg(
                "sg-range",
                "vpc-1",
                vec![tcp(6000, 7000, v4("198.51.100.7/32"))],
                vec![],
            ),
            sg("sg-all", "vpc-1", vec![all_traffic(v6("::/0"))], vec![]),
            sg(
                "sg-vpc",
                "vpc-1",
                vec![tcp(3306, 3306, v4("10.0.0.0/8"))],
                vec![],
            ),
            sg(
                "sg-udp",
                "vpc-1",
                vec![SgRule {
                    protocol: "udp".into(),
                    ..tcp(11211, 11211, v4("0.0.0.0/0"))
                }],
                vec![],
            ),
            sg(
                "sg-ref",
                "vpc-1",
                vec![tcp(6379, 6379, sg_ref("sg-app"))],
                vec![],
            ),
        ];
        let got = run(&HighRiskPortOpenToInternet, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("sg-all".into(), "fail"),
                ("sg-db".into(), "fail"),
                ("sg-range".into(), "fail"),
                ("sg-ref".into(), "pass"),
                ("sg-udp".into(), "pass"),
                ("sg-vpc".into(), "pass"),
            ]
        );
        let db = of(&got, "sg-db");
        assert_eq!(db.severity, None, "high, the metadata's");
        assert!(db.affected.is_empty());
        assert_eq!(
            db.message,
            "sg-db (sg-db) admits PostgreSQL (5432) from the internet; no exposure path reaches a backend on it today"
        );
        assert!(
            of(&got, "sg-range").message.contains("Redis (6379)"),
            "{}",
            of(&got, "sg-range").message
        );
        assert_eq!(HighRiskPortOpenToInternet.meta().severity, Severity::High);
    }

    /// A certain path that reaches a backend carrying the group on a port
    /// the group opens makes the finding critical, listing the backend.
    #[test]
    fn a_path_to_a_backend_on_the_port_is_critical() {
        let mut s = demo();
        group(&mut s, "sg-lweb")
            .ingress
            .push(tcp(5432, 5432, v4("0.0.0.0/0")));
        let got = run(&HighRiskPortOpenToInternet, &s);
        let lweb = of(&got, "sg-lweb");
        assert_eq!(lweb.status, Status::Fail);
        assert_eq!(lweb.severity, Some(Severity::Critical));
        assert_eq!(
            lweb.affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-l1".to_string()]
        );
        assert_eq!(
            lweb.message,
            "sg-lweb (sg-lweb) admits PostgreSQL (5432) from the internet; reached on 5432 at backend i-l1 (direct path)"
        );
        // The same rule on a group whose backend no path reaches on 5432
        // (private, behind the NLB on 8080): high.
        let mut s = demo();
        group(&mut s, "sg-happ")
            .ingress
            .push(tcp(5432, 5432, v4("0.0.0.0/0")));
        let got = run(&HighRiskPortOpenToInternet, &s);
        let happ = of(&got, "sg-happ");
        assert_eq!((happ.status.as_str(), happ.severity), ("fail", None));
        assert_eq!(
            happ.affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-h1".to_string()]
        );
    }

    #[test]
    fn unresolvable_sources_and_missing_groups_are_not_evaluated() {
        let mut s = snapshot();
        region(&mut s).ec2.security_groups = vec![
            sg("sg-pl", "vpc-1", vec![tcp(3306, 3306, pl("pl-x"))], vec![]),
            // A prefix list on an unrelated port decides nothing.
            sg("sg-web", "vpc-1", vec![tcp(443, 443, pl("pl-x"))], vec![]),
        ];
        assert_eq!(
            statuses(&run(&HighRiskPortOpenToInternet, &s)),
            vec![("sg-pl".into(), "not-evaluated"), ("sg-web".into(), "pass")]
        );
        let mut s = snapshot();
        fail(&mut s, "ec2:DescribeSecurityGroups");
        assert_eq!(
            statuses(&run(&HighRiskPortOpenToInternet, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
