//! Layer 2, the network: subnets, routes, security groups, NACLs, load
//! balancer listeners, API integrations and flow logs. `scope` holds what
//! the backend-scoped checks share (which instances are backends, or may
//! be); `fixtures` the test snapshot they share.

pub mod admin_port_open_to_internet;
pub mod all_traffic_open_to_internet;
pub mod backend_has_public_ip;
pub mod backend_in_public_subnet;
pub mod backend_sg_app_port_open_wide;
pub mod default_sg_allows_traffic;
pub mod egress_unrestricted;
pub mod high_risk_port_open_to_internet;
pub mod integration_not_via_vpc_link;
pub mod internet_facing_lb_to_backend;
pub mod lb_listener_without_tls;
pub mod nacl_admin_ports_open;
pub mod nacl_allows_all_inbound;
pub mod subnet_auto_assigns_public_ip;
pub mod vpc_flow_logs_disabled;

#[cfg(test)]
pub(crate) mod fixtures;
pub(crate) mod scope;
#[cfg(test)]
pub(crate) mod task_fixtures;
