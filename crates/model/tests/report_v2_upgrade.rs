//! Report schema version 2 (findings filed on the resource to change, with
//! the backends they expose; verdicts linked to their findings) against
//! what a nightly job kept from before the upgrade: yesterday's version-1
//! report still loads as a baseline and for `rampart diff`, the per-instance
//! findings it holds resolve once while the per-resource findings that
//! replace them are new, and suppressions match the shared resource.
//!
//! `data/report-v1.json` is a version-1 report as rampart wrote it before
//! version 2 (the reporter's golden JSON at that time), kept unchanged.

use std::path::Path;

use rampart_model::baseline::{Change, Comparison};
use rampart_model::config::Config;
use rampart_model::diff::FindingsDiff;
use rampart_model::io::Run;
use rampart_model::{Finding, LayerVerdict, Report, Severity, Status, fingerprint};

const V1: &str = include_str!("data/report-v1.json");

fn load(name: &str, text: &str) -> Report {
    match Run::from_slice(Path::new(name), text.as_bytes()) {
        Ok(Run::Report(r)) => *r,
        Ok(Run::Snapshot(_)) => panic!("{name} read as a snapshot"),
        Err(e) => panic!("{name}: {e}"),
    }
}

#[test]
fn a_version_1_report_still_loads() {
    let r = load("nightly/2026-11-19/report.json", V1);
    assert_eq!(r.schema_version, 1, "kept as the file says");
    assert_eq!(r.findings.len(), 9);
    assert_eq!(r.scorecards.len(), 2);
    // What version 2 added is empty, not invented.
    assert!(r.findings.iter().all(|f| f.affected.is_empty()));
    for c in &r.scorecards {
        for l in rampart_model::Layer::ALL {
            assert!(c.layer(l).findings().is_empty(), "{} {l}", c.instance_id);
        }
    }
    assert!(matches!(
        r.scorecards[0].edge,
        LayerVerdict::Fail { ref failing, .. } if failing == &["EDGE-001".to_string()]
    ));
    // No detect column before version 5: not evaluated, saying why.
    for c in &r.scorecards {
        assert_eq!(c.detect, LayerVerdict::before_detect(), "{}", c.instance_id);
    }
    assert!(matches!(
        &r.scorecards[0].detect,
        LayerVerdict::NotEvaluated { reasons, .. } if reasons[0].contains("predates version 5")
    ));
    // Nothing but the version is checked for: another version is refused.
    let v7 = V1.replacen("\"schema_version\": 1", "\"schema_version\": 7", 1);
    let e = Run::from_slice(Path::new("v7.json"), v7.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("v7.json")
            && e.contains("report schema version 7")
            && e.contains("1, 2, 3, 4, 5 and 6"),
        "{e}"
    );
}

const ACCOUNT: &str = "123456789012";

fn instance(id: &str) -> String {
    format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{id}")
}

fn failing(check: &str, arn: &str, affected: &[String]) -> Finding {
    Finding {
        check_id: check.into(),
        severity: Severity::High,
        status: Status::Fail,
        resource_arn: arn.into(),
        account_id: ACCOUNT.into(),
        region: Some("us-east-1".into()),
        message: format!("{check} on {arn}"),
        path: None,
        affected: affected.iter().map(|a| a.as_str().into()).collect(),
        fingerprint: fingerprint(check, arn, None),
        suppressed: None,
        baseline: None,
    }
}

/// A report around `findings`, from the fixed version-1 file's header.
fn report(version: u32, findings: Vec<Finding>) -> Report {
    let mut r = load("header.json", V1);
    r.schema_version = version;
    // The findings below are of ACCOUNT: so is the scan (a baseline
    // compares only the accounts both runs scanned).
    r.snapshot.account_id = ACCOUNT.into();
    r.summary = rampart_model::Summary::of(&findings);
    r.scorecards.clear();
    r.findings = findings;
    r.expired_suppressions.clear();
    r.baseline = None;
    r
}

/// The upgrade night: yesterday's version-1 report filed NET-004 on each
/// instance; today's files it once on the security group, listing both.
/// The two per-instance findings resolve, the group's is new (once, not
/// per backend), and what did not move stays unchanged.
#[test]
fn a_version_1_baseline_compares_across_per_resource_filing() {
    let sg = format!("arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-0app");
    let (a, b) = (instance("i-0a"), instance("i-0b"));
    let yesterday = report(
        1,
        vec![
            failing("NET-004", &a, &[]),
            failing("NET-004", &b, &[]),
            failing("INST-001", &a, &[]),
        ],
    );
    // As the nightly job finds it: written by the old rampart, read by the new.
    let text = serde_json::to_string_pretty(&yesterday).unwrap();
    assert!(!text.contains("affected"), "version 1 had no such key");
    let yesterday = load("yesterday.json", &text);
    assert_eq!(yesterday.schema_version, 1);

    let mut today = report(
        rampart_model::REPORT_SCHEMA_VERSION,
        vec![
            failing("NET-004", &sg, &[a.clone(), b.clone()]),
            failing("INST-001", &a, &[]),
        ],
    );
    Comparison::apply("yesterday.json", &yesterday, &mut today);
    let marks: Vec<_> = today.findings.iter().map(|f| f.baseline).collect();
    assert_eq!(marks, [Some(Change::New), Some(Change::Unchanged)]);
    let b_info = today.baseline.as_ref().unwrap();
    assert_eq!((b_info.new, b_info.unchanged), (1, 1));
    let resolved: Vec<&str> = b_info
        .resolved
        .iter()
        .map(|f| f.resource_arn.as_str())
        .collect();
    assert_eq!(resolved, [a.as_str(), b.as_str()]);

    // `rampart diff yesterday.json today.json` says the same.
    let d = FindingsDiff::of(&yesterday, &today);
    assert_eq!(d.new.len(), 1);
    assert_eq!(d.new[0].resource_arn, sg);
    assert_eq!(d.new[0].affected, [a, b]);
    assert_eq!(d.resolved.len(), 2);
    assert_eq!((d.unchanged, d.changed.len()), (1, 0));

    // The next night, both versions 2: the group's finding is unchanged,
    // whichever backends it lists, and nothing resolves.
    let mut tomorrow = today.clone();
    tomorrow.baseline = None;
    tomorrow.findings[0].affected.pop();
    today.baseline = None;
    Comparison::apply("today.json", &today, &mut tomorrow);
    let b_info = tomorrow.baseline.as_ref().unwrap();
    assert_eq!((b_info.new, b_info.unchanged), (0, 2));
    assert!(b_info.resolved.is_empty());
    let d = FindingsDiff::of(&today, &tomorrow);
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].what, ["affected"]);
}

/// A suppression by `resource` matches the resource the finding is filed
/// on: the shared group, not the backends it lists.
#[test]
fn a_suppression_matches_the_shared_resource() {
    let sg = format!("arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-0app");
    let (a, b) = (instance("i-0a"), instance("i-0b"));
    let config = Config::parse(
        "rampart.toml",
        r#"
[[suppress]]
check = "NET-004"
resource = "arn:aws:ec2:*:*:instance/i-0a"
reason = "a per-instance entry from before version 2"

[[suppress]]
check = "NET-004"
resource = "arn:aws:ec2:*:*:security-group/sg-0app"
reason = "the app fleet is public by design, reviewed by secops"
"#,
    )
    .unwrap();
    let shared = failing("NET-004", &sg, &[a.clone(), b]);
    let (old_entry, new_entry) = (&config.suppressions[0], &config.suppressions[1]);
    assert!(
        !old_entry.matches(&shared, None),
        "an instance glob does not match a finding that merely lists the instance"
    );
    assert!(new_entry.matches(&shared, None));

    let mut today = report(
        rampart_model::REPORT_SCHEMA_VERSION,
        vec![shared, failing("NET-004", &a, &[])],
    );
    let date = today.snapshot.collected_at.date();
    config.apply("rampart.toml", &mut today, date, &|_| None);
    let by: Vec<Option<&str>> = today
        .findings
        .iter()
        .map(|f| f.suppressed.as_ref().map(|s| s.source.as_str()))
        .collect();
    assert_eq!(by, [Some("rampart.toml:7"), Some("rampart.toml:2")]);
    assert_eq!((today.summary.fail, today.summary.suppressed), (0, 2));
}
