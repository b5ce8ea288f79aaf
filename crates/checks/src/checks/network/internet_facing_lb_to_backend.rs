//! NET-010: an internet-facing NLB or ALB that targets a backend is a front
//! door of its own, beside (or instead of) the API Gateway stage: its
//! listener answers the whole internet, and whatever the stage enforces
//! (WAF, authorizers, throttling) does not apply there. The load balancer
//! in front of a backend should be internal, reached through a VPC link.
//!
//! Filed on the internet-facing load balancer (the resource that must
//! change, issue 13 item 19), listing the backends it exposes: every
//! backend at the end of an exposure path of kind `load-balancer` whose
//! first load balancer it is (an NLB in front of an ALB exposes the ALB's
//! targets; the path shows both). A load balancer whose paths are only
//! uncertain, or that forwards to a target the snapshot cannot resolve, is
//! not evaluated; one that reaches no backend passes.

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::{PathKind, Status};

use crate::paths::{Exposure, Input};
use crate::registry::{Check, Context, Outcome};

pub struct InternetFacingLbToBackend;

/// What the paths say about one internet-facing load balancer.
#[derive(Default)]
struct Seen<'a> {
    /// Backends certainly reached, with the first path to each.
    sure: BTreeMap<&'a str, &'a Exposure>,
    /// Backends possibly reached, with the reason.
    maybe: BTreeMap<&'a str, &'a str>,
    /// Targets that resolve to nothing known, with the reason.
    unknown: Vec<String>,
    /// Backends reached through CloudFront only (the load balancer is a
    /// distribution's origin that admits CloudFront, not the internet).
    via_cloudfront: BTreeSet<&'a str>,
}

impl Check for InternetFacingLbToBackend {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-010")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = cx.instance_gaps();
        for (region, inv) in &cx.snapshot.regions {
            let region = region.as_str();
            // Without the load balancer list there is nothing to file on:
            // one not-evaluated outcome for the region's load balancers.
            if let Some(o) =
                cx.region_gap(region, &[Input::LoadBalancers.operation()], "loadbalancer")
            {
                out.push(Outcome {
                    resource_arn: elb_arn(cx, region, "*").into(),
                    ..o
                });
                continue;
            }
            let mut seen: BTreeMap<&str, Seen<'_>> = BTreeMap::new();
            for lb in &inv.elbv2.load_balancers {
                if lb.scheme.as_deref() == Some("internet-facing")
                    && lb.lb_type.as_deref() != Some("gateway")
                {
                    seen.insert(lb.load_balancer_arn.as_str(), Seen::default());
                }
            }
            for (id, paths) in cx.exposures.in_region(region) {
                for e in paths
                    .iter()
                    .filter(|e| e.path.kind == PathKind::CloudFront && e.uncertain.is_none())
                {
                    for h in e.path.hops.iter().filter(|h| h.kind == "load-balancer") {
                        if let Some(s) = seen.get_mut(h.id.as_str()) {
                            s.via_cloudfront.insert(id);
                        }
                    }
                }
                for e in paths
                    .iter()
                    .filter(|e| e.path.kind == PathKind::LoadBalancer)
                {
                    let Some(lb) = e.path.hops.iter().find(|h| h.kind == "load-balancer") else {
                        continue;
                    };
                    let Some(s) = seen.get_mut(lb.id.as_str()) else {
                        continue;
                    };
                    match &e.uncertain {
                        None => {
                            s.sure.entry(id).or_insert(e);
                        }
                        Some(why) => {
                            s.maybe.entry(id).or_insert(why.as_str());
                        }
                    }
                }
            }
            for u in cx.exposures.unresolved_in(region) {
                if u.path.kind != PathKind::LoadBalancer {
                    continue;
                }
                // Filed on the internet-facing one: the first in the path.
                let Some(first) = u.load_balancers.first() else {
                    continue;
                };
                if let Some(s) = seen.get_mut(first.as_str()) {
                    s.unknown.push(format!(
                        "{}: {}",
                        u.path.hops.last().map_or("?", |h| h.label.as_str()),
                        u.reason
                    ));
                }
            }
            for lb in &inv.elbv2.load_balancers {
                let Some(s) = seen.remove(lb.load_balancer_arn.as_str()) else {
                    continue;
                };
                out.push(judge(cx, region, lb, s));
            }
        }
        out
    }
}

fn judge(cx: &Context<'_>, region: &str, lb: &rampart_model::LoadBalancer, s: Seen<'_>) -> Outcome {
    let kind = match lb.lb_type.as_deref() {
        Some("application") => "alb",
        Some("network") => "nlb",
        _ => "lb",
    };
    let name = format!("{kind}/{}", lb.name);
    let arn = lb.load_balancer_arn.clone();
    let instance = |id: &str| cx.ec2_arn(region, "instance", id);
    if !s.sure.is_empty() {
        let ids: Vec<&str> = s.sure.keys().copied().collect();
        let (first, e) = s.sure.iter().next().expect("not empty");
        let mut o = Outcome::new(
            arn,
            region,
            Status::Fail,
            format!(
                "internet-facing {name} forwards to {} backend(s) ({}) around the API Gateway stage, e.g. {first}: {}",
                ids.len(),
                ids.join(", "),
                e.path
            ),
        );
        o.affected = ids.iter().map(|id| instance(id)).collect();
        return o;
    }
    if !s.maybe.is_empty() || !s.unknown.is_empty() {
        let why = s
            .maybe
            .values()
            .next()
            .map(|w| w.to_string())
            .or_else(|| s.unknown.first().cloned())
            .unwrap_or_default();
        let mut names: BTreeSet<&str> = s.maybe.keys().copied().collect();
        let mut msg = format!("internet-facing {name} may forward to backends");
        if !names.is_empty() {
            msg.push_str(&format!(
                " ({})",
                std::mem::take(&mut names)
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !s.unknown.is_empty() {
            msg.push_str(&format!(
                "; {} target(s) resolve to nothing rampart knows: {}",
                s.unknown.len(),
                s.unknown.join("; ")
            ));
        }
        let mut o = Outcome::new(arn, region, Status::NotEvaluated(why), msg);
        o.affected = s.maybe.keys().map(|id| instance(id)).collect();
        return o;
    }
    if let Some(why) = cx.exposures.gap(region) {
        return Outcome::new(
            arn,
            region,
            Status::NotEvaluated(why.to_string()),
            format!("internet-facing {name}: the region's exposure paths are incomplete"),
        );
    }
    if !s.via_cloudfront.is_empty() {
        let ids: Vec<&str> = s.via_cloudfront.iter().copied().collect();
        return Outcome::new(
            arn,
            region,
            Status::Pass,
            format!(
                "internet-facing {name} is reached only through CloudFront (its origin-facing prefix list), not from the internet, in front of {} backend(s) ({})",
                ids.len(),
                ids.join(", ")
            ),
        );
    }
    Outcome::new(
        arn,
        region,
        Status::Pass,
        format!("internet-facing {name} reaches no backend"),
    )
}

/// `arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/NAME`.
fn elb_arn(cx: &Context<'_>, region: &str, name: &str) -> String {
    format!(
        "arn:{}:elasticloadbalancing:{region}:{}:loadbalancer/{name}",
        cx.snapshot.partition, cx.snapshot.account_id
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;

    #[test]
    fn the_public_nlb_fails_listing_the_legacy_backend() {
        let got = run(&InternetFacingLbToBackend, &demo());
        // Only the internet-facing NLB is judged, on itself.
        assert_eq!(statuses(&got), vec![("2".into(), "fail")]);
        assert_eq!(got[0].resource_arn, NLB_L);
        assert_eq!(
            got[0].affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-l1".to_string()]
        );
        assert_eq!(
            got[0].message,
            "internet-facing nlb/nlb-l forwards to 1 backend(s) (i-l1) around the API Gateway stage, e.g. i-l1: internet -> nlb/nlb-l -> TCP:80 -> tg/tg-l:8080 -> i-l1"
        );
    }

    #[test]
    fn an_internet_facing_lb_whose_security_group_shuts_the_port_passes() {
        let mut s = demo();
        let r = region(&mut s);
        r.ec2.security_groups.push(sg(
            "sg-lnlb",
            "vpc-l",
            vec![tcp(443, 443, v4("10.0.0.0/8"))],
            vec![],
        ));
        r.elbv2.load_balancers[1].security_group_ids = vec!["sg-lnlb".into()];
        let got = run(&InternetFacingLbToBackend, &s);
        assert_eq!(statuses(&got), vec![("2".into(), "pass")]);
        assert!(got[0].affected.is_empty());
    }

    #[test]
    fn uncertain_paths_and_missing_inputs_are_not_evaluated() {
        // The NLB's security group was not collected: the path may exist.
        let mut s = demo();
        region(&mut s).elbv2.load_balancers[1].security_group_ids = vec!["sg-gone".into()];
        let got = run(&InternetFacingLbToBackend, &s);
        assert_eq!(statuses(&got), vec![("2".into(), "not-evaluated")]);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("sg-gone") && r.contains("nlb-l")),
            "{:?}",
            got[0].status
        );
        assert_eq!(got[0].affected.len(), 1);
        // The listeners were not collected: every group naming the NLB may
        // be forwarded to.
        let mut s = demo();
        for lb in &mut region(&mut s).elbv2.load_balancers {
            lb.listeners = None;
        }
        fail_for(&mut s, "elasticloadbalancing:DescribeListeners", NLB_L);
        let got = run(&InternetFacingLbToBackend, &s);
        assert_eq!(statuses(&got), vec![("2".into(), "not-evaluated")]);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("DescribeListeners")),
            "{:?}",
            got[0].status
        );
        // The load balancer list itself missing: one region-wide gap.
        let mut s = demo();
        region(&mut s).elbv2.load_balancers.clear();
        fail(&mut s, "elasticloadbalancing:DescribeLoadBalancers");
        let got = run(&InternetFacingLbToBackend, &s);
        assert_eq!(statuses(&got), vec![("*".into(), "not-evaluated")]);
    }

    /// An `ip` target that resolves to no interface of the target group's
    /// VPC is an unknown target: the load balancer is not evaluated, never
    /// passed (issue 13, item 4).
    #[test]
    fn an_unresolvable_ip_target_is_not_a_pass() {
        let mut s = demo();
        let tg = region(&mut s)
            .elbv2
            .target_groups
            .iter_mut()
            .find(|t| t.target_group_arn == TG_L)
            .unwrap();
        tg.target_type = Some("ip".into());
        tg.vpc_id = Some("vpc-l".into());
        tg.targets.as_mut().unwrap()[0].id = "10.20.0.99".into();
        let got = run(&InternetFacingLbToBackend, &s);
        assert_eq!(statuses(&got), vec![("2".into(), "not-evaluated")]);
        assert!(got[0].message.contains("10.20.0.99"), "{}", got[0].message);
    }
}
