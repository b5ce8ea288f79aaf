//! EDGE-001: a backend the internet reaches by a path that does not pass
//! through a front door (directly, or through an internet-facing load
//! balancer, or through a CloudFront distribution without a web ACL) skips
//! the edge layer: WAF, authorization and throttling apply to the front
//! door only.
//!
//! The front doors (`[edge] front_doors` in `rampart.toml`, both by
//! default, [`FrontDoor`]):
//! - `api-gateway`: a path that passes an API Gateway stage, reached
//!   directly or behind a CloudFront distribution;
//! - `cloudfront`: a path through a CloudFront distribution with a web
//!   ACL to its origin. The origin's own security group decides whether
//!   the internet can go around it: one that admits only CloudFront's
//!   origin-facing prefix list leaves no other path (the paths treat that
//!   list as CloudFront, not the internet); one that admits the internet
//!   keeps a load balancer path, the bypass. AWS notes that the prefix
//!   list admits every distribution, not only yours
//!   (<https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/restrict-access-to-load-balancer.html>):
//!   the pass says so.

use std::collections::HashSet;

use rampart_model::config::FrontDoor;
use rampart_model::{ExposurePath, PathKind, Status};

use crate::registry::{Check, Context, Outcome};

pub struct BackendBypassesGateway;

/// The front door `path` passes, if `cx`'s settings count it; `with_acl`
/// holds the ARNs of the distributions that name a web ACL.
fn front_door(
    cx: &Context<'_>,
    with_acl: &HashSet<&str>,
    path: &ExposurePath,
) -> Option<FrontDoor> {
    let edge = &cx.settings.edge;
    let through = |kind: &str| path.hops.iter().any(|h| h.kind == kind);
    match path.kind {
        PathKind::Gateway => edge
            .accepts(FrontDoor::ApiGateway)
            .then_some(FrontDoor::ApiGateway),
        PathKind::CloudFront if through("api-stage") && edge.accepts(FrontDoor::ApiGateway) => {
            Some(FrontDoor::ApiGateway)
        }
        PathKind::CloudFront if edge.accepts(FrontDoor::CloudFront) => {
            // The hop's id is the distribution's ARN.
            let dist = path.hops.iter().find(|h| h.kind == "cloudfront")?;
            with_acl
                .contains(dist.id.as_str())
                .then_some(FrontDoor::CloudFront)
        }
        _ => None,
    }
}

/// Why the CloudFront paths may be missing, when they may: a path through
/// a distribution without a web ACL would be a bypass nobody sees.
fn cloudfront_unknown(cx: &Context<'_>) -> Option<String> {
    if cx.snapshot.cloudfront.is_none() {
        return Some(
            "CloudFront distributions are not in this snapshot (written before schema version 8): re-scan"
                .into(),
        );
    }
    cx.not_collected(None, &[crate::checks::edge::cloudfront::LIST])
}

impl Check for BackendBypassesGateway {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-001")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        // Region gaps, plus every instance that may be a backend nobody can
        // see (its region's target groups or paths were not collected):
        // not evaluated, so a missing bypass verdict is never silent.
        let scope = crate::checks::network::scope::Scope::of(cx);
        let mut out = scope.unseen_outcomes(cx);
        out.extend(scope.unseen_task_outcomes());
        let doors: Vec<&str> = FrontDoor::ALL
            .into_iter()
            .filter(|d| cx.settings.edge.accepts(*d))
            .map(|d| match d {
                FrontDoor::ApiGateway => "API Gateway",
                FrontDoor::CloudFront => "CloudFront with a web ACL",
            })
            .collect();
        let doors = doors.join(", or ");
        let cf_unknown = cloudfront_unknown(cx);
        let with_acl: HashSet<&str> = cx
            .snapshot
            .cloudfront
            .iter()
            .flat_map(|cf| &cf.distributions)
            .filter(|d| d.web_acl().is_some())
            .map(|d| d.arn.as_str())
            .collect();
        // Instances and ECS tasks (issue 16 item 3), by id.
        let backends: Vec<(&str, &str)> = cx
            .backends()
            .iter()
            .map(|(r, i)| (*r, i.instance_id.as_str()))
            .chain(
                cx.task_backends()
                    .into_iter()
                    .map(|(r, t)| (r, t.backend_id())),
            )
            .collect();
        for (region, id) in backends {
            let arn = cx.ec2_arn(region, "instance", id);
            let paths = cx.exposures.for_instance(region, id);
            let (through, bypass): (Vec<_>, Vec<_>) = paths
                .iter()
                .partition(|e| front_door(cx, &with_acl, &e.path).is_some());
            let missing = cx.exposures.gap(region).map(str::to_string);
            // Behind a load balancer CloudFront could reach, a path
            // through a distribution without a web ACL may be unseen.
            let lb_target = cx
                .index
                .regions
                .get(region)
                .is_some_and(|r| r.is_lb_target(id));
            let outcome = if let Some(sure) = bypass.iter().find(|e| e.uncertain.is_none()) {
                let mut o = Outcome::new(
                    arn,
                    region,
                    Status::Fail,
                    format!(
                        "{} is reachable from the internet without a front door ({doors}) by {} path(s): {}",
                        id,
                        bypass.len(),
                        sure.path
                    ),
                );
                o.path = Some(Box::new(sure.path.clone()));
                o
            } else if let Some(maybe) = bypass.first() {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(maybe.uncertain.clone().unwrap_or_default()),
                    format!(
                        "{} may be reachable without a front door ({doors}): {}",
                        id, maybe.path
                    ),
                )
            } else if let Some(reason) = missing {
                // Missing inputs could hide a bypass: never a pass.
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(reason),
                    "exposure paths are incomplete",
                )
            } else if let Some(reason) = cf_unknown.clone().filter(|_| lb_target) {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(reason),
                    format!(
                        "{} is behind a load balancer, and a CloudFront distribution without a web ACL in front of it would be a bypass nobody can see",
                        id
                    ),
                )
            } else {
                // Through a custom origin the origin-facing prefix list
                // admits; a VPC origin is CloudFront's own way in.
                let by_cloudfront = through.iter().any(|e| {
                    front_door(cx, &with_acl, &e.path) == Some(FrontDoor::CloudFront)
                        && !e.path.hops.iter().any(|h| h.kind == "vpc-origin")
                });
                let mut message = format!(
                    "{} is reachable only through a front door ({doors}): {} path(s)",
                    id,
                    paths.len()
                );
                if by_cloudfront {
                    message.push_str(
                        "; its origin admits CloudFront's origin-facing servers, which serve every distribution: AWS also recommends a custom header the origin requires",
                    );
                }
                Outcome::new(arn, region, Status::Pass, message)
            };
            out.push(outcome);
        }
        // A target behind an internet-facing load balancer that resolves to
        // no known instance may be a backend reached without a front door.
        for u in cx.exposures.unresolved() {
            if front_door(cx, &with_acl, &u.path).is_some() {
                continue;
            }
            out.push(Outcome::new(
                u.resource_arn.clone(),
                &u.region,
                Status::NotEvaluated(u.reason.clone()),
                format!(
                    "a target the snapshot cannot resolve may be a backend reachable without a front door: {}",
                    u.path
                ),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rampart_model::*;

    /// A VPC with one subnet routed to an IGW, an open NACL, and one instance
    /// whose SG admits `ingress` and whose ENI has `public_ip`.
    fn exposed(public_ip: Option<&str>, ingress: Vec<SgRule>) -> Snapshot {
        let mut s = snapshot();
        let r = region(&mut s);
        r.ec2.subnets.push(Subnet {
            subnet_id: "subnet-1".into(),
            vpc_id: "vpc-1".into(),
            availability_zone: None,
            cidr_block: Some("10.0.0.0/24".into()),
            ipv6_cidr_blocks: vec![],
            map_public_ip_on_launch: false,
            assign_ipv6_address_on_creation: false,
            default_for_az: false,
            tags: Tags::new(),
        });
        r.ec2.route_tables.push(RouteTable {
            route_table_id: "rtb-1".into(),
            vpc_id: "vpc-1".into(),
            routes: vec![Route {
                destination_cidr_block: Some("0.0.0.0/0".into()),
                destination_ipv6_cidr_block: None,
                destination_prefix_list_id: None,
                target: RouteTarget::InternetGateway("igw-1".into()),
                state: Some("active".into()),
                origin: None,
            }],
            associations: vec![RouteTableAssociation {
                association_id: None,
                main: true,
                subnet_id: None,
                gateway_id: None,
            }],
            tags: Tags::new(),
        });
        let all = |egress| NaclEntry {
            egress,
            rule_number: 100,
            protocol: "-1".into(),
            rule_action: "allow".into(),
            cidr_block: Some("0.0.0.0/0".into()),
            ipv6_cidr_block: None,
            port_range: None,
            icmp_type_code: None,
        };
        r.ec2.network_acls.push(NetworkAcl {
            network_acl_id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            is_default: true,
            entries: vec![all(false), all(true)],
            associations: vec![NaclAssociation {
                association_id: None,
                subnet_id: "subnet-1".into(),
            }],
            tags: Tags::new(),
        });
        r.ec2.security_groups.push(SecurityGroup {
            group_id: "sg-1".into(),
            group_name: "web".into(),
            vpc_id: Some("vpc-1".into()),
            owner_id: None,
            description: None,
            ingress,
            egress: vec![],
            tags: Tags::new(),
        });
        r.ec2.network_interfaces.push(NetworkInterface {
            network_interface_id: "eni-1".into(),
            subnet_id: Some("subnet-1".into()),
            vpc_id: Some("vpc-1".into()),
            availability_zone: None,
            interface_type: Some("interface".into()),
            description: None,
            status: None,
            requester_managed: false,
            private_ip_addresses: vec![EniPrivateIp {
                private_ip: "10.0.0.10".into(),
                primary: true,
                public_ip: public_ip.map(Into::into),
                public_ip_owner: None,
            }],
            ipv6_addresses: vec![],
            security_group_ids: vec!["sg-1".into()],
            attachment: Some(EniAttachment {
                attachment_id: None,
                instance_id: Some("i-1".into()),
                device_index: Some(0),
                status: None,
            }),
            tags: Tags::new(),
        });
        let mut i = instance("i-1");
        i.network_interface_ids = vec!["eni-1".into()];
        i.public_ip = public_ip.map(Into::into);
        r.ec2.instances.push(i);
        s
    }

    fn tcp(port: i32, cidr: &str) -> SgRule {
        SgRule {
            protocol: "tcp".into(),
            from_port: Some(port),
            to_port: Some(port),
            peer: SgPeer::Ipv4 { cidr: cidr.into() },
            description: None,
        }
    }

    #[test]
    fn a_public_instance_with_an_open_port_bypasses_the_gateway() {
        let s = exposed(Some("54.1.2.3"), vec![tcp(8080, "0.0.0.0/0")]);
        let got = run(&BackendBypassesGateway, &s);
        assert_eq!(statuses(&got), vec![("i-1".into(), "fail")]);
        let path = got[0].path.as_ref().expect("the bypass path");
        assert_eq!(path.kind, PathKind::Direct);
        assert_eq!(
            path.ports,
            vec![PortRange {
                from: 8080,
                to: 8080
            }]
        );
        assert!(
            got[0]
                .message
                .contains("internet -> igw-1 -> eni-1 (54.1.2.3) -> i-1"),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn a_private_or_closed_instance_is_no_backend_and_an_lb_only_one_passes() {
        // No public IP: not internet-reachable, not a target: no outcome.
        assert!(
            statuses(&run(
                &BackendBypassesGateway,
                &exposed(None, vec![tcp(8080, "0.0.0.0/0")])
            ))
            .is_empty()
        );
        // Public IP but the SG admits only the VPC: not reachable.
        let closed = exposed(Some("54.1.2.3"), vec![tcp(8080, "10.0.0.0/16")]);
        assert!(run(&BackendBypassesGateway, &closed).is_empty());
        // A private instance registered behind an internal LB is a backend
        // with no internet path: pass.
        let mut s = exposed(None, vec![tcp(8080, "10.0.0.0/16")]);
        region(&mut s).elbv2.target_groups.push(TargetGroup {
            attributes: None,
            target_group_arn: "arn:tg".into(),
            name: Some("app".into()),
            protocol: Some("TCP".into()),
            port: Some(8080),
            target_type: Some("instance".into()),
            vpc_id: None,
            load_balancer_arns: vec![],
            health_check_protocol: None,
            health_check_port: None,
            health_check_path: None,
            targets: Some(vec![Target {
                id: "i-1".into(),
                port: Some(8080),
                availability_zone: None,
                health_state: None,
                health_reason: None,
            }]),
        });
        assert_eq!(
            statuses(&run(&BackendBypassesGateway, &s)),
            vec![("i-1".into(), "pass")]
        );
        // ... unless the load balancers were not collected: then not evaluated.
        fail(&mut s, "elasticloadbalancing:DescribeLoadBalancers");
        assert_eq!(
            statuses(&run(&BackendBypassesGateway, &s)),
            vec![("i-1".into(), "not-evaluated")]
        );
    }

    #[test]
    fn an_instance_that_may_be_a_backend_is_not_evaluated_when_target_groups_are_missing() {
        // A private instance, no known target group: no backend, no outcome...
        let mut s = exposed(None, vec![tcp(8080, "10.0.0.0/16")]);
        assert!(run(&BackendBypassesGateway, &s).is_empty());
        // ...but with the target groups not collected it may be one: the
        // check says it could not tell, instead of saying nothing.
        fail(&mut s, "elasticloadbalancing:DescribeTargetGroups");
        let got = run(&BackendBypassesGateway, &s);
        assert_eq!(statuses(&got), vec![("i-1".into(), "not-evaluated")]);
        match &got[0].status {
            Status::NotEvaluated(why) => assert!(why.contains("DescribeTargetGroups"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unknown_security_group_makes_the_path_uncertain_not_absent() {
        let mut s = exposed(Some("54.1.2.3"), vec![tcp(8080, "0.0.0.0/0")]);
        region(&mut s).ec2.security_groups.clear();
        fail(&mut s, "ec2:DescribeSecurityGroups");
        let got = run(&BackendBypassesGateway, &s);
        assert_eq!(statuses(&got), vec![("i-1".into(), "not-evaluated")]);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("sg-1")),
            "{:?}",
            got[0].status
        );
    }
}
