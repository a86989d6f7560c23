//! The case-assessment API (issue #7): assessment, negotiation plans, approvals, concessions
//! and the reply checker. Same conventions as `api.rs`: errors `{"error": {"code", "message"}}`
//! with stable codes, visibility by role and team, CSRF handled by the auth middleware.

use super::AppState;
use super::api::ApiError;
use super::auth::Auth;
use crate::assess::AssessError;
use crate::web::pages::can_view;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use tousu_core::{Money, Role};
use tousu_store::{ComplaintId, StoredComplaint};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/complaints/{id}/assessment", get(assessment))
        .route("/api/complaints/{id}/negotiation", get(negotiation).post(build_plan))
        .route("/api/complaints/{id}/approvals", get(approvals).post(request_approval))
        .route("/api/complaints/{id}/approvals/{aid}", post(decide_approval))
        .route("/api/complaints/{id}/concessions", get(concessions).post(add_concession))
        .route("/api/approvals", get(pending_approvals))
        .route("/api/reply-check", post(reply_check))
}

impl From<AssessError> for ApiError {
    fn from(e: AssessError) -> Self {
        let status = match &e {
            AssessError::NotFound => StatusCode::NOT_FOUND,
            AssessError::Forbidden(_) => StatusCode::FORBIDDEN,
            AssessError::Invalid(_) | AssessError::ApprovalRequired(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AssessError::Conflict(_) => StatusCode::CONFLICT,
            AssessError::Store(err) => {
                tracing::error!(error = %err, "assessment store error");
                return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error");
            }
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such complaint")
}

/// The complaint, if this user may see it.
async fn visible(st: &AppState, a: &Auth, id: &str) -> Result<StoredComplaint, ApiError> {
    let id: i64 = id.parse().map_err(|_| not_found())?;
    match st.blocking(move |s| s.get(ComplaintId(id))).await? {
        Some(c) if can_view(a, &c) => Ok(c),
        _ => Err(not_found()),
    }
}

fn body<T: serde::de::DeserializeOwned>(b: &[u8]) -> Result<T, ApiError> {
    let v: Value = serde_json::from_slice(b)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("body is not JSON: {e}")))?;
    serde_path_to_error::deserialize(v).map_err(|e| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", format!("{}: {}", e.path(), e.inner()))
    })
}

fn to_json(v: impl serde::Serialize) -> Result<Value, ApiError> {
    serde_json::to_value(v).map_err(|e| {
        tracing::error!(error = %e, "serialising");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error")
    })
}

async fn assessment(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let c = visible(&st, &a, &id).await?;
    let cid = c.id;
    let ca = st
        .with_engine(move |e, db| -> Result<_, AssessError> {
            let events = db.events(cid)?;
            e.current_assessment(db, &c, &events)
        })
        .await?;
    Ok(Json(json!({
        "complaint_id": cid,
        "assessed_on": crate::engine::today().to_string(),
        "assessment": to_json(&ca.assessment)?,
        "handling": to_json(&ca.handling)?,
        "legal_facts": to_json(&ca.legal_facts)?,
    })))
}

/// Everything negotiated on a complaint: plans, approvals, concessions and the totals.
async fn negotiation_state(st: &AppState, id: ComplaintId) -> Result<Value, ApiError> {
    let (plans, approvals, concessions, person) = st
        .blocking(move |db| -> tousu_store::Result<_> {
            Ok((db.plans(id)?, db.approvals(id)?, db.concessions(id)?, db.person_concession_totals(id)?))
        })
        .await?;
    Ok(json!({
        "plans": plans,
        "approvals": approvals,
        "concessions": concessions,
        "totals": totals(&concessions),
        "person_totals": person.iter().map(|(k, m)| json!({"kind": k, "total": m})).collect::<Vec<_>>(),
        "approval_threshold": st.engine.assess.negotiation.approval_threshold,
    }))
}

/// Totals per kind and currency of a complaint's concessions.
fn totals(items: &[tousu_store::ConcessionRecord]) -> Vec<Value> {
    let mut m: std::collections::BTreeMap<(String, &'static str), Money> = Default::default();
    for c in items {
        m.entry((c.kind.clone(), c.amount.currency.code()))
            .and_modify(|t| t.minor += c.amount.minor)
            .or_insert(c.amount);
    }
    m.into_iter().map(|((k, _), t)| json!({"kind": k, "total": t})).collect()
}

async fn negotiation(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let c = visible(&st, &a, &id).await?;
    Ok(Json(negotiation_state(&st, c.id).await?))
}

#[derive(Deserialize)]
struct PlanBody {
    entitlement: Money,
    goodwill_max: Money,
    demand: Option<Money>,
    /// Save the plan with the complaint (default true).
    save: Option<bool>,
}

async fn build_plan(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = visible(&st, &a, &id).await?;
    let b: PlanBody = body(&b)?;
    let (cid, who, role) = (c.id, a.user.username.clone(), a.user.role);
    let save = b.save.unwrap_or(true);
    let (plan, input, rec) = st
        .with_engine(move |e, db| {
            let actor = if save { Some((who.as_str(), role)) } else { None };
            e.build_plan(db, cid, b.entitlement, b.goodwill_max, b.demand, actor)
        })
        .await?;
    let status = if rec.is_some() { StatusCode::CREATED } else { StatusCode::OK };
    let v = json!({
        "plan_id": rec.as_ref().map(|r| r.id),
        "input": to_json(&input)?,
        "plan": to_json(&plan)?,
        "approval_threshold": st.engine.assess.negotiation.approval_threshold,
    });
    Ok((status, Json(v)).into_response())
}

async fn approvals(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let c = visible(&st, &a, &id).await?;
    let cid = c.id;
    let items = st.blocking(move |db| db.approvals(cid)).await?;
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
struct ApprovalBody {
    plan_id: Option<i64>,
    /// The offer (entitlement + goodwill) and its goodwill part; default: the plan's offer
    /// that needs approval.
    total: Option<Money>,
    goodwill: Option<Money>,
    #[serde(default)]
    reason: String,
}

async fn request_approval(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = visible(&st, &a, &id).await?;
    let b: ApprovalBody = body(&b)?;
    let amounts = match (b.total, b.goodwill) {
        (Some(t), Some(g)) => Some((t, g)),
        (None, None) => None,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "give both total and goodwill, or neither (then the plan's offer)",
            ));
        }
    };
    let (cid, who, role) = (c.id, a.user.username.clone(), a.user.role);
    let rec =
        st.with_engine(move |e, db| e.request_approval(db, cid, b.plan_id, amounts, &b.reason, role, &who)).await?;
    Ok((StatusCode::CREATED, Json(to_json(&rec)?)).into_response())
}

#[derive(Deserialize)]
struct DecisionBody {
    /// `grant` or `deny`.
    decision: String,
    note: Option<String>,
}

async fn decide_approval(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path((id, aid)): Path<(String, String)>,
    b: Bytes,
) -> Result<Json<Value>, ApiError> {
    let c = visible(&st, &a, &id).await?;
    let aid: i64 = aid.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such approval"))?;
    let b: DecisionBody = body(&b)?;
    let grant = match b.decision.as_str() {
        "grant" | "granted" => true,
        "deny" | "denied" => false,
        other => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                format!("decision {other:?}: grant or deny"),
            ));
        }
    };
    let (cid, who, role) = (c.id, a.user.username.clone(), a.user.role);
    let rec =
        st.with_engine(move |e, db| e.decide_approval(db, cid, aid, grant, b.note.as_deref(), role, &who)).await?;
    Ok(Json(to_json(&rec)?))
}

async fn pending_approvals(State(st): State<AppState>, Extension(a): Extension<Auth>) -> Result<Json<Value>, ApiError> {
    if !a.is(&[Role::Supervisor, Role::Admin]) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "pending approvals are for supervisors"));
    }
    let team = if a.user.role == Role::Supervisor { a.user.team.clone() } else { None };
    let items = st.blocking(move |db| db.pending_approvals(team.as_deref(), 200)).await?;
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
struct ConcessionBody {
    kind: String,
    amount: Money,
    #[serde(default)]
    description: String,
    approval_id: Option<i64>,
}

async fn add_concession(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = visible(&st, &a, &id).await?;
    let b: ConcessionBody = body(&b)?;
    let (cid, who, role) = (c.id, a.user.username.clone(), a.user.role);
    let rec = st
        .with_engine(move |e, db| {
            e.record_concession(db, cid, &b.kind, b.amount, &b.description, b.approval_id, role, &who)
        })
        .await?;
    let state = negotiation_state(&st, cid).await?;
    let v = json!({ "concession": to_json(&rec)?, "totals": state["totals"], "person_totals": state["person_totals"] });
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn concessions(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let c = visible(&st, &a, &id).await?;
    let state = negotiation_state(&st, c.id).await?;
    Ok(Json(
        json!({ "items": state["concessions"], "totals": state["totals"], "person_totals": state["person_totals"] }),
    ))
}

#[derive(Deserialize)]
struct ReplyBody {
    text: String,
}

async fn reply_check(State(st): State<AppState>, b: Bytes) -> Result<Json<Value>, ApiError> {
    let b: ReplyBody = body(&b)?;
    let flags = st.engine.assess.reply.check(&b.text);
    Ok(Json(json!({ "flags": to_json(&flags)?, "clean": flags.is_empty() })))
}

/// Reassess a complaint after it changed (derived data: a failure is logged, not returned).
pub async fn refresh(st: &AppState, id: ComplaintId) {
    if let Err(e) = st.with_engine(move |e, db| e.reassess_one(db, id).map(|_| ())).await {
        tracing::error!(error = %e, complaint = id.0, "assessment failed");
    }
}
