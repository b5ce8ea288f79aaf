//! The certificates on the exposure paths (issue 15 item 6), judged by
//! DATA-011 (not expiring, renewal not failed), DATA-012 (RSA keys of at
//! least 2048 bits) and DATA-013 (renewed by ACM, not imported). A
//! certificate is on a path when a hop of an exposure path presents it:
//! a load balancer listener (its default certificate, the one
//! `DescribeListeners` names) or an API Gateway custom domain, entered by
//! the path or serving the same API stage beside its default endpoint.
//! Each verdict is filed on the certificate, the thing to change, listing
//! the backends behind it (one certificate on a fleet is one finding).
//!
//! Certificates the snapshot names that no known path reaches get no
//! verdict, except where the region's paths may be incomplete: there they
//! are not evaluated (they may be on a path rampart could not trace). When
//! the listeners or the custom domains of a region are missing, which
//! certificates its hops present is unknown: one `certificate/*` verdict
//! says so.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashMapExt};
use rampart_model::{Certificate, Status, is_acm_certificate_arn, time::OffsetDateTime};

use crate::checks::network::scope::instance_arns;
use crate::domains::Domains;
use crate::registry::{Context, Outcome, why_missing};

/// The operations that say which certificates a region's hops present.
const SOURCES: [&str; 5] = [
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeListenerCertificates",
    crate::domains::LIST_V1,
    crate::domains::LIST_V2,
];

/// The operation that describes a certificate.
const DESCRIBE: &str = "acm:DescribeCertificate";

/// Where one certificate is presented, and to which backends.
#[derive(Debug, Default)]
pub(crate) struct Use<'s> {
    /// The region whose hops present it (the first, in name order).
    pub region: &'s str,
    /// The presenting hops, for the message: listener ARNs and domain
    /// names.
    pub hops: BTreeSet<Presenter<'s>>,
    /// The backends behind, as (region, instance id).
    pub backends: BTreeSet<(&'s str, &'s str)>,
    /// Why it may be on a path although no known path reaches it.
    pub maybe: Option<String>,
}

/// A hop that presents a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Presenter<'s> {
    /// A listener: its ARN.
    Listener(&'s str),
    /// An API custom domain: its name.
    Domain(&'s str),
}

/// Every certificate on an exposure path (or maybe on one), by ARN.
#[derive(Debug, Default)]
pub(crate) struct OnPaths<'s> {
    pub by_cert: BTreeMap<&'s str, Use<'s>>,
}

/// The certificates of one domain's description.
fn domain_certs<'s>(d: &crate::domains::Domain<'s>) -> impl Iterator<Item = &'s str> {
    d.described().certificate_arns().map(String::as_str)
}

impl<'s> OnPaths<'s> {
    /// Found once per run for the three checks ([`Context`] keeps it).
    pub(crate) fn of<'c>(cx: &'c Context<'s>) -> &'c OnPaths<'s> {
        cx.certificates.get_or_init(|| OnPaths::build(cx))
    }

    fn build(cx: &Context<'s>) -> OnPaths<'s> {
        let mut out = OnPaths::default();
        for (region, inv) in &cx.snapshot.regions {
            let region = region.as_str();
            let Some(rix) = cx.index.regions.get(region) else {
                continue;
            };
            let domains = Domains::of(cx.snapshot, region, inv);
            let by_name: HashMap<&str, &crate::domains::Domain<'s>> =
                domains.list.iter().map(|d| (d.name, d)).collect();
            // Per hop id, what it presents: found once per distinct hop.
            let mut seen: HashMap<&str, Vec<(&'s str, Presenter<'s>)>> = HashMap::new();
            for (instance, exposures) in cx.exposures.in_region(region) {
                // The instance id as the snapshot holds it (lives as long
                // as the snapshot, unlike the exposures' own strings).
                let Some(instance) = rix.instances.get(instance).map(|i| i.instance_id.as_str())
                else {
                    continue;
                };
                for e in exposures {
                    for h in &e.path.hops {
                        if !matches!(h.kind.as_str(), "listener" | "api-domain" | "api-stage") {
                            continue;
                        }
                        let presented = seen.entry(h.id.as_str()).or_insert_with(|| {
                            presented(h.kind.as_str(), &h.id, rix, &domains, &by_name)
                        });
                        for (cert, p) in presented.iter() {
                            let u = out.by_cert.entry(cert).or_insert_with(|| Use {
                                region,
                                ..Default::default()
                            });
                            u.hops.insert(*p);
                            u.backends.insert((region, instance));
                        }
                    }
                }
            }
            // Certificates the region's hops present that no known path
            // reaches: maybe on one where the paths may be incomplete.
            if let Some(gap) = cx.path_gap(region) {
                for cert in inv.presented_certificate_arns() {
                    out.by_cert.entry(cert).or_insert_with(|| Use {
                        region,
                        maybe: Some(gap.clone()),
                        ..Default::default()
                    });
                }
            }
        }
        out
    }
}

/// What the hop `id` of `kind` presents: a listener's certificates, a
/// domain's, or those of the domains that serve an API stage.
fn presented<'s>(
    kind: &str,
    id: &str,
    rix: &crate::index::RegionIndex<'s>,
    domains: &Domains<'s>,
    by_name: &HashMap<&str, &crate::domains::Domain<'s>>,
) -> Vec<(&'s str, Presenter<'s>)> {
    match kind {
        "listener" => rix
            .listeners
            .get(id)
            .into_iter()
            .flat_map(|(_, l)| {
                l.certificates()
                    .map(|c| (c.as_str(), Presenter::Listener(l.listener_arn.as_str())))
            })
            .collect(),
        "api-domain" => {
            let name = id.split('/').next().unwrap_or_default();
            by_name
                .get(name)
                .into_iter()
                .flat_map(|d| domain_certs(d).map(|c| (c, Presenter::Domain(d.name))))
                .collect()
        }
        _ => {
            // `API/STAGE/...`: the domains mapping that stage.
            let mut parts = id.splitn(3, '/');
            let (Some(api), Some(stage)) = (parts.next(), parts.next()) else {
                return Vec::new();
            };
            domains
                .entries(api, stage)
                .flat_map(|(d, _)| domain_certs(d).map(|c| (c, Presenter::Domain(d.name))))
                .collect()
        }
    }
}

/// The certificate `arn` as collected for `region`, or why it cannot be
/// judged.
pub(crate) fn certificate_of<'s>(
    cx: &Context<'s>,
    region: &str,
    arn: &str,
) -> Result<&'s Certificate, String> {
    if !is_acm_certificate_arn(arn) {
        return Err(format!(
            "{arn} is not an ACM certificate (an IAM server certificate): rampart reads ACM certificates only"
        ));
    }
    let inv = cx
        .snapshot
        .regions
        .get(region)
        .ok_or_else(|| format!("region {region} was not scanned"))?;
    let acm = inv.acm.as_ref().ok_or_else(|| {
        "ACM data is not in this snapshot (written before schema version 5): re-scan".to_string()
    })?;
    if let Some(c) = acm.certificate(arn) {
        return Ok(c);
    }
    if cx.not_collected(Some(region), &[DESCRIBE]).is_some() {
        return Err(why_missing(cx, Some(region), &[DESCRIBE], arn));
    }
    Err(format!(
        "{arn} is not described: deleted, or not readable by the scanning principal"
    ))
}

/// `certificate DOMAIN (ID)` for messages.
pub(crate) fn label(c: &Certificate) -> String {
    let id = c.arn.rsplit('/').next().unwrap_or(&c.arn);
    match &c.domain_name {
        Some(d) => format!("certificate {d} ({id})"),
        None => format!("certificate {id}"),
    }
}

/// Whole days from `now` to `t` (negative when `t` is past).
pub(crate) fn days_until(now: OffsetDateTime, t: OffsetDateTime) -> i64 {
    (t - now).whole_days()
}

/// One outcome per certificate on a path (or maybe on one), judged by
/// `judge` (certificate -> status, message), plus a `certificate/*` gap per
/// region whose presenting hops are unknown.
pub(crate) fn per_certificate(
    cx: &Context<'_>,
    judge: impl Fn(&Certificate) -> (Status, String),
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for region in cx.snapshot.region_names() {
        if let Some(why) = cx.not_collected(Some(region), &SOURCES) {
            out.push(Outcome::new(
                format!(
                    "arn:{}:acm:{region}:{}:certificate/*",
                    cx.snapshot.partition, cx.snapshot.account_id
                ),
                region,
                Status::NotEvaluated(why),
                format!("the certificates on the TLS hops of {region} are unknown"),
            ));
        }
    }
    let on = OnPaths::of(cx);
    for (arn, u) in &on.by_cert {
        // A certificate of another region (an edge domain's, in us-east-1)
        // is described and kept with the region that presents it.
        let (status, message) = match certificate_of(cx, u.region, arn) {
            Err(why) => (
                Status::NotEvaluated(why),
                format!("the certificate {arn} could not be judged"),
            ),
            Ok(c) => judge(c),
        };
        let status = match (&u.maybe, status) {
            (_, Status::NotEvaluated(why)) => Status::NotEvaluated(why),
            (Some(gap), _) => Status::NotEvaluated(format!(
                "no known exposure path reaches it, but the paths of {} may be incomplete: {gap}",
                u.region
            )),
            (None, s) => s,
        };
        let mut o = Outcome::new(
            arn.to_string(),
            u.region,
            status,
            format!("{message}{}", where_used(cx, u)),
        );
        let mut by_region: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (r, i) in &u.backends {
            by_region.entry(r).or_default().push(i);
        }
        o.affected = by_region
            .into_iter()
            .flat_map(|(r, ids)| instance_arns(cx, r, &ids))
            .collect();
        out.push(o);
    }
    out
}

/// ` (presented by HOPS to N backend(s): IDS)` for a message.
fn where_used(cx: &Context<'_>, u: &Use<'_>) -> String {
    let hops: Vec<String> = u
        .hops
        .iter()
        .map(|p| match p {
            Presenter::Listener(arn) => cx
                .index
                .regions
                .get(u.region)
                .and_then(|rix| rix.listeners.get(arn))
                .map_or_else(
                    || format!("listener {arn}"),
                    |(lb, l)| {
                        format!(
                            "{} {}:{}",
                            lb.name,
                            l.protocol.as_deref().unwrap_or("?"),
                            l.port.map_or("?".into(), |p| p.to_string())
                        )
                    },
                ),
            Presenter::Domain(name) => format!("domain {name}"),
        })
        .collect();
    if hops.is_empty() {
        return String::new();
    }
    let ids: Vec<&str> = u.backends.iter().map(|(_, i)| *i).collect();
    let mut names = ids.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    if ids.len() > 5 {
        names.push_str(&format!(" and {} more", ids.len() - 5));
    }
    format!(
        " (presented by {} to {} backend(s): {names})",
        hops.join(", "),
        ids.len()
    )
}

#[cfg(test)]
mod tests {
    use crate::checks::data::cert_fixtures::*;
    use crate::testing::*;

    /// The path view shows the certificate on each TLS hop: the listener's
    /// as ACM described it, a custom domain's beside its TLS policy.
    #[test]
    fn tls_hops_show_their_certificate() {
        let mut s = default_account();
        // Enter the legacy API only through its domain.
        let r = region(&mut s);
        r.apigateway.rest_apis[1].disable_execute_api_endpoint = true;
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::compute(&index);
        let labels: Vec<&str> = exposures
            .all()
            .flat_map(|e| e.path.hops.iter())
            .filter(|h| h.kind == "listener" || h.kind == "api-domain")
            .map(|h| h.label.as_str())
            .collect();
        assert!(
            labels.contains(&"TLS:443 (cert c-h.example.com until 1971-01-01)"),
            "{labels:?}"
        );
        assert!(
            labels.contains(
                &"domain legacy.example.com/ (TLS_1_2, cert c-l.example.com until 1970-01-11)"
            ),
            "{labels:?}"
        );
        // Not described: the certificate's id.
        region(&mut s).acm = None;
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::compute(&index);
        assert!(
            exposures
                .all()
                .flat_map(|e| e.path.hops.iter())
                .any(|h| h.label == "TLS:443 (cert c-h)")
        );
    }
}
