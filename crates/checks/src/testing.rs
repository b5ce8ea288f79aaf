//! Hand-built snapshot fragments for check tests: an empty account in
//! us-east-1 plus builders for the resources a test needs, and a way to
//! record a collection error so not-evaluated paths are tested too.

use std::collections::BTreeMap;

use rampart_model::*;

use crate::index::Index;
use crate::registry::{Check, Context, Outcome};

pub const REGION: &str = "us-east-1";

pub fn snapshot() -> Snapshot {
    Snapshot {
        // No distribution.
        cloudfront: Some(CloudFrontInventory::default()),
        // An account without Shield Advanced (most are).
        shield: Some(ShieldInventory {
            subscription_state: Some("INACTIVE".into()),
            protections: Vec::new(),
        }),
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "rampart".into(),
            version: TOOL_VERSION.into(),
        },
        collected_at: rampart_model::time::OffsetDateTime::UNIX_EPOCH,
        scan_duration_ms: 0,
        account_id: "123456789012".into(),
        partition: "aws".into(),
        caller_arn: "arn:aws:iam::123456789012:user/test".into(),
        credential_source: None,
        api_calls: BTreeMap::new(),
        collection_errors: vec![],
        iam: IamInventory::default(),
        regions: BTreeMap::from([(
            REGION.to_string(),
            RegionInventory {
                autoscaling: Some(AutoScalingInventory::default()),
                inspector: Some(InspectorInventory {
                    ec2_status: Some("ENABLED".into()),
                    ..Default::default()
                }),
                // Collected, and empty: no trail, no detector.
                cloudtrail: Some(CloudTrailInventory::default()),
                guardduty: Some(GuardDutyInventory::default()),
                ..Default::default()
            },
        )]),
    }
}

pub fn region(s: &mut Snapshot) -> &mut RegionInventory {
    s.regions.get_mut(REGION).expect("test region")
}

/// A well-configured instance: IMDSv2, a role, no public address.
pub fn instance(id: &str) -> Instance {
    Instance {
        instance_id: id.into(),
        state: Some("running".into()),
        instance_type: Some("t3.micro".into()),
        image_id: None,
        vpc_id: Some("vpc-1".into()),
        subnet_id: Some("subnet-1".into()),
        private_ip: Some("10.0.0.10".into()),
        public_ip: None,
        ipv6_addresses: vec![],
        network_interface_ids: vec![],
        security_group_ids: vec![],
        metadata_options: Some(MetadataOptions {
            http_tokens: Some("required".into()),
            http_endpoint: Some("enabled".into()),
            http_put_response_hop_limit: Some(1),
            http_protocol_ipv6: None,
            instance_metadata_tags: None,
            state: Some("applied".into()),
        }),
        iam_instance_profile_arn: Some("arn:aws:iam::123456789012:instance-profile/app".into()),
        key_name: None,
        root_device_name: Some("/dev/xvda".into()),
        block_device_mappings: vec![],
        launch_time: None,
        platform: None,
        tags: Tags::new(),
    }
}

pub fn volume(id: &str, encrypted: bool, attached_to: Option<&str>) -> Volume {
    Volume {
        volume_id: id.into(),
        size_gib: Some(8),
        volume_type: Some("gp3".into()),
        encrypted,
        kms_key_id: None,
        state: Some("in-use".into()),
        availability_zone: None,
        attachments: attached_to
            .map(|i| VolumeAttachment {
                instance_id: Some(i.into()),
                device: Some("/dev/xvda".into()),
                state: Some("attached".into()),
                delete_on_termination: Some(true),
            })
            .into_iter()
            .collect(),
        tags: Tags::new(),
    }
}

/// Records that `operation` failed in the test region.
pub fn fail(s: &mut Snapshot, operation: &str) {
    s.collection_errors.push(CollectionError {
        service: operation.split(':').next().unwrap_or_default().into(),
        region: Some(REGION.into()),
        operation: operation.into(),
        resource: None,
        kind: ErrorKind::AccessDenied,
        code: Some("UnauthorizedOperation".into()),
        message: "denied".into(),
    });
}

/// Records that `operation` failed in the test region for `resource` (a
/// per-resource call: the collector leaves that resource's data `None`).
pub fn fail_for(s: &mut Snapshot, operation: &str, resource: &str) {
    fail(s, operation);
    s.collection_errors
        .last_mut()
        .expect("just pushed")
        .resource = Some(resource.into());
}

pub fn run(check: &dyn Check, s: &Snapshot) -> Vec<Outcome> {
    let index = Index::new(s);
    let exposures = crate::paths::Exposures::compute(&index);
    check.evaluate(&Context::new(s, &index, &exposures))
}

/// The statuses of the outcomes, by resource id suffix (after the last `/`).
pub fn statuses(outcomes: &[Outcome]) -> Vec<(String, &'static str)> {
    let mut v: Vec<_> = outcomes
        .iter()
        .map(|o| {
            (
                o.resource_arn
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                o.status.as_str(),
            )
        })
        .collect();
    v.sort();
    v
}

/// A Regional API Gateway custom domain on `TLS_1_2`, no mTLS, with
/// `api_mappings` (`None`: not collected).
pub fn custom_domain(name: &str, api_mappings: Option<Vec<ApiMapping>>) -> DomainName {
    DomainName {
        domain_name: name.into(),
        endpoint_types: vec!["REGIONAL".into()],
        security_policy: Some("TLS_1_2".into()),
        certificate_arn: None,
        regional_certificate_arn: None,
        mutual_tls_truststore_uri: None,
        tags: Tags::new(),
        api_mappings,
    }
}
