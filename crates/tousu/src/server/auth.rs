//! Users, passwords (argon2id), server-side sessions, API tokens and CSRF.
//!
//! - Pages and API routes need a session cookie or an `Authorization: Bearer` token; only
//!   `/login`, `/api/health` and `/static/` are public. Pages redirect to the sign-in page,
//!   the API answers 401.
//! - A session's CSRF token must accompany every unsafe request made with the cookie: as the
//!   `X-CSRF-Token` header (scripts, API) or the `csrf` query parameter (HTML forms). Bearer
//!   tokens are not sent by browsers on their own and need none.
//! - Sessions and tokens are stored by their SHA-256 hash only.

use super::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use tousu_core::Role;
use tousu_store::{Backend, NewUser, User};

pub const SESSION_COOKIE: &str = "tousu_session";
pub const LOGIN_COOKIE: &str = "tousu_login";
const SESSION_HOURS: i64 = 12;

/// The signed-in user of a request.
#[derive(Clone, Debug)]
pub struct Auth {
    pub user: User,
    pub csrf: String,
    /// Signed in with an API token rather than a browser session.
    pub via_token: bool,
    pub session_hash: Option<String>,
}

impl Auth {
    pub fn is(&self, roles: &[Role]) -> bool {
        roles.contains(&self.user.role)
    }
}

pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    // The OS random source; failing it is not recoverable for a security token.
    getrandom::fill(&mut b).unwrap_or_else(|e| panic!("no OS randomness: {e}"));
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 12];
    getrandom::fill(&mut b).unwrap_or_else(|e| panic!("no OS randomness: {e}"));
    b.iter().map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char).collect()
}

pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    use argon2::password_hash::PasswordHasher;
    use argon2::password_hash::phc::PasswordHash;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
    let hash: PasswordHash = argon2::Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    Ok(hash.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    use argon2::password_hash::phc::PasswordHash;
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

pub fn create_user(
    db: &dyn Backend,
    username: &str,
    display_name: &str,
    role: Role,
    team: Option<&str>,
    password: &str,
) -> anyhow::Result<User> {
    if username.trim().is_empty() || username.chars().any(|c| c.is_whitespace() || c.is_control()) {
        anyhow::bail!("a username is one word without spaces");
    }
    if password.chars().count() < 8 {
        anyhow::bail!("a password has at least 8 characters");
    }
    let user = db.create_user(&NewUser {
        username: username.to_string(),
        display_name: display_name.to_string(),
        password_hash: hash_password(password)?,
        role,
        team: team.map(String::from),
        lang: "zh-CN".into(),
    })?;
    Ok(user)
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}", if secure { "; Secure" } else { "" })
}

fn now_rfc3339() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Resolve the request's user from its bearer token or session cookie.
pub async fn resolve(st: &AppState, headers: &HeaderMap) -> Option<Auth> {
    if let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
    {
        let h = sha256_hex(&token);
        let user = st.blocking(move |db| db.api_token_user(&h)).await.ok().flatten()?;
        return Some(Auth { user, csrf: String::new(), via_token: true, session_hash: None });
    }
    let token = cookie_value(headers, SESSION_COOKIE)?;
    let h = sha256_hex(&token);
    let h2 = h.clone();
    let (user, csrf) = st.blocking(move |db| db.session(&h2, &now_rfc3339())).await.ok().flatten()?;
    Some(Auth { user, csrf, via_token: false, session_hash: Some(h) })
}

fn is_public(path: &str) -> bool {
    path == "/login" || path == "/api/health" || path.starts_with("/static/") || path == "/favicon.ico"
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn query_param(uri: &axum::http::Uri, name: &str) -> Option<String> {
    uri.query()?.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
}

/// Middleware: every route but the public ones needs a user; unsafe methods with a session
/// cookie need the session's CSRF token.
pub async fn require_auth(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_public(&path) {
        return next.run(req).await;
    }
    let is_api = path.starts_with("/api/");
    let Some(auth) = resolve(&st, req.headers()).await else {
        if is_api {
            return super::api::ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "sign in or send a bearer token",
            )
            .into_response();
        }
        let next_url = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
        let target = format!("/login?next={}", crate::web::url_encode(&next_url));
        return Redirect::to(&target).into_response();
    };
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !auth.via_token {
        let given = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(String::from)
            .or_else(|| query_param(req.uri(), "csrf"));
        if !given.is_some_and(|g| constant_time_eq(&g, &auth.csrf)) {
            tracing::warn!(user = %auth.user.username, %path, "CSRF token missing or wrong");
            if is_api {
                return super::api::ApiError::new(StatusCode::FORBIDDEN, "forbidden", "missing or wrong CSRF token")
                    .into_response();
            }
            return crate::web::error_page(StatusCode::FORBIDDEN, &auth.user.lang);
        }
    }
    req.extensions_mut().insert(auth);
    next.run(req).await
}

/// Start a session for `user`; returns the Set-Cookie value.
pub async fn start_session(st: &AppState, user: &User) -> Result<String, tousu_store::Error> {
    let token = random_hex(32);
    let csrf = random_hex(16);
    let h = sha256_hex(&token);
    let uid = user.id;
    let expires =
        (chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS)).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    st.blocking(move |db| db.create_session(&h, uid, &csrf, &expires)).await?;
    Ok(set_cookie(SESSION_COOKIE, &token, SESSION_HOURS * 3600, st.secure_cookies))
}

pub fn clear_cookie(name: &str, secure: bool) -> String {
    set_cookie(name, "", 0, secure)
}
