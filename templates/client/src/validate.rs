//! Checks the spec states about inputs, shared by the client (before sending)
//! and by servers (before calling a handler).

use crate::error::InvalidParameter;

/// `value` must lie within the spec's `minimum`/`maximum`.
pub fn check_range(
    name: &str,
    value: i64,
    minimum: Option<i64>,
    maximum: Option<i64>,
) -> Result<(), InvalidParameter> {
    if let Some(min) = minimum
        && value < min
    {
        return Err(InvalidParameter::new(
            name,
            format!("{value} is below the minimum of {min}"),
        ));
    }
    if let Some(max) = maximum
        && value > max
    {
        return Err(InvalidParameter::new(
            name,
            format!("{value} is above the maximum of {max}"),
        ));
    }
    Ok(())
}

/// A required string must not be empty.
pub fn check_not_empty(name: &str, value: &str) -> Result<(), InvalidParameter> {
    if value.is_empty() {
        Err(InvalidParameter::new(
            name,
            "is required and must not be empty",
        ))
    } else {
        Ok(())
    }
}

/// A URL input must be an absolute URL.
pub fn check_url(name: &str, value: &crate::url_text::UrlText) -> Result<(), InvalidParameter> {
    value
        .parse()
        .map(|_| ())
        .map_err(|e| InvalidParameter::new(name, format!("is not an absolute URL: {e}")))
}
