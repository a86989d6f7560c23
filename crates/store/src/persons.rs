//! Persons (complainants found by identity resolution): the storage interface.

/// Storage of persons, their complaints' links and supervisors' identity decisions.
pub trait PersonStore: Send + Sync {}
