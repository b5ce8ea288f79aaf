//! The check catalogue, one module per layer, one file per check.

pub mod data;
pub mod detect;
pub mod edge;
pub mod instance;
pub mod network;

#[cfg(test)]
mod tasks_tests;
