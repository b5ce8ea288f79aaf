//! The `table` report: golden files for the fixed report in plain text with
//! no width limit and in colour at 100 columns
//! (`RAMPART_BLESS=1 cargo test -p rampart-reporter --test table` rewrites
//! `tests/golden/report.txt` and `report-color.txt`), then the promises one
//! by one: the width is kept, findings are grouped by backend, suppressed
//! and baseline sections, an empty account, and no escape sequence from
//! account text ever reaches the terminal.

mod common;
use common::fixture::{self, empty_report, fixed_report, lookup};

use rampart_model::baseline::Change;
use rampart_model::{Report, Severity, Status, Summary};
use rampart_reporter::Emit;
use rampart_reporter::table::Table;
use unicode_width::UnicodeWidthStr;

const PLAIN: Table = Table {
    color: false,
    width: None,
};

fn render(t: Table, r: &Report) -> String {
    let mut out = Vec::new();
    t.emit(r, &lookup, &mut out).unwrap();
    String::from_utf8(out).expect("the table report is UTF-8")
}

fn golden(name: &str, want: &str) {
    common::golden(name, want);
}

#[test]
fn plain_table_matches_the_golden_file() {
    golden("report.txt", &render(PLAIN, &fixed_report()));
}

#[test]
fn colour_table_at_100_columns_matches_the_golden_file() {
    let t = Table {
        color: true,
        width: Some(100),
    };
    golden("report-color.txt", &render(t, &fixed_report()));
}

/// Strips the SGR sequences comfy-table writes (`ESC [ digits/; m`),
/// failing on any other escape.
fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&rest[..at]);
        let seq = &rest[at + 1..];
        let body = seq.strip_prefix('[').unwrap_or_else(|| {
            panic!("an escape that is not CSI: {:?}", &seq[..seq.len().min(12)])
        });
        let end = body
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .expect("unterminated CSI");
        assert_eq!(&body[end..end + 1], "m", "a CSI that is not SGR: {body:?}");
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn no_escape_from_account_text() {
    let plain = render(PLAIN, &fixed_report());
    assert!(!plain.contains('\u{1b}'), "{plain}");
    // The hostile tag is shown, defused: its escapes became spaces.
    assert!(
        plain.contains("alert('x')</script>  [31mred [0m"),
        "{plain}"
    );

    let colour = render(
        Table {
            color: true,
            width: Some(100),
        },
        &fixed_report(),
    );
    assert!(colour.contains('\u{1b}'), "colour was asked for");
    // Every escape is an SGR code, and none of them is the tag's own red.
    let visible = strip_sgr(&colour);
    assert!(!colour.contains("\u{1b}[31m"), "{colour}");
    assert!(visible.contains(" [31mred"), "{visible}");
    // Colour changes nothing but colour.
    assert_eq!(
        visible,
        render(
            Table {
                color: false,
                width: Some(100)
            },
            &fixed_report()
        )
    );
}

#[test]
fn lines_fit_the_width() {
    for width in [80u16, 60] {
        for color in [false, true] {
            let text = render(
                Table {
                    color,
                    width: Some(width),
                },
                &fixed_report(),
            );
            for line in strip_sgr(&text).lines() {
                assert!(
                    line.width() <= usize::from(width),
                    "{} columns > {width}: {line:?}\n{text}",
                    line.width()
                );
            }
        }
    }
    // Without a limit the long lines stay long (a pipe to a file).
    let wide = render(PLAIN, &fixed_report());
    assert!(wide.lines().any(|l| l.width() > 100), "{wide}");
}

/// The failing-findings part, from its heading to the next section.
fn failing_part(text: &str) -> &str {
    let start = text.find("\nfailing findings:").expect("failing heading");
    let rest = &text[start..];
    let end = rest.find("\nsince ").unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn findings_are_grouped_by_backend_and_severity() {
    let mut r = fixed_report();
    // The admin role, no longer accepted and listing no backend, belongs
    // to none.
    let role = r
        .findings
        .iter_mut()
        .find(|f| f.check_id == "INST-003")
        .unwrap();
    role.suppressed = None;
    role.affected.clear();
    // A failure on web-2, and a load balancer shared by both backends.
    let mut web = r
        .findings
        .iter()
        .find(|f| f.resource_arn == fixture::WEB_2)
        .unwrap()
        .clone();
    web.status = Status::Fail;
    web.message = "i-0web2 allows IMDSv1".into();
    r.findings.push(web);
    r.scorecards[1].paths[0].hops.insert(
        1,
        common::hop("load-balancer", fixture::NLB, "nlb/edge", &[]),
    );
    r.summary = Summary::of(&r.findings);

    let text = render(PLAIN, &r);
    let part = failing_part(&text);
    assert!(part.contains("failing findings: 9"), "{part}");
    let api = part.find("\ni-0api1 (api").expect("api-1 group");
    let web = part
        .find("\ni-0web2 in us-east-1: 2 failing\n")
        .expect("web-2 group");
    let shared = part
        .find("\nshared resources (each finding lists the backends it exposes): 1 failing")
        .expect("shared group");
    let wide = part
        .find("\naccount-wide (no backend): 2 failing")
        .expect("account-wide group");
    assert!(
        api < web && web < shared && shared < wide,
        "backends in scorecard order, then shared resources, account-wide last"
    );
    assert!(
        part[api..].contains("eu-west-1: 5 failing (and 1 on shared resources, below)\n"),
        "{part}"
    );
    assert!(
        part[api..].starts_with("\ni-0api1 (api \"1\" <script>"),
        "{part}"
    );

    let api_part = &part[api..web];
    // Every check that fails on api-1, by resource, by path hop (the NLB)
    // and by the finding's own path (the stage), critical first.
    let order: Vec<usize> = ["NET-005", "EDGE-001", "INST-001", "NET-099", "DATA-004"]
        .iter()
        .map(|id| {
            api_part
                .find(id)
                .unwrap_or_else(|| panic!("{id} under api-1:\n{api_part}"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "{order:?}\n{api_part}"
    );
    let sev: Vec<usize> = ["critical", "high", "low", "info"]
        .iter()
        .map(|s| api_part.find(&format!("│ {s} ")).unwrap())
        .collect();
    assert!(sev.windows(2).all(|w| w[0] < w[1]), "{api_part}");
    assert!(api_part.contains("also affects: i-0web2"), "{api_part}");
    assert!(!api_part.contains("INST-003"), "{api_part}");

    assert!(!api_part.contains("NET-004"), "{api_part}");
    let web_part = &part[web..shared];
    assert!(web_part.contains("i-0web2 allows IMDSv1"), "{web_part}");
    assert!(web_part.contains("DATA-004") && web_part.contains("also affects: i-0api1"));
    // The security group's finding once, with the backends it exposes.
    let shared_part = &part[shared..wide];
    assert_eq!(shared_part.matches("NET-004").count(), 1, "{shared_part}");
    assert!(
        shared_part.contains("resource: arn:aws:ec2:eu-west-1:444455556666:security-group/sg-0app")
            && shared_part.contains(
                "affects 7 instances: i-0api1, i-0api2, i-0api3, i-0api4, i-0api5 (+2 more)"
            ),
        "{shared_part}"
    );
    assert_eq!(part.matches("sg-0app admits").count(), 1, "shown once");
    let wide_part = &part[wide..];
    assert!(wide_part.contains("INST-003") && wide_part.contains("role/api-role"));
    assert!(!wide_part.contains("NET-005"), "{wide_part}");
}

#[test]
fn paths_show_every_hop_gaps_and_ports() {
    let text = render(PLAIN, &fixed_report());
    let part = failing_part(&text);
    for line in [
        "path (load balancer, port 22):",
        "  internet",
        "  -> nlb/edge (no WAF)",
        "  -> TCP:22",
        "  -> tg/admin:22",
        "  -> i-0api1 (IMDSv1)",
        "path (API gateway, port 8080):",
        "  -> api a1b2c3/prod (no WAF, no auth)",
        "  -> vpc-link vl-1",
    ] {
        assert!(part.contains(&format!("┆ {line} ")), "{line:?}\n{part}");
    }
    // Titles from the metadata, or only the message for an unknown check.
    assert!(part.contains("Admin ports are not open to the internet"));
    assert!(part.contains("a check this reporter has no metadata for"));
}

#[test]
fn scorecard_comes_first_after_the_incomplete_warning() {
    let text = render(PLAIN, &fixed_report());
    assert!(
        text.starts_with("WARNING: incomplete snapshot: 1 collection error(s)"),
        "{text}"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].starts_with("account 444455556666 (aws), 2 region(s)"));
    let card = text.find("scorecard (2 backend(s))").unwrap();
    assert!(card < text.find("failing findings:").unwrap());
    let card_part = &text[card..text.find("failing findings:").unwrap()];
    for cell in [
        "fail", "EDGE-001", "NET-005", "NET-099", "INST-003", "pass", "not",
    ] {
        assert!(card_part.contains(cell), "{cell}\n{card_part}");
    }
    assert!(card_part.contains(
        "i-0api1 data not evaluated (DATA-004): elbv2:DescribeListeners failed (Throttling)"
    ));

    let mut complete = fixed_report();
    complete.snapshot.complete = true;
    complete.snapshot.collection_errors = 0;
    let text = render(PLAIN, &complete);
    assert!(text.starts_with("account 444455556666"), "{text}");
    assert!(!text.contains("incomplete"));
}

#[test]
fn suppressed_findings_are_listed_apart_not_as_failing() {
    let text = render(PLAIN, &fixed_report());
    assert!(!failing_part(&text).contains("INST-003"));
    let at = text.find("\nsuppressed: 1 (").expect("suppressed section");
    let part = &text[at..text.find("\nWARNING: 1 suppression(s) expired").unwrap()];
    for s in [
        "INST-003",
        "critical",
        "role/api-role",
        "break-glass role, reviewed by secops <SEC-42>",
        "at rampart.toml:3",
        "until 2027-01-31",
    ] {
        assert!(part.contains(s), "{s}\n{part}");
    }
    // The role lists the backend it exposes.
    assert!(part.contains("affects 1 instance: i-0api1"), "{part}");
    assert!(
        text.trim_end()
            .ends_with("\n2 pass, 7 fail, 1 not evaluated, 1 suppressed"),
        "{text}"
    );
}

#[test]
fn expired_suppressions_and_not_evaluated_are_shown() {
    let text = render(PLAIN, &fixed_report());
    let at = text.find("WARNING: 1 suppression(s) expired").unwrap();
    let part = &text[at..];
    for s in [
        "rampart.toml:9",
        "check=INST-001 region=eu-west-1",
        "temporary exception for the migration",
        "2026-10-01",
        "1 finding(s)",
    ] {
        assert!(part.contains(s), "{s}\n{part}");
    }
    let at = text
        .find("\nnot evaluated: 1\n")
        .expect("not-evaluated section");
    let part = &text[at..];
    assert!(part.contains("EDGE-004") && part.contains("wafv2:GetWebACL failed (AccessDenied)"));
}

#[test]
fn baseline_marks_and_since_block() {
    let text = render(PLAIN, &fixed_report());
    let part = failing_part(&text);
    assert!(
        part.contains("failing findings: 7 (4 new, 3 unchanged)"),
        "{part}"
    );
    // The marker sits under the check id.
    let new = part.lines().position(|l| l.contains("┆ NET-005 ")).unwrap();
    assert!(
        part.lines().nth(new + 1).unwrap().contains("┆ NEW "),
        "{part}"
    );
    let same = part
        .lines()
        .position(|l| l.contains("┆ INST-001 "))
        .unwrap();
    assert!(part.lines().nth(same + 1).unwrap().contains("┆ unchanged "));

    let at = text.find("\nsince ").expect("since block");
    let since = &text[at..text.find("\nsuppressed:").unwrap()];
    assert!(
        since.contains(
            "(nightly/2026-11-19/report.json): 4 new, 3 unchanged, 1 resolved, 0 unknown"
        ),
        "{since}"
    );
    assert!(since.contains("resolved (failing then; passing or gone now):"));
    assert!(since.contains("EDGE-003") && since.contains("had no authorizer"));
    assert!(
        !since.contains("unknown (failing then"),
        "empty lists are left out"
    );

    // An unknown finding gets its own list; no baseline, no block or marks.
    let mut r = fixed_report();
    let b = r.baseline.as_mut().unwrap();
    let mut gone = b.resolved[0].clone();
    gone.baseline = Some(Change::Unknown);
    gone.message = "stage authorizers were not collected".into();
    b.unknown.push(gone);
    let text = render(PLAIN, &r);
    assert!(text.contains("4 new, 3 unchanged, 1 resolved, 1 unknown"));
    assert!(text.contains("unknown (failing then; not evaluated now, so not resolved):"));
    assert!(text.contains("stage authorizers were not collected"));

    let mut r = fixed_report();
    r.baseline = None;
    for f in &mut r.findings {
        f.baseline = None;
    }
    let text = render(PLAIN, &r);
    assert!(!text.contains("\nsince ") && !text.contains("NEW") && !text.contains("unchanged"));
    assert!(text.contains("failing findings: 7\n"), "{text}");
}

#[test]
fn empty_report_says_no_backends() {
    let text = render(PLAIN, &empty_report());
    assert!(text.starts_with("account 444455556666"), "{text}");
    assert!(
        text.contains("scorecard (0 backend(s))\n  no backends:"),
        "{text}"
    );
    assert!(text.contains("failing findings: none"), "{text}");
    for absent in ["suppressed:", "since ", "WARNING", "not evaluated:"] {
        assert!(!text.contains(absent), "{absent}\n{text}");
    }
    assert!(
        text.trim_end()
            .ends_with("0 pass, 0 fail, 0 not evaluated, 0 suppressed")
    );
    // Narrow, the prose wraps instead of running over.
    let narrow = render(
        Table {
            color: false,
            width: Some(40),
        },
        &empty_report(),
    );
    assert!(narrow.lines().all(|l| l.width() <= 40), "{narrow}");
}

#[test]
fn only_severity_and_verdict_cells_are_coloured() {
    let t = Table {
        color: true,
        width: None,
    };
    let text = render(t, &fixed_report());
    // Every coloured span is a severity, a verdict, or a failing check id
    // in a verdict cell; comfy-table colours the words, not the padding.
    let allowed = |s: &str| {
        Severity::ALL.iter().any(|v| v.as_str() == s)
            || ["pass", "fail", "not evaluated"].contains(&s)
            || s.split_once('-').is_some_and(|(layer, n)| {
                rampart_model::Layer::ALL
                    .iter()
                    .any(|l| l.id_prefix() == layer)
                    && n.len() == 3
                    && n.bytes().all(|b| b.is_ascii_digit())
            })
    };
    let mut spans = 0;
    for span in text.split("\u{1b}[38;5;").skip(1) {
        let body = &span[span.find('m').unwrap() + 1..];
        let body = body.strip_prefix("\u{1b}[1m").unwrap_or(body);
        let end = body.find('\u{1b}').expect("colour is reset");
        assert!(allowed(&body[..end]), "coloured: {:?}", &body[..end]);
        spans += 1;
    }
    assert!(spans > 10, "{text:?}");
    assert!(text.contains("\u{1b}[38;5;11mmedium\u{1b}[39m"), "{text:?}");
}

/// A layer no check applies to is not evaluated, with the reason and no
/// empty list of checks; a layer with checks names them.
#[test]
fn a_layer_without_checks_names_none() {
    let mut r = fixed_report();
    r.scorecards[1].data = rampart_model::LayerVerdict::NotEvaluated {
        checks: vec![],
        reasons: vec!["no check applies to this backend on this layer".into()],
        findings: vec![],
    };
    let id = r.scorecards[1].instance_id.clone();
    let text = render(PLAIN, &r);
    assert!(
        text.contains(&format!(
            "  {id} data not evaluated: no check applies to this backend on this layer"
        )),
        "{text}"
    );
    assert!(!text.contains("()"), "{text}");
}
