//! rampart's evaluation, pure and offline: the resource index (every
//! relation resolved once), the reachability primitives, the exposure paths
//! from the internet to each instance, and the check catalogue. No network,
//! no AWS SDK, no clock: everything comes from the snapshot.

pub mod checks;
pub mod index;
pub mod paths;
pub mod reach;
pub mod registry;
#[cfg(test)]
mod testing;
