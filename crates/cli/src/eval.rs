//! The evaluation pipeline shared by `check`, `audit` and `diff`: evaluate
//! a snapshot with the selected checks, apply `rampart.toml` suppressions,
//! compare with a baseline, judge the `--fail-on` gate, then trim what is
//! shown. The order matters: suppressions and the baseline see every
//! finding; `--min-severity` only trims the output.

use std::path::{Path, PathBuf};

use clap::Args;
use rampart_model::baseline::Comparison;
use rampart_model::config::Config;
use rampart_model::io::Run;
use rampart_model::{Report, Severity, Snapshot};

/// Flags every evaluating command shares.
#[derive(Args, Clone, Default)]
pub struct EvalArgs {
    /// Run only these checks (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub checks: Vec<String>,
    /// Skip these checks (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub skip_checks: Vec<String>,
    /// Suppressions the team has accepted and check settings such as the WAF
    /// rule groups required (rampart.toml; see docs/formats.md).
    #[arg(long, value_name = "FILE", env = "RAMPART_CONFIG")]
    pub config: Option<PathBuf>,
    /// Compare with a previous run: a JSON report (`check --format json`) or
    /// a snapshot; marks failing findings new / unchanged and lists resolved ones.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Exit 1 when a failing (not suppressed) finding is at or above this severity.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Gate only on failing findings that are new since the baseline (with
    /// --fail-on: new ones at or above it; alone: any new one).
    #[arg(long)]
    pub fail_on_new: bool,
}

pub fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// An evaluated, triaged report and whether it trips the gate.
pub struct Evaluated {
    pub report: Report,
    pub gate_hit: bool,
}

impl EvalArgs {
    /// Checks the flags that need no file: unknown check ids, and
    /// `--fail-on-new` without something to compare with.
    pub fn validate(&self, baseline_available: bool) -> Result<(), String> {
        let unknown = rampart_checks::unknown_ids(self.checks.iter().chain(&self.skip_checks));
        if !unknown.is_empty() {
            return Err(format!(
                "unknown check id(s) {} (--checks/--skip-checks); `rampart checks list` shows them all",
                unknown.join(", ")
            ));
        }
        if self.fail_on_new && !baseline_available {
            return Err("--fail-on-new needs --baseline PREVIOUS_REPORT.json".into());
        }
        Ok(())
    }

    pub fn selection(&self) -> rampart_checks::Selection {
        rampart_checks::Selection {
            only: self.checks.iter().cloned().collect(),
            skip: self.skip_checks.iter().cloned().collect(),
            min_severity: None,
            settings: Default::default(),
        }
    }

    /// Loads the config up front, so a malformed one fails before a scan.
    pub fn load_config(&self) -> Result<Option<Config>, String> {
        match &self.config {
            Some(p) => Config::load(p)
                .map(Some)
                .map_err(|e| format!("{e} (--config)")),
            None => Ok(None),
        }
    }

    /// Evaluates `snapshot` and triages the result. `baseline` overrides
    /// `--baseline` (audit's previous run).
    pub fn evaluate(
        &self,
        snapshot: &Snapshot,
        config: Option<&Config>,
        baseline: Option<&Path>,
    ) -> Result<Evaluated, String> {
        // The config's settings (`[waf]`) reach the checks through the
        // selection, so a baseline snapshot is evaluated under them too.
        let mut selection = self.selection();
        if let Some(c) = config {
            selection.settings = c.settings.clone();
        }
        let mut report = evaluate_with(snapshot, &selection, config, self.config.as_deref());
        if let Some(path) = baseline.or(self.baseline.as_deref()) {
            let previous = load_report(path, &selection, None, None)
                .map_err(|e| format!("{e} (--baseline)"))?;
            Comparison::apply(&path.display().to_string(), &previous, &mut report);
        }
        let threshold = self.fail_on.or(self.fail_on_new.then_some(Severity::Info));
        let gate_hit = threshold.is_some_and(|t| {
            report.findings.iter().any(|f| {
                f.is_open_failure()
                    && f.severity >= t
                    && (!self.fail_on_new
                        || f.baseline == Some(rampart_model::baseline::Change::New))
            })
        });
        Ok(Evaluated { report, gate_hit })
    }
}

/// Evaluates a snapshot and applies the suppressions (judged against the
/// snapshot's collection date: the checks read no clock).
pub fn evaluate_with(
    snapshot: &Snapshot,
    selection: &rampart_checks::Selection,
    config: Option<&Config>,
    config_path: Option<&Path>,
) -> Report {
    let mut report = rampart_checks::evaluate_observed(snapshot, selection, &crate::timings::mark);
    if let Some(config) = config {
        let tags = rampart_checks::tags::resource_tags(snapshot);
        let source =
            config_path.map_or_else(|| "rampart.toml".to_string(), |p| p.display().to_string());
        config.apply(
            &source,
            &mut report,
            snapshot.collected_at.date(),
            &|arn: &str| tags.get(arn).copied(),
        );
    }
    report
}

/// A previous run as a report: read as is, or evaluated when it is a
/// snapshot (with the same check selection, so the two are comparable).
pub fn load_report(
    path: &Path,
    selection: &rampart_checks::Selection,
    config: Option<&Config>,
    config_path: Option<&Path>,
) -> Result<Report, String> {
    match Run::load(path).map_err(|e| e.to_string())? {
        Run::Report(r) => Ok(*r),
        Run::Snapshot(s) => Ok(evaluate_with(&s, selection, config, config_path)),
    }
}

/// Drops findings below `min` from the shown report and recounts.
pub fn trim(report: &mut Report, min: Option<Severity>) {
    if let Some(min) = min {
        report.findings.retain(|f| f.severity >= min);
        report.summary = rampart_model::Summary::of(&report.findings);
    }
}
