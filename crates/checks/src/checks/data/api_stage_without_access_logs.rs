//! DATA-003: a stage without access logs leaves no record of who called the
//! API, from where, with which result: an incident on the backend cannot be
//! traced back to the requests that caused it.
//!
//! REST stages pass with an access log destination; HTTP and WebSocket API
//! stages likewise. Execution logging (`logging_level`) is a different,
//! debugging-oriented log and does not count.

use rampart_model::{AccessLogSettings, Status};

use super::api_stages::{each_http_stage, each_rest_stage, v2_kind};
use crate::registry::{Check, Context, Outcome};

pub struct ApiStageWithoutAccessLogs;

/// The destination, when access logging is configured.
fn destination(settings: Option<&AccessLogSettings>) -> Option<&str> {
    settings
        .and_then(|s| s.destination_arn.as_deref())
        .filter(|d| !d.trim().is_empty())
}

fn judge(
    kind: &str,
    api: &str,
    stage: &str,
    settings: Option<&AccessLogSettings>,
) -> (Status, String) {
    match destination(settings) {
        Some(d) => (Status::Pass, format!("access logs go to {d}")),
        None => (
            Status::Fail,
            format!("{kind} {api} stage {stage} has no access log destination"),
        ),
    }
}

impl Check for ApiStageWithoutAccessLogs {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-003")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = each_rest_stage(cx, |_, api, stage| {
            judge(
                "REST API",
                &api.id,
                &stage.stage_name,
                stage.access_log_settings.as_ref(),
            )
        });
        out.extend(each_http_stage(cx, |_, api, stage| {
            judge(
                v2_kind(api),
                &api.api_id,
                &stage.stage_name,
                stage.access_log_settings.as_ref(),
            )
        }));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::data::fixtures::*;
    use crate::testing::*;

    #[test]
    fn stages_with_a_destination_pass_others_fail() {
        let mut s = snapshot();
        let mut bare = rest_stage("v1");
        bare.access_log_settings = None;
        let mut empty = rest_stage("dev");
        empty.access_log_settings.as_mut().unwrap().destination_arn = Some(String::new());
        let mut http_bare = http_stage("$default");
        http_bare.access_log_settings = None;
        let r = region(&mut s);
        r.apigateway.rest_apis = vec![rest_api("a1", vec![rest_stage("prod"), bare, empty])];
        r.apigatewayv2.apis = vec![
            http_api("h1", vec![http_stage("live")], vec![]),
            http_api("h2", vec![http_bare], vec![]),
        ];
        let got = run(&ApiStageWithoutAccessLogs, &s);
        let mut by_arn: Vec<(&str, &str)> = got
            .iter()
            .map(|o| (o.resource_arn.as_str(), o.status.as_str()))
            .collect();
        by_arn.sort();
        assert_eq!(
            by_arn,
            vec![
                ("arn:aws:apigateway:us-east-1::/apis/h1/stages/live", "pass"),
                (
                    "arn:aws:apigateway:us-east-1::/apis/h2/stages/$default",
                    "fail"
                ),
                (
                    "arn:aws:apigateway:us-east-1::/restapis/a1/stages/dev",
                    "fail"
                ),
                (
                    "arn:aws:apigateway:us-east-1::/restapis/a1/stages/prod",
                    "pass"
                ),
                (
                    "arn:aws:apigateway:us-east-1::/restapis/a1/stages/v1",
                    "fail"
                ),
            ]
        );
        assert!(
            got.iter()
                .any(|o| o.message == "HTTP API h2 stage $default has no access log destination")
        );
    }

    #[test]
    fn uncollected_apis_and_stages_are_not_evaluated() {
        let mut s = snapshot();
        let mut api = rest_api("a1", vec![]);
        api.stages = None;
        region(&mut s).apigateway.rest_apis = vec![api];
        fail(&mut s, "apigatewayv2:GetApis");
        let mut stages_failed = s.collection_errors[0].clone();
        stages_failed.operation = "apigateway:GetStages".into();
        stages_failed.resource = Some("a1".into());
        s.collection_errors.push(stages_failed);
        let got = run(&ApiStageWithoutAccessLogs, &s);
        assert_eq!(
            statuses(&got),
            vec![("*".into(), "not-evaluated"), ("*".into(), "not-evaluated")]
        );
        assert_eq!(
            got[0].resource_arn,
            "arn:aws:apigateway:us-east-1::/restapis/a1/stages/*"
        );
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("apigateway:GetStages failed for a1"))
        );
        assert_eq!(got[1].resource_arn, "arn:aws:apigateway:us-east-1::/apis/*");
    }
}
