//! Lists of items, each list with a tag, as one indexed parallel iterator
//! over (tag, item), in order: the registry joins every check's outcomes
//! into the one findings vector with it, on every core, each finding
//! written straight into its place (`collect_into_vec`). A plain loop did
//! this on one thread (a quarter of the checks phase at a million
//! findings); rayon's own `flatten` is not indexed, so it gathers pieces
//! first and copies them again, with every finding held twice at the end.

use std::collections::VecDeque;

use rayon::iter::plumbing::{Consumer, Producer, ProducerCallback, UnindexedConsumer, bridge};
use rayon::iter::{IndexedParallelIterator, ParallelIterator};

/// The lists, in order; `len` is their total length.
pub struct Joined<M, T> {
    parts: Vec<(M, Vec<T>)>,
    len: usize,
}

impl<M, T> Joined<M, T> {
    pub fn new(parts: Vec<(M, Vec<T>)>) -> Joined<M, T> {
        let len = parts.iter().map(|(_, v)| v.len()).sum();
        Joined { parts, len }
    }
}

impl<M: Copy + Send, T: Send> ParallelIterator for Joined<M, T> {
    type Item = (M, T);

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len)
    }
}

impl<M: Copy + Send, T: Send> IndexedParallelIterator for Joined<M, T> {
    fn len(&self) -> usize {
        self.len
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        callback.callback(Pieces {
            parts: self.parts,
            len: self.len,
        })
    }
}

/// A run of the items: whole lists, and at its ends parts of lists.
struct Pieces<M, T> {
    parts: Vec<(M, Vec<T>)>,
    len: usize,
}

impl<M: Copy + Send, T: Send> Producer for Pieces<M, T> {
    type Item = (M, T);
    type IntoIter = Iter<M, T>;

    fn into_iter(self) -> Iter<M, T> {
        Iter {
            parts: self
                .parts
                .into_iter()
                .map(|(m, v)| (m, v.into_iter()))
                .collect(),
            len: self.len,
        }
    }

    /// The first `index` items and the rest. Only the list the cut falls
    /// in is divided (its shorter side is copied to a new vector); the
    /// others move whole.
    fn split_at(mut self, index: usize) -> (Self, Self) {
        let mut before = 0;
        let mut whole = 0;
        while whole < self.parts.len() && before + self.parts[whole].1.len() <= index {
            before += self.parts[whole].1.len();
            whole += 1;
        }
        let mut right = self.parts.split_off(whole);
        if let Some((m, v)) = right.first_mut()
            && index > before
        {
            let cut = index - before;
            let head = if cut <= v.len() - cut {
                v.drain(..cut).collect()
            } else {
                let tail = v.split_off(cut);
                std::mem::replace(v, tail)
            };
            self.parts.push((*m, head));
        }
        let rest = self.len - index;
        (
            Pieces {
                parts: self.parts,
                len: index,
            },
            Pieces {
                parts: right,
                len: rest,
            },
        )
    }
}

/// The items of a [`Pieces`], from either end.
struct Iter<M, T> {
    parts: VecDeque<(M, std::vec::IntoIter<T>)>,
    len: usize,
}

impl<M: Copy, T> Iterator for Iter<M, T> {
    type Item = (M, T);

    fn next(&mut self) -> Option<(M, T)> {
        loop {
            let (m, items) = self.parts.front_mut()?;
            if let Some(t) = items.next() {
                self.len -= 1;
                return Some((*m, t));
            }
            self.parts.pop_front();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl<M: Copy, T> DoubleEndedIterator for Iter<M, T> {
    fn next_back(&mut self) -> Option<(M, T)> {
        loop {
            let (m, items) = self.parts.back_mut()?;
            if let Some(t) = items.next_back() {
                self.len -= 1;
                return Some((*m, t));
            }
            self.parts.pop_back();
        }
    }
}

impl<M: Copy, T> ExactSizeIterator for Iter<M, T> {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn parts(lens: &[usize]) -> Vec<(usize, Vec<u32>)> {
        let mut n = 0;
        lens.iter()
            .enumerate()
            .map(|(tag, len)| {
                let v = (n..n + *len as u32).collect();
                n += *len as u32;
                (tag, v)
            })
            .collect()
    }

    fn flat(p: &[(usize, Vec<u32>)]) -> Vec<(usize, u32)> {
        p.iter()
            .flat_map(|(m, v)| v.iter().map(move |t| (*m, *t)))
            .collect()
    }

    proptest! {
        /// Cut anywhere, the two halves hold the items before and after
        /// the cut, tags included, read from the front or the back.
        #[test]
        fn a_split_anywhere_keeps_every_item_in_order(
            lens in proptest::collection::vec(0usize..6, 0..8),
            cut in 0usize..40,
        ) {
            let p = parts(&lens);
            let want = flat(&p);
            let cut = cut.min(want.len());
            let whole = Pieces { parts: p, len: want.len() };
            let (left, right) = whole.split_at(cut);
            prop_assert_eq!(left.len, cut);
            prop_assert_eq!(right.len, want.len() - cut);
            let l: Vec<_> = left.into_iter().collect();
            let mut r: Vec<_> = right.into_iter().rev().collect();
            r.reverse();
            prop_assert_eq!(&l[..], &want[..cut]);
            prop_assert_eq!(&r[..], &want[cut..]);
        }

        /// Collected on a pool, the same as the lists flattened in order.
        #[test]
        fn collected_in_parallel_it_is_the_lists_in_order(
            lens in proptest::collection::vec(0usize..300, 0..12),
        ) {
            let p = parts(&lens);
            let want = flat(&p);
            let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
            let mut got = Vec::new();
            pool.install(|| Joined::new(p).with_min_len(1).collect_into_vec(&mut got));
            prop_assert_eq!(got, want);
        }
    }
}
