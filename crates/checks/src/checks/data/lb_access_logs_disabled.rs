//! DATA-004: a load balancer without access logs keeps no record of the
//! connections (NLB, TLS listeners) or requests (ALB) it passed to the
//! backends: who connected, when, with which TLS version and result.
//!
//! Every application and network load balancer is judged, internal ones
//! too (the internal NLB behind a VPC link is the last hop before the
//! instance). Gateway load balancers have no access logs and get no
//! outcome. The attribute `access_logs.s3.enabled` must be `"true"`; when
//! it is absent the AWS default (off) applies. AWS writes NLB access logs
//! for TLS listeners only: an NLB with only TCP/UDP listeners is still
//! judged on the attribute (a TLS listener added later is logged at once),
//! and the message says the logs would be empty today.

use rampart_model::Status;

use crate::registry::why_missing;
use crate::registry::{Check, Context, Outcome};

pub struct LbAccessLogsDisabled;

const ENABLED: &str = "access_logs.s3.enabled";

impl Check for LbAccessLogsDisabled {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-004")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = Vec::new();
        for (region, inv) in &cx.snapshot.regions {
            if let Some(gap) = cx.load_balancer_gap(region) {
                out.push(gap);
                continue;
            }
            for lb in &inv.elbv2.load_balancers {
                if lb.lb_type.as_deref() == Some("gateway") {
                    continue;
                }
                // AWS writes NLB access logs for TLS listeners only.
                let note = if lb.lb_type.as_deref() == Some("network")
                    && lb.listeners.as_ref().is_some_and(|ls| {
                        !ls.is_empty() && ls.iter().all(|l| l.protocol.as_deref() != Some("TLS"))
                    }) {
                    " (an NLB logs TLS listeners only, and this one has none)"
                } else {
                    ""
                };
                let (status, msg) = match &lb.attributes {
                    None => (
                        Status::NotEvaluated(why_missing(
                            cx,
                            Some(region),
                            &["elasticloadbalancing:DescribeLoadBalancerAttributes"],
                            &lb.load_balancer_arn,
                        )),
                        format!("the attributes of {} are unknown", lb.name),
                    ),
                    Some(attrs)
                        if attrs
                            .get(ENABLED)
                            .is_some_and(|v| v.eq_ignore_ascii_case("true")) =>
                    {
                        let bucket = attrs
                            .get("access_logs.s3.bucket")
                            .map_or("(no bucket named)", String::as_str);
                        (
                            Status::Pass,
                            format!("{} logs to s3://{bucket}{note}", lb.name),
                        )
                    }
                    Some(attrs) => (
                        Status::Fail,
                        format!(
                            "{} ({}) has access logging off ({ENABLED} = {}){note}",
                            lb.name,
                            lb.scheme.as_deref().unwrap_or("unknown scheme"),
                            attrs
                                .get(ENABLED)
                                .map_or("absent, default false", String::as_str)
                        ),
                    ),
                };
                out.push(Outcome::new(
                    lb.load_balancer_arn.clone(),
                    region,
                    status,
                    msg,
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::data::fixtures::*;
    use crate::testing::*;

    #[test]
    fn logging_on_passes_off_or_absent_fails_gateway_lbs_are_skipped() {
        let mut s = snapshot();
        let mut off = nlb("off", vec![]);
        off.attributes
            .as_mut()
            .unwrap()
            .insert(ENABLED.into(), "false".into());
        let mut absent = nlb("absent", vec![]);
        absent.attributes = Some(Default::default());
        let mut gwlb = nlb("gwlb", vec![]);
        gwlb.lb_type = Some("gateway".into());
        gwlb.attributes = None;
        let tcp = nlb("tcp", vec![listener("tcp", "TCP", 80, "app")]);
        region(&mut s).elbv2.load_balancers = vec![nlb("on", vec![]), off, absent, gwlb, tcp];
        let got = run(&LbAccessLogsDisabled, &s);
        let mut by_name: Vec<(&str, &str)> = got
            .iter()
            .map(|o| (o.resource_arn.split('/').nth(2).unwrap(), o.status.as_str()))
            .collect();
        by_name.sort();
        assert_eq!(
            by_name,
            vec![
                ("absent", "fail"),
                ("off", "fail"),
                ("on", "pass"),
                ("tcp", "pass")
            ]
        );
        assert!(
            got.iter()
                .any(|o| o.message.contains("absent, default false"))
        );
        assert!(
            got.iter()
                .any(|o| o.status == Status::Pass && o.message.contains("TLS listeners only"))
        );
    }

    #[test]
    fn uncollected_attributes_or_lbs_are_not_evaluated() {
        let mut s = snapshot();
        let mut lb = nlb("pub", vec![]);
        lb.attributes = None;
        region(&mut s).elbv2.load_balancers = vec![lb];
        fail(
            &mut s,
            "elasticloadbalancing:DescribeLoadBalancerAttributes",
        );
        let got = run(&LbAccessLogsDisabled, &s);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("DescribeLoadBalancerAttributes")),
            "{:?}",
            got[0].status
        );
        fail(&mut s, "elasticloadbalancing:DescribeLoadBalancers");
        assert_eq!(
            statuses(&run(&LbAccessLogsDisabled, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
