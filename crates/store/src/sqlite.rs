//! The embedded SQLite backend: one file, WAL mode, versioned migrations.

mod assess;
mod persons;

use crate::{
    AccountStore, AnalysisInput, AnalysisSummary, AuditReport, ChangeRecord, ComplaintFilter, ComplaintId, DayCount,
    Error, EventRecord, ImportBatch, ImportCounts, ImportRun, NewEvent, NewUser, Page, Result, RowError, Severity,
    StatDim, StateChange, Store, StoredComplaint, UnmaskRecord, UpsertOutcome, User,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tousu_core::Complaint;

/// Migrations, in order. Each runs once, in a transaction, and is recorded in
/// `schema_migrations`.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/sqlite/0001_init.sql")),
    (2, "accounts_and_stats", include_str!("../migrations/sqlite/0002_accounts_and_stats.sql")),
    (3, "lifecycle_and_clocks", include_str!("../migrations/sqlite/0003_lifecycle_and_clocks.sql")),
    (4, "state_stats", include_str!("../migrations/sqlite/0004_state_stats.sql")),
    (5, "text_analysis", include_str!("../migrations/sqlite/0005_text_analysis.sql")),
    (6, "audit_ranges", include_str!("../migrations/sqlite/0006_audit_ranges.sql")),
    (7, "persons", include_str!("../migrations/sqlite/0007_persons.sql")),
    (8, "assess", include_str!("../migrations/sqlite/0008_assess.sql")),
    (9, "identity_key_hashes", include_str!("../migrations/sqlite/0009_identity_key_hashes.sql")),
    (10, "person_fingerprint", include_str!("../migrations/sqlite/0010_person_fingerprint.sql")),
];

/// Pending changes to `daily_stats`, applied once per transaction. Keyed by
/// `day \x1f dim \x1f value` in one string, so that adding to an existing key allocates nothing.
#[derive(Default)]
pub(crate) struct StatDeltas {
    map: std::collections::HashMap<String, i64, tousu_core::fnv::FnvBuild>,
    buf: String,
}

impl StatDeltas {
    pub(crate) fn new() -> Self {
        Self::default()
    }
    pub(crate) fn add(&mut self, day: &str, dim: &str, value: &str, n: i64) {
        self.buf.clear();
        for (i, part) in [day, dim, value].into_iter().enumerate() {
            if i > 0 {
                self.buf.push('\x1f');
            }
            self.buf.push_str(part);
        }
        match self.map.get_mut(self.buf.as_str()) {
            Some(v) => *v += n,
            None => {
                self.map.insert(self.buf.clone(), n);
            }
        }
    }
    /// The counts of a complaint under every dimension kept for it at import: all, channel,
    /// category, product (and state, by the caller).
    fn add_complaint(&mut self, day: &str, c: &Complaint, n: i64) {
        self.add(day, "all", "", n);
        self.add(day, "channel", c.channel.code(), n);
        self.add(day, "category", c.category.as_deref().unwrap_or_default(), n);
        self.add(day, "product", c.product.as_deref().unwrap_or_default(), n);
    }
}

pub(crate) fn apply_deltas(tx: &Transaction<'_>, deltas: &StatDeltas) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO daily_stats (day, dim, value, n) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (day, dim, value) DO UPDATE SET n = daily_stats.n + excluded.n",
    )?;
    for (key, n) in &deltas.map {
        if *n == 0 {
            continue;
        }
        let mut parts = key.splitn(3, '\x1f');
        let (day, dim, value) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        st.execute(params![day, dim, value, n])?;
    }
    Ok(())
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Database(e.to_string())
    }
}

pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

pub(crate) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Page cache of the one writer connection: big enough to hold the indexes of a few million
/// complaints, so that inserts in received-date order that is not the file order stay in memory.
const WRITER_CACHE_KIB: i64 = 512 * 1024;
const READER_CACHE_KIB: i64 = 32 * 1024;

fn configure(conn: &Connection, cache_kib: i64) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    // 8 KiB pages for new files (no effect on existing ones): half the pages, WAL frames and
    // write calls of 4 KiB pages for the same rows.
    conn.execute_batch(&format!(
        "PRAGMA page_size = 8192;
         PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -{cache_kib};
         PRAGMA wal_autocheckpoint = 40000;"
    ))?;
    Ok(())
}

impl SqliteStore {
    /// Open (creating if needed) the database file at `path` and bring its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Open { path: path.display().to_string(), reason: e.to_string() })?;
        }
        let conn = Connection::open(&path)
            .map_err(|e| Error::Open { path: path.display().to_string(), reason: e.to_string() })?;
        configure(&conn, WRITER_CACHE_KIB)?;
        migrate(&conn)?;
        Ok(SqliteStore { path, writer: Mutex::new(conn), readers: Mutex::new(Vec::new()) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version now applied.
    pub fn schema_version(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?))
    }

    fn write<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = self.writer.lock().map_err(|_| Error::Database("writer lock poisoned".into()))?;
        f(&mut guard)
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = {
            let mut pool = self.readers.lock().map_err(|_| Error::Database("reader pool poisoned".into()))?;
            pool.pop()
        };
        let conn = match conn {
            Some(c) => c,
            None => {
                let c = Connection::open(&self.path)?;
                configure(&c, READER_CACHE_KIB)?;
                c
            }
        };
        let out = f(&conn);
        if let Ok(mut pool) = self.readers.lock()
            && pool.len() < 8
        {
            pool.push(conn);
        }
        out
    }
}

/// Every row of a query, mapped.
fn all<T>(
    c: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut st = c.prepare_cached(sql)?;
    let rows = st.query_map(p, f)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn current(tx: &Transaction<'_>, id: ComplaintId) -> Result<(i64, String)> {
    tx.query_row("SELECT version, state FROM complaints WHERE id = ?1", params![id.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or(Error::NotFound)
}

/// An event row: `complaint_id, id, kind, on_date, recorded_at, actor, reason, data`.
fn event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, EventRecord)> {
    let data: String = r.get(7)?;
    Ok((
        r.get(0)?,
        EventRecord {
            id: r.get(1)?,
            kind: r.get(2)?,
            on_date: r.get(3)?,
            recorded_at: r.get(4)?,
            actor: r.get(5)?,
            reason: r.get(6)?,
            data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        },
    ))
}

fn events_of(c: &Connection, id: i64) -> Result<Vec<EventRecord>> {
    Ok(all(
        c,
        "SELECT complaint_id, id, kind, on_date, recorded_at, actor, reason, data FROM complaint_events
         WHERE complaint_id = ?1 ORDER BY id",
        params![id],
        event_from_row,
    )?
    .into_iter()
    .map(|(_, e)| e)
    .collect())
}

/// Stored complaints (in id order) with their events, read with one range query.
fn with_events(c: &Connection, raw: Vec<RawStored>) -> Result<Vec<(StoredComplaint, Vec<EventRecord>)>> {
    let (Some(lo), Some(hi)) = (raw.first().map(|t| t.id), raw.last().map(|t| t.id)) else { return Ok(Vec::new()) };
    let mut evs: std::collections::HashMap<i64, Vec<EventRecord>> = std::collections::HashMap::new();
    for (cid, e) in all(
        c,
        "SELECT complaint_id, id, kind, on_date, recorded_at, actor, reason, data FROM complaint_events
         WHERE complaint_id BETWEEN ?1 AND ?2 ORDER BY id",
        params![lo, hi],
        event_from_row,
    )? {
        evs.entry(cid).or_default().push(e);
    }
    raw.into_iter()
        .map(|t| {
            let id = t.id;
            Ok((to_stored(t)?, evs.remove(&id).unwrap_or_default()))
        })
        .collect()
}

impl SqliteStore {
    /// Counts that `daily_stats` answers without touching the complaints table: a received-date
    /// range and at most one of channel, category or product.
    fn count_from_stats(&self, f: &ComplaintFilter) -> Result<Option<u64>> {
        // Only running complaints have a due date, so "due by" and "by urgency" are counts per
        // due day (the open-states condition adds nothing).
        if f.due_by.is_some() || f.urgent_first {
            let only_due = f.branch.is_none()
                && f.source.is_none()
                && f.text_contains.is_none()
                && f.assignee.is_none()
                && f.team.is_none()
                && f.state.is_none()
                && f.channel.is_none()
                && f.category.is_none()
                && f.product.is_none()
                && f.received_from.is_none()
                && f.received_to.is_none();
            if !only_due {
                return Ok(None);
            }
            let to = f.due_by.clone().unwrap_or_else(|| "9999-12-31".into());
            return self.read(|c| {
                let n: i64 = c
                    .prepare_cached("SELECT COALESCE(SUM(n), 0) FROM daily_stats WHERE dim = 'due' AND day <= ?1")?
                    .query_row(params![to], |r| r.get(0))?;
                Ok(Some(n.max(0) as u64))
            });
        }
        let others = f.branch.is_some()
            || f.source.is_some()
            || f.text_contains.is_some()
            || f.assignee.is_some()
            || f.team.is_some()
            || f.due_by.is_some()
            || f.urgent_first;
        let dims = [
            f.channel.map(|c| (StatDim::Channel, c.code().to_string())),
            f.category.clone().map(|c| (StatDim::Category, c)),
            f.product.clone().map(|p| (StatDim::Product, p)),
        ];
        let given: Vec<_> = dims.into_iter().flatten().collect();
        let states: Option<Vec<String>> = match (&f.state, &f.open_states) {
            (Some(s), None) => Some(vec![s.clone()]),
            (None, Some(list)) => Some(list.clone()),
            (None, None) => None,
            (Some(_), Some(_)) => return Ok(None),
        };
        if others || given.len() > 1 || (states.is_some() && !given.is_empty()) {
            return Ok(None);
        }
        let from = f.received_from.map(|d| d.to_string()).unwrap_or_else(|| "0000-01-01".into());
        let to = f.received_to.map(|d| d.to_string()).unwrap_or_else(|| "9999-12-31".into());
        if let Some(states) = states {
            return self.read(|c| {
                let mut n: i64 = 0;
                let mut st = c.prepare_cached(
                    "SELECT COALESCE(SUM(n), 0) FROM daily_stats WHERE dim = 'state' AND value = ?1 AND day >= ?2 AND day <= ?3",
                )?;
                for s in &states {
                    n += st.query_row(params![s, from, to], |r| r.get::<_, i64>(0))?;
                }
                Ok(Some(n.max(0) as u64))
            });
        }
        let (dim, value) = given.into_iter().next().unwrap_or((StatDim::All, String::new()));
        self.read(|c| {
            let n: i64 = c.prepare_cached(
                "SELECT COALESCE(SUM(n), 0) FROM daily_stats WHERE dim = ?1 AND value = ?2 AND day >= ?3 AND day <= ?4",
            )?
            .query_row(params![dim.code(), value, from, to], |r| r.get(0))?;
            Ok(Some(n.max(0) as u64))
        })
    }
}

fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )?;
    let current: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
    for (version, name, sql) in MIGRATIONS {
        if *version <= current {
            continue;
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let applied = conn
            .execute_batch(sql)
            .and_then(|_| {
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                    params![version, name, now()],
                )
            })
            .map(|_| ());
        match applied {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(Error::Database(format!("migration {version} ({name}) failed: {e}")));
            }
        }
    }
    Ok(())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

pub(crate) fn content_hash(doc: &str, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(doc.as_bytes());
    h.update([0u8]);
    h.update(text.as_bytes());
    hex(&h.finalize()[..16])
}

/// `YYYY-MM-DDTHH:MM:SS` without the formatting machinery (it is on the import hot path).
pub(crate) fn iso_datetime(dt: &chrono::NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    fn push(s: &mut String, n: u32, width: u32) {
        let mut div = 10u32.pow(width - 1);
        let n = n % (div * 10);
        while div > 0 {
            s.push(char::from(b'0' + ((n / div) % 10) as u8));
            div /= 10;
        }
    }
    let mut s = String::with_capacity(19);
    push(&mut s, dt.year().max(0) as u32, 4);
    s.push('-');
    push(&mut s, dt.month(), 2);
    s.push('-');
    push(&mut s, dt.day(), 2);
    s.push('T');
    push(&mut s, dt.hour(), 2);
    s.push(':');
    push(&mut s, dt.minute(), 2);
    s.push(':');
    push(&mut s, dt.second(), 2);
    s
}

fn received(c: &Complaint) -> String {
    iso_datetime(&c.received_at)
}

/// Flatten a JSON document into `path → value` pairs (objects by key, arrays kept whole).
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut std::collections::BTreeMap<String, String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&p, x, out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

fn diff(old: &Complaint, new: &Complaint) -> Vec<(String, Option<String>, Option<String>)> {
    let mut a = std::collections::BTreeMap::new();
    let mut b = std::collections::BTreeMap::new();
    flatten("", &serde_json::to_value(old).unwrap_or_default(), &mut a);
    flatten("", &serde_json::to_value(new).unwrap_or_default(), &mut b);
    let mut out = Vec::new();
    for (k, va) in &a {
        match b.get(k) {
            Some(vb) if vb == va => {}
            Some(vb) => out.push((k.clone(), Some(va.clone()), Some(vb.clone()))),
            None => out.push((k.clone(), Some(va.clone()), None)),
        }
    }
    for (k, vb) in &b {
        if !a.contains_key(k) {
            out.push((k.clone(), None, Some(vb.clone())));
        }
    }
    out
}

/// Appends to the hash-chained audit trail inside a write transaction.
struct AuditWriter {
    next_id: i64,
    prev: String,
}

/// One audit entry before it is chained.
struct Entry<'a> {
    complaint_id: i64,
    at: &'a str,
    actor: &'a str,
    action: &'a str,
    field: Option<&'a str>,
    before: Option<&'a str>,
    after: Option<&'a str>,
    reason: Option<&'a str>,
    run: Option<i64>,
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn chain_hash(id: i64, e: &Entry<'_>, prev: &str) -> String {
    let mut h = Sha256::new();
    let mut put = |v: Option<&str>| {
        match v {
            Some(s) => {
                h.update([1u8]);
                h.update(s.as_bytes());
            }
            None => h.update([0u8]),
        }
        h.update([0x1f]);
    };
    put(Some(prev));
    put(Some(&id.to_string()));
    put(Some(&e.complaint_id.to_string()));
    put(Some(e.at));
    put(Some(e.actor));
    put(Some(e.action));
    put(e.field);
    put(e.before);
    put(e.after);
    put(e.reason);
    put(e.run.map(|r| r.to_string()).as_deref());
    hex(&h.finalize())
}

impl AuditWriter {
    fn start(tx: &Transaction<'_>) -> Result<AuditWriter> {
        let last: Option<(i64, String)> = tx
            .query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(match last {
            Some((id, hash)) => AuditWriter { next_id: id + 1, prev: hash },
            None => AuditWriter { next_id: 1, prev: GENESIS.to_string() },
        })
    }

    fn append(&mut self, tx: &Transaction<'_>, e: &Entry<'_>) -> Result<()> {
        let id = self.next_id;
        let hash = chain_hash(id, e, &self.prev);
        tx.prepare_cached(
            "INSERT INTO audit_log (id, complaint_id, at, actor, action, field, before_value, after_value, reason,
               import_run_id, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            id,
            e.complaint_id,
            e.at,
            e.actor,
            e.action,
            e.field,
            e.before,
            e.after,
            e.reason,
            e.run,
            self.prev,
            hash
        ])?;
        self.prev = hash;
        self.next_id += 1;
        Ok(())
    }
}

/// How an upsert records a creation in the audit trail.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CreateAudit {
    /// One 'create' row for this complaint.
    PerRow,
    /// None here: the caller writes one 'create_range' row for the batch.
    Range,
}

#[allow(clippy::too_many_arguments)]
fn upsert_tx(
    tx: &Transaction<'_>,
    p: &crate::PreparedComplaint,
    ts: &str,
    actor: &str,
    run: Option<i64>,
    deltas: &mut StatDeltas,
    audit: &mut AuditWriter,
    create_audit: CreateAudit,
) -> Result<(ComplaintId, UpsertOutcome)> {
    let (c, hash) = (&p.complaint, &p.hash);
    // Insert first: a new complaint (the common case in an import) costs one probe of the
    // unique index instead of a lookup followed by an insert.
    let inserted = write_complaint(
        tx,
        "INSERT INTO complaints (source, external_ref, received_at, channel, institution, branch, region,
           product_line, product, category, subcategory, text, doc, content_hash, version, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15, ?15)
         ON CONFLICT (source, external_ref) DO NOTHING",
        p,
        ts,
    )?;
    let existing: Option<(i64, String)> = if inserted == 1 {
        None
    } else {
        Some(
            tx.prepare_cached("SELECT id, content_hash FROM complaints WHERE source = ?1 AND external_ref = ?2")?
                .query_row(params![c.source, c.external_ref], |r| Ok((r.get(0)?, r.get(1)?)))?,
        )
    };
    match existing {
        None => {
            let day = &p.received[..10];
            deltas.add_complaint(day, c, 1);
            deltas.add(day, "state", "registered", 1);
            let id = tx.last_insert_rowid();
            if create_audit == CreateAudit::PerRow {
                audit.append(
                    tx,
                    &Entry {
                        complaint_id: id,
                        at: ts,
                        actor,
                        action: "create",
                        field: None,
                        before: None,
                        after: None,
                        reason: None,
                        run,
                    },
                )?;
            }
            Ok((ComplaintId(id), UpsertOutcome::Created))
        }
        Some((id, old_hash)) if &old_hash == hash => Ok((ComplaintId(id), UpsertOutcome::Unchanged)),
        Some((id, _)) => {
            let (old_doc, old_text): (String, String) = tx
                .prepare_cached("SELECT doc, text FROM complaints WHERE id = ?1")?
                .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let old = decode(&old_doc, old_text)?;
            let (old_day, new_day) = (received(&old)[..10].to_string(), received(c)[..10].to_string());
            if old_day != new_day {
                let state: String = tx
                    .prepare_cached("SELECT state FROM complaints WHERE id = ?1")?
                    .query_row(params![id], |r| r.get(0))?;
                deltas.add(&old_day, "state", &state, -1);
                deltas.add(&new_day, "state", &state, 1);
            }
            deltas.add_complaint(&old_day, &old, -1);
            deltas.add_complaint(&new_day, c, 1);
            for (field, before, after) in diff(&old, c) {
                audit.append(
                    tx,
                    &Entry {
                        complaint_id: id,
                        at: ts,
                        actor,
                        action: "update",
                        field: Some(&field),
                        before: before.as_deref(),
                        after: after.as_deref(),
                        reason: None,
                        run,
                    },
                )?;
            }
            // Same parameters as the insert; the identity columns find the row.
            write_complaint(
                tx,
                "UPDATE complaints SET received_at = ?3, channel = ?4, institution = ?5, branch = ?6, region = ?7,
                   product_line = ?8, product = ?9, category = ?10, subcategory = ?11, text = ?12, doc = ?13,
                   content_hash = ?14, version = version + 1, updated_at = ?15
                 WHERE source = ?1 AND external_ref = ?2",
                p,
                ts,
            )?;
            Ok((ComplaintId(id), UpsertOutcome::Updated))
        }
    }
}

/// Run an INSERT or UPDATE of a complaint's columns, bound as ?1 source … ?15 timestamp.
fn write_complaint(tx: &Transaction<'_>, sql: &str, p: &crate::PreparedComplaint, ts: &str) -> Result<usize> {
    let c = &p.complaint;
    Ok(tx.prepare_cached(sql)?.execute(params![
        c.source,
        c.external_ref,
        p.received,
        c.channel.code(),
        c.institution,
        c.branch,
        c.region,
        c.product_line,
        c.product,
        c.category,
        c.subcategory,
        c.text,
        p.doc,
        p.hash,
        ts
    ])?)
}

fn decode(doc: &str, text: String) -> Result<Complaint> {
    Complaint::from_document_json(doc, text).map_err(|e| Error::Corrupt(e.to_string()))
}

const SELECT_STORED: &str = "SELECT id, version, created_at, updated_at, doc, text, received_at, assignee, team, state,
    merged_into, due_date FROM complaints";

struct RawStored {
    id: i64,
    version: i64,
    created_at: String,
    updated_at: String,
    doc: String,
    text: String,
    received_at: String,
    assignee: Option<String>,
    team: Option<String>,
    state: String,
    merged_into: Option<i64>,
    due_date: Option<String>,
}

fn row_to_stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawStored> {
    Ok(RawStored {
        id: r.get(0)?,
        version: r.get(1)?,
        created_at: r.get(2)?,
        updated_at: r.get(3)?,
        doc: r.get(4)?,
        text: r.get(5)?,
        received_at: r.get(6)?,
        assignee: r.get(7)?,
        team: r.get(8)?,
        state: r.get(9)?,
        merged_into: r.get(10)?,
        due_date: r.get(11)?,
    })
}

fn to_stored(t: RawStored) -> Result<StoredComplaint> {
    Ok(StoredComplaint {
        id: ComplaintId(t.id),
        version: t.version,
        created_at: t.created_at,
        updated_at: t.updated_at,
        assignee: t.assignee,
        team: t.team,
        state: t.state,
        merged_into: t.merged_into.map(ComplaintId),
        due_date: t.due_date,
        complaint: decode(&t.doc, t.text)?,
    })
}

fn run_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ImportRun> {
    let u = |i: usize| -> rusqlite::Result<u64> { r.get::<_, i64>(i).map(|v| v.max(0) as u64) };
    Ok(ImportRun {
        id: r.get(0)?,
        source_name: r.get(1)?,
        fingerprint: r.get(2)?,
        format: r.get(3)?,
        status: r.get(4)?,
        started_at: r.get(5)?,
        finished_at: r.get(6)?,
        rows_done: u(7)?,
        counts: ImportCounts {
            read: u(8)?,
            created: u(9)?,
            updated: u(10)?,
            unchanged: u(11)?,
            rejected: u(12)?,
            warnings: u(13)?,
        },
    })
}

const SELECT_RUN: &str = "SELECT id, source_name, fingerprint, format, status, started_at, finished_at, rows_done,
    read_count, created_count, updated_count, unchanged_count, rejected_count, warning_count FROM import_runs";

/// Build the WHERE clause and its parameters for a filter.
fn filter_sql(f: &ComplaintFilter) -> (String, Vec<String>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let mut push = |clause: &str, arg: String| {
        args.push(arg);
        clauses.push(clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(d) = f.received_from {
        push("received_at >= ?", d.format("%Y-%m-%dT00:00:00").to_string());
    }
    if let Some(d) = f.received_to {
        push("received_at < ?", (d + chrono::Duration::days(1)).format("%Y-%m-%dT00:00:00").to_string());
    }
    if let Some(c) = f.channel {
        push("channel = ?", c.code().to_string());
    }
    if let Some(c) = &f.category {
        push("category = ?", c.clone());
    }
    if let Some(p) = &f.product {
        push("product = ?", p.clone());
    }
    if let Some(b) = &f.branch {
        push("branch = ?", b.clone());
    }
    if let Some(s) = &f.source {
        push("source = ?", s.clone());
    }
    // The empty name selects unassigned complaints.
    let unassigned = f.assignee.as_deref() == Some("");
    if let Some(a) = f.assignee.as_deref().filter(|a| !a.is_empty()) {
        push("assignee = ?", a.to_string());
    }
    if let Some(t) = &f.team {
        push("team = ?", t.clone());
    }
    if let Some(st) = &f.state {
        push("state = ?", st.clone());
    }
    if let Some(d) = &f.due_by {
        push("due_date <= ?", d.clone());
    }
    if let Some(t) = &f.text_contains {
        // instr() is exact and has no wildcard characters to escape.
        let needle = t.to_lowercase();
        push("instr(lower(text), ?) > 0", needle);
    }
    if unassigned {
        clauses.push("assignee IS NULL".to_string());
    }
    if let Some(states) = &f.open_states {
        // Codes are checked to be plain words, so they can be inlined.
        let list: Vec<String> = states
            .iter()
            .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(|s| format!("'{s}'"))
            .collect();
        clauses.push(format!("state IN ({})", if list.is_empty() { "''".to_string() } else { list.join(",") }));
    }
    if f.urgent_first {
        clauses.push("due_date IS NOT NULL".to_string());
    }
    let sql = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
    (sql, args)
}

/// Cursor: `received_at` and `id` of the last item of the previous page.
fn encode_cursor(received_at: &str, id: i64) -> String {
    format!("{received_at}~{id}")
}

fn decode_cursor(c: &str) -> Result<(String, i64)> {
    let (r, id) = c.rsplit_once('~').ok_or(Error::InvalidCursor)?;
    let id: i64 = id.parse().map_err(|_| Error::InvalidCursor)?;
    if chrono::NaiveDateTime::parse_from_str(r, "%Y-%m-%dT%H:%M:%S").is_err()
        && chrono::NaiveDate::parse_from_str(r, "%Y-%m-%d").is_err()
    {
        return Err(Error::InvalidCursor);
    }
    Ok((r.to_string(), id))
}

impl Store for SqliteStore {
    fn upsert(&self, complaint: &Complaint, actor: &str) -> Result<(ComplaintId, UpsertOutcome)> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let mut deltas = StatDeltas::new();
            let mut audit = AuditWriter::start(&tx)?;
            let p = crate::PreparedComplaint::new(complaint.clone())?;
            let out = upsert_tx(&tx, &p, &now(), actor, None, &mut deltas, &mut audit, CreateAudit::PerRow)?;
            apply_deltas(&tx, &deltas)?;
            tx.commit()?;
            Ok(out)
        })
    }

    fn begin_import(&self, source_name: &str, fingerprint: &str, format: &str) -> Result<ImportRun> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let existing = tx
                .query_row(
                    &format!("{SELECT_RUN} WHERE fingerprint = ?1 AND status = 'running' ORDER BY id DESC LIMIT 1"),
                    params![fingerprint],
                    run_from_row,
                )
                .optional()?;
            let run = match existing {
                Some(r) => r,
                None => {
                    tx.execute(
                        "INSERT INTO import_runs (source_name, fingerprint, format, status, started_at, rows_done,
                           read_count, created_count, updated_count, unchanged_count, rejected_count, warning_count)
                         VALUES (?1, ?2, ?3, 'running', ?4, 0, 0, 0, 0, 0, 0, 0)",
                        params![source_name, fingerprint, format, now()],
                    )?;
                    let id = tx.last_insert_rowid();
                    tx.query_row(&format!("{SELECT_RUN} WHERE id = ?1"), params![id], run_from_row)?
                }
            };
            tx.commit()?;
            Ok(run)
        })
    }

    fn commit_batch(&self, run_id: i64, batch: &ImportBatch) -> Result<ImportCounts> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let actor = format!("import:{run_id}");
            let mut counts = ImportCounts { read: batch.read, rejected: batch.rejected, ..Default::default() };
            let mut deltas = StatDeltas::new();
            let mut audit = AuditWriter::start(&tx)?;
            let ts = now();
            // Creations of one batch get consecutive ids (one writer, one transaction), so one
            // 'create_range' audit row covers them all.
            let mut created: Option<(i64, i64)> = None;
            for c in &batch.complaints {
                let (id, outcome) =
                    upsert_tx(&tx, c, &ts, &actor, Some(run_id), &mut deltas, &mut audit, CreateAudit::Range)?;
                match outcome {
                    UpsertOutcome::Created => {
                        counts.created += 1;
                        created = match created {
                            None => Some((id.0, id.0)),
                            Some((first, last)) if id.0 == last + 1 => Some((first, id.0)),
                            Some(_) => return Err(Error::Database("ids of one import batch are not consecutive".into())),
                        };
                    }
                    UpsertOutcome::Updated => counts.updated += 1,
                    UpsertOutcome::Unchanged => counts.unchanged += 1,
                }
            }
            if let Some((first, last)) = created {
                let (last_s, reason) = (last.to_string(), format!("{} complaints created", last - first + 1));
                audit.append(
                    &tx,
                    &Entry {
                        complaint_id: first,
                        at: &ts,
                        actor: &actor,
                        action: "create_range",
                        field: None,
                        before: None,
                        after: Some(&last_s),
                        reason: Some(&reason),
                        run: Some(run_id),
                    },
                )?;
            }
            apply_deltas(&tx, &deltas)?;
            for e in &batch.errors {
                if e.severity == Severity::Warning {
                    counts.warnings += 1;
                }
                tx.prepare_cached(
                    "INSERT INTO import_errors (run_id, file, row_number, column_name, value, reason, severity)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![run_id, e.file, e.row as i64, e.column, e.value, e.reason, e.severity.code()])?;
            }
            let changed = tx.execute(
                "UPDATE import_runs SET rows_done = ?2, read_count = read_count + ?3, created_count = created_count + ?4,
                   updated_count = updated_count + ?5, unchanged_count = unchanged_count + ?6,
                   rejected_count = rejected_count + ?7, warning_count = warning_count + ?8
                 WHERE id = ?1 AND status = 'running'",
                params![
                    run_id,
                    batch.rows_done as i64,
                    counts.read as i64,
                    counts.created as i64,
                    counts.updated as i64,
                    counts.unchanged as i64,
                    counts.rejected as i64,
                    counts.warnings as i64
                ],
            )?;
            if changed != 1 {
                return Err(Error::Conflict(format!("import run {run_id} is not running")));
            }
            tx.commit()?;
            Ok(counts)
        })
    }

    fn finish_import(&self, run_id: i64) -> Result<ImportRun> {
        self.write(|conn| {
            conn.execute(
                "UPDATE import_runs SET status = 'finished', finished_at = ?2 WHERE id = ?1 AND status = 'running'",
                params![run_id, now()],
            )?;
            conn.query_row(&format!("{SELECT_RUN} WHERE id = ?1"), params![run_id], run_from_row)
                .optional()?
                .ok_or(Error::NotFound)
        })
    }

    fn import_errors(&self, run_id: i64) -> Result<Vec<RowError>> {
        self.read(|c| {
            all(
                c,
                "SELECT file, row_number, column_name, value, reason, severity FROM import_errors
                 WHERE run_id = ?1 ORDER BY row_number, id",
                params![run_id],
                |r| {
                    let sev: String = r.get(5)?;
                    Ok(RowError {
                        file: r.get(0)?,
                        row: r.get::<_, i64>(1)?.max(0) as u64,
                        column: r.get(2)?,
                        value: r.get(3)?,
                        reason: r.get(4)?,
                        severity: if sev == "warning" { Severity::Warning } else { Severity::Error },
                    })
                },
            )
        })
    }

    fn import_run(&self, run_id: i64) -> Result<Option<ImportRun>> {
        self.read(|c| {
            Ok(c.query_row(&format!("{SELECT_RUN} WHERE id = ?1"), params![run_id], run_from_row).optional()?)
        })
    }

    fn get(&self, id: ComplaintId) -> Result<Option<StoredComplaint>> {
        self.read(|c| {
            let t = c.query_row(&format!("{SELECT_STORED} WHERE id = ?1"), params![id.0], row_to_stored).optional()?;
            t.map(to_stored).transpose()
        })
    }

    fn find_by_ref(&self, source: &str, external_ref: &str) -> Result<Option<StoredComplaint>> {
        self.read(|c| {
            let t = c
                .query_row(
                    &format!("{SELECT_STORED} WHERE source = ?1 AND external_ref = ?2"),
                    params![source, external_ref],
                    row_to_stored,
                )
                .optional()?;
            t.map(to_stored).transpose()
        })
    }

    fn list(&self, filter: &ComplaintFilter, cursor: Option<&str>, limit: u32) -> Result<Page> {
        let limit = limit.clamp(1, 1000);
        let (mut sql, mut args) = filter_sql(filter);
        if let Some(cur) = cursor {
            let (r, id) = decode_cursor(cur)?;
            args.push(r);
            let a = args.len();
            args.push(id.to_string());
            let b = args.len();
            let op = if filter.oldest_first || filter.urgent_first { ">" } else { "<" };
            let key = if filter.urgent_first { "due_date" } else { "received_at" };
            // A row-value comparison, so that the ordering index serves the range.
            let clause = format!("({key}, id) {op} (?{a}, CAST(?{b} AS INTEGER))");
            sql = if sql.is_empty() { format!(" WHERE {clause}") } else { format!("{sql} AND {clause}") };
        }
        let order = if filter.urgent_first {
            "due_date ASC, id ASC"
        } else if filter.oldest_first {
            "received_at ASC, id ASC"
        } else {
            "received_at DESC, id DESC"
        };
        let query = format!("{SELECT_STORED}{sql} ORDER BY {order} LIMIT {}", limit + 1);
        self.read(|c| {
            let mut st = c.prepare(&query)?;
            let rows = st.query_map(params_from_iter(args.iter()), row_to_stored)?;
            let mut raw = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            let more = raw.len() > limit as usize;
            raw.truncate(limit as usize);
            let next_cursor = if more {
                raw.last().map(|t| {
                    let key = if filter.urgent_first {
                        t.due_date.clone().unwrap_or_default()
                    } else {
                        t.received_at.clone()
                    };
                    encode_cursor(&key, t.id)
                })
            } else {
                None
            };
            let items = raw.into_iter().map(to_stored).collect::<Result<Vec<_>>>()?;
            Ok(Page { items, next_cursor })
        })
    }

    fn count(&self, filter: &ComplaintFilter) -> Result<u64> {
        if let Some(n) = self.count_from_stats(filter)? {
            return Ok(n);
        }
        let (sql, args) = filter_sql(filter);
        self.read(|c| {
            let n: i64 =
                c.query_row(&format!("SELECT COUNT(*) FROM complaints{sql}"), params_from_iter(args.iter()), |r| {
                    r.get(0)
                })?;
            Ok(n.max(0) as u64)
        })
    }

    fn assign_many(&self, ids: &[ComplaintId], assignee: Option<&str>, team: Option<&str>, actor: &str) -> Result<()> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let ts = now();
            let mut audit = AuditWriter::start(&tx)?;
            for id in ids {
                let old: Option<(Option<String>, Option<String>)> = tx
                    .prepare_cached("SELECT assignee, team FROM complaints WHERE id = ?1")?
                    .query_row(params![id.0], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let (old_a, old_t) = old.ok_or(Error::NotFound)?;
                for (field, before, after) in [("assignee", old_a, assignee), ("team", old_t, team)] {
                    if before.as_deref() != after {
                        audit.append(
                            &tx,
                            &Entry {
                                complaint_id: id.0,
                                at: &ts,
                                actor,
                                action: "assign",
                                field: Some(field),
                                before: before.as_deref(),
                                after,
                                reason: None,
                                run: None,
                            },
                        )?;
                    }
                }
                tx.prepare_cached(
                    "UPDATE complaints SET assignee = ?2, team = ?3, version = version + 1 WHERE id = ?1",
                )?
                .execute(params![id.0, assignee, team])?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn dim_values(&self, dim: StatDim, limit: u32) -> Result<Vec<(String, u64)>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT value, SUM(n) FROM daily_stats WHERE dim = ?1 GROUP BY value HAVING SUM(n) > 0
                 ORDER BY SUM(n) DESC, value LIMIT ?2",
            )?;
            let rows =
                st.query_map(params![dim.code(), limit], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn daily_counts(&self, dim: StatDim, from: &str, to: &str) -> Result<Vec<DayCount>> {
        self.read(|c| {
            all(c, "SELECT day, value, n FROM daily_stats WHERE dim = ?1 AND day >= ?2 AND day <= ?3 AND n <> 0 ORDER BY day, value", params![dim.code(), from, to], |r| {
                Ok(DayCount { day: r.get(0)?, value: r.get(1)?, n: r.get::<_, i64>(2)?.max(0) as u64 })
            })
        })
    }

    fn transition(&self, id: ComplaintId, expected_version: i64, change: &StateChange, actor: &str) -> Result<i64> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let (version, state) = current(&tx, id)?;
            if version != expected_version {
                return Err(Error::Conflict(format!(
                    "complaint {} is at version {version}, not {expected_version}: reload and try again",
                    id.0
                )));
            }
            let ts = now();
            tx.execute(
                "UPDATE complaints SET state = ?2, merged_into = COALESCE(?3, merged_into), version = version + 1,
                   updated_at = ?4 WHERE id = ?1",
                params![id.0, change.to, change.merged_into.map(|m| m.0), ts],
            )?;
            let day: String =
                tx.query_row("SELECT substr(received_at, 1, 10) FROM complaints WHERE id = ?1", params![id.0], |r| {
                    r.get(0)
                })?;
            let mut deltas = StatDeltas::new();
            deltas.add(&day, "state", &state, -1);
            deltas.add(&day, "state", &change.to, 1);
            apply_deltas(&tx, &deltas)?;
            // The step is also an event, so that clocks see when each state was entered.
            let data = serde_json::json!({"action": change.action, "from": state, "to": change.to}).to_string();
            tx.execute(
                "INSERT INTO complaint_events (complaint_id, kind, on_date, recorded_at, actor, reason, data)
                 VALUES (?1, 'transition', ?2, ?3, ?4, ?5, ?6)",
                params![id.0, &ts[..10], ts, actor, change.reason, data],
            )?;
            let mut audit = AuditWriter::start(&tx)?;
            audit.append(
                &tx,
                &Entry {
                    complaint_id: id.0,
                    at: &ts,
                    actor,
                    action: &format!("transition:{}", change.action),
                    field: Some("state"),
                    before: Some(&state),
                    after: Some(&change.to),
                    reason: change.reason.as_deref(),
                    run: None,
                },
            )?;
            if let Some(m) = change.merged_into {
                audit.append(
                    &tx,
                    &Entry {
                        complaint_id: id.0,
                        at: &ts,
                        actor,
                        action: "merge",
                        field: Some("merged_into"),
                        before: None,
                        after: Some(&m.0.to_string()),
                        reason: change.reason.as_deref(),
                        run: None,
                    },
                )?;
            }
            tx.commit()?;
            Ok(version + 1)
        })
    }

    fn add_event(&self, id: ComplaintId, expected_version: i64, ev: &NewEvent, actor: &str) -> Result<i64> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let (version, _) = current(&tx, id)?;
            if version != expected_version {
                return Err(Error::Conflict(format!(
                    "complaint {} is at version {version}, not {expected_version}: reload and try again",
                    id.0
                )));
            }
            let ts = now();
            let data = serde_json::to_string(&ev.data).map_err(|e| Error::Database(e.to_string()))?;
            tx.execute(
                "INSERT INTO complaint_events (complaint_id, kind, on_date, recorded_at, actor, reason, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id.0, ev.kind, ev.on_date, ts, actor, ev.reason, data],
            )?;
            tx.execute(
                "UPDATE complaints SET version = version + 1, updated_at = ?2 WHERE id = ?1",
                params![id.0, ts],
            )?;
            let mut audit = AuditWriter::start(&tx)?;
            let after = format!("{} {}", ev.on_date, data);
            audit.append(
                &tx,
                &Entry {
                    complaint_id: id.0,
                    at: &ts,
                    actor,
                    action: &format!("event:{}", ev.kind),
                    field: None,
                    before: None,
                    after: Some(&after),
                    reason: ev.reason.as_deref(),
                    run: None,
                },
            )?;
            tx.commit()?;
            Ok(version + 1)
        })
    }

    fn events(&self, id: ComplaintId) -> Result<Vec<EventRecord>> {
        self.read(|c| events_of(c, id.0))
    }

    fn analysis_inputs(&self, version: &str, only_stale: bool, after: i64, limit: u32) -> Result<Vec<AnalysisInput>> {
        let stale = if only_stale {
            " AND (analysis_for IS NULL OR analysis_for <> content_hash OR json_extract(analysis, '$.version') IS NOT ?3)"
        } else {
            " AND ?3 IS NOT NULL"
        };
        self.read(|c| {
            all(
                c,
                &format!(
                    "SELECT id, text, substr(received_at, 1, 10) FROM complaints WHERE id > ?1{stale} ORDER BY id LIMIT ?2"
                ),
                params![after, limit, version],
                |r| Ok(AnalysisInput { id: ComplaintId(r.get(0)?), text: r.get(1)?, day: r.get(2)? }),
            )
        })
    }

    fn save_analyses(&self, items: &[AnalysisSummary]) -> Result<()> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let mut deltas = StatDeltas::new();
            for a in items {
                let old: Option<(Option<String>, String)> = tx
                    .prepare_cached("SELECT analysis, substr(received_at, 1, 10) FROM complaints WHERE id = ?1")?
                    .query_row(params![a.id.0], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let Some((old, day)) = old else { continue };
                if let Some(old) = old.and_then(|o| serde_json::from_str::<serde_json::Value>(&o).ok()) {
                    for (dim, key) in [("threat", "threats"), ("emotion", "emotions")] {
                        for v in old.get(key).and_then(|v| v.as_array()).into_iter().flatten() {
                            if let Some(code) = v.as_str() {
                                deltas.add(&day, dim, code, -1);
                            }
                        }
                    }
                }
                for (dim, key) in [("threat", "threats"), ("emotion", "emotions")] {
                    for v in a.summary.get(key).and_then(|v| v.as_array()).into_iter().flatten() {
                        if let Some(code) = v.as_str() {
                            deltas.add(&day, dim, code, 1);
                        }
                    }
                }
                let json = serde_json::to_string(&a.summary).map_err(|e| Error::Database(e.to_string()))?;
                tx.prepare_cached("UPDATE complaints SET analysis = ?2, analysis_for = content_hash WHERE id = ?1")?
                    .execute(params![a.id.0, json])?;
            }
            apply_deltas(&tx, &deltas)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn set_due_dates(&self, due: &[(ComplaintId, Option<String>)]) -> Result<()> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let mut deltas = StatDeltas::new();
            for (id, d) in due {
                let old: Option<String> = tx
                    .prepare_cached("SELECT due_date FROM complaints WHERE id = ?1")?
                    .query_row(params![id.0], |r| r.get(0))
                    .optional()?
                    .flatten();
                if &old == d {
                    continue;
                }
                tx.prepare_cached("UPDATE complaints SET due_date = ?2 WHERE id = ?1")?.execute(params![id.0, d])?;
                if let Some(o) = old {
                    deltas.add(&o, "due", "", -1);
                }
                if let Some(n) = d {
                    deltas.add(n, "due", "", 1);
                }
            }
            apply_deltas(&tx, &deltas)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn clock_inputs(
        &self,
        states: &[String],
        without_due: bool,
        after: i64,
        limit: u32,
    ) -> Result<Vec<(StoredComplaint, Vec<EventRecord>)>> {
        let list: Vec<String> = states
            .iter()
            .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(|s| format!("'{s}'"))
            .collect();
        let in_list = if list.is_empty() { "''".to_string() } else { list.join(",") };
        self.read(|c| {
            let due = if without_due { " AND due_date IS NULL" } else { "" };
            let mut st = c.prepare(&format!(
                "{SELECT_STORED} WHERE id > ?1 AND state IN ({in_list}){due} ORDER BY id LIMIT ?2"
            ))?;
            let raw = st.query_map(params![after, limit], row_to_stored)?.collect::<rusqlite::Result<Vec<_>>>()?;
            with_events(c, raw)
        })
    }

    fn changes(&self, id: ComplaintId) -> Result<Vec<ChangeRecord>> {
        self.read(|c| {
            // A creation by import is one 'create_range' row for the whole batch.
            let range: Option<ChangeRecord> = c
                .prepare_cached(
                    "SELECT id, at, actor, action, import_run_id, after_value, reason FROM audit_log
                     WHERE action = 'create_range' AND complaint_id <= ?1 ORDER BY complaint_id DESC LIMIT 1",
                )?
                .query_row(params![id.0], |r| {
                    let last: Option<String> = r.get(5)?;
                    Ok((
                        last.and_then(|l| l.parse::<i64>().ok()),
                        ChangeRecord {
                            id: r.get(0)?,
                            changed_at: r.get(1)?,
                            actor: r.get(2)?,
                            action: "create".to_string(),
                            import_run_id: r.get(4)?,
                            field: None,
                            before: None,
                            after: None,
                            reason: r.get(6)?,
                        },
                    ))
                })
                .optional()?
                .and_then(|(last, rec)| (last.is_some_and(|l| l >= id.0)).then_some(rec));
            let mut out = all(
                c,
                "SELECT id, at, actor, action, import_run_id, field, before_value, after_value, reason FROM audit_log
                 WHERE complaint_id = ?1 AND action <> 'create_range' ORDER BY id",
                params![id.0],
                |r| {
                    Ok(ChangeRecord {
                        id: r.get(0)?,
                        changed_at: r.get(1)?,
                        actor: r.get(2)?,
                        action: r.get(3)?,
                        import_run_id: r.get(4)?,
                        field: r.get(5)?,
                        before: r.get(6)?,
                        after: r.get(7)?,
                        reason: r.get(8)?,
                    })
                },
            )?;
            if let Some(r) = range {
                out.push(r);
                out.sort_by_key(|r| r.id);
            }
            Ok(out)
        })
    }

    fn audit_verify(&self) -> Result<AuditReport> {
        self.read(|c| {
            let mut st = c.prepare(
                "SELECT id, complaint_id, at, actor, action, field, before_value, after_value, reason, import_run_id,
                   prev_hash, hash FROM audit_log ORDER BY id",
            )?;
            let mut rows = st.query([])?;
            let mut prev = GENESIS.to_string();
            let mut n: u64 = 0;
            let mut first_broken = None;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let (at, actor, action): (String, String, String) = (r.get(2)?, r.get(3)?, r.get(4)?);
                let (field, before, after, reason): (Option<String>, Option<String>, Option<String>, Option<String>) =
                    (r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?);
                let e = Entry {
                    complaint_id: r.get(1)?,
                    at: &at,
                    actor: &actor,
                    action: &action,
                    field: field.as_deref(),
                    before: before.as_deref(),
                    after: after.as_deref(),
                    reason: reason.as_deref(),
                    run: r.get(9)?,
                };
                let stored_prev: String = r.get(10)?;
                let stored_hash: String = r.get(11)?;
                n += 1;
                if first_broken.is_none() {
                    if stored_prev != prev {
                        first_broken = Some((
                            id,
                            "does not follow the previous row: a row before it was removed or changed".to_string(),
                        ));
                    } else if chain_hash(id, &e, &prev) != stored_hash {
                        first_broken =
                            Some((id, "its content does not match its hash: the row was edited".to_string()));
                    }
                }
                prev = stored_hash;
            }
            Ok(AuditReport { rows: n, head: if n > 0 { Some(prev) } else { None }, first_broken })
        })
    }
}

const SELECT_USER: &str = "SELECT id, username, display_name, password_hash, role, team, lang, disabled FROM users";

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(4)?;
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        password_hash: r.get(3)?,
        role: tousu_core::Role::parse(&role).unwrap_or(tousu_core::Role::Handler),
        team: r.get(5)?,
        lang: r.get(6)?,
        disabled: r.get::<_, i64>(7)? != 0,
    })
}

impl AccountStore for SqliteStore {
    fn create_user(&self, u: &NewUser) -> Result<User> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let exists: bool =
                tx.query_row("SELECT COUNT(*) FROM users WHERE username = ?1", params![u.username], |r| {
                    r.get::<_, i64>(0)
                })? > 0;
            if exists {
                return Err(Error::Conflict(format!("user {} exists", u.username)));
            }
            tx.execute(
                "INSERT INTO users (username, display_name, password_hash, role, team, lang, disabled, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)",
                params![u.username, u.display_name, u.password_hash, u.role.code(), u.team, u.lang, now()],
            )?;
            let id = tx.last_insert_rowid();
            let user = tx.query_row(&format!("{SELECT_USER} WHERE id = ?1"), params![id], user_from_row)?;
            tx.commit()?;
            Ok(user)
        })
    }

    fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        self.read(|c| {
            Ok(c.query_row(&format!("{SELECT_USER} WHERE username = ?1"), params![username], user_from_row)
                .optional()?)
        })
    }

    fn user(&self, id: i64) -> Result<Option<User>> {
        self.read(|c| {
            Ok(c.query_row(&format!("{SELECT_USER} WHERE id = ?1"), params![id], user_from_row).optional()?)
        })
    }

    fn users(&self) -> Result<Vec<User>> {
        self.read(|c| all(c, &format!("{SELECT_USER} ORDER BY username"), [], user_from_row))
    }

    fn set_user_lang(&self, id: i64, lang: &str) -> Result<()> {
        self.write(|c| {
            c.execute("UPDATE users SET lang = ?2 WHERE id = ?1", params![id, lang])?;
            Ok(())
        })
    }

    fn set_password(&self, id: i64, password_hash: &str) -> Result<()> {
        self.write(|c| {
            c.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![id, password_hash])?;
            Ok(())
        })
    }

    fn create_session(&self, token_hash: &str, user_id: i64, csrf_token: &str, expires_at: &str) -> Result<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_hash, user_id, csrf_token, now(), expires_at],
            )?;
            Ok(())
        })
    }

    fn session(&self, token_hash: &str, now_ts: &str) -> Result<Option<(User, String)>> {
        self.read(|c| {
            let row: Option<(i64, String)> = c
                .query_row(
                    "SELECT user_id, csrf_token FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
                    params![token_hash, now_ts],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((uid, csrf)) = row else { return Ok(None) };
            let user = c.query_row(&format!("{SELECT_USER} WHERE id = ?1"), params![uid], user_from_row).optional()?;
            Ok(user.filter(|u| !u.disabled).map(|u| (u, csrf)))
        })
    }

    fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.write(|c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?1", params![token_hash])?;
            Ok(())
        })
    }

    fn create_api_token(&self, token_hash: &str, user_id: i64, name: &str) -> Result<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, user_id, name, now()],
            )?;
            Ok(())
        })
    }

    fn api_token_user(&self, token_hash: &str) -> Result<Option<User>> {
        self.read(|c| {
            let u = c
                .query_row(
                    &format!("{SELECT_USER} WHERE id = (SELECT user_id FROM api_tokens WHERE token_hash = ?1)"),
                    params![token_hash],
                    user_from_row,
                )
                .optional()?;
            Ok(u.filter(|u| !u.disabled))
        })
    }

    fn log_unmask(&self, user_id: i64, complaint: ComplaintId, field: &str, reason: &str) -> Result<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO unmask_log (user_id, complaint_id, field, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![user_id, complaint.0, field, reason, now()],
            )?;
            Ok(())
        })
    }

    fn unmask_log(&self, complaint: ComplaintId) -> Result<Vec<UnmaskRecord>> {
        self.read(|c| {
            all(
                c,
                "SELECT u.username, l.complaint_id, l.field, l.reason, l.at FROM unmask_log l
                 JOIN users u ON u.id = l.user_id WHERE l.complaint_id = ?1 ORDER BY l.id",
                params![complaint.0],
                |r| {
                    Ok(UnmaskRecord {
                        username: r.get(0)?,
                        complaint_id: r.get(1)?,
                        field: r.get(2)?,
                        reason: r.get(3)?,
                        at: r.get(4)?,
                    })
                },
            )
        })
    }
}
