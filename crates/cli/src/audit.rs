//! `rampart audit`: scan and check in one run, for schedulers.
//!
//! ```text
//! OUT_DIR/
//!   20261122T020000Z/          one folder per run (UTC start time)
//!     snapshot.json            the scan
//!     report.json              always: the next run's baseline
//!     report.sarif ...         every --format asked for
//!   latest -> 20261122T020000Z relative symlink, replaced atomically
//! ```
//!
//! Unless `--baseline FILE` or `--no-baseline` says otherwise, the run is
//! compared with the previous one (`OUT_DIR/latest/report.json`), so the
//! nightly job says what changed since yesterday and `--fail-on-new` gates
//! on exactly that. Exit codes as for `check`: 1 when the gate is hit, else
//! 3 when the collection was incomplete, else 0; 2 for usage errors and
//! when nothing could be scanned.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::eval::{self, EvalArgs};
use crate::{ConnectArgs, ReportFormat, exit, output};

#[derive(Args)]
pub struct AuditArgs {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Folder that keeps every run (created if missing).
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// Report format to write besides report.json (repeatable:
    /// --format sarif --format html).
    #[arg(long = "format", value_enum, value_name = "FORMAT")]
    formats: Vec<ReportFormat>,
    /// Do not compare with the previous run in --out-dir.
    #[arg(long, conflicts_with = "baseline")]
    no_baseline: bool,
    #[command(flatten)]
    eval: EvalArgs,
}

/// The previous run's report, if `OUT_DIR/latest` points at one.
fn previous_report(out_dir: &Path) -> Option<PathBuf> {
    let p = out_dir.join("latest").join("report.json");
    p.is_file().then_some(p)
}

pub fn run(args: AuditArgs) -> u8 {
    let previous = if args.no_baseline || args.eval.baseline.is_some() {
        None
    } else {
        previous_report(&args.out_dir)
    };
    // --fail-on-new on the very first night has nothing to compare with:
    // that is not an error, nothing is new yet... but everything is. Say so
    // and gate on everything, rather than pass silently.
    let first_night = args.eval.fail_on_new
        && args.eval.baseline.is_none()
        && previous.is_none()
        && !args.no_baseline;
    let mut eval_args = args.eval.clone();
    if first_night {
        output::warn(&format!(
            "no previous run in {} to compare with: --fail-on-new gates on every failing finding this time",
            args.out_dir.display()
        ));
        eval_args.fail_on_new = false;
        eval_args.fail_on = eval_args.fail_on.or(Some(rampart_model::Severity::Info));
    }
    let baseline_available = eval_args.baseline.is_some() || previous.is_some();
    if let Err(e) = eval_args.validate(baseline_available || !eval_args.fail_on_new) {
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
    if let Some(b) = &eval_args.baseline
        && !b.is_file()
    {
        output::error(&format!(
            "cannot read baseline {} (--baseline)",
            b.display()
        ));
        return exit::USAGE;
    }
    if let Err(e) = private_dir(&args.out_dir, true) {
        output::error(&format!(
            "cannot create {}: {e} (--out-dir)",
            args.out_dir.display()
        ));
        return exit::USAGE;
    }
    // One folder per run, named by its UTC start time; a second run in
    // the same second gets `-2`, `-3`, ... The run is built in a hidden
    // `.rampart-run-STAMP.partial` (create_dir is the lock) and renamed to
    // `STAMP` when complete: a run folder is never seen half-written, and
    // an interrupted run leaves none (crate::interrupt).
    let base = crate::utc_stamp();
    let mut made = None;
    for n in 1..=100 {
        let stamp = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if args.out_dir.join(&stamp).symlink_metadata().is_ok() {
            continue;
        }
        let dir = args.out_dir.join(partial_name(&stamp));
        match private_dir(&dir, false) {
            Ok(()) => {
                made = Some((stamp, dir));
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                output::error(&format!("cannot create {}: {e} (--out-dir)", dir.display()));
                return exit::USAGE;
            }
        }
    }
    let Some((stamp, partial)) = made else {
        output::error(&format!(
            "cannot create a run folder for {base} in {} (--out-dir)",
            args.out_dir.display()
        ));
        return exit::USAGE;
    };
    let unfinished = crate::interrupt::Unfinished::new(&partial);
    // Held while the run lives: another rampart sweeping the folder sees a
    // live run, not a killed one (released by the kernel on any exit).
    let _alive = lock_dir(&partial);
    sweep_killed_runs(&args.out_dir, &partial);
    let snapshot_path = partial.join("snapshot.json");
    let (snapshot, _) = match args.connect.collect(|_| Ok(snapshot_path.clone())) {
        Ok(v) => v,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    if let Err(e) = snapshot.save(&snapshot_path) {
        output::error(&format!("{e} (--out-dir)"));
        return exit::USAGE;
    }
    let eval::Evaluated { report, gate_hit } =
        match eval_args.evaluate(&snapshot, config.as_ref(), previous.as_deref()) {
            Ok(e) => e,
            Err(e) => {
                output::error(&e);
                return exit::USAGE;
            }
        };
    let mut formats = args.formats.clone();
    formats.push(ReportFormat::Json);
    formats.sort();
    formats.dedup();
    let meta = |id: &str| rampart_checks::meta(id);
    // SARIF results point at the snapshot beside them.
    let artifact = Path::new("snapshot.json");
    let mut written = Vec::new();
    for format in formats {
        let path = partial.join(format.file_name());
        let emitter = format.emitter(artifact, false, Some(output::FILE_WIDTH));
        if let Err(e) = rampart_model::io::write_atomic(&path, |w| emitter.emit(&report, &meta, w))
        {
            output::error(&format!("{e} (--out-dir)"));
            return exit::USAGE;
        }
        written.push(format.file_name());
    }
    let run_dir = args.out_dir.join(&stamp);
    let published = unfinished.publish(|partial| {
        std::fs::rename(partial, &run_dir)?;
        point_latest(&args.out_dir, &stamp)
    });
    if let Err(e) = published {
        output::error(&format!(
            "cannot publish the run as {} and point {} at it: {e} (--out-dir)",
            run_dir.display(),
            args.out_dir.join("latest").display()
        ));
        return exit::USAGE;
    }
    let written: Vec<PathBuf> = written.into_iter().map(|f| run_dir.join(f)).collect();
    output::audit_summary(&report, &run_dir, &written, previous.as_deref());
    crate::outcome(gate_hit, snapshot.is_complete())
}

/// The hidden name a run is built under before it is complete.
fn partial_name(stamp: &str) -> String {
    format!(".rampart-run-{stamp}.partial")
}

/// An exclusive lock on a folder, held as long as the handle lives; `None`
/// where the file system has no locks (then only the age rule applies).
fn lock_dir(dir: &Path) -> Option<std::fs::File> {
    let f = std::fs::File::open(dir).ok()?;
    f.try_lock().ok()?;
    Some(f)
}

/// Removes what a killed `audit` left in `out_dir`: unfinished run folders
/// (`.rampart-run-STAMP.partial`) that no live run holds locked, and
/// `.latest-STAMP` links that were never renamed to `latest`, once either
/// has gone [`STALE_TEMP`] unmodified (a run that has only just created its
/// folder has not locked it yet). Only real folders and links with the
/// owner of `ours` (this run's folder, skipped); nothing else is touched.
/// Best effort.
///
/// [`STALE_TEMP`]: rampart_model::io::STALE_TEMP
fn sweep_killed_runs(out_dir: &Path, ours: &Path) {
    let (Ok(entries), Ok(mine)) = (std::fs::read_dir(out_dir), ours.symlink_metadata()) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        let path = entry.path();
        if path == ours {
            continue;
        }
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Ok(meta) = path.symlink_metadata() else {
            continue;
        };
        let stale = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= rampart_model::io::STALE_TEMP);
        if !stale || !same_owner(&meta, &mine) {
            continue;
        }
        let is_partial = name
            .strip_prefix(".rampart-run-")
            .is_some_and(|r| r.ends_with(".partial"));
        if is_partial && meta.is_dir() {
            // A live run keeps its folder locked.
            if let Ok(f) = std::fs::File::open(&path)
                && matches!(f.try_lock(), Ok(()))
            {
                let _ = std::fs::remove_dir_all(&path);
            }
        } else if name.starts_with(".latest-") && meta.file_type().is_symlink() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[cfg(unix)]
fn same_owner(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.uid() == b.uid()
}

#[cfg(not(unix))]
fn same_owner(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

/// Creates a folder only its owner can enter (0700 on Unix): snapshots map
/// the account's network. `parents` also creates missing parents.
fn private_dir(path: &Path, parents: bool) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(parents);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(path)
}

/// `OUT_DIR/latest` -> `stamp`, relative, swapped in with a rename so a
/// reader never sees it missing. Refuses to replace anything but a symlink.
fn point_latest(out_dir: &Path, stamp: &str) -> std::io::Result<()> {
    let latest = out_dir.join("latest");
    if let Ok(m) = std::fs::symlink_metadata(&latest)
        && !m.file_type().is_symlink()
    {
        return Err(std::io::Error::other(
            "it exists and is not a symlink; move it away",
        ));
    }
    let tmp = out_dir.join(format!(".latest-{stamp}"));
    let _ = std::fs::remove_file(&tmp);
    symlink(Path::new(stamp), &tmp)?;
    std::fs::rename(&tmp, &latest)
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    // No cheap symlinks: a one-line file naming the latest run instead.
    std::fs::write(link, format!("{}\n", target.display()))
}
