//! DATA-009: customer managed KMS keys that encrypt backend volumes rotate
//! their key material automatically (FSBP KMS.4; CIS AWS Foundations 3.6).
//! AWS managed keys (`aws/ebs`) rotate every year and cannot be changed:
//! they pass. Automatic rotation exists only for symmetric keys whose
//! material KMS generated: a key with imported material or in a custom key
//! store is not evaluated (it must be rotated by hand, which rampart cannot
//! see)
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html>,
//! <https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4>).

use rampart_model::Status;

use super::ebs_keys::{aws_managed, label, per_key};
use crate::registry::{Check, Context, Outcome, why_missing};

pub struct EbsKeyNotRotated;

impl Check for EbsKeyNotRotated {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-009")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        per_key(cx, "the rotation", |region, arn, k| {
            let name = label(k);
            if aws_managed(k) {
                return (
                    Status::Pass,
                    format!("{name} is AWS managed: AWS rotates it every year"),
                );
            }
            if !k.automatic_rotation_applies() {
                let origin = k.origin.as_deref().unwrap_or("unknown");
                let spec = k.key_spec.as_deref().unwrap_or("unknown");
                return (
                    Status::NotEvaluated(format!(
                        "{name} has key material of origin {origin} and spec {spec}: automatic rotation does not apply; rotate it by hand"
                    )),
                    format!("whether {name} is rotated is unknown"),
                );
            }
            match k.rotation_enabled {
                Some(true) => (
                    Status::Pass,
                    format!(
                        "{name} rotates automatically every {} days",
                        k.rotation_period_days.unwrap_or(365)
                    ),
                ),
                Some(false) => (
                    Status::Fail,
                    format!(
                        "{name} is customer managed and does not rotate: enable automatic rotation (aws kms enable-key-rotation --key-id {arn})"
                    ),
                ),
                None => {
                    let why = why_missing(cx, Some(region), &["kms:GetKeyRotationStatus"], arn);
                    (
                        Status::NotEvaluated(why),
                        format!("whether {name} is rotated is unknown"),
                    )
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::data::kms_fixtures::*;
    use crate::testing::*;

    #[test]
    fn rotating_and_aws_managed_pass_a_static_customer_key_fails() {
        let mut imported = key("k-ext", "CUSTOMER", "Enabled", None);
        imported.origin = Some("EXTERNAL".into());
        let s = account(vec![
            key("k-rot", "CUSTOMER", "Enabled", Some(true)),
            key("k-static", "CUSTOMER", "Enabled", Some(false)),
            key("k-aws", "AWS", "Enabled", None),
            imported,
        ]);
        assert_eq!(
            by_key(&EbsKeyNotRotated, &s),
            [
                ("k-aws".into(), "pass"),
                ("k-ext".into(), "not-evaluated"),
                ("k-rot".into(), "pass"),
                ("k-static".into(), "fail"),
            ]
        );
    }

    #[test]
    fn a_denied_rotation_status_is_not_evaluated_naming_it() {
        let mut s = account(vec![key("k-x", "CUSTOMER", "Enabled", None)]);
        fail_for(&mut s, "kms:GetKeyRotationStatus", &key_arn("k-x"));
        let o = run(&EbsKeyNotRotated, &s);
        assert!(
            matches!(&o[0].status, Status::NotEvaluated(w) if w.contains("kms:GetKeyRotationStatus")),
            "{o:?}"
        );
    }
}
