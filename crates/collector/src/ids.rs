//! Resource identifiers: the shapes AWS gives them, and the rule that an
//! answer holding a resource whose identifier is empty or malformed is not
//! an answer. A resource with an empty id is what a half-read document
//! turns into (the SDK fills a missing string with nothing); kept, it
//! would be a resource that exists nowhere, and dropped alone, a resource
//! silently lost. Either way a check could judge an account that is not
//! the one scanned, so the whole list of that call is refused: the call is
//! recorded as a collection error naming the resource (see
//! [`crate::ctx::Ctx::well_formed`]) and every check that reads it is not
//! evaluated.

/// What a resource identifier looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdShape {
    /// An EC2 resource id: the type's prefix, a hyphen and 8 or 17
    /// lowercase letters and digits (`i-1234567890abcdef0`, `sg-1a2b3c4d`).
    /// <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html>
    Ec2(&'static str),
    /// An ARN of `service` whose resource part starts with `resource/`
    /// (`arn:aws:iam::123456789012:role/app`,
    /// `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188`).
    /// The account is 12 digits, or `aws` for AWS managed IAM policies.
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>
    Arn {
        service: &'static str,
        resource: &'static str,
    },
    /// An API Gateway identifier (REST API, resource, stage-less ids, VPC
    /// link, usage plan; v2 API, route, integration): letters and digits
    /// only (`a1b2c3d4e5`).
    ApiGateway,
    /// A name AWS chose or checked (a custom domain name): not empty, no
    /// whitespace or control character.
    Name,
}

impl IdShape {
    /// Whether `id` has this shape.
    pub(crate) fn accepts(self, id: &str) -> bool {
        match self {
            IdShape::Ec2(prefix) => id
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|tail| {
                    matches!(tail.len(), 8 | 17)
                        && tail
                            .bytes()
                            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
                }),
            IdShape::Arn { service, resource } => arn(id, service, resource),
            IdShape::ApiGateway => {
                (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
            }
            IdShape::Name => {
                !id.is_empty() && !id.chars().any(|c| c.is_whitespace() || c.is_control())
            }
        }
    }

    /// The shape in words, for the error message.
    pub(crate) fn describe(self) -> String {
        match self {
            IdShape::Ec2(prefix) => {
                format!("{prefix}- followed by 8 or 17 lowercase letters and digits")
            }
            IdShape::Arn { service, resource } => {
                format!("arn:PARTITION:{service}:REGION:ACCOUNT:{resource}/...")
            }
            IdShape::ApiGateway => "letters and digits".to_string(),
            IdShape::Name => "a name without spaces".to_string(),
        }
    }
}

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` with the given service
/// and a resource that starts with `resource/` and goes on.
fn arn(id: &str, service: &str, resource: &str) -> bool {
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    let [scheme, partition, svc, region, account, rest] = parts[..] else {
        return false;
    };
    let partition_ok = !partition.is_empty()
        && partition
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-');
    let region_ok = region
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let account_ok =
        (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())) || account == "aws";
    scheme == "arn"
        && partition_ok
        && svc == service
        && region_ok
        && account_ok
        && rest
            .strip_prefix(resource)
            .and_then(|r| r.strip_prefix('/'))
            .is_some_and(|r| !r.is_empty() && !r.chars().any(char::is_control))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec2_ids_are_their_prefix_and_8_or_17_characters() {
        let i = IdShape::Ec2("i");
        for ok in ["i-1234567890abcdef0", "i-1a2b3c4d"] {
            assert!(i.accepts(ok), "{ok}");
        }
        for bad in [
            "",
            "i-",
            "i-123",
            "i-1234567890ABCDEF0",
            "i-1234567890abcdef",
            "sg-1234567890abcdef0",
            "i1234567890abcdef0",
            "i-1234567890abcdef0 ",
        ] {
            assert!(!i.accepts(bad), "{bad:?}");
        }
        assert!(IdShape::Ec2("subnet").accepts("subnet-0bb1c79de3EXAMPLE".to_lowercase().as_str()));
        assert!(!IdShape::Ec2("sg").accepts("sgr-1234567890abcdef0"));
    }

    #[test]
    fn arns_name_their_service_and_resource_type() {
        let role = IdShape::Arn {
            service: "iam",
            resource: "role",
        };
        assert!(role.accepts("arn:aws:iam::123456789012:role/app"));
        assert!(role.accepts("arn:aws-cn:iam::123456789012:role/path/app"));
        for bad in [
            "",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::123456789012:user/app",
            "arn:aws:sts::123456789012:role/app",
            "arn:aws:iam::1234:role/app",
            "arn:aws:iam:123456789012:role/app",
            "arn::iam::123456789012:role/app",
        ] {
            assert!(!role.accepts(bad), "{bad:?}");
        }
        let policy = IdShape::Arn {
            service: "iam",
            resource: "policy",
        };
        assert!(policy.accepts("arn:aws:iam::aws:policy/AdministratorAccess"));
        let lb = IdShape::Arn {
            service: "elasticloadbalancing",
            resource: "loadbalancer",
        };
        assert!(lb.accepts(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"
        ));
        assert!(!lb.accepts(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/50dc6c495c0c9188"
        ));
    }

    #[test]
    fn api_gateway_ids_and_names() {
        assert!(IdShape::ApiGateway.accepts("a1b2c3d4e5"));
        assert!(!IdShape::ApiGateway.accepts(""));
        assert!(!IdShape::ApiGateway.accepts("a1b2/c3"));
        assert!(IdShape::Name.accepts("api.example.com"));
        assert!(!IdShape::Name.accepts(""));
        assert!(!IdShape::Name.accepts("api example"));
    }
}
