//! The HTTP server: JSON API under /api, web UI elsewhere. The engine (core, store, intake)
//! knows nothing of HTTP; this module only translates.

pub mod api;
pub mod assess_api;
pub mod auth;

use crate::cli::ServeArgs;
use anyhow::{Context as _, Result};
use axum::Router;
use axum::http::{HeaderValue, header};
use std::sync::Arc;
use tousu_store::Backend;

#[derive(Clone)]
pub struct AppState {
    pub db: Arc<dyn Backend>,
    pub engine: Arc<crate::engine::Engine>,
    pub max_body: usize,
    pub max_upload: usize,
    pub jobs: crate::web::import::Jobs,
    /// Set the Secure flag on cookies.
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(db: Arc<dyn Backend>, engine: Arc<crate::engine::Engine>, max_body: usize) -> Self {
        AppState { db, engine, max_body, max_upload: 512 * 1024 * 1024, jobs: Default::default(), secure_cookies: true }
    }

    /// Run an engine call off the async executor.
    pub async fn with_engine<T: Send + 'static>(
        &self,
        f: impl FnOnce(&crate::engine::Engine, &dyn Backend) -> T + Send + 'static,
    ) -> T {
        let db = self.db.clone();
        let engine = self.engine.clone();
        match tokio::task::spawn_blocking(move || f(&engine, &*db)).await {
            Ok(v) => v,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }

    /// Run a store call off the async executor.
    pub async fn blocking<T: Send + 'static>(&self, f: impl FnOnce(&dyn Backend) -> T + Send + 'static) -> T {
        let db = self.db.clone();
        match tokio::task::spawn_blocking(move || f(&*db)).await {
            Ok(v) => v,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
}

pub fn router(state: AppState) -> Router {
    use tower_http::set_header::SetResponseHeaderLayer;
    let max_body = state.max_body;
    let api = api::routes().layer(axum::extract::DefaultBodyLimit::max(max_body));
    let assess_api = assess_api::routes().layer(axum::extract::DefaultBodyLimit::max(max_body));
    Router::new()
        .merge(api)
        .merge(assess_api)
        .merge(crate::web::routes(state.max_upload))
        .fallback(crate::web::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::require_auth))
        .with_state(state)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(crate::web::panic_response))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                // Method and path only: queries can hold search text and tokens.
                .make_span_with(|req: &axum::http::Request<_>| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
}

/// Prepare a fresh demo store: one user per role (printed with their passwords), and the
/// complaints spread over two teams with some assigned to the demo handler.
pub fn demo_setup(db: &dyn Backend) -> Result<Vec<(String, String, String)>> {
    use tousu_core::Role;
    let mut creds = Vec::new();
    for (name, role, team) in [
        ("handler", Role::Handler, Some("A")),
        ("supervisor", Role::Supervisor, Some("A")),
        ("analyst", Role::Analyst, None),
        ("admin", Role::Admin, None),
    ] {
        let password = auth::random_password();
        auth::create_user(db, name, name, role, team, &password)?;
        creds.push((name.to_string(), role.code().to_string(), password));
    }
    spread_assignments(db.as_store(), "handler")?;
    close_history(db.as_store(), 45)?;
    Ok(creds)
}

/// Demo realism: complaints received more than `days` ago are recorded as closed (historical
/// data), so that the open queue and the deadline counts look like an institution's.
pub fn close_history(store: &dyn tousu_store::Store, days: i64) -> Result<u64> {
    let before = crate::engine::today() - chrono::Duration::days(days);
    let filter = tousu_store::ComplaintFilter { received_to: Some(before), oldest_first: true, ..Default::default() };
    let close = tousu_store::StateChange {
        action: "close".into(),
        to: "closed".into(),
        reason: Some("历史数据（演示）".into()),
        merged_into: None,
    };
    let mut cursor: Option<String> = None;
    let mut n = 0u64;
    loop {
        let page = store.list(&filter, cursor.as_deref(), 1000)?;
        for c in &page.items {
            store.transition(c.id, c.version, &close, "demo")?;
            n += 1;
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    Ok(n)
}

/// Spread all complaints over teams A and B, every fourth one assigned to `handler` (team A).
pub fn spread_assignments(store: &dyn tousu_store::Store, handler: &str) -> Result<()> {
    use tousu_store::ComplaintId;
    let filter = tousu_store::ComplaintFilter { oldest_first: true, ..Default::default() };
    let mut cursor: Option<String> = None;
    let mut i = 0u64;
    loop {
        let page = store.list(&filter, cursor.as_deref(), 1000)?;
        let (mut mine, mut team_a, mut team_b): (Vec<ComplaintId>, Vec<ComplaintId>, Vec<ComplaintId>) =
            Default::default();
        for c in &page.items {
            if i.is_multiple_of(4) {
                mine.push(c.id);
            } else if i.is_multiple_of(2) {
                team_a.push(c.id);
            } else {
                team_b.push(c.id);
            }
            i += 1;
        }
        store.assign_many(&mine, Some(handler), Some("A"), "demo")?;
        store.assign_many(&team_a, None, Some("A"), "demo")?;
        store.assign_many(&team_b, None, Some("B"), "demo")?;
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    Ok(())
}

pub fn serve_blocking(db: Arc<dyn Backend>, engine: Arc<crate::engine::Engine>, args: ServeArgs) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(&args.addr).await.with_context(|| format!("binding {}", args.addr))?;
        let addr = listener.local_addr()?;
        println!("tousu listening on http://{addr}/");
        let mut state = AppState::new(db, engine, args.max_body);
        state.secure_cookies = !args.insecure_cookies;
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}
