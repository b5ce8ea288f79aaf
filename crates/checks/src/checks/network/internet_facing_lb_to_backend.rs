//! NET-010: an internet-facing NLB or ALB that targets a backend is a front
//! door of its own, beside (or instead of) the API Gateway stage: its
//! listener answers the whole internet, and whatever the stage enforces
//! (WAF, authorizers, throttling) does not apply there. The load balancer
//! in front of a backend should be internal, reached through a VPC link.
//!
//! Judged per backend on its exposure paths of kind `load-balancer`; the
//! first certain one is attached to the finding.

use std::collections::BTreeSet;

use rampart_model::{PathKind, Status};

use super::scope::Scope;
use crate::registry::{Check, Context, Outcome};

pub struct InternetFacingLbToBackend;

impl Check for InternetFacingLbToBackend {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-010")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let mut out = scope.instance_outcomes(cx);
        for (region, i) in scope.backends {
            let arn = cx.ec2_arn(region, "instance", &i.instance_id);
            let via_lb: Vec<_> = cx
                .exposures
                .for_instance(region, &i.instance_id)
                .iter()
                .filter(|e| e.path.kind == PathKind::LoadBalancer)
                .collect();
            let lbs: BTreeSet<&str> = via_lb
                .iter()
                .filter(|e| e.uncertain.is_none())
                .flat_map(|e| e.path.hops.iter())
                .filter(|h| h.kind == "load-balancer")
                .map(|h| h.label.as_str())
                .collect();
            out.push(
                if let Some(sure) = via_lb.iter().find(|e| e.uncertain.is_none()) {
                    let mut o = Outcome::new(
                        arn,
                        region,
                        Status::Fail,
                        format!(
                            "backend {} is a target of internet-facing {}: {}",
                            i.instance_id,
                            lbs.into_iter().collect::<Vec<_>>().join(", "),
                            sure.path
                        ),
                    );
                    o.path = Some(sure.path.clone());
                    o
                } else if let Some(maybe) = via_lb.first() {
                    Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(maybe.uncertain.clone().unwrap_or_default()),
                        format!(
                            "{} may be reachable through an internet-facing load balancer: {}",
                            i.instance_id, maybe.path
                        ),
                    )
                } else if let Some(why) = scope.pass_blocker(region) {
                    Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why.to_string()),
                        "exposure paths are incomplete",
                    )
                } else {
                    Outcome::new(
                        arn,
                        region,
                        Status::Pass,
                        format!(
                            "no internet-facing load balancer reaches backend {}",
                            i.instance_id
                        ),
                    )
                },
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;

    #[test]
    fn the_public_nlb_fails_the_legacy_backend_with_its_path() {
        let got = run(&InternetFacingLbToBackend, &demo());
        assert_eq!(
            statuses(&got),
            vec![("i-h1".into(), "pass"), ("i-l1".into(), "fail")]
        );
        let path = got[1].path.as_ref().expect("the LB path");
        assert_eq!(path.kind, PathKind::LoadBalancer);
        assert_eq!(
            got[1].message,
            "backend i-l1 is a target of internet-facing nlb/nlb-l: internet -> nlb/nlb-l -> TCP:80 -> tg/tg-l:8080 -> i-l1"
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
        assert_eq!(
            statuses(&run(&InternetFacingLbToBackend, &s))[1],
            ("i-l1".into(), "pass")
        );
    }

    #[test]
    fn uncertain_paths_and_missing_inputs_are_not_evaluated() {
        // The NLB's security group was not collected: the path may exist.
        let mut s = demo();
        region(&mut s).elbv2.load_balancers[1].security_group_ids = vec!["sg-gone".into()];
        let got = run(&InternetFacingLbToBackend, &s);
        assert_eq!(statuses(&got)[1], ("i-l1".into(), "not-evaluated"));
        assert!(matches!(&got[1].status, Status::NotEvaluated(r) if r.contains("nlb-l")));
        // The listeners were not collected: no LB path can be seen at all.
        let mut s = demo();
        for lb in &mut region(&mut s).elbv2.load_balancers {
            lb.listeners = None;
        }
        fail(&mut s, "elasticloadbalancing:DescribeListeners");
        assert_eq!(
            statuses(&run(&InternetFacingLbToBackend, &s)),
            vec![
                ("i-h1".into(), "not-evaluated"),
                ("i-l1".into(), "not-evaluated")
            ]
        );
    }
}
