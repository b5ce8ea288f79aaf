//! Hand-built snapshots for the KMS key checks: one backend (behind the
//! demo's hardened NLB) per key, its volume encrypted with that key.

use rampart_model::*;

use crate::registry::Check;
use crate::testing::*;

pub fn key_arn(id: &str) -> String {
    format!("arn:aws:kms:us-east-1:123456789012:key/{id}")
}

pub fn key(id: &str, manager: &str, state: &str, rotation: Option<bool>) -> KmsKey {
    KmsKey {
        arn: key_arn(id),
        key_id: id.into(),
        key_manager: Some(manager.into()),
        key_state: Some(state.into()),
        origin: Some("AWS_KMS".into()),
        key_spec: Some("SYMMETRIC_DEFAULT".into()),
        deletion_date: None,
        rotation_enabled: rotation,
        rotation_period_days: rotation.map(|_| 365),
    }
}

/// An account with one backend per key and the keys described.
pub fn account(keys: Vec<KmsKey>) -> Snapshot {
    let ids: Vec<String> = keys.iter().map(|k| format!("i-{}", k.key_id)).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut s = crate::checks::instance::ssm_fixtures::backends(&refs);
    for k in &keys {
        let mut v = volume(
            &format!("vol-{}", k.key_id),
            true,
            Some(&format!("i-{}", k.key_id)),
        );
        v.kms_key_id = Some(key_arn(&k.key_id).into());
        region(&mut s).ec2.volumes.push(v);
    }
    region(&mut s).kms = Some(KmsInventory { keys });
    s
}

/// (key id, status) per outcome, sorted.
pub fn by_key(check: &dyn Check, s: &Snapshot) -> Vec<(String, &'static str)> {
    let mut v: Vec<(String, &'static str)> = run(check, s)
        .into_iter()
        .map(|o| {
            (
                o.resource_arn.rsplit('/').next().unwrap().to_string(),
                o.status.as_str(),
            )
        })
        .collect();
    v.sort();
    v
}
