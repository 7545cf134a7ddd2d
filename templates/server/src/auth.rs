//! Basic auth through a pluggable [`Authenticator`].

use api_types::sid::AccountSid;
use axum::http::{HeaderMap, header};
use base64::Engine;
use subtle::ConstantTimeEq;

/// Decides who a request acts for.
pub trait Authenticator: Send + Sync + 'static {
    /// The account these basic-auth credentials act for, or `None` to answer 401.
    fn authenticate(&self, username: &str, password: &str) -> Option<AccountSid>;
}

/// Fixed accounts (SID + auth token) and API keys (key + secret -> account).
#[derive(Clone, Default)]
pub struct StaticCredentials {
    accounts: Vec<(AccountSid, String)>,
    api_keys: Vec<(String, String, AccountSid)>,
}

impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticCredentials")
            .field(
                "accounts",
                &self.accounts.iter().map(|(a, _)| a).collect::<Vec<_>>(),
            )
            .field(
                "api_keys",
                &self.api_keys.iter().map(|(k, _, _)| k).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl StaticCredentials {
    /// No one is let in until an account or key is added.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lets `account` in with `auth_token`.
    pub fn account(mut self, account: AccountSid, auth_token: impl Into<String>) -> Self {
        self.accounts.push((account, auth_token.into()));
        self
    }

    /// Lets API key `key` in with `secret`, acting for `account`.
    pub fn api_key(
        mut self,
        key: impl Into<String>,
        secret: impl Into<String>,
        account: AccountSid,
    ) -> Self {
        self.api_keys.push((key.into(), secret.into(), account));
        self
    }
}

/// Equal in constant time for equal lengths, so a wrong secret's timing says nothing of the right one.
fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

impl Authenticator for StaticCredentials {
    fn authenticate(&self, username: &str, password: &str) -> Option<AccountSid> {
        let mut found = None;
        for (account, token) in &self.accounts {
            if same(account.as_str(), username) & same(token, password) {
                found = Some(account.clone());
            }
        }
        for (key, secret, account) in &self.api_keys {
            if same(key, username) & same(secret, password) {
                found = Some(account.clone());
            }
        }
        found
    }
}

/// Who a request acts for, and where the server is reached: what handlers
/// need beyond the operation's own inputs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RequestContext {
    /// The authenticated account. Every record is scoped to it.
    pub account_sid: AccountSid,
    /// `http(s)://host[:port]` as the client reached this server (or the
    /// configured public URL), for `url` fields and paging links.
    pub base_url: String,
}

impl RequestContext {
    /// A request acting for `account_sid`, reached at `base_url`.
    pub fn new(account_sid: AccountSid, base_url: impl Into<String>) -> Self {
        RequestContext {
            account_sid,
            base_url: base_url.into(),
        }
    }
}

/// The account a request's basic-auth user and password act for, as
/// `auth` decides. Every request asks, so the credentials are decoded on
/// the stack unless they are unusually long.
pub(crate) fn authenticated(headers: &HeaderMap, auth: &dyn Authenticator) -> Option<AccountSid> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let encoded = encoded.trim();
    let mut stack = [0u8; 256];
    let mut heap = Vec::new();
    let room = base64::decoded_len_estimate(encoded.len());
    let buffer: &mut [u8] = if room <= stack.len() {
        &mut stack
    } else {
        heap.resize(room, 0);
        &mut heap
    };
    let length = base64::engine::general_purpose::STANDARD
        .decode_slice(encoded, buffer)
        .ok()?;
    let decoded = std::str::from_utf8(&buffer[..length]).ok()?;
    let (user, password) = decoded.split_once(':')?;
    auth.authenticate(user, password)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "AC0000000000000000000000000000000a";

    fn asking(user: &str, password: &str, auth: &dyn Authenticator) -> Option<AccountSid> {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let mut headers = HeaderMap::new();
        let value = format!("Basic {encoded}").parse().expect("a header value");
        headers.insert(header::AUTHORIZATION, value);
        authenticated(&headers, auth)
    }

    #[test]
    fn credentials_of_any_length_are_decoded_and_checked() {
        let long = "s".repeat(400);
        let account = AccountSid::parse(ACCOUNT).expect("an account SID");
        let auth = StaticCredentials::new()
            .account(account.clone(), "token")
            .api_key("SK1", long.as_str(), account.clone());
        assert_eq!(asking(ACCOUNT, "token", &auth), Some(account.clone()));
        assert_eq!(
            asking("SK1", &long, &auth),
            Some(account),
            "past the stack buffer"
        );
        assert_eq!(asking(ACCOUNT, "wrong", &auth), None);
        assert_eq!(asking("SK1", &long[1..], &auth), None);
        let mut headers = HeaderMap::new();
        for value in ["Bearer abc", "Basic !!!", "Basic dXNlcg==", "Basic"] {
            headers.insert(
                header::AUTHORIZATION,
                value.parse().expect("a header value"),
            );
            assert_eq!(authenticated(&headers, &auth), None, "{value}");
        }
    }
}
