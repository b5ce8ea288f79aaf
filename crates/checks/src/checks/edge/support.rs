//! What the API Gateway and WAF checks of the edge layer share: the ARNs
//! they report on (in the snapshot's partition), which APIs count as public,
//! and the not-evaluated outcomes for inputs that were not collected, named
//! after the exact operation (and, when the collector recorded it, the exact
//! API or ACL) that failed.

use std::collections::BTreeSet;

use rampart_model::{HttpApi, RestApi, Snapshot, Status, WebAcl};

use crate::index::RegionIndex;
use crate::registry::{Context, Outcome};

/// AWS's baseline rule groups, which EDGE-003 requires on every web ACL:
/// the core rule set and known bad inputs
/// (<https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html>).
/// The SQL database group is a use-case group
/// (<https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-use-case.html>),
/// required only where `rampart.toml` says so ([`config_required`]).
pub(crate) const BASELINE_GROUPS: [&str; 2] = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
];

/// A rule group that `[[waf.require]]` asks of a web ACL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfigRequired {
    pub group: String,
    /// `rampart.toml line N requires it for REST API(s) ...`, for messages.
    pub why: String,
    /// `false` when the ACL may protect the APIs named (its resources were
    /// not collected) but is not known to.
    pub certain: bool,
}

/// The REST APIs whose stages a web ACL protects, by id, and whether that
/// list is complete (the ACL's resources were collected). The stages'
/// own `webAclArn` fills in what the ACL side misses.
pub(crate) fn protected_apis<'a>(
    inv: &'a rampart_model::RegionInventory,
    acl: &'a WebAcl,
) -> (BTreeSet<&'a str>, bool) {
    let mut apis = BTreeSet::new();
    for arn in acl.associated_resources.iter().flatten() {
        if let Some(id) = arn
            .split_once("/restapis/")
            .and_then(|(_, rest)| rest.split_once("/stages/"))
            .map(|(id, _)| id)
        {
            apis.insert(id);
        }
    }
    for api in &inv.apigateway.rest_apis {
        if api
            .stages
            .iter()
            .flatten()
            .any(|st| st.web_acl_arn.as_deref() == Some(acl.arn.as_str()))
        {
            apis.insert(api.id.as_str());
        }
    }
    (apis, acl.associated_resources.is_some())
}

/// The groups `[[waf.require]]` entries ask of `acl`: those for an API it
/// protects (certain), and, when its resources are unknown, those it may
/// owe (uncertain). One entry per group, a certain one first.
pub(crate) fn config_required(
    cx: &Context<'_>,
    inv: &rampart_model::RegionInventory,
    acl: &WebAcl,
) -> Vec<ConfigRequired> {
    let requirements = &cx.settings.waf.require;
    if requirements.is_empty() {
        return Vec::new();
    }
    let (apis, complete) = protected_apis(inv, acl);
    let mut out: Vec<ConfigRequired> = Vec::new();
    for r in requirements {
        let matched: Vec<String> = apis
            .iter()
            .filter(|a| r.covers(a))
            .map(|a| a.to_string())
            .collect();
        let certain = !matched.is_empty();
        if !certain && complete {
            continue;
        }
        let why = if certain {
            format!(
                "rampart.toml line {} requires it for REST API {}",
                r.line,
                list(&matched)
            )
        } else {
            format!(
                "rampart.toml line {} requires it for REST API {}",
                r.line,
                list(&r.apis)
            )
        };
        for g in &r.groups {
            match out.iter_mut().find(|c| &c.group == g) {
                Some(c) if !c.certain && certain => {
                    *c = ConfigRequired {
                        group: g.clone(),
                        why: why.clone(),
                        certain,
                    }
                }
                Some(_) => {}
                None => out.push(ConfigRequired {
                    group: g.clone(),
                    why: why.clone(),
                    certain,
                }),
            }
        }
    }
    out
}

/// Why a web ACL's protected resources are unknown: the listing failed,
/// and so did its fallback (`GetWebACLForResource` per ALB, which the
/// collector asks only when the listing fails) when it failed too.
pub(crate) fn resources_missing(cx: &Context<'_>, region: &str, acl: &WebAcl) -> String {
    let listing = missing(cx, region, "wafv2:ListResourcesForWebACL", &acl.arn, || {
        format!(
            "the resources web ACL {} protects were not collected",
            acl.name
        )
    });
    match fallback_failed(cx, region) {
        Some(f) => format!("{listing}; {f}"),
        None => listing,
    }
}

/// The fallback for a failed `ListResourcesForWebACL`, when it failed too.
pub(crate) fn fallback_failed(cx: &Context<'_>, region: &str) -> Option<String> {
    cx.not_collected(Some(region), &["wafv2:GetWebACLForResource"])
        .map(|why| format!("the fallback {why}"))
}

/// `arn:PARTITION:apigateway:REGION::/restapis/ID`.
pub(crate) fn rest_api_arn(s: &Snapshot, region: &str, api_id: &str) -> String {
    crate::index::apigateway_arn(&s.partition, region, &format!("/restapis/{api_id}"))
}

/// The stage ARN API Gateway and WAF use (the index keys its ACL lookup
/// by the same [`crate::index::stage_arn`]).
pub(crate) fn rest_stage_arn(s: &Snapshot, region: &str, api_id: &str, stage: &str) -> String {
    crate::index::stage_arn(&s.partition, region, api_id, stage)
}

/// `arn:PARTITION:apigateway:REGION::/apis/ID` (HTTP and WebSocket APIs).
pub(crate) fn http_api_arn(s: &Snapshot, region: &str, api_id: &str) -> String {
    crate::index::apigateway_arn(&s.partition, region, &format!("/apis/{api_id}"))
}

pub(crate) fn http_stage_arn(s: &Snapshot, region: &str, api_id: &str, stage: &str) -> String {
    format!("{}/stages/{stage}", http_api_arn(s, region, api_id))
}

/// Stands for every web ACL of a region when none could be listed.
pub(crate) fn web_acls_arn(s: &Snapshot, region: &str) -> String {
    format!(
        "arn:{}:wafv2:{region}:{}:regional/webacl/*",
        s.partition, s.account_id
    )
}

/// A REST API reachable from the internet: an EDGE or REGIONAL endpoint.
/// A disabled execute-api endpoint does not count as private: a custom
/// domain still routes the internet to the stage.
pub(crate) fn is_public(api: &RestApi) -> bool {
    api.endpoint_types.iter().any(|t| t != "PRIVATE")
}

pub(crate) fn is_private(api: &RestApi) -> bool {
    api.endpoint_types.iter().any(|t| t == "PRIVATE")
}

/// HTTP APIs (not WebSocket APIs, whose routes and limits work differently).
pub(crate) fn is_http(api: &HttpApi) -> bool {
    api.protocol_type.as_deref() == Some("HTTP")
}

/// What an apigatewayv2 API is, for messages: `HTTP API` or `WebSocket
/// API`; `None` when its protocol type is missing or unknown.
pub(crate) fn v2_kind(api: &HttpApi) -> Option<&'static str> {
    match api.protocol_type.as_deref() {
        Some("HTTP") => Some("HTTP API"),
        Some("WEBSOCKET") => Some("WebSocket API"),
        _ => None,
    }
}

/// `name (id)`, or the id alone.
pub(crate) fn rest_label(api: &RestApi) -> String {
    label(api.name.as_deref(), &api.id)
}

pub(crate) fn http_label(api: &HttpApi) -> String {
    label(api.name.as_deref(), &api.api_id)
}

fn label(name: Option<&str>, id: &str) -> String {
    match name {
        Some(n) if n != id => format!("{n} ({id})"),
        _ => id.to_string(),
    }
}

/// Why a per-resource input is missing: the recorded error of `operation`
/// for `resource` (else any error of it in the region), else `fallback`.
pub(crate) fn missing(
    cx: &Context<'_>,
    region: &str,
    operation: &str,
    resource: &str,
    fallback: impl FnOnce() -> String,
) -> String {
    let mut errors = cx
        .snapshot
        .errors_for(operation, error_region(region))
        .peekable();
    let first = errors.peek().copied();
    let error = errors
        .find(|e| e.resource.as_deref() == Some(resource))
        .or(first);
    match error {
        Some(e) => format!(
            "{operation} was not collected for {resource} ({}: {})",
            e.kind.as_str(),
            e.message
        ),
        None => fallback(),
    }
}

/// A not-evaluated outcome standing for a whole region's `arn` (a `*`
/// resource) when one of `operations` failed there.
pub(crate) fn region_gap(
    cx: &Context<'_>,
    region: &str,
    operations: &[&str],
    arn: String,
    what: &str,
) -> Option<Outcome> {
    let reason = cx.not_collected(Some(region), operations)?;
    Some(Outcome::new(
        arn,
        region,
        Status::NotEvaluated(reason),
        format!("{what} in {region} were not collected"),
    ))
}

/// The region's gaps for the two API lists: REST APIs (`GetRestApis`) and
/// the v2 APIs (`GetApis`), which `v2_what` names ("HTTP APIs", ...).
pub(crate) fn api_list_gaps(cx: &Context<'_>, region: &str, v2_what: &str) -> Vec<Outcome> {
    let s = cx.snapshot;
    region_gap(
        cx,
        region,
        &["apigateway:GetRestApis"],
        rest_api_arn(s, region, "*"),
        "REST APIs",
    )
    .into_iter()
    .chain(region_gap(
        cx,
        region,
        &["apigatewayv2:GetApis"],
        http_api_arn(s, region, "*"),
        v2_what,
    ))
    .collect()
}

/// Every scanned region with its index.
pub(crate) fn regions<'a, 's>(
    cx: &'a Context<'s>,
) -> impl Iterator<
    Item = (
        &'s str,
        &'s rampart_model::RegionInventory,
        &'a RegionIndex<'s>,
    ),
> + 'a {
    cx.snapshot.regions.iter().filter_map(move |(name, inv)| {
        cx.index
            .regions
            .get(name.as_str())
            .map(|rix| (name.as_str(), inv, rix))
    })
}

/// The REGIONAL web ACLs of every region, plus a not-evaluated outcome per
/// region whose ACL list is missing. `judge` gives the verdict of one ACL.
pub(crate) fn each_web_acl(
    cx: &Context<'_>,
    mut judge: impl FnMut(&str, &WebAcl) -> (Status, String),
) -> Vec<Outcome> {
    each_web_acl_in(cx, |region, _, acl| judge(region, acl))
}

/// [`each_web_acl`], with the region's inventory for `judge`. The
/// `CLOUDFRONT`-scope ACLs follow, judged alike with the pseudo-region
/// [`GLOBAL`] (an empty inventory: they protect distributions, never a
/// stage), filed without a region and listing the backends behind the
/// distributions that name them.
pub(crate) fn each_web_acl_in(
    cx: &Context<'_>,
    mut judge: impl FnMut(&str, &rampart_model::RegionInventory, &WebAcl) -> (Status, String),
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, inv, _) in regions(cx) {
        out.extend(region_gap(
            cx,
            region,
            &["wafv2:ListWebACLs"],
            web_acls_arn(cx.snapshot, region),
            "web ACLs",
        ));
        for acl in &inv.wafv2.web_acls {
            let (status, message) = judge(region, inv, acl);
            out.push(Outcome::new(acl.arn.clone(), region, status, message));
        }
    }
    let Some(cf) = &cx.snapshot.cloudfront else {
        return out;
    };
    let fronts: &[super::cloudfront::Front<'_>] = match super::cloudfront::fronts(cx) {
        Ok(fronts) => fronts,
        Err(_) => &[],
    };
    if let Some(why) = cx.not_collected(None, &["wafv2:ListWebACLs"]) {
        out.push(Outcome::global(
            format!(
                "arn:{}:wafv2:us-east-1:{}:global/webacl/*",
                cx.snapshot.partition, cx.snapshot.account_id
            ),
            Status::NotEvaluated(why.clone()),
            "CLOUDFRONT-scope web ACLs were not collected",
        ));
        // An ACL a distribution names is known to exist: not evaluated
        // on it, never left to the wildcard alone.
        let named: BTreeSet<&str> = cf
            .distributions
            .iter()
            .filter_map(|d| d.web_acl_id.as_deref())
            .filter(|a| a.starts_with("arn:") && !cf.web_acls.iter().any(|w| w.arn == *a))
            .collect();
        for arn in named {
            let mut o = Outcome::global(
                arn,
                Status::NotEvaluated(why.clone()),
                "a CLOUDFRONT-scope web ACL a distribution names; its rules were not collected",
            );
            o.affected = fronts
                .iter()
                .filter(|f| f.dist.web_acl_id.as_deref() == Some(arn))
                .flat_map(|f| f.backends.iter())
                .map(|(region, id)| cx.ec2_arn(region, "instance", id))
                .collect();
            out.push(o);
        }
    }
    let none = rampart_model::RegionInventory::default();
    for acl in &cf.web_acls {
        let naming = |d: &rampart_model::Distribution| d.web_acl_id.as_deref() == Some(&acl.arn);
        let mut acl = acl.clone();
        acl.associated_resources = Some(
            cf.distributions
                .iter()
                .filter(|d| naming(d))
                .map(|d| d.arn.clone())
                .collect(),
        );
        let (status, message) = judge(GLOBAL, &none, &acl);
        let mut o = Outcome::global(acl.arn.clone(), status, message);
        o.affected = fronts
            .iter()
            .filter(|f| naming(f.dist))
            .flat_map(|f| f.backends.iter())
            .map(|(region, id)| cx.ec2_arn(region, "instance", id))
            .collect();
        out.push(o);
    }
    out
}

/// The pseudo-region [`each_web_acl_in`] judges `CLOUDFRONT`-scope ACLs
/// in: their collection errors carry no region.
pub(crate) const GLOBAL: &str = "global";

/// The region a collection error for `region`'s data carries.
fn error_region(region: &str) -> Option<&str> {
    (region != GLOBAL).then_some(region)
}

/// The not-evaluated verdict for an ACL whose body (`GetWebACL`) is missing.
pub(crate) fn acl_body_missing(cx: &Context<'_>, region: &str, acl: &WebAcl) -> (Status, String) {
    let reason = missing(cx, region, "wafv2:GetWebACL", &acl.arn, || {
        format!("the rules of web ACL {} were not collected", acl.name)
    });
    (
        Status::NotEvaluated(reason),
        format!("web ACL {}: rules unknown", acl.name),
    )
}

/// A rule (or override) action that stops the request.
pub(crate) fn stops(action: Option<&str>) -> bool {
    matches!(action, Some("block" | "captcha" | "challenge"))
}

/// Joins names for a message: `a, b and c`.
pub(crate) fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
