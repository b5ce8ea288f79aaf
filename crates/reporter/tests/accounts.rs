//! The accounts report (`rampart check DIR`) in every format: golden files
//! for a fixed report of two scanned accounts (the rich fixture and an
//! empty account), one that was not scanned (with hostile error text) and
//! one whose snapshot is missing (`RAMPART_BLESS=1 cargo test -p
//! rampart-reporter --test accounts` rewrites `tests/golden/accounts.*`;
//! the HTML page, `accounts.html`, is tested and blessed in `tests/html.rs`),
//! the SARIF log validated against the official schema, and the choices
//! each format makes for accounts without a report asserted one by one.

mod common;
use common::accounts::{EMPTY, FAILED, MISSING, org};
use common::fixture::{ACCOUNT, fixed_report, lookup};

use rampart_model::org_report::OrgReport;
use rampart_model::{Report, Summary};
use rampart_reporter::accounts::EmitAccounts;
use serde_json::Value;

fn render(e: &dyn EmitAccounts, r: &OrgReport) -> String {
    let mut out = Vec::new();
    e.emit_accounts(r, &lookup, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn sarif() -> rampart_reporter::sarif::Sarif {
    rampart_reporter::sarif::Sarif {
        artifact_uri: Some("audits/2026-11-22".into()),
    }
}

#[test]
fn accounts_report_is_sorted_and_totals_are_the_sum() {
    let r = org();
    let ids: Vec<&str> = r.accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(ids, [EMPTY, ACCOUNT, FAILED, MISSING]);
    let reports: Vec<&str> = r
        .reports
        .iter()
        .map(|r| r.snapshot.account_id.as_str())
        .collect();
    assert_eq!(reports, [EMPTY, ACCOUNT]);
    let fixed = fixed_report();
    assert_eq!(r.total, fixed.summary, "the empty account adds nothing");
    assert_eq!(r.accounts[1].summary.as_ref(), Some(&fixed.summary));
    assert_eq!(r.accounts[1].backends, fixed.scorecards.len());
    assert_eq!(r.accounts[1].collection_errors, 1);
    assert_eq!(r.accounts[0].summary, Some(Summary::default()));
    assert_eq!(r.accounts[2].summary, None);
    assert_eq!(
        (
            r.coverage.accounts,
            r.coverage.complete,
            r.coverage.incomplete,
            r.coverage.not_scanned
        ),
        (4, 1, 1, 2)
    );
    assert!(!r.complete);
}

#[test]
fn accounts_json_round_trips_and_matches_the_golden_file() {
    let text = render(&rampart_reporter::json::Json, &org());
    let back: OrgReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, org());
    common::golden("accounts.json", &text);
}

#[test]
fn accounts_table_lists_every_account_the_total_and_cleans_errors() {
    let t = rampart_reporter::table::Table::default();
    let text = render(&t, &org());
    for want in [
        "4 account(s) in audits/2026-11-22: 1 complete, 1 incomplete, 2 not scanned",
        "not scanned (failed)",
        "not scanned (missing)",
        "2 of 4 scanned",
        "== account 444455556666 (name-444455556666) (INCOMPLETE: 1 collection error(s)); \
         credentials: profile audit",
        "== account 111122223333 (name-111122223333); credentials: profile audit",
        "failing findings: none",
    ] {
        assert!(text.contains(want), "{want:?} not in\n{text}");
    }
    assert!(!text.contains('\u{1b}'), "the hostile error is cleaned");
    common::golden("accounts.txt", &text);
}

static VALIDATOR: std::sync::LazyLock<jsonschema::Validator> = std::sync::LazyLock::new(|| {
    let path = rampart_dev::shared_schema("sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the SARIF schema must be at {}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
});

#[test]
fn accounts_sarif_has_a_run_per_account_and_failed_invocations_for_gaps() {
    let r = org();
    let text = render(&sarif(), &r);
    let log: Value = serde_json::from_str(&text).unwrap();
    let errors: Vec<String> = VALIDATOR
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    for (run, a) in runs.iter().zip(&r.accounts) {
        assert_eq!(
            run["automationDetails"]["id"],
            format!("rampart/{}/", a.account_id)
        );
    }
    // A scanned account's run is its single report's run, pointing at its
    // snapshot in the directory.
    let single = rampart_reporter::sarif::Sarif {
        artifact_uri: Some(format!("audits/2026-11-22/{ACCOUNT}.json")),
    };
    let mut alone = serde_json::to_value(single.log(&fixed_report(), &lookup)).unwrap();
    alone["runs"][0]["automationDetails"] = runs[1]["automationDetails"].clone();
    assert_eq!(runs[1], alone["runs"][0]);
    assert_eq!(
        runs[0]["results"],
        serde_json::json!([]),
        "scanned, nothing found"
    );
    for (i, account) in [(2, FAILED), (3, MISSING)] {
        let run = &runs[i];
        assert!(
            run.get("results").is_none(),
            "not scanned: no results at all"
        );
        let inv = &run["invocations"][0];
        assert_eq!(inv["executionSuccessful"], false);
        let note = &inv["toolExecutionNotifications"][0];
        assert_eq!(note["level"], "error");
        let text = note["message"]["text"].as_str().unwrap();
        assert!(text.contains(account), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert_eq!(run["properties"]["account"]["account_id"], account);
    }
    common::golden("accounts.sarif", &text);
}

#[test]
fn accounts_csv_has_one_header_every_row_and_a_row_per_gap() {
    let r = org();
    let text = render(&rampart_reporter::csv::Csv, &r);
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, rampart_reporter::csv::COLUMNS);
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    let findings: usize = r.reports.iter().map(|r: &Report| r.findings.len()).sum();
    assert_eq!(rows.len(), findings + 2);
    let gaps: Vec<(&str, &str)> = rows
        .iter()
        .filter(|row| &row[2] == "not-scanned")
        .map(|row| (row.get(7).unwrap(), row.get(3).unwrap()))
        .collect();
    assert_eq!(gaps.len(), 2);
    assert_eq!(gaps[0].0, FAILED);
    assert!(gaps[0].1.starts_with("sts:AssumeRole denied"));
    assert!(!gaps[0].1.contains('\u{1b}'));
    assert_eq!(gaps[1].0, MISSING);
    common::golden("accounts.csv", &text);
}

#[test]
fn accounts_ocsf_is_every_accounts_events_in_one_array() {
    let r = org();
    let text = render(&rampart_reporter::ocsf::Ocsf, &r);
    let events: Vec<Value> = serde_json::from_str(&text).unwrap();
    let ocsf = rampart_reporter::ocsf::Ocsf;
    let want: Vec<Value> = r
        .reports
        .iter()
        .flat_map(|rep| ocsf.events(rep, &lookup))
        .collect();
    assert!(!want.is_empty());
    assert_eq!(events, want);
    common::golden("accounts.ocsf.json", &text);
}
