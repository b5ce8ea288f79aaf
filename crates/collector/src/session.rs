//! Scan set-up and orchestration: configuration loading (profile,
//! assume-role, endpoint variables, retry and timeout policy), the pre-flight
//! checks that turn environment problems into one clear [`ScanError`], and
//! the concurrent fan-out over regions and services.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::SdkConfig;
use aws_types::region::Region;
use rampart_model::{RegionInventory, SCHEMA_VERSION, Snapshot, TOOL_VERSION, ToolInfo};
use time::OffsetDateTime;

use crate::ctx::{CallCounter, Ctx, Recorder, chain, one_line};
use crate::progress::{Progress, Task};
use crate::rate::{DEFAULT_MAX_RPS, RateCaps};

/// Which regions to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionSelection {
    /// The region of the profile or environment (`AWS_REGION`).
    Configured,
    Explicit(Vec<String>),
    /// Every region enabled for the account (`ec2:DescribeRegions`).
    AllEnabled,
}

/// How failed calls are retried (both with exponential backoff and jitter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryMode {
    /// Standard, plus the SDK's client-side limiter that slows a service
    /// and region down once it has throttled: gentler on a busy account,
    /// slower under sustained throttling.
    #[default]
    Adaptive,
    /// Backoff only.
    Standard,
}

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub profile: Option<String>,
    pub regions: RegionSelection,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    /// Concurrent per-resource calls per service and region.
    pub fanout: usize,
    /// Attempts per call before it is recorded as failed.
    pub max_attempts: u32,
    pub retry_mode: RetryMode,
    /// HTTP requests per second per service and region, every attempt
    /// (retries included) counted.
    pub max_rps: u32,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            profile: None,
            regions: RegionSelection::Configured,
            role_arn: None,
            external_id: None,
            fanout: 8,
            max_attempts: 6,
            retry_mode: RetryMode::Adaptive,
            max_rps: DEFAULT_MAX_RPS,
        }
    }
}

/// A problem that stops the scan before it starts: wrong flags, no
/// credentials, an unreachable endpoint. One line each, for exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(
        "no region to scan: pass --region REGION (repeatable) or --all-regions, or set AWS_REGION"
    )]
    NoRegion,
    #[error("unknown region {region:?} (--region); known regions: {known}")]
    UnknownRegion { region: String, known: String },
    #[error(
        "region {region} (--region) is not enabled for account {account} (opt-in status: {status})"
    )]
    RegionNotEnabled {
        region: String,
        account: String,
        status: String,
    },
    #[error("--role-arn {0:?} is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME)")]
    BadRoleArn(String),
    #[error(
        "no AWS credentials found{profile}: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login` ({detail})"
    )]
    NoCredentials { profile: String, detail: String },
    #[error("cannot load AWS credentials{profile}: {detail}")]
    Credentials { profile: String, detail: String },
    #[error(
        "unknown profile {profile:?} (--profile or AWS_PROFILE): it is in neither {config} nor \
         {credentials} (profiles there: {known})"
    )]
    UnknownProfile {
        profile: String,
        config: String,
        credentials: String,
        known: String,
    },
    #[error(
        "profile {profile:?} (--profile or AWS_PROFILE) is an SSO profile without a valid cached \
         token: run `aws sso login --profile {profile}` ({detail})"
    )]
    SsoLogin { profile: String, detail: String },
    #[error("cannot reach the AWS {service} endpoint{endpoint}: {detail}")]
    Unreachable {
        service: &'static str,
        endpoint: String,
        detail: String,
    },
    #[error("the credentials were rejected by sts:GetCallerIdentity: {0}")]
    Rejected(String),
    #[error("sts:GetCallerIdentity failed: {0}")]
    Identity(String),
    #[error("--all-regions needs ec2:DescribeRegions, which failed ({0}); pass --region instead")]
    NoRegionList(String),
    #[error(
        "organizations:ListAccounts failed ({0}); --org runs in the organization's management \
         account or a delegated administrator account, with organizations:ListAccounts allowed \
         (or list the accounts in a file for --accounts)"
    )]
    ListAccounts(String),
}

/// A connected, validated scan: identity known, regions resolved.
pub struct Session {
    sdk: SdkConfig,
    recorder: Arc<Recorder>,
    caps: Arc<RateCaps>,
    fanout: usize,
    account_id: String,
    partition: String,
    caller_arn: String,
    credential_source: String,
    regions: Vec<String>,
    warnings: Vec<String>,
    started: Instant,
    started_at: OffsetDateTime,
}

/// Services collected per region; with IAM (global) this sizes progress.
pub const REGIONAL_SERVICES: [&str; 14] = [
    "ec2",
    "elasticloadbalancing",
    "apigateway",
    "apigatewayv2",
    "wafv2",
    "ssm",
    "kms",
    "acm",
    "autoscaling",
    "inspector2",
    "cloudtrail",
    "guardduty",
    "ecs",
    "servicediscovery",
];

/// Loads configuration, checks credentials and identity, resolves regions.
pub async fn connect(opts: &ScanOptions) -> Result<Session, ScanError> {
    let started = Instant::now();
    let started_at = OffsetDateTime::now_utc();
    let recorder = Arc::new(Recorder::default());
    let caps = Arc::new(RateCaps::new(opts.max_rps));
    let profile_note = opts
        .profile
        .as_ref()
        .map(|p| format!(" for profile {p:?} (--profile or AWS_PROFILE)"))
        .unwrap_or_default();
    // A named profile is read first: an unknown name is the first thing
    // wrong (its region, if any, would come from it), and its kind says
    // how to fix a failed login.
    let named = match &opts.profile {
        Some(p) => Some(named_profile(p).await?),
        None => None,
    };

    // Adaptive mode adds client-side rate limiting on top of exponential
    // backoff, so a throttled account slows us down instead of failing calls.
    let retry = match opts.retry_mode {
        RetryMode::Adaptive => RetryConfig::adaptive(),
        RetryMode::Standard => RetryConfig::standard(),
    };
    let retry = retry
        .with_max_attempts(opts.max_attempts.max(1))
        .with_initial_backoff(Duration::from_millis(200))
        .with_max_backoff(Duration::from_secs(20));
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(30))
        .operation_attempt_timeout(Duration::from_secs(60))
        .operation_timeout(Duration::from_secs(300))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    let base = loader.load().await;

    let explicit_first = match &opts.regions {
        RegionSelection::Explicit(r) => r.first().cloned(),
        _ => None,
    };
    let configured_region = base.region().map(|r| r.to_string());
    // Global calls (STS, DescribeRegions) need a region. A requested region
    // is used only to pick the partition: it is not validated yet.
    let home = configured_region.clone().unwrap_or_else(|| {
        match explicit_first.as_deref() {
            Some(r) if r.starts_with("cn-") => "cn-north-1",
            Some(r) if r.starts_with("us-gov-") => "us-gov-west-1",
            _ => "us-east-1",
        }
        .to_string()
    });
    let mut sdk = base.into_builder().region(Region::new(home)).build();

    // The SDK's default chain puts the environment's keys before the
    // profile, even one named with `profile_name`: with a profile named,
    // the chain is the profile's alone, as in the AWS CLI, where `--profile`
    // overrides the environment (docs/cli.md, "Credential precedence").
    if let (Some(p), Some(_)) = (&opts.profile, &named) {
        use aws_config::profile::ProfileFileCredentialsProvider;
        use aws_config::provider_config::ProviderConfig;
        let provider = ProfileFileCredentialsProvider::builder()
            .profile_name(p)
            .configure(&ProviderConfig::default().with_region(sdk.region().cloned()))
            .build();
        sdk = sdk
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
    }

    // Resolve credentials once: a missing chain is a clear message here
    // rather than the same failure on every call of the scan.
    let Some(provider) = sdk.credentials_provider() else {
        return Err(ScanError::NoCredentials {
            profile: profile_note,
            detail: "no credentials provider configured".into(),
        });
    };
    let creds = provider
        .provide_credentials()
        .await
        .map_err(|e| credentials_error(e, &profile_note, opts.profile.as_deref(), &named))?;
    let mut credential_source = match (&opts.profile, &named) {
        (Some(p), Some(n)) if n.sso => format!("sso profile {p}"),
        (Some(p), Some(_)) => format!("profile {p}"),
        _ => chain_source(&creds),
    };
    let mut warnings = Vec::new();
    if let (Some(p), Some(n)) = (&opts.profile, &named)
        && !n.uses_environment
        && std::env::var_os("AWS_ACCESS_KEY_ID").is_some_and(|v| !v.is_empty())
    {
        warnings.push(format!(
            "AWS_ACCESS_KEY_ID is set but not used: profile {p} (--profile or AWS_PROFILE) \
             takes precedence over the environment's keys"
        ));
    }

    if let Some(role) = &opts.role_arn {
        if !is_role_arn(role) {
            return Err(ScanError::BadRoleArn(role.clone()));
        }
        let mut builder = AssumeRoleProvider::builder(role.clone())
            .session_name("rampart-scan")
            .configure(&sdk);
        if let Some(id) = &opts.external_id {
            builder = builder.external_id(id.clone());
        }
        let provider = builder.build().await;
        provider
            .provide_credentials()
            .await
            .map_err(|e| credentials_error(e, &profile_note, None, &None))?;
        sdk = sdk
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
        credential_source = format!("assumed role {role} via {credential_source}");
    }

    // The pre-flight calls get the retry budget of every other call: a
    // throttled sts:GetCallerIdentity on a busy account is retried, not the
    // end of the scan. An unreachable endpoint still fails within seconds
    // (at the defaults, six attempts with at most 6.2 s of backoff).
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&sdk)
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Xml))
            .retry_classifier(crate::retry::Unimplemented)
            .interceptor(CallCounter {
                prefix: "sts",
                recorder: recorder.clone(),
            })
            .http_client(caps.http_client("sts", home_region(&sdk)))
            .build(),
    );
    let identity = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| preflight_error("sts", &e))?;
    let account_id = identity.account().unwrap_or_default().to_string();
    let caller_arn = identity.arn().unwrap_or_default().to_string();
    let partition = caller_arn.split(':').nth(1).unwrap_or("aws").to_string();

    let (regions, region_warnings) = resolve_regions(
        &opts.regions,
        configured_region,
        &sdk,
        &recorder,
        &caps,
        &account_id,
    )
    .await?;
    warnings.extend(region_warnings);

    Ok(Session {
        sdk,
        recorder,
        fanout: fanout(opts.fanout, caps.max_rps()),
        caps,
        account_id,
        partition,
        caller_arn,
        credential_source,
        regions,
        warnings,
        started,
        started_at,
    })
}

/// What the named profile is, as far as choosing credentials goes.
struct NamedProfile {
    /// `sso_start_url` or `sso_session`: a failed load means a login.
    sso: bool,
    /// `credential_source = Environment`: the profile itself uses the
    /// environment's keys (to assume its role).
    uses_environment: bool,
}

/// The shared config and credentials files the SDK reads, as paths.
fn profile_file_paths() -> (String, String) {
    let home = std::env::var("HOME").unwrap_or_else(|_| "~".into());
    let pick = |var: &str, default: &str| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| format!("{v} (from {var})"))
            .unwrap_or_else(|| format!("{home}/.aws/{default}"))
    };
    (
        pick("AWS_CONFIG_FILE", "config"),
        pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    )
}

/// Reads the profile files (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`
/// or their `~/.aws` defaults, parsed by aws-config as every SDK does) and
/// finds `name` in them.
async fn named_profile(name: &str) -> Result<NamedProfile, ScanError> {
    use aws_types::os_shim_internal::{Env, Fs};
    let (config, credentials) = profile_file_paths();
    let set = aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &Default::default(),
        Some(name.to_string().into()),
    )
    .await
    .map_err(|e| ScanError::Credentials {
        profile: format!(" for profile {name:?} (--profile or AWS_PROFILE)"),
        detail: format!(
            "cannot read {config} or {credentials}: {}",
            one_line(&chain(&e))
        ),
    })?;
    let Some(profile) = set.get_profile(name) else {
        let mut known: Vec<&str> = set.profiles().collect();
        known.sort_unstable();
        return Err(ScanError::UnknownProfile {
            profile: name.to_string(),
            config,
            credentials,
            known: if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            },
        });
    };
    Ok(NamedProfile {
        sso: profile.get("sso_start_url").is_some() || profile.get("sso_session").is_some(),
        uses_environment: profile
            .get("credential_source")
            .is_some_and(|s| s.eq_ignore_ascii_case("Environment")),
    })
}

/// A failed credentials load as a [`ScanError`]: an SSO profile's failure
/// names `aws sso login`.
fn credentials_error(
    e: aws_credential_types::provider::error::CredentialsError,
    profile_note: &str,
    profile: Option<&str>,
    named: &Option<NamedProfile>,
) -> ScanError {
    use aws_credential_types::provider::error::CredentialsError;
    let detail = one_line(&chain(&e));
    if let (Some(p), Some(n)) = (profile, named)
        && n.sso
    {
        return ScanError::SsoLogin {
            profile: p.to_string(),
            detail,
        };
    }
    match e {
        CredentialsError::CredentialsNotLoaded(_) if profile.is_none() => {
            ScanError::NoCredentials {
                profile: profile_note.to_string(),
                detail: "checked the environment, the shared config and credentials files, SSO, \
                         web identity, container and instance metadata"
                    .into(),
            }
        }
        CredentialsError::CredentialsNotLoaded(_) => {
            let (config, credentials) = profile_file_paths();
            ScanError::Credentials {
                profile: profile_note.to_string(),
                detail: format!(
                    "the profile in {config} / {credentials} holds no credentials \
                     (aws_access_key_id, role_arn with source_profile or credential_source, \
                     sso_session or sso_start_url, credential_process, web_identity_token_file): \
                     {detail}"
                ),
            }
        }
        _ => ScanError::Credentials {
            profile: profile_note.to_string(),
            detail,
        },
    }
}

/// The source of credentials the SDK's default chain found (no profile
/// named), from the features its providers mark them with.
fn chain_source(creds: &aws_credential_types::Credentials) -> String {
    use aws_credential_types::credential_feature::AwsCredentialFeature as F;
    let features: &[F] = creds
        .get_property::<Vec<F>>()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let has = |f: F| features.contains(&f);
    if has(F::CredentialsSso) || has(F::CredentialsProfileSso) {
        "sso profile default"
    } else if has(F::CredentialsStsAssumeRoleWebId)
        || has(F::CredentialsEnvVarsStsWebIdToken)
        || has(F::CredentialsProfileStsWebIdToken)
    {
        "web identity"
    } else if has(F::CredentialsProcess) || has(F::CredentialsProfileProcess) {
        "credential process"
    } else if has(F::CredentialsEnvVars) {
        "environment"
    } else if features.iter().any(|f| {
        matches!(
            f,
            F::CredentialsProfile
                | F::CredentialsProfileSourceProfile
                | F::CredentialsProfileNamedProvider
        )
    }) {
        "profile default"
    } else if has(F::CredentialsHttp) {
        "container credentials"
    } else if has(F::CredentialsImds) {
        "instance metadata"
    } else {
        "default credential chain"
    }
    .to_string()
}

/// Per-resource fan-out: `--concurrency`, but never above `--max-rps`.
/// More concurrent calls than the cap lets out per second only queue at the
/// gate, and queued time counts toward the per-attempt timeout (the gate is
/// inside the attempt); with the fan-out bounded by the cap, a service's
/// queue drains in seconds. (An AWS call takes well under a second, so the
/// cap, not the fan-out, is what limits throughput then.)
fn fanout(concurrency: usize, max_rps: u32) -> usize {
    let cap = usize::try_from(max_rps).unwrap_or(usize::MAX);
    concurrency.clamp(1, cap.max(1))
}

/// The region the pre-flight clients are signed for.
pub(crate) fn home_region_of(sdk: &SdkConfig) -> &str {
    home_region(sdk)
}

fn home_region(sdk: &SdkConfig) -> &str {
    sdk.region().map(Region::as_ref).unwrap_or("us-east-1")
}

fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5]
            .strip_prefix("role/")
            .is_some_and(|n| !n.is_empty())
}

fn preflight_error<E>(
    service: &'static str,
    err: &SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
) -> ScanError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let detail = one_line(&chain(err));
    match err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => ScanError::Unreachable {
            service,
            endpoint: endpoint_hint(service),
            detail,
        },
        SdkError::ServiceError(se) => {
            let msg = se.err().message().unwrap_or(&detail).to_string();
            match se.err().code() {
                Some(
                    "InvalidClientTokenId"
                    | "SignatureDoesNotMatch"
                    | "ExpiredToken"
                    | "UnrecognizedClientException"
                    | "AccessDenied",
                ) => ScanError::Rejected(one_line(&msg)),
                _ => ScanError::Identity(one_line(&msg)),
            }
        }
        _ => ScanError::Identity(detail),
    }
}

/// Names the endpoint override in force, since that is usually the cause.
pub(crate) fn endpoint_hint(service: &str) -> String {
    let specific = format!("AWS_ENDPOINT_URL_{}", service.to_ascii_uppercase());
    for var in [specific.as_str(), "AWS_ENDPOINT_URL"] {
        if let Ok(url) = std::env::var(var) {
            return format!(" {url} (from {var})");
        }
    }
    String::new()
}

async fn resolve_regions(
    selection: &RegionSelection,
    configured: Option<String>,
    sdk: &SdkConfig,
    recorder: &Arc<Recorder>,
    caps: &RateCaps,
    account: &str,
) -> Result<(Vec<String>, Vec<String>), ScanError> {
    let ec2 = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(sdk)
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Xml))
            .retry_classifier(crate::retry::Unimplemented)
            .interceptor(CallCounter {
                prefix: "ec2",
                recorder: recorder.clone(),
            })
            .http_client(caps.http_client("ec2", home_region(sdk)))
            .build(),
    );
    // Known regions with their opt-in status. Filters are applied here, not
    // server-side (some endpoints ignore them).
    let known: Result<Vec<(String, String)>, String> =
        match ec2.describe_regions().all_regions(true).send().await {
            Ok(out) => Ok(out
                .regions()
                .iter()
                .filter_map(|r| {
                    Some((
                        r.region_name()?.to_string(),
                        r.opt_in_status()
                            .unwrap_or("opt-in-not-required")
                            .to_string(),
                    ))
                })
                .collect()),
            Err(SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)) => {
                return Err(ScanError::Unreachable {
                    service: "ec2",
                    endpoint: endpoint_hint("ec2"),
                    detail: "ec2:DescribeRegions got no answer".into(),
                });
            }
            Err(e) => Err(match &e {
                SdkError::ServiceError(se) => se
                    .err()
                    .code()
                    .map(str::to_string)
                    .unwrap_or_else(|| one_line(&chain(&e))),
                _ => one_line(&chain(&e)),
            }),
        };
    let regions = select_regions(
        selection,
        configured,
        known.as_ref().map(Vec::as_slice).map_err(String::as_str),
        account,
    )?;
    // A failed region list is not a gap in the data, but the names given
    // could not be checked, so it is said even without -v.
    let warnings = match &known {
        Err(why) => vec![format!(
            "ec2:DescribeRegions failed ({why}); the region names were checked by syntax only"
        )],
        Ok(_) => Vec::new(),
    };
    Ok((regions, warnings))
}

/// Resolves the selection against the known regions (`(name, opt-in
/// status)`; the error's reason when `DescribeRegions` failed, then names
/// are checked by syntax only). Sorted, deduplicated.
fn select_regions(
    selection: &RegionSelection,
    configured: Option<String>,
    known: Result<&[(String, String)], &str>,
    account: &str,
) -> Result<Vec<String>, ScanError> {
    let enabled = |status: &str| status == "opt-in-not-required" || status == "opted-in";
    let wanted: Vec<String> = match selection {
        RegionSelection::Configured => vec![configured.ok_or(ScanError::NoRegion)?],
        RegionSelection::Explicit(list) if list.is_empty() => return Err(ScanError::NoRegion),
        RegionSelection::Explicit(list) => list.clone(),
        RegionSelection::AllEnabled => {
            let known = known.map_err(|why| ScanError::NoRegionList(why.to_string()))?;
            known
                .iter()
                .filter(|(_, s)| enabled(s))
                .map(|(n, _)| n.clone())
                .collect()
        }
    };

    let mut out = Vec::new();
    for region in wanted {
        match known {
            Ok(known) => match known.iter().find(|(n, _)| *n == region) {
                Some((_, status)) if enabled(status) => {}
                Some((_, status)) => {
                    return Err(ScanError::RegionNotEnabled {
                        region,
                        account: account.to_string(),
                        status: status.clone(),
                    });
                }
                None => {
                    let mut names: Vec<&str> = known.iter().map(|(n, _)| n.as_str()).collect();
                    names.sort_unstable();
                    return Err(ScanError::UnknownRegion {
                        region,
                        known: names.join(", "),
                    });
                }
            },
            Err(_) if !looks_like_region(&region) => {
                return Err(ScanError::UnknownRegion {
                    region,
                    known: "(ec2:DescribeRegions failed; names look like us-east-1)".into(),
                });
            }
            Err(_) => {}
        }
        if !out.contains(&region) {
            out.push(region);
        }
    }
    out.sort();
    Ok(out)
}

fn looks_like_region(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

impl Session {
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn caller_arn(&self) -> &str {
        &self.caller_arn
    }

    /// Where the credentials came from, in words (the snapshot's
    /// `credential_source`).
    pub fn credential_source(&self) -> &str {
        &self.credential_source
    }

    /// `aws`, `aws-cn`, `aws-us-gov`: from the caller's ARN.
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// The SDK configuration with this session's credentials (for the
    /// organisation listing and the results store, which run as the caller).
    pub(crate) fn sdk_config(&self) -> &SdkConfig {
        &self.sdk
    }

    pub(crate) fn rate_caps(&self) -> &RateCaps {
        &self.caps
    }

    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// Things the pre-flight calls could not do that the user should hear
    /// about even without `-v` (one line each).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The number of progress tasks [`Session::collect`] will report.
    pub fn task_count(&self) -> usize {
        // + IAM, Shield and CloudFront, once each
        self.regions.len() * REGIONAL_SERVICES.len() + 3
    }

    /// Collects every service in every region concurrently.
    pub async fn collect(self, progress: Arc<dyn Progress>) -> Snapshot {
        let ctx = Arc::new(Ctx {
            sdk: self.sdk,
            recorder: self.recorder,
            fanout: self.fanout,
            progress,
            caps: self.caps,
        });

        // Every region and IAM run concurrently on this task; the SDK's
        // connections are driven by the runtime's worker threads.
        let regional = futures::future::join_all(self.regions.iter().map(|region| {
            let ctx = &ctx;
            let account_id = &self.account_id;
            async move {
                (
                    region.clone(),
                    collect_region(ctx, region, account_id).await,
                )
            }
        }));
        let shield_region = crate::shield::control_region(&self.partition, &self.regions);
        // CloudFront's control plane answers where Shield's does.
        let (iam, shield, cloudfront, regional) = tokio::join!(
            crate::iam::collect(&ctx),
            crate::shield::collect(&ctx, shield_region),
            crate::cloudfront::collect(&ctx, shield_region),
            regional
        );
        let regions: std::collections::BTreeMap<_, _> = regional.into_iter().collect();
        let (api_calls, collection_errors) = ctx.recorder.take();

        Snapshot {
            cloudfront: Some(cloudfront),
            shield: Some(shield),
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo {
                name: "rampart".into(),
                version: TOOL_VERSION.into(),
            },
            collected_at: self.started_at,
            scan_duration_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            account_id: self.account_id,
            partition: self.partition,
            caller_arn: self.caller_arn,
            credential_source: Some(self.credential_source),
            api_calls,
            collection_errors,
            iam,
            regions,
        }
    }
}

/// Runs one progress task around a future.
pub(crate) async fn task<T>(
    ctx: &Ctx,
    service: &'static str,
    region: Option<&str>,
    count: impl FnOnce(&T) -> usize,
    fut: impl std::future::Future<Output = T>,
) -> T {
    let task = Task {
        service,
        region: region.map(str::to_string),
    };
    ctx.progress.started(&task);
    let out = fut.await;
    ctx.progress.finished(&task, count(&out));
    out
}

async fn collect_region(ctx: &Ctx, region: &str, account_id: &str) -> RegionInventory {
    let (
        ec2,
        elbv2,
        apigateway,
        apigatewayv2,
        acls,
        ssm,
        autoscaling,
        inspector,
        cloudtrail,
        guardduty,
        ecs,
        cloudmap,
    ) = tokio::join!(
        task(
            ctx,
            "ec2",
            Some(region),
            crate::ec2::count,
            crate::ec2::collect(ctx, region)
        ),
        task(
            ctx,
            "elasticloadbalancing",
            Some(region),
            |i: &rampart_model::Elbv2Inventory| i.load_balancers.len() + i.target_groups.len(),
            crate::elbv2::collect(ctx, region)
        ),
        task(
            ctx,
            "apigateway",
            Some(region),
            |i: &rampart_model::ApiGatewayInventory| i.rest_apis.len() + i.vpc_links.len(),
            crate::apigateway::collect(ctx, region)
        ),
        task(
            ctx,
            "apigatewayv2",
            Some(region),
            |i: &rampart_model::ApiGatewayV2Inventory| i.apis.len() + i.vpc_links.len(),
            crate::apigatewayv2::collect(ctx, region)
        ),
        async {
            let task = Task {
                service: "wafv2",
                region: Some(region.to_string()),
            };
            ctx.progress.started(&task);
            crate::wafv2::collect_acls(ctx, region).await
        },
        task(
            ctx,
            "ssm",
            Some(region),
            crate::ssm::count,
            crate::ssm::collect(ctx, region)
        ),
        task(
            ctx,
            "autoscaling",
            Some(region),
            crate::autoscaling::count,
            crate::autoscaling::groups(ctx, region)
        ),
        task(
            ctx,
            "inspector2",
            Some(region),
            crate::inspector::count,
            crate::inspector::collect(ctx, region, account_id)
        ),
        task(
            ctx,
            "cloudtrail",
            Some(region),
            crate::cloudtrail::count,
            crate::cloudtrail::collect(ctx, region)
        ),
        task(
            ctx,
            "guardduty",
            Some(region),
            crate::guardduty::count,
            crate::guardduty::collect(ctx, region)
        ),
        task(
            ctx,
            "ecs",
            Some(region),
            crate::ecs::count,
            crate::ecs::collect(ctx, region)
        ),
        task(
            ctx,
            "servicediscovery",
            Some(region),
            crate::cloudmap::count,
            crate::cloudmap::collect(ctx, region)
        ),
    );
    let mut inv = RegionInventory {
        ec2,
        elbv2,
        apigateway,
        apigatewayv2,
        ssm: Some(ssm),
        ..Default::default()
    };
    // The keys behind the volumes: after EC2, which names them; the
    // certificates of the TLS hops: after the listeners and domains; what
    // the groups launch from (and the AMIs those name that no instance
    // runs): after the groups.
    let (kms, acm, (autoscaling, images)) = tokio::join!(
        task(
            ctx,
            "kms",
            Some(region),
            crate::kms::count,
            crate::kms::collect(ctx, region, &inv.ec2),
        ),
        task(
            ctx,
            "acm",
            Some(region),
            crate::acm::count,
            crate::acm::collect(ctx, region, &inv),
        ),
        crate::autoscaling::complete(ctx, region, autoscaling, &inv.ec2),
    );
    if let Some(have) = inv.ec2.images.as_mut() {
        have.extend(images);
        have.sort_by(|a, b| a.image_id.cmp(&b.image_id));
        have.dedup_by(|a, b| a.image_id == b.image_id);
    }
    inv.kms = Some(kms);
    inv.acm = Some(acm);
    inv.autoscaling = Some(autoscaling);
    inv.inspector = Some(inspector);
    inv.cloudtrail = Some(cloudtrail);
    inv.guardduty = Some(guardduty);
    inv.ecs = Some(ecs);
    inv.cloudmap = Some(cloudmap);
    // WAF associations may need the stages and load balancers (fallback when
    // the per-ACL listing is unavailable), so they come last.
    inv.wafv2 = crate::wafv2::associate(ctx, region, acls, &inv.apigateway, &inv.elbv2).await;
    ctx.progress.finished(
        &Task {
            service: "wafv2",
            region: Some(region.to_string()),
        },
        inv.wafv2.web_acls.len(),
    );
    inv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_are_validated_in_every_partition() {
        assert!(is_role_arn("arn:aws:iam::123456789012:role/Audit"));
        assert!(is_role_arn(
            "arn:aws-us-gov:iam::123456789012:role/path/Audit"
        ));
        assert!(!is_role_arn("arn:aws:iam::123456789012:user/Audit"));
        assert!(!is_role_arn("arn:aws:iam::12345:role/Audit"));
        assert!(!is_role_arn("Audit"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:role/"));
    }

    fn known() -> Vec<(String, String)> {
        [
            ("us-east-1", "opt-in-not-required"),
            ("eu-west-1", "opt-in-not-required"),
            ("af-south-1", "not-opted-in"),
            ("me-south-1", "opted-in"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
    }

    #[test]
    fn all_regions_means_the_enabled_ones() {
        let k = known();
        let got = select_regions(&RegionSelection::AllEnabled, None, Ok(&k), "1").unwrap();
        assert_eq!(got, vec!["eu-west-1", "me-south-1", "us-east-1"]);
        let e = select_regions(&RegionSelection::AllEnabled, None, Err("AccessDenied"), "1")
            .unwrap_err();
        let line = e.to_string();
        assert!(matches!(e, ScanError::NoRegionList(_)), "{line}");
        assert!(
            line.contains("ec2:DescribeRegions")
                && line.contains("AccessDenied")
                && line.contains("--region")
                && !line.contains("sts:"),
            "{line}"
        );
    }

    #[test]
    fn explicit_regions_are_validated_deduplicated_and_sorted() {
        let k = known();
        let pick = |r: &[&str]| {
            select_regions(
                &RegionSelection::Explicit(r.iter().map(|s| s.to_string()).collect()),
                None,
                Ok(&k),
                "123",
            )
        };
        assert_eq!(
            pick(&["us-east-1", "eu-west-1", "us-east-1"]).unwrap(),
            vec!["eu-west-1", "us-east-1"]
        );
        assert!(matches!(
            pick(&["us-east-9"]),
            Err(ScanError::UnknownRegion { .. })
        ));
        let e = pick(&["af-south-1"]).unwrap_err();
        assert!(matches!(e, ScanError::RegionNotEnabled { .. }), "{e}");
        assert!(e.to_string().contains("not-opted-in"));
        assert!(matches!(pick(&[]), Err(ScanError::NoRegion)));
        // Without DescribeRegions, only the syntax is checked.
        let blind = |r: &str| {
            select_regions(
                &RegionSelection::Explicit(vec![r.into()]),
                None,
                Err("denied"),
                "1",
            )
        };
        assert_eq!(blind("ap-south-2").unwrap(), vec!["ap-south-2"]);
        assert!(blind("nowhere").is_err());
    }

    #[test]
    fn configured_region_is_the_default() {
        let k = known();
        assert_eq!(
            select_regions(
                &RegionSelection::Configured,
                Some("eu-west-1".into()),
                Ok(&k),
                "1"
            )
            .unwrap(),
            vec!["eu-west-1"]
        );
        assert!(matches!(
            select_regions(&RegionSelection::Configured, None, Ok(&k), "1"),
            Err(ScanError::NoRegion)
        ));
    }

    #[test]
    fn the_default_chains_source_is_named_from_the_credentials_features() {
        use aws_credential_types::Credentials;
        use aws_credential_types::credential_feature::AwsCredentialFeature as F;
        let with = |features: &[F]| {
            let mut c = Credentials::new("AKID", "secret", None, None, "test");
            c.get_property_mut_or_default::<Vec<F>>()
                .extend_from_slice(features);
            chain_source(&c)
        };
        assert_eq!(with(&[F::CredentialsEnvVars]), "environment");
        assert_eq!(with(&[F::CredentialsProfile]), "profile default");
        assert_eq!(
            with(&[F::CredentialsSso, F::CredentialsProfile]),
            "sso profile default"
        );
        assert_eq!(with(&[F::CredentialsStsAssumeRoleWebId]), "web identity");
        assert_eq!(with(&[F::CredentialsHttp]), "container credentials");
        assert_eq!(with(&[F::CredentialsImds]), "instance metadata");
        assert_eq!(
            with(&[F::CredentialsProcess, F::CredentialsProfile]),
            "credential process"
        );
        assert_eq!(with(&[]), "default credential chain");
    }

    #[test]
    fn fanout_never_exceeds_the_rate_cap() {
        assert_eq!(fanout(8, 10), 8);
        assert_eq!(fanout(64, 10), 10);
        assert_eq!(fanout(8, 2), 2);
        assert_eq!(fanout(0, 10), 1);
        assert_eq!(fanout(8, 0), 1);
    }

    #[test]
    fn region_syntax_fallback() {
        assert!(looks_like_region("us-east-1"));
        assert!(looks_like_region("us-gov-west-1"));
        assert!(looks_like_region("ap-southeast-5"));
        assert!(!looks_like_region("us-east"));
        assert!(!looks_like_region("US-EAST-1"));
        assert!(!looks_like_region("us east 1"));
    }
}
