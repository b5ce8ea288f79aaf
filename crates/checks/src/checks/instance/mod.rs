//! Layer 3, the instance: metadata service, credentials, admin access.

pub mod imdsv1_allowed;
pub mod instance_without_role;
