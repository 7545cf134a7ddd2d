//! Twilio's timestamps as `DateTime<Utc>`: the form Twilio sends
//! (`2026-01-02T03:04:05Z`) read and written directly, several times faster
//! than a general parser and formatter; any other RFC 3339 text, or RFC 2822
//! (Twilio's 2010 APIs), through chrono. Models use this module with
//! `#[serde(with = "crate::dates")]` (or `crate::dates::option`).

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::de::{Error, Visitor};
use serde::{Deserializer, Serialize, Serializer};

/// `text` as a UTC timestamp, if it is one.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    exact(text)
        .or_else(|| DateTime::parse_from_rfc3339(text).ok())
        .or_else(|| DateTime::parse_from_rfc2822(text).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// `YYYY-MM-DDTHH:MM:SSZ`, exactly.
fn exact(text: &str) -> Option<DateTime<chrono::FixedOffset>> {
    let b = text.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let number = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(0, 4)?).ok()?,
        number(5, 7)?,
        number(8, 10)?,
    )?;
    let time = date.and_hms_opt(number(11, 13)?, number(14, 16)?, number(17, 19)?)?;
    Some(time.and_utc().fixed_offset())
}

struct Timestamp;

impl Visitor<'_> for Timestamp {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an RFC 3339 or RFC 2822 timestamp")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<Self::Value, E> {
        parse(text).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(text), &self))
    }
}

/// A timestamp field.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(Timestamp)
}

/// A timestamp field, written as chrono writes it (`2026-01-02T03:04:05Z`
/// for a whole second, which is every timestamp Twilio sends).
pub fn serialize<S: Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    let year = time.year();
    if time.nanosecond() != 0 || !(0..=9999).contains(&year) {
        return time.serialize(s);
    }
    let mut text = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, width: usize, mut n: u32| {
        for i in (at..at + width).rev() {
            text[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, 4, year.unsigned_abs());
    put(5, 2, time.month());
    put(8, 2, time.day());
    put(11, 2, time.hour());
    put(14, 2, time.minute());
    put(17, 2, time.second());
    // Only ASCII digits and separators were written.
    s.serialize_str(std::str::from_utf8(&text).unwrap_or_default())
}

/// The same for an optional timestamp.
pub mod option {
    use super::*;

    /// An optional timestamp field, written as [`super::serialize`] writes one.
    pub fn serialize<S: Serializer>(time: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match time {
            Some(time) => s.serialize_some(&Written(time)),
            None => s.serialize_none(),
        }
    }

    /// A timestamp field that may be null or missing.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        struct Maybe;
        impl<'de> Visitor<'de> for Maybe {
            type Value = Option<DateTime<Utc>>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a timestamp or null")
            }

            fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                super::deserialize(d).map(Some)
            }
        }
        d.deserialize_option(Maybe)
    }

    struct Written<'a>(&'a DateTime<Utc>);

    impl Serialize for Written<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            super::serialize(self.0, s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_reads_as_the_same_instant() {
        let expected = DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        for text in [
            "2026-01-02T03:04:05Z",
            "2026-01-02T03:04:05+00:00",
            "2026-01-02T04:04:05+01:00",
            "Fri, 02 Jan 2026 03:04:05 +0000",
        ] {
            assert_eq!(parse(text), Some(expected), "{text}");
        }
        assert_eq!(
            parse("2026-01-02T03:04:05.250Z").map(|t| t.timestamp_subsec_millis()),
            Some(250)
        );
        for bad in [
            "2026-13-02T03:04:05Z",
            "2026-02-30T03:04:05Z",
            "2026-01-02T24:04:05Z",
            "yesterday",
            "2026-01-0xT03:04:05Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn written_as_chrono_writes_them() {
        #[derive(serde::Serialize)]
        struct Direct(#[serde(serialize_with = "serialize")] DateTime<Utc>);
        for text in [
            "2026-01-02T03:04:05Z",
            "0999-12-31T23:59:59Z",
            "2026-01-02T03:04:05.250Z",
            "2026-01-02T03:04:05.000000001Z",
        ] {
            let time = parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(
                serde_json::to_string(&Direct(time)).unwrap(),
                serde_json::to_string(&time).unwrap(),
                "{text}"
            );
        }
        let far = NaiveDate::from_ymd_opt(12026, 1, 2)
            .and_then(|d| d.and_hms_opt(3, 4, 5))
            .map(|t| t.and_utc())
            .unwrap();
        assert_eq!(
            serde_json::to_string(&Direct(far)).unwrap(),
            serde_json::to_string(&far).unwrap()
        );
    }
}
