//! The `rampart.toml` configuration: suppressions the team has accepted,
//! and the settings the checks read (`[waf]`).
//!
//! ```toml
//! [[suppress]]
//! check = "NET-005"                      # optional: a check id
//! resource = "arn:aws:ec2:*:*:security-group/sg-0bastion*"   # optional: ARN or glob
//! tag = { key = "rampart", value = "accepted-risk" }        # optional
//! account = "123456789012"               # optional
//! region = "eu-west-1"                   # optional
//! reason = "bastion, reviewed 2026-10 by secops"   # mandatory
//! expires = 2027-01-31                   # optional: stops applying after this date
//! ```
//!
//! Every given selector must match (AND); a suppression with no selector is
//! refused (it would silence everything). An expired suppression no longer
//! applies and is itself reported. Errors name the file and the line.
//!
//! ```toml
//! [waf]
//! # AWS use-case rule groups whose absence EDGE-011 notes (low) on every
//! # web ACL; default ["AWSManagedRulesSQLiRuleSet"], [] for none.
//! use_case_groups = ["AWSManagedRulesSQLiRuleSet", "AWSManagedRulesLinuxRuleSet"]
//!
//! [[waf.require]]                         # fails EDGE-003 when missing
//! groups = ["AWSManagedRulesSQLiRuleSet"]
//! apis = ["a1b2c3d4e5"]                   # REST API ids, or "*" for every API
//! ```
//!
//! ```toml
//! [instance]
//! # INST-008: a backend's last patch scan may be at most this many days
//! # old; default 7.
//! patch_max_age_days = 14
//! ```
//!
//! ```toml
//! [data]
//! # DATA-010: backend volumes must be encrypted with customer managed KMS
//! # keys, not the AWS managed aws/ebs key; default false.
//! require_customer_managed_keys = true
//! # DATA-011: a certificate on a TLS hop fails this many days before it
//! # expires; default 30 (FSBP ACM.1's default).
//! certificate_expiry_days = 45
//! ```
//!
//! ```toml
//! [edge]
//! # EDGE-001: which front doors a backend's paths may pass to count as
//! # "through the front door"; default both. "api-gateway": an API Gateway
//! # stage (directly, or behind CloudFront). "cloudfront": a CloudFront
//! # distribution with a web ACL, its origin admitting only CloudFront.
//! front_doors = ["api-gateway"]
//! ```
//!
//! A config file is small by nature: one over [`MAX_CONFIG_BYTES`] is refused
//! from its metadata before it is read.

use std::path::Path;

use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use time::Date;

use crate::{ExpiredSuppression, Finding, Report, Status, Summary, Suppressed, Tags};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "config {path} is {}over the {limit}-byte limit for a config file",
        if *.at_least { String::new() } else { format!("{size} bytes, ") }
    )]
    TooLarge {
        path: String,
        size: u64,
        at_least: bool,
        limit: u64,
    },
    #[error("config {path}, line {line}: {message}")]
    Invalid {
        path: String,
        line: usize,
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    suppress: Vec<toml::Spanned<RawSuppression>>,
    waf: Option<RawWaf>,
    instance: Option<RawInstance>,
    data: Option<RawData>,
    edge: Option<RawEdge>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdge {
    front_doors: Option<toml::Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    require_customer_managed_keys: Option<bool>,
    certificate_expiry_days: Option<toml::Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstance {
    patch_max_age_days: Option<toml::Spanned<i64>>,
    ami_max_age_days: Option<toml::Spanned<i64>>,
    trusted_ami_owners: Option<toml::Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaf {
    use_case_groups: Option<toml::Spanned<Vec<String>>>,
    #[serde(default)]
    require: Vec<toml::Spanned<RawRequire>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequire {
    groups: Vec<String>,
    apis: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    check: Option<String>,
    resource: Option<String>,
    tag: Option<RawTag>,
    account: Option<String>,
    region: Option<String>,
    reason: Option<String>,
    expires: Option<toml::value::Datetime>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTag {
    key: String,
    value: Option<String>,
}

/// One accepted finding pattern.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// 1-based line of the `[[suppress]]` entry, for messages.
    pub line: usize,
    pub check: Option<String>,
    pub resource: Option<GlobMatcher>,
    pub resource_pattern: Option<String>,
    pub tag: Option<(String, Option<String>)>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub reason: String,
    pub expires: Option<Date>,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub suppressions: Vec<Suppression>,
    /// What the checks read from the file (the defaults when it is silent).
    pub settings: Settings,
}

/// The settings the checks read, carried into the evaluation as data (the
/// checks read no file). `Default` is what an absent `rampart.toml` means.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub edge: EdgeSettings,
    pub waf: WafSettings,
    pub instance: InstanceSettings,
    pub data: DataSettings,
}

/// A front door EDGE-001 accepts: a path through one is not a bypass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FrontDoor {
    /// An API Gateway stage, reached directly or behind CloudFront.
    ApiGateway,
    /// A CloudFront distribution with a web ACL (its origin then admits
    /// only CloudFront, or the internet reaches it by another path, which
    /// is the bypass).
    CloudFront,
}

impl FrontDoor {
    pub const ALL: [FrontDoor; 2] = [FrontDoor::ApiGateway, FrontDoor::CloudFront];

    /// The name `rampart.toml` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            FrontDoor::ApiGateway => "api-gateway",
            FrontDoor::CloudFront => "cloudfront",
        }
    }
}

/// `[edge]`: what the edge-layer checks read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EdgeSettings {
    /// EDGE-001: the front doors that count; `None` for all of them.
    pub front_doors: Option<Vec<FrontDoor>>,
}

impl EdgeSettings {
    /// Whether paths through `door` count as through the front door.
    pub fn accepts(&self, door: FrontDoor) -> bool {
        self.front_doors.as_ref().is_none_or(|d| d.contains(&door))
    }
}

/// `[data]`: what the data-layer checks read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataSettings {
    /// DATA-010: a backend volume on an AWS managed key (`aws/ebs`) fails
    /// (low) instead of passing with a note.
    pub require_customer_managed_keys: bool,
    /// DATA-011: how many days before its expiry a certificate fails;
    /// `None` for [`DEFAULT_CERTIFICATE_EXPIRY_DAYS`].
    pub certificate_expiry_days: Option<u32>,
}

/// DATA-011's default window: FSBP ACM.1's default (30 days), and when ACM
/// starts its own expiry events for public certificates
/// (<https://docs.aws.amazon.com/acm/latest/userguide/supported-events.html>).
pub const DEFAULT_CERTIFICATE_EXPIRY_DAYS: u32 = 30;

impl DataSettings {
    /// The certificate expiry window in days.
    pub fn certificate_expiry_days(&self) -> u32 {
        self.certificate_expiry_days
            .unwrap_or(DEFAULT_CERTIFICATE_EXPIRY_DAYS)
    }
}

/// `[instance]`: what the instance-layer checks read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceSettings {
    /// INST-008: how many days old a backend's last patch scan may be;
    /// `None` for [`DEFAULT_PATCH_MAX_AGE_DAYS`].
    pub patch_max_age_days: Option<u32>,
    /// INST-009: how many days old a backend's AMI may be; `None` for
    /// [`DEFAULT_AMI_MAX_AGE_DAYS`].
    pub ami_max_age_days: Option<u32>,
    /// INST-010: accounts whose public AMIs are trusted besides the
    /// account itself and AWS's own (`amazon`, `aws-marketplace`).
    pub trusted_ami_owners: Vec<String>,
}

/// INST-009's default: Amazon Linux and most vendors publish patched AMIs
/// at least monthly; 90 days is three missed releases.
pub const DEFAULT_AMI_MAX_AGE_DAYS: u32 = 90;

/// INST-008's default window: Patch Manager's own default scan schedule is
/// daily, and FSBP SSM.2 judges the last installation; a week leaves room
/// for a missed run.
pub const DEFAULT_PATCH_MAX_AGE_DAYS: u32 = 7;

impl InstanceSettings {
    /// The patch scan window in days.
    pub fn patch_max_age_days(&self) -> u32 {
        self.patch_max_age_days
            .unwrap_or(DEFAULT_PATCH_MAX_AGE_DAYS)
    }

    /// The AMI age limit in days.
    pub fn ami_max_age_days(&self) -> u32 {
        self.ami_max_age_days.unwrap_or(DEFAULT_AMI_MAX_AGE_DAYS)
    }
}

/// `[waf]`: the AWS managed rule groups expected beyond AWS's baseline
/// (the core rule set and known bad inputs, which EDGE-003 always requires).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WafSettings {
    /// The use-case groups whose absence EDGE-011 notes on every web ACL;
    /// `None` for [`DEFAULT_USE_CASE_GROUPS`].
    pub use_case_groups: Option<Vec<String>>,
    /// Groups required on the web ACLs that protect chosen REST APIs: their
    /// absence fails EDGE-003 for those ACLs.
    pub require: Vec<WafRequirement>,
}

/// The use-case groups EDGE-011 expects when `[waf] use_case_groups` is not
/// set: the SQL database group, for APIs in front of SQL databases.
pub const DEFAULT_USE_CASE_GROUPS: [&str; 1] = ["AWSManagedRulesSQLiRuleSet"];

impl WafSettings {
    /// The use-case groups EDGE-011 expects.
    pub fn use_case_groups(&self) -> Vec<&str> {
        match &self.use_case_groups {
            Some(groups) => groups.iter().map(String::as_str).collect(),
            None => DEFAULT_USE_CASE_GROUPS.to_vec(),
        }
    }
}

/// One `[[waf.require]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WafRequirement {
    /// 1-based line of the entry, for messages.
    pub line: usize,
    /// AWS managed rule group names (vendor AWS).
    pub groups: Vec<String>,
    /// REST API ids, or `*` for every API.
    pub apis: Vec<String>,
}

impl WafRequirement {
    /// Does the entry cover the REST API `api_id`?
    pub fn covers(&self, api_id: &str) -> bool {
        self.apis.iter().any(|a| a == "*" || a == api_id)
    }
}

/// The largest `rampart.toml` read: 1 MiB is thousands of suppressions.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

impl Config {
    /// Reads and parses a config file of at most [`MAX_CONFIG_BYTES`].
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        use crate::io::{BoundedReadError, read_bounded};
        let name = path.display().to_string();
        let read_err = |source| ConfigError::Read {
            path: name.clone(),
            source,
        };
        let bytes = read_bounded(path, MAX_CONFIG_BYTES).map_err(|e| match e {
            BoundedReadError::Io(source) => read_err(source),
            BoundedReadError::TooLarge { size, at_least } => ConfigError::TooLarge {
                path: name.clone(),
                size,
                at_least,
                limit: MAX_CONFIG_BYTES,
            },
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            read_err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
            ))
        })?;
        Config::parse(&name, &text)
    }

    /// Parses config text; `name` is used in error messages.
    pub fn parse(name: &str, text: &str) -> Result<Config, ConfigError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let invalid = |line: usize, message: String| ConfigError::Invalid {
            path: name.to_string(),
            line,
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(s.start));
            invalid(line, e.message().to_string())
        })?;
        let mut suppressions = Vec::new();
        for spanned in raw.suppress {
            let line = line_of(spanned.span().start);
            let s = spanned.into_inner();
            let reason = match s.reason.as_deref().map(str::trim) {
                Some(r) if !r.is_empty() => r.to_string(),
                _ => {
                    return Err(invalid(
                        line,
                        "every suppression needs a non-empty `reason`".into(),
                    ));
                }
            };
            if s.check.is_none()
                && s.resource.is_none()
                && s.tag.is_none()
                && s.account.is_none()
                && s.region.is_none()
            {
                return Err(invalid(
                    line,
                    "a suppression needs at least one of check, resource, tag, account, region"
                        .into(),
                ));
            }
            let resource = match &s.resource {
                Some(p) => Some(
                    Glob::new(p)
                        .map_err(|e| invalid(line, format!("resource pattern {p:?}: {e}")))?
                        .compile_matcher(),
                ),
                None => None,
            };
            let expires = match s.expires {
                Some(d) => {
                    let date = d
                        .date
                        .filter(|_| d.time.is_none() && d.offset.is_none())
                        .ok_or_else(|| {
                            invalid(
                                line,
                                format!("expires = {d} must be a date like 2027-01-31"),
                            )
                        })?;
                    let month = time::Month::try_from(date.month)
                        .map_err(|e| invalid(line, format!("expires = {d}: {e}")))?;
                    Some(
                        Date::from_calendar_date(i32::from(date.year), month, date.day)
                            .map_err(|e| invalid(line, format!("expires = {d}: {e}")))?,
                    )
                }
                None => None,
            };
            suppressions.push(Suppression {
                line,
                check: s.check.map(|c| c.to_ascii_uppercase()),
                resource,
                resource_pattern: s.resource,
                tag: s.tag.map(|t| (t.key, t.value)),
                account: s.account,
                region: s.region,
                reason,
                expires,
            });
        }
        let days = |d: Option<toml::Spanned<i64>>, key: &str| -> Result<Option<u32>, ConfigError> {
            match d {
                Some(d) => {
                    let line = line_of(d.span().start);
                    let v = *d.get_ref();
                    Ok(Some(
                        u32::try_from(v)
                            .ok()
                            .filter(|v| (1..=3650).contains(v))
                            .ok_or_else(|| {
                                invalid(
                                    line,
                                    format!("{key} is {v}: a whole number of days from 1 to 3650"),
                                )
                            })?,
                    ))
                }
                None => Ok(None),
            }
        };
        let settings = Settings {
            edge: match raw.edge.and_then(|e| e.front_doors) {
                Some(list) => {
                    let line = line_of(list.span().start);
                    let mut doors = Vec::new();
                    for name in list.into_inner() {
                        let door = FrontDoor::ALL
                            .into_iter()
                            .find(|d| d.as_str() == name)
                            .ok_or_else(|| {
                                invalid(
                                    line,
                                    format!(
                                        "[edge] front_doors holds {name:?}: each entry is \"api-gateway\" or \"cloudfront\""
                                    ),
                                )
                            })?;
                        if !doors.contains(&door) {
                            doors.push(door);
                        }
                    }
                    if doors.is_empty() {
                        return Err(invalid(
                            line,
                            "[edge] front_doors is empty: name at least one of \"api-gateway\", \"cloudfront\" (every backend would otherwise bypass)".into(),
                        ));
                    }
                    doors.sort();
                    EdgeSettings {
                        front_doors: Some(doors),
                    }
                }
                None => EdgeSettings::default(),
            },
            waf: match raw.waf {
                Some(w) => parse_waf(w, &line_of, &invalid)?,
                None => WafSettings::default(),
            },
            instance: match raw.instance {
                Some(i) => {
                    let trusted_ami_owners = match i.trusted_ami_owners {
                        Some(list) => {
                            let line = line_of(list.span().start);
                            let owners = list.into_inner();
                            if let Some(bad) = owners
                                .iter()
                                .find(|o| o.len() != 12 || !o.bytes().all(|b| b.is_ascii_digit()))
                            {
                                return Err(invalid(
                                    line,
                                    format!(
                                        "[instance] trusted_ami_owners holds {bad:?}: each entry is a 12-digit AWS account id"
                                    ),
                                ));
                            }
                            owners
                        }
                        None => Vec::new(),
                    };
                    InstanceSettings {
                        patch_max_age_days: days(
                            i.patch_max_age_days,
                            "[instance] patch_max_age_days",
                        )?,
                        ami_max_age_days: days(i.ami_max_age_days, "[instance] ami_max_age_days")?,
                        trusted_ami_owners,
                    }
                }
                None => InstanceSettings::default(),
            },
            data: match raw.data {
                Some(d) => DataSettings {
                    require_customer_managed_keys: d.require_customer_managed_keys.unwrap_or(false),
                    certificate_expiry_days: days(
                        d.certificate_expiry_days,
                        "[data] certificate_expiry_days",
                    )?,
                },
                None => DataSettings::default(),
            },
        };
        Ok(Config {
            suppressions,
            settings,
        })
    }
}

/// AWS managed rule group names all start with this; rampart matches the
/// groups of vendor AWS only, so another name could never be found.
const AWS_GROUP_PREFIX: &str = "AWSManagedRules";

fn parse_waf(
    raw: RawWaf,
    line_of: &dyn Fn(usize) -> usize,
    invalid: &dyn Fn(usize, String) -> ConfigError,
) -> Result<WafSettings, ConfigError> {
    let check_groups = |line: usize, key: &str, groups: &[String]| match groups
        .iter()
        .find(|g| !g.starts_with(AWS_GROUP_PREFIX))
    {
        Some(bad) => Err(invalid(
            line,
            format!(
                "[waf] {key}: {bad:?} is not an AWS managed rule group name \
                     (they start with {AWS_GROUP_PREFIX}, e.g. AWSManagedRulesSQLiRuleSet)"
            ),
        )),
        None => Ok(()),
    };
    let use_case_groups = match raw.use_case_groups {
        Some(spanned) => {
            let line = line_of(spanned.span().start);
            let groups = spanned.into_inner();
            check_groups(line, "use_case_groups", &groups)?;
            Some(groups)
        }
        None => None,
    };
    let mut require = Vec::new();
    for spanned in raw.require {
        let line = line_of(spanned.span().start);
        let r = spanned.into_inner();
        if r.groups.is_empty() {
            return Err(invalid(
                line,
                "[[waf.require]] needs at least one group in `groups`".into(),
            ));
        }
        check_groups(line, "require groups", &r.groups)?;
        if r.apis.is_empty() || r.apis.iter().any(|a| a.trim().is_empty()) {
            return Err(invalid(
                line,
                "[[waf.require]] needs `apis`: REST API ids, or \"*\" for every API".into(),
            ));
        }
        require.push(WafRequirement {
            line,
            groups: r.groups,
            apis: r.apis,
        });
    }
    Ok(WafSettings {
        use_case_groups,
        require,
    })
}

impl Config {
    /// Marks every failing or not-evaluated finding that an active
    /// suppression accepts (the first matching entry wins), lists the
    /// expired entries with the findings they would have accepted, and
    /// recounts the summary. `source` names the config file in the report;
    /// `today` is the snapshot's collection date (the checks read no clock);
    /// `tags` looks up a resource's tags by ARN.
    pub fn apply<'t>(
        &self,
        source: &str,
        report: &mut Report,
        today: Date,
        tags: &dyn Fn(&str) -> Option<&'t Tags>,
    ) {
        let (active, expired): (Vec<&Suppression>, Vec<&Suppression>) =
            self.suppressions.iter().partition(|s| s.active(today));
        for f in &mut report.findings {
            if f.status == Status::Pass || f.suppressed.is_some() {
                continue;
            }
            let t = tags(&f.resource_arn);
            if let Some(s) = active.iter().find(|s| s.matches(f, t)) {
                f.suppressed = Some(Box::new(Suppressed {
                    reason: s.reason.clone(),
                    source: format!("{source}:{}", s.line),
                    expires: s.expires,
                }));
            }
        }
        for s in expired {
            let matching_findings = report
                .findings
                .iter()
                .filter(|f| f.status != Status::Pass && s.matches(f, tags(&f.resource_arn)))
                .count();
            report.expired_suppressions.push(ExpiredSuppression {
                source: format!("{source}:{}", s.line),
                reason: s.reason.clone(),
                // partitioned on `active`, so an expired entry has a date
                expired: s.expires.unwrap_or(today),
                selectors: s.selectors(),
                matching_findings,
            });
        }
        report.summary = Summary::of(&report.findings);
    }
}

impl Suppression {
    /// The entry's selectors as `key=value` words, for messages.
    pub fn selectors(&self) -> String {
        let mut words = Vec::new();
        if let Some(c) = &self.check {
            words.push(format!("check={c}"));
        }
        if let Some(r) = &self.resource_pattern {
            words.push(format!("resource={r}"));
        }
        if let Some((k, v)) = &self.tag {
            match v {
                Some(v) => words.push(format!("tag={k}={v}")),
                None => words.push(format!("tag={k}")),
            }
        }
        if let Some(a) = &self.account {
            words.push(format!("account={a}"));
        }
        if let Some(r) = &self.region {
            words.push(format!("region={r}"));
        }
        words.join(" ")
    }
}

impl Suppression {
    /// Is the suppression still in force on `today` (the snapshot's date)?
    pub fn active(&self, today: Date) -> bool {
        self.expires.is_none_or(|e| today <= e)
    }

    /// Does it cover this finding? `tags` are the resource's tags, when known.
    pub fn matches(&self, f: &Finding, tags: Option<&Tags>) -> bool {
        self.check.as_deref().is_none_or(|c| c == f.check_id)
            && self
                .resource
                .as_ref()
                .is_none_or(|g| g.is_match(f.resource_arn.as_str()))
            && self.account.as_deref().is_none_or(|a| a == f.account_id)
            && self
                .region
                .as_deref()
                .is_none_or(|r| f.region.as_deref() == Some(r))
            && self.tag.as_ref().is_none_or(|(k, v)| {
                tags.and_then(|t| t.get(k))
                    .is_some_and(|have| v.as_deref().is_none_or(|want| want == have))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Severity, Status};

    fn f(check: &str, arn: &str) -> Finding {
        Finding {
            check_id: check.into(),
            severity: Severity::High,
            status: Status::Fail,
            resource_arn: arn.into(),
            account_id: "123456789012".into(),
            region: Some("eu-west-1".into()),
            message: String::new(),
            path: None,
            affected: vec![],
            fingerprint: crate::fingerprint(check, arn, None),
            suppressed: None,
            baseline: None,
        }
    }

    const GOOD: &str = r#"
[[suppress]]
check = "net-005"
resource = "arn:aws:ec2:*:*:security-group/sg-0bastion*"
reason = "bastion, reviewed by secops"
expires = 2027-01-31

[[suppress]]
tag = { key = "rampart", value = "accepted-risk" }
region = "eu-west-1"
reason = "legacy estate, migration ticket SEC-42"
"#;

    #[test]
    fn suppressions_match_on_every_given_selector() {
        let c = Config::parse("rampart.toml", GOOD).unwrap();
        assert_eq!(c.suppressions.len(), 2);
        let (a, b) = (&c.suppressions[0], &c.suppressions[1]);
        assert_eq!(a.line, 2);
        assert_eq!(b.line, 8);
        let bastion = f(
            "NET-005",
            "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0bastion1",
        );
        assert!(a.matches(&bastion, None));
        assert!(!a.matches(&f("NET-004", &bastion.resource_arn), None));
        assert!(!a.matches(
            &f("NET-005", "arn:aws:ec2:eu-west-1:1:security-group/sg-0web"),
            None
        ));
        let tags: Tags = [("rampart".to_string(), "accepted-risk".to_string())].into();
        assert!(b.matches(&f("INST-001", "arn:x"), Some(&tags)));
        assert!(
            !b.matches(&f("INST-001", "arn:x"), None),
            "unknown tags never match"
        );
        let other: Tags = [("rampart".to_string(), "nope".to_string())].into();
        assert!(!b.matches(&f("INST-001", "arn:x"), Some(&other)));
    }

    #[test]
    fn expiry_is_inclusive_then_stops() {
        let c = Config::parse("rampart.toml", GOOD).unwrap();
        let a = &c.suppressions[0];
        assert!(a.active(time::macros::date!(2027 - 01 - 31)));
        assert!(!a.active(time::macros::date!(2027 - 02 - 01)));
        assert!(c.suppressions[1].active(time::macros::date!(2099 - 01 - 01)));
    }

    #[test]
    fn bad_configs_name_the_file_and_line() {
        let err = |text: &str| Config::parse("rampart.toml", text).unwrap_err().to_string();
        let e = err("[[suppress]]\ncheck = \"NET-005\"\n");
        assert!(
            e.starts_with("config rampart.toml, line 1:") && e.contains("reason"),
            "{e}"
        );
        let e = err("\n\n[[suppress]]\nreason = \"x\"\n");
        assert!(e.contains("line 3") && e.contains("at least one"), "{e}");
        let e = err("[[suppress]]\ncheck = \"A\"\nreason = \"x\"\nexpires = \"soon\"\n");
        assert!(e.contains("line 4"), "{e}");
        let e = err("[[suppress]]\ncheck = \"A\"\nreason = \"x\"\ncolour = \"red\"\n");
        assert!(e.contains("unknown field") && e.contains("line 4"), "{e}");
        let e = err("[[suppress]]\nresource = \"arn:[\"\nreason = \"x\"\n");
        assert!(
            e.contains("line 1") && e.contains("resource pattern"),
            "{e}"
        );
        let e = err("[[suppress]]\ncheck = \"A\"\nreason = \"x\"\nexpires = 2027-02-30\n");
        assert!(e.contains("line 4"), "{e}");
        let e = err("this is = = not toml");
        assert!(e.starts_with("config rampart.toml, line 1:"), "{e}");
    }

    #[test]
    fn the_waf_section_carries_use_case_groups_and_requirements() {
        let absent = Config::parse("rampart.toml", GOOD).unwrap();
        assert_eq!(absent.settings, Settings::default());
        assert_eq!(
            absent.settings.waf.use_case_groups(),
            vec!["AWSManagedRulesSQLiRuleSet"]
        );
        let text = r#"
[waf]
use_case_groups = ["AWSManagedRulesLinuxRuleSet"]

[[waf.require]]
groups = ["AWSManagedRulesSQLiRuleSet"]
apis = ["a1b2c3d4e5"]

[[waf.require]]
groups = ["AWSManagedRulesPHPRuleSet", "AWSManagedRulesWordPressRuleSet"]
apis = ["*"]
"#;
        let c = Config::parse("rampart.toml", text).unwrap();
        let waf = &c.settings.waf;
        assert_eq!(waf.use_case_groups(), vec!["AWSManagedRulesLinuxRuleSet"]);
        assert_eq!(waf.require.len(), 2);
        assert_eq!(waf.require[0].line, 5);
        assert!(waf.require[0].covers("a1b2c3d4e5") && !waf.require[0].covers("other"));
        assert!(waf.require[1].covers("anything"));
        assert_eq!(waf.require[1].line, 9);
        // An empty list silences EDGE-011.
        let none = Config::parse("rampart.toml", "[waf]\nuse_case_groups = []\n").unwrap();
        assert!(none.settings.waf.use_case_groups().is_empty());
    }

    #[test]
    fn bad_waf_sections_name_the_file_and_line() {
        let err = |text: &str| Config::parse("rampart.toml", text).unwrap_err().to_string();
        let e = err("[waf]\ncolour = \"red\"\n");
        assert!(
            e.starts_with("config rampart.toml, line 2:") && e.contains("unknown field"),
            "{e}"
        );
        let e = err("[waf]\n\nuse_case_groups = [\"SQLiRuleSet\"]\n");
        assert!(
            e.contains("line 3") && e.contains("\"SQLiRuleSet\" is not an AWS managed rule group"),
            "{e}"
        );
        let e = err("\n[[waf.require]]\ngroups = []\napis = [\"*\"]\n");
        assert!(
            e.contains("line 2") && e.contains("at least one group"),
            "{e}"
        );
        let e = err("[[waf.require]]\ngroups = [\"AWSManagedRulesSQLiRuleSet\"]\napis = []\n");
        assert!(e.contains("line 1") && e.contains("`apis`"), "{e}");
        let e = err("[[waf.require]]\ngroups = [\"AWSManagedRulesSQLiRuleSet\"]\n");
        assert!(e.contains("line 1") && e.contains("apis"), "{e}");
        let e = err(
            "[[waf.require]]\ngroups = [\"AWSManagedRulesSQLiRuleSet\"]\napis = [\"*\"]\nstage = \"prod\"\n",
        );
        assert!(e.contains("line 4") && e.contains("unknown field"), "{e}");
    }

    #[test]
    fn an_oversized_config_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rampart.toml");
        // Sparse: 4 GiB of metadata, no disk.
        std::fs::File::create(&path)
            .unwrap()
            .set_len(4 << 30)
            .unwrap();
        let e = Config::load(&path).unwrap_err();
        assert!(
            matches!(e, ConfigError::TooLarge { size, limit: MAX_CONFIG_BYTES, .. } if size == 4 << 30),
            "{e}"
        );
        let text = e.to_string();
        assert!(
            text.contains("rampart.toml") && text.contains("is 4294967296 bytes"),
            "{text}"
        );
        // At the limit it is read (and judged on its content).
        std::fs::File::create(&path)
            .unwrap()
            .set_len(MAX_CONFIG_BYTES)
            .unwrap();
        assert!(matches!(
            Config::load(&path),
            Err(ConfigError::Invalid { .. })
        ));
        std::fs::write(&path, b"\xff\xfe").unwrap();
        let e = Config::load(&path).unwrap_err().to_string();
        assert!(e.contains("rampart.toml") && e.contains("not UTF-8"), "{e}");
        std::fs::write(&path, GOOD).unwrap();
        assert_eq!(Config::load(&path).unwrap().suppressions.len(), 2);
    }

    fn report(findings: Vec<Finding>) -> Report {
        Report {
            schema_version: crate::REPORT_SCHEMA_VERSION,
            tool: crate::ToolInfo {
                name: "rampart".into(),
                version: "0".into(),
            },
            snapshot: crate::SnapshotInfo {
                account_id: "123456789012".into(),
                partition: "aws".into(),
                collected_at: time::OffsetDateTime::UNIX_EPOCH,
                regions: vec![],
                complete: true,
                collection_errors: 0,
                credential_source: None,
            },
            summary: Summary::of(&findings),
            scorecards: vec![],
            findings,
            checks: vec![],
            expired_suppressions: vec![],
            baseline: None,
        }
    }

    #[test]
    fn apply_marks_accepted_findings_and_reports_expired_entries() {
        let c = Config::parse("rampart.toml", GOOD).unwrap();
        let bastion = "arn:aws:ec2:eu-west-1:1:security-group/sg-0bastion1";
        let tagged = "arn:aws:ec2:eu-west-1:1:instance/i-legacy";
        let mut passing = f(
            "NET-005",
            "arn:aws:ec2:eu-west-1:1:security-group/sg-0bastion2",
        );
        passing.status = Status::Pass;
        let mut r = report(vec![
            f("NET-005", bastion),
            f("INST-001", tagged),
            f("INST-001", "arn:aws:ec2:eu-west-1:1:instance/i-other"),
            passing,
        ]);
        let tags: Tags = [("rampart".to_string(), "accepted-risk".to_string())].into();
        let lookup = |arn: &str| (arn == tagged).then_some(&tags);
        let day = |d: u8| Date::from_calendar_date(2027, time::Month::January, d).unwrap();

        c.apply("rampart.toml", &mut r, day(31), &lookup);
        let s = r.findings[0].suppressed.as_ref().expect("bastion accepted");
        assert_eq!(s.source, "rampart.toml:2");
        assert_eq!(s.expires, Some(day(31)));
        assert_eq!(
            r.findings[1].suppressed.as_ref().map(|s| s.source.as_str()),
            Some("rampart.toml:8")
        );
        assert!(r.findings[2].suppressed.is_none());
        assert!(
            r.findings[3].suppressed.is_none(),
            "passes are never marked"
        );
        assert_eq!(
            (r.summary.fail, r.summary.suppressed, r.summary.pass),
            (1, 2, 1)
        );
        assert!(r.expired_suppressions.is_empty());
        assert!(!r.findings[0].is_open_failure() && r.findings[2].is_open_failure());

        // The day after its expiry the first entry stops applying and is
        // reported, with the finding it would have accepted.
        let mut r2 = report(
            r.findings
                .iter()
                .cloned()
                .map(|mut f| {
                    f.suppressed = None;
                    f
                })
                .collect(),
        );
        let next = Date::from_calendar_date(2027, time::Month::February, 1).unwrap();
        c.apply("rampart.toml", &mut r2, next, &lookup);
        assert!(r2.findings[0].suppressed.is_none());
        assert_eq!(r2.expired_suppressions.len(), 1);
        let e = &r2.expired_suppressions[0];
        assert_eq!(
            (e.source.as_str(), e.matching_findings),
            ("rampart.toml:2", 1)
        );
        assert_eq!(e.expired, day(31));
        assert!(e.selectors.contains("check=NET-005"), "{}", e.selectors);
        assert_eq!((r2.summary.fail, r2.summary.suppressed), (2, 1));
    }

    #[test]
    fn data_requires_customer_managed_keys_only_when_told() {
        let off = Config::parse("rampart.toml", "").unwrap().settings;
        assert!(!off.data.require_customer_managed_keys);
        let on = Config::parse(
            "rampart.toml",
            "[data]\nrequire_customer_managed_keys = true\n",
        )
        .unwrap()
        .settings;
        assert!(on.data.require_customer_managed_keys);
        let e = Config::parse(
            "rampart.toml",
            "[data]\nrequire_customer_managed_keys = \"yes\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("config rampart.toml, line 2:"), "{e}");
        assert_eq!(off.data.certificate_expiry_days(), 30);
        let days = Config::parse("rampart.toml", "[data]\ncertificate_expiry_days = 45\n")
            .unwrap()
            .settings;
        assert_eq!(days.data.certificate_expiry_days(), 45);
        let e = Config::parse("rampart.toml", "[data]\n\ncertificate_expiry_days = 0\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("config rampart.toml, line 3:")
                && e.contains("[data] certificate_expiry_days is 0"),
            "{e}"
        );
        let e = Config::parse("rampart.toml", "[data]\nrequire_cmk = true\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field") && e.contains("line 2"), "{e}");
    }

    #[test]
    fn edge_front_doors_default_to_both_and_reject_unknown_or_empty_lists() {
        let none = Config::parse("rampart.toml", "").unwrap().settings;
        assert!(
            none.edge.accepts(FrontDoor::ApiGateway) && none.edge.accepts(FrontDoor::CloudFront)
        );
        let only = Config::parse("rampart.toml", "[edge]\nfront_doors = [\"api-gateway\"]\n")
            .unwrap()
            .settings;
        assert!(
            only.edge.accepts(FrontDoor::ApiGateway) && !only.edge.accepts(FrontDoor::CloudFront)
        );
        let e = Config::parse("rampart.toml", "[edge]\n\nfront_doors = [\"cdn\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("config rampart.toml, line 3:") && e.contains("\"cdn\""),
            "{e}"
        );
        let e = Config::parse("rampart.toml", "[edge]\nfront_doors = []\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2") && e.contains("front_doors is empty"),
            "{e}"
        );
    }
}
