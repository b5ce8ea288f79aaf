//! The checks reference (`docs/checks.md`), generated from the metadata of
//! the registered checks so the documentation cannot drift from the code:
//! a test compares the file with this rendering (`RAMPART_BLESS=1` rewrites
//! it; `make docs` does that).

use std::fmt::Write;

use rampart_model::{CheckMeta, Framework, Layer, Relation};

/// The whole reference as Markdown.
pub fn markdown() -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Checks reference\n");
    let _ = writeln!(
        out,
        "Generated from `checks/<layer>/<ID>.toml` by `make docs`; a test fails when this file\n\
         and the metadata disagree. `rampart checks explain ID` prints the same text.\n"
    );
    let _ = writeln!(out, "| id | slug | layer | severity | title | FSBP | CIS |");
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |");
    for m in crate::catalogue() {
        let _ = writeln!(
            out,
            "| [{id}](#{anchor}) | {slug} | {layer} | {sev} | {title} | {fsbp} | {cis} |",
            id = m.id,
            anchor = m.id.to_ascii_lowercase(),
            slug = m.slug,
            layer = m.layer,
            sev = m.severity,
            title = m.title,
            fsbp = controls(m, Framework::Fsbp),
            cis = controls(m, Framework::Cis),
        );
    }
    for layer in Layer::ALL {
        let _ = writeln!(out, "\n## {} layer", layer.as_str());
        for m in crate::catalogue().filter(|m| m.layer == layer) {
            let _ = writeln!(out, "\n### {}\n", m.id);
            let _ = writeln!(
                out,
                "**{}** (`{}`, {} severity)\n",
                m.title, m.slug, m.severity
            );
            let _ = writeln!(out, "{}\n", m.rationale.trim());
            let _ = writeln!(
                out,
                "Remediation, console: {}\n",
                m.remediation.console.trim()
            );
            let _ = writeln!(
                out,
                "Remediation, CLI:\n\n```sh\n{}\n```\n",
                m.remediation.cli.trim()
            );
            let _ = writeln!(
                out,
                "Remediation, Terraform:\n\n```hcl\n{}\n```",
                m.remediation.terraform.trim()
            );
            let mut mappings = m.mappings().peekable();
            if mappings.peek().is_some() {
                let _ = writeln!(
                    out,
                    "\nMappings (the relation is how this check compares with the control; \
                     see `checks/README.md`):\n"
                );
                for x in mappings {
                    let _ = write!(
                        out,
                        "- {} {}: {}.",
                        x.framework.long(),
                        x.control,
                        x.relation
                    );
                    if let Some(note) = x.note {
                        let _ = write!(out, " {note}");
                    }
                    if let Some(src) = x.source {
                        let _ = write!(out, " Control: <{src}>");
                    }
                    let _ = writeln!(out);
                }
            }
            if !m.references.is_empty() {
                let _ = writeln!(out, "\nReferences:\n");
                for r in &m.references {
                    let _ = writeln!(out, "- <{r}>");
                }
            }
        }
    }
    out
}

/// A check's controls of one framework for the summary table, each marked
/// with its relation unless equivalent: `EC2.13 (stricter), EC2.3`.
fn controls(m: &CheckMeta, framework: Framework) -> String {
    m.mappings()
        .filter(|x| x.framework == framework)
        .map(|x| match x.relation {
            Relation::Equivalent => x.control.to_string(),
            r => format!("{} ({r})", x.control),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    /// Issue 13 item 22: the reference says where a check differs from the
    /// control it maps to, in the summary table and in the check's section.
    #[test]
    fn mappings_show_their_relation_and_note() {
        let md = super::markdown();
        let row = md
            .lines()
            .find(|l| l.starts_with("| [NET-005]"))
            .expect("NET-005 row");
        assert!(
            row.contains(
                "| EC2.13 (stricter), EC2.14 (stricter), EC2.53 (partial), EC2.54 (partial) |"
            ),
            "{row}"
        );
        assert!(
            md.contains(
                "- AWS Security Hub FSBP EC2.13: stricter. EC2.13 fails rules from 0.0.0.0/0 or ::/0 to port 22."
            ),
            "no EC2.13 note in the NET-005 section"
        );
        assert!(md.contains(
            "Control: <https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13>"
        ));
        // An equivalent mapping without a note is listed plainly.
        assert!(md.contains("- AWS Security Hub FSBP EC2.3: equivalent.\n"));
    }

    #[test]
    fn docs_checks_md_matches_the_metadata() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks.md");
        let want = super::markdown();
        if std::env::var_os("RAMPART_BLESS").is_some() {
            std::fs::write(&path, &want).expect("write docs/checks.md");
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/checks.md is out of date with checks/*.toml: run `make docs` (RAMPART_BLESS=1 cargo test -p rampart-checks reference)"
        );
    }
}
