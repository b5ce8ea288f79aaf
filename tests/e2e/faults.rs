//! Throttling and faults on the wire: a scan through the fault proxy
//! (throttling, 5xx, connection resets, bodies cut short, slow answers) must
//! retry its way to exactly the snapshot of a fault-free scan, and
//! `--max-rps` must hold for every attempt, retries included, as measured
//! on the wire.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rampart_model::Snapshot;
use serde_json::Value;

use crate::harness::{Emulator, Run, emulator_env, rampart};
use crate::proxy::{self, FaultPlan, OpStats};

/// `rampart scan` of `regions` with every endpoint at `url` (a proxy).
fn scan_via(url: &str, regions: &[&str], out: &Path, extra: &[&str]) -> (Run, Option<Snapshot>) {
    let env = emulator_env(url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out_s = out.to_str().expect("utf-8 path");
    let mut args = vec!["scan", "--quiet", "--out", out_s];
    for r in regions {
        args.extend(["--region", r]);
    }
    args.extend_from_slice(extra);
    let run = rampart(&args, &env);
    let snapshot = out
        .exists()
        .then(|| Snapshot::load(out).expect("snapshot loads"));
    (run, snapshot)
}

/// The first JSON pointer at which `a` and `b` differ, with both values.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let here = format!("{at}/{key}");
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => {
                        if let Some(d) = first_difference(p, q, &here) {
                            return Some(d);
                        }
                    }
                    (p, q) => return Some(format!("{here}: {p:?} vs {q:?}")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} vs {b}")),
    }
}

/// Faulted requests per fault label, over all operations.
fn faults_by_kind(ops: &BTreeMap<String, OpStats>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for stats in ops.values() {
        for (label, n) in &stats.faults {
            *out.entry(label.clone()).or_default() += n;
        }
    }
    out
}

/// The faults every faulted scan gets besides throttling: 5 % 5xx (half
/// 500, half 503), 2 % connection resets, 2 % bodies cut short, and 3 % of
/// the remaining requests answered after 2 s (under the 30 s read timeout,
/// so a delay never fails an attempt). The pre-flight calls are spared:
/// they retry like every call (tests/e2e/preflight.rs), but a throttled one
/// in adaptive mode waits up to 20 s per retry before the scan even starts.
fn plan(seed: u64, throttle: f64) -> FaultPlan {
    FaultPlan::new()
        .seed(seed)
        .throttle_rate(throttle)
        .server_error_rate(0.05)
        .reset_rate(0.02)
        .truncate_rate(0.02)
        .delay(0.03, Duration::from_secs(2))
        .spare("sts:GetCallerIdentity")
        .spare("ec2:DescribeRegions")
}

/// A scan through faults must retry its way to the fault-free snapshot,
/// in both retry modes (run side by side, each through its own proxy).
///
/// - `--retry-mode standard` with the full mix: 30 % throttling, so 39 % of
///   attempts fail. A call is lost only if all its attempts fail: with
///   `--max-attempts 12` that is 0.39^12 ≈ 1.2e-5 per call, and the demo
///   scan makes about 100 calls, so about 1 seed in 800 would lose one (at
///   the default 6 attempts: 0.39^6 ≈ 3.5e-3 per call, one lost call in
///   three scans).
/// - the default adaptive mode with 10 % throttling (19 % of attempts
///   fail: 0.19^12 ≈ 2e-9 per call). Not 30 %: under sustained throttling
///   the SDK's adaptive limiter drops to 0.5 request per second and holds
///   each throttled retry for up to 20 s, so the same 30 % scan took 4 to
///   4.5 minutes (measured), against about a minute for each scan here.
///
/// The draw for each request depends only on the seed, the operation and
/// how many requests of that operation came before it, so with the set of
/// calls fixed, a given seed injects the same faults run after run. The
/// SDK's retry quota (500 tokens per service and region, 5 or 10 per
/// retry) is not the limit: the busiest pair, EC2 in us-east-1, makes about
/// 35 calls.
#[test]
fn a_scan_through_throttling_5xx_resets_cut_bodies_and_delays_matches_a_clean_one() {
    let emu = Emulator::start();
    emu.seed("demo");
    let dir = tempfile::tempdir().expect("temp dir");
    let regions = ["us-east-1", "eu-west-1"];

    let clean = proxy::start(&emu.url, FaultPlan::new());
    let (run, base) = scan_via(clean.url(), &regions, &dir.path().join("clean.json"), &[]);
    assert_eq!(run.code, 0, "clean scan: {}{}", run.stdout, run.stderr);
    let base = base.expect("clean snapshot");
    assert!(
        base.collection_errors.is_empty(),
        "{:?}",
        base.collection_errors
    );

    let cases = [
        ("standard", plan(0x5eed_2026, 0.30)),
        ("adaptive", plan(0x5eed_2027, 0.10)),
    ];
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .iter()
            .map(|(mode, plan)| {
                let (emu, dir, regions) = (&emu, &dir, &regions);
                s.spawn(move || {
                    let faulty = proxy::start(&emu.url, plan.clone());
                    let started = Instant::now();
                    let (run, got) = scan_via(
                        faulty.url(),
                        regions,
                        &dir.path().join(format!("{mode}.json")),
                        &["--retry-mode", mode, "--max-attempts", "12"],
                    );
                    (*mode, run, got, faulty.operations(), started.elapsed())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    for (mode, run, got, ops, took) in results {
        assert_eq!(
            run.code, 0,
            "{mode}: faulted scan ({took:.0?}): {}{}",
            run.stdout, run.stderr
        );
        let got = got.expect("faulted snapshot");
        assert!(
            got.collection_errors.is_empty(),
            "{mode}: {:?}",
            got.collection_errors
        );

        // Same resources, same relations; timestamps, durations and call
        // counts may differ.
        for (what, a, b) in [
            (
                "regions",
                serde_json::to_value(&base.regions).unwrap(),
                serde_json::to_value(&got.regions).unwrap(),
            ),
            (
                "iam",
                serde_json::to_value(&base.iam).unwrap(),
                serde_json::to_value(&got.iam).unwrap(),
            ),
        ] {
            if let Some(d) = first_difference(&a, &b, "") {
                panic!("{mode}: the faulted scan's {what} differ from the clean scan's at {d}");
            }
        }
        assert_eq!(
            base.api_calls.keys().collect::<Vec<_>>(),
            got.api_calls.keys().collect::<Vec<_>>(),
            "{mode}: the same operations were called"
        );

        // The faults really happened, every kind of them.
        let kinds = faults_by_kind(&ops);
        let server_errors = kinds.get("500").unwrap_or(&0) + kinds.get("503").unwrap_or(&0);
        for (kind, n) in [
            ("throttle", *kinds.get("throttle").unwrap_or(&0)),
            ("5xx", server_errors),
            ("reset", *kinds.get("reset").unwrap_or(&0)),
            ("truncate", *kinds.get("truncate").unwrap_or(&0)),
            ("delay", *kinds.get("delay").unwrap_or(&0)),
        ] {
            assert!(n > 0, "{mode}: no {kind} fault was injected: {kinds:?}");
        }
        let attempts: u64 = ops.values().map(|s| s.count).sum();
        let calls: u64 = got.api_calls.values().sum();
        assert!(
            attempts > calls,
            "{mode}: {attempts} attempts for {calls} calls: nothing was retried"
        );
    }
}

/// A pass-through TCP relay in front of the proxy that notes when each
/// request arrives and its SigV4 (service, region). The proxy answers one
/// request per connection (`Connection: close`), so one connection is one
/// request, every attempt included.
struct Stopwatch {
    url: String,
    seen: Arc<Mutex<Vec<(Instant, String, String)>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Stopwatch {
    fn start(upstream: &str) -> Stopwatch {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the stopwatch");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let (seen, stop) = (seen.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let (seen, upstream) = (seen.clone(), upstream.clone());
                    std::thread::spawn(move || {
                        let _ = relay(conn, &upstream, &seen);
                    });
                }
            })
        };
        Stopwatch {
            url,
            seen,
            stop,
            accept: Some(accept),
        }
    }

    /// Arrival times since the first request, by (service, region).
    fn arrivals(&self) -> BTreeMap<(String, String), Vec<Duration>> {
        let seen = self.seen.lock().expect("stopwatch");
        let Some(first) = seen.iter().map(|(t, _, _)| *t).min() else {
            return BTreeMap::new();
        };
        let mut out: BTreeMap<(String, String), Vec<Duration>> = BTreeMap::new();
        for (t, service, region) in seen.iter() {
            out.entry((service.clone(), region.clone()))
                .or_default()
                .push(t.duration_since(first));
        }
        for times in out.values_mut() {
            times.sort();
        }
        out
    }
}

impl Drop for Stopwatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn relay(
    mut client: TcpStream,
    upstream: &str,
    seen: &Mutex<Vec<(Instant, String, String)>>,
) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 8192];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = client.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let at = Instant::now();
    let text = String::from_utf8_lossy(&head);
    let (service, region) = text
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("authorization")
                .then(|| proxy::credential_scope(v.trim()))
                .flatten()
        })
        .unwrap_or_else(|| ("unsigned".into(), "-".into()));
    seen.lock().expect("stopwatch").push((at, service, region));
    let mut up = TcpStream::connect(upstream)?;
    up.write_all(&head)?;
    let (mut from_client, mut to_up) = (client.try_clone()?, up.try_clone()?);
    let upload = std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_client, &mut to_up);
        let _ = to_up.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut up, &mut client);
    let _ = client.shutdown(Shutdown::Both);
    let _ = upload.join();
    Ok(())
}

/// `--max-rps 2`, with a tenth of the requests answered 500/503 so that
/// retries are on the wire too (at the default 6 attempts a call is lost
/// with probability 0.1^6 = 1e-6): no service in the region ever gets more
/// than the cap. The limiter sends one request every 1/N s with no burst,
/// so a closed one-second window can hold N + 1 arrivals (one at each end)
/// and never more, whatever the transit jitter (it only delays arrivals).
/// Server errors rather than throttling: throttling would also wake the
/// SDK's adaptive limiter, which slows the scan below the cap and would
/// hide a missing one.
#[test]
fn max_rps_holds_for_every_service_and_every_attempt_on_the_wire() {
    const MAX_RPS: usize = 2;
    let emu = Emulator::start();
    emu.seed("demo");
    let dir = tempfile::tempdir().expect("temp dir");
    let faulty = proxy::start(
        &emu.url,
        FaultPlan::new()
            .seed(7)
            .server_error_rate(0.1)
            .spare("sts:GetCallerIdentity")
            .spare("ec2:DescribeRegions"),
    );
    let watch = Stopwatch::start(faulty.url());
    let started = Instant::now();
    let (run, snapshot) = scan_via(
        &watch.url,
        &["us-east-1"],
        &dir.path().join("capped.json"),
        &["--max-rps", &MAX_RPS.to_string()],
    );
    assert_eq!(run.code, 0, "capped scan: {}{}", run.stdout, run.stderr);
    let snapshot = snapshot.expect("snapshot");
    assert!(
        snapshot.collection_errors.is_empty(),
        "{:?}",
        snapshot.collection_errors
    );

    let took = started.elapsed();
    let arrivals = watch.arrivals();
    let ops = faulty.operations();
    let per_pair: Vec<String> = arrivals
        .iter()
        .map(|((s, r), t)| format!("{s}/{r}: {}", t.len()))
        .collect();
    let on_wire: usize = arrivals.values().map(Vec::len).sum();
    let proxied: u64 = ops.values().map(|s| s.count).sum();
    assert_eq!(
        on_wire as u64, proxied,
        "every request passed the stopwatch"
    );
    let retried: u64 = ops.values().map(|s| s.faulted).sum();
    assert!(retried > 0, "no request failed, so no retry was paced");

    let ec2 = &arrivals[&("ec2".to_string(), "us-east-1".to_string())];
    assert!(
        ec2.len() >= 20,
        "too few EC2 requests to say anything about a rate: {per_pair:?} in {took:.0?}"
    );
    for ((service, region), times) in &arrivals {
        for (i, start) in times.iter().enumerate() {
            let window: Vec<u128> = times[i..]
                .iter()
                .take_while(|t| **t <= *start + Duration::from_secs(1))
                .map(Duration::as_millis)
                .collect();
            assert!(
                window.len() <= MAX_RPS + 1,
                "{service} in {region}: {} requests within one second (ms since start: \
                 {window:?}); the cap is {MAX_RPS} per second",
                window.len()
            );
        }
    }
}

/// The operation of each wire protocol whose answer the cut-body test
/// cuts: what the demo account's checks stand on (instances, load
/// balancers, the instance roles with their attached policies, the APIs,
/// the web ACLs). `sts:GetCallerIdentity` (awsQuery XML, the pre-flight)
/// is cut on its own.
const CUT_PER_PROTOCOL: &[&str] = &[
    "ec2:DescribeInstances",                      // EC2 query, XML
    "elasticloadbalancing:DescribeLoadBalancers", // awsQuery, XML
    "iam:GetAccountAuthorizationDetails",         // awsQuery, XML
    "apigateway:GetRestApis",                     // restJson1
    "apigatewayv2:GetApis",                       // restJson1
    "wafv2:ListWebACLs",                          // awsJson1_1
];

/// `rampart check --format json` of a snapshot.
fn check_report(snapshot: &Path) -> rampart_model::Report {
    let run = rampart(
        &["check", snapshot.to_str().unwrap(), "--format", "json"],
        &[],
    );
    assert!(
        [0, 1, 3].contains(&run.code),
        "check {}: {}",
        snapshot.display(),
        run.stderr
    );
    serde_json::from_str(&run.stdout).expect("JSON report")
}

/// A body cut in half whose `Content-Length` announces exactly the cut (a
/// middlebox can do this) is a complete HTTP message: only its content
/// says the answer is not whole. In every protocol rampart speaks (EC2
/// query, ELBv2, IAM and STS XML, API Gateway v1 and v2 REST JSON, WAFv2
/// JSON 1.1) such an answer is never taken as the whole:
///
/// - cut twice (STS once: the pre-flight's budget), the call is retried to
///   exactly the fault-free snapshot;
/// - cut on every attempt, the call is a named collection error of kind
///   `unavailable` (like a body cut short by the transport), and no
///   check passes that did not pass on the fault-free snapshot (the
///   legacy backend's admin role among them: an IAM answer cut before
///   `AttachedManagedPolicies` made it look harmless);
/// - `sts:GetCallerIdentity` cut on every attempt stops the scan with an
///   error naming it, and writes no snapshot;
/// - an answer whole in every byte but holding a malformed resource id
///   (`x-...` for an instance, `-...` for a REST API, a `rolx/` ARN) is
///   refused whole: a collection error naming the call, the list empty,
///   and again no check passes that did not pass on the fault-free one.
///
/// The five scans run side by side against one emulator, each through its
/// own proxy; `--max-attempts 3` keeps the always-cut scan's backoff short.
#[test]
fn a_body_cut_with_a_matching_content_length_is_never_a_complete_answer_in_any_protocol() {
    use rampart_model::Status;

    use crate::proxy::{Fault, Rule};

    let emu = Emulator::start();
    emu.seed("demo");
    let dir = tempfile::tempdir().expect("temp dir");
    let regions = ["us-east-1", "eu-west-1"];
    let attempts = ["--retry-mode", "standard", "--max-attempts", "3"];

    let mut twice = FaultPlan::new().rule(Rule::new("sts:GetCallerIdentity", Fault::Cut).times(1));
    let mut always = FaultPlan::new();
    for op in CUT_PER_PROTOCOL {
        twice = twice.rule(Rule::new(op, Fault::Cut).times(2));
        always = always.rule(Rule::new(op, Fault::Cut));
    }
    let sts = FaultPlan::new().rule(Rule::new("sts:GetCallerIdentity", Fault::Cut));
    let rewrite = |op: &str, from: &str, to: &str| {
        Rule::new(
            op,
            Fault::Rewrite {
                from: from.into(),
                to: to.into(),
            },
        )
    };
    let malformed = FaultPlan::new()
        .rule(rewrite(
            "ec2:DescribeInstances",
            "<instanceId>i-",
            "<instanceId>x-",
        ))
        .rule(rewrite(
            "apigateway:GetRestApis",
            r#""id": ""#,
            r#""id": "-"#,
        ))
        .rule(rewrite(
            "iam:GetAccountAuthorizationDetails",
            ":role/",
            ":rolx/",
        ));
    let cases = [
        ("clean", FaultPlan::new()),
        ("twice", twice),
        ("always", always),
        ("sts", sts),
        ("malformed", malformed),
    ];
    let results: BTreeMap<&str, _> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .iter()
            .map(|(name, plan)| {
                let (emu, dir, regions) = (&emu, &dir, &regions);
                s.spawn(move || {
                    let proxy = proxy::start(&emu.url, plan.clone());
                    let out = dir.path().join(format!("{name}.json"));
                    let (run, snap) = scan_via(proxy.url(), regions, &out, &attempts);
                    (*name, (run, snap, out, proxy.operations()))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let (run, base, base_path, _) = &results["clean"];
    assert_eq!(run.code, 0, "clean scan: {}{}", run.stdout, run.stderr);
    let base = base.as_ref().expect("clean snapshot");
    assert!(
        base.collection_errors.is_empty(),
        "{:?}",
        base.collection_errors
    );

    // Cut twice: retried to the same snapshot.
    let (run, got, _, ops) = &results["twice"];
    assert_eq!(run.code, 0, "twice: {}{}", run.stdout, run.stderr);
    let got = got.as_ref().expect("snapshot");
    assert!(
        got.collection_errors.is_empty(),
        "a body cut twice was not retried to a whole answer: {:#?}",
        got.collection_errors
    );
    for (what, a, b) in [
        (
            "regions",
            serde_json::to_value(&base.regions).unwrap(),
            serde_json::to_value(&got.regions).unwrap(),
        ),
        (
            "iam",
            serde_json::to_value(&base.iam).unwrap(),
            serde_json::to_value(&got.iam).unwrap(),
        ),
    ] {
        if let Some(d) = first_difference(&a, &b, "") {
            panic!("with cut bodies, the scan's {what} differ from the clean scan's at {d}");
        }
    }
    for op in CUT_PER_PROTOCOL
        .iter()
        .copied()
        .chain(["sts:GetCallerIdentity"])
    {
        let want = if op.starts_with("sts:") { 1 } else { 2 };
        assert_eq!(
            ops.get(op).and_then(|s| s.faults.get("cut")).copied(),
            Some(want),
            "{op} was cut {want} times: {ops:?}"
        );
    }

    // Cut on every attempt: a named gap, never a pass.
    let (run, got, got_path, _) = &results["always"];
    assert!(
        got.is_some(),
        "always: no snapshot: {}{}",
        run.stdout,
        run.stderr
    );
    let got = got.as_ref().unwrap();
    for op in CUT_PER_PROTOCOL {
        let errors: Vec<_> = got
            .collection_errors
            .iter()
            .filter(|e| e.operation == *op)
            .collect();
        assert!(
            !errors.is_empty(),
            "{op} always cut, yet no collection error names it: {:#?}",
            got.collection_errors
        );
        for e in errors {
            assert_eq!(e.kind, rampart_model::ErrorKind::Unavailable, "{e:?}");
            assert!(e.message.contains("incomplete"), "{op}: {}", e.message);
        }
    }
    let clean = check_report(base_path);
    let clean_status: BTreeMap<(&str, &str), &Status> = clean
        .findings
        .iter()
        .map(|f| ((f.check_id.as_str(), f.resource_arn.as_str()), &f.status))
        .collect();
    let no_new_pass = |what: &str, path: &Path| {
        for f in check_report(path)
            .findings
            .iter()
            .filter(|f| f.status == Status::Pass)
        {
            let was = clean_status.get(&(f.check_id.as_str(), f.resource_arn.as_str()));
            assert!(
                was == Some(&&Status::Pass),
                "{} passes on {} with {what} answers, but is {was:?} on the clean scan",
                f.check_id,
                f.resource_arn
            );
        }
    };
    no_new_pass("cut", got_path);
    assert!(
        clean
            .findings
            .iter()
            .any(|f| f.check_id == "INST-003" && f.status == Status::Fail),
        "the clean scan fails INST-003 (the legacy admin role)"
    );

    // Whole answers holding a malformed resource id: refused, named.
    let (run, got, got_path, _) = &results["malformed"];
    let got = got
        .as_ref()
        .unwrap_or_else(|| panic!("malformed: no snapshot: {}{}", run.stdout, run.stderr));
    for op in [
        "ec2:DescribeInstances",
        "apigateway:GetRestApis",
        "iam:GetAccountAuthorizationDetails",
    ] {
        let e = got
            .collection_errors
            .iter()
            .find(|e| e.operation == op)
            .unwrap_or_else(|| {
                panic!(
                    "{op} answered malformed ids, yet no collection error names it: {:#?}",
                    got.collection_errors
                )
            });
        assert_eq!(e.kind, rampart_model::ErrorKind::Other, "{e:?}");
        assert!(
            e.message.starts_with("answer refused: "),
            "{op}: {}",
            e.message
        );
    }
    for inv in got.regions.values() {
        assert!(inv.ec2.instances.is_empty() && inv.apigateway.rest_apis.is_empty());
    }
    no_new_pass("malformed", got_path);

    // The pre-flight cut on every attempt: the scan stops, naming it.
    let (run, snap, _, _) = &results["sts"];
    assert_ne!(run.code, 0, "sts always cut: {}{}", run.stdout, run.stderr);
    assert!(snap.is_none(), "no snapshot without the caller's identity");
    assert!(
        run.stderr.contains("GetCallerIdentity"),
        "the error names the call: {}",
        run.stderr
    );
}

/// Inspector answers `BatchGetAccountStatus` but not for the scanned
/// account (it lists it among `failedAccounts`, or not at all): the scan
/// records a named gap for the call, reads nothing more of Inspector, and
/// INST-011 to INST-013 say not evaluated naming it, never a pass
/// (<https://docs.aws.amazon.com/inspector/v2/APIReference/API_BatchGetAccountStatus.html>).
#[test]
fn inspector_status_without_the_account_is_a_named_gap() {
    use rampart_model::Status;

    use crate::proxy::{Fault, Rule};

    let emu = Emulator::start();
    emu.seed("demo");
    let plan = FaultPlan::new().rule(Rule::new(
        "inspector2:BatchGetAccountStatus",
        Fault::Rewrite {
            from: r#""accountId": "123456789012""#.into(),
            to: r#""accountId": "210987654321""#.into(),
        },
    ));
    let proxy = proxy::start(&emu.url, plan);
    let out = emu.dir().join("inspector.json");
    let (run, snap) = scan_via(proxy.url(), &["us-east-1"], &out, &[]);
    assert_eq!(run.code, 3, "incomplete: {}", run.stderr);
    let s = snap.expect("snapshot");
    let errs: Vec<_> = s
        .collection_errors
        .iter()
        .filter(|e| e.operation == "inspector2:BatchGetAccountStatus")
        .collect();
    assert_eq!(errs.len(), 1, "{:?}", s.collection_errors);
    assert!(
        errs[0]
            .message
            .contains("no EC2 scanning status for account 123456789012"),
        "{errs:?}"
    );
    let i = s.regions["us-east-1"]
        .inspector
        .as_ref()
        .expect("inspector");
    assert_eq!(i.ec2_status, None);
    assert!(i.coverage.is_empty() && i.findings.is_empty());
    assert!(
        !s.api_calls.contains_key("inspector2:ListCoverage"),
        "nothing more is read: {:?}",
        s.api_calls
    );

    let report = rampart(&["check", out.to_str().unwrap(), "--format", "json"], &[]);
    let r: rampart_model::Report = serde_json::from_str(&report.stdout).expect("report");
    for check in ["INST-011", "INST-012", "INST-013"] {
        let fs: Vec<_> = r.findings.iter().filter(|f| f.check_id == check).collect();
        assert!(!fs.is_empty(), "{check}");
        for f in fs {
            assert!(
                matches!(&f.status, Status::NotEvaluated(w) if w.contains("inspector2:BatchGetAccountStatus")),
                "{check}: {f:?}"
            );
        }
    }
}

/// An operation the endpoint does not implement answers the same way every
/// time (issue 17 item 3): rampart tries it once. Every operation of every
/// service but the pre-flight's is answered with an HTML error page (what
/// moto's server sends for an operation it lacks), WAFv2's with `501 Not
/// Implemented`; the SDK retries 5xx answers, so before the fix each was
/// tried up to `--max-attempts` times. Every request on the wire must now
/// be a call the snapshot counts, and every failed call is recorded.
#[test]
fn operations_the_endpoint_does_not_implement_are_tried_once() {
    use crate::proxy::{Fault, Rule};
    let emu = Emulator::start();
    emu.seed("demo");
    let dir = tempfile::tempdir().expect("temp dir");
    // A zero delay forwards untouched: the pre-flight must succeed for the
    // scan to start.
    let untouched = Fault::Delay(Duration::ZERO);
    let plan = FaultPlan::new()
        .rule(Rule::new("sts:GetCallerIdentity", untouched.clone()))
        .rule(Rule::new("ec2:DescribeRegions", untouched))
        .rule(Rule::new(
            "wafv2:*",
            Fault::Error {
                status: 501,
                code: "NotImplemented".into(),
            },
        ))
        .rule(Rule::new("*", Fault::Html(500)));
    let proxy = proxy::start(&emu.url, plan);
    let (run, got) = scan_via(
        proxy.url(),
        &["us-east-1"],
        &dir.path().join("unimplemented.json"),
        &[],
    );
    let got = got.unwrap_or_else(|| panic!("no snapshot: {}{}", run.stdout, run.stderr));
    let ops = proxy.operations();
    // Every operation given a fault that says "not implemented".
    let failed: Vec<&String> = ops
        .iter()
        .filter(|(_, s)| {
            s.faults.contains_key("html-500") || s.faults.contains_key("NotImplemented")
        })
        .map(|(op, _)| op)
        .collect();
    let services: BTreeSet<&str> = failed
        .iter()
        .filter_map(|op| op.split_once(':').map(|(s, _)| s))
        .collect();
    assert!(
        services.len() >= 10 && services.contains("wafv2"),
        "the faults reached too few services: {services:?}"
    );
    for (op, stats) in &ops {
        assert_eq!(
            stats.count,
            got.api_calls.get(op).copied().unwrap_or(0),
            "{op}: requests on the wire against calls counted (a retry?): {stats:?}"
        );
    }
    for op in failed {
        assert!(
            got.collection_errors.iter().any(|e| &e.operation == op),
            "{op} failed but no error names it"
        );
    }
}
