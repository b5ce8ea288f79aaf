//! The snapshot's long arrays (instances, ENIs, volumes, security groups,
//! ...) parsed on every core. A snapshot of a million resources is about
//! 600 MB of JSON, and serde_json parses on one core: two seconds here.
//!
//! With [`parallel`] on, each array marked `deserialize_with = "par_vec"`
//! is first read as raw, borrowed elements (serde_json checks and skips
//! them, which is much cheaper than building them), and the elements are
//! then parsed on every core. The result is the same value a plain parse
//! gives: each element goes through the same `Deserialize` impl.
//!
//! Errors are the one difference: an element parsed alone reports its
//! line and column within the element. So the loader parses with this on,
//! and on any error parses again with it off, and reports that error
//! (errors are rare, and exact ones are tested).

use std::cell::Cell;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde_json::value::RawValue;

thread_local! {
    static PARALLEL: Cell<bool> = const { Cell::new(false) };
}

/// Runs `parse` with the long arrays parsed in parallel (on this thread's
/// parse; other threads are not affected).
pub(crate) fn parallel<T>(parse: impl FnOnce() -> T) -> T {
    let _reset = Reset::to(true);
    parse()
}

/// Sets this thread's flag, and puts the old value back when dropped.
struct Reset(bool);

impl Reset {
    fn to(on: bool) -> Reset {
        Reset(PARALLEL.with(|p| p.replace(on)))
    }
}

impl Drop for Reset {
    fn drop(&mut self) {
        PARALLEL.with(|p| p.set(self.0));
    }
}

/// `Vec<T>` for `deserialize_with`: in parallel under [`parallel`] (which
/// needs input serde_json borrows from, as `from_slice` does), otherwise
/// as serde derives it.
pub(crate) fn par_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Send,
{
    use rayon::prelude::*;
    if !PARALLEL.with(Cell::get) {
        return Vec::<T>::deserialize(d);
    }
    let raw = Vec::<&'de RawValue>::deserialize(d)?;
    // Off while the elements are parsed: this thread may run other rayon
    // work meanwhile (work stealing), which must parse as it would anywhere.
    let _off = Reset::to(false);
    raw.par_iter()
        .map(|r| serde_json::from_str::<T>(r.get()))
        .collect::<Result<Vec<T>, _>>()
        .map_err(D::Error::custom)
}
