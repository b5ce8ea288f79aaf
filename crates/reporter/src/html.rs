//! The HTML report: one self-contained page for people who do not live in a
//! terminal. It holds the per-backend scorecard, each backend's exposure
//! paths drawn as inline SVG (hops left to right, missing defenses in red
//! under the hop, ports on the last arrow), every finding in a table that a
//! small inline script can filter (severity, status, layer, free text, and
//! presets from the URL: `report.html#severity=critical,high&status=fail`),
//! the baseline comparison and expired suppressions when the report has
//! them, and the documentation of every check that appears. A finding on a
//! shared resource lists the backends it exposes, linked to their scorecard
//! rows; a failing or unevaluated layer of the scorecard links to the rows
//! of the findings behind it (`#finding-FINGERPRINT`).
//!
//! The page loads nothing: no `src`, no stylesheet link, no font, no image;
//! the only URLs are the check references, as plain `<a href>` links. A
//! Content-Security-Policy meta tag says so to the browser too
//! (`default-src 'none'`), and allows exactly our style sheet and script by
//! their SHA-256 hashes, so even markup that slipped through escaping could
//! neither run a script nor fetch anything.
//!
//! Markup is built with `maud`, which HTML-escapes every spliced value
//! (text and attributes alike); the style sheet and script are our own
//! constants and the only `PreEscaped` content. Account text (names, tags,
//! messages, ARNs, reasons) additionally goes through [`crate::clean`], and
//! never into the script: the script reads only our own enum values from
//! `data-*` attributes and the rows' rendered text. Without JavaScript the
//! page shows every finding and hides the (useless) filter controls.
//!
//! Pure and deterministic: the only dates are the report's own, so a fixed
//! report renders byte for byte the same (pinned by a golden file).
//!
//! The accounts page (`rampart check DIR --format html`) is the same page
//! for many accounts: a table of every account (state, counts, failing by
//! severity, the error of an account not scanned) with the total, then one
//! section per account holding exactly its single page's sections, every
//! id and in-page link prefixed with the account (`a123456789012-findings`,
//! `#a123456789012-check-NET-005`) so ids stay unique. Its script
//! ([`ACCOUNTS_SCRIPT`]) runs the filter once per section, found by the
//! section's `data-prefix`; its extra style sheet and script have their own
//! hashes in its CSP. The single page's output is unchanged by all this
//! (an empty prefix).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{self, Write};

use maud::{DOCTYPE, Markup, PreEscaped, html};
use rampart_model::baseline::{Change, Side};
use rampart_model::org_report::{AccountLine, AccountState, OrgReport};
use rampart_model::time::{OffsetDateTime, UtcOffset};
use rampart_model::{
    CheckMeta, ExposurePath, Finding, Fingerprint, Hop, Layer, LayerVerdict, PathKind, PortRange,
    Relation, Report, Scorecard, Severity, Status,
};

use crate::accounts::EmitAccounts;
use crate::{Emit, MetaLookup, clean};

pub struct Html;

impl Emit for Html {
    fn emit(&self, report: &Report, meta: MetaLookup<'_>, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(page(report, meta).into_string().as_bytes())
    }
}

/// `sha256-` and the base64 SHA-256 of [`STYLE`], for the CSP. A test
/// recomputes both hashes from the rendered page, so an edit to the CSS or
/// script that forgets them fails there (and the browser would refuse it).
pub const STYLE_HASH: &str = "sha256-+Mg/zIPKyVuzGdXRT2RB+z6VxbvII/NBS6oAeK7SVMA=";
pub const SCRIPT_HASH: &str = "sha256-YZxf7EED9K/25pPekzPiOeahdNOU5JFh9hfK1hqrXm8=";

/// Inserted between block elements so the file (and its golden diff) reads
/// line by line; whitespace between blocks does not change the rendering.
const NL: PreEscaped<&str> = PreEscaped("\n");

fn csp() -> String {
    format!(
        "default-src 'none'; style-src '{STYLE_HASH}'; script-src '{SCRIPT_HASH}'; \
         base-uri 'none'; form-action 'none'"
    )
}

fn page(report: &Report, meta: MetaLookup<'_>) -> Markup {
    let snap = &report.snapshot;
    let account = clean(&snap.account_id);
    html! {
        (DOCTYPE) (NL)
        html lang="en" { (NL)
        head { (NL)
            meta charset="utf-8"; (NL)
            meta http-equiv="Content-Security-Policy" content=(csp()); (NL)
            meta name="viewport" content="width=device-width, initial-scale=1"; (NL)
            meta name="referrer" content="no-referrer"; (NL)
            meta name="generator" content={ "rampart " (clean(&report.tool.version)) }; (NL)
            title { "rampart report: account " (account) } (NL)
            style { (PreEscaped(STYLE)) } (NL)
        } (NL)
        body { (NL)
            header.top { (NL)
                div.wrap { (NL)
                    p.brand { "rampart" span.brand-sub { "AWS defense-in-depth report" } } (NL)
                    h1 { "Account " (account) } (NL)
                    dl.facts { (NL)
                        div { dt { "Partition" } dd { (clean(&snap.partition)) } } (NL)
                        @if let Some(c) = &snap.credential_source { div { dt { "Credentials" } dd { (clean(c)) } } (NL) }
                        div { dt { "Collected" } dd { (when(snap.collected_at)) } } (NL)
                        div { dt { "Regions" } dd {
                            @if snap.regions.is_empty() { "none" }
                            @else { (snap.regions.iter().map(|r| clean(r)).collect::<Vec<_>>().join(", ")) }
                        } } (NL)
                        div { dt { "Backends" } dd { (report.scorecards.len()) } } (NL)
                        div { dt { "Findings" } dd { (report.findings.len()) } } (NL)
                        div { dt { "rampart" } dd { (clean(&report.tool.version)) } } (NL)
                    } (NL)
                    (toc(report, "")) (NL)
                } (NL)
            } (NL)
            main.wrap { (NL)
                (sections(report, meta, "")) (NL)
            } (NL)
            footer.wrap { (NL)
                p { "Generated by rampart " (clean(&report.tool.version))
                    " from a snapshot of account " (account) " collected " (when(snap.collected_at))
                    ". This file is self-contained: it loads nothing from the network." } (NL)
            } (NL)
            script { (PreEscaped(SCRIPT)) } (NL)
        } (NL)
        } (NL)
    }
}

/// Links to the report's sections (`p` as in [`sections`]).
fn toc(report: &Report, p: &str) -> Markup {
    html! {
        nav.toc aria-label="Sections" {
            a href={ "#" (p) "scorecard" } { "Scorecard" }
            a href={ "#" (p) "paths" } { "Exposure paths" }
            a href={ "#" (p) "findings" } { "Findings" }
            @if report.baseline.is_some() { a href={ "#" (p) "baseline" } { "Baseline" } }
            a href={ "#" (p) "checks" } { "Check reference" }
        }
    }
}

/// A timestamp as `2026-11-18 12:26:40 UTC`: the report's own time, never
/// the clock.
fn when(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{} {:02}:{:02}:{:02} UTC",
        t.date(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The report's sections, as on the single page; `p` prefixes every id and
/// in-page link (empty there, the account's prefix on the accounts page).
fn sections(report: &Report, meta: MetaLookup<'_>, p: &str) -> Markup {
    html! {
        @if !report.snapshot.complete { (incomplete(report.snapshot.collection_errors, p)) (NL) }
        (summary(report, p)) (NL)
        @if !report.expired_suppressions.is_empty() { (expired(report, p)) (NL) }
        (scorecard(report, p)) (NL)
        (paths(report, p)) (NL)
        (findings(report, meta, p)) (NL)
        @if report.baseline.is_some() { (baseline(report, meta, p)) (NL) }
        (check_docs(report, meta, p))
    }
}

fn incomplete(errors: usize, p: &str) -> Markup {
    html! {
        div id={ (p) "incomplete" } class="banner warn" role="alert" {
            strong { "Snapshot incomplete." }
            " The scan recorded " (plural(errors, "collection error", "collection errors"))
            ". Checks that needed the missing data are reported as not evaluated, \
             never as passing: treat this report as partial."
        }
    }
}

fn summary(report: &Report, p: &str) -> Markup {
    let s = &report.summary;
    html! {
        section id={ (p) "summary" } aria-label="Summary" { (NL)
            div.tiles { (NL)
                div class={ "tile t-fail" @if s.fail == 0 { " none" } } { span.num { (s.fail) } span.lbl { "open failures" } (NL)
                    div.sevs {
                        @for sev in Severity::ALL.iter().rev() {
                            @let n = s.failing_by_severity.get(sev).copied().unwrap_or(0);
                            span class={ "sev sev-" (sev.as_str()) @if n == 0 { " zero" } } {
                                (sev.as_str()) " " (n)
                            }
                            " "
                        }
                    }
                } (NL)
                div.tile.t-ne { span.num { (s.not_evaluated) } span.lbl { "not evaluated" } } (NL)
                div.tile.t-sup { span.num { (s.suppressed) } span.lbl { "suppressed" } } (NL)
                div.tile.t-pass { span.num { (s.pass) } span.lbl { "passing" } } (NL)
                @if let Some(b) = &report.baseline {
                    div.tile.t-base {
                        span.num { (b.new) } span.lbl { "new since baseline" }
                        div.sub { (b.unchanged) " unchanged · " (b.resolved.len()) " resolved" }
                    } (NL)
                }
            } (NL)
        }
    }
}

fn expired(report: &Report, p: &str) -> Markup {
    html! {
        section id={ (p) "expired-suppressions" } class="callout" { (NL)
            h2 { "Expired suppressions" } (NL)
            p.note { "These " code { "[[suppress]]" } " entries are past their expiry date and no \
                      longer apply: the findings they matched count as failing again. Renew or \
                      remove them." } (NL)
            table.grid { (NL)
                thead { tr { th { "Entry" } th { "Selectors" } th { "Reason" } th { "Expired" } th.n { "Findings" } } } (NL)
                tbody { (NL)
                    @for e in &report.expired_suppressions {
                        tr {
                            td.mono { (clean(&e.source)) }
                            td.mono { (clean(&e.selectors)) }
                            td { (clean(&e.reason)) }
                            td.nowrap { (e.expired) }
                            td.n { (e.matching_findings) }
                        } (NL)
                    }
                } (NL)
            } (NL)
        }
    }
}

/// The instance's `Name` tag, or its id when it has none.
fn backend_name(sc: &Scorecard) -> String {
    match &sc.name {
        Some(n) if !n.trim().is_empty() => clean(n),
        _ => clean(&sc.instance_id),
    }
}

/// `s` with every character but ASCII letters, digits, `-` and `_` made
/// `_`: usable in `id=` and `#` links whatever a report read from disk
/// carries.
fn safe_id(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The id of a check's documentation (check ids are `LAYER-NNN`).
fn anchor(check_id: &str, p: &str) -> String {
    format!("{p}check-{}", safe_id(check_id))
}

/// The id of a finding's row: its fingerprint (hex digits, safe as is).
fn finding_anchor(fingerprint: Fingerprint, p: &str) -> String {
    format!("{p}finding-{fingerprint}")
}

/// The id of a backend's scorecard row, from its instance ARN (region and
/// instance id: the ARN of an affected backend gives the same).
fn backend_anchor(instance_arn: &str, p: &str) -> String {
    let region = instance_arn.split(':').nth(3).unwrap_or_default();
    format!(
        "{p}backend-{}-{}",
        safe_id(region),
        safe_id(crate::backend_id(instance_arn))
    )
}

fn check_link(id: &str, p: &str) -> Markup {
    html! { a.cid href={ "#" (anchor(id, p)) } { (clean(id)) } }
}

fn scorecard(report: &Report, p: &str) -> Markup {
    let by_fingerprint: HashMap<Fingerprint, &Finding> =
        report.findings.iter().map(|f| (f.fingerprint, f)).collect();
    html! {
        section id={ (p) "scorecard" } { (NL)
            h2 { "Scorecard" } (NL)
            @if report.scorecards.is_empty() {
                p.empty { "No backends: no instance in this snapshot is reachable from the internet, \
                           so there is nothing to score layer by layer." }
            } @else {
                p.note { "One row per internet-reachable backend; each layer's verdict comes from \
                          the checks on that backend's paths. Check ids link to their documentation; \
                          under a failing or unevaluated layer, the findings behind it link to their \
                          row in the findings table." } (NL)
                div.scroll {
                table.grid.score { (NL)
                    thead { tr { th { "Backend" } @for l in Layer::ALL { th { (title_case(l.as_str())) } } } } (NL)
                    tbody { (NL)
                        @for sc in &report.scorecards {
                            tr id=(backend_anchor(&sc.instance_arn, p)) {
                                th scope="row" {
                                    span.bname { (backend_name(sc)) }
                                    span.bsub { (sc.kind.as_str()) " " (clean(&sc.instance_id)) " · " (clean(&sc.region)) }
                                    span.bsub { (plural(sc.paths.len(), "exposure path", "exposure paths")) }
                                    @match &sc.vulnerabilities {
                                        Some(v) => span class={ "bsub cves" @if v.critical > 0 { " crit" } } {
                                            "CVEs: " (v.critical) " critical · " (v.high) " high · " (v.medium) " medium"
                                        },
                                        None => span.bsub.cves { "CVEs: no Amazon Inspector scan" },
                                    }
                                }
                                @for layer in Layer::ALL { (verdict(sc.layer(layer), &by_fingerprint, p)) }
                            } (NL)
                        }
                    } (NL)
                } (NL)
                }
            }
        }
    }
}

/// `detect` -> `Detect`: a layer's column heading.
fn title_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn verdict(v: &LayerVerdict, by_fingerprint: &HashMap<Fingerprint, &Finding>, p: &str) -> Markup {
    html! {
        td class={ "v v-" (v.as_str()) } {
            @match v {
                LayerVerdict::Pass { checks } => {
                    span.pill.st-pass { "pass" }
                    @if checks.is_empty() {
                        span.vd.muted { "no check applies" }
                    } @else {
                        span.vd { @for (i, c) in checks.iter().enumerate() { @if i > 0 { " " } (check_link(c, p)) } }
                    }
                }
                LayerVerdict::Fail { failing, findings } => {
                    span.pill.st-fail { "fail" }
                    span.vd { @for (i, c) in failing.iter().enumerate() { @if i > 0 { " " } (check_link(c, p)) } }
                    (finding_links(findings, by_fingerprint, p))
                }
                LayerVerdict::NotEvaluated { checks, reasons, findings } => {
                    span.pill.st-not-evaluated { "not evaluated" }
                    span.vd { @for (i, c) in checks.iter().enumerate() { @if i > 0 { " " } (check_link(c, p)) } }
                    @for r in reasons { span.reason { (clean(r)) } }
                    (finding_links(findings, by_fingerprint, p))
                }
            }
        }
    }
}

/// The findings behind a verdict, each a link to its row (`NET-004 ·
/// sg-0app`); one the report does not list (`--min-severity` left it out)
/// is named by its fingerprint, without a link.
fn finding_links(
    fingerprints: &[Fingerprint],
    by_fingerprint: &HashMap<Fingerprint, &Finding>,
    p: &str,
) -> Markup {
    html! {
        @if !fingerprints.is_empty() {
            span.vf {
                @for fp in fingerprints {
                    @match by_fingerprint.get(fp) {
                        Some(f) => {
                            a.flink href={ "#" (finding_anchor(*fp, p)) } title={ "finding " (fp.hex().as_str()) } {
                                (clean(&f.check_id)) " · " (clean(crate::resource_label(&f.resource_arn)))
                            }
                        }
                        None => {
                            span.flink.muted title="not in this report's findings (left out by --min-severity)" {
                                "finding " (&fp.hex()[..8])
                            }
                        }
                    }
                }
            }
        }
    }
}

fn ports(p: &[PortRange]) -> String {
    p.iter()
        .map(|r| {
            if r.from == r.to {
                r.from.to_string()
            } else {
                format!("{}-{}", r.from, r.to)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_label(p: &rampart_model::ExposurePath) -> &'static str {
    let via = |kind: &str| p.hops.iter().any(|h| h.kind == kind);
    match p.kind {
        PathKind::Direct if via("task") => "Direct: a public address on the task",
        PathKind::Direct => "Direct: a public address on the instance",
        PathKind::LoadBalancer => "Through an internet-facing load balancer",
        PathKind::Gateway if via("cloudmap") => {
            "Through API Gateway, a VPC link and AWS Cloud Map service discovery"
        }
        PathKind::Gateway if via("vpc-link") => "Through API Gateway and a VPC link",
        PathKind::Gateway if via("public-url") => {
            "Through API Gateway, then over the internet to a public endpoint"
        }
        PathKind::Gateway => "Through API Gateway",
        PathKind::CloudFront if via("api-stage") => "Through CloudFront, then API Gateway",
        PathKind::CloudFront if via("vpc-origin") => "Through CloudFront and a VPC origin",
        PathKind::CloudFront => "Through CloudFront to its origin",
    }
}

fn paths(report: &Report, p: &str) -> Markup {
    html! {
        section id={ (p) "paths" } { (NL)
            h2 { "Exposure paths" } (NL)
            @if report.scorecards.is_empty() {
                p.empty { "No exposure paths: nothing in this snapshot is reachable from the internet." }
            } @else {
                p.note { "Every route from the internet to each backend, hop by hop. Missing defenses \
                          are marked in red under the hop that lacks them." } (NL)
                @for sc in &report.scorecards {
                    article.backend { (NL)
                        h3 { (backend_name(sc)) " " span.bsub { (sc.kind.as_str()) " " (clean(&sc.instance_id)) " · " (clean(&sc.region)) } } (NL)
                        @if sc.paths.is_empty() {
                            p.empty { "No exposure path recorded for this backend." }
                        }
                        @for path in &sc.paths {
                            figure.path { (NL)
                                figcaption { (kind_label(path))
                                    @if !path.ports.is_empty() { " · TCP " (ports(&path.ports)) } } (NL)
                                div.scroll { (svg(path)) } (NL)
                            } (NL)
                        }
                    } (NL)
                }
            }
        }
    }
}

const BOX_H: u32 = 54;
const ARROW: u32 = 76;
const PAD: u32 = 8;
const LINE: u32 = 16;
/// Labels longer than this are cut with an ellipsis in the box; the hop's
/// `<title>` (its tooltip) keeps the whole label and id.
const MAX_LABEL: usize = 26;

fn box_width(h: &Hop) -> u32 {
    // Rough glyph widths of the label (13px) and the spaced capitals of
    // the kind (10px): no font metrics here, so err on the wide side.
    let label = clean(&h.label).chars().count().min(MAX_LABEL) * 15 / 2;
    let kind = h.kind.chars().count() * 8;
    u32::try_from(label.max(kind) + 28)
        .unwrap_or(u32::MAX)
        .clamp(112, 230)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max - 1).collect();
    t.push('…');
    t
}

/// One exposure path as an inline SVG: boxes left to right joined by
/// arrows, each gap a red line under its hop, the ports on the last arrow.
fn svg(p: &ExposurePath) -> Markup {
    let widths: Vec<u32> = p.hops.iter().map(box_width).collect();
    let n = u32::try_from(p.hops.len()).unwrap_or(0);
    let width = PAD * 2 + widths.iter().sum::<u32>() + ARROW * n.saturating_sub(1);
    let max_gaps = p.hops.iter().map(|h| h.gaps.len()).max().unwrap_or(0);
    let height = PAD * 2 + BOX_H + 10 + LINE * u32::try_from(max_gaps).unwrap_or(0);
    let port_label = if p.ports.is_empty() {
        String::new()
    } else {
        truncate(&format!("tcp/{}", ports(&p.ports)), 12)
    };
    let mut xs = Vec::with_capacity(widths.len());
    let mut x = PAD;
    for w in &widths {
        xs.push(x);
        x += w + ARROW;
    }
    let mid = PAD + BOX_H / 2;
    html! {
        svg.pathsvg role="img" width=(width) height=(height) viewBox={ "0 0 " (width) " " (height) } { (NL)
            title { (clean(&p.to_string())) } (NL)
            @for (i, hop) in p.hops.iter().enumerate() {
                @let x = xs[i];
                @let w = widths[i];
                @if i > 0 {
                    @let x0 = xs[i - 1] + widths[i - 1];
                    @let x1 = x - 2;
                    g.arrow {
                        line x1=(x0 + 2) y1=(mid) x2=(x1 - 8) y2=(mid) {}
                        polygon points={ (x1 - 9) "," (mid - 5) " " (x1) "," (mid) " " (x1 - 9) "," (mid + 5) } {}
                        @if i + 1 == p.hops.len() && !port_label.is_empty() {
                            text.port x=((x0 + x1) / 2) y=(mid - 7) text-anchor="middle" { (port_label) }
                        }
                    } (NL)
                }
                g class={ "hop" @if !hop.gaps.is_empty() { " has-gap" } } {
                    title { (clean(&hop.kind)) ": " (clean(&hop.label)) " (" (clean(&hop.id)) ")" }
                    rect x=(x) y=(PAD) width=(w) height=(BOX_H) rx="7" {}
                    text.kind x=(x + 12) y=(PAD + 20) { (clean(&hop.kind).replace('-', " ").to_uppercase()) }
                    text.label x=(x + 12) y=(PAD + 40) { (truncate(&clean(&hop.label), MAX_LABEL)) }
                    @for (j, gap) in hop.gaps.iter().enumerate() {
                        @let y = PAD + BOX_H + 6 + LINE * u32::try_from(j + 1).unwrap_or(0);
                        text.gap x=(x + 4) y=(y) { "✕ " (truncate(&clean(gap), MAX_LABEL)) }
                    }
                } (NL)
            }
        }
    }
}

/// The layer from the metadata, or from the id prefix (`NET-004`) when the
/// caller has no metadata for the check.
fn layer_of(check_id: &str, meta: Option<&CheckMeta>) -> Option<Layer> {
    meta.map(|m| m.layer).or_else(|| {
        Layer::ALL.into_iter().find(|l| {
            check_id
                .strip_prefix(l.id_prefix())
                .is_some_and(|rest| rest.starts_with('-'))
        })
    })
}

/// The filter's status: a suppressed finding is its own state, so "fail"
/// means the open failures, as in the summary counts.
fn state(f: &Finding) -> &'static str {
    if f.suppressed.is_some() {
        "suppressed"
    } else {
        f.status.as_str()
    }
}

/// Open failures first (most severe first), then not evaluated, suppressed
/// and passing; report order within each group.
fn order(f: &Finding) -> (u8, std::cmp::Reverse<Severity>) {
    let group = match (f.suppressed.is_some(), &f.status) {
        (false, Status::Fail) => 0,
        (false, Status::NotEvaluated(_)) => 1,
        (true, _) => 2,
        (false, Status::Pass) => 3,
    };
    (group, std::cmp::Reverse(f.severity))
}

const STATES: [(&str, &str); 4] = [
    ("fail", "fail"),
    ("not-evaluated", "not evaluated"),
    ("suppressed", "suppressed"),
    ("pass", "pass"),
];

fn findings(report: &Report, meta: MetaLookup<'_>, p: &str) -> Markup {
    let mut rows: Vec<&Finding> = report.findings.iter().collect();
    rows.sort_by_key(|f| order(f));
    let total = rows.len();
    // The scorecard links here by fingerprint; a fingerprint repeated in a
    // report read from disk anchors its first row only, so ids stay unique.
    let mut seen = HashSet::new();
    let ids: Vec<Option<String>> = rows
        .iter()
        .map(|f| {
            seen.insert(f.fingerprint)
                .then(|| finding_anchor(f.fingerprint, p))
        })
        .collect();
    let cards: HashSet<&str> = report
        .scorecards
        .iter()
        .map(|c| c.instance_arn.as_str())
        .collect();
    html! {
        section id={ (p) "findings" } { (NL)
            h2 { "Findings" } (NL)
            @if rows.is_empty() {
                p.empty { "No findings: no selected check produced a result for this snapshot." }
            } @else {
                form id={ (p) "filters" } class="filters" hidden role="search" aria-label="Filter findings" { (NL)
                    fieldset { legend { "Severity" }
                        @for s in Severity::ALL.iter().rev() {
                            label.chip { input type="checkbox" name="severity" value=(s.as_str()); span class={ "sev sev-" (s.as_str()) } { (s.as_str()) } }
                        }
                    } (NL)
                    fieldset { legend { "Status" }
                        @for (v, l) in STATES {
                            label.chip { input type="checkbox" name="status" value=(v); span class={ "pill st-" (v) } { (l) } }
                        }
                    } (NL)
                    fieldset { legend { "Layer" }
                        @for l in Layer::ALL {
                            label.chip { input type="checkbox" name="layer" value=(l.as_str()); span.lay { (l.as_str()) } }
                        }
                    } (NL)
                    fieldset.grow { legend { "Search" }
                        input id={ (p) "q" } type="search" name="q" placeholder="check id, resource, message…" autocomplete="off";
                        button id={ (p) "reset" } type="button" { "Clear" }
                    } (NL)
                } (NL)
                noscript { p.note { "Filters need JavaScript; every finding is listed below." } } (NL)
                p id={ (p) "shown" } class="count" aria-live="polite" { (plural(total, "finding", "findings")) } (NL)
                div.scroll {
                table.grid.findings { (NL)
                    thead { tr { th { "Severity" } th { "Status" } th { "Check" } th { "Resource" } th { "Details" } } } (NL)
                    tbody { (NL)
                        @for (f, id) in rows.iter().zip(&ids) { (finding_row(f, meta(&f.check_id), id.as_deref(), &cards, p)) (NL) }
                    } (NL)
                } (NL)
                }
                p id={ (p) "none-shown" } class="empty" hidden { "No finding matches these filters." } (NL)
            }
        }
    }
}

fn finding_row(
    f: &Finding,
    meta: Option<&CheckMeta>,
    id: Option<&str>,
    cards: &HashSet<&str>,
    p: &str,
) -> Markup {
    let layer = layer_of(&f.check_id, meta).map_or("unknown", Layer::as_str);
    let st = state(f);
    html! {
        tr data-severity=(f.severity.as_str()) data-status=(st) data-layer=(layer) class={ "row-" (st) } id=[id] {
            td { span class={ "sev sev-" (f.severity.as_str()) } { (f.severity.as_str()) } }
            td {
                span class={ "pill st-" (st) } { (STATES.iter().find(|(v, _)| *v == st).map_or(st, |(_, l)| *l)) }
                @if f.suppressed.is_some() { span.was { "was " (f.status.as_str()) } }
                @match f.baseline {
                    Some(Change::New) => { span.badge.b-new title="failing now, not in the baseline" { "new" } }
                    Some(Change::Unchanged) => { span.badge.b-unchanged title="failing in the baseline too" { "unchanged" } }
                    Some(Change::Resolved) => { span.badge.b-unchanged { "resolved" } }
                    Some(Change::Unknown) => { span.badge.b-unchanged { "unknown" } }
                    Some(Change::NotCompared) => { span.badge.b-unchanged title="the baseline did not judge it (see Baseline comparison): neither new nor resolved" { "not compared" } }
                    None => {}
                }
            }
            td {
                (check_link(&f.check_id, p))
                @match meta {
                    Some(m) => { span.ctitle { (clean(&m.title)) } }
                    None => { span.ctitle.muted { "no metadata for this check" } }
                }
            }
            td.res {
                span.mono.arn { (clean(&f.resource_arn)) }
                span.bsub { (f.region.as_deref().map_or_else(|| "global".to_string(), clean)) " · " (clean(&f.account_id)) }
            }
            td.details {
                p.msg { (clean(&f.message)) }
                @if let Status::NotEvaluated(why) = &f.status {
                    p.reason { strong { "Not evaluated: " } (clean(why)) }
                }
                @if let Some(s) = &f.suppressed {
                    p.supp {
                        strong { "Suppressed: " } (clean(&s.reason))
                        span.bsub { (clean(&s.source))
                            @if let Some(d) = s.expires { " · until " (d) } }
                    }
                }
                @if !f.affected.is_empty() { (affected_list(&f.affected, cards, p)) }
                @if let Some(path) = &f.path { (path_line(path)) }
            }
        }
    }
}

/// The backends a finding on a shared resource exposes: the first
/// [`crate::AFFECTED_INLINE`] by id, each linked to its scorecard row when
/// the report has one, the rest folded in a `<details>` that opens without
/// script.
fn affected_list(affected: &[rampart_model::SharedStr], cards: &HashSet<&str>, p: &str) -> Markup {
    let (first, rest) = affected.split_at(affected.len().min(crate::AFFECTED_INLINE));
    let one = |arn: &rampart_model::SharedStr| -> Markup {
        html! {
            @if cards.contains(arn.as_str()) {
                a.mono href={ "#" (backend_anchor(arn, p)) } title=(clean(arn)) { (clean(crate::backend_id(arn))) }
            } @else {
                span.mono title=(clean(arn)) { (clean(crate::backend_id(arn))) }
            }
        }
    };
    html! {
        div.affects {
            strong { "Affects " (plural(affected.len(), "instance", "instances")) ": " }
            @for (i, arn) in first.iter().enumerate() { @if i > 0 { ", " } (one(arn)) }
            @if !rest.is_empty() {
                " "
                details {
                    summary { "and " (rest.len()) " more" }
                    ": "
                    @for (i, arn) in rest.iter().enumerate() { @if i > 0 { ", " } (one(arn)) }
                }
            }
        }
    }
}

/// A path in one line of text for the findings table (the picture is in
/// the paths section).
fn path_line(p: &ExposurePath) -> Markup {
    html! {
        p.pathline {
            @for (i, h) in p.hops.iter().enumerate() {
                @if i > 0 { span.arr { " → " } }
                span.hopt { (clean(&h.label)) }
                @for g in &h.gaps { " " span.gapt { (clean(g)) } }
            }
            @if !p.ports.is_empty() { span.bsub { "TCP " (ports(&p.ports)) } }
        }
    }
}

fn baseline(report: &Report, meta: MetaLookup<'_>, p: &str) -> Markup {
    let Some(b) = &report.baseline else {
        return html! {};
    };
    html! {
        section id={ (p) "baseline" } { (NL)
            h2 { "Baseline comparison" } (NL)
            p.note { "Compared with " span.mono { (clean(&b.source)) } ", collected "
                (when(b.previous_collected_at)) ": "
                (b.new) " new, " (b.unchanged) " unchanged, " (b.resolved.len()) " resolved, "
                (b.unknown.len()) " unknown"
                @if !b.not_compared.is_empty() { ", " (b.not_compared.len()) " not compared" }
                "." } (NL)
            h3 { "Resolved" } (NL)
            @if b.resolved.is_empty() {
                p.empty { "Nothing that failed in the baseline has been fixed since." }
            } @else {
                p.note { "Failing in the baseline; now passing, or the resource is gone." }
                (prev_table(&b.resolved, meta, p))
            } (NL)
            @if !b.unknown.is_empty() {
                h3 { "Unknown" } (NL)
                p.note { "Failing in the baseline and not evaluated now (their data was not collected): \
                          not counted as resolved." }
                (prev_table(&b.unknown, meta, p)) (NL)
            }
            @if !b.not_compared.is_empty() {
                h3 { "Not compared" } (NL)
                p.note { "Failing in one run, outside what the other judged (an account or region \
                          it did not scan, a check it did not run or could not feed): neither new \
                          nor resolved." }
                div.scroll {
                table.grid { (NL)
                    thead { tr { th { "Run" } th { "Severity" } th { "Check" } th { "Resource" } th { "Why not compared" } } } (NL)
                    tbody { (NL)
                        @for n in &b.not_compared {
                            tr {
                                td { (match n.side { Side::Previous => "baseline", Side::Current => "this run" }) }
                                td { span class={ "sev sev-" (n.finding.severity.as_str()) } { (n.finding.severity.as_str()) } }
                                td { (check_link(&n.finding.check_id, p)) }
                                td.res { span.mono.arn { (clean(&n.finding.resource_arn)) } }
                                td { (clean(&n.reason)) }
                            } (NL)
                        }
                    } (NL)
                }
                } (NL)
            }
        }
    }
}

fn prev_table(list: &[Finding], meta: MetaLookup<'_>, p: &str) -> Markup {
    html! {
        div.scroll {
        table.grid { (NL)
            thead { tr { th { "Severity" } th { "Check" } th { "Resource" } th { "Message" } } } (NL)
            tbody { (NL)
                @for f in list {
                    tr {
                        td { span class={ "sev sev-" (f.severity.as_str()) } { (f.severity.as_str()) } }
                        td { (check_link(&f.check_id, p))
                            @if let Some(m) = meta(&f.check_id) { span.ctitle { (clean(&m.title)) } } }
                        td.res { span.mono.arn { (clean(&f.resource_arn)) } }
                        td { (clean(&f.message))
                            @if let Some(line) = crate::affects_line(&f.affected) { span.bsub { (line) } } }
                    } (NL)
                }
            } (NL)
        }
        }
    }
}

/// Every check id the page mentions (findings, scorecards, baseline), in
/// layer order, so every check link has a target.
fn mentioned_checks(report: &Report, meta: MetaLookup<'_>) -> Vec<String> {
    let mut ids: BTreeSet<&str> = report
        .findings
        .iter()
        .map(|f| f.check_id.as_str())
        .collect();
    for sc in &report.scorecards {
        for layer in Layer::ALL {
            let list = match sc.layer(layer) {
                LayerVerdict::Pass { checks } => checks,
                LayerVerdict::Fail { failing, .. } => failing,
                LayerVerdict::NotEvaluated { checks, .. } => checks,
            };
            ids.extend(list.iter().map(String::as_str));
        }
    }
    if let Some(b) = &report.baseline {
        ids.extend(b.resolved.iter().map(|f| f.check_id.as_str()));
        ids.extend(b.unknown.iter().map(|f| f.check_id.as_str()));
        ids.extend(b.not_compared.iter().map(|n| n.finding.check_id.as_str()));
    }
    let mut ids: Vec<String> = ids.into_iter().map(str::to_string).collect();
    ids.sort_by_key(|id| {
        (
            layer_of(id, meta(id)).map_or(Layer::ALL.len(), |l| l as usize),
            id.clone(),
        )
    });
    ids
}

fn check_docs(report: &Report, meta: MetaLookup<'_>, p: &str) -> Markup {
    let ids = mentioned_checks(report, meta);
    html! {
        section id={ (p) "checks" } { (NL)
            h2 { "Check reference" } (NL)
            @if ids.is_empty() {
                p.empty { "No checks to document: the report has no findings." }
            }
            @for id in &ids {
                (check_doc(id, meta(id), p)) (NL)
            }
        }
    }
}

/// Our own metadata, shown as text: control characters other than line
/// breaks and tabs (which code snippets need) become spaces.
fn block(s: &str) -> String {
    s.trim_end()
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn check_doc(id: &str, meta: Option<&CheckMeta>, p: &str) -> Markup {
    html! {
        article.check id=(anchor(id, p)) {
            @match meta {
                None => {
                    h3 { span.mono { (clean(id)) } }
                    p.muted { "No documentation: this build of rampart has no metadata for this check." }
                }
                Some(m) => {
                    h3 { span.mono { (clean(id)) } " " (clean(&m.title)) } (NL)
                    p.cmeta {
                        span class={ "sev sev-" (m.severity.as_str()) } { (m.severity.as_str()) }
                        " " span.lay { (m.layer.as_str()) } " " span.mono { (clean(&m.slug)) }
                        @for x in m.mappings() {
                            " " span.map {
                                (clean(&x.label()))
                                @if x.relation != Relation::Equivalent { " (" (x.relation.as_str()) ")" }
                            }
                        }
                    } (NL)
                    @for para in block(&m.rationale).split("\n\n") { p { (para) } (NL) }
                    @if m.mappings().any(|x| x.note.is_some()) {
                        h4 { "Compared with Security Hub and CIS" } (NL)
                        ul.maps {
                            @for x in m.mappings().filter(|x| x.note.is_some()) {
                                li {
                                    b { (clean(&x.label())) ": " (x.relation.as_str()) } ". "
                                    (clean(x.note.unwrap_or_default()))
                                    @if let Some(src) = x.source.filter(|s| s.starts_with("https://")) {
                                        " " a href=(clean(src)) rel="noopener noreferrer" { "control" }
                                    }
                                }
                            }
                        } (NL)
                    }
                    h4 { "Remediation" } (NL)
                    dl.rem { (NL)
                        dt { "Console" } dd { (block(&m.remediation.console)) } (NL)
                        dt { "AWS CLI" } dd { pre { code { (block(&m.remediation.cli)) } } } (NL)
                        dt { "Terraform" } dd { pre { code { (block(&m.remediation.terraform)) } } } (NL)
                    } (NL)
                    @if !m.references.is_empty() {
                        h4 { "References" } (NL)
                        ul.refs {
                            @for r in &m.references {
                                li {
                                    @if r.starts_with("https://") || r.starts_with("http://") {
                                        a href=(clean(r)) rel="noopener noreferrer" { (clean(r)) }
                                    } @else {
                                        (clean(r))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

// ---- many accounts ----------------------------------------------------

impl EmitAccounts for Html {
    fn emit_accounts(
        &self,
        report: &OrgReport,
        meta: MetaLookup<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        out.write_all(accounts_page(report, meta).into_string().as_bytes())
    }
}

fn accounts_csp() -> String {
    format!(
        "default-src 'none'; style-src '{STYLE_HASH}' '{ACCOUNTS_STYLE_HASH}'; \
         script-src '{ACCOUNTS_SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"
    )
}

/// The prefix of every id in an account's section: `a` and the account id
/// (`a123456789012-findings`), or, for an id that is not all digits (a
/// directory could hold anything), `acct` and its position, so two
/// accounts can never share an id.
fn account_prefix(index: usize, account_id: &str) -> String {
    if !account_id.is_empty() && account_id.bytes().all(|b| b.is_ascii_digit()) {
        format!("a{account_id}-")
    } else {
        format!("acct{index}-")
    }
}

/// The section's own id: its prefix without the trailing `-`.
fn section_id(prefix: &str) -> &str {
    prefix.trim_end_matches('-')
}

fn account_title(a: &AccountLine) -> String {
    match &a.name {
        Some(n) if !n.trim().is_empty() => format!("{} ({})", clean(&a.account_id), clean(n)),
        _ => clean(&a.account_id),
    }
}

fn state_pill(a: &AccountLine) -> Markup {
    let (class, text) = match a.status {
        AccountState::Complete => ("st-pass", "complete".to_string()),
        AccountState::Incomplete => ("st-not-evaluated", "incomplete".to_string()),
        s => ("st-fail", format!("not scanned ({})", s.as_str())),
    };
    html! { span class={ "pill " (class) } { (text) } }
}

fn severity_cells(counts: &std::collections::BTreeMap<Severity, usize>) -> Markup {
    html! {
        @let any = counts.values().any(|n| *n > 0);
        @if !any { span.muted { "-" } }
        @for sev in Severity::ALL.iter().rev() {
            @if let Some(n) = counts.get(sev).filter(|n| **n > 0) {
                span class={ "sev sev-" (sev.as_str()) } { (sev.as_str()) " " (n) } " "
            }
        }
    }
}

fn accounts_page(r: &OrgReport, meta: MetaLookup<'_>) -> Markup {
    let c = &r.coverage;
    let prefixes: Vec<String> = r
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| account_prefix(i, &a.account_id))
        .collect();
    let findings: usize = r.reports.iter().map(|rep| rep.findings.len()).sum();
    html! {
        (DOCTYPE) (NL)
        html lang="en" { (NL)
        head { (NL)
            meta charset="utf-8"; (NL)
            meta http-equiv="Content-Security-Policy" content=(accounts_csp()); (NL)
            meta name="viewport" content="width=device-width, initial-scale=1"; (NL)
            meta name="referrer" content="no-referrer"; (NL)
            meta name="generator" content={ "rampart " (clean(&r.tool.version)) }; (NL)
            title { "rampart report: " (plural(c.accounts, "account", "accounts")) } (NL)
            style { (PreEscaped(STYLE)) } (NL)
            style { (PreEscaped(ACCOUNTS_STYLE)) } (NL)
        } (NL)
        body { (NL)
            header.top { (NL)
                div.wrap { (NL)
                    p.brand { "rampart" span.brand-sub { "AWS defense-in-depth report" } } (NL)
                    h1 { (plural(c.accounts, "account", "accounts")) } (NL)
                    dl.facts { (NL)
                        div { dt { "Source" } dd { (clean(&r.source)) } } (NL)
                        div { dt { "Scanned" } dd { (c.complete + c.incomplete) " of " (c.accounts) } } (NL)
                        div { dt { "Backends" } dd { (c.backends) } } (NL)
                        div { dt { "Findings" } dd { (findings) } } (NL)
                        div { dt { "rampart" } dd { (clean(&r.tool.version)) } } (NL)
                    } (NL)
                    nav.toc aria-label="Accounts" {
                        a href="#accounts" { "Accounts" }
                        @for (a, p) in r.accounts.iter().zip(&prefixes) {
                            a href={ "#" (section_id(p)) } { (clean(&a.account_id)) }
                        }
                    } (NL)
                } (NL)
            } (NL)
            main.wrap { (NL)
                @if !r.complete {
                    div id="incomplete" class="banner warn" role="alert" {
                        strong { "Incomplete." }
                        " " (plural(c.not_scanned, "account was", "accounts were")) " not scanned and "
                        (plural(c.incomplete, "account was", "accounts were"))
                        " scanned with collection errors. Checks that needed the missing data are \
                         reported as not evaluated, never as passing: treat this report as partial."
                    } (NL)
                }
                (accounts_table(r, &prefixes)) (NL)
                @for (a, p) in r.accounts.iter().zip(&prefixes) {
                    (account_section(r, a, p, meta)) (NL)
                }
            } (NL)
            footer.wrap { (NL)
                p { "Generated by rampart " (clean(&r.tool.version)) " from the snapshots in "
                    (clean(&r.source))
                    ". This file is self-contained: it loads nothing from the network." } (NL)
            } (NL)
            script { (PreEscaped(ACCOUNTS_SCRIPT)) } (NL)
        } (NL)
        } (NL)
    }
}

fn accounts_table(r: &OrgReport, prefixes: &[String]) -> Markup {
    let c = &r.coverage;
    let t = &r.total;
    html! {
        section #accounts { (NL)
            h2 { "Accounts" } (NL)
            p.note { (c.accounts) " in " span.mono { (clean(&r.source)) } ": " (c.complete) " complete, "
                (c.incomplete) " incomplete, " (c.not_scanned) " not scanned. Account ids link to \
                 their section." } (NL)
            div.scroll {
            table.grid.accts { (NL)
                thead { tr { th { "Account" } th { "Name" } th { "State" } th.n { "Pass" } th.n { "Fail" }
                    th.n { "Not evaluated" } th.n { "Suppressed" } th { "Failing by severity" } th.n { "Backends" } } } (NL)
                tbody { (NL)
                    @for (a, p) in r.accounts.iter().zip(prefixes) {
                        tr data-account=(clean(&a.account_id)) data-state=(a.status.as_str()) {
                            th scope="row" { a.mono href={ "#" (section_id(p)) } { (clean(&a.account_id)) } }
                            td { @match &a.name { Some(n) => { (clean(n)) } None => { span.muted { "-" } } } }
                            td {
                                (state_pill(a))
                                @if let Some(e) = &a.error { span.reason { (clean(e)) } }
                                @if a.status == AccountState::Incomplete {
                                    span.reason { (plural(a.collection_errors, "collection error", "collection errors")) }
                                }
                            }
                            @match &a.summary {
                                Some(s) => {
                                    td.n { (s.pass) } td.n { (s.fail) } td.n { (s.not_evaluated) } td.n { (s.suppressed) }
                                    td { (severity_cells(&s.failing_by_severity)) }
                                    td.n { (a.backends) }
                                }
                                None => {
                                    td.n.muted { "-" } td.n.muted { "-" } td.n.muted { "-" } td.n.muted { "-" }
                                    td.muted { "-" } td.n.muted { "-" }
                                }
                            }
                        } (NL)
                    }
                } (NL)
                tfoot { tr.total {
                    th scope="row" { "Total" }
                    td {}
                    td { (c.complete + c.incomplete) " of " (c.accounts) " scanned" }
                    td.n { (t.pass) } td.n { (t.fail) } td.n { (t.not_evaluated) } td.n { (t.suppressed) }
                    td { (severity_cells(&t.failing_by_severity)) }
                    td.n { (c.backends) }
                } } (NL)
            } (NL)
            }
        }
    }
}

/// One account: its heading and facts, then the single report's sections
/// with every id prefixed, or why it has no report.
fn account_section(r: &OrgReport, a: &AccountLine, p: &str, meta: MetaLookup<'_>) -> Markup {
    let report = r.report_of(&a.account_id);
    html! {
        section.account id=(section_id(p)) data-prefix=(p) aria-label={ "Account " (clean(&a.account_id)) } { (NL)
            div.acct-head { (NL)
                h2 { "Account " (account_title(a)) " " (state_pill(a)) } (NL)
                @if let Some(rep) = report {
                    @let snap = &rep.snapshot;
                    dl.facts.acct-facts { (NL)
                        div { dt { "Partition" } dd { (clean(&snap.partition)) } } (NL)
                        @if let Some(c) = &snap.credential_source { div { dt { "Credentials" } dd { (clean(c)) } } (NL) }
                        div { dt { "Collected" } dd { (when(snap.collected_at)) } } (NL)
                        div { dt { "Regions" } dd {
                            @if snap.regions.is_empty() { "none" }
                            @else { (snap.regions.iter().map(|x| clean(x)).collect::<Vec<_>>().join(", ")) }
                        } } (NL)
                        div { dt { "Backends" } dd { (rep.scorecards.len()) } } (NL)
                        div { dt { "Findings" } dd { (rep.findings.len()) } } (NL)
                        @if let Some(file) = &a.snapshot { div { dt { "Snapshot" } dd.mono { (clean(file)) } } (NL) }
                    } (NL)
                    (toc(rep, p)) (NL)
                }
            } (NL)
            @match report {
                Some(rep) => { (sections(rep, meta, p)) (NL) }
                None => {
                    div id={ (p) "not-scanned" } class="banner warn" role="alert" {
                        strong { "Not scanned (" (a.status.as_str()) ")." }
                        " " (clean(a.error.as_deref().unwrap_or("no snapshot")))
                        " No check was evaluated for this account: it has no findings to show, \
                         which is not the same as having none."
                    } (NL)
                }
            }
        }
    }
}

/// The page's style sheet: the only CSS, allowed by [`STYLE_HASH`]. Neutral
/// greys with colour kept for meaning (severity, status, gaps); `hidden`
/// wins over every display rule so the filter can hide rows.
pub const STYLE: &str = r##"
:root{--bg:#f5f6f8;--card:#fff;--ink:#1d2433;--muted:#5f6b7a;--line:#dde2e8;--head:#111827;
--crit:#7a1020;--crit-bg:#fbe4e7;--high:#b42318;--high-bg:#fef0ee;--med:#9a4a00;--med-bg:#fff4e0;
--low:#1d4f9c;--low-bg:#eaf2fd;--info:#4b5565;--info-bg:#eef0f3;
--fail:#b42318;--fail-bg:#fdecea;--pass:#116b3a;--pass-bg:#e6f5ec;--ne:#7a5a00;--ne-bg:#fdf5d8;
--sup:#5b3fa8;--sup-bg:#f0ecfb;--gap:#c0262d}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans",sans-serif}
.wrap{max-width:1200px;margin:0 auto;padding:0 24px}
.top{background:var(--head);color:#e5e7eb;padding:18px 0 16px;margin-bottom:20px}
.brand{margin:0;font-weight:700;letter-spacing:.04em;color:#fff;font-size:15px}
.brand-sub{font-weight:400;color:#9ca3af;margin-left:10px;letter-spacing:0}
h1{margin:4px 0 10px;font-size:24px;font-weight:600;color:#fff}
.facts{display:flex;flex-wrap:wrap;gap:6px 28px;margin:0}
.facts div{display:flex;gap:6px}
.facts dt{color:#9ca3af}
.facts dd{margin:0;color:#f3f4f6}
.toc{display:flex;flex-wrap:wrap;gap:4px 18px;margin-top:12px;padding-top:10px;border-top:1px solid #273041;font-size:13px}
.toc a{color:#c7d2fe;text-decoration:none}
.toc a:hover{color:#fff;text-decoration:underline}
h2{font-size:18px;margin:0 0 10px;font-weight:600}
h3{font-size:15px;margin:0 0 8px;font-weight:600}
h4{font-size:13px;margin:14px 0 6px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
main>section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin-bottom:18px}
main>section#summary{background:none;border:0;padding:0}
a{color:#1f5fbf}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
pre{background:#f3f4f6;border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:0;overflow:auto;white-space:pre-wrap}
.note{color:var(--muted);margin:0 0 12px}
.empty{color:var(--muted);font-style:italic;margin:4px 0}
.muted{color:var(--muted)}
.nowrap{white-space:nowrap}
.scroll{overflow-x:auto}
.banner{border-radius:10px;padding:12px 16px;margin-bottom:18px;border:1px solid}
.banner.warn{background:#fff7e6;border-color:#f0c36d;color:#5c3c00}
.callout{border-left:4px solid #e09a1a!important}
.tiles{display:flex;flex-wrap:wrap;gap:12px}
.cves.crit{color:#b42318;font-weight:600}
.tile{flex:1 1 140px;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px;border-top:4px solid var(--line)}
.tile .num{display:block;font-size:28px;font-weight:650;line-height:1.2}
.tile .lbl{color:var(--muted)}
.tile .sub{color:var(--muted);font-size:12.5px;margin-top:4px}
.t-fail{flex:2 1 280px;border-top-color:var(--fail)}.t-fail .num{color:var(--fail)}.t-fail.none .num{color:var(--ink)}
.t-ne{border-top-color:#d9a400}.t-sup{border-top-color:var(--sup)}.t-pass{border-top-color:var(--pass)}
.t-base{border-top-color:#1f5fbf}
.sevs{margin-top:8px;display:flex;flex-wrap:wrap;gap:4px}
.sev,.pill,.badge,.lay,.map{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;line-height:18px;white-space:nowrap}
.sev{text-transform:capitalize}
.sev-critical{background:var(--crit-bg);color:var(--crit)}
.sev-high{background:var(--high-bg);color:var(--high)}
.sev-medium{background:var(--med-bg);color:var(--med)}
.sev-low{background:var(--low-bg);color:var(--low)}
.sev-info{background:var(--info-bg);color:var(--info)}
.sev.zero{opacity:.45}
.st-fail{background:var(--fail-bg);color:var(--fail)}
.st-pass{background:var(--pass-bg);color:var(--pass)}
.st-not-evaluated{background:var(--ne-bg);color:var(--ne)}
.st-suppressed{background:var(--sup-bg);color:var(--sup)}
.lay{background:#eef1f5;color:#3b4656;font-weight:500}
.map{background:#eef1f5;color:#3b4656;font-weight:500}
.badge{margin-left:4px;border:1px solid}
.b-new{color:#1f5fbf;border-color:#9dbcf0;background:#eef4fe}
.b-unchanged{color:var(--muted);border-color:var(--line);background:#fff}
.was{display:block;color:var(--muted);font-size:12px;margin-top:2px}
table.grid{width:100%;border-collapse:collapse}
.grid th,.grid td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid var(--line)}
.grid thead th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;background:#fafbfc}
.grid tbody tr:last-child>*{border-bottom:0}
.grid td.n,.grid th.n{text-align:right}
.score td{width:18%}
.score th[scope=row]{font-weight:400}
.bname{display:block;font-weight:600;word-break:break-word}
.bsub{display:block;color:var(--muted);font-size:12px;font-weight:400}
.vd{display:block;margin-top:4px}
.vd.muted{font-size:12.5px}
.reason{display:block;color:var(--ne);font-size:12.5px;margin-top:4px}
.vf{display:block;margin-top:4px}
.flink{display:block;font-size:12px;word-break:break-all}
.affects{font-size:12.5px;margin:0 0 4px}
.affects details{display:inline}
.affects summary{display:inline;cursor:pointer;color:#1f5fbf}
a.cid{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px;text-decoration:none;font-weight:600}
a.cid:hover{text-decoration:underline}
.ctitle{display:block;font-size:12.5px;color:var(--ink)}
.ctitle.muted{color:var(--muted);font-style:italic}
.findings td.res{max-width:260px}
.arn{word-break:break-all}
.details p{margin:0 0 4px}
.details .msg{word-break:break-word}
.supp{color:var(--sup)}
.pathline{font-size:12.5px;color:var(--muted)}
.hopt{color:var(--ink)}
.gapt{color:var(--gap);font-weight:600}
.arr{color:#9aa3ae}
tr.row-suppressed td,tr.row-pass td{background:#fcfcfd}
tr.row-suppressed .msg{color:var(--muted)}
.backend{border-top:1px solid var(--line);padding-top:14px;margin-top:14px}
.backend:first-of-type{border-top:0;margin-top:0;padding-top:0}
.backend h3 .bsub{display:inline;margin-left:6px}
figure.path{margin:0 0 14px}
figcaption{font-size:12.5px;color:var(--muted);margin-bottom:6px}
svg.pathsvg{display:block;max-width:100%;height:auto;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,"Liberation Sans",sans-serif}
.hop rect{fill:#f7f9fc;stroke:#9aa7b8;stroke-width:1.2}
.hop.has-gap rect{fill:#fff5f5;stroke:var(--gap);stroke-width:1.6}
.hop .kind{font-size:10px;fill:var(--muted);letter-spacing:.06em;font-weight:600}
.hop .label{font-size:13px;fill:var(--ink);font-weight:500}
.hop .gap{font-size:12px;fill:var(--gap);font-weight:600}
.arrow line{stroke:#6b7686;stroke-width:1.6}
.arrow polygon{fill:#6b7686}
.arrow .port{font-size:11px;fill:var(--ink);font-weight:600}
.filters{display:flex;flex-wrap:wrap;gap:10px 18px;align-items:flex-end;margin-bottom:10px;padding:12px 14px;background:#fafbfc;border:1px solid var(--line);border-radius:8px}
.filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px;align-items:center}
.filters legend{font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;padding:0;margin-bottom:4px}
.filters .grow{flex:1;min-width:240px}
.chip{cursor:pointer;position:relative}
.chip input{position:absolute;opacity:0;pointer-events:none}
.chip span{border:1px solid transparent}
.chip input:checked+span{border-color:currentColor;box-shadow:inset 0 0 0 1px currentColor}
.chip input:checked+span::before{content:"\2713\00a0"}
.chip input:focus-visible+span{outline:2px solid #1f5fbf;outline-offset:1px}
#q{flex:1;min-width:180px;padding:6px 10px;border:1px solid #c5ccd6;border-radius:6px;font:inherit}
#reset{padding:6px 12px;border:1px solid #c5ccd6;border-radius:6px;background:#fff;font:inherit;cursor:pointer}
.count{color:var(--muted);margin:0 0 6px;font-size:13px}
.check{border-top:1px solid var(--line);padding-top:14px;margin-top:14px}
.check:first-of-type{border-top:0;margin-top:0;padding-top:0}
.check h3 .mono{font-size:14px;margin-right:4px}
.cmeta{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:0 0 8px}
.rem{display:grid;grid-template-columns:110px 1fr;gap:8px 12px;margin:0}
.rem dt{color:var(--muted);font-weight:600}
.rem dd{margin:0;min-width:0}
.refs{margin:0;padding-left:18px}
footer{color:var(--muted);font-size:12.5px;padding-bottom:28px}
@media print{.filters,#shown,.toc{display:none!important}body{background:#fff}main>section{break-inside:avoid-page}}
"##;

/// The filtering script: the only script, allowed by [`SCRIPT_HASH`]. It
/// reads the filters from the checkboxes and search box, or on load from
/// the URL (`?status=fail` and/or `#severity=critical,high&layer=edge&q=nlb`,
/// the fragment winning), hides non-matching rows, and keeps the fragment
/// in step so a filtered view can be bookmarked or shared. When done it
/// sets `data-ready` and `data-visible` on `<body>` (the headless test
/// reads them).
pub const SCRIPT: &str = r##"
(function () {
  "use strict";
  var body = document.body;
  var form = document.getElementById("filters");
  if (!form) { body.setAttribute("data-visible", "0"); body.setAttribute("data-ready", "true"); return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("#findings tbody tr[data-status]"));
  var shown = document.getElementById("shown");
  var none = document.getElementById("none-shown");
  var search = document.getElementById("q");
  var keys = ["severity", "status", "layer"];
  function boxes(key) {
    return Array.prototype.slice.call(form.querySelectorAll("input[name='" + key + "']"));
  }
  function fromUrl() {
    var want = {};
    [location.search, location.hash].forEach(function (part) {
      part = part.replace(/^[?#]/, "");
      // A plain anchor (#findings, #check-NET-005) is navigation, not filters.
      if (part.indexOf("=") < 0) { return; }
      new URLSearchParams(part).forEach(function (value, key) { want[key] = value; });
    });
    keys.forEach(function (key) {
      var values = (want[key] || "").toLowerCase().split(",");
      boxes(key).forEach(function (b) { b.checked = values.indexOf(b.value) >= 0; });
    });
    search.value = want.q || "";
  }
  function toUrl() {
    var parts = [];
    keys.forEach(function (key) {
      var on = boxes(key).filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      if (on.length) { parts.push(key + "=" + on.join(",")); }
    });
    if (search.value.trim()) { parts.push("q=" + encodeURIComponent(search.value.trim())); }
    // The fragment then holds the whole state, so a preset query goes.
    try {
      history.replaceState(null, "", location.pathname + (parts.length ? "#" + parts.join("&") : ""));
    } catch (e) { /* file: URLs in some browsers refuse; the filter still works */ }
  }
  function apply() {
    var want = {};
    keys.forEach(function (key) {
      want[key] = boxes(key).filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    });
    var q = search.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row) {
      var ok = keys.every(function (key) {
        return want[key].length === 0 || want[key].indexOf(row.getAttribute("data-" + key)) >= 0;
      }) && (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = count === rows.length
      ? rows.length + (rows.length === 1 ? " finding" : " findings")
      : "Showing " + count + " of " + rows.length + " findings";
    none.hidden = count !== 0;
    body.setAttribute("data-visible", String(count));
  }
  form.addEventListener("change", function () { apply(); toUrl(); });
  search.addEventListener("input", function () { apply(); toUrl(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  document.getElementById("reset").addEventListener("click", function () {
    keys.forEach(function (key) { boxes(key).forEach(function (b) { b.checked = false; }); });
    search.value = "";
    apply();
    toUrl();
  });
  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("=") >= 0) { fromUrl(); apply(); }
  });
  fromUrl();
  apply();
  form.hidden = false;
  body.setAttribute("data-ready", "true");
})();
"##;

/// `sha256-` and the base64 SHA-256 of [`ACCOUNTS_STYLE`] and
/// [`ACCOUNTS_SCRIPT`], for the accounts page's CSP (which also allows
/// [`STYLE`]); the tests recompute them as for the single page.
pub const ACCOUNTS_STYLE_HASH: &str = "sha256-4/OAYMFnFbd1qiK4uFY4oPlTOFkRuuiZ23+OFVhtm80=";
pub const ACCOUNTS_SCRIPT_HASH: &str = "sha256-bVxkpRuVsDKoXJ1jgeHE7vgsclGhevTitD3IxJ/B8sg=";

/// The accounts page's style sheet, after [`STYLE`]: the account table,
/// and the single report's sections nested in each account's section
/// (whose ids carry the account's prefix, so [`STYLE`]'s `#q`, `#reset`
/// and `#summary` rules are restated by element and label).
pub const ACCOUNTS_STYLE: &str = r##"
main>section.account{background:none;border:0;padding:0;margin:0 0 34px}
.acct-head{background:var(--card);border:1px solid var(--line);border-top:4px solid var(--head);border-radius:10px;padding:14px 20px 12px;margin-bottom:14px}
.acct-head h2{font-size:20px;display:flex;flex-wrap:wrap;align-items:center;gap:10px}
.acct-facts dt{color:var(--muted)}
.acct-facts dd{color:var(--ink)}
.acct-head .toc{border-top-color:var(--line)}
.acct-head .toc a{color:#1f5fbf}
.account>section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin-bottom:18px}
.account>section[aria-label=Summary]{background:none;border:0;padding:0}
.filters input[type=search]{flex:1;min-width:180px;padding:6px 10px;border:1px solid #c5ccd6;border-radius:6px;font:inherit}
.filters button[type=button]{padding:6px 12px;border:1px solid #c5ccd6;border-radius:6px;background:#fff;font:inherit;cursor:pointer}
.accts td.n,.accts th.n{white-space:nowrap}
.accts th[scope=row]{font-weight:600}
.accts tfoot th,.accts tfoot td{border-top:2px solid var(--line);font-weight:600;background:#fafbfc}
.accts .reason{color:var(--fail)}
@media print{.count{display:none!important}main>section.account{break-before:page}}
"##;

/// The accounts page's filtering script: [`SCRIPT`] once per account
/// section. Each section's controls and rows are found through its
/// `data-prefix` (`a123456789012-`), so one section's filters never touch
/// another's rows. URL presets name the section:
/// `#a123456789012-severity=critical&a123456789012-status=fail`; a key
/// without a prefix (`#severity=critical`) applies to every section that
/// has no key of that name of its own. Each section gets `data-visible`; `<body>` gets
/// `data-ready` and the total `data-visible` (the headless test reads them).
pub const ACCOUNTS_SCRIPT: &str = r##"
(function () {
  "use strict";
  var body = document.body;
  var keys = ["severity", "status", "layer"];
  var all = [];
  function list(nodes) { return Array.prototype.slice.call(nodes); }
  function fromUrl() {
    var want = {};
    [location.search, location.hash].forEach(function (part) {
      part = part.replace(/^[?#]/, "");
      // A plain anchor (#a123456789012, #a123456789012-check-NET-005) is
      // navigation, not filters.
      if (part.indexOf("=") < 0) { return; }
      new URLSearchParams(part).forEach(function (value, key) { want[key] = value; });
    });
    return want;
  }
  function toUrl() {
    var parts = [];
    all.forEach(function (f) { parts = parts.concat(f.state()); });
    try {
      history.replaceState(null, "", location.pathname + (parts.length ? "#" + parts.join("&") : ""));
    } catch (e) { /* file: URLs in some browsers refuse; the filter still works */ }
  }
  function total() {
    var n = 0;
    all.forEach(function (f) { n += f.count; });
    body.setAttribute("data-visible", String(n));
  }
  list(document.querySelectorAll("section.account[data-prefix]")).forEach(function (section) {
    var p = section.getAttribute("data-prefix");
    var form = document.getElementById(p + "filters");
    var table = document.getElementById(p + "findings");
    if (!form || !table) { section.setAttribute("data-visible", "0"); return; }
    var rows = list(table.querySelectorAll("tbody tr[data-status]"));
    var shown = document.getElementById(p + "shown");
    var none = document.getElementById(p + "none-shown");
    var search = document.getElementById(p + "q");
    var f = { count: rows.length };
    function boxes(key) {
      return list(form.querySelectorAll("input[name='" + key + "']"));
    }
    function pick(want, key) {
      return Object.prototype.hasOwnProperty.call(want, p + key) ? want[p + key] : want[key];
    }
    f.load = function (want) {
      keys.forEach(function (key) {
        var values = (pick(want, key) || "").toLowerCase().split(",");
        boxes(key).forEach(function (b) { b.checked = values.indexOf(b.value) >= 0; });
      });
      search.value = pick(want, "q") || "";
    };
    f.state = function () {
      var parts = [];
      keys.forEach(function (key) {
        var on = boxes(key).filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
        if (on.length) { parts.push(p + key + "=" + on.join(",")); }
      });
      if (search.value.trim()) { parts.push(p + "q=" + encodeURIComponent(search.value.trim())); }
      return parts;
    };
    f.apply = function () {
      var want = {};
      keys.forEach(function (key) {
        want[key] = boxes(key).filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      });
      var q = search.value.trim().toLowerCase();
      var count = 0;
      rows.forEach(function (row) {
        var ok = keys.every(function (key) {
          return want[key].length === 0 || want[key].indexOf(row.getAttribute("data-" + key)) >= 0;
        }) && (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
        row.hidden = !ok;
        if (ok) { count += 1; }
      });
      shown.textContent = count === rows.length
        ? rows.length + (rows.length === 1 ? " finding" : " findings")
        : "Showing " + count + " of " + rows.length + " findings";
      none.hidden = count !== 0;
      f.count = count;
      section.setAttribute("data-visible", String(count));
    };
    f.show = function () { form.hidden = false; };
    form.addEventListener("change", function () { f.apply(); total(); toUrl(); });
    search.addEventListener("input", function () { f.apply(); total(); toUrl(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    document.getElementById(p + "reset").addEventListener("click", function () {
      keys.forEach(function (key) { boxes(key).forEach(function (b) { b.checked = false; }); });
      search.value = "";
      f.apply();
      total();
      toUrl();
    });
    all.push(f);
  });
  function load() {
    var want = fromUrl();
    all.forEach(function (f) { f.load(want); f.apply(); });
    total();
  }
  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("=") >= 0) { load(); }
  });
  load();
  all.forEach(function (f) { f.show(); });
  body.setAttribute("data-ready", "true");
})();
"##;
