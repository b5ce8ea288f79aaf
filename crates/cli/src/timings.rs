//! Phase timings of `rampart check` (`-v`): load, index, paths, checks,
//! scorecard, triage, report. The checks crate reads no clock; it calls
//! [`mark`] at the end of each of its phases and the clock is read here.
//!
//! One global recorder, so the evaluation pipeline (shared with `audit`
//! and `diff`) needs no extra parameter: marks outside a started `check`
//! are ignored.

use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Recorder {
    last: Instant,
    phases: Vec<(&'static str, Duration)>,
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
        r.phases.push((phase, now - r.last));
        r.last = now;
    }
}

/// The recorded phases, `load 812 ms` each, then the total; stops timing.
pub fn finish() -> Vec<String> {
    let Some(r) = RECORDER.lock().ok().and_then(|mut g| g.take()) else {
        return Vec::new();
    };
    let total: Duration = r.phases.iter().map(|(_, d)| *d).sum();
    r.phases
        .iter()
        .chain([&("total", total)])
        .map(|(name, d)| format!("{name} {} ms", d.as_millis()))
        .collect()
}

/// Runs `command` timed when `enabled` (`-v`), then prints one line per
/// phase on stderr (`rampart: timing: load 812 ms`).
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
