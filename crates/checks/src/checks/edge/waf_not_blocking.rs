//! EDGE-005: a web ACL that only counts is a monitor, not a firewall. It
//! fails when a rule group is overridden to COUNT, when rules of the
//! required AWS managed groups are overridden to COUNT (or ALLOW, or
//! excluded), or when the default action is ALLOW and no rule stops
//! anything. The message names every such rule.

use rampart_model::{Status, WafStatement};

use super::support::{REQUIRED_GROUPS, acl_body_missing, each_web_acl, list, stops};
use crate::registry::{Check, Context, Outcome};

pub struct WafNotBlocking;

impl Check for WafNotBlocking {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-005")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        each_web_acl(cx, |region, acl| {
            let Some(rules) = &acl.rules else {
                return acl_body_missing(cx, region, acl);
            };
            // Rules (or groups) that do not act as written.
            let mut counted = Vec::new();
            // Rules that stop requests, and rule groups whose contents may.
            let mut stopping = Vec::new();
            let mut opaque = Vec::new();
            for r in rules {
                // Rule group statements only exist at the top of a rule.
                match &r.statement {
                    WafStatement::ManagedRuleGroup {
                        vendor_name,
                        name,
                        rule_action_overrides,
                        excluded_rules,
                        ..
                    } => {
                        if r.override_action.as_deref() == Some("count") {
                            counted.push(format!("{} (group {name} overridden to COUNT)", r.name));
                            continue;
                        }
                        stopping.push(r.name.clone());
                        if vendor_name == "AWS" && REQUIRED_GROUPS.contains(&name.as_str()) {
                            let neutered: Vec<String> = rule_action_overrides
                                .iter()
                                .filter(|o| matches!(o.action.as_deref(), Some("count" | "allow")))
                                .map(|o| {
                                    format!(
                                        "{} -> {}",
                                        o.name,
                                        o.action.as_deref().unwrap_or_default().to_uppercase()
                                    )
                                })
                                .chain(excluded_rules.iter().map(|e| format!("{e} (excluded)")))
                                .collect();
                            if !neutered.is_empty() {
                                counted.push(format!("{} ({})", r.name, list(&neutered)));
                            }
                        }
                    }
                    WafStatement::RuleGroupReference { .. } => {
                        if r.override_action.as_deref() == Some("count") {
                            counted.push(format!("{} (rule group overridden to COUNT)", r.name));
                        } else {
                            opaque.push(r.name.clone());
                        }
                    }
                    _ => {
                        if stops(r.action.as_deref()) {
                            stopping.push(r.name.clone());
                        }
                    }
                }
            }
            if !counted.is_empty() {
                return (
                    Status::Fail,
                    format!(
                        "web ACL {} does not block with {}",
                        acl.name,
                        list(&counted)
                    ),
                );
            }
            match acl.default_action.as_deref() {
                Some("block") => (
                    Status::Pass,
                    format!("web ACL {} blocks by default", acl.name),
                ),
                None => (
                    Status::NotEvaluated(format!(
                        "the default action of web ACL {} was not collected",
                        acl.name
                    )),
                    format!("web ACL {}: default action unknown", acl.name),
                ),
                Some(_) if !stopping.is_empty() => (
                    Status::Pass,
                    format!(
                        "web ACL {} stops requests with {}",
                        acl.name,
                        list(&stopping)
                    ),
                ),
                Some(_) if !opaque.is_empty() => (
                    Status::NotEvaluated(format!(
                        "the rules inside rule group(s) {} are not collected",
                        list(&opaque)
                    )),
                    format!(
                        "web ACL {} allows by default and blocks only through rule groups, if at all",
                        acl.name
                    ),
                ),
                Some(action) => (
                    Status::Fail,
                    format!(
                        "web ACL {} has default action {} and no rule that blocks",
                        acl.name,
                        action.to_uppercase()
                    ),
                ),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;

    #[test]
    fn blocking_acls_pass() {
        let mut s = snapshot();
        region(&mut s).wafv2.web_acls = vec![
            web_acl("managed", "allow", baseline()),
            web_acl("custom", "allow", vec![plain("ua", "block")]),
            web_acl("closed", "block", vec![plain("office", "allow")]),
            // Overrides on groups outside the baseline are tuning, not a gap.
            web_acl(
                "tuned",
                "allow",
                vec![rampart_model::WafRule {
                    statement: managed_statement(
                        "AWSManagedRulesLinuxRuleSet",
                        vec!["LFI_URIPATH"],
                    ),
                    ..managed(0, "AWSManagedRulesLinuxRuleSet")
                }],
            ),
        ];
        assert_eq!(
            statuses(&run(&WafNotBlocking, &s)),
            vec![
                ("closed".into(), "pass"),
                ("custom".into(), "pass"),
                ("managed".into(), "pass"),
                ("tuned".into(), "pass"),
            ]
        );
    }

    #[test]
    fn counting_overrides_and_allow_only_acls_fail_naming_the_rules() {
        let mut s = snapshot();
        // The demo's hardened ACL: one CommonRuleSet rule overridden to count.
        let mut tuned = baseline();
        tuned[0].statement = managed_statement(
            "AWSManagedRulesCommonRuleSet",
            vec!["SizeRestrictions_BODY"],
        );
        let mut group_count = baseline();
        group_count[2].override_action = Some("count".into());
        if let WafStatement::ManagedRuleGroup { excluded_rules, .. } = &mut group_count[1].statement
        {
            excluded_rules.push("Log4JRCE".into());
        }
        region(&mut s).wafv2.web_acls = vec![
            web_acl("tuned", "allow", tuned),
            web_acl("counting", "allow", group_count),
            web_acl(
                "open",
                "allow",
                vec![rate("rl", "count"), plain("x", "count")],
            ),
            web_acl("bare", "allow", vec![]),
        ];
        let got = run(&WafNotBlocking, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("bare".into(), "fail"),
                ("counting".into(), "fail"),
                ("open".into(), "fail"),
                ("tuned".into(), "fail"),
            ]
        );
        let msg = |name: &str| {
            got.iter()
                .find(|o| o.resource_arn.ends_with(&format!("/{name}")))
                .unwrap()
                .message
                .clone()
        };
        assert_eq!(
            msg("tuned"),
            "web ACL tuned does not block with AWS-AWSManagedRulesCommonRuleSet (SizeRestrictions_BODY -> COUNT)"
        );
        assert!(msg("counting").contains(
            "AWS-AWSManagedRulesKnownBadInputsRuleSet (Log4JRCE (excluded)) and \
             AWS-AWSManagedRulesSQLiRuleSet (group AWSManagedRulesSQLiRuleSet overridden to COUNT)"
        ));
        assert_eq!(
            msg("open"),
            "web ACL open has default action ALLOW and no rule that blocks"
        );
    }

    #[test]
    fn unknown_bodies_default_actions_and_rule_groups_are_not_evaluated() {
        let mut s = snapshot();
        let mut opaque = web_acl("opaque", "allow", vec![]);
        opaque.rules = None;
        let mut no_default = web_acl("nodefault", "allow", vec![]);
        no_default.default_action = None;
        region(&mut s).wafv2.web_acls = vec![
            opaque,
            no_default,
            web_acl("grouped", "allow", vec![group_ref("mine", "none")]),
        ];
        let got = run(&WafNotBlocking, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("grouped".into(), "not-evaluated"),
                ("nodefault".into(), "not-evaluated"),
                ("opaque".into(), "not-evaluated"),
            ]
        );
        // Without a recorded error the reason still says what is missing.
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("rules of web ACL opaque"))
        );
    }
}
