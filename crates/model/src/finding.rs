//! The evaluation vocabulary shared by the checks and the reporter: layers,
//! severities, check metadata, the three-valued status, exposure paths and
//! findings with their stable fingerprints.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use crate::SharedStr;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The layers of defense in depth (DESIGN.md, "The layered model"): the
/// four that keep traffic out, and *detect*, which records and flags what
/// gets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Edge,
    Network,
    Instance,
    Data,
    Detect,
}

impl Layer {
    pub const ALL: [Layer; 5] = [
        Layer::Edge,
        Layer::Network,
        Layer::Instance,
        Layer::Data,
        Layer::Detect,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Edge => "edge",
            Layer::Network => "network",
            Layer::Instance => "instance",
            Layer::Data => "data",
            Layer::Detect => "detect",
        }
    }

    /// The id prefix of the layer's checks (`EDGE-001`, `NET-004`, ...).
    pub fn id_prefix(self) -> &'static str {
        match self {
            Layer::Edge => "EDGE",
            Layer::Network => "NET",
            Layer::Instance => "INST",
            Layer::Data => "DATA",
            Layer::Detect => "DET",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Ordered from least to most severe, so `>=` means "at least as severe".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown severity {s:?} (expected info, low, medium, high or critical)")
            })
    }
}

/// The outcome of one check on one resource. Missing input is never a pass
/// and never a fail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    /// The input the check needs was not collected (the reason says which
    /// operation failed or what is missing).
    NotEvaluated(String),
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotEvaluated(_) => "not-evaluated",
        }
    }
}

/// Console, CLI and Terraform steps to fix a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    pub console: String,
    pub cli: String,
    pub terraform: String,
}

/// Everything about a check except its logic: loaded from `checks/<layer>/<ID>.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckMeta {
    /// `LAYER-NNN`, stable forever.
    pub id: String,
    /// kebab-case, stable forever.
    pub slug: String,
    pub layer: Layer,
    pub severity: Severity,
    /// States the secure state ("API stages sit behind a WAF"), never "Ensure ...".
    pub title: String,
    pub rationale: String,
    pub remediation: Remediation,
    #[serde(default)]
    pub references: Vec<String>,
    /// AWS Security Hub Foundational Security Best Practices control ids.
    #[serde(default)]
    pub fsbp: Vec<String>,
    /// CIS AWS Foundations Benchmark items.
    #[serde(default)]
    pub cis: Vec<String>,
    /// `[[mapping]]`: how the check relates to the controls above, where
    /// it differs from one (see [`crate::mapping`]). Read it through
    /// [`CheckMeta::mappings`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mapping: Vec<crate::MappingNote>,
    /// Other layers whose scorecard column also counts this check's
    /// verdicts (NET-013's flow logs are both a network control and a
    /// detection one). The check keeps its id and its `layer`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_scored_in: Vec<Layer>,
}

impl CheckMeta {
    /// Every layer whose scorecard column counts this check: its own, then
    /// [`CheckMeta::also_scored_in`].
    pub fn scored_in(&self) -> impl Iterator<Item = Layer> + '_ {
        std::iter::once(self.layer).chain(self.also_scored_in.iter().copied())
    }
}

impl CheckMeta {
    /// Parses and validates one `checks/<layer>/<ID>.toml` file: known keys
    /// only, the id it claims is the id the code registers, the id's prefix
    /// matches the layer, a kebab-case slug, a title that states the secure
    /// state (never "Ensure ..."), `[[mapping]]` entries that annotate a
    /// mapped control each (see [`crate::mapping`]), and no empty rationale
    /// or remediation.
    pub fn from_toml(expected_id: &str, text: &str) -> Result<CheckMeta, String> {
        let mut meta: CheckMeta =
            toml::from_str(text).map_err(|e| format!("checks metadata for {expected_id}: {e}"))?;
        let fail = |why: String| Err(format!("checks metadata for {expected_id}: {why}"));
        if meta.id != expected_id {
            return fail(format!("the file says id {:?}", meta.id));
        }
        let Some((prefix, number)) = meta.id.split_once('-') else {
            return fail("id is not LAYER-NNN".into());
        };
        if prefix != meta.layer.id_prefix()
            || number.len() != 3
            || !number.bytes().all(|b| b.is_ascii_digit())
        {
            return fail(format!(
                "id does not match layer {} (want {}-NNN)",
                meta.layer,
                meta.layer.id_prefix()
            ));
        }
        let kebab = |s: &str| {
            !s.is_empty()
                && !s.starts_with('-')
                && !s.ends_with('-')
                && !s.contains("--")
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        if !kebab(&meta.slug) {
            return fail(format!("slug {:?} is not kebab-case", meta.slug));
        }
        if meta.title.trim().is_empty() || meta.title.to_ascii_lowercase().starts_with("ensure") {
            return fail(format!(
                "title {:?} must state the secure state, not start with \"Ensure\"",
                meta.title
            ));
        }
        if meta.also_scored_in.contains(&meta.layer) {
            return fail(format!(
                "also_scored_in repeats the check's own layer {}",
                meta.layer
            ));
        }
        if let Err(why) = meta.check_mapping_notes() {
            return fail(why);
        }
        for n in &mut meta.mapping {
            n.note = n.note.as_deref().map(crate::mapping::one_line);
        }
        for (field, value) in [
            ("rationale", &meta.rationale),
            ("remediation.console", &meta.remediation.console),
            ("remediation.cli", &meta.remediation.cli),
            ("remediation.terraform", &meta.remediation.terraform),
        ] {
            if value.trim().is_empty() {
                return fail(format!("{field} is empty"));
            }
        }
        Ok(meta)
    }
}

/// How the internet reaches a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathKind {
    /// A public address on the instance itself.
    Direct,
    /// An internet-facing NLB/ALB targeting the instance.
    LoadBalancer,
    /// An API Gateway stage -> VPC link -> load balancer -> instance.
    Gateway,
    /// A CloudFront distribution -> its origin (a load balancer, or an API
    /// Gateway stage and what follows it) -> instance.
    #[serde(rename = "cloudfront")]
    CloudFront,
}

/// One hop of an exposure path: what it is, its id/ARN, and the defense it
/// lacks, if any (e.g. "no WAF").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hop {
    /// `internet`, `api-stage`, `vpc-link`, `load-balancer`, `listener`,
    /// `target-group`, `instance`, ...
    pub kind: String,
    pub id: String,
    /// A short human label (`api a1b2/prod`, `nlb/int-api`, `tg/app:8080`).
    pub label: String,
    /// Missing defenses at this hop, for the path picture.
    pub gaps: Vec<String>,
}

/// The transport protocol an exposure path carries to the backend.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Tcp,
    Udp,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
        }
    }

    fn is_tcp(&self) -> bool {
        *self == Transport::Tcp
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every hop from the internet to `instance:port`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ExposurePath {
    pub kind: PathKind,
    pub hops: Vec<Hop>,
    /// Port ranges on the instance that the path delivers traffic to, of
    /// [`ExposurePath::protocol`].
    pub ports: Vec<crate::PortRange>,
    /// The protocol of `ports`: `tcp` (omitted from JSON) or `udp`. A
    /// `TCP_UDP` listener yields one path per protocol.
    #[serde(default, skip_serializing_if = "Transport::is_tcp")]
    pub protocol: Transport,
}

impl fmt::Display for ExposurePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, hop) in self.hops.iter().enumerate() {
            if i > 0 {
                f.write_str(" -> ")?;
            }
            f.write_str(&hop.label)?;
            if !hop.gaps.is_empty() {
                write!(f, " ({})", hop.gaps.join(", "))?;
            }
        }
        Ok(())
    }
}

/// One check's verdict on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Shared: every finding of a check holds the same one.
    pub check_id: SharedStr,
    pub severity: Severity,
    #[serde(flatten)]
    pub status: Status,
    /// Shared: the findings of every check on one backend hold its one ARN.
    pub resource_arn: SharedStr,
    /// Shared, as `check_id`.
    pub account_id: SharedStr,
    /// `None` for global resources (IAM). Shared, as `check_id`.
    pub region: Option<SharedStr>,
    pub message: String,
    pub path: Option<Box<ExposurePath>>,
    /// The backends this finding exposes (instance ARNs, sorted), when it is
    /// filed on a shared resource that must change (a security group, a
    /// route table, a role, a load balancer) rather than on a backend: one
    /// security group on 100 backends is one finding listing 100 backends.
    /// Empty when the resource is the backend itself or exposes none.
    /// Shared, as `resource_arn`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<SharedStr>,
    /// Stable across re-scans: see [`fingerprint`].
    pub fingerprint: Fingerprint,
    /// Set when a `rampart.toml` suppression accepts this (failing or
    /// not-evaluated) finding: it stays in the report, marked, and no longer
    /// counts as failing or trips `--fail-on`. Boxed: almost every finding
    /// has none, and a million findings each carrying the empty inline
    /// space cost 60 MB.
    #[serde(default)]
    pub suppressed: Option<Box<Suppressed>>,
    /// Set when the report was compared with a baseline (`--baseline`):
    /// `new` or `unchanged` on a failing finding.
    #[serde(default)]
    pub baseline: Option<crate::baseline::Change>,
}

impl Finding {
    /// Failing and not accepted by a suppression: what `--fail-on` and the
    /// failing counts consider.
    pub fn is_open_failure(&self) -> bool {
        self.status == Status::Fail && self.suppressed.is_none()
    }
}

/// The suppression that accepted a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppressed {
    pub reason: String,
    /// Where it is written: `FILE:LINE` of the `[[suppress]]` entry.
    pub source: String,
    /// The last day it applies, if it has one.
    #[serde(default, with = "crate::date::option")]
    pub expires: Option<time::Date>,
}

/// Hash of check id, resource ARN and the path's hop ids: the same problem
/// on the same resource by the same route keeps its fingerprint across
/// scans, whatever the message wording or the order of discovery.
pub fn fingerprint(check_id: &str, resource_arn: &str, path: Option<&ExposurePath>) -> Fingerprint {
    let mut h = Sha256::new();
    h.update(check_id.as_bytes());
    h.update([0]);
    h.update(resource_arn.as_bytes());
    if let Some(p) = path {
        for hop in &p.hops {
            h.update([0]);
            h.update(hop.kind.as_bytes());
            h.update([1]);
            h.update(hop.id.as_bytes());
        }
    }
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Fingerprint(bytes)
}

/// A finding's fingerprint (see [`fingerprint`]): the first 128 bits of a
/// SHA-256, held inline (16 bytes, no allocation: a million findings and
/// the scorecards' links to them each hold one) and written everywhere,
/// JSON included, as its 32 lowercase hex digits. Reading accepts exactly
/// that form (docs/report.schema.json: `^[0-9a-f]{32}$`), so a report
/// reads back and writes out byte for byte. Byte order is the order of
/// the hex text, so sorting either gives the same order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint([u8; 16]);

impl Fingerprint {
    /// The 32 lowercase hex digits, without allocating.
    pub fn hex(&self) -> FingerprintHex {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 32];
        for (pair, b) in out.chunks_exact_mut(2).zip(self.0) {
            pair[0] = HEX[usize::from(b >> 4)];
            pair[1] = HEX[usize::from(b & 0xf)];
        }
        FingerprintHex(out)
    }

    /// Parses exactly 32 lowercase hex digits (the only form written).
    pub fn from_hex(text: &str) -> Option<Fingerprint> {
        let digit = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        let text = text.as_bytes();
        if text.len() != 32 {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (b, pair) in bytes.iter_mut().zip(text.chunks_exact(2)) {
            *b = digit(pair[0])? << 4 | digit(pair[1])?;
        }
        Some(Fingerprint(bytes))
    }
}

/// A fingerprint's text, on the stack: [`Fingerprint::hex`].
#[derive(Clone, Copy)]
pub struct FingerprintHex([u8; 32]);

impl FingerprintHex {
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever written into it.
        std::str::from_utf8(&self.0).expect("hex digits are ASCII")
    }
}

impl Deref for FingerprintHex {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

/// As the text (quoted), so test failures read as they did with strings.
impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.hex().as_str(), f)
    }
}

impl FromStr for Fingerprint {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fingerprint::from_hex(s)
            .ok_or_else(|| format!("fingerprint {s:?} is not 32 lowercase hex digits"))
    }
}

impl PartialEq<str> for Fingerprint {
    fn eq(&self, other: &str) -> bool {
        self.hex().as_str() == other
    }
}

impl PartialEq<&str> for Fingerprint {
    fn eq(&self, other: &&str) -> bool {
        self.hex().as_str() == *other
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Hex;
        impl serde::de::Visitor<'_> for Hex {
            type Value = Fingerprint;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a fingerprint: 32 lowercase hex digits")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Fingerprint, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(Hex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(kind: &str, id: &str) -> Hop {
        Hop {
            kind: kind.into(),
            id: id.into(),
            label: format!("{kind}/{id}"),
            gaps: vec![],
        }
    }

    const META: &str = r#"
id = "INST-001"
slug = "imdsv1-allowed"
layer = "instance"
severity = "high"
title = "Instances require IMDSv2"
rationale = "IMDSv1 answers any SSRF."
references = ["https://docs.aws.amazon.com/"]
fsbp = ["EC2.8"]
[remediation]
console = "EC2 > Instance > Modify instance metadata options > IMDSv2 Required."
cli = "aws ec2 modify-instance-metadata-options --http-tokens required"
terraform = "metadata_options { http_tokens = \"required\" }"
"#;

    #[test]
    fn check_metadata_is_validated() {
        let m = CheckMeta::from_toml("INST-001", META).unwrap();
        assert_eq!((m.layer, m.severity), (Layer::Instance, Severity::High));
        assert!(
            CheckMeta::from_toml("INST-002", META)
                .unwrap_err()
                .contains("says id")
        );
        let bad = |from: &str, to: &str| {
            CheckMeta::from_toml("INST-001", &META.replace(from, to)).unwrap_err()
        };
        assert!(bad("layer = \"instance\"", "layer = \"edge\"").contains("does not match layer"));
        assert!(bad("imdsv1-allowed", "IMDSv1_allowed").contains("kebab-case"));
        assert!(bad("Instances require IMDSv2", "Ensure IMDSv2").contains("Ensure"));
        assert!(bad("IMDSv1 answers any SSRF.", " ").contains("rationale is empty"));
        assert!(bad("fsbp =", "unknown_key =").contains("unknown field"));
        assert!(bad("severity = \"high\"", "severity = \"urgent\"").contains("urgent"));
        // Another scorecard column may count the check; its own may not be
        // named again, nor a layer that does not exist.
        let also = |layers: &str| {
            CheckMeta::from_toml(
                "INST-001",
                &META.replace("fsbp =", &format!("also_scored_in = {layers}\nfsbp =")),
            )
        };
        let m = also("[\"detect\"]").unwrap();
        assert_eq!(
            m.scored_in().collect::<Vec<_>>(),
            [Layer::Instance, Layer::Detect]
        );
        assert!(also("[\"instance\"]").unwrap_err().contains("repeats"));
        assert!(also("[\"logging\"]").unwrap_err().contains("logging"));
        assert_eq!(
            CheckMeta::from_toml("INST-001", META)
                .unwrap()
                .scored_in()
                .collect::<Vec<_>>(),
            [Layer::Instance]
        );
    }

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("urgent".parse::<Severity>().unwrap_err().contains("urgent"));
    }

    #[test]
    fn fingerprints_are_stable_and_discriminating() {
        let p = ExposurePath {
            protocol: Default::default(),
            kind: PathKind::Direct,
            hops: vec![hop("internet", "0.0.0.0/0"), hop("instance", "i-1")],
            ports: vec![crate::PortRange { from: 22, to: 22 }],
        };
        let a = fingerprint("NET-005", "arn:x", Some(&p));
        assert_eq!(a, fingerprint("NET-005", "arn:x", Some(&p)));
        assert_eq!(a.hex().len(), 32);
        // Labels and gaps are presentation: they do not change identity.
        let mut relabelled = p.clone();
        relabelled.hops[1].label = "web-1".into();
        relabelled.hops[1].gaps = vec!["IMDSv1".into()];
        assert_eq!(a, fingerprint("NET-005", "arn:x", Some(&relabelled)));
        assert_ne!(a, fingerprint("NET-004", "arn:x", Some(&p)));
        assert_ne!(a, fingerprint("NET-005", "arn:y", Some(&p)));
        assert_ne!(a, fingerprint("NET-005", "arn:x", None));
        // No ambiguity from concatenation.
        assert_ne!(fingerprint("A", "BC", None), fingerprint("AB", "C", None));
        // The value itself is pinned: baselines from earlier runs must match.
        // (sha256 of "NET-005\0arn:x", first 16 bytes, lowercase hex.)
        assert_eq!(
            fingerprint("NET-005", "arn:x", None),
            "fb72dec6dbc7ab56e60eb1d4aee41e53"
        );
    }

    /// Held as 16 bytes, a fingerprint reads and writes as its 32 hex
    /// digits, in JSON too, and orders as that text does.
    #[test]
    fn fingerprints_read_and_write_as_lowercase_hex() {
        let a = fingerprint("NET-005", "arn:x", None);
        let text = "\"fb72dec6dbc7ab56e60eb1d4aee41e53\"";
        assert_eq!(serde_json::to_string(&a).unwrap(), text);
        assert_eq!(serde_json::from_str::<Fingerprint>(text).unwrap(), a);
        assert_eq!(a.to_string(), "fb72dec6dbc7ab56e60eb1d4aee41e53");
        assert_eq!(format!("{a:?}"), text);
        assert_eq!("fb72dec6dbc7ab56e60eb1d4aee41e53".parse(), Ok(a));
        for bad in [
            "",
            "fb72dec6dbc7ab56e60eb1d4aee41e5",
            "fb72dec6dbc7ab56e60eb1d4aee41e533",
            "FB72DEC6DBC7AB56E60EB1D4AEE41E53",
            "fb72dec6dbc7ab56e60eb1d4aee41e5g",
            "sg-a",
        ] {
            assert!(Fingerprint::from_hex(bad).is_none(), "{bad:?}");
            let json = serde_json::to_string(bad).unwrap();
            let err = serde_json::from_str::<Fingerprint>(&json).unwrap_err();
            assert!(err.to_string().contains("32 lowercase hex digits"), "{err}");
        }
        // As a map key (a baseline comparison is keyed by fingerprint).
        let map = std::collections::BTreeMap::from([(a, 1)]);
        let json = serde_json::to_string(&map).unwrap();
        assert_eq!(json, "{\"fb72dec6dbc7ab56e60eb1d4aee41e53\":1}");
        assert_eq!(
            serde_json::from_str::<std::collections::BTreeMap<Fingerprint, i32>>(&json).unwrap(),
            map
        );
        // Byte order is text order: sorting either gives the same list.
        let mut prints: Vec<Fingerprint> = (0..64)
            .map(|n| fingerprint("NET-005", &format!("arn:{n}"), None))
            .collect();
        let mut texts: Vec<String> = prints.iter().map(Fingerprint::to_string).collect();
        prints.sort();
        texts.sort();
        assert_eq!(
            prints
                .iter()
                .map(Fingerprint::to_string)
                .collect::<Vec<_>>(),
            texts
        );
    }

    #[test]
    fn paths_render_hop_by_hop_with_gaps() {
        let mut p = ExposurePath {
            protocol: Default::default(),
            kind: PathKind::Gateway,
            hops: vec![
                hop("internet", "*"),
                hop("api-stage", "a1b2/prod"),
                hop("instance", "i-0abc"),
            ],
            ports: vec![crate::PortRange {
                from: 8080,
                to: 8080,
            }],
        };
        p.hops[0].label = "internet".into();
        p.hops[1].label = "api a1b2/prod".into();
        p.hops[1].gaps = vec!["no WAF".into()];
        p.hops[2].label = "i-0abc".into();
        assert_eq!(
            p.to_string(),
            "internet -> api a1b2/prod (no WAF) -> i-0abc"
        );
    }

    #[test]
    fn status_serialises_with_its_reason() {
        let s = serde_json::to_value(Status::NotEvaluated("ec2:DescribeInstances denied".into()))
            .unwrap();
        assert_eq!(
            s,
            serde_json::json!({"status": "not-evaluated", "reason": "ec2:DescribeInstances denied"})
        );
        assert_eq!(
            serde_json::to_value(Status::Pass).unwrap(),
            serde_json::json!({"status": "pass"})
        );
    }
}

#[cfg(test)]
mod footprint {
    /// A million findings and more are held at once (docs/performance.md):
    /// each byte here is a megabyte at the benchmark's size.
    #[test]
    fn a_finding_stays_small() {
        assert!(
            std::mem::size_of::<super::Finding>() <= 144,
            "Finding grew to {} bytes",
            std::mem::size_of::<super::Finding>()
        );
    }
}
