//! The shape every SID type shares. Each type is defined by [`sid_type!`] in `sid.rs`.

/// Why a string is not a SID of the expected kind. The message leaves the
/// input out: what was given where a SID belongs may be an identity.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid {type_name}: expected {prefix} followed by 32 hexadecimal digits, got {} characters",
    value.chars().count()
)]
#[non_exhaustive]
pub struct SidError {
    /// The SID type that was asked for, e.g. `UserSid`.
    pub type_name: &'static str,
    /// The two-letter prefix that type requires (`SM or MM` for one that
    /// allows several).
    pub prefix: &'static str,
    /// The rejected input.
    pub value: String,
}

impl std::fmt::Debug for SidError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SidError")
            .field("type_name", &self.type_name)
            .field("prefix", &self.prefix)
            .field("value", &crate::pii::Redacted("input"))
            .finish()
    }
}

/// Whether `value` is one of `prefixes` followed by exactly 32 hex digits.
pub(crate) fn is_sid(prefixes: &[&str], value: &str) -> bool {
    value.len() == 34
        && prefixes.iter().any(|p| value.starts_with(p))
        && value.as_bytes()[2..].iter().all(u8::is_ascii_hexdigit)
}

macro_rules! sid_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal $(, $more:literal)*) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(::std::string::String);

        impl $name {
            /// The two letters new SIDs of this kind start with.
            pub const PREFIX: &'static str = $prefix;

            /// Every two letters a SID of this kind may start with.
            pub const PREFIXES: &'static [&'static str] = &[$prefix $(, $more)*];

            /// Checks `value` and wraps it.
            pub fn parse(value: impl ::std::convert::Into<::std::string::String>) -> ::std::result::Result<Self, $crate::sid::SidError> {
                let value = value.into();
                if $crate::sid_macro::is_sid(Self::PREFIXES, &value) {
                    ::std::result::Result::Ok(Self(value))
                } else {
                    ::std::result::Result::Err($crate::sid::SidError {
                        type_name: ::std::stringify!($name),
                        prefix: ::std::concat!($prefix $(, " or ", $more)*),
                        value,
                    })
                }
            }

            /// The SID as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::write!(f, "{}({})", ::std::stringify!($name), self.0)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::sid::SidError;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl ::std::convert::TryFrom<&str> for $name {
            type Error = $crate::sid::SidError;
            fn try_from(s: &str) -> ::std::result::Result<Self, Self::Error> {
                Self::parse(s)
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::sid::SidError;
            fn try_from(s: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                Self::parse(s)
            }
        }

        impl ::std::convert::From<&$name> for $name {
            fn from(sid: &$name) -> Self {
                sid.clone()
            }
        }

        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(sid: $name) -> Self {
                sid.0
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::string::String as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(s).map_err(::serde::de::Error::custom)
            }
        }

        impl $crate::wire::WireText for $name {
            fn to_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(&self.0)
            }
            fn parse_text(text: &str) -> ::std::result::Result<Self, ::std::string::String> {
                Self::parse(text).map_err(|e| e.to_string())
            }
        }
    };
}

/// A path segment that takes either a record's SID or another name of it:
/// its `identity` (variant `Identity`), or a unique or friendly name, a
/// label (variant `Name`). (Unused by a spec none of whose paths take one.)
#[allow(unused_macros)]
macro_rules! sid_or_identity_type {
    ($(#[$doc:meta])* $name:ident, $sid:ident, $other:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            /// The record's SID.
            Sid($sid),
            /// The record's other name (any string, sent percent-encoded).
            $other(::std::string::String),
        }

        impl $name {
            /// The value as it goes into the path, before percent-encoding.
            pub fn as_str(&self) -> &str {
                match self {
                    Self::Sid(sid) => sid.as_str(),
                    Self::$other(name) => name,
                }
            }

            /// Reads a path segment: a valid SID is a SID, anything else a name.
            pub fn from_segment(segment: &str) -> Self {
                match $sid::parse(segment) {
                    ::std::result::Result::Ok(sid) => Self::Sid(sid),
                    ::std::result::Result::Err(_) => Self::$other(segment.to_string()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<$sid> for $name {
            fn from(sid: $sid) -> Self {
                Self::Sid(sid)
            }
        }

        impl ::std::convert::From<&$sid> for $name {
            fn from(sid: &$sid) -> Self {
                Self::Sid(sid.clone())
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(identity: &str) -> Self {
                Self::from_segment(identity)
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(identity: ::std::string::String) -> Self {
                Self::from_segment(&identity)
            }
        }

        impl $crate::wire::WireText for $name {
            fn to_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
            /// A valid SID is a SID, anything else a name.
            fn parse_text(text: &str) -> ::std::result::Result<Self, ::std::string::String> {
                ::std::result::Result::Ok(Self::from_segment(text))
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use sid_or_identity_type;
pub(crate) use sid_type;
