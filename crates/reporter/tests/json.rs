//! The JSON report and its schema, `docs/report.schema.json`: the fixed
//! report's JSON is a golden file (`RAMPART_BLESS=1 cargo test -p
//! rampart-reporter --test json` rewrites `tests/golden/report.json`); every
//! report these tests emit validates against the schema with format
//! checking on; mutated reports prove the schema is strict (one that
//! accepts anything documents nothing); and the JSON reads back into an
//! equal `Report`, so the model is its own parser.

mod common;
use common::fixture::{empty_report, fixed_report, lookup};

use std::path::PathBuf;
use std::sync::LazyLock;

use rampart_model::baseline::{Change, Comparison};
use rampart_model::time::{Date, Month, OffsetDateTime, UtcOffset};
use rampart_model::{LayerVerdict, REPORT_SCHEMA_VERSION, Report, Status, Summary, Suppressed};
use rampart_reporter::Emit;
use rampart_reporter::json::Json;
use serde_json::Value;

fn render(r: &Report) -> String {
    let mut out = Vec::new();
    Json.emit(r, &lookup, &mut out).unwrap();
    String::from_utf8(out).expect("the JSON report is UTF-8")
}

fn json(r: &Report) -> Value {
    serde_json::from_str(&render(r)).expect("the JSON report parses")
}

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/report.schema.json")
}

static SCHEMA: LazyLock<Value> = LazyLock::new(|| {
    let path = schema_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
});

/// Building also checks the schema against the 2020-12 meta-schema.
static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&SCHEMA)
        .unwrap_or_else(|e| panic!("docs/report.schema.json is not a valid 2020-12 schema: {e}"))
});

fn errors(instance: &Value) -> Vec<String> {
    VALIDATOR
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_valid(r: &Report) {
    let text = render(r);
    let errors = errors(&serde_json::from_str(&text).unwrap());
    assert!(
        errors.is_empty(),
        "the JSON report violates docs/report.schema.json:\n{}\n\n{text}",
        errors.join("\n")
    );
}

#[test]
fn json_matches_the_golden_file() {
    common::golden("report.json", &render(&fixed_report()));
}

/// The scorecards and findings are rendered in parallel chunks and put in
/// place of the skeleton's `[]`: the bytes must be the snapshot layout's
/// (serde_json through `JsonLayout::list_per_line`, one list element per
/// line) whatever the count (none, one chunk, across chunk and batch
/// edges), and text that looks like a marker inside a string must not
/// fool the splice.
#[test]
fn json_is_exactly_the_one_element_per_line_layout_at_every_size() {
    let base = fixed_report();
    for n in [0, 1, 2, 1023, 1024, 1025, 16 * 1024, 16 * 1024 + 1, 40_000] {
        let mut r = base.clone();
        r.findings = (0..n)
            .map(|i| {
                let mut f = base.findings[i % base.findings.len()].clone();
                f.resource_arn = format!("{}-{i}", f.resource_arn).into();
                f
            })
            .collect();
        r.scorecards = (0..n.min(3000))
            .map(|i| base.scorecards[i % base.scorecards.len()].clone())
            .collect();
        if let Some(e) = r.expired_suppressions.first_mut() {
            e.reason = "a reason with\n  \"findings\": [] and \"scorecards\": []".into();
        }
        let mut want = Vec::new();
        rampart_model::io::write_snapshot_json(&mut want, &r).unwrap();
        let want = String::from_utf8(want).unwrap();
        let got = render(&r);
        assert!(got == want, "{n} findings: the parallel rendering differs");
    }
    assert!(
        !fixed_report().expired_suppressions.is_empty(),
        "the fixture must carry an expired suppression for the marker test"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// The findings and scorecards are written by sonic-rs, the rest by
    /// serde_json: any text an account holds (every control character,
    /// quotes, backslashes, U+2028, astral characters) comes out as the
    /// bytes serde_json writes, so the layout test above holds for any
    /// input, not just the fixture's.
    #[test]
    fn json_escapes_any_account_text_as_serde_json_does(
        texts in proptest::collection::vec(".*|[\\x00-\\x1f\"\\\\\\u{7f}\\u{2028}\\u{2029}\\u{1F600}a]{0,40}", 1..6)
    ) {
        let base = fixed_report();
        let mut r = base.clone();
        r.findings = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut f = base.findings[i % base.findings.len()].clone();
                f.message = t.clone();
                f.resource_arn = format!("arn:{t}").into();
                f
            })
            .collect();
        if let Some(card) = r.scorecards.first_mut() {
            card.name = Some(texts[0].clone());
        }
        let mut want = Vec::new();
        rampart_model::io::write_snapshot_json(&mut want, &r).unwrap();
        proptest::prop_assert_eq!(render(&r), String::from_utf8(want).unwrap());
    }
}

/// A write that fails in the middle of the findings (a closed pipe, a
/// full disk) ends the report with that error, whatever is still being
/// rendered, and keeps its kind (the CLI exits quietly on a closed pipe).
#[test]
fn json_write_errors_stop_the_rendering_and_keep_their_io_kind() {
    struct ClosesAfter(usize);
    impl std::io::Write for ClosesAfter {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.0 < b.len() {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            self.0 -= b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let base = fixed_report();
    let mut r = base.clone();
    r.findings = (0..100_000)
        .map(|i| base.findings[i % base.findings.len()].clone())
        .collect();
    for after in [0, 10, 5 << 20] {
        let err = Json.emit(&r, &lookup, &mut ClosesAfter(after)).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err:?}");
    }
}

#[test]
fn json_validates_against_the_schema() {
    assert_valid(&fixed_report());
    assert_valid(&empty_report());
}

#[test]
fn json_validates_every_optional_shape() {
    // What the fixed report does not show: a suppression without expiry, a
    // suppressed not-evaluated finding, sub-second and non-UTC timestamps,
    // a layer that no check applies to, an empty baseline comparison.
    let mut r = fixed_report();
    for f in &mut r.findings {
        if let Some(s) = &mut f.suppressed {
            s.expires = None;
        }
    }
    let not_evaluated = r
        .findings
        .iter_mut()
        .find(|f| matches!(f.status, Status::NotEvaluated(_)))
        .unwrap();
    not_evaluated.suppressed = Some(Box::new(Suppressed {
        reason: "WAF is managed by the platform team".into(),
        source: "config/rampart.toml:12".into(),
        expires: Some(Date::from_calendar_date(2028, Month::February, 29).unwrap()),
    }));
    r.summary = Summary::of(&r.findings);
    r.snapshot.collected_at = OffsetDateTime::from_unix_timestamp_nanos(1_795_000_000_123_456_789)
        .unwrap()
        .to_offset(UtcOffset::from_hms(2, 0, 0).unwrap());
    r.scorecards[1].edge = LayerVerdict::NotEvaluated {
        checks: vec![],
        reasons: vec!["no check applies to this backend on this layer".into()],
        findings: vec![],
    };
    if let Some(b) = &mut r.baseline {
        b.resolved.clear();
        b.new = 0;
        b.unchanged = 0;
    }
    assert_valid(&r);
}

/// What `Comparison::apply` really writes validates: `new` and `unchanged`
/// on failing findings only; yesterday's failures that now pass or are not
/// evaluated stay unmarked here and are listed, as they were, under
/// `baseline.resolved` and `baseline.unknown`.
#[test]
fn json_validates_a_real_baseline_comparison() {
    let mut previous = fixed_report();
    previous.baseline = None;
    for f in &mut previous.findings {
        f.baseline = None;
        // Every finding failed yesterday...
        f.status = Status::Fail;
    }
    // ...but one of today's failures.
    previous.findings.remove(0);
    let mut current = fixed_report();
    current.baseline = None;
    for f in &mut current.findings {
        f.baseline = None;
    }
    Comparison::apply("nightly/report.json", &previous, &mut current);
    for f in &current.findings {
        match f.status {
            Status::Fail => assert!(
                matches!(f.baseline, Some(Change::New | Change::Unchanged)),
                "{f:?}"
            ),
            _ => assert_eq!(f.baseline, None, "{f:?}"),
        }
    }
    let b = current.baseline.as_ref().unwrap();
    assert_eq!((b.new, b.unchanged), (1, 7));
    assert!(!b.resolved.is_empty() && !b.unknown.is_empty());
    assert_valid(&current);
}

#[test]
fn json_round_trips_into_an_equal_report() {
    for r in [fixed_report(), empty_report()] {
        let back: Report = serde_json::from_str(&render(&r)).expect("the report reads back");
        assert_eq!(back, r);
    }
}

#[test]
fn json_schema_is_pinned_to_the_model() {
    assert_eq!(
        SCHEMA["$id"],
        "https://github.com/rampart-audit/rampart/blob/main/docs/report.schema.json"
    );
    assert_eq!(
        SCHEMA["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        SCHEMA["properties"]["schema_version"]["const"],
        REPORT_SCHEMA_VERSION
    );
}

/// Every object closed, every property documented: the schema is the
/// reference a consumer reads.
#[test]
fn json_schema_documents_every_property() {
    fn walk(node: &Value, at: &str, problems: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                // Conditional fragments (`if`/`then`, item refinements)
                // name properties without declaring an object: they only
                // narrow a closed, documented definition.
                if let (Some(ty), Some(Value::Object(props))) =
                    (map.get("type"), map.get("properties"))
                    && ty == "object"
                {
                    if map.get("additionalProperties") != Some(&Value::Bool(false)) {
                        problems.push(format!("{at}: object without additionalProperties: false"));
                    }
                    for (name, prop) in props {
                        for key in ["title", "description"] {
                            if prop
                                .get(key)
                                .and_then(Value::as_str)
                                .is_none_or(str::is_empty)
                            {
                                problems.push(format!("{at}/properties/{name}: no {key}"));
                            }
                        }
                    }
                }
                for (k, v) in map {
                    walk(v, &format!("{at}/{k}"), problems);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{at}/{i}"), problems);
                }
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    walk(&SCHEMA, "#", &mut problems);
    for (name, def) in SCHEMA["$defs"].as_object().unwrap() {
        if def.get("description").is_none() {
            problems.push(format!("#/$defs/{name}: no description"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Index of the first finding satisfying `pred`, in the JSON.
fn find(v: &Value, pred: impl Fn(&Value) -> bool) -> usize {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .position(pred)
        .expect("the fixed report has such a finding")
}

fn with_status(status: &'static str) -> impl Fn(&Value) -> bool {
    move |f| f["status"] == status
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key).expect("key present");
}

type Mutation = (&'static str, fn(&mut Value));

/// Each turns the valid fixed report into something rampart never writes.
const MUTATIONS: &[Mutation] = &[
    ("an unknown top-level field", |v| {
        v["generated_by"] = "someone".into()
    }),
    ("an unknown finding field", |v| {
        v["findings"][0]["cvss"] = 9.8.into()
    }),
    ("an unknown hop field", |v| {
        v["scorecards"][0]["paths"][0]["hops"][1]["note"] = "x".into()
    }),
    ("an unknown summary severity", |v| {
        v["summary"]["failing_by_severity"]["urgent"] = 1.into()
    }),
    ("a zero failing_by_severity count", |v| {
        v["summary"]["failing_by_severity"]["medium"] = 0.into()
    }),
    ("a bad severity", |v| {
        v["findings"][0]["severity"] = "urgent".into()
    }),
    ("a capitalised severity", |v| {
        v["findings"][0]["severity"] = "Critical".into()
    }),
    ("a bad status", |v| {
        v["findings"][0]["status"] = "passed".into()
    }),
    ("a snake_case status", |v| {
        let i = find(v, with_status("not-evaluated"));
        v["findings"][i]["status"] = "not_evaluated".into();
    }),
    ("a missing fingerprint", |v| {
        remove(&mut v["findings"][0], "fingerprint")
    }),
    ("an upper-case fingerprint", |v| {
        let fp = v["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_uppercase();
        v["findings"][0]["fingerprint"] = fp.into();
    }),
    ("a short fingerprint", |v| {
        v["findings"][0]["fingerprint"] = "5eae5c37".into()
    }),
    ("schema_version 1 (the old format)", |v| {
        v["schema_version"] = 1.into()
    }),
    (
        "schema_version 2 (the format before checks and not-compared)",
        |v| v["schema_version"] = 2.into(),
    ),
    ("schema_version 7", |v| v["schema_version"] = 7.into()),
    (
        "schema_version 5 (the format before CloudFront paths)",
        |v| v["schema_version"] = 5.into(),
    ),
    ("schema_version as a string", |v| {
        v["schema_version"] = "1".into()
    }),
    ("a suppression expiry that is not YYYY-MM-DD", |v| {
        let i = find(v, |f| !f["suppressed"].is_null());
        v["findings"][i]["suppressed"]["expires"] = "31/01/2027".into();
    }),
    ("a suppression expiry that is no calendar day", |v| {
        // Matches the pattern: only format validation catches it.
        let i = find(v, |f| !f["suppressed"].is_null());
        v["findings"][i]["suppressed"]["expires"] = "2027-02-30".into();
    }),
    ("an expired date with a time", |v| {
        v["expired_suppressions"][0]["expired"] = "2026-10-01T00:00:00Z".into()
    }),
    ("a collection time that is not RFC 3339", |v| {
        v["snapshot"]["collected_at"] = "2026-11-18 11:06:40".into()
    }),
    ("a baseline time without a zone", |v| {
        v["baseline"]["previous_collected_at"] = "2026-11-17T11:06:40".into()
    }),
    ("a malformed check id", |v| {
        v["findings"][0]["check_id"] = "net-5".into()
    }),
    ("a malformed check id in a verdict", |v| {
        v["scorecards"][0]["edge"]["failing"][0] = "EDGE-1".into()
    }),
    ("a reason on a failing finding", |v| {
        let i = find(v, with_status("fail"));
        v["findings"][i]["reason"] = "because".into();
    }),
    ("a not-evaluated finding without its reason", |v| {
        let i = find(v, with_status("not-evaluated"));
        remove(&mut v["findings"][i], "reason");
    }),
    ("an omitted null path", |v| {
        let i = find(v, |f| f["path"].is_null());
        remove(&mut v["findings"][i], "path");
    }),
    ("an omitted null region", |v| {
        let i = find(v, |f| f["region"].is_null());
        remove(&mut v["findings"][i], "region");
    }),
    ("an omitted suppressed", |v| {
        remove(&mut v["findings"][0], "suppressed")
    }),
    ("an omitted baseline mark", |v| {
        remove(&mut v["findings"][0], "baseline")
    }),
    ("an omitted null scorecard name", |v| {
        remove(&mut v["scorecards"][1], "name")
    }),
    ("an omitted report baseline", |v| remove(v, "baseline")),
    ("omitted checks", |v| remove(v, "checks")),
    ("a malformed check id in checks", |v| {
        v["checks"] = serde_json::json!(["net-5"])
    }),
    ("omitted baseline.not_compared", |v| {
        remove(&mut v["baseline"], "not_compared")
    }),
    ("a not-compared failure without its side", |v| {
        remove(&mut v["baseline"]["not_compared"][0], "side")
    }),
    ("a not-compared failure marked resolved", |v| {
        v["baseline"]["not_compared"][0]["finding"]["baseline"] = "resolved".into()
    }),
    ("a passing finding marked not-compared", |v| {
        let i = find(v, with_status("pass"));
        v["findings"][i]["baseline"] = "not-compared".into();
    }),
    ("omitted expired_suppressions", |v| {
        remove(v, "expired_suppressions")
    }),
    ("an omitted summary.suppressed", |v| {
        remove(&mut v["summary"], "suppressed")
    }),
    ("a negative count", |v| v["summary"]["pass"] = (-1).into()),
    ("a suppressed passing finding", |v| {
        let i = find(v, with_status("pass"));
        v["findings"][i]["suppressed"] =
            serde_json::json!({"reason": "x", "source": "rampart.toml:1", "expires": null});
    }),
    ("a suppression without a line", |v| {
        let i = find(v, |f| !f["suppressed"].is_null());
        v["findings"][i]["suppressed"]["source"] = "rampart.toml".into();
    }),
    ("a suppression with an empty reason", |v| {
        let i = find(v, |f| !f["suppressed"].is_null());
        v["findings"][i]["suppressed"]["reason"] = "".into();
    }),
    ("an unknown baseline mark", |v| {
        v["findings"][0]["baseline"] = "gone".into()
    }),
    ("a failing finding marked resolved", |v| {
        let i = find(v, with_status("fail"));
        v["findings"][i]["baseline"] = "resolved".into();
    }),
    ("a passing finding marked resolved", |v| {
        let i = find(v, with_status("pass"));
        v["findings"][i]["baseline"] = "resolved".into();
    }),
    ("a not-evaluated finding marked unknown", |v| {
        let i = find(v, with_status("not-evaluated"));
        v["findings"][i]["baseline"] = "unknown".into();
    }),
    ("a resolved finding marked new", |v| {
        v["baseline"]["resolved"][0]["baseline"] = "new".into()
    }),
    ("a resolved finding that passed", |v| {
        v["baseline"]["resolved"][0]["status"] = "pass".into()
    }),
    ("an unknown field in a resolved finding", |v| {
        v["baseline"]["resolved"][0]["extra"] = true.into()
    }),
    (
        "an unknown verdict",
        |v| {
            v["scorecards"][0]["edge"] =
                serde_json::json!({"verdict": "partial", "failing": ["EDGE-001"]})
        },
    ),
    ("a kebab-case verdict with the wrong fields", |v| {
        v["scorecards"][0]["edge"] = serde_json::json!({"verdict": "fail", "checks": ["EDGE-001"]})
    }),
    ("a verdict with an extra field", |v| {
        v["scorecards"][0]["edge"]["checks"] = serde_json::json!([])
    }),
    ("a fail verdict with no failing check", |v| {
        v["scorecards"][0]["edge"]["failing"] = serde_json::json!([])
    }),
    ("a fail verdict without its findings (the old shape)", |v| {
        remove(&mut v["scorecards"][0]["instance"], "findings")
    }),
    (
        "a not-evaluated verdict without its findings (the old shape)",
        |v| remove(&mut v["scorecards"][0]["data"], "findings"),
    ),
    ("a pass verdict with findings", |v| {
        v["scorecards"][1]["instance"]["findings"] = serde_json::json!([])
    }),
    ("a fail verdict with no finding", |v| {
        v["scorecards"][0]["edge"]["findings"] = serde_json::json!([])
    }),
    (
        "a verdict naming a finding by something else than a fingerprint",
        |v| v["scorecards"][0]["edge"]["findings"][0] = "EDGE-001".into(),
    ),
    ("an empty affected list (omitted instead)", |v| {
        let i = find(v, |f| f.get("affected").is_some());
        v["findings"][i]["affected"] = serde_json::json!([]);
    }),
    ("an affected backend listed twice", |v| {
        let i = find(v, |f| f.get("affected").is_some());
        let first = v["findings"][i]["affected"][0].clone();
        v["findings"][i]["affected"]
            .as_array_mut()
            .unwrap()
            .push(first);
    }),
    ("affected as one string", |v| {
        let i = find(v, |f| f.get("affected").is_some());
        v["findings"][i]["affected"] = "arn:aws:ec2:eu-west-1:1:instance/i-1".into();
    }),
    ("a scorecard path as a string (the old shape)", |v| {
        v["scorecards"][0]["paths"][0] = "internet -> nlb/edge (no WAF) -> i-0api1".into()
    }),
    ("a bad path kind", |v| {
        v["scorecards"][0]["paths"][0]["kind"] = "load_balancer".into()
    }),
    ("a path without hops", |v| {
        v["scorecards"][0]["paths"][0]["hops"] = serde_json::json!([])
    }),
    ("a port above 65535", |v| {
        v["scorecards"][0]["paths"][0]["ports"][0]["to"] = 70000.into()
    }),
    ("a port as a string", |v| {
        v["scorecards"][0]["paths"][0]["ports"][0]["from"] = "22".into()
    }),
    ("a hop kind that is not kebab-case", |v| {
        v["scorecards"][0]["paths"][0]["hops"][1]["kind"] = "LoadBalancer".into()
    }),
    ("a missing tool version", |v| {
        remove(&mut v["tool"], "version")
    }),
    ("complete as a string", |v| {
        v["snapshot"]["complete"] = "false".into()
    }),
];

#[test]
fn json_schema_rejects_what_rampart_never_writes() {
    // Guards the guard: the unmutated report passes, each mutation fails.
    let valid = json(&fixed_report());
    assert!(errors(&valid).is_empty());
    let accepted: Vec<&str> = MUTATIONS
        .iter()
        .filter(|(name, mutate)| {
            let mut v = valid.clone();
            mutate(&mut v);
            assert_ne!(v, valid, "the mutation {name:?} changes nothing");
            errors(&v).is_empty()
        })
        .map(|(name, _)| *name)
        .collect();
    assert!(
        accepted.is_empty(),
        "docs/report.schema.json accepts reports rampart never writes: {}",
        accepted.join("; ")
    );
}
