//! Property tests of the emitted client's building blocks: SID parsing, path
//! segment encoding and form encoding of the generated params structs.

use proptest::prelude::*;
use twilio_users::chat_v2::params as chat;
use twilio_users::conversations_v1::params as conv;
use twilio_users::path::encode_segment;
use twilio_users::sid::{AccountSid, RoleSid, ServiceSid, UserSid, UserSidOrIdentity};
use twilio_users::wire::{Incoming, Inputs, Outgoing};

/// The spec's pattern, `^PP[0-9a-fA-F]{32}$`, written out.
fn is_sid(prefix: &str, s: &str) -> bool {
    s.len() == 34 && s.starts_with(prefix) && s[2..].chars().all(|c| c.is_ascii_hexdigit())
}

fn hex(len: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range('0', '9'),
            proptest::char::range('a', 'f'),
            proptest::char::range('A', 'F')
        ],
        len,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

const PREFIXES: &[&str] = &["AC", "IS", "RL", "US"];

/// Parses `s` with the SID type of `prefix`: `Ok(display)` or `Err(())`.
fn parse_as(prefix: &str, s: &str) -> Result<String, ()> {
    fn check<T>(s: &str) -> Result<String, ()>
    where
        T: std::str::FromStr + std::fmt::Display + serde::Serialize + serde::de::DeserializeOwned,
        T: for<'a> TryFrom<&'a str> + AsRef<str> + Clone + PartialEq + std::fmt::Debug,
    {
        let parsed: Result<T, _> = s.parse();
        let tried = T::try_from(s).ok();
        let json = serde_json::to_string(s).expect("a string encodes");
        let decoded: Option<T> = serde_json::from_str(&json).ok();
        match parsed {
            Ok(sid) => {
                // Display, AsRef, TryFrom and serde all agree with FromStr.
                assert_eq!(sid.to_string(), s);
                assert_eq!(sid.as_ref(), s);
                assert_eq!(tried.as_ref(), Some(&sid));
                assert_eq!(decoded.as_ref(), Some(&sid));
                assert_eq!(serde_json::to_string(&sid).expect("encodes"), json);
                Ok(sid.to_string())
            }
            Err(_) => {
                assert!(
                    tried.is_none() && decoded.is_none(),
                    "{s:?}: every way in rejects"
                );
                Err(())
            }
        }
    }
    match prefix {
        "AC" => check::<AccountSid>(s),
        "IS" => check::<ServiceSid>(s),
        "RL" => check::<RoleSid>(s),
        "US" => check::<UserSid>(s),
        other => panic!("no SID type for {other}"),
    }
}

/// Strings near SIDs: a prefix (right, wrong or lowercase), then hex of a
/// length around 32, sometimes with one character replaced.
fn near_sid() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        proptest::sample::select(PREFIXES).prop_map(str::to_string),
        "[A-Za-z0-9]{0,3}",
    ];
    let body = (28usize..37).prop_flat_map(hex);
    (prefix, body, any::<Option<(prop::sample::Index, char)>>()).prop_map(|(p, mut b, swap)| {
        if let Some((at, c)) = swap {
            if !b.is_empty() {
                let i = at.index(b.len());
                b.replace_range(i..=i, &c.to_string());
            }
        }
        format!("{p}{b}")
    })
}

/// Inverse of percent-encoding: `None` if a `%` is not followed by two hex digits.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Any string, biased towards the characters URLs and forms treat specially.
fn tricky_string() -> impl Strategy<Value = String> {
    let special = proptest::sample::select(vec![
        '/', '?', '#', '%', ' ', '@', '+', '&', '=', '.', ':', ';', ',', '[', ']', '"', '\'', '\\',
        '\n', '\r', '\t', '\0', 'é', '😀', '~', '-', '_', '*',
    ]);
    let ch = prop_oneof![3 => special, 2 => any::<char>(), 2 => proptest::char::range('a', 'z')];
    proptest::collection::vec(ch, 0..24).prop_map(|cs| cs.into_iter().collect())
}

fn role_sid() -> impl Strategy<Value = RoleSid> {
    hex(32).prop_map(|h| format!("RL{h}").parse().expect("a valid RoleSid"))
}

/// Some string (the empty one included), or nothing.
fn optional_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(tricky_string())
}

type Encode<T> = fn(&T, &mut Outgoing) -> Result<(), twilio_users::InvalidParameter>;
type Decode<T> = fn(&Incoming) -> Result<T, twilio_users::InvalidParameter>;

/// What `encode` writes, `decode` (as the server reads it) reads back whole.
fn round_trips<T: PartialEq + std::fmt::Debug>(
    params: &T,
    encode: Encode<T>,
    decode: Decode<T>,
) -> Result<(), TestCaseError> {
    let out = written(params, encode);
    let back =
        decode(&tests::received(&out)).map_err(|e| TestCaseError::fail(format!("{out:?}: {e}")))?;
    prop_assert_eq!(&back, params, "via {:?}", out);
    Ok(())
}

fn written<T>(params: &T, encode: Encode<T>) -> Outgoing {
    let mut out = Outgoing::default();
    encode(params, &mut out).expect("encodes");
    out
}

/// The `key=value` pairs of a form or query string, decoded.
fn pairs(encoded: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(encoded.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sids_accept_prefix_and_32_hex_digits(prefix in proptest::sample::select(PREFIXES), body in hex(32)) {
        let s = format!("{prefix}{body}");
        prop_assert_eq!(parse_as(prefix, &s), Ok(s.clone()));
        // The same digits under any other prefix are not this SID.
        for other in PREFIXES.iter().filter(|p| **p != prefix) {
            prop_assert_eq!(parse_as(other, &s), Err(()));
        }
        // Nor with the prefix in lower case.
        prop_assert_eq!(parse_as(prefix, &format!("{}{body}", prefix.to_lowercase())), Err(()));
    }

    #[test]
    fn sids_accept_exactly_the_pattern(s in near_sid(), prefix in proptest::sample::select(PREFIXES)) {
        prop_assert_eq!(parse_as(prefix, &s).is_ok(), is_sid(prefix, &s), "{:?} as {}", s, prefix);
    }

    #[test]
    fn sids_reject_wrong_length(prefix in proptest::sample::select(PREFIXES), len in (0usize..70).prop_filter("not 32", |l| *l != 32)) {
        let s = format!("{prefix}{}", "a".repeat(len));
        prop_assert_eq!(parse_as(prefix, &s), Err(()));
    }

    #[test]
    fn sids_reject_a_non_hex_digit(prefix in proptest::sample::select(PREFIXES), body in hex(32), at in 0usize..32, c in any::<char>().prop_filter("not hex", |c| !c.is_ascii_hexdigit())) {
        let mut chars: Vec<char> = body.chars().collect();
        chars[at] = c;
        let s = format!("{prefix}{}", chars.into_iter().collect::<String>());
        prop_assert_eq!(parse_as(prefix, &s), Err(()));
    }

    #[test]
    fn sids_accept_exactly_the_pattern_for_any_string(s in any::<String>()) {
        for prefix in PREFIXES {
            prop_assert_eq!(parse_as(prefix, &s).is_ok(), is_sid(prefix, &s));
        }
    }

    #[test]
    fn sid_or_identity_keeps_the_value(s in prop_oneof![near_sid(), tricky_string()]) {
        let either = UserSidOrIdentity::from(s.as_str());
        prop_assert_eq!(either.as_str(), s.as_str());
        prop_assert_eq!(either.to_string(), s.clone());
        prop_assert_eq!(matches!(either, UserSidOrIdentity::Sid(_)), is_sid("US", &s));
    }

    #[test]
    fn form_encoding_writes_what_form_urlencoded_writes(s in prop_oneof![tricky_string(), any::<String>()], before in tricky_string()) {
        let mut ours = before.clone();
        twilio_users::wire::form_encode(&mut ours, &s);
        let theirs: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
        prop_assert_eq!(ours, format!("{before}{theirs}"));
    }

    #[test]
    fn encode_segment_is_one_reversible_segment(s in prop_oneof![tricky_string(), any::<String>()]) {
        let encoded = encode_segment(&s);
        let bytes = encoded.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                let pair = &encoded[i + 1..i + 3];
                prop_assert!(pair.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()), "{}", encoded);
                i += 3;
            } else {
                prop_assert!(b.is_ascii_alphanumeric() || b"-._~".contains(&b), "{:?} in {}", b as char, encoded);
                i += 1;
            }
        }
        for c in ['/', '?', '#', ' ', '@', '+', '&'] {
            prop_assert!(!encoded.contains(c));
        }
        prop_assert_eq!(percent_decode(&encoded), Some(s.clone()));
        // Unreserved characters are left alone: a SID is its own encoding.
        if s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)) {
            prop_assert_eq!(encoded, s);
        }
    }

    #[test]
    fn create_params_round_trip_through_a_form(
        identity in tricky_string(),
        friendly_name in optional_text(),
        attributes in optional_text(),
        role in proptest::option::of(role_sid()),
    ) {
        let mut chat_create = chat::CreateUserParams::new(identity.clone());
        chat_create.friendly_name = friendly_name.clone();
        chat_create.attributes = attributes.clone();
        chat_create.role_sid = role.clone();
        round_trips(&chat_create, chat::CreateUserParams::encode, chat::CreateUserParams::decode)?;
        // The keys are the spec's PascalCase names, each at most once.
        let out = written(&chat_create, chat::CreateUserParams::encode);
        let pairs = pairs(out.form.as_str());
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        prop_assert_eq!(keys[0], "Identity");
        prop_assert_eq!(&pairs[0].1, &identity);
        for k in &keys {
            prop_assert!(["Identity", "RoleSid", "Attributes", "FriendlyName"].contains(k));
        }

        let mut conv_create = conv::CreateServiceUserParams::new(identity);
        conv_create.friendly_name = friendly_name;
        conv_create.attributes = attributes;
        conv_create.role_sid = role;
        round_trips(&conv_create, conv::CreateServiceUserParams::encode, conv::CreateServiceUserParams::decode)?;
    }

    #[test]
    fn update_and_list_params_round_trip(
        friendly_name in optional_text(),
        attributes in optional_text(),
        role in proptest::option::of(role_sid()),
        page_size in any::<Option<i64>>(),
        page in any::<Option<i64>>(),
        token in optional_text(),
    ) {
        let mut update = chat::UpdateUserParams::new();
        update.role_sid = role;
        update.attributes = attributes;
        update.friendly_name = friendly_name;
        round_trips(&update, chat::UpdateUserParams::encode, chat::UpdateUserParams::decode)?;
        let mut list = conv::ListUserParams::new();
        list.page_size = page_size;
        list.page = page;
        list.page_token = token;
        round_trips(&list, conv::ListUserParams::encode, conv::ListUserParams::decode)?;
        // What the client validates is what the spec bounds, but for the page
        // size's maximum, which servers cap rather than reject.
        let valid = list.validate().is_ok();
        prop_assert_eq!(valid, page_size.is_none_or(|s| s >= 1) && page.is_none_or(|p| p >= 0));
    }
}

/// The header input is not part of the form: it travels as a header.
#[test]
fn header_inputs_stay_out_of_the_form() {
    let mut p = chat::CreateUserParams::new("x");
    p.x_twilio_webhook_enabled = Some(true);
    let out = written(&p, chat::CreateUserParams::encode);
    assert_eq!(out.form.as_str(), "Identity=x");
    assert_eq!(
        out.headers,
        [("X-Twilio-Webhook-Enabled", "true".to_string())]
    );
}

/// An empty optional value is sent (`FriendlyName=`, which clears the field)
/// and reads back as empty, not as absent.
#[test]
fn empty_optional_values_are_sent_and_read_back() {
    let mut p = chat::UpdateUserParams::new();
    p.friendly_name = Some(String::new());
    let out = written(&p, chat::UpdateUserParams::encode);
    assert_eq!(out.form.as_str(), "FriendlyName=");
    let back = chat::UpdateUserParams::decode(&tests::received(&out)).expect("decodes");
    assert_eq!(back.friendly_name.as_deref(), Some(""));
    assert_eq!(
        written(
            &chat::UpdateUserParams::new(),
            chat::UpdateUserParams::encode
        )
        .form
        .as_str(),
        ""
    );
}
