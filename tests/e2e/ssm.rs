//! Systems Manager collection over HTTP, paged as AWS pages it
//! (`localstack/moto_server.py` serves the two operations from seeded
//! state; localstack/README.md, "Systems Manager"):
//! `DescribeInstanceInformation` at most 50 nodes a page, and
//! `DescribeInstancePatchStates` at most 50 instance ids a call
//! (<https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html>,
//! <https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstancePatchStates.html>).

use crate::harness::{Emulator, scan};

/// 120 managed EC2 instances (every third with a patch state, every ninth
/// of those missing a critical patch) and one hybrid node, in us-east-1.
const SEED: &str = r#"
import json, sys, boto3
ssm = boto3.client("ssm", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
for n in range(120):
    state = {"ping_status": "Online" if n % 7 else "ConnectionLost"}
    if n % 3 == 0:
        state["patch"] = {"critical": 1 if n % 9 == 0 else 0, "age_days": 1}
    ssm.put_parameter(Name=f"/rampart-emu/ssm/i-{n:017x}", Type="String", Value=json.dumps(state))
ssm.put_parameter(Name="/rampart-emu/ssm/mi-0123456789abcdef0", Type="String",
                  Value=json.dumps({"patch": {}}))
"#;

#[test]
fn managed_nodes_and_patch_states_are_collected_whole_across_pages_and_batches() {
    let emu = Emulator::start();
    emu.python(SEED, &[]);
    let out = emu.dir().join("ssm.json");
    let (run, snap) = scan(&emu, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = snap.expect("snapshot");
    let ssm = s.regions["us-east-1"].ssm.as_ref().expect("ssm collected");

    // Every EC2 node, in id order; the hybrid `mi-` node is not a backend.
    let ids: Vec<String> = ssm
        .managed_instances
        .iter()
        .map(|m| m.instance_id.clone())
        .collect();
    let want: Vec<String> = (0..120).map(|n| format!("i-{n:017x}")).collect();
    assert_eq!(ids, want);
    let lost = ssm
        .managed_instances
        .iter()
        .filter(|m| m.ping_status.as_deref() == Some("ConnectionLost"))
        .count();
    assert_eq!(lost, 18, "n % 7 == 0 for n < 120");

    // Patch states for the 40 that reported, whatever batch they were in.
    let patched: Vec<&str> = ssm
        .patch_states
        .iter()
        .map(|p| p.instance_id.as_str())
        .collect();
    let want: Vec<String> = (0..120)
        .filter(|n| n % 3 == 0)
        .map(|n| format!("i-{n:017x}"))
        .collect();
    assert_eq!(patched, want);
    let critical = ssm
        .patch_states
        .iter()
        .filter(|p| p.critical_non_compliant_count == Some(1))
        .count();
    assert_eq!(critical, 14, "n % 9 == 0 for n < 120");

    // Three pages of nodes (50, 50, 21 with the hybrid one) and three
    // batches of ids (50, 50, 20); eu-west-1 manages nothing: one empty
    // page and no patch call.
    assert_eq!(s.api_calls["ssm:DescribeInstanceInformation"], 3 + 1);
    assert_eq!(s.api_calls["ssm:DescribeInstancePatchStates"], 3);
    assert!(s.is_complete(), "{:?}", s.collection_errors);
}
