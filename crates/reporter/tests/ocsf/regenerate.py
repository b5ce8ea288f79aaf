#!/usr/bin/env python3
"""Regenerates the JSON Schemas that tests/ocsf.rs validates every OCSF event
against, and checks the golden file with the same Python models.

Two independent sources of truth, both pinned:

- compliance_finding-1.6.0.schema.json: the official OCSF 1.6.0 schema (the
  version AWS Security Hub uses), class Compliance Finding (2003) with the
  `cloud` profile, as JSON Schema 2020-12. It comes from the schema.ocsf.io
  export that `ocsf-json-schema` ships (no network at generation time); it
  is strict: unknown attributes, wrong types and values outside an enum
  all fail.
- compliance_finding-py-ocsf-models.schema.json: Prowler's pydantic models
  (`py-ocsf-models`, OCSF 1.5.0) for the same class, through pydantic's
  `model_json_schema()`. Looser (unknown attributes pass) but it is the
  reading of OCSF that Prowler and its consumers use.

Run from anywhere, in a throwaway virtualenv (pip is the only download):

    python3 -m venv /tmp/ocsfv
    /tmp/ocsfv/bin/pip install ocsf-json-schema==1.2.0 py-ocsf-models==0.10.0
    /tmp/ocsfv/bin/python crates/reporter/tests/ocsf/regenerate.py

It refuses other versions of the two packages: bump the pins here on
purpose, regenerate, and review the schema diff. After writing the schemas
it validates every event of tests/golden/report.ocsf.json with the pydantic
model (and the official schema, if the `jsonschema` package is installed),
so the two readings are checked on the real output, not only in Rust.
"""

import json
import sys
from importlib.metadata import version
from pathlib import Path

PINS = {"ocsf-json-schema": "1.2.0", "py-ocsf-models": "0.10.0"}
OCSF_VERSION = "1.6.0"
CLASS = "compliance_finding"
PROFILES = ["cloud"]

HERE = Path(__file__).resolve().parent
GOLDEN = HERE.parent / "golden" / "report.ocsf.json"
OFFICIAL = HERE / f"{CLASS}-{OCSF_VERSION}.schema.json"
PYDANTIC = HERE / f"{CLASS}-py-ocsf-models.schema.json"


def write(path: Path, schema: dict) -> None:
    path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(HERE.parent.parent)}")


def main() -> int:
    for package, pinned in PINS.items():
        have = version(package)
        if have != pinned:
            print(f"{package} {have} is installed; this script is pinned to {pinned}", file=sys.stderr)
            return 2

    from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding

    official = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=OCSF_VERSION)).get_class_schema(
        CLASS, profiles=PROFILES
    )
    write(OFFICIAL, official)
    write(PYDANTIC, ComplianceFinding.model_json_schema())

    if not GOLDEN.exists():
        print(f"{GOLDEN.name} not found: run the Rust tests with RAMPART_BLESS=1 first")
        return 0
    events = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for i, event in enumerate(events):
        ComplianceFinding.model_validate(event)
    print(f"{len(events)} golden events validate with py-ocsf-models ComplianceFinding")
    try:
        import jsonschema
    except ImportError:
        print("(pip install jsonschema to also check them against the official schema here)")
        return 0
    validator = jsonschema.Draft202012Validator(official)
    errors = [f"event {i}: {e.message} at {list(e.absolute_path)}" for i, event in enumerate(events) for e in validator.iter_errors(event)]
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    print(f"{len(events)} golden events validate against the official OCSF {OCSF_VERSION} schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
