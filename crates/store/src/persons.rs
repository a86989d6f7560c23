//! Persons (complainants found by identity resolution): the storage interface.
//!
//! A person's id is the smallest complaint id among its complaints, so rebuilding the same
//! clusters gives the same ids. The store keeps each complaint's link (rule, confidence, the
//! complaint it was linked to), each complaint's normalised identifiers (to find candidates for
//! a new complaint), a narrow summary row per person (tags, age band, gender, region, motive) and
//! supervisors' identity decisions. The full profile is computed from the complaints on demand.

use crate::{ComplaintId, Result};
use serde::{Deserialize, Serialize};
use tousu_core::Complaint;

/// What profiling needs of one stored complaint (its text is left out).
#[derive(Debug, Clone)]
pub struct PersonSource {
    pub id: ComplaintId,
    /// The complaint without its text.
    pub complaint: Complaint,
    pub state: String,
    /// The stored analysis summary (JSON), when the text was analysed.
    pub analysis: Option<String>,
    /// Times the complainant rejected a proposed resolution or the complaint was reopened.
    pub answers_rejected: u32,
}

/// Which person a complaint belongs to and the link that put it there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonLink {
    pub complaint_id: ComplaintId,
    pub person_id: i64,
    /// The identity rule of the link (`resident_id`, `phone_name` …), `None` for the first
    /// complaint of a person.
    pub rule: Option<String>,
    pub confidence: Option<f32>,
    pub linked_to: Option<ComplaintId>,
}

/// A normalised identifier of a complaint: `kind` is `resident_id`, `phone`, `email`,
/// `name_birth` or `address`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdentityKey {
    pub kind: String,
    pub value: String,
    pub complaint_id: ComplaintId,
}

/// The stored summary of a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonRow {
    pub id: i64,
    pub complaints: u64,
    pub age_band: Option<String>,
    pub gender: Option<String>,
    pub region: Option<String>,
    pub motive: Option<String>,
    /// Tag codes, comma-separated.
    pub tags: String,
    /// JSON: the tags with their reasons, for lists and the case page.
    pub summary: String,
    pub updated_at: String,
}

/// A supervisor's identity decision: the persons of two complaints are (`same`) or are not the
/// same person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityOverride {
    pub id: i64,
    pub complaint_a: ComplaintId,
    pub complaint_b: ComplaintId,
    pub same: bool,
    pub actor: String,
    pub reason: String,
    pub at: String,
}

/// One complaint's row for the population analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRecord {
    pub category: Option<String>,
    pub product_line: Option<String>,
    pub channel: String,
    pub age_band: Option<String>,
    pub gender: Option<String>,
    pub region: Option<String>,
    pub motive: Option<String>,
}

/// Storage of persons, their complaints' links and supervisors' identity decisions.
pub trait PersonStore: Send + Sync {
    /// Profiling inputs of complaints with id > `after`, in id order (for rebuilds).
    fn person_sources(&self, after: i64, limit: u32) -> Result<Vec<PersonSource>>;
    /// Profiling inputs of the given complaints (missing ids are skipped).
    fn person_sources_of(&self, ids: &[ComplaintId]) -> Result<Vec<PersonSource>>;
    /// Complaints that share any of the identifiers (kind, value).
    fn identity_candidates(&self, keys: &[(String, String)]) -> Result<Vec<ComplaintId>>;
    /// Distinct persons other than `person` whose complaints share one of the identifiers.
    fn persons_sharing(&self, keys: &[(String, String)], person: i64) -> Result<Vec<i64>>;
    fn person_of(&self, id: ComplaintId) -> Result<Option<PersonLink>>;
    /// The complaints of a person, in id order.
    fn person_members(&self, person: i64) -> Result<Vec<PersonLink>>;
    fn person(&self, id: i64) -> Result<Option<PersonRow>>;
    /// Replace every person, link and identifier (a rebuild), in one transaction.
    fn replace_persons(&self, links: &[PersonLink], keys: &[IdentityKey], persons: &[PersonRow]) -> Result<()>;
    /// Incremental update in one transaction: drop the persons `removed`, replace the links of
    /// the complaints in `links`, the identifiers of the complaints `keys_of` with `keys`, and
    /// upsert `persons`.
    fn update_persons(
        &self,
        removed: &[i64],
        links: &[PersonLink],
        keys_of: &[ComplaintId],
        keys: &[IdentityKey],
        persons: &[PersonRow],
    ) -> Result<()>;
    /// Record a supervisor's decision (also in the audit trail of complaint a).
    fn add_identity_override(
        &self,
        a: ComplaintId,
        b: ComplaintId,
        same: bool,
        actor: &str,
        reason: &str,
    ) -> Result<IdentityOverride>;
    fn identity_overrides(&self) -> Result<Vec<IdentityOverride>>;
    /// Complaints with no person yet or changed since they were linked (at most `limit`).
    fn stale_person_complaints(&self, limit: u32) -> Result<Vec<ComplaintId>>;
    /// Every complaint with a person, joined with the person's profile fields.
    fn population_records(&self) -> Result<Vec<PopulationRecord>>;
}
