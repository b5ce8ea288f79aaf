//! EDGE-018: an Application Load Balancer that CloudFront fronts forwards
//! only requests that carry a header the distribution adds. CloudFront's
//! origin-facing prefix list (what EDGE-001 accepts as "only CloudFront")
//! admits every distribution, any account's: someone else's distribution,
//! without the web ACL, can reach the same load balancer. AWS's answer is
//! a custom header CloudFront adds to origin requests and a listener that
//! forwards only requests carrying it
//! ([Restrict access to Application Load Balancers](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/restrict-access-to-load-balancer.html)).
//!
//! Judged per internet-facing ALB that an enabled distribution's origin
//! resolves to, on the listeners of the ports CloudFront connects to
//! there. A listener requires the header when its default action does not
//! forward and every rule that forwards has an `http-header` condition on
//! a header one of those origins adds, with no value made only of
//! wildcards (a rule's conditions must all match, and a header condition
//! matches on any of its values, the name case-insensitively:
//! [HttpHeaderConditionConfig](https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HttpHeaderConditionConfig.html)).
//! The values, the secret itself, are never collected. A regional web ACL
//! on the load balancer may demand the header instead; its rules are not
//! read for this, so such a load balancer is not evaluated rather than
//! failed. NLB origins (no HTTP), API Gateway and instance origins are not
//! judged.

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::{LbAction, Listener, LoadBalancer, PathKind, Status};

use super::cloudfront::{Front, fronts};
use crate::origins::{Origin, ports};
use crate::paths::inputs::Input;
use crate::registry::{Check, Context, Outcome, why_missing};

pub struct CloudFrontOriginHeader;

const RULES: &str = Input::ListenerRules.operation();

impl Check for CloudFrontOriginHeader {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-018")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let fronts = match fronts(cx) {
            // Without the distributions any internet-facing ALB may be an
            // origin: each is not evaluated, with the reason.
            Err(gap) => {
                let mut out = vec![gap.clone()];
                if let Status::NotEvaluated(why) = &gap.status {
                    out.extend(unknown_fronts(cx, why));
                }
                return out;
            }
            Ok(f) => f,
        };
        let mut out = Vec::new();
        // An origin that resolves to nothing known may be an ALB of a
        // region whose load balancers were not collected.
        if fronts
            .iter()
            .any(|f| f.origins.iter().any(|(_, r)| *r == Origin::Other))
        {
            out.extend(
                cx.snapshot
                    .region_names()
                    .filter_map(|region| cx.load_balancer_gap(region)),
            );
        }
        // Each ALB once, with every distribution origin in front of it.
        let mut albs: BTreeMap<(&str, &str), Vec<(&Front<'_>, &rampart_model::CfOrigin)>> =
            BTreeMap::new();
        for f in fronts {
            for (o, r) in &f.origins {
                if let Origin::LoadBalancer(region, arn) = r {
                    // The index's key: the snapshot's own spelling.
                    let Some((region, lb)) = cx
                        .index
                        .regions
                        .get_key_value(region.as_str())
                        .and_then(|(r, rix)| Some((*r, *rix.load_balancers.get(arn.as_str())?)))
                    else {
                        continue;
                    };
                    if lb.lb_type.as_deref() == Some("application") {
                        albs.entry((region, lb.load_balancer_arn.as_str()))
                            .or_default()
                            .push((f, o));
                    }
                }
            }
        }
        if albs.is_empty() {
            return out;
        }
        let behind = behind_albs(cx);
        out.extend(albs.into_iter().filter_map(|((region, arn), fronting)| {
            let lb = cx.index.regions.get(region)?.load_balancers.get(arn)?;
            let mut o = judge(cx, region, lb, &fronting);
            o.affected = behind
                .get(arn)
                .into_iter()
                .flatten()
                .map(|(r, id)| cx.ec2_arn(r, "instance", id))
                .collect();
            Some(o)
        }));
        out
    }
}

/// Every internet-facing ALB, not evaluated for `why`: the distributions
/// that may front it are unknown.
fn unknown_fronts(cx: &Context<'_>, why: &str) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, inv) in &cx.snapshot.regions {
        for lb in inv.elbv2.load_balancers.iter().filter(|lb| {
            lb.lb_type.as_deref() == Some("application")
                && lb.scheme.as_deref() == Some("internet-facing")
        }) {
            out.push(Outcome::new(
                lb.load_balancer_arn.clone(),
                region,
                Status::NotEvaluated(why.to_string()),
                format!(
                    "whether CloudFront fronts ALB {} is unknown, and so whether it must require \
                     CloudFront's header",
                    lb.name
                ),
            ));
        }
    }
    out
}

/// The backends each load balancer leads to on some CloudFront path (by
/// the load balancer's ARN, its hop's id), in one pass over the paths: a
/// distribution with other origins as well exposes other backends, which
/// this ALB's verdict does not concern.
fn behind_albs<'s>(cx: &Context<'s>) -> BTreeMap<&'s str, BTreeSet<(&'s str, &'s str)>> {
    let mut out: BTreeMap<&'s str, BTreeSet<(&'s str, &'s str)>> = BTreeMap::new();
    for region in cx.snapshot.region_names() {
        for (id, paths) in cx.exposures.in_region(region) {
            for e in paths.iter().filter(|e| e.path.kind == PathKind::CloudFront) {
                for h in e.path.hops.iter().filter(|h| h.kind == "load-balancer") {
                    out.entry(h.id.as_str()).or_default().insert((region, id));
                }
            }
        }
    }
    out
}

fn forwards(actions: &[LbAction]) -> bool {
    actions.iter().any(|a| a.action_type == "forward")
}

/// What lets a request without the header through `l`, or why that is
/// unknown (`Err`). `headers` are the names the origins add, lowercase.
fn listener_faults(
    cx: &Context<'_>,
    region: &str,
    l: &Listener,
    headers: &BTreeSet<String>,
) -> Result<Vec<String>, String> {
    let port = l.port.map_or("?".to_string(), |p| p.to_string());
    let mut faults = Vec::new();
    if forwards(&l.default_actions) {
        faults.push(format!("listener {port} forwards by its default action"));
    }
    let Some(rules) = &l.rules else {
        return Err(why_missing(cx, Some(region), &[RULES], &l.listener_arn));
    };
    for r in rules
        .iter()
        .filter(|r| !r.is_default && forwards(&r.actions))
    {
        let name = format!(
            "rule {} of listener {port}",
            r.priority.as_deref().unwrap_or("?")
        );
        let header_conditions: Vec<_> = r
            .conditions
            .iter()
            .filter(|c| c.field.as_deref() == Some("http-header"))
            .collect();
        if header_conditions.iter().any(|c| c.header_name.is_none()) {
            return Err(format!(
                "the header names of {name}'s conditions are not in this snapshot \
                 (written before rampart recorded them): re-scan"
            ));
        }
        let guarded = header_conditions.iter().any(|c| {
            !c.header_matches_anything
                && c.header_name
                    .as_deref()
                    .is_some_and(|h| headers.contains(&h.to_ascii_lowercase()))
        });
        if !guarded {
            faults.push(format!("{name} forwards without requiring it"));
        }
    }
    Ok(faults)
}

fn judge(
    cx: &Context<'_>,
    region: &str,
    lb: &LoadBalancer,
    fronting: &[(&Front<'_>, &rampart_model::CfOrigin)],
) -> Outcome {
    let dists: Vec<String> = fronting
        .iter()
        .map(|(f, _)| f.label())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let what = format!("ALB {} behind {}", lb.name, dists.join(", "));
    let headers: BTreeSet<String> = fronting
        .iter()
        .flat_map(|(_, o)| o.custom_header_names.iter())
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let ports: BTreeSet<u16> = fronting
        .iter()
        .flat_map(|(_, o)| ports(o.custom.as_ref()))
        .collect();
    if headers.is_empty() {
        Outcome::new(
            lb.load_balancer_arn.clone(),
            region,
            Status::Fail,
            format!(
                "{what}: CloudFront adds no custom header to its requests, so the load \
                 balancer cannot tell them from another distribution's"
            ),
        )
    } else {
        let listeners: Vec<&Listener> = lb
            .listeners
            .iter()
            .flatten()
            .filter(|l| {
                l.port
                    .and_then(|p| u16::try_from(p).ok())
                    .is_some_and(|p| ports.contains(&p))
            })
            .collect();
        let (mut faults, mut unknown) = (Vec::new(), Vec::new());
        if lb.listeners.is_none() {
            unknown.push(why_missing(
                cx,
                Some(region),
                &[Input::Listeners.operation()],
                &lb.load_balancer_arn,
            ));
        }
        for l in listeners {
            match listener_faults(cx, region, l, &headers) {
                Ok(f) => faults.extend(f),
                Err(why) => unknown.push(why),
            }
        }
        let names: Vec<&str> = headers.iter().map(String::as_str).collect();
        let acl = cx
            .index
            .regions
            .get(region)
            .and_then(|rix| rix.web_acl_for.get(&lb.load_balancer_arn));
        let unknown_msg = || format!("{what}: whether it requires CloudFront's header is unknown");
        let (status, message) = match (faults.is_empty(), unknown.is_empty(), acl) {
            (false, _, Some(acl)) => (
                Status::NotEvaluated(format!(
                    "its listeners do not require the header ({}), and web ACL {} may; \
                     rampart does not read a web ACL's header rules for this",
                    faults.join("; "),
                    acl.name
                )),
                unknown_msg(),
            ),
            (false, _, None) => (
                Status::Fail,
                format!(
                    "{what} forwards requests without CloudFront's header {}: {}",
                    names.join(" or "),
                    faults.join("; ")
                ),
            ),
            (true, false, _) => (Status::NotEvaluated(unknown.join("; ")), unknown_msg()),
            (true, true, _) => (
                Status::Pass,
                format!(
                    "{what} forwards only requests carrying CloudFront's header {}",
                    names.join(" or ")
                ),
            ),
        };
        Outcome::new(lb.load_balancer_arn.clone(), region, status, message)
    }
}

#[cfg(test)]
mod tests {
    use super::super::cloudfront::fixtures::*;
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;
    use rampart_model::*;

    const ALB: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/9";
    const LBS: &str = "elasticloadbalancing:DescribeLoadBalancers";

    fn fixed_403() -> LbAction {
        LbAction {
            action_type: "fixed-response".into(),
            order: Some(1),
            target_group_arns: vec![],
            redirect_protocol: None,
            redirect_port: None,
            fixed_response_status: Some("403".into()),
        }
    }

    fn header_rule(priority: &str, name: Option<&str>, anything: bool) -> ListenerRule {
        ListenerRule {
            rule_arn: format!("{ALB}/rule-{priority}"),
            priority: Some(priority.into()),
            is_default: false,
            conditions: vec![RuleCondition {
                field: Some("http-header".into()),
                values: vec![],
                header_name: name.map(str::to_string),
                header_matches_anything: anything,
            }],
            actions: vec![forward(TG_H)],
        }
    }

    /// The network demo plus an internet-facing ALB `web` whose HTTPS 443
    /// listener answers 403 by default and forwards on `rules`, fronted by
    /// distribution E1 adding `X-Origin-Verify`.
    fn account(rules: Option<Vec<ListenerRule>>) -> Snapshot {
        let mut l = listener(&format!("{ALB}/l443"), 443, "HTTPS", None, fixed_403());
        l.rules = rules;
        let mut origin = custom("web", "web.example");
        origin.custom_header_names = vec!["X-Origin-Verify".into()];
        let mut s = with(distribution(vec![origin]));
        region(&mut s).elbv2.load_balancers.push(lb(
            ALB,
            "web",
            "application",
            "internet-facing",
            &["subnet-hpub"],
            &[],
            vec![l],
        ));
        s
    }

    fn only(s: &Snapshot) -> Outcome {
        let got = run(&CloudFrontOriginHeader, s);
        assert_eq!(got.len(), 1, "{got:?}");
        got.into_iter().next().unwrap()
    }

    #[test]
    fn a_listener_forwarding_only_with_the_header_passes() {
        // Case-insensitive names, as the load balancer matches them.
        let got = only(&account(Some(vec![header_rule(
            "1",
            Some("x-origin-verify"),
            false,
        )])));
        assert_eq!(got.status, Status::Pass, "{got:?}");
        assert_eq!(got.resource_arn.as_ref(), ALB);
        assert_eq!(
            got.message,
            "ALB web behind distribution E1 (shop.example.com) forwards only requests \
             carrying CloudFront's header x-origin-verify"
        );
    }

    #[test]
    fn forwarding_without_the_header_fails() {
        // A default action that forwards.
        let mut s = account(Some(vec![]));
        let l = &mut region(&mut s).elbv2.load_balancers.last_mut().unwrap();
        l.listeners.as_mut().unwrap()[0].default_actions = vec![forward(TG_H)];
        let got = only(&s);
        assert_eq!(got.status, Status::Fail);
        assert!(
            got.message
                .ends_with("listener 443 forwards by its default action"),
            "{}",
            got.message
        );
        // A rule on another header, and one whose value is all wildcards.
        for rule in [
            header_rule("2", Some("X-Other"), false),
            header_rule("3", Some("X-Origin-Verify"), true),
        ] {
            let got = only(&account(Some(vec![rule])));
            assert_eq!(got.status, Status::Fail, "{got:?}");
            assert!(
                got.message
                    .contains("of listener 443 forwards without requiring it"),
                "{}",
                got.message
            );
        }
        // CloudFront adds no header at all.
        let mut s = account(Some(vec![header_rule("1", Some("X-Origin-Verify"), false)]));
        if let Some(cf) = &mut s.cloudfront {
            cf.distributions[0].origins[0].custom_header_names.clear();
        }
        let got = only(&s);
        assert_eq!(got.status, Status::Fail);
        assert!(
            got.message.contains("adds no custom header"),
            "{}",
            got.message
        );
    }

    #[test]
    fn unknown_rules_header_names_or_a_web_acl_are_not_evaluated() {
        // Rules not collected.
        let mut s = account(None);
        fail(&mut s, RULES);
        let got = only(&s);
        assert!(
            matches!(&got.status, Status::NotEvaluated(w) if w.contains(RULES)),
            "{got:?}"
        );
        // A snapshot from before header names were recorded.
        let got = only(&account(Some(vec![header_rule("1", None, false)])));
        assert!(
            matches!(&got.status, Status::NotEvaluated(w) if w.contains("re-scan")),
            "{got:?}"
        );
        // A listener that forwards without the header, and a web ACL on
        // the ALB that may demand it.
        let mut s = account(Some(vec![header_rule("2", Some("X-Other"), false)]));
        let mut acl = crate::checks::edge::fixtures::web_acl("shield", "ALLOW", vec![]);
        acl.associated_resources = Some(vec![ALB.into()]);
        region(&mut s).wafv2.web_acls.push(acl);
        let got = only(&s);
        assert!(
            matches!(&got.status, Status::NotEvaluated(w) if w.contains("web ACL shield")),
            "{got:?}"
        );
    }

    /// The ALB's verdict lists the backends behind it, not those behind
    /// the distribution's other origins (the legacy NLB's i-l1 here).
    #[test]
    fn only_the_backends_behind_the_alb_are_affected() {
        let mut s = account(Some(vec![header_rule("1", Some("X-Origin-Verify"), false)]));
        if let Some(cf) = &mut s.cloudfront {
            let d = &mut cf.distributions[0];
            d.origins.push(legacy_nlb());
            d.behaviors.push(CfBehavior {
                path_pattern: Some("/legacy/*".into()),
                target_origin_id: "nlb".into(),
                viewer_protocol_policy: Some("redirect-to-https".into()),
            });
        }
        let got = only(&s);
        assert_eq!(got.status, Status::Pass, "{got:?}");
        assert!(
            got.affected.iter().all(|a| !a.ends_with("/i-l1")),
            "{got:?}"
        );
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::compute(&index);
        let cx = Context::new(&s, &index, &exposures);
        let behind = behind_albs(&cx);
        assert!(
            behind
                .get(NLB_L)
                .is_some_and(|b| b.contains(&("us-east-1", "i-l1")))
        );
        assert!(
            behind
                .get(ALB)
                .is_none_or(|b| !b.contains(&("us-east-1", "i-l1")))
        );
    }

    /// NLB origins (no HTTP to hold a header) and distributions without
    /// an ALB origin give nothing; no distribution list: one gap.
    #[test]
    fn only_alb_origins_are_judged() {
        assert!(
            run(
                &CloudFrontOriginHeader,
                &with(distribution(vec![legacy_nlb()]))
            )
            .is_empty()
        );
        // No distribution list: its gap, and each internet-facing ALB
        // (any may be an origin) not evaluated with the same reason.
        let mut s = account(Some(vec![]));
        if let Some(cf) = &mut s.cloudfront {
            cf.distributions.clear();
        }
        // CloudFront is global: its error has no region.
        fail(&mut s, "cloudfront:ListDistributions");
        s.collection_errors.last_mut().unwrap().region = None;
        let got = run(&CloudFrontOriginHeader, &s);
        assert_eq!(
            statuses(&got),
            vec![("*".into(), "not-evaluated"), ("9".into(), "not-evaluated")]
        );
        assert!(got.iter().all(|o| matches!(&o.status,
            Status::NotEvaluated(w) if w.contains("cloudfront:ListDistributions"))));
        // No load balancer list: the origin resolves to nothing, and the
        // region's load balancers are not evaluated.
        let mut s = account(Some(vec![]));
        region(&mut s).elbv2.load_balancers.clear();
        fail(&mut s, LBS);
        let got = run(&CloudFrontOriginHeader, &s);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].resource_arn.ends_with(":loadbalancer/*"), "{got:?}");
        assert!(matches!(&got[0].status, Status::NotEvaluated(w) if w.contains(LBS)));
    }
}
