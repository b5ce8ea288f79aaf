//! The `rampart` binary: argument parsing, wiring of collector, checks and
//! reporter, and the documented exit codes. All terminal output goes through
//! the `output` module.

mod accounts;
#[cfg(feature = "scan")]
mod audit;
mod eval;
mod interrupt;
#[cfg(feature = "scan")]
mod org;
mod output;
mod timings;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
#[cfg(feature = "scan")]
use std::sync::Arc;

use clap::{Args, CommandFactory, Parser, Subcommand};
use eval::{EvalArgs, parse_severity};
#[cfg(feature = "scan")]
use rampart_collector::progress::Progress;
#[cfg(feature = "scan")]
use rampart_collector::{RegionSelection, RetryMode, ScanOptions};
use rampart_model::{Severity, Snapshot};

// See docs/performance.md: parse, findings and report allocate millions of
// small strings.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes, stable and documented in docs/cli.md.
mod exit {
    /// Scan complete (or, for offline commands, success).
    pub const OK: u8 = 0;
    /// `check`: a failing finding at or above `--fail-on`.
    pub const FINDINGS: u8 = 1;
    /// Usage or input error: bad flag, bad file, no credentials, unreachable endpoint.
    pub const USAGE: u8 = 2;
    /// The scan finished but some calls failed: the snapshot is incomplete.
    pub const INCOMPLETE: u8 = 3;
    // 130 (SIGINT) and 143 (SIGTERM): interrupted, nothing half-written
    // left behind (crate::interrupt).
}

#[derive(Parser)]
#[command(
    name = "rampart",
    version,
    about = "Audit the defense-in-depth of API backends on EC2",
    long_about = "rampart inventories an AWS account read-only (scan), then evaluates the \
                  snapshot offline (check), or both in one run for schedulers (audit). \
                  Exit codes: 0 ok, 1 failing findings at or above --fail-on, \
                  2 usage or input error, 3 collection incomplete (and no --fail-on hit)."
)]
struct Cli {
    /// More log output on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inventory an AWS account (read-only) into a snapshot file.
    #[cfg(feature = "scan")]
    Scan(ScanArgs),
    /// Summarise a snapshot: resources per region, API calls, collection errors.
    Summary {
        /// The snapshot file written by `rampart scan`.
        snapshot: PathBuf,
    },
    /// Evaluate a snapshot offline: per-backend scorecard and findings.
    Check(CheckArgs),
    /// Scan and check in one run, for schedulers: keeps the snapshot and
    /// every report in a dated folder under --out-dir, with a `latest` link.
    #[cfg(feature = "scan")]
    Audit(audit::AuditArgs),
    /// What changed between two runs (snapshots or JSON reports): new,
    /// resolved and changed findings, and resource drift.
    Diff(DiffArgs),
    /// The check catalogue: `list` or `explain ID`.
    Checks {
        #[command(subcommand)]
        command: ChecksCommand,
    },
    /// Every path by which the internet reaches each backend (instance or ECS task), hop by hop (offline).
    Paths {
        /// The snapshot file written by `rampart scan`.
        snapshot: PathBuf,
        /// Only this backend: an instance id, or an ECS task's CLUSTER/ID.
        #[arg(long, value_name = "ID")]
        instance: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PathsFormat::Table)]
        format: PathsFormat,
    },
    /// Shell completion script on stdout: `rampart completions bash > /etc/bash_completion.d/rampart`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The roff man page on stdout: `rampart man > rampart.1`.
    Man,
}

#[derive(Subcommand)]
enum ChecksCommand {
    /// Every check: id, severity, layer, slug, title.
    List,
    /// One check in full: rationale, remediation, references, mappings.
    Explain {
        /// A check id such as NET-005.
        id: String,
    },
}

#[derive(Args)]
struct CheckArgs {
    /// The snapshot file written by `rampart scan`, or a directory of
    /// per-account snapshots (and indexes) from a multi-account scan.
    snapshot: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Show only findings at or above this severity (info, low, medium, high, critical).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    min_severity: Option<Severity>,
    /// No colour in the table, even on a terminal (NO_COLOR is honoured too).
    #[arg(long)]
    no_color: bool,
    #[command(flatten)]
    eval: EvalArgs,
}

#[derive(Args)]
struct DiffArgs {
    /// The earlier run: a snapshot or a JSON report.
    old: PathBuf,
    /// The later run: a snapshot or a JSON report.
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    format: DiffFormat,
    /// Run only these checks (comma-separated ids) when a side is a snapshot.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    checks: Vec<String>,
    /// Skip these checks (comma-separated ids) when a side is a snapshot.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    skip_checks: Vec<String>,
    /// A rampart.toml: snapshot sides are evaluated under its settings, and
    /// its suppressions mark the findings of both sides (see docs/formats.md).
    #[arg(long, value_name = "FILE", env = "RAMPART_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub(crate) enum ReportFormat {
    /// The text report for people (colour on a terminal).
    Table,
    /// The versioned JSON report (docs/report.schema.json).
    Json,
    /// SARIF 2.1.0 for code scanning (GitHub code scanning, any SARIF viewer).
    Sarif,
    /// One row per finding for spreadsheets (formula-safe).
    Csv,
    /// One self-contained page: scorecard, filterable findings, path pictures.
    Html,
    /// OCSF findings for AWS Security Hub and Security Lake.
    Ocsf,
}

impl ReportFormat {
    /// The file name `audit` writes this format to.
    #[cfg(feature = "scan")]
    pub(crate) fn file_name(self) -> &'static str {
        match self {
            ReportFormat::Table => "report.txt",
            ReportFormat::Json => "report.json",
            ReportFormat::Sarif => "report.sarif",
            ReportFormat::Csv => "report.csv",
            ReportFormat::Html => "report.html",
            ReportFormat::Ocsf => "report.ocsf.json",
        }
    }

    /// The renderer. `artifact` is the snapshot path SARIF results point
    /// at; `color`/`width` only matter for the table.
    pub(crate) fn emitter(
        self,
        artifact: &Path,
        color: bool,
        width: Option<u16>,
    ) -> Box<dyn rampart_reporter::Emit> {
        match self {
            ReportFormat::Table => Box::new(rampart_reporter::table::Table { color, width }),
            ReportFormat::Json => Box::new(rampart_reporter::json::Json),
            // GitHub code scanning wants a physical location: the snapshot
            // file, spelled as the user gave it.
            ReportFormat::Sarif => Box::new(rampart_reporter::sarif::Sarif {
                artifact_uri: Some(artifact.to_string_lossy().into_owned()),
            }),
            ReportFormat::Csv => Box::new(rampart_reporter::csv::Csv),
            ReportFormat::Html => Box::new(rampart_reporter::html::Html),
            ReportFormat::Ocsf => Box::new(rampart_reporter::ocsf::Ocsf),
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PathsFormat {
    Table,
    Json,
    /// Graphviz: `rampart paths S --format dot | dot -Tsvg > paths.svg`.
    Dot,
}

#[cfg(feature = "scan")]
#[derive(Args)]
struct ScanArgs {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Snapshot file to write. Default: rampart-<account>-<UTC time>.json.
    /// With --org/--accounts: a directory (created, mode 0700) or
    /// s3://BUCKET/PREFIX/ for ACCOUNT_ID.json per account plus the index.
    #[arg(long, value_name = "FILE|DIR|s3://BUCKET/PREFIX/")]
    out: Option<PathBuf>,
    #[command(flatten)]
    multi: org::MultiArgs,
}

/// How to reach the account: shared by `scan` and `audit`.
#[cfg(feature = "scan")]
#[derive(Args)]
pub(crate) struct ConnectArgs {
    /// AWS profile from the shared config/credentials files.
    #[arg(long, env = "AWS_PROFILE")]
    profile: Option<String>,
    /// Region to scan (repeatable). Default: the profile's or AWS_REGION.
    #[arg(long = "region", value_name = "REGION", conflicts_with = "all_regions")]
    regions: Vec<String>,
    /// Scan every region enabled for the account.
    #[arg(long)]
    all_regions: bool,
    /// Assume this role before scanning (e.g. a read-only audit role).
    #[arg(long, value_name = "ARN")]
    role_arn: Option<String>,
    /// External id for --role-arn (and for --org-role with `scan --org/--accounts`).
    #[arg(long, value_name = "ID")]
    external_id: Option<String>,
    /// Concurrent per-resource calls per service and region.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// Attempts per API call (adaptive retry with backoff) before it is
    /// recorded as a collection error.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,
    /// Retry mode: adaptive also slows a service down once it throttles
    /// (gentler, slower); standard only backs off.
    #[arg(long, value_enum, env = "AWS_RETRY_MODE", ignore_case = true,
          default_value_t = RetryModeArg::Adaptive)]
    retry_mode: RetryModeArg,
    /// HTTP requests per second to each service in each region, retries
    /// included; --concurrency is lowered to it if higher.
    #[arg(long, value_name = "N", default_value_t = rampart_collector::DEFAULT_MAX_RPS,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    max_rps: u32,
    /// No progress display, even on a terminal.
    #[arg(long, short)]
    quiet: bool,
}

/// `--retry-mode` (and `AWS_RETRY_MODE`, the SDKs' own variable).
#[cfg(feature = "scan")]
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum RetryModeArg {
    Adaptive,
    /// The SDKs' `legacy` is accepted as `standard`, so an environment set
    /// up for other AWS tools is never a usage error.
    #[value(alias = "legacy")]
    Standard,
}

fn main() -> ExitCode {
    interrupt::install();
    let cli = Cli::parse();
    output::init_logging(cli.verbose);
    let timed = cli.verbose > 0;
    let code = match cli.command {
        #[cfg(feature = "scan")]
        Command::Scan(args) => scan(args),
        Command::Summary { snapshot } => summary(&snapshot),
        Command::Check(args) => timings::around(timed, || check(args)),
        #[cfg(feature = "scan")]
        Command::Audit(args) => audit::run(args),
        Command::Diff(args) => diff(args),
        Command::Checks { command } => match command {
            ChecksCommand::List => {
                output::checks_list(rampart_checks::catalogue());
                exit::OK
            }
            ChecksCommand::Explain { id } => match rampart_checks::meta(&id) {
                Some(m) => {
                    output::checks_explain(m);
                    exit::OK
                }
                None => {
                    output::error(&format!(
                        "unknown check id {id:?}; `rampart checks list` shows them all"
                    ));
                    exit::USAGE
                }
            },
        },
        Command::Paths {
            snapshot,
            instance,
            format,
        } => paths(&snapshot, instance.as_deref(), format),
        Command::Completions { shell } => completions(shell),
        Command::Man => man(),
    };
    ExitCode::from(code)
}

/// `summary` and `paths` read one snapshot; a directory of accounts gets a
/// pointer to what does read it, not an I/O error.
fn refuse_dir(command: &str, path: &Path) -> Option<u8> {
    if !path.is_dir() {
        return None;
    }
    output::error(&format!(
        "rampart {command} takes one snapshot file; {} is a directory (`rampart check {}` \
         reads a directory of accounts; `rampart {command} {}/ACCOUNT_ID.json` one of them)",
        path.display(),
        path.display(),
        path.display()
    ));
    Some(exit::USAGE)
}

fn summary(path: &Path) -> u8 {
    if let Some(code) = refuse_dir("summary", path) {
        return code;
    }
    match Snapshot::load(path) {
        Ok(snapshot) => {
            output::summary(&snapshot, Some(path));
            exit::OK
        }
        Err(e) => {
            output::error(&e);
            exit::USAGE
        }
    }
}

fn check(args: CheckArgs) -> u8 {
    if args.snapshot.is_dir() {
        return check_dir(args);
    }
    if let Err(e) = args.eval.validate(args.eval.baseline.is_some()) {
        output::error(&e);
        return exit::USAGE;
    }
    let config = match args.eval.load_config() {
        Ok(c) => c,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    let snapshot = match Snapshot::load(&args.snapshot) {
        Ok(s) => s,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    timings::mark("load");
    let eval::Evaluated {
        mut report,
        gate_hit,
    } = match args.eval.evaluate(&snapshot, config.as_ref(), None) {
        Ok(e) => e,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    timings::mark("triage");
    eval::trim(&mut report, args.min_severity);
    // Colour and width only for a table on a terminal; NO_COLOR wins.
    let (color, width) = match args.output {
        None => output::terminal(args.no_color),
        Some(_) => (false, Some(output::FILE_WIDTH)),
    };
    let emitter = args.format.emitter(&args.snapshot, color, width);
    let meta = |id: &str| rampart_checks::meta(id);
    let written = match &args.output {
        Some(path) => rampart_model::io::write_atomic(path, |w| emitter.emit(&report, &meta, w))
            .map_err(|e| format!("{e} (--output)")),
        None => output::emit_stdout(|w| emitter.emit(&report, &meta, w)).map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        output::error(&e);
        return exit::USAGE;
    }
    timings::mark("report");
    let code = outcome(gate_hit, snapshot.is_complete());
    // The process ends here: freeing a million resources and findings one
    // by one took 0.4 s at 1.09M resources, and the kernel takes the
    // memory back at exit anyway.
    std::mem::forget(report);
    std::mem::forget(snapshot);
    code
}

/// `rampart check DIR`: every account's snapshot evaluated alone, reported
/// per account and in total; exit 3 when an account was not scanned or
/// scanned incompletely, unless a gate hits in any account (1).
fn check_dir(args: CheckArgs) -> u8 {
    let dir = &args.snapshot;
    // A previous directory compares account by account; one previous file
    // cannot stand for many accounts.
    let baselines = match &args.eval.baseline {
        None => None,
        Some(b) if b.is_dir() => match accounts::load_baselines(b) {
            Ok(m) => Some(m),
            Err(e) => {
                output::error(&e);
                return exit::USAGE;
            }
        },
        Some(b) => {
            output::error(&format!(
                "--baseline {} is one file and {} is a directory of accounts; give the \
                 previous run's directory, or compare one account with \
                 `rampart check {}/ACCOUNT_ID.json --baseline FILE`",
                b.display(),
                dir.display(),
                dir.display()
            ));
            return exit::USAGE;
        }
    };
    if let Err(e) = args.eval.validate(baselines.is_some()) {
        output::error(&e);
        return exit::USAGE;
    }
    let config = match args.eval.load_config() {
        Ok(c) => c,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    let evaluated = accounts::load(dir).and_then(|loaded| {
        accounts::evaluate(
            dir,
            loaded,
            &args.eval,
            config.as_ref(),
            args.min_severity,
            baselines.as_ref(),
        )
    });
    let accounts::Evaluated {
        report,
        gate_hit,
        not_compared,
    } = match evaluated {
        Ok(e) => e,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    if let Some(b) = &args.eval.baseline {
        for account in &not_compared {
            output::warn(&format!(
                "account {account} has no previous run in {} (--baseline): not compared{}",
                b.display(),
                if args.eval.fail_on_new {
                    "; --fail-on-new counts all its failing findings as new"
                } else {
                    ""
                }
            ));
        }
    }
    let (color, width) = match args.output {
        None => output::terminal(args.no_color),
        Some(_) => (false, Some(output::FILE_WIDTH)),
    };
    let emitter: Box<dyn rampart_reporter::accounts::EmitAccounts> = match args.format {
        ReportFormat::Table => Box::new(rampart_reporter::table::Table { color, width }),
        ReportFormat::Json => Box::new(rampart_reporter::json::Json),
        ReportFormat::Sarif => Box::new(rampart_reporter::sarif::Sarif {
            artifact_uri: Some(dir.to_string_lossy().into_owned()),
        }),
        ReportFormat::Csv => Box::new(rampart_reporter::csv::Csv),
        ReportFormat::Ocsf => Box::new(rampart_reporter::ocsf::Ocsf),
        ReportFormat::Html => Box::new(rampart_reporter::html::Html),
    };
    let meta = |id: &str| rampart_checks::meta(id);
    let written = match &args.output {
        Some(path) => {
            rampart_model::io::write_atomic(path, |w| emitter.emit_accounts(&report, &meta, w))
                .map_err(|e| format!("{e} (--output)"))
        }
        None => output::emit_stdout(|w| emitter.emit_accounts(&report, &meta, w))
            .map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        output::error(&e);
        return exit::USAGE;
    }
    outcome(gate_hit, report.complete)
}

/// The documented exit code: a gate hit (1) wins over an incomplete
/// collection (3), so a pipeline never passes a failure it was told to stop on.
fn outcome(gate_hit: bool, complete: bool) -> u8 {
    if gate_hit {
        exit::FINDINGS
    } else if !complete {
        exit::INCOMPLETE
    } else {
        exit::OK
    }
}

fn diff(args: DiffArgs) -> u8 {
    let eval_args = EvalArgs {
        checks: args.checks.clone(),
        skip_checks: args.skip_checks.clone(),
        config: args.config.clone(),
        ..EvalArgs::default()
    };
    if let Err(e) = eval_args.validate(true) {
        output::error(&e);
        return exit::USAGE;
    }
    let config = match eval_args.load_config() {
        Ok(c) => c,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    let mut selection = eval_args.selection();
    if let Some(c) = &config {
        selection.settings = c.settings.clone();
    }
    let config_path = args.config.as_deref();
    let load = |path: &Path| -> Result<
        (
            rampart_model::diff::DiffSide,
            rampart_model::Report,
            Option<Snapshot>,
        ),
        String,
    > {
        let run = rampart_model::io::Run::load(path).map_err(|e| e.to_string())?;
        let (kind, report, snapshot) = match run {
            rampart_model::io::Run::Report(r) => {
                let mut r = *r;
                // A report keeps its own marks; the config's suppressions
                // mark the rest. Tags live in snapshots: a `tag` selector
                // matches nothing here.
                if let Some(c) = &config {
                    let source = config_path
                        .map_or_else(|| "rampart.toml".to_string(), |p| p.display().to_string());
                    let today = r.snapshot.collected_at.date();
                    c.apply(&source, &mut r, today, &|_| None);
                }
                ("report", r, None)
            }
            rampart_model::io::Run::Snapshot(s) => (
                "snapshot",
                eval::evaluate_with(&s, &selection, config.as_ref(), config_path),
                Some(*s),
            ),
        };
        let side = rampart_model::diff::DiffSide {
            source: path.display().to_string(),
            kind: kind.to_string(),
            account_id: report.snapshot.account_id.clone(),
            collected_at: report.snapshot.collected_at,
            complete: report.snapshot.complete,
        };
        Ok((side, report, snapshot))
    };
    let (old, new) = match (load(&args.old), load(&args.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    let drift = match (&old.2, &new.2) {
        (Some(a), Some(b)) => Some(rampart_model::diff::drift(a, b)),
        _ => None,
    };
    let d = rampart_model::diff::DiffReport {
        findings: rampart_model::diff::FindingsDiff::of(&old.1, &new.1),
        old: old.0,
        new: new.0,
        drift,
    };
    let written = match args.format {
        DiffFormat::Table => output::emit_stdout(|w| rampart_reporter::diff::render(&d, w)),
        DiffFormat::Json => output::emit_stdout(|w| {
            serde_json::to_writer_pretty(&mut *w, &d).map_err(std::io::Error::other)?;
            w.write_all(b"\n")
        }),
    };
    written_code(written)
}

/// Both generated from the clap definition, so they cannot drift from the flags.
fn completions(shell: clap_complete::Shell) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "rampart", &mut script);
    written_code(output::raw(&script))
}

fn man() -> u8 {
    let mut page = Vec::new();
    let rendered = clap_mangen::Man::new(Cli::command()).render(&mut page);
    written_code(rendered.and_then(|()| output::raw(&page)))
}

fn written_code(result: std::io::Result<()>) -> u8 {
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            output::error(&format!("cannot write to stdout: {e}"));
            exit::USAGE
        }
    }
}

fn paths(path: &Path, instance: Option<&str>, format: PathsFormat) -> u8 {
    if let Some(code) = refuse_dir("paths", path) {
        return code;
    }
    let snapshot = match Snapshot::load(path) {
        Ok(s) => s,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    let index = rampart_checks::index::Index::new(&snapshot);
    let exposures = rampart_checks::paths::Exposures::compute(&index);
    if let Some(id) = instance
        && !index
            .regions
            .values()
            .any(|r| r.instances.contains_key(id) || r.tasks.contains_key(id))
    {
        output::error(&format!(
            "instance {id} (--instance) is not in snapshot {} (an instance id, or an ECS task's CLUSTER/ID)",
            path.display()
        ));
        return exit::USAGE;
    }
    let selected: Vec<&rampart_checks::paths::Exposure> = exposures
        .all()
        .filter(|e| instance.is_none_or(|id| e.instance_id == id))
        .collect();
    match format {
        PathsFormat::Table => output::paths_table(&selected),
        PathsFormat::Json => output::json(
            &selected
                .iter()
                .map(|e| output::PathJson::from(*e))
                .collect::<Vec<_>>(),
        ),
        PathsFormat::Dot => output::paths_dot(&selected),
    }
    // The paths printed are right for what was collected, but a resource
    // that was not collected has no path at all: say so, and exit 3 as
    // `check` does, so a pipeline cannot take silence for safety.
    if !snapshot.is_complete() {
        output::warn(&format!(
            "snapshot {} is incomplete ({} collection error(s)): paths that need the missing \
             data are marked uncertain, and resources that were not collected have no paths; \
             `rampart summary` lists the errors",
            path.display(),
            snapshot.collection_errors.len()
        ));
        return exit::INCOMPLETE;
    }
    exit::OK
}

#[cfg(feature = "scan")]
fn scan(args: ScanArgs) -> u8 {
    if args.multi.wanted() {
        return org::run(&args.connect, &args.multi, args.out.as_deref());
    }
    if let Err(e) = org::check_single(&args.multi, args.out.as_deref()) {
        output::error(&e);
        return exit::USAGE;
    }
    // Fail before a long scan if the result could not be saved.
    if let Some(out) = &args.out
        && let Err(e) = rampart_model::io::check_writable(out)
    {
        output::error(&format!("{e} (--out)"));
        return exit::USAGE;
    }
    let given = args.out.clone();
    let (snapshot, out) = match args.connect.collect(|account| {
        let out = given.unwrap_or_else(|| default_out(account));
        rampart_model::io::check_writable(&out).map_err(|e| format!("{e} (--out)"))?;
        Ok(out)
    }) {
        Ok(v) => v,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    if let Err(e) = snapshot.save(&out) {
        output::error(&format!("{e} (--out)"));
        return exit::USAGE;
    }
    output::summary(&snapshot, Some(&out));
    if snapshot.is_complete() {
        exit::OK
    } else {
        exit::INCOMPLETE
    }
}

#[cfg(feature = "scan")]
impl ConnectArgs {
    /// Connects (credentials, STS, regions), asks `out_for` where the
    /// snapshot will go (given the account id, so it can fail before the
    /// long part), then collects with a progress display.
    pub(crate) fn collect(
        &self,
        out_for: impl FnOnce(&str) -> Result<PathBuf, String>,
    ) -> Result<(Snapshot, PathBuf), String> {
        let opts = self.options(false)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        runtime.block_on(async {
            let session = rampart_collector::connect(&opts)
                .await
                .map_err(|e| e.to_string())?;
            let out = out_for(session.account_id())?;
            // Warnings always reach stderr: --quiet silences progress only.
            for w in session.warnings() {
                output::warn(w);
            }
            let progress: Arc<dyn Progress> =
                output::progress(session.task_count(), self.quiet, session.regions());
            let snapshot = session.collect(progress.clone()).await;
            drop(progress);
            Ok((snapshot, out))
        })
    }

    /// The collector's options from the flags. `--external-id` without a
    /// role to use it with is a usage error (clap cannot say "requires
    /// --role-arn or --org/--accounts" across commands).
    pub(crate) fn options(&self, multi_account: bool) -> Result<ScanOptions, String> {
        if self.external_id.is_some() && self.role_arn.is_none() && !multi_account {
            return Err(
                "--external-id needs --role-arn (or, with scan, --org/--accounts FILE)".into(),
            );
        }
        let regions = if self.all_regions {
            RegionSelection::AllEnabled
        } else if self.regions.is_empty() {
            RegionSelection::Configured
        } else {
            RegionSelection::Explicit(self.regions.clone())
        };
        let opts = ScanOptions {
            profile: self.profile.clone(),
            regions,
            role_arn: self.role_arn.clone(),
            external_id: self.external_id.clone(),
            fanout: usize::from(self.concurrency),
            max_attempts: self.max_attempts,
            retry_mode: match self.retry_mode {
                RetryModeArg::Adaptive => RetryMode::Adaptive,
                RetryModeArg::Standard => RetryMode::Standard,
            },
            max_rps: self.max_rps,
        };
        Ok(opts)
    }
}

#[cfg(feature = "scan")]
fn default_out(account: &str) -> PathBuf {
    PathBuf::from(format!("rampart-{account}-{}.json", utc_stamp()))
}

/// `20261122T020000Z`: the current UTC time, for file and folder names.
#[cfg(feature = "scan")]
pub(crate) fn utc_stamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.format(time::macros::format_description!(
        "[year][month][day]T[hour][minute][second]Z"
    ))
    .unwrap_or_else(|_| now.unix_timestamp().to_string())
}
