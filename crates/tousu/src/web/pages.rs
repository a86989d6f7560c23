//! Page handlers: sign-in, dashboard, queue, case, users.

use super::{Ctx, error_page, render, url_encode};
use crate::server::AppState;
use crate::server::auth::{self, Auth};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::BTreeMap;
use tousu_core::{Channel, Role};
use tousu_store::{ComplaintFilter, ComplaintId, StatDim, StoredComplaint};

// ---------------------------------------------------------------- sign-in

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    message: String,
    login_csrf: String,
    next: String,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    lang: Option<String>,
}

fn safe_next(next: Option<&str>) -> String {
    // Only local paths: never an open redirect.
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_string(),
        _ => "/".to_string(),
    }
}

fn login_page(st: &AppState, lang: &str, message: &str, next: &str) -> Response {
    let token = auth::random_hex(16);
    let ctx = Ctx::anonymous(lang);
    let message = if message.is_empty() { String::new() } else { ctx.t.get(message).to_string() };
    let page = LoginPage { ctx, message, login_csrf: token.clone(), next: next.to_string() };
    let mut resp = render(&page);
    if let Ok(v) = auth::set_cookie(auth::LOGIN_COOKIE, &token, 3600, st.secure_cookies).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub async fn login_form(State(st): State<AppState>, headers: HeaderMap, Query(q): Query<LoginQuery>) -> Response {
    if auth::resolve(&st, &headers).await.is_some() {
        return Redirect::to("/").into_response();
    }
    let lang = q.lang.as_deref().unwrap_or("zh-CN");
    login_page(&st, lang, "", &safe_next(q.next.as_deref()))
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

pub async fn login(State(st): State<AppState>, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(f.next.as_deref());
    let cookie = auth::cookie_value(&headers, auth::LOGIN_COOKIE);
    if cookie.as_deref() != Some(f.csrf.as_str()) || f.csrf.is_empty() {
        return login_page(&st, "zh-CN", "login.expired", &next);
    }
    let name = f.username.trim().to_string();
    let user = match st.blocking(move |db| db.user_by_name(&name)).await {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "user lookup failed");
            return error_page(StatusCode::INTERNAL_SERVER_ERROR, "zh-CN");
        }
    };
    let password = f.password.clone();
    let ok = match &user {
        Some(u) if !u.disabled => {
            let hash = u.password_hash.clone();
            tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash)).await.unwrap_or(false)
        }
        _ => {
            // Same work for unknown users, so timing does not tell which usernames exist.
            let _ = tokio::task::spawn_blocking(move || {
                auth::verify_password(
                    &password,
                    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$0000000000000000000000000000000000000000000",
                )
            })
            .await;
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        tracing::info!(username = %f.username, "sign-in failed");
        return login_page(&st, "zh-CN", "login.failed", &next);
    };
    match auth::start_session(&st, &user).await {
        Ok(cookie) => {
            tracing::info!(username = %user.username, "signed in");
            let mut resp = Redirect::to(&next).into_response();
            for c in [cookie, auth::clear_cookie(auth::LOGIN_COOKIE, st.secure_cookies)] {
                if let Ok(v) = c.parse() {
                    resp.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            resp
        }
        Err(e) => {
            tracing::error!(error = %e, "session start failed");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, "zh-CN")
        }
    }
}

pub async fn logout(State(st): State<AppState>, Extension(a): Extension<Auth>) -> Response {
    if let Some(h) = a.session_hash.clone() {
        let _ = st.blocking(move |db| db.delete_session(&h)).await;
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = auth::clear_cookie(auth::SESSION_COOKIE, st.secure_cookies).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
}

pub async fn set_lang(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    headers: HeaderMap,
    Form(f): Form<LangForm>,
) -> Response {
    let lang = if f.lang == "en" { "en" } else { "zh-CN" };
    let id = a.user.id;
    if let Err(e) = st.blocking(move |db| db.set_user_lang(id, lang)).await {
        tracing::error!(error = %e, "set language failed");
    }
    // Back to the page the switch was pressed on (same origin only).
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()));
    Redirect::to(&safe_next(back.as_deref())).into_response()
}

// ---------------------------------------------------------------- shared view helpers

/// One row of a complaint table.
pub struct Row {
    pub id: i64,
    pub received: String,
    pub channel: &'static str,
    pub category: String,
    pub product: String,
    pub branch: String,
    pub complainant: String,
    pub assignee: String,
    pub summary: String,
    pub due: String,
    pub overdue: bool,
    pub state: String,
    /// Stored risk grade code and label (empty when not assessed; see web::assess).
    pub grade: &'static str,
    pub grade_label: &'static str,
}

fn summary(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = flat.chars().take(60).collect();
    if flat.chars().count() > 60 {
        s.push('…');
    }
    s
}

/// Whether this user sees identifiers masked.
pub fn masks(a: &Auth) -> bool {
    a.user.role == Role::Handler
}

pub fn row(t: &super::i18n::T, s: &StoredComplaint, masked: bool) -> Row {
    let c = &s.complaint;
    let text = if masked { tousu_core::ident::mask_identifiers_in_text(&c.text) } else { c.text.clone() };
    Row {
        id: s.id.0,
        received: c.received_at.format("%Y-%m-%d %H:%M").to_string(),
        channel: t.get(&format!("channel.{}", c.channel.code())),
        category: c.category.clone().unwrap_or_default(),
        product: c.product.clone().unwrap_or_default(),
        branch: c.branch.clone().unwrap_or_default(),
        complainant: c.complainant.name.clone().unwrap_or_default(),
        assignee: s.assignee.clone().unwrap_or_default(),
        summary: summary(&text),
        due: s.due_date.clone().unwrap_or_default(),
        overdue: s.due_date.as_deref().is_some_and(|d| d < crate::engine::today().to_string().as_str()),
        state: s.state.clone(),
        grade: "",
        grade_label: "",
    }
}

/// Which complaints a user may see. Handlers: assigned to them or their team. Supervisors:
/// their team (all when they have none). Analysts and admins: all.
pub fn can_view(a: &Auth, s: &StoredComplaint) -> bool {
    match a.user.role {
        Role::Analyst | Role::Admin => true,
        Role::Supervisor => a.user.team.is_none() || s.team == a.user.team,
        Role::Handler => {
            s.assignee.as_deref() == Some(a.user.username.as_str()) || (a.user.team.is_some() && s.team == a.user.team)
        }
    }
}

fn internal(lang: &str, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "request failed");
    error_page(StatusCode::INTERNAL_SERVER_ERROR, lang)
}

// ---------------------------------------------------------------- dashboard

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    today: String,
    open: String,
    overdue: String,
    due_soon: String,
    chart_category: String,
    chart_channel: String,
    chart_product: String,
    chart_top: String,
    chart_threats: String,
    chart_emotions: String,
    chart_grades: String,
    rows: Vec<Row>,
}

fn months_back(today: NaiveDate, n: u32) -> Vec<String> {
    let mut y = today.year();
    let mut m = today.month() as i32;
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(format!("{y:04}-{m:02}"));
        m -= 1;
        if m == 0 {
            m = 12;
            y -= 1;
        }
    }
    out.reverse();
    out
}

/// Monthly series of the top values of a dimension (the rest summed as "other").
fn trend(
    counts: &[tousu_store::DayCount],
    months: &[String],
    top: usize,
    label: impl Fn(&str) -> String,
    other: &str,
) -> Vec<super::charts::Series> {
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for c in counts {
        *totals.entry(c.value.as_str()).or_default() += c.n;
    }
    let mut ranked: Vec<(&str, u64)> = totals.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let keep: Vec<&str> = ranked.iter().take(top).map(|r| r.0).collect();
    let idx = |day: &str| months.iter().position(|m| day.starts_with(m.as_str()));
    let mut series: Vec<super::charts::Series> =
        keep.iter().map(|v| super::charts::Series { label: label(v), points: vec![0; months.len()] }).collect();
    let mut rest = vec![0u64; months.len()];
    for c in counts {
        let Some(i) = idx(&c.day) else { continue };
        match keep.iter().position(|k| *k == c.value) {
            Some(k) => series[k].points[i] += c.n,
            None => rest[i] += c.n,
        }
    }
    if rest.iter().any(|&n| n > 0) {
        series.push(super::charts::Series { label: other.to_string(), points: rest });
    }
    series
}

pub async fn dashboard(State(st): State<AppState>, Extension(a): Extension<Auth>) -> Response {
    let ctx = Ctx::new(Some(&a), "dashboard");
    let t = ctx.t;
    let today = chrono::Local::now().date_naive();
    let months = months_back(today, 12);
    let from = format!("{}-01", months[0]);
    let to = today.format("%Y-%m-%d").to_string();
    let today_s = to.clone();
    let mut recent_filter = ComplaintFilter::default();
    scope_filter(&a, &mut recent_filter, "");
    let open_states = st.engine.open_states();
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    let soon = (today + chrono::Duration::days(3)).to_string();
    let grade_range = (from.clone(), to.clone());
    let data = st
        .blocking(move |db| -> tousu_store::Result<_> {
            let today_n: u64 = db.daily_counts(StatDim::All, &today_s, &today_s)?.iter().map(|d| d.n).sum();
            let open_f = ComplaintFilter { open_states: Some(open_states), ..Default::default() };
            let open: u64 = db.count(&open_f)?;
            let overdue = db.count(&ComplaintFilter { due_by: Some(yesterday), ..open_f.clone() })?;
            let due_soon = db.count(&ComplaintFilter { due_by: Some(soon), ..open_f.clone() })? - overdue;
            let cat = db.daily_counts(StatDim::Category, &from, &to)?;
            let ch = db.daily_counts(StatDim::Channel, &from, &to)?;
            let prod = db.daily_counts(StatDim::Product, &from, &to)?;
            let threats = db.daily_counts(StatDim::Threat, &from, &to)?;
            let emotions = db.daily_counts(StatDim::Emotion, &from, &to)?;
            let recent = db.list(&recent_filter, None, 10)?;
            Ok((today_n, open, overdue, due_soon, cat, ch, prod, recent, threats, emotions))
        })
        .await;
    let (today_n, open, overdue, due_soon, cat, ch, prod, recent, threats, emotions) = match data {
        Ok(d) => d,
        Err(e) => return internal(t.lang, e),
    };
    let other = t.get("dash.other");
    let none = t.get("case.none");
    let plain = |v: &str| if v.is_empty() { none.to_string() } else { v.to_string() };
    let chart_category = super::charts::line_chart(
        t.get("dash.trend_category"),
        &months,
        &trend(&cat, &months, 6, plain, other),
        t.get("dash.no_data"),
    );
    let chart_channel = super::charts::line_chart(
        t.get("dash.trend_channel"),
        &months,
        &trend(&ch, &months, 8, |v| t.get(&format!("channel.{v}")).to_string(), other),
        t.get("dash.no_data"),
    );
    let chart_product = super::charts::line_chart(
        t.get("dash.trend_product"),
        &months,
        &trend(&prod, &months, 6, plain, other),
        t.get("dash.no_data"),
    );
    let mut top: BTreeMap<&str, u64> = BTreeMap::new();
    for c in &cat {
        *top.entry(c.value.as_str()).or_default() += c.n;
    }
    let mut top: Vec<(String, u64)> = top.into_iter().map(|(k, n)| (plain(k), n)).collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(10);
    let chart_top = super::charts::bar_chart(t.get("dash.top_categories"), &top, t.get("dash.no_data"));
    let mix = |counts: &[tousu_store::DayCount], prefix: &str| -> Vec<(String, u64)> {
        let mut m: BTreeMap<&str, u64> = BTreeMap::new();
        for c in counts {
            *m.entry(c.value.as_str()).or_default() += c.n;
        }
        let mut v: Vec<(String, u64)> =
            m.into_iter().map(|(k, n)| (t.get(&format!("{prefix}.{k}")).to_string(), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    };
    let chart_threats =
        super::charts::bar_chart(t.get("dash.threat_mix"), &mix(&threats, "threat"), t.get("dash.no_data"));
    let chart_emotions =
        super::charts::bar_chart(t.get("dash.emotion_mix"), &mix(&emotions, "emotion"), t.get("dash.no_data"));
    let mut rows: Vec<Row> = recent.items.iter().map(|s| row(&t, s, masks(&a))).collect();
    super::assess::fill_grades(&st, &t, &mut rows).await;
    let chart_grades = super::assess::grade_chart(&st, &t, grade_range).await;
    render(&DashboardPage {
        today: super::i18n::group_digits(today_n),
        open: super::i18n::group_digits(open),
        overdue: super::i18n::group_digits(overdue),
        due_soon: super::i18n::group_digits(due_soon),
        chart_category,
        chart_channel,
        chart_product,
        chart_top,
        chart_threats,
        chart_emotions,
        chart_grades,
        rows,
        ctx,
    })
}

// ---------------------------------------------------------------- queue

#[derive(Deserialize, Default, Clone)]
pub struct QueueQuery {
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub branch: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub assigned: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub cursor: String,
}

impl QueueQuery {
    fn url(&self, cursor: Option<&str>) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("channel", &self.channel),
            ("category", &self.category),
            ("product", &self.product),
            ("branch", &self.branch),
            ("from", &self.from),
            ("to", &self.to),
            ("assigned", &self.assigned),
            ("q", &self.q),
            ("sort", &self.sort),
            ("state", &self.state),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", url_encode(v)));
            }
        }
        if let Some(c) = cursor {
            parts.push(format!("cursor={}", url_encode(c)));
        }
        if parts.is_empty() { "/queue".into() } else { format!("/queue?{}", parts.join("&")) }
    }
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    ctx: Ctx,
    q: QueueQuery,
    channels: Vec<Opt>,
    categories: Vec<Opt>,
    products: Vec<Opt>,
    assigned: Vec<Opt>,
    sorts: Vec<Opt>,
    states: Vec<Opt>,
    rows: Vec<Row>,
    total: Option<String>,
    error: String,
    has_cursor: bool,
    first_url: String,
    next_url: Option<String>,
}

/// The assignment scopes a role may choose, default first.
fn scopes(a: &Auth) -> Vec<&'static str> {
    match a.user.role {
        Role::Handler => vec!["mine", "team"],
        Role::Supervisor => vec!["team", "mine", "unassigned"],
        Role::Analyst | Role::Admin => vec!["all", "unassigned", "mine"],
    }
}

/// Narrow a filter to what the user may see and the chosen scope.
pub fn scope_filter(a: &Auth, f: &mut ComplaintFilter, chosen: &str) {
    let allowed = scopes(a);
    let scope = if allowed.contains(&chosen) { chosen } else { allowed[0] };
    let team = a.user.team.clone();
    match scope {
        "mine" => f.assignee = Some(a.user.username.clone()),
        "team" => {
            if team.is_some() {
                f.team = team.clone();
            } else if a.user.role == Role::Handler {
                f.assignee = Some(a.user.username.clone());
            }
        }
        "unassigned" => {
            f.assignee = Some(String::new());
        }
        _ => {}
    }
    if a.user.role == Role::Supervisor && team.is_some() {
        f.team = team;
    }
}

fn options(values: Vec<(String, String)>, selected: &str) -> Vec<Opt> {
    values.into_iter().map(|(value, label)| Opt { selected: value == selected, value, label }).collect()
}

/// Non-empty values, sorted by name for the drop-down.
fn top_values(values: Vec<(String, u64)>) -> Vec<String> {
    let mut out: Vec<String> = values.into_iter().map(|v| v.0).filter(|v| !v.is_empty()).collect();
    out.sort();
    out
}

pub async fn queue(State(st): State<AppState>, Extension(a): Extension<Auth>, Query(q): Query<QueueQuery>) -> Response {
    let ctx = Ctx::new(Some(&a), "queue");
    let t = ctx.t;
    let mut errors = Vec::new();
    let date = |s: &str, errors: &mut Vec<String>| -> Option<NaiveDate> {
        if s.is_empty() {
            return None;
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| errors.push(format!("{s}: YYYY-MM-DD"))).ok()
    };
    let mut filter = ComplaintFilter {
        received_from: date(&q.from, &mut errors),
        received_to: date(&q.to, &mut errors),
        channel: Channel::parse(&q.channel),
        category: Some(q.category.clone()).filter(|s| !s.is_empty()),
        product: Some(q.product.clone()).filter(|s| !s.is_empty()),
        branch: Some(q.branch.trim().to_string()).filter(|s| !s.is_empty()),
        text_contains: Some(q.q.trim().to_string()).filter(|s| !s.is_empty()),
        oldest_first: q.sort == "oldest",
        urgent_first: q.sort == "urgent",
        ..Default::default()
    };
    match q.state.as_str() {
        "" | "all" => {}
        "open" => filter.open_states = Some(st.engine.open_states()),
        code => filter.state = tousu_core::workflow::State::from_code(code).map(|s| s.code().to_string()),
    }
    if q.sort == "urgent" && filter.open_states.is_none() {
        filter.open_states = Some(st.engine.open_states());
    }
    scope_filter(&a, &mut filter, &q.assigned);
    let cursor = Some(q.cursor.clone()).filter(|s| !s.is_empty());
    let want_total = filter.text_contains.is_none();
    let risk = q.sort == "risk";
    let f2 = filter.clone();
    let data = st
        .blocking(move |db| -> tousu_store::Result<_> {
            let page = match super::assess::list_page(db, &f2, cursor.as_deref(), risk) {
                Err(tousu_store::Error::InvalidCursor) => super::assess::list_page(db, &f2, None, risk)?,
                other => other?,
            };
            let total = if want_total { Some(db.count(&f2)?) } else { None };
            let cats = top_values(db.dim_values(StatDim::Category, 100)?);
            let prods = top_values(db.dim_values(StatDim::Product, 100)?);
            Ok((page, total, cats, prods))
        })
        .await;
    let (page, total, cats, prods) = match data {
        Ok(d) => d,
        Err(e) => return internal(t.lang, e),
    };
    let scope_now =
        if scopes(&a).contains(&q.assigned.as_str()) { q.assigned.clone() } else { scopes(&a)[0].to_string() };
    render(&QueuePage {
        channels: options(
            Channel::ALL
                .iter()
                .map(|c| (c.code().to_string(), t.get(&format!("channel.{}", c.code())).to_string()))
                .collect(),
            &q.channel,
        ),
        categories: options(cats.into_iter().map(|c| (c.clone(), c)).collect(), &q.category),
        products: options(prods.into_iter().map(|c| (c.clone(), c)).collect(), &q.product),
        assigned: options(
            scopes(&a).iter().map(|s| (s.to_string(), t.get(&format!("queue.assigned.{s}")).to_string())).collect(),
            &scope_now,
        ),
        sorts: options(
            vec![
                ("newest".into(), t.get("queue.sort.newest").into()),
                ("oldest".into(), t.get("queue.sort.oldest").into()),
                ("urgent".into(), t.get("queue.sort.urgent").into()),
                ("risk".into(), t.get("queue.sort.risk").into()),
            ],
            if matches!(q.sort.as_str(), "oldest" | "urgent" | "risk") { q.sort.as_str() } else { "newest" },
        ),
        states: {
            let wlang = if t.lang == "en" { tousu_core::workflow::Lang::En } else { tousu_core::workflow::Lang::Zh };
            let mut v = vec![
                ("all".to_string(), t.get("queue.state.all").to_string()),
                ("open".to_string(), t.get("queue.state.open").to_string()),
            ];
            v.extend(
                tousu_core::workflow::State::ALL
                    .iter()
                    .map(|s| (s.code().to_string(), st.engine.workflow.label(*s, wlang).to_string())),
            );
            options(v, if q.state.is_empty() { "all" } else { q.state.as_str() })
        },
        rows: {
            let mut rows: Vec<Row> = page.items.iter().map(|s| row(&t, s, masks(&a))).collect();
            super::assess::fill_grades(&st, &t, &mut rows).await;
            rows
        },
        total: total.map(|n| t.n("queue.count", n)),
        error: errors.join("; "),
        has_cursor: !q.cursor.is_empty(),
        first_url: q.url(None),
        next_url: page.next_cursor.as_deref().map(|c| q.url(Some(c))),
        q,
        ctx,
    })
}

// ---------------------------------------------------------------- case

pub struct PersonField {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub masked: bool,
}

pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub fields: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    ctx: Ctx,
    id: i64,
    /// The complainant's person and risk tags (issue #6).
    person: Option<(i64, u64, Vec<super::profile::TagView>)>,
    complaint_fields: Vec<(&'static str, String)>,
    text_masked: bool,
    demands: Vec<String>,
    demand_total: String,
    person_fields: Vec<PersonField>,
    sections: Vec<Section>,
    history: Vec<tousu_store::ChangeRecord>,
    unmask_log: Vec<tousu_store::UnmaskRecord>,
    can_reassign: bool,
    handlers: Vec<Opt>,
    panels: Vec<(&'static str, &'static str)>,
    state: String,
    state_label: String,
    version: i64,
    flash: String,
    merged_into: Option<i64>,
    clocks: Vec<ClockView>,
    actions: Vec<ActionView>,
    can_record: bool,
    event_kinds: Vec<(&'static str, &'static str)>,
    escalations: Vec<(&'static str, String)>,
    timeline: Vec<TimelineItem>,
    today: String,
    segments: Vec<Segment>,
    analysis: AnalysisView,
    assess: super::assess::AssessView,
}

/// A piece of the complaint text, highlighted when it is evidence for a finding.
pub struct Segment {
    pub text: String,
    /// threat, demand, emotion, marker, vulnerability, category — or empty.
    pub kind: &'static str,
    pub title: String,
}

pub struct FindingView {
    pub label: String,
    pub score: u32,
    pub evidence: String,
    pub critical: bool,
}

#[derive(Default)]
pub struct AnalysisView {
    pub category: Option<FindingView>,
    pub emotions: Vec<FindingView>,
    pub threats: Vec<FindingView>,
    pub demands: Vec<FindingView>,
    pub total: String,
    pub markers: Vec<FindingView>,
    pub vulnerability: Vec<FindingView>,
}

const HIGHLIGHT_ORDER: &[&str] = &["threat", "demand", "emotion", "marker", "vulnerability", "category"];

/// Split `text` into plain and highlighted segments from the analysis' evidence spans (character
/// offsets). Overlaps are resolved by kind (threats first), then by position.
fn segments(text: &str, a: &tousu_core::text::TextAnalysis, t: &super::i18n::T) -> Vec<Segment> {
    let mut spans: Vec<(usize, usize, usize, String)> = Vec::new();
    let mut add = |kind: &str, label: String, ev: &[tousu_core::text::Evidence]| {
        let prio = HIGHLIGHT_ORDER.iter().position(|k| *k == kind).unwrap_or(HIGHLIGHT_ORDER.len());
        for e in ev {
            for sp in &e.spans {
                if sp.end > sp.start {
                    spans.push((sp.start, sp.end, prio, format!("{label} · {}", e.rule)));
                }
            }
        }
    };
    for f in &a.threats {
        add("threat", t.get(&format!("threat.{}", f.value.code())).to_string(), &f.evidence);
    }
    for f in &a.demands {
        add("demand", t.get(&format!("demand.{}", f.value.kind.code())).to_string(), &f.evidence);
    }
    for f in &a.emotions {
        add("emotion", t.get(&format!("emotion.{}", f.value.code())).to_string(), &f.evidence);
    }
    for f in &a.markers {
        add("marker", t.get(&format!("marker.{}", f.value.code())).to_string(), &f.evidence);
    }
    for f in &a.vulnerability {
        add("vulnerability", t.get(&format!("vuln.{}", f.value.code())).to_string(), &f.evidence);
    }
    if let Some(f) = &a.category {
        add("category", t.get(&format!("category.{}", f.value.code())).to_string(), &f.evidence);
    }
    spans.sort_by_key(|s| (s.2, s.0));
    let mut chosen: Vec<(usize, usize, usize, String)> = Vec::new();
    for s in spans {
        if chosen.iter().all(|c| s.1 <= c.0 || s.0 >= c.1) {
            chosen.push(s);
        }
    }
    chosen.sort_by_key(|s| s.0);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut pos = 0;
    for (start, end, prio, title) in chosen {
        let (start, end) = (start.min(chars.len()), end.min(chars.len()));
        if start > pos {
            out.push(Segment { text: chars[pos..start].iter().collect(), kind: "", title: String::new() });
        }
        if end > start {
            out.push(Segment { text: chars[start..end].iter().collect(), kind: HIGHLIGHT_ORDER[prio], title });
        }
        pos = pos.max(end);
    }
    if pos < chars.len() {
        out.push(Segment { text: chars[pos..].iter().collect(), kind: "", title: String::new() });
    }
    out
}

fn analysis_view(text: &str, a: &tousu_core::text::TextAnalysis, t: &super::i18n::T) -> AnalysisView {
    let quote = |ev: &[tousu_core::text::Evidence]| -> String {
        ev.iter()
            .flat_map(|e| e.spans.iter().map(move |s| (e, s)))
            .take(3)
            .map(|(e, s)| format!("「{}」({})", s.slice(text), e.rule))
            .chain(ev.iter().filter(|e| e.spans.is_empty()).take(1).map(|e| e.note.clone()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let view = |label: String, score: f32, ev: &[tousu_core::text::Evidence], critical: bool| FindingView {
        label,
        score: (score.clamp(0.0, 1.0) * 100.0).round() as u32,
        evidence: quote(ev),
        critical,
    };
    AnalysisView {
        category: a
            .category
            .as_ref()
            .map(|f| view(t.get(&format!("category.{}", f.value.code())).to_string(), f.score, &f.evidence, false)),
        emotions: a
            .emotions
            .iter()
            .map(|f| view(t.get(&format!("emotion.{}", f.value.code())).to_string(), f.score, &f.evidence, false))
            .collect(),
        threats: a
            .threats
            .iter()
            .map(|f| {
                let critical = f.value == tousu_core::text::Threat::SelfHarmViolence;
                view(t.get(&format!("threat.{}", f.value.code())).to_string(), f.score, &f.evidence, critical)
            })
            .collect(),
        demands: a
            .demands
            .iter()
            .map(|f| {
                let label = match f.value.amount {
                    Some(m) => format!("{} {}", t.get(&format!("demand.{}", f.value.kind.code())), m.display()),
                    None => t.get(&format!("demand.{}", f.value.kind.code())).to_string(),
                };
                view(label, f.score, &f.evidence, false)
            })
            .collect(),
        total: a.demanded_total.iter().map(|m| m.display()).collect::<Vec<_>>().join(" + "),
        markers: a
            .markers
            .iter()
            .map(|f| view(t.get(&format!("marker.{}", f.value.code())).to_string(), f.score, &f.evidence, false))
            .collect(),
        vulnerability: a
            .vulnerability
            .iter()
            .map(|f| view(t.get(&format!("vuln.{}", f.value.code())).to_string(), f.score, &f.evidence, false))
            .collect(),
    }
}

pub struct ClockView {
    pub id: String,
    pub label: String,
    pub basis: String,
    pub start: String,
    pub due: String,
    pub remaining: String,
    pub paused_days: i64,
    pub extension_days: u32,
    pub state: &'static str,
    pub state_label: &'static str,
    pub problems: Vec<String>,
}

pub struct ActionView {
    pub code: &'static str,
    pub label: String,
    pub to_label: String,
    pub needs_reason: bool,
    pub needs_target: bool,
}

pub struct TimelineItem {
    pub on: String,
    pub kind: String,
    pub label: String,
    pub actor: String,
    pub detail: String,
}

#[derive(Deserialize, Default)]
pub struct CaseQuery {
    #[serde(default)]
    reveal: String,
}

fn money(m: &Option<tousu_core::Money>) -> String {
    m.map(|m| m.display()).unwrap_or_default()
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn yes_no(t: &super::i18n::T, b: Option<bool>) -> String {
    match b {
        Some(true) => t.get("case.yes").into(),
        Some(false) => t.get("case.no").into(),
        None => String::new(),
    }
}

const MASKABLE: &[&str] = &["resident_id", "phone", "third_party_phone", "text"];

pub async fn case(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    Query(cq): Query<CaseQuery>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return error_page(StatusCode::NOT_FOUND, &a.user.lang) };
    render_case(&st, &a, id, &cq.reveal, String::new(), StatusCode::OK).await
}

fn clock_views(
    e: &crate::engine::Engine,
    t: &super::i18n::T,
    clocks: &[tousu_core::deadline::ClockStatus],
) -> Vec<ClockView> {
    use tousu_core::deadline::{ClockState, DayCount};
    clocks
        .iter()
        .map(|c| {
            let rule = e.clocks.regimes().clock(&c.regime, &c.rule);
            let state = match c.state {
                ClockState::Running => "running",
                ClockState::Paused => "paused",
                ClockState::DueSoon => "due_soon",
                ClockState::Overdue => "overdue",
                ClockState::Met => "met",
                ClockState::MetLate => "met_late",
            };
            let unit = match c.remaining_unit {
                DayCount::CalendarDays => t.get("case.days"),
                DayCount::BusinessDays => t.get("case.business_days"),
            };
            ClockView {
                id: format!("{}/{}", c.regime, c.rule),
                label: rule
                    .map(|r| if t.lang == "en" { r.en.clone() } else { r.zh.clone() })
                    .unwrap_or_else(|| c.rule.clone()),
                basis: rule.map(|r| r.basis.clone()).unwrap_or_default(),
                start: c.start.to_string(),
                due: c.due.to_string(),
                remaining: format!("{} {unit}", c.remaining),
                paused_days: c.paused_days,
                extension_days: c.extension_days,
                state,
                state_label: t.get(&format!("clockstate.{state}")),
                problems: c.problems.clone(),
            }
        })
        .collect()
}

pub(super) async fn render_case(
    st: &AppState,
    a: &Auth,
    id: i64,
    reveal: &str,
    flash: String,
    status: StatusCode,
) -> Response {
    let lang = a.user.lang.clone();
    let today = crate::engine::today();
    let data = st
        .with_engine(move |e, db| -> tousu_store::Result<_> {
            let Some(s) = db.get(ComplaintId(id))? else { return Ok(None) };
            let history = db.changes(ComplaintId(id))?;
            let log = db.unmask_log(ComplaintId(id))?;
            let users = db.users()?;
            let events = db.events(ComplaintId(id))?;
            let clocks = e.clocks_of(&s, &events, today);
            // The complainant's profile, built now (its tags' reasons are not stored).
            let person = match db.as_persons().person_of(ComplaintId(id))? {
                Some(l) => e.profile(db, l.person_id).ok().flatten(),
                None => None,
            };
            Ok(Some((s, history, log, users, events, (clocks, person))))
        })
        .await;
    let (s, history, unmask_log, users, events, (clock_status, person_row)) = match data {
        Ok(Some(d)) => d,
        Ok(None) => return error_page(StatusCode::NOT_FOUND, &lang),
        Err(e) => return internal(&lang, e),
    };
    if !can_view(a, &s) {
        return error_page(StatusCode::FORBIDDEN, &lang);
    }
    let ctx = Ctx::new(Some(a), "queue");
    let t = ctx.t;
    let c = &s.complaint;
    // A handler sees identifiers masked unless they revealed this one, with a reason, in the
    // last 15 minutes.
    let masking = masks(a);
    let recent = (chrono::Utc::now() - chrono::Duration::minutes(15)).format("%Y-%m-%dT%H:%M:%S").to_string();
    let revealed = |field: &str| {
        reveal == field
            && unmask_log.iter().any(|u| u.username == a.user.username && u.field == field && u.at >= recent)
    };
    let masked_value = |key: &'static str, v: &Option<String>| -> (String, bool) {
        let Some(v) = v.as_deref().filter(|v| !v.is_empty()) else { return (String::new(), false) };
        if masking && MASKABLE.contains(&key) && !revealed(key) {
            let m = if key == "resident_id" {
                tousu_core::ident::mask_resident_id(v)
            } else {
                tousu_core::ident::mask_phone(v)
            };
            (m, true)
        } else {
            (v.to_string(), false)
        }
    };
    let cp = &c.complainant;
    let mut person_fields = Vec::new();
    for (key, label, value) in [
        ("name", "case.name", cp.name.clone()),
        ("resident_id", "case.resident_id", cp.resident_id.clone()),
        ("phone", "case.phone", cp.phone.clone()),
        ("email", "case.email", cp.email.clone()),
        ("address", "case.address", cp.address.clone()),
        ("birth_date", "case.birth_date", cp.birth_date.map(|d| d.to_string())),
        ("gender", "case.gender", cp.gender.map(|g| t.get(&format!("gender.{}", g.code())).to_string())),
    ] {
        let (value, masked) = masked_value(key, &value);
        person_fields.push(PersonField { key, label: t.get(label), value, masked });
    }
    let mut sections = Vec::new();
    let tp = c.third_party.clone().unwrap_or_default();
    let (tp_phone, tp_masked) = masked_value("third_party_phone", &tp.phone);
    if tp_masked {
        person_fields.push(PersonField {
            key: "third_party_phone",
            label: t.get("case.third_party"),
            value: tp_phone.clone(),
            masked: true,
        });
    }
    sections.push(Section {
        id: "third-party",
        title: t.get("case.third_party"),
        fields: vec![
            (t.get("case.name").into(), opt(&tp.name)),
            (t.get("case.phone").into(), tp_phone),
            (t.get("case.relationship").into(), opt(&tp.relationship)),
            (t.get("case.power_of_attorney").into(), yes_no(&t, tp.power_of_attorney)),
        ],
    });
    let p = c.policy.clone().unwrap_or_default();
    sections.push(Section {
        id: "policy",
        title: t.get("case.policy"),
        fields: vec![
            (t.get("case.policy_number").into(), opt(&p.number)),
            (t.get("case.start_date").into(), p.start_date.map(|d| d.to_string()).unwrap_or_default()),
            (t.get("case.premiums_paid").into(), money(&p.premiums_paid)),
            (t.get("case.cash_value").into(), money(&p.cash_value)),
            (t.get("case.sum_insured").into(), money(&p.sum_insured)),
            (t.get("case.sales_channel").into(), opt(&p.sales_channel)),
            (t.get("case.agent").into(), opt(&p.agent)),
            (t.get("case.agent_departed").into(), yes_no(&t, p.agent_departed)),
        ],
    });
    let cl = c.claim.clone().unwrap_or_default();
    sections.push(Section {
        id: "claim",
        title: t.get("case.claim"),
        fields: vec![
            (t.get("case.amount_claimed").into(), money(&cl.amount_claimed)),
            (
                t.get("case.decision").into(),
                cl.decision.map(|d| t.get(&format!("decision.{}", d.code())).to_string()).unwrap_or_default(),
            ),
            (t.get("case.refusal_ground").into(), opt(&cl.refusal_ground)),
            (t.get("case.decision_date").into(), cl.decision_date.map(|d| d.to_string()).unwrap_or_default()),
        ],
    });
    if !c.extra.is_empty() {
        let fields = c.extra.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        sections.push(Section { id: "extra", title: t.get("case.extra"), fields });
    }
    let complaint_fields = vec![
        (t.get("case.source"), c.source.clone()),
        (t.get("case.external_ref"), c.external_ref.clone()),
        (t.get("case.received"), c.received_at.format("%Y-%m-%d %H:%M:%S").to_string()),
        (t.get("case.channel"), t.get(&format!("channel.{}", c.channel.code())).to_string()),
        (t.get("case.institution"), opt(&c.institution)),
        (t.get("case.branch"), opt(&c.branch)),
        (t.get("case.region"), opt(&c.region)),
        (t.get("case.product_line"), opt(&c.product_line)),
        (t.get("case.product"), opt(&c.product)),
        (t.get("case.category"), opt(&c.category)),
        (t.get("case.subcategory"), opt(&c.subcategory)),
        (t.get("case.group_size"), c.group_size.map(|g| g.to_string()).unwrap_or_default()),
        (t.get("case.tags"), c.tags.join("；")),
        (t.get("case.assignee"), opt(&s.assignee)),
        (t.get("case.team"), opt(&s.team)),
        (t.get("case.version"), s.version.to_string()),
    ];
    let demands = c
        .demands
        .iter()
        .map(|d| {
            let k = t.get(&format!("demand.{}", d.kind.code()));
            match d.amount {
                Some(m) => format!("{k}: {}", m.display()),
                None => k.to_string(),
            }
        })
        .collect();
    let demand_total = c.demanded_total().iter().map(|m| m.display()).collect::<Vec<_>>().join(" + ");
    let can_reassign = a.is(&[Role::Supervisor, Role::Admin]);
    let text_masked = masking && !revealed("text") && tousu_core::ident::mask_identifiers_in_text(&c.text) != c.text;
    let handlers = users
        .iter()
        .filter(|u| u.role == Role::Handler && !u.disabled)
        .map(|u| Opt {
            value: u.username.clone(),
            label: format!("{} ({})", u.display_name, u.username),
            selected: s.assignee.as_deref() == Some(u.username.as_str()),
        })
        .collect();
    let engine = st.engine.clone();
    let wf = &engine.workflow;
    let wlang = if t.lang == "en" { tousu_core::workflow::Lang::En } else { tousu_core::workflow::Lang::Zh };
    let state = engine.state_of(&s);
    let actions = wf
        .allowed(state, a.user.role)
        .into_iter()
        .map(|(act, to)| {
            let tr = wf.transition(state, act);
            let needs = |r: tousu_core::workflow::Requirement| tr.is_some_and(|t| t.requires.contains(&r));
            ActionView {
                code: act.code(),
                label: wf.label(act, wlang).to_string(),
                to_label: wf.label(to, wlang).to_string(),
                needs_reason: needs(tousu_core::workflow::Requirement::Reason),
                needs_target: needs(tousu_core::workflow::Requirement::Target),
            }
        })
        .collect();
    let escalations = wf
        .escalations_allowed(state, a.user.role)
        .into_iter()
        .map(|k| (k.code(), wf.label(k, wlang).to_string()))
        .collect::<Vec<_>>();
    let open = wf.is_open(state);
    let can_record = a.user.role != Role::Analyst && (open || !escalations.is_empty());
    let event_kinds = crate::engine::EVENT_KINDS
        .iter()
        .filter(|k| open || **k == "escalation")
        .map(|k| (*k, t.get(&format!("event.{k}"))))
        .collect();
    let timeline = events
        .iter()
        .map(|e| {
            let (label, detail) = if e.kind == "transition" {
                let to = e.data.get("to").and_then(|v| v.as_str()).and_then(tousu_core::workflow::State::from_code);
                let act =
                    e.data.get("action").and_then(|v| v.as_str()).and_then(tousu_core::workflow::Action::from_code);
                (
                    format!(
                        "{} → {}",
                        act.map(|x| wf.label(x, wlang).to_string()).unwrap_or_default(),
                        to.map(|x| wf.label(x, wlang).to_string()).unwrap_or_default()
                    ),
                    e.reason.clone().unwrap_or_default(),
                )
            } else if e.kind == "escalation" {
                let k = e
                    .data
                    .get("kind")
                    .and_then(|v| v.as_str())
                    .and_then(tousu_core::workflow::EscalationKind::from_code);
                (
                    format!(
                        "{}: {}",
                        t.get("event.escalation"),
                        k.map(|x| wf.label(x, wlang).to_string()).unwrap_or_default()
                    ),
                    e.reason.clone().unwrap_or_default(),
                )
            } else {
                let mut d = Vec::new();
                if let Some(n) = e.data.get("days").and_then(|v| v.as_u64()) {
                    d.push(format!("+{n}"));
                }
                if let Some(x) = e.data.get("decision").and_then(|v| v.as_str()) {
                    d.push(t.get(&format!("decision.{x}")).to_string());
                }
                if let Some(r) = &e.reason {
                    d.push(r.clone());
                }
                (t.get(&format!("event.{}", e.kind)).to_string(), d.join(" · "))
            };
            TimelineItem { on: e.on_date.clone(), kind: e.kind.clone(), label, actor: e.actor.clone(), detail }
        })
        .collect();
    let clocks = clock_views(&engine, &t, &clock_status);
    // The analysis runs on the stored text; evidence is shown on the text as displayed (masked
    // identifiers keep their length, so the offsets agree).
    let text_analysis = engine.analyzer.analyze(&c.text);
    let shown_text = if text_masked { tousu_core::ident::mask_identifiers_in_text(&c.text) } else { c.text.clone() };
    let segs = segments(&shown_text, &text_analysis, &t);
    let analysis = analysis_view(&shown_text, &text_analysis, &t);
    // The profile has its own panel (`person`); rings and linked complaints come later.
    let panels = vec![("links", t.get("case.panel.links"))];
    let assess = super::assess::case_view(st, a, &s, &events, &shown_text, &t).await;
    let page = CasePage {
        person: person_row.map(|v| {
            (
                v.profile.person_id.parse().unwrap_or_default(),
                v.sources.len() as u64,
                super::profile::tag_views(&t, &v.profile.tags),
            )
        }),
        assess,
        state: s.state.clone(),
        state_label: wf.label(state, wlang).to_string(),
        version: s.version,
        flash,
        merged_into: s.merged_into.map(|m| m.0),
        clocks,
        actions,
        can_record,
        event_kinds,
        escalations,
        timeline,
        today: today.to_string(),
        segments: segs,
        analysis,
        id: s.id.0,
        complaint_fields,
        text_masked,
        demands,
        demand_total,
        person_fields,
        sections,
        history,
        unmask_log,
        can_reassign,
        handlers,
        panels,
        ctx,
    };
    (status, render(&page)).into_response()
}

#[derive(Deserialize)]
pub struct TransitionForm {
    action: String,
    version: i64,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    target: String,
}

fn engine_error(e: &crate::engine::EngineError, t: &super::i18n::T) -> (StatusCode, String) {
    use crate::engine::EngineError as E;
    match e {
        E::Conflict(_) => (StatusCode::CONFLICT, t.get("case.conflict").to_string()),
        E::Refused(m) => (StatusCode::UNPROCESSABLE_ENTITY, format!("{}: {m}", t.get("case.refused"))),
        E::NotFound => (StatusCode::NOT_FOUND, String::new()),
        E::Store(err) => {
            tracing::error!(error = %err, "engine store error");
            (StatusCode::INTERNAL_SERVER_ERROR, String::new())
        }
    }
}

async fn after_change(st: &AppState, a: &Auth, id: i64, r: Result<i64, crate::engine::EngineError>) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/cases/{id}#workflow")).into_response(),
        Err(e) => {
            let t = super::i18n::T::new(&a.user.lang);
            let (status, msg) = engine_error(&e, &t);
            if msg.is_empty() {
                return error_page(status, &a.user.lang);
            }
            render_case(st, a, id, "", msg, status).await
        }
    }
}

/// The complaint if this user may see it; otherwise it does not exist for them.
fn visible_to(
    store: &dyn tousu_store::Store,
    a: &Auth,
    id: i64,
) -> Result<StoredComplaint, crate::engine::EngineError> {
    match store.get(ComplaintId(id))? {
        Some(s) if can_view(a, &s) => Ok(s),
        _ => Err(crate::engine::EngineError::NotFound),
    }
}

pub async fn transition_form(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    Form(f): Form<TransitionForm>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return error_page(StatusCode::NOT_FOUND, &a.user.lang) };
    let a2 = a.clone();
    let r = st
        .with_engine(move |e, db| {
            visible_to(db.as_store(), &a2, id)?;
            let target =
                match f.target.trim() {
                    "" => None,
                    t => Some(ComplaintId(t.trim_start_matches('#').parse().map_err(|_| {
                        crate::engine::EngineError::Refused(format!("{t:?} is not a complaint number"))
                    })?)),
                };
            let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
            e.transition(
                db.as_store(),
                ComplaintId(id),
                f.version,
                &f.action,
                a2.user.role,
                reason,
                target,
                &a2.user.username,
            )
        })
        .await;
    after_change(&st, &a, id, r).await
}

#[derive(Deserialize)]
pub struct EventForm {
    kind: String,
    version: i64,
    #[serde(default)]
    on_date: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    escalation: String,
    #[serde(default)]
    decision: String,
}

pub async fn event_form(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    Form(f): Form<EventForm>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return error_page(StatusCode::NOT_FOUND, &a.user.lang) };
    let a2 = a.clone();
    let r = st
        .with_engine(move |e, db| {
            visible_to(db.as_store(), &a2, id)?;
            let on = if f.on_date.trim().is_empty() {
                crate::engine::today()
            } else {
                NaiveDate::parse_from_str(f.on_date.trim(), "%Y-%m-%d")
                    .map_err(|_| crate::engine::EngineError::Refused(format!("{:?} is not a date", f.on_date)))?
            };
            let data = match f.kind.as_str() {
                "extend" => {
                    let days: u32 = f.days.trim().parse().map_err(|_| {
                        crate::engine::EngineError::Refused("an extension needs a number of days".into())
                    })?;
                    serde_json::json!({"days": days, "notice_recorded": f.notice == "1"})
                }
                "escalation" => serde_json::json!({"kind": f.escalation}),
                "claim_decision" => {
                    serde_json::json!({"decision": if f.decision.is_empty() { "refused" } else { f.decision.as_str() }})
                }
                _ => serde_json::json!({}),
            };
            let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
            e.record_event(
                db.as_store(),
                ComplaintId(id),
                f.version,
                &f.kind,
                on,
                reason,
                data,
                a2.user.role,
                &a2.user.username,
            )
        })
        .await;
    after_change(&st, &a, id, r).await
}

#[derive(Deserialize)]
pub struct UnmaskForm {
    field: String,
    reason: String,
}

pub async fn unmask(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    Form(f): Form<UnmaskForm>,
) -> Response {
    let lang = a.user.lang.clone();
    let Ok(id) = id.parse::<i64>() else { return error_page(StatusCode::NOT_FOUND, &lang) };
    let field = f.field.trim().to_string();
    let reason = f.reason.trim().to_string();
    if !MASKABLE.contains(&field.as_str()) || reason.is_empty() {
        return error_page(StatusCode::BAD_REQUEST, &lang);
    }
    let uid = a.user.id;
    let (fld, rsn) = (field.clone(), reason.clone());
    let a2 = a.clone();
    let r = st
        .blocking(move |db| -> tousu_store::Result<bool> {
            let Some(s) = db.get(ComplaintId(id))? else { return Ok(false) };
            if !can_view(&a2, &s) {
                return Ok(false);
            }
            db.log_unmask(uid, ComplaintId(id), &fld, &rsn)?;
            Ok(true)
        })
        .await;
    match r {
        Ok(true) => {
            tracing::info!(user = %a.user.username, complaint = id, field = %field, "identifier unmasked");
            Redirect::to(&format!("/cases/{id}?reveal={field}#complainant")).into_response()
        }
        Ok(false) => error_page(StatusCode::NOT_FOUND, &lang),
        Err(e) => internal(&lang, e),
    }
}

#[derive(Deserialize)]
pub struct AssignForm {
    assignee: String,
}

pub async fn assign(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
    Form(f): Form<AssignForm>,
) -> Response {
    let lang = a.user.lang.clone();
    if !a.is(&[Role::Supervisor, Role::Admin]) {
        return error_page(StatusCode::FORBIDDEN, &lang);
    }
    let Ok(id) = id.parse::<i64>() else { return error_page(StatusCode::NOT_FOUND, &lang) };
    let a2 = a.clone();
    let r = st
        .blocking(move |db| -> tousu_store::Result<bool> {
            let Some(s) = db.get(ComplaintId(id))? else { return Ok(false) };
            if !can_view(&a2, &s) {
                return Ok(false);
            }
            let assignee = f.assignee.trim();
            let (who, team) = if assignee.is_empty() {
                (None, s.team.clone())
            } else {
                match db.user_by_name(assignee)? {
                    Some(u) if u.role == Role::Handler => (Some(u.username), u.team.or(s.team.clone())),
                    _ => return Ok(false),
                }
            };
            db.assign(ComplaintId(id), who.as_deref(), team.as_deref(), &a2.user.username)?;
            Ok(true)
        })
        .await;
    match r {
        Ok(true) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Ok(false) => error_page(StatusCode::NOT_FOUND, &lang),
        Err(e) => internal(&lang, e),
    }
}

// ---------------------------------------------------------------- users

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ctx: Ctx,
    message: String,
    users: Vec<(String, String, String, String)>,
    roles: Vec<(&'static str, &'static str)>,
}

async fn users_page(st: &AppState, a: &Auth, message: String) -> Response {
    let ctx = Ctx::new(Some(a), "users");
    let t = ctx.t;
    let users = match st.blocking(|db| db.users()).await {
        Ok(u) => u,
        Err(e) => return internal(t.lang, e),
    };
    render(&UsersPage {
        message,
        users: users
            .into_iter()
            .map(|u| {
                (
                    u.username,
                    u.display_name,
                    t.get(&format!("role.{}", u.role.code())).to_string(),
                    u.team.unwrap_or_default(),
                )
            })
            .collect(),
        roles: Role::ALL.iter().map(|r| (r.code(), t.get(&format!("role.{}", r.code())))).collect(),
        ctx,
    })
}

pub async fn users(State(st): State<AppState>, Extension(a): Extension<Auth>) -> Response {
    if !a.is(&[Role::Admin]) {
        return error_page(StatusCode::FORBIDDEN, &a.user.lang);
    }
    users_page(&st, &a, String::new()).await
}

#[derive(Deserialize)]
pub struct UserForm {
    username: String,
    #[serde(default)]
    display_name: String,
    role: String,
    #[serde(default)]
    team: String,
    password: String,
}

pub async fn add_user(State(st): State<AppState>, Extension(a): Extension<Auth>, Form(f): Form<UserForm>) -> Response {
    if !a.is(&[Role::Admin]) {
        return error_page(StatusCode::FORBIDDEN, &a.user.lang);
    }
    let Some(role) = Role::parse(&f.role) else { return error_page(StatusCode::BAD_REQUEST, &a.user.lang) };
    let display = if f.display_name.trim().is_empty() {
        f.username.trim().to_string()
    } else {
        f.display_name.trim().to_string()
    };
    let team = Some(f.team.trim().to_string()).filter(|s| !s.is_empty());
    let username = f.username.trim().to_string();
    let r = st
        .blocking(move |db| auth::create_user(db, &username, &display, role, team.as_deref(), &f.password).map(|_| ()))
        .await;
    let t = super::i18n::T::new(&a.user.lang);
    let message = match r {
        Ok(()) => t.get("users.created").to_string(),
        Err(e) => e.to_string(),
    };
    users_page(&st, &a, message).await
}

// ---------------------------------------------------------------- configuration (read-only)

type Row5 = (String, String, String, String, String);

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    ctx: Ctx,
    clocks: Vec<Row5>,
    calendars: Vec<(String, String, String)>,
    transitions: Vec<Row5>,
}

pub async fn settings(State(st): State<AppState>, Extension(a): Extension<Auth>) -> Response {
    if !a.is(&[Role::Admin]) {
        return error_page(StatusCode::FORBIDDEN, &a.user.lang);
    }
    let ctx = Ctx::new(Some(&a), "settings");
    let t = ctx.t;
    let en = t.lang == "en";
    let e = &st.engine;
    let mut clocks = Vec::new();
    for r in e.clocks.regimes().regimes() {
        for c in &r.clocks {
            let unit = serde_json::to_value(c.unit).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            clocks.push((
                format!("{} ({})", if en { &r.en } else { &r.zh }, r.id),
                if en { c.en.clone() } else { c.zh.clone() },
                format!("{} {unit}", c.amount),
                c.calendar.clone(),
                c.basis.clone(),
            ));
        }
    }
    let calendars = tousu_core::calendar::Calendar::builtin_ids()
        .filter_map(tousu_core::calendar::Calendar::builtin)
        .map(|c| {
            let years = c.years().iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", ");
            (c.id().to_string(), years, c.sources().join("; "))
        })
        .collect();
    let wlang = if en { tousu_core::workflow::Lang::En } else { tousu_core::workflow::Lang::Zh };
    let wf = &e.workflow;
    let transitions = wf
        .transitions()
        .map(|tr| {
            (
                wf.label(tr.from, wlang).to_string(),
                wf.label(tr.action, wlang).to_string(),
                wf.label(tr.to, wlang).to_string(),
                tr.roles.iter().map(|r| t.get(&format!("role.{}", r.code()))).collect::<Vec<_>>().join(", "),
                tr.requires.iter().map(|q| format!("{q:?}").to_lowercase()).collect::<Vec<_>>().join(", "),
            )
        })
        .collect();
    render(&SettingsPage { ctx, clocks, calendars, transitions })
}
