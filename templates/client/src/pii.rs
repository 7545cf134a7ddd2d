//! Personally identifiable information, as the spec tags it (`x-twilio.pii`).

/// How a PII value must be handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PiiField {
    /// The field's name on the wire.
    pub name: &'static str,
    /// `standard` or `sensitive`, as the spec says.
    pub handling: &'static str,
    /// Days within which the value must be gone after the record is deleted.
    pub delete_sla_days: Option<u32>,
}

/// A type whose fields include PII. Their values never show in `Debug` output.
pub trait Pii {
    /// The PII fields of this type, in declaration order.
    const PII_FIELDS: &'static [PiiField];
}

/// Stands in for a PII value in `Debug` output: the handling shows, the value does not.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Redacted(pub &'static str);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<redacted {}>", self.0)
    }
}

/// `Some(<redacted handling>)` or `None`: whether a value is present is not PII.
pub fn redact<T>(value: &Option<T>, handling: &'static str) -> Option<Redacted> {
    value.as_ref().map(|_| Redacted(handling))
}
