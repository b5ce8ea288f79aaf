//! `rampart check DIR`: a directory of per-account snapshots from real
//! scans of several moto accounts (reached with `scan --role-arn`, as a
//! multi-account scan does), plus an index that lists one account as not
//! scanned. Each account's report must equal the single-file check of its
//! snapshot, the total must be their sum, the account that was not scanned
//! must be said to be missing (exit 3), gates win (exit 1), every format
//! must parse or validate (the HTML page holds each account's single page),
//! and bad directories are one clear line (exit 2).

use std::path::{Path, PathBuf};
use std::process::Command;

use rampart_model::org::{
    AccountEntry, AccountSource, AccountStatus, INDEX_SCHEMA_VERSION, OrgIndex,
};
use rampart_model::time::OffsetDateTime;
use rampart_model::{Report, Summary, ToolInfo};
use serde_json::Value;

use crate::harness::{Emulator, Run, rampart, rampart_on, repo_root};
use crate::schemas;

const PROD: &str = "111111111111";
const DEV: &str = "222222222222";
const GONE: &str = "333333333333";
const ROLE: &str = "RampartAudit";
const GONE_ERROR: &str = "sts:AssumeRole: AccessDenied: not authorized to assume RampartAudit";

/// Seeds PROD (an exposed backend) and DEV (a private instance), scans each
/// through its role into `dir/ACCOUNT.json`.
fn scan_accounts(emu: &Emulator, dir: &Path) {
    let manifest = emu.dir().join("accounts.manifest.json");
    let out = Command::new(repo_root().join(".venv-emu/bin/python"))
        .arg(repo_root().join("localstack/seed_accounts.py"))
        .args(["--endpoint", &emu.url, "--role", ROLE, "--manifest"])
        .arg(&manifest)
        .args(["--account", &format!("{PROD}:exposed")])
        .args(["--account", &format!("{DEV}:private")])
        .output()
        .expect("run seed_accounts.py");
    assert!(
        out.status.success(),
        "seeding failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for account in [PROD, DEV] {
        let file = dir.join(format!("{account}.json"));
        let run = rampart_on(
            emu,
            &[
                "scan",
                "--quiet",
                "--region",
                "us-east-1",
                "--role-arn",
                &format!("arn:aws:iam::{account}:role/{ROLE}"),
                "--out",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "scan of {account}: {}", run.stderr);
    }
}

fn entry(account: &str, name: &str, status: AccountStatus) -> AccountEntry {
    let failed = status == AccountStatus::Failed;
    AccountEntry {
        account_id: account.into(),
        name: Some(name.into()),
        status,
        snapshot: (!failed).then(|| format!("{account}.json")),
        collection_errors: 0,
        error: failed.then(|| GONE_ERROR.to_string()),
        duration_ms: 10,
    }
}

/// The index a multi-account scan writes (here by hand, from the model's
/// own type): two accounts scanned, one that could not be.
fn write_index(dir: &Path, name: &str, accounts: Vec<AccountEntry>) {
    let index = OrgIndex {
        schema_version: INDEX_SCHEMA_VERSION,
        tool: ToolInfo {
            name: "rampart".into(),
            version: rampart_model::TOOL_VERSION.into(),
        },
        started_at: OffsetDateTime::UNIX_EPOCH,
        duration_ms: 100,
        source: AccountSource::File {
            path: "accounts.txt".into(),
        },
        role_name: ROLE.into(),
        shard: None,
        accounts,
    };
    std::fs::write(dir.join(name), serde_json::to_vec_pretty(&index).unwrap()).unwrap();
}

fn check(target: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check", target.to_str().unwrap()];
    args.extend_from_slice(extra);
    rampart(&args, &[])
}

/// The table, wide enough that no cell or line wraps.
fn wide_table(target: &Path) -> Run {
    rampart(&["check", target.to_str().unwrap()], &[("COLUMNS", "400")])
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

fn single(snapshot: &Path, extra: &[&str]) -> Report {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let run = check(snapshot, &args);
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn copy_dir(from: &Path, to: &Path, only: &[&str]) {
    std::fs::create_dir_all(to).unwrap();
    for name in only {
        std::fs::copy(from.join(name), to.join(name)).unwrap();
    }
}

/// The one line a bad input must give: exit 2, `rampart: error: ...`
/// naming `what`, nothing on stdout.
fn one_clear_line(run: &Run, what: &str) {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(lines[0].starts_with("rampart: error: "), "{}", run.stderr);
    assert!(lines[0].contains(what), "{what:?} not in {}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn check_dir_reports_each_account_as_its_single_check_and_the_total_as_their_sum() {
    let emu = Emulator::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("org");
    std::fs::create_dir(&dir).unwrap();
    scan_accounts(&emu, &dir);
    write_index(
        &dir,
        "index.json",
        vec![
            entry(PROD, "prod", AccountStatus::Complete),
            entry(DEV, "dev", AccountStatus::Complete),
            entry(GONE, "sandbox", AccountStatus::Failed),
        ],
    );

    let run = check(&dir, &["--format", "json"]);
    assert_eq!(
        run.code, 3,
        "an account not scanned is incomplete: {}",
        run.stderr
    );
    let v = json_of(&run);
    schemas::assert_valid(&schemas::org_report(), &v, "check DIR --format json");
    let org: rampart_model::org_report::OrgReport = serde_json::from_value(v).unwrap();
    assert_eq!(org.kind, "accounts");
    assert!(!org.complete);
    let ids: Vec<&str> = org.accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(ids, [PROD, DEV, GONE]);

    // Each account's report is exactly the single-file check of its snapshot.
    let mut sum = Summary::default();
    for (account, name) in [(PROD, "prod"), (DEV, "dev")] {
        let alone = single(&dir.join(format!("{account}.json")), &[]);
        assert_eq!(org.report_of(account), Some(&alone), "{account}");
        let line = org
            .accounts
            .iter()
            .find(|a| a.account_id == account)
            .unwrap();
        assert_eq!(line.summary.as_ref(), Some(&alone.summary));
        assert_eq!(line.name.as_deref(), Some(name));
        assert_eq!(line.status.as_str(), "complete");
        assert_eq!(line.backends, alone.scorecards.len());
        assert_eq!(
            line.snapshot.as_deref(),
            Some(format!("{account}.json").as_str())
        );
        sum.pass += alone.summary.pass;
        sum.fail += alone.summary.fail;
        sum.not_evaluated += alone.summary.not_evaluated;
        sum.suppressed += alone.summary.suppressed;
        for (sev, n) in &alone.summary.failing_by_severity {
            *sum.failing_by_severity.entry(*sev).or_default() += n;
        }
    }
    assert_eq!(org.total, sum);
    assert!(org.total.fail > 0);
    // The two accounts differ: only the exposed one has a backend.
    assert_eq!(org.report_of(PROD).unwrap().scorecards.len(), 1);
    assert_eq!(org.report_of(DEV).unwrap().scorecards.len(), 0);
    assert_eq!(org.coverage.backends, 1);
    assert_eq!(
        (
            org.coverage.accounts,
            org.coverage.complete,
            org.coverage.not_scanned
        ),
        (3, 2, 1)
    );
    let gone = &org.accounts[2];
    assert_eq!(gone.status.as_str(), "failed");
    assert_eq!(gone.error.as_deref(), Some(GONE_ERROR));
    assert_eq!(gone.summary, None);
    assert_eq!(org.reports.len(), 2);

    // Deterministic: the same bytes again (accounts are evaluated in parallel).
    assert_eq!(check(&dir, &["--format", "json"]).stdout, run.stdout);

    // The selection flags reach every account.
    let trimmed = json_of(&check(
        &dir,
        &[
            "--format",
            "json",
            "--min-severity",
            "high",
            "--skip-checks",
            "NET-014",
        ],
    ));
    let trimmed: rampart_model::org_report::OrgReport = serde_json::from_value(trimmed).unwrap();
    for account in [PROD, DEV] {
        let alone = single(
            &dir.join(format!("{account}.json")),
            &["--min-severity", "high", "--skip-checks", "NET-014"],
        );
        assert_eq!(trimmed.report_of(account), Some(&alone), "{account}");
    }

    // Gates: PROD fails high (and critical: NET-005), DEV does not; a gate
    // hit wins over the account that was not scanned.
    assert_eq!(check(&dir, &["--fail-on", "high"]).code, 1);
    assert_eq!(check(&dir, &["--fail-on", "critical"]).code, 1);
    assert_eq!(
        check(&dir, &["--fail-on", "critical", "--skip-checks", "NET-005"]).code,
        3,
        "no critical left: the gap decides"
    );

    // A directory of plain scans, no index: complete, exit 0.
    let plain = tmp.path().join("plain");
    copy_dir(
        &dir,
        &plain,
        &[&format!("{PROD}.json"), &format!("{DEV}.json")],
    );
    let run = check(&plain, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(json_of(&run)["complete"], true);
    assert_eq!(check(&plain, &["--fail-on", "high"]).code, 1);

    // Shards: two indexes merge; an account an index lists with a snapshot
    // the directory does not have is a gap too, named in the report.
    let shards = tmp.path().join("shards");
    copy_dir(&dir, &shards, &[&format!("{PROD}.json")]);
    write_index(
        &shards,
        "index-0-of-2.json",
        vec![entry(PROD, "prod", AccountStatus::Complete)],
    );
    write_index(
        &shards,
        "index-1-of-2.json",
        vec![
            entry(DEV, "dev", AccountStatus::Complete),
            entry(GONE, "sandbox", AccountStatus::Failed),
        ],
    );
    let run = check(&shards, &["--format", "json"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let v = json_of(&run);
    schemas::assert_valid(&schemas::org_report(), &v, "sharded check DIR");
    let missing = &v["accounts"][1];
    assert_eq!(missing["account_id"], DEV);
    assert_eq!(missing["status"], "missing");
    let why = missing["error"].as_str().unwrap();
    assert!(
        why.contains("index-1-of-2.json") && why.contains(&format!("{DEV}.json")),
        "{why}"
    );
    assert_eq!(v["accounts"][2]["status"], "failed");
    let table = wide_table(&shards);
    assert_eq!(table.code, 3);
    assert!(
        table.stdout.contains("not scanned (missing)"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains(GONE_ERROR), "{}", table.stdout);

    // --baseline PREVIOUS_DIR: each account against its own previous run
    // (here PROD's snapshot; DEV has none and is said not to be compared).
    let prev = tmp.path().join("prev");
    copy_dir(&dir, &prev, &[&format!("{PROD}.json")]);
    let run = check(
        &dir,
        &["--format", "json", "--baseline", prev.to_str().unwrap()],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("account {DEV} has no previous run")),
        "{}",
        run.stderr
    );
    let v = json_of(&run);
    schemas::assert_valid(&schemas::org_report(), &v, "check DIR --baseline DIR");
    let compared: rampart_model::org_report::OrgReport = serde_json::from_value(v).unwrap();
    let prev_prod = prev.join(format!("{PROD}.json"));
    let alone = single(
        &dir.join(format!("{PROD}.json")),
        &["--baseline", prev_prod.to_str().unwrap()],
    );
    assert_eq!(compared.report_of(PROD), Some(&alone));
    let b = alone.baseline.as_ref().expect("compared");
    assert_eq!((b.new, b.unchanged), (0, alone.summary.fail));
    assert_eq!(compared.report_of(DEV).unwrap().baseline, None);
    // --fail-on-new: nothing new in PROD, but DEV has no previous run, so
    // its failures are new; DEV has no critical one, PROD's is unchanged.
    let base = prev.to_str().unwrap();
    assert_eq!(check(&dir, &["--baseline", base, "--fail-on-new"]).code, 1);
    assert_eq!(
        check(
            &dir,
            &["--baseline", base, "--fail-on-new", "--fail-on", "critical"]
        )
        .code,
        3
    );
    let both = tmp.path().join("prev-both");
    copy_dir(
        &dir,
        &both,
        &[&format!("{PROD}.json"), &format!("{DEV}.json")],
    );
    let run = check(
        &dir,
        &["--baseline", both.to_str().unwrap(), "--fail-on-new"],
    );
    assert_eq!(run.code, 3, "nothing new anywhere: {}", run.stderr);
    assert!(!run.stderr.contains("no previous run"), "{}", run.stderr);

    // Bad directories: one clear line each, exit 2.
    let dup = tmp.path().join("dup");
    copy_dir(&dir, &dup, &[&format!("{PROD}.json")]);
    std::fs::copy(
        dir.join(format!("{PROD}.json")),
        dup.join("prod-again.json"),
    )
    .unwrap();
    let run = check(&dup, &[]);
    one_clear_line(&run, "two snapshots of account 111111111111");
    assert!(
        run.stderr.contains("111111111111.json") && run.stderr.contains("prod-again.json"),
        "{}",
        run.stderr
    );

    let junk = tmp.path().join("junk");
    copy_dir(&dir, &junk, &[&format!("{PROD}.json")]);
    std::fs::write(junk.join("notes.json"), b"{\"hello\": 1}").unwrap();
    one_clear_line(&check(&junk, &[]), "notes.json");

    // A report written into the directory is named as such.
    let with_report = tmp.path().join("with-report");
    copy_dir(&dir, &with_report, &[&format!("{PROD}.json")]);
    let out = with_report.join("report.json");
    let run = check(
        &with_report,
        &["--format", "json", "--output", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = check(&with_report, &[]);
    one_clear_line(&run, "report.json");
    assert!(
        run.stderr.contains("it is a rampart report"),
        "{}",
        run.stderr
    );

    let bad_index = tmp.path().join("bad-index");
    copy_dir(&dir, &bad_index, &[&format!("{PROD}.json")]);
    std::fs::write(bad_index.join("index.json"), b"[1, 2").unwrap();
    one_clear_line(&check(&bad_index, &[]), "index.json");

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("README.txt"), b"not a snapshot").unwrap();
    one_clear_line(&check(&empty, &[]), empty.to_str().unwrap());

    let prod_file = dir.join(format!("{PROD}.json"));
    one_clear_line(
        &check(&dir, &["--baseline", prod_file.to_str().unwrap()]),
        "--baseline",
    );
    one_clear_line(
        &check(&dir, &["--baseline", empty.to_str().unwrap()]),
        "(--baseline)",
    );
    for cmd in ["summary", "paths"] {
        one_clear_line(
            &rampart(&[cmd, dir.to_str().unwrap()], &[]),
            "takes one snapshot file",
        );
    }
}

#[test]
fn check_dir_every_format_holds_every_account() {
    let emu = Emulator::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("org");
    std::fs::create_dir(&dir).unwrap();
    scan_accounts(&emu, &dir);
    write_index(
        &dir,
        "index.json",
        vec![
            entry(PROD, "prod", AccountStatus::Complete),
            entry(DEV, "dev", AccountStatus::Complete),
            entry(GONE, "sandbox", AccountStatus::Failed),
        ],
    );
    let singles: Vec<(String, PathBuf, Report)> = [PROD, DEV]
        .iter()
        .map(|a| {
            let p = dir.join(format!("{a}.json"));
            let r = single(&p, &[]);
            (a.to_string(), p, r)
        })
        .collect();

    // table: one line per account, the total, the gap, each account's findings.
    let run = wide_table(&dir);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let t = &run.stdout;
    for line in [
        "3 account(s) in",
        "2 complete, 0 incomplete, 1 not scanned",
        "not scanned (failed)",
        "2 of 3 scanned",
        GONE_ERROR,
        "== account 111111111111 (prod)",
        "== account 222222222222 (dev)",
    ] {
        assert!(t.contains(line), "{line:?} not in\n{t}");
    }
    let total_fail: usize = singles.iter().map(|(_, _, r)| r.summary.fail).sum();
    let total_pass: usize = singles.iter().map(|(_, _, r)| r.summary.pass).sum();
    assert!(
        t.contains(&format!("total: {total_pass} pass, {total_fail} fail")),
        "{t}"
    );
    // Every failing finding of every account is listed.
    for (_, _, r) in &singles {
        for f in r.findings.iter().filter(|f| f.is_open_failure()) {
            assert!(t.contains(f.check_id.as_str()), "{}", f.check_id);
        }
    }

    // sarif: valid; a run per scanned account equal to its single run, and
    // an unsuccessful invocation for the one that was not scanned.
    let run = check(&dir, &["--format", "sarif"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let log = json_of(&run);
    schemas::assert_valid(&schemas::sarif(), &log, "check DIR --format sarif");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    for (i, (account, path, _)) in singles.iter().enumerate() {
        let alone = json_of(&check(path, &["--format", "sarif"]));
        let mut ours = runs[i].clone();
        assert_eq!(
            ours["automationDetails"]["id"],
            format!("rampart/{account}/")
        );
        ours.as_object_mut().unwrap().remove("automationDetails");
        // Results point at the snapshot inside the directory.
        assert_eq!(
            ours["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            alone["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"]
        );
        assert_eq!(ours, alone["runs"][0], "{account}");
    }
    let gone = &runs[2];
    assert!(
        gone.get("results").is_none(),
        "no results, not an empty list"
    );
    assert_eq!(gone["invocations"][0]["executionSuccessful"], false);
    let note = gone["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(note.contains(GONE) && note.contains(GONE_ERROR), "{note}");

    // csv: one header, every account's rows, a row for the gap.
    let run = check(&dir, &["--format", "csv"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let mut rd = csv::Reader::from_reader(run.stdout.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, rampart_reporter_columns());
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    let findings: usize = singles.iter().map(|(_, _, r)| r.findings.len()).sum();
    assert_eq!(rows.len(), findings + 1);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    for (account, _, r) in &singles {
        let n = rows
            .iter()
            .filter(|row| &row[col("account_id")] == account.as_str())
            .count();
        assert_eq!(n, r.findings.len(), "{account}");
    }
    let gap: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|row| &row[col("status")] == "not-scanned")
        .collect();
    assert_eq!(gap.len(), 1);
    assert_eq!(&gap[0][col("account_id")], GONE);
    assert_eq!(&gap[0][col("reason")], GONE_ERROR);

    // ocsf: one array of every account's events, each valid.
    let run = check(&dir, &["--format", "ocsf"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let events = json_of(&run);
    let events = events.as_array().unwrap();
    let mut want = Vec::new();
    for (_, path, _) in &singles {
        let v = json_of(&check(path, &["--format", "ocsf"]));
        want.extend(v.as_array().unwrap().iter().cloned());
    }
    assert_eq!(events, &want);
    let ocsf = schemas::ocsf();
    for e in events {
        schemas::assert_valid(&ocsf, e, "check DIR --format ocsf event");
    }
    for account in [PROD, DEV] {
        assert!(
            events
                .iter()
                .any(|e| e["cloud"]["account"]["uid"] == account),
            "{account}"
        );
    }

    // html: one self-contained page (written with --output, as people
    // would): the account table with the gap and its error, then a section
    // per account holding exactly its single page's sections, ids prefixed.
    let page = tmp.path().join("accounts.html");
    let run = check(
        &dir,
        &["--format", "html", "--output", page.to_str().unwrap()],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    let csp = between(
        &html,
        "http-equiv=\"Content-Security-Policy\" content=\"",
        "\"",
    );
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    for bad in [" src=", "<link", "@import", "url(", "<img", "<iframe"] {
        assert!(!html.contains(bad), "found {bad:?}");
    }
    assert_eq!(html.matches("<script").count(), 1);
    let mut ids = std::collections::BTreeSet::new();
    for (i, m) in html.match_indices(" id=\"") {
        let id = between(&html[i..], m, "\"");
        assert!(ids.insert(id), "duplicate id {id:?}");
    }
    let table = between(&html, "<section id=\"accounts\">", "</section>");
    for (account, state) in [(PROD, "complete"), (DEV, "complete"), (GONE, "failed")] {
        assert!(
            table.contains(&format!(
                "<tr data-account=\"{account}\" data-state=\"{state}\">"
            )),
            "{account} {state}"
        );
    }
    assert!(table.contains("not scanned (failed)") && table.contains(GONE_ERROR));
    assert!(table.contains("2 of 3 scanned"), "{table}");
    assert_eq!(html.matches("<section class=\"account\"").count(), 3);
    for (account, path, r) in &singles {
        let alone = check(path, &["--format", "html"]);
        assert!(matches!(alone.code, 0 | 1), "{}", alone.stderr);
        let main = between(&alone.stdout, "<main class=\"wrap\">\n", "</main>");
        let prefix = format!("a{account}-");
        let start = html
            .find(&format!("<section class=\"account\" id=\"a{account}\""))
            .unwrap_or_else(|| panic!("no section for {account}"));
        let section = &html[start..];
        let section = &section[..section[1..]
            .find("<section class=\"account\"")
            .map_or(section.len(), |e| e + 1)];
        assert!(
            section.replace(&prefix, "").contains(main),
            "{account}: its section differs from its single page"
        );
        assert_eq!(
            section.matches("<tr data-severity=").count(),
            r.findings.len(),
            "{account}"
        );
    }
    let gone = &html[html
        .find(&format!("<section class=\"account\" id=\"a{GONE}\""))
        .unwrap()..];
    assert!(gone.contains("Not scanned (failed).") && gone.contains(GONE_ERROR));
}

/// The text between `start` and the next `end` after it.
fn between<'a>(haystack: &'a str, start: &str, end: &str) -> &'a str {
    let from = haystack
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"))
        + start.len();
    let len = haystack[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} not found after {start:?}"));
    &haystack[from..from + len]
}

/// The CSV columns as documented (docs/formats.md); the e2e binary does not
/// link the reporter, so they are spelled out.
fn rampart_reporter_columns() -> Vec<String> {
    [
        "check_id",
        "severity",
        "status",
        "reason",
        "layer",
        "title",
        "resource_arn",
        "account_id",
        "region",
        "message",
        "path",
        "fingerprint",
        "suppressed",
        "suppression_source",
        "baseline",
        "affected_count",
        "affected",
    ]
    .map(String::from)
    .to_vec()
}
