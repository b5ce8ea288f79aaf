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
    pub arn: String,
    /// `launch template web (lt-0abc) version 3`, `launch configuration old`.
    pub label: String,
    pub spec: &'s LaunchSpec,
    pub groups: Vec<&'s AutoScalingGroup>,
    /// ARNs of the groups' current (live) instances.
    pub members: Vec<String>,
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
                out.gaps.push(Outcome::new(
                    group_arn(cx, region, "*"),
                    region,
                    Status::NotEvaluated(
                        "Auto Scaling data is not in this snapshot (written before schema version 6): re-scan"
                            .into(),
                    ),
                    format!("the Auto Scaling groups of {region} are unknown"),
                ));
                continue;
            };
            if let Some(why) = cx.not_collected(Some(region), &[GROUPS]) {
                out.gaps.push(Outcome::new(
                    group_arn(cx, region, "*"),
                    region,
                    Status::NotEvaluated(why),
                    format!("the Auto Scaling groups of {region} were not collected"),
                ));
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
                            format!("what {} launches is unknown", g.name),
                        )),
                    }
                }
                if let Some(name) = &g.launch_configuration_name {
                    match asg.launch_configurations.iter().find(|c| &c.name == name) {
                        Some(c) => add(
                            &mut launches,
                            (c.name.clone(), -1),
                            region,
                            c.arn.clone(),
                            format!("launch configuration {}", c.name),
                            &c.spec,
                            g,
                        ),
                        None => out.gaps.push(Outcome::new(
                            group_arn(cx, region, &g.name),
                            region,
                            Status::NotEvaluated(
                                cx.not_collected(Some(region), &[CONFIGURATIONS]).unwrap_or_else(|| {
                                    format!("launch configuration {name} was not described (deleted?)")
                                }),
                            ),
                            format!("what {} launches is unknown", g.name),
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
        out
    }
}

fn add<'s>(
    launches: &mut BTreeMap<(String, i64), Launch<'s>>,
    key: (String, i64),
    region: &'s str,
    arn: String,
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

/// `arn:PARTITION:autoscaling:REGION:ACCOUNT:autoScalingGroup:*:autoScalingGroupName/NAME`
/// (the group id is not needed to name it; `*` for the region's groups).
fn group_arn(cx: &Context<'_>, region: &str, name: &str) -> String {
    format!(
        "arn:{}:autoscaling:{region}:{}:autoScalingGroup:*:autoScalingGroupName/{name}",
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
) -> Result<(&'s LaunchTemplate, &'s LaunchTemplateVersion), (String, String)> {
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
        return Err((cx.ec2_arn(region, "launch-template", named), why));
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

/// The IMDS settings an instance launched from a [`Launch`] gets.
#[derive(Debug, PartialEq)]
pub(crate) struct Imds {
    pub endpoint: String,
    pub tokens: String,
    pub hop_limit: i32,
    /// Where `tokens` came from (for the message).
    pub tokens_from: &'static str,
    pub hop_from: &'static str,
}

impl Launch<'_> {
    /// The groups (and their target groups), for a message.
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
            format!("used by {}", groups.join(", "))
        } else {
            format!(
                "used by {} (target groups {})",
                groups.join(", "),
                tgs.join(", ")
            )
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
        let inv = &cx.snapshot.regions[self.region];
        match inv.ec2.images.iter().flatten().find(|i| i.image_id == id) {
            Some(i) => Ok(i),
            None => Err(cx
                .not_collected(Some(self.region), &["ec2:DescribeImages"])
                .unwrap_or_else(|| format!("AMI {id} was not described (deregistered?)"))),
        }
    }

    /// The metadata options an instance launched from here gets, in AWS's
    /// order of precedence: the launch's own setting, then the region's
    /// account-level default, then the AMI (`ImdsSupport` `v2.0` means
    /// tokens required and a hop limit of 2), then EC2's defaults (tokens
    /// optional, hop limit 1, endpoint enabled)
    /// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html#instance-metadata-options-order-of-precedence>,
    /// <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataOptionsRequest.html>).
    /// Unknown (with why) when the answer depends on data not collected.
    pub fn imds(&self, cx: &Context<'_>) -> Result<Imds, String> {
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
        let endpoint = match own.and_then(|m| m.http_endpoint.clone()) {
            Some(e) => e,
            None => defaults()?
                .http_endpoint
                .clone()
                .unwrap_or_else(|| "enabled".into()),
        };
        let ami_v2 = || -> Result<bool, String> {
            Ok(self.image(cx)?.imds_support.as_deref() == Some("v2.0"))
        };
        let (tokens, tokens_from) = match own.and_then(|m| m.http_tokens.clone()) {
            Some(t) => (t, "set by the launch"),
            None => match defaults()?.http_tokens.clone() {
                Some(t) => (t, "the account's default"),
                None if ami_v2()? => ("required".into(), "the AMI's ImdsSupport v2.0"),
                None => ("optional".into(), "EC2's default"),
            },
        };
        let (hop_limit, hop_from) = match own.and_then(|m| m.http_put_response_hop_limit) {
            Some(h) => (h, "set by the launch"),
            None => match defaults()?.http_put_response_hop_limit {
                Some(h) => (h, "the account's default"),
                None if ami_v2()? => (2, "the AMI's ImdsSupport v2.0"),
                None => (1, "EC2's default"),
            },
        };
        Ok(Imds {
            endpoint,
            tokens,
            hop_limit,
            tokens_from,
            hop_from,
        })
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
        let mut subnets: Vec<&str> = match &self.spec.subnet_id {
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
