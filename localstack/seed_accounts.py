#!/usr/bin/env python3
"""Seed several accounts of one moto server, for `rampart check DIR` tests.

    seed_accounts.py --endpoint http://127.0.0.1:PORT --manifest FILE \
        --account 111111111111:exposed --account 222222222222:private [--role NAME]

moto keeps one backend per account and routes a request signed with the
credentials `sts:AssumeRole` returned for `arn:aws:iam::ACCOUNT:role/NAME` to
that account's backend, which is how `rampart scan --role-arn` reaches each
account too. Each account gets one small layout in us-east-1:

  exposed  a public subnet (route to an internet gateway), a security group
           open to the internet on 22 and 8080, an instance with a public IP,
           IMDSv1 allowed and no role: a backend reachable directly
  private  a private subnet, a security group admitting 8080 from the VPC only,
           an instance with IMDSv2 required: no backend

The manifest maps each account id to the ids created in it. The existing
scenarios (seed.py) are untouched.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from loopback import isolate_environment, loopback_endpoint

REGION = "us-east-1"
# Listed first in localstack/amis.json; the harness loads that file into moto.
AMI = "ami-0123456789abc2023"


def session_for(endpoint: str, account: str, role: str):
    import boto3

    base = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)
    creds = base.client("sts", endpoint_url=endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="rampart-seed"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=REGION,
    )


def tags(kind: str, name: str) -> list[dict]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def seed_exposed(ec2) -> dict:
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=tags("vpc", "exposed"))["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24", TagSpecifications=tags("subnet", "public"))[
        "Subnet"
    ]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
    sg = ec2.create_security_group(GroupName="exposed-app", Description="open", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            for p in (22, 8080)
        ],
    )
    inst = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": subnet, "Groups": [sg], "AssociatePublicIpAddress": True}
        ],
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
        TagSpecifications=tags("instance", "exposed-api"),
    )["Instances"][0]["InstanceId"]
    return {"vpc": vpc, "subnet": subnet, "security_group": sg, "instance": inst}


def seed_private(ec2) -> dict:
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16", TagSpecifications=tags("vpc", "private"))["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.1.0/24", TagSpecifications=tags("subnet", "private"))[
        "Subnet"
    ]["SubnetId"]
    sg = ec2.create_security_group(GroupName="private-app", Description="vpc only", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]}
        ],
    )
    inst = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [sg]}],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=tags("instance", "private-api"),
    )["Instances"][0]["InstanceId"]
    return {"vpc": vpc, "subnet": subnet, "security_group": sg, "instance": inst}


LAYOUTS = {"exposed": seed_exposed, "private": seed_private}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", required=True, help="moto server URL, http://127.0.0.1:PORT")
    ap.add_argument("--manifest", required=True, help="where to write the JSON manifest")
    ap.add_argument("--role", default="RampartAudit", help="role name assumed in each account")
    ap.add_argument("--account", action="append", required=True, help="ACCOUNT_ID:LAYOUT (exposed|private)")
    args = ap.parse_args()

    endpoint = loopback_endpoint("seed_accounts.py", args.endpoint)
    if endpoint is None:
        return 2
    isolate_environment()

    manifest = {}
    for spec in args.account:
        account, _, layout = spec.partition(":")
        if len(account) != 12 or not account.isdigit() or layout not in LAYOUTS:
            print(f"seed_accounts.py: bad --account {spec!r} (ACCOUNT_ID:exposed|private)", file=sys.stderr)
            return 2
        ec2 = session_for(endpoint, account, args.role).client("ec2", endpoint_url=endpoint)
        manifest[account] = {"layout": layout, **LAYOUTS[layout](ec2)}
    with open(args.manifest, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
