//! EDGE-003: a web ACL without the AWS managed baseline (common exploits,
//! known bad inputs, SQL injection) inspects little or nothing: the rules
//! that stop the attacks an API sees every day are not there. Whether those
//! groups block or only count is EDGE-005's question.

use rampart_model::{Status, WafStatement};

use super::support::{REQUIRED_GROUPS, acl_body_missing, each_web_acl, list, statements};
use crate::registry::{Check, Context, Outcome};

pub struct WafWithoutManagedRules;

impl Check for WafWithoutManagedRules {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-003")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        each_web_acl(cx, |region, acl| {
            let Some(rules) = &acl.rules else {
                return acl_body_missing(cx, region, acl);
            };
            let present: Vec<&str> = rules
                .iter()
                .flat_map(|r| statements(&r.statement))
                .filter_map(|s| match s {
                    WafStatement::ManagedRuleGroup {
                        vendor_name, name, ..
                    } if vendor_name == "AWS" => Some(name.as_str()),
                    _ => None,
                })
                .collect();
            let lacking: Vec<String> = REQUIRED_GROUPS
                .iter()
                .filter(|g| !present.contains(g))
                .map(|g| g.to_string())
                .collect();
            if lacking.is_empty() {
                (
                    Status::Pass,
                    format!(
                        "web ACL {} uses the AWS managed rule groups {}",
                        acl.name,
                        list(&REQUIRED_GROUPS.map(String::from))
                    ),
                )
            } else {
                (
                    Status::Fail,
                    format!(
                        "web ACL {} lacks the AWS managed rule group(s) {}",
                        acl.name,
                        list(&lacking)
                    ),
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;
    use rampart_model::WafRule;

    #[test]
    fn the_baseline_passes_even_nested_and_a_partial_set_fails() {
        let mut s = snapshot();
        // SQLi nested inside an AND statement still counts.
        let mut nested = baseline();
        let sqli = nested.pop().unwrap();
        nested.push(WafRule {
            statement: WafStatement::And {
                statements: vec![
                    WafStatement::GeoMatch {
                        country_codes: vec!["DE".into()],
                    },
                    sqli.statement,
                ],
            },
            ..sqli
        });
        let mut partial = baseline();
        partial.remove(1);
        // A same-named group from another vendor is not AWS's.
        if let WafStatement::ManagedRuleGroup { vendor_name, .. } = &mut partial[1].statement {
            *vendor_name = "F5".into();
        }
        region(&mut s).wafv2.web_acls = vec![
            web_acl("good", "allow", baseline()),
            web_acl("nested", "allow", nested),
            web_acl("partial", "allow", partial),
            web_acl("empty", "allow", vec![rate("rl", "block")]),
        ];
        let got = run(&WafWithoutManagedRules, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("empty".into(), "fail"),
                ("good".into(), "pass"),
                ("nested".into(), "pass"),
                ("partial".into(), "fail"),
            ]
        );
        let partial = got
            .iter()
            .find(|o| o.resource_arn.ends_with("partial"))
            .unwrap();
        assert_eq!(partial.resource_arn, acl_arn("partial"));
        assert!(
            partial
                .message
                .contains("AWSManagedRulesKnownBadInputsRuleSet and AWSManagedRulesSQLiRuleSet"),
            "{}",
            partial.message
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
}
