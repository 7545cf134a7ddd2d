//! How requests authenticate: HTTP basic auth, as Twilio does, or an OAuth
//! 2.0 access token (the Organizations API's). Secrets are held as
//! [`SecretString`]s and never shown by `Debug`.

use crate::sid::AccountSid;
use secrecy::{ExposeSecret, SecretString};

/// An account SID with its auth token, or an API key with its secret.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// The account SID and its auth token.
    #[non_exhaustive]
    AuthToken {
        /// The account.
        account_sid: AccountSid,
        /// The account's auth token.
        auth_token: SecretString,
    },
    /// An API key (`SK...`) and its secret, acting for an account.
    #[non_exhaustive]
    ApiKey {
        /// The account the key belongs to.
        account_sid: AccountSid,
        /// The API key SID.
        api_key: String,
        /// The API key secret.
        api_secret: SecretString,
    },
    /// An OAuth 2.0 access token, sent as `Authorization: Bearer`.
    #[non_exhaustive]
    Bearer {
        /// The account requests act for.
        account_sid: AccountSid,
        /// The access token.
        token: SecretString,
    },
}

/// How a request carries its credentials.
pub(crate) enum Authorization<'a> {
    Basic(&'a str, &'a str),
    Bearer(&'a str),
}

impl Credentials {
    /// The account's SID and auth token.
    pub fn auth_token(account_sid: AccountSid, auth_token: impl Into<String>) -> Self {
        Credentials::AuthToken {
            account_sid,
            auth_token: SecretString::from(auth_token.into()),
        }
    }

    /// An API key and its secret, acting for `account_sid`.
    pub fn api_key(
        account_sid: AccountSid,
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
    ) -> Self {
        Credentials::ApiKey {
            account_sid,
            api_key: api_key.into(),
            api_secret: SecretString::from(api_secret.into()),
        }
    }

    /// An OAuth 2.0 access token, acting for `account_sid`.
    pub fn bearer(account_sid: AccountSid, token: impl Into<String>) -> Self {
        Credentials::Bearer {
            account_sid,
            token: SecretString::from(token.into()),
        }
    }

    /// The account requests act for.
    pub fn account_sid(&self) -> &AccountSid {
        match self {
            Credentials::AuthToken { account_sid, .. }
            | Credentials::ApiKey { account_sid, .. }
            | Credentials::Bearer { account_sid, .. } => account_sid,
        }
    }

    /// What a request's `Authorization` carries.
    pub(crate) fn authorization(&self) -> Authorization<'_> {
        match self {
            Credentials::AuthToken {
                account_sid,
                auth_token,
            } => Authorization::Basic(account_sid.as_str(), auth_token.expose_secret()),
            Credentials::ApiKey {
                api_key,
                api_secret,
                ..
            } => Authorization::Basic(api_key, api_secret.expose_secret()),
            Credentials::Bearer { token, .. } => Authorization::Bearer(token.expose_secret()),
        }
    }
}

/// Secrets never reach logs.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::AuthToken { account_sid, .. } => f
                .debug_struct("AuthToken")
                .field("account_sid", account_sid)
                .field("auth_token", &"<redacted>")
                .finish(),
            Credentials::ApiKey {
                account_sid,
                api_key,
                ..
            } => f
                .debug_struct("ApiKey")
                .field("account_sid", account_sid)
                .field("api_key", api_key)
                .field("api_secret", &"<redacted>")
                .finish(),
            Credentials::Bearer { account_sid, .. } => f
                .debug_struct("Bearer")
                .field("account_sid", account_sid)
                .field("token", &"<redacted>")
                .finish(),
        }
    }
}
