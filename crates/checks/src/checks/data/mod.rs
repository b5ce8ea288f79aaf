//! Layer 4, application and data: encryption, TLS, logging.

pub mod api_cache_unencrypted;
pub mod api_stage_without_access_logs;
pub mod api_stage_without_tracing;
pub(crate) mod api_stages;
#[cfg(test)]
mod cert_fixtures;
pub mod certificate_expiring;
pub mod certificate_not_auto_renewed;
pub mod certificate_weak_key;
pub(crate) mod certificates;
pub mod ebs_encryption_by_default_off;
pub mod ebs_key_aws_managed;
pub mod ebs_key_not_rotated;
pub mod ebs_key_unusable;
mod ebs_keys;
pub mod ebs_volume_unencrypted;
#[cfg(test)]
mod fixtures;
pub mod internal_hop_without_tls;
#[cfg(test)]
mod kms_fixtures;
pub mod lb_access_logs_disabled;
