//! Shared fragments for the data checks' tests: well-configured API
//! Gateway stages (REST and HTTP), REST methods with integrations, load
//! balancers with listeners and target groups. Each builder returns the
//! hardened form; a test breaks the one property it is about.

use std::collections::BTreeMap;

use rampart_model::*;

/// A REST API with the given stages and no resources.
pub fn rest_api(id: &str, stages: Vec<RestStage>) -> RestApi {
    RestApi {
        id: id.into(),
        name: Some(format!("{id}-name")),
        endpoint_types: vec!["REGIONAL".into()],
        vpc_endpoint_ids: vec![],
        policy: None,
        disable_execute_api_endpoint: false,
        api_key_source: None,
        resources: Some(vec![]),
        authorizers: Some(vec![]),
        stages: Some(stages),
        tags: Tags::new(),
    }
}

/// A REST stage with tracing and access logs on, no cache.
pub fn rest_stage(name: &str) -> RestStage {
    RestStage {
        stage_name: name.into(),
        deployment_id: Some("dep-1".into()),
        client_certificate_id: None,
        tracing_enabled: true,
        web_acl_arn: None,
        cache_cluster_enabled: false,
        method_settings: BTreeMap::new(),
        access_log_settings: Some(AccessLogSettings {
            destination_arn: Some(
                "arn:aws:logs:us-east-1:123456789012:log-group:api-access".into(),
            ),
            format: Some("{\"requestId\":\"$context.requestId\"}".into()),
        }),
        variables: BTreeMap::new(),
        tags: Tags::new(),
    }
}

/// Method settings with caching as given and everything else off.
pub fn cache_setting(caching_enabled: bool, cache_data_encrypted: bool) -> MethodSetting {
    MethodSetting {
        throttling_burst_limit: Some(100),
        throttling_rate_limit: Some(50.0),
        logging_level: Some("INFO".into()),
        data_trace_enabled: false,
        metrics_enabled: false,
        caching_enabled,
        cache_data_encrypted,
        require_authorization_for_cache_control: true,
    }
}

/// A resource at `path` with one method per `(verb, integration)`.
pub fn resource(id: &str, path: &str, methods: Vec<(&str, RestIntegration)>) -> ApiResource {
    ApiResource {
        id: id.into(),
        parent_id: None,
        path: Some(path.into()),
        methods: methods
            .into_iter()
            .map(|(verb, integration)| RestMethod {
                http_method: verb.into(),
                authorization_type: Some("AWS_IAM".into()),
                authorizer_id: None,
                api_key_required: false,
                authorization_scopes: vec![],
                integration: Some(integration),
            })
            .collect(),
    }
}

/// An `HTTP_PROXY` integration to `uri`, through a VPC link when `vpc_link`.
pub fn proxy(uri: &str, vpc_link: bool) -> RestIntegration {
    RestIntegration {
        integration_type: Some("HTTP_PROXY".into()),
        http_method: Some("ANY".into()),
        uri: Some(uri.into()),
        connection_type: Some(if vpc_link { "VPC_LINK" } else { "INTERNET" }.into()),
        connection_id: vpc_link.then(|| "vl-1".into()),
        tls_insecure_skip_verification: None,
        timeout_in_millis: None,
    }
}

/// An HTTP API with the given stages and integrations.
pub fn http_api(id: &str, stages: Vec<HttpStage>, integrations: Vec<HttpIntegration>) -> HttpApi {
    HttpApi {
        api_id: id.into(),
        name: Some(format!("{id}-name")),
        protocol_type: Some("HTTP".into()),
        api_endpoint: None,
        disable_execute_api_endpoint: false,
        routes: Some(vec![]),
        integrations: Some(integrations),
        stages: Some(stages),
        authorizers: None,
        tags: Tags::new(),
    }
}

/// An HTTP API stage with access logs on.
pub fn http_stage(name: &str) -> HttpStage {
    HttpStage {
        stage_name: name.into(),
        auto_deploy: true,
        access_log_settings: Some(AccessLogSettings {
            destination_arn: Some(
                "arn:aws:logs:us-east-1:123456789012:log-group:http-access".into(),
            ),
            format: Some("$context.requestId".into()),
        }),
        default_route_settings: None,
        route_settings: BTreeMap::new(),
        stage_variables: BTreeMap::new(),
        client_certificate_id: None,
        tags: Tags::new(),
    }
}

/// An `HTTP_PROXY` VPC-link integration to a listener, TLS when `server_name`.
pub fn private_integration(
    id: &str,
    listener_arn: &str,
    server_name: Option<&str>,
) -> HttpIntegration {
    HttpIntegration {
        integration_id: id.into(),
        integration_type: Some("HTTP_PROXY".into()),
        integration_method: Some("ANY".into()),
        integration_uri: Some(listener_arn.into()),
        connection_type: Some("VPC_LINK".into()),
        connection_id: Some("vl2-1".into()),
        tls_configured: server_name.is_some(),
        tls_server_name_to_verify: server_name.map(str::to_string),
        payload_format_version: Some("1.0".into()),
    }
}

pub fn lb_arn(name: &str) -> String {
    format!("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/{name}/1")
}

pub fn tg_arn(name: &str) -> String {
    format!("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/{name}/1")
}

/// A network load balancer with access logs on and the given listeners.
pub fn nlb(name: &str, listeners: Vec<Listener>) -> LoadBalancer {
    LoadBalancer {
        eip_allocation_ids: Vec::new(),
        load_balancer_arn: lb_arn(name),
        name: name.into(),
        lb_type: Some("network".into()),
        scheme: Some("internal".into()),
        vpc_id: Some("vpc-1".into()),
        dns_name: Some(format!("{name}.elb.amazonaws.com")),
        state: Some("active".into()),
        ip_address_type: Some("ipv4".into()),
        subnet_ids: vec![],
        security_group_ids: vec![],
        attributes: Some(BTreeMap::from([
            ("access_logs.s3.enabled".to_string(), "true".to_string()),
            ("access_logs.s3.bucket".to_string(), "lb-logs".to_string()),
        ])),
        listeners: Some(listeners),
        tags: Tags::new(),
    }
}

/// A listener forwarding to one target group.
pub fn listener(lb: &str, protocol: &str, port: i32, tg: &str) -> Listener {
    Listener {
        listener_arn: format!(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/{lb}/1/{port}"
        ),
        port: Some(port),
        protocol: Some(protocol.into()),
        ssl_policy: None,
        certificate_arns: vec![],
        sni_certificate_arns: Some(vec![]),
        alpn_policy: vec![],
        default_actions: vec![LbAction {
            action_type: "forward".into(),
            order: Some(1),
            target_group_arns: vec![tg_arn(tg)],
            redirect_protocol: None,
            redirect_port: None,
            fixed_response_status: None,
        }],
        rules: None,
    }
}

/// A target group of instances on 8080 behind the named load balancer.
pub fn target_group(name: &str, protocol: &str, lb: &str) -> TargetGroup {
    TargetGroup {
        attributes: None,
        target_group_arn: tg_arn(name),
        name: Some(name.into()),
        protocol: Some(protocol.into()),
        port: Some(8080),
        target_type: Some("instance".into()),
        vpc_id: Some("vpc-1".into()),
        load_balancer_arns: vec![lb_arn(lb)],
        health_check_protocol: None,
        health_check_port: None,
        health_check_path: None,
        targets: Some(vec![]),
    }
}
