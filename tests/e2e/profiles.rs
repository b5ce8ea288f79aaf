//! Which credentials a scan uses (docs/cli.md, "Credential precedence"): a
//! named profile (`--profile`, or `AWS_PROFILE`) wins over keys in the
//! environment; an unknown profile is an error naming it and the files
//! read; an SSO profile without a cached token says how to get one; the
//! summary, the snapshot and the reports name the account and the source.

use std::path::Path;

use rampart_model::Snapshot;

use crate::harness::{Emulator, Run, emulator_env, one_error_line, rampart};

/// The account the profile's keys belong to (moto routes a request to the
/// account whose `sts:AssumeRole` issued its access key).
const PROFILE_ACCOUNT: &str = "222222222222";
/// moto's default account: where the environment's `test` keys land.
const ENV_ACCOUNT: &str = "123456789012";

/// Temporary keys of `arn:aws:iam::PROFILE_ACCOUNT:role/Audit`, issued by
/// the emulator: `(access key id, secret, session token)`.
fn profile_keys(emu: &Emulator) -> (String, String, String) {
    let out = emu.python(
        r#"
import sys, boto3
sts = boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
c = sts.assume_role(RoleArn=f"arn:aws:iam::{sys.argv[2]}:role/Audit",
                    RoleSessionName="profile-test")["Credentials"]
print(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
"#,
        &[PROFILE_ACCOUNT],
    );
    let mut it = out.split_whitespace().map(str::to_string);
    (it.next().unwrap(), it.next().unwrap(), it.next().unwrap())
}

/// Writes `config` and `credentials` under `dir`; returns their env.
fn profile_files(dir: &Path, config: &str, credentials: &str) -> Vec<(&'static str, String)> {
    let (c, k) = (dir.join("config"), dir.join("credentials"));
    std::fs::write(&c, config).unwrap();
    std::fs::write(&k, credentials).unwrap();
    vec![
        ("AWS_CONFIG_FILE", c.to_str().unwrap().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            k.to_str().unwrap().to_string(),
        ),
    ]
}

fn run_with(args: &[&str], env: &[(&'static str, String)]) -> Run {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    rampart(args, &env)
}

/// Regression (issue 14, item 1): with `AWS_ACCESS_KEY_ID` and
/// `AWS_SECRET_ACCESS_KEY` set, `--profile audit` was silently ignored (the
/// SDK's default chain puts the environment before the profile) and the
/// scan audited the environment's account. The named profile now wins,
/// given as `--profile` or as `AWS_PROFILE`, and the summary, the snapshot
/// and the report say which account and which source.
#[test]
fn a_named_profile_wins_over_keys_in_the_environment() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let (id, secret, token) = profile_keys(&emu);
    let mut env = emulator_env(&emu.url);
    env.extend(profile_files(
        dir.path(),
        "[profile audit]\nregion = us-east-1\n",
        &format!(
            "[audit]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n\
             aws_session_token = {token}\n"
        ),
    ));

    let scan = |name: &str, extra_args: &[&str], extra_env: &[(&'static str, &str)]| {
        let out = dir.path().join(format!("{name}.json"));
        let mut args = vec![
            "scan",
            "--quiet",
            "--region",
            "us-east-1",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra_args);
        let mut env = env.clone();
        env.extend(extra_env.iter().map(|(k, v)| (*k, v.to_string())));
        let run = run_with(&args, &env);
        assert_eq!(run.code, 0, "{name}: {}{}", run.stdout, run.stderr);
        (run, Snapshot::load(&out).expect("snapshot"), out)
    };

    // Control: no profile named, the environment's keys are used.
    let (run, snap, _) = scan("env", &[], &[]);
    assert_eq!(snap.account_id, ENV_ACCOUNT);
    assert_eq!(snap.credential_source.as_deref(), Some("environment"));
    assert!(
        run.stdout.contains(&format!("account {ENV_ACCOUNT}"))
            && run.stdout.contains("credentials: environment"),
        "{}",
        run.stdout
    );

    for (name, args, vars) in [
        ("flag", &["--profile", "audit"][..], &[][..]),
        ("variable", &[][..], &[("AWS_PROFILE", "audit")][..]),
    ] {
        let (run, snap, out) = scan(name, args, vars);
        assert_eq!(snap.account_id, PROFILE_ACCOUNT, "{name}");
        assert_eq!(
            snap.credential_source.as_deref(),
            Some("profile audit"),
            "{name}"
        );
        assert!(
            run.stdout.contains(&format!("account {PROFILE_ACCOUNT}"))
                && run.stdout.contains("credentials: profile audit"),
            "{name}: {}",
            run.stdout
        );
        // The keys the profile overrode are named, once, on stderr.
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with("rampart: warning: ")
                    && l.contains("AWS_ACCESS_KEY_ID")
                    && l.contains("profile audit")),
            "{name}: {}",
            run.stderr
        );
        // The report's header says the same.
        let report = rampart(&["check", out.to_str().unwrap(), "--format", "json"], &[]);
        let json: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
        assert_eq!(json["snapshot"]["account_id"], PROFILE_ACCOUNT, "{name}");
        assert_eq!(
            json["snapshot"]["credential_source"], "profile audit",
            "{name}"
        );
    }

    // `audit` too: its closing lines name the account and the source.
    let out_dir = dir.path().join("audits");
    let run = run_with(
        &[
            "audit",
            "--quiet",
            "--profile",
            "audit",
            "--region",
            "us-east-1",
            "--out-dir",
            out_dir.to_str().unwrap(),
        ],
        &env,
    );
    assert_eq!(run.code, 0, "audit: {}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!("account {PROFILE_ACCOUNT}:"))
            && run.stdout.contains("credentials: profile audit"),
        "audit: {}",
        run.stdout
    );
}

/// Regression (issue 14, item 1): `--profile nosuch` with keys in the
/// environment exited 0 after scanning the environment's account. An
/// unknown profile is now an error (exit 2) naming it and the files read,
/// before any call; also when no region is configured anywhere, where the
/// error used to be "no region to scan" (the region comes from the
/// profile, so the profile is the first thing wrong).
#[test]
fn an_unknown_profile_is_an_error_naming_it_and_the_files_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut env = profile_files(
        dir.path(),
        "[profile audit]\nregion = us-east-1\n",
        "[audit]\naws_access_key_id = a\naws_secret_access_key = b\n",
    );
    // Nothing listens there: the error must come before any call.
    env.push(("AWS_ENDPOINT_URL", "http://127.0.0.1:1".into()));
    env.push(("AWS_ACCESS_KEY_ID", "test".into()));
    env.push(("AWS_SECRET_ACCESS_KEY", "test".into()));
    let out = dir.path().join("x.json");
    let config = dir.path().join("config");

    for (what, args, vars) in [
        (
            "--region",
            &["--profile", "nosuch", "--region", "us-east-1"][..],
            &[][..],
        ),
        ("no region", &["--profile", "nosuch"][..], &[][..]),
        (
            "AWS_PROFILE",
            &["--region", "us-east-1"][..],
            &[("AWS_PROFILE", "nosuch")][..],
        ),
    ] {
        let mut env = env.clone();
        env.extend(
            vars.iter()
                .map(|(k, v): &(&'static str, &str)| (*k, v.to_string())),
        );
        let mut all = vec!["scan", "--out", out.to_str().unwrap()];
        all.extend_from_slice(args);
        let run = run_with(&all, &env);
        assert_eq!(run.code, 2, "{what}: {}{}", run.stdout, run.stderr);
        let line = one_error_line(&run.stderr);
        assert!(line.contains("profile \"nosuch\""), "{what}: {line}");
        assert!(line.contains(config.to_str().unwrap()), "{what}: {line}");
        assert!(
            line.contains("audit"),
            "{what}: lists the profiles there: {line}"
        );
        assert!(!line.contains("no region"), "{what}: {line}");
        assert!(!out.exists());
    }
}

/// An SSO profile whose token is not in the cache (never logged in, or
/// logged out): the error says the command that fixes it, with the
/// profile's name, and the keys in the environment are not used instead.
#[test]
fn an_sso_profile_without_a_cached_token_says_aws_sso_login() {
    let dir = tempfile::tempdir().unwrap();
    let mut env = profile_files(
        dir.path(),
        "[profile corp-audit]\nsso_start_url = https://example.awsapps.com/start\n\
         sso_region = us-east-1\nsso_account_id = 111111111111\n\
         sso_role_name = SecurityAudit\nregion = us-east-1\n",
        "",
    );
    // An empty home: no ~/.aws/sso/cache.
    env.push(("HOME", dir.path().to_str().unwrap().to_string()));
    env.push(("AWS_ENDPOINT_URL", "http://127.0.0.1:1".into()));
    env.push(("AWS_ACCESS_KEY_ID", "test".into()));
    env.push(("AWS_SECRET_ACCESS_KEY", "test".into()));
    let out = dir.path().join("x.json");
    let run = run_with(
        &[
            "scan",
            "--profile",
            "corp-audit",
            "--out",
            out.to_str().unwrap(),
        ],
        &env,
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    // The warning that the environment's keys are not used may precede it.
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("rampart: error: "))
        .unwrap_or_else(|| panic!("no error line: {}", run.stderr));
    assert!(
        line.contains("aws sso login --profile corp-audit"),
        "{line}"
    );
    assert!(!out.exists());
}
