//! ACM in one region (issue 15 item 6): the certificates the region's TLS
//! hops present (load balancer listeners, API custom domains), described
//! with `DescribeCertificate` (type, status, key algorithm, validity,
//! managed renewal, in use by). Nothing else of the account's certificates
//! is read, and never a certificate body or key (`GetCertificate` and
//! `ExportCertificate` are not called).
//!
//! A certificate is described in the region its ARN names: an
//! edge-optimized custom domain presents a certificate from us-east-1
//! whichever region the domain is in
//! (<https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-edge-optimized-custom-domain-name.html>).
//! It is kept with the region whose hops present it, where the checks
//! look for it.

use std::collections::BTreeMap;

use aws_sdk_acm::Client;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, e, o, strings};

fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_acm::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("acm"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("acm", Some(region)))
            .build(),
    )
}

pub(crate) fn count(i: &AcmInventory) -> usize {
    i.certificates.len()
}

pub(crate) async fn collect(ctx: &Ctx, region: &str, inv: &RegionInventory) -> AcmInventory {
    let wanted = inv.acm_certificate_arns();
    if wanted.is_empty() {
        return AcmInventory::default();
    }
    let _timer = crate::ctx::Timer::new("acm", Some(region));
    // One client per region the ARNs name (us-east-1 for edge domains).
    let mut clients: BTreeMap<&str, Client> = BTreeMap::new();
    for arn in &wanted {
        let home = arn_region(arn).unwrap_or(region);
        clients.entry(home).or_insert_with(|| client(ctx, home));
    }
    let site = Site {
        service: "acm",
        region: Some(region),
    };
    let clients = &clients;
    let mut certificates: Vec<Certificate> = futures::stream::iter(wanted)
        .map(|arn| async move {
            let c = &clients[arn_region(arn).unwrap_or(region)];
            describe(ctx, site, c, arn).await
        })
        .buffer_unordered(ctx.fanout)
        .filter_map(|c| async move { c })
        .collect()
        .await;
    certificates.sort_by(|a, b| a.arn.cmp(&b.arn));
    AcmInventory { certificates }
}

fn when(t: Option<&aws_smithy_types::DateTime>) -> Option<time::OffsetDateTime> {
    t.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t.secs()).ok())
}

async fn describe(ctx: &Ctx, site: Site<'_>, c: &Client, arn: &str) -> Option<Certificate> {
    let out = ctx.ok(
        site,
        "DescribeCertificate",
        Some(arn),
        c.describe_certificate().certificate_arn(arn).send().await,
    )?;
    let d = out.certificate()?;
    let renewal = d.renewal_summary();
    Some(Certificate {
        arn: d.certificate_arn().unwrap_or(arn).to_string(),
        domain_name: o(d.domain_name()),
        cert_type: e(d.r#type()),
        status: e(d.status()),
        key_algorithm: e(d.key_algorithm()),
        not_before: when(d.not_before()),
        not_after: when(d.not_after()),
        renewal_eligibility: e(d.renewal_eligibility()),
        renewal_status: renewal.map(|r| r.renewal_status().as_str().to_string()),
        renewal_status_reason: renewal.and_then(|r| e(r.renewal_status_reason())),
        in_use_by: strings(d.in_use_by()),
    })
}
