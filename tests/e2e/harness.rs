//! Test harness: a private moto server per test (started and stopped through
//! `localstack/emu`, on a free loopback port), scenario seeding with its
//! manifest, and a runner for the real `rampart` binary with a clean,
//! emulator-only environment (no profile files, no instance metadata, no
//! endpoint but the emulator's).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rampart_model::Snapshot;
use serde_json::Value;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

fn emu_script() -> PathBuf {
    repo_root().join("localstack/emu")
}

/// One running moto server, stopped on drop.
pub struct Emulator {
    pub url: String,
    state: tempfile::TempDir,
}

impl Emulator {
    /// Runs a Python snippet with the emulator venv's interpreter (boto3
    /// and moto's client side), `argv[1]` the emulator's endpoint and then
    /// `args`; returns its stdout. Test setup only: rampart never runs it.
    pub fn python(&self, snippet: &str, args: &[&str]) -> String {
        let out = Command::new(repo_root().join(".venv-emu/bin/python"))
            .arg("-c")
            .arg(snippet)
            .arg(&self.url)
            .args(args)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .output()
            .expect("run the emulator's python");
        assert!(
            out.status.success(),
            "python snippet failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn start() -> Emulator {
        let venv = repo_root().join(".venv-emu/bin/moto_server");
        assert!(
            venv.exists(),
            "the emulator is not installed: run `make emu-install` (or `localstack/emu install`) first"
        );
        let state = tempfile::Builder::new()
            .prefix("rampart-e2e-")
            .tempdir()
            .expect("temp dir");
        let out = Command::new(emu_script())
            .args(["start", "--state-dir"])
            .arg(state.path())
            .output()
            .expect("run localstack/emu start");
        assert!(
            out.status.success(),
            "emu start failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "unexpected emulator URL {url:?}"
        );
        Emulator { url, state }
    }

    /// Seeds a scenario and returns its manifest.
    pub fn seed(&self, scenario: &str) -> Value {
        let manifest = self.state.path().join(format!("{scenario}.manifest.json"));
        let out = Command::new(emu_script())
            .args(["seed", scenario, "--endpoint", &self.url, "--manifest"])
            .arg(&manifest)
            .output()
            .expect("run localstack/emu seed");
        assert!(
            out.status.success(),
            "seeding {scenario} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&std::fs::read(&manifest).expect("manifest")).expect("manifest JSON")
    }

    /// Applies a named change set (localstack/change.py) to a seeded
    /// account and returns the updated manifest.
    pub fn change(&self, name: &str, manifest: &Value) -> Value {
        let path = self.state.path().join(format!("{name}.manifest.json"));
        std::fs::write(&path, serde_json::to_vec(manifest).unwrap()).expect("write manifest");
        let out = Command::new(emu_script())
            .args(["change", name, "--endpoint", &self.url, "--manifest"])
            .arg(&path)
            .output()
            .expect("run localstack/emu change");
        assert!(
            out.status.success(),
            "change {name} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&std::fs::read(&path).expect("manifest")).expect("manifest JSON")
    }

    pub fn dir(&self) -> &Path {
        self.state.path()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = Command::new(emu_script())
            .args(["stop", "--state-dir"])
            .arg(self.state.path())
            .output();
    }
}

/// The result of one `rampart` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Removes the caller's AWS and logging settings from `cmd`, so a test
/// sees only the environment it gives.
pub fn scrub(cmd: &mut Command) {
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/rampart-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rampart-test-credentials",
        )
        // Never let the credential chain try the instance metadata address.
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

/// Runs `rampart ARGS` under `script` (util-linux), so its stdout and
/// stderr are a terminal 100 columns wide, with only `env` on top of a
/// scrubbed environment (and no `NO_COLOR`). Returns what the terminal saw.
pub fn on_a_terminal(args: &[&str], env: &[(&str, &str)]) -> String {
    let bin = env!("CARGO_BIN_EXE_rampart");
    let command = std::iter::once(bin)
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &command, "/dev/null"]);
    scrub(&mut cmd);
    cmd.env_remove("NO_COLOR")
        .env("COLUMNS", "100")
        .env("LINES", "40");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("script (util-linux) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `rampart` with only the given environment on top of a scrubbed one.
pub fn rampart(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.args(args);
    scrub(&mut cmd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::from(cmd.output().expect("run rampart"))
}

/// The environment that points rampart at an emulator with fake credentials.
pub fn emulator_env(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", url.to_string()),
        ("AWS_ACCESS_KEY_ID", "test".into()),
        ("AWS_SECRET_ACCESS_KEY", "test".into()),
        ("AWS_REGION", "us-east-1".into()),
    ]
}

/// The emulator environment as `rampart` takes it.
pub fn env_of(emu: &Emulator) -> Vec<(&'static str, String)> {
    emulator_env(&emu.url)
}

/// Runs `rampart ARGS` against the emulator.
pub fn rampart_on(emu: &Emulator, args: &[&str]) -> Run {
    let env = env_of(emu);
    let all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    rampart(args, &all)
}

/// `rampart audit` of the emulator's two seeded regions into `out`, quiet.
pub fn audit_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "audit",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--out-dir",
        out,
        "--quiet",
    ];
    args.extend_from_slice(extra);
    args
}

/// Scans the emulator's two seeded regions into `out` and loads the result.
pub fn scan(emu: &Emulator, out: &Path, extra_env: &[(&str, &str)]) -> (Run, Option<Snapshot>) {
    let env = emulator_env(&emu.url);
    let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    all.extend_from_slice(extra_env);
    let out_s = out.to_str().expect("utf-8 path");
    let run = rampart(
        &[
            "scan",
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
            "--out",
            out_s,
        ],
        &all,
    );
    let snapshot = out
        .exists()
        .then(|| Snapshot::load(out).expect("snapshot loads"));
    (run, snapshot)
}

/// A string field of the manifest, by JSON pointer.
pub fn m<'a>(manifest: &'a Value, pointer: &str) -> &'a str {
    manifest
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("manifest has no string at {pointer}"))
}

/// A list of strings in the manifest, by JSON pointer.
pub fn ms(manifest: &Value, pointer: &str) -> Vec<String> {
    manifest
        .pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("manifest has no list at {pointer}"))
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect()
}

/// Saves a real (empty-account, complete) snapshot through the model at
/// `path`: for tests that need a valid file to evaluate, not an account.
pub fn save_empty_snapshot(path: &Path) {
    Snapshot {
        cloudfront: None,
        shield: None,
        schema_version: rampart_model::SCHEMA_VERSION,
        tool: rampart_model::ToolInfo {
            name: "rampart".into(),
            version: rampart_model::TOOL_VERSION.into(),
        },
        collected_at: rampart_model::time::OffsetDateTime::UNIX_EPOCH,
        scan_duration_ms: 0,
        account_id: "123456789012".into(),
        partition: "aws".into(),
        caller_arn: "arn:aws:iam::123456789012:user/audit".into(),
        credential_source: None,
        api_calls: Default::default(),
        collection_errors: vec![],
        iam: Default::default(),
        regions: Default::default(),
    }
    .save(path)
    .unwrap();
}

/// The one line a rejected command prints on stderr, `rampart: error:
/// ...`, with no panic or backtrace beside it.
pub fn one_error_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        1,
        "expected one line on stderr, got:\n{stderr}"
    );
    assert!(lines[0].starts_with("rampart: error: "), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    lines[0]
}
