//! Hand-built snapshots for the certificate checks: the network checks'
//! demo account (hardened NLB TLS listener behind a REST API; legacy REST
//! API over the internet to a public NLB) with a certificate on each
//! story's TLS hop: the hardened listener's ACM-issued `c-h`, and the
//! legacy API's edge custom domain `legacy.example.com` with an imported
//! `c-l` (kept in us-east-1, as edge domains' certificates are).

use rampart_model::time::{Duration, OffsetDateTime};
use rampart_model::*;

use crate::checks::network::fixtures::{LISTENER_H, demo};
use crate::registry::Check;
use crate::testing::*;

pub fn cert_arn(id: &str) -> String {
    format!("arn:aws:acm:us-east-1:123456789012:certificate/{id}")
}

/// An issued, ACM-renewed RSA 2048 certificate valid for `days` more days
/// after the snapshot's collection time.
pub fn cert(id: &str, days: i64) -> Certificate {
    Certificate {
        arn: cert_arn(id),
        domain_name: Some(format!("{id}.example.com")),
        cert_type: Some("AMAZON_ISSUED".into()),
        status: Some("ISSUED".into()),
        key_algorithm: Some("RSA_2048".into()),
        not_before: Some(OffsetDateTime::UNIX_EPOCH - Duration::days(60)),
        not_after: Some(OffsetDateTime::UNIX_EPOCH + Duration::days(days)),
        renewal_eligibility: Some("ELIGIBLE".into()),
        renewal_status: None,
        renewal_status_reason: None,
        in_use_by: vec![],
    }
}

/// An imported RSA 1024 certificate expiring in `days` days.
pub fn imported(id: &str, days: i64) -> Certificate {
    Certificate {
        cert_type: Some("IMPORTED".into()),
        key_algorithm: Some("RSA_1024".into()),
        renewal_eligibility: Some("INELIGIBLE".into()),
        ..cert(id, days)
    }
}

/// The demo with `c-h` on the hardened listener and `c-l` on the legacy
/// API's custom domain, described as given.
pub fn account(h: Certificate, l: Certificate) -> Snapshot {
    let mut s = demo();
    let r = region(&mut s);
    for lb in &mut r.elbv2.load_balancers {
        for l in lb.listeners.iter_mut().flatten() {
            if l.listener_arn == LISTENER_H {
                l.certificate_arns = vec![cert_arn("c-h")];
            }
        }
    }
    let mut d = custom_domain(
        "legacy.example.com",
        Some(vec![ApiMapping {
            api_id: "api-l".into(),
            stage: Some("v1".into()),
            key: String::new(),
        }]),
    );
    d.endpoint_types = vec!["EDGE".into()];
    d.certificate_arn = Some(cert_arn("c-l"));
    r.apigateway.domain_names = vec![d];
    let mut certificates = vec![h, l];
    certificates.sort_by(|a, b| a.arn.cmp(&b.arn));
    r.acm = Some(AcmInventory { certificates });
    s
}

/// The demo as above with the default certificates (hardened valid for a
/// year; legacy imported RSA 1024, 10 days left).
pub fn default_account() -> Snapshot {
    account(cert("c-h", 365), imported("c-l", 10))
}

/// A snapshot older than schema version 5 holds no ACM data: `check` says
/// not evaluated for both certificates, never pass or fail.
pub fn not_evaluated_without_acm(check: &dyn Check) {
    let mut s = default_account();
    region(&mut s).acm = None;
    let got = run(check, &s);
    assert_eq!(
        statuses(&got),
        [
            ("c-h".into(), "not-evaluated"),
            ("c-l".into(), "not-evaluated")
        ]
    );
    assert!(
        got.iter().all(|o| matches!(&o.status, rampart_model::Status::NotEvaluated(w) if w.contains("schema version 5"))),
        "{got:#?}"
    );
}
