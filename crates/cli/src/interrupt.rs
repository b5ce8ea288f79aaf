//! SIGINT and SIGTERM: an interrupted run leaves nothing half-done.
//!
//! A thread of our own waits for the signal (signal-hook's iterator: the
//! work below runs on that thread, not in signal context). It removes the
//! files the run had started (every temp file [`write_atomic`] is writing,
//! the unfinished run folder of `audit`) and exits 130 (SIGINT) or 143
//! (SIGTERM), the shell's 128 + signal number. What is published is
//! published atomically (a rename), under [`publish`], which the handler
//! waits for: a run is either all there or not there at all.
//!
//! [`write_atomic`]: rampart_model::io::write_atomic

#[cfg(feature = "scan")]
use std::path::Path;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

/// Unfinished run folders, removed on interrupt. Held while publishing.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn unfinished() -> MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts the handler thread. Called once, first thing in `main`.
pub fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            // Without a handler the default action (exit) still applies;
            // the next run sweeps what is left.
            return;
        };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let name = if sig == SIGINT { "SIGINT" } else { "SIGTERM" };
                let removed = clean_up();
                let what = if removed.is_empty() {
                    "nothing was written".to_string()
                } else {
                    let names: Vec<String> =
                        removed.iter().map(|p| p.display().to_string()).collect();
                    format!("removed the unfinished {}", names.join(", "))
                };
                crate::output::interrupted(&format!("interrupted ({name}); {what}"));
                std::process::exit(128 + sig);
            }
        });
    }
}

/// Removes every unfinished run folder and temp file; returns the folders.
/// Waits for a [`publish`] under way to end first.
fn clean_up() -> Vec<PathBuf> {
    let mut dirs = unfinished();
    rampart_model::io::abandon_writes();
    let mut removed = Vec::new();
    for d in dirs.drain(..) {
        if std::fs::remove_dir_all(&d).is_ok() {
            removed.push(d);
        }
    }
    // Keep the lock: the process exits holding it, so no publish starts.
    std::mem::forget(dirs);
    removed
}

/// A run folder being filled: removed if the process is interrupted (or
/// the run fails) before [`Unfinished::publish`]. Only `audit` (part of the
/// `scan` feature) fills run folders.
#[cfg(feature = "scan")]
pub struct Unfinished {
    path: PathBuf,
    done: bool,
}

#[cfg(feature = "scan")]
impl Unfinished {
    pub fn new(path: &Path) -> Unfinished {
        unfinished().push(path.to_path_buf());
        Unfinished {
            path: path.to_path_buf(),
            done: false,
        }
    }

    /// Runs `publish` (the renames that make the run visible) with the
    /// interrupt held off, then forgets the folder: after this, the run is
    /// complete whatever happens.
    pub fn publish<T>(
        mut self,
        publish: impl FnOnce(&Path) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        let mut dirs = unfinished();
        let out = publish(&self.path);
        if out.is_ok() {
            dirs.retain(|p| p != &self.path);
            self.done = true;
        }
        out
    }
}

#[cfg(feature = "scan")]
impl Drop for Unfinished {
    /// A run that failed before publishing leaves nothing either.
    fn drop(&mut self) {
        if !self.done {
            let mut dirs = unfinished();
            dirs.retain(|p| p != &self.path);
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
