//! NET-011: an internet-facing listener that accepts plaintext (HTTP, TCP,
//! UDP) lets anyone on the path read and change requests, credentials and
//! tokens included; one that terminates TLS with an old security policy
//! still negotiates TLS 1.0/1.1 or weak ciphers.
//!
//! Judged per listener of internet-facing load balancers. Modern policies
//! are the TLS 1.2+ families: `ELBSecurityPolicy-TLS13-*` (except the
//! `TLS13-1-0`/`TLS13-1-1` ones, which still accept TLS 1.0/1.1),
//! `ELBSecurityPolicy-TLS-1-2-*` and `ELBSecurityPolicy-FS-1-2-*`. An HTTP
//! listener passes when every action it can take (default and rules)
//! redirects to HTTPS or answers with a fixed response.

use rampart_model::{LbAction, Listener, LoadBalancer, Snapshot, Status};

use crate::registry::{Check, Context, Outcome};

pub struct LbListenerWithoutTls;

impl Check for LbListenerWithoutTls {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-011")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let s = cx.snapshot;
        let mut out = Vec::new();
        for (region, inv) in &s.regions {
            if let Some(why) = cx.not_collected(
                Some(region),
                &["elasticloadbalancing:DescribeLoadBalancers"],
            ) {
                out.push(Outcome::new(
                    elb_arn(s, region, "listener/*"),
                    region,
                    Status::NotEvaluated(why),
                    format!("load balancers in {region} were not collected"),
                ));
                continue;
            }
            for lb in &inv.elbv2.load_balancers {
                match lb.scheme.as_deref() {
                    Some("internet-facing") => {}
                    Some(_) => continue,
                    None => {
                        out.push(Outcome::new(
                            lb.load_balancer_arn.clone(),
                            region,
                            Status::NotEvaluated(format!("the scheme of {} is unknown", lb.name)),
                            format!("cannot tell whether {} is internet-facing", lb.name),
                        ));
                        continue;
                    }
                }
                let Some(listeners) = &lb.listeners else {
                    let why = cx
                        .not_collected(Some(region), &["elasticloadbalancing:DescribeListeners"])
                        .unwrap_or_else(|| format!("listeners of {} not collected", lb.name));
                    // Listeners other data names (a private integration)
                    // keep their own verdict (issue 14 item 3).
                    if let Some(prefix) = listener_prefix(&lb.load_balancer_arn) {
                        for arn in cx.named_in(region, &prefix) {
                            out.push(Outcome::new(
                                arn,
                                region,
                                Status::NotEvaluated(why.clone()),
                                format!("the listeners of {} are unknown", lb.name),
                            ));
                        }
                    }
                    out.push(Outcome::new(
                        lb.load_balancer_arn.clone(),
                        region,
                        Status::NotEvaluated(why),
                        format!("the listeners of {} are unknown", lb.name),
                    ));
                    continue;
                };
                for l in listeners {
                    let (status, message) = judge(cx, region, lb, l);
                    out.push(Outcome::new(
                        l.listener_arn.clone(),
                        region,
                        status,
                        message,
                    ));
                }
            }
        }
        out
    }
}

/// The ARN prefix of a load balancer's listeners: `...:loadbalancer/app/NAME/ID`
/// gives `...:listener/app/NAME/ID/`
/// (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_elasticloadbalancingv2.html#elasticloadbalancingv2-resources-for-iam-policies>).
fn listener_prefix(lb_arn: &str) -> Option<String> {
    let (head, tail) = lb_arn.split_once(":loadbalancer/")?;
    Some(format!("{head}:listener/{tail}/"))
}

fn judge(cx: &Context<'_>, region: &str, lb: &LoadBalancer, l: &Listener) -> (Status, String) {
    let name = format!(
        "listener {}:{} of internet-facing {}",
        l.protocol.as_deref().unwrap_or("?"),
        l.port.map_or("?".into(), |p| p.to_string()),
        lb.name
    );
    match l
        .protocol
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        Some("HTTPS" | "TLS") => match l.ssl_policy.as_deref() {
            Some(p) if modern(p) => (Status::Pass, format!("{name} uses TLS policy {p}")),
            Some(p) => (
                Status::Fail,
                format!("{name} uses outdated TLS policy {p} (TLS 1.0/1.1 or weak ciphers)"),
            ),
            None => (
                Status::NotEvaluated(format!("no TLS policy reported for {}", l.listener_arn)),
                format!("the TLS policy of {name} is unknown"),
            ),
        },
        Some("HTTP") => {
            let rules = match &l.rules {
                Some(r) => r.as_slice(),
                None if lb.lb_type.as_deref() == Some("application") => {
                    match cx.not_collected(Some(region), &["elasticloadbalancing:DescribeRules"]) {
                        Some(why) => {
                            return (
                                Status::NotEvaluated(why),
                                format!("the rules of {name} are unknown"),
                            );
                        }
                        None => &[],
                    }
                }
                None => &[],
            };
            let actions: Vec<&LbAction> = l
                .default_actions
                .iter()
                .chain(rules.iter().flat_map(|r| r.actions.iter()))
                .collect();
            if !actions.is_empty() && actions.iter().all(|a| secure_answer(a)) {
                (Status::Pass, format!("{name} only redirects to HTTPS"))
            } else {
                (
                    Status::Fail,
                    format!("{name} serves plaintext HTTP instead of redirecting to HTTPS"),
                )
            }
        }
        Some(p @ ("TCP" | "UDP" | "TCP_UDP")) => (
            Status::Fail,
            format!(
                "{name} accepts plaintext {p} from the internet (use a TLS listener; a TCP passthrough to a backend that terminates TLS itself cannot be told apart)"
            ),
        ),
        Some(other) => (
            Status::NotEvaluated(format!("listener protocol {other} not judged")),
            format!("{name} uses protocol {other}"),
        ),
        None => (
            Status::NotEvaluated(format!("no protocol reported for {}", l.listener_arn)),
            format!("the protocol of {name} is unknown"),
        ),
    }
}

/// True for a security policy that allows only TLS 1.2 and later.
fn modern(policy: &str) -> bool {
    let p = policy.to_ascii_lowercase();
    (p.starts_with("elbsecuritypolicy-tls13-")
        && !p.starts_with("elbsecuritypolicy-tls13-1-0-")
        && !p.starts_with("elbsecuritypolicy-tls13-1-1-"))
        || p.starts_with("elbsecuritypolicy-tls-1-2-")
        || p.starts_with("elbsecuritypolicy-fs-1-2-")
}

/// A redirect to HTTPS, or a fixed response (which serves no backend data).
fn secure_answer(a: &LbAction) -> bool {
    match a.action_type.to_ascii_lowercase().as_str() {
        "redirect" => a
            .redirect_protocol
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS")),
        "fixed-response" => true,
        _ => false,
    }
}

fn elb_arn(s: &Snapshot, region: &str, what: &str) -> String {
    format!(
        "arn:{}:elasticloadbalancing:{region}:{}:{what}",
        s.partition, s.account_id
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;
    use rampart_model::*;

    const ALB: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb/3";

    fn alb(listeners: Vec<Listener>) -> LoadBalancer {
        lb(
            ALB,
            "alb",
            "application",
            "internet-facing",
            &["subnet-hpub"],
            &[],
            listeners,
        )
    }

    fn arn(n: &str) -> String {
        format!("{ALB}/{n}")
    }

    #[test]
    fn the_public_tcp_listener_fails_the_internal_tls_one_is_not_judged() {
        let got = run(&LbListenerWithoutTls, &demo());
        assert_eq!(statuses(&got), vec![("l-l".into(), "fail")]);
        assert!(got[0].message.starts_with(
            "listener TCP:80 of internet-facing nlb-l accepts plaintext TCP from the internet"
        ));
    }

    #[test]
    fn policies_and_redirects() {
        let mut s = demo();
        let mut forward_rule = listener(&arn("http-rule"), 8080, "HTTP", None, redirect("HTTPS"));
        forward_rule.rules = Some(vec![ListenerRule {
            rule_arn: "r".into(),
            priority: Some("1".into()),
            is_default: false,
            conditions: vec![],
            actions: vec![forward(TG_H)],
        }]);
        region(&mut s).elbv2.load_balancers = vec![alb(vec![
            listener(
                &arn("tls13"),
                443,
                "HTTPS",
                Some("ELBSecurityPolicy-TLS13-1-2-2021-06"),
                forward(TG_H),
            ),
            listener(
                &arn("fs12"),
                8443,
                "HTTPS",
                Some("ELBSecurityPolicy-FS-1-2-Res-2020-10"),
                forward(TG_H),
            ),
            listener(
                &arn("old"),
                9443,
                "HTTPS",
                Some("ELBSecurityPolicy-2016-08"),
                forward(TG_H),
            ),
            listener(
                &arn("tls10"),
                10443,
                "HTTPS",
                Some("ELBSecurityPolicy-TLS13-1-0-2021-06"),
                forward(TG_H),
            ),
            listener(&arn("redirect"), 80, "HTTP", None, redirect("HTTPS")),
            listener(&arn("http"), 81, "HTTP", None, forward(TG_H)),
            listener(&arn("keep"), 82, "HTTP", None, redirect("#{protocol}")),
            forward_rule,
        ])];
        assert_eq!(
            statuses(&run(&LbListenerWithoutTls, &s)),
            vec![
                ("fs12".into(), "pass"),
                ("http".into(), "fail"),
                ("http-rule".into(), "fail"),
                ("keep".into(), "fail"),
                ("old".into(), "fail"),
                ("redirect".into(), "pass"),
                ("tls10".into(), "fail"),
                ("tls13".into(), "pass"),
            ]
        );
    }

    #[test]
    fn missing_load_balancers_listeners_or_rules_are_not_evaluated() {
        let mut s = demo();
        region(&mut s).elbv2.load_balancers = vec![alb(vec![listener(
            &arn("redirect"),
            80,
            "HTTP",
            None,
            redirect("HTTPS"),
        )])];
        fail(&mut s, "elasticloadbalancing:DescribeRules");
        assert_eq!(
            statuses(&run(&LbListenerWithoutTls, &s)),
            vec![("redirect".into(), "not-evaluated")]
        );
        let mut s = demo();
        region(&mut s).elbv2.load_balancers[1].listeners = None;
        fail(&mut s, "elasticloadbalancing:DescribeListeners");
        assert_eq!(
            statuses(&run(&LbListenerWithoutTls, &s)),
            vec![("2".into(), "not-evaluated")]
        );
        let mut s = demo();
        fail(&mut s, "elasticloadbalancing:DescribeLoadBalancers");
        assert_eq!(
            statuses(&run(&LbListenerWithoutTls, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }

    /// Issue 14 item 3: a listener other data names (an HTTP API's
    /// private integration) keeps its own verdict when its load
    /// balancer's listeners were not collected.
    #[test]
    fn a_listener_other_data_names_keeps_a_verdict_without_the_listener_list() {
        let full = run(&LbListenerWithoutTls, &demo());
        assert!(
            full.iter().any(|o| o.resource_arn == LISTENER_L),
            "{full:#?}"
        );
        let mut s = demo();
        region(&mut s).apigatewayv2.apis = vec![http_api(http_integration("VPC_LINK", LISTENER_L))];
        region(&mut s).elbv2.load_balancers[1].listeners = None;
        fail(&mut s, "elasticloadbalancing:DescribeListeners");
        let got = run(&LbListenerWithoutTls, &s);
        let l = got
            .iter()
            .find(|o| o.resource_arn == LISTENER_L)
            .unwrap_or_else(|| panic!("no verdict on {LISTENER_L}: {got:#?}"));
        assert!(
            matches!(&l.status, Status::NotEvaluated(w) if w.contains("DescribeListeners")),
            "{l:#?}"
        );
    }
}
