//! Layer 1, the edge: API Gateway, WAF, authorization, throttling.

pub mod backend_bypasses_gateway;
