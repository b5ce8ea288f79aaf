//! Commands that need no emulator: shell completions and the man page, both
//! generated from the clap definition, and `check` on a hand-built snapshot
//! under a `rampart.toml` (`--config`).

use crate::harness::{one_error_line, rampart};

const SUBCOMMANDS: [&str; 9] = [
    "scan",
    "summary",
    "check",
    "audit",
    "diff",
    "checks",
    "paths",
    "completions",
    "man",
];

#[test]
fn completions_bash_names_every_subcommand() {
    let run = rampart(&["completions", "bash"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(run.stdout.contains("_rampart()"), "{}", run.stdout);
    assert!(
        run.stdout.contains("complete -F _rampart"),
        "{}",
        run.stdout
    );
    for sub in SUBCOMMANDS {
        assert!(
            run.stdout.split_whitespace().any(|w| w == sub),
            "bash completion lacks {sub}"
        );
    }
    // Flags and value enums come from the same definition.
    for flag in [
        "--fail-on",
        "--min-severity",
        "--format",
        "--config",
        "--baseline",
        "--fail-on-new",
        "--out-dir",
        "--no-color",
    ] {
        assert!(run.stdout.contains(flag), "bash completion lacks {flag}");
    }
    assert!(
        run.stdout.contains("table json sarif csv html ocsf"),
        "check --format values: {}",
        run.stdout
    );
}

#[test]
fn completions_zsh_fish_powershell_elvish() {
    for (shell, marker) in [
        ("zsh", "#compdef rampart"),
        ("fish", "complete -c rampart"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[rampart]"),
    ] {
        let run = rampart(&["completions", shell], &[]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}: {}", run.stdout);
        assert!(run.stdout.contains("check"), "{shell}");
    }
    let zsh = rampart(&["completions", "zsh"], &[]);
    assert!(zsh.stdout.starts_with("#compdef rampart"), "{}", zsh.stdout);
}

#[test]
fn completions_unknown_shell_is_a_usage_error() {
    let run = rampart(&["completions", "tcsh"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("tcsh"), "{}", run.stderr);
    assert!(
        run.stderr.contains("bash"),
        "lists the valid shells: {}",
        run.stderr
    );
    let missing = rampart(&["completions"], &[]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
}

#[test]
fn man_page_is_roff_for_rampart_with_its_subcommands() {
    let run = rampart(&["man"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let page = &run.stdout;
    // clap_mangen opens with `.ie` / `.el` lines that pick the quote glyphs,
    // then the title header.
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{page}");
    let th = page
        .lines()
        .find(|l| l.starts_with(".TH "))
        .expect("a .TH line");
    assert!(th.starts_with(".TH rampart 1"), "{th}");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH SUBCOMMANDS",
    ] {
        assert!(page.contains(section), "man page lacks {section}");
    }
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!("rampart\\-{sub}(1)")),
            "man page lacks subcommand {sub}"
        );
    }
    // The long description carries the exit codes.
    assert!(page.contains("Exit codes"), "{page}");
}

/// A snapshot of one REST API (`a1`, stage `prod`) behind a web ACL with
/// AWS's baseline rule groups and no SQL database group.
fn save_waf_snapshot(path: &std::path::Path) {
    use rampart_model::*;
    let acl_arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api-waf/1";
    let stage_arn = "arn:aws:apigateway:us-east-1::/restapis/a1/stages/prod";
    let managed = |priority: i32, name: &str| WafRule {
        name: format!("AWS-{name}"),
        priority,
        action: None,
        override_action: Some("none".into()),
        statement: WafStatement::ManagedRuleGroup {
            vendor_name: "AWS".into(),
            name: name.into(),
            version: None,
            rule_action_overrides: vec![],
            excluded_rules: vec![],
            scope_down: None,
        },
    };
    let mut region = RegionInventory::default();
    region.wafv2.web_acls = vec![WebAcl {
        arn: acl_arn.into(),
        id: "1".into(),
        name: "api-waf".into(),
        default_action: Some("allow".into()),
        rules: Some(vec![
            managed(0, "AWSManagedRulesCommonRuleSet"),
            managed(1, "AWSManagedRulesKnownBadInputsRuleSet"),
        ]),
        capacity: Some(800),
        associated_resources: Some(vec![stage_arn.into()]),
        logging_destinations: Some(vec![]),
    }];
    Snapshot {
        cloudfront: None,
        shield: None,
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "rampart".into(),
            version: TOOL_VERSION.into(),
        },
        collected_at: time::OffsetDateTime::UNIX_EPOCH,
        scan_duration_ms: 0,
        account_id: "123456789012".into(),
        partition: "aws".into(),
        caller_arn: "arn:aws:iam::123456789012:user/audit".into(),
        credential_source: None,
        api_calls: Default::default(),
        collection_errors: vec![],
        iam: Default::default(),
        regions: [("us-east-1".to_string(), region)].into(),
    }
    .save(path)
    .unwrap();
}

/// Issue 13 item 17: `[[waf.require]]` in the file given by `--config`
/// reaches the checks: without it SQLi is EDGE-011's low note, with it
/// its absence fails EDGE-003 on the ACL of the API that requires it.
#[test]
fn check_config_waf_requirements_reach_the_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("waf.json");
    save_waf_snapshot(&snap);
    let config = tmp.path().join("rampart.toml");
    std::fs::write(
        &config,
        "[[waf.require]]\ngroups = [\"AWSManagedRulesSQLiRuleSet\"]\napis = [\"a1\"]\n",
    )
    .unwrap();
    let verdicts = |extra: &[&str]| {
        let mut args = vec![
            "check",
            snap.to_str().unwrap(),
            "--format",
            "json",
            "--checks",
            "EDGE-003,EDGE-011",
        ];
        args.extend(extra);
        let run = rampart(&args, &[]);
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["check_id"].as_str().unwrap().to_string(),
                    f["status"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let plain = verdicts(&[]);
    assert_eq!(
        plain
            .iter()
            .map(|(c, s, _)| (c.as_str(), s.as_str()))
            .collect::<Vec<_>>(),
        vec![("EDGE-003", "pass"), ("EDGE-011", "fail")]
    );
    let configured = verdicts(&["--config", config.to_str().unwrap()]);
    assert_eq!(
        configured
            .iter()
            .map(|(c, s, _)| (c.as_str(), s.as_str()))
            .collect::<Vec<_>>(),
        vec![("EDGE-003", "fail"), ("EDGE-011", "pass")]
    );
    assert!(
        configured[0].2.contains(
            "AWSManagedRulesSQLiRuleSet (rampart.toml line 1 requires it for REST API a1)"
        ),
        "{}",
        configured[0].2
    );

    // A malformed [waf] section is a usage error naming the file and line.
    std::fs::write(&config, "[waf]\nuse_case_groups = [\"SQLi\"]\n").unwrap();
    let run = rampart(
        &[
            "check",
            snap.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    let line = one_error_line(&run.stderr);
    assert!(
        line.contains("rampart.toml, line 2") && line.contains("\"SQLi\""),
        "{line}"
    );
}

/// Issue 13 item 22: `checks explain` says how the check compares with each
/// control it maps to, with the note where it differs, so a result that
/// differs from Security Hub's is explained.
#[test]
fn checks_explain_prints_each_mapping_with_its_relation_and_note() {
    let run = rampart(&["checks", "explain", "NET-005"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let out = &run.stdout;
    let block = out
        .split_once("Maps to:\n")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("no mappings block:\n{out}"));
    let lines: Vec<&str> = block.lines().collect();
    assert_eq!(
        lines[0], "  AWS Security Hub FSBP EC2.13: stricter",
        "{block}"
    );
    assert!(
        lines[1].starts_with("    EC2.13 fails rules from 0.0.0.0/0 or ::/0 to port 22."),
        "{block}"
    );
    // The note is wrapped for the terminal, every line indented.
    let note: Vec<&str> = lines[1..]
        .iter()
        .take_while(|l| !l.starts_with("    control: "))
        .copied()
        .collect();
    assert!(note.len() > 1, "{block}");
    assert!(
        note.iter().all(|l| l.starts_with("    ") && l.len() <= 76),
        "{block}"
    );
    assert!(
        note.join(" ").contains("prefix lists whose entries do"),
        "{block}"
    );
    assert!(block.contains(
        "    control: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13\n"
    ));
    for heading in [
        "  AWS Security Hub FSBP EC2.14: stricter\n",
        "  AWS Security Hub FSBP EC2.53: partial\n",
        "  AWS Security Hub FSBP EC2.54: partial\n",
        "  CIS AWS Foundations v3.0.0 5.2: partial\n",
        "  CIS AWS Foundations v3.0.0 5.3: partial\n",
    ] {
        assert!(block.contains(heading), "no {heading:?} in\n{block}");
    }
    // A control without a [[mapping]] entry is equivalent, with no note.
    let run = rampart(&["checks", "explain", "DATA-001"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Maps to:\n  AWS Security Hub FSBP EC2.3: equivalent\n\nsee "),
        "{}",
        run.stdout
    );
}
