//! Persons (complainants found by identity resolution): the storage interface.
//!
//! A person's id is the smallest complaint id among its complaints, so rebuilding the same
//! clusters gives the same ids. The store keeps each complaint's link (rule, confidence, the
//! complaint it was linked to), each complaint's normalised identifiers (to find candidates for
//! a new complaint), a narrow summary row per person (tags, age band, gender, region, motive) and
//! supervisors' identity decisions. The full profile is computed from the complaints on demand.

use crate::{ComplaintId, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tousu_core::Complaint;

/// The identity fields of one stored complaint (for resolving everything at once).
#[derive(Debug, Clone)]
pub struct IdentityRow {
    pub id: ComplaintId,
    pub name: Option<String>,
    pub resident_id: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub content_hash: String,
}

/// What profiling needs of one stored complaint (its text is left out).
#[derive(Debug, Clone)]
pub struct PersonSource {
    pub id: ComplaintId,
    /// The complaint without its text.
    pub complaint: Complaint,
    pub state: String,
    pub content_hash: String,
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
    /// The complaint's content hash the link was made for (a different one means stale).
    pub content_hash: Option<String>,
}

/// A normalised identifier of a complaint, as a 64-bit hash of its value: `kind` is
/// `resident_id`, `phone`, `email`, `name_birth` or `address`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct IdentityKey {
    pub kind: &'static str,
    pub key: i64,
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
    /// JSON: the facts the case assessment and lists need.
    pub summary: String,
    /// Changes when `tags` or `summary` change (assessments record it to know they are stale).
    pub fingerprint: String,
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
    /// Identity fields of complaints with id > `after`, in id order (for rebuilds).
    fn identity_rows(&self, after: i64, limit: u32) -> Result<Vec<IdentityRow>>;
    /// Profiling inputs of complaints with id > `after`, in id order (for rebuilds).
    fn person_sources(&self, after: i64, limit: u32) -> Result<Vec<PersonSource>>;
    /// Profiling inputs of the given complaints (missing ids are skipped).
    fn person_sources_of(&self, ids: &[ComplaintId]) -> Result<Vec<PersonSource>>;
    /// Complaints that share any of the identifiers (kind, value).
    fn identity_candidates(&self, keys: &[(&str, i64)]) -> Result<Vec<ComplaintId>>;
    /// Distinct persons other than `person` whose complaints share one of the identifiers.
    fn persons_sharing(&self, keys: &[(&str, i64)], person: i64) -> Result<Vec<i64>>;
    fn person_of(&self, id: ComplaintId) -> Result<Option<PersonLink>>;
    /// The complaints of a person, in id order.
    fn person_members(&self, person: i64) -> Result<Vec<PersonLink>>;
    fn person(&self, id: i64) -> Result<Option<PersonRow>>;
    /// Replace every person, link and identifier (a rebuild), in one transaction; the person
    /// rows are consumed as they come (an `Err` aborts and rolls back).
    fn replace_persons(
        &self,
        links: &[PersonLink],
        keys: &[IdentityKey],
        persons: &mut dyn Iterator<Item = std::result::Result<PersonRow, String>>,
    ) -> Result<u64>;
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
