//! The engine around the store: the lifecycle workflow and the deadline clocks (both pure, from
//! tousu-core) applied to stored complaints. HTTP, CLI and web call this; it knows no HTTP.

use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use std::path::Path;
use tousu_core::Role;
use tousu_core::clocks::{ClockEngine, ClockEvent, ClockInput, primary_due};
use tousu_core::deadline::{ClockStatus, Regimes};
use tousu_core::workflow::{Action, EscalationKind, State, TransitionError, TransitionInput, Workflow};
use tousu_store::{ComplaintId, EventRecord, NewEvent, StateChange, Store, StoredComplaint};

/// Event kinds a person may record on a complaint (besides transitions, which the workflow
/// records itself).
pub const EVENT_KINDS: &[&str] = &[
    "contact",
    "pause",
    "resume",
    "extend",
    "complex",
    "claim_documents_complete",
    "claim_decision",
    "refusal_notice_sent",
    "agreement",
    "payment",
    "surrender_notice",
    "refund_paid",
    "response_sent",
    "escalation",
];

pub struct Engine {
    pub workflow: Workflow,
    pub clocks: ClockEngine,
    pub analyzer: tousu_core::text::Analyzer,
    /// Complainant profiles: thresholds, age bands, motive rules (profile.toml).
    pub profile: tousu_core::profile::ProfileConfig,
    pub names: tousu_core::identity::NameFolder,
    /// Case assessment data (`assess/*.toml` overrides; see crate::assess).
    pub assess: tousu_core::assess::AssessConfig,
}

/// What is kept of a text analysis with the complaint (the full analysis, with its evidence,
/// is recomputed when shown).
pub fn analysis_summary(a: &tousu_core::text::TextAnalysis) -> serde_json::Value {
    serde_json::json!({
        "version": a.version,
        "category": a.category.as_ref().map(|c| c.value.code()),
        "emotions": a.emotions.iter().filter(|e| e.score >= 0.3).map(|e| e.value.code()).collect::<Vec<_>>(),
        // With intensities, for the emotion trend of the complainant's profile.
        "emotion_scores": a.emotions.iter().filter(|e| e.score >= 0.3)
            .map(|e| serde_json::json!({"emotion": e.value.code(), "intensity": e.score}))
            .collect::<Vec<_>>(),
        "threats": a.threats.iter().map(|t| t.value.code()).collect::<Vec<_>>(),
        "markers": a.markers.iter().map(|m| m.value.code()).collect::<Vec<_>>(),
        "vulnerability": a.vulnerability.iter().map(|v| v.value.code()).collect::<Vec<_>>(),
        "demanded_total": a.demanded_total,
    })
}

/// Why a lifecycle step or an event was refused.
#[derive(Debug)]
pub enum EngineError {
    NotFound,
    /// The complaint changed since the caller read it.
    Conflict(String),
    /// The workflow or a rule refuses it; the message says what is allowed.
    Refused(String),
    Store(tousu_store::Error),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::NotFound => write!(f, "no such complaint"),
            EngineError::Conflict(m) | EngineError::Refused(m) => write!(f, "{m}"),
            EngineError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl From<tousu_store::Error> for EngineError {
    fn from(e: tousu_store::Error) -> Self {
        match e {
            tousu_store::Error::Conflict(m) => EngineError::Conflict(m),
            tousu_store::Error::NotFound => EngineError::NotFound,
            other => EngineError::Store(other),
        }
    }
}

impl From<TransitionError> for EngineError {
    fn from(e: TransitionError) -> Self {
        EngineError::Refused(e.to_string())
    }
}

/// A request made from an old view of the complaint is a conflict, whatever it asks (the store
/// checks again inside its transaction).
fn stale(s: &StoredComplaint, version: i64) -> Result<(), EngineError> {
    if s.version != version {
        return Err(EngineError::Conflict(format!(
            "complaint {} is at version {}, not {version}: reload and try again",
            s.id.0, s.version
        )));
    }
    Ok(())
}

pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

impl Engine {
    /// The shipped workflow, regimes, calendars and clock policy, overridden by the files in
    /// `config_dir` when given: `workflow.toml`, `regimes.toml` (merged by id),
    /// `clock-policy.toml`, `calendars/<id>-<year>.toml`.
    pub fn load(config_dir: Option<&Path>) -> Result<Engine> {
        let read = |name: &str| -> Result<Option<String>> {
            match config_dir {
                Some(d) if d.join(name).exists() => {
                    Ok(Some(std::fs::read_to_string(d.join(name)).with_context(|| format!("reading {name}"))?))
                }
                _ => Ok(None),
            }
        };
        let workflow = match read("workflow.toml")? {
            Some(src) => Workflow::from_toml(&src).context("workflow.toml")?,
            None => Workflow::builtin(),
        };
        let mut regimes = Regimes::builtin().context("builtin regimes")?;
        if let Some(src) = read("regimes.toml")? {
            regimes.merge(Regimes::from_toml(&src).context("regimes.toml")?);
        }
        let mut calendars = Vec::new();
        if let Some(dir) = config_dir.map(|d| d.join("calendars")).filter(|d| d.is_dir()) {
            let mut by_id: std::collections::BTreeMap<String, Vec<String>> = Default::default();
            for e in std::fs::read_dir(&dir)? {
                let p = e?.path();
                let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
                if let Some((id, _year)) = name.rsplit_once('-') {
                    by_id.entry(id.to_string()).or_default().push(std::fs::read_to_string(&p)?);
                }
            }
            for (id, files) in by_id {
                let refs: Vec<&str> = files.iter().map(String::as_str).collect();
                calendars.push(
                    tousu_core::calendar::Calendar::builtin_with(&id, &refs)
                        .with_context(|| format!("calendar {id}"))?,
                );
            }
        }
        let policy = read("clock-policy.toml")?;
        let clocks = ClockEngine::new(regimes, calendars, policy.as_deref()).context("clock policy")?;
        // Lexicon overrides: every lexicons/*.toml, merged over the shipped ones in name order.
        let mut lexicons = Vec::new();
        if let Some(dir) = config_dir.map(|d| d.join("lexicons")).filter(|d| d.is_dir()) {
            let mut paths: Vec<_> = std::fs::read_dir(&dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
                lexicons.push(std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?);
            }
        }
        let refs: Vec<&str> = lexicons.iter().map(String::as_str).collect();
        let analyzer = tousu_core::text::Analyzer::from_toml(&refs).context("lexicons")?;
        let profile = match read("profile.toml")? {
            Some(src) => tousu_core::profile::ProfileConfig::from_toml(&src).context("profile.toml")?,
            None => tousu_core::profile::ProfileConfig::builtin().context("builtin profile.toml")?,
        };
        let names = tousu_core::identity::NameFolder::new();
        let assess = crate::assess::load_config(config_dir)?;
        Ok(Engine { workflow, clocks, analyzer, profile, names, assess })
    }

    pub fn state_of(&self, s: &StoredComplaint) -> State {
        State::from_code(&s.state).unwrap_or(self.workflow.initial())
    }

    pub fn open_states(&self) -> Vec<String> {
        State::ALL.iter().filter(|s| self.workflow.is_open(**s)).map(|s| s.code().to_string()).collect()
    }

    /// The clocks of a complaint today.
    pub fn clocks_of(&self, s: &StoredComplaint, events: &[EventRecord], today: NaiveDate) -> Vec<ClockStatus> {
        let parsed: Vec<(NaiveDate, &EventRecord)> = events
            .iter()
            .filter_map(|e| NaiveDate::parse_from_str(&e.on_date, "%Y-%m-%d").ok().map(|d| (d, e)))
            .collect();
        let evs: Vec<ClockEvent<'_>> = parsed
            .iter()
            .map(|(d, e)| ClockEvent { kind: &e.kind, on: *d, data: &e.data, reason: e.reason.as_deref() })
            .collect();
        self.clocks.clocks(&ClockInput {
            source: &s.complaint.source,
            received: s.complaint.received_at.date(),
            open: self.workflow.is_open(self.state_of(s)),
            events: &evs,
            today,
        })
    }

    /// Recompute and store one complaint's earliest due date.
    pub fn refresh(&self, store: &dyn Store, id: ComplaintId) -> Result<Vec<ClockStatus>, EngineError> {
        let s = store.get(id)?.ok_or(EngineError::NotFound)?;
        let events = store.events(id)?;
        let clocks = self.clocks_of(&s, &events, today());
        store.set_due_dates(&[(id, primary_due(&clocks).map(|d| d.to_string()))])?;
        Ok(clocks)
    }

    /// Recompute the due dates of open complaints (all, or only those without one yet).
    /// Returns how many were computed.
    pub fn recompute(&self, store: &dyn Store, only_missing: bool) -> Result<u64> {
        let states = self.open_states();
        let today = today();
        let mut after = 0i64;
        let mut n = 0u64;
        loop {
            let batch = store.clock_inputs(&states, only_missing, after, 5000)?;
            let Some(last) = batch.last() else { break };
            after = last.0.id.0;
            let due: Vec<(ComplaintId, Option<String>)> = batch
                .iter()
                .map(|(s, ev)| (s.id, primary_due(&self.clocks_of(s, ev, today)).map(|d| d.to_string())))
                .collect();
            n += due.len() as u64;
            store.set_due_dates(&due)?;
        }
        Ok(n)
    }

    /// Analyse the texts whose stored analysis is missing or stale (or all), store the
    /// summaries. Returns how many were analysed.
    pub fn reanalyze(&self, store: &dyn Store, all: bool) -> Result<u64> {
        let version = self.analyzer.analyze("").version;
        let mut after = 0i64;
        let mut n = 0u64;
        loop {
            let batch = store.analysis_inputs(&version, !all, after, 2000)?;
            let Some(last) = batch.last() else { break };
            after = last.id.0;
            let items: Vec<tousu_store::AnalysisSummary> = batch
                .iter()
                .map(|i| tousu_store::AnalysisSummary {
                    id: i.id,
                    summary: analysis_summary(&self.analyzer.analyze(&i.text)),
                })
                .collect();
            n += items.len() as u64;
            store.save_analyses(&items)?;
        }
        Ok(n)
    }

    /// Analyse one complaint's text and store the summary.
    pub fn analyze_one(&self, store: &dyn Store, id: ComplaintId) -> Result<(), EngineError> {
        let s = store.get(id)?.ok_or(EngineError::NotFound)?;
        let summary = analysis_summary(&self.analyzer.analyze(&s.complaint.text));
        store.save_analyses(&[tousu_store::AnalysisSummary { id, summary }])?;
        Ok(())
    }

    /// Take a lifecycle step: checked against the workflow for this role, persisted with the
    /// caller's version (a stale version is a conflict), then the clocks are refreshed.
    #[allow(clippy::too_many_arguments)]
    pub fn transition(
        &self,
        store: &dyn Store,
        id: ComplaintId,
        version: i64,
        action: &str,
        role: Role,
        reason: Option<&str>,
        target: Option<ComplaintId>,
        actor: &str,
    ) -> Result<i64, EngineError> {
        let s = store.get(id)?.ok_or(EngineError::NotFound)?;
        stale(&s, version)?;
        let action =
            Action::from_code(action).ok_or_else(|| EngineError::Refused(format!("unknown action {action:?}")))?;
        let mut input = TransitionInput::default();
        if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
            input = input.with_reason(r.trim());
        }
        if let Some(t) = target {
            input = input.with_target(t.0.to_string());
        }
        let to = self.workflow.apply(self.state_of(&s), action, role, &input)?;
        if let Some(t) = target {
            if t == id {
                return Err(EngineError::Refused("a complaint cannot be merged into itself".into()));
            }
            let survivor =
                store.get(t)?.ok_or_else(|| EngineError::Refused(format!("no complaint {} to merge into", t.0)))?;
            if !self.workflow.is_open(self.state_of(&survivor)) {
                return Err(EngineError::Refused(format!("complaint {} is not open; merge into an open one", t.0)));
            }
        }
        let change = StateChange {
            action: action.code().to_string(),
            to: to.code().to_string(),
            reason: reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
            merged_into: if action == Action::Merge { target } else { None },
        };
        let v = store.transition(id, version, &change, actor)?;
        self.refresh(store, id)?;
        Ok(v)
    }

    /// Record an event (a pause, an extension, a milestone, an escalation …).
    #[allow(clippy::too_many_arguments)]
    pub fn record_event(
        &self,
        store: &dyn Store,
        id: ComplaintId,
        version: i64,
        kind: &str,
        on: NaiveDate,
        reason: Option<&str>,
        data: serde_json::Value,
        role: Role,
        actor: &str,
    ) -> Result<i64, EngineError> {
        let s = store.get(id)?.ok_or(EngineError::NotFound)?;
        stale(&s, version)?;
        let state = self.state_of(&s);
        if !EVENT_KINDS.contains(&kind) {
            return Err(EngineError::Refused(format!("unknown event {kind:?}; one of {}", EVENT_KINDS.join(", "))));
        }
        if role == Role::Analyst {
            return Err(EngineError::Refused("analysts read; they do not record events".into()));
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if kind == "escalation" {
            let k = data.get("kind").and_then(|v| v.as_str()).unwrap_or("");
            let k = EscalationKind::from_code(k)
                .ok_or_else(|| EngineError::Refused(format!("unknown escalation {k:?}")))?;
            self.workflow.check_escalation(k, state, role)?;
        } else if !self.workflow.is_open(state) {
            return Err(EngineError::Refused(format!(
                "complaint is {}; clocks events need an open complaint",
                state.code()
            )));
        }
        let mut data = data;
        if kind == "claim_decision" {
            let d = data.get("decision").and_then(|v| v.as_str()).unwrap_or("");
            let code = tousu_core::ClaimDecision::parse(d)
                .ok_or_else(|| EngineError::Refused(format!("unknown claim decision {d:?}")))?
                .code();
            data["decision"] = serde_json::Value::from(code);
        }
        if kind == "extend" && data.get("days").and_then(|v| v.as_u64()).is_none_or(|d| d == 0 || d > 366) {
            return Err(EngineError::Refused("an extension needs a number of days from 1 to 366".into()));
        }
        if matches!(kind, "pause" | "extend") && reason.is_none() {
            return Err(EngineError::Refused(format!("{kind} needs a reason")));
        }
        if kind == "resume" {
            let evs = store.events(id)?;
            let open_pauses = evs.iter().filter(|e| e.kind == "pause").count() as i64
                - evs.iter().filter(|e| e.kind == "resume").count() as i64;
            if open_pauses <= 0 {
                return Err(EngineError::Refused("no pause to resume".into()));
            }
        }
        if on > today() {
            return Err(EngineError::Refused("an event cannot happen in the future".into()));
        }
        let ev = NewEvent { kind: kind.to_string(), on_date: on.to_string(), reason: reason.map(String::from), data };
        let v = store.add_event(id, version, &ev, actor)?;
        self.refresh(store, id)?;
        Ok(v)
    }
}
