//! No secrets, safe files. rampart reads an account with credentials and
//! writes files that get shared; neither may carry a secret, and a file it
//! writes must be private and never land where a planted link points.
//!
//! - The demo account with the `secrets` change set (credential-shaped
//!   tags on the legacy instance; user data with a known secret on the
//!   hardened instances), scanned with distinctive fake credentials in the
//!   environment and `-vv`: no credential, session token, user-data secret
//!   or SigV4 signature is in the snapshot, any report format, the audit
//!   folder, `summary`, `paths`, or the stdout/stderr of any of those runs;
//!   the credential-shaped tags are in the snapshot as the redaction marker.
//!   Nor is what the demo's containers hold that AWS answers and rampart
//!   never keeps: the hardened task definition's environment value and
//!   secret source, and a Cloud Map instance's custom attribute.
//! - The hardened task definition's environment value and secret source
//!   (`ecs:DescribeTaskDefinition` answers both) are in neither the
//!   snapshot nor any report, and its secret is counted.
//! - The SDK's own debug and trace logging (`RUST_LOG=trace`, with an
//!   assumed role) prints no access key id, secret, token or signature.
//! - Output files are mode 0600, replace (never write through) whatever
//!   was at the path, refuse a planted symlink (exit 2, one line naming the
//!   file, its target untouched), and a write that fails half-way leaves no
//!   partial file at the path. The model's unit tests cover `write_atomic`
//!   itself; these run the real commands.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use rampart_model::Snapshot;

use crate::harness::{
    Emulator, Run, emulator_env, m, one_error_line, rampart, save_empty_snapshot,
};

/// Fake credentials for the environment: shaped like real ones,
/// recognisable, valid nowhere (moto accepts any).
const ENV_ACCESS_KEY_ID: &str = "AKIARAMPARTENVKEY001";
const ENV_SECRET_ACCESS_KEY: &str = "rampartENVsecretKEY+0123456789ABCDEFGHIJ";
const ENV_SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjRAMPARTENVSESSIONTOKEN/0123456789abcdefghijklmnopqrstuvwxyz+ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef==";

/// What the collector puts in place of a credential-shaped tag value.
const MARKER: &str = "[redacted by rampart: looks like a credential]";

const FORMATS: [&str; 6] = ["table", "json", "sarif", "csv", "html", "ocsf"];

/// The emulator environment with the fake credentials (and a session
/// token) in place of the harness's `test`/`test`.
fn secret_env(emu: &Emulator) -> Vec<(&'static str, String)> {
    let mut env = emulator_env(&emu.url);
    for (k, v) in &mut env {
        match *k {
            "AWS_ACCESS_KEY_ID" => *v = ENV_ACCESS_KEY_ID.into(),
            "AWS_SECRET_ACCESS_KEY" => *v = ENV_SECRET_ACCESS_KEY.into(),
            _ => {}
        }
    }
    env.push(("AWS_SESSION_TOKEN", ENV_SESSION_TOKEN.into()));
    env
}

fn run_with(env: &[(&'static str, String)], extra: &[(&str, &str)], args: &[&str]) -> Run {
    let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    all.extend_from_slice(extra);
    rampart(args, &all)
}

/// Every secret of the scenario, by what it is.
fn secrets(man: &serde_json::Value) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", ENV_ACCESS_KEY_ID.into()),
        ("AWS_SECRET_ACCESS_KEY", ENV_SECRET_ACCESS_KEY.into()),
        ("AWS_SESSION_TOKEN", ENV_SESSION_TOKEN.into()),
        // Distinctive middles too, so a truncated or re-wrapped copy counts.
        ("part of AWS_SECRET_ACCESS_KEY", "rampartENVsecret".into()),
        ("part of AWS_SESSION_TOKEN", "RAMPARTENVSESSIONTOKEN".into()),
        ("user-data secret", m(man, "/userdata_secret").into()),
        (
            "tagged access key id",
            m(man, "/secrets/access_key_id").into(),
        ),
        ("tagged secret key", m(man, "/secrets/secret_key").into()),
        (
            "tagged session token",
            m(man, "/secrets/session_token").into(),
        ),
        // What ECS and Cloud Map answer and the snapshot never keeps.
        (
            "task environment value",
            m(man, "/containers/secrets/task_env").into(),
        ),
        (
            "task secret source",
            m(man, "/containers/secrets/task_secret_value_from").into(),
        ),
        (
            "Cloud Map custom attribute",
            m(man, "/containers/secrets/cloudmap_attribute").into(),
        ),
        // The header value CloudFront and the ALB share (phase `cloudfront`).
        (
            "CloudFront origin header value",
            m(man, "/cloudfront/distributions/alb-edge/origin_secret").into(),
        ),
    ]
}

/// Removes ANSI escape sequences (the log formatter colours field names).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The base64 openings of STS session tokens.
const TOKEN_PREFIXES: [&str; 4] = ["AQoDYXdz", "FwoGZXIvYXdz", "FQoGZXIvYXdz", "IQoJb3JpZ2lu"];

/// What of `secrets` or of SigV4 signing material `text` contains: each
/// secret verbatim; the signing algorithm's name (in every Authorization
/// header, presigned query and string to sign); a `Signature=` parameter;
/// any run of 64 hex digits (a signature, a signing key, a payload hash);
/// and, known or not (an assumed role's), any access key id of a
/// credential (AKIA/ASIA + 16) or session token (by its opening).
fn leaks(secrets: &[(&'static str, String)], text: &str) -> Vec<String> {
    let text = strip_ansi(text);
    let mut found: Vec<String> = secrets
        .iter()
        .filter(|(_, v)| text.contains(v.as_str()))
        .map(|(what, _)| (*what).to_string())
        .collect();
    let lower = text.to_ascii_lowercase();
    for material in ["aws4-hmac-sha256", "signature=", "x-amz-signature"] {
        if let Some(at) = lower.find(material) {
            found.push(format!("SigV4 material {:?}", excerpt(&text, at)));
        }
    }
    let bytes = text.as_bytes();
    let runs = |keep: fn(&u8) -> bool| -> Vec<(usize, usize)> {
        let mut out = vec![];
        let mut start = None;
        for (i, b) in bytes.iter().chain([&b' ']).enumerate() {
            match (keep(b), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        out
    };
    let upper_alnum: fn(&u8) -> bool = |b| b.is_ascii_uppercase() || b.is_ascii_digit();
    for (s, e) in runs(upper_alnum) {
        let run = &text[s..e];
        if run.len() == 20 && (run.starts_with("AKIA") || run.starts_with("ASIA")) {
            found.push(format!("access key id {run}"));
        }
    }
    let base64: fn(&u8) -> bool = |b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
    for (s, e) in runs(base64) {
        let run = &text[s..e];
        if TOKEN_PREFIXES
            .iter()
            .any(|p| run.starts_with(p) && run.len() >= p.len() + 16)
        {
            found.push(format!("session token {run}"));
        }
    }
    for (s, e) in runs(u8::is_ascii_hexdigit) {
        if e - s >= 64 {
            found.push(format!("64+ hex digits {:?}", &text[s..e]));
        }
    }
    // Most telling first; each once.
    let mut seen = std::collections::BTreeSet::new();
    found.retain(|f| seen.insert(f.clone()));
    found
}

fn excerpt(text: &str, at: usize) -> String {
    text[at..].chars().take(80).collect()
}

/// Everything one scenario produced, by where it came from.
#[derive(Default)]
struct Evidence(Vec<(String, String)>);

impl Evidence {
    fn run(&mut self, label: &str, run: &Run) {
        self.0
            .push((format!("{label}: stdout"), run.stdout.clone()));
        self.0
            .push((format!("{label}: stderr"), run.stderr.clone()));
    }

    /// Every regular file under `dir` (symlinks are not followed: `latest`
    /// points at a folder that is read on its own).
    fn files(&mut self, dir: &Path) {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let p = entry.unwrap().path();
                let meta = std::fs::symlink_metadata(&p).unwrap();
                if meta.is_dir() {
                    stack.push(p);
                } else if meta.is_file() {
                    let bytes = std::fs::read(&p).unwrap();
                    self.0.push((
                        p.display().to_string(),
                        String::from_utf8_lossy(&bytes).into_owned(),
                    ));
                }
            }
        }
    }

    /// Panics naming what leaked where (a few of each source's leaks).
    fn assert_clean(&self, secrets: &[(&'static str, String)]) {
        let mut report = vec![];
        for (source, text) in &self.0 {
            let found = leaks(secrets, text);
            if found.is_empty() {
                continue;
            }
            report.push(format!("{source}: {} leak(s)", found.len()));
            report.extend(found.iter().take(8).map(|f| format!("  {f}")));
        }
        assert!(report.is_empty(), "secrets leaked:\n{}", report.join("\n"));
    }
}

#[test]
fn no_credential_user_data_or_signature_reaches_any_artefact_or_log() {
    let emu = Emulator::start();
    let man = emu.seed("demo");
    let man = emu.change("secrets", &man);
    let env = secret_env(&emu);
    let out = emu.dir().join("artefacts");
    std::fs::create_dir(&out).unwrap();
    let mut evidence = Evidence::default();

    let snap = out.join("snapshot.json");
    let s = snap.to_str().unwrap();
    let scan = run_with(
        &env,
        &[],
        &[
            "scan",
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
            "--out",
            s,
            "-vv",
        ],
    );
    assert_eq!(scan.code, 0, "{}\n{}", scan.stdout, scan.stderr);
    assert!(
        scan.stderr.contains("DEBUG"),
        "-vv logs at debug level: {}",
        scan.stderr
    );
    evidence.run("scan -vv", &scan);

    for format in FORMATS {
        let file = out.join(format!("report-{format}"));
        let run = run_with(
            &env,
            &[],
            &[
                "check",
                s,
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
                "-vv",
            ],
        );
        assert_eq!(run.code, 0, "check --format {format}: {}", run.stderr);
        evidence.run(&format!("check --format {format} --output"), &run);
        let run = run_with(&env, &[], &["check", s, "--format", format, "-vv"]);
        assert_eq!(run.code, 0, "check --format {format}: {}", run.stderr);
        assert!(!run.stdout.is_empty());
        evidence.run(&format!("check --format {format} (stdout)"), &run);
    }
    let run = run_with(&env, &[], &["summary", s, "-vv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    evidence.run("summary -vv", &run);
    for format in ["table", "json", "dot"] {
        let run = run_with(&env, &[], &["paths", s, "--format", format, "-vv"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        evidence.run(&format!("paths --format {format} -vv"), &run);
    }

    let audit_dir = out.join("audit");
    let mut args = vec![
        "audit",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--out-dir",
        audit_dir.to_str().unwrap(),
        "-vv",
    ];
    for f in FORMATS {
        args.extend(["--format", f]);
    }
    let run = run_with(&env, &[], &args);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    evidence.run("audit -vv", &run);

    evidence.files(&out);
    let files = evidence
        .0
        .iter()
        .filter(|(l, _)| l.starts_with('/'))
        .count();
    assert_eq!(
        files,
        1 + FORMATS.len() + 1 + FORMATS.len(),
        "files: {files}"
    );
    evidence.assert_clean(&secrets(&man));

    // The credential-shaped tags were collected as the marker; ordinary
    // tags on the same instance were not touched.
    let snapshot = Snapshot::load(&snap).unwrap();
    let legacy_id = m(&man, "/secrets/tagged");
    let legacy = snapshot.regions["us-east-1"]
        .ec2
        .instances
        .iter()
        .find(|i| i.instance_id == legacy_id)
        .expect("legacy instance");
    for key in ["aws_access_key_id", "aws_secret_access_key", "note"] {
        assert_eq!(
            legacy.tags.get(key).map(String::as_str),
            Some(MARKER),
            "tag {key}: {:?}",
            legacy.tags
        );
    }
    let name = legacy.tags.get("Name").expect("Name tag");
    assert!(!name.is_empty() && name != MARKER, "{name}");

    // The trail was collected, but not where it delivers: DescribeTrails
    // answers its bucket, which the snapshot never keeps.
    let trail = m(&man, "/detect/trail_arn");
    assert!(
        snapshot.regions["us-east-1"]
            .cloudtrail
            .as_ref()
            .is_some_and(|c| c.trails.iter().any(|t| t.arn == trail)),
        "the seeded trail {trail} was collected"
    );
    let raw = std::fs::read_to_string(&snap).unwrap();
    let bucket = m(&man, "/detect/trail_bucket");
    assert!(
        !raw.contains(bucket),
        "the trail's bucket {bucket} is in the snapshot"
    );
}

/// `ecs:DescribeTaskDefinition` answers every container's environment and
/// its secrets' sources; the snapshot keeps neither (only how many secrets
/// a container references), so neither reaches a report.
#[test]
fn task_definition_environment_and_secret_sources_never_reach_the_snapshot() {
    let emu = Emulator::start();
    let man = emu.seed("demo");
    let env = emulator_env(&emu.url);
    let out = emu.dir().join("containers");
    std::fs::create_dir(&out).unwrap();
    let snap = out.join("snapshot.json");
    let s = snap.to_str().unwrap();
    let scan = run_with(&env, &[], &["scan", "--region", "us-east-1", "--out", s]);
    assert_eq!(scan.code, 0, "{}\n{}", scan.stdout, scan.stderr);

    // Not vacuous: the task definition that holds both was collected,
    // with its one secret counted.
    let snapshot = Snapshot::load(&snap).unwrap();
    let arn = m(&man, "/containers/hardened/task_definition_arn");
    let def = snapshot.regions["us-east-1"]
        .ecs
        .as_ref()
        .and_then(|e| e.task_definition(arn))
        .unwrap_or_else(|| panic!("the seeded task definition {arn} was collected"));
    let counted: Vec<u32> = def
        .containers
        .iter()
        .map(|c| c.secrets_referenced)
        .collect();
    assert_eq!(counted, [1], "{def:?}");

    let mut evidence = Evidence::default();
    evidence.run("scan", &scan);
    for format in FORMATS {
        let file = out.join(format!("report-{format}"));
        let run = run_with(
            &env,
            &[],
            &[
                "check",
                s,
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "check --format {format}: {}", run.stderr);
        evidence.run(&format!("check --format {format}"), &run);
    }
    evidence.files(&out);
    assert_eq!(evidence.0.len(), 2 + 2 * FORMATS.len() + 1 + FORMATS.len());
    // The hardened task definition's environment value and secret source,
    // and the custom attribute of the Cloud Map instance ECS registers
    // (the seed's `containers` phase).
    let secrets = [
        (
            "task environment value",
            m(&man, "/containers/secrets/task_env"),
        ),
        (
            "task secret source",
            m(&man, "/containers/secrets/task_secret_value_from"),
        ),
        (
            "Cloud Map custom attribute",
            m(&man, "/containers/secrets/cloudmap_attribute"),
        ),
        (
            "CloudFront origin header value",
            m(&man, "/cloudfront/distributions/alb-edge/origin_secret"),
        ),
        // The distinctive part alone, so a cut or re-encoded copy counts.
        ("part of a seeded secret", "RAMPART-FAKE-SECRET"),
    ];
    for (what, secret) in &secrets[..4] {
        assert!(secret.contains("RAMPART-FAKE-SECRET"), "{what}: {secret}");
    }
    for (source, text) in &evidence.0 {
        for (what, secret) in &secrets {
            assert!(!text.contains(secret), "{what} in {source}");
        }
    }
}

#[test]
fn sdk_logs_never_print_credentials_even_at_trace() {
    let emu = Emulator::start();
    let man = emu.seed("demo");
    let man = emu.change("secrets", &man);
    let env = secret_env(&emu);
    let mut evidence = Evidence::default();
    // An assumed role adds temporary credentials (moto's AssumeRole
    // answers with an ASIA key, a secret and a token) to what the SDK
    // could print; `leaks` catches any access key id by its shape.
    let role = format!("arn:aws:iam::{}:role/rampart-audit", m(&man, "/account"));
    for (label, log) in [("-vv", None), ("RUST_LOG=trace", Some("trace"))] {
        let snap = emu
            .dir()
            .join(format!("trace-{}.json", log.unwrap_or("vv")));
        let mut args = vec![
            "scan",
            "--region",
            "us-east-1",
            "--role-arn",
            &role,
            "--out",
            snap.to_str().unwrap(),
        ];
        let extra: Vec<(&str, &str)> = match log {
            Some(level) => vec![("RUST_LOG", level)],
            None => {
                args.push("-vv");
                vec![]
            }
        };
        let run = run_with(&env, &extra, &args);
        assert_eq!(run.code, 0, "{label}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(if log.is_some() { "TRACE" } else { "DEBUG" }),
            "{label} logs: {}",
            run.stderr
        );
        evidence.run(&format!("scan --role-arn {label}"), &run);
    }
    evidence.assert_clean(&secrets(&man));
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn assert_private(p: &Path, what: &str) {
    let mode = mode(p);
    assert!(
        mode == 0o600,
        "{what}: {} has mode {mode:o}, not 600",
        p.display()
    );
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn output_files_are_private_and_replace_what_was_there() {
    let emu = Emulator::start();
    let env = emulator_env(&emu.url);
    let dir = emu.dir().join("private");
    std::fs::create_dir(&dir).unwrap();

    // scan --out: a new file, 0600 whatever the umask allows.
    let snap = dir.join("scan.json");
    let run = run_with(
        &env,
        &[],
        &[
            "scan",
            "--region",
            "us-east-1",
            "--out",
            snap.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_private(&snap, "scan --out");

    // check --output: 0600 in every format, also over an existing
    // world-readable file, which is replaced, not written through: another
    // hard link to the old file keeps the old bytes.
    let s = snap.to_str().unwrap();
    for format in FORMATS {
        let out = dir.join(format!("report-{format}"));
        let other = dir.join(format!("other-link-{format}"));
        std::fs::write(&out, "old report\n").unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::hard_link(&out, &other).unwrap();
        let run = run_with(
            &env,
            &[],
            &[
                "check",
                s,
                "--format",
                format,
                "--output",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert_private(&out, &format!("check --format {format} --output"));
        assert_ne!(std::fs::read_to_string(&out).unwrap(), "old report\n");
        assert_eq!(
            std::fs::read_to_string(&other).unwrap(),
            "old report\n",
            "{format}: the old file was written through"
        );
        assert_eq!(mode(&other), 0o644);
    }
    // No temp files left behind.
    assert!(
        names(&dir).iter().all(|n| !n.starts_with('.')),
        "{:?}",
        names(&dir)
    );
}

#[test]
fn a_planted_symlink_is_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    save_empty_snapshot(&snap);
    let s = snap.to_str().unwrap();
    let precious = dir.path().join("precious");
    std::fs::write(&precious, "keep me\n").unwrap();
    let missing = dir.path().join("not-yet-there");

    for (what, target) in [("to a file", &precious), ("dangling", &missing)] {
        for flag in ["--out", "--output"] {
            let link = dir.path().join(format!("link{flag}"));
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(target, &link).unwrap();
            let l = link.to_str().unwrap();
            // scan refuses before connecting: no endpoint or credentials needed.
            let args: Vec<&str> = match flag {
                "--out" => vec!["scan", "--region", "us-east-1", "--out", l],
                _ => vec!["check", s, "--format", "html", "--output", l],
            };
            let run = rampart(&args, &[]);
            assert_eq!(run.code, 2, "{flag} {what}: {}", run.stderr);
            let line = one_error_line(&run.stderr);
            assert!(
                line.contains(l) && line.contains("symbolic link") && line.contains(flag),
                "{flag} {what}: {line}"
            );
            assert!(
                std::fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink(),
                "{flag} {what}: the link was replaced"
            );
            assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me\n");
            assert!(
                !missing.exists(),
                "{flag} {what}: the link's target was created"
            );
        }
    }
    assert_eq!(
        names(dir.path()),
        ["link--out", "link--output", "precious", "snap.json"]
    );
}

/// Runs `rampart ARGS` with a file size limit of `kib` KiB (RLIMIT_FSIZE,
/// root obeys it too), with SIGXFSZ ignored (writes past the limit fail
/// with EFBIG, an ordinary I/O error) or left to kill the process
/// mid-write (a crash).
fn rampart_with_size_limit(args: &[&str], kib: u32, crash: bool) -> Run {
    // `ulimit -f` counts 512-byte blocks in POSIX sh (1024 in bash): the
    // limit is at most `kib` KiB either way. No core file from the crash.
    let script = format!(
        "{}ulimit -c 0; ulimit -f {kib}; exec \"$0\" \"$@\"",
        if crash { "" } else { "trap '' XFSZ; " },
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run rampart under sh");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_write_that_fails_half_way_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    save_empty_snapshot(&snap);
    let s = snap.to_str().unwrap();
    // The HTML report of even an empty account is far over 2 KiB.
    let html = dir.path().join("full.html");
    let run = rampart(
        &[
            "check",
            s,
            "--format",
            "html",
            "--output",
            html.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::metadata(&html).unwrap().len() > 8 * 1024);

    // A new file: an I/O error mid-write is one line naming the file and
    // the flag, exit 2, and nothing at the path or beside it.
    let new: PathBuf = dir.path().join("new.html");
    let n = new.to_str().unwrap();
    let args = ["check", s, "--format", "html", "--output", n];
    let run = rampart_with_size_limit(&args, 2, false);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let line = one_error_line(&run.stderr);
    assert!(line.contains(n) && line.contains("(--output)"), "{line}");
    assert!(!new.exists(), "a partial report was left at {n}");

    // An existing file keeps its old bytes.
    let old = dir.path().join("old.html");
    std::fs::write(&old, "previous report\n").unwrap();
    let o = old.to_str().unwrap();
    let run = rampart_with_size_limit(&["check", s, "--format", "html", "--output", o], 2, false);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "previous report\n");
    assert_eq!(
        names(dir.path()),
        ["full.html", "old.html", "snap.json"],
        "temp files left behind"
    );

    // Killed mid-write (SIGXFSZ): the path still has the old bytes or
    // nothing. What a dead process cannot remove is its hidden temp file
    // (`.rampart-*.tmp`, mode 0600); that is all that may be left.
    let run = rampart_with_size_limit(&["check", s, "--format", "html", "--output", o], 2, true);
    assert_ne!(run.code, 0, "not killed: {}", run.stderr);
    let run = rampart_with_size_limit(&args, 2, true);
    assert_ne!(run.code, 0, "not killed: {}", run.stderr);
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "previous report\n");
    assert!(!new.exists(), "a partial report was left at {n}");
    for name in names(dir.path()) {
        if ["full.html", "old.html", "snap.json"].contains(&name.as_str()) {
            continue;
        }
        assert!(
            name.starts_with(".rampart-") && name.ends_with(".tmp"),
            "unexpected {name}"
        );
        assert_private(&dir.path().join(&name), "a crashed write's temp file");
    }
}

#[test]
fn the_leak_detector_finds_what_it_looks_for() {
    let secrets = vec![("a secret", "s3cr3t-VALUE".to_string())];
    let signed = "authorization: AWS4-HMAC-SHA256 Credential=ASIAY34FZKBOKMUTVV7A/20261122/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
    let found = leaks(&secrets, signed);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert_eq!(
        leaks(
            &secrets,
            "X-Amz-Security-Token: FQoGZXIvYXdzEBYaDrandomTOKENbody0123"
        ),
        ["session token FQoGZXIvYXdzEBYaDrandomTOKENbody0123"]
    );
    assert!(found.iter().any(|f| f.contains("SigV4")));
    assert!(found.iter().any(|f| f.starts_with("64+ hex")));
    assert!(
        found
            .iter()
            .any(|f| f == "access key id ASIAY34FZKBOKMUTVV7A")
    );
    // Colour codes around a value do not hide it.
    assert_eq!(
        leaks(&secrets, "\x1b[3mkey\x1b[0m=\x1b[2ms3cr3t-VALUE\x1b[0m"),
        ["a secret"]
    );
    // What the reports legitimately contain is not a leak.
    assert!(
        leaks(
            &secrets,
            "sg-0123456789abcdef0 i-0abc1234def567890 AROAEXAMPLEROLEID001 authorization_type NONE 3f2a9c1d4b5e6f708192a3b4c5d6e7f8091a2b3c"
        )
        .is_empty()
    );
}
