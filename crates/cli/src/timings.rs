//! Phase timings of `rampart check` (`-v`): load, index, paths, checks,
//! scorecard, triage, report, each with the resident memory at its end
//! (and the peak at the total) where the system tells it (Linux's
//! `/proc/self/status`). The checks crate reads no clock; it calls
//! [`mark`] at the end of each of its phases and the clock is read here.
//!
//! One global recorder, so the evaluation pipeline (shared with `audit`
//! and `diff`) needs no extra parameter: marks outside a started `check`
//! are ignored.

use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Recorder {
    last: Instant,
    /// Each phase, how long it took and the resident MB at its end.
    phases: Vec<(&'static str, Duration, Option<u64>)>,
}

static RECORDER: Mutex<Option<Recorder>> = Mutex::new(None);

/// Starts timing; the first phase runs from here to the first [`mark`].
pub fn start() {
    if let Ok(mut r) = RECORDER.lock() {
        *r = Some(Recorder {
            last: Instant::now(),
            phases: Vec::new(),
        });
    }
}

/// Ends `phase`: the time since [`start`] or the previous mark.
pub fn mark(phase: &'static str) {
    if let Ok(mut guard) = RECORDER.lock()
        && let Some(r) = guard.as_mut()
    {
        let now = Instant::now();
        r.phases.push((phase, now - r.last, memory_mb("VmRSS")));
        r.last = now;
    }
}

/// The recorded phases, `load 812 ms (resident 640 MB)` each, then the
/// total with the peak (`total 2310 ms (peak resident 702 MB)`); stops
/// timing.
pub fn finish() -> Vec<String> {
    let Some(r) = RECORDER.lock().ok().and_then(|mut g| g.take()) else {
        return Vec::new();
    };
    let total: Duration = r.phases.iter().map(|(_, d, _)| *d).sum();
    let line = |name: &str, d: &Duration, mem: Option<u64>, what: &str| match mem {
        Some(mb) => format!("{name} {} ms ({what} {mb} MB)", d.as_millis()),
        None => format!("{name} {} ms", d.as_millis()),
    };
    r.phases
        .iter()
        .map(|(name, d, mem)| line(name, d, *mem, "resident"))
        .chain([line("total", &total, memory_mb("VmHWM"), "peak resident")])
        .collect()
}

/// A memory figure of this process from `/proc/self/status` (`VmRSS`
/// now, `VmHWM` the peak), in MB; `None` where there is no such file.
fn memory_mb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(kb / 1024)
}

/// Runs `command` timed when `enabled` (`-v`), then prints one line per
/// phase on stderr (`rampart: timing: load 812 ms (resident 640 MB)`).
pub fn around(enabled: bool, command: impl FnOnce() -> u8) -> u8 {
    if !enabled {
        return command();
    }
    start();
    let code = command();
    for line in finish() {
        crate::output::note(&format!("timing: {line}"));
    }
    code
}
