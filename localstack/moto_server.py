"""moto's server, plus the reads moto does not implement (two of Systems
Manager, EC2's GetEbsDefaultKmsKeyId and GetInstanceMetadataDefaults,
Inspector's, and Shield's GetSubscriptionState), AWS's AMI owner aliases and
encrypted flags, ACM's renewal eligibility, CloudTrail's
GetEventSelectors by the ARN of a shadow trail, WAFv2's
ListLoggingConfigurations per scope, and CloudFront's viewer certificates
without empty fields.

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

SimpleSystemManagerResponse.describe_instance_information = describe_instance_information
SimpleSystemManagerResponse.describe_instance_patch_states = describe_instance_patch_states

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
