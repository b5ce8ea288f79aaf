//! Fleets (issue 15 item 3): what each Auto Scaling group will launch,
//! judged as the backend it will become. A group launches from launch
//! template versions (its own `LaunchTemplate`, or its mixed instances
//! policy's) or from a launch configuration; each distinct version or
//! configuration is one [`Launch`], listing the groups that use it, their
//! target groups and their current members (the finding's `affected`, so a
//! member's scorecard card shows its template's verdicts).
//!
//! The instance checks that judge a live instance's settings (INST-001
//! IMDSv1, INST-002 no role, INST-006 hop limit), DATA-001 (unencrypted
//! EBS) and NET-002 (public address, for launches whose instances will be
//! backends) judge every launch here too, on the template version
//! (`arn:...:launch-template/lt-ID/version/N`) or the configuration's ARN.
//! INST-003 and INST-004 judge the role a launch's instance profile holds,
//! on the role, naming the launch
//! ([`crate::checks::instance::role_grants::per_role`]); NET-004 and NET-007
//! judge a backend launch's security groups ([`Launch::security_groups`]).
//! What AWS applies when a template leaves a setting unset is resolved as
//! AWS resolves it at launch ([`Launch::imds`], [`Launch::volumes`],
//! [`Launch::public_ip`]); where that depends on data that was not
//! collected, the verdict is *not evaluated*, never a pass.

use std::collections::BTreeMap;

use rampart_model::*;

use crate::registry::{Context, Outcome, why_missing};

/// The operations every launch verdict reads: without the groups there is
/// nothing to judge; without the templates, versions or configurations, the
/// launch is unknown.
pub(crate) const GROUPS: &str = "autoscaling:DescribeAutoScalingGroups";
pub(crate) const TEMPLATES: &str = "ec2:DescribeLaunchTemplates";
pub(crate) const VERSIONS: &str = "ec2:DescribeLaunchTemplateVersions";
pub(crate) const CONFIGURATIONS: &str = "autoscaling:DescribeLaunchConfigurations";
pub(crate) const IMDS_DEFAULTS: &str = "ec2:GetInstanceMetadataDefaults";

/// One launch template version or launch configuration some group uses.
pub(crate) struct Launch<'s> {
    pub region: &'s str,
    /// The resource a finding is filed on.
    pub arn: SharedStr,
    /// `launch template web (lt-0abc) version 3`, `launch configuration old`.
    pub label: String,
    pub spec: &'s LaunchSpec,
    pub groups: Vec<&'s AutoScalingGroup>,
    /// ARNs of the groups' current (live) instances.
    pub members: Vec<SharedStr>,
    /// Whether its instances will be backends: a group feeds a target
    /// group, or a current member is a backend.
    pub backend_bound: bool,
}

/// Every launch of the snapshot, and what could not be resolved.
#[derive(Default)]
pub(crate) struct Fleets<'s> {
    pub launches: Vec<Launch<'s>>,
    /// Not-evaluated outcomes every launch-judging check reports: regions
    /// without the group list, launches that could not be read.
    pub gaps: Vec<Outcome>,
}

impl<'s> Fleets<'s> {
    pub fn of<'c>(cx: &'c Context<'s>) -> &'c Fleets<'s> {
        cx.fleets.get_or_init(|| Fleets::find(cx))
    }

    fn find(cx: &Context<'s>) -> Fleets<'s> {
        let mut out = Fleets::default();
        for (region, inv) in &cx.snapshot.regions {
            let region = region.as_str();
            let Some(asg) = &inv.autoscaling else {
                out.gaps.extend(unknown_launches(
                    cx,
                    region,
                    "Auto Scaling data is not in this snapshot (written before schema version 6): re-scan"
                        .into(),
                ));
                continue;
            };
            if let Some(why) = cx.not_collected(Some(region), &[GROUPS]) {
                out.gaps.extend(unknown_launches(cx, region, why));
                continue;
            }
            let live: BTreeMap<&str, &Instance> = inv
                .ec2
                .instances
                .iter()
                .filter(|i| crate::paths::is_live(i))
                .map(|i| (i.instance_id.as_str(), i))
                .collect();
            // Launch key (template id + version, or configuration name) ->
            // its launch.
            let mut launches: BTreeMap<(String, i64), Launch<'s>> = BTreeMap::new();
            for g in &asg.groups {
                for r in &g.launch_templates {
                    match resolve_template(cx, region, asg, r) {
                        Ok((lt, v)) => {
                            let arn = cx.ec2_arn(
                                region,
                                "launch-template",
                                &format!("{}/version/{}", lt.id, v.version),
                            );
                            let label = format!(
                                "launch template {}({}) version {}",
                                lt.name
                                    .as_deref()
                                    .map(|n| format!("{n} "))
                                    .unwrap_or_default(),
                                lt.id,
                                v.version
                            );
                            add(
                                &mut launches,
                                (lt.id.clone(), v.version),
                                region,
                                arn,
                                label,
                                &v.spec,
                                g,
                            );
                        }
                        Err((arn, why)) => out.gaps.push(Outcome::new(
                            arn,
                            region,
                            Status::NotEvaluated(why),
                            format!("what group {} launches is unknown", g.name),
                        )),
                    }
                }
                if let Some(name) = &g.launch_configuration_name {
                    match asg.launch_configurations.iter().find(|c| &c.name == name) {
                        Some(c) => add(
                            &mut launches,
                            (c.name.clone(), -1),
                            region,
                            c.arn.as_str().into(),
                            format!("launch configuration {}", c.name),
                            &c.spec,
                            g,
                        ),
                        None => out.gaps.push(Outcome::new(
                            configuration_arn(cx, region),
                            region,
                            Status::NotEvaluated(
                                cx.not_collected(Some(region), &[CONFIGURATIONS]).unwrap_or_else(|| {
                                    format!("launch configuration {name} was not described (deleted?)")
                                }),
                            ),
                            format!("what group {} launches is unknown", g.name),
                        )),
                    }
                }
            }
            let rix = cx.index.regions.get(region);
            for mut l in launches.into_values() {
                let mut members = Vec::new();
                let mut backend = l.groups.iter().any(|g| !g.target_group_arns.is_empty());
                for id in l.groups.iter().flat_map(|g| &g.instance_ids) {
                    if live.contains_key(id.as_str()) {
                        members.push(cx.ec2_arn(region, "instance", id));
                        backend |= cx.exposures.is_backend(rix, region, id);
                    }
                }
                members.sort();
                members.dedup();
                l.members = members;
                l.backend_bound = backend;
                out.launches.push(l);
            }
        }
        // One gap per resource (groups sharing a missing template).
        out.gaps.sort_by(|a, b| a.resource_arn.cmp(&b.resource_arn));
        out.gaps.dedup_by(|a, b| a.resource_arn == b.resource_arn);
        out
    }
}

/// The gaps for a region whose groups are unknown: every launch template
/// version and launch configuration the groups may launch.
fn unknown_launches(cx: &Context<'_>, region: &str, why: String) -> [Outcome; 2] {
    let message = format!("what the Auto Scaling groups of {region} launch is unknown");
    [
        Outcome::new(
            cx.ec2_arn(region, "launch-template", "*"),
            region,
            Status::NotEvaluated(why.clone()),
            message.clone(),
        ),
        Outcome::new(
            configuration_arn(cx, region),
            region,
            Status::NotEvaluated(why),
            message,
        ),
    ]
}

fn add<'s>(
    launches: &mut BTreeMap<(String, i64), Launch<'s>>,
    key: (String, i64),
    region: &'s str,
    arn: SharedStr,
    label: String,
    spec: &'s LaunchSpec,
    g: &'s AutoScalingGroup,
) {
    let l = launches.entry(key).or_insert_with(|| Launch {
        region,
        arn,
        label,
        spec,
        groups: Vec::new(),
        members: Vec::new(),
        backend_bound: false,
    });
    if !l.groups.iter().any(|x| x.name == g.name) {
        l.groups.push(g);
    }
}

/// `arn:PARTITION:autoscaling:REGION:ACCOUNT:launchConfiguration:*`: the
/// region's launch configurations, whose ARNs hold an id only
/// `DescribeLaunchConfigurations` tells.
fn configuration_arn(cx: &Context<'_>, region: &str) -> String {
    format!(
        "arn:{}:autoscaling:{region}:{}:launchConfiguration:*",
        cx.snapshot.partition, cx.snapshot.account_id
    )
}

/// The template version a group's reference resolves to, or the resource
/// to report and why it is unknown.
fn resolve_template<'s>(
    cx: &Context<'_>,
    region: &str,
    asg: &'s AutoScalingInventory,
    r: &LaunchTemplateRef,
) -> Result<(&'s LaunchTemplate, &'s LaunchTemplateVersion), (SharedStr, String)> {
    let named = r.id.as_deref().or(r.name.as_deref()).unwrap_or("?");
    let lt = asg
        .launch_templates
        .iter()
        .find(|t| match (&r.id, &r.name) {
            (Some(id), _) => &t.id == id,
            (None, Some(name)) => t.name.as_ref() == Some(name),
            (None, None) => false,
        });
    let Some(lt) = lt else {
        let why = cx
            .not_collected(Some(region), &[TEMPLATES])
            .unwrap_or_else(|| format!("launch template {named} was not described (deleted?)"));
        // Its versions, which only the template listing resolves.
        let every = match &r.id {
            Some(id) => format!("{id}/*"),
            None => "*".to_string(),
        };
        return Err((cx.ec2_arn(region, "launch-template", &every), why));
    };
    let version = r.version.as_deref().unwrap_or("$Default");
    let Some(n) = lt.resolve(Some(version)) else {
        return Err((
            cx.ec2_arn(region, "launch-template", &lt.id),
            format!(
                "version {version} of {} does not resolve to a number",
                lt.id
            ),
        ));
    };
    match lt.version(n) {
        Some(v) => Ok((lt, v)),
        None => Err((
            cx.ec2_arn(region, "launch-template", &format!("{}/version/{n}", lt.id)),
            if cx
                .snapshot
                .errors_for(VERSIONS, Some(region))
                .next()
                .is_some()
            {
                why_missing(cx, Some(region), &[VERSIONS], &lt.id)
            } else {
                format!("version {n} of {} was not described (deleted?)", lt.id)
            },
        )),
    }
}

/// At most five names, then how many more.
pub(crate) fn some(names: &[&str]) -> String {
    let mut s = names.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    if names.len() > 5 {
        s.push_str(&format!(" and {} more", names.len() - 5));
    }
    s
}

/// The IMDS settings an instance launched from a [`Launch`] gets.
#[derive(Debug, PartialEq)]
pub(crate) struct Imds {
    /// `enabled` or `disabled`, or why it is unknown.
    pub endpoint: Result<String, String>,
    /// The token setting and where it came from, or why it is unknown.
    pub tokens: Result<(String, &'static str), String>,
    /// The hop limit and where it came from, or why it is unknown.
    pub hop_limit: Result<(i32, &'static str), String>,
}

impl Launch<'_> {
    /// The groups (and their target groups), for a message: at most five
    /// of each by name and a count of the rest (a launch a thousand groups
    /// share would otherwise write them all into every finding's message;
    /// `affected` names every member).
    pub fn used_by(&self) -> String {
        let groups: Vec<&str> = self.groups.iter().map(|g| g.name.as_str()).collect();
        let mut tgs: Vec<&str> = self
            .groups
            .iter()
            .flat_map(|g| &g.target_group_arns)
            .map(|a| a.split('/').nth(1).unwrap_or(a))
            .collect();
        tgs.sort_unstable();
        tgs.dedup();
        if tgs.is_empty() {
            format!("used by {}", some(&groups))
        } else {
            format!("used by {} (target groups {})", some(&groups), some(&tgs))
        }
    }

    /// An outcome on this launch, listing its members as affected.
    pub fn outcome(&self, status: Status, message: String) -> Outcome {
        let mut o = Outcome::new(self.arn.clone(), self.region, status, message);
        o.affected = self.members.clone();
        o
    }

    /// The launch's AMI, as described, or why it is unknown.
    fn image<'s>(&self, cx: &'s Context<'_>) -> Result<&'s Image, String> {
        let id = match self.spec.image_id.as_deref() {
            None => return Err(format!("{} names no AMI", self.label)),
            Some(id) if !id.starts_with("ami-") => {
                return Err(format!(
                    "{} takes its AMI from {id}, resolved only at launch",
                    self.label
                ));
            }
            Some(id) => id,
        };
        // The same lookup a live backend's AMI gets: a snapshot without AMI
        // data, a failed DescribeImages and an AMI no longer described are
        // each told apart.
        crate::checks::instance::ami_state::image_of(cx, self.region, id)
    }

    /// The metadata options an instance launched from here gets, in AWS's
    /// order of precedence: the launch's own setting, then the region's
    /// account-level default, then the AMI (`ImdsSupport` `v2.0` means
    /// tokens required and a hop limit of 2), then EC2's defaults (tokens
    /// optional, hop limit 1, endpoint enabled)
    /// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html#instance-metadata-options-order-of-precedence>,
    /// <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataOptionsRequest.html>).
    /// Each setting is unknown (with why) only when its answer depends on
    /// data not collected.
    pub fn imds(&self, cx: &Context<'_>) -> Imds {
        let own = self.spec.metadata_options.as_ref();
        let inv = &cx.snapshot.regions[self.region];
        let defaults = || -> Result<&MetadataDefaults, String> {
            inv.autoscaling
                .as_ref()
                .and_then(|a| a.metadata_defaults.as_ref())
                .ok_or_else(|| {
                    cx.not_collected(Some(self.region), &[IMDS_DEFAULTS])
                        .unwrap_or_else(|| "the account's IMDS defaults were not collected".into())
                })
        };
        let ami_v2 = || -> Result<bool, String> {
            Ok(self.image(cx)?.imds_support.as_deref() == Some("v2.0"))
        };
        // Each setting on its own: one the launch sets needs nothing else.
        let endpoint = match own.and_then(|m| m.http_endpoint.clone()) {
            Some(e) => Ok(e.to_string()),
            None => defaults().map(|d| d.http_endpoint.clone().unwrap_or_else(|| "enabled".into())),
        };
        let tokens = match own.and_then(|m| m.http_tokens.clone()) {
            Some(t) => Ok((t.to_string(), "set by the launch")),
            None => defaults().and_then(|d| match d.http_tokens.clone() {
                Some(t) => Ok((t, "the account's default")),
                None if ami_v2()? => Ok(("required".into(), "the AMI's ImdsSupport v2.0")),
                None => Ok(("optional".into(), "EC2's default")),
            }),
        };
        let hop_limit = match own.and_then(|m| m.http_put_response_hop_limit) {
            Some(h) => Ok((h, "set by the launch")),
            None => defaults().and_then(|d| match d.http_put_response_hop_limit {
                Some(h) => Ok((h, "the account's default")),
                None if ami_v2()? => Ok((2, "the AMI's ImdsSupport v2.0")),
                None => Ok((1, "EC2's default")),
            }),
        };
        Imds {
            endpoint,
            tokens,
            hop_limit,
        }
    }

    /// Whether instances launched from here get a public IPv4 address, with
    /// why: the launch's `AssociatePublicIpAddress` when set, else the
    /// subnet's `MapPublicIpOnLaunch` (the template's subnet, else each of
    /// the groups' subnets; a group without subnets launches into the
    /// default subnets)
    /// (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateInstanceNetworkInterfaceSpecificationRequest.html>,
    /// <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateLaunchConfiguration.html>).
    pub fn public_ip(&self, cx: &Context<'_>) -> Result<Option<String>, String> {
        match self.spec.associate_public_ip {
            Some(true) => return Ok(Some("it sets AssociatePublicIpAddress".into())),
            Some(false) => return Ok(None),
            None => {}
        }
        let inv = &cx.snapshot.regions[self.region];
        if let Some(why) = cx.not_collected(Some(self.region), &["ec2:DescribeSubnets"]) {
            return Err(why);
        }
        let subnets = self.subnets(inv);
        if subnets.is_empty() {
            return Err(format!(
                "{} names no subnet and the region has no default subnet",
                self.label
            ));
        }
        let mut public = Vec::new();
        for id in subnets {
            match inv.ec2.subnets.iter().find(|s| s.subnet_id == id) {
                Some(s) if s.map_public_ip_on_launch => public.push(id),
                Some(_) => {}
                None => return Err(format!("subnet {id} was not described")),
            }
        }
        Ok((!public.is_empty()).then(|| {
            format!(
                "it leaves AssociatePublicIpAddress unset and subnet {} assigns public IPv4 addresses on launch",
                public.join(", ")
            )
        }))
    }

    /// The EBS volumes a launch creates, by device, each with whether it is
    /// encrypted: the AMI's block devices, overridden by the launch's own
    /// mappings. A volume is encrypted when EBS encryption by default is
    /// on in the region, when its snapshot is encrypted (the AMI's), or when
    /// the mapping sets `Encrypted`
    /// (<https://docs.aws.amazon.com/ebs/latest/userguide/encryption-parameters.html>,
    /// <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-device-mapping-concepts.html>).
    pub fn volumes(&self, cx: &Context<'_>) -> Result<Vec<(String, bool)>, String> {
        let inv = &cx.snapshot.regions[self.region];
        if inv.ec2.ebs_encryption_by_default == Some(true) {
            return Ok(self
                .spec
                .block_devices
                .iter()
                .filter(|b| b.ebs)
                .map(|b| (b.device_name.clone(), true))
                .collect());
        }
        let default_known = inv.ec2.ebs_encryption_by_default.is_some();
        let image = self.image(cx);
        let ami_devices: Result<&Vec<ImageBlockDevice>, String> = match &image {
            Ok(i) => i.block_devices.as_ref().ok_or_else(|| {
                "the AMI's block devices are not in this snapshot (written before schema version 6): re-scan"
                    .to_string()
            }),
            Err(why) => Err(why.clone()),
        };
        let mut out: BTreeMap<String, Option<bool>> = BTreeMap::new();
        if let Ok(devs) = &ami_devices {
            for d in devs.iter() {
                out.insert(d.device_name.clone(), d.encrypted);
            }
        }
        for b in &self.spec.block_devices {
            if !b.ebs {
                // NoDevice suppresses the AMI's device.
                out.remove(&b.device_name);
                continue;
            }
            let from_ami = out.get(&b.device_name).copied();
            let enc = match (b.encrypted, &b.snapshot_id, from_ami) {
                (Some(true), _, _) => Some(true),
                // The AMI's snapshot decides (a mapping cannot decrypt it).
                (_, None, Some(ami)) => ami.map(|e| e || b.encrypted == Some(true)),
                // A new, empty volume.
                (_, None, None) if ami_devices.is_ok() => Some(false),
                _ => None,
            };
            out.insert(b.device_name.clone(), enc);
        }
        // Without the AMI's own devices, what the launch creates is unknown.
        ami_devices?;
        let mut volumes = Vec::new();
        for (device, enc) in out {
            match enc {
                Some(true) => volumes.push((device, true)),
                Some(false) if default_known => volumes.push((device, false)),
                _ => {
                    return Err(cx
                        .not_collected(Some(self.region), &["ec2:GetEbsEncryptionByDefault"])
                        .unwrap_or_else(|| {
                            format!("whether {device}'s snapshot is encrypted is unknown")
                        }));
                }
            }
        }
        Ok(volumes)
    }
}

impl Launch<'_> {
    /// The subnets the launch's instances go to: the template's own, else
    /// the groups' subnets, else the region's default subnets (what
    /// [`Launch::public_ip`] judges).
    fn subnets<'a>(&'a self, inv: &'a RegionInventory) -> Vec<&'a str> {
        let mut subnets: Vec<&'a str> = match &self.spec.subnet_id {
            Some(s) => vec![s.as_str()],
            None => self
                .groups
                .iter()
                .flat_map(|g| &g.subnet_ids)
                .map(String::as_str)
                .collect(),
        };
        if subnets.is_empty() {
            subnets = inv
                .ec2
                .subnets
                .iter()
                .filter(|s| s.default_for_az)
                .map(|s| s.subnet_id.as_str())
                .collect();
        }
        subnets.sort_unstable();
        subnets.dedup();
        subnets
    }

    /// The security groups the launch's instances get, each with its
    /// description (`None` when the group is not in the snapshot), or why
    /// they are unknown. A launch that names none gets the default group
    /// of its subnets' VPC ("If you don't specify a security group when
    /// you launch an instance, the instance is launched into the
    /// appropriate default security group",
    /// <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html>).
    pub fn security_groups<'c>(
        &self,
        cx: &'c Context<'_>,
    ) -> Result<Vec<(String, Option<&'c SecurityGroup>)>, String> {
        if let Some(why) = cx.not_collected(Some(self.region), &["ec2:DescribeSecurityGroups"]) {
            return Err(why);
        }
        let Some(rix) = cx.index.regions.get(self.region) else {
            return Err(format!("region {} is not in the snapshot", self.region));
        };
        if !self.spec.security_group_ids.is_empty() {
            return Ok(self
                .spec
                .security_group_ids
                .iter()
                .map(|id| {
                    (
                        id.to_string(),
                        rix.security_groups.get(id.as_str()).copied(),
                    )
                })
                .collect());
        }
        let vpcs: Vec<&str> = self
            .subnets(&cx.snapshot.regions[self.region])
            .into_iter()
            .filter_map(|s| rix.subnets.get(s).map(|s| s.vpc_id.as_str()))
            .collect();
        match vpcs.first().and_then(|v| rix.default_sg.get(v)) {
            Some(g) => Ok(vec![(g.group_id.clone(), Some(*g))]),
            None => Err(format!(
                "{} names no security group and the default group of its VPC is unknown",
                self.label
            )),
        }
    }

    /// The ports its target groups' instances serve, by transport (the
    /// target group's port and protocol); `None` when some target group
    /// or its port is not in the snapshot (a caller then judges every port,
    /// never a pass on the ports it happens to know).
    pub fn target_ports(&self, cx: &Context<'_>) -> Option<Vec<(Transport, u16)>> {
        let rix = cx.index.regions.get(self.region)?;
        let mut ports: Vec<(Transport, u16)> = Vec::new();
        for arn in self.groups.iter().flat_map(|g| &g.target_group_arns) {
            let tg = rix.target_groups.get(arn.as_str())?;
            let p = tg.port.and_then(|p| u16::try_from(p).ok())?;
            for t in crate::paths::transports(tg.protocol.as_deref()) {
                ports.push((*t, p));
            }
        }
        ports.sort_unstable();
        ports.dedup();
        Some(ports)
    }
}

/// What a launch-judging check reports besides its live resources: the
/// fleets' gaps, and one outcome per launch that `judge` gives a verdict
/// (a message without the launch's label, which is prefixed).
pub(crate) fn judge(
    cx: &Context<'_>,
    mut judge: impl FnMut(&Launch<'_>) -> Option<(Status, String)>,
) -> Vec<Outcome> {
    let f = Fleets::of(cx);
    let mut out = f.gaps.clone();
    for l in &f.launches {
        if let Some((status, message)) = judge(l) {
            let message = format!("{} ({}) {message}", l.label, l.used_by());
            out.push(l.outcome(status, message));
        }
    }
    out
}

/// [`judge`] for the checks that judge backends only: a launch known to
/// feed a backend gets `verdict`'s answer; one not known to counts only
/// where the region's paths are incomplete ([`Context::path_gap`]), and
/// then cannot fail: a fail is *not evaluated* (`maybe` says what it may
/// do), anything else is left out.
pub(crate) fn judge_backends(
    cx: &Context<'_>,
    maybe: &str,
    mut verdict: impl FnMut(&Launch<'_>) -> Option<(Status, String)>,
) -> Vec<Outcome> {
    judge(cx, |l| {
        let v = verdict(l)?;
        if l.backend_bound {
            return Some(v);
        }
        let gap = cx.path_gap(l.region)?;
        (v.0 == Status::Fail).then(|| (Status::NotEvaluated(gap), maybe.to_string()))
    })
}

/// [`judge_backends`] for the checks of a launch's security groups:
/// `verdict` gets the groups ([`Launch::security_groups`]) and the region's
/// prefix-list resolver; groups that are unknown make the launch *not
/// evaluated*.
pub(crate) fn judge_groups(
    cx: &Context<'_>,
    maybe: &str,
    mut verdict: impl FnMut(
        &Launch<'_>,
        &[(String, Option<&SecurityGroup>)],
        &crate::reach::PrefixLists<'_>,
    ) -> (Status, String),
) -> Vec<Outcome> {
    judge_backends(cx, maybe, |l| {
        let groups = match l.security_groups(cx) {
            Ok(g) => g,
            Err(why) => {
                return Some((
                    Status::NotEvaluated(why),
                    "launches with security groups that are unknown".into(),
                ));
            }
        };
        let inv = cx.snapshot.regions.get(l.region)?;
        let resolve = crate::reach::prefix_list_resolver(
            &inv.ec2.managed_prefix_lists,
            &cx.snapshot.collection_errors,
            l.region,
        );
        Some(verdict(l, &groups, &resolve))
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::checks::data::ebs_volume_unencrypted::EbsVolumeUnencrypted;
    use crate::checks::instance::imds_hop_limit_above_one::ImdsHopLimitAboveOne;
    use crate::checks::instance::imdsv1_allowed::Imdsv1Allowed;
    use crate::checks::instance::instance_without_role::InstanceWithoutRole;
    use crate::checks::network::backend_has_public_ip::BackendHasPublicIp;
    use crate::registry::Check;
    use crate::testing::*;

    const TG: &str =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef";

    fn subnet(id: &str, public: bool) -> Subnet {
        Subnet {
            subnet_id: id.into(),
            vpc_id: "vpc-1".into(),
            availability_zone: Some("us-east-1a".into()),
            cidr_block: Some("10.0.0.0/24".into()),
            ipv6_cidr_blocks: vec![],
            map_public_ip_on_launch: public,
            assign_ipv6_address_on_creation: false,
            default_for_az: false,
            tags: Tags::new(),
        }
    }

    fn ami(id: &str, imds: Option<&str>, root_encrypted: bool) -> Image {
        Image {
            image_id: id.into(),
            name: None,
            owner_id: Some("137112412989".into()),
            owner_alias: Some("amazon".into()),
            public: true,
            creation_date: None,
            deprecation_time: None,
            state: Some("available".into()),
            imds_support: imds.map(str::to_string),
            block_devices: Some(vec![ImageBlockDevice {
                device_name: "/dev/xvda".into(),
                encrypted: Some(root_encrypted),
            }]),
        }
    }

    /// A hardened launch: IMDSv2 only, hop limit 1, a profile, no public
    /// address, its root volume encrypted.
    fn good() -> LaunchSpec {
        LaunchSpec {
            image_id: Some("ami-plain".into()),
            iam_instance_profile: Some("arn:aws:iam::123456789012:instance-profile/app".into()),
            key_name: None,
            metadata_options: Some(MetadataOptions {
                http_tokens: Some("required".into()),
                http_endpoint: Some("enabled".into()),
                http_put_response_hop_limit: Some(1),
                http_protocol_ipv6: None,
                instance_metadata_tags: None,
                state: None,
            }),
            associate_public_ip: Some(false),
            subnet_id: None,
            security_group_ids: vec!["sg-app".into()],
            block_devices: vec![LaunchBlockDevice {
                device_name: "/dev/xvda".into(),
                ebs: true,
                encrypted: Some(true),
                kms_key_id: None,
                snapshot_id: None,
            }],
        }
    }

    pub(crate) fn group(
        name: &str,
        templates: Vec<LaunchTemplateRef>,
        tgs: &[&str],
        members: &[&str],
    ) -> AutoScalingGroup {
        AutoScalingGroup {
            name: name.into(),
            arn: format!(
                "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/{name}"
            ),
            launch_templates: templates,
            launch_configuration_name: None,
            target_group_arns: tgs.iter().map(|s| s.to_string()).collect(),
            subnet_ids: vec!["subnet-priv".into()],
            min_size: Some(0),
            max_size: Some(4),
            desired_capacity: Some(members.len() as i32),
            instance_ids: members.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub(crate) fn lt_ref(version: &str) -> LaunchTemplateRef {
        LaunchTemplateRef {
            id: Some("lt-1".into()),
            name: Some("web".into()),
            version: Some(version.into()),
        }
    }

    /// Group `web` (target group `web`, member `i-m1`) launches template
    /// `lt-1` `$Default`; version 2 is `spec`, version 3 (latest) the
    /// hardened one. Subnets: one private, one public; EBS encryption by
    /// default off; no account-level IMDS preference.
    fn fleet(spec: LaunchSpec) -> Snapshot {
        let mut s = snapshot();
        let r = region(&mut s);
        r.ec2.subnets = vec![subnet("subnet-priv", false), subnet("subnet-pub", true)];
        r.ec2.ebs_encryption_by_default = Some(false);
        r.ec2.images = Some(vec![
            ami("ami-plain", None, false),
            ami("ami-v2", Some("v2.0"), true),
        ]);
        r.ec2.instances = vec![instance("i-m1")];
        r.autoscaling = Some(AutoScalingInventory {
            groups: vec![group("web", vec![lt_ref("$Default")], &[TG], &["i-m1"])],
            launch_templates: vec![LaunchTemplate {
                id: "lt-1".into(),
                name: Some("web".into()),
                default_version: Some(2),
                latest_version: Some(3),
                versions: vec![
                    LaunchTemplateVersion { version: 2, spec },
                    LaunchTemplateVersion {
                        version: 3,
                        spec: good(),
                    },
                ],
            }],
            launch_configurations: vec![],
            metadata_defaults: Some(MetadataDefaults::default()),
        });
        s
    }

    fn asg(s: &mut Snapshot) -> &mut AutoScalingInventory {
        region(s).autoscaling.as_mut().unwrap()
    }

    /// The outcomes on launches and groups: (resource after the account, status).
    fn launches(check: &dyn Check, s: &Snapshot) -> Vec<(String, String, String)> {
        run(check, s)
            .into_iter()
            .filter(|o| {
                !o.resource_arn.contains(":instance/") && !o.resource_arn.contains(":volume/")
            })
            .map(|o| {
                let r = o
                    .resource_arn
                    .splitn(6, ':')
                    .nth(5)
                    .unwrap_or_default()
                    .to_string();
                let why = match &o.status {
                    Status::NotEvaluated(why) => format!("{why} | "),
                    _ => String::new(),
                };
                (r, o.status.as_str().to_string(), why + &o.message)
            })
            .collect()
    }

    fn one(check: &dyn Check, s: &Snapshot) -> (String, String, String) {
        let mut v = launches(check, s);
        assert_eq!(v.len(), 1, "{v:?}");
        v.remove(0)
    }

    /// NET-004 and NET-007 judge a backend launch's security groups as one
    /// ENI's: the target groups' ports from the internet, and egress to
    /// everywhere; a group not collected is not evaluated; a launch that
    /// names no group gets its VPC's default group ("If you don't specify a
    /// security group when you launch an instance, the instance is launched
    /// into the appropriate default security group",
    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html).
    #[test]
    fn a_backend_launch_s_security_groups_are_judged_like_a_backend_s() {
        use crate::checks::network::backend_sg_app_port_open_wide::BackendSgAppPortOpenWide;
        use crate::checks::network::egress_unrestricted::EgressUnrestricted;
        use crate::checks::network::fixtures::{all_traffic, sg, target_group, tcp, v4};
        let on_launch = |check: &dyn Check, s: &Snapshot| -> (String, String) {
            let (r, status, msg) = launches(check, s)
                .into_iter()
                .find(|(r, _, _)| r.starts_with("launch-template/"))
                .unwrap_or_else(|| panic!("{}: no verdict on the launch", check.meta().id));
            assert_eq!(r, "launch-template/lt-1/version/2");
            (status, msg)
        };
        let with_groups = |ingress, egress| {
            let mut s = fleet(good());
            let r = region(&mut s);
            r.ec2.security_groups = vec![sg("sg-app", "vpc-1", ingress, egress)];
            r.elbv2.target_groups = vec![target_group(TG, "web", 8080, "lb", &[])];
            s
        };
        // From the VPC only, out to 443 only: both pass.
        let s = with_groups(
            vec![tcp(8080, 8080, v4("10.0.0.0/16"))],
            vec![tcp(443, 443, v4("0.0.0.0/0"))],
        );
        let (status, msg) = on_launch(&BackendSgAppPortOpenWide, &s);
        assert_eq!(status, "pass", "{msg}");
        assert!(
            msg.contains("admit tcp 8080 from no public address"),
            "{msg}"
        );
        assert_eq!(on_launch(&EgressUnrestricted, &s).0, "pass");
        // The app port from anywhere, everything out: both fail.
        let s = with_groups(
            vec![tcp(8080, 8080, v4("0.0.0.0/0"))],
            vec![all_traffic(v4("0.0.0.0/0"))],
        );
        let (status, msg) = on_launch(&BackendSgAppPortOpenWide, &s);
        assert_eq!(status, "fail", "{msg}");
        assert!(msg.contains("sg-app: tcp 8080 from 0.0.0.0/0"), "{msg}");
        let (status, msg) = on_launch(&EgressUnrestricted, &s);
        assert_eq!(status, "fail", "{msg}");
        assert!(msg.contains("every IPv4 address"), "{msg}");
        // The group not collected, or the list denied: not evaluated.
        let mut s = fleet(good());
        for check in [&BackendSgAppPortOpenWide as &dyn Check, &EgressUnrestricted] {
            let (status, msg) = on_launch(check, &s);
            assert_eq!(status, "not-evaluated", "{msg}");
            assert!(
                msg.contains("security group sg-app was not collected"),
                "{msg}"
            );
        }
        fail(&mut s, "ec2:DescribeSecurityGroups");
        for check in [&BackendSgAppPortOpenWide as &dyn Check, &EgressUnrestricted] {
            let (status, msg) = on_launch(check, &s);
            assert_eq!(status, "not-evaluated", "{msg}");
            assert!(msg.contains("ec2:DescribeSecurityGroups"), "{msg}");
        }
        // A second target group that is not in the snapshot: its port is
        // unknown, so every port the groups open is judged (9000 here), not
        // only the known target group's 8080.
        let mut s = with_groups(
            vec![
                tcp(8080, 8080, v4("10.0.0.0/16")),
                tcp(9000, 9000, v4("0.0.0.0/0")),
            ],
            vec![],
        );
        asg(&mut s).groups[0]
            .target_group_arns
            .push(TG.replace("web/0123456789abcdef", "gone/fedcba9876543210"));
        let (status, msg) = on_launch(&BackendSgAppPortOpenWide, &s);
        assert_eq!(status, "fail", "{msg}");
        assert!(msg.contains("sg-app: tcp 9000 from 0.0.0.0/0"), "{msg}");
        // No group named: the VPC's default group, which admits 8080 from
        // anywhere here.
        let mut spec = good();
        spec.security_group_ids.clear();
        let mut s = fleet(spec);
        let r = region(&mut s);
        let mut default = sg(
            "sg-default",
            "vpc-1",
            vec![tcp(8080, 8080, v4("0.0.0.0/0"))],
            vec![],
        );
        default.group_name = "default".into();
        r.ec2.security_groups = vec![default];
        r.elbv2.target_groups = vec![target_group(TG, "web", 8080, "lb", &[])];
        let (status, msg) = on_launch(&BackendSgAppPortOpenWide, &s);
        assert_eq!(status, "fail", "{msg}");
        assert!(msg.contains("sg-default: tcp 8080 from 0.0.0.0/0"), "{msg}");
        // A launch whose instances will not be backends is not judged.
        let mut s = with_groups(vec![tcp(8080, 8080, v4("0.0.0.0/0"))], vec![]);
        asg(&mut s).groups[0].target_group_arns.clear();
        assert!(
            launches(&BackendSgAppPortOpenWide, &s)
                .iter()
                .all(|(r, _, _)| !r.starts_with("launch-template/"))
        );
    }

    #[test]
    fn a_hardened_template_passes_every_launch_check() {
        let s = fleet(good());
        for check in [
            &Imdsv1Allowed as &dyn Check,
            &ImdsHopLimitAboveOne,
            &InstanceWithoutRole,
            &EbsVolumeUnencrypted,
            &BackendHasPublicIp,
        ] {
            let (r, status, msg) = one(check, &s);
            assert_eq!(r, "launch-template/lt-1/version/2", "{}", check.meta().id);
            assert_eq!(status, "pass", "{}: {msg}", check.meta().id);
        }
        // The member is affected, so its card shows the template's verdicts.
        let got = run(&Imdsv1Allowed, &s);
        let o = got
            .iter()
            .find(|o| o.resource_arn.contains("launch-template"))
            .unwrap();
        assert_eq!(
            o.affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-m1".to_string()]
        );
        assert!(
            o.message
                .contains("launch template web (lt-1) version 2 (used by web (target groups web))"),
            "{}",
            o.message
        );
    }

    #[test]
    fn versions_resolve_as_aws_does_and_shared_versions_are_judged_once() {
        let mut bad = good();
        bad.iam_instance_profile = None;
        let mut s = fleet(bad);
        // $Latest is version 3 (hardened); a pinned "2" and $Default are the same version.
        let a = asg(&mut s);
        a.groups
            .push(group("latest", vec![lt_ref("$Latest")], &[], &[]));
        a.groups.push(group("pinned", vec![lt_ref("2")], &[], &[]));
        let got = launches(&InstanceWithoutRole, &s);
        let by: Vec<(&str, &str)> = got
            .iter()
            .map(|(r, st, _)| (r.as_str(), st.as_str()))
            .collect();
        assert_eq!(
            by,
            vec![
                ("launch-template/lt-1/version/2", "fail"),
                ("launch-template/lt-1/version/3", "pass")
            ]
        );
        assert!(
            got[0].2.contains("used by web, pinned (target groups web)"),
            "{}",
            got[0].2
        );
        assert!(
            got[0].2.contains("without an instance profile"),
            "{}",
            got[0].2
        );
    }

    #[test]
    fn a_launch_many_groups_share_names_five_and_counts_the_rest() {
        let mut s = fleet(good());
        for n in 0..7 {
            asg(&mut s)
                .groups
                .push(group(&format!("g{n}"), vec![lt_ref("$Default")], &[], &[]));
        }
        let (_, _, msg) = one(&InstanceWithoutRole, &s);
        assert!(
            msg.contains("used by web, g0, g1, g2, g3 and 3 more (target groups web)"),
            "{msg}"
        );
    }

    /// AWS's order of precedence: the launch's own setting, the account's
    /// default, the AMI's ImdsSupport, EC2's default (configuring-instance-metadata-options.html).
    #[test]
    fn imds_unset_in_the_template_follows_the_account_default_then_the_ami() {
        let mut unset = good();
        unset.metadata_options = None;
        // Plain AMI, no account preference: IMDSv1 allowed (EC2's default).
        let s = fleet(unset.clone());
        let (_, status, msg) = one(&Imdsv1Allowed, &s);
        assert_eq!(status, "fail", "{msg}");
        assert!(msg.contains("http_tokens optional: EC2's default"), "{msg}");
        assert_eq!(one(&ImdsHopLimitAboveOne, &s).1, "pass");

        // ImdsSupport v2.0: tokens required, hop limit 2 (INST-006 fails).
        let mut v2 = unset.clone();
        v2.image_id = Some("ami-v2".into());
        let s = fleet(v2.clone());
        let (_, status, msg) = one(&Imdsv1Allowed, &s);
        assert_eq!(status, "pass", "{msg}");
        assert!(msg.contains("ImdsSupport v2.0"), "{msg}");
        let (_, status, msg) = one(&ImdsHopLimitAboveOne, &s);
        assert_eq!(status, "fail", "{msg}");
        assert!(msg.contains("hop limit of 2"), "{msg}");

        // The account's default outranks the AMI.
        let mut s = fleet(v2.clone());
        asg(&mut s).metadata_defaults = Some(MetadataDefaults {
            http_tokens: Some("optional".into()),
            http_put_response_hop_limit: Some(1),
            http_endpoint: None,
        });
        let (_, status, msg) = one(&Imdsv1Allowed, &s);
        assert_eq!(status, "fail", "{msg}");
        assert!(msg.contains("the account's default"), "{msg}");

        // Defaults not collected: not evaluated, naming the call.
        let mut s = fleet(v2.clone());
        asg(&mut s).metadata_defaults = None;
        fail(&mut s, IMDS_DEFAULTS);
        for check in [&Imdsv1Allowed as &dyn Check, &ImdsHopLimitAboveOne] {
            let (_, status, why) = one(check, &s);
            assert_eq!(status, "not-evaluated");
            assert!(why.contains(IMDS_DEFAULTS), "{why}");
        }
        // The AMI not described: not evaluated.
        let mut gone = unset.clone();
        gone.image_id = Some("ami-gone".into());
        let s = fleet(gone);
        let (_, status, why) = one(&Imdsv1Allowed, &s);
        assert_eq!(status, "not-evaluated");
        assert!(why.contains("ami-gone is not described any more"), "{why}");
        // A template's own setting needs neither.
        let mut s = fleet(good());
        asg(&mut s).metadata_defaults = None;
        fail(&mut s, IMDS_DEFAULTS);
        assert_eq!(one(&Imdsv1Allowed, &s).1, "pass");
        // Only HttpTokens set (the usual template): INST-001 needs nothing
        // else; INST-006's hop limit then depends on the defaults.
        let mut tokens_only = good();
        tokens_only.metadata_options = Some(MetadataOptions {
            http_tokens: Some("required".into()),
            http_endpoint: None,
            http_put_response_hop_limit: None,
            http_protocol_ipv6: None,
            instance_metadata_tags: None,
            state: None,
        });
        let mut s = fleet(tokens_only.clone());
        asg(&mut s).metadata_defaults = None;
        fail(&mut s, IMDS_DEFAULTS);
        assert_eq!(one(&Imdsv1Allowed, &s).1, "pass");
        let (_, status, why) = one(&ImdsHopLimitAboveOne, &s);
        assert_eq!(status, "not-evaluated");
        assert!(why.contains(IMDS_DEFAULTS), "{why}");
        // With the defaults (no preference), a plain AMI's hop limit is 1.
        assert_eq!(one(&ImdsHopLimitAboveOne, &fleet(tokens_only)).1, "pass");
    }

    #[test]
    fn volumes_take_the_ami_devices_the_mappings_and_encryption_by_default() {
        // The root device maps the plain AMI's unencrypted snapshot without Encrypted.
        let mut plain = good();
        plain.block_devices[0].encrypted = None;
        let s = fleet(plain.clone());
        let (_, status, msg) = one(&EbsVolumeUnencrypted, &s);
        assert_eq!(status, "fail", "{msg}");
        assert!(msg.contains("/dev/xvda"), "{msg}");
        // No mapping at all: the AMI's own device, unencrypted.
        let mut none = good();
        none.block_devices.clear();
        assert_eq!(one(&EbsVolumeUnencrypted, &fleet(none.clone())).1, "fail");
        // An extra empty volume without Encrypted fails too.
        let mut extra = good();
        extra.block_devices.push(LaunchBlockDevice {
            device_name: "/dev/sdf".into(),
            ebs: true,
            encrypted: None,
            kms_key_id: None,
            snapshot_id: None,
        });
        let (_, status, msg) = one(&EbsVolumeUnencrypted, &fleet(extra));
        assert_eq!(status, "fail");
        assert!(
            msg.contains("/dev/sdf") && !msg.contains("/dev/xvda"),
            "{msg}"
        );
        // An encrypted AMI snapshot stays encrypted.
        let mut from_v2 = none.clone();
        from_v2.image_id = Some("ami-v2".into());
        assert_eq!(one(&EbsVolumeUnencrypted, &fleet(from_v2)).1, "pass");
        // Encryption by default encrypts everything.
        let mut s = fleet(plain.clone());
        region(&mut s).ec2.ebs_encryption_by_default = Some(true);
        assert_eq!(one(&EbsVolumeUnencrypted, &s).1, "pass");
        // The setting unknown: not evaluated.
        let mut s = fleet(plain.clone());
        region(&mut s).ec2.ebs_encryption_by_default = None;
        fail(&mut s, "ec2:GetEbsEncryptionByDefault");
        let (_, status, why) = one(&EbsVolumeUnencrypted, &s);
        assert_eq!(status, "not-evaluated");
        assert!(why.contains("GetEbsEncryptionByDefault"), "{why}");
        // The AMI unknown: its devices are unknown.
        let mut gone = plain;
        gone.image_id = Some(
            "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
                .into(),
        );
        let (_, status, why) = one(&EbsVolumeUnencrypted, &fleet(gone));
        assert_eq!(status, "not-evaluated");
        assert!(why.contains("resolved only at launch"), "{why}");
    }

    #[test]
    fn public_addresses_come_from_the_launch_or_the_subnet() {
        let mut on = good();
        on.associate_public_ip = Some(true);
        let (_, status, msg) = one(&BackendHasPublicIp, &fleet(on));
        assert_eq!(status, "fail");
        assert!(msg.contains("AssociatePublicIpAddress"), "{msg}");
        // Unset: the group's subnets decide.
        let mut unset = good();
        unset.associate_public_ip = None;
        assert_eq!(one(&BackendHasPublicIp, &fleet(unset.clone())).1, "pass");
        let mut s = fleet(unset.clone());
        asg(&mut s).groups[0].subnet_ids.push("subnet-pub".into());
        let (_, status, msg) = one(&BackendHasPublicIp, &s);
        assert_eq!(status, "fail");
        assert!(
            msg.contains("subnet subnet-pub assigns public IPv4"),
            "{msg}"
        );
        // A subnet not described: not evaluated.
        asg(&mut s).groups[0].subnet_ids = vec!["subnet-gone".into()];
        assert_eq!(one(&BackendHasPublicIp, &s).1, "not-evaluated");
        // A group that feeds no target group and has no backend member is
        // not a backend's launch: no verdict.
        let mut s = fleet(unset);
        asg(&mut s).groups[0].target_group_arns.clear();
        asg(&mut s).groups[0].subnet_ids.push("subnet-pub".into());
        assert!(launches(&BackendHasPublicIp, &s).is_empty());
    }

    #[test]
    fn launch_configurations_are_judged_the_same_way() {
        let mut s = fleet(good());
        let mut spec = good();
        spec.metadata_options = None;
        spec.iam_instance_profile = None;
        let a = asg(&mut s);
        a.groups[0].launch_templates.clear();
        a.groups[0].launch_configuration_name = Some("old".into());
        a.launch_configurations = vec![LaunchConfiguration {
            name: "old".into(),
            arn: "arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:uuid:launchConfigurationName/old".into(),
            spec,
        }];
        let (r, status, msg) = one(&InstanceWithoutRole, &s);
        assert_eq!(
            (r.as_str(), status.as_str()),
            (
                "launchConfiguration:uuid:launchConfigurationName/old",
                "fail"
            )
        );
        assert!(
            msg.starts_with("launch configuration old (used by web"),
            "{msg}"
        );
        assert_eq!(one(&Imdsv1Allowed, &s).1, "fail");
    }

    /// Part 4 with part 3: the AMI a group of backends will launch is
    /// judged even while no backend runs it yet.
    #[test]
    fn the_amis_launches_name_are_judged_on_the_ami() {
        use crate::checks::instance::backend_ami_outdated::BackendAmiOutdated;
        let mut s = fleet(good());
        let at = s.collected_at;
        for i in region(&mut s).ec2.images.iter_mut().flatten() {
            i.creation_date = Some(at - rampart_model::time::Duration::days(400));
        }
        let got = run(&BackendAmiOutdated, &s);
        let o = got
            .iter()
            .find(|o| o.resource_arn.ends_with("image/ami-plain"))
            .expect("the launch's AMI is judged");
        assert_eq!(o.status, Status::Fail, "{}", o.message);
        assert!(
            o.message
                .contains("launched by launch template web (lt-1) version 2"),
            "{}",
            o.message
        );
        assert_eq!(
            o.affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-m1".to_string()]
        );
        // Not a backend's launch: not judged.
        asg(&mut s).groups[0].target_group_arns.clear();
        let got = run(&BackendAmiOutdated, &s);
        assert!(
            !got.iter()
                .any(|o| o.resource_arn.ends_with("image/ami-plain")),
            "{got:?}"
        );
        // The groups unknown: a gap, never silence.
        let mut s = fleet(good());
        *asg(&mut s) = AutoScalingInventory::default();
        fail(&mut s, GROUPS);
        let got = run(&BackendAmiOutdated, &s);
        assert!(
            got.iter()
                .any(|o| o.resource_arn.ends_with("launch-template/*")
                    && matches!(&o.status, Status::NotEvaluated(w) if w.contains(GROUPS))),
            "{got:?}"
        );
    }

    #[test]
    fn missing_fleet_data_is_not_evaluated_never_a_pass() {
        let checks = [
            &Imdsv1Allowed as &dyn Check,
            &ImdsHopLimitAboveOne,
            &InstanceWithoutRole,
            &EbsVolumeUnencrypted,
            &BackendHasPublicIp,
        ];
        // The group list denied: every template version and configuration
        // the region's groups may launch.
        let mut s = fleet(good());
        *asg(&mut s) = AutoScalingInventory::default();
        fail(&mut s, GROUPS);
        for check in checks {
            let got = launches(check, &s);
            let rs: Vec<&str> = got.iter().map(|(r, _, _)| r.as_str()).collect();
            assert_eq!(
                rs,
                vec!["launchConfiguration:*", "launch-template/*"],
                "{}",
                check.meta().id
            );
            for (_, status, why) in &got {
                assert_eq!(status, "not-evaluated");
                assert!(why.contains(GROUPS), "{why}");
            }
        }
        // The templates denied: the group's template's versions are unknown.
        let mut s = fleet(good());
        asg(&mut s).launch_templates.clear();
        fail(&mut s, TEMPLATES);
        for check in checks {
            let (r, status, why) = one(check, &s);
            assert_eq!(
                (r.as_str(), status.as_str()),
                ("launch-template/lt-1/*", "not-evaluated")
            );
            assert!(why.contains(TEMPLATES), "{why}");
        }
        // The versions denied for lt-1.
        let mut s = fleet(good());
        asg(&mut s).launch_templates[0].versions.clear();
        fail_for(&mut s, VERSIONS, "lt-1");
        for check in checks {
            let (r, status, why) = one(check, &s);
            assert_eq!(
                (r.as_str(), status.as_str()),
                ("launch-template/lt-1/version/2", "not-evaluated")
            );
            assert!(why.contains("failed for lt-1"), "{why}");
        }
        // The configurations denied.
        let mut s = fleet(good());
        let a = asg(&mut s);
        a.groups[0].launch_templates.clear();
        a.groups[0].launch_configuration_name = Some("old".into());
        fail(&mut s, CONFIGURATIONS);
        for check in checks {
            let (r, status, why) = one(check, &s);
            assert_eq!(
                (r.as_str(), status.as_str()),
                ("launchConfiguration:*", "not-evaluated")
            );
            assert!(why.contains(CONFIGURATIONS), "{why}");
        }
        // A snapshot written before schema 6.
        let mut s = fleet(good());
        region(&mut s).autoscaling = None;
        for check in checks {
            let got = launches(check, &s);
            assert_eq!(got.len(), 2, "{got:?}");
            for (_, status, why) in &got {
                assert_eq!(status, "not-evaluated");
                assert!(why.contains("schema version 6"), "{why}");
            }
        }
    }
}
