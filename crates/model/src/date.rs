//! Calendar dates in reports and configs as ISO 8601 `YYYY-MM-DD` strings.

use time::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

pub const FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// `2027-01-31`.
pub fn format(d: Date) -> String {
    d.format(FORMAT).unwrap_or_else(|_| d.to_string())
}

pub fn parse(s: &str) -> Result<Date, time::error::Parse> {
    Date::parse(s, FORMAT)
}

/// `#[serde(with = "crate::date::plain")]` for a `Date`.
pub mod plain {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        super::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// `#[serde(with = "crate::date::option")]` for an `Option<Date>`.
pub mod option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&super::format(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| super::parse(&s).map_err(serde::de::Error::custom))
            .transpose()
    }
}
