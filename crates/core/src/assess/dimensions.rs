//! Five-dimension case analysis (五维度, DOMAIN.md §5): findings with evidence, a score per
//! dimension, an overall score and a four-level grade. Rules are code; their points,
//! thresholds, grade floors and texts are data (`data/assess/dimensions.toml`).

use super::{AssessInput, Bilingual, Grade, bad, check_version};
use crate::error::Error;
use crate::model::{Channel, ClaimDecision, DemandKind};
use crate::money::Money;
use crate::text::{self, Category, Marker, Span, Threat};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The five dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// 投诉主体
    Complainant,
    /// 投诉内容
    Content,
    /// 投诉环境
    Environment,
    /// 处理过程
    Handling,
    /// 反馈与改进
    Feedback,
}

impl Dimension {
    pub const ALL: &'static [Dimension] =
        &[Dimension::Complainant, Dimension::Content, Dimension::Environment, Dimension::Handling, Dimension::Feedback];
    pub fn code(self) -> &'static str {
        match self {
            Dimension::Complainant => "complainant",
            Dimension::Content => "content",
            Dimension::Environment => "environment",
            Dimension::Handling => "handling",
            Dimension::Feedback => "feedback",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Dimension::Complainant => "投诉主体",
            Dimension::Content => "投诉内容",
            Dimension::Environment => "投诉环境",
            Dimension::Handling => "处理过程",
            Dimension::Feedback => "反馈与改进",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Dimension::Complainant => "Complainant",
            Dimension::Content => "Content",
            Dimension::Environment => "Environment",
            Dimension::Handling => "Handling so far",
            Dimension::Feedback => "Feedback and improvement",
        }
    }
    fn of_rule(rule: &str) -> Option<Dimension> {
        let prefix = rule.split('.').next()?;
        Dimension::ALL.iter().copied().find(|d| d.code() == prefix)
    }
}

/// Every rule the code evaluates; the data file must list exactly these.
pub const RULES: &[&str] = &[
    "complainant.repeat",
    "complainant.same_issue",
    "complainant.regulator_history",
    "complainant.third_party",
    "complainant.linked",
    "complainant.concessions_before",
    "complainant.vulnerable",
    "complainant.strong_emotion",
    "content.refusal",
    "content.mis_selling",
    "content.full_refund",
    "content.demand_above_reference",
    "content.large_amount",
    "content.ghostwritten",
    "environment.regulator_referral",
    "environment.regulator_threat",
    "environment.media",
    "environment.litigation",
    "environment.petition",
    "environment.group",
    "environment.major_group",
    "environment.self_harm",
    "environment.ring",
    "environment.surge",
    "handling.overdue",
    "handling.due_soon",
    "handling.long_open",
    "handling.reopened",
    "handling.escalated",
    "feedback.answers_rejected",
    "feedback.dissatisfied",
    "feedback.no_root_cause",
    "feedback.recurring",
];

/// Rules that need a `min`.
const NEEDS_MIN: &[&str] = &[
    "complainant.repeat",
    "complainant.same_issue",
    "complainant.regulator_history",
    "complainant.strong_emotion",
    "content.demand_above_reference",
    "content.large_amount",
    "environment.group",
    "environment.major_group",
    "handling.due_soon",
    "handling.long_open",
    "handling.reopened",
    "handling.escalated",
    "feedback.answers_rejected",
    "feedback.recurring",
];

/// One rule's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleData {
    pub points: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<String>,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeThresholds {
    pub medium: u32,
    pub high: u32,
    pub critical: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimensions {
    version: u32,
    weights: BTreeMap<String, f64>,
    grades: GradeThresholds,
    rules: BTreeMap<String, RuleData>,
}

/// `data/assess/dimensions.toml`, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionsConfig {
    weights: [f64; 5],
    pub grades: GradeThresholds,
    rules: BTreeMap<String, (RuleData, Option<Grade>)>,
}

impl DimensionsConfig {
    pub fn from_toml(src: &str) -> Result<DimensionsConfig, Error> {
        const WHAT: &str = "dimensions file";
        let raw: RawDimensions = toml::from_str(src).map_err(|e| bad(WHAT, e.to_string()))?;
        check_version(WHAT, raw.version)?;
        let mut weights = [0.0; 5];
        for (k, w) in &raw.weights {
            let i = Dimension::ALL
                .iter()
                .position(|d| d.code() == k)
                .ok_or_else(|| bad(WHAT, format!("unknown dimension {k:?} in [weights]")))?;
            if !w.is_finite() || *w < 0.0 {
                return Err(bad(WHAT, format!("weight of {k} must be a number ≥ 0")));
            }
            weights[i] = *w;
        }
        if weights.iter().sum::<f64>() <= 0.0 {
            return Err(bad(WHAT, "at least one weight must be above 0"));
        }
        let g = raw.grades;
        if !(g.medium < g.high && g.high < g.critical && g.critical <= 100) {
            return Err(bad(WHAT, "[grades] must satisfy medium < high < critical ≤ 100"));
        }
        let mut rules = BTreeMap::new();
        for (id, r) in raw.rules {
            if !RULES.contains(&id.as_str()) {
                return Err(bad(WHAT, format!("unknown rule {id:?}")));
            }
            if NEEDS_MIN.contains(&id.as_str()) && r.min.is_none() {
                return Err(bad(WHAT, format!("rule {id:?} needs `min`")));
            }
            if r.points > 100 {
                return Err(bad(WHAT, format!("rule {id:?}: points must be 0..=100")));
            }
            let floor = match &r.floor {
                None => None,
                Some(f) => Some(Grade::parse(f).ok_or_else(|| bad(WHAT, format!("rule {id:?}: unknown floor {f:?}")))?),
            };
            rules.insert(id, (r, floor));
        }
        if let Some(missing) = RULES.iter().find(|r| !rules.contains_key(**r)) {
            return Err(bad(WHAT, format!("rule {missing:?} is missing")));
        }
        Ok(DimensionsConfig { weights, grades: g, rules })
    }

    pub fn weight(&self, d: Dimension) -> f64 {
        self.weights[d as usize]
    }

    pub fn rule(&self, id: &str) -> Option<&RuleData> {
        self.rules.get(id).map(|(r, _)| r)
    }

    fn min(&self, id: &str) -> i64 {
        self.rule(id).and_then(|r| r.min).unwrap_or(i64::MAX)
    }

    /// The grade of an overall score (without floors).
    pub fn grade_of(&self, score: u32) -> Grade {
        let g = &self.grades;
        if score >= g.critical {
            Grade::Critical
        } else if score >= g.high {
            Grade::High
        } else if score >= g.medium {
            Grade::Medium
        } else {
            Grade::Low
        }
    }
}

/// Why a finding was made: a text-analysis rule with its spans, or a data field and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The text-analysis rule (`threat.regulator`) or the finding's own rule for data.
    pub rule: String,
    /// Character spans of the complaint text (text evidence only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<Span>,
    /// The field the value comes from (`complaint.channel`, `person.complaints_12m` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The value, or the analyser's note for text evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl Evidence {
    pub fn field(rule: &str, field: &str, value: impl ToString) -> Evidence {
        Evidence {
            rule: rule.to_string(),
            spans: Vec::new(),
            field: Some(field.to_string()),
            value: Some(value.to_string()),
        }
    }
    fn text<T>(f: &text::Finding<T>) -> Vec<Evidence> {
        f.evidence
            .iter()
            .map(|e| Evidence {
                rule: e.rule.clone(),
                spans: e.spans.clone(),
                field: None,
                value: Some(e.note.clone()),
            })
            .collect()
    }
}

/// A fired rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub dimension: Dimension,
    pub points: u32,
    pub text: Bilingual,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<Grade>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionScore {
    pub dimension: Dimension,
    pub name: Bilingual,
    /// 0..=100: the fired rules' points, capped.
    pub score: u32,
    /// Normalised weight (the five sum to 1).
    pub weight: f64,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionReport {
    pub dimensions: Vec<DimensionScore>,
    /// Weighted mean of the dimension scores, 0..=100.
    pub overall: u32,
    /// The grade of `overall`, raised to the highest floor of a fired rule.
    pub grade: Grade,
    /// The rule whose floor set the grade, when a floor did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub floor_rule: Option<String>,
}

impl DimensionReport {
    pub fn score(&self, d: Dimension) -> u32 {
        self.dimensions.iter().find(|s| s.dimension == d).map_or(0, |s| s.score)
    }
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.dimensions.iter().flat_map(|d| d.findings.iter())
    }
    /// The `n` findings with the most points (floors first), as reasons.
    pub fn top_reasons(&self, n: usize) -> Vec<Bilingual> {
        let mut all: Vec<&Finding> = self.findings().collect();
        all.sort_by(|a, b| (b.floor, b.points).cmp(&(a.floor, a.points)).then_with(|| a.rule.cmp(&b.rule)));
        all.into_iter()
            .take(n)
            .map(|f| {
                Bilingual::new(
                    format!("{}：{}", f.dimension.name_zh(), f.text.zh),
                    format!("{}: {}", f.dimension.name_en(), f.text.en),
                )
            })
            .collect()
    }
}

struct Eval<'c> {
    cfg: &'c DimensionsConfig,
    findings: Vec<Finding>,
}

impl Eval<'_> {
    fn fire(&mut self, rule: &str, n_zh: &str, n_en: &str, evidence: Vec<Evidence>) {
        let (Some((data, floor)), Some(dimension)) = (self.cfg.rules.get(rule), Dimension::of_rule(rule)) else {
            return;
        };
        if data.points == 0 {
            return;
        }
        self.findings.push(Finding {
            rule: rule.to_string(),
            dimension,
            points: data.points,
            text: Bilingual::new(data.zh.replace("{n}", n_zh), data.en.replace("{n}", n_en)),
            floor: *floor,
            evidence,
        });
    }
    fn fire1(&mut self, rule: &str, n: &str, evidence: Vec<Evidence>) {
        self.fire(rule, n, n, evidence);
    }
}

/// Sum of the amounts in one currency, if any in that currency.
fn same_currency_total(list: &[Money], currency: crate::Currency) -> Option<i64> {
    list.iter().find(|m| m.currency == currency).map(|m| m.minor)
}

/// Run the rules.
pub fn analyse(input: &AssessInput<'_>, cfg: &DimensionsConfig) -> DimensionReport {
    let c = input.complaint;
    let a = input.analysis;
    let p = input.person;
    let h = &input.handling;
    let mut ev = Eval { cfg, findings: Vec::new() };
    let threat = |t: Threat| a.and_then(|a| a.threats.iter().find(|f| f.value == t));
    let marker = |m: Marker| a.and_then(|a| a.markers.iter().find(|f| f.value == m));
    let category = input.category();

    // 1. The complainant.
    if let Some(p) = p {
        let count_rules: [(&str, u32, &str); 3] = [
            ("complainant.repeat", p.complaints_12m, "person.complaints_12m"),
            ("complainant.same_issue", p.same_issue_12m, "person.same_issue_12m"),
            ("complainant.regulator_history", p.regulator_escalations, "person.regulator_escalations"),
        ];
        for (rule, n, field) in count_rules {
            if i64::from(n) >= cfg.min(rule) {
                ev.fire1(rule, &n.to_string(), vec![Evidence::field(rule, field, n)]);
            }
        }
        if p.linked_to_others {
            ev.fire1(
                "complainant.linked",
                "",
                vec![Evidence::field("complainant.linked", "person.linked_to_others", true)],
            );
        }
        let given: Vec<String> = p.concessions_total.iter().filter(|m| m.minor > 0).map(Money::display).collect();
        if !given.is_empty() {
            let n = given.join(", ");
            ev.fire1(
                "complainant.concessions_before",
                &n,
                vec![Evidence::field("complainant.concessions_before", "person.concessions_total", &n)],
            );
        }
    }
    {
        let mut evidence = Vec::new();
        let (mut zh, mut en) = (Vec::new(), Vec::new());
        if let Some(tp) = &c.third_party {
            let rel = tp.relationship.clone().unwrap_or_default();
            evidence.push(Evidence::field("complainant.third_party", "complaint.third_party.relationship", &rel));
        }
        if let Some(m) = marker(Marker::Representative) {
            evidence.extend(Evidence::text(m));
        }
        if !evidence.is_empty() {
            ev.fire1("complainant.third_party", "", evidence);
        }
        let mut evidence = Vec::new();
        if let Some(p) = p.filter(|p| p.vulnerable) {
            evidence.push(Evidence::field("complainant.vulnerable", "person.vulnerable", p.vulnerable));
            zh.push("画像".to_string());
            en.push("profile".to_string());
        }
        for v in a.map(|a| a.vulnerability.as_slice()).unwrap_or_default() {
            evidence.extend(Evidence::text(v));
            zh.push(v.value.name_zh().to_string());
            en.push(v.value.code().to_string());
        }
        if !evidence.is_empty() {
            ev.fire("complainant.vulnerable", &zh.join("、"), &en.join(", "), evidence);
        }
    }
    if let Some(a) = a
        && let Some(top) = a.emotions.iter().max_by(|x, y| x.score.total_cmp(&y.score))
    {
        let pct = (f64::from(top.score) * 100.0).round() as i64;
        if pct >= cfg.min("complainant.strong_emotion") {
            ev.fire(
                "complainant.strong_emotion",
                &format!("{} {:.2}", top.value.name_zh(), top.score),
                &format!("{} {:.2}", top.value.code(), top.score),
                Evidence::text(top),
            );
        }
    }

    // 2. The content.
    {
        let refused = c.claim.as_ref().and_then(|cl| cl.decision) == Some(ClaimDecision::Refused);
        let cat_refusal = matches!(category, Some(Category::ClaimRefusal | Category::SurrenderDispute));
        if refused || cat_refusal {
            let mut evidence = Vec::new();
            let (mut zh, mut en) = (String::new(), String::new());
            if let Some(cat) = category.filter(|_| cat_refusal) {
                evidence.push(Evidence::field("content.refusal", "category", cat.code()));
                zh = cat.name_zh().to_string();
                en = cat.code().to_string();
            }
            if refused {
                let ground = c.claim.as_ref().and_then(|cl| cl.refusal_ground.clone()).unwrap_or_default();
                evidence.push(Evidence::field("content.refusal", "claim.decision", "refused"));
                if !ground.is_empty() {
                    evidence.push(Evidence::field("content.refusal", "claim.refusal_ground", &ground));
                }
                if zh.is_empty() {
                    zh = "拒赔".into();
                    en = "claim refused".into();
                }
            }
            ev.fire("content.refusal", &zh, &en, evidence);
        }
        let mut evidence = Vec::new();
        if category == Some(Category::MisSelling) {
            evidence.push(Evidence::field("content.mis_selling", "category", "mis_selling"));
        }
        if let Some(m) = marker(Marker::SalesMisleadingCombo) {
            evidence.extend(Evidence::text(m));
        }
        if !evidence.is_empty() {
            ev.fire1("content.mis_selling", "", evidence);
        }
        // Full refund demanded.
        let mut evidence = Vec::new();
        if c.demands.iter().any(|d| d.kind == DemandKind::FullRefund) {
            evidence.push(Evidence::field("content.full_refund", "complaint.demands", "full_refund"));
        }
        if let Some(f) = a.and_then(|a| a.demands.iter().find(|d| d.value.kind == DemandKind::FullRefund)) {
            evidence.extend(Evidence::text(f));
        }
        if !evidence.is_empty() {
            let premiums = c.policy.as_ref().and_then(|p| p.premiums_paid);
            if let Some(pp) = premiums {
                evidence.push(Evidence::field("content.full_refund", "policy.premiums_paid", pp.display()));
            }
            if let Some(cv) = c.policy.as_ref().and_then(|p| p.cash_value) {
                evidence.push(Evidence::field("content.full_refund", "policy.cash_value", cv.display()));
            }
            let n = premiums.map(|m| m.display());
            ev.fire("content.full_refund", n.as_deref().unwrap_or("未知"), n.as_deref().unwrap_or("unknown"), evidence);
        }
        // Demand against the reference amount.
        let demanded: Vec<Money> = {
            let own = c.demanded_total();
            if own.is_empty() { a.map(|a| a.demanded_total.clone()).unwrap_or_default() } else { own }
        };
        let demanded_field =
            if c.demanded_total().is_empty() { "analysis.demanded_total" } else { "complaint.demands" };
        let reference = [
            ("claim.amount_claimed", c.claim.as_ref().and_then(|cl| cl.amount_claimed)),
            ("policy.premiums_paid", c.policy.as_ref().and_then(|p| p.premiums_paid)),
            ("policy.sum_insured", c.policy.as_ref().and_then(|p| p.sum_insured)),
        ]
        .into_iter()
        .find_map(|(f, m)| m.filter(|m| m.minor > 0).map(|m| (f, m)));
        if let Some((ref_field, reference)) = reference
            && let Some(d) = same_currency_total(&demanded, reference.currency)
        {
            let pct = i128::from(d) * 100 / i128::from(reference.minor);
            if pct >= i128::from(cfg.min("content.demand_above_reference")) {
                let pct = pct.to_string();
                ev.fire1(
                    "content.demand_above_reference",
                    &pct,
                    vec![
                        Evidence::field(
                            "content.demand_above_reference",
                            demanded_field,
                            Money::new(d, reference.currency).display(),
                        ),
                        Evidence::field("content.demand_above_reference", ref_field, reference.display()),
                    ],
                );
            }
        }
        let mut amounts: Vec<(&str, Money)> = demanded.iter().map(|m| (demanded_field, *m)).collect();
        if let Some(m) = c.claim.as_ref().and_then(|cl| cl.amount_claimed) {
            amounts.push(("claim.amount_claimed", m));
        }
        if let Some((field, big)) = amounts.into_iter().max_by_key(|(_, m)| m.minor)
            && big.minor / 100 >= cfg.min("content.large_amount")
        {
            ev.fire1(
                "content.large_amount",
                &big.display(),
                vec![Evidence::field("content.large_amount", field, big.display())],
            );
        }
        let mut evidence = Vec::new();
        let (mut zh, mut en) = (Vec::new(), Vec::new());
        for m in [Marker::LegalBoilerplate, Marker::Scripted, Marker::LongFormalLetter] {
            if let Some(f) = marker(m) {
                evidence.extend(Evidence::text(f));
                zh.push(m.name_zh());
                en.push(m.code());
            }
        }
        if !evidence.is_empty() {
            ev.fire("content.ghostwritten", &zh.join("、"), &en.join(", "), evidence);
        }
    }

    // 3. The environment.
    let channel_ev = |rule: &str| Evidence::field(rule, "complaint.channel", c.channel.code());
    if c.channel == Channel::RegulatorReferral {
        ev.fire1("environment.regulator_referral", "", vec![channel_ev("environment.regulator_referral")]);
    }
    if let Some(t) = threat(Threat::Regulator) {
        ev.fire1("environment.regulator_threat", "", Evidence::text(t));
    }
    let channel_or_threat = |ch: Channel, t: Threat, rule: &str| {
        let mut evidence = Vec::new();
        if c.channel == ch {
            evidence.push(channel_ev(rule));
        }
        if let Some(f) = threat(t) {
            evidence.extend(Evidence::text(f));
        }
        evidence
    };
    for (ch, t, rule) in [
        (Channel::Media, Threat::Media, "environment.media"),
        (Channel::Petition, Threat::Petition, "environment.petition"),
    ] {
        let evidence = channel_or_threat(ch, t, rule);
        if !evidence.is_empty() {
            ev.fire1(rule, "", evidence);
        }
    }
    if let Some(t) = threat(Threat::Lawsuit) {
        ev.fire1("environment.litigation", "", Evidence::text(t));
    }
    {
        let mut evidence = Vec::new();
        let size = c.group_size.filter(|g| i64::from(*g) >= cfg.min("environment.group"));
        if let Some(g) = size {
            evidence.push(Evidence::field("environment.group", "complaint.group_size", g));
        }
        if let Some(t) = threat(Threat::GroupAction) {
            evidence.extend(Evidence::text(t));
        }
        if !evidence.is_empty() {
            let n = size.map(|g| g.to_string());
            ev.fire("environment.group", n.as_deref().unwrap_or("多"), n.as_deref().unwrap_or("several"), evidence);
        }
        if let Some(g) = c.group_size.filter(|g| i64::from(*g) >= cfg.min("environment.major_group")) {
            ev.fire1(
                "environment.major_group",
                &g.to_string(),
                vec![Evidence::field("environment.major_group", "complaint.group_size", g)],
            );
        }
    }
    if let Some(t) = threat(Threat::SelfHarmViolence) {
        ev.fire1("environment.self_harm", "", Evidence::text(t));
    }
    if h.ring_suspected {
        ev.fire1("environment.ring", "", vec![Evidence::field("environment.ring", "handling.ring_suspected", true)]);
    }
    if h.surge {
        ev.fire1("environment.surge", "", vec![Evidence::field("environment.surge", "handling.surge", true)]);
    }

    // 4. The handling so far.
    if let Some(d) = h.days_to_due {
        if d < 0 {
            ev.fire1(
                "handling.overdue",
                &(-d).to_string(),
                vec![Evidence::field("handling.overdue", "handling.days_to_due", d)],
            );
        } else if d <= cfg.min("handling.due_soon") {
            ev.fire1(
                "handling.due_soon",
                &d.to_string(),
                vec![Evidence::field("handling.due_soon", "handling.days_to_due", d)],
            );
        }
    }
    for (rule, n, field) in [
        ("handling.long_open", h.days_open, "handling.days_open"),
        ("handling.reopened", i64::from(h.times_reopened), "handling.times_reopened"),
        ("handling.escalated", i64::from(h.times_escalated), "handling.times_escalated"),
    ] {
        if n >= cfg.min(rule) {
            ev.fire1(rule, &n.to_string(), vec![Evidence::field(rule, field, n)]);
        }
    }

    // 5. Feedback and improvement.
    if let Some(p) = p {
        for (rule, n, field) in [
            ("feedback.answers_rejected", p.answers_rejected, "person.answers_rejected"),
            ("feedback.recurring", p.same_issue_12m, "person.same_issue_12m"),
        ] {
            if i64::from(n) >= cfg.min(rule) {
                ev.fire1(rule, &n.to_string(), vec![Evidence::field(rule, field, n)]);
            }
        }
    }
    if h.satisfied == Some(false) {
        ev.fire1(
            "feedback.dissatisfied",
            "",
            vec![Evidence::field("feedback.dissatisfied", "handling.satisfied", false)],
        );
    }
    let answered = matches!(h.state.as_str(), "decision_sent" | "follow_up" | "closed");
    if answered && h.root_cause.as_deref().is_none_or(|r| r.trim().is_empty()) {
        ev.fire1(
            "feedback.no_root_cause",
            "",
            vec![Evidence::field("feedback.no_root_cause", "handling.state", &h.state)],
        );
    }

    // Scores and grade.
    let total_w: f64 = cfg.weights.iter().sum();
    let mut dims = Vec::new();
    let mut weighted = 0.0;
    for d in Dimension::ALL {
        let findings: Vec<Finding> = ev.findings.iter().filter(|f| f.dimension == *d).cloned().collect();
        let score = findings.iter().map(|f| f.points).sum::<u32>().min(100);
        let weight = cfg.weight(*d) / total_w;
        weighted += weight * f64::from(score);
        dims.push(DimensionScore {
            dimension: *d,
            name: Bilingual::new(d.name_zh(), d.name_en()),
            score,
            weight,
            findings,
        });
    }
    let overall = (weighted.round() as u32).min(100);
    let mut grade = cfg.grade_of(overall);
    let mut floor_rule = None;
    for f in &ev.findings {
        if let Some(fl) = f.floor
            && fl > grade
        {
            grade = fl;
            floor_rule = Some(f.rule.clone());
        }
    }
    DimensionReport { dimensions: dims, overall, grade, floor_rule }
}
