//! DATA-006: without X-Ray tracing on a REST stage, a request cannot be
//! followed from the edge through the integration to the backend, so an
//! attack that crosses layers (or a backend that misbehaves under one) is
//! invisible end to end.
//!
//! REST stages only: HTTP APIs (API Gateway v2) do not support X-Ray
//! tracing at all, so they get no outcome here; their access logs
//! (DATA-003) are the record to keep.

use rampart_model::Status;

use super::api_stages::each_rest_stage;
use crate::registry::{Check, Context, Outcome};

pub struct ApiStageWithoutTracing;

impl Check for ApiStageWithoutTracing {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-006")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        each_rest_stage(cx, |_, api, stage| {
            if stage.tracing_enabled {
                (Status::Pass, "X-Ray tracing is on".into())
            } else {
                (
                    Status::Fail,
                    format!(
                        "REST API {} stage {} has X-Ray tracing off",
                        api.id, stage.stage_name
                    ),
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::data::fixtures::*;
    use crate::testing::*;

    #[test]
    fn tracing_on_passes_off_fails_http_apis_are_skipped() {
        let mut s = snapshot();
        let mut off = rest_stage("v1");
        off.tracing_enabled = false;
        let r = region(&mut s);
        r.apigateway.rest_apis = vec![rest_api("a1", vec![rest_stage("prod"), off])];
        r.apigatewayv2.apis = vec![http_api("h1", vec![http_stage("$default")], vec![])];
        let got = run(&ApiStageWithoutTracing, &s);
        assert_eq!(
            statuses(&got),
            vec![("prod".into(), "pass"), ("v1".into(), "fail")]
        );
        assert!(
            got.iter()
                .any(|o| o.message == "REST API a1 stage v1 has X-Ray tracing off")
        );
    }

    #[test]
    fn uncollected_stages_are_not_evaluated() {
        let mut s = snapshot();
        region(&mut s).apigateway.rest_apis = vec![rest_api("a1", vec![rest_stage("prod")])];
        fail(&mut s, "apigateway:GetRestApis");
        let got = run(&ApiStageWithoutTracing, &s);
        assert_eq!(statuses(&got), vec![("*".into(), "not-evaluated")]);
        assert_eq!(
            got[0].resource_arn,
            "arn:aws:apigateway:us-east-1::/restapis/*"
        );
        let mut s = snapshot();
        let mut api = rest_api("a1", vec![]);
        api.stages = None;
        region(&mut s).apigateway.rest_apis = vec![api];
        assert!(matches!(
            &run(&ApiStageWithoutTracing, &s)[0].status,
            Status::NotEvaluated(r) if r.contains("a1 was not collected")
        ));
    }
}
