//! Baselines: what changed between yesterday's report and today's, by
//! finding fingerprint. The nightly job gates on *new* failures and lists
//! the *resolved* ones; a failure that can no longer be evaluated (its data
//! was not collected today) is reported as *unknown*, never as resolved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{BaselineInfo, Finding, Report, Status};

/// How one fingerprint moved between two reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Failing now, not failing (or absent) before.
    New,
    /// Failing in both.
    Unchanged,
    /// Failing before; now passing, or the resource is gone.
    Resolved,
    /// Failing before; now not evaluated (its input was not collected).
    Unknown,
}

/// The comparison of a current report's findings with a previous one's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// Fingerprint -> change, for every fingerprint failing in either report.
    pub changes: BTreeMap<String, Change>,
}

impl Comparison {
    /// Compares failing findings by fingerprint.
    pub fn of(previous: &[Finding], current: &[Finding]) -> Comparison {
        let before: BTreeMap<&str, &Finding> = previous
            .iter()
            .map(|f| (f.fingerprint.as_str(), f))
            .collect();
        let now: BTreeMap<&str, &Finding> = current
            .iter()
            .map(|f| (f.fingerprint.as_str(), f))
            .collect();
        let failing = |f: Option<&&Finding>| f.is_some_and(|f| f.status == Status::Fail);
        let mut changes = BTreeMap::new();
        for (fp, f) in &now {
            if f.status == Status::Fail {
                let change = if failing(before.get(fp)) {
                    Change::Unchanged
                } else {
                    Change::New
                };
                changes.insert(fp.to_string(), change);
            }
        }
        for (fp, f) in &before {
            if f.status != Status::Fail {
                continue;
            }
            let change = match now.get(fp).map(|f| &f.status) {
                Some(Status::Fail) => continue,
                Some(Status::NotEvaluated(_)) => Change::Unknown,
                Some(Status::Pass) | None => Change::Resolved,
            };
            changes.insert(fp.to_string(), change);
        }
        Comparison { changes }
    }

    /// Marks each failing finding of `current` new or unchanged against
    /// `previous`, and records the resolved and unknown ones (as they were
    /// in `previous`). `source` names the previous file.
    pub fn apply(source: &str, previous: &Report, current: &mut Report) {
        let c = Comparison::of(&previous.findings, &current.findings);
        for f in current
            .findings
            .iter_mut()
            .filter(|f| f.status == Status::Fail)
        {
            f.baseline = c.get(&f.fingerprint);
        }
        let moved = |change: Change| -> Vec<Finding> {
            previous
                .findings
                .iter()
                .filter(|f| c.get(&f.fingerprint) == Some(change))
                .cloned()
                .map(|mut f| {
                    f.baseline = Some(change);
                    f
                })
                .collect()
        };
        current.baseline = Some(BaselineInfo {
            source: source.to_string(),
            previous_collected_at: previous.snapshot.collected_at,
            new: c.count(Change::New),
            unchanged: c.count(Change::Unchanged),
            resolved: moved(Change::Resolved),
            unknown: moved(Change::Unknown),
        });
    }

    pub fn get(&self, fingerprint: &str) -> Option<Change> {
        self.changes.get(fingerprint).copied()
    }

    pub fn count(&self, change: Change) -> usize {
        self.changes.values().filter(|c| **c == change).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    fn f(fp: &str, status: Status) -> Finding {
        Finding {
            check_id: "NET-005".into(),
            severity: Severity::Critical,
            status,
            resource_arn: format!("arn:aws:ec2:us-east-1:1:security-group/{fp}"),
            account_id: "1".into(),
            region: Some("us-east-1".into()),
            message: String::new(),
            path: None,
            affected: vec![],
            fingerprint: fp.into(),
            suppressed: None,
            baseline: None,
        }
    }

    #[test]
    fn failures_are_new_unchanged_resolved_or_unknown() {
        let previous = vec![
            f("kept", Status::Fail),
            f("fixed", Status::Fail),
            f("deleted", Status::Fail),
            f("blind", Status::Fail),
            f("was-ok", Status::Pass),
        ];
        let current = vec![
            f("kept", Status::Fail),
            f("fixed", Status::Pass),
            f(
                "blind",
                Status::NotEvaluated("ec2:DescribeSecurityGroups denied".into()),
            ),
            f("was-ok", Status::Fail),
            f("brand-new", Status::Fail),
        ];
        let c = Comparison::of(&previous, &current);
        assert_eq!(c.get("kept"), Some(Change::Unchanged));
        assert_eq!(c.get("fixed"), Some(Change::Resolved));
        assert_eq!(c.get("deleted"), Some(Change::Resolved));
        // Not collected today is not fixed.
        assert_eq!(c.get("blind"), Some(Change::Unknown));
        assert_eq!(c.get("was-ok"), Some(Change::New));
        assert_eq!(c.get("brand-new"), Some(Change::New));
        assert_eq!((c.count(Change::New), c.count(Change::Resolved)), (2, 2));
    }

    #[test]
    fn identical_reports_have_nothing_new() {
        let both = vec![f("a", Status::Fail), f("b", Status::Pass)];
        let c = Comparison::of(&both, &both);
        assert_eq!(c.count(Change::New), 0);
        assert_eq!(c.count(Change::Resolved), 0);
        assert_eq!(c.get("a"), Some(Change::Unchanged));
        assert_eq!(c.get("b"), None);
    }

    #[test]
    fn apply_marks_the_current_report_and_keeps_what_left() {
        let report = |findings: Vec<Finding>| Report {
            schema_version: crate::REPORT_SCHEMA_VERSION,
            tool: crate::ToolInfo {
                name: "rampart".into(),
                version: "0".into(),
            },
            snapshot: crate::SnapshotInfo {
                account_id: "1".into(),
                partition: "aws".into(),
                collected_at: time::OffsetDateTime::UNIX_EPOCH,
                regions: vec![],
                complete: true,
                collection_errors: 0,
                credential_source: None,
            },
            summary: crate::Summary::of(&findings),
            scorecards: vec![],
            findings,
            expired_suppressions: vec![],
            baseline: None,
        };
        let previous = report(vec![f("kept", Status::Fail), f("fixed", Status::Fail)]);
        let mut current = report(vec![
            f("kept", Status::Fail),
            f("fixed", Status::Pass),
            f("fresh", Status::Fail),
        ]);
        Comparison::apply("yesterday.json", &previous, &mut current);
        let marks: Vec<_> = current.findings.iter().map(|f| f.baseline).collect();
        assert_eq!(marks, [Some(Change::Unchanged), None, Some(Change::New)]);
        let b = current.baseline.unwrap();
        assert_eq!(
            (b.source.as_str(), b.new, b.unchanged),
            ("yesterday.json", 1, 1)
        );
        assert_eq!(b.resolved.len(), 1);
        assert_eq!(b.resolved[0].fingerprint, "fixed");
        assert_eq!(b.resolved[0].status, Status::Fail, "as it was before");
        assert!(b.unknown.is_empty());
    }
}
