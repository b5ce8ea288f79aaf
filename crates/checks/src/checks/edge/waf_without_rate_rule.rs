//! EDGE-004: a web ACL without a rate-based rule that acts (block, CAPTCHA
//! or challenge) lets one client send as many requests as it likes:
//! credential stuffing, scraping and application-layer floods go through
//! the WAF untouched. A rate rule left in COUNT only measures the flood.

use rampart_model::{Status, WafStatement};

use super::support::{acl_body_missing, each_web_acl, list, statements, stops};
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
            let rate_rules: Vec<_> = rules
                .iter()
                .filter(|r| {
                    statements(&r.statement)
                        .iter()
                        .any(|s| matches!(s, WafStatement::RateBased { .. }))
                })
                .collect();
            if let Some(r) = rate_rules.iter().find(|r| stops(r.action.as_deref())) {
                let limit = match &r.statement {
                    WafStatement::RateBased { limit, .. } => format!(" ({limit} requests)"),
                    _ => String::new(),
                };
                return (
                    Status::Pass,
                    format!(
                        "web ACL {} rate-limits with rule {}{limit}, action {}",
                        acl.name,
                        r.name,
                        r.action.as_deref().unwrap_or_default()
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
            // rules are not in the snapshot.
            let opaque: Vec<String> = rules
                .iter()
                .filter(|r| {
                    matches!(r.statement, WafStatement::RuleGroupReference { .. })
                        && r.override_action.as_deref() != Some("count")
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
}
