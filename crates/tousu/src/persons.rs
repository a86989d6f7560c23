//! Persons and profiles (issue #6): identity resolution over the stored complaints, the
//! persons it finds, their profiles and the population analysis.
//!
//! The store keeps who belongs to whom (`person_of`), each complaint's identifiers and a narrow
//! summary per person; the full profile is built from the person's complaints when shown
//! (`tousu_core::profile::build_profile`, a fraction of a millisecond). A complaint that arrives
//! or changes is re-resolved with its candidates only (the complaints sharing one of its
//! identifiers and the persons they belong to); a large batch, or `tousu persons rebuild`,
//! resolves everything at once.

use crate::engine::Engine;
use anyhow::Result;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};
use tousu_core::identity::{self, Override, Record};
use tousu_core::profile::{
    AnalysisFacts, HandlingFacts, PopulationRow, Profile, ProfileContext, ProfileItem, build_profile,
};
use tousu_store::{Backend, ComplaintId, IdentityKey, IdentityRow, PersonLink, PersonRow, PersonSource};

/// Above this many stale complaints a refresh resolves everything at once.
const REBUILD_ABOVE: usize = 2_000;
/// Contact groups larger than this many persons are counted, not listed, per person.
const MAX_LISTED_GROUP: usize = 200;
/// Complaints read per page in a rebuild.
const PAGE: u32 = 10_000;

/// What a rebuild did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RebuildReport {
    pub complaints: usize,
    pub persons: usize,
    pub links: usize,
    pub refusals: usize,
    /// Identity fields read and resolved, links and identifiers derived.
    pub seconds_resolve: f64,
    /// Complaints read, profiles built and everything written (overlapping).
    pub seconds_profile_write: f64,
}

/// The identity fields of a complaint, from either kind of stored row.
struct Ident<'a> {
    id: i64,
    name: Option<&'a str>,
    resident_id: Option<&'a str>,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    address: Option<&'a str>,
    birth_date: Option<NaiveDate>,
    content_hash: &'a str,
}

impl<'a> Ident<'a> {
    fn of_row(r: &'a IdentityRow) -> Self {
        Ident {
            id: r.id.0,
            name: r.name.as_deref(),
            resident_id: r.resident_id.as_deref(),
            phone: r.phone.as_deref(),
            email: r.email.as_deref(),
            address: r.address.as_deref(),
            birth_date: r.birth_date,
            content_hash: &r.content_hash,
        }
    }
    fn of_source(s: &'a PersonSource) -> Self {
        let c = &s.complaint.complainant;
        Ident {
            id: s.id.0,
            name: c.name.as_deref(),
            resident_id: c.resident_id.as_deref(),
            phone: c.phone.as_deref(),
            email: c.email.as_deref(),
            address: c.address.as_deref(),
            birth_date: c.birth_date,
            content_hash: &s.content_hash,
        }
    }
    fn record(&self) -> Record<'a> {
        Record {
            idx: self.id as usize,
            name: self.name,
            resident_id: self.resident_id,
            phone: self.phone,
            email: self.email,
            birth_date: self.birth_date,
        }
    }
}

/// A stable 64-bit hash of a normalised identifier (stored; must never change).
fn key_hash(kind: &str, value: &str) -> i64 {
    tousu_core::fnv::hash_parts(&[kind, value]) as i64
}

/// Address as compared for shared-contact links: whitespace and punctuation dropped.
fn address_key(a: &str) -> Option<String> {
    let k: String = a.chars().filter(|c| c.is_alphanumeric()).collect();
    (k.chars().count() >= 6).then_some(k)
}

/// Identifiers of one complaint (hashed), for candidate search and shared-contact links.
fn keys_of(engine: &Engine, i: &Ident<'_>) -> Vec<IdentityKey> {
    let id = ComplaintId(i.id);
    let mut out: Vec<IdentityKey> = identity::record_keys(&i.record(), &engine.names)
        .into_iter()
        .map(|(kind, value)| IdentityKey { kind, key: key_hash(kind, &value), complaint_id: id })
        .collect();
    if let Some(a) = i.address.and_then(address_key) {
        out.push(IdentityKey { kind: "address", key: key_hash("address", &a), complaint_id: id });
    }
    out
}

/// Keys that count as a shared contact (not identity): phone, e-mail, address.
fn is_contact(kind: &str) -> bool {
    matches!(kind, identity::KEY_PHONE | identity::KEY_EMAIL | "address")
}

fn contact_lookup(keys: &[IdentityKey]) -> Vec<(&'static str, i64)> {
    keys.iter().filter(|k| is_contact(k.kind)).map(|k| (k.kind, k.key)).collect::<HashSet<_>>().into_iter().collect()
}

fn handling(s: &PersonSource) -> HandlingFacts {
    HandlingFacts {
        state: s.state.clone(),
        answers_rejected: s.answers_rejected,
        escalated_to_regulator: false,
        withdrawn: s.state == "withdrawn",
        concessions: Vec::new(),
    }
}

/// The stored analysis summary (engine::analysis_summary), read directly.
#[derive(serde::Deserialize)]
struct StoredSummary {
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    emotions: Vec<String>,
    /// Since 2026-11-26; older summaries give presence only (intensity 1.0).
    #[serde(default)]
    emotion_scores: Option<Vec<tousu_core::profile::EmotionScore>>,
    #[serde(default)]
    threats: Vec<String>,
    #[serde(default)]
    demands: Vec<String>,
    #[serde(default)]
    markers: Vec<String>,
    #[serde(default)]
    vulnerability: Vec<String>,
    #[serde(default)]
    demanded_total: Vec<tousu_core::Money>,
}

fn analysis(s: &PersonSource) -> Option<AnalysisFacts> {
    use tousu_core::text::{Category, Emotion, Marker, Threat, Vulnerability};
    let raw = s.analysis.as_deref()?;
    let Ok(v) = serde_json::from_str::<StoredSummary>(raw) else {
        // Another shape: the lenient reader.
        return serde_json::from_str(raw).ok().map(|v| AnalysisFacts::from_summary_json(&v));
    };
    fn codes<T>(v: &[String], parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
        v.iter().filter_map(|c| parse(c)).collect()
    }
    Some(AnalysisFacts {
        category: v.category.as_deref().and_then(Category::parse),
        emotions: v.emotion_scores.unwrap_or_else(|| {
            codes(&v.emotions, Emotion::parse)
                .into_iter()
                .map(|emotion| tousu_core::profile::EmotionScore { emotion, intensity: 1.0 })
                .collect()
        }),
        threats: codes(&v.threats, Threat::parse),
        demands: codes(&v.demands, tousu_core::DemandKind::parse),
        demanded_total: v.demanded_total,
        markers: codes(&v.markers, Marker::parse),
        vulnerability: codes(&v.vulnerability, Vulnerability::parse),
    })
}

/// The persons of a resolution: per cluster, its id (smallest complaint id) and members
/// (positions in the resolved slice).
fn clusters_of(ids: &[i64], res: &identity::Resolution) -> Vec<(i64, Vec<usize>)> {
    let mut by: Vec<Vec<usize>> = vec![Vec::new(); res.persons];
    for (pos, &p) in res.person_of.iter().enumerate() {
        by[p].push(pos);
    }
    by.into_iter()
        .filter(|m| !m.is_empty())
        .map(|members| (members.iter().map(|&m| ids[m]).min().unwrap_or_default(), members))
        .collect()
}

/// Orient each cluster's links from its first complaint: every other complaint gets the
/// complaint it was linked to, with the rule and confidence.
fn links_of(
    ids: &[i64],
    hashes: &[&str],
    clusters: &[(i64, Vec<usize>)],
    res: &identity::Resolution,
) -> Vec<PersonLink> {
    let mut adj: HashMap<usize, Vec<(usize, &'static str, f32)>> = HashMap::new();
    for l in &res.links {
        adj.entry(l.a).or_default().push((l.b, l.rule, l.confidence));
        adj.entry(l.b).or_default().push((l.a, l.rule, l.confidence));
    }
    let hash_of: HashMap<i64, &str> = ids.iter().copied().zip(hashes.iter().copied()).collect();
    let link = |c: i64, person: i64, via: Option<(usize, &str, f32)>| PersonLink {
        complaint_id: ComplaintId(c),
        person_id: person,
        rule: via.map(|v| v.1.to_string()),
        confidence: via.map(|v| v.2),
        linked_to: via.map(|v| ComplaintId(v.0 as i64)),
        content_hash: hash_of.get(&c).map(|h| h.to_string()),
    };
    let mut out = Vec::with_capacity(ids.len());
    for (person, members) in clusters {
        let root = *person as usize;
        out.push(link(*person, *person, None));
        if members.len() == 1 {
            continue;
        }
        let mut seen: HashSet<usize> = HashSet::from([root]);
        let mut queue = std::collections::VecDeque::from([root]);
        while let Some(x) = queue.pop_front() {
            for &(y, rule, conf) in adj.get(&x).map(Vec::as_slice).unwrap_or(&[]) {
                if seen.insert(y) {
                    out.push(link(y as i64, *person, Some((x, rule, conf))));
                    queue.push_back(y);
                }
            }
        }
        // A member the forest does not reach (cannot happen with a spanning forest) still
        // belongs to the person.
        for &m in members {
            if seen.insert(ids[m] as usize) {
                out.push(link(ids[m], *person, None));
            }
        }
    }
    out
}

/// The stored summary row of a profile: what lists, the case assessment and the population
/// analysis need (the reasons are rebuilt with the profile when shown).
pub fn person_row(p: &Profile, id: i64, members: &[&PersonSource], today: NaiveDate) -> PersonRow {
    let year_ago = today - chrono::Duration::days(365);
    let complaints_12m = members.iter().filter(|s| s.complaint.received_at.date() > year_ago).count();
    let mut row = PersonRow {
        id,
        complaints: members.len() as u64,
        age_band: p.basic.age_band.clone(),
        gender: p.basic.gender.map(|g| g.code().to_string()),
        region: p.basic.province.as_ref().map(|pr| pr.zh.clone().unwrap_or_else(|| pr.code.clone())),
        motive: Some(p.motive.primary.code().to_string()),
        tags: p.tags.iter().map(|t| t.code.code()).collect::<Vec<_>>().join(","),
        summary: serde_json::json!({
            "age": p.basic.age,
            "complaints_12m": complaints_12m,
            "same_issue_12m": p.behaviour.same_issue.iter().map(|x| x.max_in_window).max().unwrap_or(0),
            "answers_rejected": p.behaviour.answers_rejected,
            "regulator": p.behaviour.regulator.complaints,
            "vulnerable": p.vulnerability.vulnerable,
            "concessions": p.concessions.totals,
        })
        .to_string(),
        updated_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        fingerprint: String::new(),
    };
    row.fingerprint = format!("{:016x}", key_hash(&row.tags, &row.summary));
    row
}

impl Engine {
    fn build(&self, person_id: i64, members: &[&PersonSource], shared: u32, today: NaiveDate) -> Profile {
        let facts: Vec<(Option<AnalysisFacts>, HandlingFacts, String)> =
            members.iter().map(|s| (analysis(s), handling(s), s.id.0.to_string())).collect();
        let items: Vec<ProfileItem<'_>> = members
            .iter()
            .zip(&facts)
            .map(|(s, (a, h, id))| ProfileItem {
                id: id.as_str(),
                complaint: &s.complaint,
                analysis: a.as_ref(),
                handling: Some(h),
            })
            .collect();
        let ctx = ProfileContext { today, shared_contact_links: shared };
        build_profile(&person_id.to_string(), &items, &ctx, &self.profile)
    }

    fn overrides(&self, db: &dyn Backend) -> Result<Vec<Override>> {
        Ok(db
            .as_persons()
            .identity_overrides()?
            .into_iter()
            .map(|o| Override { a: o.complaint_a.0 as usize, b: o.complaint_b.0 as usize, same: o.same })
            .collect())
    }

    /// Resolve every stored complaint into persons and rebuild every profile summary.
    ///
    /// Pass 1 reads only the identity fields and resolves them at once. Pass 2 streams the
    /// complaints in id order on one thread, builds each person's profile on another as soon as
    /// all of its complaints have been read, and the store writes the rows as they come, all in
    /// one transaction. Only persons with complaints still unread are held in memory.
    pub fn rebuild_persons(&self, db: &dyn Backend) -> Result<RebuildReport> {
        let mut rep = RebuildReport::default();
        let t = std::time::Instant::now();
        let mut rows: Vec<IdentityRow> = Vec::new();
        let mut after = 0i64;
        loop {
            let page = db.as_persons().identity_rows(after, 50_000)?;
            let Some(last) = page.last() else { break };
            after = last.id.0;
            rows.extend(page);
        }
        let overrides = self.overrides(db)?;
        let idents: Vec<Ident<'_>> = rows.iter().map(Ident::of_row).collect();
        // The identifiers (for the store and shared contacts) on one thread, the resolution on
        // this one.
        let (res, keys) = std::thread::scope(|s| {
            let keys = s.spawn(|| idents.iter().flat_map(|i| keys_of(self, i)).collect::<Vec<IdentityKey>>());
            let records: Vec<Record<'_>> = idents.iter().map(Ident::record).collect();
            let res = identity::resolve_with(&records, &overrides, &self.names);
            (res, keys.join().unwrap_or_default())
        });
        let ids: Vec<i64> = idents.iter().map(|i| i.id).collect();
        let hashes: Vec<&str> = idents.iter().map(|i| i.content_hash).collect();
        let clusters = clusters_of(&ids, &res);
        let mut links = links_of(&ids, &hashes, &clusters, &res);
        // In complaint order, so that the primary key is appended to, not scattered into.
        links.sort_unstable_by_key(|l| l.complaint_id.0);
        drop((idents, hashes));
        drop(rows);
        let person_at: HashMap<i64, i64> = links.iter().map(|l| (l.complaint_id.0, l.person_id)).collect();
        let shared = shared_contacts(&keys, &person_at);
        let sizes: HashMap<i64, usize> =
            clusters.iter().filter(|(_, m)| m.len() > 1).map(|(p, m)| (*p, m.len())).collect();
        rep.complaints = ids.len();
        rep.persons = clusters.len();
        rep.links = res.links.len();
        rep.refusals = res.refusals.len();
        drop((clusters, res, ids));
        rep.seconds_resolve = t.elapsed().as_secs_f64();

        let t = std::time::Instant::now();
        let today = crate::engine::today();
        let written = std::thread::scope(|s| -> Result<u64> {
            let (row_tx, row_rx) = std::sync::mpsc::channel::<Result<PersonRow, String>>();
            // Reader: complaints in id order, decoded, split by person over two builders.
            let (a_tx, a_rx) = std::sync::mpsc::sync_channel::<Result<Vec<PersonSource>, String>>(4);
            let (b_tx, b_rx) = std::sync::mpsc::sync_channel::<Result<Vec<PersonSource>, String>>(4);
            let person_of = &person_at;
            s.spawn(move || {
                let mut after = 0i64;
                loop {
                    match db.as_persons().person_sources(after, PAGE) {
                        Ok(page) => {
                            let Some(last) = page.last() else { break };
                            after = last.id.0;
                            let (a, b): (Vec<PersonSource>, Vec<PersonSource>) = page
                                .into_iter()
                                .partition(|s| person_of.get(&s.id.0).copied().unwrap_or(s.id.0) % 2 == 0);
                            if a_tx.send(Ok(a)).is_err() || b_tx.send(Ok(b)).is_err() {
                                break;
                            }
                        }
                        Err(e) => {
                            let _ = a_tx.send(Err(e.to_string()));
                            let _ = b_tx.send(Err(e.to_string()));
                            break;
                        }
                    }
                }
            });
            // Builders: group by person, profile each complete person.
            let (person_at, sizes, shared) = (&person_at, &sizes, &shared);
            let build = move |src_rx: std::sync::mpsc::Receiver<Result<Vec<PersonSource>, String>>,
                              row_tx: std::sync::mpsc::Sender<Result<PersonRow, String>>| {
                let mut pending: HashMap<i64, Vec<PersonSource>> = HashMap::new();
                let emit = |pid: i64, members: &[&PersonSource]| {
                    let p = self.build(pid, members, shared.get(&pid).copied().unwrap_or(0), today);
                    person_row(&p, pid, members, today)
                };
                for page in src_rx {
                    let page = match page {
                        Ok(p) => p,
                        Err(e) => {
                            let _ = row_tx.send(Err(e));
                            return;
                        }
                    };
                    for src in page {
                        let pid = person_at.get(&src.id.0).copied().unwrap_or(src.id.0);
                        let row = match sizes.get(&pid) {
                            None => emit(pid, &[&src]),
                            Some(&n) => {
                                let group = pending.entry(pid).or_default();
                                group.push(src);
                                if group.len() < n {
                                    continue;
                                }
                                let group = pending.remove(&pid).unwrap_or_default();
                                let members: Vec<&PersonSource> = group.iter().collect();
                                emit(pid, &members)
                            }
                        };
                        if row_tx.send(Ok(row)).is_err() {
                            return;
                        }
                    }
                }
                // Complaints added since pass 1 leave a person incomplete: profile what was read.
                for (pid, group) in pending {
                    let members: Vec<&PersonSource> = group.iter().collect();
                    let _ = row_tx.send(Ok(emit(pid, &members)));
                }
            };
            let tx2 = row_tx.clone();
            s.spawn(move || build(a_rx, row_tx));
            s.spawn(move || build(b_rx, tx2));
            Ok(db.as_persons().replace_persons(&links, &keys, &mut row_rx.into_iter())?)
        })?;
        rep.persons = written as usize;
        rep.seconds_profile_write = t.elapsed().as_secs_f64();
        Ok(rep)
    }

    /// Re-resolve the complaints whose person is missing or out of date: one by one when few,
    /// all at once when many. Returns how many complaints were refreshed.
    pub fn refresh_persons(&self, db: &dyn Backend) -> Result<usize> {
        let stale = db.as_persons().stale_person_complaints(REBUILD_ABOVE as u32 + 1)?;
        if stale.len() > REBUILD_ABOVE {
            return Ok(self.rebuild_persons(db)?.complaints);
        }
        for id in &stale {
            self.update_person(db, *id)?;
        }
        Ok(stale.len())
    }

    /// Re-resolve one complaint with its candidates: the complaints sharing one of its
    /// identifiers, every complaint of their persons (and of its own former person), and any
    /// complaint a supervisor's decision about it names.
    pub fn update_person(&self, db: &dyn Backend, id: ComplaintId) -> Result<Option<i64>> {
        let ps = db.as_persons();
        let Some(me) = ps.person_sources_of(&[id])?.pop() else { return Ok(None) };
        let my_keys = keys_of(self, &Ident::of_source(&me));
        let lookup: Vec<(&str, i64)> = my_keys.iter().map(|k| (k.kind, k.key)).collect();
        let mut persons: HashSet<i64> = HashSet::new();
        for c in ps.identity_candidates(&lookup)?.into_iter().chain([id]) {
            if let Some(l) = ps.person_of(c)? {
                persons.insert(l.person_id);
            }
        }
        let overrides = self.overrides(db)?;
        for o in overrides.iter().filter(|o| o.a == id.0 as usize || o.b == id.0 as usize) {
            let other = if o.a == id.0 as usize { o.b } else { o.a };
            if let Some(l) = ps.person_of(ComplaintId(other as i64))? {
                persons.insert(l.person_id);
            }
        }
        let mut member_ids: Vec<ComplaintId> = vec![id];
        for p in &persons {
            member_ids.extend(ps.person_members(*p)?.into_iter().map(|l| l.complaint_id));
        }
        member_ids.sort_by_key(|c| c.0);
        member_ids.dedup();
        let sources = ps.person_sources_of(&member_ids)?;
        let idents: Vec<Ident<'_>> = sources.iter().map(Ident::of_source).collect();
        let records: Vec<Record<'_>> = idents.iter().map(Ident::record).collect();
        let res = identity::resolve_with(&records, &overrides, &self.names);
        drop(records);
        let ids: Vec<i64> = idents.iter().map(|i| i.id).collect();
        let hashes: Vec<&str> = idents.iter().map(|i| i.content_hash).collect();
        let clusters = clusters_of(&ids, &res);
        let links = links_of(&ids, &hashes, &clusters, &res);
        let today = crate::engine::today();
        let kept: HashSet<i64> = clusters.iter().map(|c| c.0).collect();
        let mut rows = Vec::with_capacity(clusters.len());
        for (pid, members) in &clusters {
            let members: Vec<&PersonSource> = members.iter().map(|&m| &sources[m]).collect();
            let keys: Vec<IdentityKey> = members.iter().flat_map(|s| keys_of(self, &Ident::of_source(s))).collect();
            // Former persons merged into a cluster here are not "others".
            let shared = ps
                .persons_sharing(&contact_lookup(&keys), *pid)?
                .into_iter()
                .filter(|p| !persons.contains(p) || kept.contains(p))
                .count();
            let p = self.build(*pid, &members, shared as u32, today);
            rows.push(person_row(&p, *pid, &members, today));
        }
        let removed: Vec<i64> = persons.iter().copied().filter(|p| !kept.contains(p)).collect();
        ps.update_persons(&removed, &links, &[id], &my_keys, &rows)?;
        Ok(links.iter().find(|l| l.complaint_id == id).map(|l| l.person_id))
    }

    /// Re-assess every complaint of a person (its facts feed each complaint's assessment).
    /// Failures are logged: assessments are derived data and are caught up at the next refresh.
    pub fn reassess_person(&self, db: &dyn Backend, person: i64) {
        match db.as_persons().person_members(person) {
            Ok(members) => {
                for l in members {
                    if let Err(e) = self.reassess_one(db, l.complaint_id) {
                        tracing::warn!(error = %e, complaint = l.complaint_id.0, "re-assessment failed");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, person, "re-assessment failed"),
        }
    }

    /// A supervisor takes complaint `c` out of `person`: cannot-link decisions between it and
    /// every other complaint of the person, then both sides re-resolved. Returns the person
    /// the rest belongs to.
    pub fn split_complaint(
        &self,
        db: &dyn Backend,
        person: i64,
        c: ComplaintId,
        actor: &str,
        reason: &str,
    ) -> Result<i64> {
        let members = db.as_persons().person_members(person)?;
        anyhow::ensure!(
            members.iter().any(|l| l.complaint_id == c),
            "complaint #{} is not one of person {person}'s",
            c.0
        );
        anyhow::ensure!(members.len() > 1, "person {person} has only this complaint");
        for m in members.iter().filter(|l| l.complaint_id != c) {
            db.as_persons().add_identity_override(c, m.complaint_id, false, actor, reason)?;
        }
        let own = self.update_person(db, c)?;
        let rest = members.iter().find(|l| l.complaint_id != c).map(|l| l.complaint_id).unwrap_or(c);
        let rest = self.update_person(db, rest)?.unwrap_or(person);
        for p in own.into_iter().chain([rest]) {
            self.reassess_person(db, p);
        }
        Ok(rest)
    }

    /// A supervisor decides that `person` and the person of complaint (or person id) `other`
    /// are the same: a must-link decision, then re-resolved. Returns the merged person.
    pub fn merge_persons(
        &self,
        db: &dyn Backend,
        person: i64,
        other: ComplaintId,
        actor: &str,
        reason: &str,
    ) -> Result<i64> {
        anyhow::ensure!(db.as_persons().person_of(other)?.is_some(), "no complaint #{}", other.0);
        db.as_persons().add_identity_override(ComplaintId(person), other, true, actor, reason)?;
        let merged = self.update_person(db, ComplaintId(person))?.unwrap_or(person);
        self.reassess_person(db, merged);
        Ok(merged)
    }

    /// What the case assessment needs of a complaint's person, from the stored summary.
    pub fn person_facts_of(&self, db: &dyn Backend, id: ComplaintId) -> Option<tousu_core::assess::PersonFacts> {
        let link = db.as_persons().person_of(id).ok()??;
        let row = db.as_persons().person(link.person_id).ok()??;
        let v: serde_json::Value = serde_json::from_str(&row.summary).ok()?;
        let n = |k: &str| v.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0) as u32;
        let tags: Vec<&str> = row.tags.split(',').collect();
        Some(tousu_core::assess::PersonFacts {
            complaints_12m: n("complaints_12m"),
            same_issue_12m: n("same_issue_12m"),
            answers_rejected: n("answers_rejected"),
            regulator_escalations: n("regulator"),
            vulnerable: v.get("vulnerable").and_then(serde_json::Value::as_bool).unwrap_or(false),
            linked_to_others: tags.contains(&"linked_contacts"),
            concessions_total: v
                .get("concessions")
                .and_then(|c| serde_json::from_value(c.clone()).ok())
                .unwrap_or_default(),
        })
    }

    /// A person's full profile, built now from their complaints, with the complaints (in id
    /// order) and their links.
    pub fn profile(&self, db: &dyn Backend, person: i64) -> Result<Option<PersonView>> {
        let ps = db.as_persons();
        let links = ps.person_members(person)?;
        if links.is_empty() {
            return Ok(None);
        }
        let ids: Vec<ComplaintId> = links.iter().map(|l| l.complaint_id).collect();
        let sources = ps.person_sources_of(&ids)?;
        let keys: Vec<IdentityKey> = sources.iter().flat_map(|s| keys_of(self, &Ident::of_source(s))).collect();
        let contact = contact_lookup(&keys);
        let shared = ps.persons_sharing(&contact, person)?.len() as u32;
        let members: Vec<&PersonSource> = sources.iter().collect();
        let profile = self.build(person, &members, shared, crate::engine::today());
        Ok(Some(PersonView { profile, links, sources }))
    }

    /// The population analysis over every complaint with a person.
    pub fn population(&self, db: &dyn Backend) -> Result<tousu_core::profile::Population> {
        let recs = db.as_persons().population_records()?;
        let rows: Vec<PopulationRow<'_>> = recs
            .iter()
            .map(|r| PopulationRow {
                category: r.category.as_deref(),
                product_line: r.product_line.as_deref(),
                age_band: r.age_band.as_deref(),
                gender: r.gender.as_deref().and_then(tousu_core::Gender::parse),
                region: r.region.as_deref(),
                channel: tousu_core::Channel::parse(&r.channel).unwrap_or(tousu_core::Channel::Other),
                motive: r.motive.as_deref().and_then(|m| serde_json::from_value(serde_json::json!(m)).ok()),
            })
            .collect();
        Ok(tousu_core::profile::population(&rows, &self.profile))
    }
}

/// A person as shown: profile, links, complaints.
pub struct PersonView {
    pub profile: Profile,
    pub links: Vec<PersonLink>,
    pub sources: Vec<PersonSource>,
}

/// Per person, how many other persons share a phone, e-mail or address with them.
fn shared_contacts(keys: &[IdentityKey], person_at: &HashMap<i64, i64>) -> HashMap<i64, u32> {
    let mut groups: HashMap<(&str, i64), Vec<i64>> = HashMap::new();
    for k in keys.iter().filter(|k| is_contact(k.kind)) {
        if let Some(&p) = person_at.get(&k.complaint_id.0) {
            groups.entry((k.kind, k.key)).or_default().push(p);
        }
    }
    let mut listed: BTreeMap<i64, HashSet<i64>> = BTreeMap::new();
    let mut counted: HashMap<i64, u32> = HashMap::new();
    for (_, mut ps) in groups {
        ps.sort_unstable();
        ps.dedup();
        if ps.len() < 2 {
            continue;
        }
        if ps.len() > MAX_LISTED_GROUP {
            for &p in &ps {
                *counted.entry(p).or_default() += ps.len() as u32 - 1;
            }
            continue;
        }
        for &p in &ps {
            listed.entry(p).or_default().extend(ps.iter().copied().filter(|q| *q != p));
        }
    }
    for (p, others) in listed {
        *counted.entry(p).or_default() += others.len() as u32;
    }
    counted
}
