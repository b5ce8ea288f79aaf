//! The shared vocabulary of rampart: the snapshot an inventory produces, and
//! (as the evaluation grows) the severities, check metadata and findings that
//! the checks and reporter crates exchange. No network, no AWS SDK: rule and
//! report code compiles without the SDK, and analysts read snapshots offline.

pub mod accounts;
pub mod baseline;
pub mod config;
pub mod containers;
pub mod date;
pub mod diff;
pub mod finding;
pub mod io;
pub mod mapping;
pub mod org;
pub mod org_report;
mod parse;
pub mod report;
pub mod shared;
pub mod snapshot;

pub use containers::*;
pub use finding::*;
pub use io::SnapshotError;
pub use mapping::{Framework, Mapping, MappingNote, Relation};
pub use report::*;
pub use shared::SharedStr;
pub use snapshot::*;
/// Re-exported so snapshot consumers name timestamps without their own dependency.
pub use time;

/// Version of the snapshot format this build reads and writes. Bumped on
/// any change that an older reader would misread; documented in
/// `docs/snapshot.md`.
pub const SCHEMA_VERSION: u32 = 8;

/// The oldest snapshot version this build still reads. Versions 1 and 2
/// lack only fields that later versions added (2: target group
/// attributes; 3: Systems Manager; 4: custom domains' API mappings and KMS keys; 5: ACM certificates; 6: Auto Scaling groups, their launch templates and configurations, AMIs' IMDS support and block devices, Amazon Inspector; 7: CloudTrail trails and GuardDuty detectors; 8: the Shield Advanced subscription and protections, and load balancers' Elastic IP allocations); they load as "not collected", so the checks that need them say *not evaluated*
/// where their answer depends on them (docs/snapshot.md, "Versions").
pub const MIN_SCHEMA_VERSION: u32 = 1;

/// The version of rampart that wrote a snapshot (the workspace version).
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
