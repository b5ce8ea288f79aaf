//! Bytes (as UTF-8, lossily) as a `rampart.toml`: `Config::parse` must never
//! panic; an error names the file and a line inside the text; a config that
//! parses can be applied to a report (glob matching, expiry, recount)
//! without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_model::config::{Config, ConfigError};
use rampart_model::time::{Date, Month};
use rampart_model::{Finding, Report, Severity, SnapshotInfo, Status, Summary, Tags, ToolInfo};

const NAME: &str = "fuzz-rampart.toml";

fn finding(check: &str, arn: &str, status: Status) -> Finding {
    Finding {
        check_id: check.into(),
        severity: Severity::High,
        status,
        resource_arn: arn.into(),
        account_id: "123456789012".into(),
        region: Some("eu-west-1".into()),
        message: String::new(),
        path: None,
        affected: vec![],
        fingerprint: rampart_model::fingerprint(check, arn, None),
        suppressed: None,
        baseline: None,
    }
}

fn report() -> Report {
    let findings = vec![
        finding(
            "NET-005",
            "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0bastion1",
            Status::Fail,
        ),
        finding(
            "INST-001",
            "arn:aws:ec2:eu-west-1:123456789012:instance/i-0legacy",
            Status::NotEvaluated("no data".into()),
        ),
        finding(
            "EDGE-001",
            "arn:aws:apigateway:eu-west-1::/restapis/a",
            Status::Pass,
        ),
    ];
    Report {
        schema_version: rampart_model::REPORT_SCHEMA_VERSION,
        tool: ToolInfo {
            name: "rampart".into(),
            version: "0".into(),
        },
        snapshot: SnapshotInfo {
            account_id: "123456789012".into(),
            partition: "aws".into(),
            collected_at: rampart_model::time::OffsetDateTime::UNIX_EPOCH,
            regions: vec!["eu-west-1".into()],
            complete: true,
            collection_errors: 0,
            credential_source: None,
        },
        summary: Summary::of(&findings),
        scorecards: vec![],
        checks: vec![],
        findings,
        expired_suppressions: vec![],
        baseline: None,
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.matches('\n').count() + 1;
    match Config::parse(NAME, &text) {
        Ok(config) => {
            for s in &config.suppressions {
                assert!((1..=lines).contains(&s.line), "line {} of {lines}", s.line);
                let _ = s.selectors();
            }
            let tags: Tags = [("rampart".to_string(), "accepted-risk".to_string())].into();
            let mut r = report();
            let today = Date::from_calendar_date(2026, Month::November, 21).expect("a date");
            config.apply(NAME, &mut r, today, &|_| Some(&tags));
            assert_eq!(r.summary, Summary::of(&r.findings));
        }
        Err(ConfigError::Invalid { path, line, .. }) => {
            assert_eq!(path, NAME);
            assert!((1..=lines).contains(&line), "line {line} of {lines}");
        }
        Err(e) => panic!("parse can only fail as Invalid: {e}"),
    }
});
