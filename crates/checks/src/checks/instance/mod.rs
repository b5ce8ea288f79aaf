//! Layer 3, the instance: metadata service, credentials, admin access.

#[cfg(test)]
mod ami_fixtures;
pub(crate) mod ami_state;
pub mod backend_ami_outdated;
pub mod backend_ami_untrusted;
pub mod backend_critical_vulnerabilities;
pub mod backend_missing_patches;
pub mod backend_not_managed_by_ssm;
pub mod backend_not_scanned_by_inspector;
mod escalation;
#[cfg(test)]
mod fixtures;
pub mod imds_hop_limit_above_one;
pub mod imdsv1_allowed;
pub mod inspector_ec2_scanning_disabled;
#[cfg(test)]
mod inspector_fixtures;
pub(crate) mod inspector_state;
pub mod instance_role_admin;
pub mod instance_role_wildcards;
pub mod instance_without_role;
pub(crate) mod policy;
pub(crate) mod role_grants;
pub mod ssh_key_with_open_admin_port;
#[cfg(test)]
pub(crate) mod ssm_fixtures;
pub(crate) mod ssm_state;
pub mod task_containers;
