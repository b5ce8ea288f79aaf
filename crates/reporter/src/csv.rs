//! The CSV report for spreadsheets: a header row, then one row per finding
//! (every status, in report order) with its check metadata (layer, title),
//! its exposure path rendered hop by hop, and, for a finding filed on a
//! shared resource, how many backends it exposes and their ARNs. Quoting is the `csv` crate's
//! (RFC 4180, `\n` record terminator); this module only defuses values that
//! a spreadsheet would run as a formula, because resource names, tags and
//! messages come from the audited account and are attacker-influenced.

use std::io::{self, Write};

use rampart_model::baseline::Change;
use rampart_model::{Finding, Report, Status};

use crate::{Emit, MetaLookup};

pub struct Csv;

/// The column names, in order. Stable: scripts index by name or position
/// (new columns are only ever appended).
pub const COLUMNS: [&str; 17] = [
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
];

impl Emit for Csv {
    fn emit(&self, report: &Report, meta: MetaLookup<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(COLUMNS).map_err(io_error)?;
        for f in &report.findings {
            w.write_record(row(f, meta).iter().map(|v| defuse(v)))
                .map_err(io_error)?;
        }
        w.flush()
    }
}

/// The writer's own I/O error, kind intact: csv's `From` impl would wrap it
/// as `Other`, and the CLI must still see a closed pipe as `BrokenPipe`.
pub(crate) fn io_error(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

pub(crate) fn row(f: &Finding, meta: MetaLookup<'_>) -> [String; 17] {
    let m = meta(&f.check_id);
    [
        f.check_id.to_string(),
        f.severity.as_str().to_string(),
        f.status.as_str().to_string(),
        match &f.status {
            Status::NotEvaluated(why) => why.clone(),
            Status::Pass | Status::Fail => String::new(),
        },
        m.map(|m| m.layer.as_str().to_string()).unwrap_or_default(),
        m.map(|m| m.title.clone()).unwrap_or_default(),
        f.resource_arn.to_string(),
        f.account_id.to_string(),
        f.region.as_deref().unwrap_or_default().to_string(),
        f.message.clone(),
        f.path.as_ref().map(|p| p.to_string()).unwrap_or_default(),
        f.fingerprint.to_string(),
        f.suppressed
            .as_ref()
            .map(|s| s.reason.clone())
            .unwrap_or_default(),
        f.suppressed
            .as_ref()
            .map(|s| s.source.clone())
            .unwrap_or_default(),
        match f.baseline {
            Some(Change::New) => "new".to_string(),
            Some(Change::Unchanged) => "unchanged".to_string(),
            Some(Change::Resolved) => "resolved".to_string(),
            Some(Change::Unknown) => "unknown".to_string(),
            Some(Change::NotCompared) => "not-compared".to_string(),
            None => String::new(),
        },
        // 0 and empty for a finding on the backend itself. Every ARN, one
        // space apart: the cell is for scripts as much as for people.
        f.affected.len().to_string(),
        f.affected.join(" "),
    ]
}

/// Makes one value safe to open in a spreadsheet (OWASP "CSV Injection"):
/// a value starting with `=`, `+`, `-`, `@`, tab or carriage return gets a
/// leading `'` so it is read as text, never as a formula or DDE call. Then
/// what [`crate::clean`] replaces (control characters, bidi controls) becomes
/// a space, except `\n` and `\r`, which the csv writer quotes and a
/// spreadsheet shows as a line break inside the cell.
/// The prefix is decided on the raw value, so a leading tab still counts.
pub fn defuse(value: &str) -> String {
    let risky = value
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let mut out = String::with_capacity(value.len() + usize::from(risky));
    if risky {
        out.push('\'');
    }
    out.extend(value.chars().map(|c| match c {
        '\n' | '\r' => c,
        c if crate::unsafe_to_show(c) => ' ',
        c => c,
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn formula_triggers_get_a_quote_prefix() {
        for (raw, want) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@x", "'@x"),
            ("\t=1", "' =1"),
            ("\r=1", "'\r=1"),
        ] {
            assert_eq!(defuse(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn ordinary_values_pass_through() {
        for v in [
            "",
            "arn:aws:ec2:us-east-1:1:instance/i-1",
            "a=b",
            "1-2",
            "x@y",
        ] {
            assert_eq!(defuse(v), v);
        }
    }

    #[test]
    fn control_characters_become_spaces_but_line_breaks_stay() {
        assert_eq!(defuse("a\u{1b}[31mb\tc\u{0}d"), "a [31mb c d");
        assert_eq!(defuse("line 1\nline 2\r\n"), "line 1\nline 2\r\n");
        assert_eq!(defuse("x\u{9b}y\u{7f}"), "x y ");
    }

    #[test]
    fn bidi_controls_become_spaces() {
        assert_eq!(defuse("invoice\u{202e}fdp.exe"), "invoice fdp.exe");
        assert_eq!(defuse("\u{2066}a\u{2069}\u{2028}b"), " a  b");
    }
}
