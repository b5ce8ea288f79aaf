#!/usr/bin/env python3
"""Seed a LocalStack (community edition, host mode) with the part of rampart's
demo account that LocalStack can hold.

    seed_localstack.py --endpoint http://127.0.0.1:PORT --manifest FILE

LocalStack's community edition serves EC2, API Gateway v1, IAM and STS (the
services `localstack-host start` enables); ELBv2, WAFv2 and API Gateway v2
answer 501 `InternalFailure ... not included in your current license plan`.
So this builds, with boto3, the `demo` scenario of seed.py minus everything
that lives in those services (or in S3, ACM, KMS, which are not started):

  hardened  VPC (IPv4 + IPv6), public/private subnets, IGW, NAT, egress-only
            IGW, route tables, S3 gateway and execute-api interface endpoints,
            prefix list, SGs (NLB-facing and app), NACL, default SG emptied,
            flow log, two private instances with IMDSv2 required / hop limit 1
            and an encrypted root volume, the `api-backend` role + profile,
            REST API `orders-api` with authorizers, a VPC link (to an NLB ARN
            that cannot exist here), stage `prod`, usage plan and API key.
  legacy    VPC, public subnet (auto-assign public IP), IGW + route, key pair,
            SG open to the world (22, 8080 v4/v6) + 3389 from one /32, default
            SG with a port-80 rule, one public instance with IMDSv1 allowed,
            unencrypted root + data volumes, an EIP; REST API `legacy-api`
            (EDGE, no auth, HTTP_PROXY over the internet to the instance's
            EIP) with stage `v1`; PRIVATE `internal-api` without a policy.
  iam       api-backend-read, api-backend-role (+ inline), legacy-admin-role
            with AdministratorAccess, their instance profiles.
  account   EBS encryption by default on in us-east-1 (set last).

Everything LocalStack cannot do is listed in the manifest under
`localstack.skipped` (what, and why), and the services it does not serve
(license-gated: ELBv2, WAFv2, API Gateway v2, CloudTrail, GuardDuty, Shield,
CloudFront; not started: SSM, Auto Scaling, Inspector) under
`localstack.unavailable`
with the error LocalStack answered, probed at seed time (so a LocalStack
that suddenly serves one of them is noticed).

The account is 123456789012: LocalStack derives the account id from a
12-digit access key id, so the seed (and rampart, in the test) use
AWS_ACCESS_KEY_ID=123456789012. Ids are random on every run (LocalStack has
no id seed): tests read them from the manifest.

Run by `localstack-host seed` with the .venv-ls python (boto3 pinned by its
lock).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import sys
import time

from loopback import loopback_endpoint

ACCOUNT = "123456789012"
REGION = "us-east-1"

# Must never show up in anything rampart collects: the tests grep for it.
USERDATA_SECRET = "RAMPART-FAKE-SECRET-USERDATA"

# Fake ARNs of things LocalStack does not run here (and does not validate
# where they are used).
LAMBDA_AUTHORIZER_URI = (
    f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
    f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-authorizer/invocations"
)
COGNITO_POOL_ARN = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_FAKEPOOL1"
REST_ACCESS_LOG_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/apigateway/orders-api-access"
SQS_QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-events"
# KMS is not started: the root volumes name a key ARN that LocalStack's EC2
# stores without looking it up (as moto does).
EBS_KMS_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0f0e0d0c-0b0a-4909-8807-060504030201"
# The NLB the hardened VPC link would point at; ELBv2 is unavailable, so it
# is only a name (API Gateway v1 does not check VPC link targets).
NLB_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/net/hardened-int-nlb/0123456789abcdef"
NLB_DNS = "hardened-int-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com"
# Delivered to a CloudWatch Logs group (S3 is not started); LocalStack does
# not check the group or the role.
FLOW_LOG_GROUP = "hardened-flow-logs"
FLOW_LOG_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/flow-logs-delivery"
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "status": "$context.status",
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

# The services the community edition does not serve (and SSM, which
# `localstack-host start` does not enable: LocalStack's SSM has no
# DescribeInstanceInformation anyway), with one read-only call each to prove
# it: (boto3 service name, IAM prefix as rampart names it, operation, kwargs).
GATED = [
    ("elbv2", "elasticloadbalancing", "DescribeLoadBalancers", {}),
    ("wafv2", "wafv2", "ListWebACLs", {"Scope": "REGIONAL"}),
    ("apigatewayv2", "apigatewayv2", "GetApis", {}),
    ("ssm", "ssm", "DescribeInstanceInformation", {}),
    ("autoscaling", "autoscaling", "DescribeAutoScalingGroups", {}),
    ("inspector2", "inspector2", "BatchGetAccountStatus", {"accountIds": [ACCOUNT]}),
    ("cloudtrail", "cloudtrail", "DescribeTrails", {}),
    ("guardduty", "guardduty", "ListDetectors", {}),
    ("ecs", "ecs", "ListClusters", {}),
    ("servicediscovery", "servicediscovery", "ListServices", {}),
    # Global: called in us-east-1, as the collector calls them. (The
    # CLOUDFRONT-scope ListWebACLs is WAFv2's, answered as the probe above.)
    ("shield", "shield", "GetSubscriptionState", {}),
    ("cloudfront", "cloudfront", "ListDistributions", {}),
]

# What the demo scenario has that this one cannot, and why.
SKIPPED = [
    ("hardened NLB, target group, TLS listener, access logs", "ELBv2 is not in the community edition"),
    ("legacy internet-facing NLB, target group, TCP listener", "ELBv2 is not in the community edition"),
    ("WAFv2 web ACLs orders-waf and staging-waf, association, logging", "WAFv2 is not in the community edition"),
    ("HTTP API orders-http, its VPC link, routes, stage", "API Gateway v2 is not in the community edition"),
    ("ACM certificate and the custom domain name", "ACM is not started (SERVICES=ec2,apigateway,iam,sts)"),
    ("Auto Scaling groups, launch template and launch configuration", "Auto Scaling is not started (SERVICES=ec2,apigateway,iam,sts)"),
    ("Amazon Inspector scanning and findings", "Inspector is not started (SERVICES=ec2,apigateway,iam,sts)"),
    ("CloudTrail trail account-trail", "CloudTrail is not in the community edition"),
    ("GuardDuty detector with Runtime Monitoring", "GuardDuty is not in the community edition"),
    ("ECS clusters orders and legacy, their service, tasks and task definitions", "ECS is not in the community edition"),
    ("Cloud Map namespace orders.local, service orders-api, HTTP API orders-mesh-http", "Cloud Map is not in the community edition"),
    ("Shield Advanced subscription and the legacy EIP's protection", "Shield is not in the community edition"),
    ("CloudFront distributions hardened-edge and legacy-edge, web ACL edge-waf", "CloudFront and WAFv2 are not in the community edition"),
    ("S3 buckets for flow logs and LB logs", "S3 is not started; the flow log goes to CloudWatch Logs instead"),
    ("KMS key alias/hardened-ebs", "KMS is not started; the root volumes name a fixed key ARN"),
    ("eu-west-1 worker", "the LocalStack test scans us-east-1 only"),
]


def tag_list(name: str, **extra: str) -> list[dict[str, str]]:
    tags = [{"Key": "Name", "Value": name}]
    tags += [{"Key": k, "Value": v} for k, v in extra.items()]
    return tags


def tag_spec(resource_type: str, name: str, **extra: str) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": tag_list(name, **extra)}]


class SeedError(Exception):
    pass


class Seeder:
    def __init__(self, endpoint: str):
        import boto3  # imported late so --help works without the venv
        from botocore.config import Config

        self.endpoint = endpoint
        cfg = Config(retries={"max_attempts": 1, "mode": "standard"})
        self.session = boto3.session.Session(
            aws_access_key_id=ACCOUNT, aws_secret_access_key="test", region_name=REGION
        )

        def client(service: str):
            return self.session.client(service, endpoint_url=endpoint, region_name=REGION, config=cfg)

        self.client = client
        self.ec2 = client("ec2")
        self.apigw = client("apigateway")
        self.iam = client("iam")
        self.sts = client("sts")
        self.timings: dict[str, float] = {}
        self.manifest: dict = {
            "emulator": "localstack",
            "account": ACCOUNT,
            "regions": [REGION],
            "scenario": "demo-localstack",
            "userdata_secret": USERDATA_SECRET,
            "hardened": {},
            "legacy": {},
            "iam": {"roles": {}, "policies": {}, "instance_profiles": {}},
            "ebs_encryption_by_default": {},
            "localstack": {
                "unavailable": {},
                "skipped": [{"what": w, "why": y} for w, y in SKIPPED],
                "adaptations": [],
            },
        }

    def adapt(self, note: str) -> None:
        self.manifest["localstack"]["adaptations"].append(note)

    def instance_volumes(self, instance_id: str) -> list[str]:
        inst = self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
        return [m["Ebs"]["VolumeId"] for m in inst.get("BlockDeviceMappings", [])]

    def role_with_profile(self, role: str, profile: str, tag_name: str) -> None:
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

    # ------------------------------------------------------------------ probes

    def probe(self) -> None:
        from botocore import xform_name
        from botocore.exceptions import ClientError

        ident = self.sts.get_caller_identity()
        if ident["Account"] != ACCOUNT:
            raise SeedError(f"LocalStack put us in account {ident['Account']}, expected {ACCOUNT}")
        if self.iam.list_roles()["Roles"] or self.apigw.get_rest_apis()["items"]:
            raise SeedError("LocalStack already holds roles or APIs: seed a freshly started instance")
        for service, prefix, op, kwargs in GATED:
            client = self.client(service)
            try:
                getattr(client, xform_name(op))(**kwargs)
            except ClientError as e:
                err = e.response.get("Error", {})
                self.manifest["localstack"]["unavailable"][prefix] = {
                    "operation": f"{prefix}:{op}",
                    "status": e.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                    "code": err.get("Code"),
                    "message": err.get("Message"),
                }
            else:
                raise SeedError(
                    f"{service} answered {op}: this LocalStack serves it (Pro?); "
                    "the scenario assumes the community edition"
                )
        # An Amazon Linux 2023 image from LocalStack's built-in catalogue.
        images = self.ec2.describe_images(
            Filters=[{"Name": "name", "Values": ["al2023-ami-2023*"]}, {"Name": "architecture", "Values": ["x86_64"]}]
        )["Images"]
        if not images:
            raise SeedError("no al2023 x86_64 image in LocalStack's catalogue")
        self.ami = sorted(images, key=lambda i: i["ImageId"])[0]["ImageId"]
        self.manifest["ami_id"] = self.ami

    # ------------------------------------------------------------------ IAM

    def seed_iam(self) -> None:
        pol = self.iam.create_policy(
            PolicyName="api-backend-read",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::orders-data/*"}
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
                    "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": SQS_QUEUE_ARN}],
                }
            ),
        )
        self.manifest["iam"]["inline_policies"] = {"api-backend-role": ["api-backend-inline"]}

        # Over-privileged on purpose (the demo gives it to the eu worker; here
        # the legacy instance runs without a profile, as in the demo, and
        # this role only has to be collected and judged).
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
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
        v6 = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0].get("Ipv6CidrBlockAssociationSet") or []
        vpc_v6 = v6[0]["Ipv6CidrBlock"] if v6 else None
        if vpc_v6 is None:
            raise SeedError("the VPC got no Amazon-provided IPv6 block")
        h["vpc_id"] = vpc_id
        h["vpc_cidr"] = "10.10.0.0/16"
        h["vpc_ipv6_cidr"] = vpc_v6

        igw = ec2.create_internet_gateway(TagSpecifications=tag_spec("internet-gateway", "hardened-igw"))[
            "InternetGateway"
        ]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
        h["igw_id"] = igw

        v6_subnets = list(ipaddress.ip_network(vpc_v6).subnets(new_prefix=64))[:4]
        layout = [
            ("hardened-public-a", "10.10.0.0/24", "us-east-1a"),
            ("hardened-public-b", "10.10.1.0/24", "us-east-1b"),
            ("hardened-private-a", "10.10.10.0/24", "us-east-1a"),
            ("hardened-private-b", "10.10.11.0/24", "us-east-1b"),
        ]
        subnet_ids = []
        for (name, cidr, az), sub6 in zip(layout, v6_subnets):
            sn = ec2.create_subnet(
                VpcId=vpc_id,
                CidrBlock=cidr,
                Ipv6CidrBlock=str(sub6),
                AvailabilityZone=az,
                TagSpecifications=tag_spec("subnet", name),
            )["Subnet"]
            subnet_ids.append(sn["SubnetId"])
        public, private = subnet_ids[:2], subnet_ids[2:]
        h["public_subnet_ids"] = public
        h["private_subnet_ids"] = private

        pub_rt = ec2.create_route_table(
            VpcId=vpc_id, TagSpecifications=tag_spec("route-table", "hardened-public-rt")
        )["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=pub_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.create_route(RouteTableId=pub_rt, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
        for sn in public:
            ec2.associate_route_table(RouteTableId=pub_rt, SubnetId=sn)
        h["public_route_table_id"] = pub_rt

        eip = ec2.allocate_address(Domain="vpc", TagSpecifications=tag_spec("elastic-ip", "hardened-nat-eip"))
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

        priv_rt = ec2.create_route_table(
            VpcId=vpc_id, TagSpecifications=tag_spec("route-table", "hardened-private-rt")
        )["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=priv_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        ec2.create_route(RouteTableId=priv_rt, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw)
        for sn in private:
            ec2.associate_route_table(RouteTableId=priv_rt, SubnetId=sn)
        h["private_route_table_id"] = priv_rt

        h["s3_endpoint_id"] = ec2.create_vpc_endpoint(
            VpcId=vpc_id,
            VpcEndpointType="Gateway",
            ServiceName=f"com.amazonaws.{REGION}.s3",
            RouteTableIds=[priv_rt],
            TagSpecifications=tag_spec("vpc-endpoint", "hardened-s3-endpoint"),
        )["VpcEndpoint"]["VpcEndpointId"]

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
        self.revoke_all_egress(app_sg)
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

        h["execute_api_endpoint_id"] = ec2.create_vpc_endpoint(
            VpcId=vpc_id,
            VpcEndpointType="Interface",
            ServiceName=f"com.amazonaws.{REGION}.execute-api",
            SubnetIds=private,
            SecurityGroupIds=[nlb_sg],
            PrivateDnsEnabled=True,
            TagSpecifications=tag_spec("vpc-endpoint", "hardened-execute-api-endpoint"),
        )["VpcEndpoint"]["VpcEndpointId"]

        nacl = ec2.create_network_acl(
            VpcId=vpc_id, TagSpecifications=tag_spec("network-acl", "hardened-private-nacl")
        )["NetworkAcl"]["NetworkAclId"]
        entries = [
            (100, False, "allow", "6", "10.10.0.0/16", (8080, 8080)),
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
        acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"]
        for sn in private:
            assoc = next(
                a["NetworkAclAssociationId"]
                for acl in acls
                for a in acl.get("Associations", [])
                if a["SubnetId"] == sn
            )
            ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=nacl)
        h["nacl_id"] = nacl
        h["default_nacl_id"] = next(a["NetworkAclId"] for a in acls if a.get("IsDefault"))

        default_sg = self.default_sg(vpc_id)
        h["default_sg_id"] = default_sg["GroupId"]
        if default_sg.get("IpPermissions"):
            ec2.revoke_security_group_ingress(GroupId=default_sg["GroupId"], IpPermissions=default_sg["IpPermissions"])
        self.revoke_all_egress(default_sg["GroupId"])

        fl = ec2.create_flow_logs(
            ResourceIds=[vpc_id],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="cloud-watch-logs",
            LogGroupName=FLOW_LOG_GROUP,
            DeliverLogsPermissionArn=FLOW_LOG_ROLE_ARN,
            TagSpecifications=tag_spec("vpc-flow-log", "hardened-flow-log"),
        )
        if fl.get("Unsuccessful"):
            raise SeedError(f"create_flow_logs failed: {fl['Unsuccessful']}")
        h["flow_log_id"] = fl["FlowLogIds"][0]
        h["flow_log_destination_type"] = "cloud-watch-logs"
        h["flow_log_deliver_status"] = self.ec2.describe_flow_logs(FlowLogIds=[h["flow_log_id"]])["FlowLogs"][0].get(
            "DeliverLogsStatus"
        )
        if h["flow_log_deliver_status"] != "SUCCESS":
            self.adapt(
                f"the flow log's DeliverLogsStatus is {h['flow_log_deliver_status']}: its CloudWatch Logs "
                "group cannot exist (logs not started), and S3 (the demo's destination) is not started either"
            )

    def default_sg(self, vpc_id: str) -> dict:
        return self.ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"][0]

    def revoke_all_egress(self, group_id: str) -> None:
        sg = self.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
        perms = []
        for perm in sg.get("IpPermissionsEgress", []):
            p = {"IpProtocol": perm["IpProtocol"]}
            for k in ("FromPort", "ToPort"):
                if k in perm:
                    p[k] = perm[k]
            if perm.get("IpRanges"):
                p["IpRanges"] = [{"CidrIp": r["CidrIp"]} for r in perm["IpRanges"]]
            if perm.get("Ipv6Ranges"):
                p["Ipv6Ranges"] = [{"CidrIpv6": r["CidrIpv6"]} for r in perm["Ipv6Ranges"]]
            if perm.get("UserIdGroupPairs"):
                p["UserIdGroupPairs"] = [{"GroupId": g["GroupId"]} for g in perm["UserIdGroupPairs"]]
            perms.append(p)
        if perms:
            self.ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=perms)

    def seed_hardened_compute(self) -> None:
        ec2, h = self.ec2, self.manifest["hardened"]
        h["kms_key_arn"] = EBS_KMS_KEY_ARN
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
                ImageId=self.ami,
                InstanceType="t3.micro",
                MinCount=1,
                MaxCount=1,
                SubnetId=sn,
                SecurityGroupIds=[h["app_sg_id"]],
                IamInstanceProfile={"Name": "api-backend"},
                MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"},
                BlockDeviceMappings=[
                    {
                        "DeviceName": "/dev/xvda",
                        "Ebs": {
                            "VolumeSize": 8,
                            "VolumeType": "gp3",
                            "Encrypted": True,
                            "KmsKeyId": EBS_KMS_KEY_ARN,
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
            vols += self.instance_volumes(inst["InstanceId"])
        h["instance_ids"] = ids
        h["volume_ids"] = vols

    def seed_hardened_rest_api(self) -> None:
        apigw, h = self.apigw, self.manifest["hardened"]
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "Resource": "execute-api:/*",
                    "Condition": {
                        "NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24", "10.10.0.0/16"]}
                    },
                },
            ],
        }
        api_id = apigw.create_rest_api(
            name="orders-api",
            description="hardened orders API",
            endpointConfiguration={"types": ["REGIONAL"]},
            policy=json.dumps(policy),
            tags={"Name": "hardened-orders-api"},
        )["id"]
        h["rest_api_id"] = api_id

        # The NLB cannot exist (ELBv2): the link names its would-be ARN.
        h["vpc_link_id"] = link = apigw.create_vpc_link(
            name="orders-link",
            description="orders-api to the internal NLB",
            targetArns=[NLB_ARN],
            tags={"Name": "hardened-orders-link"},
        )["id"]
        h["vpc_link_target_arn"] = NLB_ARN
        self.adapt(
            "GetVpcLinks/GetVpcLink answer only id and status: the link's name, description, "
            "targetArns and tags are not returned."
        )

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
        h["rest_resource_ids"] = {"/": root, "/orders": res}
        backend_uri = f"https://{NLB_DNS}:443/orders"
        for verb, auth_type, auth_id in (("GET", "CUSTOM", token_auth), ("POST", "COGNITO_USER_POOLS", cognito_auth)):
            apigw.put_method(
                restApiId=api_id, resourceId=res, httpMethod=verb, authorizationType=auth_type, authorizerId=auth_id
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
        apigw.put_method(restApiId=api_id, resourceId=res, httpMethod="OPTIONS", authorizationType="NONE")
        apigw.put_method_response(restApiId=api_id, resourceId=res, httpMethod="OPTIONS", statusCode="200")
        apigw.put_integration(
            restApiId=api_id,
            resourceId=res,
            httpMethod="OPTIONS",
            type="MOCK",
            requestTemplates={"application/json": '{"statusCode": 200}'},
        )
        apigw.put_integration_response(restApiId=api_id, resourceId=res, httpMethod="OPTIONS", statusCode="200")

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

    # ------------------------------------------------------------------ legacy

    def seed_legacy(self) -> None:
        ec2, apigw, l = self.ec2, self.apigw, self.manifest["legacy"]
        vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=tag_spec("vpc", "legacy-vpc"))["Vpc"][
            "VpcId"
        ]
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
        rt = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=tag_spec("route-table", "legacy-public-rt"))[
            "RouteTable"
        ]["RouteTableId"]
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.associate_route_table(RouteTableId=rt, SubnetId=sn)
        l["public_route_table_id"] = rt

        ec2.create_key_pair(KeyName="legacy-key", TagSpecifications=tag_spec("key-pair", "legacy-key"))
        l["key_name"] = "legacy-key"

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

        default_sg = self.default_sg(vpc_id)["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=default_sg,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        )
        l["default_sg_id"] = default_sg

        note = "legacy box <script>alert(1)</script>\nowner: nobody"
        inst = ec2.run_instances(
            ImageId=self.ami,
            InstanceType="t3.micro",
            MinCount=1,
            MaxCount=1,
            SubnetId=sn,
            KeyName="legacy-key",
            SecurityGroupIds=[web_sg],
            MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
            # No BlockDeviceMappings: LocalStack encrypts every explicitly
            # mapped EBS volume, even with Encrypted=False (see adaptations).
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": tag_list("legacy-api-1", app="legacy", note=note)},
                {"ResourceType": "volume", "Tags": tag_list("legacy-api-1-root", app="legacy")},
            ],
        )["Instances"][0]
        iid = inst["InstanceId"]
        l["instance_id"] = iid
        l["instance_ids"] = [iid]
        l["note_tag"] = note

        data = ec2.create_volume(
            AvailabilityZone="us-east-1a",
            Size=8,
            VolumeType="gp2",
            Encrypted=False,
            TagSpecifications=tag_spec("volume", "legacy-data", app="legacy"),
        )["VolumeId"]
        ec2.attach_volume(VolumeId=data, InstanceId=iid, Device="/dev/sdf")
        l["data_volume_id"] = data
        l["volume_ids"] = self.instance_volumes(iid)
        l["root_volume_id"] = next(v for v in l["volume_ids"] if v != data)
        self.adapt(
            "legacy-api-1 is launched without BlockDeviceMappings: LocalStack 4.9.2 makes every "
            "explicitly mapped volume encrypted (with a key it creates), even with Encrypted=False. "
            "So its root volume is the AMI's default (15 GiB standard), attached as /dev/sda1 "
            "while RootDeviceName says /dev/xvda (as on moto)."
        )

        eip = ec2.allocate_address(Domain="vpc", TagSpecifications=tag_spec("elastic-ip", "legacy-eip"))
        assoc = ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=iid)
        l["eip_allocation_id"] = eip["AllocationId"]
        l["eip_association_id"] = assoc.get("AssociationId")
        l["eip_public_ip"] = eip["PublicIp"]
        l["public_ip"] = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0].get(
            "PublicIpAddress"
        )

        # Public EDGE API, no auth, straight to the instance over the
        # internet (the demo goes through a public NLB, which cannot exist).
        api_id = apigw.create_rest_api(
            name="legacy-api",
            description="legacy items API",
            endpointConfiguration={"types": ["EDGE"]},
            tags={"Name": "legacy-api"},
        )["id"]
        root = next(r["id"] for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
        res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="items")["id"]
        apigw.put_method(restApiId=api_id, resourceId=res, httpMethod="GET", authorizationType="NONE")
        uri = f"http://{l['eip_public_ip']}:8080/items"
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
        apigw.put_integration_response(restApiId=pid, resourceId=proot, httpMethod="GET", statusCode="200")
        pdep = apigw.create_deployment(restApiId=pid, stageName="live")["id"]
        l["private_api_id"] = pid
        l["private_api_deployment_id"] = pdep
        l["private_api_stage_name"] = "live"

    def seed_ebs_default(self) -> None:
        self.ec2.enable_ebs_encryption_by_default()
        self.manifest["ebs_encryption_by_default"] = {REGION: True}

    # ------------------------------------------------------------------ driver

    def run(self) -> dict:
        phases = [
            ("probe", self.probe),
            ("iam", self.seed_iam),
            ("legacy", self.seed_legacy),
            ("network", self.seed_hardened_network),
            ("compute", self.seed_hardened_compute),
            ("rest", self.seed_hardened_rest_api),
            ("ebs-default", self.seed_ebs_default),
        ]
        for name, fn in phases:
            t0 = time.monotonic()
            try:
                fn()
            except SeedError:
                raise
            except Exception as e:
                raise SeedError(f"phase '{name}' failed: {e}") from e
            self.timings[name] = time.monotonic() - t0
        return self.manifest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", required=True, help="LocalStack URL, http://127.0.0.1:PORT")
    ap.add_argument("--manifest", required=True, help="where to write the JSON manifest")
    args = ap.parse_args()

    # Loopback only: seeding must never reach a real account or another host.
    endpoint = loopback_endpoint("seed_localstack.py", args.endpoint)
    if endpoint is None:
        return 2

    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(var, None)
    os.environ["AWS_ACCESS_KEY_ID"] = ACCOUNT
    os.environ["AWS_SECRET_ACCESS_KEY"] = "test"
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

    t0 = time.monotonic()
    seeder = Seeder(endpoint)
    try:
        manifest = seeder.run()
    except SeedError as e:
        print(f"seed_localstack.py: {e}", file=sys.stderr)
        return 1
    path = os.path.abspath(args.manifest)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
    phases = " ".join(f"{k}={v:.1f}" for k, v in seeder.timings.items())
    print(f"seed_localstack.py: seeded in {time.monotonic() - t0:.1f}s ({phases}) -> {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
