//! `rampart audit` on the demo account (hardened and legacy backends):
//! every format is written and each machine-readable one validates against
//! its schema; the documented exit codes hold (0, 1 with --fail-on, 3 when
//! collection is incomplete and no gate is hit, 2 for usage and input
//! errors, each naming the flag or file).

use std::path::Path;

use rampart_model::{Report, Status};
use serde_json::Value;

use crate::harness::{Emulator, audit_args, m, rampart_on};
use crate::schemas;

const ALL_FORMATS: [&str; 12] = [
    "--format", "table", "--format", "json", "--format", "sarif", "--format", "csv", "--format",
    "html", "--format", "ocsf",
];

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn audit_writes_every_format_of_the_demo_account() {
    let emu = Emulator::start();
    let man = emu.seed("demo");
    let out = emu.dir().join("audit");
    let run = rampart_on(&emu, &audit_args(out.to_str().unwrap(), &ALL_FORMATS));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let dir = out.join("latest");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "report.csv",
            "report.html",
            "report.json",
            "report.ocsf.json",
            "report.sarif",
            "report.txt",
            "snapshot.json"
        ]
    );
    for f in &files {
        assert!(
            run.stdout.contains(f.as_str()) || f == "snapshot.json",
            "{f} is listed: {}",
            run.stdout
        );
    }
    let legacy = m(&man, "/legacy/instance_id");

    // JSON: the versioned report, valid against docs/report.schema.json.
    let json: Value = serde_json::from_str(&read(&dir.join("report.json"))).unwrap();
    schemas::assert_valid(&schemas::report(), &json, "report.json");
    let report: Report = serde_json::from_value(json).unwrap();
    assert!(report.snapshot.complete);
    assert!(report.scorecards.iter().any(|c| c.instance_id == legacy));
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.status == Status::Fail && f.resource_arn.ends_with(legacy))
    );

    // SARIF: valid against the official 2.1.0 schema; results point at the
    // snapshot beside the report.
    let sarif: Value = serde_json::from_str(&read(&dir.join("report.sarif"))).unwrap();
    schemas::assert_valid(&schemas::sarif(), &sarif, "report.sarif");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        report
            .findings
            .iter()
            .filter(|f| f.status != Status::Pass)
            .count()
    );
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "snapshot.json"
    );

    // OCSF: every event valid against the OCSF 1.6.0 Compliance Finding schema.
    let ocsf: Value = serde_json::from_str(&read(&dir.join("report.ocsf.json"))).unwrap();
    let events = ocsf.as_array().expect("an array of events");
    assert_eq!(events.len(), report.findings.len());
    let v = schemas::ocsf();
    for e in events {
        schemas::assert_valid(&v, e, "an OCSF event");
    }
    assert!(events.iter().any(|e| {
        e["resources"][0]["uid"]
            .as_str()
            .is_some_and(|u| u.ends_with(legacy))
            && e["compliance"]["status"] == "Fail"
    }));

    // CSV: one row per finding, read back as a spreadsheet would.
    let mut csv = csv::Reader::from_path(dir.join("report.csv")).unwrap();
    assert_eq!(csv.records().count(), report.findings.len());

    // Table: the scorecard names the legacy backend.
    let table = read(&dir.join("report.txt"));
    // Three instances and two ECS tasks.
    assert!(table.contains("scorecard (5 backend(s))"), "{table}");
    assert!(!table.contains('\u{1b}'), "no colour in a file");

    // HTML: one self-contained page that names the legacy backend and
    // never carries its hostile tag raw.
    let html = read(&dir.join("report.html"));
    assert!(html.contains(legacy));
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(!html.contains("<script src"), "self-contained");
    assert!(!html.contains("<link rel=\"stylesheet\""), "self-contained");
    assert!(html.contains("<svg"), "path pictures");
    // CloudFront paths are drawn and titled (issue 16 item 1).
    assert!(
        html.contains("Through CloudFront to its origin"),
        "alb-edge"
    );
    assert!(
        html.contains("Through CloudFront, then API Gateway"),
        "hardened-edge"
    );
    assert!(html.contains("cloudfront "), "the distribution hop");
    assert!(
        html.contains("Through CloudFront and a VPC origin"),
        "vpc-edge"
    );
    assert!(html.contains("vpc-origin "), "the VPC origin hop");
    // ECS tasks and Cloud Map (issue 16 items 3 and 4): task cards and
    // their pictures, the Cloud Map hop drawn and the path titled.
    assert!(
        html.contains("Through API Gateway, a VPC link and AWS Cloud Map service discovery"),
        "the HTTP API to Cloud Map"
    );
    assert!(
        html.contains("Direct: a public address on the task"),
        "the legacy task"
    );
    assert!(
        html.contains(">CLOUDMAP<") && html.contains(">TASK<"),
        "hop kinds drawn"
    );
    assert!(
        html.contains("cloudmap orders-api"),
        "the Cloud Map hop's label"
    );
    assert!(html.contains("task legacy/"), "a task card");
}

#[test]
fn audit_exit_codes_and_input_errors() {
    let emu = Emulator::start();
    emu.seed("demo");
    let base = emu.dir().join("codes");

    // 1: a failing finding at or above --fail-on (legacy SSH is critical).
    let out = base.join("gate");
    let run = rampart_on(
        &emu,
        &audit_args(out.to_str().unwrap(), &["--fail-on", "critical"]),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        out.join("latest/report.json").is_file(),
        "reports are written before the gate"
    );

    // 3: incomplete (WAF endpoint dead) and no gate hit; with a gate hit, 1.
    let env = crate::harness::emulator_env(&emu.url);
    let mut dead: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    dead.push(("AWS_ENDPOINT_URL_WAFV2", "http://127.0.0.1:1"));
    let out = base.join("incomplete");
    let o = out.to_str().unwrap();
    let run = crate::harness::rampart(&audit_args(o, &[]), &dead);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stdout.contains("INCOMPLETE"), "{}", run.stdout);
    let run = crate::harness::rampart(&audit_args(o, &["--fail-on", "critical"]), &dead);
    assert_eq!(run.code, 1, "{}", run.stderr);

    // 2: usage and input errors, each naming what is wrong, before any scan.
    let out = base.join("usage");
    let o = out.to_str().unwrap();
    let bad_format = rampart_on(&emu, &audit_args(o, &["--format", "pdf"]));
    assert_eq!(bad_format.code, 2);
    assert!(
        bad_format.stderr.contains("--format"),
        "{}",
        bad_format.stderr
    );

    let missing = emu.dir().join("no-such.toml");
    let run = rampart_on(
        &emu,
        &audit_args(o, &["--config", missing.to_str().unwrap()]),
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no-such.toml") && run.stderr.contains("--config"),
        "{}",
        run.stderr
    );

    let broken = emu.dir().join("broken.toml");
    std::fs::write(&broken, "[[suppress]]\ncheck = \"NET-005\"\n").unwrap();
    let run = rampart_on(
        &emu,
        &audit_args(o, &["--config", broken.to_str().unwrap()]),
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("broken.toml, line 1") && run.stderr.contains("reason"),
        "{}",
        run.stderr
    );

    let run = rampart_on(&emu, &audit_args(o, &["--no-baseline", "--fail-on-new"]));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--fail-on-new"), "{}", run.stderr);

    let run = rampart_on(&emu, &audit_args(o, &["--checks", "NET-999"]));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("NET-999"), "{}", run.stderr);
    assert!(!out.exists(), "no run folder for a refused run");

    // --fail-on-new on the first night: nothing to compare with, so every
    // failing finding is new, said out loud (never a silent pass).
    let out = base.join("first-night");
    let run = rampart_on(&emu, &audit_args(out.to_str().unwrap(), &["--fail-on-new"]));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("no previous run"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn audit_folders_and_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let emu = Emulator::start();
    emu.seed("demo");
    let out = emu.dir().join("private/nested");
    let run = rampart_on(
        &emu,
        &audit_args(out.to_str().unwrap(), &["--format", "html"]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&out), 0o700);
    let run_dir = out.join("latest");
    assert_eq!(mode(&run_dir), 0o700);
    for f in ["snapshot.json", "report.json", "report.html"] {
        assert_eq!(mode(&run_dir.join(f)), 0o600, "{f}");
    }
}
