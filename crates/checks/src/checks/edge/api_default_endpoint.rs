//! EDGE-013: an API served by a custom domain disables its default
//! endpoint. Clients can invoke an API through its default
//! `https://{api-id}.execute-api.{region}.amazonaws.com` endpoint as well as
//! through every custom domain mapped to it; the default endpoint skips
//! what the domain enforces (its TLS security policy, its mutual TLS
//! truststore). "To ensure that clients only access your API by using a
//! custom domain name, disable the default execute-api endpoint"
//! (<https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html>,
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-disable-default-endpoint.html>,
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html>).
//!
//! Judged per public REST, HTTP or WebSocket API that a custom domain
//! maps; where a domain list or some domain's mappings were not collected,
//! every public API not known to be mapped is not evaluated (a mapping may
//! exist that nobody can see).

use rampart_model::Status;

use super::support::{
    api_list_gaps, http_api_arn, http_label, is_public, regions, rest_api_arn, rest_label, v2_kind,
};
use crate::domains::{Domains, entry_id};
use crate::registry::{Check, Context, Outcome};

pub struct ApiDefaultEndpointEnabled;

impl Check for ApiDefaultEndpointEnabled {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-013")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let s = cx.snapshot;
        let mut out = Vec::new();
        for (region, inv, _) in regions(cx) {
            out.extend(api_list_gaps(cx, region, "HTTP and WebSocket APIs"));
            let domains = Domains::of(s, region, inv);
            let unknown = domains.unknown_mappings();
            out.extend(unlisted_apis(cx, region, inv, &domains));
            let rest = inv
                .apigateway
                .rest_apis
                .iter()
                .filter(|a| is_public(a))
                .map(|a| {
                    let what = format!("REST API {}", rest_label(a));
                    (
                        rest_api_arn(s, region, &a.id),
                        &a.id,
                        what,
                        a.disable_execute_api_endpoint,
                    )
                });
            let v2 = inv.apigatewayv2.apis.iter().filter_map(|a| {
                let what = format!("{} {}", v2_kind(a)?, http_label(a));
                Some((
                    http_api_arn(s, region, &a.api_id),
                    &a.api_id,
                    what,
                    a.disable_execute_api_endpoint,
                ))
            });
            for (arn, id, what, disabled) in rest.chain(v2) {
                let doors: Vec<String> = domains
                    .mapped(id)
                    .map(|(d, m)| entry_id(d.name, m))
                    .collect();
                if doors.is_empty() {
                    if let Some(reason) = cx.not_collected(Some(region), &unknown) {
                        out.push(Outcome::new(
                            arn,
                            region,
                            Status::NotEvaluated(reason),
                            format!("whether a custom domain serves {what} is unknown"),
                        ));
                    } else if !unknown.is_empty() {
                        // Missing without a recorded error: a snapshot
                        // older than the mappings.
                        out.push(Outcome::new(
                            arn,
                            region,
                            Status::NotEvaluated(
                                "custom domain mappings are not in this snapshot (written before schema version 4): re-scan"
                                    .into(),
                            ),
                            format!("whether a custom domain serves {what} is unknown"),
                        ));
                    }
                    continue;
                }
                let via = doors.join(", ");
                let (status, message) = if disabled {
                    (
                        Status::Pass,
                        format!(
                            "{what} disables its default endpoint: clients reach it only through {via}"
                        ),
                    )
                } else {
                    let skipped = skipped(&domains, id);
                    (
                        Status::Fail,
                        format!(
                            "{what} is served by {via} and its default endpoint \
                             https://{id}.execute-api.{region}.amazonaws.com is enabled: \
                             clients can call it there and skip {skipped}; disable the default endpoint"
                        ),
                    )
                };
                out.push(Outcome::new(arn, region, status, message));
            }
        }
        out
    }
}

/// The APIs a domain maps although their own list is missing: each is
/// not evaluated (the API list decides whether its default endpoint is
/// enabled), under the kind whose list is missing. A mapping does not say
/// whether it names a REST or an HTTP API: an id neither list holds is
/// filed under each kind whose list is missing.
fn unlisted_apis(
    cx: &Context<'_>,
    region: &str,
    inv: &rampart_model::RegionInventory,
    domains: &Domains<'_>,
) -> Vec<Outcome> {
    let s = cx.snapshot;
    let rest_gap = cx.not_collected(Some(region), &["apigateway:GetRestApis"]);
    let v2_gap = cx.not_collected(Some(region), &["apigatewayv2:GetApis"]);
    if rest_gap.is_none() && v2_gap.is_none() {
        return vec![];
    }
    let mut ids: Vec<&str> = domains
        .list
        .iter()
        .flat_map(|d| d.mappings())
        .map(|m| m.api_id.as_str())
        .filter(|id| {
            !inv.apigateway.rest_apis.iter().any(|a| a.id == *id)
                && !inv.apigatewayv2.apis.iter().any(|a| a.api_id == *id)
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::new();
    for id in ids {
        for (gap, arn) in [
            (&rest_gap, rest_api_arn(s, region, id)),
            (&v2_gap, http_api_arn(s, region, id)),
        ] {
            if let Some(reason) = gap {
                out.push(Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(reason.clone()),
                    format!(
                        "API {id} is mapped by a custom domain; whether its default endpoint is enabled is unknown"
                    ),
                ));
            }
        }
    }
    out
}

/// What the default endpoint lets a client skip: the domains' TLS policy
/// and, where one is set, their mutual TLS.
fn skipped(domains: &Domains<'_>, api_id: &str) -> String {
    let mut mtls: Vec<&str> = domains
        .mapped(api_id)
        .filter(|(d, _)| d.described().mutual_tls_truststore_uri.is_some())
        .map(|(d, _)| d.name)
        .collect();
    mtls.dedup();
    if mtls.is_empty() {
        "the domain's TLS security policy".to_string()
    } else {
        format!(
            "the domain's TLS security policy and the client certificates (mutual TLS) {} requires",
            mtls.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rampart_model::*;

    fn domain(name: &str, mappings: Option<Vec<ApiMapping>>, mtls: bool) -> DomainName {
        DomainName {
            mutual_tls_truststore_uri: mtls.then(|| "s3://trust/store.pem".into()),
            ..custom_domain(name, mappings)
        }
    }

    fn to(api: &str, stage: &str, key: &str) -> ApiMapping {
        ApiMapping {
            api_id: api.into(),
            stage: Some(stage.into()),
            key: key.into(),
        }
    }

    fn rest(id: &str, endpoint: &str, disabled: bool) -> RestApi {
        RestApi {
            disable_execute_api_endpoint: disabled,
            ..crate::checks::edge::fixtures::rest_api(id, endpoint)
        }
    }

    fn account() -> Snapshot {
        let mut s = snapshot();
        let r = region(&mut s);
        r.apigateway.rest_apis = vec![
            rest("open", "REGIONAL", false),
            rest("closed", "REGIONAL", true),
            rest("alone", "REGIONAL", false),
            rest("priv", "PRIVATE", false),
        ];
        r.apigateway.domain_names = vec![domain(
            "api.example.com",
            Some(vec![to("open", "prod", "v1"), to("closed", "prod", "v2")]),
            true,
        )];
        r.apigatewayv2.apis = vec![HttpApi {
            disable_execute_api_endpoint: false,
            ..crate::checks::edge::fixtures::http_api("h1")
        }];
        r.apigatewayv2.domain_names = Some(vec![domain(
            "http.example.com",
            Some(vec![to("h1", "$default", "")]),
            false,
        )]);
        s
    }

    fn by_api(s: &Snapshot) -> Vec<(String, &'static str, String)> {
        run(&ApiDefaultEndpointEnabled, s)
            .into_iter()
            .map(|o| {
                (
                    o.resource_arn.rsplit('/').next().unwrap().to_string(),
                    o.status.as_str(),
                    o.message,
                )
            })
            .collect()
    }

    #[test]
    fn a_mapped_api_fails_with_its_default_endpoint_and_passes_without() {
        let got = by_api(&account());
        let names: Vec<(&str, &str)> = got.iter().map(|(a, s, _)| (a.as_str(), *s)).collect();
        // Unmapped and private APIs are not judged.
        assert_eq!(
            names,
            [("open", "fail"), ("closed", "pass"), ("h1", "fail")]
        );
        assert!(
            got[0]
                .2
                .contains("https://open.execute-api.us-east-1.amazonaws.com")
                && got[0].2.contains("api.example.com/v1")
                && got[0].2.contains("mutual TLS"),
            "{}",
            got[0].2
        );
        assert!(
            got[1].2.contains("only through api.example.com/v2"),
            "{}",
            got[1].2
        );
        assert!(got[2].2.contains("http.example.com/"), "{}", got[2].2);
        assert!(!got[2].2.contains("mutual TLS"), "{}", got[2].2);
    }

    #[test]
    fn unknown_mappings_leave_every_unmapped_public_api_not_evaluated() {
        let mut s = account();
        region(&mut s).apigateway.domain_names[0].api_mappings = None;
        fail_for(&mut s, "apigateway:GetBasePathMappings", "api.example.com");
        let got = by_api(&s);
        let names: Vec<(&str, &str)> = got.iter().map(|(a, s, _)| (a.as_str(), *s)).collect();
        assert_eq!(
            names,
            [
                ("open", "not-evaluated"),
                ("closed", "not-evaluated"),
                ("alone", "not-evaluated"),
                ("h1", "fail")
            ]
        );
        let o = run(&ApiDefaultEndpointEnabled, &s);
        assert!(
            matches!(&o[0].status, Status::NotEvaluated(w) if w.contains("apigateway:GetBasePathMappings"))
        );

        // An old snapshot: no v2 domain list, no recorded error.
        let mut old = account();
        region(&mut old).apigatewayv2.domain_names = None;
        let got = by_api(&old);
        assert!(
            got.iter()
                .any(|(a, s, _)| a == "alone" && *s == "not-evaluated")
        );
        assert!(got.iter().any(|(a, s, _)| a == "open" && *s == "fail"));
    }

    /// Without the REST API list, the region is a gap and every API a
    /// domain still names stands not evaluated on its own ARN.
    #[test]
    fn uncollected_api_lists_are_region_gaps_and_mapped_apis_stand_in() {
        let mut s = account();
        fail(&mut s, "apigateway:GetRestApis");
        region(&mut s).apigateway.rest_apis.clear();
        let got = by_api(&s);
        let names: Vec<(&str, &str)> = got.iter().map(|(a, s, _)| (a.as_str(), *s)).collect();
        assert_eq!(
            names,
            [
                ("*", "not-evaluated"),
                ("closed", "not-evaluated"),
                ("open", "not-evaluated"),
                ("h1", "fail")
            ]
        );
        let o = run(&ApiDefaultEndpointEnabled, &s);
        assert!(o[0].resource_arn.ends_with("/restapis/*"), "{o:?}");
        assert!(o[1].resource_arn.ends_with("/restapis/closed"), "{o:?}");
    }
}
