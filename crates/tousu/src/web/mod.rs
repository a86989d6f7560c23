//! The web UI: server-rendered HTML (askama templates, escaped by default), a little of our
//! own JavaScript for progressive enhancement, all assets embedded in the binary.

pub mod assess;
pub mod charts;
pub mod i18n;
pub mod import;
pub mod pages;
pub mod profile;

use crate::server::AppState;
use crate::server::auth::Auth;
use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use i18n::T;
use tousu_core::Role;

/// What every page's frame needs.
pub struct Ctx {
    pub t: T,
    pub user: Option<tousu_store::User>,
    pub csrf: String,
    pub nav: &'static str,
    pub role_label: &'static str,
    pub can_import: bool,
    pub is_admin: bool,
}

impl Ctx {
    pub fn new(auth: Option<&Auth>, nav: &'static str) -> Ctx {
        let t = T::new(auth.map(|a| a.user.lang.as_str()).unwrap_or("zh-CN"));
        Ctx {
            t,
            user: auth.map(|a| a.user.clone()),
            csrf: auth.map(|a| a.csrf.clone()).unwrap_or_default(),
            nav,
            role_label: auth.map(|a| t.get(&format!("role.{}", a.user.role.code()))).unwrap_or(""),
            can_import: auth.is_some_and(|a| a.is(&[Role::Admin, Role::Supervisor])),
            is_admin: auth.is_some_and(|a| a.is(&[Role::Admin])),
        }
    }
    pub fn anonymous(lang: &str) -> Ctx {
        let mut c = Ctx::new(None, "");
        c.t = T::new(lang);
        c
    }
}

pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/settings/lang", post(pages::set_lang))
        .route("/queue", get(pages::queue))
        .route("/cases/{id}", get(pages::case))
        .route("/cases/{id}/unmask", post(pages::unmask))
        .route("/cases/{id}/assign", post(pages::assign))
        .route("/cases/{id}/transition", post(pages::transition_form))
        .route("/cases/{id}/event", post(pages::event_form))
        .route("/users", get(pages::users).post(pages::add_user))
        .merge(assess::routes())
        .route("/persons/{id}", get(profile::profile_page))
        .route("/persons/{id}/print", get(profile::profile_print))
        .route("/persons/{id}/worksheet.xlsx", get(profile::profile_xlsx))
        .route("/persons/{id}/decide", post(profile::decide))
        .route("/analytics/profiles", get(profile::population_page))
        .route("/analytics/{file}", get(profile::population_export))
        .route("/settings", get(pages::settings))
        .route(
            "/import",
            get(import::form).post(import::upload).layer(axum::extract::DefaultBodyLimit::max(max_upload)),
        )
        .route("/import/template.xlsx", get(import::template))
        .route("/import/jobs/{id}", get(import::job_page))
        .route("/import/jobs/{id}/status", get(import::job_status))
        .route("/import/runs/{id}/errors.csv", get(import::error_report))
        .route(
            "/static/app.css",
            get(|| async { asset("text/css; charset=utf-8", include_str!("../../static/app.css")) }),
        )
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", include_str!("../../static/app.js")) }),
        )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// Render a template, or a plain 500 if rendering itself fails.
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: Ctx,
    code: u16,
    heading: &'static str,
    text: &'static str,
}

/// A friendly error page that leaks nothing.
pub fn error_page(status: StatusCode, lang: &str) -> Response {
    let ctx = Ctx::anonymous(lang);
    let (h, t) = match status.as_u16() {
        403 => ("error.403", "error.403.text"),
        404 => ("error.404", "error.404.text"),
        400 | 413 | 422 => ("error.400", "error.500.text"),
        _ => ("error.500", "error.500.text"),
    };
    let page = ErrorPage { code: status.as_u16(), heading: ctx.t.get(h), text: ctx.t.get(t), ctx };
    (status, render(&page)).into_response()
}

pub async fn not_found(req: axum::extract::Request) -> Response {
    let lang = req.extensions().get::<Auth>().map(|a| a.user.lang.clone()).unwrap_or_default();
    if req.uri().path().starts_with("/api/") {
        return crate::server::api::ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route").into_response();
    }
    error_page(StatusCode::NOT_FOUND, &lang)
}

pub fn panic_response(_err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    error_page(StatusCode::INTERNAL_SERVER_ERROR, "zh-CN")
}

/// Percent-encode for a query-string value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
