//! SQLite implementation of [`crate::AssessStore`].

use super::{
    AuditWriter, Entry, SELECT_STORED, SqliteStore, StatDeltas, all, apply_deltas, now, row_to_stored, to_stored,
};
use crate::{
    ApprovalRecord, ApprovalStatus, AssessmentSummary, ComplaintFilter, ComplaintId, ConcessionRecord, Error,
    EventRecord, NewApproval, NewConcession, Page, PlanRecord, Result, StoredAssessment, StoredComplaint,
};
use rusqlite::{OptionalExtension, Transaction, params, params_from_iter};
use tousu_core::{Currency, Money};

/// Sort rank of a grade code (`-1`: unknown / not assessed).
fn rank(grade: &str) -> i64 {
    match grade {
        "low" => 0,
        "medium" => 1,
        "high" => 2,
        "critical" => 3,
        _ => -1,
    }
}

/// What an assessment was computed from: the complaint (content and version), its text
/// analysis (lexicon version) and its person's facts (fingerprint). Any change makes it stale.
const CURRENT_FOR: &str = "content_hash || '/' || CAST(version AS TEXT)
    || '/' || COALESCE(json_extract(analysis, '$.version'), '')
    || '/' || COALESCE((SELECT p.fingerprint FROM person_of o JOIN persons p ON p.id = o.person_id
                        WHERE o.complaint_id = complaints.id), '')";

fn money(minor: i64, currency: &str) -> rusqlite::Result<Money> {
    let c = Currency::from_code(currency).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, format!("currency {currency}").into())
    })?;
    Ok(Money::new(minor, c))
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or(serde_json::Value::Null)
}

fn to_json(v: &serde_json::Value) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Database(e.to_string()))
}

const SELECT_PLAN: &str =
    "SELECT id, complaint_id, created_at, actor, input, plan, needs_approval FROM negotiation_plans";

fn plan_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PlanRecord> {
    let (input, plan): (String, String) = (r.get(4)?, r.get(5)?);
    Ok(PlanRecord {
        id: r.get(0)?,
        complaint_id: ComplaintId(r.get(1)?),
        created_at: r.get(2)?,
        actor: r.get(3)?,
        input: json(&input),
        plan: json(&plan),
        needs_approval: r.get::<_, i64>(6)? != 0,
    })
}

const SELECT_APPROVAL: &str = "SELECT id, complaint_id, plan_id, total_minor, goodwill_minor, currency, reason,
    requested_by, requested_at, status, decided_by, decided_at, note FROM approvals";

fn approval_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApprovalRecord> {
    let currency: String = r.get(5)?;
    let status: String = r.get(9)?;
    Ok(ApprovalRecord {
        id: r.get(0)?,
        complaint_id: ComplaintId(r.get(1)?),
        plan_id: r.get(2)?,
        total: money(r.get(3)?, &currency)?,
        goodwill: money(r.get(4)?, &currency)?,
        reason: r.get(6)?,
        requested_by: r.get(7)?,
        requested_at: r.get(8)?,
        status: ApprovalStatus::parse(&status).unwrap_or(ApprovalStatus::Pending),
        decided_by: r.get(10)?,
        decided_at: r.get(11)?,
        note: r.get(12)?,
    })
}

const SELECT_CONCESSION: &str =
    "SELECT id, complaint_id, kind, amount_minor, currency, description, approval_id, actor, at FROM concessions";

fn concession_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConcessionRecord> {
    let currency: String = r.get(4)?;
    Ok(ConcessionRecord {
        id: r.get(0)?,
        complaint_id: ComplaintId(r.get(1)?),
        kind: r.get(2)?,
        amount: money(r.get(3)?, &currency)?,
        description: r.get(5)?,
        approval_id: r.get(6)?,
        actor: r.get(7)?,
        at: r.get(8)?,
    })
}

fn exists(tx: &Transaction<'_>, id: ComplaintId) -> Result<()> {
    let n: i64 = tx.query_row("SELECT COUNT(*) FROM complaints WHERE id = ?1", params![id.0], |r| r.get(0))?;
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[allow(clippy::too_many_arguments)]
fn audit(
    tx: &Transaction<'_>,
    id: ComplaintId,
    at: &str,
    actor: &str,
    action: &str,
    field: Option<&str>,
    before: Option<&str>,
    after: Option<&str>,
    reason: Option<&str>,
) -> Result<()> {
    let mut w = AuditWriter::start(tx)?;
    w.append(tx, &Entry { complaint_id: id.0, at, actor, action, field, before, after, reason, run: None })
}

/// Cursor of the risk order: `rank~received_at~id`.
fn decode_risk_cursor(c: &str) -> Result<(i64, String, i64)> {
    let mut it = c.splitn(3, '~');
    let (Some(r), Some(at), Some(id)) = (it.next(), it.next(), it.next()) else { return Err(Error::InvalidCursor) };
    let r: i64 = r.parse().map_err(|_| Error::InvalidCursor)?;
    let id: i64 = id.parse().map_err(|_| Error::InvalidCursor)?;
    if chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S").is_err() {
        return Err(Error::InvalidCursor);
    }
    Ok((r, at.to_string(), id))
}

impl crate::AssessStore for SqliteStore {
    fn save_assessments(&self, items: &[AssessmentSummary]) -> Result<()> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let mut deltas = StatDeltas::new();
            for a in items {
                let old: Option<(Option<String>, String)> = tx
                    .prepare_cached("SELECT grade, substr(received_at, 1, 10) FROM complaints WHERE id = ?1")?
                    .query_row(params![a.id.0], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let Some((old, day)) = old else { continue };
                if old.as_deref() != Some(a.grade.as_str()) {
                    if let Some(o) = old {
                        deltas.add(&day, "grade", &o, -1);
                    }
                    deltas.add(&day, "grade", &a.grade, 1);
                }
                let summary = to_json(&a.summary)?;
                tx.prepare_cached(&format!(
                    "UPDATE complaints SET grade = ?2, grade_rank = ?3, assessment = ?4, assessment_for = {CURRENT_FOR}
                     WHERE id = ?1"
                ))?
                .execute(params![a.id.0, a.grade, rank(&a.grade), summary])?;
            }
            apply_deltas(&tx, &deltas)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn assessment(&self, id: ComplaintId) -> Result<Option<StoredAssessment>> {
        self.read(|c| {
            let row: Option<(Option<String>, Option<String>, i64)> = c
                .prepare_cached(&format!(
                    "SELECT grade, assessment, CASE WHEN assessment_for = {CURRENT_FOR} THEN 1 ELSE 0 END
                     FROM complaints WHERE id = ?1"
                ))?
                .query_row(params![id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            Ok(row.and_then(|(g, a, cur)| {
                Some(StoredAssessment { grade: g?, summary: json(&a.unwrap_or_default()), current: cur == 1 })
            }))
        })
    }

    fn assessment_inputs(
        &self,
        only_stale: bool,
        after: i64,
        limit: u32,
    ) -> Result<Vec<(StoredComplaint, Vec<EventRecord>)>> {
        let stale = if only_stale {
            format!(" AND (assessment_for IS NULL OR assessment_for <> {CURRENT_FOR})")
        } else {
            String::new()
        };
        self.read(|c| {
            let mut st = c.prepare_cached(&format!("{SELECT_STORED} WHERE id > ?1{stale} ORDER BY id LIMIT ?2"))?;
            let raw = st.query_map(params![after, limit], row_to_stored)?.collect::<rusqlite::Result<Vec<_>>>()?;
            super::with_events(c, raw)
        })
    }

    fn grades(&self, ids: &[ComplaintId]) -> Result<Vec<(ComplaintId, String)>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT grade FROM complaints WHERE id = ?1 AND grade IS NOT NULL")?;
            let mut out = Vec::new();
            for id in ids {
                if let Some(g) = st.query_row(params![id.0], |r| r.get::<_, String>(0)).optional()? {
                    out.push((*id, g));
                }
            }
            Ok(out)
        })
    }

    fn list_by_risk(&self, filter: &ComplaintFilter, cursor: Option<&str>, limit: u32) -> Result<Page> {
        let limit = limit.clamp(1, 1000);
        let plain = ComplaintFilter { oldest_first: false, urgent_first: false, ..filter.clone() };
        let (mut sql, mut args) = super::filter_sql(&plain);
        if let Some(cur) = cursor {
            let (r, at, id) = decode_risk_cursor(cur)?;
            let base = args.len();
            args.push(r.to_string());
            args.push(at);
            args.push(id.to_string());
            let clause = format!(
                "(grade_rank, received_at, id) < (CAST(?{} AS INTEGER), ?{}, CAST(?{} AS INTEGER))",
                base + 1,
                base + 2,
                base + 3
            );
            sql = if sql.is_empty() { format!(" WHERE {clause}") } else { format!("{sql} AND {clause}") };
        }
        let query = format!(
            "SELECT id, grade_rank, received_at FROM complaints{sql}
             ORDER BY grade_rank DESC, received_at DESC, id DESC LIMIT {}",
            limit + 1
        );
        self.read(|c| {
            let mut st = c.prepare(&query)?;
            let keys = st
                .query_map(params_from_iter(args.iter()), |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let more = keys.len() > limit as usize;
            let keys = &keys[..keys.len().min(limit as usize)];
            let next_cursor = if more { keys.last().map(|(id, r, at)| format!("{r}~{at}~{id}")) } else { None };
            let mut one = c.prepare_cached(&format!("{SELECT_STORED} WHERE id = ?1"))?;
            let mut items = Vec::with_capacity(keys.len());
            for (id, _, _) in keys {
                if let Some(t) = one.query_row(params![id], row_to_stored).optional()? {
                    items.push(to_stored(t)?);
                }
            }
            Ok(Page { items, next_cursor })
        })
    }

    fn save_plan(
        &self,
        id: ComplaintId,
        input: &serde_json::Value,
        plan: &serde_json::Value,
        needs_approval: bool,
        actor: &str,
    ) -> Result<PlanRecord> {
        let (input_s, plan_s) = (to_json(input)?, to_json(plan)?);
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            exists(&tx, id)?;
            let ts = now();
            tx.execute(
                "INSERT INTO negotiation_plans (complaint_id, created_at, actor, input, plan, needs_approval)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id.0, ts, actor, input_s, plan_s, needs_approval as i64],
            )?;
            let pid = tx.last_insert_rowid();
            let after = format!("plan #{pid}");
            audit(&tx, id, &ts, actor, "negotiation_plan", None, None, Some(&after), None)?;
            let rec = tx.query_row(&format!("{SELECT_PLAN} WHERE id = ?1"), params![pid], plan_row)?;
            tx.commit()?;
            Ok(rec)
        })
    }

    fn plans(&self, id: ComplaintId) -> Result<Vec<PlanRecord>> {
        self.read(|c| all(c, &format!("{SELECT_PLAN} WHERE complaint_id = ?1 ORDER BY id"), params![id.0], plan_row))
    }

    fn request_approval(&self, id: ComplaintId, req: &NewApproval, actor: &str) -> Result<ApprovalRecord> {
        if req.total.currency != req.goodwill.currency {
            return Err(Error::Conflict("offer and goodwill are in different currencies".into()));
        }
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            exists(&tx, id)?;
            if let Some(p) = req.plan_id {
                let n: i64 = tx.query_row(
                    "SELECT COUNT(*) FROM negotiation_plans WHERE id = ?1 AND complaint_id = ?2",
                    params![p, id.0],
                    |r| r.get(0),
                )?;
                if n == 0 {
                    return Err(Error::NotFound);
                }
            }
            let ts = now();
            tx.execute(
                "INSERT INTO approvals (complaint_id, plan_id, total_minor, goodwill_minor, currency, reason,
                   requested_by, requested_at, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending')",
                params![
                    id.0,
                    req.plan_id,
                    req.total.minor,
                    req.goodwill.minor,
                    req.total.currency.code(),
                    req.reason,
                    actor,
                    ts
                ],
            )?;
            let aid = tx.last_insert_rowid();
            let after = format!("#{aid} {} (goodwill {})", req.total.display(), req.goodwill.display());
            audit(&tx, id, &ts, actor, "approval_request", None, None, Some(&after), Some(&req.reason))?;
            let rec = tx.query_row(&format!("{SELECT_APPROVAL} WHERE id = ?1"), params![aid], approval_row)?;
            tx.commit()?;
            Ok(rec)
        })
    }

    fn decide_approval(
        &self,
        approval_id: i64,
        grant: bool,
        note: Option<&str>,
        actor: &str,
    ) -> Result<ApprovalRecord> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let rec = tx
                .query_row(&format!("{SELECT_APPROVAL} WHERE id = ?1"), params![approval_id], approval_row)
                .optional()?
                .ok_or(Error::NotFound)?;
            if rec.status != ApprovalStatus::Pending {
                return Err(Error::Conflict(format!("approval {approval_id} is already {}", rec.status.code())));
            }
            let status = if grant { ApprovalStatus::Granted } else { ApprovalStatus::Denied };
            let ts = now();
            tx.execute(
                "UPDATE approvals SET status = ?2, decided_by = ?3, decided_at = ?4, note = ?5 WHERE id = ?1",
                params![approval_id, status.code(), actor, ts, note],
            )?;
            let field = format!("approval #{approval_id}");
            audit(
                &tx,
                rec.complaint_id,
                &ts,
                actor,
                &format!("approval_{}", status.code()),
                Some(&field),
                Some("pending"),
                Some(status.code()),
                note,
            )?;
            let rec = tx.query_row(&format!("{SELECT_APPROVAL} WHERE id = ?1"), params![approval_id], approval_row)?;
            tx.commit()?;
            Ok(rec)
        })
    }

    fn approval(&self, approval_id: i64) -> Result<Option<ApprovalRecord>> {
        self.read(|c| {
            Ok(c.query_row(&format!("{SELECT_APPROVAL} WHERE id = ?1"), params![approval_id], approval_row)
                .optional()?)
        })
    }

    fn approvals(&self, id: ComplaintId) -> Result<Vec<ApprovalRecord>> {
        self.read(|c| {
            all(c, &format!("{SELECT_APPROVAL} WHERE complaint_id = ?1 ORDER BY id"), params![id.0], approval_row)
        })
    }

    fn pending_approvals(&self, team: Option<&str>, limit: u32) -> Result<Vec<ApprovalRecord>> {
        self.read(|c| match team {
            Some(t) => all(
                c,
                &format!(
                    "{SELECT_APPROVAL} WHERE status = 'pending' AND complaint_id IN
                       (SELECT id FROM complaints WHERE team = ?1) ORDER BY id LIMIT ?2"
                ),
                params![t, limit],
                approval_row,
            ),
            None => all(
                c,
                &format!("{SELECT_APPROVAL} WHERE status = 'pending' ORDER BY id LIMIT ?1"),
                params![limit],
                approval_row,
            ),
        })
    }

    fn add_concession(&self, id: ComplaintId, con: &NewConcession, actor: &str) -> Result<ConcessionRecord> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            exists(&tx, id)?;
            if let Some(aid) = con.approval_id {
                let a = tx
                    .query_row(&format!("{SELECT_APPROVAL} WHERE id = ?1"), params![aid], approval_row)
                    .optional()?
                    .ok_or(Error::NotFound)?;
                if a.complaint_id != id {
                    return Err(Error::Conflict(format!("approval {aid} is for another complaint")));
                }
                if a.status != ApprovalStatus::Granted {
                    return Err(Error::Conflict(format!("approval {aid} is {}, not granted", a.status.code())));
                }
                if a.goodwill.currency != con.amount.currency || a.goodwill.minor < con.amount.minor {
                    return Err(Error::Conflict(format!(
                        "approval {aid} covers {} of goodwill, not {}",
                        a.goodwill.display(),
                        con.amount.display()
                    )));
                }
            }
            let ts = now();
            tx.execute(
                "INSERT INTO concessions (complaint_id, kind, amount_minor, currency, description, approval_id, actor, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id.0,
                    con.kind,
                    con.amount.minor,
                    con.amount.currency.code(),
                    con.description,
                    con.approval_id,
                    actor,
                    ts
                ],
            )?;
            let cid = tx.last_insert_rowid();
            let after = con.amount.display();
            audit(&tx, id, &ts, actor, "concession", Some(&con.kind), None, Some(&after), Some(&con.description))?;
            let rec = tx.query_row(&format!("{SELECT_CONCESSION} WHERE id = ?1"), params![cid], concession_row)?;
            tx.commit()?;
            Ok(rec)
        })
    }

    fn concessions(&self, id: ComplaintId) -> Result<Vec<ConcessionRecord>> {
        self.read(|c| {
            all(c, &format!("{SELECT_CONCESSION} WHERE complaint_id = ?1 ORDER BY id"), params![id.0], concession_row)
        })
    }

    fn person_concession_totals(&self, id: ComplaintId) -> Result<Vec<(String, Money)>> {
        self.read(|c| {
            all(
                c,
                "SELECT kind, currency, SUM(amount_minor) FROM concessions
                 WHERE complaint_id = ?1
                    OR complaint_id IN (SELECT o.complaint_id FROM person_of o
                                        WHERE o.person_id = (SELECT p.person_id FROM person_of p WHERE p.complaint_id = ?1))
                 GROUP BY kind, currency ORDER BY kind, currency",
                params![id.0],
                |r| {
                    let currency: String = r.get(1)?;
                    Ok((r.get(0)?, money(r.get(2)?, &currency)?))
                },
            )
        })
    }
}
