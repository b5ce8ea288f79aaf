//! Two nights of the audit job: `rampart audit` on the demo account, then
//! the account drifts (localstack/change.py `night2`: RDP opened to the
//! internet on the hardened app security group, the staging web ACL
//! attached to the legacy REST stage), then `rampart audit` again. The
//! diff, the baseline marks and the gates must show exactly that change.

use std::path::{Path, PathBuf};

use rampart_model::baseline::Change;
use rampart_model::diff::{DiffReport, DriftKind};
use rampart_model::{Report, Status};
use serde_json::{Value, json};

use crate::harness::{Emulator, Run, audit_args, m, rampart, rampart_on};

fn audit(emu: &Emulator, out: &Path, extra: &[&str]) -> Run {
    rampart_on(emu, &audit_args(out.to_str().unwrap(), extra))
}

fn runs(out: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.is_symlink())
        .collect();
    dirs.sort();
    dirs
}

fn load_report(p: &Path) -> Report {
    serde_json::from_slice(&std::fs::read(p).unwrap()).expect("report JSON")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn two_nights_diff_and_baseline_show_exactly_the_change() {
    let emu = Emulator::start();
    let man = emu.seed("demo");
    let out = emu.dir().join("nightly");

    // Night 1: nothing to compare with yet.
    let night1 = audit(&emu, &out, &[]);
    assert_eq!(night1.code, 0, "{}", night1.stderr);
    assert!(
        night1.stdout.contains("no previous run to compare with"),
        "{}",
        night1.stdout
    );

    let man = emu.change("night2", &man);
    let sg = m(&man, "/night2/opened_sg_id").to_string();
    let acl = m(&man, "/night2/attached_web_acl_arn").to_string();
    let stage = m(&man, "/night2/attached_to_stage_arn").to_string();
    let rest_api = m(&man, "/legacy/rest_api_id").to_string();

    // Night 2: compared with night 1 automatically; --fail-on-new trips on
    // the one new failure.
    let night2 = audit(&emu, &out, &["--fail-on-new"]);
    assert_eq!(night2.code, 1, "{}\n{}", night2.stdout, night2.stderr);
    assert!(
        night2.stdout.contains("1 new, 1 resolved"),
        "{}",
        night2.stdout
    );

    let dirs = runs(&out);
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    let (d1, d2) = (&dirs[0], &dirs[1]);
    assert_eq!(
        std::fs::read_link(out.join("latest")).unwrap(),
        PathBuf::from(d2.file_name().unwrap()),
        "latest points at the newest run, relatively"
    );

    // --- rampart diff on the two snapshots: findings and drift ---
    let diff = rampart(
        &[
            "diff",
            s(&d1.join("snapshot.json")),
            s(&d2.join("snapshot.json")),
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    let d: DiffReport = serde_json::from_str(&diff.stdout).expect("diff JSON");

    let sg_arn = format!("arn:aws:ec2:us-east-1:123456789012:security-group/{sg}");
    let new: Vec<(&str, &str)> = d
        .findings
        .new
        .iter()
        .map(|f| (f.check_id.as_str(), f.resource_arn.as_str()))
        .collect();
    assert_eq!(new, [("NET-005", sg_arn.as_str())], "the RDP opening");
    assert!(d.findings.new[0].message.contains("3389"));
    let resolved: Vec<(&str, &str)> = d
        .findings
        .resolved
        .iter()
        .map(|f| (f.check_id.as_str(), f.resource_arn.as_str()))
        .collect();
    assert_eq!(
        resolved,
        [("EDGE-002", stage.as_str())],
        "the WAF attachment"
    );
    assert!(d.findings.unknown.is_empty());
    // What else moved is the WAF's effect on the legacy API's paths (the
    // "no WAF" gap is gone from them), and nothing else.
    assert!(!d.findings.changed.is_empty());
    for c in &d.findings.changed {
        assert!(
            c.after.resource_arn.contains(&rest_api)
                || c.after
                    .path
                    .as_ref()
                    .is_some_and(|p| p.hops.iter().any(|h| h.id.contains(&rest_api))),
            "unexpected change: {c:?}"
        );
        assert!(
            c.what.iter().all(|w| w == "message" || w == "path"),
            "{c:?}"
        );
        assert!(c.before.message.contains("no WAF") || c.before.path != c.after.path);
    }

    // Resource drift: exactly the three resources touched, field by field.
    let drift = d.drift.as_ref().expect("two snapshots have drift");
    let touched: Vec<(&str, &str, DriftKind)> = drift
        .iter()
        .map(|r| (r.collection.as_str(), r.id.as_str(), r.kind))
        .collect();
    assert_eq!(
        touched,
        [
            (
                "apigateway.rest_apis",
                rest_api.as_str(),
                DriftKind::Modified
            ),
            ("ec2.security_groups", sg.as_str(), DriftKind::Modified),
            ("wafv2.web_acls", acl.as_str(), DriftKind::Modified),
        ],
        "{drift:#?}"
    );
    let field = |i: usize| {
        assert_eq!(drift[i].fields.len(), 1, "{:#?}", drift[i]);
        let f = &drift[i].fields[0];
        (f.field.clone(), f.before.clone(), f.after.clone())
    };
    assert_eq!(
        field(0),
        ("stages[v1].web_acl_arn".into(), None, Some(json!(acl)))
    );
    let (name, before, after) = field(1);
    assert_eq!((name.as_str(), before), ("ingress[+]", None));
    let rule = after.unwrap();
    assert_eq!(
        (&rule["from_port"], &rule["to_port"], &rule["peer"]["cidr"]),
        (&json!(3389), &json!(3389), &json!("0.0.0.0/0"))
    );
    assert_eq!(
        field(2),
        ("associated_resources[+]".into(), None, Some(json!(stage)))
    );

    // The text form says the same.
    let text = rampart(
        &[
            "diff",
            s(&d1.join("snapshot.json")),
            s(&d2.join("snapshot.json")),
        ],
        &[],
    );
    assert_eq!(text.code, 0);
    assert!(
        text.stdout.contains("failing findings: 1 new, 1 resolved"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("resource drift: 3 resource(s)"));

    // Two reports: the same findings diff, and no drift (reports do not
    // carry the resources).
    let by_reports = rampart(
        &[
            "diff",
            s(&d1.join("report.json")),
            s(&d2.join("report.json")),
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(by_reports.code, 0, "{}", by_reports.stderr);
    let r: DiffReport = serde_json::from_str(&by_reports.stdout).unwrap();
    assert_eq!(r.findings, d.findings);
    assert!(r.drift.is_none());

    // --- the baseline in night 2's report ---
    let report2 = load_report(&d2.join("report.json"));
    crate::schemas::assert_valid(
        &crate::schemas::report(),
        &serde_json::to_value(&report2).unwrap(),
        "night 2's report.json",
    );
    let b = report2.baseline.as_ref().expect("compared with night 1");
    assert!(b.source.ends_with("latest/report.json"), "{}", b.source);
    assert_eq!(b.new, 1);
    assert_eq!(
        b.resolved.iter().map(|f| f.fingerprint).collect::<Vec<_>>(),
        d.findings
            .resolved
            .iter()
            .map(|f| f.fingerprint)
            .collect::<Vec<_>>()
    );
    for f in report2.findings.iter().filter(|f| f.status == Status::Fail) {
        let want = if f.fingerprint == d.findings.new[0].fingerprint {
            Change::New
        } else {
            Change::Unchanged
        };
        assert_eq!(f.baseline, Some(want), "{} {}", f.check_id, f.resource_arn);
    }

    // --- rampart check --baseline, both ways, and the gates ---
    let night1_report = d1.join("report.json");
    let check = |snapshot: &Path, extra: &[&str]| {
        let mut args = vec![
            "check",
            s(snapshot),
            "--baseline",
            s(&night1_report),
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        rampart(&args, &[])
    };
    let same = check(&d1.join("snapshot.json"), &["--fail-on-new"]);
    assert_eq!(
        same.code, 0,
        "nothing is new against itself: {}",
        same.stderr
    );
    let gated = check(&d2.join("snapshot.json"), &["--fail-on-new"]);
    assert_eq!(gated.code, 1, "{}", gated.stderr);
    // The new failure is critical: a high threshold still trips, and a
    // baseline given as a snapshot works the same as a report.
    let gated = check(
        &d2.join("snapshot.json"),
        &["--fail-on-new", "--fail-on", "high"],
    );
    assert_eq!(gated.code, 1);
    let by_snapshot = rampart(
        &[
            "check",
            s(&d2.join("snapshot.json")),
            "--baseline",
            s(&d1.join("snapshot.json")),
            "--format",
            "json",
            "--fail-on-new",
        ],
        &[],
    );
    assert_eq!(by_snapshot.code, 1, "{}", by_snapshot.stderr);
    let r: Report = serde_json::from_str(&by_snapshot.stdout).unwrap();
    assert_eq!(r.baseline.as_ref().unwrap().new, 1);

    // --- accepting the new finding in rampart.toml ---
    let config = emu.dir().join("rampart.toml");
    std::fs::write(
        &config,
        format!(
            "[[suppress]]\ncheck = \"NET-005\"\nresource = \"*:security-group/{sg}\"\nreason = \"RDP for the migration, SEC-7\"\nexpires = 2999-12-31\n"
        ),
    )
    .unwrap();
    let accepted = check(
        &d2.join("snapshot.json"),
        &["--fail-on-new", "--config", s(&config)],
    );
    assert_eq!(accepted.code, 0, "{}", accepted.stderr);
    let r: Report = serde_json::from_str(&accepted.stdout).unwrap();
    let f = r
        .findings
        .iter()
        .find(|f| f.fingerprint == d.findings.new[0].fingerprint)
        .expect("the suppressed finding stays in the report");
    let sup = f.suppressed.as_ref().expect("marked suppressed");
    assert_eq!(sup.reason, "RDP for the migration, SEC-7");
    assert!(sup.source.ends_with("rampart.toml:1"), "{}", sup.source);
    assert_eq!(f.status, Status::Fail);
    // SARIF keeps it, as an accepted suppression.
    let sarif = rampart(
        &[
            "check",
            s(&d2.join("snapshot.json")),
            "--config",
            s(&config),
            "--format",
            "sarif",
        ],
        &[],
    );
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    crate::schemas::assert_valid(&crate::schemas::sarif(), &log, "SARIF with suppressions");
    let suppressed: Vec<&Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["status"], "accepted");

    // Expired (before the snapshot's date): it stops applying, the gate
    // trips again, and the report says which entry expired.
    std::fs::write(
        &config,
        format!(
            "[[suppress]]\ncheck = \"NET-005\"\nresource = \"*:security-group/{sg}\"\nreason = \"RDP for the migration, SEC-7\"\nexpires = 2001-01-01\n"
        ),
    )
    .unwrap();
    let expired = check(
        &d2.join("snapshot.json"),
        &["--fail-on-new", "--config", s(&config)],
    );
    assert_eq!(expired.code, 1, "{}", expired.stderr);
    let r: Report = serde_json::from_str(&expired.stdout).unwrap();
    assert_eq!(r.expired_suppressions.len(), 1);
    assert_eq!(r.expired_suppressions[0].matching_findings, 1);
    assert!(r.findings.iter().all(|f| f.suppressed.is_none()));
}
