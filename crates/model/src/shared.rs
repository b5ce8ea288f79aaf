//! [`SharedStr`]: an immutable string whose clones share one allocation.
//!
//! A report of a million findings repeats a handful of check ids, one
//! account id and a few region names on every finding. As `String`s they
//! cost an allocation and a heap copy each (about 3.5 million allocations
//! and 70 MiB on the 1.09M-resource benchmark, docs/performance.md); as
//! `SharedStr`s cloned from one value they cost a reference count. It reads
//! and writes as a plain JSON string and compares, hashes and orders as
//! its text, so reports are unchanged. It is one pointer wide (an
//! `Arc<String>`, not the two-word `Arc<str>`): a finding holds three, and
//! the 24 bytes saved on each of 1.4 million findings are about 33 MB
//! held, and as much again while the findings are gathered.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SharedStr(Arc<String>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.as_str(), f)
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Arc::new(s.to_owned()))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(Arc::new(s))
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> Self {
        SharedStr(Arc::new(s.clone()))
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        Arc::unwrap_or_clone(s.0)
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.0.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_str() == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.0.as_str() == other.as_str()
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == other.0.as_str()
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == other.0.as_str()
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.0.as_str()
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SharedStr::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<SharedStr>(), 8);
        assert_eq!(std::mem::size_of::<Option<SharedStr>>(), 8);
    }

    #[test]
    fn clones_share_and_compare_as_text() {
        let a = SharedStr::from("EDGE-001");
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "EDGE-001");
        assert_eq!("EDGE-001", a);
        assert_eq!(a, String::from("EDGE-001"));
        let later = SharedStr::from("EDGE-002");
        assert!(a < later);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"EDGE-001\"");
        assert_eq!(serde_json::from_str::<SharedStr>(&json).unwrap(), a);
        let m: std::collections::HashMap<SharedStr, u8> = [(a.clone(), 1)].into();
        assert_eq!(m.get("EDGE-001"), Some(&1));
    }
}
