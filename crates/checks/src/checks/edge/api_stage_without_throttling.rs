//! EDGE-007: a public stage without its own throttling runs on the
//! account-wide regional limit (10,000 requests per second shared by every
//! API): one abusive client can exhaust it for all of them, and all of it
//! reaches the backend. A REST stage is throttled by its method settings or
//! by a usage plan with a throttle bound to it; an HTTP API stage by its
//! default route settings or per-route settings.

use rampart_model::{HttpRouteSettings, MethodSetting, RestApi, RestStage, Status, UsagePlan};

use super::support::{
    http_api_arn, http_label, http_stage_arn, is_http, is_public, missing, region_gap, regions,
    rest_api_arn, rest_label, rest_stage_arn,
};
use crate::registry::{Check, Context, Outcome};

pub struct ApiStageWithoutThrottling;

/// A limit is set when it is not negative: AWS reports -1 for "not set".
/// (Emulators fill defaults in once any `*/*` setting exists, so "no
/// throttling" is reliably "no method settings at all".)
fn limited(burst: Option<i32>, rate: Option<f64>) -> Option<String> {
    let burst = burst.filter(|b| *b >= 0);
    let rate = rate.filter(|r| *r >= 0.0);
    match (burst, rate) {
        (None, None) => None,
        (b, r) => Some(format!(
            "burst {} rate {}",
            b.map_or("-".into(), |b| b.to_string()),
            r.map_or("-".into(), |r| r.to_string())
        )),
    }
}

fn method_limit(m: &MethodSetting) -> Option<String> {
    limited(m.throttling_burst_limit, m.throttling_rate_limit)
}

fn route_limit(r: &HttpRouteSettings) -> Option<String> {
    limited(r.throttling_burst_limit, r.throttling_rate_limit)
}

/// The first usage plan that throttles `api`/`stage`, with its limit.
fn plan_limit(plans: &[UsagePlan], api: &RestApi, stage: &RestStage) -> Option<String> {
    plans.iter().find_map(|p| {
        let bound = p.api_stages.iter().find(|s| {
            s.api_id.as_deref() == Some(api.id.as_str())
                && s.stage.as_deref() == Some(stage.stage_name.as_str())
        })?;
        let limit = p
            .throttle
            .as_ref()
            .and_then(|t| limited(t.burst_limit, t.rate_limit))
            .or_else(|| {
                bound.throttle.iter().find_map(|(method, t)| {
                    limited(t.burst_limit, t.rate_limit).map(|l| format!("{method}: {l}"))
                })
            })?;
        let name = p.name.as_deref().unwrap_or(&p.id);
        Some(format!("usage plan {name} ({limit})"))
    })
}

impl Check for ApiStageWithoutThrottling {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-007")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let s = cx.snapshot;
        let mut out = Vec::new();
        for (region, inv, _) in regions(cx) {
            out.extend(region_gap(
                cx,
                region,
                &["apigateway:GetRestApis"],
                rest_api_arn(s, region, "*"),
                "REST APIs",
            ));
            out.extend(region_gap(
                cx,
                region,
                &["apigatewayv2:GetApis"],
                http_api_arn(s, region, "*"),
                "HTTP APIs",
            ));
            let plans_missing = cx.not_collected(Some(region), &["apigateway:GetUsagePlans"]);

            for api in inv.apigateway.rest_apis.iter().filter(|a| is_public(a)) {
                let Some(stages) = &api.stages else {
                    let reason = missing(cx, region, "apigateway:GetStages", &api.id, || {
                        format!("the stages of {} were not collected", api.id)
                    });
                    out.push(Outcome::new(
                        rest_stage_arn(s, region, &api.id, "*"),
                        region,
                        Status::NotEvaluated(reason),
                        format!("stages of REST API {} unknown", rest_label(api)),
                    ));
                    continue;
                };
                for stage in stages {
                    let name = format!("REST API {} stage {}", rest_label(api), stage.stage_name);
                    let own = stage.method_settings.iter().find_map(|(k, m)| {
                        method_limit(m).map(|l| format!("method settings {k}: {l}"))
                    });
                    let (status, message) = match own
                        .or_else(|| plan_limit(&inv.apigateway.usage_plans, api, stage))
                    {
                        Some(by) => (Status::Pass, format!("{name} is throttled by {by}")),
                        None => match &plans_missing {
                            Some(reason) => (
                                Status::NotEvaluated(reason.clone()),
                                format!("{name} has no throttling of its own; usage plans unknown"),
                            ),
                            None => (
                                Status::Fail,
                                format!(
                                    "{name} has no stage or method throttling and no usage plan throttle"
                                ),
                            ),
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
                    let name = format!("HTTP API {} stage {}", http_label(api), stage.stage_name);
                    let by = stage
                        .default_route_settings
                        .as_ref()
                        .and_then(route_limit)
                        .map(|l| format!("default route settings: {l}"))
                        .or_else(|| {
                            stage.route_settings.iter().find_map(|(k, r)| {
                                route_limit(r).map(|l| format!("route settings {k}: {l}"))
                            })
                        });
                    let (status, message) = match by {
                        Some(by) => (Status::Pass, format!("{name} is throttled by {by}")),
                        None => (
                            Status::Fail,
                            format!("{name} has no default or per-route throttling"),
                        ),
                    };
                    out.push(Outcome::new(
                        http_stage_arn(s, region, &api.api_id, &stage.stage_name),
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;
    use std::collections::BTreeMap;

    /// Public REST API `r1` with the given stages, HTTP API `h1` likewise.
    fn apis(rest: Vec<RestStage>, http: Vec<rampart_model::HttpStage>) -> rampart_model::Snapshot {
        let mut s = snapshot();
        let r = region(&mut s);
        let mut api = rest_api("r1", "REGIONAL");
        api.stages = Some(rest);
        r.apigateway.rest_apis = vec![api];
        let mut h = http_api("h1");
        h.stages = Some(http);
        r.apigatewayv2.apis = vec![h];
        s
    }

    #[test]
    fn method_settings_usage_plans_and_route_settings_pass() {
        let mut own = rest_stage("own");
        own.method_settings =
            BTreeMap::from([("*/*".to_string(), method_setting(Some(100), Some(50.0)))]);
        let mut per_route = http_stage("routes");
        per_route.route_settings =
            BTreeMap::from([("GET /x".to_string(), route_settings(None, Some(5.0)))]);
        let mut default = http_stage("$default");
        default.default_route_settings = Some(route_settings(Some(10), Some(5.0)));
        let mut s = apis(vec![own, rest_stage("planned")], vec![default, per_route]);
        region(&mut s).apigateway.usage_plans =
            vec![usage_plan("up1", "r1", "planned", Some((200, 100.0)))];
        let got = run(&ApiStageWithoutThrottling, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("$default".into(), "pass"),
                ("own".into(), "pass"),
                ("planned".into(), "pass"),
                ("routes".into(), "pass"),
            ]
        );
        let planned = got
            .iter()
            .find(|o| o.resource_arn.ends_with("planned"))
            .unwrap();
        assert!(
            planned
                .message
                .contains("usage plan up1-name (burst 200 rate 100)"),
            "{}",
            planned.message
        );
    }

    #[test]
    fn stages_without_any_throttle_fail() {
        // Method settings with only unset (-1) limits, a plan without a
        // throttle, a plan bound to another stage, and HTTP route settings
        // with metrics only.
        let mut unset = rest_stage("unset");
        unset.method_settings =
            BTreeMap::from([("*/*".to_string(), method_setting(Some(-1), Some(-1.0)))]);
        let mut metrics = http_stage("$default");
        metrics.default_route_settings = Some(route_settings(None, None));
        let mut s = apis(vec![unset, rest_stage("bare")], vec![metrics]);
        region(&mut s).apigateway.usage_plans = vec![
            usage_plan("quota-only", "r1", "bare", None),
            usage_plan("other", "r1", "elsewhere", Some((1, 1.0))),
        ];
        let got = run(&ApiStageWithoutThrottling, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("$default".into(), "fail"),
                ("bare".into(), "fail"),
                ("unset".into(), "fail"),
            ]
        );
        assert!(got.iter().any(|o| o.message
            == "REST API r1-name (r1) stage bare has no stage or method throttling and no usage plan throttle"));
    }

    #[test]
    fn unknown_usage_plans_or_stages_are_not_evaluated() {
        let mut s = apis(vec![rest_stage("bare")], vec![]);
        fail(&mut s, "apigateway:GetUsagePlans");
        let got = run(&ApiStageWithoutThrottling, &s);
        assert_eq!(statuses(&got), vec![("bare".into(), "not-evaluated")]);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("apigateway:GetUsagePlans"))
        );

        let mut s = apis(vec![], vec![]);
        region(&mut s).apigatewayv2.apis[0].stages = None;
        fail(&mut s, "apigatewayv2:GetStages");
        let got = run(&ApiStageWithoutThrottling, &s);
        assert_eq!(
            got.iter()
                .map(|o| o.resource_arn.as_str())
                .collect::<Vec<_>>(),
            vec!["arn:aws:apigateway:us-east-1::/apis/h1/stages/*"]
        );
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("apigatewayv2:GetStages"))
        );
    }
}
