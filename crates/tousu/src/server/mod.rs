//! The HTTP server: JSON API under /api, web UI elsewhere. The engine (core, store, intake)
//! knows nothing of HTTP; this module only translates.

pub mod api;

use crate::cli::ServeArgs;
use anyhow::{Context as _, Result};
use axum::Router;
use std::sync::Arc;
use tousu_store::Store;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub max_body: usize,
}

impl AppState {
    /// Run a store call off the async executor.
    pub async fn blocking<T: Send + 'static>(&self, f: impl FnOnce(&dyn Store) -> T + Send + 'static) -> T {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || f(&*store)).await {
            Ok(v) => v,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
}

pub fn router(state: AppState) -> Router {
    let max_body = state.max_body;
    Router::new()
        .merge(api::routes())
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// Prepare a fresh demo store (users and settings added by later work).
pub fn demo_setup(_store: &dyn Store) -> Result<()> {
    Ok(())
}

pub fn serve_blocking(store: Arc<dyn Store>, args: ServeArgs) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(&args.addr).await.with_context(|| format!("binding {}", args.addr))?;
        let addr = listener.local_addr()?;
        println!("tousu listening on http://{addr}/");
        let app = router(AppState { store, max_body: args.max_body });
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}
