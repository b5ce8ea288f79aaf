//! Layer 1, the edge: API Gateway, WAF, authorization, throttling.

pub mod api_backend_without_mtls;
pub mod api_default_endpoint;
pub mod api_domain_tls_policy;
pub mod api_method_without_auth;
pub mod api_stage_without_throttling;
pub mod api_stage_without_waf;
pub mod backend_bypasses_gateway;
pub(crate) mod cloudfront;
pub mod cloudfront_origin_header;
pub mod cloudfront_origin_tls;
pub mod cloudfront_viewer_tls;
pub mod cloudfront_without_waf;
pub mod entry_without_shield_advanced;
#[cfg(test)]
mod fixtures;
pub mod private_api_without_vpce_policy;
mod resource_policy;
mod support;
pub mod waf_logging_disabled;
pub mod waf_not_blocking;
mod waf_order;
pub mod waf_without_managed_rules;
pub mod waf_without_rate_rule;
pub mod waf_without_use_case_rules;
