//! NET-001: a backend in a subnet whose route table sends public address
//! space to an internet gateway is one public IP or one open rule away from
//! direct exposure. Backends belong in private subnets (egress through a NAT
//! gateway or an egress-only IGW, ingress through an internal load balancer).

use foldhash::HashMap;
use rampart_model::{RouteTarget, Status};

use super::scope::{Scope, subnets};
use crate::reach::{Reach, prefix_list_resolver, route};
use crate::registry::{Check, Context, Outcome};

pub struct BackendInPublicSubnet;

/// What the verdict reads besides the exposure paths.
const INPUTS: &[&str] = &[
    "ec2:DescribeSubnets",
    "ec2:DescribeRouteTables",
    "ec2:DescribeNetworkInterfaces",
];

impl Check for BackendInPublicSubnet {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-001")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let mut out = scope.instance_outcomes(cx);
        // By (region, route table id): thousands of backends share a table.
        let mut igw_reach: HashMap<(&str, &str), Reach> = HashMap::default();
        for (region, i) in &scope.backends {
            let (Some(rix), Some(inv)) = (
                cx.index.regions.get(region),
                cx.snapshot.regions.get(*region),
            ) else {
                continue;
            };
            let resolve = prefix_list_resolver(
                &inv.ec2.managed_prefix_lists,
                &cx.snapshot.collection_errors,
                region,
            );
            let arn = cx.ec2_arn(region, "instance", &i.instance_id);
            let not_evaluated = |why: String, msg: String| {
                Outcome::new(arn.clone(), region, Status::NotEvaluated(why), msg)
            };
            let subnets = match subnets(rix, i) {
                Ok(s) => s,
                Err(why) => {
                    out.push(not_evaluated(
                        why,
                        format!("the subnets of {} are unknown", i.instance_id),
                    ));
                    continue;
                }
            };
            let mut public = Vec::new();
            let mut unknown = None;
            for subnet in &subnets {
                let Some(rt) = rix.subnet_route_table.get(subnet) else {
                    unknown = Some(format!("no route table known for {subnet}"));
                    continue;
                };
                let reach = igw_reach
                    .entry((*region, rt.route_table_id.as_str()))
                    .or_insert_with(|| route::igw_reach(rt, &resolve));
                match reach.clone() {
                    Reach::Yes => {
                        let igw = rt
                            .routes
                            .iter()
                            .find_map(|r| match &r.target {
                                RouteTarget::InternetGateway(g) => Some(g.as_str()),
                                _ => None,
                            })
                            .unwrap_or("an internet gateway");
                        public.push(format!(
                            "{subnet} (route table {} sends internet traffic to {igw})",
                            rt.route_table_id
                        ));
                    }
                    Reach::No => {}
                    Reach::Unknown(why) => unknown = Some(why),
                }
            }
            let blocker = cx
                .not_collected(Some(region), INPUTS)
                .or_else(|| scope.pass_blocker(region).map(str::to_string));
            out.push(if !public.is_empty() {
                Outcome::new(
                    arn,
                    region,
                    Status::Fail,
                    format!(
                        "backend {} sits in public subnet {}",
                        i.instance_id,
                        public.join(", ")
                    ),
                )
            } else if let Some(why) = unknown.or(blocker) {
                not_evaluated(
                    why,
                    format!(
                        "cannot tell whether the subnets of {} are public",
                        i.instance_id
                    ),
                )
            } else {
                Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!(
                        "backend {} sits in private subnet(s) {}",
                        i.instance_id,
                        subnets.join(", ")
                    ),
                )
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;
    use rampart_model::*;

    #[test]
    fn the_legacy_backend_is_public_and_the_hardened_one_private() {
        let got = run(&BackendInPublicSubnet, &demo());
        assert_eq!(
            statuses(&got),
            vec![("i-h1".into(), "pass"), ("i-l1".into(), "fail")]
        );
        let legacy = got
            .iter()
            .find(|o| o.resource_arn.ends_with("i-l1"))
            .unwrap();
        assert!(
            legacy
                .message
                .contains("subnet-lpub (route table rtb-l sends internet traffic to igw-l)"),
            "{}",
            legacy.message
        );
    }

    #[test]
    fn an_ipv6_default_route_to_an_igw_is_public_too_but_egress_only_is_not() {
        let mut s = demo();
        let rt = region(&mut s)
            .ec2
            .route_tables
            .iter_mut()
            .find(|t| t.route_table_id == "rtb-happ")
            .unwrap();
        rt.routes
            .retain(|r| r.destination_ipv6_cidr_block.is_none());
        rt.routes.push(route("::/0", igw("igw-h")));
        let got = statuses(&run(&BackendInPublicSubnet, &s));
        assert_eq!(got[0], ("i-h1".into(), "fail"));
    }

    #[test]
    fn a_non_backend_is_not_judged() {
        let mut s = demo();
        region(&mut s).elbv2.target_groups.clear();
        region(&mut s).elbv2.load_balancers.clear();
        region(&mut s).apigateway.rest_apis.clear();
        // i-l1 stays a backend through its direct path; i-h1 is nobody's target.
        assert_eq!(
            statuses(&run(&BackendInPublicSubnet, &s)),
            vec![("i-l1".into(), "fail")]
        );
    }

    #[test]
    fn missing_routes_or_path_inputs_are_never_a_pass() {
        // The route tables were not collected: no table for the subnet.
        let mut s = demo();
        region(&mut s).ec2.route_tables.clear();
        fail(&mut s, "ec2:DescribeRouteTables");
        assert_eq!(
            statuses(&run(&BackendInPublicSubnet, &s)),
            vec![
                ("i-h1".into(), "not-evaluated"),
                ("i-l1".into(), "not-evaluated")
            ]
        );
        // An unresolvable prefix-list route to the IGW might cover the internet.
        let mut s = demo();
        let rt = &mut region(&mut s).ec2.route_tables[1];
        rt.routes.push(Route {
            destination_cidr_block: None,
            destination_prefix_list_id: Some("pl-unknown".into()),
            ..route("0.0.0.0/0", igw("igw-h"))
        });
        assert_eq!(
            statuses(&run(&BackendInPublicSubnet, &s))[0],
            ("i-h1".into(), "not-evaluated")
        );
        // Target health missing (per target group, as the collector records
        // it): every instance the groups could hold is a maybe-target, with
        // an uncertain path; none passes (it may not be a backend), the
        // public one still fails on its direct path.
        let mut s = demo();
        let extra = eni(
            "eni-x",
            "subnet-happ",
            "vpc-h",
            "10.10.10.99",
            None,
            &["sg-happ"],
            "i-x",
        );
        region(&mut s)
            .ec2
            .instances
            .push(instance_on("i-x", &extra));
        region(&mut s).ec2.network_interfaces.push(extra);
        for tg in &mut region(&mut s).elbv2.target_groups {
            tg.targets = None;
        }
        for tg in [TG_H, TG_L] {
            fail_for(&mut s, "elasticloadbalancing:DescribeTargetHealth", tg);
        }
        assert_eq!(
            statuses(&run(&BackendInPublicSubnet, &s)),
            vec![
                ("i-h1".into(), "not-evaluated"),
                ("i-l1".into(), "fail"),
                ("i-x".into(), "not-evaluated"),
            ]
        );
        // The target group list itself missing: any instance may be a
        // target nobody can see, so none passes.
        let mut s = demo();
        region(&mut s).elbv2.target_groups.clear();
        fail(&mut s, "elasticloadbalancing:DescribeTargetGroups");
        assert_eq!(
            statuses(&run(&BackendInPublicSubnet, &s)),
            vec![("i-h1".into(), "not-evaluated"), ("i-l1".into(), "fail")]
        );
        // No instance list at all.
        let mut s = snapshot();
        fail(&mut s, "ec2:DescribeInstances");
        assert_eq!(
            statuses(&run(&BackendInPublicSubnet, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
