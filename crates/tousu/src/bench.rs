//! `tousu bench web`: server times of the main pages with a large store, measured by a
//! loopback HTTP client with keep-alive connections (a benchmark that prints figures, not a test).

use anyhow::{Context as _, Result, bail};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tousu_store::{Backend, ComplaintFilter};

struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    host: String,
    cookie: String,
}

impl Client {
    fn connect(addr: &str, cookie: &str) -> Result<Client> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        Ok(Client {
            reader: BufReader::new(s.try_clone()?),
            writer: s,
            host: addr.to_string(),
            cookie: cookie.to_string(),
        })
    }

    /// GET a path; returns (status, body).
    fn get(&mut self, path: &str) -> Result<(u16, Vec<u8>)> {
        write!(
            self.writer,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nCookie: tousu_session={}\r\nAccept-Encoding: identity\r\n\r\n",
            self.host, self.cookie
        )?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line.split_whitespace().nth(1).context("no status")?.parse()?;
        let mut len: Option<usize> = None;
        let mut chunked = false;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let lower = l.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                len = Some(v.trim().parse()?);
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line)?;
                let n = usize::from_str_radix(line.trim(), 16)?;
                let mut chunk = vec![0u8; n + 2];
                self.reader.read_exact(&mut chunk)?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        } else if let Some(n) = len {
            body.resize(n, 0);
            self.reader.read_exact(&mut body)?;
        }
        Ok((status, body))
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn measure(client: &mut Client, name: &str, paths: &[String], rounds: usize) -> Result<()> {
    // One warm-up pass.
    for p in paths.iter().take(3) {
        client.get(p)?;
    }
    let mut times = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let p = &paths[i % paths.len()];
        let t = Instant::now();
        let (status, body) = client.get(p)?;
        times.push(t.elapsed());
        if status != 200 {
            bail!("{name}: {p} answered {status}: {}", String::from_utf8_lossy(&body[..body.len().min(200)]));
        }
    }
    times.sort();
    println!(
        "{name:<34} n={rounds:<5} p50 {:>7.1} ms  p95 {:>7.1} ms  max {:>7.1} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 1.0)
    );
    Ok(())
}

fn session(db: &dyn Backend, username: &str, role: tousu_core::Role, team: Option<&str>) -> Result<String> {
    let user = match db.user_by_name(username)? {
        Some(u) => u,
        None => crate::server::auth::create_user(db, username, username, role, team, "bench-password-1")?,
    };
    let token = crate::server::auth::random_hex(32);
    db.create_session(
        &crate::server::auth::sha256_hex(&token),
        user.id,
        &crate::server::auth::random_hex(16),
        "2999-01-01T00:00:00Z",
    )?;
    Ok(token)
}

pub fn bench_web(rows: u64, dir: Option<PathBuf>, rounds: usize) -> Result<()> {
    let dir = dir.unwrap_or_else(|| std::env::temp_dir().join("tousu-bench-web"));
    std::fs::create_dir_all(&dir)?;
    let db_path = dir.join("bench-web.db");
    let store = tousu_store::sqlite::SqliteStore::open(&db_path)?;
    let have = tousu_store::Store::count(&store, &ComplaintFilter::default())?;
    if have < rows {
        prepare(&store, &dir, rows)?;
    } else {
        println!("reusing {} with {have} complaints", db_path.display());
    }
    let db: Arc<dyn Backend> = Arc::new(store);
    let analyst = session(&*db, "bench-analyst", tousu_core::Role::Analyst, None)?;
    let handler = session(&*db, "bench-handler", tousu_core::Role::Handler, Some("A"))?;
    let total = db.count(&ComplaintFilter::default())?;

    let (tx, rx) = std::sync::mpsc::channel();
    let server_db = db.clone();
    std::thread::spawn(move || {
        let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                let _ = tx.send(Err(anyhow::anyhow!(e)));
                return;
            }
        };
        rt.block_on(async move {
            let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                Ok(l) => l,
                Err(e) => {
                    let _ = tx.send(Err(anyhow::anyhow!(e)));
                    return;
                }
            };
            let _ = tx.send(listener.local_addr().map(|a| a.to_string()).map_err(|e| anyhow::anyhow!(e)));
            let engine = match crate::engine::Engine::load(None) {
                Ok(e) => std::sync::Arc::new(e),
                Err(e) => {
                    eprintln!("engine: {e:#}");
                    return;
                }
            };
            let state = crate::server::AppState::new(server_db, engine, 1 << 20);
            let _ = axum::serve(listener, crate::server::router(state)).await;
        });
    });
    let addr = rx.recv()??;
    println!("server on {addr}; {total} complaints; {rounds} requests per line; one keep-alive connection each");

    let mut a = Client::connect(&addr, &analyst)?;
    let mut h = Client::connect(&addr, &handler)?;
    // A deep page: follow the queue's cursor 200 pages (10,000 complaints) down.
    let mut deep = "/queue?channel=regulator_referral".to_string();
    for _ in 0..200 {
        let (_, body) = a.get(&deep)?;
        let html = String::from_utf8_lossy(&body);
        let Some(i) = html.find("id=\"next-page\"") else { break };
        let start = html[..i].rfind("href=\"").context("no href")? + 6;
        let end = start + html[start..].find('"').context("no end")?;
        deep = html[start..end].replace("&amp;", "&");
    }
    let ids: Vec<String> = (0..50).map(|i| format!("/cases/{}", 1 + (i * 7919) % total.max(1))).collect();
    measure(&mut a, "dashboard (analyst)", &["/".into()], rounds)?;
    measure(&mut h, "dashboard (handler)", &["/".into()], rounds)?;
    measure(&mut a, "queue first page (analyst, all)", &["/queue".into()], rounds)?;
    measure(&mut h, "queue first page (handler, mine)", &["/queue".into()], rounds)?;
    measure(&mut a, "queue filtered (channel=12378)", &["/queue?channel=regulator_referral".into()], rounds)?;
    measure(&mut a, "queue by urgency (open, due first)", &["/queue?sort=urgent".into()], rounds)?;
    measure(&mut a, "queue filtered, page 201 (deep)", &[deep], rounds)?;
    measure(
        &mut a,
        "queue filtered (product+date)",
        &[format!("/queue?product={}&from=2025-06-01&to=2025-08-31", crate::web::url_encode(&first_product(&*db)?))],
        rounds,
    )?;
    measure(&mut a, "case page", &ids, rounds)?;
    measure(&mut a, "API list (50)", &["/api/complaints?limit=50".into()], rounds)?;
    println!("peak RSS: {:.1} MB", crate::cli::peak_rss().unwrap_or(0) as f64 / 1e6);
    Ok(())
}

fn first_product(db: &dyn Backend) -> Result<String> {
    Ok(db.dim_values(tousu_store::StatDim::Product, 1)?.into_iter().next().map(|v| v.0).unwrap_or_default())
}

fn prepare(store: &tousu_store::sqlite::SqliteStore, dir: &Path, rows: u64) -> Result<()> {
    let data = dir.join("bench-web.csv");
    let t = Instant::now();
    crate::cli::generate(rows, 42, &data)?;
    println!("generated {rows} rows in {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let r = tousu_intake::import::import_file(store, &data, &Default::default(), &|_| {})?;
    println!("imported {} in {:.1} s", r.counts.created, t.elapsed().as_secs_f64());
    let t = Instant::now();
    crate::server::spread_assignments(store, "bench-handler")?;
    println!("assigned in {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let n = crate::engine::Engine::load(None)?.recompute(store, false)?;
    println!(
        "due dates of {n} open complaints recomputed (read, compute, write) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_file(&data);
    let _ = std::fs::remove_file(crate::cli::truth_path(&data));
    Ok(())
}

/// `tousu bench deadlines`: compute the clocks of N open complaints in memory (the recompute
/// the server does), from received dates spread over 2025–2026 with pauses, resumptions,
/// complex cases and extensions mixed in.
pub fn bench_deadlines(rows: u64) -> Result<()> {
    use chrono::{Datelike, NaiveDate};
    use tousu_core::clocks::{ClockEvent, ClockInput, primary_due};
    let engine = crate::engine::Engine::load(None)?;
    let base = NaiveDate::from_ymd_opt(2025, 1, 1).context("date")?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).context("date")?;
    let empty = serde_json::json!({});
    let ext = serde_json::json!({"clock": "complex", "days": 30, "notice_recorded": true});
    let accepted = serde_json::json!({"to": "accepted"});
    // Inputs first (not timed): per complaint a received day and its events.
    let mut inputs: Vec<(NaiveDate, Vec<ClockEvent<'_>>)> = Vec::with_capacity(rows as usize);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let received = base + chrono::Duration::days((x % 690) as i64);
        let mut events = Vec::new();
        let d = |n: i64| received + chrono::Duration::days(n);
        if x.is_multiple_of(3) {
            events.push(ClockEvent { kind: "transition", on: d(1), data: &accepted, reason: None });
        }
        if x % 10 == 1 {
            events.push(ClockEvent { kind: "pause", on: d(3), data: &empty, reason: Some("鉴定") });
            events.push(ClockEvent { kind: "resume", on: d(9), data: &empty, reason: None });
        }
        if x % 20 == 2 {
            events.push(ClockEvent { kind: "complex", on: d(2), data: &empty, reason: None });
            events.push(ClockEvent { kind: "extend", on: d(20), data: &ext, reason: Some("复杂") });
        }
        inputs.push((received, events));
    }
    let t = Instant::now();
    let mut due_sum: i64 = 0;
    let mut clocks_n: u64 = 0;
    for (received, events) in &inputs {
        let c = engine.clocks.clocks(&ClockInput { source: "import", received: *received, open: true, events, today });
        clocks_n += c.len() as u64;
        if let Some(d) = primary_due(&c) {
            due_sum += d.num_days_from_ce() as i64;
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "deadlines: {rows} open complaints, {clocks_n} clocks computed in {s:.3} s ({:.0} complaints/s); checksum {due_sum}",
        rows as f64 / s
    );
    println!("peak RSS: {:.1} MB", crate::cli::peak_rss().unwrap_or(0) as f64 / 1e6);
    Ok(())
}

/// `tousu bench persons`: resolve and profile every complaint of an N-row store (the rebuild),
/// then add `updates` new complaints one at a time (copies of existing complainants' complaints
/// under new references) and time the update of each one's person.
pub fn bench_persons(rows: u64, dir: Option<PathBuf>, updates: usize) -> Result<()> {
    let dir = dir.unwrap_or_else(|| std::env::temp_dir().join(format!("tousu-bench-persons-{}", std::process::id())));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bench-persons.db");
    let store = tousu_store::sqlite::SqliteStore::open(&path)?;
    let engine = crate::engine::Engine::load(None)?;
    let have = tousu_store::Store::count(&store, &ComplaintFilter::default())?;
    if have < rows {
        let data = dir.join("bench-persons.csv");
        let t = Instant::now();
        crate::cli::generate(rows, 42, &data)?;
        println!("generated {rows} rows in {:.1} s", t.elapsed().as_secs_f64());
        let t = Instant::now();
        let r = tousu_intake::import::import_file(&store, &data, &Default::default(), &|_| {})?;
        println!("imported {} in {:.1} s", r.counts.created, t.elapsed().as_secs_f64());
        let t = Instant::now();
        let n = engine.reanalyze(&store, false)?;
        println!("analysed {n} texts in {:.1} s (set-up, not part of the figure)", t.elapsed().as_secs_f64());
        let _ = std::fs::remove_file(&data);
        let _ = std::fs::remove_file(crate::cli::truth_path(&data));
    }
    let rss_before = crate::cli::peak_rss().unwrap_or(0);
    let t = Instant::now();
    let r = engine.rebuild_persons(&store)?;
    println!(
        "rebuild: {} complaints -> {} persons in {:.1} s (identities read and resolved {:.1}, profiles built and written {:.1}); peak RSS {:.0} MB (before: {:.0} MB)",
        r.complaints,
        r.persons,
        t.elapsed().as_secs_f64(),
        r.seconds_resolve,
        r.seconds_profile_write,
        crate::cli::peak_rss().unwrap_or(0) as f64 / 1e6,
        rss_before as f64 / 1e6
    );
    // New complaints of existing complainants, spread over the store.
    let total = tousu_store::Store::count(&store, &ComplaintFilter::default())? as i64;
    let step = (total / updates.max(1) as i64).max(1);
    let mut times = Vec::with_capacity(updates);
    let mut sizes = Vec::with_capacity(updates);
    for i in 0..updates {
        let src = tousu_store::ComplaintId(1 + i as i64 * step);
        let Some(s) = tousu_store::Store::get(&store, src)? else { continue };
        let mut c = s.complaint.clone();
        c.external_ref = format!("BENCH-NEW-{i}");
        let (id, _) = tousu_store::Store::upsert(&store, &c, "bench")?;
        let t = Instant::now();
        let person = engine.update_person(&store, id)?;
        times.push(t.elapsed());
        if let Some(p) = person {
            sizes.push(tousu_store::PersonStore::person_members(&store, p)?.len());
        }
    }
    times.sort();
    sizes.sort();
    println!(
        "one new complaint -> its person updated: {} updates, p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (person sizes p50 {}, max {})",
        times.len(),
        percentile(&times, 0.50),
        percentile(&times, 0.95),
        times.last().map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0),
        sizes.get(sizes.len() / 2).copied().unwrap_or(0),
        sizes.last().copied().unwrap_or(0)
    );
    println!("peak RSS: {:.0} MB", crate::cli::peak_rss().unwrap_or(0) as f64 / 1e6);
    Ok(())
}
