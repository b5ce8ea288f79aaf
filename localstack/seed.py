#!/usr/bin/env python3
"""Seed a moto server with one of rampart's test scenarios.

    seed.py --endpoint http://127.0.0.1:PORT --scenario demo|partial --manifest FILE

Scenarios (see localstack/README.md for what each resource is for):
  demo     hardened backend + legacy backend + HTTP API + eu-west-1 extras
  partial  demo + a JWT authorizer and a route using it on the HTTP API; moto
           answers 500 to apigatewayv2 GetAuthorizers, which is the partial
           collection failure the tests want to provoke.

The manifest is a JSON file with every id and ARN created, keyed by logical
name; the Rust end-to-end tests compare rampart's snapshot against it.

`POST /moto-api/seed?a=42` is called first, so on a fresh (or freshly reset)
moto server the same scenario always yields the same ids.

Run by the harness with the .venv-emu python (boto3 pinned by the lock).
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import base64
import json
import os
import sys
import time
import urllib.request

from loopback import loopback_endpoint

ACCOUNT = "123456789012"
REGION = "us-east-1"
EU_REGION = "eu-west-1"

# The AMI listed first in localstack/amis.json (Amazon Linux 2023, x86_64).
# The harness starts moto with MOTO_AMIS_PATH pointing at that file, so this id
# exists in every region.
AMI_AL2023 = "ami-0123456789abc2023"
# A public "hardened Ubuntu" of an account nobody vetted (amis.json, 2024):
# the legacy box was built from it (INST-009 and INST-010 fail there).
AMI_COMMUNITY = "ami-0123456789abc0bad"

# Must never show up in anything rampart collects: the tests grep for it.
USERDATA_SECRET = "RAMPART-FAKE-SECRET-USERDATA"
# Must never show up in anything rampart collects either: the value of an
# environment variable of the hardened task definition's container, the
# source (valueFrom) of one of its secrets, and a custom attribute of the
# Cloud Map instance ECS registers (phase `containers`).
TASK_ENV_SECRET = "RAMPART-FAKE-SECRET-TASKENV"
TASK_SECRET_VALUE_FROM = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/orders/RAMPART-FAKE-SECRET-VALUEFROM"
CLOUDMAP_SECRET = "RAMPART-FAKE-SECRET-CLOUDMAP"
# The secret header CloudFront adds to requests to the hardened `origin-alb`
# (phase `cloudfront`): the ALB forwards only requests carrying it. rampart
# keeps the header's name, never its value.
ORIGIN_HEADER = "X-Origin-Verify"
ORIGIN_SECRET = "RAMPART-FAKE-SECRET-ORIGINHEADER"
# The legacy domain's imported certificate expires this many days after the
# seed runs: inside DATA-011's default 30-day window.
LEGACY_CERT_DAYS_LEFT = 10

# Fake ARNs for services rampart does not read (and moto does not validate
# where they are used).
LAMBDA_AUTHORIZER_URI = (
    f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
    f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-authorizer/invocations"
)
COGNITO_POOL_ID = f"{REGION}_FAKEPOOL1"
COGNITO_POOL_ARN = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{COGNITO_POOL_ID}"
REST_ACCESS_LOG_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/apigateway/orders-api-access"
HTTP_ACCESS_LOG_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/apigateway/orders-http-access"
WAF_LOG_FIREHOSE_ARN = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/aws-waf-logs-orders"
# A CLOUDFRONT-scope web ACL logs to a stream in us-east-1 (as every
# CLOUDFRONT-scope resource lives there).
EDGE_WAF_LOG_FIREHOSE_ARN = f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/aws-waf-logs-edge"
# AWS managed cache and origin request policies (fixed ids in every
# account): CachingDisabled, for an API; AllViewerExceptHostHeader, which
# API Gateway origins need (the Host header must be the API's own).
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
SQS_QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-events"
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
    },
    separators=(",", ":"),
)

EC2_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


# Who may assume a task role or a task execution role
# (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html).
ECS_TASKS_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
ORDERS_TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
ORDERS_TASK_LOG_GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/orders-api"
MESH_ACCESS_LOG_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/apigateway/orders-mesh-http-access"


def tag_list(name: str, **extra: str) -> list[dict[str, str]]:
    tags = [{"Key": "Name", "Value": name}]
    tags += [{"Key": k, "Value": v} for k, v in extra.items()]
    return tags


def tag_spec(resource_type: str, name: str, **extra: str) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": tag_list(name, **extra)}]


def post(url: str) -> None:
    # An empty ProxyHandler: a proxy from the environment must never see this.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(urllib.request.Request(url, data=b"", method="POST"), timeout=30) as resp:
        resp.read()


class SeedError(Exception):
    pass


class Seeder:
    def __init__(self, endpoint: str, scenario: str):
        import boto3  # imported late so --help works without the venv
        from botocore.config import Config

        self.endpoint = endpoint
        self.scenario = scenario
        # No retries: moto either answers or has a bug; retrying a 500 only
        # hides which call failed and slows the seed down.
        cfg = Config(retries={"max_attempts": 1, "mode": "standard"})
        session = boto3.session.Session(
            aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION
        )
        self._clients: dict[tuple[str, str], object] = {}

        def client(service: str, region: str = REGION):
            key = (service, region)
            if key not in self._clients:
                self._clients[key] = session.client(
                    service, endpoint_url=endpoint, region_name=region, config=cfg
                )
            return self._clients[key]

        self.client = client
        self.ec2 = client("ec2")
        self.elbv2 = client("elbv2")
        self.apigw = client("apigateway")
        self.apigw2 = client("apigatewayv2")
        self.wafv2 = client("wafv2")
        self.iam = client("iam")
        self.s3 = client("s3")
        self.acm = client("acm")
        self.kms = client("kms")
        self.timings: dict[str, float] = {}
        self.manifest: dict = {
            "account": ACCOUNT,
            "regions": [REGION, EU_REGION],
            "scenario": scenario,
            "ami_id": AMI_AL2023,
            "legacy_ami_id": AMI_COMMUNITY,
            "userdata_secret": USERDATA_SECRET,
            "hardened": {},
            "legacy": {},
            "http_api": {},
            "iam": {"roles": {}, "policies": {}, "instance_profiles": {}},
            "eu": {},
            "s3_buckets": [],
            "ebs_encryption_by_default": {},
            # Places where the seed had to do something other than the
            # scenario describes because of moto; also listed in README.md.
            "moto_adaptations": [],
        }

    # ------------------------------------------------------------------ helpers

    def adapt(self, note: str) -> None:
        self.manifest["moto_adaptations"].append(note)

    def bucket(self, name: str) -> str:
        # us-east-1 buckets take no LocationConstraint.
        self.s3.create_bucket(Bucket=name)
        self.s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(name)})
        self.manifest["s3_buckets"].append(name)
        return name

    def instance_volumes(self, ec2, instance_id: str) -> list[str]:
        res = ec2.describe_instances(InstanceIds=[instance_id])
        inst = res["Reservations"][0]["Instances"][0]
        return [m["Ebs"]["VolumeId"] for m in inst.get("BlockDeviceMappings", [])]

    def role_with_profile(self, role: str, profile: str, tag_name: str) -> tuple[str, str]:
        r = self.iam.create_role(
            RoleName=role,
            AssumeRolePolicyDocument=json.dumps(EC2_TRUST_POLICY),
            Tags=tag_list(tag_name),
        )["Role"]
        p = self.iam.create_instance_profile(InstanceProfileName=profile, Tags=tag_list(tag_name))[
            "InstanceProfile"
        ]
        self.iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
        self.manifest["iam"]["roles"][role] = r["Arn"]
        self.manifest["iam"]["instance_profiles"][profile] = p["Arn"]
        return r["Arn"], p["Arn"]

    # ------------------------------------------------------------------ IAM

    def seed_iam(self) -> None:
        """Roles/profiles both backends use (IAM is global, so done once)."""
        pol = self.iam.create_policy(
            PolicyName="api-backend-read",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "s3:GetObject",
                            "Resource": "arn:aws:s3:::orders-data/*",
                        }
                    ],
                }
            ),
            Description="Read the orders data bucket",
            Tags=tag_list("hardened-api-backend-read"),
        )["Policy"]
        self.manifest["iam"]["policies"]["api-backend-read"] = pol["Arn"]

        self.role_with_profile("api-backend-role", "api-backend", "hardened-api-backend")
        self.iam.attach_role_policy(RoleName="api-backend-role", PolicyArn=pol["Arn"])
        self.iam.put_role_policy(
            RoleName="api-backend-role",
            PolicyName="api-backend-inline",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": SQS_QUEUE_ARN}
                    ],
                }
            ),
        )
        self.manifest["iam"]["inline_policies"] = {"api-backend-role": ["api-backend-inline"]}

        # Over-privileged on purpose: the eu-west-1 worker runs with it.
        admin_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
        self.role_with_profile("legacy-admin-role", "legacy-admin", "legacy-admin")
        self.iam.attach_role_policy(RoleName="legacy-admin-role", PolicyArn=admin_arn)
        self.manifest["iam"]["policies"]["AdministratorAccess"] = admin_arn
        self.manifest["iam"]["attached"] = {
            "api-backend-role": [pol["Arn"]],
            "legacy-admin-role": [admin_arn],
        }

    # ------------------------------------------------------------------ hardened

    def seed_hardened_network(self) -> None:
        ec2, h = self.ec2, self.manifest["hardened"]
        vpc = ec2.create_vpc(
            CidrBlock="10.10.0.0/16",
            AmazonProvidedIpv6CidrBlock=True,
            TagSpecifications=tag_spec("vpc", "hardened-vpc"),
        )["Vpc"]
        vpc_id = vpc["VpcId"]
        ipv6_assoc = vpc.get("Ipv6CidrBlockAssociationSet") or []
        vpc_v6 = ipv6_assoc[0]["Ipv6CidrBlock"] if ipv6_assoc else None
        # Interface endpoints with private DNS need both attributes on.
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
        h["vpc_id"] = vpc_id
        h["vpc_cidr"] = "10.10.0.0/16"
        h["vpc_ipv6_cidr"] = vpc_v6

        igw = ec2.create_internet_gateway(
            TagSpecifications=tag_spec("internet-gateway", "hardened-igw")
        )["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
        h["igw_id"] = igw

        # /64s carved out of the VPC's /56, one per subnet, so the ::/0 routes
        # below have IPv6 traffic to route.
        v6_subnets = (
            list(ipaddress.ip_network(vpc_v6).subnets(new_prefix=64))[:4] if vpc_v6 else [None] * 4
        )
        layout = [
            ("hardened-public-a", "10.10.0.0/24", "us-east-1a"),
            ("hardened-public-b", "10.10.1.0/24", "us-east-1b"),
            ("hardened-private-a", "10.10.10.0/24", "us-east-1a"),
            ("hardened-private-b", "10.10.11.0/24", "us-east-1b"),
        ]
        subnet_ids = []
        for (name, cidr, az), v6 in zip(layout, v6_subnets):
            kw = {"Ipv6CidrBlock": str(v6)} if v6 else {}
            sn = ec2.create_subnet(
                VpcId=vpc_id,
                CidrBlock=cidr,
                AvailabilityZone=az,
                TagSpecifications=tag_spec("subnet", name),
                **kw,
            )["Subnet"]
            subnet_ids.append(sn["SubnetId"])
        public, private = subnet_ids[:2], subnet_ids[2:]
        h["public_subnet_ids"] = public
        h["private_subnet_ids"] = private

        # Public route table: both families out through the IGW.
        pub_rt = ec2.create_route_table(
            VpcId=vpc_id, TagSpecifications=tag_spec("route-table", "hardened-public-rt")
        )["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=pub_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.create_route(RouteTableId=pub_rt, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
        for sn in public:
            ec2.associate_route_table(RouteTableId=pub_rt, SubnetId=sn)
        h["public_route_table_id"] = pub_rt

        # NAT gateway in public-a, with its own EIP.
        eip = ec2.allocate_address(
            Domain="vpc", TagSpecifications=tag_spec("elastic-ip", "hardened-nat-eip")
        )
        nat = ec2.create_nat_gateway(
            SubnetId=public[0],
            AllocationId=eip["AllocationId"],
            ConnectivityType="public",
            TagSpecifications=tag_spec("natgateway", "hardened-nat"),
        )["NatGateway"]["NatGatewayId"]
        h["nat_gateway_id"] = nat
        h["nat_eip_allocation_id"] = eip["AllocationId"]
        h["nat_public_ip"] = eip["PublicIp"]

        eigw = ec2.create_egress_only_internet_gateway(
            VpcId=vpc_id, TagSpecifications=tag_spec("egress-only-internet-gateway", "hardened-eigw")
        )["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
        h["eigw_id"] = eigw

        # Private route table: IPv4 via NAT, IPv6 egress-only, S3 via gateway endpoint.
        priv_rt = ec2.create_route_table(
            VpcId=vpc_id, TagSpecifications=tag_spec("route-table", "hardened-private-rt")
        )["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=priv_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        ec2.create_route(
            RouteTableId=priv_rt, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw
        )
        for sn in private:
            ec2.associate_route_table(RouteTableId=priv_rt, SubnetId=sn)
        h["private_route_table_id"] = priv_rt

        s3_ep = ec2.create_vpc_endpoint(
            VpcId=vpc_id,
            VpcEndpointType="Gateway",
            ServiceName=f"com.amazonaws.{REGION}.s3",
            RouteTableIds=[priv_rt],
            TagSpecifications=tag_spec("vpc-endpoint", "hardened-s3-endpoint"),
        )["VpcEndpoint"]["VpcEndpointId"]
        h["s3_endpoint_id"] = s3_ep
        # The AWS-managed S3 prefix list the endpoint's route points at.
        h["s3_prefix_list_id"] = ec2.describe_managed_prefix_lists(
            Filters=[{"Name": "prefix-list-name", "Values": [f"com.amazonaws.{REGION}.s3"]}]
        )["PrefixLists"][0]["PrefixListId"]

        # Customer managed prefix list used by the app SG's egress rule.
        pl = ec2.create_managed_prefix_list(
            PrefixListName="hardened-corp",
            AddressFamily="IPv4",
            MaxEntries=5,
            Entries=[
                {"Cidr": "203.0.113.0/24", "Description": "corp office"},
                {"Cidr": "198.51.100.0/24", "Description": "corp vpn"},
            ],
            TagSpecifications=tag_spec("prefix-list", "hardened-corp"),
        )["PrefixList"]["PrefixListId"]
        h["prefix_list_id"] = pl

        # NLB SG: only TLS from inside the VPC (default allow-all egress kept:
        # an NLB must reach its targets).
        nlb_sg = ec2.create_security_group(
            GroupName="hardened-nlb",
            Description="hardened internal NLB",
            VpcId=vpc_id,
            TagSpecifications=tag_spec("security-group", "hardened-nlb"),
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=nlb_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "IpRanges": [{"CidrIp": "10.10.0.0/16", "Description": "vpc"}],
                }
            ],
        )
        h["nlb_sg_id"] = nlb_sg

        # App SG: only the NLB may reach 8080; egress narrowed to HTTPS to the
        # corp prefix list and Postgres inside the VPC.
        app_sg = ec2.create_security_group(
            GroupName="hardened-app",
            Description="hardened app instances",
            VpcId=vpc_id,
            TagSpecifications=tag_spec("security-group", "hardened-app"),
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=app_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8080,
                    "ToPort": 8080,
                    "UserIdGroupPairs": [{"GroupId": nlb_sg, "Description": "from nlb"}],
                }
            ],
        )
        # Revoke whatever default egress moto created (IPv4, and IPv6 if any).
        sg = ec2.describe_security_groups(GroupIds=[app_sg])["SecurityGroups"][0]
        default_egress = []
        for perm in sg.get("IpPermissionsEgress", []):
            p = {"IpProtocol": perm["IpProtocol"]}
            if perm.get("IpRanges"):
                p["IpRanges"] = [{"CidrIp": r["CidrIp"]} for r in perm["IpRanges"]]
            if perm.get("Ipv6Ranges"):
                p["Ipv6Ranges"] = [{"CidrIpv6": r["CidrIpv6"]} for r in perm["Ipv6Ranges"]]
            default_egress.append(p)
        if default_egress:
            ec2.revoke_security_group_egress(GroupId=app_sg, IpPermissions=default_egress)
        ec2.authorize_security_group_egress(
            GroupId=app_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "PrefixListIds": [{"PrefixListId": pl, "Description": "corp https"}],
                },
                {
                    "IpProtocol": "tcp",
                    "FromPort": 5432,
                    "ToPort": 5432,
                    "IpRanges": [{"CidrIp": "10.10.0.0/16", "Description": "postgres"}],
                },
            ],
        )
        h["app_sg_id"] = app_sg

        # Interface endpoint for execute-api (private API access from the VPC).
        # It gets the NLB SG because that one admits 443 from the VPC.
        ep = ec2.create_vpc_endpoint(
            VpcId=vpc_id,
            VpcEndpointType="Interface",
            ServiceName=f"com.amazonaws.{REGION}.execute-api",
            SubnetIds=private,
            SecurityGroupIds=[nlb_sg],
            PrivateDnsEnabled=True,
            TagSpecifications=tag_spec("vpc-endpoint", "hardened-execute-api-endpoint"),
        )["VpcEndpoint"]["VpcEndpointId"]
        h["execute_api_endpoint_id"] = ep

        # Custom NACL on the private subnets.
        nacl = ec2.create_network_acl(
            VpcId=vpc_id, TagSpecifications=tag_spec("network-acl", "hardened-private-nacl")
        )["NetworkAcl"]["NetworkAclId"]
        entries = [
            # (rule, egress, action, protocol, cidr, ports)
            (100, False, "allow", "6", "10.10.0.0/16", (8080, 8080)),
            # Replies to the instances' own outbound calls, with RDP (3389)
            # cut out: a NACL that admits 3389 from anywhere fails CIS 5.1.
            (110, False, "allow", "6", "0.0.0.0/0", (1024, 3388)),
            (120, False, "allow", "6", "0.0.0.0/0", (3390, 65535)),
            (200, False, "deny", "-1", "0.0.0.0/0", None),
            (100, True, "allow", "6", "10.10.0.0/16", (1024, 65535)),
            (110, True, "allow", "6", "0.0.0.0/0", (443, 443)),
        ]
        for rule, egress, action, proto, cidr, ports in entries:
            kw = {"PortRange": {"From": ports[0], "To": ports[1]}} if ports else {}
            ec2.create_network_acl_entry(
                NetworkAclId=nacl,
                RuleNumber=rule,
                Egress=egress,
                RuleAction=action,
                Protocol=proto,
                CidrBlock=cidr,
                **kw,
            )
        # Moving a subnet to another NACL means replacing its current
        # association (with the VPC's default NACL).
        acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
            "NetworkAcls"
        ]
        for sn in private:
            assoc = next(
                a["NetworkAclAssociationId"]
                for acl in acls
                for a in acl.get("Associations", [])
                if a["SubnetId"] == sn
            )
            ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=nacl)
        h["nacl_id"] = nacl
        default_nacl = next(a["NetworkAclId"] for a in acls if a.get("IsDefault"))
        h["default_nacl_id"] = default_nacl
        default_sg = ec2.describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "group-name", "Values": ["default"]},
            ]
        )["SecurityGroups"][0]
        h["default_sg_id"] = default_sg["GroupId"]
        # A hardened VPC's default security group allows nothing (CIS 5.4).
        if default_sg.get("IpPermissions"):
            ec2.revoke_security_group_ingress(
                GroupId=default_sg["GroupId"], IpPermissions=default_sg["IpPermissions"]
            )
        if default_sg.get("IpPermissionsEgress"):
            ec2.revoke_security_group_egress(
                GroupId=default_sg["GroupId"], IpPermissions=default_sg["IpPermissionsEgress"]
            )

        h["flow_log_bucket"] = self.bucket("hardened-flow-logs")
        fl = ec2.create_flow_logs(
            ResourceIds=[vpc_id],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="s3",
            LogDestination="arn:aws:s3:::hardened-flow-logs",
            TagSpecifications=tag_spec("vpc-flow-log", "hardened-flow-log"),
        )
        if fl.get("Unsuccessful"):
            raise RuntimeError(f"create_flow_logs failed: {fl['Unsuccessful']}")
        h["flow_log_id"] = fl["FlowLogIds"][0]

    def seed_hardened_compute(self) -> None:
        ec2, h = self.ec2, self.manifest["hardened"]
        # A customer managed key for the root volumes.
        key = self.kms.create_key(
            Description="hardened EBS key", Tags=[{"TagKey": "Name", "TagValue": "hardened-ebs"}]
        )["KeyMetadata"]
        self.kms.create_alias(AliasName="alias/hardened-ebs", TargetKeyId=key["KeyId"])
        h["kms_key_arn"] = key["Arn"]
        # Rotated yearly (DATA-009 passes).
        self.kms.enable_key_rotation(KeyId=key["KeyId"])

        user_data = (
            "#!/bin/bash\n"
            "# bootstrap for the orders API\n"
            f"export DB_PASSWORD={USERDATA_SECRET}\n"
            "systemctl enable --now orders-api\n"
        )
        ids, vols = [], []
        for i, sn in enumerate(h["private_subnet_ids"], start=1):
            name = f"hardened-api-{i}"
            inst = ec2.run_instances(
                ImageId=AMI_AL2023,
                InstanceType="t3.micro",
                MinCount=1,
                MaxCount=1,
                SubnetId=sn,
                SecurityGroupIds=[h["app_sg_id"]],
                IamInstanceProfile={"Name": "api-backend"},
                MetadataOptions={
                    "HttpTokens": "required",
                    "HttpPutResponseHopLimit": 1,
                    "HttpEndpoint": "enabled",
                },
                BlockDeviceMappings=[
                    {
                        "DeviceName": "/dev/xvda",
                        "Ebs": {
                            "VolumeSize": 8,
                            "VolumeType": "gp3",
                            "Encrypted": True,
                            "KmsKeyId": key["Arn"],
                            "DeleteOnTermination": True,
                        },
                    }
                ],
                UserData=user_data,
                TagSpecifications=[
                    {"ResourceType": "instance", "Tags": tag_list(name, app="orders")},
                    {"ResourceType": "volume", "Tags": tag_list(f"{name}-root", app="orders")},
                ],
            )["Instances"][0]
            ids.append(inst["InstanceId"])
            vols += self.instance_volumes(ec2, inst["InstanceId"])
        h["instance_ids"] = ids
        h["volume_ids"] = vols

    def seed_hardened_lb(self) -> None:
        elbv2, h = self.elbv2, self.manifest["hardened"]
        h["lb_log_bucket"] = self.bucket("hardened-lb-logs")
        lb = elbv2.create_load_balancer(
            Name="hardened-int-nlb",
            Type="network",
            Scheme="internal",
            Subnets=h["private_subnet_ids"],
            SecurityGroups=[h["nlb_sg_id"]],
            Tags=tag_list("hardened-int-nlb"),
        )["LoadBalancers"][0]
        h["nlb_arn"] = lb["LoadBalancerArn"]
        h["nlb_dns"] = lb["DNSName"]
        elbv2.modify_load_balancer_attributes(
            LoadBalancerArn=lb["LoadBalancerArn"],
            Attributes=[
                {"Key": "access_logs.s3.enabled", "Value": "true"},
                {"Key": "access_logs.s3.bucket", "Value": "hardened-lb-logs"},
                {"Key": "access_logs.s3.prefix", "Value": "hardened-int-nlb"},
            ],
        )
        tg = elbv2.create_target_group(
            Name="hardened-app",
            # TLS to the targets too: the NLB -> instance hop is encrypted.
            Protocol="TLS",
            Port=8080,
            VpcId=h["vpc_id"],
            TargetType="instance",
            HealthCheckEnabled=True,
            HealthCheckProtocol="TCP",
            HealthCheckPort="traffic-port",
            HealthCheckIntervalSeconds=10,
            HealthyThresholdCount=3,
            UnhealthyThresholdCount=3,
            Tags=tag_list("hardened-app"),
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.register_targets(
            TargetGroupArn=tg, Targets=[{"Id": i, "Port": 8080} for i in h["instance_ids"]]
        )
        h["tg_arn"] = tg

        # TLS needs a certificate that exists (moto checks ACM/IAM like AWS
        # does), so request one from moto's ACM rather than invent an ARN.
        cert = self.acm.request_certificate(
            DomainName="orders.internal.example.com",
            ValidationMethod="DNS",
            Tags=[{"Key": "Name", "Value": "hardened-orders-cert"}],
        )["CertificateArn"]
        h["acm_certificate_arn"] = cert
        forward = [{"Type": "forward", "TargetGroupArn": tg}]
        try:
            listener = elbv2.create_listener(
                LoadBalancerArn=lb["LoadBalancerArn"],
                Protocol="TLS",
                Port=443,
                SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                Certificates=[{"CertificateArn": cert}],
                DefaultActions=forward,
                Tags=tag_list("hardened-int-nlb-tls"),
            )["Listeners"][0]
        except Exception as e:  # moto version without TLS listener support
            self.adapt(f"hardened NLB listener is TCP: moto rejected TLS ({e})")
            listener = elbv2.create_listener(
                LoadBalancerArn=lb["LoadBalancerArn"],
                Protocol="TCP",
                Port=443,
                DefaultActions=forward,
                Tags=tag_list("hardened-int-nlb-tcp"),
            )["Listeners"][0]
        h["listener_arn"] = listener["ListenerArn"]
        h["listener_protocol"] = listener["Protocol"]

    def seed_hardened_rest_api(self) -> None:
        apigw, h = self.apigw, self.manifest["hardened"]
        # Only callers from the corp ranges or the VPC may invoke.
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "Resource": "execute-api:/*",
                },
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "Resource": "execute-api:/*",
                    "Condition": {
                        "NotIpAddress": {
                            "aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24", "10.10.0.0/16"]
                        }
                    },
                },
            ],
        }
        api = apigw.create_rest_api(
            name="orders-api",
            description="hardened orders API",
            endpointConfiguration={"types": ["REGIONAL"]},
            policy=json.dumps(policy),
            tags={"Name": "hardened-orders-api"},
        )
        api_id = api["id"]
        h["rest_api_id"] = api_id

        link = apigw.create_vpc_link(
            name="orders-link",
            description="orders-api to the internal NLB",
            targetArns=[h["nlb_arn"]],
            tags={"Name": "hardened-orders-link"},
        )["id"]
        h["vpc_link_id"] = link

        token_auth = apigw.create_authorizer(
            restApiId=api_id,
            name="orders-auth",
            type="TOKEN",
            authorizerUri=LAMBDA_AUTHORIZER_URI,
            identitySource="method.request.header.Authorization",
            authorizerResultTtlInSeconds=300,
        )["id"]
        cognito_auth = apigw.create_authorizer(
            restApiId=api_id,
            name="orders-cognito",
            type="COGNITO_USER_POOLS",
            providerARNs=[COGNITO_POOL_ARN],
            identitySource="method.request.header.Authorization",
        )["id"]
        h["authorizer_ids"] = [token_auth, cognito_auth]
        h["authorizers"] = {"orders-auth": token_auth, "orders-cognito": cognito_auth}

        root = next(r["id"] for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
        res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="orders")["id"]
        h["rest_root_resource_id"] = root
        h["rest_resource_ids"] = {"/": root, "/orders": res}

        # moto drops connectionId (see README), so the uri host is what ties
        # the integration to the NLB behind the VPC link.
        backend_uri = f"https://{h['nlb_dns']}:443/orders"
        for verb, auth_type, auth_id in (
            ("GET", "CUSTOM", token_auth),
            ("POST", "COGNITO_USER_POOLS", cognito_auth),
        ):
            apigw.put_method(
                restApiId=api_id,
                resourceId=res,
                httpMethod=verb,
                authorizationType=auth_type,
                authorizerId=auth_id,
            )
            apigw.put_integration(
                restApiId=api_id,
                resourceId=res,
                httpMethod=verb,
                type="HTTP_PROXY",
                integrationHttpMethod=verb,
                uri=backend_uri,
                connectionType="VPC_LINK",
                connectionId=link,
            )
        h["integration_uri"] = backend_uri

        # CORS preflight: no auth, answered by API Gateway itself.
        apigw.put_method(
            restApiId=api_id, resourceId=res, httpMethod="OPTIONS", authorizationType="NONE"
        )
        apigw.put_method_response(
            restApiId=api_id, resourceId=res, httpMethod="OPTIONS", statusCode="200"
        )
        apigw.put_integration(
            restApiId=api_id,
            resourceId=res,
            httpMethod="OPTIONS",
            type="MOCK",
            requestTemplates={"application/json": '{"statusCode": 200}'},
        )
        apigw.put_integration_response(
            restApiId=api_id, resourceId=res, httpMethod="OPTIONS", statusCode="200"
        )

        dep = apigw.create_deployment(restApiId=api_id, description="initial")["id"]
        apigw.create_stage(
            restApiId=api_id,
            stageName="prod",
            deploymentId=dep,
            tracingEnabled=True,
            variables={"backend": "hardened"},
            tags={"Name": "hardened-orders-prod"},
        )
        apigw.update_stage(
            restApiId=api_id,
            stageName="prod",
            patchOperations=[
                {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": REST_ACCESS_LOG_ARN},
                {"op": "replace", "path": "/accessLogSettings/format", "value": ACCESS_LOG_FORMAT},
                {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "100"},
                {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "50"},
                {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
            ],
        )
        h["deployment_id"] = dep
        h["stage_name"] = "prod"
        h["stage_arn"] = f"arn:aws:apigateway:{REGION}::/restapis/{api_id}/stages/prod"
        h["access_log_destination_arn"] = REST_ACCESS_LOG_ARN

        plan = apigw.create_usage_plan(
            name="orders-plan",
            description="orders partners",
            apiStages=[{"apiId": api_id, "stage": "prod"}],
            throttle={"burstLimit": 200, "rateLimit": 100.0},
            quota={"limit": 100000, "period": "MONTH"},
            tags={"Name": "hardened-orders-plan"},
        )["id"]
        key = apigw.create_api_key(name="orders-partner", enabled=True, tags={"Name": "hardened-orders-key"})
        apigw.create_usage_plan_key(usagePlanId=plan, keyId=key["id"], keyType="API_KEY")
        h["usage_plan_id"] = plan
        h["api_key_id"] = key["id"]

        try:
            dom = apigw.create_domain_name(
                domainName="api.orders.example.com",
                regionalCertificateArn=h["acm_certificate_arn"],
                endpointConfiguration={"types": ["REGIONAL"]},
                securityPolicy="TLS_1_2",
                tags={"Name": "hardened-orders-domain"},
            )
            apigw.create_base_path_mapping(
                domainName="api.orders.example.com", restApiId=api_id, stage="prod", basePath="v1"
            )
            # Clients reach the API only through its domain (EDGE-013
            # passes; the exposure paths enter by the domain).
            apigw.update_rest_api(
                restApiId=api_id,
                patchOperations=[
                    {"op": "replace", "path": "/disableExecuteApiEndpoint", "value": "True"}
                ],
            )
            h["default_endpoint_disabled"] = True
            h["domain_name"] = dom["domainName"]
            h["domain_regional_name"] = dom.get("regionalDomainName")
        except Exception as e:
            self.adapt(f"custom domain name not created ({e})")
            h["domain_name"] = None

    def seed_hardened_waf(self) -> None:
        waf, h = self.wafv2, self.manifest["hardened"]

        def vis(name: str) -> dict:
            return {
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": name,
            }

        def managed(name: str, priority: int, overrides: list | None = None) -> dict:
            stmt = {"VendorName": "AWS", "Name": name}
            if overrides:
                stmt["RuleActionOverrides"] = overrides
            return {
                "Name": f"AWS-{name}",
                "Priority": priority,
                "Statement": {"ManagedRuleGroupStatement": stmt},
                "OverrideAction": {"None": {}},
                "VisibilityConfig": vis(f"AWS-{name}"),
            }

        rules = [
            managed("AWSManagedRulesCommonRuleSet", 0),
            managed("AWSManagedRulesKnownBadInputsRuleSet", 1),
            managed("AWSManagedRulesSQLiRuleSet", 2),
            {
                "Name": "rate-limit",
                "Priority": 3,
                "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}},
                "Action": {"Block": {}},
                "VisibilityConfig": vis("rate-limit"),
            },
        ]
        acl = waf.create_web_acl(
            Name="orders-waf",
            Scope="REGIONAL",
            DefaultAction={"Allow": {}},
            Description="orders-api prod",
            Rules=rules,
            VisibilityConfig=vis("orders-waf"),
            Tags=[{"Key": "Name", "Value": "hardened-orders-waf"}],
        )["Summary"]
        h["web_acl_arn"] = acl["ARN"]
        h["web_acl_id"] = acl["Id"]
        h["web_acl_name"] = "orders-waf"
        # Exactly one association: moto keeps stale ones on re-association.
        waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=h["stage_arn"])
        waf.put_logging_configuration(
            LoggingConfiguration={
                "ResourceArn": acl["ARN"],
                "LogDestinationConfigs": [WAF_LOG_FIREHOSE_ARN],
            }
        )
        h["waf_log_destination_arn"] = WAF_LOG_FIREHOSE_ARN

        # A second ACL, attached to nothing, where a rule is being tuned in
        # COUNT: exercises rule-action overrides without weakening orders-waf.
        staging = waf.create_web_acl(
            Name="staging-waf",
            Scope="REGIONAL",
            DefaultAction={"Allow": {}},
            Description="tuning; not attached",
            Rules=[
                managed(
                    "AWSManagedRulesCommonRuleSet",
                    0,
                    [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}],
                )
            ],
            VisibilityConfig=vis("staging-waf"),
            Tags=[{"Key": "Name", "Value": "staging-waf"}],
        )["Summary"]
        self.manifest["staging_waf"] = {"web_acl_arn": staging["ARN"], "web_acl_id": staging["Id"]}

    # ------------------------------------------------------------------ legacy

    def seed_legacy(self) -> None:
        ec2, elbv2, apigw, l = self.ec2, self.elbv2, self.apigw, self.manifest["legacy"]
        vpc_id = ec2.create_vpc(
            CidrBlock="10.20.0.0/16", TagSpecifications=tag_spec("vpc", "legacy-vpc")
        )["Vpc"]["VpcId"]
        l["vpc_id"] = vpc_id
        l["vpc_cidr"] = "10.20.0.0/16"
        igw = ec2.create_internet_gateway(TagSpecifications=tag_spec("internet-gateway", "legacy-igw"))[
            "InternetGateway"
        ]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
        l["igw_id"] = igw
        sn = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock="10.20.0.0/24",
            AvailabilityZone="us-east-1a",
            TagSpecifications=tag_spec("subnet", "legacy-public"),
        )["Subnet"]["SubnetId"]
        ec2.modify_subnet_attribute(SubnetId=sn, MapPublicIpOnLaunch={"Value": True})
        l["public_subnet_id"] = sn
        l["public_subnet_ids"] = [sn]
        rt = ec2.create_route_table(
            VpcId=vpc_id, TagSpecifications=tag_spec("route-table", "legacy-public-rt")
        )["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.associate_route_table(RouteTableId=rt, SubnetId=sn)
        l["public_route_table_id"] = rt

        ec2.create_key_pair(KeyName="legacy-key", TagSpecifications=tag_spec("key-pair", "legacy-key"))
        l["key_name"] = "legacy-key"
        l["key_pair_id"] = ec2.describe_key_pairs(KeyNames=["legacy-key"])["KeyPairs"][0].get("KeyPairId")

        web_sg = ec2.create_security_group(
            GroupName="legacy-web",
            Description="legacy web box",
            VpcId=vpc_id,
            TagSpecifications=tag_spec("security-group", "legacy-web"),
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=web_sg,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8080,
                    "ToPort": 8080,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                },
                {
                    "IpProtocol": "tcp",
                    "FromPort": 3389,
                    "ToPort": 3389,
                    "IpRanges": [{"CidrIp": "198.51.100.7/32", "Description": "admin desk"}],
                },
            ],
        )
        l["web_sg_id"] = web_sg

        # Give the VPC's default SG a rule so "default SG has rules" fires.
        default_sg = ec2.describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "group-name", "Values": ["default"]},
            ]
        )["SecurityGroups"][0]["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=default_sg,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            ],
        )
        l["default_sg_id"] = default_sg

        # Hostile tag value: HTML and a newline, for report escaping tests.
        note = "legacy box <script>alert(1)</script>\nowner: nobody"
        inst = ec2.run_instances(
            ImageId=AMI_COMMUNITY,
            InstanceType="t3.micro",
            MinCount=1,
            MaxCount=1,
            SubnetId=sn,
            KeyName="legacy-key",
            SecurityGroupIds=[web_sg],
            MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
            BlockDeviceMappings=[
                {
                    "DeviceName": "/dev/xvda",
                    "Ebs": {
                        "VolumeSize": 8,
                        "VolumeType": "gp2",
                        "Encrypted": False,
                        "DeleteOnTermination": True,
                    },
                }
            ],
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": tag_list("legacy-api-1", app="legacy", note=note)},
                {"ResourceType": "volume", "Tags": tag_list("legacy-api-1-root", app="legacy")},
            ],
        )["Instances"][0]
        iid = inst["InstanceId"]
        l["instance_ids"] = [iid]
        l["instance_id"] = iid
        l["note_tag"] = note
        l["launch_public_ip"] = inst.get("PublicIpAddress")

        data = ec2.create_volume(
            AvailabilityZone="us-east-1a",
            Size=8,
            VolumeType="gp2",
            Encrypted=False,
            TagSpecifications=tag_spec("volume", "legacy-data", app="legacy"),
        )["VolumeId"]
        ec2.attach_volume(VolumeId=data, InstanceId=iid, Device="/dev/sdf")
        l["data_volume_id"] = data
        l["volume_ids"] = self.instance_volumes(ec2, iid)

        eip = ec2.allocate_address(Domain="vpc", TagSpecifications=tag_spec("elastic-ip", "legacy-eip"))
        assoc = ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=iid)
        l["eip_allocation_id"] = eip["AllocationId"]
        l["eip_association_id"] = assoc.get("AssociationId")
        # After association the instance's public IP is the EIP (as in AWS).
        l["public_ip"] = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0].get(
            "PublicIpAddress"
        )
        l["eip_public_ip"] = eip["PublicIp"]

        lb = elbv2.create_load_balancer(
            Name="legacy-pub-nlb",
            Type="network",
            Scheme="internet-facing",
            Subnets=[sn],
            Tags=tag_list("legacy-pub-nlb"),
        )["LoadBalancers"][0]
        l["nlb_arn"] = lb["LoadBalancerArn"]
        l["nlb_dns"] = lb["DNSName"]
        tg = elbv2.create_target_group(
            Name="legacy-app",
            Protocol="TCP",
            Port=8080,
            VpcId=vpc_id,
            TargetType="instance",
            Tags=tag_list("legacy-app"),
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": iid, "Port": 8080}])
        l["tg_arn"] = tg
        l["listener_arn"] = elbv2.create_listener(
            LoadBalancerArn=lb["LoadBalancerArn"],
            Protocol="TCP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
            Tags=tag_list("legacy-pub-nlb-tcp"),
        )["Listeners"][0]["ListenerArn"]

        # Public EDGE API straight to the internet-facing NLB, no auth.
        api_id = apigw.create_rest_api(
            name="legacy-api",
            description="legacy items API",
            endpointConfiguration={"types": ["EDGE"]},
            tags={"Name": "legacy-api"},
        )["id"]
        root = next(r["id"] for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
        res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="items")["id"]
        apigw.put_method(restApiId=api_id, resourceId=res, httpMethod="GET", authorizationType="NONE")
        uri = f"http://{lb['DNSName']}/items"
        apigw.put_integration(
            restApiId=api_id,
            resourceId=res,
            httpMethod="GET",
            type="HTTP_PROXY",
            integrationHttpMethod="GET",
            uri=uri,
            connectionType="INTERNET",
        )
        dep = apigw.create_deployment(restApiId=api_id, stageName="v1", description="v1")["id"]
        l["rest_api_id"] = api_id
        l["rest_resource_ids"] = {"/": root, "/items": res}
        l["integration_uri"] = uri
        l["deployment_id"] = dep
        l["stage_name"] = "v1"
        l["stage_arn"] = f"arn:aws:apigateway:{REGION}::/restapis/{api_id}/stages/v1"

        # PRIVATE API with no resource policy (AWS would refuse the deployment).
        pid = apigw.create_rest_api(
            name="internal-api",
            description="private API without a resource policy",
            endpointConfiguration={"types": ["PRIVATE"]},
            tags={"Name": "legacy-internal-api"},
        )["id"]
        proot = next(r["id"] for r in apigw.get_resources(restApiId=pid)["items"] if r["path"] == "/")
        apigw.put_method(restApiId=pid, resourceId=proot, httpMethod="GET", authorizationType="NONE")
        apigw.put_method_response(restApiId=pid, resourceId=proot, httpMethod="GET", statusCode="200")
        apigw.put_integration(
            restApiId=pid,
            resourceId=proot,
            httpMethod="GET",
            type="MOCK",
            requestTemplates={"application/json": '{"statusCode": 200}'},
        )
        apigw.put_integration_response(
            restApiId=pid, resourceId=proot, httpMethod="GET", statusCode="200"
        )
        pdep = apigw.create_deployment(restApiId=pid, stageName="live")["id"]
        l["private_api_id"] = pid
        l["private_api_deployment_id"] = pdep
        l["private_api_stage_name"] = "live"
        l["private_api_stage_arn"] = f"arn:aws:apigateway:{REGION}::/restapis/{pid}/stages/live"

    # ------------------------------------------------------------------ HTTP API

    def seed_http_api(self) -> None:
        # Part of the legacy story: an HTTP API can never hold a WAF web ACL,
        # and its health route has no authorization. It fronts the legacy NLB.
        v2, h, x = self.apigw2, self.manifest["legacy"], self.manifest["http_api"]
        api_id = v2.create_api(
            Name="orders-http", ProtocolType="HTTP", Tags={"Name": "legacy-orders-http"}
        )["ApiId"]
        x["api_id"] = api_id
        link = v2.create_vpc_link(
            Name="orders-http-link",
            SubnetIds=[h["public_subnet_id"]],
            SecurityGroupIds=[h["web_sg_id"]],
            Tags={"Name": "legacy-orders-http-link"},
        )["VpcLinkId"]
        x["vpc_link_id"] = link
        integ = v2.create_integration(
            ApiId=api_id,
            IntegrationType="HTTP_PROXY",
            IntegrationMethod="ANY",
            ConnectionType="VPC_LINK",
            ConnectionId=link,
            IntegrationUri=h["listener_arn"],
            PayloadFormatVersion="1.0",
        )["IntegrationId"]
        x["integration_id"] = integ
        x["integration_uri"] = h["listener_arn"]
        target = f"integrations/{integ}"
        routes = {
            "GET /health": v2.create_route(
                ApiId=api_id, RouteKey="GET /health", AuthorizationType="NONE", Target=target
            )["RouteId"],
            "POST /orders": v2.create_route(
                ApiId=api_id, RouteKey="POST /orders", AuthorizationType="AWS_IAM", Target=target
            )["RouteId"],
        }
        x["authorizer_id"] = None
        x["route_ids"] = routes
        v2.create_stage(
            ApiId=api_id,
            StageName="$default",
            AutoDeploy=True,
            AccessLogSettings={"DestinationArn": HTTP_ACCESS_LOG_ARN, "Format": ACCESS_LOG_FORMAT},
            DefaultRouteSettings={"ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5.0},
            Tags={"Name": "legacy-orders-http-default"},
        )
        x["stage_name"] = "$default"
        x["access_log_destination_arn"] = HTTP_ACCESS_LOG_ARN

    def seed_partial_extras(self) -> None:
        """`partial` only: a JWT authorizer and a route using it.

        moto stores the authorizer but answers 500 to GetAuthorizers: that
        collection failure is the point of this scenario. Done after
        everything else so every id shared with `demo` is identical.
        """
        v2, x = self.apigw2, self.manifest["http_api"]
        api_id = x["api_id"]
        target = f"integrations/{x['integration_id']}"
        auth = v2.create_authorizer(
            ApiId=api_id,
            Name="orders-jwt",
            AuthorizerType="JWT",
            IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={
                "Audience": ["orders-web"],
                "Issuer": f"https://cognito-idp.{REGION}.amazonaws.com/{COGNITO_POOL_ID}",
            },
        )["AuthorizerId"]
        x["authorizer_id"] = auth
        x["route_ids"]["GET /me"] = v2.create_route(
            ApiId=api_id,
            RouteKey="GET /me",
            AuthorizationType="JWT",
            AuthorizerId=auth,
            Target=target,
        )["RouteId"]

    # ------------------------------------------------------------------ eu-west-1

    def seed_eu(self) -> None:
        ec2 = self.client("ec2", EU_REGION)
        e = self.manifest["eu"]
        e["region"] = EU_REGION
        vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
        e["vpc_id"] = vpc["VpcId"]
        subnet = ec2.describe_subnets(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
                {"Name": "availability-zone", "Values": [f"{EU_REGION}a"]},
            ]
        )["Subnets"][0]["SubnetId"]
        e["subnet_id"] = subnet
        # Named explicitly: without SecurityGroupIds moto leaves the
        # instance's SecurityGroups empty (AWS would show the default SG).
        default_sg = ec2.describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
                {"Name": "group-name", "Values": ["default"]},
            ]
        )["SecurityGroups"][0]["GroupId"]
        e["default_sg_id"] = default_sg
        inst = ec2.run_instances(
            ImageId=AMI_AL2023,
            InstanceType="t3.micro",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet,
            SecurityGroupIds=[default_sg],
            IamInstanceProfile={"Name": "legacy-admin"},
            MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
            # Explicit root device: moto's default mapping is /dev/sda1 whatever
            # the AMI says; the AL2023 AMI's root is /dev/xvda.
            BlockDeviceMappings=[
                {
                    "DeviceName": "/dev/xvda",
                    "Ebs": {"VolumeSize": 8, "VolumeType": "gp3", "Encrypted": False, "DeleteOnTermination": True},
                }
            ],
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": tag_list("eu-worker")},
                {"ResourceType": "volume", "Tags": tag_list("eu-worker-root")},
            ],
        )["Instances"][0]
        e["instance_id"] = inst["InstanceId"]
        e["instance_ids"] = [inst["InstanceId"]]
        e["volume_ids"] = self.instance_volumes(ec2, inst["InstanceId"])
        e["security_group_ids"] = [g["GroupId"] for g in inst.get("SecurityGroups", [])]
        e["public_ip"] = inst.get("PublicIpAddress")

    # ------------------------------------------------------------------ driver

    def run(self) -> dict:
        # Ids are only repeatable on an empty server, and names would clash
        # anyway: refuse to seed twice rather than fail halfway through.
        if self.iam.list_roles()["Roles"]:
            raise SeedError("the emulator already holds IAM roles: run `emu reset` (or use a fresh emulator) first")
        post(f"{self.endpoint}/moto-api/seed?a=42")
        # Order matters: ids come from moto's seeded random generator, so the
        # same sequence of calls gives the same ids. The partial-only extras
        # come last so `partial` shares every id with `demo`.
        phases = [
            ("iam", self.seed_iam),
            ("legacy", self.seed_legacy),
            ("network", self.seed_hardened_network),
            ("compute", self.seed_hardened_compute),
            ("lb", self.seed_hardened_lb),
            ("rest", self.seed_hardened_rest_api),
            ("waf", self.seed_hardened_waf),
            ("http", self.seed_http_api),
            ("eu", self.seed_eu),
            # Last in us-east-1 terms: the legacy volumes above predate the
            # account-wide default (in AWS they could not be created
            # unencrypted afterwards).
            ("ebs-default", self.seed_ebs_default),
            ("ssm", self.seed_ssm),
            ("domains", self.seed_domains),
            ("kms", self.seed_kms),
            ("fleets", self.seed_fleets),
            ("inspector", self.seed_inspector),
            ("detect", self.seed_detect),
            ("shield", self.seed_shield),
            ("cloudfront", self.seed_cloudfront),
            ("containers", self.seed_containers),
        ]
        if self.scenario == "partial":
            phases.append(("partial", self.seed_partial_extras))
        for name, fn in phases:
            t0 = time.monotonic()
            try:
                fn()
            except Exception as e:
                raise SeedError(f"phase '{name}' failed: {e}") from e
            self.timings[name] = time.monotonic() - t0
        return self.manifest

    def seed_ssm(self) -> None:
        """Systems Manager's view of the instances, through moto_server.py's
        parameters (moto does not implement DescribeInstanceInformation or
        DescribeInstancePatchStates): the hardened backends are managed,
        online and scanned a day ago with nothing missing; the EU worker is
        managed but misses critical and security patches; the legacy box
        has no agent (not managed)."""
        m = self.manifest["ssm"] = {}
        clean = {"missing": 0, "failed": 0, "critical": 0, "security": 0, "age_days": 1}
        unpatched = {"missing": 3, "failed": 0, "critical": 1, "security": 2, "age_days": 2}
        plan = [(REGION, iid, clean) for iid in self.manifest["hardened"]["instance_ids"]]
        plan.append((EU_REGION, self.manifest["eu"]["instance_id"], unpatched))
        for region, iid, patch in plan:
            state = {"ping_status": "Online", "platform_type": "Linux", "patch": patch}
            self.client("ssm", region).put_parameter(
                Name=f"/rampart-emu/ssm/{iid}", Type="String", Value=json.dumps(state)
            )
            m[iid] = state
        self.manifest["ssm_unmanaged"] = list(self.manifest["legacy"]["instance_ids"])

    def legacy_certificate(self) -> str:
        """Imports (in us-east-1, where edge-optimized domains take their
        certificates) a self-signed certificate for legacy.example.com with
        a 1024-bit RSA key, issued 355 days ago and expiring in 10: the
        kind a team made once by hand and forgot. ACM imports RSA 1024
        keys (https://docs.aws.amazon.com/acm/latest/userguide/import-certificate-prerequisites.html)."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID

        key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "legacy.example.com")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=355))
            .not_valid_after(now + datetime.timedelta(days=LEGACY_CERT_DAYS_LEFT))
            .add_extension(
                x509.SubjectAlternativeName([x509.DNSName("legacy.example.com")]), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        return self.acm.import_certificate(
            Certificate=cert.public_bytes(serialization.Encoding.PEM),
            PrivateKey=key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            ),
            Tags=[{"Key": "Name", "Value": "legacy-domain-cert"}],
        )["CertificateArn"]

    def seed_domains(self) -> None:
        """Custom domains of the legacy story, last so that every earlier id
        stays as it was: `legacy.example.com`, edge-optimized on the TLS_1_0
        security policy (EDGE-012 fails), mapping its root to legacy-api/v1
        whose default endpoint stays enabled (EDGE-013 fails); and
        `http.orders.example.com` through the v2 API (moto keeps v1 and v2
        domains apart; AWS lists each domain through both), mapping `orders`
        to the HTTP API's $default stage, default endpoint enabled.
        legacy.example.com presents an imported RSA 1024 certificate that
        expires in 10 days (DATA-011, DATA-012 and DATA-013 fail on it);
        the others the hardened story's ACM-issued one (all three pass)."""
        cert = self.manifest["hardened"].get("acm_certificate_arn")
        if not cert:
            return
        l, x = self.manifest["legacy"], self.manifest["http_api"]
        legacy_cert = self.legacy_certificate()
        l["acm_certificate_arn"] = legacy_cert
        try:
            dom = self.apigw.create_domain_name(
                domainName="legacy.example.com",
                certificateArn=legacy_cert,
                endpointConfiguration={"types": ["EDGE"]},
                securityPolicy="TLS_1_0",
                tags={"Name": "legacy-domain"},
            )
            self.apigw.create_base_path_mapping(
                domainName="legacy.example.com", restApiId=l["rest_api_id"], stage=l["stage_name"]
            )
            l["domain_name"] = dom["domainName"]
        except Exception as e:
            self.adapt(f"legacy custom domain not created ({e})")
            l["domain_name"] = None
        try:
            self.apigw2.create_domain_name(
                DomainName="http.orders.example.com",
                DomainNameConfigurations=[
                    {
                        "CertificateArn": cert,
                        "EndpointType": "REGIONAL",
                        "SecurityPolicy": "TLS_1_2",
                    }
                ],
                Tags={"Name": "legacy-http-domain"},
            )
            self.apigw2.create_api_mapping(
                DomainName="http.orders.example.com",
                ApiId=x["api_id"],
                Stage=x["stage_name"],
                ApiMappingKey="orders",
            )
            x["domain_name"] = "http.orders.example.com"
        except Exception as e:
            self.adapt(f"HTTP API custom domain not created ({e})")
            x["domain_name"] = None

    def seed_kms(self) -> None:
        """eu-west-1's EBS default key (legacy story): a customer managed key
        that never rotated and was later disabled, so every volume created
        there without a key would be unusable (DATA-008 and DATA-009 fail on
        it, account-wide: no backend volume uses it yet); and the legacy
        backend's archive volume on another such key. Last, so no earlier
        id moves."""
        kms = self.client("kms", EU_REGION)
        ec2 = self.client("ec2", EU_REGION)
        key = kms.create_key(
            Description="legacy default EBS key",
            Tags=[{"TagKey": "Name", "TagValue": "legacy-eu-ebs"}],
        )["KeyMetadata"]
        ec2.modify_ebs_default_kms_key_id(KmsKeyId=key["Arn"])
        kms.disable_key(KeyId=key["KeyId"])
        self.manifest["eu"]["default_kms_key_arn"] = key["Arn"]

        # The legacy box's archive volume (us-east-1): encrypted with a
        # customer managed key that never rotated and was disabled after
        # the volume was attached, so the volume cannot be attached again
        # and the instance would not start after a stop (DATA-008 and
        # DATA-009 fail on the legacy backend's card; AWS refuses to attach
        # a volume whose key is disabled, hence disabled after).
        l = self.manifest["legacy"]
        ec2 = self.ec2
        archive_key = self.kms.create_key(
            Description="legacy archive volume key",
            Tags=[{"TagKey": "Name", "TagValue": "legacy-archive"}],
        )["KeyMetadata"]
        vol = ec2.create_volume(
            AvailabilityZone="us-east-1a",
            Size=8,
            VolumeType="gp3",
            Encrypted=True,
            KmsKeyId=archive_key["Arn"],
            TagSpecifications=tag_spec("volume", "legacy-archive", app="legacy"),
        )["VolumeId"]
        ec2.attach_volume(VolumeId=vol, InstanceId=l["instance_id"], Device="/dev/sdg")
        self.kms.disable_key(KeyId=archive_key["KeyId"])
        l["archive_volume_id"] = vol
        l["kms_key_arn"] = archive_key["Arn"]

    def seed_fleets(self) -> None:
        """Auto Scaling groups around the running backends (issue 15 item
        3): the hardened instances become members of a group that launches
        the hardened launch template's `$Default` version (IMDSv2 only, hop
        limit 1, the backend profile, no public address, an encrypted root
        volume) into the private subnets behind the NLB's target group; its
        `$Latest` version (a draft that allows IMDSv1) is used by no group
        and so not judged. The legacy box becomes the member of a group that
        launches a launch configuration as the box was built: no metadata
        options (IMDSv1 by EC2's default), no profile, a public address, the
        SSH key. Groups start empty and the
        instances are attached (AttachInstances), so no new instance is
        launched and the seeded ids stay as they are. Both templates carry
        user data with the seeded secret, which a scan must never keep."""
        ec2, h, l = self.ec2, self.manifest["hardened"], self.manifest["legacy"]
        asg = self.client("autoscaling")
        m = self.manifest["fleets"] = {}
        user_data = base64.b64encode(f"#!/bin/bash\nexport DB_PASSWORD={USERDATA_SECRET}\n".encode()).decode()
        hardened = {
            "ImageId": AMI_AL2023,
            "InstanceType": "t3.micro",
            "IamInstanceProfile": {"Name": "api-backend"},
            "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"},
            "NetworkInterfaces": [
                {"DeviceIndex": 0, "AssociatePublicIpAddress": False, "Groups": [h["app_sg_id"]]}
            ],
            "BlockDeviceMappings": [
                {
                    "DeviceName": "/dev/xvda",
                    "Ebs": {"VolumeSize": 8, "VolumeType": "gp3", "Encrypted": True, "KmsKeyId": h["kms_key_arn"]},
                }
            ],
            "UserData": user_data,
        }
        lt = ec2.create_launch_template(
            LaunchTemplateName="hardened-api",
            LaunchTemplateData=hardened,
            TagSpecifications=tag_spec("launch-template", "hardened-api"),
        )["LaunchTemplate"]
        draft = dict(hardened, MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"})
        ec2.create_launch_template_version(
            LaunchTemplateId=lt["LaunchTemplateId"], LaunchTemplateData=draft, VersionDescription="draft"
        )
        m["hardened_template_id"] = lt["LaunchTemplateId"]
        asg.create_auto_scaling_group(
            AutoScalingGroupName="hardened-api",
            LaunchTemplate={"LaunchTemplateId": lt["LaunchTemplateId"], "Version": "$Default"},
            MinSize=0,
            MaxSize=4,
            DesiredCapacity=0,
            VPCZoneIdentifier=",".join(h["private_subnet_ids"]),
            TargetGroupARNs=[h["tg_arn"]],
        )
        asg.attach_instances(AutoScalingGroupName="hardened-api", InstanceIds=h["instance_ids"])
        m["hardened_group"] = "hardened-api"

        asg.create_launch_configuration(
            LaunchConfigurationName="legacy-web",
            ImageId=AMI_COMMUNITY,
            InstanceType="t3.micro",
            KeyName=l["key_name"],
            SecurityGroups=[l["web_sg_id"]],
            AssociatePublicIpAddress=True,
            # No metadata options, as launch configurations made before IMDSv2
            # have none: what instances get is the account's default, else
            # EC2's (tokens optional) for this AMI without ImdsSupport.
            BlockDeviceMappings=[
                {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "VolumeType": "gp2", "Encrypted": False}}
            ],
            UserData=user_data,
        )
        asg.create_auto_scaling_group(
            AutoScalingGroupName="legacy-web",
            LaunchConfigurationName="legacy-web",
            MinSize=0,
            MaxSize=2,
            DesiredCapacity=0,
            VPCZoneIdentifier=l["public_subnet_id"],
        )
        asg.attach_instances(AutoScalingGroupName="legacy-web", InstanceIds=l["instance_ids"])
        m["legacy_group"] = "legacy-web"
        m["legacy_configuration"] = "legacy-web"

    def seed_inspector(self) -> None:
        """Amazon Inspector (issue 15 item 2), through moto_server.py's
        parameters for what moto does not implement: EC2 scanning enabled
        in us-east-1 only (eu-west-1 stays disabled, so INST-011 fails
        there). The hardened backends are managed by Systems Manager, so
        Inspector scans them (ACTIVE); one has a high glibc finding, neither
        a critical one. The legacy box is not managed, but agentless
        scanning covers it, and finds two critical OpenSSH vulnerabilities
        with fixes (regreSSHion among them) and ports 22 and 8080 reachable
        from the internet."""
        m = self.manifest["inspector"] = {"enabled_regions": [REGION]}
        self.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["EC2"])
        h, l = self.manifest["hardened"], self.manifest["legacy"]
        plan = {
            h["instance_ids"][0]: {
                "findings": [
                    {"id": "CVE-2024-2961", "severity": "HIGH", "score": 7.3, "fix": "YES",
                     "package": "glibc", "version": "2.34-100.amzn2023"},
                ]
            },
            l["instance_id"]: {
                "scan_mode": "EC2_AGENTLESS",
                "findings": [
                    {"id": "CVE-2024-6387", "severity": "CRITICAL", "score": 9.8, "fix": "YES",
                     "package": "openssh-server", "version": "1:8.9p1-3ubuntu0.6"},
                    {"id": "CVE-2023-38408", "severity": "CRITICAL", "score": 9.8, "fix": "YES",
                     "package": "openssh-client", "version": "1:8.9p1-3ubuntu0.6"},
                    {"id": "CVE-2023-4911", "severity": "HIGH", "score": 7.8, "fix": "YES",
                     "package": "libc6", "version": "2.35-0ubuntu3.1"},
                    {"type": "NETWORK_REACHABILITY", "severity": "MEDIUM", "ports": [22, 22], "protocol": "TCP",
                     "title": "Port 22 is reachable from an Internet Gateway"},
                    {"type": "NETWORK_REACHABILITY", "severity": "MEDIUM", "ports": [8080, 8080], "protocol": "TCP",
                     "title": "Port 8080 is reachable from an Internet Gateway"},
                ],
            },
        }
        for iid, state in plan.items():
            self.client("ssm").put_parameter(
                Name=f"/rampart-emu/inspector/{iid}", Type="String", Value=json.dumps(state)
            )
        m["instances"] = plan

    def seed_detect(self) -> None:
        """The detect layer (issue 16 item 5): a multi-Region trail homed in
        us-east-1, logging, recording every read and write management event
        (so it records eu-west-1 too: DET-001 passes in both regions), and a
        GuardDuty detector in us-east-1 only, enabled, with Runtime
        Monitoring and its EC2 agent management on (DET-002 and DET-003
        pass there; eu-west-1, the legacy region, has no detector, so both
        fail there). Last, so every earlier id is unchanged (the detector id
        comes from moto's seeded generator)."""
        m = self.manifest["detect"] = {}
        bucket = self.bucket("rampart-trail-logs")
        ct = self.client("cloudtrail")
        trail = ct.create_trail(
            Name="account-trail",
            S3BucketName=bucket,
            IsMultiRegionTrail=True,
            IncludeGlobalServiceEvents=True,
        )
        arn = trail["TrailARN"]
        ct.start_logging(Name=arn)
        # AWS gives a trail created without selectors its default selector
        # (all read and write management events, no data events); moto
        # answers GetEventSelectors with none, which records nothing. The
        # default is put explicitly so the emulator answers as AWS does.
        default = [{"ReadWriteType": "All", "IncludeManagementEvents": True}]
        if not ct.get_event_selectors(TrailName=arn).get("EventSelectors"):
            self.adapt(
                "CloudTrail: moto gives a new trail no event selectors (AWS: the default "
                "selector, every read and write management event); account-trail's are put explicitly"
            )
        ct.put_event_selectors(TrailName=arn, EventSelectors=default)
        detector = self.client("guardduty").create_detector(
            Enable=True,
            Features=[
                {
                    "Name": "RUNTIME_MONITORING",
                    "Status": "ENABLED",
                    "AdditionalConfiguration": [{"Name": "EC2_AGENT_MANAGEMENT", "Status": "ENABLED"}],
                }
            ],
        )["DetectorId"]
        m.update(
            trail_arn=arn,
            trail_name="account-trail",
            trail_home_region=REGION,
            trail_bucket=bucket,
            trail_selectors=default,
            detector_id=detector,
            detector_region=REGION,
            guardduty_regions=[REGION],
            runtime_monitoring={"status": "ENABLED", "EC2_AGENT_MANAGEMENT": "ENABLED"},
        )

    def seed_shield(self) -> None:
        """AWS Shield Advanced (issue 16 item 2): the account subscribes, and
        the one resource it protects is the legacy box's Elastic IP, so
        EDGE-014 passes on that eip-allocation (the instance is reached
        directly on it). The legacy internet-facing NLB `legacy-pub-nlb` has
        no Elastic IPs (AWS assigns its addresses), so Shield cannot protect
        it and EDGE-014 fails on it. Shield is global: every call goes to
        us-east-1, as the collector's do. Last, so every earlier id is
        unchanged (the protection id comes from moto's seeded generator).
        moto checks neither that the account subscribes before it protects
        nor that the protected resource exists: the seed does both in
        order, as AWS needs."""
        shield = self.client("shield", REGION)
        shield.create_subscription()
        state = shield.get_subscription_state()["SubscriptionState"]
        if state != "ACTIVE":
            raise SeedError(f"Shield subscription state {state} after CreateSubscription")
        eip_arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:eip-allocation/{self.manifest['legacy']['eip_allocation_id']}"
        protection = shield.create_protection(Name="legacy-eip", ResourceArn=eip_arn)["ProtectionId"]
        self.manifest["shield"] = {
            "subscription_state": state,
            "protected_arns": [eip_arn],
            "protections": {eip_arn: {"id": protection, "name": "legacy-eip"}},
            "unprotected_arns": [self.manifest["legacy"]["nlb_arn"]],
        }

    def seed_cloudfront(self) -> None:
        """CloudFront (issue 16 item 1), global, its control plane in
        us-east-1: one CLOUDFRONT-scope web ACL `edge-waf` (built like
        orders-waf: the AWS common, known-bad-inputs and SQL database rule
        sets, a rate-based rule, default allow, logging) and two distributions.

        - `hardened-edge` (`edge.orders.example.com`, its own ACM
          certificate in us-east-1, security policy TLSv1.2_2021) in front
          of the hardened REST API's prod stage through its custom domain
          (origin `api.orders.example.com`, path `/v1`, the base path that
          maps the stage: the API's default endpoint is disabled, so AWS
          would refuse the execute-api host), HTTPS only to the origin with
          TLSv1.2 only, viewers redirected to HTTPS, one more behaviour
          (`/health`, HTTPS only), edge-waf attached: EDGE-015 to EDGE-017
          pass.
        - `legacy-edge` in front of the legacy internet-facing NLB (its DNS
          name), plain HTTP to the origin, viewers on HTTP or HTTPS
          (`allow-all`), no web ACL: the NLB is open to the internet, so
          the legacy box is reached around CloudFront too (EDGE-001 fails).
        - `alb-edge` (`app.orders.example.com`, hardened like
          hardened-edge) in front of `origin-alb`, an internet-facing ALB
          before the hardened backends whose group admits HTTPS only from
          CloudFront's origin-facing prefix list: the backends get a
          CloudFront path and none around it (EDGE-001, NET-010 pass).
        - `vpc-edge` (`private.orders.example.com`, hardened like
          hardened-edge) in front of the hardened internal NLB through a
          VPC origin (`hardened-int-nlb`, HTTPS only, TLSv1.2).

        Last, so every earlier id is unchanged (distribution ids and
        domains come from moto's seeded generator). moto validates neither
        the web ACL id (AWS: an existing CLOUDFRONT-scope ACL) nor the
        managed policy ids; the seed uses real ones."""
        waf = self.client("wafv2", "us-east-1")
        cf = self.client("cloudfront", "us-east-1")
        h, l = self.manifest["hardened"], self.manifest["legacy"]

        def vis(name: str) -> dict:
            return {
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": name,
            }

        acl = waf.create_web_acl(
            Name="edge-waf",
            Scope="CLOUDFRONT",
            DefaultAction={"Allow": {}},
            Description="hardened-edge",
            Rules=[
                {
                    "Name": f"AWS-{group}",
                    "Priority": priority,
                    "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
                    "OverrideAction": {"None": {}},
                    "VisibilityConfig": vis(f"AWS-{group}"),
                }
                for priority, group in enumerate(
                    [
                        "AWSManagedRulesCommonRuleSet",
                        "AWSManagedRulesKnownBadInputsRuleSet",
                        "AWSManagedRulesSQLiRuleSet",
                    ]
                )
            ]
            + [
                {
                    "Name": "rate-limit",
                    "Priority": 3,
                    "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}},
                    "Action": {"Block": {}},
                    "VisibilityConfig": vis("edge-rate-limit"),
                },
            ],
            VisibilityConfig=vis("edge-waf"),
            Tags=[{"Key": "Name", "Value": "edge-waf"}],
        )["Summary"]
        waf.put_logging_configuration(
            LoggingConfiguration={
                "ResourceArn": acl["ARN"],
                "LogDestinationConfigs": [EDGE_WAF_LOG_FIREHOSE_ARN],
            }
        )

        all_methods = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
        # What the hardened distributions share: HTTPS only to the origin
        # with TLSv1.2 only; viewers redirected to HTTPS, nothing cached,
        # every viewer header but Host forwarded.
        https_origin = {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": "https-only",
            "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
        }
        hardened_behaviour = {
            "ViewerProtocolPolicy": "redirect-to-https",
            "AllowedMethods": {
                "Quantity": len(all_methods),
                "Items": all_methods,
                "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
            },
            "CachePolicyId": CACHING_DISABLED,
            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
        }

        def create(name: str, origin: dict, default: dict, extra: dict) -> dict:
            config = {
                "CallerReference": name,
                "Comment": name,
                "Enabled": True,
                "Origins": {"Quantity": 1, "Items": [origin]},
                "DefaultCacheBehavior": {"TargetOriginId": origin["Id"], **default},
                "PriceClass": "PriceClass_100",
                **extra,
            }
            d = cf.create_distribution_with_tags(
                DistributionConfigWithTags={
                    "DistributionConfig": config,
                    "Tags": {"Items": [{"Key": "Name", "Value": name}]},
                }
            )["Distribution"]
            return {"id": d["Id"], "arn": d["ARN"], "domain_name": d["DomainName"]}

        # The API's custom domain (api.orders.example.com, base path v1 ->
        # prod), or its execute-api host where moto refused the domain.
        api_host = h.get("domain_name") or f"{h['rest_api_id']}.execute-api.{REGION}.amazonaws.com"
        origin_path = "/v1" if h.get("domain_name") else f"/{h['stage_name']}"
        edge_cert = self.client("acm", "us-east-1").request_certificate(
            DomainName="edge.orders.example.com",
            ValidationMethod="DNS",
            Tags=[{"Key": "Name", "Value": "hardened-edge-cert"}],
        )["CertificateArn"]
        hardened = create(
            "hardened-edge",
            {
                "Id": "orders-api",
                "DomainName": api_host,
                "OriginPath": origin_path,
                "CustomOriginConfig": https_origin,
            },
            hardened_behaviour,
            {
                "CacheBehaviors": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "PathPattern": "/health",
                            "TargetOriginId": "orders-api",
                            "ViewerProtocolPolicy": "https-only",
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                        }
                    ],
                },
                "Aliases": {"Quantity": 1, "Items": ["edge.orders.example.com"]},
                "ViewerCertificate": {
                    "ACMCertificateArn": edge_cert,
                    "SSLSupportMethod": "sni-only",
                    "MinimumProtocolVersion": "TLSv1.2_2021",
                },
                "WebACLId": acl["ARN"],
            },
        )
        legacy = create(
            "legacy-edge",
            {
                "Id": "legacy-nlb",
                "DomainName": l["nlb_dns"],
                "CustomOriginConfig": {
                    "HTTPPort": 80,
                    "HTTPSPort": 443,
                    "OriginProtocolPolicy": "http-only",
                    # Unused with http-only, but AWS always holds a list
                    # (moto stores an empty one when none is sent).
                    "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
                },
            },
            {"ViewerProtocolPolicy": "allow-all", "CachePolicyId": CACHING_DISABLED},
            {"ViewerCertificate": {"CloudFrontDefaultCertificate": True}},
        )
        # An internet-facing ALB in front of the hardened backends that only
        # CloudFront may reach: its group admits HTTPS from the AWS-managed
        # prefix list of CloudFront's origin-facing servers and nothing else
        # (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html#managed-prefix-list),
        # so the backends get a CloudFront path and no path around it
        # (EDGE-001 and NET-010 pass; named apart from tests/e2e/denied.rs's
        # edge-alb). Distribution `alb-edge` fronts it like
        # hardened-edge (edge-waf, TLSv1.2_2021, HTTPS only to the origin).
        ec2, elbv2 = self.ec2, self.elbv2
        cf_list = ec2.describe_managed_prefix_lists(
            Filters=[{"Name": "prefix-list-name", "Values": ["com.amazonaws.global.cloudfront.origin-facing"]}]
        )["PrefixLists"][0]["PrefixListId"]
        alb_sg = ec2.create_security_group(
            GroupName="origin-alb",
            Description="ALB behind CloudFront: CloudFront only",
            VpcId=h["vpc_id"],
            TagSpecifications=tag_spec("security-group", "origin-alb"),
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=alb_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "PrefixListIds": [{"PrefixListId": cf_list, "Description": "CloudFront origin-facing"}],
                }
            ],
        )
        ec2.authorize_security_group_ingress(
            GroupId=h["app_sg_id"],
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8080,
                    "ToPort": 8080,
                    "UserIdGroupPairs": [{"GroupId": alb_sg, "Description": "from origin alb"}],
                }
            ],
        )
        alb = elbv2.create_load_balancer(
            Name="origin-alb",
            Type="application",
            Scheme="internet-facing",
            Subnets=h["public_subnet_ids"],
            SecurityGroups=[alb_sg],
            Tags=tag_list("origin-alb"),
        )["LoadBalancers"][0]
        elbv2.modify_load_balancer_attributes(
            LoadBalancerArn=alb["LoadBalancerArn"],
            Attributes=[
                {"Key": "access_logs.s3.enabled", "Value": "true"},
                {"Key": "access_logs.s3.bucket", "Value": "hardened-lb-logs"},
                {"Key": "access_logs.s3.prefix", "Value": "origin-alb"},
            ],
        )
        alb_tg = elbv2.create_target_group(
            Name="origin-alb-app",
            Protocol="HTTPS",
            Port=8080,
            VpcId=h["vpc_id"],
            TargetType="instance",
            Tags=tag_list("origin-alb-app"),
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.register_targets(
            TargetGroupArn=alb_tg, Targets=[{"Id": i, "Port": 8080} for i in h["instance_ids"]]
        )
        alb_listener = elbv2.create_listener(
            LoadBalancerArn=alb["LoadBalancerArn"],
            Protocol="HTTPS",
            Port=443,
            SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
            Certificates=[{"CertificateArn": h["acm_certificate_arn"]}],
            # Only CloudFront's requests, which carry the secret header,
            # are forwarded; anything else gets 403 (EDGE-018).
            DefaultActions=[
                {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "403"}}
            ],
            Tags=tag_list("origin-alb-https"),
        )["Listeners"][0]["ListenerArn"]
        elbv2.create_rule(
            ListenerArn=alb_listener,
            Priority=1,
            Conditions=[
                {
                    "Field": "http-header",
                    "HttpHeaderConfig": {
                        "HttpHeaderName": ORIGIN_HEADER,
                        "Values": [ORIGIN_SECRET],
                    },
                }
            ],
            Actions=[{"Type": "forward", "TargetGroupArn": alb_tg}],
        )
        app_cert = self.client("acm", "us-east-1").request_certificate(
            DomainName="app.orders.example.com",
            ValidationMethod="DNS",
            Tags=[{"Key": "Name", "Value": "alb-edge-cert"}],
        )["CertificateArn"]
        alb_edge = create(
            "alb-edge",
            {
                "Id": "origin-alb",
                "DomainName": alb["DNSName"],
                "CustomOriginConfig": https_origin,
                "CustomHeaders": {
                    "Quantity": 1,
                    "Items": [{"HeaderName": ORIGIN_HEADER, "HeaderValue": ORIGIN_SECRET}],
                },
            },
            hardened_behaviour,
            {
                "Aliases": {"Quantity": 1, "Items": ["app.orders.example.com"]},
                "ViewerCertificate": {
                    "ACMCertificateArn": app_cert,
                    "SSLSupportMethod": "sni-only",
                    "MinimumProtocolVersion": "TLSv1.2_2021",
                },
                "WebACLId": acl["ARN"],
            },
        )
        alb_edge.update(
            alias="app.orders.example.com",
            acm_certificate_arn=app_cert,
            origin_domain=alb["DNSName"],
            origin_path=None,
            web_acl_id=acl["ARN"],
            viewer_protocol_policy="redirect-to-https",
            origin_protocol_policy="https-only",
            origin_ssl_protocols=["TLSv1.2"],
            minimum_protocol_version="TLSv1.2_2021",
            alb_arn=alb["LoadBalancerArn"],
            alb_dns=alb["DNSName"],
            origin_header=ORIGIN_HEADER,
            # For the secrets test: it must never reach a snapshot or report.
            origin_secret=ORIGIN_SECRET,
            alb_sg_id=alb_sg,
            alb_listener_arn=alb_listener,
            alb_tg_arn=alb_tg,
            cloudfront_prefix_list_id=cf_list,
        )
        hardened.update(
            alias="edge.orders.example.com",
            acm_certificate_arn=edge_cert,
            origin_domain=api_host,
            origin_path=origin_path,
            web_acl_id=acl["ARN"],
            viewer_protocol_policy="redirect-to-https",
            origin_protocol_policy="https-only",
            origin_ssl_protocols=["TLSv1.2"],
            minimum_protocol_version="TLSv1.2_2021",
        )
        legacy.update(
            origin_domain=l["nlb_dns"],
            origin_path=None,
            web_acl_id=None,
            viewer_protocol_policy="allow-all",
            origin_protocol_policy="http-only",
            origin_ssl_protocols=["TLSv1.2"],
            minimum_protocol_version="TLSv1",
        )
        # `vpc-edge` (`private.orders.example.com`, hardened like
        # hardened-edge) reaches the hardened internal NLB through a VPC
        # origin: CloudFront's own way into a private load balancer, HTTPS
        # only with TLSv1.2 to its TLS listener on 443
        # (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html).
        # The hardened backends get one more CloudFront path, and nothing
        # reaches the NLB around CloudFront (EDGE-001, EDGE-016 pass).
        vpc_origin = cf.create_vpc_origin(
            VpcOriginEndpointConfig={
                "Name": "hardened-int-nlb",
                "Arn": h["nlb_arn"],
                "HTTPPort": 80,
                "HTTPSPort": 443,
                "OriginProtocolPolicy": "https-only",
                "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
            }
        )["VpcOrigin"]
        private_cert = self.client("acm", "us-east-1").request_certificate(
            DomainName="private.orders.example.com",
            ValidationMethod="DNS",
            Tags=[{"Key": "Name", "Value": "vpc-edge-cert"}],
        )["CertificateArn"]
        vpc_edge = create(
            "vpc-edge",
            {
                "Id": "hardened-int-nlb",
                "DomainName": h["nlb_dns"],
                "VpcOriginConfig": {"VpcOriginId": vpc_origin["Id"]},
            },
            hardened_behaviour,
            {
                "Aliases": {"Quantity": 1, "Items": ["private.orders.example.com"]},
                "ViewerCertificate": {
                    "ACMCertificateArn": private_cert,
                    "SSLSupportMethod": "sni-only",
                    "MinimumProtocolVersion": "TLSv1.2_2021",
                },
                "WebACLId": acl["ARN"],
            },
        )
        vpc_edge.update(
            alias="private.orders.example.com",
            acm_certificate_arn=private_cert,
            origin_domain=h["nlb_dns"],
            origin_path=None,
            web_acl_id=acl["ARN"],
            viewer_protocol_policy="redirect-to-https",
            origin_protocol_policy="https-only",
            origin_ssl_protocols=["TLSv1.2"],
            minimum_protocol_version="TLSv1.2_2021",
            vpc_origin_id=vpc_origin["Id"],
            vpc_origin_arn=vpc_origin["Arn"],
            nlb_arn=h["nlb_arn"],
        )
        # The hardened front doors are among the Shield Advanced
        # subscriber's protected resources (EDGE-014 passes on them);
        # legacy-edge is not (EDGE-014 fails on it).
        shield = self.client("shield", REGION)
        sh = self.manifest["shield"]
        sh["cloudfront_protected_arns"] = []
        for name, d in [("hardened-edge", hardened), ("alb-edge", alb_edge), ("vpc-edge", vpc_edge)]:
            protection = shield.create_protection(Name=name, ResourceArn=d["arn"])["ProtectionId"]
            sh["cloudfront_protected_arns"].append(d["arn"])
            sh["protections"][d["arn"]] = {"id": protection, "name": name}
        sh["unprotected_arns"].append(legacy["arn"])
        self.manifest["cloudfront"] = {
            "web_acl_arn": acl["ARN"],
            "web_acl_id": acl["Id"],
            "web_acl_name": "edge-waf",
            "waf_log_destination_arn": EDGE_WAF_LOG_FIREHOSE_ARN,
            "distributions": {
                "hardened-edge": hardened,
                "legacy-edge": legacy,
                "alb-edge": alb_edge,
                "vpc-edge": vpc_edge,
            },
        }

    def revoke_default_egress(self, ec2, group_id: str) -> None:
        """Revokes the allow-all egress rules a new group gets (IPv4, and
        IPv6 in a VPC with an IPv6 CIDR)."""
        sg = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
        default_egress = []
        for perm in sg.get("IpPermissionsEgress", []):
            p = {"IpProtocol": perm["IpProtocol"]}
            if perm.get("IpRanges"):
                p["IpRanges"] = [{"CidrIp": r["CidrIp"]} for r in perm["IpRanges"]]
            if perm.get("Ipv6Ranges"):
                p["Ipv6Ranges"] = [{"CidrIpv6": r["CidrIpv6"]} for r in perm["Ipv6Ranges"]]
            default_egress.append(p)
        if default_egress:
            ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=default_egress)

    def task_role(self, name: str, tag_name: str) -> str:
        arn = self.iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(ECS_TASKS_TRUST_POLICY),
            Tags=tag_list(tag_name),
        )["Role"]["Arn"]
        self.manifest["iam"]["roles"][name] = arn
        return arn

    def seed_containers(self) -> None:
        """ECS tasks and a Cloud Map service (issue 16 items 3 and 4), in
        us-east-1, after every other phase but `partial`'s extras, so every
        earlier id is unchanged.

        Hardened (everything passes): cluster `orders`, service `orders-api`
        (Fargate, the two hardened private subnets, group
        `hardened-task-sg`, no public address) running task definition
        `orders-api` (a non-root user, read-only root filesystem, not
        privileged, a least-privilege task role, an execution role; its
        environment and secret source hold fake secrets a scan must never
        keep). Its task is a target (ip) of `hardened-tasks`, behind a new
        TLS 8443 listener of the internal NLB that the hardened REST API's
        `GET /tasks` reaches through its VPC link; and an instance of the
        Cloud Map service `orders-api` (HTTP namespace `orders.local`),
        which the HTTP API `orders-mesh-http` (`GET /orders`, AWS_IAM)
        reaches through VPC link v2 `orders-mesh-link`.

        Legacy (fails): cluster `legacy`, one task of `legacy-worker` (runs
        as the image's root, writable root filesystem, AdministratorAccess
        as its task role) in the legacy public subnet with `legacy-web` and
        a public address.

        moto starts no task for a service: the seed runs the service's task
        itself, as ECS would (group `service:orders-api`, started by the
        service's deployment), registers its address in the target group
        and in Cloud Map, as ECS does; moto_server.py gives task interfaces
        AWS's addresses (see README "ECS and Cloud Map")."""
        ec2, elbv2, iam = self.ec2, self.elbv2, self.iam
        ecs = self.client("ecs")
        sd = self.client("servicediscovery")
        h, l = self.manifest["hardened"], self.manifest["legacy"]
        m = self.manifest["containers"] = {
            "secrets": {
                "task_env": TASK_ENV_SECRET,
                "task_secret_value_from": TASK_SECRET_VALUE_FROM,
                "cloudmap_attribute": CLOUDMAP_SECRET,
            },
        }

        # ---- IAM: the hardened task's role (one read on one table) and
        # execution role (pull the image, write its logs, read its
        # secrets), and the legacy task's admin role.
        task_role = self.task_role("orders-task-role", "hardened-orders-task-role")
        iam.put_role_policy(
            RoleName="orders-task-role",
            PolicyName="orders-task-inline",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": ORDERS_TABLE_ARN}
                    ],
                }
            ),
        )
        exec_role = self.task_role("orders-task-exec-role", "hardened-orders-task-exec-role")
        # AmazonECSTaskExecutionRolePolicy's actions, with the logs and the
        # secrets narrowed to the task's own (the parameter path, never the
        # secret's own name, which a scan may not keep).
        iam.put_role_policy(
            RoleName="orders-task-exec-role",
            PolicyName="orders-task-exec-inline",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": [
                                "ecr:GetAuthorizationToken",
                                "ecr:BatchCheckLayerAvailability",
                                "ecr:GetDownloadUrlForLayer",
                                "ecr:BatchGetImage",
                            ],
                            "Resource": "*",
                        },
                        {
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": f"{ORDERS_TASK_LOG_GROUP_ARN}:*",
                        },
                        {
                            "Effect": "Allow",
                            "Action": "ssm:GetParameters",
                            "Resource": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/orders/*",
                        },
                    ],
                }
            ),
        )
        admin_arn = self.manifest["iam"]["policies"]["AdministratorAccess"]
        legacy_role = self.task_role("legacy-task-admin", "legacy-task-admin")
        iam.attach_role_policy(RoleName="legacy-task-admin", PolicyArn=admin_arn)
        self.manifest["iam"]["inline_policies"].update(
            {"orders-task-role": ["orders-task-inline"], "orders-task-exec-role": ["orders-task-exec-inline"]}
        )
        self.manifest["iam"]["attached"]["legacy-task-admin"] = [admin_arn]
        m["roles"] = {
            "orders-task-role": task_role,
            "orders-task-exec-role": exec_role,
            "legacy-task-admin": legacy_role,
        }

        # ---- Security groups. The task admits 8443 only from the NLB and
        # from the mesh VPC link; its egress is the hardened app's. The
        # link's group sends 8443 to the task and admits nothing (API
        # Gateway's traffic leaves through it).
        vpc_id = h["vpc_id"]
        task_sg = ec2.create_security_group(
            GroupName="hardened-task-sg",
            Description="hardened orders-api tasks",
            VpcId=vpc_id,
            TagSpecifications=tag_spec("security-group", "hardened-task-sg"),
        )["GroupId"]
        mesh_sg = ec2.create_security_group(
            GroupName="hardened-mesh-link-sg",
            Description="orders-mesh-link VPC link",
            VpcId=vpc_id,
            TagSpecifications=tag_spec("security-group", "hardened-mesh-link-sg"),
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=task_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8443,
                    "ToPort": 8443,
                    "UserIdGroupPairs": [
                        {"GroupId": h["nlb_sg_id"], "Description": "from nlb"},
                        {"GroupId": mesh_sg, "Description": "from mesh vpc link"},
                    ],
                }
            ],
        )
        self.revoke_default_egress(ec2, task_sg)
        ec2.authorize_security_group_egress(
            GroupId=task_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "PrefixListIds": [{"PrefixListId": h["prefix_list_id"], "Description": "corp https"}],
                },
                {
                    "IpProtocol": "tcp",
                    "FromPort": 5432,
                    "ToPort": 5432,
                    "IpRanges": [{"CidrIp": h["vpc_cidr"], "Description": "postgres"}],
                },
            ],
        )
        self.revoke_default_egress(ec2, mesh_sg)
        ec2.authorize_security_group_egress(
            GroupId=mesh_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8443,
                    "ToPort": 8443,
                    "UserIdGroupPairs": [{"GroupId": task_sg, "Description": "to orders-api tasks"}],
                }
            ],
        )
        # The NLB's group admits the new listener's port from the VPC, as it
        # admits 443 (the REST API's VPC link enters from there).
        ec2.authorize_security_group_ingress(
            GroupId=h["nlb_sg_id"],
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8443,
                    "ToPort": 8443,
                    "IpRanges": [{"CidrIp": h["vpc_cidr"], "Description": "vpc (tasks listener)"}],
                }
            ],
        )

        # ---- The NLB's way to the tasks: an ip target group (TLS to the
        # targets, health checks as hardened-app's) behind a TLS 8443
        # listener with the 443 listener's certificate and policy.
        tg = elbv2.create_target_group(
            Name="hardened-tasks",
            Protocol="TLS",
            Port=8443,
            VpcId=vpc_id,
            TargetType="ip",
            HealthCheckEnabled=True,
            HealthCheckProtocol="TCP",
            HealthCheckPort="traffic-port",
            HealthCheckIntervalSeconds=10,
            HealthyThresholdCount=3,
            UnhealthyThresholdCount=3,
            Tags=tag_list("hardened-tasks"),
        )["TargetGroups"][0]["TargetGroupArn"]
        listener = elbv2.create_listener(
            LoadBalancerArn=h["nlb_arn"],
            Protocol="TLS",
            Port=8443,
            SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
            Certificates=[{"CertificateArn": h["acm_certificate_arn"]}],
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
            Tags=tag_list("hardened-int-nlb-tasks"),
        )["Listeners"][0]["ListenerArn"]

        # ---- Cloud Map: an HTTP namespace (discovered through the API,
        # which is how an HTTP API's private integration resolves it).
        op = sd.create_http_namespace(
            Name="orders.local",
            Description="orders services",
            Tags=[{"Key": "Name", "Value": "hardened-orders-local"}],
        )["OperationId"]
        ns_id = sd.get_operation(OperationId=op)["Operation"]["Targets"]["NAMESPACE"]
        ns_arn = sd.get_namespace(Id=ns_id)["Namespace"]["Arn"]
        sd_service = sd.create_service(
            Name="orders-api",
            NamespaceId=ns_id,
            Description="orders-api tasks",
            Tags=[{"Key": "Name", "Value": "hardened-orders-api-discovery"}],
        )["Service"]

        # ---- ECS, hardened.
        cluster = ecs.create_cluster(
            clusterName="orders", tags=[{"key": "Name", "value": "hardened-orders"}]
        )["cluster"]["clusterArn"]
        td = ecs.register_task_definition(
            family="orders-api",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            taskRoleArn=task_role,
            executionRoleArn=exec_role,
            containerDefinitions=[
                {
                    "name": "api",
                    "image": "public.ecr.aws/docker/library/nginx:1.27",
                    "essential": True,
                    "user": "1000:1000",
                    "readonlyRootFilesystem": True,
                    "privileged": False,
                    "portMappings": [{"containerPort": 8443, "protocol": "tcp"}],
                    "environment": [{"name": "DB_PASSWORD", "value": TASK_ENV_SECRET}],
                    "secrets": [{"name": "API_KEY", "valueFrom": TASK_SECRET_VALUE_FROM}],
                }
            ],
            tags=[{"key": "Name", "value": "hardened-orders-api"}],
        )["taskDefinition"]["taskDefinitionArn"]
        net = {
            "awsvpcConfiguration": {
                "subnets": list(h["private_subnet_ids"]),
                "securityGroups": [task_sg],
                "assignPublicIp": "DISABLED",
            }
        }
        service_tags = [{"key": "Name", "value": "hardened-orders-api"}]
        service = ecs.create_service(
            cluster=cluster,
            serviceName="orders-api",
            taskDefinition=td,
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration=net,
            loadBalancers=[{"targetGroupArn": tg, "containerName": "api", "containerPort": 8443}],
            serviceRegistries=[{"registryArn": sd_service["Arn"]}],
            propagateTags="SERVICE",
            tags=service_tags,
        )["service"]
        # ECS starts the service's task; moto starts none. Started here as
        # ECS would: the service's group, started by its deployment, with
        # the service's tags (propagateTags SERVICE).
        started_by = next(
            (d["id"] for d in service.get("deployments", []) if d.get("status") == "PRIMARY"), "ecs-svc/orders-api"
        )
        running = ecs.list_tasks(cluster=cluster, serviceName="orders-api")["taskArns"]
        if running:
            task = ecs.describe_tasks(cluster=cluster, tasks=running[:1])["tasks"][0]
            started_by = task.get("startedBy", started_by)
        else:
            self.adapt("ECS: moto starts no task for a service; orders-api's task is run with RunTask as ECS would")
            task = ecs.run_task(
                cluster=cluster,
                taskDefinition=td,
                launchType="FARGATE",
                networkConfiguration=net,
                group="service:orders-api",
                startedBy=started_by,
                tags=service_tags,
            )["tasks"][0]
        hardened = self.task_network(task, h["private_subnet_ids"][0])
        # ECS registers the task's address in the service's target group
        # and in its Cloud Map service; moto does neither.
        elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": hardened["private_ip"], "Port": 8443}])
        az = ec2.describe_subnets(SubnetIds=[hardened["subnet_id"]])["Subnets"][0]["AvailabilityZone"]
        attributes = {
            "AWS_INSTANCE_IPV4": hardened["private_ip"],
            "AWS_INSTANCE_PORT": "8443",
            "AVAILABILITY_ZONE": az,
            "REGION": REGION,
            "ECS_CLUSTER_NAME": "orders",
            "ECS_SERVICE_NAME": "orders-api",
            "ECS_TASK_DEFINITION_FAMILY": "orders-api",
        }
        sd.register_instance(
            ServiceId=sd_service["Id"],
            InstanceId=hardened["task_id"],
            Attributes={**attributes, "team": CLOUDMAP_SECRET},
        )
        hardened.update(
            cluster_arn=cluster,
            cluster_name="orders",
            task_definition_arn=td,
            service_arn=service["serviceArn"],
            service_name="orders-api",
            started_by=started_by,
            group="service:orders-api",
            task_sg_id=task_sg,
            mesh_link_sg_id=mesh_sg,
            tg_arn=tg,
            listener_arn=listener,
        )
        m["hardened"] = hardened
        m["cloudmap"] = {
            "namespace_id": ns_id,
            "namespace_arn": ns_arn,
            "namespace_name": "orders.local",
            "service_id": sd_service["Id"],
            "service_arn": sd_service["Arn"],
            "service_name": "orders-api",
            "instance_id": hardened["task_id"],
            # What a scan may keep: the attributes AWS and ECS define. The
            # custom one (`team`) holds CLOUDMAP_SECRET.
            "attributes": attributes,
            "custom_attribute_keys": ["team"],
        }

        # ---- The internet's way to the hardened task: GET /tasks on the
        # hardened REST API, authorized and integrated as GET /orders,
        # through the VPC link to the NLB's 8443 listener (the port of the
        # URI picks the listener; moto drops connectionId, see README).
        apigw, api_id = self.apigw, h["rest_api_id"]
        res = apigw.create_resource(restApiId=api_id, parentId=h["rest_root_resource_id"], pathPart="tasks")["id"]
        apigw.put_method(
            restApiId=api_id,
            resourceId=res,
            httpMethod="GET",
            authorizationType="CUSTOM",
            authorizerId=h["authorizers"]["orders-auth"],
        )
        tasks_uri = f"https://{h['nlb_dns']}:8443/tasks"
        apigw.put_integration(
            restApiId=api_id,
            resourceId=res,
            httpMethod="GET",
            type="HTTP_PROXY",
            integrationHttpMethod="GET",
            uri=tasks_uri,
            connectionType="VPC_LINK",
            connectionId=h["vpc_link_id"],
        )
        # A new deployment the prod stage then serves. Not CreateDeployment
        # with stageName: moto replaces the stage then, dropping its
        # settings (AWS keeps them and repoints the stage).
        dep = apigw.create_deployment(restApiId=api_id, description="GET /tasks")["id"]
        apigw.update_stage(
            restApiId=api_id,
            stageName=h["stage_name"],
            patchOperations=[{"op": "replace", "path": "/deploymentId", "value": dep}],
        )
        h["rest_resource_ids"]["/tasks"] = res
        h["initial_deployment_id"] = h["deployment_id"]
        h["deployment_id"] = dep
        m["rest"] = {
            "api_id": api_id,
            "resource_id": res,
            "path": "/tasks",
            "integration_uri": tasks_uri,
            "deployment_id": dep,
            "stage_name": h["stage_name"],
        }

        # ---- The HTTP API to the Cloud Map service, through VPC link v2.
        v2 = self.apigw2
        mesh_api = v2.create_api(
            Name="orders-mesh-http", ProtocolType="HTTP", Tags={"Name": "hardened-orders-mesh-http"}
        )["ApiId"]
        link = v2.create_vpc_link(
            Name="orders-mesh-link",
            SubnetIds=list(h["private_subnet_ids"]),
            SecurityGroupIds=[mesh_sg],
            Tags={"Name": "hardened-orders-mesh-link"},
        )["VpcLinkId"]
        integration = dict(
            ApiId=mesh_api,
            IntegrationType="HTTP_PROXY",
            IntegrationMethod="ANY",
            ConnectionType="VPC_LINK",
            ConnectionId=link,
            IntegrationUri=sd_service["Arn"],
            PayloadFormatVersion="1.0",
        )
        server_name = "orders.internal.example.com"
        try:
            integ = v2.create_integration(**integration, TlsConfig={"ServerNameToVerify": server_name})
        except Exception as e:
            self.adapt(f"orders-mesh-http integration without TlsConfig: moto refused it ({e})")
            integ, server_name = v2.create_integration(**integration), None
        route = v2.create_route(
            ApiId=mesh_api,
            RouteKey="GET /orders",
            AuthorizationType="AWS_IAM",
            Target=f"integrations/{integ['IntegrationId']}",
        )["RouteId"]
        v2.create_stage(
            ApiId=mesh_api,
            StageName="$default",
            AutoDeploy=True,
            AccessLogSettings={"DestinationArn": MESH_ACCESS_LOG_ARN, "Format": ACCESS_LOG_FORMAT},
            DefaultRouteSettings={"ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5.0},
            Tags={"Name": "hardened-orders-mesh-default"},
        )
        m["mesh_http"] = {
            "api_id": mesh_api,
            "vpc_link_id": link,
            "vpc_link_subnet_ids": list(h["private_subnet_ids"]),
            "vpc_link_sg_id": mesh_sg,
            "integration_id": integ["IntegrationId"],
            "integration_uri": sd_service["Arn"],
            "server_name_to_verify": server_name,
            "route_ids": {"GET /orders": route},
            "stage_name": "$default",
            "access_log_destination_arn": MESH_ACCESS_LOG_ARN,
        }

        # ---- ECS, legacy: one task run by hand, as root, with admin
        # rights, a public address and the legacy box's open group.
        legacy_cluster = ecs.create_cluster(
            clusterName="legacy", tags=[{"key": "Name", "value": "legacy"}]
        )["cluster"]["clusterArn"]
        legacy_td = ecs.register_task_definition(
            family="legacy-worker",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            taskRoleArn=legacy_role,
            containerDefinitions=[
                {
                    "name": "worker",
                    "image": "public.ecr.aws/docker/library/python:3.12",
                    "essential": True,
                    "readonlyRootFilesystem": False,
                    "privileged": False,
                    "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
                }
            ],
            tags=[{"key": "Name", "value": "legacy-worker"}],
        )["taskDefinition"]["taskDefinitionArn"]
        legacy_task = ecs.run_task(
            cluster=legacy_cluster,
            taskDefinition=legacy_td,
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": [l["public_subnet_id"]],
                    "securityGroups": [l["web_sg_id"]],
                    "assignPublicIp": "ENABLED",
                }
            },
            group="family:legacy-worker",
            tags=[{"key": "Name", "value": "legacy-worker"}],
        )["tasks"][0]
        legacy = self.task_network(legacy_task, l["public_subnet_id"])
        if not legacy.get("public_ip"):
            raise SeedError("the legacy task's interface has no public address: moto_server.py's ECS patch is missing")
        legacy.update(
            cluster_arn=legacy_cluster,
            cluster_name="legacy",
            task_definition_arn=legacy_td,
            group="family:legacy-worker",
            sg_id=l["web_sg_id"],
        )
        m["legacy"] = legacy

        m["cluster_arns"] = [cluster, legacy_cluster]
        m["task_definition_arns"] = [td, legacy_td]
        m["task_arns"] = [hardened["task_arn"], legacy["task_arn"]]
        m["task_ids"] = [hardened["task_id"], legacy["task_id"]]
        m["task_eni_ids"] = [hardened["eni_id"], legacy["eni_id"]]
        m["task_private_ips"] = [hardened["private_ip"], legacy["private_ip"]]

    def task_network(self, task: dict, subnet_id: str) -> dict:
        """A running task's ids and its interface (from its
        ElasticNetworkInterface attachment and DescribeNetworkInterfaces),
        checked to be as AWS would have it: in the task's subnet, at an
        address of that subnet (moto_server.py allocates it)."""
        att = next(a for a in task.get("attachments", []) if a["type"] == "ElasticNetworkInterface")
        details = {d["name"]: d["value"] for d in att["details"]}
        eni = self.ec2.describe_network_interfaces(NetworkInterfaceIds=[details["networkInterfaceId"]])[
            "NetworkInterfaces"
        ][0]
        cidr = self.ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["CidrBlock"]
        ip = details["privateIPv4Address"]
        if details["subnetId"] != subnet_id or ipaddress.ip_address(ip) not in ipaddress.ip_network(cidr):
            raise SeedError(
                f"task {task['taskArn']} has {ip} in {details['subnetId']}, not an address of {subnet_id} "
                f"({cidr}): moto_server.py's ECS patch is missing"
            )
        return {
            "task_arn": task["taskArn"],
            "task_id": task["taskArn"].rsplit("/", 1)[-1],
            "attachment_id": att["id"],
            "eni_id": details["networkInterfaceId"],
            "private_ip": ip,
            "subnet_id": subnet_id,
            "public_ip": eni.get("Association", {}).get("PublicIp"),
        }

    def seed_ebs_default(self) -> None:
        self.ec2.enable_ebs_encryption_by_default()
        self.manifest["ebs_encryption_by_default"] = {REGION: True, EU_REGION: False}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", required=True, help="moto server URL, http://127.0.0.1:PORT")
    ap.add_argument("--scenario", required=True, choices=["demo", "partial"])
    ap.add_argument("--manifest", required=True, help="where to write the JSON manifest")
    args = ap.parse_args()

    # Loopback only: seeding must never reach a real account or another host.
    endpoint = loopback_endpoint("seed.py", args.endpoint)
    if endpoint is None:
        return 2

    # Belt and braces on top of the explicit credentials: nothing from the
    # caller's environment (profiles, proxies) may leak into the session.
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(var, None)
    os.environ["AWS_ACCESS_KEY_ID"] = "test"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "test"
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

    t0 = time.monotonic()
    seeder = Seeder(endpoint, args.scenario)
    try:
        manifest = seeder.run()
    except SeedError as e:
        # One line is enough for the harness log; the boto3 error text in it
        # names the failing call.
        print(f"seed.py: scenario {args.scenario}: {e}", file=sys.stderr)
        return 1
    manifest_path = os.path.abspath(args.manifest)
    os.makedirs(os.path.dirname(manifest_path), exist_ok=True)
    tmp = manifest_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, manifest_path)  # never leave a half-written manifest
    phases = " ".join(f"{k}={v:.1f}" for k, v in seeder.timings.items())
    print(
        f"seed.py: scenario {args.scenario} seeded in {time.monotonic() - t0:.1f}s ({phases}) -> {manifest_path}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
