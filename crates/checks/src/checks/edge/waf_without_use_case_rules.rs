//! EDGE-011: a note (low) on a web ACL that lacks AWS's use-case rule
//! groups the team expects: the SQL database group by default, or the list
//! in `[waf] use_case_groups` of `rampart.toml`. AWS offers these groups
//! for the applications they fit (SQL databases, Linux, POSIX, Windows,
//! PHP, WordPress), not as a baseline
//! (<https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-use-case.html>),
//! so their absence is not a failure of EDGE-003, unless `[[waf.require]]`
//! requires a group for an API the ACL protects: then EDGE-003 judges that
//! group on that ACL instead of this check. Like EDGE-003, only a group
//! that every request reaches counts ([`super::waf_order`]).

use rampart_model::Status;

use super::support::{BASELINE_GROUPS, acl_body_missing, config_required, each_web_acl_in, list};
use super::waf_order::{Coverage, exemptions, explain, group_coverage, in_order};
use crate::registry::{Check, Context, Outcome};

pub struct WafWithoutUseCaseRules;

/// What each AWS use-case group is for, for messages.
fn purpose(group: &str) -> Option<&'static str> {
    Some(match group {
        "AWSManagedRulesSQLiRuleSet" => "SQL database",
        "AWSManagedRulesLinuxRuleSet" => "Linux operating system",
        "AWSManagedRulesUnixRuleSet" => "POSIX operating system",
        "AWSManagedRulesWindowsRuleSet" => "Windows operating system",
        "AWSManagedRulesPHPRuleSet" => "PHP application",
        "AWSManagedRulesWordPressRuleSet" => "WordPress application",
        _ => return None,
    })
}

impl Check for WafWithoutUseCaseRules {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-011")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let expected = cx.settings.waf.use_case_groups();
        each_web_acl_in(cx, |region, inv, acl| {
            let Some(rules) = &acl.rules else {
                return acl_body_missing(cx, region, acl);
            };
            if expected.is_empty() {
                return (
                    Status::Pass,
                    format!(
                        "web ACL {}: no use-case rule groups are expected ([waf] use_case_groups \
                         is empty)",
                        acl.name
                    ),
                );
            }
            let ordered = in_order(rules);
            let judged_elsewhere: Vec<String> = config_required(cx, inv, acl)
                .into_iter()
                .filter(|c| c.certain)
                .map(|c| c.group)
                .chain(BASELINE_GROUPS.map(String::from))
                .collect();
            let noted: Vec<&str> = expected
                .iter()
                .copied()
                .filter(|g| !judged_elsewhere.iter().any(|j| j == g))
                .collect();
            if noted.is_empty() {
                return (
                    Status::Pass,
                    format!(
                        "web ACL {}: its expected use-case rule group(s) {} are required for the \
                         APIs it protects, and EDGE-003 judges them",
                        acl.name,
                        list(&expected.iter().map(|g| g.to_string()).collect::<Vec<_>>())
                    ),
                );
            }
            let mut lacking = Vec::new();
            let mut covered = Vec::new();
            let mut coverages = Vec::new();
            for g in &noted {
                match group_coverage(&ordered, g) {
                    None => lacking.push(match purpose(g) {
                        Some(p) => format!("{g} ({p})"),
                        None => g.to_string(),
                    }),
                    Some(c) => {
                        if matches!(c, Coverage::Full(_)) {
                            covered.push(g.to_string());
                        }
                        coverages.push(c);
                    }
                }
            }
            let gaps = |bypassed: bool| -> Vec<_> {
                coverages
                    .iter()
                    .filter_map(|c| match c {
                        Coverage::Bypassed(g) if bypassed => Some(g),
                        Coverage::Unknown(g) if !bypassed => Some(g),
                        _ => None,
                    })
                    .collect()
            };
            let bypassed = gaps(true);
            if !lacking.is_empty() || !bypassed.is_empty() {
                let mut parts = Vec::new();
                if !lacking.is_empty() {
                    parts.push(format!(
                        "lacks the use-case rule group(s) {}: add them if the APIs behind it \
                         use what they protect, or list the groups you expect in [waf] \
                         use_case_groups of rampart.toml",
                        list(&lacking)
                    ));
                }
                parts.extend(explain(&bypassed, true));
                return (
                    Status::Fail,
                    format!("web ACL {}: {}", acl.name, parts.join("; ")),
                );
            }
            let unknown = gaps(false);
            if !unknown.is_empty() {
                return (
                    Status::NotEvaluated(explain(&unknown, false).join("; ")),
                    format!(
                        "web ACL {}: whether requests reach its use-case rule groups is unknown",
                        acl.name
                    ),
                );
            }
            (
                Status::Pass,
                format!(
                    "web ACL {} uses the use-case rule group(s) {}, reached by every request{}",
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

    fn without_sqli() -> Vec<rampart_model::WafRule> {
        let mut rules = baseline();
        rules.pop();
        rules
    }

    #[test]
    fn the_sql_database_group_is_expected_by_default() {
        let mut s = snapshot();
        let mut behind_geo = without_sqli();
        behind_geo.push(allow("allow-de", 5, geo(&["DE"])));
        behind_geo.push(at(managed(0, "AWSManagedRulesSQLiRuleSet"), 6));
        region(&mut s).wafv2.web_acls = vec![
            web_acl("with", "allow", baseline()),
            web_acl("without", "allow", without_sqli()),
            web_acl("behind-geo", "allow", behind_geo),
        ];
        let got = run(&WafWithoutUseCaseRules, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("behind-geo".into(), "fail"),
                ("with".into(), "pass"),
                ("without".into(), "fail"),
            ]
        );
        let msg = |name: &str| {
            got.iter()
                .find(|o| o.resource_arn == acl_arn(name))
                .unwrap()
                .message
                .clone()
        };
        assert!(
            msg("without")
                .starts_with("web ACL without: lacks the use-case rule group(s) AWSManagedRulesSQLiRuleSet (SQL database)"),
            "{}",
            msg("without")
        );
        assert!(
            msg("behind-geo")
                .contains("rule allow-de (priority 5) allows requests matching geo match DE"),
            "{}",
            msg("behind-geo")
        );
        assert_eq!(
            msg("with"),
            "web ACL with uses the use-case rule group(s) AWSManagedRulesSQLiRuleSet, reached by \
             every request"
        );
    }

    #[test]
    fn rampart_toml_chooses_the_groups_and_required_ones_are_left_to_edge_003() {
        let mut s = snapshot();
        region(&mut s).wafv2.web_acls = vec![
            protecting(web_acl("for-a1", "allow", without_sqli()), &["a1/prod"]),
            web_acl("spare", "allow", without_sqli()),
        ];
        let required = settings(
            "[[waf.require]]\ngroups = [\"AWSManagedRulesSQLiRuleSet\"]\napis = [\"a1\"]\n",
        );
        let got = run_configured(&WafWithoutUseCaseRules, &s, &required);
        assert_eq!(
            statuses(&got),
            vec![("for-a1".into(), "pass"), ("spare".into(), "fail")]
        );
        assert!(got[0].message.contains("EDGE-003"), "{}", got[0].message);

        let none = settings("[waf]\nuse_case_groups = []\n");
        let got = run_configured(&WafWithoutUseCaseRules, &s, &none);
        assert!(got.iter().all(|o| o.status == Status::Pass));

        let linux = settings("[waf]\nuse_case_groups = [\"AWSManagedRulesLinuxRuleSet\"]\n");
        let got = run_configured(&WafWithoutUseCaseRules, &s, &linux);
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0]
                .message
                .contains("AWSManagedRulesLinuxRuleSet (Linux operating system)"),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn unknown_bodies_and_unknown_reach_are_not_evaluated() {
        let mut s = snapshot();
        let mut opaque = web_acl("opaque", "allow", vec![]);
        opaque.rules = None;
        let mut health = vec![allow("health", 0, other("ByteMatchStatement"))];
        health.extend(baseline().into_iter().map(|r| {
            let p = r.priority + 1;
            at(r, p)
        }));
        region(&mut s).wafv2.web_acls = vec![opaque, web_acl("health", "allow", health)];
        fail(&mut s, "wafv2:ListWebACLs");
        let got = run(&WafWithoutUseCaseRules, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("*".into(), "not-evaluated"),
                ("health".into(), "not-evaluated"),
                ("opaque".into(), "not-evaluated"),
            ]
        );
        let reason = |suffix: &str| match &got
            .iter()
            .find(|o| o.resource_arn.ends_with(suffix))
            .unwrap()
            .status
        {
            Status::NotEvaluated(r) => r.clone(),
            other => panic!("{other:?}"),
        };
        assert!(reason("/*").contains("wafv2:ListWebACLs"));
        assert!(reason("/health").contains("rule health (priority 0)"));
        assert!(reason("/opaque").contains("rules of web ACL opaque"));
    }
}
