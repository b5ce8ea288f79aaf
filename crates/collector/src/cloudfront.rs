//! CloudFront for the account (issue 16 item 1), once per scan: a global
//! service whose control plane answers in us-east-1
//! (<https://docs.aws.amazon.com/general/latest/gr/cf_region.html>).
//!
//! - `ListDistributions`, 1,000 a page (`MaxItems`; the API's maximum). Its
//!   summaries already carry what the checks read: origins with their
//!   protocol policy and TLS versions, origin groups, cache behaviours with
//!   their viewer protocol policy, the viewer certificate and the web ACL
//!   (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionSummary.html>).
//!   `GetDistributionConfig` per distribution would answer the same again,
//!   so it is not called.
//! - The WAFv2 web ACLs of scope `CLOUDFRONT` (`ListWebACLs`, `GetWebACL`,
//!   their logging), in us-east-1 ([`crate::wafv2::collect_cloudfront_acls`]).
//!
//! Never origin custom header values (a shared secret often sits there:
//! only the names are kept), functions, key groups, logs or invalidations.

use aws_sdk_cloudfront::Client;
use aws_sdk_cloudfront::types as t;
use rampart_model::*;

use crate::ctx::{Ctx, Site, e, o};
use crate::ids::IdShape;
use crate::session::task;

const SITE: Site<'static> = Site {
    service: "cloudfront",
    region: None,
};

/// `MaxItems` of `ListDistributions`.
const PAGE: i32 = 1000;

pub(crate) async fn collect(ctx: &Ctx, region: &str) -> CloudFrontInventory {
    task(
        ctx,
        "cloudfront",
        None,
        |i: &CloudFrontInventory| i.distributions.len() + i.web_acls.len(),
        async {
            let ((distributions, vpc_origins), web_acls) = tokio::join!(
                async {
                    let c = client(ctx, region);
                    let distributions = distributions(ctx, &c).await;
                    let vpc_origins = vpc_origins(ctx, &c, &distributions).await;
                    (distributions, vpc_origins)
                },
                crate::wafv2::collect_cloudfront_acls(ctx, region)
            );
            CloudFrontInventory {
                distributions,
                web_acls,
                vpc_origins,
            }
        },
    )
    .await
}

fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_cloudfront::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("cloudfront"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Xml))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("cloudfront", None))
            .build(),
    )
}

async fn distributions(ctx: &Ctx, c: &Client) -> Vec<Distribution> {
    let _timer = crate::ctx::Timer::new("cloudfront", None);
    let Some(summaries) = ctx
        .token_pages(
            SITE,
            "ListDistributions",
            None,
            |marker| {
                c.list_distributions()
                    .max_items(PAGE)
                    .set_marker(marker)
                    .send()
            },
            |out| out.distribution_list().map_or(&[][..], |l| l.items()),
            |out| {
                out.distribution_list()
                    .filter(|l| l.is_truncated())
                    .and_then(|l| l.next_marker())
            },
        )
        .await
    else {
        return Vec::new();
    };
    // A distribution without an id or ARN is a half-read answer: refused
    // whole (crate::ids).
    let summaries = ctx.well_formed(
        SITE,
        "ListDistributions",
        None,
        "distribution",
        IdShape::Arn {
            service: "cloudfront",
            resource: "distribution",
        },
        summaries,
        |d: &t::DistributionSummary| Some(d.arn()),
    );
    let mut out: Vec<Distribution> = summaries.iter().map(distribution).collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// `GetVpcOrigin` for each VPC origin some origin of `distributions`
/// names, once each, sorted by id; none called when none is named.
/// `ListVpcOrigins` would list them all but leaves out the ports and
/// protocol policy
/// (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_VpcOriginSummary.html>),
/// so it is not called. A failed call is recorded with the id as its
/// resource, and that VPC origin is missing.
async fn vpc_origins(ctx: &Ctx, c: &Client, distributions: &[Distribution]) -> Vec<VpcOrigin> {
    let ids: std::collections::BTreeSet<&str> = distributions
        .iter()
        .flat_map(|d| &d.origins)
        .filter_map(|o| o.vpc_origin_id.as_deref())
        .collect();
    let mut out = Vec::new();
    for id in ids {
        let res = c.get_vpc_origin().id(id).send().await;
        let Some(got) = ctx.ok(SITE, "GetVpcOrigin", Some(id), res) else {
            continue;
        };
        match got.vpc_origin().and_then(vpc_origin) {
            Some(v) if v.id == id => out.push(v),
            // Half an answer (no endpoint), or another origin's: nothing
            // is kept, and the call is recorded as failed.
            _ => ctx.recorder.push(crate::ctx::malformed_answer(
                SITE,
                "GetVpcOrigin",
                Some(id),
                "the answer names no endpoint for this VPC origin",
            )),
        }
    }
    out
}

fn vpc_origin(v: &t::VpcOrigin) -> Option<VpcOrigin> {
    let e = v.vpc_origin_endpoint_config()?;
    if e.arn().is_empty() {
        return None;
    }
    Some(VpcOrigin {
        id: v.id().to_string(),
        arn: v.arn().to_string(),
        status: Some(v.status().to_string()).filter(|s| !s.is_empty()),
        endpoint_arn: e.arn().to_string(),
        connection: connection(
            e.http_port(),
            e.https_port(),
            e.origin_protocol_policy(),
            e.origin_ssl_protocols(),
        ),
    })
}

/// A custom origin's or a VPC origin's ports, protocol policy and SSL
/// protocols (sorted).
fn connection(
    http_port: i32,
    https_port: i32,
    policy: &t::OriginProtocolPolicy,
    ssl: Option<&t::OriginSslProtocols>,
) -> CfCustomOrigin {
    let mut ssl_protocols: Vec<String> = ssl
        .map(|p| p.items().iter().map(|p| p.as_str().to_string()).collect())
        .unwrap_or_default();
    ssl_protocols.sort();
    CfCustomOrigin {
        http_port,
        https_port,
        protocol_policy: Some(policy.as_str().to_string()),
        ssl_protocols,
    }
}

fn distribution(d: &t::DistributionSummary) -> Distribution {
    let mut aliases: Vec<String> = d.aliases().map(|a| a.items().to_vec()).unwrap_or_default();
    aliases.sort();
    Distribution {
        id: d.id().to_string(),
        arn: d.arn().to_string(),
        domain_name: d.domain_name().to_string(),
        status: Some(d.status().to_string()).filter(|s| !s.is_empty()),
        enabled: d.enabled(),
        staging: d.staging(),
        aliases,
        web_acl_id: Some(d.web_acl_id().to_string()).filter(|s| !s.is_empty()),
        viewer_certificate: d.viewer_certificate().map(|v| ViewerCertificate {
            cloudfront_default_certificate: v.cloud_front_default_certificate().unwrap_or(false),
            acm_certificate_arn: o::<String>(v.acm_certificate_arn()).filter(|s| !s.is_empty()),
            iam_certificate_id: o::<String>(v.iam_certificate_id()).filter(|s| !s.is_empty()),
            ssl_support_method: e(v.ssl_support_method()),
            minimum_protocol_version: e(v.minimum_protocol_version()),
        }),
        origins: d
            .origins()
            .map(|o| o.items().iter().map(origin).collect())
            .unwrap_or_default(),
        origin_groups: d
            .origin_groups()
            .map(|g| {
                g.items()
                    .iter()
                    .map(|g| CfOriginGroup {
                        id: g.id().to_string(),
                        members: g
                            .members()
                            .map(|m| {
                                m.items()
                                    .iter()
                                    .map(|m| m.origin_id().to_string())
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        default_behavior: match d.default_cache_behavior() {
            Some(b) => CfBehavior {
                path_pattern: None,
                target_origin_id: b.target_origin_id().to_string(),
                viewer_protocol_policy: Some(b.viewer_protocol_policy().as_str().to_string()),
            },
            // Required by the API; an answer without one is judged as
            // nothing known about it.
            None => CfBehavior {
                path_pattern: None,
                target_origin_id: String::new(),
                viewer_protocol_policy: None,
            },
        },
        behaviors: d
            .cache_behaviors()
            .map(|c| {
                c.items()
                    .iter()
                    .map(|b| CfBehavior {
                        path_pattern: Some(b.path_pattern().to_string()),
                        target_origin_id: b.target_origin_id().to_string(),
                        viewer_protocol_policy: Some(
                            b.viewer_protocol_policy().as_str().to_string(),
                        ),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn origin(o: &t::Origin) -> CfOrigin {
    let mut custom_header_names: Vec<String> = o
        .custom_headers()
        .map(|h| {
            h.items()
                .iter()
                .map(|h| h.header_name().to_string())
                .collect()
        })
        .unwrap_or_default();
    custom_header_names.sort();
    CfOrigin {
        id: o.id().to_string(),
        domain_name: o.domain_name().to_string(),
        origin_path: Some(o.origin_path().unwrap_or_default().to_string())
            .filter(|p| !p.is_empty()),
        custom: o.custom_origin_config().map(|c| {
            connection(
                c.http_port(),
                c.https_port(),
                c.origin_protocol_policy(),
                c.origin_ssl_protocols(),
            )
        }),
        vpc_origin_id: o.vpc_origin_config().map(|v| v.vpc_origin_id().to_string()),
        s3: o.s3_origin_config().is_some()
            || (o.custom_origin_config().is_none()
                && o.vpc_origin_config().is_none()
                && o.origin_access_control_id()
                    .is_some_and(|id| !id.is_empty())),
        custom_header_names,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Header values never reach the snapshot; names, ports, policies and
    /// TLS versions do.
    #[test]
    fn an_origin_keeps_header_names_and_its_tls_settings() {
        let o = t::Origin::builder()
            .id("alb")
            .domain_name("web-1.us-east-1.elb.amazonaws.com")
            .custom_headers(
                t::CustomHeaders::builder()
                    .quantity(1)
                    .items(
                        t::OriginCustomHeader::builder()
                            .header_name("X-Origin-Verify")
                            .header_value("s3cr3t-shared-value")
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .custom_origin_config(
                t::CustomOriginConfig::builder()
                    .http_port(80)
                    .https_port(443)
                    .origin_protocol_policy(t::OriginProtocolPolicy::HttpsOnly)
                    .origin_ssl_protocols(
                        t::OriginSslProtocols::builder()
                            .quantity(2)
                            .items(t::SslProtocol::TlSv12)
                            .items(t::SslProtocol::TlSv1)
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let got = origin(&o);
        assert_eq!(got.custom_header_names, vec!["X-Origin-Verify".to_string()]);
        assert!(!format!("{got:?}").contains("s3cr3t"));
        let custom = got.custom.unwrap();
        assert_eq!(custom.protocol_policy.as_deref(), Some("https-only"));
        assert_eq!(custom.ssl_protocols, vec!["TLSv1", "TLSv1.2"]);
        assert!(!got.s3);
    }
}
