//! The text report for people at a terminal, laid out with comfy-table:
//! the per-backend scorecard first, then the open failing findings grouped
//! by backend and severity with their exposure paths hop by hop (a finding
//! filed on a shared resource once, in its own group, with an `affects N
//! backends: ...` line), then what
//! moved since the baseline, what suppressions accepted, which suppressions
//! expired, what could not be evaluated and why, and the totals.
//!
//! Pure like every format: the caller decides colour (tty, `NO_COLOR`,
//! `--no-color`) and passes the terminal width; comfy-table is told never to
//! probe the terminal itself. Every string that came from the account goes
//! through [`clean`], so the only escape sequences in the output are the
//! colours comfy-table writes when asked to.

use std::io::{self, Write};

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table as Grid, presets::UTF8_FULL};
use rampart_model::{
    ExposurePath, Finding, Layer, LayerVerdict, PathKind, Report, Scorecard, Severity, Status,
    baseline::Change,
    time::{OffsetDateTime, UtcOffset},
};
use unicode_width::UnicodeWidthStr;

use crate::{Emit, MetaLookup, affects_line, clean};

/// The `table` format. `Table::default()` is plain text with no width limit
/// (what a file or a pipe wants).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Table {
    /// Colour the severity and verdict cells (ANSI SGR codes).
    pub color: bool,
    /// Lay every line out to fit this many columns; `None`: no limit.
    pub width: Option<u16>,
}

impl Emit for Table {
    fn emit(&self, r: &Report, meta: MetaLookup<'_>, out: &mut dyn Write) -> io::Result<()> {
        let s = &r.snapshot;
        if !s.complete {
            self.prose(
                out,
                &format!(
                    "WARNING: incomplete snapshot: {} collection error(s) during the scan; \
                     checks that need the missing data are not evaluated (listed below)",
                    s.collection_errors
                ),
            )?;
        }
        self.prose(
            out,
            &format!(
                "account {} ({}), {} region(s): {}; snapshot {}{}",
                clean(&s.account_id),
                clean(&s.partition),
                s.regions.len(),
                clean(&s.regions.join(", ")),
                timestamp(s.collected_at),
                credentials(s)
            ),
        )?;
        self.scorecard(r, out)?;
        self.failing(r, meta, out)?;
        self.since(r, meta, out)?;
        self.suppressed(r, out)?;
        self.expired(r, out)?;
        self.not_evaluated(r, out)?;
        writeln!(out)?;
        self.prose(
            out,
            &format!(
                "{} pass, {} fail, {} not evaluated, {} suppressed",
                r.summary.pass, r.summary.fail, r.summary.not_evaluated, r.summary.suppressed
            ),
        )
    }
}

impl Table {
    fn scorecard(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out)?;
        self.prose(
            out,
            &format!("scorecard ({} backend(s))", r.scorecards.len()),
        )?;
        if r.scorecards.is_empty() {
            return self.prose(
                out,
                "  no backends: no instance is a load balancer target or reachable from the \
                 internet",
            );
        }
        let mut g = self.grid();
        g.set_header(
            ["backend", "kind", "region"]
                .into_iter()
                .chain(Layer::ALL.map(Layer::as_str)),
        );
        for c in &r.scorecards {
            let mut row = vec![
                Cell::new(backend_cell(c)),
                Cell::new(c.kind.as_str()),
                Cell::new(clean(&c.region)),
            ];
            row.extend(Layer::ALL.map(|l| self.verdict(c.layer(l))));
            g.add_row(row);
        }
        writeln!(out, "{g}")?;
        // The reasons a layer could not be judged do not fit in a cell.
        for c in &r.scorecards {
            for l in Layer::ALL {
                if let LayerVerdict::NotEvaluated {
                    checks, reasons, ..
                } = c.layer(l)
                {
                    // A layer no check applies to names no check.
                    let which = if checks.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", clean(&checks.join(", ")))
                    };
                    self.prose(
                        out,
                        &format!(
                            "  {} {l} not evaluated{which}: {}",
                            clean(&c.instance_id),
                            clean(&reasons.join("; "))
                        ),
                    )?;
                }
            }
        }
        Ok(())
    }

    pub(crate) fn failing(
        &self,
        r: &Report,
        meta: MetaLookup<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let failing: Vec<&Finding> = r.findings.iter().filter(|f| f.is_open_failure()).collect();
        writeln!(out)?;
        if failing.is_empty() {
            return self.prose(out, "failing findings: none");
        }
        let marked = |c: Change| failing.iter().filter(|f| f.baseline == Some(c)).count();
        let moved = if failing.iter().any(|f| f.baseline.is_some()) {
            let apart = marked(Change::NotCompared);
            format!(
                " ({} new, {} unchanged{})",
                marked(Change::New),
                marked(Change::Unchanged),
                if apart > 0 {
                    format!(", {apart} not compared")
                } else {
                    String::new()
                }
            )
        } else {
            String::new()
        };
        self.prose(out, &format!("failing findings: {}{moved}", failing.len()))?;

        // A finding on a shared resource (a security group, a role) is
        // shown once, in its own group, with the backends it exposes; the
        // others under each backend they are about.
        let owners: Vec<Vec<usize>> = failing
            .iter()
            .map(|f| {
                if f.affected.is_empty() {
                    owners(f, &r.scorecards)
                } else {
                    Vec::new()
                }
            })
            .collect();
        // How many shared findings list each backend, for its heading.
        let mut exposed_by: std::collections::HashMap<&str, usize> = Default::default();
        for f in &failing {
            for arn in &f.affected {
                *exposed_by.entry(arn.as_str()).or_default() += 1;
            }
        }
        let groups = r
            .scorecards
            .iter()
            .enumerate()
            .map(|(i, c)| (Group::Backend(i), Some(c)))
            .chain([(Group::Shared, None), (Group::AccountWide, None)]);
        for (group, card) in groups {
            let mut members: Vec<(&Finding, &[usize])> = failing
                .iter()
                .zip(&owners)
                .filter(|(f, o)| match group {
                    Group::Backend(i) => o.contains(&i),
                    Group::Shared => !f.affected.is_empty(),
                    Group::AccountWide => f.affected.is_empty() && o.is_empty(),
                })
                .map(|(f, o)| (*f, o.as_slice()))
                .collect();
            if members.is_empty() {
                continue;
            }
            members.sort_by(|(a, _), (b, _)| {
                b.severity
                    .cmp(&a.severity)
                    .then_with(|| a.check_id.cmp(&b.check_id))
                    .then_with(|| a.resource_arn.cmp(&b.resource_arn))
            });
            writeln!(out)?;
            let heading = match (group, card) {
                (Group::Backend(_), Some(c)) => {
                    let shared = match exposed_by.get(c.instance_arn.as_str()) {
                        Some(n) => format!(" (and {n} on shared resources, below)"),
                        None => String::new(),
                    };
                    format!(
                        "{} in {}: {} failing{shared}",
                        label(c),
                        clean(&c.region),
                        members.len()
                    )
                }
                (Group::Shared, _) => format!(
                    "shared resources (each finding lists the backends it exposes): {} failing",
                    members.len()
                ),
                _ => format!("account-wide (no backend): {} failing", members.len()),
            };
            self.prose(out, &heading)?;
            let mut g = self.grid();
            g.set_header(["severity", "check", "finding"]);
            for (f, o) in members {
                let mut check = clean(&f.check_id);
                match f.baseline {
                    Some(Change::New) => check.push_str("\nNEW"),
                    Some(Change::Unchanged) => check.push_str("\nunchanged"),
                    Some(Change::NotCompared) => check.push_str("\nnot compared"),
                    _ => {}
                }
                let mut lines = Vec::new();
                if let Some(m) = meta(&f.check_id) {
                    lines.push(clean(&m.title));
                }
                lines.push(clean(&f.message));
                lines.push(format!("resource: {}", clean(&f.resource_arn)));
                lines.extend(affects_line(&f.affected));
                if let Some(p) = &f.path {
                    path_lines(p, &mut lines);
                }
                let others: Vec<String> = o
                    .iter()
                    .filter(|&&i| group != Group::Backend(i))
                    .map(|&i| clean(&r.scorecards[i].instance_id))
                    .collect();
                if !others.is_empty() {
                    lines.push(format!("also affects: {}", others.join(", ")));
                }
                g.add_row([
                    self.severity(f.severity),
                    Cell::new(check),
                    Cell::new(lines.join("\n")),
                ]);
            }
            writeln!(out, "{g}")?;
        }
        Ok(())
    }

    fn since(&self, r: &Report, meta: MetaLookup<'_>, out: &mut dyn Write) -> io::Result<()> {
        let Some(b) = &r.baseline else {
            return Ok(());
        };
        writeln!(out)?;
        self.prose(
            out,
            &format!(
                "since {} ({}): {} new, {} unchanged, {} resolved, {} unknown{}",
                timestamp(b.previous_collected_at),
                clean(&b.source),
                b.new,
                b.unchanged,
                b.resolved.len(),
                b.unknown.len(),
                if b.not_compared.is_empty() {
                    String::new()
                } else {
                    format!(", {} not compared", b.not_compared.len())
                }
            ),
        )?;
        for (what, list) in [
            ("resolved (failing then; passing or gone now)", &b.resolved),
            (
                "unknown (failing then; not evaluated now, so not resolved)",
                &b.unknown,
            ),
        ] {
            if list.is_empty() {
                continue;
            }
            self.prose(out, &format!("  {what}:"))?;
            let mut g = self.grid();
            g.set_header(["severity", "check", "finding"]);
            for f in list {
                let mut lines = Vec::new();
                if let Some(m) = meta(&f.check_id) {
                    lines.push(clean(&m.title));
                }
                lines.push(clean(&f.message));
                lines.push(format!("resource: {}", clean(&f.resource_arn)));
                lines.extend(affects_line(&f.affected));
                g.add_row([
                    self.severity(f.severity),
                    Cell::new(clean(&f.check_id)),
                    Cell::new(lines.join("\n")),
                ]);
            }
            writeln!(out, "{g}")?;
        }
        if !b.not_compared.is_empty() {
            self.prose(
                out,
                "  not compared (failing in one run, outside what the other judged; \
                 neither new nor resolved):",
            )?;
            let mut g = self.grid();
            g.set_header(["severity", "check", "finding"]);
            for n in &b.not_compared {
                let f = &n.finding;
                let run = match n.side {
                    rampart_model::baseline::Side::Previous => "failing in the baseline",
                    rampart_model::baseline::Side::Current => "failing now",
                };
                let mut lines = vec![format!("{run}: {}", clean(&n.reason))];
                lines.push(clean(&f.message));
                lines.push(format!("resource: {}", clean(&f.resource_arn)));
                g.add_row([
                    self.severity(f.severity),
                    Cell::new(clean(&f.check_id)),
                    Cell::new(lines.join("\n")),
                ]);
            }
            writeln!(out, "{g}")?;
        }
        Ok(())
    }

    fn suppressed(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        let list: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| f.suppressed.is_some())
            .collect();
        if list.is_empty() {
            return Ok(());
        }
        writeln!(out)?;
        self.prose(
            out,
            &format!(
                "suppressed: {} (accepted by rampart.toml; not counted as failing)",
                list.len()
            ),
        )?;
        let mut g = self.grid();
        g.set_header(["severity", "check", "finding", "suppression"]);
        for f in list {
            let Some(s) = &f.suppressed else { continue };
            let mut why = vec![clean(&s.reason), format!("at {}", clean(&s.source))];
            if let Some(d) = s.expires {
                why.push(format!("until {d}"));
            }
            let status = match &f.status {
                Status::NotEvaluated(_) => "not evaluated: ",
                _ => "",
            };
            let mut finding = format!("{status}{}", clean(&f.resource_arn));
            if let Some(line) = affects_line(&f.affected) {
                finding = format!("{finding}\n{line}");
            }
            g.add_row([
                self.severity(f.severity),
                Cell::new(clean(&f.check_id)),
                Cell::new(finding),
                Cell::new(why.join("\n")),
            ]);
        }
        writeln!(out, "{g}")
    }

    fn expired(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        if r.expired_suppressions.is_empty() {
            return Ok(());
        }
        writeln!(out)?;
        self.prose(
            out,
            &format!(
                "WARNING: {} suppression(s) expired and no longer apply; the findings they \
                 matched count again (renew or remove them):",
                r.expired_suppressions.len()
            ),
        )?;
        let mut g = self.grid();
        g.set_header(["source", "selectors", "expired", "matching"]);
        for e in &r.expired_suppressions {
            g.add_row([
                Cell::new(clean(&e.source)),
                Cell::new(format!("{}\n{}", clean(&e.selectors), clean(&e.reason))),
                Cell::new(e.expired.to_string()),
                Cell::new(format!("{} finding(s)", e.matching_findings)),
            ]);
        }
        writeln!(out, "{g}")
    }

    fn not_evaluated(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        let list: Vec<(&Finding, &String)> = r
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .filter_map(|f| match &f.status {
                Status::NotEvaluated(why) => Some((f, why)),
                _ => None,
            })
            .collect();
        if list.is_empty() {
            return Ok(());
        }
        writeln!(out)?;
        self.prose(out, &format!("not evaluated: {}", list.len()))?;
        let mut g = self.grid();
        g.set_header(["severity", "check", "why"]);
        for (f, why) in list {
            let mut lines = vec![
                clean(why),
                clean(&f.message),
                format!("resource: {}", clean(&f.resource_arn)),
            ];
            lines.extend(affects_line(&f.affected));
            g.add_row([
                self.severity(f.severity),
                Cell::new(clean(&f.check_id)),
                Cell::new(lines.join("\n")),
            ]);
        }
        writeln!(out, "{g}")
    }

    /// A grid with the house style, fitted to the width if there is one.
    pub(crate) fn grid(&self) -> Grid {
        let mut g = Grid::new();
        // Never let comfy-table look at the terminal: the caller decides.
        g.force_no_tty();
        if self.color {
            g.enforce_styling();
            // Colour the words, not the padding around them.
            g.style_text_only();
        }
        g.load_style(UTF8_FULL);
        g.set_content_arrangement(ContentArrangement::Dynamic);
        if let Some(w) = self.width {
            g.set_width(w);
        }
        g
    }

    fn severity(&self, s: Severity) -> Cell {
        let cell = Cell::new(s.as_str());
        if !self.color {
            return cell;
        }
        match s {
            Severity::Critical => cell.fg(Color::Red).add_attribute(Attribute::Bold),
            Severity::High => cell.fg(Color::Red),
            Severity::Medium => cell.fg(Color::Yellow),
            Severity::Low => cell.fg(Color::Cyan),
            Severity::Info => cell,
        }
    }

    fn verdict(&self, v: &LayerVerdict) -> Cell {
        let (text, color) = match v {
            LayerVerdict::Pass { .. } => ("pass".to_string(), Color::Green),
            LayerVerdict::Fail { failing, .. } => (
                {
                    let ids: Vec<String> = failing.iter().map(|id| clean(id)).collect();
                    format!("fail\n{}", ids.join("\n"))
                },
                Color::Red,
            ),
            LayerVerdict::NotEvaluated { .. } => ("not evaluated".to_string(), Color::Yellow),
        };
        let cell = Cell::new(text);
        if self.color { cell.fg(color) } else { cell }
    }

    /// One line of our own text (account text already cleaned), wrapped at
    /// word boundaries to the width, continuation lines indented like the
    /// first.
    pub(crate) fn prose(&self, out: &mut dyn Write, text: &str) -> io::Result<()> {
        let Some(width) = self.width.map(usize::from) else {
            return writeln!(out, "{text}");
        };
        let indent = text.len() - text.trim_start_matches(' ').len();
        let room = width.saturating_sub(indent).max(1);
        let mut line = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let mut word = word.to_string();
            loop {
                let sep = usize::from(!line.is_empty());
                if line.width() + sep + word.width() <= room {
                    if sep == 1 {
                        line.push(' ');
                    }
                    line.push_str(&word);
                    break;
                }
                if !line.is_empty() {
                    writeln!(out, "{:indent$}{line}", "")?;
                    line.clear();
                    continue;
                }
                // A word longer than the line (an ARN): cut it.
                let (head, tail) = split_at_width(&word, room);
                writeln!(out, "{:indent$}{head}", "")?;
                word = tail.to_string();
            }
        }
        if !line.is_empty() {
            writeln!(out, "{:indent$}{line}", "")?;
        }
        Ok(())
    }
}

/// The longest prefix of `s` that fits in `width` columns (at least one
/// character, so a wrap always makes progress), and the rest.
fn split_at_width(s: &str, width: usize) -> (&str, &str) {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width && i > 0 {
            return s.split_at(i);
        }
        used += w;
    }
    (s, "")
}

/// Where the failing findings are listed: under a backend (an index into
/// the scorecards), once for a shared resource, or account-wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Backend(usize),
    Shared,
    AccountWide,
}

/// Which backends (indexes into `cards`) a finding is about: its resource
/// is the backend's instance, or is a hop on one of the backend's exposure
/// paths (a load balancer, a stage), or the finding's own path ends at the
/// backend. None: the finding is account-wide (a region setting, a role).
fn owners(f: &Finding, cards: &[Scorecard]) -> Vec<usize> {
    cards
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            f.resource_arn == c.instance_arn
                || c.paths
                    .iter()
                    .flat_map(|p| &p.hops)
                    .filter(|h| h.kind != "internet")
                    .any(|h| names(&f.resource_arn, &h.id))
                || f.path.as_ref().is_some_and(|p| {
                    p.hops.iter().any(|h| {
                        matches!(h.kind.as_str(), "instance" | "task")
                            && (h.id == c.instance_id || h.id == c.instance_arn)
                    })
                })
        })
        .map(|(i, _)| i)
        .collect()
}

/// `arn` is the resource `id` names: the same string, or an ARN ending with
/// the id as a whole path or colon segment (so `vl-1` does not name `.../xvl-1`).
fn names(arn: &str, id: &str) -> bool {
    if id.is_empty() {
        return false;
    }
    arn == id
        || arn
            .strip_suffix(id)
            .is_some_and(|head| head.ends_with('/') || head.ends_with(':'))
}

/// `path (load balancer, port 22):` then one hop per line, gaps in
/// parentheses.
fn path_lines(p: &ExposurePath, lines: &mut Vec<String>) {
    let kind = match p.kind {
        PathKind::Direct => "direct",
        PathKind::LoadBalancer => "load balancer",
        PathKind::Gateway => "API gateway",
        PathKind::CloudFront => "CloudFront",
    };
    let ports: Vec<String> = p
        .ports
        .iter()
        .map(|r| {
            if r.from == r.to {
                r.from.to_string()
            } else {
                format!("{}-{}", r.from, r.to)
            }
        })
        .collect();
    let ports = match ports.len() {
        0 => String::new(),
        1 => format!(", port {}", ports[0]),
        _ => format!(", ports {}", ports.join(", ")),
    };
    lines.push(format!("path ({kind}{ports}):"));
    for (i, hop) in p.hops.iter().enumerate() {
        let arrow = if i == 0 { "  " } else { "  -> " };
        let gaps = if hop.gaps.is_empty() {
            String::new()
        } else {
            format!(" ({})", hop.gaps.join(", "))
        };
        lines.push(clean(&format!("{arrow}{}{gaps}", hop.label)));
    }
}

/// `i-0abc (Name tag)`, cleaned, on one line.
fn label(c: &Scorecard) -> String {
    match &c.name {
        Some(n) => format!("{} ({})", clean(&c.instance_id), clean(n)),
        None => clean(&c.instance_id),
    }
}

/// The instance id, and its Name tag on the next line.
fn backend_cell(c: &Scorecard) -> String {
    match &c.name {
        Some(n) => format!("{}\n{}", clean(&c.instance_id), clean(n)),
        None => clean(&c.instance_id),
    }
}

/// `2026-11-19 08:13 UTC`: minutes are enough for a person; the JSON report
/// keeps the exact instant.
fn timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute())
}

/// `; credentials: SOURCE` for the header line, when the snapshot says
/// which credentials chose the account (older ones do not).
pub(crate) fn credentials(s: &rampart_model::SnapshotInfo) -> String {
    s.credential_source
        .as_deref()
        .map(|c| format!("; credentials: {}", clean(c)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_ids_name_whole_segments_only() {
        let nlb = "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/edge/50dc";
        assert!(names(nlb, nlb));
        assert!(names("arn:aws:ec2:eu-west-1:1:instance/i-0abc", "i-0abc"));
        assert!(names("arn:aws:ec2:eu-west-1:1:vpc-link:vl-1", "vl-1"));
        assert!(!names("arn:aws:ec2:eu-west-1:1:vpc-link/xvl-1", "vl-1"));
        assert!(!names("arn:aws:ec2:eu-west-1:1:instance/i-0abc", ""));
    }

    fn wrapped(width: u16, text: &str) -> String {
        let t = Table {
            color: false,
            width: Some(width),
        };
        let mut out = Vec::new();
        t.prose(&mut out, text).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn prose_wraps_at_words_keeps_the_indent_and_cuts_long_words() {
        assert_eq!(
            wrapped(12, "  one two three four"),
            "  one two\n  three four\n"
        );
        assert_eq!(wrapped(8, "ab arn:aws:iam::1"), "ab\narn:aws:\niam::1\n");
        // Wide characters count double.
        assert_eq!(wrapped(4, "日本語"), "日本\n語\n");
        let t = Table::default();
        let mut out = Vec::new();
        t.prose(&mut out, "no   limit, kept as is").unwrap();
        assert_eq!(out, b"no   limit, kept as is\n");
    }
}
