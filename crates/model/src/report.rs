//! The versioned evaluation report: what `rampart check --format json`
//! writes and what every other format renders. Documented in
//! `docs/report.md`; `schema_version` changes when a reader would misread.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{Finding, Fingerprint, Layer, Severity, ToolInfo};

/// Version of the JSON report format. 2 added `findings` to each layer
/// verdict and `affected` to findings filed on a shared resource; 3 added
/// `checks` (the checks run), the `not-compared` baseline mark and
/// `baseline.not_compared`; 4 added each scorecard's `vulnerabilities`; 5
/// added each scorecard's `detect` verdict and the `detect` layer; 6 added
/// the `cloudfront` path kind (a reader of 5 would refuse the new value).
pub const REPORT_SCHEMA_VERSION: u32 = 6;

/// The report versions this rampart reads back (`--baseline`, `rampart
/// diff`): a version-1 report is a version-2 report without the two
/// additions, a version-2 report a version-3 one without the checks run
/// (every check then counts as run), a version-4 report a version-5 one
/// whose cards' detect column is not evaluated ([`LayerVerdict::before_detect`]),
/// and a version-5 report a version-6 one without CloudFront paths, so
/// yesterday's report still compares after an upgrade.
pub const READABLE_REPORT_SCHEMA_VERSIONS: [u32; 6] = [1, 2, 3, 4, 5, REPORT_SCHEMA_VERSION];

/// One layer's verdict for one backend. `findings` links a gap to the
/// findings behind it, by fingerprint, in report order: the failing ones
/// of a `fail`, the not-evaluated ones of a `not-evaluated`. A `pass`
/// names its checks only: at 1.09 million resources the fingerprints of
/// gaps cost about 40 MB of memory as strings (about 11 MB now that a
/// fingerprint is 16 inline bytes), and passes would double that, for
/// links nobody follows. A fingerprint can name a finding that `--min-severity` left out of the
/// report's `findings` (the scorecard sees every finding). Empty in a
/// version-1 report read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum LayerVerdict {
    Pass {
        checks: Vec<String>,
    },
    Fail {
        failing: Vec<String>,
        #[serde(default)]
        findings: Vec<Fingerprint>,
    },
    NotEvaluated {
        checks: Vec<String>,
        reasons: Vec<String>,
        #[serde(default)]
        findings: Vec<Fingerprint>,
    },
}

impl LayerVerdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            LayerVerdict::Pass { .. } => "pass",
            LayerVerdict::Fail { .. } => "fail",
            LayerVerdict::NotEvaluated { .. } => "not-evaluated",
        }
    }

    /// The detect verdict of a card in a report older than version 5,
    /// which had no detect column: not evaluated, saying so.
    pub fn before_detect() -> LayerVerdict {
        LayerVerdict::NotEvaluated {
            checks: vec![],
            reasons: vec![
                "this report predates version 5, which added the detect layer".to_string(),
            ],
            findings: vec![],
        }
    }

    /// The fingerprints of the findings behind a gap (none for a pass).
    pub fn findings(&self) -> &[Fingerprint] {
        match self {
            LayerVerdict::Pass { .. } => &[],
            LayerVerdict::Fail { findings, .. } | LayerVerdict::NotEvaluated { findings, .. } => {
                findings
            }
        }
    }
}

/// What kind of compute a backend is (issue 16 item 3).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum BackendKind {
    /// An EC2 instance.
    #[default]
    Instance,
    /// An ECS task in `awsvpc` mode (EC2 or Fargate launch type).
    Task,
}

impl BackendKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Instance => "instance",
            BackendKind::Task => "task",
        }
    }

    pub fn is_instance(&self) -> bool {
        *self == BackendKind::Instance
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scorecard {
    pub region: String,
    /// The backend's id: an instance id, or an ECS task's `CLUSTER/ID`
    /// (the part of its ARN after `task/`).
    pub instance_id: String,
    /// `instance` or `task`; absent (an instance) in reports written
    /// before tasks were backends.
    #[serde(default, skip_serializing_if = "BackendKind::is_instance")]
    pub kind: BackendKind,
    /// The instance's `Name` tag, if any; a task's service name.
    pub name: Option<String>,
    /// The backend's ARN (an instance's, or a task's).
    pub instance_arn: String,
    /// Every exposure path from the internet to this backend, hop by hop
    /// (its `Display` is the one-line `a -> b (gap) -> c` form).
    pub paths: Vec<crate::ExposurePath>,
    pub edge: LayerVerdict,
    pub network: LayerVerdict,
    pub instance: LayerVerdict,
    pub data: LayerVerdict,
    /// CloudTrail, GuardDuty and flow logs of the backend's region and VPC
    /// (DESIGN.md: the fifth column). Not evaluated, saying why, in a
    /// report older than version 5.
    #[serde(default = "LayerVerdict::before_detect")]
    pub detect: LayerVerdict,
    /// Amazon Inspector's open findings on the backend by severity, when
    /// Inspector scans it; `None` when it does not (or it is unknown, or
    /// the report predates version 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerabilities: Option<VulnerabilityCounts>,
}

/// A backend's Inspector finding counts (`ListFindingAggregations`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VulnerabilityCounts {
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub all: i64,
}

impl Scorecard {
    pub fn layer(&self, layer: Layer) -> &LayerVerdict {
        match layer {
            Layer::Edge => &self.edge,
            Layer::Network => &self.network,
            Layer::Instance => &self.instance,
            Layer::Data => &self.data,
            Layer::Detect => &self.detect,
        }
    }
}

/// Where the report's data came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    pub account_id: String,
    pub partition: String,
    #[serde(with = "time::serde::rfc3339")]
    pub collected_at: OffsetDateTime,
    pub regions: Vec<String>,
    /// False when the scan recorded collection errors: some checks are then
    /// not evaluated.
    pub complete: bool,
    pub collection_errors: usize,
    /// Where the scan's credentials came from (the snapshot's
    /// `credential_source`: `profile audit`, `environment`, ...); absent
    /// for snapshots that did not record it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_source: Option<String>,
}

/// Counts of findings by status, and of failing findings by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub pass: usize,
    /// Failing and not suppressed.
    pub fail: usize,
    /// Not evaluated and not suppressed.
    pub not_evaluated: usize,
    /// Failing or not-evaluated findings accepted by a suppression.
    #[serde(default)]
    pub suppressed: usize,
    /// Failing, not suppressed, by severity.
    pub failing_by_severity: BTreeMap<Severity, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub snapshot: SnapshotInfo,
    pub summary: Summary,
    /// One per backend: the headline.
    pub scorecards: Vec<Scorecard>,
    /// Every finding (after --checks/--skip-checks and --min-severity).
    pub findings: Vec<Finding>,
    /// The ids of the checks that were run (after --checks/--skip-checks),
    /// sorted: a baseline compares only the checks both runs ran. Empty in
    /// a report older than version 3.
    #[serde(default)]
    pub checks: Vec<String>,
    /// Suppressions in the config whose expiry date has passed: they no
    /// longer apply, and say so here until someone renews or removes them.
    #[serde(default)]
    pub expired_suppressions: Vec<ExpiredSuppression>,
    /// The comparison with a previous report, when `--baseline` was given.
    #[serde(default)]
    pub baseline: Option<BaselineInfo>,
}

/// A `[[suppress]]` entry past its `expires` date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiredSuppression {
    /// `FILE:LINE` of the entry.
    pub source: String,
    pub reason: String,
    #[serde(with = "crate::date::plain")]
    pub expired: time::Date,
    /// The entry's selectors, e.g. `check=NET-005 resource=arn:aws:ec2:*`.
    pub selectors: String,
    /// Findings it would accept if it were still in force (they count as
    /// failing again).
    pub matching_findings: usize,
}

/// What `--baseline` compared with, and what moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineInfo {
    /// The previous report or snapshot, as given.
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
    pub previous_collected_at: OffsetDateTime,
    /// Failing now, not before.
    pub new: usize,
    /// Failing in both.
    pub unchanged: usize,
    /// Failing before; now passing or gone. The previous findings.
    pub resolved: Vec<Finding>,
    /// Failing before; now not evaluated (not collected today): never
    /// counted as resolved. The previous findings.
    pub unknown: Vec<Finding>,
    /// Failing in one run, outside what the other judged (account or
    /// region not scanned, check not run or without its input): neither
    /// new nor resolved, whichever run it is from.
    #[serde(default)]
    pub not_compared: Vec<crate::baseline::NotCompared>,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            if f.suppressed.is_some() {
                s.suppressed += 1;
                continue;
            }
            match f.status {
                crate::Status::Pass => s.pass += 1,
                crate::Status::Fail => {
                    s.fail += 1;
                    *s.failing_by_severity.entry(f.severity).or_default() += 1;
                }
                crate::Status::NotEvaluated(_) => s.not_evaluated += 1,
            }
        }
        s
    }
}
