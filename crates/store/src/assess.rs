//! Case assessment (five dimensions, legal checks, negotiation): the storage interface.

/// Storage of assessments, negotiation plans, approvals and concessions.
pub trait AssessStore: Send + Sync {}
