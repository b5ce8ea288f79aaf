//! The schemas every machine-readable output is validated against: SARIF
//! 2.1.0 (the official schema, read from `../shared/schemas/`), rampart's
//! own report schema (`docs/report.schema.json`), and the OCSF 1.6.0
//! Compliance Finding schema the reporter's tests pin.

use std::path::Path;

use serde_json::Value;

use crate::harness::repo_root;

fn load(path: &Path) -> Value {
    let text = std::fs::read(path)
        .unwrap_or_else(|e| panic!("the schema must be at {}: {e}", path.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

pub fn sarif() -> jsonschema::Validator {
    let schema = load(&rampart_dev::shared_schema("sarif-schema-2.1.0.json"));
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

pub fn report() -> jsonschema::Validator {
    let schema = load(&repo_root().join("docs/report.schema.json"));
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("docs/report.schema.json compiles")
}

pub fn ocsf() -> jsonschema::Validator {
    let schema =
        load(&repo_root().join("crates/reporter/tests/ocsf/compliance_finding-1.6.0.schema.json"));
    jsonschema::draft202012::options()
        .build(&schema)
        .expect("the OCSF schema compiles")
}

/// Panics with every violation when `value` does not validate.
pub fn assert_valid(v: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(value)
        .take(20)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what} violates its schema: {errors:#?}");
}

/// `docs/org-report.schema.json`, whose per-account reports and shared
/// definitions `$ref` into `docs/report.schema.json` (registered under its
/// `$id`, so nothing is fetched).
pub fn org_report() -> jsonschema::Validator {
    let report = load(&repo_root().join("docs/report.schema.json"));
    let schema = load(&repo_root().join("docs/org-report.schema.json"));
    let id = report["$id"]
        .as_str()
        .expect("report schema $id")
        .to_string();
    let registry = jsonschema::Registry::new()
        .add(id, report)
        .expect("report schema registers")
        .prepare()
        .expect("registry prepares");
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&schema)
        .expect("docs/org-report.schema.json compiles")
}
