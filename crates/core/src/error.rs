use thiserror::Error;

/// The one error type of the core crate. Each variant names the offending value and a reason
/// a person can act on; intake adds the file, row and column.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    #[error("invalid date {value:?}: {reason}")]
    InvalidDate { value: String, reason: String },
    #[error("invalid amount {value:?}: {reason}")]
    InvalidAmount { value: String, reason: String },
    #[error("invalid value {value:?}: {reason}")]
    InvalidValue { value: String, reason: String },
    /// Reference data (a calendar year file, a deadline regime file) that cannot be used.
    #[error("invalid {what}: {reason}")]
    InvalidData { what: String, reason: String },
}

impl Error {
    pub(crate) fn date(value: &str, reason: impl Into<String>) -> Self {
        Error::InvalidDate { value: clip(value), reason: reason.into() }
    }
    pub(crate) fn amount(value: &str, reason: impl Into<String>) -> Self {
        Error::InvalidAmount { value: clip(value), reason: reason.into() }
    }
    pub fn value(value: &str, reason: impl Into<String>) -> Self {
        Error::InvalidValue { value: clip(value), reason: reason.into() }
    }
    /// The reason alone, without the value (for reports that print the value separately).
    pub fn reason(&self) -> &str {
        match self {
            Error::InvalidDate { reason, .. }
            | Error::InvalidAmount { reason, .. }
            | Error::InvalidValue { reason, .. }
            | Error::InvalidData { reason, .. } => reason,
        }
    }
}

/// Values quoted in messages are clipped so that a 200k-character cell does not flood a report.
pub fn clip(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        let mut s: String = value.chars().take(MAX).collect();
        s.push('…');
        s
    }
}
