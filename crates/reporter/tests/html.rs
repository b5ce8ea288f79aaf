//! The HTML report: a golden file for the shared rich fixture
//! (`RAMPART_BLESS=1 cargo test -p rampart-reporter --test html` rewrites
//! `tests/golden/report.html`); structural assertions on the markup (self-
//! contained, escaped, one picture per exposure path, every section); and
//! the page in headless Chromium: the filter script runs under the page's
//! CSP, presets from the URL hide the rows they should, and a screenshot is
//! saved to `$CARGO_TARGET_DIR/test-artifacts/report.png` for people to look
//! at. Without `/usr/bin/chromium` the browser tests fail, saying how to
//! install it, unless `RAMPART_SKIP_BROWSER=1`.
//!
//! The accounts page (`rampart check DIR --format html`) is tested the same
//! way below: a golden file (`tests/golden/accounts.html`, the accounts
//! fixture), unique ids, a section per account holding the single page's
//! sections with prefixed ids, and in Chromium a preset that filters one
//! account's section and leaves the others alone.

mod common;
use common::accounts::{EMPTY, FAILED, MISSING, org, org_with};
use common::fixture::{self, ACCOUNT, empty_report, fixed_report, lookup};

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rampart_model::org_report::OrgReport;
use rampart_model::{LayerVerdict, Report};
use rampart_reporter::Emit;
use rampart_reporter::accounts::EmitAccounts;
use rampart_reporter::html::{
    ACCOUNTS_SCRIPT, ACCOUNTS_SCRIPT_HASH, ACCOUNTS_STYLE, ACCOUNTS_STYLE_HASH, Html, SCRIPT,
    SCRIPT_HASH, STYLE, STYLE_HASH,
};
use sha2::{Digest, Sha256};

fn render(r: &Report) -> String {
    let mut out = Vec::new();
    Html.emit(r, &lookup, &mut out).expect("emit html");
    String::from_utf8(out).expect("utf-8")
}

fn render_accounts(r: &OrgReport) -> String {
    let mut out = Vec::new();
    Html.emit_accounts(r, &lookup, &mut out)
        .expect("emit accounts html");
    String::from_utf8(out).expect("utf-8")
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The text between `start` and the next `end` after it.
fn between<'a>(haystack: &'a str, start: &str, end: &str) -> &'a str {
    let from = haystack
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"))
        + start.len();
    let len = haystack[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} not found after {start:?}"));
    &haystack[from..from + len]
}

/// The opening tags of the findings table's rows, in page order.
fn finding_rows(html: &str) -> Vec<&str> {
    html.match_indices("<tr data-severity=")
        .map(|(i, _)| &html[i..i + html[i..].find('>').expect("tag end")])
        .collect()
}

#[test]
fn html_matches_the_golden_file() {
    common::golden("report.html", &render(&fixed_report()));
}

#[test]
fn html_is_deterministic() {
    assert_eq!(render(&fixed_report()), render(&fixed_report()));
}

/// No URL may be fetched: the only `http(s)://` allowed inside a tag is an
/// `<a href>` (a documentation link the reader chooses to follow); no
/// `src`, stylesheet link, import or `url(...)` at all.
#[test]
fn html_is_self_contained() {
    for (name, html) in [
        ("fixed", render(&fixed_report())),
        ("empty", render(&empty_report())),
    ] {
        for bad in [
            " src=", "<link", "@import", "url(", "<iframe", "<object", "<embed", "<img",
        ] {
            assert!(!html.contains(bad), "{name}: found {bad:?}");
        }
        // Protocol-relative URLs would be fetched too.
        assert!(!html.contains("=\"//"), "{name}: protocol-relative URL");
        for scheme in ["http://", "https://"] {
            for (i, _) in html.match_indices(scheme) {
                let open = html[..i].rfind('<').unwrap_or(0);
                let close = html[..i].rfind('>');
                if close.is_some_and(|c| c > open) {
                    continue; // text content, not inside a tag
                }
                let tag = &html[open..i];
                assert!(
                    tag.starts_with("<a ") && tag.ends_with("href=\""),
                    "{name}: URL inside a tag other than <a href>: {}",
                    &html[open..html[i..].find('>').map_or(html.len(), |e| i + e + 1)]
                );
            }
        }
        assert_eq!(count(&html, "<script"), 1, "{name}: only our own script");
        assert_eq!(
            count(&html, "<style"),
            1,
            "{name}: only our own style sheet"
        );
    }
}

fn csp_hash(text: &str) -> String {
    format!("sha256-{}", base64(&Sha256::digest(text.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// The CSP allows exactly the page's style sheet and script, by hash: an
/// edit to either that forgets the constant fails here, with the value.
#[test]
fn html_csp_allows_exactly_the_inline_style_and_script() {
    assert_eq!(base64(b"ab"), "YWI=");
    assert_eq!(base64(b"abc"), "YWJj");
    assert_eq!(
        (STYLE_HASH, SCRIPT_HASH),
        (csp_hash(STYLE).as_str(), csp_hash(SCRIPT).as_str()),
        "update STYLE_HASH / SCRIPT_HASH in src/html.rs"
    );
    let html = render(&fixed_report());
    let style = between(&html, "<style>", "</style>");
    let script = between(&html, "<script>", "</script>");
    assert_eq!((style, script), (STYLE, SCRIPT));
    let csp = between(
        &html,
        "http-equiv=\"Content-Security-Policy\" content=\"",
        "\"",
    );
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert!(
        csp.contains(&format!("style-src '{}'", csp_hash(style))),
        "{csp}"
    );
    assert!(
        csp.contains(&format!("script-src '{}'", csp_hash(script))),
        "{csp}"
    );
    assert!(!csp.contains("unsafe"), "{csp}");
}

#[test]
fn html_escapes_hostile_account_text() {
    let html = render(&fixed_report());
    assert!(fixture::HOSTILE.contains("<script>"));
    // The instance name (scorecard, paths) and the finding message.
    let escaped = "api &quot;1&quot; &lt;script&gt;alert('x')&lt;/script&gt;  [31mred [0m";
    assert!(count(&html, escaped) >= 3, "hostile name not escaped");
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("alert('x')</script>"));
    // Control characters (the terminal escape, the newline in the tag) are
    // cleaned: none is left but the page's own line breaks.
    assert!(
        !html.chars().any(|c| c.is_control() && c != '\n'),
        "control character in the page"
    );
    // Our metadata is text too, never markup.
    assert!(html.contains("Why EDGE-001 matters: &lt;b&gt;not markup&lt;/b&gt;."));
    assert!(html.contains("reviewed by secops &lt;SEC-42&gt;"));
    // The script reads no account text: it is a constant.
    assert!(!SCRIPT.contains("444455556666"));
}

#[test]
fn html_draws_one_svg_per_exposure_path_with_gaps_and_ports() {
    let html = render(&fixed_report());
    let paths: usize = fixed_report()
        .scorecards
        .iter()
        .map(|s| s.paths.len())
        .sum();
    assert_eq!(paths, 3);
    assert_eq!(count(&html, "<svg"), paths);
    assert_eq!(count(&html, "</svg>"), paths);
    let svgs: Vec<&str> = html
        .split("<svg")
        .skip(1)
        .map(|s| &s[..s.find("</svg>").unwrap()])
        .collect();
    // Load balancer path: 5 hops, 4 arrows, the gaps under their hops, the
    // port on the last arrow.
    let lb = svgs[0];
    assert_eq!(count(lb, "<g class=\"hop"), 5);
    assert_eq!(count(lb, "<g class=\"arrow\""), 4);
    assert_eq!(count(lb, "class=\"hop has-gap\""), 2);
    assert!(lb.contains(">✕ no WAF</text>"));
    assert!(lb.contains(">✕ IMDSv1</text>"));
    assert!(lb.contains(">tcp/22</text>"));
    assert!(lb.contains(">LOAD BALANCER</text>"));
    // Hops run left to right.
    let xs: Vec<u32> = lb
        .match_indices("<rect x=\"")
        .map(|(i, m)| {
            let rest = &lb[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect();
    assert_eq!(xs.len(), 5);
    assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
    // Gateway path: both gaps of the stage.
    let gw = svgs[1];
    assert!(gw.contains(">✕ no WAF</text>") && gw.contains(">✕ no auth</text>"));
    assert!(gw.contains(">tcp/8080</text>"));
    // Direct path: no gaps.
    let direct = svgs[2];
    assert_eq!(count(direct, "<g class=\"hop"), 2);
    assert!(!direct.contains("has-gap"));
    assert!(direct.contains(">tcp/443</text>"));
    // Each picture has a text alternative: the one-line path.
    assert!(lb.contains(
        "<title>internet -&gt; nlb/edge (no WAF) -&gt; TCP:22 -&gt; tg/admin:22 -&gt; i-0api1 (IMDSv1)</title>"
    ));
}

#[test]
fn html_scorecard_has_every_backend_and_layer() {
    let html = render(&fixed_report());
    let score = between(&html, "<section id=\"scorecard\">", "</section>");
    assert_eq!(count(score, "<th scope=\"row\">"), 2);
    for verdict in ["v v-fail", "v v-not-evaluated", "v v-pass"] {
        assert!(score.contains(verdict), "{verdict}");
    }
    assert_eq!(
        count(score, "class=\"v v-pass\""),
        5,
        "web-2 passes all five"
    );
    assert_eq!(count(score, "class=\"v v-fail\""), 4);
    // Failing check ids link to their documentation.
    for id in ["EDGE-001", "NET-005", "NET-099", "INST-001", "INST-003"] {
        assert!(
            score.contains(&format!("<a class=\"cid\" href=\"#check-{id}\">{id}</a>")),
            "{id}"
        );
        assert!(html.contains(&format!("<article class=\"check\" id=\"check-{id}\">")));
    }
    assert!(score.contains("elbv2:DescribeListeners failed (Throttling)"));
    // A backend without a Name tag is shown by its instance id.
    assert!(score.contains("<span class=\"bname\">i-0web2</span>"));
}

#[test]
fn html_lists_every_finding_without_javascript() {
    let r = fixed_report();
    let html = render(&r);
    let rows = finding_rows(&html);
    assert_eq!(rows.len(), r.findings.len());
    assert!(rows.iter().all(|r| !r.contains("hidden")));
    // The filter controls need the script, so they start hidden.
    assert!(html.contains("<form id=\"filters\" class=\"filters\" hidden"));
    assert!(html.contains("<noscript>"));
    // Open failures first, most severe first; passes last.
    let states: Vec<&str> = rows
        .iter()
        .map(|r| between(r, "data-status=\"", "\""))
        .collect();
    assert_eq!(
        states,
        [
            "fail",
            "fail",
            "fail",
            "fail",
            "fail",
            "fail",
            "fail",
            "not-evaluated",
            "suppressed",
            "pass",
            "pass"
        ]
    );
    assert!(rows[0].contains("data-severity=\"critical\""));
    assert!(rows[0].contains("data-layer=\"network\""));
    // The check without metadata gets its layer from its id prefix.
    assert!(html.contains("data-layer=\"network\" class=\"row-fail\""));
}

#[test]
fn html_marks_suppressed_and_baseline_findings() {
    let html = render(&fixed_report());
    let suppressed = between(&html, "data-status=\"suppressed\"", "</tr>");
    assert!(suppressed.contains("<span class=\"pill st-suppressed\">suppressed</span>"));
    assert!(suppressed.contains("was fail"));
    assert!(suppressed.contains(
        "<strong>Suppressed: </strong>break-glass role, reviewed by secops &lt;SEC-42&gt;"
    ));
    assert!(suppressed.contains("rampart.toml:3 · until 2027-01-31"));
    let findings = between(&html, "<section id=\"findings\">", "</section>");
    assert_eq!(count(findings, "class=\"badge b-new\""), 4);
    assert_eq!(count(findings, "class=\"badge b-unchanged\""), 3);
    // Not evaluated shows its reason.
    assert!(findings.contains(
        "<strong>Not evaluated: </strong>wafv2:GetWebACL failed (AccessDenied): the web ACL's rules are unknown"
    ));
}

/// A finding on a shared resource lists the backends it exposes (a few
/// inline, linked to their scorecard row when the report has one, the rest
/// folded), and each failing layer links to the rows of its findings.
#[test]
fn html_links_verdicts_to_findings_and_findings_to_backends() {
    let html = render(&fixed_report());
    let findings = between(&html, "<section id=\"findings\">", "</section>");
    let sg = between(
        findings,
        "<a class=\"cid\" href=\"#check-NET-004\">",
        "</tr>",
    );
    let affects = between(sg, "<div class=\"affects\">", "</details></div>");
    assert!(
        affects.starts_with("<strong>Affects 7 instances: </strong>"),
        "{affects}"
    );
    // i-0api1 has a scorecard: a link to its row; the others are text.
    assert!(
        affects.contains("<a class=\"mono\" href=\"#backend-eu-west-1-i-0api1\""),
        "{affects}"
    );
    assert!(html.contains("<tr id=\"backend-eu-west-1-i-0api1\">"));
    assert!(
        affects.contains(">i-0api5</span>")
            && !affects.contains("href=\"#backend-eu-west-1-i-0api5")
    );
    let folded = between(sg, "<details>", "</details>");
    assert!(
        folded.starts_with("<summary>and 2 more</summary>: "),
        "{folded}"
    );
    assert!(folded.contains(">i-0api6<") && folded.contains(">i-0api7<"));
    assert!(!folded.contains(">i-0api5<"));

    // The network layer of i-0api1 links to its three failing findings, by
    // fingerprint, and every such link has its row.
    let score = between(&html, "<section id=\"scorecard\">", "</section>");
    let r = fixed_report();
    let LayerVerdict::Fail { findings: fps, .. } = &r.scorecards[0].network else {
        panic!("the fixture's network layer fails");
    };
    assert_eq!(fps.len(), 3);
    for fp in fps {
        assert!(score.contains(&format!("href=\"#finding-{fp}\"")), "{fp}");
        assert!(
            html.contains(&format!(" id=\"finding-{fp}\"")),
            "no row for {fp}"
        );
    }
    assert!(score.contains("NET-004 · sg-0app</a>"), "{score}");
    // A fingerprint the report does not list is named, not linked.
    assert!(score.contains("<span class=\"flink muted\""), "{score}");
    for (i, _) in html.match_indices("href=\"#finding-") {
        let id = between(&html[i..], "href=\"#", "\"");
        assert!(
            html.contains(&format!(" id=\"{id}\"")),
            "no target for {id}"
        );
    }
}

#[test]
fn html_shows_incomplete_snapshot_baseline_and_expired_suppressions() {
    let html = render(&fixed_report());
    let banner = between(&html, "<div id=\"incomplete\"", "</div>");
    assert!(banner.contains("Snapshot incomplete."));
    assert!(banner.contains("1 collection error."));
    let expired = between(&html, "<section id=\"expired-suppressions\"", "</section>");
    assert!(expired.contains("rampart.toml:9"));
    assert!(expired.contains("check=INST-001 region=eu-west-1"));
    assert!(expired.contains("temporary exception for the migration"));
    assert!(expired.contains("2026-10-01"));
    let baseline = between(&html, "<section id=\"baseline\">", "</section>");
    assert!(baseline.contains("nightly/2026-11-19/report.json"));
    assert!(baseline.contains("4 new, 3 unchanged, 1 resolved, 0 unknown, 1 not compared."));
    // Listed apart, with why: not resolved.
    assert!(baseline.contains("<h3>Not compared</h3>"), "{baseline}");
    assert!(baseline.contains("region us-west-2 was not scanned this time"));
    assert!(baseline.contains("stage a1b2c3/prod had no authorizer"));
    assert!(baseline.contains("href=\"#check-EDGE-003\""));
    // Every check link has a target, even one only the baseline mentions.
    for (i, _) in html.match_indices("href=\"#check-") {
        let id = between(&html[i..], "href=\"#", "\"");
        assert!(
            html.contains(&format!(" id=\"{id}\"")),
            "no target for {id}"
        );
    }
}

#[test]
fn html_documents_every_check_and_copes_without_metadata() {
    let html = render(&fixed_report());
    let docs = between(&html, "<section id=\"checks\">", "</section>");
    let ids: Vec<&str> = docs
        .match_indices("<article class=\"check\" id=\"check-")
        .map(|(i, m)| between(&docs[i + m.len() - 6..], "check-", "\""))
        .collect();
    // Layer order (edge, network, instance, data, detect), then id.
    assert_eq!(
        ids,
        [
            "EDGE-001", "EDGE-003", "EDGE-004", "NET-004", "NET-005", "NET-099", "INST-001",
            "INST-003", "DATA-002", "DATA-004", "DET-002"
        ]
    );
    let edge = between(docs, "id=\"check-EDGE-001\">", "</article>");
    assert!(edge.contains("API stages sit behind a WAF"));
    assert!(edge.contains("<dt>Console</dt><dd>Console steps for EDGE-001.</dd>"));
    assert!(edge.contains("<pre><code>aws example fix-api-stage-without-waf --id ID</code></pre>"));
    assert!(edge.contains(
        "<pre><code>resource &quot;x&quot; &quot;api-stage-without-waf&quot; {\n  fixed = true\n}</code></pre>"
    ));
    assert!(edge.contains(
        "<a href=\"https://docs.aws.amazon.com/api-stage-without-waf\" rel=\"noopener noreferrer\">"
    ));
    let unknown = between(docs, "id=\"check-NET-099\">", "</article>");
    assert!(unknown.contains("no metadata for this check"));
    let findings = between(&html, "<section id=\"findings\">", "</section>");
    let row = between(findings, "href=\"#check-NET-099\">NET-099</a>", "</tr>");
    assert!(row.contains("a check this reporter has no metadata for"));
}

#[test]
fn html_empty_report_says_so() {
    let html = render(&empty_report());
    assert!(html.contains("No backends: no instance in this snapshot is reachable"));
    assert!(html.contains("No exposure paths"));
    assert!(html.contains("No findings: no selected check produced a result"));
    assert!(html.contains("No checks to document"));
    assert!(!html.contains("<svg"));
    assert!(!html.contains("<form"));
    assert!(!html.contains("id=\"incomplete\""));
    assert!(!html.contains("id=\"baseline\""));
    assert!(!html.contains("id=\"expired-suppressions\""));
    assert!(finding_rows(&html).is_empty());
}

#[test]
fn html_write_errors_keep_their_io_kind() {
    struct ClosedPipe;
    impl std::io::Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let err = Html
        .emit(&fixed_report(), &lookup, &mut ClosedPipe)
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
}

// ---- headless Chromium -------------------------------------------------

const CHROMIUM: &str = "/usr/bin/chromium";
const BROWSER_TIMEOUT: Duration = Duration::from_secs(60);

/// The browser, or `None` (after saying so) when `RAMPART_SKIP_BROWSER=1`.
/// A missing browser is a failure otherwise: the script is only tested here.
fn chromium() -> Option<&'static Path> {
    let path = Path::new(CHROMIUM);
    if std::env::var("RAMPART_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        // Straight to stderr: the harness would swallow eprintln! output.
        let _ = writeln!(
            std::io::stderr(),
            "html browser test skipped (RAMPART_SKIP_BROWSER=1)"
        );
        return None;
    }
    assert!(
        path.exists(),
        "{CHROMIUM} not found: the HTML report's browser tests need Debian's chromium. \
         `make test` installs it (apt-get install chromium); set RAMPART_SKIP_BROWSER=1 to skip them."
    );
    Some(path)
}

/// The fixed report written to a temp dir, as a `file://` URL.
fn page_on_disk(dir: &Path) -> String {
    let file = dir.join("report.html");
    std::fs::write(&file, render(&fixed_report())).unwrap();
    format!("file://{}", file.display())
}

/// Runs headless Chromium on `url` with `extra` flags, in a throwaway
/// profile, killed (its whole process group) after [`BROWSER_TIMEOUT`].
/// Returns its stdout.
fn run_chromium(browser: &Path, extra: &[String], url: &str) -> String {
    use std::os::unix::process::CommandExt as _;
    let profile = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let out_path = logs.path().join("stdout");
    let err_path = logs.path().join("stderr");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            // Console messages (CSP violations among them) go to stderr
            // only with logging on: without these two flags a style or
            // script the policy blocked went unnoticed here.
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .process_group(0)
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + BROWSER_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            // The renderer and GPU helpers share the group: end them all.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            panic!(
                "chromium did not finish within {BROWSER_TIMEOUT:?}; stderr:\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    assert!(status.success(), "chromium failed ({status}):\n{stderr}");
    // The CSP would block a script or style whose hash is wrong: Chromium
    // says so on stderr, and the page would silently lose its filters.
    assert!(
        !stderr.contains("Content Security Policy"),
        "CSP violation:\n{stderr}"
    );
    std::fs::read_to_string(&out_path).unwrap()
}

/// The page's DOM after the script ran, with `suffix` (`#...` / `?...`)
/// appended to its URL.
fn dom(browser: &Path, suffix: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}{suffix}", page_on_disk(dir.path()));
    let dom = run_chromium(browser, &["--dump-dom".to_string()], &url);
    assert!(dom.contains("</html>"), "no DOM for {suffix:?}:\n{dom}");
    dom
}

fn body_attr<'a>(dom: &'a str, name: &str) -> &'a str {
    let body = between(dom, "<body", ">");
    between(body, &format!("{name}=\""), "\"")
}

/// (visible, hidden) findings rows, each as its opening tag.
fn split_rows(dom: &str) -> (Vec<&str>, Vec<&str>) {
    finding_rows(dom)
        .into_iter()
        .partition(|r| !r.contains(" hidden"))
}

#[test]
fn html_script_runs_and_shows_everything_by_default() {
    let Some(browser) = chromium() else { return };
    let dom = dom(browser, "");
    assert_eq!(
        body_attr(&dom, "data-ready"),
        "true",
        "the script did not run"
    );
    assert_eq!(body_attr(&dom, "data-visible"), "11");
    let (visible, hidden) = split_rows(&dom);
    assert_eq!((visible.len(), hidden.len()), (11, 0));
    assert!(dom.contains("<form id=\"filters\" class=\"filters\" role=\"search\""));
    assert!(dom.contains("<p id=\"shown\" class=\"count\" aria-live=\"polite\">11 findings</p>"));
    // The hostile name stayed text: the only script element is ours.
    assert_eq!(count(&dom, "<script"), 1);
    assert!(!dom.contains("<script>alert"));
    assert!(dom.contains("&lt;script&gt;alert('x')&lt;/script&gt;"));
}

#[test]
fn html_filters_preset_from_the_fragment() {
    let Some(browser) = chromium() else { return };
    let dom = dom(browser, "#severity=critical");
    assert_eq!(body_attr(&dom, "data-ready"), "true");
    assert_eq!(body_attr(&dom, "data-visible"), "2");
    let (visible, hidden) = split_rows(&dom);
    assert_eq!((visible.len(), hidden.len()), (2, 9));
    assert!(
        visible
            .iter()
            .all(|r| r.contains("data-severity=\"critical\""))
    );
    assert!(
        hidden
            .iter()
            .all(|r| !r.contains("data-severity=\"critical\""))
    );
    assert!(dom.contains(">Showing 2 of 11 findings</p>"));

    let dom = self::dom(browser, "#layer=edge&status=not-evaluated");
    let (visible, _) = split_rows(&dom);
    assert_eq!(visible.len(), 1);
    assert!(visible[0].contains("data-layer=\"edge\" class=\"row-not-evaluated\""));

    // A plain anchor is navigation, not a filter.
    let dom = self::dom(browser, "#check-NET-005");
    assert_eq!(body_attr(&dom, "data-visible"), "11");

    // Free text over the rendered row (here the suppressed role's ARN).
    let dom = self::dom(browser, "#q=role%2Fapi-role");
    let (visible, _) = split_rows(&dom);
    assert_eq!(visible.len(), 1);
    assert!(visible[0].contains("data-status=\"suppressed\""));
}

#[test]
fn html_filters_preset_from_the_query_and_fragment_together() {
    let Some(browser) = chromium() else { return };
    let dom = dom(browser, "?status=fail");
    assert_eq!(body_attr(&dom, "data-visible"), "7");
    let (visible, _) = split_rows(&dom);
    assert!(visible.iter().all(|r| r.contains("data-status=\"fail\"")));

    let dom = self::dom(browser, "?status=fail#severity=high,critical");
    let (visible, _) = split_rows(&dom);
    let checks: Vec<&str> = visible
        .iter()
        .map(|r| between(r, "data-severity=\"", "\""))
        .collect();
    assert_eq!(checks, ["critical", "high", "high", "high", "high"]);
}

/// Where test artifacts go: `$CARGO_TARGET_DIR/test-artifacts`, or the
/// workspace's `target/test-artifacts`.
fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn html_screenshot_in_headless_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = artifacts();
    let png = dir.join("report.png");
    let _ = std::fs::remove_file(&png);
    // The page beside the picture, for whoever looks at it.
    std::fs::write(dir.join("report.html"), render(&fixed_report())).unwrap();
    std::fs::write(dir.join("report-empty.html"), render(&empty_report())).unwrap();
    let url = format!("file://{}", dir.join("report.html").display());
    run_chromium(
        browser,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,1600".to_string(),
            "--hide-scrollbars".to_string(),
        ],
        &url,
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let dim = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((dim(16), dim(20)), (1280, 1600), "IHDR size");
    // A blank or near-blank page compresses to a few kilobytes.
    assert!(
        bytes.len() > 40_000,
        "screenshot suspiciously small ({} bytes)",
        bytes.len()
    );
}

#[test]
fn html_path_captions_say_how_the_gateway_reaches_the_backend() {
    let mut r = fixed_report();
    let vpc_link = render(&r);
    assert!(vpc_link.contains("Through API Gateway and a VPC link"));
    // The same route, but the integration calls a public URL.
    for p in &mut r.scorecards[0].paths {
        for h in &mut p.hops {
            if h.kind == "vpc-link" {
                h.kind = "public-url".into();
            }
        }
    }
    let public = render(&r);
    assert!(!public.contains("Through API Gateway and a VPC link"));
    assert!(public.contains("Through API Gateway, then over the internet to a public endpoint"));
}

// ---- the accounts page -------------------------------------------------

/// Every `id="..."` in the page, in order.
fn ids(html: &str) -> Vec<&str> {
    html.match_indices(" id=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// An account's section, from its opening tag to the next account's (or
/// the end of `<main>`).
fn account_section<'a>(html: &'a str, account: &str) -> &'a str {
    let start = html
        .find(&format!("<section class=\"account\" id=\"a{account}\""))
        .unwrap_or_else(|| panic!("no section for {account}"));
    let rest = &html[start + 1..];
    let end = rest
        .find("<section class=\"account\"")
        .or_else(|| rest.find("</main>"))
        .unwrap();
    &html[start..start + 1 + end]
}

#[test]
fn accounts_html_matches_the_golden_file() {
    common::golden("accounts.html", &render_accounts(&org()));
}

#[test]
fn accounts_html_is_deterministic() {
    assert_eq!(render_accounts(&org()), render_accounts(&org()));
}

/// Ids are unique across the whole page (the filter script and every
/// in-page link depend on it), and every `#` link has its target.
#[test]
fn accounts_html_ids_are_unique_and_every_link_has_a_target() {
    for r in [org(), org_with(fixed_report())] {
        let html = render_accounts(&r);
        let all = ids(&html);
        let mut seen = std::collections::BTreeSet::new();
        for id in &all {
            assert!(seen.insert(*id), "duplicate id {id:?}");
        }
        assert!(all.contains(&"a444455556666-findings"), "{all:?}");
        assert!(all.contains(&"a444455556666-check-EDGE-001"));
        for (i, _) in html.match_indices("href=\"#") {
            let id = between(&html[i..], "href=\"#", "\"");
            assert!(seen.contains(id), "no target for #{id}");
        }
    }
}

#[test]
fn accounts_html_is_self_contained_under_its_csp() {
    assert_eq!(
        (ACCOUNTS_STYLE_HASH, ACCOUNTS_SCRIPT_HASH),
        (
            csp_hash(ACCOUNTS_STYLE).as_str(),
            csp_hash(ACCOUNTS_SCRIPT).as_str()
        ),
        "update ACCOUNTS_STYLE_HASH / ACCOUNTS_SCRIPT_HASH in src/html.rs"
    );
    let html = render_accounts(&org());
    for bad in [
        " src=", "<link", "@import", "url(", "<iframe", "<object", "<embed", "<img",
    ] {
        assert!(!html.contains(bad), "found {bad:?}");
    }
    // No inline event handler: no attribute named on...= in any tag.
    for tag in html
        .split('<')
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap_or(t.len())])
    {
        for (i, _) in tag.match_indices(" on") {
            let name: String = tag[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            assert!(
                !tag[i + 1 + name.len()..].starts_with('='),
                "inline handler {name} in <{tag}>"
            );
        }
    }
    assert!(!html.contains("=\"//"), "protocol-relative URL");
    assert_eq!(count(&html, "<script"), 1, "only our own script");
    assert_eq!(count(&html, "<style"), 2, "only our own style sheets");
    let styles: Vec<&str> = html
        .split("<style>")
        .skip(1)
        .map(|s| &s[..s.find("</style>").unwrap()])
        .collect();
    assert_eq!(styles, [STYLE, ACCOUNTS_STYLE]);
    let script = between(&html, "<script>", "</script>");
    assert_eq!(script, ACCOUNTS_SCRIPT);
    let csp = between(
        &html,
        "http-equiv=\"Content-Security-Policy\" content=\"",
        "\"",
    );
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert!(
        csp.contains(&format!(
            "style-src '{}' '{}';",
            csp_hash(STYLE),
            csp_hash(ACCOUNTS_STYLE)
        )),
        "{csp}"
    );
    assert!(
        csp.contains(&format!("script-src '{}';", csp_hash(script))),
        "{csp}"
    );
    assert!(!csp.contains("unsafe"), "{csp}");
}

#[test]
fn accounts_html_table_has_every_account_state_and_the_total() {
    let r = org();
    let html = render_accounts(&r);
    let table = between(&html, "<section id=\"accounts\">", "</section>");
    let rows: Vec<(&str, &str)> = table
        .match_indices("<tr data-account=\"")
        .map(|(i, _)| {
            let tag = &table[i..i + table[i..].find('>').unwrap()];
            (
                between(tag, "data-account=\"", "\""),
                between(tag, "data-state=\"", "\""),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (EMPTY, "complete"),
            (ACCOUNT, "incomplete"),
            (FAILED, "failed"),
            (MISSING, "missing")
        ]
    );
    let row = |account: &str| between(table, &format!("data-account=\"{account}\""), "</tr>");
    let fixed = fixed_report();
    let s = &fixed.summary;
    let acct = row(ACCOUNT);
    assert!(acct.contains("<a class=\"mono\" href=\"#a444455556666\">444455556666</a>"));
    assert!(acct.contains("<td>name-444455556666</td>"));
    assert!(acct.contains("<span class=\"pill st-not-evaluated\">incomplete</span>"));
    assert!(acct.contains("1 collection error<"));
    assert!(acct.contains(&format!(
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
        s.pass, s.fail, s.not_evaluated, s.suppressed
    )));
    // Open failures by severity, as in the summary (the suppressed one is not counted).
    assert!(acct.contains("<span class=\"sev sev-critical\">critical 1</span>"));
    // Not scanned: the state, the error (cleaned and escaped), no counts.
    let failed = row(FAILED);
    assert!(failed.contains("<span class=\"pill st-fail\">not scanned (failed)</span>"));
    assert!(failed.contains("sts:AssumeRole denied: api &quot;1&quot; &lt;script&gt;alert"));
    assert!(!failed.contains('\u{1b}'));
    assert_eq!(count(failed, "<td class=\"n muted\">-</td>"), 5);
    let missing = row(MISSING);
    assert!(missing.contains("not scanned (missing)"));
    assert!(missing.contains("index.json lists snapshot 999900001111.json"));
    // The total: the scanned accounts' sum.
    let total = between(table, "<tfoot>", "</tfoot>");
    assert!(total.contains("<th scope=\"row\">Total</th>"));
    assert!(total.contains("2 of 4 scanned"));
    assert!(total.contains(&format!(
        "<td class=\"n\">{}</td><td class=\"n\">{}</td>",
        r.total.pass, r.total.fail
    )));
    assert!(html.contains("<div id=\"incomplete\" class=\"banner warn\" role=\"alert\">"));
}

/// Each scanned account's section holds exactly the single page's
/// sections for its report, every id and in-page link prefixed; an
/// account not scanned gets a section saying why.
#[test]
fn accounts_html_has_a_section_per_account_with_its_single_report() {
    let r = org();
    let html = render_accounts(&r);
    assert_eq!(count(&html, "<section class=\"account\""), 4);
    let single = render(&fixed_report());
    let main = between(&single, "<main class=\"wrap\">\n", "</main>");
    let section = account_section(&html, ACCOUNT);
    assert!(section.contains("data-prefix=\"a444455556666-\""));
    assert!(
        section.replace("a444455556666-", "").contains(main),
        "the account's sections differ from its single page"
    );
    assert_eq!(finding_rows(section).len(), fixed_report().findings.len());
    assert!(section.contains("<form id=\"a444455556666-filters\" class=\"filters\" hidden"));
    let empty = account_section(&html, EMPTY);
    assert!(empty.contains("No findings: no selected check produced a result"));
    assert!(!empty.contains("<form"));
    for gone in [FAILED, MISSING] {
        let s = account_section(&html, gone);
        assert!(s.contains(&format!("id=\"a{gone}-not-scanned\"")), "{gone}");
        assert!(s.contains("No check was evaluated for this account"));
        assert!(finding_rows(s).is_empty());
    }
    assert!(!html.contains("<script>alert"));
    assert!(
        !html.chars().any(|c| c.is_control() && c != '\n'),
        "control character in the page"
    );
}

#[test]
fn accounts_html_prefix_is_safe_for_an_odd_account_id() {
    let mut r = org();
    r.accounts[0].account_id = "x\" onload=\"y".into();
    let html = render_accounts(&r);
    assert!(html.contains("<section class=\"account\" id=\"acct0\" data-prefix=\"acct0-\""));
    assert!(html.contains("x&quot; onload=&quot;y"));
    assert!(!html.contains(" onload=\""));
}

/// The accounts page (two accounts with the rich report's findings) in
/// Chromium, with `suffix` appended to its URL.
fn accounts_dom(browser: &Path, suffix: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts.html");
    std::fs::write(&file, render_accounts(&org_with(fixed_report()))).unwrap();
    let url = format!("file://{}{suffix}", file.display());
    let dom = run_chromium(browser, &["--dump-dom".to_string()], &url);
    assert!(dom.contains("</html>"), "no DOM for {suffix:?}:\n{dom}");
    dom
}

fn section_visible<'a>(dom: &'a str, account: &str) -> &'a str {
    let section = account_section(dom, account);
    between(
        &section[..section.find('>').unwrap()],
        "data-visible=\"",
        "\"",
    )
}

#[test]
fn accounts_html_script_runs_under_the_csp_and_shows_everything() {
    let Some(browser) = chromium() else { return };
    let dom = accounts_dom(browser, "");
    assert_eq!(
        body_attr(&dom, "data-ready"),
        "true",
        "the script did not run"
    );
    assert_eq!(body_attr(&dom, "data-visible"), "22");
    for account in [ACCOUNT, EMPTY] {
        assert_eq!(section_visible(&dom, account), "11", "{account}");
        let section = account_section(&dom, account);
        assert!(section.contains(&format!(
            "<form id=\"a{account}-filters\" class=\"filters\" role=\"search\""
        )));
    }
    for account in [FAILED, MISSING] {
        assert_eq!(section_visible(&dom, account), "0", "{account}");
    }
    assert_eq!(count(&dom, "<section class=\"account\""), 4);
    assert!(dom.contains("<section id=\"accounts\">"));
    assert_eq!(count(&dom, "<script"), 1);
}

#[test]
fn accounts_html_preset_filters_only_its_own_section() {
    let Some(browser) = chromium() else { return };
    let dom = accounts_dom(browser, "#a444455556666-severity=critical");
    assert_eq!(body_attr(&dom, "data-ready"), "true");
    assert_eq!(section_visible(&dom, ACCOUNT), "2");
    assert_eq!(section_visible(&dom, EMPTY), "11");
    let (visible, hidden) = split_rows(account_section(&dom, ACCOUNT));
    assert_eq!((visible.len(), hidden.len()), (2, 9));
    assert!(
        visible
            .iter()
            .all(|r| r.contains("data-severity=\"critical\""))
    );
    let (visible, hidden) = split_rows(account_section(&dom, EMPTY));
    assert_eq!((visible.len(), hidden.len()), (11, 0));
    assert!(
        account_section(&dom, ACCOUNT)
            .contains("<p id=\"a444455556666-shown\" class=\"count\" aria-live=\"polite\">Showing 2 of 11 findings</p>")
    );
    assert!(account_section(&dom, EMPTY).contains(">11 findings</p>"));
    assert_eq!(body_attr(&dom, "data-visible"), "13");

    // The other account's preset, with the query too.
    let dom = accounts_dom(browser, "?a111122223333-status=fail");
    assert_eq!(section_visible(&dom, ACCOUNT), "11");
    assert_eq!(section_visible(&dom, EMPTY), "7");

    // A key without a prefix applies to every section that has no key of
    // that name of its own.
    let dom = accounts_dom(browser, "#status=fail&a111122223333-severity=critical");
    assert_eq!(section_visible(&dom, ACCOUNT), "7");
    assert_eq!(section_visible(&dom, EMPTY), "1", "critical and fail");
    let dom = accounts_dom(browser, "#status=fail&a111122223333-status=pass");
    assert_eq!(section_visible(&dom, ACCOUNT), "7");
    assert_eq!(section_visible(&dom, EMPTY), "2", "its own status wins");

    // A plain anchor to a section or a check is navigation, not a filter.
    let dom = accounts_dom(browser, "#a444455556666-check-NET-005");
    assert_eq!(body_attr(&dom, "data-visible"), "22");
}

#[test]
fn accounts_html_screenshot_in_headless_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = artifacts();
    let png = dir.join("accounts.png");
    let _ = std::fs::remove_file(&png);
    std::fs::write(dir.join("accounts.html"), render_accounts(&org())).unwrap();
    let url = format!("file://{}", dir.join("accounts.html").display());
    run_chromium(
        browser,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,1600".to_string(),
            "--hide-scrollbars".to_string(),
        ],
        &url,
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert!(bytes.len() > 40_000, "screenshot suspiciously small");
}
