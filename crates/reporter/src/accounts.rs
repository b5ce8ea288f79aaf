//! Rendering of an [`OrgReport`] (`rampart check DIR`: many accounts at
//! once) in every format, built from the single-report renderers so an
//! account reads the same alone or among others:
//!
//! - json: the [`OrgReport`] as is;
//! - table: one line per account and the total, accounts not scanned with
//!   their error, then each account's failing findings under its id;
//! - sarif: one run per scanned account (the single report's run, with
//!   `automationDetails.id` `rampart/ACCOUNT/` so viewers keep runs apart),
//!   and per account not scanned a run without results whose invocation is
//!   `executionSuccessful: false` with the error as a
//!   `toolExecutionNotification`;
//! - csv: one header, every account's rows (the `account_id` column tells
//!   them apart), and per account not scanned one row with status
//!   `not-scanned` and the error as its reason;
//! - ocsf: every account's events in one array (an account not scanned has
//!   no findings to report; the exit code and the other formats say so);
//! - html: one page, the account table with the total, then a section per
//!   account holding its single page's sections with every id prefixed
//!   (implemented in [`crate::html`], which owns the markup).

use std::collections::BTreeMap;
use std::io::{self, Write};

use rampart_model::Severity;
use rampart_model::org_report::{AccountLine, OrgReport};
use serde_json::json;
use serde_sarif::sarif::{
    Invocation, Message, Notification, PropertyBag, Run, RunAutomationDetails, Sarif as SarifLog,
    Tool, ToolComponent,
};

use crate::{MetaLookup, clean};

pub trait EmitAccounts {
    fn emit_accounts(
        &self,
        report: &OrgReport,
        meta: MetaLookup<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()>;
}

impl EmitAccounts for crate::json::Json {
    fn emit_accounts(
        &self,
        report: &OrgReport,
        _meta: MetaLookup<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}

/// `critical 1, high 3`, most severe first; `-` for none.
fn by_severity(counts: &BTreeMap<Severity, usize>) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| counts.get(s).map(|n| format!("{} {n}", s.as_str())))
        .collect();
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join(", ")
    }
}

fn account_label(a: &AccountLine) -> String {
    match &a.name {
        Some(n) => format!("{} ({})", clean(&a.account_id), clean(n)),
        None => clean(&a.account_id),
    }
}

impl EmitAccounts for crate::table::Table {
    fn emit_accounts(
        &self,
        r: &OrgReport,
        meta: MetaLookup<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let c = &r.coverage;
        if !r.complete {
            self.prose(
                out,
                &format!(
                    "WARNING: incomplete: {} account(s) not scanned, {} scanned with collection \
                     errors; checks that need the missing data are not evaluated",
                    c.not_scanned, c.incomplete
                ),
            )?;
        }
        self.prose(
            out,
            &format!(
                "{} account(s) in {}: {} complete, {} incomplete, {} not scanned",
                c.accounts,
                clean(&r.source),
                c.complete,
                c.incomplete,
                c.not_scanned
            ),
        )?;
        writeln!(out)?;
        let mut g = self.grid();
        g.set_header([
            "account",
            "name",
            "status",
            "pass",
            "fail",
            "not evaluated",
            "suppressed",
            "failing by severity",
            "backends",
        ]);
        let dash = || "-".to_string();
        for a in &r.accounts {
            let s = a.summary.as_ref();
            g.add_row([
                clean(&a.account_id),
                a.name.as_deref().map(clean).unwrap_or_else(dash),
                if a.status.is_scanned() {
                    a.status.as_str().to_string()
                } else {
                    format!("not scanned ({})", a.status.as_str())
                },
                s.map_or_else(dash, |s| s.pass.to_string()),
                s.map_or_else(dash, |s| s.fail.to_string()),
                s.map_or_else(dash, |s| s.not_evaluated.to_string()),
                s.map_or_else(dash, |s| s.suppressed.to_string()),
                s.map_or_else(dash, |s| by_severity(&s.failing_by_severity)),
                if a.status.is_scanned() {
                    a.backends.to_string()
                } else {
                    dash()
                },
            ]);
        }
        let t = &r.total;
        g.add_row([
            "total".to_string(),
            String::new(),
            format!("{} of {} scanned", c.complete + c.incomplete, c.accounts),
            t.pass.to_string(),
            t.fail.to_string(),
            t.not_evaluated.to_string(),
            t.suppressed.to_string(),
            by_severity(&t.failing_by_severity),
            c.backends.to_string(),
        ]);
        writeln!(out, "{g}")?;

        let gaps: Vec<&AccountLine> = r.accounts.iter().filter(|a| a.error.is_some()).collect();
        if !gaps.is_empty() {
            writeln!(out)?;
            self.prose(out, &format!("not scanned: {}", gaps.len()))?;
            for a in gaps {
                self.prose(
                    out,
                    &format!(
                        "  {}: {}",
                        account_label(a),
                        clean(a.error.as_deref().unwrap_or_default())
                    ),
                )?;
            }
        }
        for a in &r.accounts {
            let Some(report) = r.report_of(&a.account_id) else {
                continue;
            };
            writeln!(out)?;
            self.prose(
                out,
                &format!(
                    "== account {}{}{}",
                    account_label(a),
                    if report.snapshot.complete {
                        String::new()
                    } else {
                        format!(
                            " (INCOMPLETE: {} collection error(s))",
                            report.snapshot.collection_errors
                        )
                    },
                    crate::table::credentials(&report.snapshot),
                ),
            )?;
            self.failing(report, meta, out)?;
        }
        writeln!(out)?;
        self.prose(
            out,
            &format!(
                "total: {} pass, {} fail, {} not evaluated, {} suppressed in {} account(s); {} not scanned",
                t.pass,
                t.fail,
                t.not_evaluated,
                t.suppressed,
                c.complete + c.incomplete,
                c.not_scanned
            ),
        )
    }
}

impl EmitAccounts for crate::sarif::Sarif {
    fn emit_accounts(
        &self,
        r: &OrgReport,
        meta: MetaLookup<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &self.accounts_log(r, meta))
            .map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}

impl crate::sarif::Sarif {
    /// One run per account, in account order. `artifact_uri` is taken as
    /// the directory: each run's results point at the account's snapshot
    /// file in it.
    pub fn accounts_log(&self, r: &OrgReport, meta: MetaLookup<'_>) -> SarifLog {
        let dir = self.artifact_uri.as_deref().unwrap_or(".");
        let mut runs = Vec::with_capacity(r.accounts.len());
        for a in &r.accounts {
            let details = RunAutomationDetails::builder()
                .id(format!("rampart/{}/", a.account_id))
                .build();
            match r.report_of(&a.account_id) {
                Some(report) => {
                    let file = a.snapshot.as_deref().unwrap_or("snapshot.json");
                    let single = crate::sarif::Sarif {
                        artifact_uri: Some(format!("{}/{file}", dir.trim_end_matches('/'))),
                    };
                    let mut log = single.log(report, meta);
                    for mut run in log.runs.drain(..) {
                        run.automation_details = Some(details.clone());
                        runs.push(run);
                    }
                }
                None => runs.push(not_scanned_run(a, &r.tool.version, details)),
            }
        }
        SarifLog::builder()
            .schema(crate::sarif::SCHEMA_URI)
            .version(json!("2.1.0"))
            .runs(runs)
            .build()
    }
}

/// A run for an account that has no report: no `results` (SARIF: absent
/// means the analysis did not produce any, unlike an empty list, which
/// means it found nothing), and an unsuccessful invocation saying why.
fn not_scanned_run(a: &AccountLine, version: &str, details: RunAutomationDetails) -> Run {
    let why = format!(
        "Account {} was not scanned ({}): {}",
        clean(&a.account_id),
        a.status.as_str(),
        clean(a.error.as_deref().unwrap_or("no snapshot"))
    );
    let note = Notification::builder()
        .level(json!("error"))
        .message(Message::builder().text(why).build())
        .build();
    let invocation = Invocation::builder()
        .execution_successful(false)
        .tool_execution_notifications(vec![note])
        .build();
    let mut props = BTreeMap::new();
    props.insert(
        "account".to_owned(),
        json!({
            "account_id": a.account_id,
            "name": a.name,
            "status": a.status,
            "error": a.error,
        }),
    );
    let driver = ToolComponent::builder()
        .name("rampart")
        .version(version.to_string())
        .information_uri(crate::sarif::INFORMATION_URI)
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    run.automation_details = Some(details);
    run
}

impl EmitAccounts for crate::csv::Csv {
    fn emit_accounts(
        &self,
        r: &OrgReport,
        meta: MetaLookup<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        use crate::csv::{COLUMNS, defuse, io_error, row};
        let mut w = ::csv::Writer::from_writer(out);
        w.write_record(COLUMNS).map_err(io_error)?;
        for a in &r.accounts {
            match r.report_of(&a.account_id) {
                Some(report) => {
                    for f in &report.findings {
                        w.write_record(row(f, meta).iter().map(|v| defuse(v)))
                            .map_err(io_error)?;
                    }
                }
                None => {
                    let mut cells: [String; COLUMNS.len()] = Default::default();
                    cells[2] = "not-scanned".to_string();
                    cells[3] = a.error.clone().unwrap_or_default();
                    cells[7] = a.account_id.clone();
                    cells[9] = format!("account {} was not scanned", a.account_id);
                    w.write_record(cells.iter().map(|v| defuse(v)))
                        .map_err(io_error)?;
                }
            }
        }
        w.flush()
    }
}

impl EmitAccounts for crate::ocsf::Ocsf {
    fn emit_accounts(
        &self,
        r: &OrgReport,
        meta: MetaLookup<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let events: Vec<serde_json::Value> = r
            .reports
            .iter()
            .flat_map(|report| self.events(report, meta))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &events).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}
