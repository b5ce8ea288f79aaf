//! API call budget: a scan of the demo account makes exactly the calls the
//! snapshot's contents require, no more. The minimum is computed here from
//! what was collected: per region one paged call per list operation (pages
//! as large as each API allows), per-resource operations exactly once per
//! resource that needs them, tags in batches of 20, IAM in two paged calls
//! plus two per AWS managed policy. Any operation above (or below) its
//! minimum is named in the failure.

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::Snapshot;

use crate::harness::{Emulator, rampart, scan};

/// Pages needed for `n` items at `max` a page: a list call is made even
/// when it returns nothing.
fn pages(n: usize, max: usize) -> u64 {
    n.div_ceil(max).max(1) as u64
}

/// The fewest calls that can produce `s`, by `service:Operation`.
fn minimum(s: &Snapshot) -> BTreeMap<String, u64> {
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    let mut add = |op: &str, n: u64| {
        if n > 0 {
            *want.entry(op.to_string()).or_default() += n;
        }
    };
    // Pre-flight: the caller's identity, and the region list that
    // validates --region.
    add("sts:GetCallerIdentity", 1);
    add("ec2:DescribeRegions", 1);

    for r in s.regions.values() {
        let e = &r.ec2;
        // EC2: one paged list per kind (MaxResults at each API's maximum).
        add("ec2:DescribeVpcs", pages(e.vpcs.len(), 1000));
        add("ec2:DescribeSubnets", pages(e.subnets.len(), 1000));
        add("ec2:DescribeRouteTables", pages(e.route_tables.len(), 100));
        add(
            "ec2:DescribeInternetGateways",
            pages(e.internet_gateways.len(), 1000),
        );
        add(
            "ec2:DescribeEgressOnlyInternetGateways",
            pages(e.egress_only_internet_gateways.len(), 255),
        );
        add("ec2:DescribeNatGateways", pages(e.nat_gateways.len(), 1000));
        add(
            "ec2:DescribeVpcEndpoints",
            pages(e.vpc_endpoints.len(), 1000),
        );
        add(
            "ec2:DescribeManagedPrefixLists",
            pages(e.managed_prefix_lists.len(), 100),
        );
        add(
            "ec2:DescribeSecurityGroups",
            pages(e.security_groups.len(), 1000),
        );
        add("ec2:DescribeNetworkAcls", pages(e.network_acls.len(), 100));
        add(
            "ec2:DescribeNetworkInterfaces",
            pages(e.network_interfaces.len(), 1000),
        );
        add("ec2:DescribeInstances", pages(e.instances.len(), 1000));
        add("ec2:DescribeVolumes", pages(e.volumes.len(), 500));
        add("ec2:DescribeFlowLogs", pages(e.flow_logs.len(), 1000));
        // Unpaged: one call each.
        add("ec2:DescribeAddresses", 1);
        add("ec2:GetEbsEncryptionByDefault", 1);
        add("ec2:GetEbsDefaultKmsKeyId", 1);
        // No batch form: one paged call per prefix list whose entries
        // something reads (a rule or route names it, or it is CloudFront's);
        // none for the others, which keep no entries.
        let read = rampart_model::prefix_lists_to_read(
            &e.managed_prefix_lists,
            &e.security_groups,
            &e.route_tables,
        );
        for pl in &e.managed_prefix_lists {
            if read.contains(&pl.prefix_list_id) {
                let n = pl.entries.as_ref().map_or(0, Vec::len);
                add("ec2:GetManagedPrefixListEntries", pages(n, 100));
            } else {
                assert!(
                    pl.entries.is_none(),
                    "{}: entries read though nothing names it",
                    pl.prefix_list_id
                );
            }
        }

        // ELBv2: two lists, tags 20 ARNs a call, and per load balancer its
        // listeners and attributes, per ALB listener its rules, per target
        // group its health (no batch forms).
        let lbs = &r.elbv2.load_balancers;
        let tgs = &r.elbv2.target_groups;
        add(
            "elasticloadbalancing:DescribeLoadBalancers",
            pages(lbs.len(), 400),
        );
        add(
            "elasticloadbalancing:DescribeTargetGroups",
            pages(tgs.len(), 400),
        );
        add(
            "elasticloadbalancing:DescribeTags",
            lbs.len().div_ceil(20) as u64,
        );
        for lb in lbs {
            let listeners = lb.listeners.as_deref().unwrap_or_default();
            add(
                "elasticloadbalancing:DescribeListeners",
                pages(listeners.len(), 400),
            );
            add("elasticloadbalancing:DescribeLoadBalancerAttributes", 1);
            // HTTPS and TLS listeners: their certificate list (the
            // default is listed too, so never empty).
            for l in listeners {
                if l.is_tls() {
                    let certs = l.sni_certificate_arns.as_ref().map_or(0, Vec::len) + 1;
                    add(
                        "elasticloadbalancing:DescribeListenerCertificates",
                        pages(certs, 400),
                    );
                }
            }
            if lb.lb_type.as_deref() == Some("application") {
                for l in listeners {
                    // The default rule is listed too, so never empty.
                    let rules = l.rules.as_ref().map_or(0, Vec::len) + 1;
                    add("elasticloadbalancing:DescribeRules", pages(rules, 400));
                }
            }
        }
        add(
            "elasticloadbalancing:DescribeTargetHealth",
            tgs.len() as u64,
        );
        add(
            "elasticloadbalancing:DescribeTargetGroupAttributes",
            tgs.len() as u64,
        );

        // API Gateway REST: four lists (limit 500), and per API its
        // resources (methods embedded) and stages.
        let ag = &r.apigateway;
        add("apigateway:GetRestApis", pages(ag.rest_apis.len(), 500));
        add("apigateway:GetVpcLinks", pages(ag.vpc_links.len(), 500));
        add("apigateway:GetUsagePlans", pages(ag.usage_plans.len(), 500));
        add(
            "apigateway:GetDomainNames",
            pages(ag.domain_names.len(), 500),
        );
        // Each custom domain's base path mappings (limit 500).
        for d in &ag.domain_names {
            let n = d.api_mappings.as_ref().map_or(0, Vec::len);
            add("apigateway:GetBasePathMappings", pages(n, 500));
        }
        for api in &ag.rest_apis {
            let resources = api.resources.as_ref().map_or(0, Vec::len);
            add("apigateway:GetResources", pages(resources, 500));
            // Authorizers only for an API with a method that uses one.
            let uses_authorizer =
                api.resources
                    .iter()
                    .flatten()
                    .flat_map(|r| &r.methods)
                    .any(|m| {
                        m.authorizer_id.is_some()
                            || matches!(
                                m.authorization_type.as_deref(),
                                Some("CUSTOM" | "COGNITO_USER_POOLS")
                            )
                    });
            if uses_authorizer {
                let authorizers = api.authorizers.as_ref().map_or(0, Vec::len);
                add("apigateway:GetAuthorizers", pages(authorizers, 500));
            }
            add("apigateway:GetStages", 1);
        }

        // API Gateway v2: two lists, and per HTTP API its routes,
        // integrations, stages, and authorizers only when a route uses one.
        let v2 = &r.apigatewayv2;
        add("apigatewayv2:GetApis", 1);
        add("apigatewayv2:GetVpcLinks", 1);
        // Custom domains, and the API mappings of each Regional one.
        add("apigatewayv2:GetDomainNames", 1);
        for d in v2.domain_names.iter().flatten() {
            if d.endpoint_types.iter().any(|t| t == "REGIONAL") {
                add("apigatewayv2:GetApiMappings", 1);
            }
        }
        for api in &v2.apis {
            add("apigatewayv2:GetRoutes", 1);
            add("apigatewayv2:GetIntegrations", 1);
            add("apigatewayv2:GetStages", 1);
            let uses_authorizer = api
                .routes
                .as_ref()
                .is_some_and(|rs| rs.iter().any(|r| r.authorizer_id.is_some()));
            if uses_authorizer {
                add("apigatewayv2:GetAuthorizers", 1);
            }
        }

        // WAFv2: the list, each ACL in full, logging in one call, and each
        // ACL's associations per resource type (API Gateway, ALB). moto does
        // not implement ListResourcesForWebACL, so the fallback asks
        // GetWebACLForResource once per ALB of a region with ACLs.
        let acls = &r.wafv2.web_acls;
        add("wafv2:ListWebACLs", pages(acls.len(), 100));
        if !acls.is_empty() {
            add("wafv2:GetWebACL", acls.len() as u64);
            add("wafv2:ListLoggingConfigurations", pages(acls.len(), 100));
            add("wafv2:ListResourcesForWebACL", 2 * acls.len() as u64);
            let albs = lbs
                .iter()
                .filter(|lb| lb.lb_type.as_deref() == Some("application"))
                .count();
            add("wafv2:GetWebACLForResource", albs as u64);
        }

        // AMIs: the images the instances run, 200 ids a filter, 1000
        // images a page; no call without instances.
        let amis: std::collections::BTreeSet<&str> = e
            .instances
            .iter()
            .filter_map(|i| i.image_id.as_deref())
            .collect();
        if !amis.is_empty() {
            add("ec2:DescribeImages", amis.len().div_ceil(200) as u64);
        }

        // Fleets: one paged group list (100 a page); when groups reference
        // templates, the region's templates (200 a page) and one version
        // call per referenced template; the named launch configurations (50
        // a call); the IMDS defaults once when any group launches anything;
        // and the AMIs the launches name that no instance runs.
        if let Some(a) = &r.autoscaling {
            add(
                "autoscaling:DescribeAutoScalingGroups",
                pages(a.groups.len(), 100),
            );
            let templates = a.groups.iter().any(|g| !g.launch_templates.is_empty());
            let configs: std::collections::BTreeSet<&str> = a
                .groups
                .iter()
                .filter_map(|g| g.launch_configuration_name.as_deref())
                .collect();
            if templates {
                add(
                    "ec2:DescribeLaunchTemplates",
                    pages(a.launch_templates.len(), 200),
                );
                add(
                    "ec2:DescribeLaunchTemplateVersions",
                    a.launch_templates.len() as u64,
                );
            }
            if !configs.is_empty() {
                add(
                    "autoscaling:DescribeLaunchConfigurations",
                    configs.len().div_ceil(50) as u64,
                );
            }
            if templates || !configs.is_empty() {
                add("ec2:GetInstanceMetadataDefaults", 1);
            }
            let extra: std::collections::BTreeSet<&str> = a
                .launch_templates
                .iter()
                .flat_map(|t| &t.versions)
                .map(|v| &v.spec)
                .chain(a.launch_configurations.iter().map(|c| &c.spec))
                .filter_map(|s| s.image_id.as_deref())
                .filter(|id| id.starts_with("ami-") && !amis.contains(id))
                .collect();
            if !extra.is_empty() {
                add("ec2:DescribeImages", extra.len().div_ceil(200) as u64);
            }
        }

        // Systems Manager: one paged list of managed nodes (50 a page), and
        // only when some are managed, their patch states in batches of 50
        // ids (100 states a page).
        if let Some(ssm) = &r.ssm {
            let managed = ssm.managed_instances.len();
            add("ssm:DescribeInstanceInformation", pages(managed, 50));
            add(
                "ssm:DescribeInstancePatchStates",
                managed.div_ceil(50) as u64,
            );
        }

        // KMS: each key behind a volume or the EBS default described once,
        // and the rotation of each customer managed symmetric KMS-made key.
        if let Some(kms) = &r.kms {
            add("kms:DescribeKey", kms.keys.len() as u64);
            let rotating = kms
                .keys
                .iter()
                .filter(|k| k.automatic_rotation_applies())
                .count();
            add("kms:GetKeyRotationStatus", rotating as u64);
        }

        // Inspector: the account's status; where EC2 scanning is not
        // disabled, the coverage (200 a page), the per-instance counts (100
        // a page) and two finding lists (critical package vulnerabilities,
        // network reachability; 100 a page).
        if let Some(i) = &r.inspector {
            add("inspector2:BatchGetAccountStatus", 1);
            if i.ec2_status.as_deref().is_some_and(|s| s != "DISABLED") {
                add("inspector2:ListCoverage", pages(i.coverage.len(), 200));
                add(
                    "inspector2:ListFindingAggregations",
                    pages(i.findings.len(), 100),
                );
                let critical: i64 = i.findings.iter().map(|f| f.critical_open).sum();
                let reachable = i.findings.iter().map(|f| f.reachable_ports.len()).sum();
                add(
                    "inspector2:ListFindings",
                    pages(critical as usize, 100) + pages(reachable, 100),
                );
            }
        }

        // CloudTrail: one (unpaged) trail list, and per listed trail its
        // status and its event selectors in this region.
        if let Some(ct) = &r.cloudtrail {
            add("cloudtrail:DescribeTrails", 1);
            add("cloudtrail:GetTrailStatus", ct.trails.len() as u64);
            add("cloudtrail:GetEventSelectors", ct.trails.len() as u64);
        }

        // GuardDuty: one paged detector list (50 a page), and each
        // detector's state.
        if let Some(gd) = &r.guardduty {
            add("guardduty:ListDetectors", pages(gd.detectors.len(), 50));
            add("guardduty:GetDetector", gd.detectors.len() as u64);
        }

        // ECS: one paged cluster list (100 a page); per cluster its
        // services (100 a page) described 10 a call and its running tasks
        // (100 a page) described 100 a call; each task definition a
        // service or task names described once.
        if let Some(ecs) = &r.ecs {
            add("ecs:ListClusters", pages(ecs.clusters.len(), 100));
            for c in &ecs.clusters {
                let services = c.services.as_ref().map_or(0, Vec::len);
                add("ecs:ListServices", pages(services, 100));
                add("ecs:DescribeServices", services.div_ceil(10) as u64);
                let tasks = c.tasks.as_ref().map_or(0, Vec::len);
                add("ecs:ListTasks", pages(tasks, 100));
                add("ecs:DescribeTasks", tasks.div_ceil(100) as u64);
            }
            add(
                "ecs:DescribeTaskDefinition",
                ecs.task_definitions.len() as u64,
            );
        }

        // Cloud Map: one paged service list (100 a page), and each
        // service's instances (100 a page).
        if let Some(cm) = &r.cloudmap {
            add(
                "servicediscovery:ListServices",
                pages(cm.services.len(), 100),
            );
            for svc in &cm.services {
                let n = svc.instances.as_ref().map_or(0, Vec::len);
                add("servicediscovery:ListInstances", pages(n, 100));
            }
        }

        // ACM: each certificate a listener or custom domain presents,
        // described once (whichever region its ARN names).
        add(
            "acm:DescribeCertificate",
            r.acm_certificate_arns().len() as u64,
        );
    }

    // Shield (global, once): the subscription state, and only for a
    // subscriber the protections (10,000 a page).
    if let Some(sh) = &s.shield {
        add("shield:GetSubscriptionState", 1);
        if sh.subscribed() {
            add(
                "shield:ListProtections",
                pages(sh.protections.len(), 10_000),
            );
        }
    }

    // CloudFront (global, once, in us-east-1): the distributions (1,000 a
    // page), each VPC origin they name once, and the CLOUDFRONT-scope web
    // ACLs as the regional ones are read: the list, each ACL in full and
    // logging in one call (no associations: the distributions name their
    // ACL).
    if let Some(cf) = &s.cloudfront {
        add(
            "cloudfront:ListDistributions",
            pages(cf.distributions.len(), 1000),
        );
        let named: BTreeSet<&str> = cf
            .distributions
            .iter()
            .flat_map(|d| &d.origins)
            .filter_map(|o| o.vpc_origin_id.as_deref())
            .collect();
        add("cloudfront:GetVpcOrigin", named.len() as u64);
        let acls = &cf.web_acls;
        add("wafv2:ListWebACLs", pages(acls.len(), 100));
        if !acls.is_empty() {
            add("wafv2:GetWebACL", acls.len() as u64);
            add("wafv2:ListLoggingConfigurations", pages(acls.len(), 100));
        }
    }

    // IAM (global): instance profiles and the authorization details
    // (roles with inline and attached policies, customer managed policies),
    // then per AWS managed policy attached to an instance role its
    // metadata and default version.
    add(
        "iam:ListInstanceProfiles",
        pages(s.iam.instance_profiles.len(), 1000),
    );
    add("iam:GetAccountAuthorizationDetails", 1);
    let aws_managed = s
        .iam
        .policies
        .iter()
        .filter(|p| p.arn.starts_with("arn:aws:iam::aws:policy/"))
        .count() as u64;
    add("iam:GetPolicy", aws_managed);
    add("iam:GetPolicyVersion", aws_managed);
    want
}

/// Every operation whose count differs from its minimum, one line each.
fn differences(got: &BTreeMap<String, u64>, want: &BTreeMap<String, u64>) -> Vec<String> {
    let mut out = Vec::new();
    for op in got.keys().chain(want.keys()) {
        let (g, w) = (
            got.get(op).copied().unwrap_or(0),
            want.get(op).copied().unwrap_or(0),
        );
        let line = match g.cmp(&w) {
            std::cmp::Ordering::Greater => format!("{op}: {g} calls, minimum {w} (+{})", g - w),
            std::cmp::Ordering::Less => format!("{op}: {g} calls, expected {w}"),
            std::cmp::Ordering::Equal => continue,
        };
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

#[test]
fn a_demo_scan_makes_exactly_the_minimum_api_calls() {
    let emu = Emulator::start();
    emu.seed("demo");
    let out = emu.dir().join("calls.json");
    let (run, snap) = scan(&emu, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = snap.expect("snapshot");
    assert!(s.is_complete(), "{:?}", s.collection_errors);
    // The AWS-managed lists nothing names are there, and cost no call.
    assert!(
        s.regions
            .values()
            .flat_map(|r| &r.ec2.managed_prefix_lists)
            .any(|l| l.entries.is_none()),
        "the demo has no prefix list that nothing names"
    );
    // The demo is big enough that every kind of call happens.
    for op in [
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTags",
        "apigateway:GetResources",
        "wafv2:GetWebACL",
        "iam:GetAccountAuthorizationDetails",
        "iam:GetPolicyVersion",
        "ssm:DescribeInstanceInformation",
        "ssm:DescribeInstancePatchStates",
        "kms:DescribeKey",
        "kms:GetKeyRotationStatus",
        "acm:DescribeCertificate",
        "elasticloadbalancing:DescribeListenerCertificates",
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeLaunchConfigurations",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceMetadataDefaults",
        "inspector2:BatchGetAccountStatus",
        "inspector2:ListCoverage",
        "inspector2:ListFindingAggregations",
        "inspector2:ListFindings",
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "guardduty:ListDetectors",
        "guardduty:GetDetector",
        "shield:GetSubscriptionState",
        "shield:ListProtections",
        "cloudfront:ListDistributions",
        "cloudfront:GetVpcOrigin",
        "ecs:ListClusters",
        "ecs:ListServices",
        "ecs:DescribeServices",
        "ecs:ListTasks",
        "ecs:DescribeTasks",
        "ecs:DescribeTaskDefinition",
        "servicediscovery:ListServices",
        "servicediscovery:ListInstances",
    ] {
        assert!(s.api_calls.contains_key(op), "{op} was never called");
    }
    let want = minimum(&s);
    let diff = differences(&s.api_calls, &want);
    assert!(
        diff.is_empty(),
        "API calls differ from the minimum the snapshot needs:\n  {}",
        diff.join("\n  ")
    );
    let total: u64 = s.api_calls.values().sum();
    assert_eq!(total, want.values().sum::<u64>());

    // `-v` shows the same counts as a table, with what each per-resource
    // operation covered.
    let v = rampart(&["-v", "summary", out.to_str().unwrap()], &[]);
    assert_eq!(v.code, 0, "{}", v.stderr);
    let lbs: usize = s
        .regions
        .values()
        .map(|r| r.elbv2.load_balancers.len())
        .sum();
    for (op, n) in &s.api_calls {
        let row = v
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(op.as_str()))
            .unwrap_or_else(|| panic!("no row for {op} in:\n{}", v.stdout));
        assert_eq!(
            row.split_whitespace().nth(1),
            Some(n.to_string().as_str()),
            "{row}"
        );
        if op == "elasticloadbalancing:DescribeListeners" {
            assert!(row.ends_with(&format!("{lbs} load balancers")), "{row}");
        }
    }
    // Without -v, no table.
    let quiet = rampart(&["summary", out.to_str().unwrap()], &[]);
    assert!(!quiet.stdout.contains("operation"), "{}", quiet.stdout);
}

#[test]
fn differences_name_the_operation_over_its_minimum() {
    let want = BTreeMap::from([("ec2:DescribeVpcs".to_string(), 2)]);
    let got = BTreeMap::from([
        ("ec2:DescribeVpcs".to_string(), 3),
        ("iam:GetRolePolicy".to_string(), 2),
    ]);
    assert_eq!(
        differences(&got, &want),
        vec![
            "ec2:DescribeVpcs: 3 calls, minimum 2 (+1)",
            "iam:GetRolePolicy: 2 calls, minimum 0 (+2)",
        ]
    );
    assert!(differences(&want, &want).is_empty());
}
