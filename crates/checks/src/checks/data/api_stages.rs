//! Walking API Gateway stages for the data-layer stage checks (DATA-003,
//! DATA-006, DATA-007): every REST (v1) and HTTP/WebSocket (v2) stage of
//! every region, with the *not evaluated* outcomes for a region whose API
//! list or an API whose stage list was not collected, so each check only
//! judges one stage. Also the API Gateway ARNs those checks report.

use rampart_model::{HttpApi, HttpStage, RestApi, RestStage, Status};

use crate::index::stage_arn;
use crate::registry::why_missing;
use crate::registry::{Context, Outcome};

/// `arn:PARTITION:apigateway:REGION::PATH` (`PATH` starts with `/`).
pub(crate) fn apigateway_arn(cx: &Context<'_>, region: &str, path: &str) -> String {
    crate::index::apigateway_arn(&cx.snapshot.partition, region, path)
}

/// The ARN of an HTTP/WebSocket API stage.
pub(crate) fn http_stage_arn(cx: &Context<'_>, region: &str, api_id: &str, stage: &str) -> String {
    apigateway_arn(cx, region, &format!("/apis/{api_id}/stages/{stage}"))
}

/// The *not evaluated* outcome for a region whose `operation` (an API
/// list) failed, on `PATH/*`; `None` when it was collected.
pub(crate) fn list_gap(
    cx: &Context<'_>,
    region: &str,
    operation: &str,
    path: &str,
    what: &str,
) -> Option<Outcome> {
    let reason = cx.not_collected(Some(region), &[operation])?;
    Some(Outcome::new(
        apigateway_arn(cx, region, &format!("{path}/*")),
        region,
        Status::NotEvaluated(reason),
        format!("{what} in {region} were not collected"),
    ))
}

/// Runs `judge` on every REST stage (resource: the stage ARN).
pub(crate) fn each_rest_stage(
    cx: &Context<'_>,
    mut judge: impl FnMut(&str, &RestApi, &RestStage) -> (Status, String),
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, inv) in &cx.snapshot.regions {
        if let Some(gap) = list_gap(
            cx,
            region,
            "apigateway:GetRestApis",
            "/restapis",
            "REST APIs",
        ) {
            out.push(gap);
            continue;
        }
        for api in &inv.apigateway.rest_apis {
            let Some(stages) = &api.stages else {
                out.push(Outcome::new(
                    apigateway_arn(cx, region, &format!("/restapis/{}/stages/*", api.id)),
                    region,
                    Status::NotEvaluated(why_missing(
                        cx,
                        Some(region),
                        &["apigateway:GetStages"],
                        &api.id,
                    )),
                    format!("the stages of REST API {} were not collected", api.id),
                ));
                continue;
            };
            for stage in stages {
                let (status, msg) = judge(region, api, stage);
                out.push(Outcome::new(
                    stage_arn(&cx.snapshot.partition, region, &api.id, &stage.stage_name),
                    region,
                    status,
                    msg,
                ));
            }
        }
    }
    out
}

/// Runs `judge` on every HTTP and WebSocket API stage (resource: the stage ARN).
pub(crate) fn each_http_stage(
    cx: &Context<'_>,
    mut judge: impl FnMut(&str, &HttpApi, &HttpStage) -> (Status, String),
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, inv) in &cx.snapshot.regions {
        if let Some(gap) = list_gap(cx, region, "apigatewayv2:GetApis", "/apis", "HTTP APIs") {
            out.push(gap);
            continue;
        }
        for api in &inv.apigatewayv2.apis {
            let Some(stages) = &api.stages else {
                out.push(Outcome::new(
                    apigateway_arn(cx, region, &format!("/apis/{}/stages/*", api.api_id)),
                    region,
                    Status::NotEvaluated(why_missing(
                        cx,
                        Some(region),
                        &["apigatewayv2:GetStages"],
                        &api.api_id,
                    )),
                    format!("the stages of API {} were not collected", api.api_id),
                ));
                continue;
            };
            for stage in stages {
                let (status, msg) = judge(region, api, stage);
                out.push(Outcome::new(
                    http_stage_arn(cx, region, &api.api_id, &stage.stage_name),
                    region,
                    status,
                    msg,
                ));
            }
        }
    }
    out
}

/// `HTTP API` or `WebSocket API`, for messages.
pub(crate) fn v2_kind(api: &HttpApi) -> &'static str {
    match api.protocol_type.as_deref() {
        Some("WEBSOCKET") => "WebSocket API",
        _ => "HTTP API",
    }
}
