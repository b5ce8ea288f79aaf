//! DATA-012: no certificate on an exposure path has an RSA key under 2048
//! bits. NIST has disallowed RSA keys under 2048 bits since 2013 and
//! browsers refuse them; ACM issues only RSA 2048 and larger and EC keys,
//! so a small key is an imported certificate
//! (<https://docs.aws.amazon.com/acm/latest/userguide/import-certificate-prerequisites.html>,
//! <https://docs.aws.amazon.com/securityhub/latest/userguide/acm-controls.html#acm-2>).
//!
//! Fails: `RSA_1024` (any `RSA_N` with N < 2048). Passes: RSA 2048 and
//! larger, EC keys. Not evaluated: no key algorithm, an unknown name, not
//! described.

use rampart_model::Status;

use super::certificates::{label, per_certificate};
use crate::registry::{Check, Context, Outcome};

pub struct CertificateWeakKey;

/// The minimum RSA modulus, in bits.
const MIN_RSA_BITS: u32 = 2048;

impl Check for CertificateWeakKey {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-012")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        per_certificate(cx, |c| {
            let name = label(c);
            let Some(alg) = c.key_algorithm.as_deref() else {
                return (
                    Status::NotEvaluated(format!("{name} reports no key algorithm")),
                    format!("the key of {name} is unknown"),
                );
            };
            if alg.starts_with("EC_") {
                return (Status::Pass, format!("{name} has an {alg} key"));
            }
            match alg.strip_prefix("RSA_").and_then(|b| b.parse::<u32>().ok()) {
                Some(bits) if bits < MIN_RSA_BITS => (
                    Status::Fail,
                    format!(
                        "{name} has a {bits}-bit RSA key (under {MIN_RSA_BITS}): replace it with an RSA 2048 or EC key"
                    ),
                ),
                Some(bits) => (Status::Pass, format!("{name} has a {bits}-bit RSA key")),
                None => (
                    Status::NotEvaluated(format!(
                        "{name} has a key algorithm rampart does not know: {alg}"
                    )),
                    format!("the key size of {name} is unknown"),
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
    fn rsa_under_2048_bits_fails_larger_and_ec_pass() {
        let got = run(&CertificateWeakKey, &default_account());
        assert_eq!(
            statuses(&got),
            [("c-h".into(), "pass"), ("c-l".into(), "fail")]
        );
        assert!(got.iter().any(|o| {
            o.message.starts_with(
                "certificate c-l.example.com (c-l) has a 1024-bit RSA key (under 2048)",
            )
        }));
        let mut ec = cert("c-h", 100);
        ec.key_algorithm = Some("EC_prime256v1".into());
        let mut big = cert("c-l", 100);
        big.key_algorithm = Some("RSA_4096".into());
        let got = run(&CertificateWeakKey, &account(ec, big));
        assert_eq!(
            statuses(&got),
            [("c-h".into(), "pass"), ("c-l".into(), "pass")]
        );
    }

    #[test]
    fn an_unknown_key_is_not_evaluated() {
        let mut none = cert("c-h", 100);
        none.key_algorithm = None;
        let mut odd = cert("c-l", 100);
        odd.key_algorithm = Some("ML_DSA_65".into());
        let got = run(&CertificateWeakKey, &account(none, odd));
        assert_eq!(
            statuses(&got),
            [
                ("c-h".into(), "not-evaluated"),
                ("c-l".into(), "not-evaluated")
            ]
        );
        not_evaluated_without_acm(&CertificateWeakKey);
    }
}
