//! Hostile and broken input. Whoever can tag a resource in the audited
//! account (or write the team's `rampart.toml`) chooses text that ends up in
//! every report: terminal escapes, OSC 8 hyperlinks, HTML, spreadsheet
//! formulas, a right-to-left override, line breaks. Seeded for real
//! (`localstack/change.py hostile`), scanned, and rendered in every format,
//! none of it may act: no raw control character where people read the
//! output (table, HTML, the cleaned SARIF and OCSF texts, `summary`,
//! `paths`), no markup in HTML, no formula in CSV, no bidi override shown;
//! the machine formats still parse and keep the value verbatim where they
//! promise it. And a file too large to read is refused from its size alone,
//! in one line naming the file and the size, by every command that reads
//! one.

use std::path::{Path, PathBuf};

use rampart_model::Snapshot;
use serde_json::Value;

use crate::harness::{
    Emulator, audit_args, m, one_error_line, rampart, rampart_on, save_empty_snapshot, scan,
};

/// Shown to a person, a character must not act on the terminal or reorder
/// what is around it: C0 and C1 controls (ESC, BEL, CR, ...), DEL, the
/// bidirectional embeddings, overrides, isolates and marks, and the Unicode
/// line and paragraph separators. `\n` is where the format itself breaks
/// lines; `allowed` lists any other the format may hold on its own.
fn acts(c: char, allowed: &[char]) -> bool {
    if allowed.contains(&c) || c == '\n' {
        return false;
    }
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

#[track_caller]
fn assert_inert(what: &str, text: &str, allowed: &[char]) {
    if let Some((i, c)) = text.char_indices().find(|(_, c)| acts(*c, allowed)) {
        let from = text.floor_char_boundary(i.saturating_sub(60));
        let to = text.ceil_char_boundary((i + 60).min(text.len()));
        panic!(
            "{what}: {c:?} (U+{:04X}) at byte {i}, in {:?}",
            c as u32,
            &text[from..to]
        );
    }
}

/// The values change.py planted, by tag key.
fn planted(manifest: &Value) -> Vec<(String, String)> {
    manifest
        .pointer("/hostile/values")
        .and_then(Value::as_object)
        .expect("the manifest lists the hostile values")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("a string").to_string()))
        .collect()
}

/// A TOML basic string holding `s` exactly (control characters escaped).
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `rampart.toml` whose reasons and selectors are the hostile values (a
/// config is input too: it may come from a pull request). One active entry
/// per failing check, its reason led by one of `heads` (formula shapes
/// first, so every one of them starts a CSV cell) and followed by all the
/// planted values; and one long-expired entry, which every format lists
/// with its selectors and reason.
fn hostile_config(dir: &Path, failing_checks: &[String], heads: &[String], all: &str) -> PathBuf {
    assert!(!failing_checks.is_empty(), "the demo account has failures");
    let mut text = String::new();
    for (i, check) in failing_checks.iter().enumerate() {
        text.push_str(&format!(
            "[[suppress]]\ncheck = {}\nreason = {}\n\n",
            toml_string(check),
            toml_string(&format!("{} {all}", heads[i % heads.len()]))
        ));
    }
    text.push_str(&format!(
        "[[suppress]]\ntag = {{ key = {}, value = {} }}\nreason = {}\nexpires = 2020-01-31\n",
        toml_string(&heads[0]),
        toml_string(&heads[heads.len() - 1]),
        toml_string(all),
    ));
    let path = dir.join("hostile.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Every string in a JSON document with its JSON pointer.
fn strings<'v>(v: &'v Value, at: String, out: &mut Vec<(String, &'v str)>) {
    match v {
        Value::String(s) => out.push((at, s)),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                strings(x, format!("{at}/{i}"), out);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                strings(x, format!("{at}/{k}"), out);
            }
        }
        _ => {}
    }
}

/// A JSON file as written: no raw control byte but the pretty printer's
/// line breaks (JSON escapes the rest), and it parses.
fn json_file(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if let Some(i) = bytes.iter().position(|b| *b < 0x20 && *b != b'\n') {
        panic!(
            "{}: raw control byte {:#04x} at {i}",
            path.display(),
            bytes[i]
        );
    }
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The JSON-based formats keep account text verbatim only in the fields
/// they document as structured data or identifiers; every other string is
/// meant to be read and must be inert. Returns the verbatim strings.
fn check_json_fields<'v>(what: &str, doc: &'v Value, verbatim: &[&str]) -> Vec<&'v str> {
    let mut all = Vec::new();
    strings(doc, String::new(), &mut all);
    let mut kept = Vec::new();
    for (at, s) in all {
        if verbatim.iter().any(|v| at.contains(v)) {
            kept.push(s);
        } else {
            assert_inert(&format!("{what} {at}"), s, &[]);
        }
    }
    kept
}

/// What a person sees of the hostile values, after cleaning: the text is
/// there (the test would prove nothing otherwise), its controls are not.
const SHOWN: [&str; 3] = ["fdp.exe", "attacker.invalid", "alert("];

/// Every format of one report of the hostile account, as written by
/// `rampart audit` or `check --output` into `dir` with the usual names.
fn assert_every_format_is_safe(dir: &Path, planted_label: Option<&str>, values: &[String]) {
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
    };

    // Table: for a terminal; nothing but text and line breaks.
    let table = read("report.txt");
    assert_inert("report.txt", &table, &[]);
    for s in SHOWN {
        assert!(table.contains(s), "report.txt shows {s:?}:\n{table}");
    }

    // HTML: no markup from the account, no raw controls, no bidi.
    let html = read("report.html");
    assert_inert("report.html", &html, &[]);
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<img"), "no <img> in the page");
    assert_eq!(
        lower.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!lower.contains("<script>alert"));
    assert!(
        !lower.contains("&#x202e;") && !lower.contains("&#8238;"),
        "no bidi override as an entity either"
    );
    for s in ["fdp.exe", "attacker.invalid", "&lt;script&gt;alert("] {
        assert!(html.contains(s), "report.html shows {s:?}");
    }

    // CSV: read back as a spreadsheet would; no cell is a formula, no
    // control character but the line breaks a quoted cell may hold, no
    // bidi override.
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(dir.join("report.csv"))
        .unwrap();
    let mut formulas_defused = 0;
    for (row, record) in csv.records().enumerate() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "report.csv row {row}: formula cell {cell:?}"
            );
            assert_inert(&format!("report.csv row {row}"), cell, &['\r']);
            if ["'=", "'+", "'-", "'@"].iter().any(|p| cell.starts_with(p)) {
                formulas_defused += 1;
            }
        }
    }
    assert!(formulas_defused >= 4, "the planted formulas reach the CSV");
    let raw_csv = read("report.csv");
    for s in ["fdp.exe", "attacker.invalid"] {
        assert!(raw_csv.contains(s), "report.csv shows {s:?}");
    }

    // JSON: the report is data and keeps every value as it was; the file
    // itself has no raw control byte and parses.
    let json = json_file(&dir.join("report.json"));
    let report: rampart_model::Report = serde_json::from_value(json.clone()).unwrap();
    let mut all = Vec::new();
    strings(&json, String::new(), &mut all);
    for v in values {
        assert!(
            all.iter().any(|(_, s)| s.contains(v.as_str())),
            "report.json keeps {v:?} verbatim"
        );
    }
    if let Some(label) = planted_label {
        assert!(
            report
                .scorecards
                .iter()
                .any(|c| c.name.as_deref() == Some(label)),
            "the Name tag is the scorecard's name, verbatim"
        );
    }

    // SARIF: messages and justifications are cleaned; the ARN, the
    // structured exposure path, the not-evaluated reason and the
    // suppression's source are kept verbatim.
    let sarif = json_file(&dir.join("report.sarif"));
    let kept = check_json_fields(
        "report.sarif",
        &sarif,
        &[
            "/properties/exposurePath/",
            "/properties/reason",
            "/properties/source",
            "/fullyQualifiedName",
        ],
    );
    let texts: String = {
        let mut all = Vec::new();
        strings(&sarif, String::new(), &mut all);
        all.iter()
            .filter(|(at, _)| at.ends_with("/text") || at.ends_with("/justification"))
            .map(|(_, s)| *s)
            .collect::<Vec<_>>()
            .join("\n")
    };
    for s in SHOWN {
        assert!(texts.contains(s), "report.sarif shows {s:?}");
    }
    if let Some(label) = planted_label {
        assert!(
            kept.iter().any(|s| s.contains(label)),
            "report.sarif keeps the path label verbatim"
        );
    }

    // OCSF: message, comment and details are cleaned; `unmapped` (the
    // structured path and suppression) and the uids are verbatim.
    let ocsf = json_file(&dir.join("report.ocsf.json"));
    let kept = check_json_fields("report.ocsf.json", &ocsf, &["/unmapped/", "/uid"]);
    let messages: Vec<&str> = ocsf
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["message"].as_str())
        .collect();
    for s in ["fdp.exe", "attacker.invalid"] {
        let comment = ocsf.as_array().unwrap().iter().any(|e| {
            e["comment"].as_str().is_some_and(|c| c.contains(s))
                || e["message"].as_str().is_some_and(|c| c.contains(s))
        });
        assert!(comment, "report.ocsf.json shows {s:?}: {messages:?}");
    }
    for v in values {
        assert!(
            kept.iter().any(|s| s.contains(v.as_str())),
            "report.ocsf.json keeps {v:?} verbatim in unmapped"
        );
    }
}

/// The structural safety of `paths --format dot`: no control character,
/// every line's string literals closed (a planted quote cannot end one and
/// start a Graphviz attribute).
fn assert_dot_is_safe(dot: &str) {
    assert_inert_controls("paths --format dot", dot);
    for line in dot.lines() {
        let (mut in_string, mut escaped) = (false, false);
        for c in line.chars() {
            match (in_string, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (_, false, '"') => in_string = !in_string,
                (false, _, c) => assert!(
                    c.is_ascii_alphanumeric() || " \t{}[]=;,->_".contains(c),
                    "paths --format dot: {c:?} outside a string in {line:?}"
                ),
                _ => {}
            }
        }
        assert!(!in_string, "paths --format dot: open string in {line:?}");
    }
}

/// Only the control characters (C0 but `\n`, DEL, C1): what `summary`,
/// `paths` and the DOT output guarantee today (see docs/fuzzing.md: they do
/// not neutralise bidi controls).
fn assert_inert_controls(what: &str, text: &str) {
    if let Some((i, c)) = text
        .char_indices()
        .find(|(_, c)| c.is_control() && *c != '\n')
    {
        panic!("{what}: control {c:?} at byte {i}");
    }
}

/// The clean demo snapshot with the hostile values where reports show
/// account text: the legacy instance's tags as change.py sets them, with
/// its `Name` (the scorecard's name) holding all of them; every REST
/// resource path and HTTP API route key (exposure path labels); and a
/// collection error. Planted rather than scanned because the emulator's
/// EC2 cannot return the tagged instance (docs/fuzzing.md, known gaps).
fn plant(clean: &Path, out: &Path, manifest: &Value, values: &[(String, String)]) -> String {
    let mut s: Value = serde_json::from_slice(&std::fs::read(clean).unwrap()).unwrap();
    let joined: String = values
        .iter()
        .map(|(_, v)| v.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let legacy = m(manifest, "/legacy/instance_id");
    let east = &mut s["regions"]["us-east-1"];
    let instance = east["ec2"]["instances"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|i| i["instance_id"] == legacy)
        .expect("the legacy instance was scanned");
    for (k, v) in values {
        instance["tags"][k] = Value::String(v.clone());
    }
    instance["tags"]["Name"] = Value::String(joined.clone());
    for api in east["apigateway"]["rest_apis"].as_array_mut().unwrap() {
        for r in api["resources"].as_array_mut().unwrap() {
            if let Some(p) = r["path"].as_str().filter(|p| *p != "/") {
                r["path"] = Value::String(format!("{p} {joined}"));
            }
        }
    }
    for api in east["apigatewayv2"]["apis"].as_array_mut().unwrap() {
        for r in api["routes"].as_array_mut().unwrap() {
            let key = r["route_key"].as_str().unwrap().to_string();
            r["route_key"] = Value::String(format!("{key} {joined}"));
        }
    }
    s["collection_errors"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "service": "ec2",
            "region": "eu-west-1",
            "operation": "ec2:DescribeFlowLogs",
            "resource": joined,
            "kind": "other",
            "code": null,
            "message": joined,
        }));
    std::fs::write(out, serde_json::to_vec_pretty(&s).unwrap()).unwrap();
    Snapshot::load(out).expect("the planted snapshot is a valid snapshot");
    joined
}

fn failing_checks(snapshot: &Path) -> Vec<String> {
    let run = rampart(
        &["check", snapshot.to_str().unwrap(), "--format", "json"],
        &[],
    );
    let report: rampart_model::Report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    let mut ids: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.status == rampart_model::Status::Fail)
        .map(|f| f.check_id.to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

const FORMATS: [(&str, &str); 6] = [
    ("table", "report.txt"),
    ("json", "report.json"),
    ("sarif", "report.sarif"),
    ("csv", "report.csv"),
    ("html", "report.html"),
    ("ocsf", "report.ocsf.json"),
];

#[test]
fn hostile_account_text_is_inert_in_every_format() {
    let emu = Emulator::start();
    let manifest = emu.seed("demo");
    let dir = emu.dir().join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    let clean_snap = dir.join("clean.json");
    let (run, _) = scan(&emu, &clean_snap, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let manifest = emu.change("hostile", &manifest);
    let values = planted(&manifest);
    let texts: Vec<String> = values.iter().map(|(_, v)| v.clone()).collect();
    let all_text = texts.join(" ");
    // Formula shapes first, with two the tags do not carry (a leading
    // minus, a leading tab), then the rest.
    let mut heads: Vec<String> = vec!["-2+3+cmd|' /C calc'!A0".into(), "\t=1+1".into()];
    heads.extend(
        texts
            .iter()
            .filter(|t| t.starts_with(['=', '+', '@']))
            .cloned(),
    );
    heads.extend(
        texts
            .iter()
            .filter(|t| !t.starts_with(['=', '+', '@']))
            .cloned(),
    );

    // The real scan of the tagged account: the values are stored verbatim
    // where the emulator returns them (the REST stage's tags).
    let real = dir.join("real.json");
    let (run, snapshot) = scan(&emu, &real, &[]);
    assert!(matches!(run.code, 0 | 3), "{}", run.stderr);
    assert_inert_controls("scan output", &run.stdout);
    let snapshot = snapshot.expect("the scan wrote a snapshot");
    let stage_arn = m(&manifest, "/legacy/stage_arn");
    let stage_tags = snapshot.regions["us-east-1"]
        .apigateway
        .rest_apis
        .iter()
        .flat_map(|a| a.stages.iter().flatten())
        .find(|s| stage_arn.ends_with(&format!("/stages/{}", s.stage_name)))
        .map(|s| s.tags.clone())
        .expect("the legacy stage was scanned");
    for (k, v) in &values {
        assert_eq!(stage_tags.get(k), Some(v), "tag {k} kept verbatim");
    }

    // `rampart audit` of the tagged account with a hostile config: every
    // format, written for real.
    let config = hostile_config(&dir, &failing_checks(&clean_snap), &heads, &all_text);
    let out = dir.join("audit");
    let mut extra = vec!["--config", config.to_str().unwrap()];
    for (f, _) in FORMATS {
        extra.extend(["--format", f]);
    }
    let run = rampart_on(&emu, &audit_args(out.to_str().unwrap(), &extra));
    assert!(matches!(run.code, 0 | 1 | 3), "{}", run.stderr);
    assert_inert_controls("audit output", &run.stdout);
    assert_every_format_is_safe(&out.join("latest"), None, &texts);

    // The same values where reports show account text (instance name, path
    // labels, a collection error), each format from `check --output`.
    let hostile = dir.join("planted.json");
    let label = plant(&clean_snap, &hostile, &manifest, &values);
    let checked = dir.join("checked");
    std::fs::create_dir_all(&checked).unwrap();
    for (format, name) in FORMATS {
        let run = rampart(
            &[
                "check",
                hostile.to_str().unwrap(),
                "--config",
                config.to_str().unwrap(),
                "--format",
                format,
                "--output",
                checked.join(name).to_str().unwrap(),
            ],
            &[],
        );
        assert!(
            matches!(run.code, 0 | 1 | 3),
            "check --format {format}: {}",
            run.stderr
        );
        assert!(run.stderr.is_empty(), "{format}: {}", run.stderr);
    }
    let mut all = texts.clone();
    all.push(label.clone());
    assert_every_format_is_safe(&checked, Some(&label), &all);

    // `summary` and `paths` print account text too.
    let run = rampart(&["summary", hostile.to_str().unwrap()], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_inert_controls("summary", &run.stdout);
    assert!(
        run.stdout.contains("attacker.invalid"),
        "the planted error is listed: {}",
        run.stdout
    );
    let run = rampart(&["paths", hostile.to_str().unwrap()], &[]);
    // The planted collection error makes it incomplete: exit 3, and the
    // warning, too, is inert.
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_inert_controls("paths stderr", &run.stderr);
    assert_inert_controls("paths", &run.stdout);
    assert!(run.stdout.contains("fdp.exe"), "{}", run.stdout);
    let run = rampart(
        &["paths", hostile.to_str().unwrap(), "--format", "dot"],
        &[],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stdout.contains("fdp.exe"), "{}", run.stdout);
    assert_dot_is_safe(&run.stdout);
    let run = rampart(
        &["paths", hostile.to_str().unwrap(), "--format", "json"],
        &[],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    let paths: Value = serde_json::from_str(&run.stdout).unwrap();
    let mut all = Vec::new();
    strings(&paths, String::new(), &mut all);
    assert!(
        all.iter().any(|(_, s)| s.contains(&label)),
        "paths --format json keeps the label verbatim"
    );
}

// ------------------------------------------------------------ huge files

/// A sparse file: its metadata says `len` bytes, the disk holds none.
fn sparse(dir: &Path, name: &str, len: u64) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
    path
}

fn small_snapshot(dir: &Path) -> PathBuf {
    let path = dir.join("small.json");
    save_empty_snapshot(&path);
    path
}

#[test]
fn a_file_over_the_size_limit_is_refused_from_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let small = small_snapshot(dir.path());
    let s = small.to_str().unwrap();
    // 3 GiB, over the 2 GiB default: a read would take seconds and 3 GiB
    // of memory; the refusal takes neither.
    const HUGE: u64 = 3 << 30;
    let huge = sparse(dir.path(), "huge.json", HUGE);
    let h = huge.to_str().unwrap();
    // 5 GiB of config against its 1 MiB limit.
    let toml = sparse(dir.path(), "huge.toml", 5 << 30);
    let t = toml.to_str().unwrap();

    let cases: Vec<(Vec<&str>, &str, String, Option<&str>)> = vec![
        (vec!["summary", h], h, HUGE.to_string(), None),
        (vec!["check", h], h, HUGE.to_string(), None),
        (vec!["paths", h], h, HUGE.to_string(), None),
        (vec!["diff", h, s], h, HUGE.to_string(), None),
        (vec!["diff", s, h], h, HUGE.to_string(), None),
        (
            vec!["check", s, "--baseline", h],
            h,
            HUGE.to_string(),
            Some("(--baseline)"),
        ),
        (
            vec!["check", s, "--config", t],
            t,
            (5u64 << 30).to_string(),
            Some("(--config)"),
        ),
    ];
    for (args, file, size, flag) in cases {
        let started = std::time::Instant::now();
        let run = rampart(&args, &[]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let line = one_error_line(&run.stderr);
        assert!(
            line.contains(file) && line.contains(&format!("is {size} bytes")),
            "{args:?}: {line}"
        );
        if let Some(flag) = flag {
            assert!(line.contains(flag), "{args:?}: {line}");
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{args:?} took {:?}",
            started.elapsed()
        );
    }

    // RAMPART_MAX_INPUT_BYTES moves the limit, for snapshots and reports
    // alike; a value that is not a number is named, never ignored.
    let size = std::fs::metadata(&small).unwrap().len();
    for args in [
        vec!["summary", s],
        vec!["diff", s, s],
        vec!["check", s, "--baseline", s],
    ] {
        let run = rampart(&args, &[("RAMPART_MAX_INPUT_BYTES", "100")]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let line = one_error_line(&run.stderr);
        assert!(
            line.contains(s)
                && line.contains(&format!("is {size} bytes"))
                && line.contains("100 bytes limit")
                && line.contains("RAMPART_MAX_INPUT_BYTES"),
            "{args:?}: {line}"
        );
        let ok = rampart(&args, &[("RAMPART_MAX_INPUT_BYTES", &size.to_string())]);
        assert_eq!(ok.code, 0, "{args:?} at the limit: {}", ok.stderr);
    }
    let run = rampart(&["summary", s], &[("RAMPART_MAX_INPUT_BYTES", "2GB")]);
    assert_eq!(run.code, 2);
    let line = one_error_line(&run.stderr);
    assert!(line.contains("RAMPART_MAX_INPUT_BYTES=\"2GB\""), "{line}");

    // The other broken files stay one clear line each, in every command
    // that reads a snapshot or a report.
    for (name, body, want) in [
        ("empty.json", "", "is empty"),
        (
            "truncated.json",
            "{\"schema_version\": 1, \"tool\": {",
            "is truncated",
        ),
        (
            "newer.json",
            "{\"schema_version\": 99, \"new_field\": []}",
            "newer rampart",
        ),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        let p = p.to_str().unwrap();
        for args in [
            vec!["summary", p],
            vec!["check", p],
            vec!["diff", p, s],
            vec!["check", s, "--baseline", p],
        ] {
            let run = rampart(&args, &[]);
            assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
            let line = one_error_line(&run.stderr);
            assert!(line.contains(p) && line.contains(want), "{args:?}: {line}");
        }
    }
}
