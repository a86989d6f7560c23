//! Playbooks as data (`data/assess/playbooks.toml`): the situation (category × grade ×
//! dominant emotion × refusal scenario × ring suspicion) selects the most specific matching
//! playbook; its steps are the three-principles check, strategies, escalation routes and
//! scripts generated from the case (emotion labels, a mirror of the customer's own words,
//! calibrated how/what questions for the demands, an accusation audit before bad news).

use super::legal::{CheckId, CheckStatus, LegalReport};
use super::{AssessInput, Bilingual, Grade, bad, check_version};
use crate::error::Error;
use crate::model::{ClaimDecision, DemandKind};
use crate::text::{Category, Emotion, Span, TextAnalysis, Threat};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The refusal scenarios of DOMAIN.md §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// (1) The refusal stands and the customer does not accept it.
    RefusalNotAccepted,
    /// (2) No agreed plan after negotiation.
    NoAgreement,
    /// (3) Answers rejected several times, repeat complaints (regulator included), excessive
    /// demands.
    RepeatedRejection,
    /// Not a refusal-type case.
    #[serde(rename = "none")]
    NotApplicable,
}

impl Scenario {
    pub const ALL: &'static [Scenario] =
        &[Scenario::RefusalNotAccepted, Scenario::NoAgreement, Scenario::RepeatedRejection, Scenario::NotApplicable];
    pub fn code(self) -> &'static str {
        match self {
            Scenario::RefusalNotAccepted => "refusal_not_accepted",
            Scenario::NoAgreement => "no_agreement",
            Scenario::RepeatedRejection => "repeated_rejection",
            Scenario::NotApplicable => "none",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Scenario::RefusalNotAccepted => "拒付成立但客户不接受",
            Scenario::NoAgreement => "协商后未达成一致",
            Scenario::RepeatedRejection => "多次不接受答复并反复投诉",
            Scenario::NotApplicable => "非拒付类",
        }
    }
}

const SCRIPT_KINDS: &[&str] = &["label", "mirror", "questions", "audit"];
const PRINCIPLES: &[&str] = &["lawful", "reasonable", "timely"];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWhen {
    category: Option<OneOrMany>,
    grade: Option<OneOrMany>,
    emotion: Option<OneOrMany>,
    scenario: Option<OneOrMany>,
    ring: Option<OneOrMany>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaybook {
    id: String,
    #[serde(default)]
    when: RawWhen,
    zh: String,
    en: String,
    #[serde(default)]
    routes: Vec<String>,
    #[serde(default)]
    scripts: Vec<String>,
    #[serde(default)]
    strategies: Vec<Bilingual>,
    #[serde(default)]
    approval_required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioParams {
    pub repeated_min_rejections: u32,
    pub no_agreement_min_rejections: u32,
    pub dominant_emotion_min: f32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudit {
    lines: Vec<Bilingual>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaybooks {
    version: u32,
    scenarios: ScenarioParams,
    topics: BTreeMap<String, Bilingual>,
    labels: BTreeMap<String, Bilingual>,
    mirror: Bilingual,
    questions: BTreeMap<String, Vec<Bilingual>>,
    audit: RawAudit,
    routes: BTreeMap<String, Bilingual>,
    principles: BTreeMap<String, Bilingual>,
    playbook: Vec<RawPlaybook>,
}

/// One fact of a `when`: `None` = "*".
type Cond = Option<Vec<String>>;

#[derive(Debug, Clone, PartialEq)]
struct Playbook {
    id: String,
    category: Cond,
    grade: Cond,
    emotion: Cond,
    scenario: Cond,
    ring: Cond,
    title: Bilingual,
    routes: Vec<String>,
    scripts: Vec<String>,
    strategies: Vec<Bilingual>,
    approval_required: bool,
}

impl Playbook {
    fn conds(&self) -> [(&'static str, &Cond); 5] {
        [
            ("category", &self.category),
            ("grade", &self.grade),
            ("emotion", &self.emotion),
            ("scenario", &self.scenario),
            ("ring", &self.ring),
        ]
    }
    fn specificity(&self) -> usize {
        self.conds().iter().filter(|(_, c)| c.is_some()).count()
    }
}

/// `data/assess/playbooks.toml`, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaybookSet {
    pub scenarios: ScenarioParams,
    topics: BTreeMap<String, Bilingual>,
    labels: BTreeMap<String, Bilingual>,
    mirror: Bilingual,
    questions: BTreeMap<String, Vec<Bilingual>>,
    audit: Vec<Bilingual>,
    routes: BTreeMap<String, Bilingual>,
    principles: BTreeMap<String, Bilingual>,
    playbooks: Vec<Playbook>,
}

fn cond(what: &str, field: &str, raw: Option<OneOrMany>, valid: &dyn Fn(&str) -> bool) -> Result<Cond, Error> {
    let list = match raw {
        None => return Ok(None),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    };
    if list.iter().any(|s| s.trim() == "*") {
        return if list.len() == 1 { Ok(None) } else { Err(bad(what, format!("{field}: \"*\" must stand alone"))) };
    }
    if list.is_empty() {
        return Err(bad(what, format!("{field}: empty list")));
    }
    let mut out = Vec::new();
    for s in list {
        let s = s.trim().to_string();
        if !valid(&s) {
            return Err(bad(what, format!("{field}: unknown value {s:?}")));
        }
        out.push(s);
    }
    Ok(Some(out))
}

impl PlaybookSet {
    pub fn from_toml(src: &str) -> Result<PlaybookSet, Error> {
        const WHAT: &str = "playbooks file";
        let raw: RawPlaybooks = toml::from_str(src).map_err(|e| bad(WHAT, e.to_string()))?;
        check_version(WHAT, raw.version)?;
        if !(0.0..=1.0).contains(&raw.scenarios.dominant_emotion_min) {
            return Err(bad(WHAT, "dominant_emotion_min must be 0..=1"));
        }
        for (table, key) in [("topics", "other"), ("labels", "none"), ("questions", "default")] {
            let has = match table {
                "topics" => raw.topics.contains_key(key),
                "labels" => raw.labels.contains_key(key),
                _ => raw.questions.contains_key(key),
            };
            if !has {
                return Err(bad(WHAT, format!("[{table}] needs an entry {key:?}")));
            }
        }
        for k in raw.topics.keys() {
            if Category::parse(k).is_none() {
                return Err(bad(WHAT, format!("[topics]: unknown category {k:?}")));
            }
        }
        for k in raw.labels.keys() {
            if k != "none" && Emotion::parse(k).is_none() {
                return Err(bad(WHAT, format!("[labels]: unknown emotion {k:?}")));
            }
        }
        for k in raw.questions.keys() {
            if k != "default" && DemandKind::parse(k).is_none() {
                return Err(bad(WHAT, format!("[questions]: unknown demand kind {k:?}")));
            }
        }
        for p in PRINCIPLES {
            if !raw.principles.contains_key(*p) {
                return Err(bad(WHAT, format!("[principles] needs {p:?}")));
            }
        }
        let mut playbooks: Vec<Playbook> = Vec::new();
        for p in raw.playbook {
            let what = format!("{WHAT}: playbook {:?}", p.id);
            if p.id.trim().is_empty() || playbooks.iter().any(|o| o.id == p.id) {
                return Err(bad(&what, "id must be non-empty and unique"));
            }
            for r in &p.routes {
                if !raw.routes.contains_key(r) {
                    return Err(bad(&what, format!("unknown route {r:?}")));
                }
            }
            for s in &p.scripts {
                if !SCRIPT_KINDS.contains(&s.as_str()) {
                    return Err(bad(&what, format!("unknown script {s:?} (label, mirror, questions, audit)")));
                }
            }
            let w = p.when;
            playbooks.push(Playbook {
                category: cond(&what, "category", w.category, &|s| Category::parse(s).is_some_and(|c| c.code() == s))?,
                grade: cond(&what, "grade", w.grade, &|s| Grade::parse(s).is_some_and(|g| g.code() == s))?,
                emotion: cond(&what, "emotion", w.emotion, &|s| {
                    s == "none" || Emotion::parse(s).is_some_and(|e| e.code() == s)
                })?,
                scenario: cond(&what, "scenario", w.scenario, &|s| Scenario::ALL.iter().any(|x| x.code() == s))?,
                ring: cond(&what, "ring", w.ring, &|s| s == "true" || s == "false")?,
                id: p.id,
                title: Bilingual::new(p.zh, p.en),
                routes: p.routes,
                scripts: p.scripts,
                strategies: p.strategies,
                approval_required: p.approval_required,
            });
        }
        if !playbooks.iter().any(|p| p.specificity() == 0) {
            return Err(bad(WHAT, "one playbook must match every case (an empty `when`)"));
        }
        Ok(PlaybookSet {
            scenarios: raw.scenarios,
            topics: raw.topics,
            labels: raw.labels,
            mirror: raw.mirror,
            questions: raw.questions,
            audit: raw.audit.lines,
            routes: raw.routes,
            principles: raw.principles,
            playbooks,
        })
    }

    /// The ids of the playbooks, in file order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.playbooks.iter().map(|p| p.id.as_str())
    }

    /// The most specific matching playbook for the situation (ties: the first in the file).
    pub fn matching(&self, situation: &Situation) -> Option<(&str, usize)> {
        self.best(situation).map(|p| (p.id.as_str(), p.specificity()))
    }

    fn best(&self, s: &Situation) -> Option<&Playbook> {
        let facts = s.facts();
        let mut best: Option<&Playbook> = None;
        for p in &self.playbooks {
            let ok = p
                .conds()
                .iter()
                .zip(facts.iter())
                .all(|((_, c), v)| c.as_ref().is_none_or(|list| list.iter().any(|x| x == v)));
            if ok && best.is_none_or(|b| p.specificity() > b.specificity()) {
                best = Some(p);
            }
        }
        best
    }

    /// Select the playbook and generate its steps and scripts.
    pub fn select(
        &self,
        input: &AssessInput<'_>,
        grade: Grade,
        scenario: Scenario,
        emotion: Option<Emotion>,
        legal: &LegalReport,
    ) -> SelectedPlaybook {
        let category = input.category();
        let situation = Situation { category, grade, emotion, scenario, ring: input.handling.ring_suspected };
        // An empty `when` always matches and the loader requires one, so `best` finds one; the
        // fallback keeps this total.
        let fallback = Playbook {
            id: "default".into(),
            category: None,
            grade: None,
            emotion: None,
            scenario: None,
            ring: None,
            title: Bilingual::new("通用处理", "General handling"),
            routes: Vec::new(),
            scripts: SCRIPT_KINDS.iter().map(|s| s.to_string()).collect(),
            strategies: Vec::new(),
            approval_required: false,
        };
        let p = self.best(&situation).unwrap_or(&fallback);
        let matched_on: Vec<String> = p
            .conds()
            .iter()
            .zip(situation.facts().iter())
            .filter(|((_, c), _)| c.is_some())
            .map(|((name, _), v)| format!("{name}={v}"))
            .collect();
        let scripts = self.scripts(input, &p.scripts, category);
        SelectedPlaybook {
            id: p.id.clone(),
            title: p.title.clone(),
            situation,
            matched_on,
            principles: self.principles(input, legal),
            strategies: p.strategies.clone(),
            routes: p
                .routes
                .iter()
                .filter_map(|r| self.routes.get(r).map(|label| Route { id: r.clone(), label: label.clone() }))
                .collect(),
            scripts,
            approval_required: p.approval_required || input.handling.ring_suspected,
        }
    }

    fn principles(&self, input: &AssessInput<'_>, legal: &LegalReport) -> Vec<PrincipleCheck> {
        let label = |k: &str| self.principles.get(k).cloned().unwrap_or_else(|| Bilingual::new(k, k));
        let c = input.complaint;
        // Lawful: no legal check failed.
        let failed: Vec<&str> =
            legal.checks.iter().filter(|x| x.status == CheckStatus::Fail).map(|x| x.id.code()).collect();
        let unknown = legal.checks.iter().any(|x| x.status == CheckStatus::Unknown);
        let lawful = if !failed.is_empty() {
            (
                CheckStatus::Fail,
                Bilingual::new(
                    format!("法律检查未通过：{}", failed.join("、")),
                    format!("legal checks failed: {}", failed.join(", ")),
                ),
            )
        } else if unknown {
            (CheckStatus::Unknown, Bilingual::new("部分法律检查缺少数据", "some legal checks lack data"))
        } else {
            (CheckStatus::Pass, Bilingual::new("法律检查均通过或不适用", "legal checks pass or do not apply"))
        };
        // Reasonable: a refusal states its ground; a legal failure needs a remedy.
        let refused = c.claim.as_ref().and_then(|cl| cl.decision) == Some(ClaimDecision::Refused);
        let ground = c.claim.as_ref().and_then(|cl| cl.refusal_ground.as_deref()).is_some_and(|g| !g.trim().is_empty());
        let reasonable = if refused && !ground {
            (CheckStatus::Fail, Bilingual::new("拒赔未记录理由", "the refusal has no recorded ground"))
        } else if legal.vulnerable {
            (
                CheckStatus::Unknown,
                Bilingual::new(
                    "机构有过错之处：确认已提出补救措施",
                    "the institution was at fault: confirm a remedy is offered",
                ),
            )
        } else {
            (CheckStatus::Pass, Bilingual::new("理由已记录", "the grounds are recorded"))
        };
        // Timely: nothing overdue, no statutory deadline missed.
        let late_ids = [
            CheckId::DecisionTimely,
            CheckId::RefusalNoticeTimely,
            CheckId::PaymentTimely,
            CheckId::DeterminablePartPaid,
            CheckId::SurrenderRefundTimely,
        ];
        let late_legal = legal.checks.iter().any(|x| x.status == CheckStatus::Fail && late_ids.contains(&x.id));
        let overdue = input.handling.days_to_due.is_some_and(|d| d < 0);
        let timely = if overdue || late_legal {
            (
                CheckStatus::Fail,
                Bilingual::new("投诉处理超期或法定时限未遵守", "complaint overdue or a statutory deadline missed"),
            )
        } else {
            (CheckStatus::Pass, Bilingual::new("未超期", "nothing overdue"))
        };
        [("lawful", lawful), ("reasonable", reasonable), ("timely", timely)]
            .into_iter()
            .map(|(k, (status, note))| PrincipleCheck { principle: k.to_string(), label: label(k), status, note })
            .collect()
    }

    fn topic(&self, category: Option<Category>) -> Bilingual {
        category
            .and_then(|c| self.topics.get(c.code()))
            .or_else(|| self.topics.get("other"))
            .cloned()
            .unwrap_or_else(|| Bilingual::new("这件事", "this"))
    }

    /// Generate the scripts the playbook asks for.
    pub fn scripts(&self, input: &AssessInput<'_>, kinds: &[String], category: Option<Category>) -> Scripts {
        let want = |k: &str| kinds.iter().any(|x| x == k);
        let topic = self.topic(category);
        let fill =
            |t: &Bilingual| Bilingual::new(t.zh.replace("{topic}", &topic.zh), t.en.replace("{topic}", &topic.en));
        let mut out = Scripts::default();
        if want("label") {
            let mut emotions: Vec<(Emotion, f32)> = input
                .analysis
                .map(|a| {
                    a.emotions
                        .iter()
                        .filter(|f| f.score >= self.scenarios.dominant_emotion_min)
                        .map(|f| (f.value, f.score))
                        .collect()
                })
                .unwrap_or_default();
            emotions.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            for (e, _) in emotions.iter().take(2) {
                if let Some(t) = self.labels.get(e.code()) {
                    out.labels.push(EmotionLabel { emotion: Some(*e), text: fill(t) });
                }
            }
            if out.labels.is_empty()
                && let Some(t) = self.labels.get("none")
            {
                out.labels.push(EmotionLabel { emotion: None, text: fill(t) });
            }
        }
        if want("mirror")
            && let Some((phrase, span)) = mirror_phrase(&input.complaint.text, input.analysis)
        {
            out.mirror = Some(Mirror {
                text: Bilingual::new(
                    self.mirror.zh.replace("{phrase}", &phrase),
                    self.mirror.en.replace("{phrase}", &phrase),
                ),
                phrase,
                span,
            });
        }
        if want("questions") {
            let mut kinds: Vec<DemandKind> = input.complaint.demands.iter().map(|d| d.kind).collect();
            if let Some(a) = input.analysis {
                kinds.extend(a.demands.iter().map(|d| d.value.kind));
            }
            let mut seen = Vec::new();
            for k in kinds {
                if seen.contains(&k) {
                    continue;
                }
                seen.push(k);
                for q in self.questions.get(k.code()).into_iter().flatten() {
                    out.questions.push(CalibratedQuestion { demand: Some(k), text: q.clone() });
                }
            }
            for q in self.questions.get("default").into_iter().flatten() {
                out.questions.push(CalibratedQuestion { demand: None, text: q.clone() });
            }
            out.questions.truncate(5);
        }
        if want("audit") {
            out.accusation_audit = self.audit.iter().map(fill).collect();
        }
        out
    }
}

/// The facts a playbook is chosen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Situation {
    pub category: Option<Category>,
    pub grade: Grade,
    pub emotion: Option<Emotion>,
    pub scenario: Scenario,
    pub ring: bool,
}

impl Situation {
    fn facts(&self) -> [String; 5] {
        [
            self.category.unwrap_or(Category::Other).code().to_string(),
            self.grade.code().to_string(),
            self.emotion.map_or("none", |e| e.code()).to_string(),
            self.scenario.code().to_string(),
            self.ring.to_string(),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipleCheck {
    /// `lawful` | `reasonable` | `timely` (合法性、合理性、及时性).
    pub principle: String,
    pub label: Bilingual,
    pub status: CheckStatus,
    pub note: Bilingual,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    /// `internal_review` | `mediation` | `arbitration` | `litigation` | `regulator` (as in the
    /// data file).
    pub id: String,
    pub label: Bilingual,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmotionLabel {
    /// `None`: no emotion detected; a neutral label.
    pub emotion: Option<Emotion>,
    pub text: Bilingual,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mirror {
    /// The customer's own words, as written.
    pub phrase: String,
    /// Where they are in the complaint text (characters).
    pub span: Span,
    pub text: Bilingual,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalibratedQuestion {
    pub demand: Option<DemandKind>,
    pub text: Bilingual,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Scripts {
    pub labels: Vec<EmotionLabel>,
    pub mirror: Option<Mirror>,
    pub questions: Vec<CalibratedQuestion>,
    /// Say these before the bad news.
    pub accusation_audit: Vec<Bilingual>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelectedPlaybook {
    pub id: String,
    pub title: Bilingual,
    pub situation: Situation,
    /// The facts the playbook matched on (`scenario=refusal_not_accepted` …); empty for the
    /// catch-all.
    pub matched_on: Vec<String>,
    pub principles: Vec<PrincipleCheck>,
    pub strategies: Vec<Bilingual>,
    pub routes: Vec<Route>,
    pub scripts: Scripts,
    /// Concessions on this case need supervisor approval (playbook rule or ring suspicion).
    pub approval_required: bool,
}

/// The strongest emotion at or above the playbook file's `dominant_emotion_min`.
pub fn dominant_emotion(analysis: Option<&TextAnalysis>, set: &PlaybookSet) -> Option<Emotion> {
    analysis?
        .emotions
        .iter()
        .filter(|f| f.score >= set.scenarios.dominant_emotion_min)
        .max_by(|a, b| a.score.total_cmp(&b.score).then(b.value.cmp(&a.value)))
        .map(|f| f.value)
}

/// The refusal scenario (DOMAIN.md §3). A refusal-type case is a refused claim, a claim-refusal,
/// surrender or amount dispute, or a full-refund demand. Then: answers rejected ≥
/// `repeated_min_rejections` → repeated rejection; answers rejected or times reopened ≥
/// `no_agreement_min_rejections` → no agreement; otherwise the refusal is not accepted.
pub fn scenario(input: &AssessInput<'_>, set: &PlaybookSet) -> Scenario {
    let c = input.complaint;
    let refused = c.claim.as_ref().and_then(|cl| cl.decision) == Some(ClaimDecision::Refused);
    let cat = matches!(
        input.category(),
        Some(Category::ClaimRefusal | Category::SurrenderDispute | Category::ClaimAmountDispute)
    );
    let full_refund = c.demands.iter().any(|d| d.kind == DemandKind::FullRefund)
        || input.analysis.is_some_and(|a| a.demands.iter().any(|d| d.value.kind == DemandKind::FullRefund));
    if !(refused || cat || full_refund) {
        return Scenario::NotApplicable;
    }
    let rejected = input.person.map_or(0, |p| p.answers_rejected);
    let p = &set.scenarios;
    if rejected >= p.repeated_min_rejections {
        Scenario::RepeatedRejection
    } else if rejected.max(input.handling.times_reopened) >= p.no_agreement_min_rejections {
        Scenario::NoAgreement
    } else {
        Scenario::RefusalNotAccepted
    }
}

fn is_clause_break(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';' | '，' | ',' | '\n' | '\r' | '.' | '…' | '：' | ':')
}

/// The customer's last few words: the last clause of the text (skipping clauses with insults
/// or threats of violence), cut to its last 10 characters (Chinese) or 4 words (English).
pub fn mirror_phrase(text: &str, analysis: Option<&TextAnalysis>) -> Option<(String, Span)> {
    let chars: Vec<char> = text.chars().collect();
    let avoid: Vec<Span> = analysis
        .map(|a| {
            let insults = a.emotions.iter().flat_map(|f| f.evidence.iter()).filter(|e| e.rule == "anger.insult");
            let violence =
                a.threats.iter().filter(|f| f.value == Threat::SelfHarmViolence).flat_map(|f| f.evidence.iter());
            insults.chain(violence).flat_map(|e| e.spans.iter().copied()).collect()
        })
        .unwrap_or_default();
    let mut end = chars.len();
    while end > 0 {
        let mut start = end;
        while start > 0 && !is_clause_break(chars[start - 1]) {
            start -= 1;
        }
        // Trim spaces and quotes.
        let (mut s, mut e) = (start, end);
        while s < e && (chars[s].is_whitespace() || "\"'“”「」『』（）()".contains(chars[s])) {
            s += 1;
        }
        while e > s && (chars[e - 1].is_whitespace() || "\"'“”「」『』（）()".contains(chars[e - 1])) {
            e -= 1;
        }
        let clause_ok = e - s >= 2 && !avoid.iter().any(|sp| sp.start < e && sp.end > s);
        if clause_ok {
            let ascii_words = chars[s..e].iter().filter(|c| c.is_ascii_alphabetic()).count() * 2 > e - s;
            let s = if ascii_words {
                // Last 4 words.
                let mut i = e;
                let mut words = 0;
                while i > s {
                    if chars[i - 1].is_whitespace() && i < e && !chars[i].is_whitespace() {
                        words += 1;
                        if words == 4 {
                            break;
                        }
                    }
                    i -= 1;
                }
                i
            } else {
                s.max(e.saturating_sub(10))
            };
            let phrase: String = chars[s..e].iter().collect();
            return Some((phrase, Span::new(s, e)));
        }
        end = start.saturating_sub(1);
        while end > 0 && is_clause_break(chars[end - 1]) {
            end -= 1;
        }
    }
    None
}
