//! Case assessment (five dimensions, legal checks, negotiation): the storage interface.
//!
//! The assessment itself is computed by the engine (tousu_core::assess); the store keeps a
//! summary per complaint (grade for sorting and statistics, a JSON summary), the negotiation
//! plans built for it, approval requests and decisions, and the concessions granted. Approvals
//! and concessions are recorded in the audit trail.

use crate::{ComplaintFilter, ComplaintId, EventRecord, Page, Result, StoredComplaint};
use serde::{Deserialize, Serialize};
use tousu_core::Money;

/// An assessment summary to store for a complaint.
#[derive(Debug, Clone)]
pub struct AssessmentSummary {
    pub id: ComplaintId,
    /// `low`, `medium`, `high` or `critical`.
    pub grade: String,
    /// JSON: at least `grade`; the engine adds scores, failed checks, playbook, reasons.
    pub summary: serde_json::Value,
}

/// The stored assessment summary of a complaint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAssessment {
    pub grade: String,
    pub summary: serde_json::Value,
    /// Computed from the complaint as it is now (same content and version).
    pub current: bool,
}

/// A negotiation plan as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRecord {
    pub id: i64,
    pub complaint_id: ComplaintId,
    pub created_at: String,
    pub actor: String,
    /// The planner's input (entitlement, goodwill maximum, demand …).
    pub input: serde_json::Value,
    /// The plan (offers, talking points …).
    pub plan: serde_json::Value,
    pub needs_approval: bool,
}

/// Approval states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    Pending,
    Granted,
    Denied,
}

impl ApprovalStatus {
    pub fn code(self) -> &'static str {
        match self {
            ApprovalStatus::Pending => "pending",
            ApprovalStatus::Granted => "granted",
            ApprovalStatus::Denied => "denied",
        }
    }
    pub fn parse(s: &str) -> Option<ApprovalStatus> {
        match s {
            "pending" => Some(ApprovalStatus::Pending),
            "granted" => Some(ApprovalStatus::Granted),
            "denied" => Some(ApprovalStatus::Denied),
            _ => None,
        }
    }
}

/// A request for a supervisor's approval of an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApproval {
    pub plan_id: Option<i64>,
    /// The offer (entitlement + goodwill).
    pub total: Money,
    /// Its goodwill part, which needs the approval.
    pub goodwill: Money,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRecord {
    pub id: i64,
    pub complaint_id: ComplaintId,
    pub plan_id: Option<i64>,
    pub total: Money,
    pub goodwill: Money,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    pub status: ApprovalStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub note: Option<String>,
}

/// A concession to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConcession {
    /// `goodwill` (通融), `entitlement` (what was owed, paid) or `non_monetary`.
    pub kind: String,
    pub amount: Money,
    pub description: String,
    /// The granted approval that covers it, if one was needed.
    pub approval_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcessionRecord {
    pub id: i64,
    pub complaint_id: ComplaintId,
    pub kind: String,
    pub amount: Money,
    pub description: String,
    pub approval_id: Option<i64>,
    pub actor: String,
    pub at: String,
}

/// Storage of assessments, negotiation plans, approvals and concessions.
pub trait AssessStore: Send + Sync {
    /// Store assessment summaries, marking them current for the complaint's present content
    /// and version, and keep the daily grade counts (`daily_stats` dim `grade`) in step.
    fn save_assessments(&self, items: &[AssessmentSummary]) -> Result<()>;

    /// The stored assessment summary of a complaint, if any.
    fn assessment(&self, id: ComplaintId) -> Result<Option<StoredAssessment>>;

    /// Complaints whose assessment is missing or not current (or all), by id after `after`,
    /// with their events: the input of a bulk reassessment.
    fn assessment_inputs(
        &self,
        only_stale: bool,
        after: i64,
        limit: u32,
    ) -> Result<Vec<(StoredComplaint, Vec<EventRecord>)>>;

    /// Stored grades of some complaints (those without one are left out).
    fn grades(&self, ids: &[ComplaintId]) -> Result<Vec<(ComplaintId, String)>>;

    /// Complaints matching `filter`, highest risk grade first (then newest); unassessed ones
    /// last. The cursor is opaque.
    fn list_by_risk(&self, filter: &ComplaintFilter, cursor: Option<&str>, limit: u32) -> Result<Page>;

    /// Save a negotiation plan; returns its id. Recorded in the audit trail.
    fn save_plan(
        &self,
        id: ComplaintId,
        input: &serde_json::Value,
        plan: &serde_json::Value,
        needs_approval: bool,
        actor: &str,
    ) -> Result<PlanRecord>;

    /// Plans of a complaint, oldest first.
    fn plans(&self, id: ComplaintId) -> Result<Vec<PlanRecord>>;

    /// Ask for approval of an offer (audited). `NotFound` when the complaint or the plan does
    /// not exist.
    fn request_approval(&self, id: ComplaintId, req: &NewApproval, actor: &str) -> Result<ApprovalRecord>;

    /// Grant or deny a pending approval (audited). `Conflict` when it is not pending any more.
    fn decide_approval(&self, approval_id: i64, grant: bool, note: Option<&str>, actor: &str)
    -> Result<ApprovalRecord>;

    fn approval(&self, approval_id: i64) -> Result<Option<ApprovalRecord>>;

    /// Approvals of a complaint, oldest first.
    fn approvals(&self, id: ComplaintId) -> Result<Vec<ApprovalRecord>>;

    /// Pending approvals (of complaints of `team`, when given), oldest first.
    fn pending_approvals(&self, team: Option<&str>, limit: u32) -> Result<Vec<ApprovalRecord>>;

    /// Record a concession (audited). When `approval_id` is given it must be a granted
    /// approval of this complaint whose goodwill covers the amount, else `Conflict`.
    fn add_concession(&self, id: ComplaintId, c: &NewConcession, actor: &str) -> Result<ConcessionRecord>;

    /// Concessions of a complaint, oldest first.
    fn concessions(&self, id: ComplaintId) -> Result<Vec<ConcessionRecord>>;

    /// Totals per kind and currency of the concessions on every complaint of the person the
    /// complaint belongs to (`person_of`); of the complaint alone when it has no person.
    /// Returns (kind, total) pairs.
    fn person_concession_totals(&self, id: ComplaintId) -> Result<Vec<(String, Money)>>;
}
