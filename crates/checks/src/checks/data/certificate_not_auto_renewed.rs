//! DATA-013: the certificates on exposure paths are renewed by ACM. ACM
//! renews the certificates it issued (public and private) while they are
//! in use, and never an imported one: "NOT ELIGIBLE if imported", "NOT
//! ELIGIBLE if already expired"
//! (<https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html>).
//! An imported certificate lasts only as long as someone remembers to
//! re-import it.
//!
//! Fails: `IMPORTED`, or ACM-issued with renewal eligibility `INELIGIBLE`.
//! Passes: ACM-issued (`AMAZON_ISSUED`, `PRIVATE`) and `ELIGIBLE`. Not
//! evaluated: type or eligibility missing, not described.

use rampart_model::Status;

use super::certificates::{label, per_certificate};
use crate::registry::{Check, Context, Outcome};

pub struct CertificateNotAutoRenewed;

impl Check for CertificateNotAutoRenewed {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-013")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        per_certificate(cx, |c| {
            let name = label(c);
            let until = c
                .not_after
                .map(|t| format!(" (it expires on {})", t.date()))
                .unwrap_or_default();
            match (c.cert_type.as_deref(), c.renewal_eligibility.as_deref()) {
                (Some("IMPORTED"), _) => (
                    Status::Fail,
                    format!(
                        "{name} is imported: ACM does not renew it{until}; request an ACM certificate, or re-import before it expires"
                    ),
                ),
                (Some(t), Some("ELIGIBLE")) => {
                    (Status::Pass, format!("{name} ({t}) is renewed by ACM"))
                }
                (Some(t), Some("INELIGIBLE")) => (
                    Status::Fail,
                    format!(
                        "{name} ({t}) is not eligible for ACM's managed renewal{until}: it is expired, or was issued by Private CA's IssueCertificate; request a new certificate"
                    ),
                ),
                (t, e) => (
                    Status::NotEvaluated(format!(
                        "{name} reports type {} and renewal eligibility {}",
                        t.unwrap_or("none"),
                        e.unwrap_or("none")
                    )),
                    format!("whether ACM renews {name} is unknown"),
                ),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::data::cert_fixtures::*;
    use crate::testing::*;

    #[test]
    fn imported_and_ineligible_fail_eligible_passes() {
        let got = run(&CertificateNotAutoRenewed, &default_account());
        assert_eq!(
            statuses(&got),
            [("c-h".into(), "pass"), ("c-l".into(), "fail")]
        );
        assert!(got.iter().any(|o| o.message.starts_with(
            "certificate c-l.example.com (c-l) is imported: ACM does not renew it (it expires on 1970-01-11)"
        )));
        let mut ineligible = cert("c-h", 100);
        ineligible.renewal_eligibility = Some("INELIGIBLE".into());
        let mut private = cert("c-l", 100);
        private.cert_type = Some("PRIVATE".into());
        let got = run(&CertificateNotAutoRenewed, &account(ineligible, private));
        assert_eq!(
            statuses(&got),
            [("c-h".into(), "fail"), ("c-l".into(), "pass")]
        );
    }

    #[test]
    fn missing_type_or_eligibility_is_not_evaluated() {
        let mut untyped = cert("c-h", 100);
        untyped.cert_type = None;
        let mut unknown = cert("c-l", 100);
        unknown.renewal_eligibility = None;
        let got = run(&CertificateNotAutoRenewed, &account(untyped, unknown));
        assert_eq!(
            statuses(&got),
            [
                ("c-h".into(), "not-evaluated"),
                ("c-l".into(), "not-evaluated")
            ]
        );
        not_evaluated_without_acm(&CertificateNotAutoRenewed);
    }
}
