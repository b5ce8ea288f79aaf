//! Everything rampart writes to the terminal: errors (one line, prefixed),
//! the scan progress display (stderr, only on a terminal), and the snapshot
//! summary. The only module allowed to print (see clippy.toml).
#![allow(clippy::disallowed_macros)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::io::IsTerminal;
use std::path::Path;
#[cfg(feature = "scan")]
use std::sync::{Arc, Mutex};
#[cfg(feature = "scan")]
use std::time::Duration;

#[cfg(feature = "scan")]
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
#[cfg(feature = "scan")]
use rampart_collector::progress::{Progress, Silent, Task};
use rampart_model::Snapshot;

/// `-v` given: the scan summary adds the API call table.
static VERBOSE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

pub fn init_logging(verbose: u8) {
    VERBOSE.store(verbose, std::sync::atomic::Ordering::Relaxed);
    let default = match verbose {
        0 => "error",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // The AWS SDK's crates print the resolved identity (its access key id)
    // at debug, and signing inputs and whole response bodies (tag values as
    // the service sent them) at trace: they log at info at most, whatever
    // -vv or RUST_LOG ask for (a separate filter, so a more specific
    // RUST_LOG directive cannot lift it).
    let sdk_cap = tracing_subscriber::filter::filter_fn(|meta| {
        !meta.target().starts_with("aws_") || *meta.level() <= tracing::Level::INFO
    });
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    tracing_subscriber::registry()
        .with(filter)
        .with(sdk_cap)
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_target(false)
                // No colour codes in a log file or a pipe.
                .with_ansi(std::io::stderr().is_terminal()),
        )
        .init();
}

/// One informational line on stderr, `rampart: ...` (`-v` output such as
/// the check phase timings).
pub fn note(message: &str) {
    eprintln!("rampart: {}", clean(message));
}

/// One line on stderr, `rampart: error: ...`, with control characters
/// removed so a hostile value cannot drive the terminal.
pub fn error(e: &dyn Display) {
    eprintln!("rampart: error: {}", clean(&e.to_string()));
}

/// The last line of an interrupted run, on stderr, on a line of its own
/// (a progress bar may have left the cursor mid-line).
pub fn interrupted(message: &str) {
    eprintln!("\nrampart: {}", clean(message));
}

/// One warning line on stderr, `rampart: warning: ...`.
pub fn warn(message: &str) {
    eprintln!("rampart: warning: {}", clean(message));
}

/// `rampart audit`'s closing lines on stdout: the counts a scheduler's log
/// should show, what changed since the previous run, and where it all is.
#[cfg(feature = "scan")]
pub fn audit_summary(
    r: &rampart_model::Report,
    run_dir: &Path,
    files: &[std::path::PathBuf],
    previous: Option<&Path>,
) {
    println!("{}", render_audit_summary(r, run_dir, files, previous));
}

#[cfg(feature = "scan")]
fn render_audit_summary(
    r: &rampart_model::Report,
    run_dir: &Path,
    files: &[std::path::PathBuf],
    previous: Option<&Path>,
) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "account {}: {} backend(s); {} failing, {} suppressed, {} not evaluated, {} passing{}",
        r.snapshot.account_id,
        r.scorecards.len(),
        r.summary.fail,
        r.summary.suppressed,
        r.summary.not_evaluated,
        r.summary.pass,
        if r.snapshot.complete {
            String::new()
        } else {
            format!(
                " (INCOMPLETE: {} collection error(s))",
                r.snapshot.collection_errors
            )
        }
    );
    if let Some(source) = &r.snapshot.credential_source {
        let _ = writeln!(s, "credentials: {}", clean(source));
    }
    if !r.summary.failing_by_severity.is_empty() {
        let by: Vec<String> = rampart_model::Severity::ALL
            .iter()
            .rev()
            .filter_map(|sev| {
                r.summary
                    .failing_by_severity
                    .get(sev)
                    .map(|n| format!("{n} {}", sev.as_str()))
            })
            .collect();
        let _ = writeln!(s, "failing by severity: {}", by.join(", "));
    }
    match &r.baseline {
        Some(b) => {
            let _ = writeln!(
                s,
                "since {}{}: {} new, {} resolved, {} unchanged, {} unknown{}",
                b.source,
                if previous.is_some() {
                    " (previous run)"
                } else {
                    ""
                },
                b.new,
                b.resolved.len(),
                b.unchanged,
                b.unknown.len(),
                if b.not_compared.is_empty() {
                    String::new()
                } else {
                    format!(", {} not compared", b.not_compared.len())
                }
            );
            for f in r
                .findings
                .iter()
                .filter(|f| f.baseline == Some(rampart_model::baseline::Change::New))
            {
                // New but accepted in rampart.toml: --fail-on-new does not
                // gate on it, so say why rather than list it as if it did.
                let accepted = f
                    .suppressed
                    .as_ref()
                    .map(|x| format!(" (suppressed: {}, {})", clean(&x.reason), clean(&x.source)))
                    .unwrap_or_default();
                let _ = writeln!(
                    s,
                    "  new: [{}] {} {}{accepted}",
                    f.severity.as_str(),
                    f.check_id,
                    clean(&f.resource_arn)
                );
            }
            for f in &b.resolved {
                let _ = writeln!(
                    s,
                    "  resolved: [{}] {} {}",
                    f.severity.as_str(),
                    f.check_id,
                    clean(&f.resource_arn)
                );
            }
            for n in &b.not_compared {
                let _ = writeln!(
                    s,
                    "  not compared: [{}] {} {} ({}; {})",
                    n.finding.severity.as_str(),
                    n.finding.check_id,
                    clean(&n.finding.resource_arn),
                    match n.side {
                        rampart_model::baseline::Side::Previous => "failing in the baseline",
                        rampart_model::baseline::Side::Current => "failing now",
                    },
                    clean(&n.reason)
                );
            }
        }
        None => {
            let _ = writeln!(s, "no previous run to compare with");
        }
    }
    for e in &r.expired_suppressions {
        let _ = writeln!(
            s,
            "warning: suppression {} ({}) expired on {}; {} finding(s) count again",
            clean(&e.source),
            clean(&e.selectors),
            rampart_model::date::format(e.expired),
            e.matching_findings
        );
    }
    let _ = writeln!(s, "run: {}", run_dir.display());
    for f in files {
        let _ = writeln!(s, "  {}", f.display());
    }
    s.trim_end().to_string()
}

/// Colour and width for the table report on stdout: colour only on a
/// terminal and only when neither `--no-color` nor a non-empty `NO_COLOR`
/// (no-color.org) says otherwise; the width is the terminal's, else
/// `COLUMNS`, else [`FILE_WIDTH`] (a log or a pipe reads best at a fixed,
/// moderate width rather than as one unbounded line per row).
pub fn terminal(no_color: bool) -> (bool, Option<u16>) {
    let columns = || {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|c| *c >= 40)
    };
    if !std::io::stdout().is_terminal() {
        return (false, Some(columns().unwrap_or(FILE_WIDTH)));
    }
    let env_says_no = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let width = console::Term::stdout()
        .size_checked()
        .map(|(_, w)| w)
        .or_else(columns);
    (!no_color && !env_says_no, width)
}

/// The table report's width in a file or a pipe.
pub const FILE_WIDTH: u16 = 120;

/// Control characters and bidi overrides replaced (`rampart_reporter::clean`):
/// one cleaning rule for every place account text reaches a terminal.
fn clean(s: &str) -> String {
    rampart_reporter::clean(s)
}

/// A progress display for `tasks` (service, region) units: a bar with the
/// tasks still running, on stderr, only when stderr is a terminal.
#[cfg(feature = "scan")]
pub fn progress(tasks: usize, quiet: bool, regions: &[String]) -> Arc<dyn Progress> {
    if quiet || !std::io::stderr().is_terminal() {
        return Arc::new(Silent);
    }
    let bar = ProgressBar::with_draw_target(Some(tasks as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} scanning [{elapsed_precise}] {bar:24} {pos}/{len} {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(format!("{} region(s)", regions.len()));
    bar.enable_steady_tick(Duration::from_millis(120));
    Arc::new(Bar {
        bar,
        running: Mutex::new(BTreeSet::new()),
    })
}

#[cfg(feature = "scan")]
struct Bar {
    bar: ProgressBar,
    running: Mutex<BTreeSet<String>>,
}

#[cfg(feature = "scan")]
impl Bar {
    fn refresh(&self, running: &BTreeSet<String>) {
        let list: Vec<&str> = running.iter().map(String::as_str).take(4).collect();
        let more = running.len().saturating_sub(list.len());
        let msg = if more > 0 {
            format!("{} +{more}", list.join(", "))
        } else {
            list.join(", ")
        };
        self.bar.set_message(msg);
    }
}

#[cfg(feature = "scan")]
impl Progress for Bar {
    fn started(&self, task: &Task) {
        let mut running = self.running.lock().expect("progress state poisoned");
        running.insert(task.to_string());
        self.refresh(&running);
    }

    fn finished(&self, task: &Task, _resources: usize) {
        let mut running = self.running.lock().expect("progress state poisoned");
        running.remove(&task.to_string());
        self.bar.inc(1);
        self.refresh(&running);
    }
}

#[cfg(feature = "scan")]
impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// The closing summary of a scan (or of a snapshot file), on stdout.
pub fn summary(s: &Snapshot, path: Option<&Path>) {
    print!("{}", render_summary(s, path));
    if VERBOSE.load(std::sync::atomic::Ordering::Relaxed) > 0 {
        print!("{}", render_calls(s));
    }
}

/// What a per-resource operation is called for, counted in the snapshot:
/// `(resources, noun)`. List operations (one paged call per region) have
/// none.
fn covered(s: &Snapshot, op: &str) -> Option<(usize, &'static str)> {
    use rampart_model::RegionInventory as R;
    let sum = |f: &dyn Fn(&R) -> usize| s.regions.values().map(f).sum::<usize>();
    let lbs = |r: &R| r.elbv2.load_balancers.len();
    let albs = |r: &R| {
        r.elbv2
            .load_balancers
            .iter()
            .filter(|lb| lb.lb_type.as_deref() == Some("application"))
            .count()
    };
    let rest = |r: &R| r.apigateway.rest_apis.len();
    let http = |r: &R| r.apigatewayv2.apis.len();
    let acls = |r: &R| r.wafv2.web_acls.len();
    Some(match op {
        "ec2:GetManagedPrefixListEntries" => {
            (sum(&|r| r.ec2.managed_prefix_lists.len()), "prefix lists")
        }
        "elasticloadbalancing:DescribeListeners"
        | "elasticloadbalancing:DescribeLoadBalancerAttributes"
        | "elasticloadbalancing:DescribeTags" => (sum(&lbs), "load balancers"),
        "elasticloadbalancing:DescribeRules" => (
            sum(&|r| {
                r.elbv2
                    .load_balancers
                    .iter()
                    .filter(|lb| lb.lb_type.as_deref() == Some("application"))
                    .map(|lb| lb.listeners.as_ref().map_or(0, Vec::len))
                    .sum()
            }),
            "ALB listeners",
        ),
        "elasticloadbalancing:DescribeTargetHealth" => {
            (sum(&|r| r.elbv2.target_groups.len()), "target groups")
        }
        "apigateway:GetResources" | "apigateway:GetAuthorizers" | "apigateway:GetStages" => {
            (sum(&rest), "REST APIs")
        }
        "apigatewayv2:GetRoutes"
        | "apigatewayv2:GetIntegrations"
        | "apigatewayv2:GetStages"
        | "apigatewayv2:GetAuthorizers" => (sum(&http), "HTTP APIs"),
        "wafv2:GetWebACL" | "wafv2:GetLoggingConfiguration" => (sum(&acls), "web ACLs"),
        "wafv2:ListResourcesForWebACL" => (sum(&acls) * 2, "web ACL x resource type"),
        "wafv2:GetWebACLForResource" => (sum(&albs), "ALBs"),
        "iam:GetPolicy" | "iam:GetPolicyVersion" => (
            s.iam
                .policies
                .iter()
                .filter(|p| p.arn.starts_with("arn:aws:iam::aws:policy/"))
                .count(),
            "AWS managed policies",
        ),
        _ => return None,
    })
}

/// `-v`: every operation the scan called, how often, and for per-resource
/// operations how many resources that covered.
fn render_calls(s: &Snapshot) -> String {
    use std::fmt::Write;
    let width = s
        .api_calls
        .keys()
        .map(String::len)
        .max()
        .unwrap_or(9)
        .max(9);
    let mut out = format!("\n  {:width$} {:>6}  covers\n", "operation", "calls");
    for (op, n) in &s.api_calls {
        let cover = covered(s, op)
            .map(|(k, noun)| format!("{k} {noun}"))
            .unwrap_or_else(|| "list or account setting".to_string());
        let _ = writeln!(out, "  {op:width$} {n:>6}  {cover}");
    }
    out
}

fn render_summary(s: &Snapshot, path: Option<&Path>) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let secs = s.scan_duration_ms as f64 / 1000.0;
    let _ = writeln!(
        out,
        "account {} ({}), {} region(s), scanned {} in {secs:.1} s by {}",
        s.account_id,
        s.partition,
        s.regions.len(),
        s.collected_at
            .format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .unwrap_or_default(),
        clean(&s.caller_arn),
    );
    // Which credentials chose the account: said before anything else, so
    // a scan of the wrong account is seen at once.
    if let Some(source) = &s.credential_source {
        let _ = writeln!(out, "credentials: {}", clean(source));
    }
    type Count = fn(&rampart_model::RegionInventory) -> usize;
    let cols: [(&str, Count); 13] = [
        ("vpcs", |r| r.ec2.vpcs.len()),
        ("subnets", |r| r.ec2.subnets.len()),
        ("routes", |r| r.ec2.route_tables.len()),
        ("sgs", |r| r.ec2.security_groups.len()),
        ("nacls", |r| r.ec2.network_acls.len()),
        ("enis", |r| r.ec2.network_interfaces.len()),
        ("instances", |r| r.ec2.instances.len()),
        ("volumes", |r| r.ec2.volumes.len()),
        ("lbs", |r| r.elbv2.load_balancers.len()),
        ("tgs", |r| r.elbv2.target_groups.len()),
        ("rest-apis", |r| r.apigateway.rest_apis.len()),
        ("http-apis", |r| r.apigatewayv2.apis.len()),
        ("web-acls", |r| r.wafv2.web_acls.len()),
    ];
    let width = s.regions.keys().map(String::len).max().unwrap_or(6).max(6);
    let _ = write!(out, "\n  {:width$}", "region");
    for (name, _) in &cols {
        let _ = write!(out, " {name:>w$}", w = name.len().max(4));
    }
    out.push('\n');
    for (name, inv) in &s.regions {
        let _ = write!(out, "  {name:width$}");
        for (col, f) in &cols {
            let _ = write!(out, " {:>w$}", f(inv), w = col.len().max(4));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "  {:width$} {} instance profile(s), {} role(s), {} managed polic(ies)",
        "iam",
        s.iam.instance_profiles.len(),
        s.iam.roles.len(),
        s.iam.policies.len()
    );
    if let Some(cf) = &s.cloudfront {
        let _ = writeln!(
            out,
            "  {:width$} {} distribution(s), {} CLOUDFRONT-scope web ACL(s), {} VPC origin(s)",
            "cloudfront",
            cf.distributions.len(),
            cf.web_acls.len(),
            cf.vpc_origins.len()
        );
    }
    // ECS and Cloud Map per region (issue 16 items 3 and 4), where any was
    // found: tasks are backends beside instances.
    for (name, inv) in &s.regions {
        let ecs = inv.ecs.as_ref();
        let (clusters, services, tasks) = ecs.map_or((0, 0, 0), |e| {
            (e.clusters.len(), e.services().count(), e.tasks().count())
        });
        let cloudmap = inv.cloudmap.as_ref().map_or(0, |c| c.services.len());
        if clusters + cloudmap > 0 {
            let _ = writeln!(
                out,
                "  {name:width$} ecs: {clusters} cluster(s), {services} service(s), {tasks} running task(s); cloud map: {cloudmap} service(s)"
            );
        }
    }
    if let Some(shield) = &s.shield {
        let state = shield
            .subscription_state
            .as_deref()
            .unwrap_or("not collected");
        let _ = writeln!(
            out,
            "  {:width$} Shield Advanced subscription {state}, {} protection(s)",
            "shield",
            shield.protections.len()
        );
    }

    let mut per_service: BTreeMap<&str, u64> = BTreeMap::new();
    for (op, n) in &s.api_calls {
        let service = op.split(':').next().unwrap_or(op);
        *per_service.entry(service).or_default() += n;
    }
    let total: u64 = per_service.values().sum();
    let by_service: Vec<String> = per_service
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    let _ = writeln!(out, "\napi calls: {total} ({})", by_service.join(", "));

    if s.collection_errors.is_empty() {
        let _ = writeln!(out, "collection errors: none");
    } else {
        let _ = writeln!(out, "collection errors: {}", s.collection_errors.len());
        for e in &s.collection_errors {
            let _ = writeln!(
                out,
                "  {} {}{} {}: {}",
                e.region.as_deref().unwrap_or("global"),
                e.operation,
                e.resource
                    .as_deref()
                    .map(|r| format!(" [{}]", clean(r)))
                    .unwrap_or_default(),
                e.kind.as_str(),
                clean(&e.message),
            );
        }
    }
    if let Some(p) = path {
        let state = if s.is_complete() {
            "complete"
        } else {
            "INCOMPLETE: checks that need the missing data will be not evaluated"
        };
        let _ = writeln!(out, "snapshot: {} ({state})", p.display());
    }
    out
}

/// `rampart paths` as text: one block per instance, one line per path.
pub fn paths_table(exposures: &[&rampart_checks::paths::Exposure]) {
    if exposures.is_empty() {
        println!("no exposure paths: no instance is reachable from the internet");
        return;
    }
    let mut last: Option<(&str, &str)> = None;
    for e in exposures {
        let key = (e.region.as_str(), e.instance_id.as_str());
        if last != Some(key) {
            println!("{} ({})", clean(&e.instance_id), clean(&e.region));
            last = Some(key);
        }
        let ports: Vec<String> = e
            .path
            .ports
            .iter()
            .map(|p| {
                if p.from == p.to {
                    p.from.to_string()
                } else {
                    format!("{}-{}", p.from, p.to)
                }
            })
            .collect();
        println!(
            "  [{}] {}  ports {}{}",
            kind(e.path.kind),
            clean(&e.path.to_string()),
            if ports.is_empty() {
                "?".to_string()
            } else {
                ports.join(",")
            },
            e.uncertain
                .as_deref()
                .map(|u| format!("  (uncertain: {})", clean(u)))
                .unwrap_or_default()
        );
    }
}

fn kind(k: rampart_model::PathKind) -> &'static str {
    match k {
        rampart_model::PathKind::Direct => "direct",
        rampart_model::PathKind::LoadBalancer => "load-balancer",
        rampart_model::PathKind::Gateway => "gateway",
        rampart_model::PathKind::CloudFront => "cloudfront",
    }
}

/// One exposure as JSON.
#[derive(serde::Serialize)]
pub struct PathJson<'a> {
    pub region: &'a str,
    pub instance_id: &'a str,
    #[serde(flatten)]
    pub path: &'a rampart_model::ExposurePath,
    pub rendered: String,
    pub uncertain: Option<&'a str>,
}

impl<'a> From<&'a rampart_checks::paths::Exposure> for PathJson<'a> {
    fn from(e: &'a rampart_checks::paths::Exposure) -> Self {
        PathJson {
            region: &e.region,
            instance_id: &e.instance_id,
            path: &e.path,
            rendered: e.path.to_string(),
            uncertain: e.uncertain.as_deref(),
        }
    }
}

/// Pretty JSON on stdout.
pub fn json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        Err(e) => error(&e),
    }
}

/// Runs a writer against stdout (locked, buffered); a closed pipe is not an error.
pub fn emit_stdout(
    f: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    match f(&mut w).and_then(|()| w.flush()) {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

/// Also when a serialiser wrapped the pipe's error: the JSON and SARIF
/// emitters turn serde_json's error into `io::Error::other`, whose `source`
/// chain skips the I/O error itself.
fn is_broken_pipe(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return true;
    }
    match e.get_ref() {
        Some(inner) => {
            if let Some(io) = inner.downcast_ref::<std::io::Error>() {
                is_broken_pipe(io)
            } else if let Some(json) = inner.downcast_ref::<serde_json::Error>() {
                json.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe)
            } else {
                false
            }
        }
        None => false,
    }
}

/// Bytes as they are on stdout (completion scripts, the man page); a closed
/// pipe is not an error.
pub fn raw(bytes: &[u8]) -> std::io::Result<()> {
    emit_stdout(|w| w.write_all(bytes))
}

/// `rampart checks list`.
pub fn checks_list(metas: impl Iterator<Item = &'static rampart_model::CheckMeta>) {
    println!(
        "{:9} {:9} {:9} {:36} title",
        "id", "severity", "layer", "slug"
    );
    for m in metas {
        println!(
            "{:9} {:9} {:9} {:36} {}",
            m.id,
            m.severity.as_str(),
            m.layer.as_str(),
            m.slug,
            m.title
        );
    }
}

/// `rampart checks explain ID`.
pub fn checks_explain(m: &rampart_model::CheckMeta) {
    print!("{}", render_explain(m));
}

fn render_explain(m: &rampart_model::CheckMeta) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({} severity, {} layer)",
        m.id, m.slug, m.severity, m.layer
    );
    let _ = writeln!(out, "{}\n", m.title);
    let _ = writeln!(out, "Why:\n{}\n", m.rationale.trim());
    let _ = writeln!(out, "Fix (console):\n{}\n", m.remediation.console.trim());
    let _ = writeln!(out, "Fix (CLI):\n{}\n", m.remediation.cli.trim());
    let _ = writeln!(
        out,
        "Fix (Terraform):\n{}\n",
        m.remediation.terraform.trim()
    );
    // Each mapped control with how this check compares with it, so a
    // result that differs from Security Hub's is explained where it is read.
    let mut mappings = m.mappings().peekable();
    if mappings.peek().is_some() {
        let _ = writeln!(out, "Maps to:");
        for x in mappings {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                x.framework.long(),
                x.control,
                x.relation
            );
            if let Some(note) = x.note {
                for line in wrap(note, 72) {
                    let _ = writeln!(out, "    {line}");
                }
            }
            if let Some(src) = x.source {
                let _ = writeln!(out, "    control: {src}");
            }
        }
        let _ = writeln!(out);
    }
    for r in &m.references {
        let _ = writeln!(out, "see {r}");
    }
    out
}

/// Words of `text` in lines of at most `width` characters (a longer word
/// gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `rampart paths --format dot`: one Graphviz digraph, a node per hop (the
/// internet once), an edge per step, hops with missing defenses in red and
/// uncertain paths dashed.
pub fn paths_dot(exposures: &[&rampart_checks::paths::Exposure]) {
    print!("{}", render_dot(exposures));
}

fn render_dot(exposures: &[&rampart_checks::paths::Exposure]) -> String {
    use std::fmt::Write;
    // DOT string literals: escape quotes and backslashes, drop control characters.
    let q = |s: &str| {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        for c in s.chars() {
            match c {
                '"' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    };
    let mut nodes: BTreeMap<String, (String, bool)> = BTreeMap::new();
    let mut edges: BTreeSet<(String, String, String, bool)> = BTreeSet::new();
    for e in exposures {
        let ports: Vec<String> = e
            .path
            .ports
            .iter()
            .map(|p| {
                if p.from == p.to {
                    p.from.to_string()
                } else {
                    format!("{}-{}", p.from, p.to)
                }
            })
            .collect();
        let ids: Vec<String> = e
            .path
            .hops
            .iter()
            .map(|h| format!("{}:{}", h.kind, h.id))
            .collect();
        for (h, id) in e.path.hops.iter().zip(&ids) {
            let mut label = h.label.clone();
            if !h.gaps.is_empty() {
                label = format!("{label}\n({})", h.gaps.join(", "));
            }
            let entry = nodes.entry(id.clone()).or_insert((label, false));
            entry.1 |= !h.gaps.is_empty();
        }
        for (i, pair) in ids.windows(2).enumerate() {
            let last = i + 2 == ids.len();
            let label = if last { ports.join(",") } else { String::new() };
            edges.insert((
                pair[0].clone(),
                pair[1].clone(),
                label,
                e.uncertain.is_some(),
            ));
        }
    }
    let mut out = String::from(
        "digraph rampart_paths {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
    );
    for (id, (label, gap)) in &nodes {
        let style = if *gap {
            ", color=red, fontcolor=red"
        } else {
            ""
        };
        let _ = writeln!(out, "  {} [label={}{style}];", q(id), q(label));
    }
    for (a, b, label, uncertain) in &edges {
        let style = if *uncertain { ", style=dashed" } else { "" };
        let _ = writeln!(out, "  {} -> {} [label={}{style}];", q(a), q(b), q(label));
    }
    out.push_str("}\n");
    out
}

/// The closing lines of a multi-account scan on stdout: one per account
/// (status, collection errors, snapshot or error) and the totals.
#[cfg(feature = "scan")]
pub fn org_summary(index: &rampart_model::org::OrgIndex, index_at: &str) {
    print!("{}", render_org_summary(index, index_at));
}

#[cfg(feature = "scan")]
fn render_org_summary(index: &rampart_model::org::OrgIndex, index_at: &str) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let count = |s: rampart_model::org::AccountStatus| {
        index.accounts.iter().filter(|a| a.status == s).count()
    };
    for a in &index.accounts {
        let what = match (&a.snapshot, &a.error) {
            (_, Some(e)) => clean(e),
            (Some(s), None) => clean(s),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "account {} {:<10} {:>3} error(s) {:>6.1} s  {}",
            a.account_id,
            a.status.as_str(),
            a.collection_errors,
            a.duration_ms as f64 / 1000.0,
            what
        );
    }
    let shard = index
        .shard
        .map(|s| format!(" (shard {} of {})", s.index, s.count))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} account(s){shard}: {} complete, {} incomplete, {} failed in {:.1} s; index {}",
        index.accounts.len(),
        count(rampart_model::org::AccountStatus::Complete),
        count(rampart_model::org::AccountStatus::Incomplete),
        count(rampart_model::org::AccountStatus::Failed),
        index.duration_ms as f64 / 1000.0,
        clean(index_at)
    );
    out
}

#[cfg(all(test, feature = "scan"))]
mod tests {
    use super::*;
    use rampart_model::baseline::{Change, NotCompared, Side};
    use rampart_model::{
        BaselineInfo, Finding, Report, Severity, SnapshotInfo, Status, Summary, Suppressed,
        ToolInfo,
    };

    fn failing(check: &str, arn: &str, mark: Change) -> Finding {
        Finding {
            check_id: check.into(),
            severity: Severity::Critical,
            status: Status::Fail,
            resource_arn: arn.into(),
            account_id: "111122223333".into(),
            region: Some("us-east-1".into()),
            message: String::new(),
            path: None,
            affected: vec![],
            fingerprint: rampart_model::fingerprint(check, arn, None),
            suppressed: None,
            baseline: Some(mark),
        }
    }

    /// Issue 14 item 5: a new finding that a suppression accepts says so,
    /// with its reason, and what was not compared is counted and listed
    /// with why, never folded into resolved.
    #[test]
    fn audit_summary_marks_suppressed_new_findings_and_counts_not_compared() {
        let mut accepted = failing("NET-005", "arn:sg-bastion", Change::New);
        accepted.suppressed = Some(Box::new(Suppressed {
            reason: "bastion, reviewed by secops".into(),
            source: "rampart.toml:3".into(),
            expires: None,
        }));
        let open = failing("NET-004", "arn:sg-app", Change::New);
        let mut west = failing("NET-005", "arn:sg-west", Change::NotCompared);
        west.region = Some("us-west-2".into());
        let findings = vec![accepted, open];
        let r = Report {
            schema_version: rampart_model::REPORT_SCHEMA_VERSION,
            tool: ToolInfo {
                name: "rampart".into(),
                version: "0".into(),
            },
            snapshot: SnapshotInfo {
                account_id: "111122223333".into(),
                partition: "aws".into(),
                collected_at: rampart_model::time::OffsetDateTime::UNIX_EPOCH,
                regions: vec!["us-east-1".into()],
                complete: true,
                collection_errors: 0,
                credential_source: None,
            },
            summary: Summary::of(&findings),
            scorecards: vec![],
            findings,
            checks: vec![],
            expired_suppressions: vec![],
            baseline: Some(BaselineInfo {
                source: "nightly/latest/report.json".into(),
                previous_collected_at: rampart_model::time::OffsetDateTime::UNIX_EPOCH,
                new: 2,
                unchanged: 0,
                resolved: vec![],
                unknown: vec![],
                not_compared: vec![NotCompared {
                    side: Side::Previous,
                    reason: "region us-west-2 was not scanned this time".into(),
                    finding: west,
                }],
            }),
        };
        let text = render_audit_summary(&r, Path::new("nightly/run"), &[], None);
        assert!(
            text.contains(": 2 new, 0 resolved, 0 unchanged, 0 unknown, 1 not compared\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "  new: [critical] NET-005 arn:sg-bastion (suppressed: bastion, reviewed by secops, rampart.toml:3)\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("  new: [critical] NET-004 arn:sg-app\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "  not compared: [critical] NET-005 arn:sg-west (failing in the baseline; region us-west-2 was not scanned this time)\n"
            ),
            "{text}"
        );
    }
}
