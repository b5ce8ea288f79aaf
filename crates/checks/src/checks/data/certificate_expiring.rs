//! DATA-011: no certificate on an exposure path expires within the window
//! (`[data] certificate_expiry_days`, default 30: FSBP ACM.1's default) or
//! has failed ACM's managed renewal. An expired certificate breaks every
//! client's TLS handshake with the hop (or trains users to click through
//! the warning); ACM starts renewing eligible certificates 60 days before
//! they expire and does not renew imported ones
//! (<https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html>,
//! <https://docs.aws.amazon.com/securityhub/latest/userguide/acm-controls.html#acm-1>).
//! Time is the snapshot's collection time, never the clock of the run.
//!
//! Fails: `EXPIRED` or `REVOKED` status, a `NotAfter` in the past or
//! within the window, a `FAILED` managed renewal. Passes: valid beyond the
//! window. Not evaluated: no `NotAfter`, not described.

use rampart_model::Status;

use super::certificates::{days_until, label, per_certificate};
use crate::registry::{Check, Context, Outcome};

pub struct CertificateExpiring;

impl Check for CertificateExpiring {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-011")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let now = cx.snapshot.collected_at;
        let window = cx.settings.data.certificate_expiry_days();
        per_certificate(cx, |c| {
            let name = label(c);
            let imported = c.cert_type.as_deref() == Some("IMPORTED");
            let fix = if imported {
                "import a renewed certificate into the same ARN (acm import-certificate --certificate-arn)"
            } else {
                "check its validation records (ACM renews DNS-validated certificates from 60 days before expiry) or request a new one"
            };
            if let Some(s @ ("REVOKED" | "EXPIRED")) = c.status.as_deref() {
                return (
                    Status::Fail,
                    format!("{name} is {s}: clients refuse the TLS handshake; replace it"),
                );
            }
            let Some(not_after) = c.not_after else {
                return (
                    Status::NotEvaluated(format!("{name} reports no expiry date")),
                    format!("when {name} expires is unknown"),
                );
            };
            let left = days_until(now, not_after);
            let date = not_after.date();
            if not_after <= now {
                return (
                    Status::Fail,
                    format!("{name} expired on {date}: clients refuse the TLS handshake; {fix}"),
                );
            }
            if c.renewal_status.as_deref() == Some("FAILED") {
                let why = c
                    .renewal_status_reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default();
                return (
                    Status::Fail,
                    format!(
                        "ACM's managed renewal of {name} failed{why}; it expires on {date}, in {left} days: {fix}"
                    ),
                );
            }
            if not_after < now + rampart_model::time::Duration::days(i64::from(window)) {
                return (
                    Status::Fail,
                    format!(
                        "{name} expires on {date}, in {left} days (within the {window}-day window): {fix}"
                    ),
                );
            }
            (
                Status::Pass,
                format!("{name} is valid until {date} ({left} days)"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::data::cert_fixtures::*;
    use crate::testing::*;

    #[test]
    fn a_certificate_within_the_window_fails_and_one_beyond_passes() {
        let got = run(&CertificateExpiring, &default_account());
        assert_eq!(
            statuses(&got),
            [("c-h".into(), "pass"), ("c-l".into(), "fail")]
        );
        let legacy = got
            .iter()
            .find(|o| o.resource_arn == cert_arn("c-l"))
            .unwrap();
        assert!(
            legacy.message.starts_with(
                "certificate c-l.example.com (c-l) expires on 1970-01-11, in 10 days (within the 30-day window): import a renewed certificate"
            ),
            "{}",
            legacy.message
        );
        assert!(
            legacy
                .message
                .contains("presented by domain legacy.example.com to 1 backend(s): i-l1"),
            "{}",
            legacy.message
        );
        assert_eq!(
            legacy.affected,
            ["arn:aws:ec2:us-east-1:123456789012:instance/i-l1"]
        );
        let hardened = got
            .iter()
            .find(|o| o.resource_arn == cert_arn("c-h"))
            .unwrap();
        assert!(
            hardened
                .message
                .contains("presented by nlb-h TLS:443 to 1 backend(s): i-h1"),
            "{}",
            hardened.message
        );
    }

    #[test]
    fn expired_revoked_and_failed_renewals_fail() {
        let mut failed = cert("c-h", 200);
        failed.renewal_status = Some("FAILED".into());
        failed.renewal_status_reason = Some("CAA_ERROR".into());
        let got = run(&CertificateExpiring, &account(failed, cert("c-l", -1)));
        assert_eq!(
            statuses(&got),
            [("c-h".into(), "fail"), ("c-l".into(), "fail")]
        );
        assert!(got.iter().any(|o| {
            o.message
                .contains("renewal of certificate c-h.example.com (c-h) failed (CAA_ERROR)")
        }));
        assert!(
            got.iter()
                .any(|o| o.message.contains("expired on 1969-12-31"))
        );
        let mut revoked = cert("c-l", 300);
        revoked.status = Some("REVOKED".into());
        let got = run(&CertificateExpiring, &account(cert("c-h", 31), revoked));
        assert_eq!(
            statuses(&got),
            [("c-h".into(), "pass"), ("c-l".into(), "fail")]
        );
    }

    #[test]
    fn the_window_comes_from_rampart_toml() {
        let s = account(cert("c-h", 40), cert("c-l", 20));
        let settings = rampart_model::config::Config::parse(
            "rampart.toml",
            "[data]\ncertificate_expiry_days = 45\n",
        )
        .unwrap()
        .settings;
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::compute(&index);
        let cx = Context::new(&s, &index, &exposures).with_settings(&settings);
        let got = CertificateExpiring.evaluate(&cx);
        assert_eq!(
            statuses(&got),
            [("c-h".into(), "fail"), ("c-l".into(), "fail")]
        );
        let got = run(&CertificateExpiring, &s);
        assert_eq!(
            statuses(&got),
            [("c-h".into(), "pass"), ("c-l".into(), "fail")]
        );
    }

    #[test]
    fn unknown_certificates_are_not_evaluated_never_passed() {
        not_evaluated_without_acm(&CertificateExpiring);
        // DescribeCertificate denied for one certificate.
        let mut s = default_account();
        region(&mut s)
            .acm
            .as_mut()
            .unwrap()
            .certificates
            .retain(|c| c.arn != cert_arn("c-h"));
        fail_for(&mut s, "acm:DescribeCertificate", &cert_arn("c-h"));
        let got = run(&CertificateExpiring, &s);
        assert_eq!(
            statuses(&got),
            [("c-h".into(), "not-evaluated"), ("c-l".into(), "fail")]
        );
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("acm:DescribeCertificate failed for")),
            "{got:#?}"
        );
        // No expiry date.
        let mut none = cert("c-h", 1);
        none.not_after = None;
        let got = run(&CertificateExpiring, &account(none, cert("c-l", 100)));
        assert_eq!(
            statuses(&got),
            [("c-h".into(), "not-evaluated"), ("c-l".into(), "pass")]
        );
    }

    #[test]
    fn an_iam_server_certificate_is_not_evaluated() {
        let mut s = default_account();
        let iam = "arn:aws:iam::123456789012:server-certificate/old-web";
        for lb in &mut region(&mut s).elbv2.load_balancers {
            for l in lb.listeners.iter_mut().flatten() {
                if !l.certificate_arns.is_empty() {
                    l.certificate_arns = vec![iam.into()];
                }
            }
        }
        let got = run(&CertificateExpiring, &s);
        assert_eq!(
            statuses(&got),
            [("c-l".into(), "fail"), ("old-web".into(), "not-evaluated")]
        );
    }

    #[test]
    fn missing_listeners_domains_or_paths_are_not_evaluated() {
        // The listeners: which certificates the hops present is unknown.
        let mut s = default_account();
        fail(&mut s, "elasticloadbalancing:DescribeListeners");
        let got = run(&CertificateExpiring, &s);
        assert!(
            got.iter().any(|o| o.resource_arn
                == "arn:aws:acm:us-east-1:123456789012:certificate/*"
                && matches!(&o.status, Status::NotEvaluated(w) if w.contains("DescribeListeners"))),
            "{got:#?}"
        );
        // The instances: no path is known, so neither certificate is
        // judged on one, and neither is dropped.
        let mut s = default_account();
        region(&mut s).ec2.instances.clear();
        fail(&mut s, "ec2:DescribeInstances");
        let got = run(&CertificateExpiring, &s);
        assert_eq!(
            statuses(&got),
            [
                ("c-h".into(), "not-evaluated"),
                ("c-l".into(), "not-evaluated")
            ]
        );
    }

    /// A listener presents its SNI certificate list beside its default
    /// certificate: each is judged; without the list, which certificates
    /// the listener presents is unknown.
    #[test]
    fn sni_certificates_are_judged_and_a_missing_list_is_a_gap() {
        let mut s = default_account();
        let r = region(&mut s);
        for lb in &mut r.elbv2.load_balancers {
            for l in lb.listeners.iter_mut().flatten() {
                if !l.certificate_arns.is_empty() {
                    l.sni_certificate_arns = Some(vec![cert_arn("c-sni")]);
                }
            }
        }
        let acm = r.acm.as_mut().unwrap();
        acm.certificates.push(cert("c-sni", 5));
        acm.certificates.sort_by(|a, b| a.arn.cmp(&b.arn));
        let got = run(&CertificateExpiring, &s);
        assert_eq!(
            statuses(&got),
            [
                ("c-h".into(), "pass"),
                ("c-l".into(), "fail"),
                ("c-sni".into(), "fail")
            ]
        );
        for lb in &mut region(&mut s).elbv2.load_balancers {
            for l in lb.listeners.iter_mut().flatten() {
                if !l.certificate_arns.is_empty() {
                    l.sni_certificate_arns = None;
                }
            }
        }
        fail_for(
            &mut s,
            "elasticloadbalancing:DescribeListenerCertificates",
            crate::checks::network::fixtures::LISTENER_H,
        );
        let got = run(&CertificateExpiring, &s);
        assert_eq!(
            statuses(&got),
            [
                ("*".into(), "not-evaluated"),
                ("c-h".into(), "pass"),
                ("c-l".into(), "fail")
            ]
        );
    }

    #[test]
    fn a_certificate_on_no_path_gets_no_verdict() {
        let mut s = default_account();
        // The legacy API no longer maps the domain: its certificate is on
        // no path (nothing missing, so not "maybe" either).
        region(&mut s).apigateway.domain_names[0].api_mappings = Some(vec![]);
        let got = run(&CertificateExpiring, &s);
        assert_eq!(statuses(&got), [("c-h".into(), "pass")]);
    }
}
