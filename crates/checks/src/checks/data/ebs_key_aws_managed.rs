//! DATA-010: where `rampart.toml` requires it (`[data]
//! require_customer_managed_keys = true`), backend volumes are encrypted
//! with customer managed keys. The AWS managed `aws/ebs` key encrypts well,
//! but its key policy cannot be changed: every principal of the account
//! allowed to use EBS can use it, and it cannot be shared across accounts
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key>).
//! Without the setting an AWS managed key passes with that note.

use rampart_model::Status;

use super::ebs_keys::{aws_managed, label, per_key};
use crate::registry::{Check, Context, Outcome};

pub struct EbsKeyAwsManaged;

impl Check for EbsKeyAwsManaged {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-010")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let required = cx.settings.data.require_customer_managed_keys;
        per_key(cx, "the manager", |_, _, k| {
            let name = label(k);
            match (aws_managed(k), required) {
                (false, _) => (Status::Pass, format!("{name} is customer managed")),
                (true, true) => (
                    Status::Fail,
                    format!(
                        "{name} is the AWS managed EBS key and rampart.toml requires customer managed keys: re-encrypt the volumes with a customer managed key (copy a snapshot with --kms-key-id)"
                    ),
                ),
                (true, false) => (
                    Status::Pass,
                    format!(
                        "{name} is AWS managed (its key policy cannot be narrowed); rampart.toml does not require customer managed keys"
                    ),
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

    fn accounts() -> rampart_model::Snapshot {
        account(vec![
            key("k-aws", "AWS", "Enabled", None),
            key("k-cmk", "CUSTOMER", "Enabled", Some(true)),
        ])
    }

    #[test]
    fn aws_managed_fails_only_when_required() {
        let s = accounts();
        assert_eq!(
            by_key(&EbsKeyAwsManaged, &s),
            [("k-aws".into(), "pass"), ("k-cmk".into(), "pass")]
        );
        // Required in rampart.toml (parsed as a user's file is).
        let settings = rampart_model::config::Config::parse(
            "rampart.toml",
            "[data]\nrequire_customer_managed_keys = true\n",
        )
        .unwrap()
        .settings;
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::compute(&index);
        let cx = Context::new(&s, &index, &exposures).with_settings(&settings);
        let mut got: Vec<(String, &str)> = EbsKeyAwsManaged
            .evaluate(&cx)
            .into_iter()
            .map(|o| {
                (
                    o.resource_arn.rsplit('/').next().unwrap().to_string(),
                    o.status.as_str(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(got, [("k-aws".into(), "fail"), ("k-cmk".into(), "pass")]);
    }

    #[test]
    fn an_undescribed_key_is_not_evaluated() {
        let mut s = accounts();
        if let Some(k) = region(&mut s).kms.as_mut() {
            k.keys.clear();
        }
        fail(&mut s, "kms:DescribeKey");
        assert!(
            by_key(&EbsKeyAwsManaged, &s)
                .iter()
                .all(|(_, st)| *st == "not-evaluated")
        );
    }
}
