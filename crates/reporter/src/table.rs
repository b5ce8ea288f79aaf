//! The text report for people: the per-backend scorecard first, then the
//! failing findings by severity with their exposure paths, then what could
//! not be evaluated and why.

use std::io::{self, Write};

use rampart_model::{Layer, Report, Severity, Status};

use crate::{Emit, MetaLookup, clean};

pub struct Table;

impl Emit for Table {
    fn emit(&self, r: &Report, meta: MetaLookup<'_>, out: &mut dyn Write) -> io::Result<()> {
        let s = &r.snapshot;
        writeln!(
            out,
            "account {} ({}), {} region(s), snapshot {}{}",
            s.account_id,
            s.partition,
            s.regions.len(),
            s.collected_at.date(),
            if s.complete {
                String::new()
            } else {
                format!(" (INCOMPLETE: {} collection error(s))", s.collection_errors)
            }
        )?;

        writeln!(out, "\nscorecard ({} backend(s))", r.scorecards.len())?;
        if r.scorecards.is_empty() {
            writeln!(
                out,
                "  no backends: no instance is a load balancer target or reachable from the internet"
            )?;
        } else {
            let name_w = r
                .scorecards
                .iter()
                .map(|c| label(c).chars().count())
                .max()
                .unwrap_or(7)
                .max(7);
            write!(out, "  {:name_w$}  {:10}", "backend", "region")?;
            for l in Layer::ALL {
                write!(out, "  {:13}", l.as_str())?;
            }
            writeln!(out)?;
            for c in &r.scorecards {
                write!(out, "  {:name_w$}  {:10}", label(c), c.region)?;
                for l in Layer::ALL {
                    write!(out, "  {:13}", c.layer(l).as_str())?;
                }
                writeln!(out)?;
                for l in Layer::ALL {
                    if let rampart_model::LayerVerdict::Fail { failing } = c.layer(l) {
                        writeln!(
                            out,
                            "  {:name_w$}    {} fails: {}",
                            "",
                            l.as_str(),
                            failing.join(", ")
                        )?;
                    }
                }
            }
        }

        let failing: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.status == Status::Fail)
            .collect();
        writeln!(out, "\nfailing findings: {}", failing.len())?;
        for sev in Severity::ALL.iter().rev() {
            for f in failing.iter().filter(|f| f.severity == *sev) {
                let title = meta(&f.check_id).map(|m| m.title.as_str()).unwrap_or("");
                writeln!(out, "  [{}] {} {}", sev.as_str(), f.check_id, title)?;
                writeln!(out, "      {}", clean(&f.resource_arn))?;
                writeln!(out, "      {}", clean(&f.message))?;
                if let Some(p) = &f.path {
                    writeln!(out, "      path: {}", clean(&p.to_string()))?;
                }
            }
        }

        let unknown: Vec<_> = r
            .findings
            .iter()
            .filter_map(|f| match &f.status {
                Status::NotEvaluated(why) => Some((f, why)),
                _ => None,
            })
            .collect();
        if !unknown.is_empty() {
            writeln!(out, "\nnot evaluated: {}", unknown.len())?;
            for (f, why) in unknown {
                writeln!(
                    out,
                    "  {} {}: {}",
                    f.check_id,
                    clean(&f.resource_arn),
                    clean(why)
                )?;
            }
        }
        writeln!(
            out,
            "\n{} pass, {} fail, {} not evaluated",
            r.summary.pass, r.summary.fail, r.summary.not_evaluated
        )
    }
}

fn label(c: &rampart_model::Scorecard) -> String {
    match &c.name {
        Some(n) => clean(&format!("{} ({n})", c.instance_id)),
        None => c.instance_id.clone(),
    }
}
