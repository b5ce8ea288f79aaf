"""moto's server, plus the reads moto does not implement (two of Systems
Manager, EC2's GetEbsDefaultKmsKeyId and GetInstanceMetadataDefaults,
Inspector's, and Shield's GetSubscriptionState), AWS's AMI owner aliases and
encrypted flags, ACM's renewal eligibility, CloudTrail's
GetEventSelectors by the ARN of a shadow trail, WAFv2's
ListLoggingConfigurations per scope, CloudFront's viewer certificates
without empty fields and its VPC origins, and ECS tasks (their network interfaces, states,
ListTasks filters, service and cluster counts) and Cloud Map services as
AWS answers them.

rampart's collector calls `ssm:DescribeInstanceInformation` and
`ssm:DescribeInstancePatchStates`; moto 5 answers both with a 500 "not
implemented", which would make every scan of the emulator end in a
collection error. This wrapper adds them to moto's SSM responses, answering
from state the seeder stores, as it stores everything else, through an
ordinary write API: one SSM parameter per managed instance,

    /rampart-emu/ssm/<instance-id> = {"ping_status": "Online",
                                      "agent_version": "3.3.1142.0",
                                      "platform_type": "Linux",
                                      "patch": {"missing": 0, ...}}

(`patch` absent: the instance never reported patch data). Shapes follow the
API reference:
https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html
https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstancePatchStates.html
Paging is AWS's: MaxResults bounded as in the service model, an opaque
NextToken (here the offset). `emu start` runs this file instead of
`moto_server`; its arguments are moto_server's.
"""

from __future__ import annotations

import datetime
import json
import sys

from moto.core.responses import ActionResult
from moto.ssm.exceptions import ValidationException
from moto.ssm.responses import SimpleSystemManagerResponse

PREFIX = "/rampart-emu/ssm/"


def _seeded(resp: SimpleSystemManagerResponse) -> list[tuple[str, dict, datetime.datetime]]:
    """(instance id, seeded state, when it was seeded) for every seeded
    instance, sorted by id. Times derive from the seeding time, never from
    the clock at answer time, so two scans of one state are identical."""
    backend = resp.ssm_backend
    out = []
    for name in backend._parameters.get_keys_beginning_with(PREFIX, True):
        param = backend.get_parameter(name)
        if param is None:
            continue
        at = param.last_modified_date  # moto: a naive UTC datetime (or epoch seconds)
        if isinstance(at, (int, float)):
            at = datetime.datetime.fromtimestamp(at, datetime.timezone.utc)
        elif at.tzinfo is None:
            at = at.replace(tzinfo=datetime.timezone.utc)
        out.append((name[len(PREFIX) :], json.loads(param.value), at.replace(microsecond=0)))
    out.sort(key=lambda kv: kv[0])
    return out


def _page(resp: SimpleSystemManagerResponse, items: list, lo: int, hi: int, default: int):
    """One page of `items` and the next token, with AWS's MaxResults bounds."""
    max_results = resp._get_param("MaxResults") or default
    if not lo <= int(max_results) <= hi:
        raise ValidationException(
            f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to "
            f"satisfy constraint: Member must have value between {lo} and {hi}"
        )
    start = int(resp._get_param("NextToken") or 0)
    end = start + int(max_results)
    return items[start:end], (str(end) if end < len(items) else None)


def describe_instance_information(self: SimpleSystemManagerResponse) -> ActionResult:
    nodes = [
        {
            "InstanceId": iid,
            "PingStatus": state.get("ping_status", "Online"),
            "LastPingDateTime": at,
            "AgentVersion": state.get("agent_version", "3.3.1142.0"),
            "IsLatestVersion": state.get("is_latest_version", True),
            "PlatformType": state.get("platform_type", "Linux"),
            "PlatformName": state.get("platform_name", "Amazon Linux"),
            "PlatformVersion": state.get("platform_version", "2023"),
            "ResourceType": "EC2Instance",
            "IPAddress": state.get("ip_address", "10.0.0.10"),
            "ComputerName": state.get("computer_name", f"{iid}.ec2.internal"),
        }
        for iid, state, at in _seeded(self)
    ]
    page, token = _page(self, nodes, 5, 50, 50)
    result = {"InstanceInformationList": page}
    if token:
        result["NextToken"] = token
    return ActionResult(result)


def describe_instance_patch_states(self: SimpleSystemManagerResponse) -> ActionResult:
    wanted = self._get_param("InstanceIds") or []
    if not 1 <= len(wanted) <= 50:
        raise ValidationException(
            "1 validation error detected: Value at 'instanceIds' failed to satisfy "
            "constraint: Member must have length less than or equal to 50"
        )
    states = []
    for iid, state, at in _seeded(self):
        patch = state.get("patch")
        if iid not in wanted or patch is None:
            continue
        end = at - datetime.timedelta(days=patch.get("age_days", 1))
        states.append(
            {
                "InstanceId": iid,
                "PatchGroup": patch.get("patch_group", ""),
                "BaselineId": patch.get("baseline_id", "pb-0c10e65780f5a6b7b"),
                "OperationStartTime": end - datetime.timedelta(minutes=3),
                "OperationEndTime": end,
                "Operation": patch.get("operation", "Scan"),
                "InstalledCount": patch.get("installed", 120),
                "InstalledPendingRebootCount": patch.get("pending_reboot", 0),
                "MissingCount": patch.get("missing", 0),
                "FailedCount": patch.get("failed", 0),
                "NotApplicableCount": 0,
                "CriticalNonCompliantCount": patch.get("critical", 0),
                "SecurityNonCompliantCount": patch.get("security", 0),
                "OtherNonCompliantCount": 0,
            }
        )
    page, token = _page(self, states, 10, 100, 10)
    result = {"InstancePatchStates": page}
    if token:
        result["NextToken"] = token
    return ActionResult(result)


# ---------------------------------------------------------------- AMIs
#
# moto gives every AMI of MOTO_AMIS_PATH the owner alias `amazon` whatever
# its owner; AWS sets `ImageOwnerAlias` only on images Amazon (or AWS
# Marketplace) publishes
# (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html).
# And the file's creation dates are fixed, so the "current" Amazon Linux
# image would age out of INST-009's 90 days as the calendar moves: the
# x86_64 AL2023 image is dated CURRENT_AMI_AGE_DAYS before the server
# starts, as a fresh release would be.
AMAZON = "137112412989"
CURRENT_AMI = "ami-0123456789abc2023"
CURRENT_AMI_AGE_DAYS = 30

import moto.ec2.models.amis as _amis  # noqa: E402

for _ami in _amis.AMIS:
    if _ami["ami_id"] == CURRENT_AMI:
        _ami["creation_date"] = (
            datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=CURRENT_AMI_AGE_DAYS)
        ).strftime("%Y-%m-%dT00:00:00.000Z")

_load_amis = _amis.AmiBackend._load_amis


def _load_amis_as_aws(self) -> None:
    _load_amis(self)
    for ami in self.amis.values():
        if ami.owner_id != AMAZON:
            ami.owner_alias = None


_amis.AmiBackend._load_amis = _load_amis_as_aws

# ---------------------------------------------------------------- EBS default key
#
# moto implements ModifyEbsDefaultKmsKeyId but not GetEbsDefaultKmsKeyId.
# AWS answers the key set by Modify... (as an ARN), and `alias/aws/ebs`
# while it was never changed
# (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetEbsDefaultKmsKeyId.html).
from moto.ec2.responses.elastic_block_store import ElasticBlockStore  # noqa: E402


def get_ebs_default_kms_key_id(self: ElasticBlockStore) -> ActionResult:
    key = self.ec2_backend.default_kms_key_id or "alias/aws/ebs"
    return ActionResult({"KmsKeyId": key})


ElasticBlockStore.get_ebs_default_kms_key_id = get_ebs_default_kms_key_id

# ---------------------------------------------------------------- ACM
#
# moto reports every certificate INELIGIBLE for managed renewal. AWS: an
# Amazon-issued or private ACM certificate is ELIGIBLE while it is in use by
# another service (or exported), never when imported or expired
# (https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html).
# moto does not record API Gateway domains as users of a certificate, so an
# issued ACM certificate is reported ELIGIBLE here whatever uses it.
# (`emu start` sets MOTO_ACM_VALIDATION_WAIT=0, so a requested certificate
# is ISSUED at once, as the certificate of a listener on AWS is.)
from moto.acm import models as _acm  # noqa: E402

_describe_certificate = _acm.CertBundle.describe


def _describe_certificate_as_aws(self) -> dict:
    out = _describe_certificate(self)
    c = out["Certificate"]
    if c.get("Type") in ("AMAZON_ISSUED", "PRIVATE") and c.get("Status") == "ISSUED":
        c["RenewalEligibility"] = "ELIGIBLE"
    return out


_acm.CertBundle.describe = _describe_certificate_as_aws

# ---------------------------------------------------------------- EC2 fleets
#
# moto does not implement GetInstanceMetadataDefaults. AWS answers the
# region's account-level IMDS defaults, with no field where the account set
# no preference (never changed: an empty AccountLevel)
# (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetInstanceMetadataDefaults.html).
# And moto's AMIs list their root device without `Encrypted`, which AWS
# always reports for an EBS device (from the snapshot behind it:
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EbsBlockDevice.html).
from moto.ec2.responses.instances import InstanceResponse  # noqa: E402


def get_instance_metadata_defaults(self: InstanceResponse) -> ActionResult:
    return ActionResult({"AccountLevel": {}})


InstanceResponse.get_instance_metadata_defaults = get_instance_metadata_defaults

_ami_devices = _amis.Ami.block_device_mappings.fget


def _ami_devices_as_aws(self) -> list:
    out = _ami_devices(self)
    for d in out:
        if "Ebs" in d:
            d["Ebs"]["Encrypted"] = bool(getattr(self.ebs_snapshot, "encrypted", False))
    return out


_amis.Ami.block_device_mappings = property(_ami_devices_as_aws)

# ---------------------------------------------------------------- Inspector
#
# moto 5 implements Enable and BatchGetAccountStatus (but answers nothing
# for an account that never enabled Inspector, where AWS reports it with
# every resource type DISABLED) and a ListFindings that answers from a
# test queue; ListCoverage and ListFindingAggregations are missing. These
# answer from state the seeder stores, as for Systems Manager: one SSM
# parameter per instance Inspector scans, in the instance's region,
#
#     /rampart-emu/inspector/<instance-id> = {"scan_mode": "EC2_AGENTLESS",
#                                             "findings": [{"id": "CVE-...",
#                                               "severity": "CRITICAL", ...}]}
#
# Coverage is AWS's: every running instance of the region while EC2
# scanning is enabled, ACTIVE when it has such a parameter or is managed by
# Systems Manager (a /rampart-emu/ssm/ parameter), else INACTIVE
# UNMANAGED_EC2_INSTANCE. Shapes follow the API reference:
# https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListCoverage.html
# https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListFindingAggregations.html
# https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListFindings.html
import moto.inspector2.urls as _inspector_urls  # noqa: E402
from moto.inspector2.models import AccountStatus  # noqa: E402
from moto.inspector2.responses import Inspector2Response  # noqa: E402

INSPECTOR_PREFIX = "/rampart-emu/inspector/"


def _inspector_state(resp: Inspector2Response) -> dict[str, tuple[dict, datetime.datetime]]:
    """instance id -> (seeded Inspector state, when seeded), this region."""
    from moto.ssm.models import ssm_backends

    backend = ssm_backends[resp.current_account][resp.region]
    out = {}
    for name in backend._parameters.get_keys_beginning_with(INSPECTOR_PREFIX, True):
        param = backend.get_parameter(name)
        if param is None:
            continue
        at = param.last_modified_date
        if isinstance(at, (int, float)):
            at = datetime.datetime.fromtimestamp(at, datetime.timezone.utc)
        elif at.tzinfo is None:
            at = at.replace(tzinfo=datetime.timezone.utc)
        out[name[len(INSPECTOR_PREFIX) :]] = (json.loads(param.value), at.replace(microsecond=0))
    return out


def _ec2_enabled(resp: Inspector2Response) -> bool:
    status = resp.inspector2_backend.account_status.get(resp.current_account)
    return status is not None and status.ec2 == "ENABLED"


def _token_page(resp: Inspector2Response, items: list, hi: int):
    max_results = int(resp._get_param("maxResults") or hi)
    if not 1 <= max_results <= hi:
        raise ValueError(f"maxResults must be between 1 and {hi}")
    start = int(resp._get_param("nextToken") or 0)
    end = start + max_results
    return items[start:end], (str(end) if end < len(items) else None)


def _inspector_findings(resp: Inspector2Response) -> list[dict]:
    """Every seeded finding of the region, in ListFindings' shape."""
    out = []
    for iid, (state, at) in sorted(_inspector_state(resp).items()):
        for n, f in enumerate(state.get("findings", [])):
            kind = f.get("type", "PACKAGE_VULNERABILITY")
            finding = {
                "findingArn": f"arn:aws:inspector2:{resp.region}:{resp.current_account}:finding/{iid}-{n}",
                "awsAccountId": resp.current_account,
                "type": kind,
                "description": f.get("title", f.get("id", "finding")),
                "title": f.get("title", f.get("id", "finding")),
                "severity": f.get("severity", "MEDIUM"),
                "firstObservedAt": at.timestamp(),
                "lastObservedAt": at.timestamp(),
                "status": f.get("status", "ACTIVE"),
                "resources": [{"type": "AWS_EC2_INSTANCE", "id": iid, "region": resp.region}],
            }
            if kind == "PACKAGE_VULNERABILITY":
                finding["inspectorScore"] = f.get("score")
                finding["fixAvailable"] = f.get("fix", "YES")
                finding["packageVulnerabilityDetails"] = {
                    "vulnerabilityId": f["id"],
                    "source": "NVD",
                    "cvss": [{"baseScore": f.get("score", 0.0), "scoringVector": "", "version": "3.1", "source": "NVD"}],
                    "vulnerablePackages": [{"name": f.get("package", "pkg"), "version": f.get("version", "1")}],
                }
            else:
                finding["networkReachabilityDetails"] = {
                    "openPortRange": {"begin": f["ports"][0], "end": f["ports"][1]},
                    "protocol": f.get("protocol", "TCP"),
                    "networkPath": {"steps": []},
                }
            out.append(finding)
    return out


def _matches(value: str, filters: list | None) -> bool:
    """A StringFilter list: EQUALS (or NOT_EQUALS) any of its values."""
    if not filters:
        return True
    eq = [f["value"] for f in filters if f.get("comparison") == "EQUALS"]
    ne = [f["value"] for f in filters if f.get("comparison") == "NOT_EQUALS"]
    return (not eq or value in eq) and value not in ne


def list_findings_as_aws(self: Inspector2Response) -> str:
    crit = self._get_param("filterCriteria") or {}
    found = [
        f
        for f in _inspector_findings(self)
        if _matches(f["status"], crit.get("findingStatus"))
        and _matches(f["type"], crit.get("findingType"))
        and _matches(f["severity"], crit.get("severity"))
        and _matches("AWS_EC2_INSTANCE", crit.get("resourceType"))
        and _matches(f["resources"][0]["id"], crit.get("resourceId"))
    ]
    found.sort(key=lambda f: (-(f.get("inspectorScore") or 0.0), f["findingArn"]))
    page, token = _token_page(self, found, 100)
    out = {"findings": page}
    if token:
        out["nextToken"] = token
    return json.dumps(out)


def list_coverage(self: Inspector2Response) -> str:
    crit = self._get_param("filterCriteria") or {}
    covered = []
    if _ec2_enabled(self) and _matches("AWS_EC2_INSTANCE", crit.get("resourceType")):
        from moto.ec2.models import ec2_backends
        from moto.ssm.models import ssm_backends

        seeded = _inspector_state(self)
        ssm = ssm_backends[self.current_account][self.region]
        for inst in sorted(ec2_backends[self.current_account][self.region].all_instances(), key=lambda i: i.id):
            if inst.state != "running":
                continue
            state, at = seeded.get(inst.id, ({}, None))
            managed_param = ssm.get_parameter(f"{PREFIX}{inst.id}")
            managed = managed_param is not None
            if at is None and managed:
                at = managed_param.last_modified_date
                if isinstance(at, (int, float)):
                    at = datetime.datetime.fromtimestamp(at, datetime.timezone.utc)
                elif at.tzinfo is None:
                    at = at.replace(tzinfo=datetime.timezone.utc)
            active = inst.id in seeded or managed
            record = {
                "resourceType": "AWS_EC2_INSTANCE",
                "resourceId": inst.id,
                "accountId": self.current_account,
                "scanType": "PACKAGE",
                "scanMode": state.get("scan_mode", "EC2_SSM_AGENT_BASED"),
                "scanStatus": {
                    "statusCode": "ACTIVE" if active else "INACTIVE",
                    "reason": "SUCCESSFUL" if active else "UNMANAGED_EC2_INSTANCE",
                },
            }
            if active and at is not None:
                record["lastScannedAt"] = at.timestamp()
            covered.append(record)
    page, token = _token_page(self, covered, 200)
    out = {"coveredResources": page}
    if token:
        out["nextToken"] = token
    return json.dumps(out)


def list_finding_aggregations(self: Inspector2Response) -> str:
    if self._get_param("aggregationType") != "AWS_EC2_INSTANCE":
        raise ValueError("only AWS_EC2_INSTANCE aggregations are emulated")
    by: dict[str, dict] = {}
    for f in _inspector_findings(self):
        if f["status"] != "ACTIVE":
            continue
        iid = f["resources"][0]["id"]
        agg = by.setdefault(
            iid,
            {
                "instanceId": iid,
                "accountId": self.current_account,
                "severityCounts": {"all": 0, "critical": 0, "high": 0, "medium": 0},
                "networkFindings": 0,
            },
        )
        agg["severityCounts"]["all"] += 1
        sev = f["severity"].lower()
        if sev in agg["severityCounts"]:
            agg["severityCounts"][sev] += 1
        if f["type"] == "NETWORK_REACHABILITY":
            agg["networkFindings"] += 1
    items = [{"ec2InstanceAggregation": v} for _, v in sorted(by.items())]
    page, token = _token_page(self, items, 100)
    out = {"aggregationType": "AWS_EC2_INSTANCE", "responses": page}
    if token:
        out["nextToken"] = token
    return json.dumps(out)


def batch_get_account_status_as_aws(self: Inspector2Response) -> str:
    known = self.inspector2_backend.account_status
    accounts = [
        (known.get(acct) or AccountStatus(acct)).to_batch_json()
        for acct in self._get_param("accountIds") or [self.current_account]
    ]
    return json.dumps({"accounts": accounts, "failedAccounts": []})


Inspector2Response.list_findings = list_findings_as_aws
Inspector2Response.list_coverage = list_coverage
Inspector2Response.list_finding_aggregations = list_finding_aggregations
Inspector2Response.batch_get_account_status = batch_get_account_status_as_aws
_inspector_urls.url_paths["{0}/coverage/list$"] = Inspector2Response.dispatch
_inspector_urls.url_paths["{0}/findings/aggregation/list$"] = Inspector2Response.dispatch

# ---------------------------------------------------------------- CloudTrail
#
# moto's GetEventSelectors looks the trail up among the calling region's own
# trails only, so asked in eu-west-1 with the ARN of a multi-Region trail
# homed in us-east-1 (its shadow there) it answers TrailNotFoundException.
# AWS accepts a trail ARN ("If you specify a trail ARN, it must be in the
# format arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail") and
# models no InvalidHomeRegionException for the operation
# (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetEventSelectors.html).
# An ARN is resolved here across the account's regions, as moto's own
# GetTrailStatus already does for shadow trails.
from moto.cloudtrail import models as _cloudtrail  # noqa: E402

_get_event_selectors = _cloudtrail.CloudTrailBackend.get_event_selectors


def _get_event_selectors_as_aws(self, trail_name: str):
    if trail_name.startswith("arn:"):
        for backend in _cloudtrail.cloudtrail_backends[self.account_id].values():
            for trail in backend.trails.values():
                if trail.arn == trail_name:
                    selectors, advanced = trail.get_event_selectors()
                    return trail.arn, selectors, advanced
    return _get_event_selectors(self, trail_name)


_cloudtrail.CloudTrailBackend.get_event_selectors = _get_event_selectors_as_aws

# ---------------------------------------------------------------- Shield
#
# moto implements CreateSubscription and DescribeSubscription but not
# GetSubscriptionState, the one read that says whether the account
# subscribes to Shield Advanced: AWS answers `ACTIVE` while a subscription
# exists, else `INACTIVE`
# (https://docs.aws.amazon.com/waf/latest/DDOSAPIReference/API_GetSubscriptionState.html).
# Answered here from moto's own state: the subscription CreateSubscription
# stored. moto keys its Shield backend by partition, not region (as AWS's
# global control plane is), so a subscription created through us-east-1 is
# the one every region's client sees.
from moto.shield.responses import ShieldResponse  # noqa: E402


def get_subscription_state(self: ShieldResponse) -> str:
    active = self.shield_backend.subscription is not None
    return json.dumps({"SubscriptionState": "ACTIVE" if active else "INACTIVE"})


ShieldResponse.get_subscription_state = get_subscription_state

# ---------------------------------------------------------------- WAFv2 scopes
#
# moto's ListLoggingConfigurations picks a scope's configurations by a
# substring of the web ACL ARN: `:global:` for CLOUDFRONT, which no ARN
# holds (a CLOUDFRONT-scope ACL is `arn:aws:wafv2:us-east-1:ACCOUNT:global/
# webacl/...`), so it lists none, and `:REGION:` for REGIONAL, which in
# us-east-1 also matches the CLOUDFRONT-scope ACLs. AWS lists each scope's
# own (https://docs.aws.amazon.com/waf/latest/APIReference/API_ListLoggingConfigurations.html);
# answered here by the ARN's resource part, as AWS names them.
from moto.wafv2 import models as _wafv2  # noqa: E402

_list_logging_configurations = _wafv2.WAFV2Backend.list_logging_configurations


def _list_logging_configurations_as_aws(self, scope: str, **kwargs):
    everything = self.logging_configurations
    kind = ":global/" if scope == "CLOUDFRONT" else ":regional/"
    region = f":{self.region_name}:"
    try:
        # moto's paginator over only this scope's configurations; asked as
        # REGIONAL, whose filter (`:REGION:`) every one of them passes.
        self.logging_configurations = {
            arn: c for arn, c in everything.items() if region in arn and kind in arn
        }
        return _list_logging_configurations(self, scope="REGIONAL", **kwargs)
    finally:
        self.logging_configurations = everything


_wafv2.WAFV2Backend.list_logging_configurations = _list_logging_configurations_as_aws

# ---------------------------------------------------------------- CloudFront
#
# moto answers every viewer certificate with all its fields, the unused
# ones as empty elements (`<ACMCertificateArn></ACMCertificateArn>`,
# `<IAMCertificateId>`, `<Certificate>`), and `CertificateSource`
# `cloudfront` whatever the certificate, and CloudFrontDefaultCertificate
# true even beside an ACM or IAM certificate. AWS leaves the fields it has no
# value for out, and names the source of the certificate: `acm`, `iam` or
# `cloudfront`
# (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html).
from moto.cloudfront import models as _cloudfront  # noqa: E402

_viewer_certificate_init = _cloudfront.ViewerCertificate.__init__


def _viewer_certificate_as_aws(self, config: dict) -> None:
    _viewer_certificate_init(self, config)
    for field in ("iam_certificate_id", "acm_certificate_arn", "certificate"):
        if getattr(self, field) == "":
            setattr(self, field, None)
    if self.acm_certificate_arn:
        self.certificate_source = "acm"
    elif self.iam_certificate_id:
        self.certificate_source = "iam"
    # moto defaults CloudFrontDefaultCertificate to true even beside an ACM
    # or IAM certificate; AWS answers false then (the distribution presents
    # that certificate, not *.cloudfront.net).
    if "CloudFrontDefaultCertificate" not in config and (
        self.acm_certificate_arn or self.iam_certificate_id
    ):
        self.cloud_front_default_certificate = False


_cloudfront.ViewerCertificate.__init__ = _viewer_certificate_as_aws

# CloudFront VPC origins (moto 5 has none: no route for `/vpc-origin`, and
# an origin's `VpcOriginConfig` is dropped). AWS's shapes, from the API
# reference: CreateVpcOrigin (`POST /2020-05-31/vpc-origin`, for the
# seeder) and GetVpcOrigin (`GET /2020-05-31/vpc-origin/{Id}`: the
# VpcOrigin with its VpcOriginEndpointConfig, an ETag header;
# `EntityNotFound` (404) for an unknown id)
# (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateVpcOrigin.html,
# https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetVpcOrigin.html),
# and an origin keeps its VpcOriginConfig
# (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Origin.html).
# Ids derive from the endpoint config's name, so two fresh servers seeded
# alike answer alike.
import hashlib  # noqa: E402

from moto.cloudfront import urls as _cloudfront_urls  # noqa: E402
from moto.cloudfront.responses import CloudFrontResponse  # noqa: E402
from moto.cloudfront.exceptions import CloudFrontException  # noqa: E402

_cloudfront_urls.url_paths["{0}/2020-05-31/vpc-origin$"] = CloudFrontResponse.dispatch
_cloudfront_urls.url_paths["{0}/2020-05-31/vpc-origin/(?P<Id>[^/]+)$"] = CloudFrontResponse.dispatch

_origin_init = _cloudfront.Origin.__init__


def _origin_as_aws(self, origin: dict) -> None:
    _origin_init(self, origin)
    self.vpc_origin_config = origin.get("VpcOriginConfig")


_cloudfront.Origin.__init__ = _origin_as_aws


def _vpc_origins(resp: CloudFrontResponse) -> dict:
    backend = resp.backend
    if not hasattr(backend, "rampart_vpc_origins"):
        backend.rampart_vpc_origins = {}
    return backend.rampart_vpc_origins


def create_vpc_origin(self: CloudFrontResponse) -> ActionResult:
    config = self._get_param("VpcOriginEndpointConfig", {})
    vo_id = "vo_" + hashlib.sha256(config["Name"].encode()).hexdigest()[:22]
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    origin = {
        "Id": vo_id,
        "Arn": f"arn:aws:cloudfront::{self.current_account}:vpcorigin/{vo_id}",
        "Status": "Deployed",
        "CreatedTime": now,
        "LastModifiedTime": now,
        "VpcOriginEndpointConfig": config,
    }
    _vpc_origins(self)[vo_id] = origin
    return ActionResult({"VpcOrigin": origin, "ETag": "E1RAMPART", "Location": origin["Arn"]})


def get_vpc_origin(self: CloudFrontResponse) -> ActionResult:
    vo_id = self._get_param("Id")
    origin = _vpc_origins(self).get(vo_id)
    if origin is None:
        # The status (404) comes from the service model's error shape.
        raise CloudFrontException("EntityNotFound", f"The VPC origin {vo_id} does not exist.")
    return ActionResult({"VpcOrigin": origin, "ETag": "E1RAMPART"})


CloudFrontResponse.create_vpc_origin = create_vpc_origin
CloudFrontResponse.get_vpc_origin = get_vpc_origin

# ---------------------------------------------------------------- ECS
#
# moto 5.2.5's ECS differs from AWS where a scanner looks (each checked
# with boto3 against this server; README "ECS and Cloud Map"):
#
# - RunTask of a task definition whose containers have no memory of their
#   own, only the task-level `memory` (the usual Fargate task definition),
#   fails with a 500: moto adds the missing container memory (None) to its
#   total. AWS accepts it: on Fargate the container-level memory is
#   optional and the task-level one is what the task gets
#   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html).
# - The network interface of an `awsvpc` task: moto gives it a random
#   10.x.y.z private address, usually outside its subnet (AWS allocates one
#   of the subnet's free addresses); ignores `assignPublicIp: ENABLED`
#   (AWS gives the interface a public IPv4 address it owns, `IpOwnerId`
#   `amazon`:
#   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html);
#   describes it as `moto ECS` and not requester-managed (AWS: the ECS
#   attachment's ARN, `arn:aws:ecs:REGION:ACCOUNT:attachment/ID`, and
#   `RequesterManaged` true:
#   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html);
#   and in a VPC without DNS hostnames RunTask fails with a 500 (moto
#   names an interface's private DNS name only when the VPC has DNS
#   hostnames on; AWS always gives it one). Replaced here: the first
#   address of the subnet no interface or instance holds (after the four
#   AWS reserves at the start of every subnet), the private DNS name, the
#   public address when asked for, the attachment ARN as description, the
#   interface `in-use` with no instance attachment (a Fargate interface
#   has none). The task's containers name the interface
#   (`networkInterfaces`) and are RUNNING with the task, as on AWS.
# - DescribeTasks: the containers' `taskArn` is the task definition's ARN
#   and their `containerArn` hangs off it (AWS: the task's ARN, and
#   `container/CLUSTER/TASK-ID/ID`); `availabilityZone`, `cpu`, `memory`,
#   `createdAt`, `startedAt`, `connectivity`, and a Fargate task's
#   `platformVersion` / `platformFamily` are missing
#   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html).
# - Every DescribeTasks moves a task one state towards STOPPED (moto's
#   "manual" transition, one step per describe): after four scans a
#   running task reads as stopped. On AWS a task runs until it is stopped
#   (StopTask still stops it here).
# - ListTasks without `desiredStatus` lists stopped tasks too (AWS: "The
#   default status filter is RUNNING"), ignores `serviceName`,
#   `launchType`, `maxResults` and `nextToken`, and matches clusters and
#   families by substring
#   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html).
# - DescribeServices' runningCount and pendingCount (and its primary
#   deployment's, with rolloutState) stay as they were at creation,
#   whatever runs; DescribeClusters' runningTasksCount, pendingTasksCount
#   and activeServicesCount leave out Fargate tasks and every service.
#   Counted here from the tasks (a service's are those of group
#   `service:NAME`, as ECS groups them:
#   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html).
import types  # noqa: E402

from moto.core.utils import utcnow  # noqa: E402
from moto.ec2.models import ec2_backends as _ec2_backends  # noqa: E402
from moto.ec2.models.elastic_network_interfaces import NetworkInterface  # noqa: E402
from moto.ec2.utils import generate_dns_from_ip, random_public_ip  # noqa: E402
from moto.ecs import models as _ecs  # noqa: E402
from moto.ecs.exceptions import InvalidParameterException  # noqa: E402
from moto.ecs.responses import EC2ContainerServiceResponse  # noqa: E402
from moto.moto_api._internal import mock_random as _mock_random  # noqa: E402
from moto.utilities.utils import get_partition  # noqa: E402

_MEMORY_KEYS = ("memory", "memoryReservation", "Memory", "MemoryReservation")
_task_resources = _ecs.EC2ContainerServiceBackend._calculate_task_resource_requirements


def _task_resources_as_aws(task_definition) -> dict:
    # Containers without memory of their own count as 0: the task-level
    # memory is the Fargate reservation (moto does not place Fargate tasks).
    containers = [
        c if any(k in c for k in _MEMORY_KEYS) else dict(c, memory=0)
        for c in task_definition.container_definitions
    ]
    return _task_resources(types.SimpleNamespace(container_definitions=containers))


_ecs.EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(_task_resources_as_aws)


class _NotAwsvpc:
    """A task definition as moto's Task sees it, but not in `awsvpc` mode,
    so moto's Task.__init__ builds everything but the interface."""

    network_mode = None

    def __init__(self, task_definition):
        self._td = task_definition

    def __getattr__(self, name: str):
        return getattr(self._td, name)


def _free_private_ip(ec2, subnet) -> str:
    """The subnet's first IPv4 address that no interface or instance holds,
    after the four addresses AWS reserves at its start (and the last one)
    (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)."""
    taken = set(subnet._subnet_ips) | {str(ip) for ip in subnet._reserved_ips}
    for eni in ec2.enis.values():
        taken.add(eni.private_ip_address)
        taken.update(a.get("PrivateIpAddress") for a in eni.private_ip_addresses)
    net = subnet.cidr
    for n in range(4, net.num_addresses - 1):
        ip = str(net.network_address + n)
        if ip not in taken:
            return ip
    raise InvalidParameterException(f"subnet {subnet.id} has no free IPv4 address")


_task_init = _ecs.Task.__init__


def _task_init_as_aws(self, cluster, task_definition, *args, **kwargs) -> None:
    net = kwargs.get("networking_configuration")
    partition = get_partition(cluster.region_name)
    if task_definition.network_mode != "awsvpc":
        _task_init(self, cluster, task_definition, *args, **kwargs)
    elif not net:
        raise InvalidParameterException(
            "Network Configuration must be provided when networkMode 'awsvpc' is specified."
        )
    else:
        _task_init(self, cluster, _NotAwsvpc(task_definition), *args, **kwargs)
        self.network_configuration = net
        conf = net["awsvpcConfiguration"]
        ec2 = _ec2_backends[self._account_id][self.region_name]
        subnet = ec2.get_subnet(conf["subnets"][0])
        attachment_id = str(_mock_random.uuid4())
        ip = _free_private_ip(ec2, subnet)
        eni = ec2.create_network_interface(
            subnet=subnet,
            private_ip_address=ip,
            group_ids=conf.get("securityGroups") or None,
            description=f"arn:{partition}:ecs:{self.region_name}:{self._account_id}:attachment/{attachment_id}",
        )
        subnet.request_ip(ip, eni)
        eni.status = "in-use"
        eni.requester_managed = True
        eni.private_dns_name = generate_dns_from_ip(ip)
        for a in eni.private_ip_addresses:
            if a.get("PrivateIpAddress") == ip:
                a["PrivateDnsName"] = eni.private_dns_name
        if str(conf.get("assignPublicIp", "DISABLED")).upper() == "ENABLED":
            eni.public_ip = random_public_ip()
            eni.aws_ip_owner = "amazon"
            # AWS also names the address on the private address it maps to.
            for a in eni.private_ip_addresses:
                if a.get("PrivateIpAddress") == ip:
                    a["Association"] = {
                        "IpOwnerId": "amazon",
                        "PublicDnsName": generate_dns_from_ip(eni.public_ip),
                        "PublicIp": eni.public_ip,
                    }
        self.attachments.append(
            {
                "id": attachment_id,
                "type": "ElasticNetworkInterface",
                "status": "ATTACHED",
                "details": [
                    {"name": "subnetId", "value": subnet.id},
                    {"name": "networkInterfaceId", "value": eni.id},
                    {"name": "macAddress", "value": eni.mac_address},
                    {"name": "privateDnsName", "value": eni.private_dns_name},
                    {"name": "privateIPv4Address", "value": ip},
                ],
            }
        )
        for c in self.containers:
            c.network_interfaces = [{"attachmentId": attachment_id, "privateIpv4Address": ip}]
        self.availability_zone = subnet.availability_zone
    self.cpu = getattr(task_definition, "cpu", None)
    self.memory = getattr(task_definition, "memory", None)
    self.created_at = self.started_at = self.connectivity_at = utcnow()
    self.connectivity = "CONNECTED"
    # AWS leaves out what was never set (moto: empty strings).
    self.started_by = self.started_by or None
    self.stopped_reason = self.stopped_reason or None
    if self.launch_type == "FARGATE":
        self.platform_version = self.platform_version or "1.4.0"
        self.platform_family = "Linux"
    for c in self.containers:
        # moto: the task definition's ARN for both; AWS: the task's, and
        # container/CLUSTER/TASK-ID/ID.
        c.task_arn = self.task_arn
        c.container_arn = (
            f"arn:{partition}:ecs:{self.region_name}:{self._account_id}:container/"
            f"{self.cluster_name}/{self.id}/{c.container_arn.rsplit('/', 1)[-1]}"
        )
        c.last_status = "RUNNING"


_ecs.Task.__init__ = _task_init_as_aws


def _task_stays(self) -> None:
    """A described task keeps its state (moto: one step towards STOPPED)."""


_ecs.Task.advance = _task_stays

_eni_association = NetworkInterface.association.fget


def _eni_association_as_aws(self) -> dict:
    out = _eni_association(self)
    # A public address AWS assigned (not an Elastic IP) is owned by `amazon`.
    owner = getattr(self, "aws_ip_owner", None)
    if out and owner:
        out["ipOwnerId"] = owner
    return out


NetworkInterface.association = property(_eni_association_as_aws)


def _service_running(backend, service) -> int:
    group = f"service:{service.name}"
    return sum(
        1
        for t in backend.tasks.get(service.cluster_name, {}).values()
        if t.group == group and t.last_status == "RUNNING"
    )


def _count_service(backend, service) -> None:
    running = _service_running(backend, service)
    service.running_count = running
    service.pending_count = max((service.desired_count or 0) - running, 0)
    for d in service.deployments:
        if d.get("status") == "PRIMARY":
            done = running >= (service.desired_count or 0)
            d["runningCount"] = running
            d["pendingCount"] = service.pending_count
            d["rolloutState"] = "COMPLETED" if done else "IN_PROGRESS"
            d["rolloutStateReason"] = f"ECS deployment {d['id']} {'completed' if done else 'in progress'}."


_describe_services = _ecs.EC2ContainerServiceBackend.describe_services


def _describe_services_as_aws(self, cluster_str, service_names_or_arns):
    services, failures = _describe_services(self, cluster_str, service_names_or_arns)
    for s in services:
        _count_service(self, s)
    return services, failures


_ecs.EC2ContainerServiceBackend.describe_services = _describe_services_as_aws

_describe_clusters = _ecs.EC2ContainerServiceBackend.describe_clusters


def _describe_clusters_as_aws(self, cluster_names):
    clusters, failures = _describe_clusters(self, cluster_names)
    for c in clusters:
        services = [s for s in self.services.values() if s.cluster_name == c.name and s.status == "ACTIVE"]
        for s in services:
            _count_service(self, s)
        c.running_tasks_count = sum(
            1 for t in self.tasks.get(c.name, {}).values() if t.last_status == "RUNNING"
        )
        c.pending_tasks_count = sum(s.pending_count for s in services)
        c.active_services_count = len(services)
    return clusters, failures


_ecs.EC2ContainerServiceBackend.describe_clusters = _describe_clusters_as_aws


def list_tasks_as_aws(self: EC2ContainerServiceResponse) -> ActionResult:
    backend = self.ecs_backend
    cluster = backend._get_cluster(self._get_param("cluster", "default"))
    family = self._get_param("family")
    instance = self._get_param("containerInstance")
    started_by = self._get_param("startedBy")
    service = self._get_param("serviceName")
    status = self._get_param("desiredStatus") or "RUNNING"
    launch_type = self._get_param("launchType")
    tasks = [
        t
        for t in backend.tasks.get(cluster.name, {}).values()
        if t.desired_status == status
        and (not family or t.task_definition_arn.rsplit("/", 1)[-1].rsplit(":", 1)[0] == family)
        and (not instance or (t.container_instance_arn or "").rsplit("/", 1)[-1] == instance.rsplit("/", 1)[-1])
        and (not started_by or t.started_by == started_by)
        and (not service or t.group == f"service:{service.rsplit('/', 1)[-1]}")
        and (not launch_type or t.launch_type == launch_type)
    ]
    max_results = int(self._get_param("maxResults") or 100)
    if not 1 <= max_results <= 100:
        raise InvalidParameterException("maxResults must be between 1 and 100")
    start = int(self._get_param("nextToken") or 0)
    end = start + max_results
    out = {"taskArns": [t.task_arn for t in tasks[start:end]]}
    if end < len(tasks):
        out["nextToken"] = str(end)
    return ActionResult(out)


EC2ContainerServiceResponse.list_tasks = list_tasks_as_aws

# ---------------------------------------------------------------- Cloud Map
#
# moto's GetService / ListServices leave out `InstanceCount` (how many
# instances are registered) and answer `Type` null for a service created
# without one, where AWS answers `HTTP` in an HTTP namespace (discovered
# through DiscoverInstances only) and `DNS_HTTP` in a DNS one; they also
# answer absent fields as nulls (AWS leaves them out), and no
# `ResourceOwner` / `CreatedByAccount`, nor `CreatedByAccount` for an
# instance
# (https://docs.aws.amazon.com/cloud-map/latest/api/API_ServiceSummary.html,
# https://docs.aws.amazon.com/cloud-map/latest/api/API_InstanceSummary.html).
from moto.servicediscovery import models as _sd  # noqa: E402

_sd_create_service = _sd.ServiceDiscoveryBackend.create_service


def _sd_create_service_as_aws(self, *args, **kwargs):
    service = _sd_create_service(self, *args, **kwargs)
    if not service.service_type:
        ns = self.namespaces.get(service.namespace_id)
        if ns is not None:
            service.service_type = "HTTP" if ns.type == "HTTP" else "DNS_HTTP"
    return service


_sd.ServiceDiscoveryBackend.create_service = _sd_create_service_as_aws

_sd_service_json = _sd.Service.to_json


def _sd_service_json_as_aws(self) -> dict:
    out = {k: v for k, v in _sd_service_json(self).items() if v is not None}
    out["InstanceCount"] = len(self.instances)
    out["ResourceOwner"] = self.account_id
    out["CreatedByAccount"] = self.account_id
    return out


_sd.Service.to_json = _sd_service_json_as_aws

_sd_register_instance = _sd.ServiceDiscoveryBackend.register_instance


def _sd_register_instance_as_aws(self, service_id, instance_id, *args, **kwargs):
    operation = _sd_register_instance(self, service_id, instance_id, *args, **kwargs)
    for inst in self.get_service(service_id).instances:
        if inst.instance_id == instance_id:
            inst.created_by_account = self.account_id
    return operation


_sd.ServiceDiscoveryBackend.register_instance = _sd_register_instance_as_aws

_sd_instance_json = _sd.ServiceInstance.to_json


def _sd_instance_json_as_aws(self) -> dict:
    out = _sd_instance_json(self)
    if getattr(self, "created_by_account", None):
        out["CreatedByAccount"] = self.created_by_account
    return out


_sd.ServiceInstance.to_json = _sd_instance_json_as_aws

SimpleSystemManagerResponse.describe_instance_information = describe_instance_information
SimpleSystemManagerResponse.describe_instance_patch_states = describe_instance_patch_states

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
