//! How a check relates to the AWS Security Hub FSBP controls and CIS AWS
//! Foundations items it maps to. A check's `fsbp` / `cis` lists say *which*
//! controls; a `[[mapping]]` entry in its metadata file says *how* the
//! check compares with one of them (equivalent, stricter, broader or
//! partial) and why, so a team that compares rampart's results with
//! Security Hub's knows why one says FAILED where the other says PASSED.
//! A listed control without an entry is equivalent.
//!
//! The reporters (SARIF, OCSF, the HTML reference, and ASFF when it exists)
//! and `rampart checks explain` read the mappings through
//! [`CheckMeta::mappings`], never the raw lists.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::CheckMeta;

/// The control catalogues a check can map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    /// AWS Security Hub Foundational Security Best Practices (`EC2.13`).
    Fsbp,
    /// CIS AWS Foundations Benchmark (`v3.0.0 5.2`: version, then item).
    Cis,
}

impl Framework {
    /// The key in the metadata file (`fsbp`, `cis`).
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Fsbp => "fsbp",
            Framework::Cis => "cis",
        }
    }

    /// The short prefix reports put before a control id (`FSBP EC2.13`).
    pub fn short(self) -> &'static str {
        match self {
            Framework::Fsbp => "FSBP",
            Framework::Cis => "CIS",
        }
    }

    /// The name people read: `AWS Security Hub FSBP`, `CIS AWS Foundations`.
    pub fn long(self) -> &'static str {
        match self {
            Framework::Fsbp => "AWS Security Hub FSBP",
            Framework::Cis => "CIS AWS Foundations",
        }
    }

    /// The standard's full name, as OCSF `compliance.standards` and Security
    /// Hub spell it.
    pub fn standard(self) -> &'static str {
        match self {
            Framework::Fsbp => "AWS Foundational Security Best Practices",
            Framework::Cis => "CIS AWS Foundations Benchmark",
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short())
    }
}

/// How a rampart check compares with a control it maps to, read as "the
/// check is ... the control".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// Same resources, same condition: the two agree.
    Equivalent,
    /// Same resources, tighter condition: the check fails everything the
    /// control fails and more, so rampart can say FAILED where Security Hub
    /// says PASSED, never the other way round.
    Stricter,
    /// The control's condition, on more resources (resource types the
    /// control does not look at): rampart reports findings Security Hub has
    /// no counterpart for, and agrees on the resources both judge.
    Broader,
    /// Overlapping: the check misses some of what the control fails
    /// (resources it does not judge, a condition it reads differently),
    /// possibly while failing things the control passes. Results can
    /// differ either way; the note says where.
    Partial,
}

impl Relation {
    pub const ALL: [Relation; 4] = [
        Relation::Equivalent,
        Relation::Stricter,
        Relation::Broader,
        Relation::Partial,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Equivalent => "equivalent",
            Relation::Stricter => "stricter",
            Relation::Broader => "broader",
            Relation::Partial => "partial",
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `[[mapping]]` entry of a metadata file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingNote {
    pub framework: Framework,
    /// A control id as it appears in the framework's list (`EC2.13`,
    /// `v3.0.0 5.2`).
    pub control: String,
    pub relation: Relation,
    /// Where and why results differ; required unless `equivalent`. Read
    /// as one line: `from_toml` joins the lines a metadata file wraps it
    /// over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The page that defines the control (the Security Hub control
    /// reference, the AWS Config rule behind it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One control a check maps to, with how the check relates to it: what
/// every report and `checks explain` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapping<'a> {
    pub framework: Framework,
    pub control: &'a str,
    pub relation: Relation,
    pub note: Option<&'a str>,
    pub source: Option<&'a str>,
}

impl Mapping<'_> {
    /// `FSBP EC2.13`, `CIS v3.0.0 5.2`.
    pub fn label(&self) -> String {
        format!("{} {}", self.framework.short(), self.control)
    }
}

/// The longest note a `[[mapping]]` may carry: a few sentences, and short
/// enough that every format takes it whole (an ASFF `ProductFields` value
/// holds at most 2048 characters).
pub const MAX_NOTE_CHARS: usize = 1000;

/// A note as reports print it: the metadata file wraps prose over lines,
/// reports want one line.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl CheckMeta {
    /// The controls the check maps to, FSBP first then CIS, each once, in
    /// the order the metadata lists them, with the relation and note of its
    /// `[[mapping]]` entry (equivalent without a note when it has none).
    pub fn mappings(&self) -> impl Iterator<Item = Mapping<'_>> + '_ {
        let listed = self
            .fsbp
            .iter()
            .map(|c| (Framework::Fsbp, c.as_str()))
            .chain(self.cis.iter().map(|c| (Framework::Cis, c.as_str())));
        let mut seen = Vec::new();
        listed
            .filter(move |k| {
                let fresh = !seen.contains(k);
                if fresh {
                    seen.push(*k);
                }
                fresh
            })
            .map(|(framework, control)| {
                let entry = self
                    .mapping
                    .iter()
                    .find(|n| n.framework == framework && n.control == control);
                Mapping {
                    framework,
                    control,
                    relation: entry.map_or(Relation::Equivalent, |n| n.relation),
                    note: entry.and_then(|n| n.note.as_deref()),
                    source: entry.and_then(|n| n.source.as_deref()),
                }
            })
    }

    /// The `[[mapping]]` rules `from_toml` enforces: each entry annotates a
    /// control the check lists, once; a relation other than `equivalent`
    /// says how in a note; no empty note; sources are https pages.
    pub(crate) fn check_mapping_notes(&self) -> Result<(), String> {
        let mut seen: Vec<(Framework, &str)> = Vec::new();
        for n in &self.mapping {
            let label = format!("{} {}", n.framework.short(), n.control);
            let listed = match n.framework {
                Framework::Fsbp => &self.fsbp,
                Framework::Cis => &self.cis,
            };
            if !listed.contains(&n.control) {
                return Err(format!(
                    "[[mapping]] for {label}, a control the check does not map ({} = {listed:?})",
                    n.framework.as_str()
                ));
            }
            if seen.contains(&(n.framework, n.control.as_str())) {
                return Err(format!("[[mapping]] for {label} appears more than once"));
            }
            seen.push((n.framework, n.control.as_str()));
            let blank = n.note.as_deref().is_none_or(|t| t.trim().is_empty());
            if blank && n.relation != Relation::Equivalent {
                return Err(format!(
                    "[[mapping]] for {label} is {} and needs a note saying where results differ",
                    n.relation
                ));
            }
            if blank && n.note.is_some() {
                return Err(format!("[[mapping]] for {label} has an empty note"));
            }
            if let Some(note) = &n.note
                && one_line(note).chars().count() > MAX_NOTE_CHARS
            {
                return Err(format!(
                    "[[mapping]] for {label}: the note is longer than {MAX_NOTE_CHARS} characters"
                ));
            }
            if let Some(src) = &n.source
                && !src.starts_with("https://")
            {
                return Err(format!(
                    "[[mapping]] for {label}: source {src:?} is not an https:// page"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[[mapping]]` entries annotate the controls in `fsbp` / `cis`: how
    /// the check relates to each (issue 13 item 22).
    const MAPPED: &str = r##"
id = "NET-005"
slug = "admin-port-open-to-internet"
layer = "network"
severity = "critical"
title = "Security groups keep SSH and RDP off the internet"
rationale = "SSH is brute-forced."
fsbp = ["EC2.13", "EC2.53"]
cis = ["v3.0.0 5.2"]

[[mapping]]
framework = "fsbp"
control = "EC2.13"
relation = "stricter"
note = "Any public source counts, not only 0.0.0.0/0."
source = "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13"

[[mapping]]
framework = "cis"
control = "v3.0.0 5.2"
relation = "partial"
note = "UDP is not judged."

[remediation]
console = "Delete the rule."
cli = "aws ec2 revoke-security-group-ingress"
terraform = "# remove the rule"
"##;

    #[test]
    fn mappings_carry_relation_and_note_and_default_to_equivalent() {
        let m = CheckMeta::from_toml("NET-005", MAPPED).unwrap();
        let got: Vec<(Framework, &str, Relation, Option<&str>)> = m
            .mappings()
            .map(|x| (x.framework, x.control, x.relation, x.note))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Framework::Fsbp,
                    "EC2.13",
                    Relation::Stricter,
                    Some("Any public source counts, not only 0.0.0.0/0.")
                ),
                // Listed without a [[mapping]] entry: equivalent, no note.
                (Framework::Fsbp, "EC2.53", Relation::Equivalent, None),
                (
                    Framework::Cis,
                    "v3.0.0 5.2",
                    Relation::Partial,
                    Some("UDP is not judged.")
                ),
            ]
        );
        // A note wrapped over lines in the file reads as one line.
        let wrapped = MAPPED.replace(
            "note = \"UDP is not judged.\"",
            "note = \"\"\"\nUDP is not\n  judged.\n\"\"\"",
        );
        let w = CheckMeta::from_toml("NET-005", &wrapped).unwrap();
        assert_eq!(
            w.mappings().nth(2).unwrap().note,
            Some("UDP is not judged.")
        );
        let first = m.mappings().next().unwrap();
        assert_eq!(first.label(), "FSBP EC2.13");
        assert_eq!(
            first.source,
            Some(
                "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13"
            )
        );
        assert_eq!(m.mappings().nth(2).unwrap().label(), "CIS v3.0.0 5.2");
        // A control listed twice is one mapping.
        let twice = MAPPED.replace(r#"["EC2.13", "EC2.53"]"#, r#"["EC2.13", "EC2.13"]"#);
        assert_eq!(
            CheckMeta::from_toml("NET-005", &twice)
                .unwrap()
                .mappings()
                .count(),
            2
        );
    }

    #[test]
    fn mapping_notes_are_validated() {
        let bad = |from: &str, to: &str| {
            let text = MAPPED.replacen(from, to, 1);
            assert_ne!(text, MAPPED, "{from:?} not in the fixture");
            CheckMeta::from_toml("NET-005", &text).unwrap_err()
        };
        // A note for a control the check does not map.
        let e = bad(r#"control = "EC2.13""#, r#"control = "EC2.14""#);
        assert!(
            e.contains("NET-005") && e.contains("FSBP EC2.14") && e.contains("does not map"),
            "{e}"
        );
        // The framework decides which list the control must be in.
        let e = bad(
            "framework = \"cis\"\ncontrol = \"v3.0.0 5.2\"",
            "framework = \"fsbp\"\ncontrol = \"v3.0.0 5.2\"",
        );
        assert!(e.contains("FSBP v3.0.0 5.2"), "{e}");
        // stricter, broader and partial need a note saying how.
        for relation in ["stricter", "broader", "partial"] {
            let text = MAPPED
                .replace(
                    r#"relation = "stricter""#,
                    &format!("relation = {relation:?}"),
                )
                .replace(
                    "note = \"Any public source counts, not only 0.0.0.0/0.\"\n",
                    "",
                );
            let e = CheckMeta::from_toml("NET-005", &text).unwrap_err();
            assert!(
                e.contains("FSBP EC2.13") && e.contains(relation) && e.contains("needs a note"),
                "{e}"
            );
        }
        let e = bad(
            "note = \"Any public source counts, not only 0.0.0.0/0.\"",
            "note = \"  \"",
        );
        assert!(e.contains("needs a note"), "{e}");
        // An equivalent mapping may go without a note.
        let text = MAPPED
            .replace(r#"relation = "stricter""#, r#"relation = "equivalent""#)
            .replace(
                "note = \"Any public source counts, not only 0.0.0.0/0.\"\n",
                "",
            );
        assert!(CheckMeta::from_toml("NET-005", &text).is_ok());
        // One entry per control.
        let e = bad(
            "[remediation]",
            "[[mapping]]\nframework = \"fsbp\"\ncontrol = \"EC2.13\"\nrelation = \"equivalent\"\n\n[remediation]",
        );
        assert!(
            e.contains("FSBP EC2.13") && e.contains("more than once"),
            "{e}"
        );
        // Notes are a few sentences.
        let e = bad(
            "note = \"UDP is not judged.\"",
            &format!("note = \"{}\"", "x".repeat(MAX_NOTE_CHARS + 1)),
        );
        assert!(e.contains("longer than 1000"), "{e}");
        // Sources are web pages.
        let e = bad("source = \"https://", "source = \"http://");
        assert!(e.contains("https://"), "{e}");
        // Unknown relations, frameworks and keys are errors.
        assert!(bad(r#"relation = "stricter""#, r#"relation = "looser""#).contains("looser"));
        assert!(bad(r#"framework = "fsbp""#, r#"framework = "nist""#).contains("nist"));
        assert!(bad("source =", "url =").contains("unknown field"));
        // A relation is always stated.
        assert!(bad("relation = \"stricter\"\n", "").contains("relation"));
    }
}
