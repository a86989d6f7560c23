//! tousu-store: where complaints live.
//!
//! [`Store`] is the one interface callers use; [`sqlite::SqliteStore`] is the embedded
//! backend. The interface speaks only domain and plain Rust types (no SQLite types), and the
//! SQL is portable, so a PostgreSQL backend can be added beside it without touching callers.
//! Each backend owns its migrations (`migrations/<backend>/NNNN_name.sql`).

mod assess;
mod persons;
pub mod sqlite;
mod types;

pub use assess::*;
pub use persons::*;
pub use types::*;

use thiserror::Error;

/// The one error type of the store crate. `code()` gives a stable machine-readable code.
#[derive(Debug, Error)]
pub enum Error {
    #[error("database error: {0}")]
    Database(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("invalid cursor")]
    InvalidCursor,
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("cannot open database {path}: {reason}")]
    Open { path: String, reason: String },
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Database(_) => "database_error",
            Error::Corrupt(_) => "corrupt_data",
            Error::InvalidCursor => "invalid_cursor",
            Error::NotFound => "not_found",
            Error::Conflict(_) => "conflict",
            Error::Open { .. } => "open_failed",
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

use tousu_core::Complaint;

/// Storage of complaints, import runs and change records. All writes are transactional.
pub trait Store: Send + Sync {
    /// Create or update one complaint (identity: source + external reference). A change to an
    /// existing complaint is recorded field by field with `actor`.
    fn upsert(&self, complaint: &Complaint, actor: &str) -> Result<(ComplaintId, UpsertOutcome)>;

    /// Begin an import of a file, or resume an unfinished run of the same file (same
    /// fingerprint): rows before `rows_done` are already committed.
    fn begin_import(&self, source_name: &str, fingerprint: &str, format: &str) -> Result<ImportRun>;

    /// Commit one batch of an import in a single transaction: the valid complaints, the row
    /// errors and the run's progress. After a crash, a run holds only whole batches.
    fn commit_batch(&self, run_id: i64, batch: &ImportBatch) -> Result<ImportCounts>;

    /// Mark a run finished and return it with its totals.
    fn finish_import(&self, run_id: i64) -> Result<ImportRun>;

    /// The row errors and warnings recorded for a run, in row order.
    fn import_errors(&self, run_id: i64) -> Result<Vec<RowError>>;

    fn import_run(&self, run_id: i64) -> Result<Option<ImportRun>>;

    fn get(&self, id: ComplaintId) -> Result<Option<StoredComplaint>>;

    fn find_by_ref(&self, source: &str, external_ref: &str) -> Result<Option<StoredComplaint>>;

    /// Complaints matching `filter`, newest first, `limit` at a time; pass the returned cursor
    /// to get the next page.
    fn list(&self, filter: &ComplaintFilter, cursor: Option<&str>, limit: u32) -> Result<Page>;

    fn count(&self, filter: &ComplaintFilter) -> Result<u64>;

    /// The audit trail of one complaint, oldest first.
    fn changes(&self, id: ComplaintId) -> Result<Vec<ChangeRecord>>;

    /// Check the whole audit trail's hash chain.
    fn audit_verify(&self) -> Result<AuditReport>;

    /// Move a complaint to another lifecycle state. `expected_version` must be the complaint's
    /// current version, or nothing changes and the result is `Conflict`. Returns the new version.
    fn transition(&self, id: ComplaintId, expected_version: i64, change: &StateChange, actor: &str) -> Result<i64>;

    /// Record an event on a complaint (with the same version check). Returns the new version.
    fn add_event(&self, id: ComplaintId, expected_version: i64, event: &NewEvent, actor: &str) -> Result<i64>;

    fn events(&self, id: ComplaintId) -> Result<Vec<EventRecord>>;

    /// Texts whose analysis is missing or stale (computed from other content or another lexicon
    /// `version`), or all texts, by id after `after`.
    fn analysis_inputs(&self, version: &str, only_stale: bool, after: i64, limit: u32) -> Result<Vec<AnalysisInput>>;

    /// Store analysis summaries (JSON with at least `version`, `threats` and `emotions` code
    /// lists), keeping the daily threat and emotion counts in step.
    fn save_analyses(&self, items: &[AnalysisSummary]) -> Result<()>;

    /// Set the derived earliest due date (YYYY-MM-DD) of complaints.
    fn set_due_dates(&self, due: &[(ComplaintId, Option<String>)]) -> Result<()>;

    /// Complaints in the given states, by id after `after`, with their events: the input of a
    /// bulk recomputation of clocks. `without_due` keeps only those with no due date yet.
    fn clock_inputs(
        &self,
        states: &[String],
        without_due: bool,
        after: i64,
        limit: u32,
    ) -> Result<Vec<(StoredComplaint, Vec<EventRecord>)>>;

    /// Assign a complaint to a handler (username) and team.
    fn assign(&self, id: ComplaintId, assignee: Option<&str>, team: Option<&str>, actor: &str) -> Result<()> {
        self.assign_many(&[id], assignee, team, actor)
    }

    /// Assign several complaints in one transaction, recording each change.
    fn assign_many(&self, ids: &[ComplaintId], assignee: Option<&str>, team: Option<&str>, actor: &str) -> Result<()>;

    /// Complaint counts per received day for one dimension, days in `[from, to]` (YYYY-MM-DD).
    fn daily_counts(&self, dim: StatDim, from: &str, to: &str) -> Result<Vec<DayCount>>;

    /// Every value of a dimension with its total count, largest first.
    fn dim_values(&self, dim: StatDim, limit: u32) -> Result<Vec<(String, u64)>>;
}

/// A lifecycle step to persist (the caller's workflow has checked that it is allowed).
#[derive(Debug, Clone)]
pub struct StateChange {
    pub action: String,
    pub to: String,
    pub reason: Option<String>,
    pub merged_into: Option<ComplaintId>,
}

/// Users, sessions, API tokens and the unmasking log.
pub trait AccountStore: Send + Sync {
    /// Create a user; `Conflict` if the username is taken.
    fn create_user(&self, user: &NewUser) -> Result<User>;
    fn user_by_name(&self, username: &str) -> Result<Option<User>>;
    fn user(&self, id: i64) -> Result<Option<User>>;
    fn users(&self) -> Result<Vec<User>>;
    fn set_user_lang(&self, id: i64, lang: &str) -> Result<()>;
    fn set_password(&self, id: i64, password_hash: &str) -> Result<()>;

    /// Sessions are stored by the hash of their token; `expires_at` is RFC 3339 UTC.
    fn create_session(&self, token_hash: &str, user_id: i64, csrf_token: &str, expires_at: &str) -> Result<()>;
    /// The live session's user and CSRF token (`now` is RFC 3339 UTC).
    fn session(&self, token_hash: &str, now: &str) -> Result<Option<(User, String)>>;
    fn delete_session(&self, token_hash: &str) -> Result<()>;

    fn create_api_token(&self, token_hash: &str, user_id: i64, name: &str) -> Result<()>;
    fn api_token_user(&self, token_hash: &str) -> Result<Option<User>>;

    /// Record that a user revealed a masked field, and why.
    fn log_unmask(&self, user_id: i64, complaint: ComplaintId, field: &str, reason: &str) -> Result<()>;
    fn unmask_log(&self, complaint: ComplaintId) -> Result<Vec<UnmaskRecord>>;
}

/// A complete backend.
pub trait Backend: Store + AccountStore + PersonStore + AssessStore {
    fn as_store(&self) -> &dyn Store;
    fn as_persons(&self) -> &dyn PersonStore;
    fn as_assess(&self) -> &dyn AssessStore;
}

impl<T: Store + AccountStore + PersonStore + AssessStore> Backend for T {
    fn as_store(&self) -> &dyn Store {
        self
    }
    fn as_persons(&self) -> &dyn PersonStore {
        self
    }
    fn as_assess(&self) -> &dyn AssessStore {
        self
    }
}
