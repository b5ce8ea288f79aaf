//! EDGE-004: a web ACL without a rate-based rule that acts (block, CAPTCHA
//! or challenge) lets one client send as many requests as it likes:
//! credential stuffing, scraping and application-layer floods go through
//! the WAF untouched. A rate rule left in COUNT only measures the flood. A
//! rate rule counts only when every request reaches it (see
//! [`super::waf_order`]): a broad Allow ahead of it, or a scope-down
//! statement any client can stay outside of, fails.

use rampart_model::{Status, WafRule, WafStatement};

use super::support::{acl_body_missing, each_web_acl, list, stops};
use super::waf_order::{Coverage, coverage, exemptions, explain, in_order, label};
use crate::registry::{Check, Context, Outcome};

pub struct WafWithoutRateRule;

impl Check for WafWithoutRateRule {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-004")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        each_web_acl(cx, |region, acl| {
            let Some(rules) = &acl.rules else {
                return acl_body_missing(cx, region, acl);
            };
            let ordered = in_order(rules);
            // A rate-based statement is always a rule's top-level statement
            // (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements.html,
            // "Nesting rule statements").
            let rate_rules: Vec<&WafRule> = ordered
                .iter()
                .copied()
                .filter(|r| matches!(r.statement, WafStatement::RateBased { .. }))
                .collect();
            let acting: Vec<(&WafRule, Coverage)> = rate_rules
                .iter()
                .filter(|r| stops(r.action.as_deref()))
                .map(|r| (*r, coverage(&ordered, Some(r), &label(r))))
                .collect();
            if let Some((r, reach)) = acting.iter().find(|(_, c)| matches!(c, Coverage::Full(_))) {
                let limit = match &r.statement {
                    WafStatement::RateBased { limit, .. } => format!(" ({limit} requests)"),
                    _ => String::new(),
                };
                return (
                    Status::Pass,
                    format!(
                        "web ACL {} rate-limits with rule {}{limit}, action {}, reached by every \
                         request{}",
                        acl.name,
                        r.name,
                        r.action.as_deref().unwrap_or_default(),
                        exemptions([reach])
                    ),
                );
            }
            let gaps = |bypassed: bool| -> Vec<_> {
                acting
                    .iter()
                    .filter_map(|(_, c)| match c {
                        Coverage::Bypassed(g) if bypassed => Some(g),
                        Coverage::Unknown(g) if !bypassed => Some(g),
                        _ => None,
                    })
                    .collect()
            };
            let unknown = gaps(false);
            if !unknown.is_empty() {
                return (
                    Status::NotEvaluated(explain(&unknown, false).join("; ")),
                    format!(
                        "web ACL {}: whether requests reach its rate-based rule(s) is unknown",
                        acl.name
                    ),
                );
            }
            if !acting.is_empty() {
                return (
                    Status::Fail,
                    format!(
                        "web ACL {}: any client can avoid its rate-based rule(s): {}",
                        acl.name,
                        explain(&gaps(true), true).join("; ")
                    ),
                );
            }
            if !rate_rules.is_empty() {
                let names: Vec<String> = rate_rules
                    .iter()
                    .map(|r| {
                        format!(
                            "{} ({})",
                            r.name,
                            r.action.as_deref().unwrap_or("no action")
                        )
                    })
                    .collect();
                return (
                    Status::Fail,
                    format!(
                        "web ACL {} has rate-based rule(s) that do not block: {}",
                        acl.name,
                        list(&names)
                    ),
                );
            }
            // Customer rule groups can hold rate-based rules, and their
            // rules are not in the snapshot; one that any client can bypass
            // cannot rate-limit every client.
            let opaque: Vec<String> = ordered
                .iter()
                .filter(|r| {
                    matches!(r.statement, WafStatement::RuleGroupReference { .. })
                        && r.override_action.as_deref() != Some("count")
                        && !matches!(
                            coverage(&ordered, Some(r), &label(r)),
                            Coverage::Bypassed(_)
                        )
                })
                .map(|r| r.name.clone())
                .collect();
            if !opaque.is_empty() {
                return (
                    Status::NotEvaluated(format!(
                        "the rules inside rule group(s) {} are not collected and may rate-limit",
                        list(&opaque)
                    )),
                    format!("web ACL {} has no rate-based rule of its own", acl.name),
                );
            }
            (
                Status::Fail,
                format!("web ACL {} has no rate-based rule", acl.name),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;

    #[test]
    fn a_blocking_rate_rule_passes_a_counting_or_missing_one_fails() {
        let mut s = snapshot();
        let with = |extra: Vec<rampart_model::WafRule>| {
            let mut rules = baseline();
            rules.extend(extra);
            rules
        };
        region(&mut s).wafv2.web_acls = vec![
            web_acl("block", "allow", with(vec![rate("rl", "block")])),
            web_acl("challenge", "allow", with(vec![rate("rl", "challenge")])),
            web_acl("count", "allow", with(vec![rate("rl", "count")])),
            web_acl("none", "allow", with(vec![plain("ua", "block")])),
            // A rule group in COUNT cannot rate-limit either.
            web_acl(
                "counted-group",
                "allow",
                with(vec![group_ref("mine", "count")]),
            ),
        ];
        let got = run(&WafWithoutRateRule, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("block".into(), "pass"),
                ("challenge".into(), "pass"),
                ("count".into(), "fail"),
                ("counted-group".into(), "fail"),
                ("none".into(), "fail"),
            ]
        );
        let count = got
            .iter()
            .find(|o| o.resource_arn.ends_with("/count"))
            .unwrap();
        assert!(
            count.message.contains("do not block: rl (count)"),
            "{}",
            count.message
        );
        let block = got
            .iter()
            .find(|o| o.resource_arn.ends_with("/block"))
            .unwrap();
        assert!(
            block
                .message
                .contains("rule rl (2000 requests), action block")
        );
    }

    #[test]
    fn unknown_rules_or_rule_group_contents_are_not_evaluated() {
        let mut s = snapshot();
        let mut opaque = web_acl("opaque", "allow", vec![]);
        opaque.rules = None;
        region(&mut s).wafv2.web_acls = vec![
            opaque,
            web_acl("grouped", "allow", vec![group_ref("mine", "none")]),
        ];
        fail(&mut s, "wafv2:GetWebACL");
        let got = run(&WafWithoutRateRule, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("grouped".into(), "not-evaluated"),
                ("opaque".into(), "not-evaluated"),
            ]
        );
        assert!(matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("wafv2:GetWebACL")));
        assert!(
            matches!(&got[1].status, Status::NotEvaluated(r) if r.contains("rule group(s) mine"))
        );
    }

    /// Item 16 of issue 13: a rate rule behind a broad Allow is not reached
    /// by the requests the Allow matches
    /// (https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html);
    /// a scope-down statement limits the rate rule to the requests it
    /// matches
    /// (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-scope-down-statements.html).
    #[test]
    fn only_a_rate_rule_that_requests_reach_counts() {
        let mut s = snapshot();
        let first = |rule: rampart_model::WafRule| vec![rule, rate("rl", "block")];
        region(&mut s).wafv2.web_acls = vec![
            web_acl("geo", "allow", first(allow("allow-de", 0, geo(&["DE"])))),
            web_acl(
                "office",
                "allow",
                first(allow("office", 0, ip_set("office"))),
            ),
            web_acl(
                "bytematch",
                "allow",
                first(allow("health", 0, other("ByteMatchStatement"))),
            ),
            web_acl(
                "scoped-geo",
                "allow",
                vec![scoped(rate("rl", "block"), geo(&["US"]))],
            ),
            web_acl(
                "scoped-office",
                "allow",
                vec![scoped(rate("rl", "block"), not(ip_set("office")))],
            ),
            web_acl(
                "scoped-login",
                "allow",
                vec![scoped(rate("rl", "block"), other("ByteMatchStatement"))],
            ),
            // One rate rule for everyone is enough, whatever else is scoped.
            web_acl(
                "two",
                "allow",
                vec![
                    scoped(rate("login", "block"), other("ByteMatchStatement")),
                    at(rate("all", "block"), 11),
                ],
            ),
        ];
        let got = run(&WafWithoutRateRule, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("bytematch".into(), "not-evaluated"),
                ("geo".into(), "fail"),
                ("office".into(), "pass"),
                ("scoped-geo".into(), "fail"),
                ("scoped-login".into(), "not-evaluated"),
                ("scoped-office".into(), "pass"),
                ("two".into(), "pass"),
            ]
        );
        let msg = |name: &str| {
            let o = got
                .iter()
                .find(|o| o.resource_arn == acl_arn(name))
                .unwrap();
            match &o.status {
                Status::NotEvaluated(r) => format!("{} / {r}", o.message),
                _ => o.message.clone(),
            }
        };
        assert!(
            msg("geo").contains("rule allow-de (priority 0) allows requests matching geo match DE")
                && msg("geo").contains("rl (priority 10)"),
            "{}",
            msg("geo")
        );
        assert!(msg("office").contains("IP set office"), "{}", msg("office"));
        assert!(
            msg("scoped-geo").contains("scope-down statement (geo match US)"),
            "{}",
            msg("scoped-geo")
        );
        assert!(
            msg("scoped-office").contains("NOT IP set office"),
            "{}",
            msg("scoped-office")
        );
        assert!(
            msg("scoped-login").contains("ByteMatchStatement"),
            "{}",
            msg("scoped-login")
        );
        assert!(msg("two").contains("rule all"), "{}", msg("two"));
    }
}
