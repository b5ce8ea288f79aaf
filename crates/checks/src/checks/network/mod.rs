//! Layer 2, the network: subnets, routes, security groups, NACLs.

pub mod admin_port_open_to_internet;
pub mod default_sg_allows_traffic;
pub mod subnet_auto_assigns_public_ip;
