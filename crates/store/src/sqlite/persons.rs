//! SQLite implementation of [`crate::PersonStore`].

use super::{Entry, SqliteStore, all, decode, now};
use crate::{
    ComplaintId, Error, IdentityKey, IdentityOverride, IdentityRow, PersonLink, PersonRow, PersonSource,
    PopulationRecord, Result,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::HashMap;

/// Transitions that mean the complainant did not accept our answer.
const REJECTED: &str = "kind = 'transition' AND (data LIKE '%\"action\":\"reject_resolution\"%'
    OR data LIKE '%\"action\":\"reopen\"%')";

type RawSource = (i64, String, String, Option<String>, String);

fn source_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawSource> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_sources(rows: Vec<RawSource>, rejected: &HashMap<i64, u32>) -> Result<Vec<PersonSource>> {
    rows.into_iter()
        .map(|(id, doc, state, analysis, content_hash)| {
            Ok(PersonSource {
                id: ComplaintId(id),
                complaint: decode(&doc, String::new())?,
                state,
                content_hash,
                analysis,
                answers_rejected: rejected.get(&id).copied().unwrap_or(0),
            })
        })
        .collect()
}

fn link_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PersonLink> {
    Ok(PersonLink {
        complaint_id: ComplaintId(r.get(0)?),
        person_id: r.get(1)?,
        rule: r.get(2)?,
        confidence: r.get::<_, Option<f64>>(3)?.map(|c| c as f32),
        linked_to: r.get::<_, Option<i64>>(4)?.map(ComplaintId),
        content_hash: r.get(5)?,
    })
}

fn person_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PersonRow> {
    Ok(PersonRow {
        id: r.get(0)?,
        complaints: r.get::<_, i64>(1)? as u64,
        age_band: r.get(2)?,
        gender: r.get(3)?,
        region: r.get(4)?,
        motive: r.get(5)?,
        tags: r.get(6)?,
        summary: r.get(7)?,
        updated_at: r.get(8)?,
        fingerprint: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
    })
}

fn override_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IdentityOverride> {
    Ok(IdentityOverride {
        id: r.get(0)?,
        complaint_a: ComplaintId(r.get(1)?),
        complaint_b: ComplaintId(r.get(2)?),
        same: r.get::<_, i64>(3)? != 0,
        actor: r.get(4)?,
        reason: r.get(5)?,
        at: r.get(6)?,
    })
}

const SELECT_PERSON: &str =
    "SELECT id, complaints, age_band, gender, region, motive, tags, summary, updated_at, fingerprint FROM persons";

fn insert_links(tx: &Transaction<'_>, links: &[PersonLink]) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO person_of (complaint_id, person_id, rule, confidence, linked_to, person_for)
         VALUES (?1, ?2, ?3, ?4, ?5, COALESCE(?6, (SELECT content_hash FROM complaints WHERE id = ?1)))
         ON CONFLICT (complaint_id) DO UPDATE SET person_id = excluded.person_id, rule = excluded.rule,
           confidence = excluded.confidence, linked_to = excluded.linked_to, person_for = excluded.person_for",
    )?;
    for l in links {
        st.execute(params![
            l.complaint_id.0,
            l.person_id,
            l.rule,
            l.confidence.map(f64::from),
            l.linked_to.map(|c| c.0),
            l.content_hash
        ])?;
    }
    Ok(())
}

fn insert_keys(tx: &Transaction<'_>, keys: &[IdentityKey]) -> Result<()> {
    let mut st = tx.prepare_cached("INSERT INTO identity_keys (kind, key, complaint_id) VALUES (?1, ?2, ?3)")?;
    for k in keys {
        st.execute(params![k.kind, k.key, k.complaint_id.0])?;
    }
    Ok(())
}

fn upsert_persons<'p>(tx: &Transaction<'_>, persons: impl IntoIterator<Item = &'p PersonRow>) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO persons (id, complaints, age_band, gender, region, motive, tags, summary, updated_at, fingerprint)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET complaints = excluded.complaints, age_band = excluded.age_band,
           gender = excluded.gender, region = excluded.region, motive = excluded.motive, tags = excluded.tags,
           summary = excluded.summary, updated_at = excluded.updated_at, fingerprint = excluded.fingerprint",
    )?;
    for p in persons {
        st.execute(params![
            p.id,
            p.complaints as i64,
            p.age_band,
            p.gender,
            p.region,
            p.motive,
            p.tags,
            p.summary,
            p.updated_at,
            p.fingerprint
        ])?;
    }
    Ok(())
}

fn rejected_counts(c: &Connection, ids: &[i64]) -> Result<HashMap<i64, u32>> {
    let mut out = HashMap::new();
    let (Some(lo), Some(hi)) = (ids.iter().min(), ids.iter().max()) else { return Ok(out) };
    let mut st = c.prepare_cached(&format!(
        "SELECT complaint_id, COUNT(*) FROM complaint_events WHERE complaint_id >= ?1 AND complaint_id <= ?2
           AND {REJECTED} GROUP BY complaint_id"
    ))?;
    let rows = st.query_map(params![lo, hi], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
    for r in rows {
        let (id, n) = r?;
        out.insert(id, n as u32);
    }
    Ok(out)
}

fn opt_date(s: Option<String>) -> Option<chrono::NaiveDate> {
    s.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

impl crate::PersonStore for SqliteStore {
    fn identity_rows(&self, after: i64, limit: u32) -> Result<Vec<IdentityRow>> {
        self.read(|c| {
            all(
                c,
                "SELECT id, json_extract(doc, '$.complainant.name'), json_extract(doc, '$.complainant.resident_id'),
                   json_extract(doc, '$.complainant.phone'), json_extract(doc, '$.complainant.email'),
                   json_extract(doc, '$.complainant.address'), json_extract(doc, '$.complainant.birth_date'),
                   content_hash
                 FROM complaints WHERE id > ?1 ORDER BY id LIMIT ?2",
                params![after, limit],
                |r| {
                    Ok(IdentityRow {
                        id: ComplaintId(r.get(0)?),
                        name: r.get(1)?,
                        resident_id: r.get(2)?,
                        phone: r.get(3)?,
                        email: r.get(4)?,
                        address: r.get(5)?,
                        birth_date: opt_date(r.get(6)?),
                        content_hash: r.get(7)?,
                    })
                },
            )
        })
    }

    fn person_sources(&self, after: i64, limit: u32) -> Result<Vec<PersonSource>> {
        self.read(|c| {
            let rows = all(
                c,
                "SELECT id, doc, state, analysis, content_hash FROM complaints WHERE id > ?1 ORDER BY id LIMIT ?2",
                params![after, limit],
                source_from_row,
            )?;
            let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
            let rejected = rejected_counts(c, &ids)?;
            to_sources(rows, &rejected)
        })
    }

    fn person_sources_of(&self, ids: &[ComplaintId]) -> Result<Vec<PersonSource>> {
        self.read(|c| {
            let mut rows = Vec::with_capacity(ids.len());
            let mut st =
                c.prepare_cached("SELECT id, doc, state, analysis, content_hash FROM complaints WHERE id = ?1")?;
            for id in ids {
                if let Some(r) = st.query_row(params![id.0], source_from_row).optional()? {
                    rows.push(r);
                }
            }
            let mut rejected = HashMap::new();
            let mut ev = c.prepare_cached(&format!(
                "SELECT COUNT(*) FROM complaint_events WHERE complaint_id = ?1 AND {REJECTED}"
            ))?;
            for r in &rows {
                let n: i64 = ev.query_row(params![r.0], |x| x.get(0))?;
                if n > 0 {
                    rejected.insert(r.0, n as u32);
                }
            }
            to_sources(rows, &rejected)
        })
    }

    fn identity_candidates(&self, keys: &[(&str, i64)]) -> Result<Vec<ComplaintId>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT complaint_id FROM identity_keys WHERE key = ?2 AND kind = ?1")?;
            let mut out = Vec::new();
            for (k, v) in keys {
                for id in st.query_map(params![k, v], |r| r.get::<_, i64>(0))? {
                    out.push(ComplaintId(id?));
                }
            }
            out.sort_by_key(|c| c.0);
            out.dedup();
            Ok(out)
        })
    }

    fn persons_sharing(&self, keys: &[(&str, i64)], person: i64) -> Result<Vec<i64>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT DISTINCT p.person_id FROM identity_keys k JOIN person_of p ON p.complaint_id = k.complaint_id
                 WHERE k.key = ?2 AND k.kind = ?1 AND p.person_id <> ?3",
            )?;
            let mut seen = std::collections::BTreeSet::new();
            for (k, v) in keys {
                for p in st.query_map(params![k, v, person], |r| r.get::<_, i64>(0))? {
                    seen.insert(p?);
                }
            }
            Ok(seen.into_iter().collect())
        })
    }

    fn person_of(&self, id: ComplaintId) -> Result<Option<PersonLink>> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT complaint_id, person_id, rule, confidence, linked_to, person_for FROM person_of WHERE complaint_id = ?1",
            )?
            .query_row(params![id.0], link_from_row)
            .optional()?)
        })
    }

    fn person_members(&self, person: i64) -> Result<Vec<PersonLink>> {
        self.read(|c| {
            all(
                c,
                "SELECT complaint_id, person_id, rule, confidence, linked_to, person_for FROM person_of WHERE person_id = ?1
                 ORDER BY complaint_id",
                params![person],
                link_from_row,
            )
        })
    }

    fn person(&self, id: i64) -> Result<Option<PersonRow>> {
        self.read(|c| {
            Ok(c.prepare_cached(&format!("{SELECT_PERSON} WHERE id = ?1"))?
                .query_row(params![id], person_from_row)
                .optional()?)
        })
    }

    fn replace_persons(
        &self,
        links: &[PersonLink],
        keys: &[IdentityKey],
        persons: &mut dyn Iterator<Item = std::result::Result<PersonRow, String>>,
    ) -> Result<u64> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute_batch(
                "DELETE FROM person_of; DELETE FROM identity_keys; DELETE FROM persons;
                 DROP INDEX IF EXISTS person_of_person; DROP INDEX IF EXISTS identity_keys_value;
                 DROP INDEX IF EXISTS identity_keys_complaint;",
            )?;
            insert_links(&tx, links)?;
            insert_keys(&tx, keys)?;
            let mut n = 0u64;
            let mut batch = Vec::with_capacity(1024);
            for p in persons {
                batch.push(p.map_err(Error::Database)?);
                if batch.len() == batch.capacity() {
                    upsert_persons(&tx, &batch)?;
                    n += batch.len() as u64;
                    batch.clear();
                }
            }
            upsert_persons(&tx, &batch)?;
            n += batch.len() as u64;
            // Indexes built once over the loaded rows are much cheaper than row-by-row.
            tx.execute_batch(
                "CREATE INDEX person_of_person ON person_of (person_id, complaint_id);
                 CREATE INDEX identity_keys_value ON identity_keys (key, kind);
                 CREATE INDEX identity_keys_complaint ON identity_keys (complaint_id);",
            )?;
            tx.commit()?;
            Ok(n)
        })
    }

    fn update_persons(
        &self,
        removed: &[i64],
        links: &[PersonLink],
        keys_of: &[ComplaintId],
        keys: &[IdentityKey],
        persons: &[PersonRow],
    ) -> Result<()> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            {
                let mut del = tx.prepare_cached("DELETE FROM persons WHERE id = ?1")?;
                for p in removed {
                    del.execute(params![p])?;
                }
                let mut delk = tx.prepare_cached("DELETE FROM identity_keys WHERE complaint_id = ?1")?;
                for c in keys_of {
                    delk.execute(params![c.0])?;
                }
            }
            insert_links(&tx, links)?;
            insert_keys(&tx, keys)?;
            upsert_persons(&tx, persons)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn add_identity_override(
        &self,
        a: ComplaintId,
        b: ComplaintId,
        same: bool,
        actor: &str,
        reason: &str,
    ) -> Result<IdentityOverride> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let ts = now();
            tx.execute(
                "INSERT INTO identity_overrides (complaint_a, complaint_b, same, actor, reason, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![a.0, b.0, same as i64, actor, reason, ts],
            )?;
            let id = tx.last_insert_rowid();
            let other = b.0.to_string();
            let mut audit = super::AuditWriter::start(&tx)?;
            audit.append(
                &tx,
                &Entry {
                    complaint_id: a.0,
                    at: &ts,
                    actor,
                    action: if same { "identity:same_person" } else { "identity:different_person" },
                    field: Some("person"),
                    before: None,
                    after: Some(&other),
                    reason: Some(reason),
                    run: None,
                },
            )?;
            let o = tx.query_row(
                "SELECT id, complaint_a, complaint_b, same, actor, reason, at FROM identity_overrides WHERE id = ?1",
                params![id],
                override_from_row,
            )?;
            tx.commit()?;
            Ok(o)
        })
    }

    fn identity_overrides(&self) -> Result<Vec<IdentityOverride>> {
        self.read(|c| {
            all(
                c,
                "SELECT id, complaint_a, complaint_b, same, actor, reason, at FROM identity_overrides ORDER BY id",
                [],
                override_from_row,
            )
        })
    }

    fn stale_person_complaints(&self, limit: u32) -> Result<Vec<ComplaintId>> {
        self.read(|c| {
            all(
                c,
                "SELECT c.id FROM complaints c LEFT JOIN person_of o ON o.complaint_id = c.id
                 WHERE o.complaint_id IS NULL OR o.person_for IS NULL OR o.person_for <> c.content_hash
                 ORDER BY c.id LIMIT ?1",
                params![limit],
                |r| Ok(ComplaintId(r.get(0)?)),
            )
        })
    }

    fn population_records(&self) -> Result<Vec<PopulationRecord>> {
        self.read(|c| {
            all(
                c,
                "SELECT c.category, c.product_line, c.channel, p.age_band, p.gender, p.region, p.motive
                 FROM person_of o JOIN complaints c ON c.id = o.complaint_id JOIN persons p ON p.id = o.person_id",
                [],
                |r| {
                    Ok(PopulationRecord {
                        category: r.get(0)?,
                        product_line: r.get(1)?,
                        channel: r.get(2)?,
                        age_band: r.get(3)?,
                        gender: r.get(4)?,
                        region: r.get(5)?,
                        motive: r.get(6)?,
                    })
                },
            )
        })
    }
}
