//! `rampart-dev`: developer tools. `rampart-dev gen` writes a deterministic
//! synthetic snapshot of any size for benchmarks (`make bench`).
#![allow(clippy::disallowed_macros)] // a developer tool reports on stderr

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rampart_dev::{Params, count_resources, generate};

#[derive(Parser)]
#[command(
    name = "rampart-dev",
    about = "Developer tools for rampart (not shipped)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a synthetic snapshot. Sizes not given scale from --instances
    /// (--instances 100000: 50k security groups with 500k rules, 10k
    /// subnets, 5k load balancers, 2k APIs, about a million resources).
    Gen(GenArgs),
}

#[derive(clap::Args)]
struct GenArgs {
    #[arg(long, value_name = "N")]
    instances: usize,
    #[arg(long, value_name = "N")]
    security_groups: Option<usize>,
    #[arg(long, value_name = "N")]
    rules_per_group: Option<usize>,
    #[arg(long, value_name = "N")]
    subnets: Option<usize>,
    #[arg(long, value_name = "N")]
    load_balancers: Option<usize>,
    #[arg(long, value_name = "N")]
    apis: Option<usize>,
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    regions: Option<u16>,
    /// PRNG seed: the same parameters and seed give the same file.
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// The snapshot to write (zstd-compressed when it ends in `.zst`).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

fn main() -> ExitCode {
    let Command::Gen(a) = Cli::parse().command;
    let d = Params::scaled(a.instances);
    let p = Params {
        instances: a.instances,
        security_groups: a.security_groups.unwrap_or(d.security_groups),
        rules_per_group: a.rules_per_group.unwrap_or(d.rules_per_group),
        subnets: a.subnets.unwrap_or(d.subnets),
        load_balancers: a.load_balancers.unwrap_or(d.load_balancers),
        apis: a.apis.unwrap_or(d.apis),
        regions: a.regions.map_or(d.regions, usize::from),
        seed: a.seed.unwrap_or(d.seed),
    };
    let snapshot = generate(&p);
    if let Err(e) = snapshot.save(&a.out) {
        eprintln!("rampart-dev: error: {e} (--out)");
        return ExitCode::from(2);
    }
    let counts = count_resources(&snapshot);
    let total: usize = counts.values().sum();
    let detail: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    eprintln!(
        "rampart-dev: wrote {}: {total} resources ({})",
        a.out.display(),
        detail.join(", ")
    );
    println!("{total}");
    ExitCode::SUCCESS
}
