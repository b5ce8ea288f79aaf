//! DATA-008: the KMS key behind a backend's volumes is usable. A volume
//! whose key is disabled or scheduled for deletion cannot be attached
//! again: the instance does not start after a stop, and once the key is
//! deleted the data is unrecoverable
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html>,
//! <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html>).
//! `Enabled` passes; `Disabled`, `PendingDeletion`, `PendingReplicaDeletion`,
//! `PendingImport` and `Unavailable` fail; `Creating` and `Updating` are
//! not evaluated (the state is about to change).

use rampart_model::Status;

use super::ebs_keys::{label, per_key};
use crate::registry::{Check, Context, Outcome};

pub struct EbsKeyUnusable;

impl Check for EbsKeyUnusable {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-008")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        per_key(cx, "the state", |_, _, k| {
            let name = label(k);
            match k.key_state.as_deref() {
                Some("Enabled") => (Status::Pass, format!("{name} is enabled")),
                Some(s @ ("PendingDeletion" | "PendingReplicaDeletion")) => {
                    let when = k
                        .deletion_date
                        .map(|d| format!(" on {}", d.date()))
                        .unwrap_or_default();
                    (
                        Status::Fail,
                        format!(
                            "{name} is {s}: it will be deleted{when} and the volumes it encrypts become unreadable; cancel the deletion (kms cancel-key-deletion)"
                        ),
                    )
                }
                Some(s @ ("Disabled" | "PendingImport" | "Unavailable")) => (
                    Status::Fail,
                    format!(
                        "{name} is {s}: the volumes it encrypts cannot be attached, so their instances do not start after a stop; enable the key"
                    ),
                ),
                Some(s) => (
                    Status::NotEvaluated(format!("{name} is {s}")),
                    format!("{name} is {s}: its state is changing"),
                ),
                None => (
                    Status::NotEvaluated(format!("{name} reports no state")),
                    format!("the state of {name} is unknown"),
                ),
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
    fn enabled_passes_disabled_and_pending_deletion_fail() {
        let s = account(vec![
            key("k-on", "CUSTOMER", "Enabled", Some(true)),
            key("k-off", "CUSTOMER", "Disabled", Some(true)),
            key("k-del", "CUSTOMER", "PendingDeletion", Some(true)),
            key("k-new", "CUSTOMER", "Creating", None),
        ]);
        let got = by_key(&EbsKeyUnusable, &s);
        assert_eq!(
            got,
            [
                ("k-del".into(), "fail"),
                ("k-new".into(), "not-evaluated"),
                ("k-off".into(), "fail"),
                ("k-on".into(), "pass"),
            ]
        );
        let o = run(&EbsKeyUnusable, &s);
        let del = o
            .iter()
            .find(|o| o.resource_arn.ends_with("k-del"))
            .unwrap();
        assert!(
            del.message.contains("cancel-key-deletion"),
            "{}",
            del.message
        );
        assert_eq!(
            del.affected,
            ["arn:aws:ec2:us-east-1:123456789012:instance/i-k-del"]
        );
    }

    #[test]
    fn undescribed_keys_and_missing_volumes_are_not_evaluated() {
        let mut s = account(vec![
            key("k-on", "CUSTOMER", "Enabled", Some(true)),
            key("k-lost", "CUSTOMER", "Enabled", Some(true)),
        ]);
        // A key no DescribeKey answered for.
        if let Some(k) = region(&mut s).kms.as_mut() {
            k.keys.retain(|k| k.key_id != "k-lost");
        }
        fail_for(&mut s, "kms:DescribeKey", &key_arn("k-lost"));
        let got = by_key(&EbsKeyUnusable, &s);
        assert_eq!(
            got,
            [("k-lost".into(), "not-evaluated"), ("k-on".into(), "pass")]
        );

        // An old snapshot: no KMS section.
        let mut old = account(vec![key("k-on", "CUSTOMER", "Enabled", Some(true))]);
        region(&mut old).kms = None;
        let o = run(&EbsKeyUnusable, &old);
        assert!(
            matches!(&o[0].status, Status::NotEvaluated(w) if w.contains("schema version 4")),
            "{o:?}"
        );

        // Without the volumes: the region's keys are one gap.
        let mut s = account(vec![key("k-on", "CUSTOMER", "Enabled", Some(true))]);
        region(&mut s).ec2.volumes.clear();
        fail(&mut s, "ec2:DescribeVolumes");
        let o = run(&EbsKeyUnusable, &s);
        assert!(o.iter().any(|o| o.resource_arn.ends_with(":key/*")
            && matches!(&o.status, Status::NotEvaluated(w) if w.contains("ec2:DescribeVolumes"))));
        assert!(o.iter().all(|o| o.status != Status::Pass), "{o:?}");
    }

    #[test]
    fn a_customer_managed_ebs_default_key_is_judged_an_aws_alias_is_not() {
        // k-default encrypts no backend volume yet: judged as the default.
        let mut s = account(vec![key("k-on", "CUSTOMER", "Enabled", Some(true))]);
        let r = region(&mut s);
        if let Some(k) = r.kms.as_mut() {
            k.keys
                .push(key("k-default", "CUSTOMER", "Disabled", Some(false)));
        }
        r.ec2.ebs_default_kms_key_id = Some(key_arn("k-default"));
        let o = run(&EbsKeyUnusable, &s);
        let d = o
            .iter()
            .find(|o| o.resource_arn.ends_with("k-default"))
            .unwrap();
        assert_eq!(d.status, Status::Fail);
        assert!(d.message.contains("EBS default key"), "{}", d.message);
        region(&mut s).ec2.ebs_default_kms_key_id = Some("alias/aws/ebs".into());
        assert!(
            !run(&EbsKeyUnusable, &s)
                .iter()
                .any(|o| o.resource_arn.ends_with("k-default"))
        );
    }
}
