//! EDGE-006: a deployed, public method with authorization NONE lets anyone
//! on the internet call the backend behind it. REST methods pass with an
//! authorizer (IAM, Cognito, Lambda) or a required API key; HTTP API routes
//! need an authorization type other than NONE. OPTIONS (CORS preflight) is
//! not judged. APIs with no stage are not reachable and not judged.

use rampart_model::{HttpRoute, Status};

use super::support::{
    api_list_gaps, http_api_arn, http_label, is_public, missing, regions, rest_api_arn, rest_label,
    v2_kind,
};
use crate::registry::{Check, Context, Outcome};

pub struct ApiMethodWithoutAuth;

/// Is the API deployed? `Err` with the reason when its stages are unknown.
fn deployed<T>(stages: Option<&Vec<T>>, reason: impl FnOnce() -> String) -> Result<bool, String> {
    match stages {
        Some(s) => Ok(!s.is_empty()),
        None => Err(reason()),
    }
}

impl Check for ApiMethodWithoutAuth {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-006")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let s = cx.snapshot;
        let mut out = Vec::new();
        for (region, inv, _) in regions(cx) {
            out.extend(api_list_gaps(cx, region, "HTTP APIs"));

            for api in inv.apigateway.rest_apis.iter().filter(|a| is_public(a)) {
                let arn = rest_api_arn(s, region, &api.id);
                let label = rest_label(api);
                let deployed = deployed(api.stages.as_ref(), || {
                    missing(cx, region, "apigateway:GetStages", &api.id, || {
                        format!("the stages of {} were not collected", api.id)
                    })
                });
                if deployed == Ok(false) {
                    continue;
                }
                let Some(resources) = &api.resources else {
                    let reason = missing(cx, region, "apigateway:GetResources", &api.id, || {
                        format!("the resources of {} were not collected", api.id)
                    });
                    out.push(Outcome::new(
                        format!("{arn}/resources/*"),
                        region,
                        Status::NotEvaluated(reason),
                        format!("methods of REST API {label} unknown"),
                    ));
                    continue;
                };
                for res in resources {
                    let path = res.path.as_deref().unwrap_or("/");
                    for m in res.methods.iter().filter(|m| m.http_method != "OPTIONS") {
                        let what = format!("{} {path} on REST API {label}", m.http_method);
                        let (status, message) = match m.authorization_type.as_deref() {
                            None => (
                                Status::NotEvaluated(
                                    "the method reported no authorization type".into(),
                                ),
                                format!("{what}: authorization unknown"),
                            ),
                            Some("NONE") if m.api_key_required => (
                                Status::Pass,
                                format!(
                                    "{what} requires an API key (identifies callers, does not authenticate them)"
                                ),
                            ),
                            Some("NONE") => match &deployed {
                                Err(reason) => (
                                    Status::NotEvaluated(reason.clone()),
                                    format!(
                                        "{what} has no authorization; whether it is deployed is unknown"
                                    ),
                                ),
                                Ok(_) => (
                                    Status::Fail,
                                    format!(
                                        "{what} has authorization NONE and requires no API key"
                                    ),
                                ),
                            },
                            Some(kind) => (Status::Pass, format!("{what} is authorized by {kind}")),
                        };
                        out.push(Outcome::new(
                            format!("{arn}/resources/{}/methods/{}", res.id, m.http_method),
                            region,
                            status,
                            message,
                        ));
                    }
                }
            }

            for api in &inv.apigatewayv2.apis {
                let arn = http_api_arn(s, region, &api.api_id);
                let label = http_label(api);
                let deployed = deployed(api.stages.as_ref(), || {
                    missing(cx, region, "apigatewayv2:GetStages", &api.api_id, || {
                        format!("the stages of {} were not collected", api.api_id)
                    })
                });
                if deployed == Ok(false) {
                    continue;
                }
                let Some(kind) = v2_kind(api) else {
                    out.push(Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(format!(
                            "the protocol type of API {} is unknown ({:?}): rampart judges HTTP \
                             and WebSocket APIs",
                            api.api_id, api.protocol_type
                        )),
                        format!("API {label}: protocol unknown"),
                    ));
                    continue;
                };
                let Some(routes) = &api.routes else {
                    let reason = missing(cx, region, "apigatewayv2:GetRoutes", &api.api_id, || {
                        format!("the routes of {} were not collected", api.api_id)
                    });
                    out.push(Outcome::new(
                        format!("{arn}/routes/*"),
                        region,
                        Status::NotEvaluated(reason),
                        format!("routes of {kind} {label} unknown"),
                    ));
                    continue;
                };
                if api.protocol_type.as_deref() == Some("WEBSOCKET") {
                    out.push(websocket_connect(&arn, region, &label, routes, &deployed));
                    continue;
                }
                for r in routes
                    .iter()
                    .filter(|r| !r.route_key.starts_with("OPTIONS "))
                {
                    let what = format!("route {} on HTTP API {label}", r.route_key);
                    let (status, message) = match r.authorization_type.as_deref() {
                        None => (
                            Status::NotEvaluated("the route reported no authorization type".into()),
                            format!("{what}: authorization unknown"),
                        ),
                        Some("NONE") => match &deployed {
                            Err(reason) => (
                                Status::NotEvaluated(reason.clone()),
                                format!(
                                    "{what} has no authorization; whether it is deployed is unknown"
                                ),
                            ),
                            Ok(_) => (Status::Fail, format!("{what} has authorization NONE")),
                        },
                        Some(kind) => (Status::Pass, format!("{what} is authorized by {kind}")),
                    };
                    let id = r.route_id.as_deref().unwrap_or(&r.route_key);
                    out.push(Outcome::new(
                        format!("{arn}/routes/{id}"),
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

/// The verdict on a WebSocket API: AWS authorizes a WebSocket connection
/// once, on `$connect`, the only route that can hold authorization; the
/// other routes are judged through it. Filed on the `$connect` route, or
/// on the API when it has none.
fn websocket_connect(
    arn: &str,
    region: &str,
    label: &str,
    routes: &[HttpRoute],
    deployed: &Result<bool, String>,
) -> Outcome {
    let Some(connect) = routes.iter().find(|r| r.route_key == "$connect") else {
        let (status, message) = match deployed {
            Err(reason) => (
                Status::NotEvaluated(reason.clone()),
                format!(
                    "WebSocket API {label} has no $connect route; whether it is deployed is unknown"
                ),
            ),
            Ok(_) => (
                Status::Fail,
                format!(
                    "WebSocket API {label} has no $connect route: nothing authorizes a \
                     connection (only $connect can hold authorization), so any client can connect \
                     and send to every route"
                ),
            ),
        };
        return Outcome::new(arn.to_string(), region, status, message);
    };
    let what = format!("route $connect on WebSocket API {label}");
    let (status, message) = match connect.authorization_type.as_deref() {
        None => (
            Status::NotEvaluated("the route reported no authorization type".into()),
            format!("{what}: authorization unknown"),
        ),
        Some("NONE") if connect.api_key_required => (
            Status::Pass,
            format!("{what} requires an API key (identifies callers, does not authenticate them)"),
        ),
        Some("NONE") => match deployed {
            Err(reason) => (
                Status::NotEvaluated(reason.clone()),
                format!("{what} has no authorization; whether it is deployed is unknown"),
            ),
            Ok(_) => (
                Status::Fail,
                format!(
                    "{what} has authorization NONE: any client can connect and then send to every route"
                ),
            ),
        },
        Some(kind) => (Status::Pass, format!("{what} is authorized by {kind}")),
    };
    let id = connect.route_id.as_deref().unwrap_or("$connect");
    Outcome::new(format!("{arn}/routes/{id}"), region, status, message)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;

    /// A deployed public REST API `r1` and HTTP API `h1` with the given
    /// methods on `/orders` (resource `res1`) and routes.
    fn apis(
        methods: Vec<rampart_model::RestMethod>,
        routes: Vec<rampart_model::HttpRoute>,
    ) -> rampart_model::Snapshot {
        let mut s = snapshot();
        let r = region(&mut s);
        let mut rest = rest_api("r1", "EDGE");
        rest.resources = Some(vec![resource("res1", "/orders", methods)]);
        rest.stages = Some(vec![rest_stage("prod")]);
        r.apigateway.rest_apis = vec![rest];
        let mut http = http_api("h1");
        http.routes = Some(routes);
        http.stages = Some(vec![http_stage("$default")]);
        r.apigatewayv2.apis = vec![http];
        s
    }

    #[test]
    fn authorized_methods_and_routes_pass_open_ones_fail() {
        let mut keyed = method("PUT", "NONE");
        keyed.api_key_required = true;
        let s = apis(
            vec![
                method("GET", "CUSTOM"),
                method("POST", "NONE"),
                method("OPTIONS", "NONE"),
                keyed,
                method("DELETE", "AWS_IAM"),
            ],
            vec![
                route("rt-open", "GET /health", "NONE"),
                route("rt-iam", "POST /orders", "AWS_IAM"),
                route("rt-cors", "OPTIONS /orders", "NONE"),
            ],
        );
        let got = run(&ApiMethodWithoutAuth, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("DELETE".into(), "pass"),
                ("GET".into(), "pass"),
                ("POST".into(), "fail"),
                ("PUT".into(), "pass"),
                ("rt-iam".into(), "pass"),
                ("rt-open".into(), "fail"),
            ]
        );
        let post = got.iter().find(|o| o.status == Status::Fail).unwrap();
        assert_eq!(
            post.resource_arn,
            "arn:aws:apigateway:us-east-1::/restapis/r1/resources/res1/methods/POST"
        );
        assert_eq!(
            post.message,
            "POST /orders on REST API r1-name (r1) has authorization NONE and requires no API key"
        );
        let open = got
            .iter()
            .find(|o| o.resource_arn.ends_with("rt-open"))
            .unwrap();
        assert_eq!(
            open.resource_arn,
            "arn:aws:apigateway:us-east-1::/apis/h1/routes/rt-open"
        );
        assert!(open.message.contains("route GET /health"));
    }

    #[test]
    fn private_and_undeployed_apis_are_not_judged() {
        let mut s = apis(
            vec![method("GET", "NONE")],
            vec![route("rt", "$default", "NONE")],
        );
        let r = region(&mut s);
        r.apigateway.rest_apis[0].stages = Some(vec![]);
        r.apigatewayv2.apis[0].stages = Some(vec![]);
        let mut private = rest_api("p1", "PRIVATE");
        private.resources = Some(vec![resource("res2", "/", vec![method("GET", "NONE")])]);
        private.stages = Some(vec![rest_stage("live")]);
        r.apigateway.rest_apis.push(private);
        assert!(run(&ApiMethodWithoutAuth, &s).is_empty());
    }

    #[test]
    fn unknown_resources_stages_or_auth_types_are_not_evaluated() {
        let mut unknown = method("PATCH", "NONE");
        unknown.authorization_type = None;
        let mut s = apis(
            vec![
                method("POST", "NONE"),
                unknown,
                method("GET", "COGNITO_USER_POOLS"),
            ],
            vec![],
        );
        let r = region(&mut s);
        // Stages unknown: the open method cannot be called deployed.
        r.apigateway.rest_apis[0].stages = None;
        r.apigatewayv2.apis[0].routes = None;
        fail(&mut s, "apigateway:GetStages");
        fail(&mut s, "apigatewayv2:GetRoutes");
        let got = run(&ApiMethodWithoutAuth, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("*".into(), "not-evaluated"),
                ("GET".into(), "pass"),
                ("PATCH".into(), "not-evaluated"),
                ("POST".into(), "not-evaluated"),
            ]
        );
        assert!(got.iter().any(|o| o.resource_arn.ends_with("/POST")
            && matches!(&o.status, Status::NotEvaluated(r) if r.contains("apigateway:GetStages"))));
        assert!(got.iter().any(|o| o.resource_arn
            == "arn:aws:apigateway:us-east-1::/apis/h1/routes/*"
            && matches!(&o.status, Status::NotEvaluated(r) if r.contains("apigatewayv2:GetRoutes"))));

        let mut s = apis(vec![], vec![]);
        region(&mut s).apigateway.rest_apis[0].resources = None;
        fail(&mut s, "apigateway:GetRestApis");
        let got = run(&ApiMethodWithoutAuth, &s);
        let arns: Vec<_> = got.iter().map(|o| o.resource_arn.as_str()).collect();
        assert_eq!(
            arns,
            vec![
                "arn:aws:apigateway:us-east-1::/restapis/*",
                "arn:aws:apigateway:us-east-1::/restapis/r1/resources/*"
            ]
        );
    }

    /// A deployed WebSocket API `id` with `routes`.
    fn ws(id: &str, routes: Vec<rampart_model::HttpRoute>) -> rampart_model::HttpApi {
        let mut api = websocket_api(id);
        api.routes = Some(routes);
        api.stages = Some(vec![http_stage("prod")]);
        api
    }

    /// WebSocket APIs authorize once, on `$connect`: AWS lets authorization
    /// be configured on that route only, and a client whose `$connect`
    /// passes may then send to every route
    /// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html,
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-control-access.html).
    /// Without a `$connect` route nothing can authorize the connection.
    #[test]
    fn websocket_apis_are_judged_on_their_connect_route() {
        let mut keyed = route("k-connect", "$connect", "NONE");
        keyed.api_key_required = true;
        let mut undeployed = ws("w-undeployed", vec![route("u", "$connect", "NONE")]);
        undeployed.stages = Some(vec![]);
        let mut unknown = ws("w-unknown", vec![]);
        unknown.routes = None;
        let mut odd = ws("odd", vec![route("o", "GET /", "NONE")]);
        odd.protocol_type = None;
        let mut s = apis(vec![], vec![]);
        region(&mut s).apigatewayv2.apis = vec![
            ws(
                "w-auth",
                vec![
                    route("a-connect", "$connect", "AWS_IAM"),
                    route("a-send", "sendmessage", "NONE"),
                ],
            ),
            ws("w-open", vec![route("o-connect", "$connect", "NONE")]),
            ws("w-keyed", vec![keyed]),
            ws("w-none", vec![route("n-default", "$default", "NONE")]),
            undeployed,
            unknown,
            odd,
        ];
        fail(&mut s, "apigatewayv2:GetRoutes");
        let got = run(&ApiMethodWithoutAuth, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("*".into(), "not-evaluated"),
                ("a-connect".into(), "pass"),
                ("k-connect".into(), "pass"),
                ("o-connect".into(), "fail"),
                ("odd".into(), "not-evaluated"),
                ("w-none".into(), "fail"),
            ]
        );
        let message = |suffix: &str| {
            got.iter()
                .find(|o| o.resource_arn.ends_with(suffix))
                .unwrap()
                .message
                .as_str()
        };
        assert_eq!(
            message("/o-connect"),
            "route $connect on WebSocket API w-open-name (w-open) has authorization NONE: any \
             client can connect and then send to every route"
        );
        assert_eq!(
            message("/apis/w-none"),
            "WebSocket API w-none-name (w-none) has no $connect route: nothing authorizes a \
             connection (only $connect can hold authorization), so any client can connect and \
             send to every route"
        );
        assert!(got.iter().any(|o| o.resource_arn
            == "arn:aws:apigateway:us-east-1::/apis/w-unknown/routes/*"
            && matches!(&o.status, Status::NotEvaluated(r) if r.contains("apigatewayv2:GetRoutes"))));
    }
}
