use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_tousu")
}

/// Path of a file in the shared real-data folder beside the project.
pub fn shared(rel: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel);
    assert!(root.exists(), "shared data file missing: {}", root.display());
    root
}

/// Run `tousu --db DB ARGS…`; returns (status ok, stdout, stderr).
pub fn tousu(db: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(bin()).arg("--db").arg(db).args(args).env("TOUSU_LOG", "warn").output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run an import with --json and return the summary.
pub fn import_json(db: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["import", "--json"];
    a.extend_from_slice(args);
    let (ok, out, err) = tousu(db, &a);
    assert!(ok, "import failed: {err}\n{out}");
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

pub fn counts(v: &serde_json::Value) -> [u64; 5] {
    ["read", "created", "updated", "unchanged", "rejected"]
        .map(|k| v[k].as_u64().unwrap_or_else(|| panic!("no {k} in {v}")))
}

/// A running server on a random port, killed on drop, with an admin API token.
pub struct Server {
    child: Child,
    pub addr: String,
    pub token: String,
}

/// Create a user with the CLI; returns nothing, panics on failure.
pub fn add_user(db: &Path, name: &str, role: &str, team: Option<&str>, password: &str) {
    let mut args = vec!["user", "add", "--role", role, "--password", password];
    if let Some(t) = team {
        args.extend(["--team", t]);
    }
    args.push(name);
    let (ok, out, err) = tousu(db, &args);
    assert!(ok, "user add failed: {err}{out}");
}

pub fn add_token(db: &Path, user: &str) -> String {
    let (ok, out, err) = tousu(db, &["token", "add", "--user", user, "test"]);
    assert!(ok, "token add failed: {err}");
    out.trim().to_string()
}

impl Server {
    pub fn start_with_config(db: &Path, config: &Path) -> Server {
        Self::start_inner(db, &[], Some(config))
    }

    pub fn start(db: &Path, extra: &[&str]) -> Server {
        Self::start_inner(db, extra, None)
    }

    fn start_inner(db: &Path, extra: &[&str], config: Option<&Path>) -> Server {
        add_user(db, "root", "admin", None, "root-password-1");
        let token = add_token(db, "root");
        let mut cmd = Command::new(bin());
        if let Some(c) = config {
            cmd.arg("--config").arg(c);
        }
        let mut child = cmd
            .arg("--db")
            .arg(db)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env("TOUSU_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("tousu listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .trim_end_matches('/')
            .to_string();
        Server { child, addr, token }
    }

    /// One HTTP/1.1 request with the admin token; returns (status, headers, body).
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
        let auth = format!("Bearer {}", self.token);
        let mut h = vec![("Authorization", auth.as_str())];
        h.extend_from_slice(headers);
        self.raw(method, path, &h, body)
    }

    /// One HTTP/1.1 request with exactly these headers.
    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no header end");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut body = raw[split + 4..].to_vec();
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            body = dechunk(&body);
        }
        let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, head, body)
    }

    pub fn json(&self, method: &str, path: &str, body: Option<&serde_json::Value>) -> (u16, serde_json::Value) {
        let b = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
        let (status, _, body) = self.request(method, path, &[("Content-Type", "application/json")], &b);
        let v = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
        (status, v)
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(std::str::from_utf8(&b[..i]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + n]);
        b = &b[i + 2 + n + 2..];
    }
    out
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
