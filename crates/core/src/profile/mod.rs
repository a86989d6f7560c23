//! Complainant profiles (投诉人画像, DOMAIN.md §4): one person's complaints in, a profile with
//! risk tags and their reasons out; and the population analysis of profile fields per category
//! and product line. Pure and deterministic: the caller passes the complaints, their analyses,
//! their handling facts and today's date. See docs/PROFILES.md.
//!
//! [`build_profile`] looks at one person's items only (cost O(n log n) in that person's
//! complaints), so when a complaint arrives or changes the caller rebuilds that person alone.
//! Thresholds, age bands and motive rules are data: `data/profile.toml` ([`ProfileConfig`]).
//!
//! Output is codes and structured data (the UI translates); every `reason` is a [`Reason`]:
//! a code, its parameters and an English fallback sentence.

mod blocks;
mod config;
mod motive;
mod population;
mod tags;
#[cfg(test)]
mod tests;

pub use config::{
    AgeBand, BehaviourCfg, ExcessiveDemandCfg, LinkedCfg, MotiveCfg, MotiveRule, PersistentCfg, PopulationCfg,
    ProfileConfig, ProvinceName, PsychologyCfg, RegulatorCfg, RepeatCfg, Signal, TagsCfg, ThirdPartyCfg,
    VulnerabilityCfg,
};
pub use population::{
    Cell, FieldDistribution, GroupDistribution, Highlight, Population, PopulationRow, ValueCount, population,
    population_rows,
};

use crate::text::{Category, Emotion, Marker, TextAnalysis, Threat, Vulnerability};
use crate::{Channel, Complaint, DemandKind, Gender, Money};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The bucket for a missing value in the population analysis.
pub const UNKNOWN: &str = "unknown";

/// What the workflow knows about one complaint's handling.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandlingFacts {
    /// Workflow state code (`closed`, `withdrawn`, `investigating` …, data/workflow.toml).
    pub state: String,
    /// How many times the complainant rejected our answer (or the complaint was reopened).
    pub answers_rejected: u32,
    /// The complainant took this complaint to the regulator after our answer.
    pub escalated_to_regulator: bool,
    pub withdrawn: bool,
    /// Goodwill and other concessions granted on this complaint.
    pub concessions: Vec<Money>,
}

/// An emotion and its intensity (0..1) in one complaint.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EmotionScore {
    pub emotion: Emotion,
    pub intensity: f32,
}

/// The parts of a text analysis ([`TextAnalysis`]) a profile uses, owned so that callers can
/// keep it instead of the full analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnalysisFacts {
    #[serde(default)]
    pub category: Option<Category>,
    #[serde(default)]
    pub emotions: Vec<EmotionScore>,
    #[serde(default)]
    pub threats: Vec<Threat>,
    #[serde(default)]
    pub demands: Vec<DemandKind>,
    #[serde(default)]
    pub demanded_total: Vec<Money>,
    #[serde(default)]
    pub markers: Vec<Marker>,
    #[serde(default)]
    pub vulnerability: Vec<Vulnerability>,
}

impl From<&TextAnalysis> for AnalysisFacts {
    fn from(a: &TextAnalysis) -> Self {
        AnalysisFacts {
            category: a.category.as_ref().map(|c| c.value),
            emotions: a.emotions.iter().map(|e| EmotionScore { emotion: e.value, intensity: e.score }).collect(),
            threats: a.threats.iter().map(|t| t.value).collect(),
            demands: a.demands.iter().map(|d| d.value.kind).collect(),
            demanded_total: a.demanded_total.clone(),
            markers: a.markers.iter().map(|m| m.value).collect(),
            vulnerability: a.vulnerability.iter().map(|v| v.value).collect(),
        }
    }
}

impl AnalysisFacts {
    /// Read the analysis summary the store keeps (`category`, `emotions`, `threats`, `markers`,
    /// `vulnerability` as codes, `demanded_total` as money). Lenient: unknown codes are skipped.
    /// `emotions` may be codes (each present emotion then counts with intensity 1.0) or objects
    /// `{"emotion": "anger", "intensity": 0.7}`.
    pub fn from_summary_json(v: &serde_json::Value) -> AnalysisFacts {
        fn codes<T>(v: &serde_json::Value, key: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
            v.get(key)
                .and_then(|a| a.as_array())
                .map(|a| a.iter().filter_map(|x| x.as_str()).filter_map(&parse).collect())
                .unwrap_or_default()
        }
        let emotions = v
            .get("emotions")
            .and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| match x {
                        serde_json::Value::String(s) => {
                            Emotion::parse(s).map(|emotion| EmotionScore { emotion, intensity: 1.0 })
                        }
                        other => serde_json::from_value::<EmotionScore>(other.clone()).ok(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        AnalysisFacts {
            category: v.get("category").and_then(|c| c.as_str()).and_then(Category::parse),
            emotions,
            threats: codes(v, "threats", Threat::parse),
            demands: codes(v, "demands", DemandKind::parse),
            demanded_total: v
                .get("demanded_total")
                .and_then(|m| serde_json::from_value::<Vec<Money>>(m.clone()).ok())
                .unwrap_or_default(),
            markers: codes(v, "markers", Marker::parse),
            vulnerability: codes(v, "vulnerability", Vulnerability::parse),
        }
    }
}

/// One complaint of the person, with what is known about it.
#[derive(Debug, Clone, Copy)]
pub struct ProfileItem<'a> {
    /// The caller's reference for the complaint (e.g. the store id); cited in evidence.
    pub id: &'a str,
    pub complaint: &'a Complaint,
    pub analysis: Option<&'a AnalysisFacts>,
    pub handling: Option<&'a HandlingFacts>,
}

/// Facts from outside the person's own complaints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileContext {
    pub today: NaiveDate,
    /// Other persons sharing a phone, e-mail or address with this one (computed by the caller,
    /// e.g. from the identity resolution's contact blocks).
    pub shared_contact_links: u32,
}

/// A reason, translatable: `code` names a template (docs/PROFILES.md), `params` fill it in,
/// `en` is the English fallback built from the same template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub params: BTreeMap<String, serde_json::Value>,
    pub en: String,
}

/// Where a basic fact comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactSource {
    /// Decoded from a valid resident ID number.
    ResidentId,
    /// As stated in the complaint's complainant fields.
    Stated,
}

/// A province-level division (first two digits of the resident ID number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Province {
    pub code: String,
    pub zh: Option<String>,
    pub en: Option<String>,
}

/// A value and how often it occurs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCount {
    pub code: String,
    pub count: u32,
}

/// 基本信息.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Basic {
    pub birth_date: Option<NaiveDate>,
    pub birth_date_source: Option<FactSource>,
    /// Full years on the profile's date.
    pub age: Option<u32>,
    pub age_band: Option<String>,
    pub gender: Option<Gender>,
    pub gender_source: Option<FactSource>,
    /// Administrative division of registration (first 6 digits of the resident ID number).
    pub region_code: Option<String>,
    pub province: Option<Province>,
    /// The complaints' own `region` values (where they were filed), most frequent first.
    pub complaint_regions: Vec<CodeCount>,
    /// Distinct valid resident ID numbers seen (more than one is a conflict to review).
    pub resident_ids: u32,
    /// Fields with contradicting values: `resident_id`, `birth_date`, `gender`.
    pub conflicts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelCount {
    pub channel: Channel,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreatCount {
    pub threat: Threat,
    pub count: u32,
}

/// Complaints of one category, and the busiest window of `window_days`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SameIssue {
    pub category: String,
    pub complaints: u32,
    /// Most complaints of this category received within `window_days` of each other.
    pub max_in_window: u32,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    /// The complaints of that window.
    pub window_complaints: Vec<String>,
}

/// Complaints that reached or announced the regulator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegulatorFacts {
    /// Received through the regulator (channel `regulator_referral`, 12378).
    pub referrals: u32,
    /// Escalated to the regulator after our answer.
    pub escalated: u32,
    /// The text announces a complaint to the regulator.
    pub threatened: u32,
    /// Complaints with any of the three (each counted once).
    pub complaints: u32,
    pub complaint_refs: Vec<String>,
}

/// Days between consecutive complaints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gaps {
    pub median_days: f64,
    pub mean_days: f64,
    pub min_days: i64,
    pub max_days: i64,
}

/// 投诉行为.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Behaviour {
    pub complaints: u32,
    pub first_received: Option<NaiveDateTime>,
    pub last_received: Option<NaiveDateTime>,
    /// Received within `behaviour.recent_days` before the profile's date.
    pub recent: u32,
    /// complaints / max(days since the first, `behaviour.rate_min_days`) × 90.
    pub rate_per_90_days: f64,
    pub channels: Vec<ChannelCount>,
    pub categories: Vec<CodeCount>,
    pub product_lines: Vec<CodeCount>,
    /// Categories with at least two complaints.
    pub same_issue: Vec<SameIssue>,
    pub regulator: RegulatorFacts,
    pub threats: Vec<ThreatCount>,
    pub withdrawals: u32,
    pub answers_rejected: u32,
    pub states: Vec<CodeCount>,
    pub gaps: Option<Gaps>,
}

/// Direction of an emotion across the person's complaints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Rising,
    Falling,
    Stable,
    /// Fewer analysed complaints than `psychology.trend_min_points`.
    Insufficient,
}

/// One emotion across the analysed complaints, in order of receipt (0 where absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmotionTrend {
    pub emotion: Emotion,
    pub present_in: u32,
    pub first: f64,
    pub last: f64,
    pub mean: f64,
    pub max: f64,
    /// Least-squares fitted change from the first to the last analysed complaint.
    pub change: f64,
    pub direction: Direction,
    /// Intensity per analysed complaint, aligned with [`Psychology::analysed`].
    pub series: Vec<f64>,
}

/// 心理特征.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Psychology {
    /// The analysed complaints, in order of receipt.
    pub analysed: Vec<String>,
    /// Emotions present in at least one complaint, in the order of [`Emotion::ALL`].
    pub emotions: Vec<EmotionTrend>,
    /// The emotion with the highest mean intensity.
    pub dominant: Option<Emotion>,
}

/// The motive classes (docs/PROFILES.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MotiveCode {
    /// Recover money: a claim, a refund, compensation (经济补偿).
    EconomicRecovery,
    /// Rights and fairness: an apology, accountability, being treated properly (维权/讨说法).
    RightsFairness,
    /// Venting: strong emotion, no monetary demand (情绪宣泄).
    EmotionalVent,
    /// Leverage-seeking: demands beyond entitlement with organised-complaint signals (疑似牟利).
    /// A suspicion for careful review, never a verdict.
    LeverageSeeking,
    Unclear,
}

impl MotiveCode {
    pub const ALL: &'static [MotiveCode] = &[
        MotiveCode::EconomicRecovery,
        MotiveCode::RightsFairness,
        MotiveCode::EmotionalVent,
        MotiveCode::LeverageSeeking,
        MotiveCode::Unclear,
    ];
    pub fn code(self) -> &'static str {
        match self {
            MotiveCode::EconomicRecovery => "economic_recovery",
            MotiveCode::RightsFairness => "rights_fairness",
            MotiveCode::EmotionalVent => "emotional_vent",
            MotiveCode::LeverageSeeking => "leverage_seeking",
            MotiveCode::Unclear => "unclear",
        }
    }
    pub fn parse(s: &str) -> Option<MotiveCode> {
        MotiveCode::ALL.iter().copied().find(|m| m.code() == s.trim())
    }
}

/// A motive rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalEvidence {
    pub signal: String,
    pub weight: f64,
    pub complaints: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MotiveScore {
    pub motive: MotiveCode,
    pub score: f64,
    pub min_score: f64,
    /// Score ≥ min_score.
    pub qualifies: bool,
    pub evidence: Vec<SignalEvidence>,
}

/// 投诉动机.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Motive {
    pub primary: MotiveCode,
    /// Every configured motive, in the configured order.
    pub scores: Vec<MotiveScore>,
    pub reason: Reason,
}

/// What the person's entitlement is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntitlementBasis {
    /// The claim's amount claimed.
    ClaimAmount,
    /// Cash value (surrender outside the cooling-off period, 保险法 Art. 47).
    CashValue,
    /// Premiums paid, surrender inside the cooling-off period (犹豫期).
    PremiumsCoolingOff,
    /// Premiums paid (other disputes about a policy).
    PremiumsPaid,
}

impl EntitlementBasis {
    pub fn code(self) -> &'static str {
        match self {
            EntitlementBasis::ClaimAmount => "claim_amount",
            EntitlementBasis::CashValue => "cash_value",
            EntitlementBasis::PremiumsCoolingOff => "premiums_cooling_off",
            EntitlementBasis::PremiumsPaid => "premiums_paid",
        }
    }
}

/// One complaint's demanded amount against its entitlement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandAssessment {
    pub complaint: String,
    pub demanded: Money,
    pub entitlement: Money,
    pub basis: EntitlementBasis,
    /// demanded / entitlement; `null` when the entitlement is zero.
    pub ratio: Option<f64>,
    /// At or above `tags.excessive_demand` thresholds.
    pub excessive: bool,
}

/// What the person asks for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Demands {
    /// Demand kinds (structured or found in the text), complaints per kind.
    pub kinds: Vec<CodeCount>,
    /// Demanded totals per currency, over all complaints.
    pub totals: Vec<Money>,
    pub assessments: Vec<DemandAssessment>,
}

/// One policy the person complained about (latest known value of each field).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyFact {
    pub number: Option<String>,
    pub product_line: Option<String>,
    pub product: Option<String>,
    pub start_date: Option<NaiveDate>,
    /// 1 in the first year after the start date.
    pub policy_year: Option<u32>,
    pub premiums_paid: Option<Money>,
    pub cash_value: Option<Money>,
    /// cash value / premiums paid.
    pub cash_value_ratio: Option<f64>,
    /// Share of the premiums lost on surrender: 1 − cash value / premiums paid.
    pub loss_ratio: Option<f64>,
    pub sum_insured: Option<Money>,
    pub sales_channel: Option<String>,
    pub agent: Option<String>,
    pub agent_departed: Option<bool>,
    pub complaints: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThirdPartyFact {
    pub name: Option<String>,
    pub relationship: Option<String>,
    /// true if any complaint brought a signed power of attorney.
    pub power_of_attorney: Option<bool>,
    pub complaints: Vec<String>,
}

/// Third parties acting for the person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThirdParties {
    /// Complaints with a third party record or a representative marker in the text.
    pub complaints: u32,
    pub parties: Vec<ThirdPartyFact>,
    /// Complaints with a signed power of attorney.
    pub power_of_attorney: u32,
    /// Complaints whose text suggests a representative (marker `representative`).
    pub representative_marker: Vec<String>,
}

/// Concessions granted before.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concessions {
    pub complaints: Vec<String>,
    /// Totals per currency.
    pub totals: Vec<Money>,
}

/// Where a vulnerability flag comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VulnerabilitySource {
    Age,
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VulnerabilityFlag {
    pub kind: Vulnerability,
    pub source: VulnerabilitySource,
    pub complaints: Vec<String>,
}

/// Protective: raises care, never lowers an entitlement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VulnerabilityBlock {
    pub vulnerable: bool,
    pub flags: Vec<VulnerabilityFlag>,
}

/// The risk (and protective) tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagCode {
    Repeat,
    Persistent,
    RegulatorEscalating,
    ExcessiveDemand,
    ThirdParty,
    LinkedContacts,
    Vulnerable,
}

impl TagCode {
    pub const ALL: &'static [TagCode] = &[
        TagCode::Repeat,
        TagCode::Persistent,
        TagCode::RegulatorEscalating,
        TagCode::ExcessiveDemand,
        TagCode::ThirdParty,
        TagCode::LinkedContacts,
        TagCode::Vulnerable,
    ];
    pub fn code(self) -> &'static str {
        match self {
            TagCode::Repeat => "repeat",
            TagCode::Persistent => "persistent",
            TagCode::RegulatorEscalating => "regulator_escalating",
            TagCode::ExcessiveDemand => "excessive_demand",
            TagCode::ThirdParty => "third_party",
            TagCode::LinkedContacts => "linked_contacts",
            TagCode::Vulnerable => "vulnerable",
        }
    }
}

/// A tag with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub code: TagCode,
    /// Locale key of the label (`profile.tag.<code>`), the same for zh and en files.
    pub label_key: String,
    /// Protective tags route to careful handling and never count against the person.
    pub protective: bool,
    pub reason: Reason,
    /// The complaints that are the evidence.
    pub complaints: Vec<String>,
}

/// The profile of one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub person_id: String,
    /// The date the profile was built for (ages, rates, recency).
    pub as_of: NaiveDate,
    /// `version` of the configuration used.
    pub config_version: u32,
    pub basic: Basic,
    pub behaviour: Behaviour,
    pub psychology: Psychology,
    pub motive: Motive,
    pub demands: Demands,
    pub policies: Vec<PolicyFact>,
    pub third_parties: ThirdParties,
    pub concessions: Concessions,
    pub vulnerability: VulnerabilityBlock,
    pub tags: Vec<Tag>,
}

impl Profile {
    pub fn has_tag(&self, code: TagCode) -> bool {
        self.tags.iter().any(|t| t.code == code)
    }
    pub fn tag(&self, code: TagCode) -> Option<&Tag> {
        self.tags.iter().find(|t| t.code == code)
    }
}

/// Build the profile of one person from that person's complaints (in any order).
pub fn build_profile(person_id: &str, items: &[ProfileItem], ctx: &ProfileContext, cfg: &ProfileConfig) -> Profile {
    let prepared = blocks::prepare(items);
    let basic = blocks::basic(&prepared, ctx, cfg);
    let behaviour = blocks::behaviour(&prepared, ctx, cfg);
    let psychology = blocks::psychology(&prepared, cfg);
    let policies = blocks::policies(&prepared, ctx);
    let demands = blocks::demands(&prepared, cfg);
    let third_parties = blocks::third_parties(&prepared);
    let concessions = blocks::concessions(&prepared);
    let vulnerability = blocks::vulnerability(&prepared, &basic, cfg);
    let mut profile = Profile {
        person_id: person_id.to_string(),
        as_of: ctx.today,
        config_version: cfg.version,
        basic,
        behaviour,
        psychology,
        motive: Motive { primary: MotiveCode::Unclear, scores: Vec::new(), reason: motive::unclear_reason() },
        demands,
        policies,
        third_parties,
        concessions,
        vulnerability,
        tags: Vec::new(),
    };
    profile.tags = tags::tags(&profile, &prepared, ctx, cfg);
    profile.motive = motive::classify(&profile, &prepared, cfg);
    profile
}

/// Round for output (4 decimals), so that JSON stays short and stable.
pub(crate) fn r4(x: f64) -> f64 {
    if x.is_finite() { (x * 10_000.0).round() / 10_000.0 } else { x }
}
