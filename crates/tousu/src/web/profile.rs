//! The complainant profile (投诉人画像工具表): the profile page, its printable form, its XLSX
//! export and the text the CLI prints, all from one worksheet model; supervisors' split and
//! merge decisions; the population analysis page and its CSV/XLSX exports.

use super::i18n::T;
use super::{Ctx, error_page, render};
use crate::persons::PersonView;
use crate::server::AppState;
use crate::server::auth::Auth;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use serde::Deserialize;
use serde_json::Value;
use tousu_core::Role;
use tousu_core::ident::{mask_phone, mask_resident_id};
use tousu_core::profile::{Population, Profile, Reason, Tag};
use tousu_store::ComplaintId;

/// One line of the worksheet.
pub struct Row {
    pub label: String,
    pub value: String,
}

/// One block of the worksheet.
pub struct Sheet {
    pub key: &'static str,
    pub title: String,
    pub rows: Vec<Row>,
}

/// A tag as shown.
pub struct TagView {
    pub code: String,
    pub label: String,
    pub reason: String,
    pub protective: bool,
    pub complaints: Vec<String>,
}

fn param_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() != 0.0 => format!("{f:.2}"),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => a.iter().map(param_text).collect::<Vec<_>>().join(", "),
        Value::Object(o) => match (o.get("amount"), o.get("currency")) {
            (Some(a), Some(c)) => format!("{} {}", param_text(a), param_text(c)),
            _ => v.to_string(),
        },
        Value::Null => "—".to_string(),
    }
}

/// A reason in the UI language: the locale's template for its code with the parameters filled
/// in; the English fallback when the locale has no template.
pub fn reason_text(t: &T, r: &Reason) -> String {
    let Some(tpl) = super::i18n::lookup(t.lang, &r.code) else { return r.en.clone() };
    let mut out = tpl.to_string();
    for (k, v) in &r.params {
        // Codes among the parameters are shown by their labels.
        let prefix = match k.as_str() {
            "kinds" => Some("vuln"),
            "category" => Some("category"),
            _ => None,
        };
        let text = match (prefix, v) {
            (Some(p), Value::String(c)) => label(t, p, c),
            (Some(p), Value::Array(a)) => {
                a.iter().filter_map(Value::as_str).map(|c| label(t, p, c)).collect::<Vec<_>>().join(", ")
            }
            _ => param_text(v),
        };
        out = out.replace(&format!("{{{k}}}"), &text);
    }
    out
}

fn code_of<S: serde::Serialize>(v: S) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

pub fn tag_views(t: &T, tags: &[Tag]) -> Vec<TagView> {
    tags.iter()
        .map(|tag| TagView {
            code: tag.code.code().to_string(),
            label: t.get(&tag.label_key).to_string(),
            reason: reason_text(t, &tag.reason),
            protective: tag.protective,
            complaints: tag.complaints.clone(),
        })
        .collect()
}

/// The label of a code under a locale prefix (`category.claim_refusal`), or the code itself
/// when the locale has none (e.g. an institution's own category names).
fn label(t: &T, prefix: &str, code: &str) -> String {
    super::i18n::lookup(t.lang, &format!("{prefix}.{code}")).map(str::to_string).unwrap_or_else(|| code.to_string())
}

/// An age band code (`under_30`, `30_39`, `70_plus`) as shown: `<30`, `30–39`, `70+`.
fn age_band_label(code: &str) -> String {
    code.replace("under_", "<").replace("_plus", "+").replace('_', "–")
}

fn row(t: &T, key: &str, value: impl Into<String>) -> Row {
    let value = value.into();
    Row {
        label: t.get(&format!("profile.f.{key}")).to_string(),
        value: if value.is_empty() { "—".into() } else { value },
    }
}

fn opt<D: std::fmt::Display>(v: Option<D>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn list<I: IntoIterator<Item = String>>(i: I) -> String {
    i.into_iter().collect::<Vec<_>>().join("、")
}

/// The worksheet: every block of the profile as labelled lines, in the UI language. The
/// page, the printable page, the XLSX export and the CLI all show exactly this.
pub fn worksheet(t: &T, v: &PersonView) -> Vec<Sheet> {
    let p: &Profile = &v.profile;
    let b = &p.basic;
    let first = v.sources.first().map(|s| &s.complaint.complainant);
    let mut basic = vec![
        row(t, "name", first.and_then(|c| c.name.clone()).unwrap_or_default()),
        row(t, "resident_id", first.and_then(|c| c.resident_id.as_deref().map(mask_resident_id)).unwrap_or_default()),
        row(t, "phone", first.and_then(|c| c.phone.as_deref().map(mask_phone)).unwrap_or_default()),
        row(t, "age", opt(b.age)),
        row(t, "age_band", b.age_band.as_deref().map(age_band_label).unwrap_or_default()),
        row(t, "gender", b.gender.map(|g| label(t, "gender", g.code())).unwrap_or_default()),
        row(
            t,
            "province",
            b.province
                .as_ref()
                .map(|pr| if t.lang == "en" { pr.en.clone() } else { pr.zh.clone() }.unwrap_or_else(|| pr.code.clone()))
                .unwrap_or_default(),
        ),
        row(t, "regions", list(b.complaint_regions.iter().map(|r| format!("{} ({})", r.code, r.count)))),
    ];
    if !b.conflicts.is_empty() {
        basic.push(row(t, "conflicts", b.conflicts.join("; ")));
    }
    let h = &p.behaviour;
    let behaviour = vec![
        row(t, "complaints", h.complaints.to_string()),
        row(t, "first_received", opt(h.first_received.map(|d| d.date()))),
        row(t, "last_received", opt(h.last_received.map(|d| d.date()))),
        row(t, "recent", h.recent.to_string()),
        row(t, "rate_per_90_days", format!("{:.2}", h.rate_per_90_days)),
        row(
            t,
            "channels",
            list(h.channels.iter().map(|c| format!("{} {}", label(t, "channel", c.channel.code()), c.count))),
        ),
        row(
            t,
            "categories",
            list(h.categories.iter().map(|c| format!("{} {}", label(t, "category", &c.code), c.count))),
        ),
        row(
            t,
            "same_issue",
            list(h.same_issue.iter().map(|s| {
                format!(
                    "{} ×{} ({}–{})",
                    label(t, "category", &s.category),
                    s.max_in_window,
                    s.window_from,
                    s.window_to
                )
            })),
        ),
        row(
            t,
            "regulator",
            format!("{} / {} / {}", h.regulator.referrals, h.regulator.escalated, h.regulator.threatened),
        ),
        row(t, "withdrawals", h.withdrawals.to_string()),
        row(t, "answers_rejected", h.answers_rejected.to_string()),
        row(
            t,
            "gaps",
            h.gaps.as_ref().map(|g| format!("{:.0} / {:.0}", g.median_days, g.mean_days)).unwrap_or_default(),
        ),
    ];
    let psychology = vec![
        row(t, "dominant_emotion", p.psychology.dominant.map(|e| label(t, "emotion", e.code())).unwrap_or_default()),
        row(
            t,
            "emotion_trend",
            list(p.psychology.emotions.iter().map(|e| {
                format!(
                    "{} {} ({:.2}→{:.2})",
                    label(t, "emotion", e.emotion.code()),
                    t.get(&format!("profile.direction.{}", code_of(e.direction))),
                    e.first,
                    e.last
                )
            })),
        ),
    ];
    let motive = vec![
        row(t, "motive", t.get(&format!("profile.motive.{}", p.motive.primary.code())).to_string()),
        row(t, "motive_reason", reason_text(t, &p.motive.reason)),
    ];
    let policy = p
        .policies
        .iter()
        .map(|f| Row {
            label: f.number.clone().unwrap_or_else(|| t.get("profile.f.policy").to_string()),
            value: [
                f.product.clone().or(f.product_line.clone()).unwrap_or_default(),
                f.policy_year.map(|y| format!("{} {y}", t.get("profile.f.policy_year"))).unwrap_or_default(),
                f.premiums_paid
                    .as_ref()
                    .map(|m| format!("{} {m}", t.get("profile.f.premiums_paid")))
                    .unwrap_or_default(),
                f.cash_value.as_ref().map(|m| format!("{} {m}", t.get("profile.f.cash_value"))).unwrap_or_default(),
                f.cash_value_ratio
                    .map(|r| format!("{} {:.0}%", t.get("profile.f.cash_value_ratio"), r * 100.0))
                    .unwrap_or_default(),
            ]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        })
        .collect();
    let others = vec![
        row(
            t,
            "demand_kinds",
            list(p.demands.kinds.iter().map(|k| format!("{} {}", label(t, "demand", &k.code), k.count))),
        ),
        row(t, "demand_totals", list(p.demands.totals.iter().map(|m| m.to_string()))),
        row(
            t,
            "third_parties",
            format!(
                "{} ({} {})",
                p.third_parties.complaints,
                t.get("profile.f.power_of_attorney"),
                p.third_parties.power_of_attorney
            ),
        ),
        row(t, "concessions", list(p.concessions.totals.iter().map(|m| m.to_string()))),
        row(
            t,
            "vulnerability",
            list(
                p.vulnerability
                    .flags
                    .iter()
                    .map(|f| label(t, "vuln", f.kind.code()))
                    .collect::<std::collections::BTreeSet<_>>(),
            ),
        ),
    ];
    let tags = tag_views(t, &p.tags).into_iter().map(|tag| Row { label: tag.label, value: tag.reason }).collect();
    let sheet = |key: &'static str, rows: Vec<Row>| Sheet {
        key,
        title: t.get(&format!("profile.block.{key}")).to_string(),
        rows,
    };
    vec![
        sheet("basic", basic),
        sheet("behaviour", behaviour),
        sheet("psychology", psychology),
        sheet("motive", motive),
        sheet("policy", policy),
        sheet("other", others),
        sheet("tags", tags),
    ]
}

/// The worksheet as plain text (the CLI).
pub fn worksheet_text(t: &T, v: &PersonView) -> String {
    let mut out = format!("{} {}\n", t.get("profile.title"), v.profile.person_id);
    for s in worksheet(t, v) {
        out.push_str(&format!("\n[{}]\n", s.title));
        for r in s.rows {
            out.push_str(&format!("  {}: {}\n", r.label, r.value));
        }
    }
    out.push_str(&format!("\n[{}]\n", t.get("profile.complaints")));
    for s in &v.sources {
        out.push_str(&format!(
            "  #{} {} {} {}\n",
            s.id.0,
            s.complaint.received_at.date(),
            label(t, "channel", s.complaint.channel.code()),
            s.complaint.category.clone().unwrap_or_default()
        ));
    }
    out
}

/// The worksheet as an XLSX workbook: one sheet, block by block.
pub fn worksheet_xlsx(t: &T, v: &PersonView) -> anyhow::Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(t.get("profile.sheet"))?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 90)?;
    ws.write_string_with_format(0, 0, format!("{} {}", t.get("profile.title"), v.profile.person_id), &bold)?;
    ws.write_string(0, 1, format!("{} {}", t.get("profile.as_of"), v.profile.as_of))?;
    let mut r = 2u32;
    for s in worksheet(t, v) {
        ws.write_string_with_format(r, 0, &s.title, &bold)?;
        r += 1;
        for line in s.rows {
            ws.write_string(r, 0, &line.label)?;
            ws.write_string(r, 1, &line.value)?;
            r += 1;
        }
        r += 1;
    }
    ws.write_string_with_format(r, 0, t.get("profile.complaints"), &bold)?;
    r += 1;
    for s in &v.sources {
        ws.write_string(r, 0, format!("#{}", s.id.0))?;
        ws.write_string(
            r,
            1,
            format!(
                "{} · {} · {}",
                s.complaint.received_at.date(),
                label(t, "channel", s.complaint.channel.code()),
                s.complaint.category.clone().unwrap_or_default()
            ),
        )?;
        r += 1;
    }
    Ok(wb.save_to_buffer()?)
}

// ------------------------------------------------------------------------------ pages

pub struct ComplaintLine {
    pub id: i64,
    pub received: String,
    pub channel: String,
    pub category: String,
    pub state: String,
    pub rule: String,
    pub linked_to: String,
}

fn complaint_lines(t: &T, wf: &tousu_core::workflow::Workflow, v: &PersonView) -> Vec<ComplaintLine> {
    let wlang = if t.lang == "en" { tousu_core::workflow::Lang::En } else { tousu_core::workflow::Lang::Zh };
    v.sources
        .iter()
        .map(|s| {
            let link = v.links.iter().find(|l| l.complaint_id == s.id);
            ComplaintLine {
                id: s.id.0,
                received: s.complaint.received_at.date().to_string(),
                channel: label(t, "channel", s.complaint.channel.code()),
                category: s.complaint.category.clone().unwrap_or_default(),
                state: tousu_core::workflow::State::from_code(&s.state)
                    .map(|st| wf.label(st, wlang).to_string())
                    .unwrap_or_else(|| s.state.clone()),
                rule: link
                    .and_then(|l| {
                        l.rule.as_ref().map(|r| {
                            format!("{} ({:.2})", t.get(&format!("profile.rule.{r}")), l.confidence.unwrap_or(0.0))
                        })
                    })
                    .unwrap_or_default(),
                linked_to: link.and_then(|l| l.linked_to).map(|c| format!("#{}", c.0)).unwrap_or_default(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    ctx: Ctx,
    id: i64,
    as_of: String,
    tags: Vec<TagView>,
    sheets: Vec<Sheet>,
    complaints: Vec<ComplaintLine>,
    can_decide: bool,
    flash: String,
}

#[derive(Template)]
#[template(path = "profile_print.html")]
struct ProfilePrint {
    ctx: Ctx,
    id: i64,
    as_of: String,
    sheets: Vec<Sheet>,
    complaints: Vec<ComplaintLine>,
}

async fn load(st: &AppState, id: i64) -> anyhow::Result<Option<PersonView>> {
    st.with_engine(move |e, db| e.profile(db, id)).await
}

async fn page(st: &AppState, a: &Auth, id: i64, flash: String) -> Response {
    let ctx = Ctx::new(Some(a), "");
    let t = ctx.t;
    match load(st, id).await {
        Ok(Some(v)) => render(&ProfilePage {
            id,
            as_of: v.profile.as_of.to_string(),
            tags: tag_views(&t, &v.profile.tags),
            sheets: worksheet(&t, &v),
            complaints: complaint_lines(&t, &st.engine.workflow, &v),
            can_decide: a.is(&[Role::Supervisor, Role::Admin]),
            flash,
            ctx,
        }),
        Ok(None) => error_page(StatusCode::NOT_FOUND, t.lang),
        Err(e) => {
            tracing::error!(error = %e, "profile failed");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, t.lang)
        }
    }
}

pub async fn profile_page(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return error_page(StatusCode::NOT_FOUND, &a.user.lang) };
    page(&st, &a, id, String::new()).await
}

pub async fn profile_print(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return error_page(StatusCode::NOT_FOUND, &a.user.lang) };
    let ctx = Ctx::new(Some(&a), "");
    let t = ctx.t;
    match load(&st, id).await {
        Ok(Some(v)) => render(&ProfilePrint {
            id,
            as_of: v.profile.as_of.to_string(),
            sheets: worksheet(&t, &v),
            complaints: complaint_lines(&t, &st.engine.workflow, &v),
            ctx,
        }),
        Ok(None) => error_page(StatusCode::NOT_FOUND, t.lang),
        Err(e) => {
            tracing::error!(error = %e, "profile failed");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, t.lang)
        }
    }
}

fn download(mime: &'static str, name: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub async fn profile_xlsx(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return error_page(StatusCode::NOT_FOUND, &a.user.lang) };
    let t = T::new(&a.user.lang);
    match load(&st, id).await {
        Ok(Some(v)) => match worksheet_xlsx(&t, &v) {
            Ok(bytes) => download(XLSX, format!("profile-{id}.xlsx"), bytes),
            Err(e) => {
                tracing::error!(error = %e, "worksheet export failed");
                error_page(StatusCode::INTERNAL_SERVER_ERROR, t.lang)
            }
        },
        Ok(None) => error_page(StatusCode::NOT_FOUND, t.lang),
        Err(e) => {
            tracing::error!(error = %e, "profile failed");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, t.lang)
        }
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    /// `split`: take this complaint out of the person; `merge`: join the person of this
    /// complaint id or person id.
    action: String,
    other: String,
    reason: String,
}

/// A supervisor splits a complaint off this person, or merges another person into it. The
/// decision is stored (and audited) and survives every rebuild.
pub async fn decide(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return error_page(StatusCode::NOT_FOUND, &a.user.lang) };
    if !a.is(&[Role::Supervisor, Role::Admin]) {
        return error_page(StatusCode::FORBIDDEN, &a.user.lang);
    }
    let t = T::new(&a.user.lang);
    let (Ok(other), reason) = (f.other.trim().trim_start_matches('#').parse::<i64>(), f.reason.trim().to_string())
    else {
        return page(&st, &a, id, t.get("profile.decision.bad").to_string()).await;
    };
    if reason.is_empty() {
        return page(&st, &a, id, t.get("profile.decision.reason_required").to_string()).await;
    }
    let actor = a.user.username.clone();
    let split = f.action == "split";
    let r = st
        .with_engine(move |e, db| {
            if split {
                e.split_complaint(db, id, ComplaintId(other), &actor, &reason)
            } else {
                e.merge_persons(db, id, ComplaintId(other), &actor, &reason)
            }
        })
        .await;
    match r {
        Ok(person) => Redirect::to(&format!("/persons/{person}")).into_response(),
        Err(e) => page(&st, &a, id, e.to_string()).await,
    }
}

/// `GET /api/persons/{id}`: the profile with its complaints and links (identifiers masked).
pub async fn api_person(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, Json(serde_json::json!({"code": "not_found", "message": "no such person"})))
            .into_response();
    };
    match load(&st, id).await {
        Ok(Some(v)) => Json(serde_json::json!({
            "id": id,
            "profile": v.profile,
            "complaints": v.sources.iter().map(|s| {
                let link = v.links.iter().find(|l| l.complaint_id == s.id);
                serde_json::json!({
                    "id": s.id.0,
                    "received_at": s.complaint.received_at,
                    "channel": s.complaint.channel.code(),
                    "category": s.complaint.category,
                    "state": s.state,
                    "link": link.map(|l| serde_json::json!({
                        "rule": l.rule, "confidence": l.confidence, "linked_to": l.linked_to.map(|c| c.0)
                    })),
                })
            }).collect::<Vec<_>>(),
        }))
        .into_response(),
        Ok(None) => {
            (StatusCode::NOT_FOUND, Json(serde_json::json!({"code": "not_found", "message": "no such person"})))
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "profile failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(serde_json::json!({"code": "internal", "message": "internal error"})),
            )
                .into_response()
        }
    }
}

// ------------------------------------------------------------------------------ population

pub struct HighlightView {
    pub field: String,
    pub grouping: String,
    pub group: String,
    pub value: String,
    pub count: u64,
    pub share: String,
    pub overall: String,
    pub lift: String,
}

pub struct FieldView {
    pub field: String,
    pub overall: Vec<(String, u64, String)>,
    /// Column headings (the field's values) and one row per group: name, total, and per value
    /// (count, share, over-represented).
    pub values: Vec<String>,
    pub by_category: Vec<GroupRow>,
    pub by_product_line: Vec<GroupRow>,
}

pub struct GroupRow {
    pub group: String,
    pub total: u64,
    pub cells: Vec<(u64, String, bool)>,
}

fn group_rows(values: &[String], groups: &[tousu_core::profile::GroupDistribution]) -> Vec<GroupRow> {
    groups
        .iter()
        .map(|g| GroupRow {
            group: g.group.clone(),
            total: g.total,
            cells: values
                .iter()
                .map(|v| match g.cells.iter().find(|c| &c.value == v) {
                    Some(c) => (c.count, pct(c.share), c.over_represented),
                    None => (0, pct(0.0), false),
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "population.html")]
struct PopulationPage {
    ctx: Ctx,
    total: u64,
    highlights: Vec<HighlightView>,
    fields: Vec<FieldView>,
    rule: String,
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Every cell of the population analysis as CSV/XLSX rows.
pub fn population_table(p: &Population) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let head = vec![
        "field",
        "grouping",
        "group",
        "group_total",
        "value",
        "count",
        "share",
        "overall_share",
        "lift",
        "z",
        "over_represented",
    ];
    let mut rows = Vec::new();
    for f in &p.fields {
        for (grouping, groups) in [("category", &f.by_category), ("product_line", &f.by_product_line)] {
            for g in groups {
                for c in &g.cells {
                    rows.push(vec![
                        f.field.clone(),
                        grouping.to_string(),
                        g.group.clone(),
                        g.total.to_string(),
                        c.value.clone(),
                        c.count.to_string(),
                        format!("{:.4}", c.share),
                        format!("{:.4}", c.overall_share),
                        c.lift.map(|l| format!("{l:.3}")).unwrap_or_default(),
                        c.z.map(|z| format!("{z:.2}")).unwrap_or_default(),
                        c.over_represented.to_string(),
                    ]);
                }
            }
        }
    }
    (head, rows)
}

pub fn population_csv(p: &Population) -> anyhow::Result<Vec<u8>> {
    let (head, rows) = population_table(p);
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(&head)?;
    for r in rows {
        w.write_record(&r)?;
    }
    Ok(w.into_inner()?)
}

pub fn population_xlsx(p: &Population) -> anyhow::Result<Vec<u8>> {
    let (head, rows) = population_table(p);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let ws = wb.add_worksheet();
    for (i, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)?;
    }
    for (r, line) in rows.iter().enumerate() {
        for (i, v) in line.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) if i >= 3 && i != 4 => ws.write_number((r + 1) as u32, i as u16, n)?,
                _ => ws.write_string((r + 1) as u32, i as u16, v)?,
            };
        }
    }
    Ok(wb.save_to_buffer()?)
}

fn field_value(t: &T, field: &str, value: &str) -> String {
    if value == tousu_core::profile::UNKNOWN {
        return t.get("profile.unknown").to_string();
    }
    let key = match field {
        "age_band" => return age_band_label(value),
        "gender" => format!("gender.{value}"),
        "channel" => format!("channel.{value}"),
        "motive" => format!("profile.motive.{value}"),
        _ => {
            return if value == tousu_core::profile::UNKNOWN {
                t.get("profile.unknown").to_string()
            } else {
                value.to_string()
            };
        }
    };
    match super::i18n::lookup(t.lang, &key) {
        Some(s) => s.to_string(),
        None => value.to_string(),
    }
}

async fn population(st: &AppState) -> anyhow::Result<Population> {
    st.with_engine(|e, db| e.population(db)).await
}

pub async fn population_page(State(st): State<AppState>, Extension(a): Extension<Auth>) -> Response {
    let ctx = Ctx::new(Some(&a), "analytics");
    let t = ctx.t;
    let p = match population(&st).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "population failed");
            return error_page(StatusCode::INTERNAL_SERVER_ERROR, t.lang);
        }
    };
    render(&PopulationPage {
        total: p.total,
        highlights: p
            .highlights
            .iter()
            .take(30)
            .map(|h| HighlightView {
                field: t.get(&format!("profile.field.{}", h.field)).to_string(),
                grouping: t.get(&format!("profile.grouping.{}", h.grouping)).to_string(),
                group: h.group.clone(),
                value: field_value(&t, &h.field, &h.value),
                count: h.count,
                share: pct(h.share),
                overall: pct(h.overall_share),
                lift: format!("{:.2}", h.lift),
            })
            .collect(),
        fields: p
            .fields
            .iter()
            .map(|f| {
                let codes: Vec<String> = f.overall.iter().map(|v| v.value.clone()).collect();
                FieldView {
                    field: t.get(&format!("profile.field.{}", f.field)).to_string(),
                    overall: f
                        .overall
                        .iter()
                        .map(|v| (field_value(&t, &f.field, &v.value), v.count, pct(v.share)))
                        .collect(),
                    values: codes.iter().map(|c| field_value(&t, &f.field, c)).collect(),
                    by_category: group_rows(&codes, &f.by_category),
                    by_product_line: group_rows(&codes, &f.by_product_line),
                }
            })
            .collect(),
        rule: t
            .get("population.rule")
            .replace("{lift}", &format!("{:.2}", p.min_lift))
            .replace("{count}", &p.min_count.to_string())
            .replace("{z}", &format!("{:.1}", p.min_z)),
        ctx,
    })
}

pub async fn population_export(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(file): Path<String>,
) -> Response {
    let t = T::new(&a.user.lang);
    let p = match population(&st).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "population failed");
            return error_page(StatusCode::INTERNAL_SERVER_ERROR, t.lang);
        }
    };
    let out = match file.as_str() {
        "profiles.csv" => population_csv(&p).map(|b| download("text/csv; charset=utf-8", file.clone(), b)),
        "profiles.xlsx" => population_xlsx(&p).map(|b| download(XLSX, file.clone(), b)),
        _ => return error_page(StatusCode::NOT_FOUND, t.lang),
    };
    out.unwrap_or_else(|e| {
        tracing::error!(error = %e, "export failed");
        error_page(StatusCode::INTERNAL_SERVER_ERROR, t.lang)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_bands_read_as_ranges() {
        assert_eq!(age_band_label("under_30"), "<30");
        assert_eq!(age_band_label("30_39"), "30–39");
        assert_eq!(age_band_label("70_plus"), "70+");
    }

    #[test]
    fn reasons_fill_the_locale_template_and_label_codes() {
        let mut params = std::collections::BTreeMap::new();
        params.insert("category".to_string(), serde_json::json!("claim_refusal"));
        params.insert("count".to_string(), serde_json::json!(3));
        params.insert("window_days".to_string(), serde_json::json!(365));
        params.insert("from".to_string(), serde_json::json!("2026-01-01"));
        params.insert("to".to_string(), serde_json::json!("2026-03-01"));
        params.insert("threshold".to_string(), serde_json::json!(3));
        params.insert("complaints".to_string(), serde_json::json!(["1", "2", "3"]));
        let r = Reason { code: "profile.reason.repeat".into(), params, en: "fallback".into() };
        let zh = reason_text(&T::new("zh-CN"), &r);
        assert!(zh.contains("理赔拒付") || zh.contains("理赔"), "{zh}");
        assert!(zh.contains("3 件") && zh.contains("1, 2, 3") && !zh.contains('{'), "{zh}");
        let en = reason_text(&T::new("en"), &r);
        assert!(en.starts_with("3 complaints of category Claim refused"), "{en}");
        // Without a template the English fallback is used.
        let none = Reason { code: "profile.reason.no_such".into(), params: Default::default(), en: "fallback".into() };
        assert_eq!(reason_text(&T::new("zh-CN"), &none), "fallback");
    }
}
