//! The KMS keys behind backend volumes (issue 15 item 5), judged by
//! DATA-008 (usable: enabled, not pending deletion), DATA-009 (customer
//! managed keys rotate) and DATA-010 (customer managed keys where
//! `rampart.toml` requires them). Each is filed on the key, the thing to
//! change, listing the backends whose attached volumes it encrypts (as
//! security-group findings list theirs): one key on a fleet is one finding.
//!
//! The account's EBS default key is judged too where it is a customer
//! managed key: every volume created without a key gets it
//! (<https://docs.aws.amazon.com/ebs/latest/userguide/work-with-ebs-encr.html>).
//! An `alias/aws/ebs` default names the AWS managed key, which AWS keeps
//! enabled and rotates every year
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html>).

use rampart_model::{KmsKey, Status, is_aws_kms_alias};

use crate::checks::network::scope::{Scope, instance_arns};
use crate::registry::{Context, Outcome, why_missing};

/// The key `arn` of `region` as collected, or why it cannot be judged.
pub(crate) fn key_of<'s>(cx: &Context<'s>, region: &str, arn: &str) -> Result<&'s KmsKey, String> {
    let inv = cx
        .snapshot
        .regions
        .get(region)
        .ok_or_else(|| format!("region {region} was not scanned"))?;
    let kms = inv.kms.as_ref().ok_or_else(|| {
        "KMS data is not in this snapshot (written before schema version 4): re-scan".to_string()
    })?;
    if let Some(k) = kms.keys.iter().find(|k| k.arn == arn || k.key_id == arn) {
        return Ok(k);
    }
    if cx
        .not_collected(Some(region), &["kms:DescribeKey"])
        .is_some()
    {
        return Err(why_missing(cx, Some(region), &["kms:DescribeKey"], arn));
    }
    Err(format!(
        "{arn} is not described: deleted, or not readable by the scanning principal"
    ))
}

/// The ARN under which a region's unknown keys are reported.
fn keys_arn(cx: &Context<'_>, region: &str) -> String {
    format!(
        "arn:{}:kms:{region}:{}:key/*",
        cx.snapshot.partition, cx.snapshot.account_id
    )
}

/// One outcome per key that encrypts backends' attached volumes (or that
/// the region's EBS default names, when it is customer managed), judged by
/// `judge` (region, key ARN, key -> status, message), plus the gaps; a key only maybe-backends use
/// is not evaluated, with why.
pub(crate) fn per_key(
    cx: &Context<'_>,
    what: &str,
    judge: impl Fn(&str, &str, &KmsKey) -> (Status, String),
) -> Vec<Outcome> {
    let scope = Scope::of(cx);
    let (keys, mut out) = scope.resources(
        cx,
        "KMS keys",
        "key",
        |inv| {
            inv.kms
                .iter()
                .flat_map(|k| &k.keys)
                .map(|k| k.arn.as_str())
                .collect()
        },
        |rix, i| {
            Ok(rix
                .instance_volumes
                .get(i.instance_id.as_str())
                .into_iter()
                .flatten()
                .filter_map(|v| v.kms_key_id.as_deref())
                .collect())
        },
        None,
    );
    for region in cx.snapshot.region_names() {
        // Without the volumes, which keys backends use is unknown.
        if let Some(why) = cx.not_collected(Some(region), &["ec2:DescribeVolumes"]) {
            out.push(Outcome::new(
                keys_arn(cx, region),
                region,
                Status::NotEvaluated(why),
                format!("the KMS keys of the backend volumes in {region} are unknown"),
            ));
        }
    }
    let mut judged: Vec<(&str, &str)> = Vec::new();
    for ((region, arn), users) in &keys {
        judged.push((region, arn));
        let (status, message) = match key_of(cx, region, arn) {
            Err(why) => (
                Status::NotEvaluated(why),
                format!("{what} of {arn} is unknown"),
            ),
            Ok(k) => judge(region, arn, k),
        };
        let status = match (status, users.doubt()) {
            (Status::NotEvaluated(why), _) => Status::NotEvaluated(why),
            (_, Some(doubt)) => Status::NotEvaluated(doubt),
            (s, None) => s,
        };
        let mut o = Outcome::new(
            arn.to_string(),
            region,
            status,
            format!(
                "{message} (encrypts volumes of {})",
                crate::checks::instance::ami_state::run_by(users)
            ),
        );
        o.affected = instance_arns(cx, region, &users.backends);
        out.push(o);
    }
    // The EBS default key: what new volumes get. A customer managed key
    // that no backend volume uses yet is judged as well (an AWS alias is
    // AWS managed: enabled and rotated by AWS).
    for (region, inv) in &cx.snapshot.regions {
        if let Some(why) = cx.not_collected(Some(region), &["ec2:GetEbsDefaultKmsKeyId"]) {
            let gap = keys_arn(cx, region);
            if out.iter().any(|o| o.resource_arn == gap) {
                continue;
            }
            out.push(Outcome::new(
                keys_arn(cx, region),
                region,
                Status::NotEvaluated(why),
                format!("the EBS default key of {region} is unknown"),
            ));
            continue;
        }
        let Some(default) = inv.ec2.ebs_default_kms_key_id.as_deref() else {
            continue;
        };
        if is_aws_kms_alias(default) {
            continue;
        }
        let known = key_of(cx, region, default);
        let arn = known.as_ref().map_or(default, |k| k.arn.as_str());
        if judged.contains(&(region.as_str(), arn)) {
            continue;
        }
        let (status, message) = match known {
            Err(why) => (
                Status::NotEvaluated(why),
                format!("{what} of the EBS default key {default} is unknown"),
            ),
            Ok(k) => judge(region, arn, k),
        };
        out.push(Outcome::new(
            arn.to_string(),
            region,
            status,
            format!("{message} (the EBS default key of {region}: new volumes get it)"),
        ));
    }
    out
}

/// `key ID` for messages.
pub(crate) fn label(k: &KmsKey) -> String {
    format!("KMS key {}", k.key_id)
}

/// Whether a key is AWS managed.
pub(crate) fn aws_managed(k: &KmsKey) -> bool {
    k.key_manager.as_deref() == Some("AWS")
}
