//! Baselines: what changed between yesterday's report and today's, by
//! finding fingerprint. The nightly job gates on *new* failures and lists
//! the *resolved* ones; a failure that can no longer be evaluated (its data
//! was not collected today) is reported as *unknown*, never as resolved.
//!
//! Only what both runs judged is compared. A failure in an account or
//! region that one of the two runs did not scan, of a check that one of
//! them did not run, or of a check that could not list its resources there
//! (a region-wide gap: a not-evaluated finding on `KIND/*`) is *not
//! compared*: it is neither new nor resolved, it is counted and listed
//! apart with the reason, and `--fail-on-new` ignores it. A baseline of
//! other regions or of another account thus says "not compared" instead
//! of "resolved" for everything it held (issue 14).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{BaselineInfo, Finding, Fingerprint, Report, Status};

/// How one fingerprint moved between two reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Failing now, not failing (or absent) before, where the previous run
    /// judged it.
    New,
    /// Failing in both.
    Unchanged,
    /// Failing before; now passing, or the resource is gone from what this
    /// run judged.
    Resolved,
    /// Failing before; now not evaluated (its input was not collected).
    Unknown,
    /// Failing in one run, outside what the other judged (its account or
    /// region not scanned, its check not run or without its input there):
    /// neither new nor resolved.
    NotCompared,
}

/// Which of the two runs a not-compared failure belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// Failing in the baseline (the older run); this run did not judge it.
    Previous,
    /// Failing in this run (the newer one); the baseline did not judge it.
    Current,
}

/// A failure that only one of the two runs could judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotCompared {
    pub side: Side,
    /// Why the other run did not judge it, e.g. `region us-west-2 was not
    /// scanned this time`.
    pub reason: String,
    /// The finding as it is in its own run, marked `not-compared`.
    pub finding: Finding,
}

/// What one run judged: its account, the regions it scanned, the checks it
/// ran, and the (check, region) pairs whose resources were not listed.
#[derive(Debug, Clone)]
pub struct Coverage<'a> {
    account_id: &'a str,
    regions: BTreeSet<&'a str>,
    /// `None` when the report does not say (older than version 3): every
    /// check then counts as run.
    checks: Option<BTreeSet<&'a str>>,
    /// (check, region) -> why its resources there are not known.
    gaps: BTreeMap<(&'a str, Option<&'a str>), &'a str>,
}

impl<'a> Coverage<'a> {
    pub fn of(report: &'a Report) -> Coverage<'a> {
        let mut gaps = BTreeMap::new();
        for f in &report.findings {
            // No real resource's ARN holds `*`: a not-evaluated finding on
            // `security-group/*` (or `restapis/ID/stages/*`) says the list
            // itself is missing, so a resource absent from it may exist.
            if let Status::NotEvaluated(why) = &f.status
                && f.resource_arn.contains('*')
            {
                gaps.entry((f.check_id.as_str(), f.region.as_deref()))
                    .or_insert(why.as_str());
            }
        }
        Coverage {
            account_id: &report.snapshot.account_id,
            regions: report.snapshot.regions.iter().map(String::as_str).collect(),
            checks: (!report.checks.is_empty())
                .then(|| report.checks.iter().map(String::as_str).collect()),
            gaps,
        }
    }

    /// Why `f` is outside what this run judged, or `None` when it is
    /// inside. `run` names the run in the reason ("this time", "in the
    /// baseline").
    pub fn outside(&self, f: &Finding, run: &str) -> Option<String> {
        if f.account_id != self.account_id {
            return Some(format!("account {} was not scanned {run}", f.account_id));
        }
        if let Some(r) = f.region.as_deref()
            && !self.regions.contains(r)
        {
            return Some(format!("region {r} was not scanned {run}"));
        }
        if let Some(checks) = &self.checks
            && !checks.contains(f.check_id.as_str())
        {
            return Some(format!("{} was not run {run}", f.check_id));
        }
        self.gaps
            .get(&(f.check_id.as_str(), f.region.as_deref()))
            .map(|why| {
                format!(
                    "{} could not list its resources in {} {run}: {why}",
                    f.check_id,
                    f.region.as_deref().unwrap_or("the account")
                )
            })
    }
}

/// The comparison of a current report's findings with a previous one's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// Fingerprint -> change, for every fingerprint failing in either report.
    pub changes: BTreeMap<Fingerprint, Change>,
    /// Fingerprint -> why, for every `not-compared` one.
    #[serde(default)]
    pub reasons: BTreeMap<Fingerprint, String>,
}

impl Comparison {
    /// Compares failing findings by fingerprint, within what both runs
    /// judged.
    pub fn of(previous: &Report, current: &Report) -> Comparison {
        let (was, is) = (Coverage::of(previous), Coverage::of(current));
        let before: BTreeMap<Fingerprint, &Finding> = previous
            .findings
            .iter()
            .map(|f| (f.fingerprint, f))
            .collect();
        let now: BTreeMap<Fingerprint, &Finding> = current
            .findings
            .iter()
            .map(|f| (f.fingerprint, f))
            .collect();
        let mut c = Comparison::default();
        // The same fingerprint in another account is another resource (an
        // API Gateway ARN holds no account id).
        let same = |a: &Finding, b: &&Finding| a.account_id == b.account_id;
        for (fp, f) in &now {
            if f.status != Status::Fail {
                continue;
            }
            let then = before.get(fp).filter(|b| same(f, b)).map(|b| &b.status);
            let not_compared = match then {
                Some(Status::Fail) => None,
                // Judged before, and not failing: new wherever it is.
                Some(Status::Pass) => None,
                Some(Status::NotEvaluated(why)) => {
                    Some(format!("it was not evaluated in the baseline: {why}"))
                }
                None => was.outside(f, "in the baseline"),
            };
            let change = match (then, not_compared) {
                (Some(Status::Fail), _) => Change::Unchanged,
                (_, Some(why)) => {
                    c.reasons.insert(*fp, why);
                    Change::NotCompared
                }
                _ => Change::New,
            };
            c.changes.insert(*fp, change);
        }
        for (fp, f) in &before {
            if f.status != Status::Fail {
                continue;
            }
            let change = match now.get(fp).filter(|n| same(f, n)).map(|n| &n.status) {
                Some(Status::Fail) => continue,
                Some(Status::NotEvaluated(_)) => Change::Unknown,
                Some(Status::Pass) => Change::Resolved,
                None => match is.outside(f, "this time") {
                    Some(why) => {
                        c.reasons.insert(*fp, why);
                        Change::NotCompared
                    }
                    None => Change::Resolved,
                },
            };
            c.changes.insert(*fp, change);
        }
        c
    }

    /// Marks each failing finding of `current` new, unchanged or not
    /// compared against `previous`, and records the resolved, unknown and
    /// not-compared ones of `previous` (as they were there). `source` names
    /// the previous file.
    pub fn apply(source: &str, previous: &Report, current: &mut Report) {
        let c = Comparison::of(previous, current);
        for f in current
            .findings
            .iter_mut()
            .filter(|f| f.status == Status::Fail)
        {
            f.baseline = c.get(f.fingerprint);
        }
        let moved = |change: Change| -> Vec<Finding> {
            previous
                .findings
                .iter()
                .filter(|f| f.status == Status::Fail && c.get(f.fingerprint) == Some(change))
                .cloned()
                .map(|mut f| {
                    f.baseline = Some(change);
                    f
                })
                .collect()
        };
        let not_compared = c.not_compared(&previous.findings, &current.findings);
        current.baseline = Some(BaselineInfo {
            source: source.to_string(),
            previous_collected_at: previous.snapshot.collected_at,
            new: c.count(Change::New),
            unchanged: c.count(Change::Unchanged),
            resolved: moved(Change::Resolved),
            unknown: moved(Change::Unknown),
            not_compared,
        });
    }

    /// The not-compared failures of both runs, each as it is in its own
    /// run, marked, with the reason: the previous run's first.
    pub fn not_compared(&self, previous: &[Finding], current: &[Finding]) -> Vec<NotCompared> {
        let pick = |side: Side, findings: &[Finding]| -> Vec<NotCompared> {
            findings
                .iter()
                .filter(|f| f.status == Status::Fail)
                .filter_map(|f| {
                    let reason = self.reasons.get(&f.fingerprint)?;
                    (self.get(f.fingerprint) == Some(Change::NotCompared)).then(|| {
                        let mut finding = f.clone();
                        finding.baseline = Some(Change::NotCompared);
                        NotCompared {
                            side,
                            reason: reason.clone(),
                            finding,
                        }
                    })
                })
                .collect()
        };
        let mut out = pick(Side::Previous, previous);
        out.extend(pick(Side::Current, current));
        out
    }

    pub fn get(&self, fingerprint: Fingerprint) -> Option<Change> {
        self.changes.get(&fingerprint).copied()
    }

    pub fn count(&self, change: Change) -> usize {
        self.changes.values().filter(|c| **c == change).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    /// A fixture's fingerprint, named by a word.
    fn fp(label: &str) -> Fingerprint {
        crate::fingerprint(label, "", None)
    }

    fn f(label: &str, status: Status) -> Finding {
        Finding {
            check_id: "NET-005".into(),
            severity: Severity::Critical,
            status,
            resource_arn: format!("arn:aws:ec2:us-east-1:1:security-group/{label}").into(),
            account_id: "1".into(),
            region: Some("us-east-1".into()),
            message: String::new(),
            path: None,
            affected: vec![],
            fingerprint: fp(label),
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
        let c = Comparison::of(
            &report_of(&["us-east-1"], previous),
            &report_of(&["us-east-1"], current),
        );
        assert_eq!(c.get(fp("kept")), Some(Change::Unchanged));
        assert_eq!(c.get(fp("fixed")), Some(Change::Resolved));
        assert_eq!(c.get(fp("deleted")), Some(Change::Resolved));
        // Not collected today is not fixed.
        assert_eq!(c.get(fp("blind")), Some(Change::Unknown));
        assert_eq!(c.get(fp("was-ok")), Some(Change::New));
        assert_eq!(c.get(fp("brand-new")), Some(Change::New));
        assert_eq!((c.count(Change::New), c.count(Change::Resolved)), (2, 2));
    }

    #[test]
    fn identical_reports_have_nothing_new() {
        let both = report_of(
            &["us-east-1"],
            vec![f("a", Status::Fail), f("b", Status::Pass)],
        );
        let c = Comparison::of(&both, &both);
        assert_eq!(c.count(Change::New), 0);
        assert_eq!(c.count(Change::Resolved), 0);
        assert_eq!(c.get(fp("a")), Some(Change::Unchanged));
        assert_eq!(c.get(fp("b")), None);
    }

    /// A report of account `1` that scanned `regions`, holding `findings`.
    fn report_of(regions: &[&str], findings: Vec<Finding>) -> Report {
        Report {
            schema_version: crate::REPORT_SCHEMA_VERSION,
            tool: crate::ToolInfo {
                name: "rampart".into(),
                version: "0".into(),
            },
            snapshot: crate::SnapshotInfo {
                account_id: "1".into(),
                partition: "aws".into(),
                collected_at: time::OffsetDateTime::UNIX_EPOCH,
                regions: regions.iter().map(|r| r.to_string()).collect(),
                complete: true,
                collection_errors: 0,
                credential_source: None,
            },
            summary: crate::Summary::of(&findings),
            scorecards: vec![],
            findings,
            checks: vec![],
            expired_suppressions: vec![],
            baseline: None,
        }
    }

    fn in_region(fp: &str, status: Status, region: &str) -> Finding {
        let mut x = f(fp, status);
        x.region = Some(region.into());
        x.resource_arn = format!("arn:aws:ec2:{region}:1:security-group/{fp}").into();
        x
    }

    /// Issue 14 item 5: a baseline taken over more regions than today's
    /// scan made every finding of the other regions "resolved".
    #[test]
    fn a_region_not_scanned_now_is_not_compared_not_resolved() {
        let previous = report_of(
            &["us-east-1", "us-west-2"],
            vec![
                in_region("east", Status::Fail, "us-east-1"),
                in_region("west", Status::Fail, "us-west-2"),
                in_region("fixed", Status::Fail, "us-east-1"),
            ],
        );
        let mut current = report_of(
            &["us-east-1"],
            vec![in_region("east", Status::Fail, "us-east-1")],
        );
        Comparison::apply("yesterday.json", &previous, &mut current);
        let b = current.baseline.unwrap();
        let fps = |v: &[Finding]| v.iter().map(|f| f.fingerprint).collect::<Vec<_>>();
        assert_eq!(
            fps(&b.resolved),
            [fp("fixed")],
            "us-west-2 was not scanned today"
        );
        assert!(b.unknown.is_empty());
        assert_eq!(b.not_compared.len(), 1);
        let n = &b.not_compared[0];
        assert_eq!(
            (n.side, n.finding.fingerprint),
            (Side::Previous, fp("west"))
        );
        assert_eq!(n.reason, "region us-west-2 was not scanned this time");
        assert_eq!(n.finding.baseline, Some(Change::NotCompared));
    }

    /// The symmetric case: a failure in a region the baseline never scanned
    /// cannot be new relative to it.
    #[test]
    fn a_region_the_baseline_did_not_scan_is_not_new() {
        let previous = report_of(
            &["us-east-1"],
            vec![in_region("east", Status::Fail, "us-east-1")],
        );
        let mut current = report_of(
            &["us-east-1", "eu-west-1"],
            vec![
                in_region("east", Status::Fail, "us-east-1"),
                in_region("fresh", Status::Fail, "us-east-1"),
                in_region("eu", Status::Fail, "eu-west-1"),
            ],
        );
        Comparison::apply("yesterday.json", &previous, &mut current);
        let marks: Vec<_> = current.findings.iter().map(|f| f.baseline).collect();
        assert_eq!(marks[0], Some(Change::Unchanged));
        assert_eq!(marks[1], Some(Change::New));
        assert_eq!(
            marks[2],
            Some(Change::NotCompared),
            "eu-west-1 is not in the baseline"
        );
        let b = current.baseline.unwrap();
        assert_eq!(b.new, 1);
        assert_eq!(b.not_compared.len(), 1);
        assert_eq!(b.not_compared[0].side, Side::Current);
        assert_eq!(
            b.not_compared[0].reason,
            "region eu-west-1 was not scanned in the baseline"
        );
    }

    /// Another account's baseline compares nothing: no finding is new or
    /// resolved.
    #[test]
    fn another_accounts_baseline_is_not_compared() {
        let mut previous = report_of(
            &["us-east-1"],
            vec![in_region("theirs", Status::Fail, "us-east-1")],
        );
        previous.snapshot.account_id = "2".into();
        previous.findings[0].account_id = "2".into();
        let mut current = report_of(
            &["us-east-1"],
            vec![in_region("ours", Status::Fail, "us-east-1")],
        );
        Comparison::apply("other.json", &previous, &mut current);
        let b = current.baseline.unwrap();
        assert!(b.resolved.is_empty(), "{:?}", b.resolved);
        assert_eq!(b.new, 0);
        assert_eq!(current.findings[0].baseline, Some(Change::NotCompared));
        let reasons: Vec<(Side, &str)> = b
            .not_compared
            .iter()
            .map(|n| (n.side, n.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (Side::Previous, "account 2 was not scanned this time"),
                (Side::Current, "account 1 was not scanned in the baseline"),
            ]
        );
    }

    /// An API Gateway ARN holds no account id: the same fingerprint in
    /// another account's baseline is another resource, not unchanged.
    #[test]
    fn the_same_fingerprint_in_another_account_is_not_unchanged() {
        let mut previous = report_of(&["us-east-1"], vec![f("api", Status::Fail)]);
        previous.snapshot.account_id = "2".into();
        previous.findings[0].account_id = "2".into();
        let mut current = report_of(&["us-east-1"], vec![f("api", Status::Fail)]);
        Comparison::apply("other.json", &previous, &mut current);
        assert_eq!(current.findings[0].baseline, Some(Change::NotCompared));
        let b = current.baseline.unwrap();
        assert_eq!((b.new, b.unchanged, b.not_compared.len()), (0, 0, 2));
    }

    /// A failure whose check could not list its resources today (a
    /// region-wide gap, `security-group/*` not evaluated) is not resolved
    /// because it is missing from today's findings.
    #[test]
    fn a_check_whose_input_is_missing_in_the_region_is_not_compared() {
        let previous = report_of(
            &["us-east-1"],
            vec![in_region("sg-a", Status::Fail, "us-east-1"), {
                let mut other = in_region("iam-role", Status::Fail, "us-east-1");
                other.check_id = "INST-003".into();
                other
            }],
        );
        let mut gap = in_region(
            "gap",
            Status::NotEvaluated(
                "ec2:DescribeSecurityGroups was not collected (throttled: ...)".into(),
            ),
            "us-east-1",
        );
        gap.resource_arn = "arn:aws:ec2:us-east-1:1:security-group/*".into();
        let mut current = report_of(&["us-east-1"], vec![gap]);
        Comparison::apply("yesterday.json", &previous, &mut current);
        let b = current.baseline.unwrap();
        let fps = |v: &[Finding]| v.iter().map(|f| f.fingerprint).collect::<Vec<_>>();
        // INST-003 had its input: its failure is gone, so resolved.
        assert_eq!(fps(&b.resolved), [fp("iam-role")]);
        assert_eq!(b.not_compared.len(), 1);
        assert_eq!(b.not_compared[0].finding.fingerprint, fp("sg-a"));
        assert_eq!(
            b.not_compared[0].reason,
            "NET-005 could not list its resources in us-east-1 this time: \
             ec2:DescribeSecurityGroups was not collected (throttled: ...)"
        );
    }

    /// A check left out now (`--checks`, `--skip-checks`) judged nothing:
    /// its failures are not resolved. The other way round, a check the
    /// baseline did not run (or a rampart upgrade added) has nothing new.
    #[test]
    fn a_check_only_one_run_ran_is_not_compared() {
        let mut inst = in_region("role", Status::Fail, "us-east-1");
        inst.check_id = "INST-003".into();
        let mut previous = report_of(
            &["us-east-1"],
            vec![in_region("sg-a", Status::Fail, "us-east-1"), inst.clone()],
        );
        previous.checks = vec!["INST-003".into(), "NET-005".into()];
        let mut current = report_of(&["us-east-1"], vec![inst.clone()]);
        current.checks = vec!["INST-003".into()];
        let c = Comparison::of(&previous, &current);
        assert_eq!(c.get(fp("sg-a")), Some(Change::NotCompared));
        assert_eq!(c.reasons[&fp("sg-a")], "NET-005 was not run this time");
        assert_eq!(c.get(fp("role")), Some(Change::Unchanged));

        let mut new_check = in_region("waf", Status::Fail, "us-east-1");
        new_check.check_id = "EDGE-011".into();
        current.findings.push(new_check);
        current.checks.push("EDGE-011".into());
        let c = Comparison::of(&previous, &current);
        assert_eq!(c.get(fp("waf")), Some(Change::NotCompared));
        assert_eq!(
            c.reasons[&fp("waf")],
            "EDGE-011 was not run in the baseline"
        );

        // A report before version 3 does not say which checks ran: every
        // check counts as run, as before.
        previous.checks.clear();
        let c = Comparison::of(&previous, &current);
        assert_eq!(c.get(fp("waf")), Some(Change::New));
    }

    /// Not evaluated in the baseline, failing now: the baseline did not
    /// judge it, so it is not new (symmetric with `unknown`).
    #[test]
    fn not_evaluated_before_and_failing_now_is_not_compared() {
        let previous = report_of(
            &["us-east-1"],
            vec![f(
                "sg-a",
                Status::NotEvaluated("prefix list pl-1 not collected".into()),
            )],
        );
        let current = report_of(&["us-east-1"], vec![f("sg-a", Status::Fail)]);
        let c = Comparison::of(&previous, &current);
        assert_eq!(c.get(fp("sg-a")), Some(Change::NotCompared));
        assert_eq!(
            c.reasons[&fp("sg-a")],
            "it was not evaluated in the baseline: prefix list pl-1 not collected"
        );
    }

    #[test]
    fn apply_marks_the_current_report_and_keeps_what_left() {
        let report = |findings: Vec<Finding>| report_of(&["us-east-1"], findings);
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
        assert_eq!(b.resolved[0].fingerprint, fp("fixed"));
        assert_eq!(b.resolved[0].status, Status::Fail, "as it was before");
        assert!(b.unknown.is_empty());
    }
}
