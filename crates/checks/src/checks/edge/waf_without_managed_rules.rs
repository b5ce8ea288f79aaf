//! EDGE-003: a web ACL without AWS's baseline managed rule groups (the
//! core rule set and known bad inputs) inspects little or nothing: the
//! rules that stop the attacks an API sees every day are not there. Only
//! the groups that requests can still reach count: a broad Allow ahead of
//! them, or a scope-down statement any client can stay outside of, fails
//! (see [`super::waf_order`]). Use-case groups (SQL database, ...) are
//! EDGE-011's note, unless `[[waf.require]]` in `rampart.toml` requires one
//! for an API the ACL protects: then its absence fails here. Whether the
//! groups block or only count is EDGE-005's question.

use rampart_model::Status;

use super::support::{
    BASELINE_GROUPS, acl_body_missing, config_required, each_web_acl_in, list, resources_missing,
};
use super::waf_order::{Coverage, exemptions, explain, group_coverage, in_order};
use crate::registry::{Check, Context, Outcome};

pub struct WafWithoutManagedRules;

impl Check for WafWithoutManagedRules {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-003")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        each_web_acl_in(cx, |region, inv, acl| {
            let Some(rules) = &acl.rules else {
                return acl_body_missing(cx, region, acl);
            };
            let ordered = in_order(rules);
            // (group, why it is required here), baseline first.
            let mut required: Vec<(String, Option<String>)> = BASELINE_GROUPS
                .iter()
                .map(|g| (g.to_string(), None))
                .collect();
            let mut maybe = Vec::new();
            for c in config_required(cx, inv, acl) {
                if required.iter().any(|(g, _)| *g == c.group) {
                    continue;
                }
                if c.certain {
                    required.push((c.group, Some(c.why)));
                } else {
                    maybe.push(c);
                }
            }
            let name = |g: &str, why: &Option<String>| match why {
                Some(why) => format!("{g} ({why})"),
                None => g.to_string(),
            };
            let mut lacking = Vec::new();
            let mut covered = Vec::new();
            let mut coverages = Vec::new();
            for (g, why) in &required {
                match group_coverage(&ordered, g) {
                    None => lacking.push(name(g, why)),
                    Some(c) => {
                        if matches!(c, Coverage::Full(_)) {
                            covered.push(name(g, why));
                        }
                        coverages.push(c);
                    }
                }
            }
            let bypassed: Vec<_> = coverages
                .iter()
                .filter_map(|c| match c {
                    Coverage::Bypassed(g) => Some(g),
                    _ => None,
                })
                .collect();
            let unknown: Vec<_> = coverages
                .iter()
                .filter_map(|c| match c {
                    Coverage::Unknown(g) => Some(g),
                    _ => None,
                })
                .collect();
            if !lacking.is_empty() || !bypassed.is_empty() {
                let mut parts = Vec::new();
                if !lacking.is_empty() {
                    parts.push(format!(
                        "lacks the AWS managed rule group(s) {}",
                        list(&lacking)
                    ));
                }
                parts.extend(explain(&bypassed, true));
                return (
                    Status::Fail,
                    format!("web ACL {}: {}", acl.name, parts.join("; ")),
                );
            }
            let mut reasons = explain(&unknown, false);
            // A required group that is not certainly reached, on an ACL that
            // may protect the API that requires it.
            for c in &maybe {
                if !matches!(group_coverage(&ordered, &c.group), Some(Coverage::Full(_))) {
                    reasons.push(format!(
                        "{}, and {} ({}) is not certainly in force on it",
                        resources_missing(cx, region, acl),
                        c.group,
                        c.why
                    ));
                }
            }
            if !reasons.is_empty() {
                return (
                    Status::NotEvaluated(reasons.join("; ")),
                    format!(
                        "web ACL {}: whether requests reach its required rule groups is unknown",
                        acl.name
                    ),
                );
            }
            (
                Status::Pass,
                format!(
                    "web ACL {} uses the AWS managed rule groups {}, reached by every request{}",
                    acl.name,
                    list(&covered),
                    exemptions(&coverages)
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
    use rampart_model::{WafRule, WafStatement};

    #[test]
    fn the_baseline_passes_and_a_partial_set_fails() {
        let mut s = snapshot();
        let mut partial = baseline();
        partial.remove(1);
        // A same-named group from another vendor is not AWS's.
        if let WafStatement::ManagedRuleGroup { vendor_name, .. } = &mut partial[0].statement {
            *vendor_name = "F5".into();
        }
        region(&mut s).wafv2.web_acls = vec![
            web_acl("good", "allow", baseline()),
            web_acl("partial", "allow", partial),
            web_acl("empty", "allow", vec![rate("rl", "block")]),
        ];
        let got = run(&WafWithoutManagedRules, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("empty".into(), "fail"),
                ("good".into(), "pass"),
                ("partial".into(), "fail"),
            ]
        );
        let partial = got
            .iter()
            .find(|o| o.resource_arn.ends_with("partial"))
            .unwrap();
        assert_eq!(partial.resource_arn, acl_arn("partial"));
        assert_eq!(
            partial.message,
            "web ACL partial: lacks the AWS managed rule group(s) \
             AWSManagedRulesCommonRuleSet and AWSManagedRulesKnownBadInputsRuleSet"
        );
        let good = got
            .iter()
            .find(|o| o.resource_arn.ends_with("good"))
            .unwrap();
        assert_eq!(
            good.message,
            "web ACL good uses the AWS managed rule groups AWSManagedRulesCommonRuleSet and \
             AWSManagedRulesKnownBadInputsRuleSet, reached by every request"
        );
    }

    #[test]
    fn an_unknown_body_or_acl_list_is_not_evaluated() {
        let mut s = snapshot();
        let mut acl = web_acl("opaque", "allow", vec![]);
        acl.rules = None;
        region(&mut s).wafv2.web_acls = vec![acl];
        fail(&mut s, "wafv2:GetWebACL");
        fail(&mut s, "wafv2:ListWebACLs");
        let got = run(&WafWithoutManagedRules, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("*".into(), "not-evaluated"),
                ("opaque".into(), "not-evaluated")
            ]
        );
        assert!(
            got.iter()
                .all(|o| matches!(&o.status, Status::NotEvaluated(r) if r.contains("wafv2:")))
        );
        assert_eq!(
            got[0].resource_arn,
            "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/*"
        );
    }

    /// Item 16 of issue 13: WAF evaluates rules by priority and Allow ends
    /// evaluation for the requests it matches, so a broad Allow ahead of the
    /// baseline disables it for those requests
    /// (https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html,
    /// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html);
    /// an override to Allow inside a rule group is such an Allow
    /// (https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html);
    /// a group overridden to Count never ends evaluation
    /// (https://docs.aws.amazon.com/waf/latest/APIReference/API_OverrideAction.html);
    /// a scope-down statement narrows the requests the group evaluates
    /// (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-scope-down-statements.html).
    #[test]
    fn only_the_baseline_that_requests_reach_counts() {
        let mut s = snapshot();
        let behind = |first: WafRule| {
            let mut rules = vec![first];
            rules.extend(baseline().into_iter().map(|r| {
                let p = r.priority + 1;
                at(r, p)
            }));
            rules
        };
        let mut override_allow = baseline();
        if let WafStatement::ManagedRuleGroup {
            rule_action_overrides,
            ..
        } = &mut override_allow[0].statement
        {
            rule_action_overrides.push(rampart_model::RuleActionOverride {
                name: "SizeRestrictions_BODY".into(),
                action: Some("allow".into()),
            });
        }
        let mut scoped_geo = baseline();
        scoped_geo[0] = scoped(scoped_geo[0].clone(), geo(&["US"]));
        let mut scoped_office = baseline();
        scoped_office[0] = scoped(scoped_office[0].clone(), not(ip_set("office")));
        let mut after = baseline();
        after.push(allow("allow-de", 50, geo(&["DE"])));
        region(&mut s).wafv2.web_acls = vec![
            web_acl("geo", "allow", behind(allow("allow-de", 0, geo(&["DE"])))),
            web_acl(
                "not-listed",
                "allow",
                behind(allow("not-bad", 0, not(ip_set("bad")))),
            ),
            web_acl("override", "allow", override_allow),
            web_acl("scoped-geo", "allow", scoped_geo),
            web_acl(
                "office",
                "allow",
                behind(allow("office", 0, ip_set("office"))),
            ),
            web_acl("scoped-office", "allow", scoped_office),
            web_acl("after", "allow", after),
            web_acl(
                "counted-group",
                "allow",
                behind(at(group_ref("mine", "count"), 0)),
            ),
            web_acl(
                "bytematch",
                "allow",
                behind(allow("health", 0, other("ByteMatchStatement"))),
            ),
            web_acl("grouped", "allow", behind(at(group_ref("mine", "none"), 0))),
        ];
        let got = run(&WafWithoutManagedRules, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("after".into(), "pass"),
                ("bytematch".into(), "not-evaluated"),
                ("counted-group".into(), "pass"),
                ("geo".into(), "fail"),
                ("grouped".into(), "not-evaluated"),
                ("not-listed".into(), "fail"),
                ("office".into(), "pass"),
                ("override".into(), "fail"),
                ("scoped-geo".into(), "fail"),
                ("scoped-office".into(), "pass"),
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
            msg("geo").contains("rule allow-de (priority 0) allows requests matching geo match DE"),
            "{}",
            msg("geo")
        );
        assert!(
            msg("geo").contains("AWS-AWSManagedRulesCommonRuleSet (priority 1)"),
            "{}",
            msg("geo")
        );
        assert!(msg("not-listed").contains("rule not-bad (priority 0)"));
        // The override skips the rest of the core rule set and every later group.
        assert!(
            msg("override").contains(
                "rule AWS-AWSManagedRulesCommonRuleSet (priority 0) allows requests matching \
                 SizeRestrictions_BODY"
            ),
            "{}",
            msg("override")
        );
        assert!(
            msg("scoped-geo").contains("scope-down statement (geo match US)"),
            "{}",
            msg("scoped-geo")
        );
        // Narrow exemptions and scope-downs are reported on the pass.
        assert!(msg("office").contains("IP set office"), "{}", msg("office"));
        assert!(
            msg("scoped-office").contains("NOT IP set office"),
            "{}",
            msg("scoped-office")
        );
        assert!(
            msg("bytematch").contains("rule health (priority 0)")
                && msg("bytematch").contains("ByteMatchStatement"),
            "{}",
            msg("bytematch")
        );
        assert!(
            msg("grouped").contains("rule group mine"),
            "{}",
            msg("grouped")
        );
    }

    /// Item 17 of issue 13: AWS's baseline is the core rule set and known
    /// bad inputs
    /// (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html);
    /// the SQL database group is a use-case group
    /// (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-use-case.html),
    /// not part of the baseline.
    #[test]
    fn the_baseline_is_the_core_rule_set_and_known_bad_inputs_without_sqli() {
        let mut s = snapshot();
        let mut no_sqli = baseline();
        no_sqli.pop();
        region(&mut s).wafv2.web_acls = vec![web_acl("no-sqli", "allow", no_sqli)];
        let got = run(&WafWithoutManagedRules, &s);
        assert_eq!(statuses(&got), vec![("no-sqli".into(), "pass")]);
        assert!(!got[0].message.contains("SQLi"), "{}", got[0].message);
    }

    const REQUIRE_SQLI_FOR_A1: &str = r#"
[waf]

[[waf.require]]
groups = ["AWSManagedRulesSQLiRuleSet"]
apis = ["a1"]
"#;

    /// Item 17 of issue 13: a use-case group that `rampart.toml` requires
    /// for an API fails EDGE-003 on the web ACLs that protect that API's
    /// stages, and only there.
    #[test]
    fn a_group_rampart_toml_requires_for_an_api_fails_on_its_acls() {
        let mut s = snapshot();
        let mut no_sqli = baseline();
        no_sqli.pop();
        let mut a1 = rest_api("a1", "REGIONAL");
        let mut dev = rest_stage("dev");
        // The stage reports its ACL: that holds even when the ACL's own
        // resources were not collected.
        dev.web_acl_arn = Some(acl_arn("via-stage"));
        a1.stages = Some(vec![rest_stage("prod"), dev]);
        region(&mut s).apigateway.rest_apis = vec![a1, rest_api("a2", "REGIONAL")];
        let mut unknown = web_acl("unknown", "allow", no_sqli.clone());
        unknown.associated_resources = None;
        let mut via_stage = web_acl("via-stage", "allow", no_sqli.clone());
        via_stage.associated_resources = None;
        region(&mut s).wafv2.web_acls = vec![
            protecting(web_acl("for-a1", "allow", no_sqli.clone()), &["a1/prod"]),
            protecting(web_acl("for-a2", "allow", no_sqli.clone()), &["a2/prod"]),
            protecting(web_acl("with-sqli", "allow", baseline()), &["a1/prod"]),
            unknown,
            via_stage,
        ];
        fail(&mut s, "wafv2:ListResourcesForWebACL");
        let got = run_configured(&WafWithoutManagedRules, &s, &settings(REQUIRE_SQLI_FOR_A1));
        assert_eq!(
            statuses(&got),
            vec![
                ("for-a1".into(), "fail"),
                ("for-a2".into(), "pass"),
                ("unknown".into(), "not-evaluated"),
                ("via-stage".into(), "fail"),
                ("with-sqli".into(), "pass"),
            ]
        );
        let find = |name: &str| {
            got.iter()
                .find(|o| o.resource_arn == acl_arn(name))
                .unwrap()
        };
        assert_eq!(
            find("for-a1").message,
            "web ACL for-a1: lacks the AWS managed rule group(s) AWSManagedRulesSQLiRuleSet \
             (rampart.toml line 4 requires it for REST API a1)"
        );
        assert!(
            find("with-sqli").message.contains(
                "AWSManagedRulesSQLiRuleSet (rampart.toml line 4 requires it for REST API a1)"
            ),
            "{}",
            find("with-sqli").message
        );
        assert!(
            matches!(&find("unknown").status, Status::NotEvaluated(r)
                if r.contains("wafv2:ListResourcesForWebACL")
                    && r.contains("AWSManagedRulesSQLiRuleSet (rampart.toml line 4")),
            "{:?}",
            find("unknown").status
        );
        // Without the config, SQLi is EDGE-011's note, not a failure here.
        assert!(
            run(&WafWithoutManagedRules, &s)
                .iter()
                .all(|o| o.status == Status::Pass)
        );
    }

    /// A `CLOUDFRONT`-scope ACL is judged like a regional one, filed
    /// without a region, listing the backends behind the distributions
    /// that name it; its body missing is not evaluated naming the call
    /// (recorded without a region). The logging check (EDGE-009) reads
    /// the same list.
    #[test]
    fn cloudfront_scope_acls_are_judged_like_regional_ones() {
        use crate::checks::edge::cloudfront::fixtures::{distribution, legacy_nlb, with};
        let arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1";
        let mut d = distribution(vec![legacy_nlb()]);
        d.web_acl_id = Some(arn.into());
        let mut s = with(d);
        let mut edge = web_acl("edge", "allow", vec![rate("limit", "block")]);
        edge.arn = arn.into();
        s.cloudfront.as_mut().unwrap().web_acls = vec![edge.clone()];
        let got = run(&WafWithoutManagedRules, &s);
        let o = got
            .iter()
            .find(|o| o.resource_arn.as_str() == arn)
            .expect("the CloudFront ACL is judged");
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert_eq!(o.region, None);
        assert_eq!(
            o.affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-l1".to_string()]
        );
        let got = run(
            &crate::checks::edge::waf_logging_disabled::WafLoggingDisabled,
            &s,
        );
        assert!(
            got.iter().any(|o| o.resource_arn.as_str() == arn),
            "{got:?}"
        );

        edge.rules = None;
        s.cloudfront.as_mut().unwrap().web_acls = vec![edge];
        fail_for(&mut s, "wafv2:GetWebACL", arn);
        s.collection_errors.last_mut().unwrap().region = None;
        let got = run(&WafWithoutManagedRules, &s);
        let o = got.iter().find(|o| o.resource_arn.as_str() == arn).unwrap();
        assert!(
            matches!(&o.status, Status::NotEvaluated(w) if w.contains("wafv2:GetWebACL was not collected")),
            "{o:?}"
        );
        // The ACL list itself.
        s.cloudfront.as_mut().unwrap().web_acls.clear();
        fail(&mut s, "wafv2:ListWebACLs");
        s.collection_errors.last_mut().unwrap().region = None;
        let got = run(&WafWithoutManagedRules, &s);
        assert!(
            got.iter()
                .any(|o| o.resource_arn.ends_with(":global/webacl/*")
                    && matches!(&o.status, Status::NotEvaluated(w) if w.contains("ListWebACLs"))),
            "{got:?}"
        );
        // The ACL the distribution names keeps a verdict of its own.
        let named = got
            .iter()
            .find(|o| o.resource_arn.as_str() == arn)
            .expect("the named ACL");
        assert!(
            matches!(&named.status, Status::NotEvaluated(w) if w.contains("ListWebACLs")),
            "{named:?}"
        );
        assert_eq!(named.affected.len(), 1);
    }
}
