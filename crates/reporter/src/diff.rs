//! `rampart diff OLD NEW`, for people: new, resolved, unknown, changed and
//! not-compared failing findings (a suppressed one says so, with its
//! reason), then resource drift field by field. (`--format json`
//! is the [`DiffReport`] itself.) Pure, like every renderer here.

use std::io::{self, Write};

use rampart_model::baseline::Side;
use rampart_model::diff::{DiffReport, DiffSide, DriftKind, FieldChange, brief};
use rampart_model::{Finding, SharedStr};

use crate::{affects_line, clean, id_list};

fn side(label: &str, s: &DiffSide) -> String {
    format!(
        "{label} {} ({}, account {}, collected {}{})",
        clean(&s.source),
        s.kind,
        s.account_id,
        s.collected_at
            .format(&time_format())
            .unwrap_or_else(|_| s.collected_at.to_string()),
        if s.complete { "" } else { ", INCOMPLETE" }
    )
}

fn time_format() -> rampart_model::time::format_description::well_known::Rfc3339 {
    rampart_model::time::format_description::well_known::Rfc3339
}

fn finding_line(out: &mut dyn Write, mark: &str, f: &Finding) -> io::Result<()> {
    writeln!(
        out,
        "  {mark} [{}] {} {}",
        f.severity.as_str(),
        f.check_id,
        clean(&f.resource_arn)
    )?;
    if !f.message.is_empty() {
        writeln!(out, "      {}", clean(&f.message))?;
    }
    if let Some(line) = affects_line(&f.affected) {
        writeln!(out, "      {line}")?;
    }
    if let Some(p) = &f.path {
        writeln!(out, "      path: {}", clean(&p.to_string()))?;
    }
    if let Some(s) = &f.suppressed {
        writeln!(
            out,
            "      suppressed: {} ({}{})",
            clean(&s.reason),
            clean(&s.source),
            s.expires
                .map(|d| format!(", until {}", rampart_model::date::format(d)))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}

/// ` (N suppressed)` when some of `list` are accepted by a suppression.
fn suppressed_count<'a>(list: impl IntoIterator<Item = &'a Finding>) -> String {
    match list.into_iter().filter(|f| f.suppressed.is_some()).count() {
        0 => String::new(),
        n => format!(" ({n} suppressed)"),
    }
}

fn value(v: &Option<serde_json::Value>) -> String {
    v.as_ref()
        .map_or_else(|| "(none)".to_string(), |v| clean(&brief(v)))
}

fn field_line(out: &mut dyn Write, c: &FieldChange) -> io::Result<()> {
    match (&c.before, &c.after) {
        (None, Some(_)) => writeln!(out, "      + {}: {}", clean(&c.field), value(&c.after)),
        (Some(_), None) => writeln!(out, "      - {}: {}", clean(&c.field), value(&c.before)),
        _ => writeln!(
            out,
            "      ~ {}: {} -> {}",
            clean(&c.field),
            value(&c.before),
            value(&c.after)
        ),
    }
}

pub fn render(d: &DiffReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", side("old", &d.old))?;
    writeln!(out, "{}", side("new", &d.new))?;
    if d.old.account_id != d.new.account_id {
        writeln!(
            out,
            "warning: the two runs are of different accounts ({} and {})",
            d.old.account_id, d.new.account_id
        )?;
    }
    let f = &d.findings;
    writeln!(
        out,
        "\nfailing findings: {} new{}, {} resolved, {} changed, {} unknown, {} unchanged{}",
        f.new.len(),
        suppressed_count(&f.new),
        f.resolved.len(),
        f.changed.len(),
        f.unknown.len(),
        f.unchanged,
        if f.not_compared.is_empty() {
            String::new()
        } else {
            format!(", {} not compared", f.not_compared.len())
        }
    )?;
    if !f.new.is_empty() {
        writeln!(out, "\nnew{}:", suppressed_count(&f.new))?;
        for x in &f.new {
            finding_line(out, "+", x)?;
        }
    }
    if !f.resolved.is_empty() {
        writeln!(out, "\nresolved:")?;
        for x in &f.resolved {
            finding_line(out, "-", x)?;
        }
    }
    if !f.changed.is_empty() {
        writeln!(out, "\nchanged:")?;
        for c in &f.changed {
            finding_line(out, "~", &c.after)?;
            writeln!(out, "      changed: {}", c.what.join(", "))?;
            if c.before.message != c.after.message {
                writeln!(out, "      was: {}", clean(&c.before.message))?;
            }
            if c.before.severity != c.after.severity {
                writeln!(out, "      severity was: {}", c.before.severity.as_str())?;
            }
            if c.before.affected != c.after.affected {
                let not_in = |a: &[SharedStr], b: &[SharedStr]| -> Vec<SharedStr> {
                    let b: std::collections::HashSet<&SharedStr> = b.iter().collect();
                    a.iter().filter(|x| !b.contains(x)).cloned().collect()
                };
                for (word, list) in [
                    ("now exposes", not_in(&c.after.affected, &c.before.affected)),
                    (
                        "no longer exposes",
                        not_in(&c.before.affected, &c.after.affected),
                    ),
                ] {
                    if !list.is_empty() {
                        writeln!(out, "      {word}: {}", id_list(&list))?;
                    }
                }
            }
        }
    }
    if !f.unknown.is_empty() {
        writeln!(
            out,
            "\nunknown (failing before, not evaluated now: not collected, not resolved):"
        )?;
        for x in &f.unknown {
            finding_line(out, "?", x)?;
        }
    }
    if !f.not_compared.is_empty() {
        writeln!(
            out,
            "\nnot compared (failing in one run, outside what the other judged: neither new nor resolved):"
        )?;
        for n in &f.not_compared {
            finding_line(out, "=", &n.finding)?;
            let run = match n.side {
                Side::Previous => "failing in old",
                Side::Current => "failing in new",
            };
            writeln!(out, "      {run}; {}", clean(&n.reason))?;
        }
    }
    match &d.drift {
        None => writeln!(
            out,
            "\nresource drift: not available (compare two snapshots to see it)"
        )?,
        Some(drift) if drift.is_empty() => writeln!(out, "\nresource drift: none")?,
        Some(drift) => {
            writeln!(out, "\nresource drift: {} resource(s)", drift.len())?;
            for r in drift {
                let (mark, word) = match r.kind {
                    DriftKind::Added => ("+", "added"),
                    DriftKind::Removed => ("-", "removed"),
                    DriftKind::Modified => ("~", "modified"),
                };
                writeln!(
                    out,
                    "  {mark} {} {} {} ({word})",
                    r.region.as_deref().unwrap_or("global"),
                    r.collection,
                    clean(&r.id)
                )?;
                for c in &r.fields {
                    field_line(out, c)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::diff::{FindingsDiff, ResourceDrift};
    use rampart_model::{Severity, Status};
    use serde_json::json;

    fn side(source: &str) -> DiffSide {
        DiffSide {
            source: source.into(),
            kind: "snapshot".into(),
            account_id: "123456789012".into(),
            collected_at: rampart_model::time::OffsetDateTime::UNIX_EPOCH,
            complete: true,
        }
    }

    fn f(check: &str, message: &str) -> Finding {
        Finding {
            check_id: check.into(),
            severity: Severity::Critical,
            status: Status::Fail,
            resource_arn: "arn:aws:ec2:us-east-1:123456789012:instance/i-1".into(),
            account_id: "123456789012".into(),
            region: Some("us-east-1".into()),
            message: message.into(),
            path: None,
            affected: vec![],
            fingerprint: rampart_model::fingerprint(
                check,
                "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
                None,
            ),
            suppressed: None,
            baseline: None,
        }
    }

    #[test]
    fn renders_findings_and_drift_with_marks() {
        let d = DiffReport {
            old: side("mon.json"),
            new: side("tue.json"),
            findings: FindingsDiff {
                new: vec![f("NET-005", "SSH (22) open \u{1b}[31m")],
                resolved: vec![f("EDGE-001", "no WAF")],
                ..FindingsDiff::default()
            },
            drift: Some(vec![ResourceDrift {
                region: Some("us-east-1".into()),
                collection: "ec2.security_groups".into(),
                id: "sg-1".into(),
                kind: DriftKind::Modified,
                fields: vec![FieldChange {
                    field: "ingress[+]".into(),
                    before: None,
                    after: Some(json!({"from_port": 22})),
                }],
            }]),
        };
        let mut out = Vec::new();
        render(&d, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("1 new, 1 resolved, 0 changed"), "{text}");
        assert!(text.contains("  + [critical] NET-005"), "{text}");
        assert!(text.contains("  - [critical] EDGE-001"), "{text}");
        assert!(
            text.contains("  ~ us-east-1 ec2.security_groups sg-1 (modified)"),
            "{text}"
        );
        assert!(
            text.contains("      + ingress[+]: {\"from_port\":22}"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'), "account text is cleaned");
    }

    /// The per-instance findings of an old report resolve and the finding
    /// on the group is new, with its backends; a group that exposes one
    /// more backend than yesterday says which.
    #[test]
    fn shared_findings_show_their_backends_and_what_moved() {
        let i = |id: &str| format!("arn:aws:ec2:us-east-1:123456789012:instance/{id}");
        let mut sg = f("NET-004", "8080 open to 0.0.0.0/0");
        sg.resource_arn = "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1".into();
        sg.affected = (1..=7).map(|n| i(&format!("i-{n}")).into()).collect();
        let mut before = sg.clone();
        before.affected = vec![i("i-1").into(), i("i-9").into()];
        let d = DiffReport {
            old: side("mon.json"),
            new: side("tue.json"),
            findings: FindingsDiff {
                new: vec![sg.clone()],
                changed: vec![rampart_model::diff::ChangedFinding {
                    before,
                    after: sg,
                    what: vec!["affected".into()],
                }],
                ..FindingsDiff::default()
            },
            drift: None,
        };
        let mut out = Vec::new();
        render(&d, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("      affects 7 instances: i-1, i-2, i-3, i-4, i-5 (+2 more)\n"),
            "{text}"
        );
        assert!(text.contains("      changed: affected\n"), "{text}");
        assert!(
            text.contains("      now exposes: i-2, i-3, i-4, i-5, i-6 (+1 more)\n"),
            "{text}"
        );
        assert!(text.contains("      no longer exposes: i-9\n"), "{text}");
    }

    /// A suppressed new finding says so, with its reason; a failure only
    /// one run judged is listed apart with why.
    #[test]
    fn suppressed_and_not_compared_findings_are_marked() {
        let mut accepted = f("NET-005", "SSH (22) open");
        accepted.suppressed = Some(Box::new(rampart_model::Suppressed {
            reason: "bastion, reviewed by secops".into(),
            source: "rampart.toml:3".into(),
            expires: None,
        }));
        let mut west = f("NET-004", "8080 open");
        west.region = Some("us-west-2".into());
        let d = DiffReport {
            old: side("mon.json"),
            new: side("tue.json"),
            findings: FindingsDiff {
                new: vec![accepted, f("EDGE-002", "no WAF")],
                not_compared: vec![rampart_model::baseline::NotCompared {
                    side: Side::Previous,
                    reason: "region us-west-2 was not scanned this time".into(),
                    finding: west,
                }],
                ..FindingsDiff::default()
            },
            drift: None,
        };
        let mut out = Vec::new();
        render(&d, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("failing findings: 2 new (1 suppressed), 0 resolved, 0 changed, 0 unknown, 0 unchanged, 1 not compared\n"),
            "{text}"
        );
        assert!(
            text.contains("      suppressed: bastion, reviewed by secops (rampart.toml:3)\n"),
            "{text}"
        );
        assert!(
            text.contains("\nnot compared (failing in one run"),
            "{text}"
        );
        assert!(
            text.contains("      failing in old; region us-west-2 was not scanned this time\n"),
            "{text}"
        );
    }

    #[test]
    fn reports_have_no_drift() {
        let d = DiffReport {
            old: side("a.json"),
            new: side("b.json"),
            findings: FindingsDiff::default(),
            drift: None,
        };
        let mut out = Vec::new();
        render(&d, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("resource drift: not available"), "{text}");
    }
}
