//! End-to-end tests: the real `rampart` binary against a seeded moto server.
//! This is the one test binary that needs the emulator; it links only
//! `rampart-model`, never the AWS SDK (the binary under test does).

mod accounts;
mod audit;
mod baseline_scope;
mod calls;
mod check;
mod cli_misc;
mod denied;
mod faults;
mod harness;
mod hostile;
mod input_errors;
mod interrupt;
mod localstack;
mod nightly;
mod org;
mod paths;
mod preflight;
mod profiles;
mod proxy;
mod read_only;
mod scan;
mod schemas;
mod secrets;
mod ssm;
mod zstd;
