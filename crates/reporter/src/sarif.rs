//! The SARIF 2.1.0 log for code-scanning pipelines (GitHub code scanning,
//! any SARIF viewer): one run, whose rules are the metadata of the checks
//! that produced a result, and one result per failing or not-evaluated
//! finding. Passing findings are not results, because every SARIF consumer
//! treats a result as something to look at.
//!
//! The types come from `serde-sarif`, which is generated from the official
//! schema, so a misspelt or misplaced property fails to compile instead of
//! failing validation; a test still validates what we emit against the
//! OASIS schema in `../shared/schemas/`.
//!
//! Choices a reader of the log needs to know (also in `docs/formats.md`):
//! - Failing findings are `kind: "fail"` with a level from their severity
//!   (critical / high -> `error`, medium -> `warning`, low / info -> `note`).
//! - Not-evaluated findings are `kind: "review"` with `level: "none"` and the
//!   reason in the message: they are gaps in coverage, not defects, yet they
//!   must not vanish from a pipeline's view of the account.
//! - Each rule carries `properties.security-severity` as a number in a
//!   string (critical 9.5, high 8.0, medium 5.5, low 3.0, info 0.0), the
//!   property GitHub code scanning reads to rank security alerts: each value
//!   sits inside GitHub's band for the same name (> 9.0 critical, 7.0-8.9
//!   high, 4.0-6.9 medium, 0.1-3.9 low), and 0.0 gives info no band.
//! - AWS resources are not files, so the resource ARN is the logical
//!   location; code scanning still requires a physical location, so every
//!   result points at line 1 of the snapshot file the report was made from.
//! - A finding filed on a shared resource (a security group, a role) names
//!   the backends it exposes: the first [`RELATED_LOCATIONS`] as
//!   `relatedLocations` (an instance ARN each, as a logical location), all
//!   of them in `properties.affected` with their count in
//!   `properties.affectedCount`, and a line `Affects N backends: ...` in
//!   the message.
//! - Text that came from the account (messages, path labels, reasons) goes
//!   only into plain-text fields, never Markdown, with control characters
//!   replaced (see [`crate::clean`]) so a terminal or viewer shows no escape
//!   sequences. Identifiers (ARNs, hop ids) and the structured properties
//!   (the exposure path, as in the JSON report) are kept verbatim: JSON
//!   escaping keeps them well-formed and inert whatever they contain.

use std::collections::BTreeMap;
use std::io::{self, Write};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use rampart_model::baseline::Change;
use rampart_model::{CheckMeta, Finding, Layer, Mapping, Report, Severity, Status};
use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultKind, ResultLevel, Run, Sarif as SarifLog,
    Suppression, Tool, ToolComponent,
};

use crate::{Emit, MetaLookup, affects_line, clean};

/// The schema the log claims, and is tested against: the OASIS 2.1.0
/// errata 01 schema (`serde_sarif::sarif::SCHEMA_URL` is an older mirror).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/rampart-audit/rampart";
/// Each rule's `helpUri` is this plus `#<id lowercased>`: the anchor
/// `docs/checks.md` gives every check.
pub const HELP_URI_BASE: &str = "https://github.com/rampart-audit/rampart/blob/main/docs/checks.md";
/// The artifact results point at when the caller names none.
pub const DEFAULT_ARTIFACT_URI: &str = "rampart-snapshot.json";
/// Versioned, so that a change to [`rampart_model::fingerprint`] can ship
/// under a new key instead of silently re-opening every alert.
pub const FINGERPRINT_KEY: &str = "rampartFingerprint/v1";
/// At most this many affected backends become `relatedLocations`: GitHub
/// code scanning keeps 100 locations of a result and rejects a file with
/// more than 1,000 ("SARIF results exceed limit", GitHub docs); the full
/// list is in the result's `properties.affected`.
pub const RELATED_LOCATIONS: usize = 100;

pub struct Sarif {
    /// Path of the snapshot the report was made from, as results' physical
    /// location. Treated as a file path: characters a URI reference cannot
    /// hold are percent-encoded. `None` means [`DEFAULT_ARTIFACT_URI`].
    pub artifact_uri: Option<String>,
}

impl Emit for Sarif {
    fn emit(&self, report: &Report, meta: MetaLookup<'_>, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &self.log(report, meta))
            .map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}

impl Sarif {
    /// The whole log as typed values; [`Emit::emit`] only serialises it.
    pub fn log(&self, report: &Report, meta: MetaLookup<'_>) -> SarifLog {
        let artifact = artifact_uri(self.artifact_uri.as_deref().unwrap_or(DEFAULT_ARTIFACT_URI));
        let reported: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.status != Status::Pass)
            .collect();

        // Sorted by id so rule indexes do not depend on finding order.
        let mut index: BTreeMap<&str, usize> =
            reported.iter().map(|f| (f.check_id.as_str(), 0)).collect();
        let mut rules = Vec::with_capacity(index.len());
        for (i, (id, slot)) in index.iter_mut().enumerate() {
            *slot = i;
            let first = reported.iter().find(|f| f.check_id == *id);
            rules.push(rule(id, meta(id), first.map(|f| f.severity)));
        }

        let results: Vec<SarifResult> = reported
            .iter()
            .map(|f| result(f, index[f.check_id.as_str()], meta(&f.check_id), &artifact))
            .collect();

        let driver = ToolComponent::builder()
            .name("rampart")
            .version(report.tool.version.clone())
            .information_uri(INFORMATION_URI)
            .rules(rules)
            .build();
        let mut run_props = BTreeMap::new();
        // The scan's provenance, shaped as in the JSON report: a consumer
        // can tell an incomplete collection from a clean account.
        run_props.insert("snapshot".to_owned(), json!(report.snapshot));
        if let Some(b) = &report.baseline {
            // Resolved findings are not results (a consumer would open an
            // alert for them); the comparison is summarised here instead.
            run_props.insert(
                "baseline".to_owned(),
                json!({
                    "source": b.source,
                    "previous_collected_at": report_time(b.previous_collected_at),
                    "new": b.new,
                    "unchanged": b.unchanged,
                    "resolved": b.resolved.iter().map(|f| &f.fingerprint).collect::<Vec<_>>(),
                    "unknown": b.unknown.iter().map(|f| &f.fingerprint).collect::<Vec<_>>(),
                }),
            );
        }
        let run = Run::builder()
            .tool(Tool::builder().driver(driver).build())
            .results(results)
            .properties(
                PropertyBag::builder()
                    .additional_properties(run_props)
                    .build(),
            );
        let run = if report.expired_suppressions.is_empty() {
            run.build()
        } else {
            run.invocations(vec![invocation(report)]).build()
        };
        SarifLog::builder()
            .schema(SCHEMA_URI)
            .version(json!("2.1.0"))
            .runs(vec![run])
            .build()
    }
}

/// The `security-severity` GitHub code scanning reads, as a number in a
/// string (its documented shape).
/// An expired suppression is a configuration problem the team must see:
/// a `toolConfigurationNotification` at warning level, naming the entry.
fn invocation(report: &Report) -> Invocation {
    let notes: Vec<Notification> = report
        .expired_suppressions
        .iter()
        .map(|e| {
            Notification::builder()
                .level(json!("warning"))
                .message(
                    Message::builder()
                        .text(format!(
                            "Suppression {} ({}) expired on {} and no longer applies; {} finding(s) it matched count again. Reason given: {}",
                            clean(&e.source),
                            clean(&e.selectors),
                            rampart_model::date::format(e.expired),
                            e.matching_findings,
                            clean(&e.reason)
                        ))
                        .build(),
                )
                .build()
        })
        .collect();
    Invocation::builder()
        .execution_successful(true)
        .tool_configuration_notifications(notes)
        .build()
}

fn report_time(t: rampart_model::time::OffsetDateTime) -> String {
    t.format(&rampart_model::time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

pub fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn level_str(s: Severity) -> &'static str {
    match level(s) {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        ResultLevel::Note => "note",
        ResultLevel::None => "none",
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

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

/// A rule from the check's metadata. Without metadata (a caller that does
/// not know the check) the rule still exists, so every result's `ruleIndex`
/// resolves, with the id as its description and the finding's severity.
fn rule(id: &str, meta: Option<&CheckMeta>, fallback: Option<Severity>) -> ReportingDescriptor {
    let severity = meta
        .map(|m| m.severity)
        .or(fallback)
        .unwrap_or(Severity::Info);
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_owned(),
        json!(security_severity(severity)),
    );
    let mut tags = Vec::new();
    if let Some(l) = layer_of(id, meta) {
        tags.push(l.as_str().to_owned());
    }
    tags.push("security".to_owned());
    let builder = ReportingDescriptor::builder()
        .id(id)
        .help_uri(format!("{HELP_URI_BASE}#{}", id.to_ascii_lowercase()))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(level_str(severity))
                .build(),
        );
    let Some(m) = meta else {
        return builder
            .name(id)
            .short_description(text(id))
            .properties(
                PropertyBag::builder()
                    .tags(tags)
                    .additional_properties(props)
                    .build(),
            )
            .build();
    };
    tags.extend(m.fsbp.iter().map(|c| format!("FSBP:{c}")));
    tags.extend(m.cis.iter().map(|c| format!("CIS:{c}")));
    // How the check compares with each control it maps to, so a result
    // that differs from Security Hub's says why (checks/README.md).
    let mappings: Vec<Value> = m.mappings().map(mapping_json).collect();
    if !mappings.is_empty() {
        props.insert("mappings".to_owned(), Value::Array(mappings));
    }
    // The schema wants distinct tags; metadata could repeat a mapping.
    let mut seen = std::collections::HashSet::new();
    tags.retain(|t| seen.insert(t.clone()));
    builder
        .name(m.slug.clone())
        .short_description(text(m.title.clone()))
        .full_description(text(m.rationale.clone()))
        .help(
            MultiformatMessageString::builder()
                .text(help_text(m))
                .markdown(help_markdown(m))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(props)
                .build(),
        )
        .build()
}

/// One entry of a rule's `properties.mappings`.
fn mapping_json(x: Mapping<'_>) -> Value {
    let mut o = serde_json::Map::new();
    o.insert("framework".into(), json!(x.framework.as_str()));
    o.insert("control".into(), json!(x.control));
    o.insert("relation".into(), json!(x.relation.as_str()));
    if let Some(note) = x.note {
        o.insert("note".into(), json!(note));
    }
    if let Some(src) = x.source {
        o.insert("source".into(), json!(src));
    }
    Value::Object(o)
}

/// `- FSBP EC2.13: stricter. NOTE` lines for the help, one per mapping;
/// `prose` renders the note, `link` the control's page.
fn mapping_lines(
    m: &CheckMeta,
    prose: impl Fn(&str) -> String,
    link: impl Fn(&str) -> String,
) -> String {
    let mut s = String::new();
    for x in m.mappings() {
        s.push_str(&format!("- {}: {}.", x.label(), x.relation));
        if let Some(note) = x.note {
            s.push_str(&format!(" {}", prose(note)));
        }
        if let Some(src) = x.source {
            s.push_str(&format!(" Control: {}", link(src)));
        }
        s.push('\n');
    }
    s
}

fn help_text(m: &CheckMeta) -> String {
    let r = &m.remediation;
    let mut s = format!(
        "{}\n\nRemediation\n\nConsole: {}\n\nCLI:\n{}\n\nTerraform:\n{}\n",
        m.rationale.trim_end(),
        r.console.trim_end(),
        r.cli.trim_end(),
        r.terraform.trim_end()
    );
    let maps = mapping_lines(m, str::to_owned, str::to_owned);
    if !maps.is_empty() {
        s.push_str("\nMappings:\n");
        s.push_str(&maps);
    }
    if !m.references.is_empty() {
        s.push_str("\nReferences:\n");
        for url in &m.references {
            s.push_str(&format!("- {url}\n"));
        }
    }
    s
}

/// Our own metadata in Markdown (never account text): the fence is longer
/// than any backtick run in the code, so a snippet cannot close it early.
fn help_markdown(m: &CheckMeta) -> String {
    let r = &m.remediation;
    let mut s = format!(
        "{}\n\n## Remediation\n\n**Console:** {}\n\n**AWS CLI**\n\n{}\n\n**Terraform**\n\n{}\n",
        m.rationale.trim_end(),
        r.console.trim_end(),
        fenced("sh", &r.cli),
        fenced("hcl", &r.terraform)
    );
    let maps = mapping_lines(m, markdown_escape, |src| format!("<{src}>"));
    if !maps.is_empty() {
        s.push_str("\n## Mappings\n\n");
        s.push_str(&maps);
    }
    if !m.references.is_empty() {
        s.push_str("\n## References\n\n");
        for url in &m.references {
            s.push_str(&format!("- <{url}>\n"));
        }
    }
    s
}

/// Prose with the characters Markdown would read as markup escaped (notes
/// quote `"*"` and policy-name globs).
fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn fenced(lang: &str, code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{lang}\n{}\n{fence}", code.trim_end())
}

fn result(f: &Finding, rule_index: usize, meta: Option<&CheckMeta>, artifact: &str) -> SarifResult {
    // A review result leads with why it could not be judged: viewers often
    // show only the first line.
    let (kind, level, mut message) = match &f.status {
        Status::NotEvaluated(why) if f.message.trim().is_empty() => (
            ResultKind::Review,
            ResultLevel::None,
            format!("Not evaluated: {}", clean(why)),
        ),
        Status::NotEvaluated(why) => (
            ResultKind::Review,
            ResultLevel::None,
            format!("Not evaluated: {}\n{}", clean(why), clean(&f.message)),
        ),
        Status::Pass | Status::Fail => (ResultKind::Fail, level(f.severity), clean(&f.message)),
    };
    if let Some(line) = affects_line(&f.affected) {
        // Capitalised like the path line below it.
        message = format!("{message}\n{}", line.replacen("affects", "Affects", 1));
    }
    if let Some(p) = &f.path {
        message = format!("{message}\nPath: {}", clean(&p.to_string()));
    }

    let mut props = BTreeMap::new();
    props.insert("account".to_owned(), json!(f.account_id));
    props.insert("region".to_owned(), json!(f.region));
    props.insert(
        "layer".to_owned(),
        json!(layer_of(&f.check_id, meta).map(Layer::as_str)),
    );
    props.insert("severity".to_owned(), json!(f.severity.as_str()));
    if let Status::NotEvaluated(why) = &f.status {
        props.insert("reason".to_owned(), json!(why));
    }
    if let Some(p) = &f.path {
        props.insert("exposurePath".to_owned(), json!(p));
    }
    if !f.affected.is_empty() {
        props.insert("affectedCount".to_owned(), json!(f.affected.len()));
        props.insert("affected".to_owned(), json!(f.affected));
    }

    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(artifact).build())
                .region(Region::builder().start_line(1).build())
                .build(),
        )
        .logical_locations(vec![
            LogicalLocation::builder()
                .fully_qualified_name(f.resource_arn.clone())
                .kind("resource")
                .build(),
        ])
        .build();

    let related: Vec<Location> = f
        .affected
        .iter()
        .take(RELATED_LOCATIONS)
        .enumerate()
        .map(|(id, arn)| {
            Location::builder()
                .id(i64::try_from(id).unwrap_or(i64::MAX))
                .logical_locations(vec![
                    LogicalLocation::builder()
                        .fully_qualified_name(arn.clone())
                        .kind("resource")
                        .build(),
                ])
                .message(Message::builder().text("affected backend").build())
                .build()
        })
        .collect();

    let mut r = SarifResult::builder()
        .rule_id(f.check_id.clone())
        .rule_index(i64::try_from(rule_index).unwrap_or(i64::MAX))
        .kind(kind)
        .level(level)
        .message(Message::builder().text(message).build())
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(
            FINGERPRINT_KEY.to_owned(),
            f.fingerprint.to_string(),
        )]))
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    if !related.is_empty() {
        r.related_locations = Some(related);
    }
    r.baseline_state = match f.baseline {
        Some(Change::New) => Some(json!("new")),
        Some(Change::Unchanged) => Some(json!("unchanged")),
        _ => None,
    };
    // Accepted in rampart.toml: an external, accepted suppression. SARIF
    // consumers (GitHub code scanning among them) show it as dismissed
    // rather than dropping it, so the decision stays auditable.
    if let Some(sup) = &f.suppressed {
        let mut props = BTreeMap::new();
        props.insert("source".to_owned(), json!(sup.source));
        if let Some(d) = sup.expires {
            props.insert("expires".to_owned(), json!(rampart_model::date::format(d)));
        }
        r.suppressions = Some(vec![
            Suppression::builder()
                .kind(json!("external"))
                .status(json!("accepted"))
                .justification(clean(&sup.reason))
                .properties(PropertyBag::builder().additional_properties(props).build())
                .build(),
        ]);
    }
    r
}

/// Everything outside RFC 3986's unreserved characters and the path
/// separators `/` and `:`.
const NOT_IN_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A file path as a URI reference: the schema requires one, and a path
/// with a space or `#` would otherwise be misread by every consumer.
fn artifact_uri(path: &str) -> String {
    utf8_percent_encode(path, NOT_IN_PATH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_severity_sits_in_githubs_band_for_the_same_name() {
        let band = |s: Severity| {
            let v: f64 = security_severity(s).parse().unwrap();
            match v {
                v if v > 9.0 => "critical",
                v if v >= 7.0 => "high",
                v if v >= 4.0 => "medium",
                v if v >= 0.1 => "low",
                _ => "info",
            }
        };
        for s in Severity::ALL {
            assert_eq!(band(s), s.as_str());
        }
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), ResultLevel::Error);
        assert_eq!(level(Severity::High), ResultLevel::Error);
        assert_eq!(level(Severity::Medium), ResultLevel::Warning);
        assert_eq!(level(Severity::Low), ResultLevel::Note);
        assert_eq!(level(Severity::Info), ResultLevel::Note);
    }

    #[test]
    fn fences_outlast_backticks_in_the_code() {
        assert_eq!(fenced("sh", "aws ec2 x\n"), "```sh\naws ec2 x\n```");
        assert_eq!(fenced("hcl", "a ```` b"), "`````hcl\na ```` b\n`````");
    }

    #[test]
    fn artifact_paths_become_uri_references() {
        assert_eq!(artifact_uri("out/snap.json"), "out/snap.json");
        assert_eq!(
            artifact_uri("/var/lib/rampart/2026-01-01 #1/snap.json"),
            "/var/lib/rampart/2026-01-01%20%231/snap.json"
        );
        assert_eq!(artifact_uri("a%b\u{e9}.json"), "a%25b%C3%A9.json");
    }

    #[test]
    fn layer_falls_back_to_the_id_prefix() {
        assert_eq!(layer_of("NET-004", None), Some(Layer::Network));
        assert_eq!(layer_of("INST-001", None), Some(Layer::Instance));
        assert_eq!(layer_of("NETWORK-1", None), None);
    }
}
