//! Read-only by construction: every operation the collector invoked during
//! a full scan of the demo scenario is a Describe/List/Get operation and is
//! allowed by `docs/iam-policy.json`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{Emulator, repo_root, scan};

/// The IAM actions granted by the policy document.
fn granted_actions() -> BTreeSet<String> {
    let path = repo_root().join("docs/iam-policy.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).expect("docs/iam-policy.json"))
        .expect("policy JSON");
    let mut out = BTreeSet::new();
    for st in doc["Statement"].as_array().expect("statements") {
        assert_eq!(st["Effect"], "Allow", "the policy only allows");
        for a in st["Action"].as_array().expect("action list") {
            let a = a.as_str().unwrap();
            assert!(
                !a.contains('*'),
                "no wildcard actions in the minimal policy: {a}"
            );
            out.insert(a.to_string());
        }
    }
    out
}

/// The IAM action an SDK operation needs. API Gateway (v1 and v2) is
/// authorised per HTTP verb: every read is `apigateway:GET`.
fn iam_action(op: &str) -> String {
    let (service, name) = op.split_once(':').expect("service:Operation");
    match service {
        "apigateway" | "apigatewayv2" => {
            assert!(name.starts_with("Get"), "{op} is not a GET");
            "apigateway:GET".to_string()
        }
        _ => op.to_string(),
    }
}

#[test]
fn every_operation_of_a_full_scan_is_read_only_and_in_the_policy() {
    let emu = Emulator::start();
    emu.seed("demo");
    let (run, snap) = scan(&emu, &emu.dir().join("ro.json"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = snap.unwrap();
    let granted = granted_actions();
    assert!(
        s.api_calls.len() > 30,
        "a full scan calls many operations: {:?}",
        s.api_calls
    );
    for op in s.api_calls.keys() {
        let name = op.split_once(':').unwrap().1;
        assert!(
            ["Describe", "List", "Get"]
                .iter()
                .any(|p| name.starts_with(p)),
            "{op} is not a read-only operation"
        );
        // GetCallerIdentity needs no permission (AWS answers it for any principal).
        if op == "sts:GetCallerIdentity" {
            continue;
        }
        assert!(
            granted.contains(&iam_action(op)),
            "{op} is not allowed by docs/iam-policy.json"
        );
    }
}
