//! The import page: upload a CSV/XLSX (the same importer as the CLI), watch its progress, read
//! the summary and download the row-error report.

use super::{Ctx, error_page, render};
use crate::server::AppState;
use crate::server::auth::Auth;
use askama::Template;
use axum::extract::{Extension, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tousu_core::Role;
use tousu_intake::import::{ImportOptions, import_file};
use tousu_store::ImportCounts;

#[derive(Clone, Debug, serde::Serialize)]
pub struct JobState {
    pub file: String,
    /// running, done or failed.
    pub state: &'static str,
    pub position: u64,
    pub total: u64,
    pub counts: ImportCounts,
    pub run_id: Option<i64>,
    pub message: String,
    pub owner: i64,
}

/// Import jobs of this process, by id.
#[derive(Clone, Default)]
pub struct Jobs(Arc<Mutex<HashMap<String, JobState>>>);

impl Jobs {
    fn update(&self, id: &str, f: impl FnOnce(&mut JobState)) {
        if let Ok(mut m) = self.0.lock()
            && let Some(j) = m.get_mut(id)
        {
            f(j);
        }
    }
    fn get(&self, id: &str) -> Option<JobState> {
        self.0.lock().ok().and_then(|m| m.get(id).cloned())
    }
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    ctx: Ctx,
    error: String,
}

fn may_import(a: &Auth) -> bool {
    a.is(&[Role::Admin, Role::Supervisor])
}

pub async fn form(Extension(a): Extension<Auth>) -> Response {
    if !may_import(&a) {
        return error_page(StatusCode::FORBIDDEN, &a.user.lang);
    }
    render(&ImportPage { ctx: Ctx::new(Some(&a), "import"), error: String::new() })
}

fn form_error(a: &Auth, key: &str) -> Response {
    let ctx = Ctx::new(Some(a), "import");
    let error = ctx.t.get(key).to_string();
    (StatusCode::BAD_REQUEST, render(&ImportPage { ctx, error })).into_response()
}

pub async fn upload(State(st): State<AppState>, Extension(a): Extension<Auth>, mut mp: Multipart) -> Response {
    if !may_import(&a) {
        return error_page(StatusCode::FORBIDDEN, &a.user.lang);
    }
    let dir = std::env::temp_dir().join("tousu-uploads");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        tracing::error!(error = %e, "upload directory");
        return error_page(StatusCode::INTERNAL_SERVER_ERROR, &a.user.lang);
    }
    let job_id = crate::server::auth::random_hex(8);
    let mut opts = ImportOptions::default();
    let mut saved: Option<(std::path::PathBuf, String)> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(error = %e, "bad upload");
                return form_error(&a, "import.failed");
            }
        };
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "file" => {
                let original = field.file_name().unwrap_or("upload.csv").to_string();
                // Keep only the extension from the client's name; the stored name is ours.
                let ext = std::path::Path::new(&original)
                    .extension()
                    .and_then(|e| e.to_str())
                    .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric()) && e.len() <= 5)
                    .unwrap_or("csv")
                    .to_ascii_lowercase();
                let path = dir.join(format!("{job_id}.{ext}"));
                let mut field = field;
                let mut file = match std::fs::File::create(&path) {
                    Ok(f) => f,
                    Err(e) => {
                        tracing::error!(error = %e, "saving upload");
                        return error_page(StatusCode::INTERNAL_SERVER_ERROR, &a.user.lang);
                    }
                };
                let mut size = 0usize;
                loop {
                    match field.chunk().await {
                        Ok(Some(bytes)) => {
                            size += bytes.len();
                            if file.write_all(&bytes).is_err() {
                                return error_page(StatusCode::INTERNAL_SERVER_ERROR, &a.user.lang);
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "upload interrupted");
                            let _ = std::fs::remove_file(&path);
                            return form_error(&a, "import.failed");
                        }
                    }
                }
                if size == 0 {
                    let _ = std::fs::remove_file(&path);
                    return form_error(&a, "import.no_file");
                }
                saved = Some((path, original));
            }
            "format" => {
                let v = field.text().await.unwrap_or_default();
                opts.format = tousu_intake::formats::Format::parse(&v);
            }
            "date_order" => {
                let v = field.text().await.unwrap_or_default();
                opts.date_order = tousu_core::parse::DateOrder::parse(&v).unwrap_or_default();
            }
            "source" => {
                let v = field.text().await.unwrap_or_default();
                opts.source = Some(v.trim().to_string()).filter(|s| !s.is_empty());
            }
            _ => {}
        }
    }
    let Some((path, original)) = saved else { return form_error(&a, "import.no_file") };
    let total = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    if let Ok(mut m) = st.jobs.0.lock() {
        m.insert(
            job_id.clone(),
            JobState {
                file: original.clone(),
                state: "running",
                position: 0,
                total,
                counts: ImportCounts::default(),
                run_id: None,
                message: String::new(),
                owner: a.user.id,
            },
        );
    }
    let jobs = st.jobs.clone();
    let db = st.db.clone();
    let engine = st.engine.clone();
    let id = job_id.clone();
    tracing::info!(user = %a.user.username, file = %original, job = %job_id, "import started from the web");
    std::thread::spawn(move || {
        let progress = |p: tousu_intake::import::Progress| jobs.update(&id, |j| j.position = p.position.min(j.total));
        let result = import_file(db.as_store(), &path, &opts, &progress).inspect(|_| {
            // New complaints get their clocks and their text analysis before the job is done.
            if let Err(e) = engine.recompute(db.as_store(), true).and_then(|_| engine.reanalyze(db.as_store(), false)) {
                tracing::error!(error = %e, "after-import work failed");
            }
            // Persons before assessments: an assessment uses the complainant's person.
            if let Err(e) = engine.refresh_persons(&*db) {
                tracing::error!(error = %e, "persons refresh after import failed");
            }
            if let Err(e) = engine.reassess(&*db, false) {
                tracing::error!(error = %e, "assessment after import failed");
            }
        });
        match result {
            Ok(report) => jobs.update(&id, |j| {
                j.state = "done";
                j.position = j.total;
                j.counts = report.counts.clone();
                j.run_id = Some(report.run_id);
            }),
            Err(e) => jobs.update(&id, |j| {
                j.state = "failed";
                // The file name inside the message is our temporary path: show the user's.
                j.message = e.to_string().replace(&path.display().to_string(), &j.file);
            }),
        }
        let _ = std::fs::remove_file(&path);
    });
    Redirect::to(&format!("/import/jobs/{job_id}")).into_response()
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    ctx: Ctx,
    job_id: String,
    file: String,
    state: &'static str,
    position: u64,
    total: u64,
    counts: ImportCounts,
    run_id: Option<i64>,
    message: String,
}

fn job_for(st: &AppState, a: &Auth, id: &str) -> Option<JobState> {
    st.jobs.get(id).filter(|j| j.owner == a.user.id || a.is(&[Role::Admin]))
}

pub async fn job_page(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<String>) -> Response {
    let Some(j) = job_for(&st, &a, &id) else { return error_page(StatusCode::NOT_FOUND, &a.user.lang) };
    render(&JobPage {
        ctx: Ctx::new(Some(&a), "import"),
        job_id: id,
        file: j.file,
        state: j.state,
        position: j.position,
        total: j.total.max(1),
        counts: j.counts,
        run_id: j.run_id,
        message: j.message,
    })
}

pub async fn job_status(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<String>) -> Response {
    match job_for(&st, &a, &id) {
        Some(j) => axum::Json(j).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn error_report(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> Response {
    if !may_import(&a) && !a.is(&[Role::Analyst]) {
        return error_page(StatusCode::FORBIDDEN, &a.user.lang);
    }
    let Ok(run) = id.parse::<i64>() else { return error_page(StatusCode::NOT_FOUND, &a.user.lang) };
    let errors = match st.blocking(move |db| db.import_errors(run)).await {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = %e, "error report");
            return error_page(StatusCode::INTERNAL_SERVER_ERROR, &a.user.lang);
        }
    };
    let tmp = std::env::temp_dir().join(format!("tousu-errors-{}.csv", crate::server::auth::random_hex(6)));
    let body = tousu_intake::import::write_error_report(&tmp, &errors).ok().and_then(|_| std::fs::read(&tmp).ok());
    let _ = std::fs::remove_file(&tmp);
    match body {
        Some(b) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"import-{run}-errors.csv\"")),
            ],
            b,
        )
            .into_response(),
        None => error_page(StatusCode::INTERNAL_SERVER_ERROR, &a.user.lang),
    }
}

pub async fn template(Extension(a): Extension<Auth>) -> Response {
    let tmp = std::env::temp_dir().join(format!("tousu-template-{}.xlsx", crate::server::auth::random_hex(6)));
    let lang = if a.user.lang == "en" { tousu_intake::template::Lang::En } else { tousu_intake::template::Lang::Zh };
    let body = tousu_intake::template::write_template(&tmp, lang).ok().and_then(|_| std::fs::read(&tmp).ok());
    let _ = std::fs::remove_file(&tmp);
    match body {
        Some(b) => (
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"tousu-template.xlsx\""),
            ],
            b,
        )
            .into_response(),
        None => error_page(StatusCode::INTERNAL_SERVER_ERROR, &a.user.lang),
    }
}
