//! The case assessment on the case page (issue #7): grade with reasons, five dimensions with
//! findings and evidence, legal checks, the playbook and its scripts, the negotiation plan,
//! approvals, concessions, the reply checker, and the negotiation checklist (投诉谈判清单) as
//! printable HTML and XLSX. View models here; markup in templates/case_assess.html,
//! reply_check.html and checklist.html; text in the locale files.

use super::i18n::T;
use super::{Ctx, error_page, render};
use crate::assess::{AssessError, CaseAssessment};
use crate::server::AppState;
use crate::server::auth::Auth;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tousu_core::assess::{Bilingual, CheckStatus};
use tousu_core::{Money, Role};
use tousu_store::{
    ApprovalRecord, ApprovalStatus, ComplaintId, ConcessionRecord, EventRecord, PlanRecord, StoredComplaint,
};

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/cases/{id}/negotiation", post(plan_form))
        .route("/cases/{id}/approvals", post(approval_form))
        .route("/cases/{id}/approvals/{aid}", post(decision_form))
        .route("/cases/{id}/concessions", post(concession_form))
        .route("/cases/{id}/reply-check", post(reply_form))
        .route("/cases/{id}/checklist", get(checklist))
        .route("/cases/{id}/checklist.xlsx", get(checklist_xlsx))
}

fn pick(t: &T, b: &Bilingual) -> String {
    if t.lang == "en" { b.en.clone() } else { b.zh.clone() }
}

fn status_code(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Fail => "fail",
        CheckStatus::Unknown => "unknown",
    }
}

pub struct FindingView {
    pub points: u32,
    pub text: String,
    pub evidence: String,
}

pub struct DimView {
    pub code: &'static str,
    pub name: String,
    pub score: u32,
    pub findings: Vec<FindingView>,
}

pub struct CheckView {
    pub id: &'static str,
    pub status: &'static str,
    pub status_label: &'static str,
    pub title: String,
    pub article: String,
    pub used: String,
    pub missing: String,
    pub note: String,
}

pub struct PrincipleView {
    pub status: &'static str,
    pub status_label: &'static str,
    pub label: String,
    pub note: String,
}

pub struct ScriptView {
    pub kind: &'static str,
    pub label: &'static str,
    pub zh: String,
    pub en: String,
}

pub struct OfferView {
    pub n: usize,
    pub kind: String,
    pub total: String,
    pub goodwill: String,
    pub percent: String,
    pub needs_approval: bool,
    pub say: String,
}

pub struct PlanView {
    pub id: i64,
    pub created: String,
    pub entitlement: String,
    pub goodwill_max: String,
    pub demand: String,
    pub cap: String,
    pub note: String,
    pub offers: Vec<OfferView>,
    pub non_monetary: String,
    pub pause: String,
    pub needs_approval: bool,
}

pub struct ApprovalView {
    pub id: i64,
    pub plan_id: String,
    pub total: String,
    pub goodwill: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub decided_by: String,
    pub note: String,
    /// This user may grant or deny it now.
    pub can_decide: bool,
}

pub struct ConcessionView {
    pub at: String,
    pub kind: &'static str,
    pub amount: String,
    pub description: String,
    pub actor: String,
    pub approval: String,
}

/// Everything the assessment part of the case page shows.
#[derive(Default)]
pub struct AssessView {
    pub ok: bool,
    pub grade: &'static str,
    pub grade_label: &'static str,
    pub grade_before_label: &'static str,
    pub overall: u32,
    pub vulnerable: bool,
    pub reasons: Vec<String>,
    pub dims: Vec<DimView>,
    pub checks: Vec<CheckView>,
    pub playbook_id: String,
    pub playbook_title: String,
    pub scenario: String,
    pub emotion: String,
    pub principles: Vec<PrincipleView>,
    pub strategies: Vec<String>,
    pub routes: Vec<String>,
    pub scripts: Vec<ScriptView>,
    pub approval_required: bool,
    pub plan: Option<PlanView>,
    pub demand_default: String,
    pub threshold: String,
    pub approvals: Vec<ApprovalView>,
    pub concessions: Vec<ConcessionView>,
    pub totals: Vec<String>,
    pub person_totals: Vec<String>,
    pub can_negotiate: bool,
    /// The latest plan needs approval and has no pending or granted request yet.
    pub plan_to_approve: Option<i64>,
    /// Granted approvals to pick from when recording goodwill.
    pub granted: Vec<(i64, String)>,
}

fn grade_label(t: &T, code: &str) -> &'static str {
    t.get(&format!("assess.grade.{code}"))
}

fn money_json(v: &serde_json::Value) -> Option<Money> {
    serde_json::from_value::<Money>(v.clone()).ok()
}

fn plan_view(t: &T, p: &PlanRecord) -> PlanView {
    let m = |v: &serde_json::Value| money_json(v).map(|m| m.display()).unwrap_or_default();
    let b = |v: &serde_json::Value| -> String {
        serde_json::from_value::<Bilingual>(v.clone()).map(|b| pick(t, &b)).unwrap_or_default()
    };
    let offers = p.plan["offers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, o)| OfferView {
            n: i + 1,
            kind: t.get(&format!("assess.offer.{}", o["kind"].as_str().unwrap_or("step"))).to_string(),
            total: m(&o["total"]),
            goodwill: m(&o["goodwill"]),
            percent: o["percent"].as_u64().map(|p| format!("{p}%")).unwrap_or_default(),
            needs_approval: o["needs_approval"].as_bool() == Some(true),
            say: b(&o["say"]),
        })
        .collect();
    PlanView {
        id: p.id,
        created: p.created_at.chars().take(16).collect::<String>().replace('T', " "),
        entitlement: m(&p.input["entitlement"]),
        goodwill_max: m(&p.input["goodwill_max"]),
        demand: m(&p.input["demand"]),
        cap: m(&p.plan["goodwill_cap"]),
        note: b(&p.plan["entitlement_note"]),
        offers,
        non_monetary: if p.plan["non_monetary"].is_null() { String::new() } else { b(&p.plan["non_monetary"]) },
        pause: b(&p.plan["pause"]),
        needs_approval: p.needs_approval,
    }
}

fn approval_view(t: &T, a: &Auth, r: &ApprovalRecord) -> ApprovalView {
    let status = r.status.code();
    ApprovalView {
        id: r.id,
        plan_id: r.plan_id.map(|p| format!("#{p}")).unwrap_or_default(),
        total: r.total.display(),
        goodwill: r.goodwill.display(),
        reason: r.reason.clone(),
        requested_by: r.requested_by.clone(),
        requested_at: r.requested_at.chars().take(16).collect::<String>().replace('T', " "),
        status,
        status_label: t.get(&format!("assess.approval.{status}")),
        decided_by: r.decided_by.clone().unwrap_or_default(),
        note: r.note.clone().unwrap_or_default(),
        can_decide: r.status == ApprovalStatus::Pending
            && a.is(&[Role::Supervisor, Role::Admin])
            && r.requested_by != a.user.username,
    }
}

fn concession_view(t: &T, c: &ConcessionRecord) -> ConcessionView {
    ConcessionView {
        at: c.at.chars().take(16).collect::<String>().replace('T', " "),
        kind: t.get(&format!("assess.kind.{}", c.kind)),
        amount: c.amount.display(),
        description: c.description.clone(),
        actor: c.actor.clone(),
        approval: c.approval_id.map(|a| format!("#{a}")).unwrap_or_default(),
    }
}

/// Totals per kind and currency, as "kind: amount".
fn totals(t: &T, items: impl IntoIterator<Item = (String, Money)>) -> Vec<String> {
    let mut m: std::collections::BTreeMap<(String, &'static str), Money> = Default::default();
    for (k, a) in items {
        m.entry((k, a.currency.code())).and_modify(|x| x.minor += a.minor).or_insert(a);
    }
    m.into_iter().map(|((k, _), a)| format!("{}: {}", t.get(&format!("assess.kind.{k}")), a.display())).collect()
}

/// Build the view from an assessment and the negotiation records.
#[allow(clippy::too_many_arguments)]
fn build(
    t: &T,
    a: &Auth,
    s: &StoredComplaint,
    ca: &CaseAssessment,
    shown_text: &str,
    plans: &[PlanRecord],
    approvals: &[ApprovalRecord],
    concessions: &[ConcessionRecord],
    person: Vec<(String, Money)>,
    threshold: i64,
) -> AssessView {
    let x = &ca.assessment;
    let quote = |e: &tousu_core::assess::Evidence| -> String {
        match (&e.field, &e.value) {
            (Some(f), Some(v)) => format!("{f} = {v}"),
            _ => {
                let q: Vec<String> = e.spans.iter().take(3).map(|sp| format!("「{}」", sp.slice(shown_text))).collect();
                format!("{} ({})", q.join(" "), e.rule)
            }
        }
    };
    let dims = x
        .dimensions
        .dimensions
        .iter()
        .map(|d| DimView {
            code: d.dimension.code(),
            name: pick(t, &d.name),
            score: d.score,
            findings: d
                .findings
                .iter()
                .map(|f| FindingView {
                    points: f.points,
                    text: pick(t, &f.text),
                    evidence: f.evidence.iter().map(quote).collect::<Vec<_>>().join("; "),
                })
                .collect(),
        })
        .collect();
    let checks = x
        .legal
        .checks
        .iter()
        .map(|c| {
            let st = status_code(c.status);
            CheckView {
                id: c.id.code(),
                status: st,
                status_label: t.get(&format!("assess.status.{st}")),
                title: pick(t, &c.title),
                article: pick(t, &c.article),
                used: c.used.iter().map(|u| format!("{} = {}", u.field, u.value)).collect::<Vec<_>>().join("; "),
                missing: c.missing.join(", "),
                note: pick(t, &c.note),
            }
        })
        .collect();
    let p = &x.playbook;
    let principles = p
        .principles
        .iter()
        .map(|pr| {
            let st = status_code(pr.status);
            PrincipleView {
                status: st,
                status_label: t.get(&format!("assess.status.{st}")),
                label: pick(t, &pr.label),
                note: pick(t, &pr.note),
            }
        })
        .collect();
    let mut scripts = Vec::new();
    for l in &p.scripts.labels {
        scripts.push(ScriptView {
            kind: "label",
            label: t.get("assess.script.label"),
            zh: l.text.zh.clone(),
            en: l.text.en.clone(),
        });
    }
    if let Some(m) = &p.scripts.mirror {
        // The mirror quotes the customer; a handler sees it masked like the text.
        let phrase = m.span.slice(shown_text);
        scripts.push(ScriptView {
            kind: "mirror",
            label: t.get("assess.script.mirror"),
            zh: m.text.zh.replace(&m.phrase, &phrase),
            en: m.text.en.replace(&m.phrase, &phrase),
        });
    }
    for q in &p.scripts.questions {
        scripts.push(ScriptView {
            kind: "question",
            label: t.get("assess.script.question"),
            zh: q.text.zh.clone(),
            en: q.text.en.clone(),
        });
    }
    for q in &p.scripts.accusation_audit {
        scripts.push(ScriptView {
            kind: "audit",
            label: t.get("assess.script.audit"),
            zh: q.zh.clone(),
            en: q.en.clone(),
        });
    }
    let latest = plans.last();
    let plan_to_approve = latest
        .filter(|p| p.needs_approval)
        .map(|p| p.id)
        .filter(|pid| !approvals.iter().any(|r| r.plan_id == Some(*pid) && r.status != ApprovalStatus::Denied));
    let can_negotiate = a.user.role != Role::Analyst;
    AssessView {
        ok: true,
        grade: x.grade.code(),
        grade_label: grade_label(t, x.grade.code()),
        grade_before_label: grade_label(t, x.grade_before_legal.code()),
        overall: x.dimensions.overall,
        vulnerable: x.legally_vulnerable,
        reasons: x.reasons.iter().map(|r| pick(t, r)).collect(),
        dims,
        checks,
        playbook_id: p.id.clone(),
        playbook_title: pick(t, &p.title),
        scenario: t.get(&format!("assess.scenario.{}", x.scenario.code())).to_string(),
        emotion: x.dominant_emotion.map(|e| t.get(&format!("emotion.{}", e.code())).to_string()).unwrap_or_default(),
        principles,
        strategies: p.strategies.iter().map(|b| pick(t, b)).collect(),
        routes: p.routes.iter().map(|r| pick(t, &r.label)).collect(),
        scripts,
        approval_required: p.approval_required,
        plan: latest.map(|p| plan_view(t, p)),
        demand_default: crate::assess::demanded(s, Some(&ca.analysis)).map(|m| m.amount_string()).unwrap_or_default(),
        threshold: Money::new(threshold * 100, tousu_core::Currency::Cny).display(),
        approvals: approvals.iter().map(|r| approval_view(t, a, r)).collect(),
        concessions: concessions.iter().map(|c| concession_view(t, c)).collect(),
        totals: totals(t, concessions.iter().map(|c| (c.kind.clone(), c.amount))),
        person_totals: totals(t, person),
        can_negotiate,
        plan_to_approve: plan_to_approve.filter(|_| can_negotiate),
        granted: approvals
            .iter()
            .filter(|r| r.status == ApprovalStatus::Granted)
            .map(|r| (r.id, format!("#{} · {}", r.id, r.goodwill.display())))
            .collect(),
    }
}

/// The assessment part of a case page (computed now; the stored grade follows).
pub async fn case_view(
    st: &AppState,
    a: &Auth,
    s: &StoredComplaint,
    events: &[EventRecord],
    shown_text: &str,
    t: &T,
) -> AssessView {
    let (s2, ev) = (s.clone(), events.to_vec());
    let id = s.id;
    let r = st
        .with_engine(move |e, db| -> Result<_, AssessError> {
            let ca = e.current_assessment(db, &s2, &ev)?;
            Ok((ca, db.plans(id)?, db.approvals(id)?, db.concessions(id)?, db.person_concession_totals(id)?))
        })
        .await;
    match r {
        Ok((ca, plans, approvals, concessions, person)) => build(
            t,
            a,
            s,
            &ca,
            shown_text,
            &plans,
            &approvals,
            &concessions,
            person,
            st.engine.assess.negotiation.approval_threshold,
        ),
        Err(e) => {
            tracing::error!(error = %e, complaint = id.0, "assessment failed");
            AssessView::default()
        }
    }
}

// ---------------------------------------------------------------- forms

/// The complaint if this user may see it.
async fn visible(st: &AppState, a: &Auth, id: &str) -> Result<StoredComplaint, Response> {
    let lang = a.user.lang.clone();
    let Ok(id) = id.parse::<i64>() else { return Err(error_page(StatusCode::NOT_FOUND, &lang)) };
    match st.blocking(move |db| db.get(ComplaintId(id))).await {
        Ok(Some(s)) if super::pages::can_view(a, &s) => Ok(s),
        Ok(_) => Err(error_page(StatusCode::NOT_FOUND, &lang)),
        Err(e) => {
            tracing::error!(error = %e, "loading complaint");
            Err(error_page(StatusCode::INTERNAL_SERVER_ERROR, &lang))
        }
    }
}

/// Back to the negotiation part of the case page, or the case page with the error shown.
async fn done<R>(st: &AppState, a: &Auth, id: ComplaintId, r: Result<R, AssessError>) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/cases/{}#assess-negotiation", id.0)).into_response(),
        Err(e) => {
            let t = T::new(&a.user.lang);
            let (status, msg) = match &e {
                AssessError::NotFound => return error_page(StatusCode::NOT_FOUND, &a.user.lang),
                AssessError::Forbidden(m) => (StatusCode::FORBIDDEN, format!("{}: {m}", t.get("assess.refused"))),
                AssessError::ApprovalRequired(m) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, format!("{}: {m}", t.get("assess.needs_approval")))
                }
                AssessError::Invalid(m) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, format!("{}: {m}", t.get("assess.refused")))
                }
                AssessError::Conflict(_) => (StatusCode::CONFLICT, t.get("case.conflict").to_string()),
                AssessError::Store(err) => {
                    tracing::error!(error = %err, "assessment store error");
                    return error_page(StatusCode::INTERNAL_SERVER_ERROR, &a.user.lang);
                }
            };
            super::pages::render_case(st, a, id.0, "", msg, status).await
        }
    }
}

fn amount(field: &str, s: &str) -> Result<Money, AssessError> {
    crate::assess::parse_amount(s).ok_or_else(|| AssessError::Invalid(format!("{field}: {s:?} is not an amount")))
}

#[derive(Deserialize)]
pub struct PlanForm {
    entitlement: String,
    goodwill: String,
    #[serde(default)]
    demand: String,
}

pub async fn plan_form(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    Form(f): Form<PlanForm>,
) -> Response {
    let s = match visible(&st, &a, &id).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (who, role, cid) = (a.user.username.clone(), a.user.role, s.id);
    let r = st
        .with_engine(move |e, db| {
            let ent = amount("entitlement", &f.entitlement)?;
            let gw = amount("goodwill", &f.goodwill)?;
            let demand = if f.demand.trim().is_empty() { None } else { Some(amount("demand", &f.demand)?) };
            e.build_plan(db, cid, ent, gw, demand, Some((&who, role)))
        })
        .await;
    done(&st, &a, cid, r).await
}

#[derive(Deserialize)]
pub struct ApprovalForm {
    plan_id: i64,
    #[serde(default)]
    reason: String,
}

pub async fn approval_form(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    Form(f): Form<ApprovalForm>,
) -> Response {
    let s = match visible(&st, &a, &id).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (who, role, cid) = (a.user.username.clone(), a.user.role, s.id);
    let r =
        st.with_engine(move |e, db| e.request_approval(db, cid, Some(f.plan_id), None, &f.reason, role, &who)).await;
    done(&st, &a, cid, r).await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
    #[serde(default)]
    note: String,
}

pub async fn decision_form(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path((id, aid)): Path<(String, String)>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let s = match visible(&st, &a, &id).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(aid) = aid.parse::<i64>() else { return error_page(StatusCode::NOT_FOUND, &a.user.lang) };
    let (who, role, cid) = (a.user.username.clone(), a.user.role, s.id);
    let grant = f.decision == "grant";
    let r = st.with_engine(move |e, db| e.decide_approval(db, cid, aid, grant, Some(&f.note), role, &who)).await;
    done(&st, &a, cid, r).await
}

#[derive(Deserialize)]
pub struct ConcessionForm {
    kind: String,
    amount: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    approval_id: String,
}

pub async fn concession_form(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    Form(f): Form<ConcessionForm>,
) -> Response {
    let s = match visible(&st, &a, &id).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (who, role, cid) = (a.user.username.clone(), a.user.role, s.id);
    let r = st
        .with_engine(move |e, db| {
            let m = amount("amount", &f.amount)?;
            let approval = f.approval_id.trim().trim_start_matches('#').parse::<i64>().ok();
            e.record_concession(db, cid, &f.kind, m, &f.description, approval, role, &who)
        })
        .await;
    done(&st, &a, cid, r).await
}

// ---------------------------------------------------------------- reply checker

/// A piece of the draft, flagged or not.
pub struct DraftPart {
    pub text: String,
    pub kind: &'static str,
}

pub struct FlagView {
    pub kind: &'static str,
    pub label: &'static str,
    pub matched: String,
    pub rewrite: String,
}

#[derive(Template)]
#[template(path = "reply_check.html")]
struct ReplyPage {
    ctx: Ctx,
    id: i64,
    draft: String,
    parts: Vec<DraftPart>,
    flags: Vec<FlagView>,
    flagged: String,
}

#[derive(Deserialize)]
pub struct ReplyForm {
    draft: String,
}

pub async fn reply_form(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    Form(f): Form<ReplyForm>,
) -> Response {
    let s = match visible(&st, &a, &id).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let ctx = Ctx::new(Some(&a), "queue");
    let t = ctx.t;
    let flags = st.engine.assess.reply.check(&f.draft);
    let chars: Vec<char> = f.draft.chars().collect();
    let mut spans: Vec<(usize, usize, &'static str)> =
        flags.iter().map(|fl| (fl.span.start.min(chars.len()), fl.span.end.min(chars.len()), fl.kind.code())).collect();
    spans.sort();
    let mut parts = Vec::new();
    let mut pos = 0;
    for (a0, b0, k) in spans {
        if a0 < pos || b0 <= a0 {
            continue;
        }
        if a0 > pos {
            parts.push(DraftPart { text: chars[pos..a0].iter().collect(), kind: "" });
        }
        parts.push(DraftPart { text: chars[a0..b0].iter().collect(), kind: k });
        pos = b0;
    }
    if pos < chars.len() {
        parts.push(DraftPart { text: chars[pos..].iter().collect(), kind: "" });
    }
    let flags: Vec<FlagView> = flags
        .iter()
        .map(|fl| FlagView {
            kind: fl.kind.code(),
            label: t.get(&format!("assess.taboo.{}", fl.kind.code())),
            matched: fl.matched.clone(),
            rewrite: pick(&t, &fl.rewrite),
        })
        .collect();
    let flagged = t.n("assess.reply_flagged", flags.len() as u64);
    render(&ReplyPage { ctx, id: s.id.0, draft: f.draft, parts, flags, flagged })
}

// ---------------------------------------------------------------- checklist (投诉谈判清单)

#[derive(Template)]
#[template(path = "checklist.html")]
struct ChecklistPage {
    ctx: Ctx,
    id: i64,
    today: String,
    external_ref: String,
    category: String,
    product: String,
    state: String,
    x: AssessView,
}

async fn checklist_view(st: &AppState, a: &Auth, id: &str) -> Result<(StoredComplaint, AssessView), Response> {
    let s = visible(st, a, id).await?;
    let cid = s.id;
    let events = match st.blocking(move |db| db.events(cid)).await {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = %e, "loading events");
            return Err(error_page(StatusCode::INTERNAL_SERVER_ERROR, &a.user.lang));
        }
    };
    let t = T::new(&a.user.lang);
    let shown = if super::pages::masks(a) {
        tousu_core::ident::mask_identifiers_in_text(&s.complaint.text)
    } else {
        s.complaint.text.clone()
    };
    let x = case_view(st, a, &s, &events, &shown, &t).await;
    if !x.ok {
        return Err(error_page(StatusCode::INTERNAL_SERVER_ERROR, &a.user.lang));
    }
    Ok((s, x))
}

pub async fn checklist(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<String>) -> Response {
    let (s, x) = match checklist_view(&st, &a, &id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let ctx = Ctx::new(Some(&a), "queue");
    let c = &s.complaint;
    render(&ChecklistPage {
        id: s.id.0,
        today: crate::engine::today().to_string(),
        external_ref: c.external_ref.clone(),
        category: c.category.clone().unwrap_or_default(),
        product: c.product.clone().unwrap_or_default(),
        state: s.state.clone(),
        x,
        ctx,
    })
}

/// The checklist rows: (section, item, detail, done-box).
fn checklist_rows(t: &T, x: &AssessView) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    let sec = |k: &str| t.get(k).to_string();
    rows.push((sec("assess.grade"), format!("{} ({}/100)", x.grade_label, x.overall), x.reasons.join("；")));
    for d in &x.dims {
        let f: Vec<String> = d.findings.iter().map(|f| format!("+{} {}", f.points, f.text)).collect();
        rows.push((sec("assess.dimensions"), format!("{} {}", d.name, d.score), f.join("；")));
    }
    for c in &x.checks {
        rows.push((sec("assess.legal"), format!("[{}] {} — {}", c.status_label, c.title, c.article), c.note.clone()));
    }
    for p in &x.principles {
        rows.push((sec("assess.principles"), format!("[{}] {}", p.status_label, p.label), p.note.clone()));
    }
    for s in &x.strategies {
        rows.push((sec("assess.strategies"), s.clone(), String::new()));
    }
    for s in &x.scripts {
        rows.push((sec("assess.scripts"), s.label.to_string(), format!("{} / {}", s.zh, s.en)));
    }
    if let Some(p) = &x.plan {
        rows.push((sec("assess.plan"), format!("{} {}", t.get("assess.entitlement"), p.entitlement), p.note.clone()));
        for o in &p.offers {
            let flag = if o.needs_approval { format!(" [{}]", t.get("assess.needs_approval")) } else { String::new() };
            rows.push((sec("assess.plan"), format!("{}. {} {}{flag}", o.n, o.kind, o.total), o.say.clone()));
        }
        if !p.non_monetary.is_empty() {
            rows.push((sec("assess.plan"), t.get("assess.non_monetary").to_string(), p.non_monetary.clone()));
        }
    }
    rows.push((sec("assess.routes"), x.routes.join("；"), String::new()));
    for a in &x.approvals {
        rows.push((sec("assess.approvals"), format!("#{} {} ({})", a.id, a.total, a.status_label), a.reason.clone()));
    }
    for c in &x.concessions {
        rows.push((sec("assess.concessions"), format!("{} {}", c.kind, c.amount), c.description.clone()));
    }
    rows
}

pub async fn checklist_xlsx(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Response {
    let (s, x) = match checklist_view(&st, &a, &id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let t = T::new(&a.user.lang);
    let rows = checklist_rows(&t, &x);
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let wrap = rust_xlsxwriter::Format::new().set_text_wrap();
        let ws = wb.add_worksheet();
        ws.set_name(t.get("assess.checklist.sheet"))?;
        ws.write_string_with_format(0, 0, format!("{} #{}", t.get("assess.checklist"), s.id.0), &bold)?;
        ws.write_string(0, 2, format!("{} {}", t.get("assess.checklist.date"), crate::engine::today()))?;
        for (c, h) in
            ["assess.checklist.section", "assess.checklist.item", "assess.checklist.detail", "assess.checklist.done"]
                .iter()
                .enumerate()
        {
            ws.write_string_with_format(2, c as u16, t.get(h), &bold)?;
        }
        for (i, (a0, b0, c0)) in rows.iter().enumerate() {
            let r = 3 + i as u32;
            ws.write_string(r, 0, a0)?;
            ws.write_string_with_format(r, 1, b0, &wrap)?;
            ws.write_string_with_format(r, 2, c0, &wrap)?;
            ws.write_string(r, 3, "☐")?;
        }
        ws.set_column_width(0, 14)?;
        ws.set_column_width(1, 48)?;
        ws.set_column_width(2, 70)?;
        ws.set_column_width(3, 6)?;
        wb.save_to_buffer()
    };
    match build() {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"checklist-{}.xlsx\"", s.id.0)),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "checklist xlsx");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, &a.user.lang)
        }
    }
}

// ---------------------------------------------------------------- queue and dashboard

/// A page of the queue: by risk grade (stored assessments) or in the filter's own order.
pub fn list_page(
    db: &dyn tousu_store::Backend,
    f: &tousu_store::ComplaintFilter,
    cursor: Option<&str>,
    risk: bool,
) -> tousu_store::Result<tousu_store::Page> {
    if risk { db.list_by_risk(f, cursor, 50) } else { db.list(f, cursor, 50) }
}

/// Put the stored grades into table rows.
pub async fn fill_grades(st: &AppState, t: &T, rows: &mut [super::pages::Row]) {
    let ids: Vec<ComplaintId> = rows.iter().map(|r| ComplaintId(r.id)).collect();
    match st.blocking(move |db| db.grades(&ids)).await {
        Ok(grades) => {
            for (id, g) in grades {
                if let Some(r) = rows.iter_mut().find(|r| r.id == id.0) {
                    let code = tousu_core::assess::Grade::parse(&g).map_or("", |g| g.code());
                    r.grade = code;
                    r.grade_label = if code.is_empty() { "" } else { grade_label(t, code) };
                }
            }
        }
        Err(e) => tracing::error!(error = %e, "loading grades"),
    }
}

/// The dashboard's grade mix: complaints received in `range` by risk grade, low to critical.
pub async fn grade_chart(st: &AppState, t: &T, range: (String, String)) -> String {
    let counts = st
        .blocking(move |db| db.daily_counts(tousu_store::StatDim::Grade, &range.0, &range.1))
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "grade counts");
            Vec::new()
        });
    let items: Vec<(String, u64)> = tousu_core::assess::Grade::ALL
        .iter()
        .map(|g| {
            let n = counts.iter().filter(|c| c.value == g.code()).map(|c| c.n).sum();
            (grade_label(t, g.code()).to_string(), n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    super::charts::bar_chart(t.get("dash.grade_mix"), &items, t.get("dash.no_data"))
}
