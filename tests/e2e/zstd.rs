//! Compressed snapshots end to end: `rampart scan --out demo.json.zst`
//! writes zstd, and `check`, `diff`, `paths` and `summary` read it (by its
//! magic bytes) with the same results as the plain JSON of the same state.

use serde_json::Value;

use crate::harness::{Emulator, rampart, scan};

/// The parts of a JSON report that depend on the account, not on when it was scanned.
fn verdicts(report: &str) -> (Value, Value, Value) {
    let v: Value = serde_json::from_str(report).expect("JSON report");
    (
        v["findings"].clone(),
        v["scorecards"].clone(),
        v["summary"].clone(),
    )
}

/// `rampart summary` without its first line (scan time and duration).
fn summary_body(out: &str) -> String {
    out.lines().skip(1).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_zst_snapshot_gives_the_same_results_as_plain_json() {
    let emu = Emulator::start();
    emu.seed("demo");
    let dir = emu.dir();
    let plain = dir.join("demo.json");
    let zst = dir.join("demo.json.zst");
    let (run, _) = scan(&emu, &plain, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (run, _) = scan(&emu, &zst, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let compressed = std::fs::read(&zst).unwrap();
    let plain_len = std::fs::metadata(&plain).unwrap().len() as usize;
    assert_eq!(compressed[..4], [0x28, 0xB5, 0x2F, 0xFD], "zstd magic");
    // Really compressed, not a stored frame: better than 4 to 1 (the demo
    // scan is about 55 KB laid out one resource per line, 5.6 to 1; it
    // was 8 to 1 when snapshots were indented throughout).
    assert!(
        compressed.len() * 4 < plain_len,
        "{} compressed vs {plain_len} plain",
        compressed.len()
    );

    let p = plain.to_str().unwrap();
    let z = zst.to_str().unwrap();
    let check = |s: &str| rampart(&["check", s, "--format", "json"], &[]);
    let (a, b) = (check(p), check(z));
    assert_eq!((a.code, b.code), (0, 0), "{}{}", a.stderr, b.stderr);
    let (findings, cards, summary) = verdicts(&b.stdout);
    assert!(findings.as_array().is_some_and(|f| f.len() > 20));
    assert_eq!(verdicts(&a.stdout), (findings, cards, summary));

    let paths = |s: &str| rampart(&["paths", s, "--format", "json"], &[]);
    let (a, b) = (paths(p), paths(z));
    assert_eq!((a.code, b.code), (0, 0), "{}{}", a.stderr, b.stderr);
    assert!(b.stdout.contains("instance_id"));
    assert_eq!(a.stdout, b.stdout);

    let (a, b) = (rampart(&["summary", p], &[]), rampart(&["summary", z], &[]));
    assert_eq!((a.code, b.code), (0, 0), "{}{}", a.stderr, b.stderr);
    assert!(b.stdout.contains("instances"), "{}", b.stdout);
    // Same counts and errors; only the file name differs.
    assert_eq!(
        summary_body(&a.stdout),
        summary_body(&b.stdout.replace(z, p))
    );

    // Plain against compressed: nothing new, resolved or changed, no drift.
    let d = rampart(&["diff", p, z, "--format", "json"], &[]);
    assert_eq!(d.code, 0, "{}", d.stderr);
    let v: Value = serde_json::from_str(&d.stdout).expect("JSON diff");
    assert_eq!(v["new"]["kind"], "snapshot");
    for part in ["new", "resolved", "unknown", "changed"] {
        assert_eq!(v["findings"][part], Value::Array(vec![]), "{part}: {v:#}");
    }
    assert!(v["findings"]["unchanged"].as_u64().unwrap() > 10, "{v:#}");
    assert_eq!(v["drift"], Value::Array(vec![]), "{v:#}");
    // A report can be written compressed too, and read back as a baseline.
    let report = dir.join("report.json.zst");
    let w = rampart(
        &[
            "check",
            z,
            "--format",
            "json",
            "--output",
            report.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(w.code, 0, "{}", w.stderr);
    assert_eq!(
        std::fs::read(&report).unwrap()[..4],
        [0x28, 0xB5, 0x2F, 0xFD]
    );
    let g = rampart(
        &[
            "check",
            p,
            "--baseline",
            report.to_str().unwrap(),
            "--fail-on-new",
        ],
        &[],
    );
    assert_eq!(
        g.code, 0,
        "nothing new against its own report: {}",
        g.stderr
    );
}

#[test]
fn a_cut_zst_snapshot_is_one_error_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let zst = dir.path().join("big.json.zst");
    rampart_dev::generate(&rampart_dev::Params::scaled(300))
        .save(&zst)
        .unwrap();
    let bytes = std::fs::read(&zst).unwrap();
    let cut = dir.path().join("cut.json.zst");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    for cmd in ["check", "summary", "paths"] {
        let r = rampart(&[cmd, cut.to_str().unwrap()], &[]);
        assert_eq!(r.code, 2, "{cmd}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{cmd}: {}", r.stderr);
        assert!(
            r.stderr.starts_with("rampart: error: ")
                && r.stderr.contains("cut.json.zst")
                && r.stderr.contains("truncated zstd"),
            "{cmd}: {}",
            r.stderr
        );
    }
    // A bomb: the decompressed size is bounded by RAMPART_MAX_INPUT_BYTES.
    let r = rampart(
        &["check", zst.to_str().unwrap()],
        &[("RAMPART_MAX_INPUT_BYTES", "100000")],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("big.json.zst decompresses to over the 100000 bytes"),
        "{}",
        r.stderr
    );
}

/// `rampart -v check` prints one timing line per phase, in order, on
/// stderr, with the resident memory at its end (and the peak with the
/// total); without `-v`, none.
#[test]
fn check_verbose_prints_the_phase_timings() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("s.json");
    rampart_dev::generate(&rampart_dev::Params::scaled(300))
        .save(&snap)
        .unwrap();
    let s = snap.to_str().unwrap();
    let r = rampart(&["-v", "check", s, "--format", "json"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let phases: Vec<&str> = r
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("rampart: timing: "))
        .map(|l| {
            // `load 812 ms (resident 640 MB)`; the total gives the peak.
            let (name, rest) = l.split_once(' ').unwrap();
            let (ms, memory) = rest.split_once(" ms").expect("N ms");
            ms.parse::<u64>().expect("whole milliseconds");
            let what = if name == "total" {
                "peak resident"
            } else {
                "resident"
            };
            let mb = memory
                .strip_prefix(&format!(" ({what} "))
                .and_then(|m| m.strip_suffix(" MB)"))
                .unwrap_or_else(|| panic!("{l}: no memory figure on Linux"));
            assert!(mb.parse::<u64>().expect("whole MB") > 0, "{l}");
            name
        })
        .collect();
    assert_eq!(
        phases,
        [
            "load",
            "index",
            "paths",
            "checks",
            "scorecard",
            "triage",
            "report",
            "total"
        ],
        "{}",
        r.stderr
    );
    let quiet = rampart(&["check", s, "--format", "json"], &[]);
    assert!(!quiet.stderr.contains("timing"), "{}", quiet.stderr);
}
