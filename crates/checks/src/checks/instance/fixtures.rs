//! Shared fragments for the instance checks' tests: an instance whose
//! profile holds one role, builders to attach managed and inline policies
//! to it, IAM collection errors, and a runner with hand-made exposure paths
//! (so path-dependent checks are tested without building a whole network).

use rampart_model::*;
use serde_json::{Value, json};

use crate::index::Index;
use crate::paths::{Exposure, Exposures};
use crate::registry::{Check, Context, Outcome};
use crate::testing::{REGION, instance, region, snapshot};

/// The profile [`crate::testing::instance`] carries.
pub const PROFILE: &str = "arn:aws:iam::123456789012:instance-profile/app";
pub const ROLE: &str = "app-role";
pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/app-role";
pub const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// Instance `i-1` with profile `app` -> role `app-role`, no policies yet
/// (both policy lists collected and empty).
pub fn with_role() -> Snapshot {
    let mut s = snapshot();
    region(&mut s).ec2.instances = vec![instance("i-1")];
    s.iam.instance_profiles = vec![InstanceProfile {
        arn: PROFILE.into(),
        instance_profile_name: "app".into(),
        instance_profile_id: None,
        path: Some("/".into()),
        role_names: vec![ROLE.into()],
    }];
    s.iam.roles = vec![Role {
        arn: ROLE_ARN.into(),
        role_name: ROLE.into(),
        role_id: None,
        path: Some("/".into()),
        assume_role_policy: None,
        permissions_boundary_arn: None,
        attached_policy_arns: Some(vec![]),
        inline_policies: Some(vec![]),
    }];
    s
}

pub fn role(s: &mut Snapshot) -> &mut Role {
    &mut s.iam.roles[0]
}

/// Attaches a managed policy to the role; `document` `None` is a policy
/// whose default version was not collected.
pub fn attach(s: &mut Snapshot, arn: &str, document: Option<Value>) {
    role(s)
        .attached_policy_arns
        .get_or_insert_with(Vec::new)
        .push(arn.into());
    s.iam.policies.push(ManagedPolicy {
        arn: arn.into(),
        policy_name: arn.rsplit('/').next().map(str::to_string),
        default_version_id: Some("v1".into()),
        document,
    });
}

/// Adds an inline policy to the role; `document` `None` is a failed `GetRolePolicy`.
pub fn inline(s: &mut Snapshot, name: &str, document: Option<Value>) {
    role(s)
        .inline_policies
        .get_or_insert_with(Vec::new)
        .push(InlinePolicy {
            policy_name: name.into(),
            document,
        });
}

/// Adds role `name` (no policies, both lists collected), in its own
/// instance profile `name` when `with_profile`; returns its ARN.
pub fn add_role(s: &mut Snapshot, name: &str, with_profile: bool) -> String {
    let arn = format!("arn:aws:iam::123456789012:role/{name}");
    s.iam.roles.push(Role {
        arn: arn.clone(),
        role_name: name.into(),
        role_id: None,
        path: Some("/".into()),
        assume_role_policy: Some(trust("ec2.amazonaws.com")),
        permissions_boundary_arn: None,
        attached_policy_arns: Some(vec![]),
        inline_policies: Some(vec![]),
    });
    if with_profile {
        s.iam.instance_profiles.push(InstanceProfile {
            arn: format!("arn:aws:iam::123456789012:instance-profile/{name}"),
            instance_profile_name: name.into(),
            instance_profile_id: None,
            path: Some("/".into()),
            role_names: vec![name.into()],
        });
    }
    arn
}

/// A role trust policy letting `service` assume the role.
pub fn trust(service: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    ]})
}

/// [`inline`] on role `role_name`.
pub fn inline_on(s: &mut Snapshot, role_name: &str, name: &str, document: Value) {
    let r = s
        .iam
        .roles
        .iter_mut()
        .find(|r| r.role_name == role_name)
        .expect("role");
    r.inline_policies
        .get_or_insert_with(Vec::new)
        .push(InlinePolicy {
            policy_name: name.into(),
            document: Some(document),
        });
}

/// An instance `id` in the test region carrying instance profile `profile`.
pub fn instance_with(s: &mut Snapshot, id: &str, profile: &str) {
    let mut i = instance(id);
    i.iam_instance_profile_arn = Some(profile.into());
    region(s).ec2.instances.push(i);
}

/// A one-statement Allow policy.
pub fn allow(action: Value, resource: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": resource}
    ]})
}

/// Records that the global IAM `operation` failed for `resource`.
pub fn iam_fail(s: &mut Snapshot, operation: &str, resource: Option<&str>) {
    s.collection_errors.push(CollectionError {
        service: "iam".into(),
        region: None,
        operation: operation.into(),
        resource: resource.map(str::to_string),
        kind: ErrorKind::AccessDenied,
        code: Some("AccessDenied".into()),
        message: "denied".into(),
    });
}

/// An exposure path to `i-1` in the test region delivering `ports`.
pub fn path_to(instance_id: &str, ports: &[(i32, i32)], uncertain: Option<&str>) -> Exposure {
    let hop = |kind: &str, id: &str| Hop {
        kind: kind.into(),
        id: id.into(),
        label: id.into(),
        gaps: vec![],
    };
    Exposure {
        region: REGION.into(),
        instance_id: instance_id.into(),
        path: ExposurePath {
            protocol: Default::default(),
            kind: PathKind::Direct,
            hops: vec![
                hop("internet", "internet"),
                hop("internet-gateway", "igw-1"),
                hop("instance", instance_id),
            ],
            ports: ports
                .iter()
                .map(|&(from, to)| PortRange { from, to })
                .collect(),
        },
        uncertain: uncertain.map(str::to_string),
    }
}

/// Runs a check with the given exposure paths instead of computed ones.
pub fn run_with_paths(check: &dyn Check, s: &Snapshot, paths: Vec<Exposure>) -> Vec<Outcome> {
    let index = Index::new(s);
    // Computed first, so the region gaps are the snapshot's own.
    let mut exposures = Exposures::compute(&index);
    for e in paths {
        exposures.add(e);
    }
    check.evaluate(&Context::new(s, &index, &exposures))
}

/// Attaches managed policy `arn` (already in the snapshot or known by name,
/// like AdministratorAccess) to role `role_name`.
pub fn attach_on(s: &mut Snapshot, role_name: &str, arn: &str) {
    s.iam
        .roles
        .iter_mut()
        .find(|r| r.role_name == role_name)
        .expect("role")
        .attached_policy_arns
        .get_or_insert_with(Vec::new)
        .push(arn.into());
}
