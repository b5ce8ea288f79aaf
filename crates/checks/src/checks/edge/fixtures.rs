//! Snapshot fragments for the edge checks' tests: REST, HTTP and WebSocket
//! APIs with their resources, stages and usage plans, web ACLs and their
//! rules. Policy documents are written with `serde_json::json!` where used.

use std::collections::BTreeMap;

use rampart_model::*;

/// A public (or PRIVATE) REST API with no resources and no stages yet.
pub fn rest_api(id: &str, endpoint_type: &str) -> RestApi {
    RestApi {
        id: id.into(),
        name: Some(format!("{id}-name")),
        endpoint_types: vec![endpoint_type.into()],
        vpc_endpoint_ids: vec![],
        policy: None,
        disable_execute_api_endpoint: false,
        api_key_source: None,
        resources: Some(vec![]),
        authorizers: Some(vec![]),
        stages: Some(vec![]),
        tags: Tags::new(),
    }
}

pub fn resource(id: &str, path: &str, methods: Vec<RestMethod>) -> ApiResource {
    ApiResource {
        id: id.into(),
        parent_id: None,
        path: Some(path.into()),
        methods,
    }
}

/// A method with the given authorization type and no integration.
pub fn method(verb: &str, authorization: &str) -> RestMethod {
    RestMethod {
        http_method: verb.into(),
        authorization_type: Some(authorization.into()),
        authorizer_id: None,
        api_key_required: false,
        authorization_scopes: vec![],
        integration: None,
    }
}

/// An HTTP_PROXY integration to `uri`, through `vpc_link` when given.
pub fn proxy(uri: &str, vpc_link: Option<&str>) -> RestIntegration {
    RestIntegration {
        integration_type: Some("HTTP_PROXY".into()),
        http_method: Some("ANY".into()),
        uri: Some(uri.into()),
        connection_type: Some(
            if vpc_link.is_some() {
                "VPC_LINK"
            } else {
                "INTERNET"
            }
            .into(),
        ),
        connection_id: vpc_link.map(str::to_string),
        tls_insecure_skip_verification: None,
        timeout_in_millis: None,
    }
}

pub fn rest_stage(name: &str) -> RestStage {
    RestStage {
        stage_name: name.into(),
        deployment_id: Some("dep-1".into()),
        client_certificate_id: None,
        tracing_enabled: false,
        web_acl_arn: None,
        cache_cluster_enabled: false,
        method_settings: BTreeMap::new(),
        access_log_settings: None,
        variables: BTreeMap::new(),
        tags: Tags::new(),
    }
}

pub fn method_setting(burst: Option<i32>, rate: Option<f64>) -> MethodSetting {
    MethodSetting {
        throttling_burst_limit: burst,
        throttling_rate_limit: rate,
        logging_level: None,
        data_trace_enabled: false,
        metrics_enabled: false,
        caching_enabled: false,
        cache_data_encrypted: false,
        require_authorization_for_cache_control: false,
    }
}

pub fn usage_plan(id: &str, api: &str, stage: &str, throttle: Option<(i32, f64)>) -> UsagePlan {
    UsagePlan {
        id: id.into(),
        name: Some(format!("{id}-name")),
        api_stages: vec![UsagePlanStage {
            api_id: Some(api.into()),
            stage: Some(stage.into()),
            throttle: BTreeMap::new(),
        }],
        throttle: throttle.map(|(b, r)| Throttle {
            burst_limit: Some(b),
            rate_limit: Some(r),
        }),
        quota_limit: None,
        quota_period: None,
    }
}

/// An HTTP API with no routes, integrations or stages yet.
pub fn http_api(id: &str) -> HttpApi {
    HttpApi {
        api_id: id.into(),
        name: Some(format!("{id}-name")),
        protocol_type: Some("HTTP".into()),
        api_endpoint: None,
        disable_execute_api_endpoint: false,
        routes: Some(vec![]),
        integrations: Some(vec![]),
        stages: Some(vec![]),
        authorizers: Some(vec![]),
        tags: Tags::new(),
    }
}

pub fn route(id: &str, key: &str, authorization: &str) -> HttpRoute {
    HttpRoute {
        route_id: Some(id.into()),
        route_key: key.into(),
        authorization_type: Some(authorization.into()),
        authorizer_id: None,
        api_key_required: false,
        target: None,
    }
}

pub fn http_stage(name: &str) -> HttpStage {
    HttpStage {
        stage_name: name.into(),
        auto_deploy: true,
        access_log_settings: None,
        default_route_settings: None,
        route_settings: BTreeMap::new(),
        stage_variables: BTreeMap::new(),
        client_certificate_id: None,
        tags: Tags::new(),
    }
}

pub fn route_settings(burst: Option<i32>, rate: Option<f64>) -> HttpRouteSettings {
    HttpRouteSettings {
        throttling_burst_limit: burst,
        throttling_rate_limit: rate,
        detailed_metrics_enabled: false,
        logging_level: None,
    }
}

/// `arn:aws:wafv2:us-east-1:123456789012:regional/webacl/NAME/NAME`, so
/// [`crate::testing::statuses`] shows the name.
pub fn acl_arn(name: &str) -> String {
    format!("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/{name}/{name}")
}

/// A web ACL with logging on and no associations.
pub fn web_acl(name: &str, default_action: &str, rules: Vec<WafRule>) -> WebAcl {
    WebAcl {
        arn: acl_arn(name),
        id: name.into(),
        name: name.into(),
        default_action: Some(default_action.into()),
        rules: Some(rules),
        capacity: Some(700),
        associated_resources: Some(vec![]),
        logging_destinations: Some(vec![
            "arn:aws:firehose:us-east-1:123456789012:deliverystream/aws-waf-logs-x".into(),
        ]),
    }
}

/// A rule using the AWS managed group `group` (override action `none`).
pub fn managed(priority: i32, group: &str) -> WafRule {
    WafRule {
        name: format!("AWS-{group}"),
        priority,
        action: None,
        override_action: Some("none".into()),
        statement: managed_statement(group, vec![]),
    }
}

pub fn managed_statement(group: &str, count: Vec<&str>) -> WafStatement {
    WafStatement::ManagedRuleGroup {
        vendor_name: "AWS".into(),
        name: group.into(),
        version: None,
        rule_action_overrides: count
            .into_iter()
            .map(|n| RuleActionOverride {
                name: n.into(),
                action: Some("count".into()),
            })
            .collect(),
        excluded_rules: vec![],
        scope_down: None,
    }
}

/// A well-kept ACL's managed groups, blocking: AWS's baseline (core rule
/// set, known bad inputs) and the SQL database use-case group.
pub fn baseline() -> Vec<WafRule> {
    vec![
        managed(0, "AWSManagedRulesCommonRuleSet"),
        managed(1, "AWSManagedRulesKnownBadInputsRuleSet"),
        managed(2, "AWSManagedRulesSQLiRuleSet"),
    ]
}

/// A rate-based rule (2000 requests per IP) with `action`.
pub fn rate(name: &str, action: &str) -> WafRule {
    WafRule {
        name: name.into(),
        priority: 10,
        action: Some(action.into()),
        override_action: None,
        statement: WafStatement::RateBased {
            limit: 2000,
            aggregate_key_type: Some("IP".into()),
            evaluation_window_sec: None,
            scope_down: None,
        },
    }
}

/// A plain rule (byte match) with `action`.
pub fn plain(name: &str, action: &str) -> WafRule {
    WafRule {
        name: name.into(),
        priority: 20,
        action: Some(action.into()),
        override_action: None,
        statement: WafStatement::Other {
            statement_type: "ByteMatchStatement".into(),
        },
    }
}

/// A rule referencing a customer rule group.
pub fn group_ref(name: &str, override_action: &str) -> WafRule {
    WafRule {
        name: name.into(),
        priority: 30,
        action: None,
        override_action: Some(override_action.into()),
        statement: WafStatement::RuleGroupReference {
            arn: format!("arn:aws:wafv2:us-east-1:123456789012:regional/rulegroup/{name}/1"),
            rule_action_overrides: vec![],
            excluded_rules: vec![],
        },
    }
}

/// A WebSocket API with no routes, integrations or stages yet.
pub fn websocket_api(id: &str) -> HttpApi {
    HttpApi {
        protocol_type: Some("WEBSOCKET".into()),
        ..http_api(id)
    }
}

/// A rule that ALLOWs what `statement` matches, at `priority`.
pub fn allow(name: &str, priority: i32, statement: WafStatement) -> WafRule {
    WafRule {
        name: name.into(),
        priority,
        action: Some("allow".into()),
        override_action: None,
        statement,
    }
}

/// A reference to the IP set `name`.
pub fn ip_set(name: &str) -> WafStatement {
    WafStatement::IpSetReference {
        arn: format!("arn:aws:wafv2:us-east-1:123456789012:regional/ipset/{name}/1"),
    }
}

pub fn geo(countries: &[&str]) -> WafStatement {
    WafStatement::GeoMatch {
        country_codes: countries.iter().map(|c| c.to_string()).collect(),
    }
}

pub fn not(statement: WafStatement) -> WafStatement {
    WafStatement::Not {
        statement: Box::new(statement),
    }
}

/// A statement kept by its type only (`ByteMatchStatement`, ...).
pub fn other(statement_type: &str) -> WafStatement {
    WafStatement::Other {
        statement_type: statement_type.into(),
    }
}

/// `rule` (a managed rule group or rate-based rule) with a scope-down
/// statement.
pub fn scoped(mut rule: WafRule, scope: WafStatement) -> WafRule {
    match &mut rule.statement {
        WafStatement::ManagedRuleGroup { scope_down, .. }
        | WafStatement::RateBased { scope_down, .. } => *scope_down = Some(Box::new(scope)),
        other => panic!("no scope-down on {other:?}"),
    }
    rule
}

/// `rule` at `priority`.
pub fn at(mut rule: WafRule, priority: i32) -> WafRule {
    rule.priority = priority;
    rule
}

/// The settings of a `rampart.toml` with `text`.
pub fn settings(text: &str) -> config::Settings {
    config::Config::parse("rampart.toml", text)
        .unwrap_or_else(|e| panic!("{e}"))
        .settings
}

/// Runs `check` on `s` under `settings`.
pub fn run_configured(
    check: &dyn crate::registry::Check,
    s: &Snapshot,
    settings: &config::Settings,
) -> Vec<crate::registry::Outcome> {
    let index = crate::index::Index::new(s);
    let exposures = crate::paths::Exposures::compute(&index);
    check.evaluate(&crate::registry::Context::new(s, &index, &exposures).with_settings(settings))
}

/// A web ACL that protects the REST stages `stages` (`API/STAGE`), as
/// `ListResourcesForWebACL` reports them.
pub fn protecting(mut acl: WebAcl, stages: &[&str]) -> WebAcl {
    acl.associated_resources = Some(
        stages
            .iter()
            .map(|s| {
                let (api, stage) = s.split_once('/').expect("API/STAGE");
                crate::index::stage_arn("aws", "us-east-1", api, stage)
            })
            .collect(),
    );
    acl
}
