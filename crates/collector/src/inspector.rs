//! Amazon Inspector in one region (issue 15 item 2): whether it scans EC2
//! for this account (`BatchGetAccountStatus`), which instances it covers
//! (`ListCoverage`, resource type `AWS_EC2_INSTANCE`), each instance's
//! finding counts (`ListFindingAggregations`, type `AWS_EC2_INSTANCE`), its
//! open critical package vulnerabilities and its network reachability
//! findings (`ListFindings`, status `ACTIVE`, resource type
//! `AWS_EC2_INSTANCE`).
//!
//! Where EC2 scanning is `DISABLED` (or its state is unknown) nothing more
//! is read: there is nothing to cover and no finding to list.
//!
//! Page sizes are the APIs' maximums: `ListCoverage` 200
//! (<https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListCoverage.html>),
//! `ListFindingAggregations` 100
//! (<https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListFindingAggregations.html>),
//! `ListFindings` 100
//! (<https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListFindings.html>).

use std::collections::BTreeMap;

use aws_sdk_inspector2::Client;
use aws_sdk_inspector2::types as t;
use rampart_model::*;

use crate::ctx::{Ctx, Site};

const COVERAGE_PAGE: i32 = 200;
const AGGREGATION_PAGE: i32 = 100;
const FINDINGS_PAGE: i32 = 100;

fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_inspector2::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("inspector2"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("inspector2", Some(region)))
            .build(),
    )
}

pub(crate) fn count(i: &InspectorInventory) -> usize {
    i.coverage.len()
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<time::OffsetDateTime> {
    t.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t.secs()).ok())
}

/// `field EQUALS value`.
fn equals(value: &str) -> t::StringFilter {
    t::StringFilter::builder()
        .comparison(t::StringComparison::Equals)
        .value(value)
        .build()
        .expect("comparison and value are set")
}

pub(crate) async fn collect(ctx: &Ctx, region: &str, account_id: &str) -> InspectorInventory {
    let _timer = crate::ctx::Timer::new("inspector2", Some(region));
    let c = &client(ctx, region);
    let site = Site {
        service: "inspector2",
        region: Some(region),
    };
    let status = ctx
        .ok(
            site,
            "BatchGetAccountStatus",
            None,
            c.batch_get_account_status()
                .account_ids(account_id)
                .send()
                .await,
        )
        .and_then(|out| {
            let found = out
                .accounts()
                .iter()
                .find(|a| a.account_id() == account_id)
                .and_then(|a| a.resource_state())
                .and_then(|r| r.ec2())
                .map(|s| s.status().as_str().to_string());
            if found.is_none() {
                // Answered, but not for this account (it is among the
                // failed accounts, with AWS's reason): a named gap, never
                // a silent one.
                let why = out
                    .failed_accounts()
                    .iter()
                    .find(|f| f.account_id() == account_id)
                    .map(|f| format!("{}: {}", f.error_code().as_str(), f.error_message()))
                    .unwrap_or_else(|| "the answer does not list this account".into());
                let denied = why.starts_with("ACCESS_DENIED");
                ctx.recorder.push(CollectionError {
                    service: "inspector2".into(),
                    region: Some(region.to_string()),
                    operation: "inspector2:BatchGetAccountStatus".into(),
                    resource: Some(account_id.to_string()),
                    kind: if denied {
                        ErrorKind::AccessDenied
                    } else {
                        ErrorKind::Other
                    },
                    code: None,
                    message: format!("no EC2 scanning status for account {account_id} ({why})"),
                });
            }
            found
        });
    let mut inv = InspectorInventory {
        ec2_status: status,
        ..Default::default()
    };
    match inv.ec2_status.as_deref() {
        None | Some("DISABLED") => return inv,
        Some(_) => {}
    }
    let (coverage, counts, critical, network) = tokio::join!(
        coverage(ctx, site, c),
        aggregations(ctx, site, c),
        findings(ctx, site, c, "PACKAGE_VULNERABILITY", Some("CRITICAL")),
        findings(ctx, site, c, "NETWORK_REACHABILITY", None),
    );
    inv.coverage = coverage;
    // One entry per instance that has any finding, from the counts and the
    // lists (a list may name an instance the counts missed: a finding
    // raised between the two calls).
    let mut by: BTreeMap<String, InstanceVulnerabilities> = BTreeMap::new();
    for a in &counts {
        let e = entry(&mut by, a.instance_id());
        let s = a.severity_counts();
        e.critical = s.and_then(|s| s.critical()).unwrap_or(0);
        e.high = s.and_then(|s| s.high()).unwrap_or(0);
        e.medium = s.and_then(|s| s.medium()).unwrap_or(0);
        e.all = s.and_then(|s| s.all()).unwrap_or(0);
        e.network = a.network_findings().unwrap_or(0);
    }
    for f in critical.iter().flatten() {
        for r in f.resources() {
            let e = entry(&mut by, r.id());
            e.critical_open += 1;
            if let Some(d) = f.package_vulnerability_details() {
                e.top.push(Vulnerability {
                    id: d.vulnerability_id().to_string(),
                    severity: f.severity().as_str().to_string(),
                    score: f
                        .inspector_score()
                        .or_else(|| d.cvss().iter().map(|c| c.base_score()).reduce(f64::max)),
                    fix_available: f.fix_available().map(|x| x.as_str().to_string()),
                    packages: d
                        .vulnerable_packages()
                        .iter()
                        .map(|p| format!("{} {}", p.name(), p.version()))
                        .collect(),
                });
            }
        }
    }
    for f in network.iter().flatten() {
        let Some(d) = f.network_reachability_details() else {
            continue;
        };
        let Some(p) = d.open_port_range() else {
            continue;
        };
        for r in f.resources() {
            let e = entry(&mut by, r.id());
            e.reachable_ports
                .push((d.protocol().as_str().to_string(), p.begin(), p.end()));
        }
    }
    inv.findings = by
        .into_values()
        .map(|mut e| {
            e.top.sort_by(|a, b| {
                b.score
                    .partial_cmp(&a.score)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| a.id.cmp(&b.id))
            });
            e.top.dedup_by(|a, b| a.id == b.id);
            e.top.truncate(InstanceVulnerabilities::TOP);
            e.reachable_ports.sort();
            e.reachable_ports.dedup();
            e
        })
        .collect();
    // A failed list leaves its part empty; the checks read its error.
    inv
}

/// The instance's record in `by`, new and empty if it has none yet.
fn entry<'a>(
    by: &'a mut BTreeMap<String, InstanceVulnerabilities>,
    id: &str,
) -> &'a mut InstanceVulnerabilities {
    by.entry(id.to_string())
        .or_insert_with(|| InstanceVulnerabilities {
            instance_id: id.to_string(),
            critical: 0,
            high: 0,
            medium: 0,
            all: 0,
            network: 0,
            critical_open: 0,
            top: Vec::new(),
            reachable_ports: Vec::new(),
        })
}

async fn coverage(ctx: &Ctx, site: Site<'_>, c: &Client) -> Vec<InspectorCoverage> {
    let filter = t::CoverageFilterCriteria::builder()
        .resource_type(
            t::CoverageStringFilter::builder()
                .comparison(t::CoverageStringComparison::Equals)
                .value("AWS_EC2_INSTANCE")
                .build()
                .expect("comparison and value are set"),
        )
        .build();
    let res: Result<Vec<t::CoveredResource>, _> = c
        .list_coverage()
        .filter_criteria(filter)
        .max_results(COVERAGE_PAGE)
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    let Some(all) = ctx.ok(site, "ListCoverage", None, res) else {
        return Vec::new();
    };
    let mut out: Vec<InspectorCoverage> = all
        .iter()
        .filter(|r| r.resource_id().starts_with("i-"))
        .map(|r| InspectorCoverage {
            instance_id: r.resource_id().to_string(),
            status: r
                .scan_status()
                .map(|s| s.status_code().as_str().to_string()),
            reason: r.scan_status().map(|s| s.reason().as_str().to_string()),
            last_scanned_at: time(r.last_scanned_at()),
        })
        .collect();
    out.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    out.dedup_by(|a, b| a.instance_id == b.instance_id);
    out
}

async fn aggregations(
    ctx: &Ctx,
    site: Site<'_>,
    c: &Client,
) -> Vec<t::Ec2InstanceAggregationResponse> {
    let res: Result<Vec<t::AggregationResponse>, _> = c
        .list_finding_aggregations()
        .aggregation_type(t::AggregationType::AwsEc2Instance)
        .max_results(AGGREGATION_PAGE)
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    ctx.ok(site, "ListFindingAggregations", None, res)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| match r {
            t::AggregationResponse::Ec2InstanceAggregation(a) => Some(a),
            _ => None,
        })
        .collect()
}

/// The region's active findings of `kind` on EC2 instances (of
/// `severity`, if given), highest Inspector score first; `None` when the
/// listing failed (recorded).
async fn findings(
    ctx: &Ctx,
    site: Site<'_>,
    c: &Client,
    kind: &str,
    severity: Option<&str>,
) -> Option<Vec<t::Finding>> {
    let mut filter = t::FilterCriteria::builder()
        .finding_status(equals("ACTIVE"))
        .finding_type(equals(kind))
        .resource_type(equals("AWS_EC2_INSTANCE"));
    if let Some(s) = severity {
        filter = filter.severity(equals(s));
    }
    let res: Result<Vec<t::Finding>, _> = c
        .list_findings()
        .filter_criteria(filter.build())
        .sort_criteria(
            t::SortCriteria::builder()
                .field(t::SortField::InspectorScore)
                .sort_order(t::SortOrder::Desc)
                .build()
                .expect("field and order are set"),
        )
        .max_results(FINDINGS_PAGE)
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    ctx.ok(site, "ListFindings", None, res)
}
