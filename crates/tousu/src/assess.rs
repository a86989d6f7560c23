//! Case assessment in the product (issue #7): the pure `tousu_core::assess` applied to stored
//! complaints — handling facts from the lifecycle and clocks, legal facts from events, the
//! stored summary (grade for the queue and the dashboard), negotiation plans, approvals and
//! concessions with their rules, and the CLI commands (`assess`, `plan`, `check-reply`,
//! `reassess`). HTTP and web call the engine methods here; they know no HTTP.

use crate::engine::{Engine, EngineError};
use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use std::path::Path;
use tousu_core::Money;
use tousu_core::assess::negotiation::{self, Plan, PlanInput};
use tousu_core::assess::{
    AssessConfig, AssessInput, AssessSources, Assessment, CheckStatus, HandlingFacts, LegalFacts, PersonFacts, assess,
};
use tousu_core::clocks::primary_due;
use tousu_core::text::TextAnalysis;
use tousu_core::{Currency, DemandKind, Role};
use tousu_store::{
    ApprovalRecord, ApprovalStatus, AssessmentSummary, Backend, ComplaintId, ConcessionRecord, EventRecord,
    NewApproval, NewConcession, PlanRecord, StoredComplaint,
};

/// The shipped assessment data, with `DIR/assess/<name>.toml` replacing a shipped file of the
/// same name (dimensions, legal, playbooks, reply, negotiation).
pub fn load_config(config_dir: Option<&Path>) -> Result<AssessConfig> {
    let dir = config_dir.map(|d| d.join("assess")).filter(|d| d.is_dir());
    let read = |name: &str| -> Result<Option<String>> {
        match &dir {
            Some(d) if d.join(name).is_file() => {
                Ok(Some(std::fs::read_to_string(d.join(name)).with_context(|| format!("reading assess/{name}"))?))
            }
            _ => Ok(None),
        }
    };
    let (dimensions, legal, playbooks, reply, negotiation) = (
        read("dimensions.toml")?,
        read("legal.toml")?,
        read("playbooks.toml")?,
        read("reply.toml")?,
        read("negotiation.toml")?,
    );
    AssessConfig::from_strs(&AssessSources {
        dimensions: dimensions.as_deref(),
        legal: legal.as_deref(),
        playbooks: playbooks.as_deref(),
        reply: reply.as_deref(),
        negotiation: negotiation.as_deref(),
    })
    .context("assessment data (assess/*.toml)")
}

/// Why an assessment request was refused. `code()` is the API's stable error code.
#[derive(Debug)]
pub enum AssessError {
    NotFound,
    /// The role may not do this.
    Forbidden(String),
    /// The request itself is wrong (amounts, kinds …).
    Invalid(String),
    /// Goodwill above the authority needs a granted approval first.
    ApprovalRequired(String),
    /// Someone else changed it first (an approval already decided …).
    Conflict(String),
    Store(tousu_store::Error),
}

impl AssessError {
    pub fn code(&self) -> &'static str {
        match self {
            AssessError::NotFound => "not_found",
            AssessError::Forbidden(_) => "forbidden",
            AssessError::Invalid(_) => "validation_failed",
            AssessError::ApprovalRequired(_) => "approval_required",
            AssessError::Conflict(_) => "conflict",
            AssessError::Store(_) => "internal",
        }
    }
}

impl std::fmt::Display for AssessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AssessError::NotFound => write!(f, "no such complaint"),
            AssessError::Forbidden(m)
            | AssessError::Invalid(m)
            | AssessError::ApprovalRequired(m)
            | AssessError::Conflict(m) => write!(f, "{m}"),
            AssessError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl From<tousu_store::Error> for AssessError {
    fn from(e: tousu_store::Error) -> Self {
        match e {
            tousu_store::Error::NotFound => AssessError::NotFound,
            tousu_store::Error::Conflict(m) => AssessError::Conflict(m),
            other => AssessError::Store(other),
        }
    }
}

impl From<EngineError> for AssessError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::NotFound => AssessError::NotFound,
            EngineError::Conflict(m) => AssessError::Conflict(m),
            EngineError::Refused(m) => AssessError::Invalid(m),
            EngineError::Store(e) => AssessError::Store(e),
        }
    }
}

/// Concession kinds.
pub const CONCESSION_KINDS: &[&str] = &["goodwill", "entitlement", "non_monetary"];

/// Everything the case page and the API show about one complaint's assessment.
pub struct CaseAssessment {
    pub assessment: Assessment,
    pub analysis: TextAnalysis,
    pub handling: HandlingFacts,
    pub legal_facts: LegalFacts,
    /// The complaint text the evidence spans point into.
    pub text: String,
}

/// Legal facts recorded as lifecycle events (they complete what the import columns hold).
pub fn legal_facts_from_events(events: &[EventRecord]) -> LegalFacts {
    let first = |kind: &str| {
        events
            .iter()
            .filter(|e| e.kind == kind)
            .filter_map(|e| NaiveDate::parse_from_str(&e.on_date, "%Y-%m-%d").ok())
            .min()
    };
    let refund_amount = events
        .iter()
        .filter(|e| e.kind == "refund_paid")
        .find_map(|e| e.data.get("amount").and_then(|v| serde_json::from_value::<Money>(v.clone()).ok()));
    LegalFacts {
        claim_request_date: first("claim_documents_complete"),
        refusal_notice_date: first("refusal_notice_sent"),
        agreement_date: first("agreement"),
        paid_date: first("payment"),
        surrender_notice_date: first("surrender_notice"),
        refund_date: first("refund_paid"),
        refund_amount,
        ..Default::default()
    }
}

/// The money a complaint demands in total (first currency), from its demands or its text.
pub fn demanded(s: &StoredComplaint, analysis: Option<&TextAnalysis>) -> Option<Money> {
    s.complaint.demanded_total().into_iter().next().or_else(|| analysis.and_then(|a| a.demanded_total.first().copied()))
}

/// Demand kinds of the complaint and of its text.
pub fn demand_kinds(s: &StoredComplaint, analysis: Option<&TextAnalysis>) -> Vec<DemandKind> {
    let mut kinds: Vec<DemandKind> = s.complaint.demands.iter().map(|d| d.kind).collect();
    for d in analysis.map(|a| a.demands.as_slice()).unwrap_or_default() {
        if !kinds.contains(&d.value.kind) {
            kinds.push(d.value.kind);
        }
    }
    kinds
}

/// Whether the offers' goodwill part is above the handler's authority.
pub fn above_authority(cfg: &AssessConfig, goodwill: Money) -> bool {
    goodwill.minor > cfg.negotiation.approval_threshold.saturating_mul(100)
}

impl Engine {
    /// What is known about the person behind the complaint. Filled by the profile code
    /// (persons, issue #6); `None` until a person is known.
    pub fn person_facts(&self, store: &dyn Backend, id: ComplaintId) -> Option<PersonFacts> {
        self.person_facts_of(store, id)
    }

    /// Where the handling stands, from the state, the events and the clocks.
    pub fn handling_facts(&self, s: &StoredComplaint, events: &[EventRecord], today: NaiveDate) -> HandlingFacts {
        let open = self.workflow.is_open(self.state_of(s));
        let received = s.complaint.received_at.date();
        let transitions = || events.iter().filter(|e| e.kind == "transition");
        let ended = if open {
            today
        } else {
            transitions().filter_map(|e| NaiveDate::parse_from_str(&e.on_date, "%Y-%m-%d").ok()).max().unwrap_or(today)
        };
        let action = |e: &EventRecord, a: &str| e.data.get("action").and_then(|v| v.as_str()) == Some(a);
        let clocks = self.clocks_of(s, events, today);
        HandlingFacts {
            state: s.state.clone(),
            days_open: (ended - received).num_days().max(0),
            days_to_due: if open { primary_due(&clocks).map(|d| (d - today).num_days()) } else { None },
            times_reopened: transitions().filter(|e| action(e, "reopen")).count() as u32,
            times_escalated: events.iter().filter(|e| e.kind == "escalation").count() as u32,
            ring_suspected: false,
            surge: false,
            satisfied: None,
            root_cause: None,
        }
    }

    /// Assess a stored complaint with its events (pure apart from the person lookup).
    pub fn assess_stored(
        &self,
        db: &dyn Backend,
        s: &StoredComplaint,
        events: &[EventRecord],
        today: NaiveDate,
    ) -> CaseAssessment {
        let analysis = self.analyzer.analyze(&s.complaint.text);
        let person = self.person_facts(db, s.id);
        // A claim decision recorded as an event completes the imported claim.
        let mut complaint = s.complaint.clone();
        if let Some(e) = events.iter().rev().find(|e| e.kind == "claim_decision") {
            let decision = e.data.get("decision").and_then(|v| v.as_str()).and_then(tousu_core::ClaimDecision::parse);
            let on = NaiveDate::parse_from_str(&e.on_date, "%Y-%m-%d").ok();
            if let Some(d) = decision {
                let claim = complaint.claim.get_or_insert_with(Default::default);
                claim.decision = Some(d);
                claim.decision_date = on.or(claim.decision_date);
            }
        }
        let handling = self.handling_facts(s, events, today);
        let mut input = AssessInput::new(&complaint, Some(&analysis), &self.assess, today);
        input.person = person.as_ref();
        input.handling = handling.clone();
        input.legal = input.legal.clone().merged(&legal_facts_from_events(events));
        let legal_facts = input.legal.clone();
        let assessment = assess(&input, &self.assess);
        CaseAssessment { assessment, analysis, handling, legal_facts, text: s.complaint.text.clone() }
    }

    /// Assess one complaint now and store the summary.
    pub fn reassess_one(&self, db: &dyn Backend, id: ComplaintId) -> Result<CaseAssessment, AssessError> {
        let s = db.get(id)?.ok_or(AssessError::NotFound)?;
        let events = db.events(id)?;
        let ca = self.assess_stored(db, &s, &events, crate::engine::today());
        db.save_assessments(&[summary(id, &ca.assessment)])?;
        Ok(ca)
    }

    /// The assessment of a complaint for showing: computed now; stored when the stored one is
    /// missing or not current (so the queue and the dashboard follow).
    pub fn current_assessment(
        &self,
        db: &dyn Backend,
        s: &StoredComplaint,
        events: &[EventRecord],
    ) -> Result<CaseAssessment, AssessError> {
        let ca = self.assess_stored(db, s, events, crate::engine::today());
        let stored = db.assessment(s.id)?;
        if stored.is_none_or(|st| !st.current || st.grade != ca.assessment.grade.code()) {
            db.save_assessments(&[summary(s.id, &ca.assessment)])?;
        }
        Ok(ca)
    }

    /// Assess the complaints whose stored assessment is missing or stale (or all). Returns
    /// how many were assessed.
    pub fn reassess(&self, db: &dyn Backend, all: bool) -> Result<u64> {
        let today = crate::engine::today();
        let mut after = 0i64;
        let mut n = 0u64;
        loop {
            let batch = db.assessment_inputs(!all, after, 1000)?;
            let Some(last) = batch.last() else { break };
            after = last.0.id.0;
            let items: Vec<AssessmentSummary> =
                batch.iter().map(|(s, ev)| summary(s.id, &self.assess_stored(db, s, ev, today).assessment)).collect();
            n += items.len() as u64;
            db.save_assessments(&items)?;
        }
        Ok(n)
    }

    /// Build a negotiation plan for a complaint; saved (and audited) when `actor` is given.
    /// The demand defaults to what the complaint (or its text) demands.
    pub fn build_plan(
        &self,
        db: &dyn Backend,
        id: ComplaintId,
        entitlement: Money,
        goodwill_max: Money,
        demand: Option<Money>,
        actor: Option<(&str, Role)>,
    ) -> Result<(Plan, PlanInput, Option<PlanRecord>), AssessError> {
        if let Some((_, Role::Analyst)) = actor {
            return Err(AssessError::Forbidden("analysts read; they do not negotiate".into()));
        }
        let s = db.get(id)?.ok_or(AssessError::NotFound)?;
        let events = db.events(id)?;
        let ca = self.assess_stored(db, &s, &events, crate::engine::today());
        let demand = demand
            .or_else(|| demanded(&s, Some(&ca.analysis)))
            .ok_or_else(|| AssessError::Invalid("no demand recorded; give the amount demanded".into()))?;
        let input = PlanInput {
            entitlement,
            goodwill_max,
            demand,
            demand_kinds: demand_kinds(&s, Some(&ca.analysis)),
            ring_suspected: ca.handling.ring_suspected || ca.assessment.playbook.approval_required,
        };
        let plan =
            negotiation::plan(&input, &self.assess.negotiation).map_err(|e| AssessError::Invalid(e.to_string()))?;
        let record = match actor {
            Some((who, _)) => {
                let iv = serde_json::to_value(&input).map_err(|e| AssessError::Invalid(e.to_string()))?;
                let pv = serde_json::to_value(&plan).map_err(|e| AssessError::Invalid(e.to_string()))?;
                Some(db.save_plan(id, &iv, &pv, plan.needs_approval, who)?)
            }
            None => None,
        };
        Ok((plan, input, record))
    }

    /// Ask a supervisor to approve an offer: the given amounts, or the highest offer of the
    /// given plan that needs approval (else its last offer).
    #[allow(clippy::too_many_arguments)]
    pub fn request_approval(
        &self,
        db: &dyn Backend,
        id: ComplaintId,
        plan_id: Option<i64>,
        amounts: Option<(Money, Money)>,
        reason: &str,
        role: Role,
        actor: &str,
    ) -> Result<ApprovalRecord, AssessError> {
        if role == Role::Analyst {
            return Err(AssessError::Forbidden("analysts read; they do not negotiate".into()));
        }
        db.get(id)?.ok_or(AssessError::NotFound)?;
        let (total, goodwill) = match (amounts, plan_id) {
            (Some(a), _) => a,
            (None, Some(pid)) => {
                let plan = db.plans(id)?.into_iter().find(|p| p.id == pid).ok_or(AssessError::NotFound)?;
                let offers = plan.plan.get("offers").and_then(|o| o.as_array()).cloned().unwrap_or_default();
                let pick = offers
                    .iter()
                    .rev()
                    .find(|o| o.get("needs_approval").and_then(|v| v.as_bool()) == Some(true))
                    .or(offers.last())
                    .ok_or_else(|| AssessError::Invalid("the plan has no offer".into()))?;
                let m = |k: &str| pick.get(k).and_then(|v| serde_json::from_value::<Money>(v.clone()).ok());
                match (m("total"), m("goodwill")) {
                    (Some(t), Some(g)) => (t, g),
                    _ => return Err(AssessError::Invalid("the plan's offer has no amounts".into())),
                }
            }
            (None, None) => return Err(AssessError::Invalid("name a plan or give the offer and its goodwill".into())),
        };
        if total.minor < 0 || goodwill.minor < 0 || goodwill.minor > total.minor || total.currency != goodwill.currency
        {
            return Err(AssessError::Invalid(
                "the offer and its goodwill part must be amounts ≥ 0 in one currency, goodwill ≤ offer".into(),
            ));
        }
        let reason = reason.trim();
        let reason = if reason.is_empty() { "超出授权的通融 / goodwill above authority" } else { reason };
        Ok(db.request_approval(id, &NewApproval { plan_id, total, goodwill, reason: reason.to_string() }, actor)?)
    }

    /// A supervisor (or admin) grants or denies a pending approval of this complaint; nobody
    /// approves their own request.
    #[allow(clippy::too_many_arguments)]
    pub fn decide_approval(
        &self,
        db: &dyn Backend,
        id: ComplaintId,
        approval_id: i64,
        grant: bool,
        note: Option<&str>,
        role: Role,
        actor: &str,
    ) -> Result<ApprovalRecord, AssessError> {
        if !matches!(role, Role::Supervisor | Role::Admin) {
            return Err(AssessError::Forbidden("only a supervisor grants or denies an approval".into()));
        }
        let a = db.approval(approval_id)?.filter(|a| a.complaint_id == id).ok_or(AssessError::NotFound)?;
        if a.requested_by == actor {
            return Err(AssessError::Forbidden("a request is decided by someone other than who made it".into()));
        }
        if a.status != ApprovalStatus::Pending {
            return Err(AssessError::Conflict(format!("approval {approval_id} is already {}", a.status.code())));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        Ok(db.decide_approval(approval_id, grant, note, actor)?)
    }

    /// Record a concession. Goodwill that takes the complaint's goodwill total above the
    /// handler's authority (or any goodwill when the playbook or a ring suspicion requires
    /// approval) needs a granted approval covering that total.
    #[allow(clippy::too_many_arguments)]
    pub fn record_concession(
        &self,
        db: &dyn Backend,
        id: ComplaintId,
        kind: &str,
        amount: Money,
        description: &str,
        approval_id: Option<i64>,
        role: Role,
        actor: &str,
    ) -> Result<ConcessionRecord, AssessError> {
        if role == Role::Analyst {
            return Err(AssessError::Forbidden("analysts read; they do not negotiate".into()));
        }
        if !CONCESSION_KINDS.contains(&kind) {
            return Err(AssessError::Invalid(format!("unknown kind {kind:?}; one of {}", CONCESSION_KINDS.join(", "))));
        }
        if amount.minor < 0 {
            return Err(AssessError::Invalid("a concession is not negative".into()));
        }
        let s = db.get(id)?.ok_or(AssessError::NotFound)?;
        if kind == "goodwill" && amount.minor > 0 {
            let before: i64 = db
                .concessions(id)?
                .iter()
                .filter(|c| c.kind == "goodwill" && c.amount.currency == amount.currency)
                .map(|c| c.amount.minor)
                .sum();
            let total = Money::new(before + amount.minor, amount.currency);
            let events = db.events(id)?;
            let ca = self.assess_stored(db, &s, &events, crate::engine::today());
            let strict = ca.assessment.playbook.approval_required || ca.handling.ring_suspected;
            if strict || above_authority(&self.assess, total) {
                let Some(aid) = approval_id else {
                    return Err(AssessError::ApprovalRequired(format!(
                        "goodwill of {} on this complaint needs a supervisor's approval (authority {})",
                        total.display(),
                        Money::new(self.assess.negotiation.approval_threshold * 100, amount.currency).display()
                    )));
                };
                let a = db.approval(aid)?.filter(|a| a.complaint_id == id).ok_or(AssessError::NotFound)?;
                if a.status != ApprovalStatus::Granted || a.goodwill.currency != total.currency || a.goodwill < total {
                    return Err(AssessError::ApprovalRequired(format!(
                        "approval {aid} is {} for goodwill of {}; {} needs a granted approval covering it",
                        a.status.code(),
                        a.goodwill.display(),
                        total.display()
                    )));
                }
            }
        }
        let c =
            NewConcession { kind: kind.to_string(), amount, description: description.trim().to_string(), approval_id };
        Ok(db.add_concession(id, &c, actor)?)
    }
}

/// The stored summary of an assessment (the grade, scores, failed checks, playbook, reasons).
pub fn summary(id: ComplaintId, a: &Assessment) -> AssessmentSummary {
    let scores: serde_json::Map<String, serde_json::Value> =
        a.dimensions.dimensions.iter().map(|d| (d.dimension.code().to_string(), d.score.into())).collect();
    let failed: Vec<&str> =
        a.legal.checks.iter().filter(|c| c.status == CheckStatus::Fail).map(|c| c.id.code()).collect();
    AssessmentSummary {
        id,
        grade: a.grade.code().to_string(),
        summary: serde_json::json!({
            "grade": a.grade.code(),
            "grade_before_legal": a.grade_before_legal.code(),
            "overall": a.dimensions.overall,
            "scores": scores,
            "legally_vulnerable": a.legally_vulnerable,
            "failed_checks": failed,
            "scenario": a.scenario.code(),
            "playbook": a.playbook.id,
            "reasons": a.reasons.iter().take(3).collect::<Vec<_>>(),
        }),
    }
}

/// Parse an amount given on the command line or in a form (`20000`, `¥20,000`, `2万`).
pub fn parse_amount(s: &str) -> Option<Money> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    tousu_core::money::parse_money(t, Currency::Cny).ok().filter(|m| m.minor >= 0)
}

// ---------------------------------------------------------------- CLI

fn status_label(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "PASS",
        CheckStatus::Fail => "FAIL",
        CheckStatus::Unknown => "UNKNOWN",
    }
}

/// `tousu assess ID`: the five dimensions, the legal checks, the grade with reasons, the
/// playbook and the scripts.
pub fn print_assessment(id: i64, ca: &CaseAssessment, json: bool) -> Result<()> {
    let a = &ca.assessment;
    if json {
        let v = serde_json::json!({ "complaint_id": id, "assessment": a, "handling": ca.handling, "legal_facts": ca.legal_facts });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!(
        "Complaint #{id}: risk grade {} {} (overall {}/100; before legal checks {} {})",
        a.grade.name_zh(),
        a.grade.code(),
        a.dimensions.overall,
        a.grade_before_legal.name_zh(),
        a.grade_before_legal.code()
    );
    if a.legally_vulnerable {
        println!("LEGALLY VULNERABLE 法律上站不住");
    }
    println!("\nReasons 理由:");
    for r in &a.reasons {
        println!("  - {}\n    {}", r.zh, r.en);
    }
    println!("\nFive dimensions 五维度:");
    for d in &a.dimensions.dimensions {
        println!("  {:<8} {:<24} {:>3}/100 (weight {:.2})", d.name.zh, d.name.en, d.score, d.weight);
        for f in &d.findings {
            println!("      +{:<3} {} / {}", f.points, f.text.zh, f.text.en);
            for e in &f.evidence {
                let what = match (&e.field, &e.value) {
                    (Some(field), Some(v)) => format!("{field} = {v}"),
                    _ => e.spans.iter().map(|s| format!("「{}」", s.slice(&ca.text))).collect::<Vec<_>>().join(" "),
                };
                println!("           evidence {}: {what}", e.rule);
            }
        }
    }
    println!("\nLegal checks 法律审查:");
    if a.legal.checks.is_empty() {
        println!("  (none apply)");
    }
    for c in &a.legal.checks {
        println!(
            "  {:<7} {} / {} — {} / {}",
            status_label(c.status),
            c.title.zh,
            c.title.en,
            c.article.zh,
            c.article.en
        );
        let used: Vec<String> = c.used.iter().map(|u| format!("{} = {}", u.field, u.value)).collect();
        if !used.is_empty() {
            println!("          used: {}", used.join("; "));
        }
        if !c.missing.is_empty() {
            println!("          missing: {}", c.missing.join(", "));
        }
        println!("          {}\n          {}", c.note.zh, c.note.en);
    }
    let p = &a.playbook;
    println!("\nPlaybook 处置方案: {} — {} / {}", p.id, p.title.zh, p.title.en);
    println!(
        "  situation: scenario {} ({}), emotion {}, matched on [{}]",
        a.scenario.code(),
        a.scenario.name_zh(),
        a.dominant_emotion.map_or("none", |e| e.code()),
        p.matched_on.join(", ")
    );
    for pr in &p.principles {
        println!("  {:<7} {} / {}: {} / {}", status_label(pr.status), pr.label.zh, pr.label.en, pr.note.zh, pr.note.en);
    }
    println!("  Strategies 策略:");
    for (i, s) in p.strategies.iter().enumerate() {
        println!("    {}. {}\n       {}", i + 1, s.zh, s.en);
    }
    println!(
        "  Routes 解决途径: {}",
        p.routes.iter().map(|r| format!("{} / {}", r.label.zh, r.label.en)).collect::<Vec<_>>().join("; ")
    );
    if p.approval_required {
        println!("  Concessions need a supervisor's approval 让步需主管审批");
    }
    println!("\nScripts 话术:");
    for l in &p.scripts.labels {
        println!("  label 标注:   {}\n                {}", l.text.zh, l.text.en);
    }
    if let Some(m) = &p.scripts.mirror {
        println!("  mirror 镜像:  {}\n                {}", m.text.zh, m.text.en);
    }
    for q in &p.scripts.questions {
        println!("  question 提问: {}\n                {}", q.text.zh, q.text.en);
    }
    for x in &p.scripts.accusation_audit {
        println!("  audit 预先认错: {}\n                {}", x.zh, x.en);
    }
    Ok(())
}

pub fn cli_assess(store: &dyn Backend, engine: &Engine, id: i64, json: bool) -> Result<()> {
    let s = store.get(ComplaintId(id))?.with_context(|| format!("no complaint {id}"))?;
    let ca = engine.reassess_one(store, s.id).map_err(|e| anyhow::anyhow!("{e}"))?;
    print_assessment(id, &ca, json)
}

pub fn print_plan(plan: &Plan, input: &PlanInput, record: Option<&PlanRecord>, json: bool) -> Result<()> {
    if json {
        let v = serde_json::json!({ "plan_id": record.map(|r| r.id), "input": input, "plan": plan });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!(
        "Entitlement 应得 {} (paid in full, never bargained) · authority 通融上限 {} · demand 诉求 {} · goodwill cap {}",
        input.entitlement.display(),
        input.goodwill_max.display(),
        input.demand.display(),
        plan.goodwill_cap.display()
    );
    println!("  {}\n  {}", plan.entitlement_note.zh, plan.entitlement_note.en);
    for (i, o) in plan.offers.iter().enumerate() {
        let pct = o.percent.map(|p| format!(" ({p}%)")).unwrap_or_default();
        let approval = if o.needs_approval { "  [needs approval 需审批]" } else { "" };
        println!(
            "{}. {:<11} {:>14}  goodwill {}{pct}{approval}",
            i + 1,
            format!("{:?}", o.kind).to_lowercase(),
            o.total.display(),
            o.goodwill.display()
        );
        println!("     {}\n     {}", o.say.zh, o.say.en);
        if i + 1 < plan.offers.len() {
            println!("     — pause 停顿: {} / {}", plan.pause.zh, plan.pause.en);
        }
    }
    if let Some(n) = &plan.non_monetary {
        println!("Non-monetary item 非金钱补偿: {} / {}", n.zh, n.en);
    }
    if plan.needs_approval {
        println!("This plan needs a supervisor's approval before the offers above the authority are made.");
    }
    if let Some(r) = record {
        println!("saved as plan #{}", r.id);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn cli_plan(
    store: &dyn Backend,
    engine: &Engine,
    id: i64,
    entitlement: &str,
    goodwill: &str,
    demand: Option<&str>,
    save: bool,
    json: bool,
) -> Result<()> {
    let e = parse_amount(entitlement).with_context(|| format!("entitlement {entitlement:?} is not an amount"))?;
    let g = parse_amount(goodwill).with_context(|| format!("goodwill {goodwill:?} is not an amount"))?;
    let d = match demand {
        Some(d) => Some(parse_amount(d).with_context(|| format!("demand {d:?} is not an amount"))?),
        None => None,
    };
    let actor = if save { Some(("cli", Role::Admin)) } else { None };
    let (plan, input, rec) =
        engine.build_plan(store, ComplaintId(id), e, g, d, actor).map_err(|e| anyhow::anyhow!("{e}"))?;
    print_plan(&plan, &input, rec.as_ref(), json)
}

pub fn cli_check_reply(engine: &Engine, file: &Path, json: bool) -> Result<bool> {
    let text = if file == Path::new("-") {
        let mut t = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut t).context("reading standard input")?;
        t
    } else {
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?
    };
    let flags = engine.assess.reply.check(&text);
    if json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "flags": flags }))?);
    } else if flags.is_empty() {
        println!("no taboos found 未发现禁忌用语");
    } else {
        for f in &flags {
            println!(
                "{:<19} {}..{} 「{}」 ({})\n    → {}\n    → {}",
                f.kind.code(),
                f.span.start,
                f.span.end,
                f.matched,
                f.kind.name_zh(),
                f.rewrite.zh,
                f.rewrite.en
            );
        }
    }
    Ok(flags.is_empty())
}
