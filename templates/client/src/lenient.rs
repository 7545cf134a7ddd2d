//! Values as Twilio sends them where that differs from what its specs say:
//! an unset SID of the 2010 API as `""` (`"voice_application_sid": ""`),
//! and a price as text (`"price": "-0.00750"`) where the spec says a
//! number. Models read such fields with `#[serde(deserialize_with = ...)]`;
//! what they write is unchanged.

use serde::de::{Deserialize, Deserializer, Error, IntoDeserializer, Visitor};
use std::marker::PhantomData;

/// An optional value that may come as `""` for none (read from a string
/// only: a SID).
pub fn empty_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Maybe<T>(PhantomData<fn() -> T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Maybe<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string, empty or null for none")
        }

        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }

        fn visit_str<E: Error>(self, text: &str) -> Result<Self::Value, E> {
            if text.is_empty() {
                return Ok(None);
            }
            T::deserialize(text.into_deserializer()).map(Some)
        }
    }

    d.deserialize_option(Maybe(PhantomData))
}

struct Number;

impl Visitor<'_> for Number {
    type Value = f64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number, or a number as text")
    }

    fn visit_f64<E: Error>(self, n: f64) -> Result<f64, E> {
        Ok(n)
    }

    fn visit_i64<E: Error>(self, n: i64) -> Result<f64, E> {
        Ok(n as f64)
    }

    fn visit_u64<E: Error>(self, n: u64) -> Result<f64, E> {
        Ok(n as f64)
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<f64, E> {
        text.trim()
            .parse()
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(text), &self))
    }
}

/// A number that may come as text.
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    d.deserialize_any(Number)
}

/// An optional number that may come as text (`""` for none).
pub fn option_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct Maybe;

    impl<'de> Visitor<'de> for Maybe {
        type Value = Option<f64>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a number, a number as text, or null")
        }

        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_f64<E: Error>(self, n: f64) -> Result<Self::Value, E> {
            Ok(Some(n))
        }

        fn visit_i64<E: Error>(self, n: i64) -> Result<Self::Value, E> {
            Ok(Some(n as f64))
        }

        fn visit_u64<E: Error>(self, n: u64) -> Result<Self::Value, E> {
            Ok(Some(n as f64))
        }

        fn visit_str<E: Error>(self, text: &str) -> Result<Self::Value, E> {
            if text.trim().is_empty() {
                return Ok(None);
            }
            Number.visit_str(text).map(Some)
        }
    }

    d.deserialize_option(Maybe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Record {
        #[serde(default, deserialize_with = "empty_as_none")]
        sid: Option<String>,
        #[serde(default, deserialize_with = "option_number")]
        price: Option<f64>,
        #[serde(deserialize_with = "number")]
        rate: f64,
    }

    #[test]
    fn as_twilio_sends_them() {
        let read = |json: &str| serde_json::from_str::<Record>(json).unwrap();
        assert_eq!(
            read(r#"{"sid": "", "price": "-0.00750", "rate": "2"}"#),
            Record {
                sid: None,
                price: Some(-0.0075),
                rate: 2.0
            }
        );
        assert_eq!(
            read(r#"{"sid": null, "price": null, "rate": 1.5}"#),
            Record {
                sid: None,
                price: None,
                rate: 1.5
            }
        );
        assert_eq!(
            read(r#"{"sid": "AP1", "price": -1, "rate": 3}"#),
            Record {
                sid: Some("AP1".into()),
                price: Some(-1.0),
                rate: 3.0
            }
        );
        assert_eq!(read(r#"{"rate": 0}"#).price, None);
        assert!(serde_json::from_str::<Record>(r#"{"price": "cheap", "rate": 1}"#).is_err());
    }
}
