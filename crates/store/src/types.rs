use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tousu_core::{Channel, Complaint};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComplaintId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpsertOutcome {
    Created,
    Updated,
    Unchanged,
}

/// A complaint as stored, with its identity and bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredComplaint {
    pub id: ComplaintId,
    pub version: i64,
    /// UTC, RFC 3339.
    pub created_at: String,
    pub updated_at: String,
    /// Username of the handler the complaint is assigned to.
    pub assignee: Option<String>,
    pub team: Option<String>,
    /// Lifecycle state code (see tousu_core::workflow).
    pub state: String,
    /// The surviving complaint this one was merged into.
    pub merged_into: Option<ComplaintId>,
    /// Earliest due date of the running clocks, YYYY-MM-DD.
    pub due_date: Option<String>,
    #[serde(flatten)]
    pub complaint: Complaint,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub read: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub warnings: u64,
}

impl ImportCounts {
    pub fn add(&mut self, o: &ImportCounts) {
        self.read += o.read;
        self.created += o.created;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.rejected += o.rejected;
        self.warnings += o.warnings;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRun {
    pub id: i64,
    pub source_name: String,
    pub fingerprint: String,
    pub format: String,
    /// `running` or `finished`.
    pub status: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Data rows (after the header) already committed.
    pub rows_done: u64,
    pub counts: ImportCounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row was rejected.
    Error,
    /// The row was stored; something in it deserves a look.
    Warning,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem with one row of an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub file: String,
    /// 1-based line/row number in the file as a person sees it (the header is row 1).
    pub row: u64,
    pub column: Option<String>,
    pub value: Option<String>,
    pub reason: String,
    pub severity: Severity,
}

/// A complaint with its stored document and content hash computed, so that the work can be
/// done on another thread than the one writing.
#[derive(Debug, Clone)]
pub struct PreparedComplaint {
    pub complaint: Complaint,
    pub(crate) doc: String,
    pub(crate) hash: String,
    /// `received_at` as stored (ISO 8601), computed with the document off the writer thread.
    pub(crate) received: String,
}

impl PreparedComplaint {
    pub fn new(complaint: Complaint) -> crate::Result<PreparedComplaint> {
        let doc = complaint.document_json().map_err(|e| crate::Error::Database(e.to_string()))?;
        let hash = crate::sqlite::content_hash(&doc, &complaint.text);
        let received = crate::sqlite::iso_datetime(&complaint.received_at);
        Ok(PreparedComplaint { complaint, doc, hash, received })
    }
}

/// One batch of an import: valid complaints, problems, and progress.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    pub complaints: Vec<PreparedComplaint>,
    pub errors: Vec<RowError>,
    /// Rows read in this batch (valid + rejected).
    pub read: u64,
    /// Rows rejected in this batch.
    pub rejected: u64,
    /// Total data rows done after this batch.
    pub rows_done: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintFilter {
    pub received_from: Option<NaiveDate>,
    /// Inclusive.
    pub received_to: Option<NaiveDate>,
    pub channel: Option<Channel>,
    pub category: Option<String>,
    pub product: Option<String>,
    pub branch: Option<String>,
    pub source: Option<String>,
    /// Substring of the text (case-sensitive for CJK, ASCII case-insensitive).
    pub text_contains: Option<String>,
    pub assignee: Option<String>,
    pub team: Option<String>,
    /// Lifecycle state code.
    pub state: Option<String>,
    /// Only complaints in open states (given by the caller's workflow).
    pub open_states: Option<Vec<String>>,
    /// Due on or before this day (YYYY-MM-DD).
    pub due_by: Option<String>,
    /// Ordering, not filtering: oldest first instead of newest first.
    pub oldest_first: bool,
    /// Ordering: most urgent (earliest due date) first; complaints without one are left out.
    pub urgent_first: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub items: Vec<StoredComplaint>,
    pub next_cursor: Option<String>,
}

/// One entry of a complaint's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    pub id: i64,
    pub changed_at: String,
    pub actor: String,
    /// create, update, assign, transition, event …
    pub action: String,
    pub import_run_id: Option<i64>,
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
}

/// The result of checking the audit trail's hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    pub rows: u64,
    /// Hash of the last row: record it elsewhere to detect a truncated tail later.
    pub head: Option<String>,
    /// The first row that does not fit the chain, and why.
    pub first_broken: Option<(i64, String)>,
}

/// A user of tousu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: tousu_core::Role,
    pub team: Option<String>,
    /// UI language: `zh-CN` or `en`.
    pub lang: String,
    pub disabled: bool,
    /// PHC string (argon2id); never serialised.
    #[serde(skip)]
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: tousu_core::Role,
    pub team: Option<String>,
    pub lang: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmaskRecord {
    pub username: String,
    pub complaint_id: i64,
    pub field: String,
    pub reason: String,
    pub at: String,
}

/// Dimensions counted per received day in `daily_stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatDim {
    All,
    Channel,
    Category,
    Product,
    /// Threat types found in the text (a complaint counts once per type).
    Threat,
    /// Emotions found in the text.
    Emotion,
    /// Assessment risk grades (low, medium, high, critical).
    Grade,
}

impl StatDim {
    pub fn code(self) -> &'static str {
        match self {
            StatDim::All => "all",
            StatDim::Channel => "channel",
            StatDim::Category => "category",
            StatDim::Product => "product",
            StatDim::Threat => "threat",
            StatDim::Emotion => "emotion",
            StatDim::Grade => "grade",
        }
    }
}

/// A complaint text to analyse.
#[derive(Debug, Clone)]
pub struct AnalysisInput {
    pub id: ComplaintId,
    pub text: String,
    /// Received day, YYYY-MM-DD.
    pub day: String,
}

/// A complaint's analysis summary to store.
#[derive(Debug, Clone)]
pub struct AnalysisSummary {
    pub id: ComplaintId,
    pub summary: serde_json::Value,
}

/// Count of complaints received on `day` (YYYY-MM-DD) with the dimension's `value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    pub day: String,
    pub value: String,
    pub n: u64,
}

/// Something that happened to a complaint: a pause or resume of the clocks, an extension, an
/// escalation, a claim milestone … `data` is JSON owned by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    pub id: i64,
    pub kind: String,
    /// The day it happened (YYYY-MM-DD), which may be before it was recorded.
    pub on_date: String,
    pub recorded_at: String,
    pub actor: String,
    pub reason: Option<String>,
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub kind: String,
    pub on_date: String,
    pub reason: Option<String>,
    pub data: serde_json::Value,
}
