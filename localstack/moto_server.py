"""moto's server, plus the reads moto does not implement (two of Systems
Manager, EC2's GetEbsDefaultKmsKeyId and GetInstanceMetadataDefaults), AWS's
AMI owner aliases and encrypted flags, and ACM's renewal eligibility.

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

SimpleSystemManagerResponse.describe_instance_information = describe_instance_information
SimpleSystemManagerResponse.describe_instance_patch_states = describe_instance_patch_states

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
