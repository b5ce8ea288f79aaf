//! KMS in one region (issue 15 item 5): the keys that encrypt the region's
//! EBS volumes and its EBS default key, described (`DescribeKey`: manager,
//! state, origin, spec, deletion date) and, for customer managed symmetric
//! keys with KMS key material, their rotation (`GetKeyRotationStatus`).
//! Nothing else of the account's keys is read.
//!
//! One read is avoided on purpose: `DescribeKey` on a predefined AWS alias
//! that has no key yet (`alias/aws/ebs` in an account that never encrypted
//! a volume) *creates* the AWS managed key
//! (<https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html>),
//! and rampart never changes an account. An `alias/aws/...` default is
//! recorded as it is, and the checks know it names an AWS managed key.

use std::collections::BTreeSet;

use aws_sdk_kms::Client;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, e};

fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_kms::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("kms"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("kms", Some(region)))
            .build(),
    )
}

pub(crate) fn count(i: &KmsInventory) -> usize {
    i.keys.len()
}

/// The keys to describe: every volume's key and the EBS default key
/// (unless it is a predefined AWS alias), without repeats.
fn wanted(ec2: &Ec2Inventory) -> BTreeSet<&str> {
    ec2.volumes
        .iter()
        .filter_map(|v| v.kms_key_id.as_deref())
        .chain(ec2.ebs_default_kms_key_id.as_deref())
        .filter(|id| !id.is_empty() && !is_aws_kms_alias(id))
        .collect()
}

pub(crate) async fn collect(ctx: &Ctx, region: &str, ec2: &Ec2Inventory) -> KmsInventory {
    let wanted = wanted(ec2);
    if wanted.is_empty() {
        return KmsInventory::default();
    }
    let _timer = crate::ctx::Timer::new("kms", Some(region));
    let c = &client(ctx, region);
    let site = Site {
        service: "kms",
        region: Some(region),
    };
    let mut keys: Vec<KmsKey> = futures::stream::iter(wanted)
        .map(|id| key(ctx, site, c, id))
        .buffer_unordered(ctx.fanout)
        .filter_map(|k| async move { k })
        .collect()
        .await;
    keys.sort_by(|a, b| a.arn.cmp(&b.arn));
    // An alias and an ARN may name the same key.
    keys.dedup_by(|a, b| a.arn == b.arn);
    KmsInventory { keys }
}

async fn key(ctx: &Ctx, site: Site<'_>, c: &Client, id: &str) -> Option<KmsKey> {
    let out = ctx.ok(
        site,
        "DescribeKey",
        Some(id),
        c.describe_key().key_id(id).send().await,
    )?;
    let m = out.key_metadata()?;
    let mut key = KmsKey {
        arn: m.arn().unwrap_or(id).to_string(),
        key_id: m.key_id().to_string(),
        key_manager: e(m.key_manager()),
        key_state: e(m.key_state()),
        origin: e(m.origin()),
        key_spec: e(m.key_spec()),
        deletion_date: m
            .deletion_date()
            .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t.secs()).ok()),
        rotation_enabled: None,
        rotation_period_days: None,
    };
    if key.automatic_rotation_applies()
        && let Some(r) = ctx.ok(
            site,
            "GetKeyRotationStatus",
            Some(&key.arn),
            c.get_key_rotation_status().key_id(&key.arn).send().await,
        )
    {
        key.rotation_enabled = Some(r.key_rotation_enabled());
        key.rotation_period_days = r.rotation_period_in_days();
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_aws_aliases_are_never_described() {
        assert!(is_aws_kms_alias("alias/aws/ebs"));
        assert!(is_aws_kms_alias(
            "arn:aws:kms:us-east-1:123456789012:alias/aws/ebs"
        ));
        assert!(!is_aws_kms_alias("alias/hardened-ebs"));
        assert!(!is_aws_kms_alias(
            "arn:aws:kms:us-east-1:123456789012:key/abc"
        ));
        let ec2 = Ec2Inventory {
            ebs_default_kms_key_id: Some("alias/aws/ebs".into()),
            ..Default::default()
        };
        assert!(wanted(&ec2).is_empty());
    }
}
