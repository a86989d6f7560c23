//! The JSON API. Errors are `{"error": {"code", "message", "fields"?}}` with stable codes.

use super::AppState;
use super::auth::Auth;
use crate::web::pages::{can_view, scope_filter};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tousu_core::{Channel, Complaint};
use tousu_store::{ComplaintFilter, ComplaintId, UpsertOutcome};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi))
        .route("/api/complaints", get(list).post(create))
        .route("/api/complaints/{id}", get(one))
        .route("/api/persons/{id}", get(crate::web::profile::api_person))
        .route("/api/complaints/{id}/changes", get(changes))
        .route("/api/complaints/{id}/clocks", get(clocks))
        .route("/api/complaints/{id}/transitions", axum::routing::post(transition))
        .route("/api/complaints/{id}/events", get(events).post(add_event))
}

/// An API error with a stable code.
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    fields: Vec<(String, String)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), fields: Vec::new() }
    }
    fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error")
    }
}

impl From<tousu_store::Error> for ApiError {
    fn from(e: tousu_store::Error) -> Self {
        match e {
            tousu_store::Error::InvalidCursor => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_cursor", "invalid cursor")
            }
            tousu_store::Error::NotFound => ApiError::new(StatusCode::NOT_FOUND, "not_found", "not found"),
            tousu_store::Error::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut err = json!({ "code": self.code, "message": self.message });
        if !self.fields.is_empty() {
            err["fields"] =
                self.fields.iter().map(|(f, r)| json!({ "field": f, "reason": r })).collect::<Vec<_>>().into();
        }
        (self.status, Json(json!({ "error": err }))).into_response()
    }
}

async fn health(State(st): State<AppState>) -> Result<Json<Value>, ApiError> {
    let n = st.blocking(|s| s.count(&ComplaintFilter::default())).await?;
    Ok(Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION"), "complaints": n })))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], include_str!("openapi.json")).into_response()
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such complaint")
}

async fn one(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let c = visible(&st, &a, &id).await?;
    Ok(Json(serde_json::to_value(c).map_err(ApiError::internal)?))
}

async fn changes(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = visible(&st, &a, &id).await?.id;
    let ch = st.blocking(move |s| s.changes(id)).await?;
    Ok(Json(json!({ "items": ch })))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub received_from: Option<String>,
    pub received_to: Option<String>,
    pub channel: Option<String>,
    pub category: Option<String>,
    pub product: Option<String>,
    pub branch: Option<String>,
    pub source: Option<String>,
    /// Text contains.
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

/// Parse list parameters into a store filter; every bad parameter is named.
pub fn parse_filter(q: &ListQuery) -> Result<ComplaintFilter, ApiError> {
    let mut fields = Vec::new();
    let mut date = |name: &str, v: &Option<String>| {
        nonempty(v).and_then(|s| match chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                fields.push((name.to_string(), format!("{s:?} is not a date (YYYY-MM-DD)")));
                None
            }
        })
    };
    let received_from = date("received_from", &q.received_from);
    let received_to = date("received_to", &q.received_to);
    let channel = nonempty(&q.channel).and_then(|c| {
        let ch = Channel::parse(&c);
        if ch.is_none() {
            fields.push(("channel".into(), format!("unknown channel {c:?}")));
        }
        ch
    });
    if !fields.is_empty() {
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameters", "invalid query parameters");
        e.fields = fields;
        return Err(e);
    }
    Ok(ComplaintFilter {
        received_from,
        received_to,
        channel,
        category: nonempty(&q.category),
        product: nonempty(&q.product),
        branch: nonempty(&q.branch),
        source: nonempty(&q.source),
        text_contains: nonempty(&q.q),
        ..Default::default()
    })
}

async fn list(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let mut filter = parse_filter(&q)?;
    scope_filter(&a, &mut filter, "");
    let limit = match nonempty(&q.limit) {
        None => 50,
        Some(l) => match l.parse::<u32>() {
            Ok(v) if (1..=1000).contains(&v) => v,
            _ => {
                let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameters", "invalid query parameters");
                e.fields = vec![("limit".into(), "a whole number from 1 to 1000".into())];
                return Err(e);
            }
        },
    };
    let cursor = nonempty(&q.cursor);
    let page = st.blocking(move |s| s.list(&filter, cursor.as_deref(), limit)).await?;
    Ok(Json(json!({ "items": page.items, "next_cursor": page.next_cursor })))
}

async fn create(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    if a.user.role == tousu_core::Role::Analyst {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "analysts read; they do not write complaints"));
    }
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("request body larger than {} bytes", st.max_body),
            )
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", e.body_text())
        }
    })?;
    let mut v: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("body is not JSON: {e}")))?;
    let Some(obj) = v.as_object_mut() else {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "body must be a JSON object"));
    };
    obj.entry("source").or_insert_with(|| json!("api"));
    if obj.get("external_ref").is_none_or(|r| r.is_null() || r.as_str().is_some_and(str::is_empty)) {
        // No reference: the content's hash, so that a retried request does not duplicate.
        let h = Sha256::digest(body.as_ref());
        let hex: String = h.iter().take(10).map(|b| format!("{b:02x}")).collect();
        obj.insert("external_ref".into(), json!(format!("api-{hex}")));
    }
    let mut complaint: Complaint = serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let mut err =
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "the complaint is not valid");
        err.fields = vec![(path, e.into_inner().to_string())];
        err
    })?;
    let (errors, warnings) = tousu_intake::validate::check_complaint(&mut complaint);
    if !errors.is_empty() {
        let mut err =
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "the complaint is not valid");
        err.fields = errors;
        return Err(err);
    }
    let c = complaint.clone();
    let actor = format!("api:{}", a.user.username);
    let (id, outcome) = st.blocking(move |s| s.upsert(&c, &actor)).await?;
    // New or changed complaints get their deadline clocks.
    st.with_engine(move |e, db| {
        e.refresh(db.as_store(), id)?;
        e.analyze_one(db.as_store(), id)
    })
    .await?;
    // ... and their person and profile (derived data: a failure is logged, not returned).
    // The person's other complaints are re-assessed (their person's facts changed); this one
    // is assessed just below.
    match st.with_engine(move |e, db| e.update_person(db, id)).await {
        Ok(Some(person)) => {
            st.with_engine(move |e, db| {
                if let Ok(members) = db.as_persons().person_members(person) {
                    for l in members.into_iter().filter(|l| l.complaint_id != id) {
                        if let Err(err) = e.reassess_one(db, l.complaint_id) {
                            tracing::warn!(error = %err, complaint = l.complaint_id.0, "re-assessment failed");
                        }
                    }
                }
            })
            .await
        }
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, complaint = id.0, "person update failed"),
    }
    super::assess_api::refresh(&st, id).await;
    let stored = st.blocking(move |s| s.get(id)).await?.ok_or_else(|| ApiError::internal("vanished"))?;
    let status = if outcome == UpsertOutcome::Created { StatusCode::CREATED } else { StatusCode::OK };
    let body = json!({
        "outcome": outcome,
        "warnings": warnings.iter().map(|(f, r)| json!({"field": f, "reason": r})).collect::<Vec<_>>(),
        "complaint": stored,
    });
    Ok((status, [(header::LOCATION, format!("/api/complaints/{}", id.0))], Json(body)).into_response())
}

impl From<crate::engine::EngineError> for ApiError {
    fn from(e: crate::engine::EngineError) -> Self {
        use crate::engine::EngineError as E;
        match e {
            E::NotFound => not_found(),
            E::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            E::Refused(m) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "not_allowed", m),
            E::Store(e) => e.into(),
        }
    }
}

/// The complaint, if this user may see it.
async fn visible(st: &AppState, a: &Auth, id: &str) -> Result<tousu_store::StoredComplaint, ApiError> {
    let id: i64 = id.parse().map_err(|_| not_found())?;
    match st.blocking(move |s| s.get(ComplaintId(id))).await? {
        Some(c) if can_view(a, &c) => Ok(c),
        _ => Err(not_found()),
    }
}

async fn clocks(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let c = visible(&st, &a, &id).await?;
    let cid = c.id;
    let (clocks, state) = st
        .with_engine(move |e, db| -> Result<_, tousu_store::Error> {
            let evs = db.events(cid)?;
            Ok((e.clocks_of(&c, &evs, crate::engine::today()), c.state.clone()))
        })
        .await?;
    Ok(Json(json!({ "state": state, "today": crate::engine::today().to_string(), "clocks": clocks })))
}

async fn events(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let c = visible(&st, &a, &id).await?;
    let cid = c.id;
    let evs = st.blocking(move |s| s.events(cid)).await?;
    Ok(Json(json!({ "items": evs })))
}

#[derive(Deserialize)]
struct TransitionBody {
    action: String,
    version: i64,
    reason: Option<String>,
    /// Id of the complaint to merge into.
    target: Option<i64>,
}

fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("body is not JSON: {e}")))?;
    serde_path_to_error::deserialize(v).map_err(|e| {
        let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "the request is not valid");
        err.fields = vec![(e.path().to_string(), e.into_inner().to_string())];
        err
    })
}

async fn transition(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let c = visible(&st, &a, &id).await?;
    let b: TransitionBody = json_body(&body)?;
    let actor = a.user.username.clone();
    let role = a.user.role;
    let id = c.id;
    let version = st
        .with_engine(move |e, db| {
            e.transition(
                db.as_store(),
                id,
                b.version,
                &b.action,
                role,
                b.reason.as_deref(),
                b.target.map(ComplaintId),
                &actor,
            )
        })
        .await?;
    super::assess_api::refresh(&st, id).await;
    let now = st.blocking(move |s| s.get(id)).await?.ok_or_else(not_found)?;
    Ok(Json(
        json!({ "state": now.state, "version": version, "merged_into": now.merged_into, "due_date": now.due_date }),
    ))
}

#[derive(Deserialize)]
struct EventBody {
    kind: String,
    version: i64,
    /// YYYY-MM-DD; default today.
    on_date: Option<String>,
    reason: Option<String>,
    #[serde(default)]
    data: Value,
}

async fn add_event(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let c = visible(&st, &a, &id).await?;
    let b: EventBody = json_body(&body)?;
    let on = match b.on_date.as_deref().filter(|d| !d.is_empty()) {
        None => crate::engine::today(),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            let mut e =
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "the request is not valid");
            e.fields = vec![("on_date".into(), format!("{d:?} is not a date (YYYY-MM-DD)"))];
            e
        })?,
    };
    let data = if b.data.is_null() { json!({}) } else { b.data };
    let actor = a.user.username.clone();
    let role = a.user.role;
    let id = c.id;
    let version = st
        .with_engine(move |e, db| {
            e.record_event(db.as_store(), id, b.version, &b.kind, on, b.reason.as_deref(), data, role, &actor)
        })
        .await?;
    super::assess_api::refresh(&st, id).await;
    let now = st.blocking(move |s| s.get(id)).await?.ok_or_else(not_found)?;
    Ok(Json(json!({ "state": now.state, "version": version, "due_date": now.due_date })))
}
