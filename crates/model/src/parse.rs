//! The snapshot's long arrays (instances, ENIs, volumes, security groups,
//! ...) parsed on every core. A snapshot of a million resources is about
//! 600 MB of JSON, and serde_json parses on one core: two seconds here.
//!
//! With [`parallel`] on, each array marked `deserialize_with = "par_vec"`
//! is read as raw, borrowed elements (serde_json checks and skips them,
//! which is much cheaper than building them), and batches of them are
//! parsed on the other cores while the scan goes on. The result is the
//! same value a plain parse gives: each element goes through the same
//! `Deserialize` impl, and the batches are joined in order.
//!
//! Errors are the one difference: an element parsed alone reports its
//! line and column within the element. So the loader parses with this on,
//! and on any error parses again with it off, and reports that error
//! (errors are rare, and exact ones are tested).

use std::cell::Cell;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _, SeqAccess, Visitor};
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
    if !PARALLEL.with(Cell::get) {
        return Vec::<T>::deserialize(d);
    }
    d.deserialize_seq(Pipelined(PhantomData))
}

/// Raw elements gathered before a batch is handed to a core: enough to
/// outweigh the hand-over, small enough that parsing keeps pace with the
/// scan that finds them.
const BATCH_BYTES: usize = 256 << 10;
const BATCH_ITEMS: usize = 1024;

/// Parses an array's elements while it is still being read: this thread
/// scans for the next raw elements (serde_json checks and skips them),
/// and each full batch is parsed on another core meanwhile. The batches
/// are joined in order.
struct Pipelined<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned + Send> Visitor<'de> for Pipelined<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        // Off until this array is done: no element holds another such
        // array, and a worker thread waiting below may run other rayon
        // work (work stealing), which must parse as it would anywhere.
        let _off = Reset::to(false);
        let parse = |batch: Vec<&RawValue>| -> Result<Vec<T>, serde_json::Error> {
            batch
                .iter()
                .map(|r| serde_json::from_str(r.get()))
                .collect()
        };
        let (tx, rx) = std::sync::mpsc::channel();
        // The scan stays on this thread; the batches go to the pool.
        let scanned: Result<usize, A::Error> = rayon::in_place_scope(|s| {
            let mut batches = 0;
            let (mut batch, mut bytes) = (Vec::new(), 0);
            let send = |batch: Vec<&'de RawValue>, n: usize| {
                let tx = tx.clone();
                s.spawn(move |_| {
                    // The receiver outlives the scope: sending cannot fail.
                    let _ = tx.send((n, parse(batch)));
                });
            };
            while let Some(raw) = seq.next_element::<&'de RawValue>()? {
                bytes += raw.get().len();
                batch.push(raw);
                if bytes >= BATCH_BYTES || batch.len() >= BATCH_ITEMS {
                    send(std::mem::take(&mut batch), batches);
                    batches += 1;
                    bytes = 0;
                }
            }
            if !batch.is_empty() {
                send(batch, batches);
                batches += 1;
            }
            Ok(batches)
        });
        let batches = scanned?;
        drop(tx);
        let mut parsed: Vec<(usize, Result<Vec<T>, serde_json::Error>)> = rx.iter().collect();
        debug_assert_eq!(parsed.len(), batches);
        parsed.sort_unstable_by_key(|(n, _)| *n);
        let parsed: Vec<Vec<T>> = parsed
            .into_iter()
            .map(|(_, batch)| batch)
            .collect::<Result<_, _>>()
            .map_err(A::Error::custom)?;
        let mut out = Vec::with_capacity(parsed.iter().map(Vec::len).sum());
        for mut batch in parsed {
            out.append(&mut batch);
        }
        Ok(out)
    }
}
