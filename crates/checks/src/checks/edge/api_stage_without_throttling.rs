//! EDGE-007: a public stage without its own throttling runs on the
//! account-wide regional limit (10,000 requests per second shared by every
//! API): one abusive client can exhaust it for all of them, and all of it
//! reaches the backend. Throttling counts only where it applies:
//! - REST: a stage-wide `*/*` method setting covers every method; a method
//!   setting `path/VERB` covers that method only; a usage plan throttles
//!   only requests made with one of its API keys, so it covers a method
//!   only if the method requires an API key and every plan bound to the
//!   stage throttles it (plan-wide or for that method): a key of an
//!   unthrottled plan is let through unthrottled.
//! - HTTP and WebSocket: default route settings cover every route, route
//!   settings their route only. A WebSocket `$disconnect` is not judged: it
//!   runs once per closed connection, which `$connect` already bounds.
//!
//! A stage passes only when every method (route) is covered; the finding
//! names the ones that are not.

use rampart_model::{
    ApiResource, HttpApi, HttpRouteSettings, HttpStage, MethodSetting, RestApi, RestStage, Status,
    Throttle, UsagePlan, UsagePlanStage,
};

use super::support::{
    api_list_gaps, http_label, http_stage_arn, is_public, list, missing, regions, rest_label,
    rest_stage_arn, v2_kind,
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

fn throttle_limit(t: &Throttle) -> Option<String> {
    limited(t.burst_limit, t.rate_limit)
}

/// A method settings (or plan throttle) key, `resource-path/VERB`, as
/// `(path without outer slashes, VERB)`. Keys may spell the path's slashes
/// `~1` (the patch-path escape) and may lead with a slash; `*/*` is the
/// whole stage.
fn method_key(key: &str) -> Option<(String, String)> {
    let key = key.replace("~1", "/");
    let (path, verb) = key.rsplit_once('/')?;
    Some((path.trim_matches('/').to_string(), verb.to_string()))
}

fn is_stage_wide(key: &str) -> bool {
    method_key(key).is_some_and(|(p, v)| p == "*" && v == "*")
}

fn names(path: &str, verb: &str, key: &str) -> bool {
    method_key(key).is_some_and(|(p, v)| p == path.trim_matches('/') && v == verb)
}

/// Items joined with `is`/`are` and `its`/`their` agreeing with the count.
fn agree(items: &[String]) -> (String, &'static str, &'static str) {
    let verb = if items.len() == 1 { "is" } else { "are" };
    let own = if items.len() == 1 { "its" } else { "their" };
    (list(items), verb, own)
}

/// What covers one method, or why nothing does.
enum Cover {
    By(String),
    /// Not covered; `Some` says more than "no setting, no API key".
    Open(Option<String>),
    Unknown,
}

/// The plans bound to `api`/`stage`, with their binding.
fn bound<'p>(
    plans: &'p [UsagePlan],
    api: &str,
    stage: &str,
) -> Vec<(&'p UsagePlan, &'p UsagePlanStage)> {
    plans
        .iter()
        .filter_map(|p| {
            let b = p
                .api_stages
                .iter()
                .find(|s| s.api_id.as_deref() == Some(api) && s.stage.as_deref() == Some(stage))?;
            Some((p, b))
        })
        .collect()
}

fn plan_name(p: &UsagePlan) -> &str {
    p.name.as_deref().unwrap_or(&p.id)
}

/// Does every bound plan throttle `verb path`?
fn plans_cover(bound: &[(&UsagePlan, &UsagePlanStage)], path: &str, verb: &str) -> Cover {
    if bound.is_empty() {
        return Cover::Open(Some(
            "it requires an API key, but no usage plan is bound to the stage".into(),
        ));
    }
    for (plan, binding) in bound {
        let throttled = plan.throttle.as_ref().and_then(throttle_limit).is_some()
            || binding.throttle.iter().any(|(k, t)| {
                (is_stage_wide(k) || names(path, verb, k)) && throttle_limit(t).is_some()
            });
        if !throttled {
            return Cover::Open(Some(format!(
                "usage plan {} bound to the stage has no throttle for it",
                plan_name(plan)
            )));
        }
    }
    let plans: Vec<String> = bound
        .iter()
        .map(|(p, _)| plan_name(p).to_string())
        .collect();
    let word = if plans.len() == 1 {
        "usage plan"
    } else {
        "usage plans"
    };
    Cover::By(format!("{word} {}", list(&plans)))
}

/// Groups `(what, by)` pairs as `a and b by X; c by Y`.
fn grouped(covered: &[(String, String)]) -> String {
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for (what, by) in covered {
        match groups.iter_mut().find(|(b, _)| b == by) {
            Some((_, items)) => items.push(what.clone()),
            None => groups.push((by, vec![what.clone()])),
        }
    }
    groups
        .iter()
        .map(|(by, items)| format!("{} by {by}", list(items)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn rest_verdict(
    resources: &[ApiResource],
    stage: &RestStage,
    bound: &[(&UsagePlan, &UsagePlanStage)],
    plans_missing: &Option<String>,
    name: &str,
) -> (Status, String) {
    let mut covered = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for res in resources {
        let path = res.path.as_deref().unwrap_or("/");
        for m in &res.methods {
            let what = format!("{} {path}", m.http_method);
            let own = stage
                .method_settings
                .iter()
                .filter(|(k, _)| names(path, &m.http_method, k))
                .find_map(|(_, s)| method_limit(s));
            let cover = match own {
                Some(_) => Cover::By("method settings".into()),
                None if !m.api_key_required => Cover::Open(None),
                None if plans_missing.is_some() => Cover::Unknown,
                None => plans_cover(bound, path, &m.http_method),
            };
            match cover {
                Cover::By(by) => covered.push((what, by)),
                Cover::Open(None) => open.push(what),
                Cover::Open(Some(why)) => open.push(format!("{what} ({why})")),
                Cover::Unknown => unknown.push(what),
            }
        }
    }
    if !open.is_empty() {
        let (items, verb, own) = agree(&open);
        return (
            Status::Fail,
            format!(
                "{name} has no stage-wide (*/*) throttle, and {items} {verb} not throttled: no \
                 method setting of {own} own, and usage plans throttle only methods that require \
                 an API key"
            ),
        );
    }
    if let (false, Some(reason)) = (unknown.is_empty(), plans_missing) {
        let (items, verb, _) = agree(&unknown);
        return (
            Status::NotEvaluated(reason.clone()),
            format!(
                "{name}: {items} {verb} throttled only if usage plans say so, and they are unknown"
            ),
        );
    }
    match covered.is_empty() {
        true => (Status::Pass, format!("{name} has no methods to throttle")),
        false => (
            Status::Pass,
            format!("{name} throttles every method: {}", grouped(&covered)),
        ),
    }
}

fn v2_verdict(
    api: &HttpApi,
    stage: &HttpStage,
    name: &str,
    cx: &Context<'_>,
    region: &str,
) -> (Status, String) {
    if let Some(l) = stage.default_route_settings.as_ref().and_then(route_limit) {
        return (
            Status::Pass,
            format!("{name} is throttled by its default route settings ({l})"),
        );
    }
    let Some(routes) = &api.routes else {
        let reason = missing(cx, region, "apigatewayv2:GetRoutes", &api.api_id, || {
            format!("the routes of {} were not collected", api.api_id)
        });
        return (
            Status::NotEvaluated(reason),
            format!("{name} has no default route throttle, and its routes are unknown"),
        );
    };
    let websocket = api.protocol_type.as_deref() == Some("WEBSOCKET");
    let mut open = Vec::new();
    let mut judged = 0;
    for r in routes
        .iter()
        .filter(|r| !(websocket && r.route_key == "$disconnect"))
    {
        judged += 1;
        let own = stage.route_settings.get(&r.route_key).and_then(route_limit);
        if own.is_none() {
            open.push(r.route_key.clone());
        }
    }
    if !open.is_empty() {
        let (items, verb, _) = agree(&open);
        return (
            Status::Fail,
            format!(
                "{name} has no default route throttle, and {items} {verb} not throttled by route settings"
            ),
        );
    }
    match judged {
        0 => (Status::Pass, format!("{name} has no routes to throttle")),
        _ => (
            Status::Pass,
            format!("{name} throttles every route by its route settings"),
        ),
    }
}

impl Check for ApiStageWithoutThrottling {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-007")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let s = cx.snapshot;
        let mut out = Vec::new();
        for (region, inv, _) in regions(cx) {
            out.extend(api_list_gaps(cx, region, "HTTP and WebSocket APIs"));
            let plans_missing = cx.not_collected(Some(region), &["apigateway:GetUsagePlans"]);

            for api in inv.apigateway.rest_apis.iter().filter(|a| is_public(a)) {
                out.extend(rest_stages(
                    cx,
                    region,
                    api,
                    &inv.apigateway.usage_plans,
                    &plans_missing,
                ));
            }

            for api in &inv.apigatewayv2.apis {
                let kind = v2_kind(api);
                let label = format!("{} {}", kind.unwrap_or("API"), http_label(api));
                let Some(stages) = &api.stages else {
                    let reason = missing(cx, region, "apigatewayv2:GetStages", &api.api_id, || {
                        format!("the stages of {} were not collected", api.api_id)
                    });
                    out.push(Outcome::new(
                        http_stage_arn(s, region, &api.api_id, "*"),
                        region,
                        Status::NotEvaluated(reason),
                        format!("stages of {label} unknown"),
                    ));
                    continue;
                };
                for stage in stages {
                    let name = format!("{label} stage {}", stage.stage_name);
                    let (status, message) = match kind {
                        Some(_) => v2_verdict(api, stage, &name, cx, region),
                        None => (
                            Status::NotEvaluated(format!(
                                "the protocol type of API {} is unknown ({:?}): rampart judges HTTP and WebSocket APIs",
                                api.api_id, api.protocol_type
                            )),
                            format!("{name}: protocol unknown"),
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

fn rest_stages(
    cx: &Context<'_>,
    region: &str,
    api: &RestApi,
    plans: &[UsagePlan],
    plans_missing: &Option<String>,
) -> Vec<Outcome> {
    let s = cx.snapshot;
    let Some(stages) = &api.stages else {
        let reason = missing(cx, region, "apigateway:GetStages", &api.id, || {
            format!("the stages of {} were not collected", api.id)
        });
        return vec![Outcome::new(
            rest_stage_arn(s, region, &api.id, "*"),
            region,
            Status::NotEvaluated(reason),
            format!("stages of REST API {} unknown", rest_label(api)),
        )];
    };
    let mut out = Vec::new();
    for stage in stages {
        let name = format!("REST API {} stage {}", rest_label(api), stage.stage_name);
        let wide = stage
            .method_settings
            .iter()
            .filter(|(k, _)| is_stage_wide(k))
            .find_map(|(_, m)| method_limit(m));
        let (status, message) = match (wide, &api.resources) {
            (Some(l), _) => (
                Status::Pass,
                format!("{name} is throttled stage-wide (*/*: {l})"),
            ),
            (None, None) => (
                Status::NotEvaluated(missing(
                    cx,
                    region,
                    "apigateway:GetResources",
                    &api.id,
                    || format!("the resources of {} were not collected", api.id),
                )),
                format!("{name} has no stage-wide (*/*) throttle, and its methods are unknown"),
            ),
            (None, Some(resources)) => rest_verdict(
                resources,
                stage,
                &bound(plans, &api.id, &stage.stage_name),
                plans_missing,
                &name,
            ),
        };
        out.push(Outcome::new(
            rest_stage_arn(s, region, &api.id, &stage.stage_name),
            region,
            status,
            message,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;
    use rampart_model::{HttpStage, RestMethod, Snapshot, Throttle};
    use std::collections::BTreeMap;

    fn keyed(verb: &str) -> RestMethod {
        let mut m = method(verb, "NONE");
        m.api_key_required = true;
        m
    }

    /// Public REST API `r1` (`GET /`, `GET /orders`, `POST /orders` with an
    /// API key) with `rest` stages; HTTP API `h1` (`GET /x`, `POST /y`) with
    /// `http` stages; WebSocket API `w1` (`$connect`, `$default`,
    /// `$disconnect`) with `ws` stages.
    fn apis(rest: Vec<RestStage>, http: Vec<HttpStage>, ws: Vec<HttpStage>) -> Snapshot {
        let mut s = snapshot();
        let r = region(&mut s);
        let mut api = rest_api("r1", "REGIONAL");
        api.resources = Some(vec![
            resource("root", "/", vec![method("GET", "NONE")]),
            resource(
                "res1",
                "/orders",
                vec![method("GET", "NONE"), keyed("POST")],
            ),
        ]);
        api.stages = Some(rest);
        r.apigateway.rest_apis = vec![api];
        let mut h = http_api("h1");
        h.routes = Some(vec![
            route("rt1", "GET /x", "NONE"),
            route("rt2", "POST /y", "NONE"),
        ]);
        h.stages = Some(http);
        let mut w = websocket_api("w1");
        w.routes = Some(vec![
            route("c", "$connect", "NONE"),
            route("d", "$default", "NONE"),
            route("x", "$disconnect", "NONE"),
        ]);
        w.stages = Some(ws);
        r.apigatewayv2.apis = vec![h, w];
        s
    }

    fn rest_with(name: &str, keys: &[&str]) -> RestStage {
        let mut st = rest_stage(name);
        st.method_settings = keys
            .iter()
            .map(|k| (k.to_string(), method_setting(Some(100), Some(50.0))))
            .collect();
        st
    }

    fn message<'a>(got: &'a [Outcome], suffix: &str) -> &'a str {
        &got.iter()
            .find(|o| o.resource_arn.ends_with(suffix))
            .unwrap_or_else(|| panic!("no outcome for {suffix}"))
            .message
    }

    /// AWS: a stage-wide `*/*` setting covers every method, a method
    /// setting `path/VERB` only that method
    /// (https://docs.aws.amazon.com/apigateway/latest/api/API_Stage.html,
    /// methodSettings); usage plan throttles apply only to requests made
    /// with an API key of the plan, so they cover only methods that require
    /// one, and only if every plan bound to the stage throttles them (a key
    /// of an unthrottled plan is let through unthrottled)
    /// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
    /// HTTP and WebSocket stages: default route settings cover every route,
    /// route settings only their route
    /// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html,
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-protect.html).
    #[test]
    fn stages_pass_when_every_method_or_route_is_covered() {
        let mut plan_method = rest_with("plan-method", &["orders/GET", "/GET"]);
        plan_method
            .method_settings
            .insert("~1orders/GET".into(), method_setting(Some(-1), Some(-1.0)));
        let mut http_default = http_stage("$default");
        http_default.default_route_settings = Some(route_settings(Some(10), Some(5.0)));
        let mut http_routes = http_stage("routes");
        http_routes.route_settings = BTreeMap::from([
            ("GET /x".to_string(), route_settings(None, Some(5.0))),
            ("POST /y".to_string(), route_settings(Some(1), None)),
        ]);
        let mut ws = http_stage("ws");
        ws.default_route_settings = Some(route_settings(Some(10), Some(5.0)));
        let mut ws_routes = http_stage("ws-routes");
        // $disconnect runs after a connection closes: $connect bounds it.
        ws_routes.route_settings = BTreeMap::from([
            ("$connect".to_string(), route_settings(Some(10), Some(5.0))),
            ("$default".to_string(), route_settings(Some(10), Some(5.0))),
        ]);
        let mut s = apis(
            vec![
                rest_with("wide", &["*/*"]),
                rest_with("per-method", &["orders/GET", "~1orders/POST", "/GET"]),
                plan_method,
            ],
            vec![http_default, http_routes],
            vec![ws, ws_routes],
        );
        let mut plan = usage_plan("up1", "r1", "plan-method", None);
        plan.api_stages[0].throttle.insert(
            "/orders/POST".into(),
            Throttle {
                burst_limit: Some(5),
                rate_limit: Some(1.0),
            },
        );
        region(&mut s).apigateway.usage_plans = vec![plan];
        let got = run(&ApiStageWithoutThrottling, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("$default".into(), "pass"),
                ("per-method".into(), "pass"),
                ("plan-method".into(), "pass"),
                ("routes".into(), "pass"),
                ("wide".into(), "pass"),
                ("ws".into(), "pass"),
                ("ws-routes".into(), "pass"),
            ]
        );
        assert_eq!(
            message(&got, "/stages/wide"),
            "REST API r1-name (r1) stage wide is throttled stage-wide (*/*: burst 100 rate 50)"
        );
        assert!(
            message(&got, "/plan-method").contains("POST /orders by usage plan up1-name"),
            "{}",
            message(&got, "/plan-method")
        );
        assert!(
            message(&got, "/apis/w1/stages/ws").starts_with("WebSocket API w1-name (w1) stage ws")
        );
    }

    #[test]
    fn stages_with_an_uncovered_method_or_route_fail_naming_them() {
        let mut two_plans = rest_with("two-plans", &["orders/GET", "/GET"]);
        two_plans
            .method_settings
            .insert("*/*".into(), method_setting(Some(-1), Some(-1.0)));
        let mut routes = http_stage("routes");
        routes.route_settings =
            BTreeMap::from([("GET /x".to_string(), route_settings(None, Some(5.0)))]);
        let mut metrics = http_stage("metrics");
        metrics.default_route_settings = Some(route_settings(None, None));
        let mut s = apis(
            vec![
                // A plan throttles keyed requests only: GET / and GET
                // /orders run unthrottled.
                rest_stage("planned"),
                rest_with("partial", &["orders/GET"]),
                two_plans,
                rest_with("unbound", &["orders/GET", "/GET"]),
            ],
            vec![routes, metrics],
            vec![http_stage("ws-bare")],
        );
        region(&mut s).apigateway.usage_plans = vec![
            usage_plan("up1", "r1", "planned", Some((200, 100.0))),
            usage_plan("up2", "r1", "two-plans", Some((200, 100.0))),
            usage_plan("quota-only", "r1", "two-plans", None),
        ];
        let got = run(&ApiStageWithoutThrottling, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("metrics".into(), "fail"),
                ("partial".into(), "fail"),
                ("planned".into(), "fail"),
                ("routes".into(), "fail"),
                ("two-plans".into(), "fail"),
                ("unbound".into(), "fail"),
                ("ws-bare".into(), "fail"),
            ]
        );
        assert_eq!(
            message(&got, "/planned"),
            "REST API r1-name (r1) stage planned has no stage-wide (*/*) throttle, and GET / and \
             GET /orders are not throttled: no method setting of their own, and usage plans throttle \
             only methods that require an API key"
        );
        assert!(
            message(&got, "/partial").contains("GET / and POST /orders"),
            "{}",
            message(&got, "/partial")
        );
        assert!(
            message(&got, "/two-plans").contains("POST /orders (usage plan quota-only-name bound to the stage has no throttle for it)"),
            "{}",
            message(&got, "/two-plans")
        );
        assert!(
            message(&got, "/unbound").contains(
                "POST /orders (it requires an API key, but no usage plan is bound to the stage)"
            ),
            "{}",
            message(&got, "/unbound")
        );
        assert!(message(&got, "/h1/stages/routes").contains("POST /y"));
        assert!(
            message(&got, "/w1/stages/ws-bare").contains("$connect and $default"),
            "{}",
            message(&got, "/w1/stages/ws-bare")
        );
    }

    #[test]
    fn unknown_methods_routes_plans_or_stages_are_not_evaluated() {
        let mut s = apis(
            vec![
                rest_with("keyed-only", &["orders/GET", "/GET"]),
                rest_stage("open"),
            ],
            vec![http_stage("no-routes")],
            vec![],
        );
        fail(&mut s, "apigateway:GetUsagePlans");
        let mut odd = http_api("odd");
        odd.protocol_type = None;
        odd.stages = Some(vec![http_stage("s")]);
        let r = region(&mut s);
        r.apigatewayv2.apis[0].routes = None;
        r.apigatewayv2.apis.push(odd);
        let got = run(&ApiStageWithoutThrottling, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("keyed-only".into(), "not-evaluated"),
                ("no-routes".into(), "not-evaluated"),
                // GET / and GET /orders need no key: uncovered whatever the plans say.
                ("open".into(), "fail"),
                ("s".into(), "not-evaluated"),
            ]
        );
        let status = |suffix: &str| {
            &got.iter()
                .find(|o| o.resource_arn.ends_with(suffix))
                .unwrap()
                .status
        };
        assert!(
            matches!(status("/keyed-only"), Status::NotEvaluated(r) if r.contains("apigateway:GetUsagePlans"))
        );
        assert!(
            matches!(status("/no-routes"), Status::NotEvaluated(r) if r.contains("routes of h1"))
        );
        assert!(
            matches!(status("/odd/stages/s"), Status::NotEvaluated(r) if r.contains("protocol"))
        );

        // Methods unknown and no stage-wide limit.
        let mut s = apis(vec![rest_stage("bare")], vec![], vec![]);
        region(&mut s).apigateway.rest_apis[0].resources = None;
        fail(&mut s, "apigateway:GetResources");
        let got = run(&ApiStageWithoutThrottling, &s);
        assert_eq!(statuses(&got), vec![("bare".into(), "not-evaluated")]);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("apigateway:GetResources"))
        );

        let mut s = apis(vec![], vec![], vec![]);
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
