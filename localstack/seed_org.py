#!/usr/bin/env python3
"""Seed a moto server with the `org` scenario: an organization for
`rampart scan --org` / `--accounts`.

    seed_org.py --endpoint http://127.0.0.1:PORT --manifest FILE

  management 123456789012   the caller; one security group `mgmt-only`
  exposed    member         a VPC, a public subnet, an instance with a public
                            IP behind a security group open to 0.0.0.0/0 on 22
  clean      member         a VPC, a private subnet, an instance without a
                            public IP behind a group that admits only the VPC
  denied     member         one security group; the e2e test denies
                            sts:AssumeRole of this account's role at the fault
                            proxy (moto lets any AssumeRole succeed, even into
                            an account that does not exist)

Member resources are created with credentials from
sts:AssumeRole(arn:aws:iam::ID:role/OrganizationAccountAccessRole), which
moto routes to that account's backends. Everything is in us-east-1. The
manifest maps each logical account to its id, name and resource ids.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.request

from loopback import isolate_environment, loopback_endpoint

MANAGEMENT = "123456789012"
REGION = "us-east-1"
ROLE = "OrganizationAccountAccessRole"
AMI_AL2023 = "ami-0123456789abc2023"


def post(url: str) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(urllib.request.Request(url, data=b"", method="POST"), timeout=30) as resp:
        resp.read()


def tags(name: str, resource: str) -> list[dict]:
    return [{"ResourceType": resource, "Tags": [{"Key": "Name", "Value": name}]}]


def seed(endpoint: str) -> dict:
    import boto3
    from botocore.config import Config

    cfg = Config(retries={"max_attempts": 1, "mode": "standard"})
    post(f"{endpoint}/moto-api/seed?a=42")
    root = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION
    )
    org = root.client("organizations", endpoint_url=endpoint, config=cfg)
    sts = root.client("sts", endpoint_url=endpoint, config=cfg)
    org.create_organization(FeatureSet="ALL")

    manifest: dict = {
        "scenario": "org",
        "management": MANAGEMENT,
        "region": REGION,
        "role": ROLE,
        "accounts": {},
    }
    mgmt_ec2 = root.client("ec2", endpoint_url=endpoint, config=cfg)
    mgmt_sg = mgmt_ec2.create_security_group(GroupName="mgmt-only", Description="management account only")
    manifest["accounts"]["management"] = {
        "id": MANAGEMENT,
        "name": "master",
        "security_groups": [mgmt_sg["GroupId"]],
        "instances": [],
    }

    for logical in ("exposed", "clean", "denied"):
        status = org.create_account(AccountName=f"{logical}-account", Email=f"{logical}@example.test")[
            "CreateAccountStatus"
        ]
        account_id = status["AccountId"]
        creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}", RoleSessionName="seed-org"
        )["Credentials"]
        member = boto3.session.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=REGION,
        )
        ec2 = member.client("ec2", endpoint_url=endpoint, config=cfg)
        entry: dict = {"id": account_id, "name": f"{logical}-account", "security_groups": [], "instances": []}
        if logical == "denied":
            sg = ec2.create_security_group(GroupName="denied-only", Description="never scanned")
            entry["security_groups"].append(sg["GroupId"])
        else:
            cidr = "10.40.0.0/16" if logical == "exposed" else "10.50.0.0/16"
            vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=tags(f"{logical}-vpc", "vpc"))["Vpc"]["VpcId"]
            subnet = ec2.create_subnet(
                VpcId=vpc, CidrBlock=cidr.replace("0.0/16", "1.0/24"), AvailabilityZone=f"{REGION}a"
            )["Subnet"]["SubnetId"]
            sg = ec2.create_security_group(
                GroupName=f"{logical}-web", Description=f"{logical} backend", VpcId=vpc
            )["GroupId"]
            if logical == "exposed":
                igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
                ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
                rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
                ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
                ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
                ec2.authorize_security_group_ingress(
                    GroupId=sg,
                    IpPermissions=[
                        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
                    ],
                )
                entry["internet_gateway"] = igw
            else:
                ec2.authorize_security_group_ingress(
                    GroupId=sg,
                    IpPermissions=[
                        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": cidr}]}
                    ],
                )
            net = {"DeviceIndex": 0, "SubnetId": subnet, "Groups": [sg]}
            if logical == "exposed":
                net["AssociatePublicIpAddress"] = True
            inst = ec2.run_instances(
                ImageId=AMI_AL2023,
                InstanceType="t3.micro",
                MinCount=1,
                MaxCount=1,
                NetworkInterfaces=[net],
                MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
                TagSpecifications=tags(f"{logical}-backend", "instance"),
            )["Instances"][0]
            entry.update({"vpc": vpc, "subnet": subnet})
            entry["security_groups"].append(sg)
            entry["instances"].append(inst["InstanceId"])
        manifest["accounts"][logical] = entry
    return manifest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", required=True, help="moto server URL, http://127.0.0.1:PORT")
    ap.add_argument("--manifest", required=True, help="where to write the JSON manifest")
    args = ap.parse_args()
    endpoint = loopback_endpoint("seed_org.py", args.endpoint)
    if endpoint is None:
        return 2
    isolate_environment()
    t0 = time.monotonic()
    try:
        manifest = seed(endpoint)
    except Exception as e:  # one line for the harness log, naming the call
        print(f"seed_org.py: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    path = os.path.abspath(args.manifest)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(path + ".tmp", path)
    print(f"seed_org.py: scenario org seeded in {time.monotonic() - t0:.1f}s -> {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
