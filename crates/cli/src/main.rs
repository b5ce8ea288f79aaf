//! The `rampart` binary: argument parsing, wiring of collector, checks and
//! reporter, and the documented exit codes. All terminal output goes through
//! the `output` module.

mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, CommandFactory, Parser, Subcommand};
use rampart_collector::progress::Progress;
use rampart_collector::{RegionSelection, ScanOptions};
use rampart_model::{Severity, Snapshot, Status};

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
}

#[derive(Parser)]
#[command(
    name = "rampart",
    version,
    about = "Audit the defense-in-depth of API backends on EC2",
    long_about = "rampart inventories an AWS account read-only (scan), then evaluates the \
                  snapshot offline. Exit codes: 0 ok, 1 findings at or above --fail-on, \
                  2 usage or input error, 3 collection incomplete."
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
    Scan(ScanArgs),
    /// Summarise a snapshot: resources per region, API calls, collection errors.
    Summary {
        /// The snapshot file written by `rampart scan`.
        snapshot: PathBuf,
    },
    /// Evaluate a snapshot offline: per-backend scorecard and findings.
    Check(CheckArgs),
    /// The check catalogue: `list` or `explain ID`.
    Checks {
        #[command(subcommand)]
        command: ChecksCommand,
    },
    /// Every path by which the internet reaches each instance, hop by hop (offline).
    Paths {
        /// The snapshot file written by `rampart scan`.
        snapshot: PathBuf,
        /// Only this instance.
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
    /// The snapshot file written by `rampart scan`.
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
    /// Run only these checks (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    checks: Vec<String>,
    /// Skip these checks (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    skip_checks: Vec<String>,
    /// Exit 1 when a failing finding is at or above this severity.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    fail_on: Option<Severity>,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Table,
    Json,
    /// SARIF 2.1.0 for code scanning (GitHub code scanning, any SARIF viewer).
    Sarif,
    /// One row per finding for spreadsheets (formula-safe).
    Csv,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PathsFormat {
    Table,
    Json,
    /// Graphviz: `rampart paths S --format dot | dot -Tsvg > paths.svg`.
    Dot,
}

#[derive(Args)]
struct ScanArgs {
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
    /// External id for --role-arn.
    #[arg(long, requires = "role_arn", value_name = "ID")]
    external_id: Option<String>,
    /// Snapshot file to write. Default: rampart-<account>-<UTC time>.json.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Concurrent per-resource calls per service and region.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// Attempts per API call (adaptive retry with backoff) before it is
    /// recorded as a collection error.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,
    /// No progress display, even on a terminal.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    output::init_logging(cli.verbose);
    let code = match cli.command {
        Command::Scan(args) => scan(args),
        Command::Summary { snapshot } => summary(&snapshot),
        Command::Check(args) => check(args),
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

fn summary(path: &Path) -> u8 {
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
    let unknown = rampart_checks::unknown_ids(args.checks.iter().chain(&args.skip_checks));
    if !unknown.is_empty() {
        output::error(&format!(
            "unknown check id(s) {} (--checks/--skip-checks); `rampart checks list` shows them all",
            unknown.join(", ")
        ));
        return exit::USAGE;
    }
    let snapshot = match Snapshot::load(&args.snapshot) {
        Ok(s) => s,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    let selection = rampart_checks::Selection {
        only: args.checks.iter().cloned().collect(),
        skip: args.skip_checks.iter().cloned().collect(),
        min_severity: None,
    };
    let mut report = rampart_checks::evaluate(&snapshot, &selection);
    // --fail-on judges every finding of the selected checks; --min-severity
    // only trims what is shown.
    let failed = args.fail_on.is_some_and(|threshold| {
        report
            .findings
            .iter()
            .any(|f| f.status == Status::Fail && f.severity >= threshold)
    });
    if let Some(min) = args.min_severity {
        report.findings.retain(|f| f.severity >= min);
        report.summary = rampart_model::Summary::of(&report.findings);
    }
    let emitter: Box<dyn rampart_reporter::Emit> = match args.format {
        ReportFormat::Table => Box::new(rampart_reporter::table::Table),
        ReportFormat::Json => Box::new(rampart_reporter::json::Json),
        // The snapshot is the file a SARIF result points at (GitHub code
        // scanning wants a physical location), spelled as the user gave it.
        ReportFormat::Sarif => Box::new(rampart_reporter::sarif::Sarif {
            artifact_uri: Some(args.snapshot.to_string_lossy().into_owned()),
        }),
        ReportFormat::Csv => Box::new(rampart_reporter::csv::Csv),
    };
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
    if failed { exit::FINDINGS } else { exit::OK }
}

/// Both generated from the clap definition, so they cannot drift from the flags.
fn completions(shell: clap_complete::Shell) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "rampart", &mut script);
    written(output::raw(&script))
}

fn man() -> u8 {
    let mut page = Vec::new();
    let rendered = clap_mangen::Man::new(Cli::command()).render(&mut page);
    written(rendered.and_then(|()| output::raw(&page)))
}

fn written(result: std::io::Result<()>) -> u8 {
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            output::error(&format!("cannot write to stdout: {e}"));
            exit::USAGE
        }
    }
}

fn paths(path: &Path, instance: Option<&str>, format: PathsFormat) -> u8 {
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
        && !index.regions.values().any(|r| r.instances.contains_key(id))
    {
        output::error(&format!(
            "instance {id} (--instance) is not in snapshot {}",
            path.display()
        ));
        return exit::USAGE;
    }
    let selected: Vec<&rampart_checks::paths::Exposure> = exposures
        .by_instance
        .values()
        .flatten()
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
    exit::OK
}

fn scan(args: ScanArgs) -> u8 {
    // Fail before a long scan if the result could not be saved.
    if let Some(out) = &args.out
        && let Err(e) = rampart_model::io::check_writable(out)
    {
        output::error(&format!("{e} (--out)"));
        return exit::USAGE;
    }
    let regions = if args.all_regions {
        RegionSelection::AllEnabled
    } else if args.regions.is_empty() {
        RegionSelection::Configured
    } else {
        RegionSelection::Explicit(args.regions.clone())
    };
    let opts = ScanOptions {
        profile: args.profile.clone(),
        regions,
        role_arn: args.role_arn.clone(),
        external_id: args.external_id.clone(),
        fanout: usize::from(args.concurrency),
        max_attempts: args.max_attempts,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            output::error(&format!("cannot start the async runtime: {e}"));
            return exit::USAGE;
        }
    };
    let result = runtime.block_on(async {
        let session = rampart_collector::connect(&opts).await?;
        let out = match &args.out {
            Some(p) => p.clone(),
            None => default_out(session.account_id()),
        };
        if args.out.is_none() {
            rampart_model::io::check_writable(&out).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let progress: Arc<dyn Progress> =
            output::progress(session.task_count(), args.quiet, session.regions());
        let snapshot = session.collect(progress.clone()).await;
        drop(progress);
        Ok::<_, anyhow::Error>((snapshot, out))
    });
    let (snapshot, out) = match result {
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

fn default_out(account: &str) -> PathBuf {
    let now = time::OffsetDateTime::now_utc();
    let stamp = now
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| now.unix_timestamp().to_string());
    PathBuf::from(format!("rampart-{account}-{stamp}.json"))
}
