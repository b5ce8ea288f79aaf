//! EDGE-002: a public API stage without a WAFv2 web ACL takes every
//! injection, scanner and flood straight to its authorizers and backends.
//! REST stages hold a web ACL; HTTP API stages cannot hold one at all, so
//! each of them fails with the way around it.

use rampart_model::Status;

use super::support::{
    api_list_gaps, http_label, http_stage_arn, is_http, is_public, missing, regions, rest_api_arn,
    rest_label, rest_stage_arn,
};
use crate::index::stage_arn;
use crate::registry::{Check, Context, Outcome};

pub struct ApiStageWithoutWaf;

/// What tells whether a stage has a web ACL, from the WAF side.
const ACL_SIDE: &[&str] = &[
    "wafv2:ListWebACLs",
    "wafv2:GetWebACL",
    "wafv2:ListResourcesForWebACL",
];

impl Check for ApiStageWithoutWaf {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-002")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let s = cx.snapshot;
        let mut out = Vec::new();
        for (region, inv, rix) in regions(cx) {
            out.extend(api_list_gaps(cx, region, "HTTP APIs"));
            // A stage that reports no ACL is unprotected unless the WAF side
            // could have told otherwise and was not fully collected.
            let acl_side_unknown = cx
                .not_collected(Some(region), ACL_SIDE)
                .map(|why| match super::support::fallback_failed(cx, region) {
                    Some(f) => format!("{why}; {f}"),
                    None => why,
                })
                .or_else(|| {
                    inv.wafv2
                        .web_acls
                        .iter()
                        .find(|a| a.associated_resources.is_none())
                        .map(|a| {
                            format!(
                                "the resources web ACL {} protects were not collected",
                                a.name
                            )
                        })
                });

            for api in inv.apigateway.rest_apis.iter().filter(|a| is_public(a)) {
                let Some(stages) = &api.stages else {
                    let arn = rest_api_arn(s, region, &api.id);
                    let reason = missing(cx, region, "apigateway:GetStages", &api.id, || {
                        format!("the stages of {} were not collected", api.id)
                    });
                    out.push(Outcome::new(
                        format!("{arn}/stages/*"),
                        region,
                        Status::NotEvaluated(reason),
                        format!("stages of REST API {} unknown", rest_label(api)),
                    ));
                    continue;
                };
                for stage in stages {
                    let name = format!("REST API {} stage {}", rest_label(api), stage.stage_name);
                    let acl = rix.web_acl_for.get(&stage_arn(
                        &s.partition,
                        region,
                        &api.id,
                        &stage.stage_name,
                    ));
                    let reported = stage.web_acl_arn.as_deref();
                    let (status, message) = match (acl, reported) {
                        (Some(acl), _) => (
                            Status::Pass,
                            format!("{name} is protected by web ACL {}", acl.name),
                        ),
                        // WAF Classic reached end of support on 2025-09-30.
                        (None, Some(arn)) if arn.contains(":waf-regional:") => (
                            Status::Fail,
                            format!(
                                "{name} uses the WAF Classic web ACL {arn}; migrate it to a WAFv2 web ACL"
                            ),
                        ),
                        (None, Some(arn)) => {
                            (Status::Pass, format!("{name} reports web ACL {arn}"))
                        }
                        (None, None) => match &acl_side_unknown {
                            Some(reason) => (
                                Status::NotEvaluated(reason.clone()),
                                format!(
                                    "{name} reports no web ACL, but the WAF side is incomplete"
                                ),
                            ),
                            None => (Status::Fail, format!("{name} has no WAF web ACL")),
                        },
                    };
                    out.push(Outcome::new(
                        rest_stage_arn(s, region, &api.id, &stage.stage_name),
                        region,
                        status,
                        message,
                    ));
                }
            }

            for api in inv.apigatewayv2.apis.iter().filter(|a| is_http(a)) {
                let Some(stages) = &api.stages else {
                    let reason = missing(cx, region, "apigatewayv2:GetStages", &api.api_id, || {
                        format!("the stages of {} were not collected", api.api_id)
                    });
                    out.push(Outcome::new(
                        http_stage_arn(s, region, &api.api_id, "*"),
                        region,
                        Status::NotEvaluated(reason),
                        format!("stages of HTTP API {} unknown", http_label(api)),
                    ));
                    continue;
                };
                for stage in stages {
                    out.push(Outcome::new(
                        http_stage_arn(s, region, &api.api_id, &stage.stage_name),
                        region,
                        Status::Fail,
                        format!(
                            "HTTP API {} stage {} has no WAF: HTTP APIs cannot hold a web ACL. \
                             Serve it through a REST API stage with a web ACL, or a CloudFront \
                             distribution with a web ACL, and disable its execute-api endpoint",
                            http_label(api),
                            stage.stage_name
                        ),
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;

    /// One public REST API `r1` with stage `prod`, one PRIVATE API `p1`
    /// with stage `live`, one HTTP API `h1` with stage `$default`.
    fn apis() -> rampart_model::Snapshot {
        let mut s = snapshot();
        let r = region(&mut s);
        let mut public = rest_api("r1", "REGIONAL");
        public.stages = Some(vec![rest_stage("prod")]);
        let mut private = rest_api("p1", "PRIVATE");
        private.stages = Some(vec![rest_stage("live")]);
        r.apigateway.rest_apis = vec![public, private];
        let mut http = http_api("h1");
        http.stages = Some(vec![http_stage("$default")]);
        r.apigatewayv2.apis = vec![http];
        s
    }

    #[test]
    fn a_stage_with_an_associated_acl_passes_and_http_apis_fail_with_the_fix() {
        let mut s = apis();
        let mut acl = web_acl("api-waf", "allow", baseline());
        acl.associated_resources = Some(vec![stage_arn("aws", REGION, "r1", "prod")]);
        region(&mut s).wafv2.web_acls = vec![acl];
        let got = run(&ApiStageWithoutWaf, &s);
        // The PRIVATE API is not judged.
        assert_eq!(
            statuses(&got),
            vec![("$default".into(), "fail"), ("prod".into(), "pass")]
        );
        let http = got
            .iter()
            .find(|o| o.resource_arn.ends_with("$default"))
            .unwrap();
        assert_eq!(
            http.resource_arn,
            "arn:aws:apigateway:us-east-1::/apis/h1/stages/$default"
        );
        assert!(http.message.contains("HTTP APIs cannot hold a web ACL"));
        assert!(http.message.contains("CloudFront"));
        let rest = got
            .iter()
            .find(|o| o.resource_arn.ends_with("prod"))
            .unwrap();
        assert_eq!(
            rest.resource_arn,
            "arn:aws:apigateway:us-east-1::/restapis/r1/stages/prod"
        );
        assert!(rest.message.contains("api-waf"), "{}", rest.message);
    }

    #[test]
    fn the_stage_report_alone_passes_and_waf_classic_fails() {
        let mut s = apis();
        let stage = &mut region(&mut s).apigateway.rest_apis[0]
            .stages
            .as_mut()
            .unwrap()[0];
        stage.web_acl_arn = Some(acl_arn("elsewhere"));
        // The ACL listing failed, but the stage says it is protected.
        fail(&mut s, "wafv2:ListWebACLs");
        assert!(
            run(&ApiStageWithoutWaf, &s)
                .iter()
                .any(|o| o.resource_arn.ends_with("/prod") && o.status == Status::Pass)
        );

        let mut s = apis();
        region(&mut s).apigateway.rest_apis[0]
            .stages
            .as_mut()
            .unwrap()[0]
            .web_acl_arn = Some("arn:aws:waf-regional:us-east-1:123456789012:webacl/abc".into());
        let got = run(&ApiStageWithoutWaf, &s);
        let prod = got
            .iter()
            .find(|o| o.resource_arn.ends_with("/prod"))
            .unwrap();
        assert_eq!(prod.status, Status::Fail);
        assert!(prod.message.contains("WAF Classic"), "{}", prod.message);
    }

    #[test]
    fn a_stage_without_an_acl_fails() {
        let s = apis();
        let got = run(&ApiStageWithoutWaf, &s);
        let prod = got
            .iter()
            .find(|o| o.resource_arn.ends_with("/prod"))
            .unwrap();
        assert_eq!(prod.status, Status::Fail);
        assert!(
            prod.message
                .contains("r1-name (r1) stage prod has no WAF web ACL")
        );
    }

    #[test]
    fn an_unknown_acl_side_or_missing_stages_are_not_evaluated() {
        // The ACL listing failed and the stage reports none.
        let mut s = apis();
        fail(&mut s, "wafv2:ListWebACLs");
        let got = run(&ApiStageWithoutWaf, &s);
        let prod = got
            .iter()
            .find(|o| o.resource_arn.ends_with("/prod"))
            .unwrap();
        assert!(
            matches!(&prod.status, Status::NotEvaluated(r) if r.contains("wafv2:ListWebACLs")),
            "{:?}",
            prod.status
        );
        // An ACL whose protected resources are unknown might protect it.
        let mut s = apis();
        let mut acl = web_acl("api-waf", "allow", baseline());
        acl.associated_resources = None;
        region(&mut s).wafv2.web_acls = vec![acl];
        let got = run(&ApiStageWithoutWaf, &s);
        assert!(got.iter().any(|o| o.resource_arn.ends_with("/prod")
            && matches!(&o.status, Status::NotEvaluated(r) if r.contains("api-waf"))));
        // Stages and API lists that were not collected.
        let mut s = apis();
        region(&mut s).apigateway.rest_apis[0].stages = None;
        region(&mut s).apigatewayv2.apis[0].stages = None;
        fail(&mut s, "apigateway:GetStages");
        fail(&mut s, "apigatewayv2:GetApis");
        let got = run(&ApiStageWithoutWaf, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("*".into(), "not-evaluated"),
                ("*".into(), "not-evaluated"),
                ("*".into(), "not-evaluated"),
            ]
        );
        assert!(got.iter().any(|o| o.resource_arn
            == "arn:aws:apigateway:us-east-1::/restapis/r1/stages/*"
            && matches!(&o.status, Status::NotEvaluated(r) if r.contains("apigateway:GetStages"))));
        assert!(
            got.iter()
                .any(|o| o.resource_arn == "arn:aws:apigateway:us-east-1::/apis/*")
        );
    }
}
