//! Interrupted runs leave nothing half-done: SIGINT/SIGTERM during `scan` or
//! `audit` exit 130/143 with no run folder, no partial file and `latest`
//! unmoved; what a killed run (SIGKILL) left behind is removed by the next
//! run in the same directory (docs/cli.md, "Interrupted runs").

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Emulator, emulator_env, rampart_on, scrub};
use crate::proxy::{self, Fault, FaultPlan, Rule};

/// Starts `rampart ARGS` against `url` with a scrubbed environment.
fn spawn(url: &str, args: &[&str]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.args(args);
    scrub(&mut cmd);
    for (k, v) in emulator_env(url) {
        cmd.env(k, v);
    }
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start rampart")
}

/// Waits until the proxy has seen `op` (the scan is under way and stuck on
/// it), then sends `signal` and returns (exit code, stderr).
fn interrupt_when(p: &proxy::Proxy, op: &str, mut child: Child, signal: &str) -> (i32, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !p.operations().contains_key(op) {
        assert!(Instant::now() < deadline, "the scan never called {op}");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let sent = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let out = child.wait_with_output().expect("output");
            let code = status.code().unwrap_or(-1);
            return (code, String::from_utf8_lossy(&out.stderr).into_owned());
        }
        assert!(
            Instant::now() < deadline,
            "rampart did not stop on SIG{signal}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A plan that holds `ec2:DescribeVpcs` for a minute: the scan is stuck there.
fn stuck() -> FaultPlan {
    FaultPlan::new().rule(Rule::new(
        "ec2:DescribeVpcs",
        Fault::Delay(Duration::from_secs(60)),
    ))
}

#[test]
fn an_interrupted_audit_leaves_no_run_folder_and_latest_unmoved() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs");
    let out_s = out.to_str().unwrap();
    // A first, complete run: `latest` points at it.
    let first = rampart_on(
        &emu,
        &[
            "audit",
            "--region",
            "us-east-1",
            "--out-dir",
            out_s,
            "--quiet",
        ],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = entries(&out);
    assert_eq!(before.len(), 2, "{before:?}");
    let latest = std::fs::read_link(out.join("latest")).unwrap();

    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let p = proxy::start(&emu.url, stuck());
        let child = spawn(
            p.url(),
            &[
                "audit",
                "--region",
                "us-east-1",
                "--out-dir",
                out_s,
                "--quiet",
            ],
        );
        let (got, stderr) = interrupt_when(&p, "ec2:DescribeVpcs", child, signal);
        assert_eq!(got, code, "SIG{signal}: {stderr}");
        assert!(
            stderr.contains(&format!("interrupted (SIG{signal})")),
            "SIG{signal}: {stderr}"
        );
        assert_eq!(entries(&out), before, "SIG{signal} left something behind");
        assert_eq!(std::fs::read_link(out.join("latest")).unwrap(), latest);
    }
}

#[test]
fn an_interrupted_scan_writes_no_file() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let p = proxy::start(&emu.url, stuck());
    let child = spawn(
        p.url(),
        &[
            "scan",
            "--region",
            "us-east-1",
            "--out",
            snap.to_str().unwrap(),
            "--quiet",
        ],
    );
    let (code, stderr) = interrupt_when(&p, "ec2:DescribeVpcs", child, "INT");
    assert_eq!(code, 130, "{stderr}");
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

/// Sets a file's or folder's modification time `secs` into the past.
fn age(path: &Path, secs: u64) {
    let t = std::time::SystemTime::now() - Duration::from_secs(secs);
    std::fs::File::open(path).unwrap().set_modified(t).unwrap();
}

#[test]
fn what_a_killed_run_left_is_removed_by_the_next_run() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs");
    std::fs::create_dir(&out).unwrap();
    // What SIGKILL leaves: a run being built (with a temp file being
    // written inside), a `latest` link being swapped in.
    let partial = out.join(".rampart-run-20261205T010000Z.partial");
    std::fs::create_dir(&partial).unwrap();
    std::fs::write(partial.join("snapshot.json"), b"{}").unwrap();
    std::fs::write(partial.join(".rampart-Zz99yY.tmp"), b"<").unwrap();
    age(&partial, 30);
    let link = out.join(".latest-20261205T010000Z");
    std::os::unix::fs::symlink("20261205T010000Z", &link).unwrap();
    // The link itself, not what it points at (coreutils' touch -h).
    let touched = Command::new("touch")
        .args(["-h", "-d", "1 minute ago"])
        .arg(&link)
        .status()
        .expect("touch");
    assert!(touched.success());
    // Someone else's files are never touched.
    std::fs::write(out.join("notes.txt"), b"mine").unwrap();
    std::fs::write(out.join(".rampart-notours.tmp"), b"x").unwrap();

    let run = rampart_on(
        &emu,
        &[
            "audit",
            "--region",
            "us-east-1",
            "--out-dir",
            out.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let left = entries(&out);
    assert_eq!(left.len(), 4, "{left:?}");
    assert!(
        !left
            .iter()
            .any(|e| e.starts_with(".rampart-run-") || e.starts_with(".latest-")),
        "{left:?}"
    );
    assert!(left.contains(&"notes.txt".to_string()), "{left:?}");
    assert!(
        left.contains(&".rampart-notours.tmp".to_string()),
        "{left:?}"
    );
    assert!(left.contains(&"latest".to_string()), "{left:?}");

    // `scan --out` sweeps the directory it writes to.
    let snapdir = dir.path().join("snaps");
    std::fs::create_dir(&snapdir).unwrap();
    let stale = snapdir.join(".rampart-Qq11Ww.tmp");
    std::fs::write(&stale, b"<Describe").unwrap();
    age(&stale, 30);
    let snap = snapdir.join("s.json");
    let run = rampart_on(
        &emu,
        &[
            "scan",
            "--region",
            "us-east-1",
            "--out",
            snap.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(entries(&snapdir), vec!["s.json".to_string()]);
}
