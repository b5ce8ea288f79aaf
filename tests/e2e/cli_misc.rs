//! Commands that need no snapshot and no emulator: shell completions and the
//! man page, both generated from the clap definition.

use crate::harness::rampart;

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
