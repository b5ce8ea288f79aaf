//! In-process evaluation time on synthetic accounts (`rampart_dev`'s
//! generator, the one `make bench` uses), split into index / paths /
//! checks / scorecard, with the slowest checks at 10k instances. `make
//! bench` measures the real binary end to end; this one isolates the
//! evaluation for profiling. Run with `cargo bench -p rampart-checks --bench evaluate`.

#![allow(clippy::disallowed_macros)] // a benchmark reports on stdout

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use rampart_checks::index::Index;
use rampart_checks::paths::Exposures;
use rampart_checks::{layers_of, registry, scorecard};
use rampart_dev::{Params, count_resources, generate};

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    // `EVAL_SIZES="1000 100000"` replaces the default instance counts;
    // `EVAL_PER_CHECK=N` times each check alone at N instances (default 10k).
    let sizes: Vec<usize> = std::env::var("EVAL_SIZES").map_or_else(
        |_| vec![1_000, 10_000, 40_000],
        |v| {
            v.split_whitespace()
                .map(|n| n.parse().expect("EVAL_SIZES: instance counts"))
                .collect()
        },
    );
    let per_check_at: usize = std::env::var("EVAL_PER_CHECK")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    println!(
        "| instances | SGs | resources | index ms | paths ms | checks ms | scorecard ms | total ms | findings | backends |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for n in sizes {
        let params = Params::scaled(n);
        let g = params.security_groups;
        let snap = generate(&params);
        let resources: usize = count_resources(&snap).values().sum();
        // Best of 3 runs of each phase (the machine is shared).
        let mut best = [Duration::MAX; 4];
        let mut counts = (0, 0);
        for _ in 0..3 {
            let t0 = Instant::now();
            let index = Index::new(&snap);
            let t1 = Instant::now();
            let exposures = Exposures::compute(&index);
            let t2 = Instant::now();
            let findings = registry::run_with(&snap, &index, &exposures, &BTreeSet::new());
            let t3 = Instant::now();
            let cards = scorecard::scorecards(&index, exposures.clone(), &findings, &layers_of);
            let t4 = Instant::now();
            for (slot, d) in best.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2, t4 - t3]) {
                *slot = (*slot).min(d);
            }
            counts = (findings.len(), cards.len());
        }
        let total: Duration = best.iter().sum();
        if n == per_check_at {
            // Where the check time goes, slowest first (one run each).
            let index = Index::new(&snap);
            let exposures = Exposures::compute(&index);
            let mut per: Vec<(Duration, &str)> = registry::CHECKS
                .iter()
                .map(|c| {
                    let only = BTreeSet::from([c.meta().id.clone()]);
                    let t = Instant::now();
                    registry::run_with(&snap, &index, &exposures, &only);
                    (t.elapsed(), c.meta().id.as_str())
                })
                .collect();
            per.sort_by_key(|p| std::cmp::Reverse(p.0));
            let top: Vec<String> = per
                .iter()
                .take(40)
                .map(|(d, id)| format!("{id} {}", ms(*d)))
                .collect();
            eprintln!("slowest checks at {n} instances (ms): {}", top.join(", "));
        }
        println!(
            "| {n} | {g} | {resources} | {} | {} | {} | {} | {} | {} | {} |",
            ms(best[0]),
            ms(best[1]),
            ms(best[2]),
            ms(best[3]),
            ms(total),
            counts.0,
            counts.1
        );
    }
}
