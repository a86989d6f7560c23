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
use tousu_store::{Backend, ComplaintId, IdentityKey, PersonLink, PersonRow, PersonSource};

/// Above this many stale complaints a refresh resolves everything at once.
const REBUILD_ABOVE: usize = 2_000;
/// Contact groups larger than this many persons are counted, not listed, per person.
const MAX_LISTED_GROUP: usize = 200;
/// Evidence complaints kept per tag in the stored summary.
const SUMMARY_EVIDENCE: usize = 10;

/// What a rebuild did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RebuildReport {
    pub complaints: usize,
    pub persons: usize,
    pub links: usize,
    pub refusals: usize,
    pub seconds_read: f64,
    pub seconds_resolve: f64,
    pub seconds_profile: f64,
    pub seconds_write: f64,
}

fn record(s: &PersonSource) -> Record<'_> {
    let c = &s.complaint.complainant;
    Record {
        idx: s.id.0 as usize,
        name: c.name.as_deref(),
        resident_id: c.resident_id.as_deref(),
        phone: c.phone.as_deref(),
        email: c.email.as_deref(),
        birth_date: c.birth_date,
    }
}

/// Address as compared for shared-contact links: whitespace and punctuation dropped.
fn address_key(a: &str) -> Option<String> {
    let k: String = a.chars().filter(|c| c.is_alphanumeric()).collect();
    (k.chars().count() >= 6).then_some(k)
}

/// Identifiers of one complaint, for candidate search and shared-contact links.
fn keys_of(engine: &Engine, s: &PersonSource) -> Vec<IdentityKey> {
    let mut out: Vec<IdentityKey> = identity::record_keys(&record(s), &engine.names)
        .into_iter()
        .map(|(kind, value)| IdentityKey { kind: kind.to_string(), value, complaint_id: s.id })
        .collect();
    if let Some(a) = s.complaint.complainant.address.as_deref().and_then(address_key) {
        out.push(IdentityKey { kind: "address".into(), value: a, complaint_id: s.id });
    }
    out
}

/// Keys that count as a shared contact (not identity): phone, e-mail, address.
fn is_contact(kind: &str) -> bool {
    matches!(kind, identity::KEY_PHONE | identity::KEY_EMAIL | "address")
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

fn analysis(s: &PersonSource) -> Option<AnalysisFacts> {
    let v: serde_json::Value = serde_json::from_str(s.analysis.as_deref()?).ok()?;
    Some(AnalysisFacts::from_summary_json(&v))
}

/// One person's complaints grouped from a resolution: members (source positions) and the
/// link of each non-first member.
struct Cluster {
    person_id: i64,
    members: Vec<usize>,
}

/// Orient each cluster's links from its first complaint: every other complaint gets the
/// complaint it was linked to, with the rule and confidence.
fn links_of(sources: &[PersonSource], clusters: &[Cluster], res: &identity::Resolution) -> Vec<PersonLink> {
    let mut adj: HashMap<usize, Vec<(usize, &'static str, f32)>> = HashMap::new();
    for l in &res.links {
        adj.entry(l.a).or_default().push((l.b, l.rule, l.confidence));
        adj.entry(l.b).or_default().push((l.a, l.rule, l.confidence));
    }
    let mut out = Vec::with_capacity(sources.len());
    for c in clusters {
        let root = c.person_id as usize;
        out.push(PersonLink {
            complaint_id: ComplaintId(c.person_id),
            person_id: c.person_id,
            rule: None,
            confidence: None,
            linked_to: None,
        });
        let mut seen: HashSet<usize> = HashSet::from([root]);
        let mut queue = std::collections::VecDeque::from([root]);
        while let Some(x) = queue.pop_front() {
            for &(y, rule, conf) in adj.get(&x).map(Vec::as_slice).unwrap_or(&[]) {
                if seen.insert(y) {
                    out.push(PersonLink {
                        complaint_id: ComplaintId(y as i64),
                        person_id: c.person_id,
                        rule: Some(rule.to_string()),
                        confidence: Some(conf),
                        linked_to: Some(ComplaintId(x as i64)),
                    });
                    queue.push_back(y);
                }
            }
        }
        // A member the forest does not reach (cannot happen with a spanning forest) still
        // belongs to the person.
        for &m in &c.members {
            let id = sources[m].id.0 as usize;
            if seen.insert(id) {
                out.push(PersonLink {
                    complaint_id: ComplaintId(id as i64),
                    person_id: c.person_id,
                    rule: None,
                    confidence: None,
                    linked_to: None,
                });
            }
        }
    }
    out
}

fn clusters_of(sources: &[PersonSource], res: &identity::Resolution) -> Vec<Cluster> {
    let mut by: Vec<Vec<usize>> = vec![Vec::new(); res.persons];
    for (pos, &p) in res.person_of.iter().enumerate() {
        by[p].push(pos);
    }
    by.into_iter()
        .filter(|m| !m.is_empty())
        .map(|members| {
            let person_id = members.iter().map(|&m| sources[m].id.0).min().unwrap_or_default();
            Cluster { person_id, members }
        })
        .collect()
}

/// The stored summary row of a profile.
pub fn person_row(p: &Profile, id: i64, members: &[&PersonSource], today: NaiveDate) -> PersonRow {
    let complaints = members.len();
    let year_ago = today - chrono::Duration::days(365);
    let complaints_12m = members.iter().filter(|s| s.complaint.received_at.date() > year_ago).count();
    let tags: Vec<serde_json::Value> = p
        .tags
        .iter()
        .map(|t| {
            let mut ev = t.complaints.clone();
            ev.truncate(SUMMARY_EVIDENCE);
            serde_json::json!({
                "code": t.code,
                "protective": t.protective,
                "reason": t.reason,
                "complaints": ev,
            })
        })
        .collect();
    let code = |v: serde_json::Value| v.as_str().map(str::to_string);
    PersonRow {
        id,
        complaints: complaints as u64,
        age_band: p.basic.age_band.clone(),
        gender: p.basic.gender.map(|g| g.code().to_string()),
        region: p.basic.province.as_ref().and_then(|pr| pr.zh.clone().or(Some(pr.code.clone()))),
        motive: serde_json::to_value(p.motive.primary).ok().and_then(code),
        tags: p
            .tags
            .iter()
            .filter_map(|t| serde_json::to_value(t.code).ok().and_then(code))
            .collect::<Vec<_>>()
            .join(","),
        // What the case assessment needs of the person (PersonFacts), kept so that assessing a
        // complaint does not rebuild its person's profile.
        summary: serde_json::json!({
            "age": p.basic.age,
            "tags": tags,
            "complaints_12m": complaints_12m,
            "same_issue_12m": p.behaviour.same_issue.iter().map(|x| x.max_in_window).max().unwrap_or(0),
            "answers_rejected": p.behaviour.answers_rejected,
            "regulator": p.behaviour.regulator.complaints,
            "vulnerable": p.vulnerability.vulnerable,
            "concessions": p.concessions.totals,
        })
        .to_string(),
        updated_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
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
    pub fn rebuild_persons(&self, db: &dyn Backend) -> Result<RebuildReport> {
        let mut rep = RebuildReport::default();
        let t = std::time::Instant::now();
        let mut sources: Vec<PersonSource> = Vec::new();
        let mut after = 0i64;
        loop {
            let page = db.as_persons().person_sources(after, 20_000)?;
            let Some(last) = page.last() else { break };
            after = last.id.0;
            sources.extend(page);
        }
        let overrides = self.overrides(db)?;
        rep.seconds_read = t.elapsed().as_secs_f64();

        let t = std::time::Instant::now();
        let records: Vec<Record<'_>> = sources.iter().map(record).collect();
        let res = identity::resolve_with(&records, &overrides, &self.names);
        drop(records);
        let clusters = clusters_of(&sources, &res);
        let links = links_of(&sources, &clusters, &res);
        let keys: Vec<IdentityKey> = sources.iter().flat_map(|s| keys_of(self, s)).collect();
        let person_at: HashMap<i64, i64> = links.iter().map(|l| (l.complaint_id.0, l.person_id)).collect();
        let shared = shared_contacts(&keys, &person_at);
        rep.seconds_resolve = t.elapsed().as_secs_f64();

        let t = std::time::Instant::now();
        let today = crate::engine::today();
        let rows = self.build_rows(&sources, &clusters, &shared, today);
        rep.seconds_profile = t.elapsed().as_secs_f64();

        let t = std::time::Instant::now();
        db.as_persons().replace_persons(&links, &keys, &rows)?;
        rep.seconds_write = t.elapsed().as_secs_f64();
        rep.complaints = sources.len();
        rep.persons = rows.len();
        rep.links = res.links.len();
        rep.refusals = res.refusals.len();
        Ok(rep)
    }

    /// Profiles of every cluster, on two threads.
    fn build_rows(
        &self,
        sources: &[PersonSource],
        clusters: &[Cluster],
        shared: &HashMap<i64, u32>,
        today: NaiveDate,
    ) -> Vec<PersonRow> {
        let work = |part: &[Cluster]| -> Vec<PersonRow> {
            part.iter()
                .map(|c| {
                    let members: Vec<&PersonSource> = c.members.iter().map(|&m| &sources[m]).collect();
                    let p = self.build(c.person_id, &members, shared.get(&c.person_id).copied().unwrap_or(0), today);
                    person_row(&p, c.person_id, &members, today)
                })
                .collect()
        };
        if clusters.len() < 1000 {
            return work(clusters);
        }
        let (a, b) = clusters.split_at(clusters.len() / 2);
        std::thread::scope(|s| {
            let h = s.spawn(|| work(b));
            let mut out = work(a);
            out.extend(h.join().unwrap_or_default());
            out
        })
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
    /// identifiers, and every complaint of their persons (and of its own former person).
    pub fn update_person(&self, db: &dyn Backend, id: ComplaintId) -> Result<Option<i64>> {
        let ps = db.as_persons();
        let Some(me) = ps.person_sources_of(&[id])?.pop() else { return Ok(None) };
        let my_keys = keys_of(self, &me);
        let lookup: Vec<(String, String)> = my_keys.iter().map(|k| (k.kind.clone(), k.value.clone())).collect();
        let mut persons: HashSet<i64> = HashSet::new();
        for c in ps.identity_candidates(&lookup)?.into_iter().chain([id]) {
            if let Some(l) = ps.person_of(c)? {
                persons.insert(l.person_id);
            }
        }
        // Supervisors' decisions naming this complaint bring the other side in too.
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
        let records: Vec<Record<'_>> = sources.iter().map(record).collect();
        let res = identity::resolve_with(&records, &overrides, &self.names);
        drop(records);
        let clusters = clusters_of(&sources, &res);
        let links = links_of(&sources, &clusters, &res);
        let today = crate::engine::today();
        let kept: HashSet<i64> = clusters.iter().map(|c| c.person_id).collect();
        let mut rows = Vec::with_capacity(clusters.len());
        for c in &clusters {
            let members: Vec<&PersonSource> = c.members.iter().map(|&m| &sources[m]).collect();
            let contact: Vec<(String, String)> = members
                .iter()
                .flat_map(|s| keys_of(self, s))
                .filter(|k| is_contact(&k.kind))
                .map(|k| (k.kind, k.value))
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            // Former persons merged into a cluster here are not "others".
            let shared = ps
                .persons_sharing(&contact, c.person_id)?
                .into_iter()
                .filter(|p| !persons.contains(p) || kept.contains(p))
                .count();
            let p = self.build(c.person_id, &members, shared as u32, today);
            rows.push(person_row(&p, c.person_id, &members, today));
        }
        let removed: Vec<i64> = persons.iter().copied().filter(|p| !kept.contains(p)).collect();
        ps.update_persons(&removed, &links, &[id], &my_keys, &rows)?;
        Ok(links.iter().find(|l| l.complaint_id == id).map(|l| l.person_id))
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
        self.update_person(db, c)?;
        let rest = members.iter().find(|l| l.complaint_id != c).map(|l| l.complaint_id).unwrap_or(c);
        Ok(self.update_person(db, rest)?.unwrap_or(person))
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
        Ok(self.update_person(db, ComplaintId(person))?.unwrap_or(person))
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
        let contact: Vec<(String, String)> = sources
            .iter()
            .flat_map(|s| keys_of(self, s))
            .filter(|k| is_contact(&k.kind))
            .map(|k| (k.kind, k.value))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
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
    let mut groups: HashMap<(&str, &str), Vec<i64>> = HashMap::new();
    for k in keys.iter().filter(|k| is_contact(&k.kind)) {
        if let Some(&p) = person_at.get(&k.complaint_id.0) {
            groups.entry((k.kind.as_str(), k.value.as_str())).or_default().push(p);
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
