//! NET-001: a backend in a subnet whose route table sends public address
//! space to an internet gateway is one public IP or one open rule away from
//! direct exposure. Backends belong in private subnets (egress through a NAT
//! gateway or an egress-only IGW, ingress through an internal load balancer).
//!
//! Filed on the route table (issue 13 item 19): that is the resource whose
//! configuration must change (or the subnets' association with it), and one
//! table serves many subnets and backends. Each outcome lists, in
//! [`Outcome::affected`], the known backends with an interface in a subnet
//! the table serves, whatever the verdict, so the scorecard links every
//! backend to the verdict on its table:
//! - **fail**: the table sends some public address to an internet gateway
//!   (longest prefix match; blackholes carry nothing; an egress-only IGW is
//!   not one) and serves a known backend;
//! - **pass**: the table has no such route and serves a known backend;
//! - **not evaluated**: the routes depend on a prefix list that was not
//!   collected; or the table serves only instances that may be backends
//!   (their region's exposure-path inputs are incomplete, or only
//!   uncertain paths reach them): a verdict on a table nobody may use
//!   would be a pass the missing data decides.
//!
//! A subnet whose route table is unknown (route tables not collected, or a
//! subnet without its VPC's main table) is not evaluated, filed on the
//! subnet; an instance whose subnets are unknown, on the instance.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashSet};
use rampart_model::{RouteTable, RouteTarget, Status};

use super::scope::{Scope, instance_arns, subnets, task_subnets, unjudged};
use crate::paths::Backend;
use crate::reach::{Reach, prefix_list_resolver, route};
use crate::registry::{Check, Context, Outcome};

pub struct BackendInPublicSubnet;

/// Who sits behind a route table (or a subnet whose table is unknown).
#[derive(Default)]
struct Served<'a> {
    subnets: BTreeSet<&'a str>,
    backends: Vec<&'a str>,
    /// `backends` as a set: a table may serve thousands of backends.
    seen: HashSet<&'a str>,
    maybe: Vec<(&'a str, String)>,
}

impl Served<'_> {
    fn names(&self) -> String {
        let mut v: Vec<&str> = self.backends.clone();
        v.extend(self.maybe.iter().map(|(i, _)| *i));
        v.sort_unstable();
        v.dedup();
        v.join(", ")
    }

    fn subnet_list(&self) -> String {
        let v: Vec<&str> = self.subnets.iter().copied().collect();
        format!(
            "subnet{} {}",
            if v.len() > 1 { "s" } else { "" },
            v.join(", ")
        )
    }

    fn affected(&self, cx: &Context<'_>, region: &str) -> Vec<rampart_model::SharedStr> {
        instance_arns(cx, region, &self.backends)
    }
}

impl Check for BackendInPublicSubnet {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-001")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let mut out = scope.instance_gaps.clone();
        let mut tables: HashMap<(&str, &str), (&RouteTable, Served)> = HashMap::default();
        let mut orphans: HashMap<(&str, &str), Served> = HashMap::default();
        let mut doubt: BTreeMap<&str, String> = BTreeMap::new();
        // Instances and tasks alike (issue 16 item 3).
        out.extend(scope.task_gaps.iter().cloned());
        for (region, b, maybe) in scope.everyone() {
            let Some(rix) = cx.index.regions.get(region) else {
                continue;
            };
            let id = b.id();
            let arn = cx.ec2_arn(region, "instance", id);
            let maybe = maybe.cloned();
            let subnets = match b {
                Backend::Instance(i) => subnets(rix, i),
                Backend::Task(t) => task_subnets(rix, t),
            };
            let subnets = match subnets {
                Ok(s) => s,
                Err(why) => {
                    doubt.entry(region).or_insert_with(|| why.clone());
                    out.push(Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why),
                        format!("the subnets of {id} are unknown"),
                    ));
                    continue;
                }
            };
            for subnet in subnets {
                let served = match rix.subnet_route_table.get(subnet) {
                    Some(rt) => {
                        &mut tables
                            .entry((region, rt.route_table_id.as_str()))
                            .or_insert_with(|| (*rt, Served::default()))
                            .1
                    }
                    None => orphans.entry((region, subnet)).or_default(),
                };
                served.subnets.insert(subnet);
                match &maybe {
                    None => {
                        if served.seen.insert(id) {
                            served.backends.push(id);
                        }
                    }
                    Some(why) => served.maybe.push((id, why.clone())),
                }
            }
        }

        // Tables no known backend uses, where who uses them is unknown;
        // and the regions without a table list.
        out.extend(unjudged(
            cx,
            "route-table",
            doubt,
            |r, id| tables.contains_key(&(r, id)),
            |inv| {
                inv.ec2
                    .route_tables
                    .iter()
                    .map(|t| t.route_table_id.as_str())
                    .collect()
            },
        ));
        for r in cx.snapshot.region_names() {
            out.extend(cx.region_gap(r, &["ec2:DescribeRouteTables"], "route-table"));
        }
        let mut tables: Vec<_> = tables.into_iter().collect();
        tables.sort_unstable_by_key(|(k, _)| *k);
        for ((region, rt_id), (rt, served)) in tables {
            let Some(inv) = cx.snapshot.regions.get(region) else {
                continue;
            };
            let resolve = prefix_list_resolver(
                &inv.ec2.managed_prefix_lists,
                &cx.snapshot.collection_errors,
                region,
            );
            let arn = cx.ec2_arn(region, "route-table", rt_id);
            let mut o = match route::igw_reach(rt, &resolve) {
                Reach::Yes => {
                    let igw = rt
                        .routes
                        .iter()
                        .find_map(|r| match &r.target {
                            RouteTarget::InternetGateway(g) => Some(g.as_str()),
                            _ => None,
                        })
                        .unwrap_or("an internet gateway");
                    let what = format!(
                        "route table {rt_id} sends internet traffic to {igw} for {} of backend(s) {}",
                        served.subnet_list(),
                        served.names()
                    );
                    match (served.backends.is_empty(), served.maybe.first()) {
                        (true, Some((first, why))) => Outcome::new(
                            arn,
                            region,
                            Status::NotEvaluated(format!(
                                "used only by instances that may be backends ({first}, ...): {why}"
                            )),
                            what.replace("of backend(s)", "of instance(s) that may be backends:"),
                        ),
                        _ => Outcome::new(arn, region, Status::Fail, what),
                    }
                }
                // Serving only instances that may not be backends (their
                // region's paths are incomplete, or only uncertain paths
                // reach them): no verdict on a backend's subnet can be given.
                Reach::No if served.backends.is_empty() && !served.maybe.is_empty() => {
                    let (first, why) = &served.maybe[0];
                    Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(format!(
                            "used only by instances that may be backends ({first}, ...): {why}"
                        )),
                        format!(
                            "route table {rt_id} has no route to an internet gateway, but serves only instance(s) that may be backends: {}",
                            served.names()
                        ),
                    )
                }
                Reach::No => Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!(
                        "route table {rt_id} has no route to an internet gateway: {} of {} private",
                        served.subnet_list(),
                        served.names()
                    ),
                ),
                Reach::Unknown(why) => Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!(
                        "cannot tell whether route table {rt_id} ({} of {}) is public",
                        served.subnet_list(),
                        served.names()
                    ),
                ),
            };
            o.affected = served.affected(cx, region);
            out.push(o);
        }

        let mut orphans: Vec<_> = orphans.into_iter().collect();
        orphans.sort_unstable_by_key(|(k, _)| *k);
        for ((region, subnet), served) in orphans {
            let why = cx
                .not_collected(Some(region), &["ec2:DescribeRouteTables"])
                .unwrap_or_else(|| format!("no route table known for {subnet}"));
            let mut o = Outcome::new(
                cx.ec2_arn(region, "subnet", subnet),
                region,
                Status::NotEvaluated(why),
                format!(
                    "cannot tell whether {subnet} (of {}) is public: its route table is unknown",
                    served.names()
                ),
            );
            o.affected = served.affected(cx, region);
            out.push(o);
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

    /// Issue 13 item 19: the finding is filed on the route table that must
    /// change, once, listing the backends in the subnets it serves (two
    /// backends behind one public table are one finding, not two).
    #[test]
    fn filed_on_the_route_table_with_the_backends_it_serves() {
        let mut s = demo();
        let extra = eni(
            "eni-l2",
            "subnet-lpub",
            "vpc-l",
            "10.20.0.11",
            None,
            &["sg-lweb"],
            "i-l2",
        );
        add_target_instance(region(&mut s), TG_L, "i-l2", extra);
        let got = run(&BackendInPublicSubnet, &s);
        assert_eq!(
            statuses(&got),
            vec![("rtb-happ".into(), "pass"), ("rtb-l".into(), "fail")]
        );
        let rtb_l = &got[1];
        assert_eq!(
            rtb_l.resource_arn,
            "arn:aws:ec2:us-east-1:123456789012:route-table/rtb-l"
        );
        assert_eq!(
            rtb_l.affected,
            vec![
                "arn:aws:ec2:us-east-1:123456789012:instance/i-l1".to_string(),
                "arn:aws:ec2:us-east-1:123456789012:instance/i-l2".to_string()
            ]
        );
        assert_eq!(
            rtb_l.message,
            "route table rtb-l sends internet traffic to igw-l for subnet subnet-lpub of backend(s) i-l1, i-l2"
        );
        // The pass lists the backends it serves too: the scorecard links them.
        assert_eq!(
            got[0].affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-h1".to_string()]
        );
    }

    #[test]
    fn the_legacy_table_is_public_and_the_hardened_one_private() {
        let got = run(&BackendInPublicSubnet, &demo());
        assert_eq!(
            statuses(&got),
            vec![("rtb-happ".into(), "pass"), ("rtb-l".into(), "fail")]
        );
        assert_eq!(
            got[1].message,
            "route table rtb-l sends internet traffic to igw-l for subnet subnet-lpub of backend(s) i-l1"
        );
        assert_eq!(
            got[0].message,
            "route table rtb-happ has no route to an internet gateway: subnet subnet-happ of i-h1 private"
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
        assert_eq!(got[0], ("rtb-happ".into(), "fail"));
    }

    #[test]
    fn a_table_serving_no_backend_is_not_judged() {
        let mut s = demo();
        region(&mut s).elbv2.target_groups.clear();
        region(&mut s).elbv2.load_balancers.clear();
        region(&mut s).apigateway.rest_apis.clear();
        // i-l1 stays a backend through its direct path; i-h1 is nobody's
        // target, so rtb-happ (and the public rtb-hpub) serve no backend.
        assert_eq!(
            statuses(&run(&BackendInPublicSubnet, &s)),
            vec![("rtb-l".into(), "fail")]
        );
    }

    #[test]
    fn missing_routes_or_path_inputs_are_never_a_pass() {
        // The route tables were not collected: no table for the subnets,
        // filed on the subnets with the operation that failed.
        let mut s = demo();
        region(&mut s).ec2.route_tables.clear();
        fail(&mut s, "ec2:DescribeRouteTables");
        let got = run(&BackendInPublicSubnet, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("*".into(), "not-evaluated"),
                ("subnet-happ".into(), "not-evaluated"),
                ("subnet-lpub".into(), "not-evaluated")
            ]
        );
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("ec2:DescribeRouteTables")),
            "{:?}",
            got[0].status
        );
        assert_eq!(
            got[2].affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-l1".to_string()]
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
            ("rtb-happ".into(), "not-evaluated")
        );
        // Target health missing: i-h1 and i-x may or may not be backends.
        // Their private table passes whoever sits behind it; a public table
        // serving only such an instance is not evaluated; the legacy
        // backend's public table still fails.
        let mut s = demo();
        let r = region(&mut s);
        r.ec2
            .subnets
            .push(subnet("subnet-lx", "vpc-l", "10.20.9.0/24"));
        r.ec2.route_tables.push(route_table(
            "rtb-lx",
            "vpc-l",
            vec![
                route("10.20.0.0/16", RouteTarget::Local),
                route("0.0.0.0/0", igw("igw-l")),
            ],
            &["subnet-lx"],
        ));
        let extra = eni(
            "eni-x",
            "subnet-lx",
            "vpc-l",
            "10.20.9.9",
            None,
            &["sg-lweb"],
            "i-x",
        );
        r.ec2.instances.push(instance_on("i-x", &extra));
        r.ec2.network_interfaces.push(extra);
        // The target lists not collected (per target group, as the collector
        // records it): i-x may be a target of either group, and so may i-h1
        // (the gateway reaches it only through its group): neither table
        // serving only them is judged; the legacy one still fails on i-l1's
        // certain direct path.
        for tg in &mut region(&mut s).elbv2.target_groups {
            tg.targets = None;
        }
        for tg in [TG_H, TG_L] {
            fail_for(&mut s, "elasticloadbalancing:DescribeTargetHealth", tg);
        }
        let got = run(&BackendInPublicSubnet, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("rtb-happ".into(), "not-evaluated"),
                ("rtb-l".into(), "fail"),
                ("rtb-lx".into(), "not-evaluated"),
            ]
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
