"""Seed a moto server with a large account for the scan benchmark.

    seed_large.py --endpoint http://127.0.0.1:PORT [--chains 100] [--instances 2000]
                  [--manifest FILE]

Two regions (us-east-1, eu-west-1), the resources split evenly between them:

  per region   VPCS VPCs, each with 10 public subnets (routed to an internet
               gateway) and 10 private ones, a public and a private route
               table; SGS_PER_REGION security groups with three rules each;
               INSTANCES/2 instances in the private subnets (in batches), each
               with one of the app groups and one of the instance profiles;
               CHAINS/2 API backend chains:
                 REST API (REGIONAL) /items GET, VPC_LINK integration
                   -> VPC link -> internal NLB (TCP 8080) -> target group
                   -> 10 instances;
               CHAINS/4 internet-facing ALBs (HTTP 80 -> target group -> 5
               instances: backends that bypass the gateway); WEB_ACLS web ACLs
               on the first stages.
  global       ROLES roles in instance profiles, each with one inline policy and
               one customer managed policy.

Only the bench uses this (make bench-scan); the tests keep small accounts.
`POST /moto-api/seed?a=42` first, so ids repeat on a fresh server.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request

from loopback import isolate_environment, loopback_endpoint

ACCOUNT = "123456789012"
REGIONS = ["us-east-1", "eu-west-1"]
AMI = "ami-0123456789abc2023"
VPCS = 5
SGS_PER_REGION = 150
ROLES = 50
WEB_ACLS = 5
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def post(url: str) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(urllib.request.Request(url, data=b"", method="POST"), timeout=30) as r:
        r.read()


def tags(name: str) -> list[dict]:
    return [{"Key": "Name", "Value": name}]


def spec(kind: str, name: str) -> list[dict]:
    return [{"ResourceType": kind, "Tags": tags(name)}]


class Large:
    def __init__(self, endpoint: str):
        import boto3
        from botocore.config import Config

        self.endpoint = endpoint
        self.session = boto3.session.Session(
            aws_access_key_id="test", aws_secret_access_key="test"
        )
        self.config = Config(retries={"max_attempts": 5, "mode": "standard"})
        self.counts: dict[str, int] = {}

    def client(self, service: str, region: str):
        return self.session.client(
            service, region_name=region, endpoint_url=self.endpoint, config=self.config
        )

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    # ------------------------------------------------------------------ IAM

    def iam(self) -> list[str]:
        iam = self.client("iam", REGIONS[0])
        profiles = []
        for i in range(ROLES):
            name = f"bench-app-{i:03d}"
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
            iam.put_role_policy(
                RoleName=name,
                PolicyName=f"{name}-inline",
                PolicyDocument=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["s3:GetObject"],
                                "Resource": f"arn:aws:s3:::bench-{i}/*",
                            }
                        ],
                    }
                ),
            )
            pol = iam.create_policy(
                PolicyName=f"{name}-read",
                PolicyDocument=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}
                        ],
                    }
                ),
            )["Policy"]["Arn"]
            iam.attach_role_policy(RoleName=name, PolicyArn=pol)
            iam.create_instance_profile(InstanceProfileName=name)
            iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
            profiles.append(name)
        self.add("roles", ROLES)
        return profiles

    # ------------------------------------------------------------------ a region

    def region(self, region: str, chains: int, instances: int, profiles: list[str]) -> None:
        ec2 = self.client("ec2", region)
        elbv2 = self.client("elbv2", region)
        apigw = self.client("apigateway", region)
        waf = self.client("wafv2", region)
        azs = [f"{region}a", f"{region}b"]

        private: list[tuple[str, str]] = []  # (subnet, vpc)
        public: dict[str, list[str]] = {}
        vpcs = []
        for v in range(VPCS):
            vpc = ec2.create_vpc(
                CidrBlock=f"10.{v}.0.0/16", TagSpecifications=spec("vpc", f"bench-{v}")
            )["Vpc"]["VpcId"]
            vpcs.append(vpc)
            igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
            pub_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
            ec2.create_route(
                RouteTableId=pub_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw
            )
            priv_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
            public[vpc] = []
            for s in range(20):
                sub = ec2.create_subnet(
                    VpcId=vpc,
                    CidrBlock=f"10.{v}.{s}.0/24",
                    AvailabilityZone=azs[s % 2],
                    TagSpecifications=spec("subnet", f"bench-{v}-{s}"),
                )["Subnet"]["SubnetId"]
                is_public = s < 10
                ec2.associate_route_table(
                    RouteTableId=pub_rt if is_public else priv_rt, SubnetId=sub
                )
                (public[vpc].append(sub) if is_public else private.append((sub, vpc)))
            self.add("vpcs")
            self.add("subnets", 20)

        sgs: dict[str, list[str]] = {vpc: [] for vpc in vpcs}
        for g in range(SGS_PER_REGION):
            vpc = vpcs[g % VPCS]
            sg = ec2.create_security_group(
                GroupName=f"bench-app-{g:03d}", Description="bench app", VpcId=vpc
            )["GroupId"]
            ec2.authorize_security_group_ingress(
                GroupId=sg,
                IpPermissions=[
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 8080,
                        "ToPort": 8080,
                        "IpRanges": [{"CidrIp": f"10.{g % VPCS}.0.0/16"}],
                    },
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 22,
                        "ToPort": 22,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}] if g % 10 == 0 else [{"CidrIp": "10.0.0.0/8"}],
                    },
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 443,
                        "ToPort": 443,
                        "IpRanges": [{"CidrIp": "192.168.0.0/16"}],
                    },
                ],
            )
            sgs[vpc].append(sg)
        self.add("security_groups", SGS_PER_REGION)

        # Instances in batches of 50, spread over the private subnets.
        by_vpc: dict[str, list[str]] = {vpc: [] for vpc in vpcs}
        batch = max(1, min(50, instances // (VPCS * 2)))
        for b in range(0, instances, batch):
            k = b // batch
            vpc = vpcs[k % VPCS]
            subs = [s for s, v in private if v == vpc]
            sub = subs[(k // VPCS) % len(subs)]
            n = min(batch, instances - b)
            res = ec2.run_instances(
                ImageId=AMI,
                InstanceType="t3.micro",
                MinCount=n,
                MaxCount=n,
                SubnetId=sub,
                SecurityGroupIds=[sgs[vpc][k % len(sgs[vpc])]],
                IamInstanceProfile={"Name": profiles[k % len(profiles)]},
                MetadataOptions={"HttpTokens": "optional" if k % 10 == 0 else "required"},
            )
            by_vpc[vpc] += [i["InstanceId"] for i in res["Instances"]]
        self.add("instances", instances)

        # API backend chains: REST API -> VPC link -> NLB -> TG -> 10 instances.
        stages = []
        cursor = {vpc: 0 for vpc in vpcs}

        def take(vpc: str, n: int) -> list[str]:
            ids = by_vpc[vpc]
            out = [ids[(cursor[vpc] + k) % len(ids)] for k in range(n)]
            cursor[vpc] += n
            return out

        for c in range(chains):
            vpc = vpcs[c % VPCS]
            subs = [s for s, v in private if v == vpc][:2]
            nlb = elbv2.create_load_balancer(
                Name=f"bench-nlb-{c:03d}", Type="network", Scheme="internal", Subnets=subs
            )["LoadBalancers"][0]
            tg = elbv2.create_target_group(
                Name=f"bench-tg-{c:03d}", Protocol="TCP", Port=8080, VpcId=vpc, TargetType="instance"
            )["TargetGroups"][0]["TargetGroupArn"]
            elbv2.register_targets(
                TargetGroupArn=tg, Targets=[{"Id": i, "Port": 8080} for i in take(vpc, 10)]
            )
            elbv2.create_listener(
                LoadBalancerArn=nlb["LoadBalancerArn"],
                Protocol="TCP",
                Port=8080,
                DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
            )
            link = apigw.create_vpc_link(name=f"bench-link-{c:03d}", targetArns=[nlb["LoadBalancerArn"]])["id"]
            api = apigw.create_rest_api(
                name=f"bench-api-{c:03d}", endpointConfiguration={"types": ["REGIONAL"]}
            )["id"]
            root = apigw.get_resources(restApiId=api)["items"][0]["id"]
            res = apigw.create_resource(restApiId=api, parentId=root, pathPart="items")["id"]
            apigw.put_method(
                restApiId=api, resourceId=res, httpMethod="GET", authorizationType="AWS_IAM"
            )
            apigw.put_integration(
                restApiId=api,
                resourceId=res,
                httpMethod="GET",
                type="HTTP_PROXY",
                integrationHttpMethod="GET",
                uri=f"http://{nlb['DNSName']}:8080/items",
                connectionType="VPC_LINK",
                connectionId=link,
            )
            apigw.create_deployment(restApiId=api, stageName="prod")
            stages.append(f"arn:aws:apigateway:{region}::/restapis/{api}/stages/prod")
        self.add("chains", chains)

        # Internet-facing ALBs straight to instances (gateway bypasses).
        for a in range(chains // 2):
            vpc = vpcs[a % VPCS]
            alb = elbv2.create_load_balancer(
                Name=f"bench-alb-{a:03d}",
                Type="application",
                Scheme="internet-facing",
                Subnets=public[vpc][:2],
                SecurityGroups=[sgs[vpc][0]],
            )["LoadBalancers"][0]["LoadBalancerArn"]
            tg = elbv2.create_target_group(
                Name=f"bench-web-{a:03d}", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="instance"
            )["TargetGroups"][0]["TargetGroupArn"]
            elbv2.register_targets(
                TargetGroupArn=tg, Targets=[{"Id": i, "Port": 8080} for i in take(vpc, 5)]
            )
            elbv2.create_listener(
                LoadBalancerArn=alb,
                Protocol="HTTP",
                Port=80,
                DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
            )
        self.add("albs", chains // 2)

        for w in range(WEB_ACLS):
            acl = waf.create_web_acl(
                Name=f"bench-acl-{w}",
                Scope="REGIONAL",
                DefaultAction={"Allow": {}},
                VisibilityConfig={
                    "SampledRequestsEnabled": True,
                    "CloudWatchMetricsEnabled": True,
                    "MetricName": f"bench-acl-{w}",
                },
                Rules=[
                    {
                        "Name": "common",
                        "Priority": 0,
                        "Statement": {
                            "ManagedRuleGroupStatement": {
                                "VendorName": "AWS",
                                "Name": "AWSManagedRulesCommonRuleSet",
                            }
                        },
                        "OverrideAction": {"None": {}},
                        "VisibilityConfig": {
                            "SampledRequestsEnabled": True,
                            "CloudWatchMetricsEnabled": True,
                            "MetricName": "common",
                        },
                    }
                ],
            )["Summary"]["ARN"]
            if w < len(stages):
                waf.associate_web_acl(WebACLArn=acl, ResourceArn=stages[w])
        self.add("web_acls", WEB_ACLS)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--chains", type=int, default=100)
    ap.add_argument("--instances", type=int, default=2000)
    ap.add_argument("--manifest")
    args = ap.parse_args()
    endpoint = loopback_endpoint("seed_large.py", args.endpoint)
    if endpoint is None:
        return 2
    isolate_environment()
    started = time.monotonic()
    post(f"{endpoint}/moto-api/seed?a=42")
    s = Large(endpoint)
    profiles = s.iam()
    for region in REGIONS:
        s.region(region, args.chains // len(REGIONS), args.instances // len(REGIONS), profiles)
        print(f"seed_large: {region} done at {time.monotonic() - started:.0f} s", file=sys.stderr)
    took = time.monotonic() - started
    print(f"seed_large: {json.dumps(s.counts)} in {took:.0f} s", file=sys.stderr)
    if args.manifest:
        with open(args.manifest, "w") as f:
            json.dump({"counts": s.counts, "regions": REGIONS, "seconds": round(took)}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
