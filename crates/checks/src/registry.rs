//! The check framework: the [`Check`] trait, the evaluation [`Context`],
//! the single sorted registry [`CHECKS`], and [`run`], which turns every
//! check's outcomes into findings. Adding a check is one file under
//! `checks/<layer>/` plus one line in [`CHECKS`] plus its metadata file.

use std::collections::BTreeSet;

use rampart_model::*;

use crate::index::Index;
use crate::paths::Exposures;

/// What a check sees: the snapshot, its index, the exposure paths and the
/// settings of `rampart.toml` ([`Context::with_settings`]; the defaults
/// otherwise).
pub struct Context<'s> {
    pub snapshot: &'s Snapshot,
    pub index: &'s Index<'s>,
    pub exposures: &'s Exposures,
    pub settings: &'s rampart_model::config::Settings,
    /// [`Context::backends`], found once for every check that asks.
    backends: std::sync::OnceLock<Vec<(&'s str, &'s Instance)>>,
    /// What the backend-scoped network checks share, found once
    /// ([`crate::checks::network::scope`]).
    pub(crate) scope: std::sync::OnceLock<crate::checks::network::scope::Scope<'s>>,
    pub(crate) carriers: std::sync::OnceLock<crate::checks::network::scope::Carriers<'s>>,
    /// What each region's data names ([`Context::named_in`]), gathered
    /// when a check first asks (only snapshots with gaps ask).
    pub(crate) names: std::sync::OnceLock<crate::named::Names>,
    /// Systems Manager's records by region and instance id, indexed when a
    /// check first asks ([`crate::checks::instance::ssm_state`]).
    pub(crate) ssm: std::sync::OnceLock<crate::checks::instance::ssm_state::SsmIndex<'s>>,
    /// The certificates on the exposure paths, found when a certificate
    /// check first asks ([`crate::checks::data::certificates`]).
    pub(crate) certificates: std::sync::OnceLock<crate::checks::data::certificates::OnPaths<'s>>,
    /// What the Auto Scaling groups launch ([`crate::fleets`]), found when
    /// a check first asks.
    pub(crate) fleets: std::sync::OnceLock<crate::fleets::Fleets<'s>>,
    /// The CloudFront distributions in front of backends
    /// ([`crate::checks::edge::cloudfront`]), found when a check first asks.
    pub(crate) fronts: std::sync::OnceLock<crate::checks::edge::cloudfront::Fronts<'s>>,
    /// Inspector's coverage and findings by (region, instance id)
    /// ([`crate::checks::instance::inspector_state`]).
    pub(crate) inspector:
        std::sync::OnceLock<crate::checks::instance::inspector_state::InspectorIndex<'s>>,
    /// [`Context::ec2_arn`]'s instance ARNs, built when first asked.
    instance_arns: std::sync::OnceLock<InstanceArns<'s>>,
}

/// Every backend's ARN by region and id ([`Context::ec2_arn`]), and the
/// same by where the id's text lives: the ids checks pass are nearly
/// always the snapshot's own strings, and their address finds the ARN
/// without hashing or comparing the text (a tenth of `ec2_arn`'s time was
/// that, at a million resources).
struct InstanceArns<'s> {
    by_region: foldhash::HashMap<&'s str, foldhash::HashMap<&'s str, SharedStr>>,
    /// (address, length) of the id's text -> (region, ARN).
    by_text: foldhash::HashMap<(usize, usize), (&'s str, SharedStr)>,
}

/// Where a string's text lives, as [`InstanceArns::by_text`] keys it.
fn text_key(s: &str) -> (usize, usize) {
    (s.as_ptr() as usize, s.len())
}

/// One verdict of one check on one resource, before it becomes a [`Finding`].
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Shared ([`Context::ec2_arn`] hands out one per instance).
    pub resource_arn: SharedStr,
    pub region: Option<String>,
    pub status: Status,
    pub message: String,
    pub path: Option<Box<ExposurePath>>,
    /// The backends (instance ARNs) a finding on a shared resource exposes;
    /// see [`Finding::affected`]. Sorted and deduplicated by [`run`].
    pub affected: Vec<SharedStr>,
    /// This outcome's severity when it differs from the check's metadata
    /// (e.g. a latent exposure that a path makes critical); `None` for the
    /// check's own severity.
    pub severity: Option<Severity>,
}

pub trait Check: Sync {
    /// The metadata from `checks/<layer>/<ID>.toml`.
    fn meta(&self) -> &'static CheckMeta;
    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome>;
}

/// Compiles a check's metadata file in, from the same literal as its id, so
/// a missing file fails the build; parsed and validated once.
#[macro_export]
macro_rules! check_meta {
    ($layer:literal, $id:literal) => {{
        static META: std::sync::OnceLock<rampart_model::CheckMeta> = std::sync::OnceLock::new();
        META.get_or_init(|| {
            rampart_model::CheckMeta::from_toml(
                $id,
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../checks/",
                    $layer,
                    "/",
                    $id,
                    ".toml"
                )),
            )
            // The catalogue test parses every file, so this cannot fire in a
            // tested build.
            .unwrap_or_else(|e| panic!("{e}"))
        })
    }};
}

use crate::checks::{data, detect, edge, instance, network};

/// Every check, sorted by id (the catalogue test enforces the order).
pub static CHECKS: &[&dyn Check] = &[
    &data::ebs_volume_unencrypted::EbsVolumeUnencrypted,
    &data::ebs_encryption_by_default_off::EbsEncryptionByDefaultOff,
    &data::api_stage_without_access_logs::ApiStageWithoutAccessLogs,
    &data::lb_access_logs_disabled::LbAccessLogsDisabled,
    &data::internal_hop_without_tls::InternalHopWithoutTls,
    &data::api_stage_without_tracing::ApiStageWithoutTracing,
    &data::api_cache_unencrypted::ApiCacheUnencrypted,
    &data::ebs_key_unusable::EbsKeyUnusable,
    &data::ebs_key_not_rotated::EbsKeyNotRotated,
    &data::ebs_key_aws_managed::EbsKeyAwsManaged,
    &data::certificate_expiring::CertificateExpiring,
    &data::certificate_weak_key::CertificateWeakKey,
    &data::certificate_not_auto_renewed::CertificateNotAutoRenewed,
    &detect::cloudtrail_not_recording::CloudTrailNotRecording,
    &detect::guardduty_not_enabled::GuardDutyNotEnabled,
    &detect::guardduty_runtime_monitoring_off::GuardDutyRuntimeMonitoringOff,
    &edge::backend_bypasses_gateway::BackendBypassesGateway,
    &edge::api_stage_without_waf::ApiStageWithoutWaf,
    &edge::waf_without_managed_rules::WafWithoutManagedRules,
    &edge::waf_without_rate_rule::WafWithoutRateRule,
    &edge::waf_not_blocking::WafNotBlocking,
    &edge::api_method_without_auth::ApiMethodWithoutAuth,
    &edge::api_stage_without_throttling::ApiStageWithoutThrottling,
    &edge::private_api_without_vpce_policy::PrivateApiWithoutVpcePolicy,
    &edge::waf_logging_disabled::WafLoggingDisabled,
    &edge::api_backend_without_mtls::ApiBackendWithoutMtls,
    &edge::waf_without_use_case_rules::WafWithoutUseCaseRules,
    &edge::api_domain_tls_policy::ApiDomainTlsPolicy,
    &edge::api_default_endpoint::ApiDefaultEndpointEnabled,
    &edge::entry_without_shield_advanced::EntryWithoutShieldAdvanced,
    &edge::cloudfront_viewer_tls::CloudFrontViewerTls,
    &edge::cloudfront_origin_tls::CloudFrontOriginTls,
    &edge::cloudfront_without_waf::CloudFrontWithoutWaf,
    &edge::cloudfront_origin_header::CloudFrontOriginHeader,
    &instance::imdsv1_allowed::Imdsv1Allowed,
    &instance::instance_without_role::InstanceWithoutRole,
    &instance::instance_role_admin::InstanceRoleAdmin,
    &instance::instance_role_wildcards::InstanceRoleWildcards,
    &instance::ssh_key_with_open_admin_port::SshKeyWithOpenAdminPort,
    &instance::imds_hop_limit_above_one::ImdsHopLimitAboveOne,
    &instance::backend_not_managed_by_ssm::BackendNotManagedBySsm,
    &instance::backend_missing_patches::BackendMissingPatches,
    &instance::backend_ami_outdated::BackendAmiOutdated,
    &instance::backend_ami_untrusted::BackendAmiUntrusted,
    &instance::inspector_ec2_scanning_disabled::InspectorEc2ScanningDisabled,
    &instance::backend_not_scanned_by_inspector::BackendNotScannedByInspector,
    &instance::backend_critical_vulnerabilities::BackendCriticalVulnerabilities,
    &instance::task_containers::TaskContainerPrivileged,
    &instance::task_containers::TaskContainerRunsAsRoot,
    &instance::task_containers::TaskContainerWritableRoot,
    &network::backend_in_public_subnet::BackendInPublicSubnet,
    &network::backend_has_public_ip::BackendHasPublicIp,
    &network::integration_not_via_vpc_link::IntegrationNotViaVpcLink,
    &network::backend_sg_app_port_open_wide::BackendSgAppPortOpenWide,
    &network::admin_port_open_to_internet::AdminPortOpenToInternet,
    &network::all_traffic_open_to_internet::AllTrafficOpenToInternet,
    &network::egress_unrestricted::EgressUnrestricted,
    &network::nacl_allows_all_inbound::NaclAllowsAllInbound,
    &network::nacl_admin_ports_open::NaclAdminPortsOpen,
    &network::internet_facing_lb_to_backend::InternetFacingLbToBackend,
    &network::lb_listener_without_tls::LbListenerWithoutTls,
    &network::default_sg_allows_traffic::DefaultSgAllowsTraffic,
    &network::vpc_flow_logs_disabled::VpcFlowLogsDisabled,
    &network::subnet_auto_assigns_public_ip::SubnetAutoAssignsPublicIp,
    &network::high_risk_port_open_to_internet::HighRiskPortOpenToInternet,
];

/// Runs the selected checks (all when `only` is empty) and returns findings
/// sorted by check id, then resource.
pub fn run(snapshot: &Snapshot, index: &Index<'_>, only: &BTreeSet<String>) -> Vec<Finding> {
    run_with(snapshot, index, &Exposures::compute(index), only)
}

/// [`run`] with exposure paths already computed.
pub fn run_with(
    snapshot: &Snapshot,
    index: &Index<'_>,
    exposures: &Exposures,
    only: &BTreeSet<String>,
) -> Vec<Finding> {
    run_configured(snapshot, index, exposures, only, &DEFAULT_SETTINGS)
}

/// What an absent `rampart.toml` means.
static DEFAULT_SETTINGS: rampart_model::config::Settings = rampart_model::config::Settings {
    edge: rampart_model::config::EdgeSettings { front_doors: None },
    waf: rampart_model::config::WafSettings {
        use_case_groups: None,
        require: Vec::new(),
    },
    instance: rampart_model::config::InstanceSettings {
        patch_max_age_days: None,
        ami_max_age_days: None,
        trusted_ami_owners: Vec::new(),
    },
    data: rampart_model::config::DataSettings {
        require_customer_managed_keys: false,
        certificate_expiry_days: None,
    },
};

/// [`run_with`] under the settings of a `rampart.toml`.
pub fn run_configured(
    snapshot: &Snapshot,
    index: &Index<'_>,
    exposures: &Exposures,
    only: &BTreeSet<String>,
    settings: &rampart_model::config::Settings,
) -> Vec<Finding> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Mutex, PoisonError};
    let cx = Context::new(snapshot, index, exposures).with_settings(settings);
    // Checks are independent pure functions of the context: run them on
    // every core, each turning its own outcomes into findings, sorted (the
    // order is check id first, so the per-check lists joined in id order
    // are the whole sorted list). The lists are then moved into one vector
    // of exactly their number, each freed as soon as it is moved.
    //
    // The checks are taken from one queue, slowest first, by as many
    // threads as the pool has: with rayon's halving split one thread could
    // be left running a slow check alone at the end (the phase at 1.3
    // million findings took 1.6x its CPU time on two cores, not 2x).
    let mut queue: Vec<&dyn Check> = CHECKS
        .iter()
        .copied()
        .filter(|check| only.is_empty() || only.contains(&check.meta().id))
        .collect();
    queue.sort_by_key(|check| {
        SLOWEST_FIRST
            .iter()
            .position(|id| *id == check.meta().id)
            .unwrap_or(usize::MAX)
    });
    let shared = Shared::of(snapshot);
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::with_capacity(queue.len()));
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads() {
            s.spawn(|_| {
                while let Some(check) = queue.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let run = run_one(*check, &cx, &shared);
                    done.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(run);
                }
            });
        }
    });
    let mut per_check = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    per_check.sort_unstable_by(|a, b| a.0.id.cmp(&b.0.id));
    let mut out = Vec::with_capacity(per_check.iter().map(|(_, f)| f.len()).sum());
    for (_, findings) in per_check {
        out.extend(findings);
    }
    out
}

/// The strings every finding shares (SharedStr): one per check id, one per
/// region and the account, so a finding clones a reference, not the text.
struct Shared {
    ids: foldhash::HashMap<&'static str, rampart_model::SharedStr>,
    regions: foldhash::HashMap<String, rampart_model::SharedStr>,
    account: rampart_model::SharedStr,
}

impl Shared {
    fn of(snapshot: &Snapshot) -> Shared {
        Shared {
            ids: CHECKS
                .iter()
                .map(|check| {
                    let id = check.meta().id.as_str();
                    (id, id.into())
                })
                .collect(),
            regions: snapshot
                .regions
                .keys()
                .map(|r| (r.clone(), r.as_str().into()))
                .collect(),
            account: snapshot.account_id.as_str().into(),
        }
    }

    fn region(&self, region: Option<String>) -> Option<rampart_model::SharedStr> {
        region.map(|r| match self.regions.get(&r) {
            Some(shared) => shared.clone(),
            None => r.into(),
        })
    }
}

/// The checks that took longest at a million resources (`EVAL_SIZES=100000
/// EVAL_PER_CHECK=100000 cargo bench -p rampart-checks --bench evaluate`
/// prints them; measured 2026-12-07 with tasks, CloudFront and the detect
/// checks), slowest first, down to about 90 ms: started
/// first so that the short ones fill in around them. Only the order of work
/// depends on this list, never a result.
const SLOWEST_FIRST: &[&str] = &[
    "NET-007", "NET-004", "NET-002", "DATA-001", "INST-007", "INST-008", "INST-006", "NET-015",
    "INST-013", "EDGE-001", "INST-010", "NET-006", "INST-002", "INST-012", "INST-001", "DATA-013",
    "DATA-010", "NET-005", "INST-009", "INST-003", "DATA-008", "INST-005", "DATA-009", "NET-001",
    "INST-004", "DATA-012", "NET-008", "DATA-011", "NET-013", "EDGE-014", "EDGE-016", "EDGE-018",
    "EDGE-017", "DATA-005", "EDGE-015", "NET-003",
];

/// One check's findings, sorted by resource, then fingerprint.
fn run_one(
    check: &dyn Check,
    cx: &Context<'_>,
    shared: &Shared,
) -> (&'static CheckMeta, Vec<Finding>) {
    let meta = check.meta();
    let mut evaluated = check.evaluate(cx);
    // A resource other data names keeps its own verdict when its list is
    // missing (issue 14 item 3): applied here, so no check can forget.
    let stand_ins = crate::named::stand_ins(cx, &evaluated);
    evaluated.extend(stand_ins);
    let check_id = &shared.ids[meta.id.as_str()];
    let mut findings: Vec<Finding> = evaluated
        .into_iter()
        .map(|mut o| {
            o.affected.sort_unstable();
            o.affected.dedup();
            Finding {
                fingerprint: fingerprint(&meta.id, &o.resource_arn, o.path.as_deref()),
                check_id: check_id.clone(),
                severity: o.severity.unwrap_or(meta.severity),
                status: o.status,
                resource_arn: o.resource_arn,
                account_id: shared.account.clone(),
                region: shared.region(o.region),
                message: o.message,
                path: o.path,
                affected: o.affected,
                suppressed: None,
                baseline: None,
            }
        })
        .collect();
    findings.sort_unstable_by(|a, b| {
        (&a.resource_arn, &a.fingerprint).cmp(&(&b.resource_arn, &b.fingerprint))
    });
    (meta, findings)
}

impl<'s> Context<'s> {
    pub fn new(snapshot: &'s Snapshot, index: &'s Index<'s>, exposures: &'s Exposures) -> Self {
        Context {
            snapshot,
            index,
            exposures,
            settings: &DEFAULT_SETTINGS,
            backends: std::sync::OnceLock::new(),
            scope: std::sync::OnceLock::new(),
            carriers: std::sync::OnceLock::new(),
            names: std::sync::OnceLock::new(),
            ssm: std::sync::OnceLock::new(),
            certificates: std::sync::OnceLock::new(),
            fleets: std::sync::OnceLock::new(),
            fronts: std::sync::OnceLock::new(),
            inspector: std::sync::OnceLock::new(),
            instance_arns: std::sync::OnceLock::new(),
        }
    }

    /// The context under the settings of a `rampart.toml`.
    pub fn with_settings(self, settings: &'s rampart_model::config::Settings) -> Self {
        Context { settings, ..self }
    }

    /// Why a check cannot be evaluated in `region`: the first of `operations`
    /// (keys like `ec2:DescribeInstances`) that has a collection error there.
    pub fn not_collected(&self, region: Option<&str>, operations: &[&str]) -> Option<String> {
        operations.iter().find_map(|op| {
            self.snapshot.errors_for(op, region).next().map(|e| {
                format!(
                    "{op} was not collected ({}: {})",
                    e.kind.as_str(),
                    e.message
                )
            })
        })
    }

    /// A not-evaluated outcome for a whole region when one of `operations`
    /// failed there: without the list there is no resource to pass or fail.
    /// The resource is `KIND/*` in that region.
    pub fn region_gap(&self, region: &str, operations: &[&str], kind: &str) -> Option<Outcome> {
        let reason = self.not_collected(Some(region), operations)?;
        Some(Outcome::new(
            self.ec2_arn(region, kind, "*"),
            region,
            Status::NotEvaluated(reason),
            format!("{kind} data in {region} was not collected"),
        ))
    }

    /// The one outcome standing for `region`'s load balancers when their
    /// list was not collected, on
    /// `arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/*`.
    pub fn load_balancer_gap(&self, region: &str) -> Option<Outcome> {
        use crate::paths::inputs::Input;
        let why = self.not_collected(Some(region), &[Input::LoadBalancers.operation()])?;
        Some(Outcome::new(
            format!(
                "arn:{}:elasticloadbalancing:{region}:{}:loadbalancer/*",
                self.snapshot.partition, self.snapshot.account_id
            ),
            region,
            Status::NotEvaluated(why),
            format!("load balancers in {region} were not collected"),
        ))
    }

    /// Why `region`'s exposure paths may lack some path: a list they walk
    /// whole, or any data they read, was not collected there. A check that
    /// judges a resource only where a path reaches it reports the
    /// resources that may be reached as not evaluated with this reason,
    /// never drops them (issue 14 item 3).
    pub fn path_gap(&self, region: &str) -> Option<String> {
        self.exposures
            .gap(region)
            .map(str::to_string)
            .or_else(|| self.not_collected(Some(region), &self.exposures.inputs(region)))
    }

    /// [`Context::region_gap`] for every region whose instance list is missing.
    pub fn instance_gaps(&self) -> Vec<Outcome> {
        self.snapshot
            .region_names()
            .filter_map(|r| self.region_gap(r, &["ec2:DescribeInstances"], "instance"))
            .collect()
    }

    /// `arn:PARTITION:ec2:REGION:ACCOUNT:KIND/ID`; for kind `instance` and
    /// the id of an ECS task backend, the task's ARN. An instance's is built
    /// once per run and shared by every finding on it and every list of
    /// backends naming it: at a million resources 2.7 million ARNs, 220 MB
    /// as their own strings (docs/performance.md).
    pub fn ec2_arn(&self, region: &str, kind: &str, id: &str) -> SharedStr {
        if kind == "instance" {
            let arns = self
                .instance_arns
                .get_or_init(|| self.build_instance_arns());
            if let Some((r, arn)) = arns.by_text.get(&text_key(id))
                && *r == region
            {
                return arn.clone();
            }
            if let Some(arn) = arns.by_region.get(region).and_then(|r| r.get(id)) {
                return arn.clone();
            }
        }
        crate::index::ec2_arn(
            &self.snapshot.partition,
            region,
            &self.snapshot.account_id,
            kind,
            id,
        )
        .into()
    }

    /// The ARN of each backend of `region` by its id: an instance's by
    /// its instance id, an ECS task's (`CLUSTER/ID`, never an instance
    /// id) by its backend id, so every list of backends and every finding
    /// on one names it right. Look the region up once and each id in it,
    /// rather than [`Context::ec2_arn`] per id, where a list is long.
    pub fn backend_arns(&self, region: &str) -> Option<&foldhash::HashMap<&'s str, SharedStr>> {
        self.instance_arns
            .get_or_init(|| self.build_instance_arns())
            .by_region
            .get(region)
    }

    fn build_instance_arns(&self) -> InstanceArns<'s> {
        let snap = self.snapshot;
        let by_region: foldhash::HashMap<&'s str, foldhash::HashMap<&'s str, SharedStr>> = snap
            .regions
            .iter()
            .map(|(region, inv)| {
                let mut arns: foldhash::HashMap<&'s str, SharedStr> = inv
                    .ec2
                    .instances
                    .iter()
                    .map(|i| {
                        let arn = crate::index::ec2_arn(
                            &snap.partition,
                            region,
                            &snap.account_id,
                            "instance",
                            &i.instance_id,
                        );
                        (i.instance_id.as_str(), SharedStr::from(arn))
                    })
                    .collect();
                if let Some(rix) = self.index.regions.get(region.as_str()) {
                    arns.extend(
                        rix.tasks
                            .iter()
                            .map(|(id, t)| (*id, SharedStr::from(t.task_arn.as_str()))),
                    );
                }
                (region.as_str(), arns)
            })
            .collect();
        let by_text = by_region
            .iter()
            .flat_map(|(region, arns)| {
                arns.iter()
                    .map(|(id, arn)| (text_key(id), (*region, arn.clone())))
            })
            .collect();
        InstanceArns { by_region, by_text }
    }

    /// Backends (DESIGN.md): instances that are a load balancer target or
    /// that the internet reaches by some path, as (region, instance).
    pub fn backends(&self) -> &[(&'s str, &'s Instance)] {
        self.backends.get_or_init(|| {
            self.live_instances()
                .filter(|(region, i)| {
                    let rix = self.index.regions.get(region);
                    self.exposures.is_backend(rix, region, &i.instance_id)
                })
                .collect()
        })
    }

    /// ECS tasks that are backends (reached by some path or a load
    /// balancer target), as (region, task).
    pub fn task_backends(&self) -> Vec<(&'s str, &'s EcsTask)> {
        self.live_tasks()
            .filter(|(region, t)| {
                let rix = self.index.regions.get(region);
                self.exposures.is_backend(rix, region, t.backend_id())
            })
            .collect()
    }

    /// Running tasks, per region.
    pub fn live_tasks(&self) -> impl Iterator<Item = (&'s str, &'s EcsTask)> + use<'s> {
        let snapshot: &'s Snapshot = self.snapshot;
        snapshot.regions.iter().flat_map(|(r, inv)| {
            inv.ecs
                .iter()
                .flat_map(EcsInventory::tasks)
                .filter(|t| t.is_live())
                .map(move |t| (r.as_str(), t))
        })
    }

    /// Not-evaluated outcomes, filed on `task/*`, for every region whose
    /// task list is incomplete (clusters, or some cluster's tasks, not
    /// collected).
    pub fn task_gaps(&self) -> Vec<Outcome> {
        self.snapshot
            .region_names()
            .filter_map(|r| {
                let why = self.not_collected(Some(r), TASK_LISTS)?;
                Some(Outcome::new(
                    format!(
                        "arn:{}:ecs:{r}:{}:task/*",
                        self.snapshot.partition, self.snapshot.account_id
                    ),
                    r,
                    Status::NotEvaluated(why),
                    format!("ECS task data in {r} was not collected"),
                ))
            })
            .collect()
    }

    /// Instances that exist (not terminated or shutting down), per region.
    pub fn live_instances(&self) -> impl Iterator<Item = (&'s str, &'s Instance)> + use<'s> {
        let snapshot: &'s Snapshot = self.snapshot;
        snapshot.regions.iter().flat_map(|(r, inv)| {
            inv.ec2
                .instances
                .iter()
                .filter(|i| crate::paths::is_live(i))
                .map(move |i| (r.as_str(), i))
        })
    }
}

/// The operations that list a region's running ECS tasks: without any of
/// them, which tasks run there is unknown. The exposure paths' own inputs
/// for tasks (a test holds this to every ECS input of [`Input::ALL`]).
///
/// [`Input::ALL`]: crate::paths::inputs::Input::ALL
pub(crate) const TASK_LISTS: &[&str] = {
    use crate::paths::inputs::Input;
    &[
        Input::Clusters.operation(),
        Input::Tasks.operation(),
        Input::TaskDetails.operation(),
    ]
};

/// The reason a check gives for *not evaluated* on `resource`, the first of
/// `operations` that failed for it. `resource` is matched exactly or as a
/// prefix followed by `/` (`GetRolePolicy` records `ROLE_ARN/POLICY`,
/// `GetMethod` records `API/RESOURCE/VERB`).
/// Shared by every check whose inputs are per-resource `Option`s;
/// [`Context::not_collected`] is the region-wide counterpart.
pub(crate) fn why_missing(
    cx: &Context<'_>,
    region: Option<&str>,
    operations: &[&str],
    resource: &str,
) -> String {
    let names = |r: &str| {
        r == resource
            || r.strip_prefix(resource)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    for op in operations {
        if let Some(e) = cx
            .snapshot
            .errors_for(op, region)
            .find(|e| e.resource.as_deref().is_some_and(names))
        {
            return format!(
                "{op} failed for {resource} ({}: {})",
                e.kind.as_str(),
                e.message
            );
        }
    }
    cx.not_collected(region, operations)
        .unwrap_or_else(|| format!("the data for {resource} was not collected"))
}

impl Outcome {
    pub fn new(
        resource_arn: impl Into<SharedStr>,
        region: &str,
        status: Status,
        message: impl Into<String>,
    ) -> Outcome {
        Outcome {
            resource_arn: resource_arn.into(),
            region: Some(region.to_string()),
            status,
            message: message.into(),
            path: None,
            affected: Vec::new(),
            severity: None,
        }
    }

    /// An outcome on a global resource (an IAM role, the Shield Advanced
    /// subscription): no region.
    pub fn global(
        resource_arn: impl Into<SharedStr>,
        status: Status,
        message: impl Into<String>,
    ) -> Outcome {
        Outcome {
            region: None,
            ..Outcome::new(resource_arn, "", status, message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The work order names real checks, each once: a misspelt id would
    /// quietly start a slow check last.
    #[test]
    fn slowest_first_names_each_check_once() {
        let ids: BTreeSet<&str> = CHECKS.iter().map(|c| c.meta().id.as_str()).collect();
        let mut seen = BTreeSet::new();
        for id in SLOWEST_FIRST {
            assert!(ids.contains(id), "{id} is no check");
            assert!(seen.insert(*id), "{id} is listed twice");
        }
    }

    /// The task lists are the exposure paths' ECS task inputs, no more and
    /// no fewer: a new ECS input the paths read joins `TASK_LISTS` (or is
    /// named here as one that does not list tasks).
    #[test]
    fn task_lists_are_the_paths_task_inputs() {
        use crate::paths::inputs::Input;
        let ecs: BTreeSet<&str> = Input::ALL
            .iter()
            .map(|i| i.operation())
            .filter(|op| op.starts_with("ecs:"))
            .collect();
        let lists: BTreeSet<&str> = TASK_LISTS.iter().copied().collect();
        assert_eq!(lists, ecs);
    }

    /// Code and `checks/` agree: every metadata file belongs to a registered
    /// check and vice versa, ids sorted and unique, every file valid.
    #[test]
    fn catalogue_and_metadata_files_are_identical() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../checks");
        let mut files = BTreeSet::new();
        for layer in Layer::ALL {
            let dir = root.join(layer.as_str());
            for entry in
                std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let id = name
                    .strip_suffix(".toml")
                    .unwrap_or_else(|| panic!("stray file {}", path.display()));
                let text = std::fs::read_to_string(&path).unwrap();
                let meta = CheckMeta::from_toml(id, &text).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(meta.layer, layer, "{id} sits in checks/{}", layer.as_str());
                files.insert(id.to_string());
            }
        }
        let ids: Vec<String> = CHECKS.iter().map(|c| c.meta().id.clone()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            ids, sorted,
            "CHECKS must be sorted by id, without duplicates"
        );
        assert_eq!(
            ids.into_iter().collect::<BTreeSet<_>>(),
            files,
            "registered checks vs checks/*.toml"
        );
        let slugs: BTreeSet<_> = CHECKS.iter().map(|c| c.meta().slug.as_str()).collect();
        assert_eq!(slugs.len(), CHECKS.len(), "slugs are unique");
    }

    #[test]
    fn run_turns_outcomes_into_fingerprinted_findings() {
        let mut s = crate::testing::snapshot();
        let mut v1 = crate::testing::instance("i-1");
        v1.metadata_options.as_mut().unwrap().http_tokens = Some("optional".into());
        crate::testing::region(&mut s).ec2.instances = vec![v1];
        let index = Index::new(&s);
        let only = BTreeSet::from(["INST-001".to_string()]);
        let findings = run(&s, &index, &only);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            (f.check_id.as_str(), f.status.as_str(), f.severity),
            ("INST-001", "fail", Severity::High)
        );
        assert_eq!(
            f.resource_arn,
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
        );
        assert_eq!(
            f.fingerprint,
            fingerprint("INST-001", &f.resource_arn, None)
        );
        // All checks: no volumes (DATA-001 says nothing), the region setting
        // was never collected (DATA-002 not evaluated), the instance twice.
        let all: Vec<_> = run(&s, &index, &BTreeSet::new())
            .into_iter()
            .map(|f| (f.check_id.to_string(), f.status.as_str()))
            .collect();
        assert_eq!(
            all,
            vec![
                ("DATA-002".to_string(), "not-evaluated"),
                // No trail, no GuardDuty detector in the region.
                ("DET-001".to_string(), "fail"),
                ("DET-002".to_string(), "fail"),
                ("DET-003".to_string(), "fail"),
                // The account does not subscribe to Shield Advanced: said once.
                ("EDGE-014".to_string(), "not-evaluated"),
                ("INST-001".to_string(), "fail"),
                ("INST-002".to_string(), "pass"),
                // The instance names a profile the (empty) IAM inventory lacks.
                ("INST-003".to_string(), "not-evaluated"),
                ("INST-004".to_string(), "not-evaluated"),
                ("INST-005".to_string(), "pass"),
                ("INST-006".to_string(), "pass"),
                // Inspector scans EC2 in the region.
                ("INST-011".to_string(), "pass"),
            ]
        );
    }
}

#[cfg(test)]
mod why_missing_tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn the_error_for_the_resource_wins_over_others() {
        let mut s = snapshot();
        fail(&mut s, "apigateway:GetStages");
        let mut mine = s.collection_errors[0].clone();
        mine.resource = Some("api-1".into());
        mine.message = "mine".into();
        s.collection_errors.push(mine);
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::default();
        let cx = Context::new(&s, &index, &exposures);
        let ops = ["apigateway:GetStages"];
        assert!(why_missing(&cx, Some(REGION), &ops, "api-1").contains("mine"));
        assert!(why_missing(&cx, Some(REGION), &ops, "api-2").contains("denied"));
        assert!(why_missing(&cx, None, &ops, "api-1").contains("api-1 was not collected"));
    }
}
