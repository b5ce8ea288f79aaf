//! Layer 4, application and data: encryption, TLS, logging.

pub mod ebs_encryption_by_default_off;
pub mod ebs_volume_unencrypted;
