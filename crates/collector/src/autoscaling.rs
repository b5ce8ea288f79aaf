//! Fleets in one region (issue 15 item 3): the Auto Scaling groups
//! (`autoscaling:DescribeAutoScalingGroups`) and what they launch from:
//! the launch template versions they reference (`ec2:DescribeLaunchTemplates`
//! resolves `$Default`/`$Latest`, then `ec2:DescribeLaunchTemplateVersions`
//! per template for exactly those versions), the launch configurations they
//! name (`autoscaling:DescribeLaunchConfigurations`), and the region's
//! account-level IMDS defaults (`ec2:GetInstanceMetadataDefaults`), which
//! decide what a template that sets no metadata options launches with.
//!
//! Templates and configurations carry the instances' user data; it is never
//! read into the snapshot (only the fields of [`LaunchSpec`] are kept).
//!
//! Page and batch sizes are the APIs' maximums:
//! `DescribeAutoScalingGroups` 100 a page
//! (<https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAutoScalingGroups.html>),
//! `DescribeLaunchConfigurations` 50 names a call and 100 a page
//! (<https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeLaunchConfigurations.html>),
//! `DescribeLaunchTemplates` 200 a page
//! (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeLaunchTemplates.html>),
//! `DescribeLaunchTemplateVersions` 200 a page
//! (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeLaunchTemplateVersions.html>).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::types as a;
use aws_sdk_ec2::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, e, o, strings};
use crate::ids::IdShape;

const GROUP_PAGE: i32 = 100;
const CONFIG_NAMES: usize = 50;
const CONFIG_PAGE: i32 = 100;
const TEMPLATE_PAGE: i32 = 200;

fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_autoscaling::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("autoscaling"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Xml))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("autoscaling", Some(region)))
            .build(),
    )
}

pub(crate) fn count(i: &AutoScalingInventory) -> usize {
    i.groups.len() + i.launch_templates.len() + i.launch_configurations.len()
}

/// The region's groups; what they launch from is added by [`complete`].
pub(crate) async fn groups(ctx: &Ctx, region: &str) -> AutoScalingInventory {
    let _timer = crate::ctx::Timer::new("autoscaling", Some(region));
    let c = client(ctx, region);
    let site = Site {
        service: "autoscaling",
        region: Some(region),
    };
    let res: Result<Vec<a::AutoScalingGroup>, _> = c
        .describe_auto_scaling_groups()
        .max_records(GROUP_PAGE)
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    let groups = ctx
        .ok(site, "DescribeAutoScalingGroups", None, res)
        .unwrap_or_default();
    let groups = ctx.well_formed(
        site,
        "DescribeAutoScalingGroups",
        None,
        "Auto Scaling group",
        IdShape::Name,
        groups,
        |g: &a::AutoScalingGroup| g.auto_scaling_group_name(),
    );
    let mut groups: Vec<AutoScalingGroup> = groups.iter().map(group).collect();
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    groups.dedup_by(|a, b| a.name == b.name);
    AutoScalingInventory {
        groups,
        ..Default::default()
    }
}

fn template_ref(s: &a::LaunchTemplateSpecification) -> LaunchTemplateRef {
    LaunchTemplateRef {
        id: o(s.launch_template_id()),
        name: o(s.launch_template_name()),
        version: o(s.version()),
    }
}

fn group(g: &a::AutoScalingGroup) -> AutoScalingGroup {
    let mut templates: Vec<LaunchTemplateRef> =
        g.launch_template().map(template_ref).into_iter().collect();
    if let Some(lt) = g.mixed_instances_policy().and_then(|p| p.launch_template()) {
        templates.extend(lt.launch_template_specification().map(template_ref));
        templates.extend(
            lt.overrides()
                .iter()
                .filter_map(|o| o.launch_template_specification())
                .map(template_ref),
        );
    }
    templates.sort();
    templates.dedup();
    let mut instance_ids: Vec<String> = g
        .instances()
        .iter()
        .filter_map(|i| o(i.instance_id()))
        .collect();
    instance_ids.sort();
    AutoScalingGroup {
        name: g.auto_scaling_group_name().unwrap_or_default().to_string(),
        arn: g.auto_scaling_group_arn().unwrap_or_default().to_string(),
        launch_templates: templates,
        launch_configuration_name: o(g.launch_configuration_name()),
        target_group_arns: g.target_group_arns().to_vec(),
        subnet_ids: g
            .vpc_zone_identifier()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        min_size: g.min_size(),
        max_size: g.max_size(),
        desired_capacity: g.desired_capacity(),
        instance_ids,
    }
}

/// Adds what the groups launch from: the template versions they
/// reference, the launch configurations they name, and (when any group
/// launches from either) the account's IMDS defaults.
/// Also returns the AMIs those name that no instance runs (described here:
/// the checks read their IMDS support and block devices).
pub(crate) async fn complete(
    ctx: &Ctx,
    region: &str,
    mut inv: AutoScalingInventory,
    have: &Ec2Inventory,
) -> (AutoScalingInventory, Vec<Image>) {
    if inv.groups.is_empty() {
        return (inv, Vec::new());
    }
    let _timer = crate::ctx::Timer::new("autoscaling", Some(region));
    let ec2 = &crate::ec2::client(ctx, region);
    let ec2_site = Site {
        service: "ec2",
        region: Some(region),
    };
    let asg_site = Site {
        service: "autoscaling",
        region: Some(region),
    };
    let refs: Vec<&LaunchTemplateRef> = inv
        .groups
        .iter()
        .flat_map(|g| &g.launch_templates)
        .collect();
    let configs: BTreeSet<&str> = inv
        .groups
        .iter()
        .filter_map(|g| g.launch_configuration_name.as_deref())
        .collect();
    let asg = client(ctx, region);
    let (templates, launch_configurations, metadata_defaults) = tokio::join!(
        templates(ctx, ec2_site, ec2, &refs),
        launch_configurations(ctx, asg_site, &asg, &configs),
        async {
            if refs.is_empty() && configs.is_empty() {
                return None;
            }
            let out = ctx.ok(
                ec2_site,
                "GetInstanceMetadataDefaults",
                None,
                ec2.get_instance_metadata_defaults().send().await,
            )?;
            let d = out.account_level();
            Some(MetadataDefaults {
                http_tokens: d.and_then(|d| e(d.http_tokens())),
                http_put_response_hop_limit: d.and_then(|d| d.http_put_response_hop_limit()),
                http_endpoint: d.and_then(|d| e(d.http_endpoint())),
            })
        }
    );
    inv.launch_templates = templates;
    inv.launch_configurations = launch_configurations;
    inv.metadata_defaults = metadata_defaults;
    let described: BTreeSet<&str> = have
        .images
        .iter()
        .flatten()
        .map(|i| i.image_id.as_str())
        .collect();
    let missing: Vec<String> = image_ids(&inv)
        .into_iter()
        .filter(|id| !described.contains(id))
        .map(str::to_string)
        .collect();
    let images = crate::ec2::images(ctx, ec2_site, ec2, missing.iter().map(String::as_str)).await;
    (inv, images)
}

/// The templates `refs` name, each with the versions they resolve to.
async fn templates(
    ctx: &Ctx,
    site: Site<'_>,
    c: &aws_sdk_ec2::Client,
    refs: &[&LaunchTemplateRef],
) -> Vec<LaunchTemplate> {
    if refs.is_empty() {
        return Vec::new();
    }
    // Every template of the region, once: `LaunchTemplateIds` would fail
    // the whole call on one deleted template, and the listing is what
    // resolves `$Default` and `$Latest`.
    let res: Result<Vec<t::LaunchTemplate>, _> = c
        .describe_launch_templates()
        .max_results(TEMPLATE_PAGE)
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    let Some(all) = ctx.ok(site, "DescribeLaunchTemplates", None, res) else {
        return Vec::new();
    };
    let all = ctx.well_formed(
        site,
        "DescribeLaunchTemplates",
        None,
        "launch template",
        IdShape::Ec2("lt"),
        all,
        |t: &t::LaunchTemplate| t.launch_template_id(),
    );
    // The referenced templates, with the version numbers groups use.
    let mut wanted: BTreeMap<&str, (LaunchTemplate, BTreeSet<i64>)> = BTreeMap::new();
    for r in refs {
        let Some(lt) = all.iter().find(|t| {
            r.id.as_deref()
                .is_some_and(|id| t.launch_template_id() == Some(id))
                || (r.id.is_none()
                    && r.name.is_some()
                    && t.launch_template_name() == r.name.as_deref())
        }) else {
            continue;
        };
        let id = lt.launch_template_id().unwrap_or_default();
        let entry = wanted.entry(id).or_insert_with(|| {
            (
                LaunchTemplate {
                    id: id.to_string(),
                    name: o(lt.launch_template_name()),
                    default_version: lt.default_version_number(),
                    latest_version: lt.latest_version_number(),
                    versions: Vec::new(),
                },
                BTreeSet::new(),
            )
        });
        if let Some(n) = entry.0.resolve(r.version.as_deref()) {
            entry.1.insert(n);
        }
    }
    let mut out: Vec<LaunchTemplate> = futures::stream::iter(wanted.into_values())
        .map(|(mut lt, numbers)| async move {
            if numbers.is_empty() {
                return lt;
            }
            let res: Result<Vec<t::LaunchTemplateVersion>, _> = c
                .describe_launch_template_versions()
                .launch_template_id(&lt.id)
                .set_versions(Some(numbers.iter().map(i64::to_string).collect()))
                .max_results(TEMPLATE_PAGE)
                .into_paginator()
                .items()
                .send()
                .collect()
                .await;
            if let Some(versions) =
                ctx.ok(site, "DescribeLaunchTemplateVersions", Some(&lt.id), res)
            {
                lt.versions = versions
                    .iter()
                    .filter_map(|v| {
                        Some(LaunchTemplateVersion {
                            version: v.version_number()?,
                            spec: v
                                .launch_template_data()
                                .map(template_spec)
                                .unwrap_or_default(),
                        })
                    })
                    .collect();
                lt.versions.sort_by_key(|v| v.version);
                lt.versions.dedup_by_key(|v| v.version);
            }
            lt
        })
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// What a template version launches, without its user data.
fn template_spec(d: &t::ResponseLaunchTemplateData) -> LaunchSpec {
    // The primary interface: device index 0 (or the only one given).
    let primary = d
        .network_interfaces()
        .iter()
        .find(|n| n.device_index().unwrap_or(0) == 0);
    let mut groups: Vec<CompactString> = strings(d.security_group_ids());
    if let Some(n) = primary {
        groups.extend(n.groups().iter().map(|g| CompactString::from(g.as_str())));
    }
    groups.sort();
    groups.dedup();
    LaunchSpec {
        image_id: o(d.image_id()),
        iam_instance_profile: d
            .iam_instance_profile()
            .and_then(|p| o(p.arn()).or_else(|| o(p.name()))),
        key_name: o(d.key_name()),
        metadata_options: d.metadata_options().map(|m| MetadataOptions {
            http_tokens: e(m.http_tokens()),
            http_endpoint: e(m.http_endpoint()),
            http_put_response_hop_limit: m.http_put_response_hop_limit(),
            http_protocol_ipv6: e(m.http_protocol_ipv6()),
            instance_metadata_tags: e(m.instance_metadata_tags()),
            state: None,
        }),
        associate_public_ip: primary.and_then(|n| n.associate_public_ip_address()),
        subnet_id: primary.and_then(|n| o(n.subnet_id())),
        security_group_ids: groups,
        block_devices: d
            .block_device_mappings()
            .iter()
            .map(|b| LaunchBlockDevice {
                device_name: b.device_name().unwrap_or_default().to_string(),
                ebs: b.ebs().is_some() && b.no_device().is_none() && b.virtual_name().is_none(),
                encrypted: b.ebs().and_then(|e| e.encrypted()),
                kms_key_id: b.ebs().and_then(|e| o(e.kms_key_id())),
                snapshot_id: b.ebs().and_then(|e| o(e.snapshot_id())),
            })
            .collect(),
    }
}

async fn launch_configurations(
    ctx: &Ctx,
    site: Site<'_>,
    c: &Client,
    names: &BTreeSet<&str>,
) -> Vec<LaunchConfiguration> {
    let names: Vec<&str> = names.iter().copied().collect();
    let mut out = Vec::new();
    for batch in names.chunks(CONFIG_NAMES) {
        let res: Result<Vec<a::LaunchConfiguration>, _> = c
            .describe_launch_configurations()
            .set_launch_configuration_names(Some(batch.iter().map(|s| s.to_string()).collect()))
            .max_records(CONFIG_PAGE)
            .into_paginator()
            .items()
            .send()
            .collect()
            .await;
        // One failed batch leaves the list empty: never a partial list.
        let Some(v) = ctx.ok(site, "DescribeLaunchConfigurations", None, res) else {
            return Vec::new();
        };
        out.extend(v.iter().map(|lc| {
            LaunchConfiguration {
                name: lc
                    .launch_configuration_name()
                    .unwrap_or_default()
                    .to_string(),
                arn: lc
                    .launch_configuration_arn()
                    .unwrap_or_default()
                    .to_string(),
                spec: configuration_spec(lc),
            }
        }));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    out
}

/// What a launch configuration launches, without its user data.
fn configuration_spec(lc: &a::LaunchConfiguration) -> LaunchSpec {
    LaunchSpec {
        image_id: o(lc.image_id()),
        iam_instance_profile: o(lc.iam_instance_profile()),
        key_name: o(lc.key_name()),
        metadata_options: lc.metadata_options().map(|m| MetadataOptions {
            http_tokens: e(m.http_tokens()),
            http_endpoint: e(m.http_endpoint()),
            http_put_response_hop_limit: m.http_put_response_hop_limit(),
            http_protocol_ipv6: None,
            instance_metadata_tags: None,
            state: None,
        }),
        associate_public_ip: lc.associate_public_ip_address(),
        subnet_id: None,
        security_group_ids: {
            let mut g: Vec<CompactString> = strings(lc.security_groups());
            g.sort();
            g.dedup();
            g
        },
        block_devices: lc
            .block_device_mappings()
            .iter()
            .map(|b| LaunchBlockDevice {
                device_name: b.device_name().unwrap_or_default().to_string(),
                ebs: b.ebs().is_some() && b.no_device() != Some(true) && b.virtual_name().is_none(),
                encrypted: b.ebs().and_then(|e| e.encrypted()),
                kms_key_id: None,
                snapshot_id: b.ebs().and_then(|e| o(e.snapshot_id())),
            })
            .collect(),
    }
}

/// The AMIs the launch specs name (`resolve:ssm:` parameters are resolved
/// only at launch and are left out).
pub(crate) fn image_ids(inv: &AutoScalingInventory) -> BTreeSet<&str> {
    inv.launch_templates
        .iter()
        .flat_map(|t| &t.versions)
        .map(|v| &v.spec)
        .chain(inv.launch_configurations.iter().map(|c| &c.spec))
        .filter_map(|s| s.image_id.as_deref())
        .filter(|id| id.starts_with("ami-"))
        .collect()
}
