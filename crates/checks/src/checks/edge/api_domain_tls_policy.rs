//! EDGE-012: API Gateway custom domains refuse TLS 1.0. A REST custom
//! domain's security policy sets the lowest TLS version API Gateway
//! accepts from clients: `TLS_1_0` accepts TLS 1.0 (and 1.1), `TLS_1_2`
//! rejects them; the enhanced policies (names starting `SecurityPolicy_`)
//! name their minimum after the TLS 1.3 marker, e.g.
//! `SecurityPolicy_TLS13_1_3_2025_09` accepts TLS 1.3 only
//! (<https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html>).
//! A policy name this version does not know is not evaluated, never a
//! pass (issue 15 item 7).

use rampart_model::Status;

use super::support::{region_gap, regions};
use crate::domains::{Domains, LIST_V1, LIST_V2};
use crate::registry::{Check, Context, Outcome};

pub struct ApiDomainTlsPolicy;

impl Check for ApiDomainTlsPolicy {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-012")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let s = cx.snapshot;
        let arn = |region: &str, name: &str| {
            crate::index::apigateway_arn(&s.partition, region, &format!("/domainnames/{name}"))
        };
        let mut out = Vec::new();
        for (region, inv, _) in regions(cx) {
            out.extend(region_gap(
                cx,
                region,
                &[LIST_V1, LIST_V2],
                arn(region, "*"),
                "custom domain names",
            ));
            // v1 and v2 list the same domains (AWS shares them): one
            // verdict per name.
            for dom in Domains::of(s, region, inv).list {
                let d = dom.described();
                let name = &d.domain_name;
                let (status, message) = match d.security_policy.as_deref().map(minimum) {
                    Some(Some(Min::Tls10)) => (
                        Status::Fail,
                        format!(
                            "custom domain {name} uses security policy TLS_1_0: clients may connect with TLS 1.0 and 1.1; use TLS_1_2 (or an enhanced SecurityPolicy_TLS13_1_2/1_3 policy)"
                        ),
                    ),
                    Some(Some(Min::Tls12OrNewer)) => (
                        Status::Pass,
                        format!(
                            "custom domain {name} uses security policy {}: TLS 1.2 or newer only",
                            d.security_policy.as_deref().unwrap_or_default()
                        ),
                    ),
                    Some(None) => (
                        Status::NotEvaluated(format!(
                            "security policy {} of {name} is not one rampart knows",
                            d.security_policy.as_deref().unwrap_or_default()
                        )),
                        format!("the lowest TLS version custom domain {name} accepts is unknown"),
                    ),
                    None => (
                        Status::NotEvaluated(format!("{name} reports no security policy")),
                        format!("the lowest TLS version custom domain {name} accepts is unknown"),
                    ),
                };
                out.push(Outcome::new(arn(region, name), region, status, message));
            }
        }
        out
    }
}

enum Min {
    Tls10,
    Tls12OrNewer,
}

/// The lowest TLS version a security policy accepts, when the name says.
fn minimum(policy: &str) -> Option<Min> {
    match policy {
        "TLS_1_0" => Some(Min::Tls10),
        "TLS_1_2" => Some(Min::Tls12OrNewer),
        p => {
            // SecurityPolicy_TLS13_<min major>_<min minor>_<date>...
            let rest = p.strip_prefix("SecurityPolicy_TLS13_")?;
            let mut parts = rest.split('_');
            match (parts.next()?, parts.next()?) {
                ("1", "2" | "3") => Some(Min::Tls12OrNewer),
                ("1", "0" | "1") => Some(Min::Tls10),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rampart_model::*;

    fn domain(name: &str, policy: Option<&str>) -> DomainName {
        DomainName {
            security_policy: policy.map(str::to_string),
            ..custom_domain(name, Some(vec![]))
        }
    }

    fn verdicts(s: &Snapshot) -> Vec<(String, Status)> {
        run(&ApiDomainTlsPolicy, s)
            .into_iter()
            .map(|o| {
                (
                    o.resource_arn.rsplit('/').next().unwrap().to_string(),
                    o.status,
                )
            })
            .collect()
    }

    #[test]
    fn tls_1_2_and_newer_pass_tls_1_0_fails_unknown_is_not_evaluated() {
        let mut s = snapshot();
        region(&mut s).apigateway.domain_names = vec![
            domain("a.example.com", Some("TLS_1_2")),
            domain("b.example.com", Some("TLS_1_0")),
            domain("c.example.com", Some("SecurityPolicy_TLS13_1_3_2025_09")),
            domain("d.example.com", Some("SecurityPolicy_TLS13_1_2_PQ_2025_09")),
            domain("e.example.com", Some("SomethingNew_2030")),
            domain("f.example.com", None),
        ];
        let got = verdicts(&s);
        assert_eq!(got[0], ("a.example.com".into(), Status::Pass));
        assert_eq!(got[1], ("b.example.com".into(), Status::Fail));
        assert_eq!(got[2], ("c.example.com".into(), Status::Pass));
        assert_eq!(got[3], ("d.example.com".into(), Status::Pass));
        assert!(matches!(&got[4].1, Status::NotEvaluated(w) if w.contains("SomethingNew")));
        assert!(matches!(&got[5].1, Status::NotEvaluated(_)));
        let arn = &run(&ApiDomainTlsPolicy, &s)[1].resource_arn;
        assert_eq!(
            arn,
            "arn:aws:apigateway:us-east-1::/domainnames/b.example.com"
        );
    }

    /// A domain only the v2 API listed (moto keeps the two apart; on AWS
    /// both list it) is judged once, as is one both listed.
    #[test]
    fn v2_domains_are_judged_once_by_name() {
        let mut s = snapshot();
        let r = region(&mut s);
        r.apigateway.domain_names = vec![domain("a.example.com", Some("TLS_1_2"))];
        r.apigatewayv2.domain_names = Some(vec![
            domain("a.example.com", Some("TLS_1_2")),
            domain("h.example.com", Some("TLS_1_0")),
        ]);
        let got = verdicts(&s);
        assert_eq!(
            got,
            [
                ("a.example.com".into(), Status::Pass),
                ("h.example.com".into(), Status::Fail)
            ]
        );
        // Either list missing is the region's gap.
        let mut s = snapshot();
        fail(&mut s, "apigatewayv2:GetDomainNames");
        let got = run(&ApiDomainTlsPolicy, &s);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("apigatewayv2:GetDomainNames"))
        );
    }

    #[test]
    fn uncollected_domain_names_are_one_gap() {
        let mut s = snapshot();
        fail(&mut s, "apigateway:GetDomainNames");
        let got = run(&ApiDomainTlsPolicy, &s);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].resource_arn.ends_with("/domainnames/*"));
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("apigateway:GetDomainNames"))
        );
    }
}
