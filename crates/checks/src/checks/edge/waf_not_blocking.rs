//! EDGE-005: a web ACL that only counts is a monitor, not a firewall. It
//! fails when a rule group is overridden to COUNT, when rules of the
//! baseline AWS managed groups (and of the groups `rampart.toml` requires
//! for the APIs the ACL protects) are overridden to COUNT (or ALLOW, or
//! excluded), or when nothing that stops requests is reached by every
//! request: a default action ALLOW with no rule that blocks, or a broad
//! Allow ahead of every rule that blocks and of a default action BLOCK
//! (see [`super::waf_order`]). The message names every such rule.

use rampart_model::{Status, WafStatement};

use super::support::{
    BASELINE_GROUPS, acl_body_missing, config_required, each_web_acl_in, list, stops,
};
use super::waf_order::{Coverage, coverage, exemptions, explain, in_order, label};
use crate::registry::{Check, Context, Outcome};

pub struct WafNotBlocking;

impl Check for WafNotBlocking {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-005")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        each_web_acl_in(cx, |region, inv, acl| {
            let Some(rules) = &acl.rules else {
                return acl_body_missing(cx, region, acl);
            };
            let ordered = in_order(rules);
            let mut required: Vec<String> = BASELINE_GROUPS.map(String::from).to_vec();
            required.extend(
                config_required(cx, inv, acl)
                    .into_iter()
                    .filter(|c| c.certain)
                    .map(|c| c.group),
            );
            // Rules (or groups) that do not act as written.
            let mut counted = Vec::new();
            // What stops requests, and rule groups whose contents may, with
            // how completely requests reach them.
            let mut stopping: Vec<(String, Coverage)> = Vec::new();
            let mut opaque: Vec<(String, Coverage)> = Vec::new();
            for r in &ordered {
                let reach = || coverage(&ordered, Some(r), &label(r));
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
                        stopping.push((r.name.clone(), reach()));
                        if vendor_name == "AWS" && required.contains(name) {
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
                            opaque.push((r.name.clone(), reach()));
                        }
                    }
                    _ => {
                        if stops(r.action.as_deref()) {
                            stopping.push((r.name.clone(), reach()));
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
            let Some(default) = acl.default_action.as_deref() else {
                return (
                    Status::NotEvaluated(format!(
                        "the default action of web ACL {} was not collected",
                        acl.name
                    )),
                    format!("web ACL {}: default action unknown", acl.name),
                );
            };
            const DEFAULT_BLOCK: &str = "the default action BLOCK";
            if default == "block" {
                let reach = coverage(&ordered, None, DEFAULT_BLOCK);
                if matches!(reach, Coverage::Full(_)) {
                    return (
                        Status::Pass,
                        format!(
                            "web ACL {} blocks by default{}",
                            acl.name,
                            exemptions([&reach])
                        ),
                    );
                }
                stopping.push((DEFAULT_BLOCK.to_string(), reach));
            }
            let full: Vec<&(String, Coverage)> = stopping
                .iter()
                .filter(|(_, c)| matches!(c, Coverage::Full(_)))
                .collect();
            if !full.is_empty() {
                let names: Vec<String> = full.iter().map(|(n, _)| n.clone()).collect();
                return (
                    Status::Pass,
                    format!(
                        "web ACL {} stops requests with {}{}",
                        acl.name,
                        list(&names),
                        exemptions(full.iter().map(|(_, c)| c))
                    ),
                );
            }
            let unknown: Vec<_> = stopping
                .iter()
                .filter_map(|(_, c)| match c {
                    Coverage::Unknown(g) => Some(g),
                    _ => None,
                })
                .collect();
            let mut reasons = explain(&unknown, false);
            // A customer rule group any client can bypass cannot block for
            // everyone; one that requests may reach may block.
            let reached: Vec<String> = opaque
                .iter()
                .filter(|(_, c)| !matches!(c, Coverage::Bypassed(_)))
                .map(|(n, _)| n.clone())
                .collect();
            if !reached.is_empty() {
                reasons.push(format!(
                    "the rules inside rule group(s) {} are not collected",
                    list(&reached)
                ));
            }
            if !reasons.is_empty() {
                return (
                    Status::NotEvaluated(reasons.join("; ")),
                    format!(
                        "web ACL {} may block only through rules whose reach or contents are unknown",
                        acl.name
                    ),
                );
            }
            if stopping.is_empty() {
                return (
                    Status::Fail,
                    format!(
                        "web ACL {} has default action {} and no rule that blocks",
                        acl.name,
                        default.to_uppercase()
                    ),
                );
            }
            let bypassed: Vec<_> = stopping
                .iter()
                .filter_map(|(_, c)| match c {
                    Coverage::Bypassed(g) => Some(g),
                    _ => None,
                })
                .collect();
            (
                Status::Fail,
                format!(
                    "web ACL {}: any client can get past everything that blocks: {}",
                    acl.name,
                    explain(&bypassed, true).join("; ")
                ),
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
    fn blocking_acls_pass() {
        let mut s = snapshot();
        region(&mut s).wafv2.web_acls = vec![
            web_acl("managed", "allow", baseline()),
            web_acl("custom", "allow", vec![plain("ua", "block")]),
            web_acl(
                "closed",
                "block",
                vec![allow("office", 0, ip_set("office"))],
            ),
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

    /// Item 16 of issue 13: Allow ends evaluation, so the rules that block
    /// (and the default action) behind a broad Allow never see the requests
    /// it matches
    /// (https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html,
    /// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-default-action.html).
    #[test]
    fn blocking_rules_behind_a_broad_allow_do_not_count() {
        let mut s = snapshot();
        region(&mut s).wafv2.web_acls = vec![
            // A geo fence: every client in DE skips the block by default.
            web_acl(
                "geo-fence",
                "block",
                vec![allow("allow-de", 0, geo(&["DE"]))],
            ),
            web_acl(
                "open",
                "allow",
                vec![
                    allow("not-bad", 0, not(ip_set("bad"))),
                    plain("ua", "block"),
                ],
            ),
            web_acl(
                "office",
                "allow",
                vec![allow("office", 0, ip_set("office")), plain("ua", "block")],
            ),
            web_acl(
                "health",
                "block",
                vec![allow("health", 0, other("ByteMatchStatement"))],
            ),
            // A block ahead of the allow still blocks everyone.
            web_acl(
                "block-first",
                "allow",
                vec![
                    at(plain("ua", "block"), 0),
                    allow("allow-de", 5, geo(&["DE"])),
                ],
            ),
        ];
        let got = run(&WafNotBlocking, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("block-first".into(), "pass"),
                ("geo-fence".into(), "fail"),
                ("health".into(), "not-evaluated"),
                ("office".into(), "pass"),
                ("open".into(), "fail"),
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
            msg("geo-fence")
                .contains("rule allow-de (priority 0) allows requests matching geo match DE"),
            "{}",
            msg("geo-fence")
        );
        assert!(
            msg("open")
                .contains("rule not-bad (priority 0) allows requests matching NOT IP set bad"),
            "{}",
            msg("open")
        );
        assert!(
            msg("health").contains("rule health (priority 0)"),
            "{}",
            msg("health")
        );
    }

    /// Item 17 of issue 13: SQLi is a use-case group, so its rules tuned to
    /// COUNT are tuning, unless rampart.toml requires the group for an API
    /// the ACL protects: then they are counted like the baseline's.
    #[test]
    fn counted_rules_of_a_group_rampart_toml_requires_fail() {
        let mut s = snapshot();
        let mut tuned = baseline();
        tuned[2].statement = managed_statement("AWSManagedRulesSQLiRuleSet", vec!["SQLi_BODY"]);
        region(&mut s).wafv2.web_acls =
            vec![protecting(web_acl("a1-waf", "allow", tuned), &["a1/prod"])];
        assert_eq!(
            statuses(&run(&WafNotBlocking, &s)),
            vec![("a1-waf".into(), "pass")]
        );
        let required = settings(
            "[[waf.require]]\ngroups = [\"AWSManagedRulesSQLiRuleSet\"]\napis = [\"a1\"]\n",
        );
        let got = run_configured(&WafNotBlocking, &s, &required);
        assert_eq!(got[0].status, Status::Fail);
        assert_eq!(
            got[0].message,
            "web ACL a1-waf does not block with AWS-AWSManagedRulesSQLiRuleSet (SQLi_BODY -> COUNT)"
        );
    }
}
