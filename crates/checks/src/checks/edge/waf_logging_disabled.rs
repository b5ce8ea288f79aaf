//! EDGE-009: a web ACL without a logging configuration decides in the dark:
//! blocked attacks, false positives and the rule that matched leave no
//! record to investigate or tune from (metrics and samples keep three hours
//! of a few requests, not the traffic).

use rampart_model::Status;

use super::support::{each_web_acl, list, missing};
use crate::registry::{Check, Context, Outcome};

pub struct WafLoggingDisabled;

impl Check for WafLoggingDisabled {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-009")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        each_web_acl(cx, |region, acl| match &acl.logging_destinations {
            None => {
                // The collector falls back to one GetLoggingConfiguration per
                // ACL; the list call's error is recorded only if that failed too.
                let reason = missing(
                    cx,
                    region,
                    "wafv2:GetLoggingConfiguration",
                    &acl.arn,
                    || {
                        cx.not_collected(Some(region), &["wafv2:ListLoggingConfigurations"])
                            .unwrap_or_else(|| {
                                format!(
                                    "the logging configuration of web ACL {} was not collected",
                                    acl.name
                                )
                            })
                    },
                );
                (
                    Status::NotEvaluated(reason),
                    format!("web ACL {}: logging unknown", acl.name),
                )
            }
            Some(d) if d.is_empty() => (
                Status::Fail,
                format!("web ACL {} has no logging configuration", acl.name),
            ),
            Some(d) => (
                Status::Pass,
                format!("web ACL {} logs to {}", acl.name, list(d)),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;

    #[test]
    fn an_acl_with_a_destination_passes_one_without_fails() {
        let mut s = snapshot();
        let mut silent = web_acl("silent", "allow", baseline());
        silent.logging_destinations = Some(vec![]);
        region(&mut s).wafv2.web_acls = vec![web_acl("logged", "allow", baseline()), silent];
        let got = run(&WafLoggingDisabled, &s);
        assert_eq!(
            statuses(&got),
            vec![("logged".into(), "pass"), ("silent".into(), "fail")]
        );
        assert!(got[0].message.contains("aws-waf-logs-x"));
        assert_eq!(got[1].resource_arn, acl_arn("silent"));
    }

    #[test]
    fn unknown_logging_or_acl_list_is_not_evaluated() {
        let mut s = snapshot();
        let mut unknown = web_acl("unknown", "allow", baseline());
        unknown.logging_destinations = None;
        region(&mut s).wafv2.web_acls = vec![unknown];
        fail(&mut s, "wafv2:ListLoggingConfigurations");
        let got = run(&WafLoggingDisabled, &s);
        assert_eq!(statuses(&got), vec![("unknown".into(), "not-evaluated")]);
        assert!(matches!(&got[0].status,
            Status::NotEvaluated(r) if r.contains("wafv2:ListLoggingConfigurations")));

        let mut s = snapshot();
        fail(&mut s, "wafv2:ListWebACLs");
        assert_eq!(
            statuses(&run(&WafLoggingDisabled, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
