//! Bad input gets one clear line on stderr naming the culprit, exit code 2,
//! and no snapshot: unknown region, missing credentials, unreachable
//! endpoint, unwritable --out, a bad snapshot file for `summary`.

use crate::harness::{Emulator, emulator_env, one_error_line, rampart};

#[test]
fn unknown_region_is_a_usage_error() {
    let emu = Emulator::start();
    let env = emulator_env(&emu.url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = emu.dir().join("x.json");
    let run = rampart(
        &[
            "scan",
            "--region",
            "us-east-9",
            "--out",
            out.to_str().unwrap(),
        ],
        &env,
    );
    assert_eq!(run.code, 2);
    let line = one_error_line(&run.stderr);
    assert!(
        line.contains("unknown region \"us-east-9\" (--region)"),
        "{line}"
    );
    assert!(
        line.contains("us-east-1"),
        "lists the known regions: {line}"
    );
    assert!(!out.exists());
}

#[test]
fn missing_credentials_are_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.json");
    let run = rampart(
        &[
            "scan",
            "--region",
            "us-east-1",
            "--out",
            out.to_str().unwrap(),
        ],
        &[("AWS_ENDPOINT_URL", "http://127.0.0.1:1")],
    );
    assert_eq!(run.code, 2);
    let line = one_error_line(&run.stderr);
    assert!(line.contains("no AWS credentials found"), "{line}");
    assert!(!out.exists());
}

#[test]
fn unknown_profile_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.json");
    let run = rampart(
        &[
            "scan",
            "--profile",
            "nope",
            "--region",
            "us-east-1",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    let line = one_error_line(&run.stderr);
    assert!(
        line.contains("profile \"nope\" (--profile or AWS_PROFILE)"),
        "{line}"
    );
}

#[test]
fn unreachable_endpoint_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.json");
    let run = rampart(
        &[
            "scan",
            "--region",
            "us-east-1",
            "--out",
            out.to_str().unwrap(),
        ],
        &[
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
        ],
    );
    assert_eq!(run.code, 2);
    let line = one_error_line(&run.stderr);
    assert!(
        line.contains(
            "cannot reach the AWS sts endpoint http://127.0.0.1:1 (from AWS_ENDPOINT_URL)"
        ),
        "{line}"
    );
    assert!(line.contains("Connection refused"), "{line}");
}

#[test]
fn unwritable_out_is_a_usage_error_before_any_call() {
    // No endpoint at all: the --out check must come before the network.
    let run = rampart(
        &[
            "scan",
            "--region",
            "us-east-1",
            "--out",
            "/nonexistent-dir/snap.json",
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    let line = one_error_line(&run.stderr);
    assert!(
        line.contains("/nonexistent-dir/snap.json") && line.contains("(--out)"),
        "{line}"
    );

    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("/etc/passwd", &link).unwrap();
    let run = rampart(
        &[
            "scan",
            "--region",
            "us-east-1",
            "--out",
            link.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        one_error_line(&run.stderr).contains("symbolic link"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_role_arn_is_a_usage_error() {
    let run = rampart(
        &[
            "scan",
            "--region",
            "us-east-1",
            "--role-arn",
            "arn:aws:iam::123:user/x",
            "--out",
            "/tmp/never.json",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        one_error_line(&run.stderr).contains("--role-arn"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_snapshot_files_get_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 5] = [
        ("empty.json", "", "is empty"),
        (
            "truncated.json",
            "{\"schema_version\": 1, \"tool\": {",
            "is truncated",
        ),
        ("text.json", "hello", "is not JSON"),
        (
            "future.json",
            "{\"schema_version\": 99, \"new_field\": []}",
            "schema version 99",
        ),
        ("other.json", "{\"foo\": 1}", "is not a rampart snapshot"),
    ];
    for (name, body, want) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        // Every offline command loads snapshots the same way.
        for cmd in ["summary", "check", "paths"] {
            let run = rampart(&[cmd, p.to_str().unwrap()], &[]);
            assert_eq!(run.code, 2, "{cmd} {name}");
            let line = one_error_line(&run.stderr);
            assert!(
                line.contains(p.to_str().unwrap()) && line.contains(want),
                "{cmd} {name}: {line}"
            );
        }
    }
    let run = rampart(&["summary", "/nonexistent/snap.json"], &[]);
    assert_eq!(run.code, 2);
    assert!(one_error_line(&run.stderr).contains("cannot read snapshot /nonexistent/snap.json"));

    // diff and --baseline read snapshots or reports; a bad one of either
    // kind is named, with the flag where there is one.
    let report = dir.path().join("old-report.json");
    std::fs::write(
        &report,
        r#"{"schema_version": 7, "findings": [], "scorecards": []}"#,
    )
    .unwrap();
    for (args, want) in [
        (
            vec!["diff", "/nonexistent/a.json", report.to_str().unwrap()],
            "/nonexistent/a.json".to_string(),
        ),
        (
            vec![
                "diff",
                dir.path().join("text.json").to_str().unwrap(),
                report.to_str().unwrap(),
            ],
            "is not JSON".to_string(),
        ),
        (
            vec![
                "check",
                dir.path().join("future.json").to_str().unwrap(),
                "--baseline",
                report.to_str().unwrap(),
            ],
            "schema version 99".to_string(),
        ),
    ] {
        let run = rampart(&args, &[]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let line = one_error_line(&run.stderr);
        assert!(line.contains(&want), "{args:?}: {line}");
    }
}

#[test]
fn a_bad_baseline_or_config_is_named_with_its_flag() {
    let dir = tempfile::tempdir().unwrap();
    // A real (empty-account) snapshot to evaluate, written by the model.
    let snap = dir.path().join("snap.json");
    crate::harness::save_empty_snapshot(&snap);
    let s = snap.to_str().unwrap();
    let ok = rampart(&["check", s, "--baseline", s, "--fail-on-new"], &[]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);

    let report = dir.path().join("v7.json");
    std::fs::write(
        &report,
        r#"{"schema_version": 7, "findings": [], "scorecards": []}"#,
    )
    .unwrap();
    let run = rampart(&["check", s, "--baseline", report.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2);
    let line = one_error_line(&run.stderr);
    assert!(
        line.contains("v7.json")
            && line.contains("report schema version 7")
            && line.contains("--baseline"),
        "{line}"
    );

    let run = rampart(&["check", s, "--fail-on-new"], &[]);
    assert_eq!(run.code, 2);
    assert!(one_error_line(&run.stderr).contains("--fail-on-new needs --baseline"));

    let config = dir.path().join("rampart.toml");
    std::fs::write(
        &config,
        "[[suppress]]\ncheck = \"NET-005\"\nreason = \"ok\"\nexpires = 2027-02-30\n",
    )
    .unwrap();
    let run = rampart(&["check", s, "--config", config.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2);
    let line = one_error_line(&run.stderr);
    assert!(
        line.contains("rampart.toml, line 4")
            && line.contains("invalid date")
            && line.ends_with("(--config)"),
        "{line}"
    );
}
