//! The checks reference (`docs/checks.md`), generated from the metadata of
//! the registered checks so the documentation cannot drift from the code:
//! a test compares the file with this rendering (`RAMPART_BLESS=1` rewrites
//! it; `make docs` does that).

use std::fmt::Write;

use rampart_model::Layer;

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
            fsbp = m.fsbp.join(", "),
            cis = m.cis.join(", "),
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
            if !m.fsbp.is_empty() || !m.cis.is_empty() {
                let _ = writeln!(
                    out,
                    "\nMappings: AWS Security Hub FSBP {}; CIS AWS Foundations {}.",
                    if m.fsbp.is_empty() {
                        "none".to_string()
                    } else {
                        m.fsbp.join(", ")
                    },
                    if m.cis.is_empty() {
                        "none".to_string()
                    } else {
                        m.cis.join(", ")
                    },
                );
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

#[cfg(test)]
mod tests {
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
