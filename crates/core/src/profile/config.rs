//! The profile configuration: `data/profile.toml` (format in docs/PROFILES.md).

use super::MotiveCode;
use crate::text::{Category, Emotion, Marker, Threat};
use crate::{DemandKind, Error};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const BUILTIN_PROFILE: &str = include_str!("../../data/profile.toml");

/// One age band: ages from `min` (inclusive) up to the next band's `min`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeBand {
    pub code: String,
    pub min: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BehaviourCfg {
    pub rate_min_days: u32,
    pub recent_days: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PsychologyCfg {
    pub trend_min_points: u32,
    pub trend_min_change: f64,
    pub strong_emotion: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilityCfg {
    pub elderly_age: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepeatCfg {
    pub min_complaints: u32,
    pub window_days: u32,
    #[serde(default)]
    pub ignore_categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersistentCfg {
    pub min_answers_rejected: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegulatorCfg {
    pub min_complaints: u32,
    pub min_escalated: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcessiveDemandCfg {
    pub min_ratio: f64,
    /// In major units (yuan, dollars).
    pub min_demand: i64,
    pub cooling_off_days: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThirdPartyCfg {
    pub min_complaints: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkedCfg {
    pub min_links: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagsCfg {
    pub repeat: RepeatCfg,
    pub persistent: PersistentCfg,
    pub regulator_escalating: RegulatorCfg,
    pub excessive_demand: ExcessiveDemandCfg,
    pub third_party: ThirdPartyCfg,
    pub linked_contacts: LinkedCfg,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    motive: String,
    signal: String,
    weight: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMotive {
    order: Vec<String>,
    surrender_loss_min: f64,
    min_score: BTreeMap<String, f64>,
    rules: Vec<RawRule>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationCfg {
    pub min_lift: f64,
    pub min_count: u64,
    pub min_z: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvinceName {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    version: u32,
    age_bands: Vec<AgeBand>,
    behaviour: BehaviourCfg,
    psychology: PsychologyCfg,
    vulnerability: VulnerabilityCfg,
    tags: TagsCfg,
    motive: RawMotive,
    population: PopulationCfg,
    #[serde(default)]
    provinces: BTreeMap<String, ProvinceName>,
}

/// What a motive rule looks at (docs/PROFILES.md, "Motive").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    MoneyDemand,
    NoMoneyDemand,
    Demand(DemandKind),
    Category(Category),
    Emotion(Emotion),
    EmotionRising,
    Threat(Threat),
    Marker(Marker),
    ClaimRefused,
    SurrenderLoss,
    AgentDeparted,
    ThirdParty,
    LinkedContacts,
    ExcessiveDemand,
    Repeat,
    Persistent,
    RegulatorEscalating,
}

impl Signal {
    /// Read a signal code (`money_demand`, `category:claim_refusal`, …).
    pub fn parse(s: &str) -> Option<Signal> {
        let s = s.trim();
        if let Some((kind, arg)) = s.split_once(':') {
            return match kind {
                "demand" => DemandKind::ALL.iter().find(|k| k.code() == arg).map(|k| Signal::Demand(*k)),
                "category" => Category::ALL.iter().find(|k| k.code() == arg).map(|k| Signal::Category(*k)),
                "emotion" => Emotion::ALL.iter().find(|k| k.code() == arg).map(|k| Signal::Emotion(*k)),
                "threat" => Threat::ALL.iter().find(|k| k.code() == arg).map(|k| Signal::Threat(*k)),
                "marker" => Marker::ALL.iter().find(|k| k.code() == arg).map(|k| Signal::Marker(*k)),
                _ => None,
            };
        }
        Some(match s {
            "money_demand" => Signal::MoneyDemand,
            "no_money_demand" => Signal::NoMoneyDemand,
            "emotion_rising" => Signal::EmotionRising,
            "claim_refused" => Signal::ClaimRefused,
            "surrender_loss" => Signal::SurrenderLoss,
            "agent_departed" => Signal::AgentDeparted,
            "third_party" => Signal::ThirdParty,
            "linked_contacts" => Signal::LinkedContacts,
            "excessive_demand" => Signal::ExcessiveDemand,
            "repeat" => Signal::Repeat,
            "persistent" => Signal::Persistent,
            "regulator_escalating" => Signal::RegulatorEscalating,
            _ => return None,
        })
    }

    /// The stable code, the inverse of [`Signal::parse`].
    pub fn code(self) -> String {
        match self {
            Signal::MoneyDemand => "money_demand".into(),
            Signal::NoMoneyDemand => "no_money_demand".into(),
            Signal::Demand(k) => format!("demand:{}", k.code()),
            Signal::Category(c) => format!("category:{}", c.code()),
            Signal::Emotion(e) => format!("emotion:{}", e.code()),
            Signal::EmotionRising => "emotion_rising".into(),
            Signal::Threat(t) => format!("threat:{}", t.code()),
            Signal::Marker(m) => format!("marker:{}", m.code()),
            Signal::ClaimRefused => "claim_refused".into(),
            Signal::SurrenderLoss => "surrender_loss".into(),
            Signal::AgentDeparted => "agent_departed".into(),
            Signal::ThirdParty => "third_party".into(),
            Signal::LinkedContacts => "linked_contacts".into(),
            Signal::ExcessiveDemand => "excessive_demand".into(),
            Signal::Repeat => "repeat".into(),
            Signal::Persistent => "persistent".into(),
            Signal::RegulatorEscalating => "regulator_escalating".into(),
        }
    }
}

/// One motive rule: `signal` fires → `weight` is added to `motive`.
#[derive(Debug, Clone, PartialEq)]
pub struct MotiveRule {
    pub motive: MotiveCode,
    pub signal: Signal,
    pub weight: f64,
}

/// The motive classifier's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct MotiveCfg {
    /// Tie-break order: earlier wins a tie.
    pub order: Vec<MotiveCode>,
    pub surrender_loss_min: f64,
    /// Minimum score per motive to be primary (every motive of `order` has one).
    pub min_score: BTreeMap<MotiveCode, f64>,
    pub rules: Vec<MotiveRule>,
}

/// Thresholds, age bands, motive rules and population settings (docs/PROFILES.md).
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileConfig {
    pub version: u32,
    pub age_bands: Vec<AgeBand>,
    pub behaviour: BehaviourCfg,
    pub psychology: PsychologyCfg,
    pub vulnerability: VulnerabilityCfg,
    pub tags: TagsCfg,
    pub motive: MotiveCfg,
    pub population: PopulationCfg,
    pub provinces: BTreeMap<String, ProvinceName>,
}

fn bad(reason: impl Into<String>) -> Error {
    Error::InvalidData { what: "profile configuration".into(), reason: reason.into() }
}

fn finite_non_negative(name: &str, v: f64) -> Result<(), Error> {
    if v.is_finite() && v >= 0.0 { Ok(()) } else { Err(bad(format!("{name} must be a number ≥ 0, not {v}"))) }
}

impl ProfileConfig {
    /// The shipped configuration (`data/profile.toml`), parsed once per process.
    pub fn builtin() -> Result<ProfileConfig, Error> {
        static CACHE: OnceLock<Result<ProfileConfig, Error>> = OnceLock::new();
        CACHE.get_or_init(|| ProfileConfig::from_toml(BUILTIN_PROFILE)).clone()
    }

    /// The text of the shipped file (a starting point for an institution's own).
    pub fn builtin_toml() -> &'static str {
        BUILTIN_PROFILE
    }

    /// Read and check a whole configuration file (it replaces the shipped one).
    pub fn from_toml(src: &str) -> Result<ProfileConfig, Error> {
        let raw: RawConfig = toml::from_str(src).map_err(|e| bad(e.to_string()))?;
        if raw.version != 1 {
            return Err(bad(format!("unsupported version {}", raw.version)));
        }
        match raw.age_bands.first() {
            None => return Err(bad("age_bands: at least one band is needed")),
            Some(b) if b.min != 0 => return Err(bad("age_bands: the first band must start at 0")),
            _ => {}
        }
        for (i, b) in raw.age_bands.iter().enumerate() {
            if b.code.trim().is_empty() || b.code == super::UNKNOWN {
                return Err(bad(format!("age_bands #{}: code {:?} is empty or reserved", i + 1, b.code)));
            }
            if i > 0 && b.min <= raw.age_bands[i - 1].min {
                return Err(bad(format!("age_bands: {:?} must start after {:?}", b.code, raw.age_bands[i - 1].code)));
            }
            if raw.age_bands[..i].iter().any(|o| o.code == b.code) {
                return Err(bad(format!("age_bands: code {:?} is used twice", b.code)));
            }
        }
        let p = &raw.psychology;
        finite_non_negative("psychology.trend_min_change", p.trend_min_change)?;
        finite_non_negative("psychology.strong_emotion", p.strong_emotion)?;
        let t = &raw.tags;
        finite_non_negative("tags.excessive_demand.min_ratio", t.excessive_demand.min_ratio)?;
        if t.excessive_demand.min_ratio == 0.0 {
            return Err(bad("tags.excessive_demand.min_ratio must be > 0"));
        }
        if t.excessive_demand.min_demand < 0 || t.excessive_demand.min_demand > i64::MAX / 100 {
            return Err(bad("tags.excessive_demand.min_demand is out of range"));
        }
        if t.repeat.window_days == 0 || t.repeat.min_complaints == 0 {
            return Err(bad("tags.repeat: window_days and min_complaints must be ≥ 1"));
        }
        finite_non_negative("population.min_lift", raw.population.min_lift)?;
        if !raw.population.min_z.is_finite() {
            return Err(bad("population.min_z must be a number"));
        }
        let m = &raw.motive;
        finite_non_negative("motive.surrender_loss_min", m.surrender_loss_min)?;
        let motive = |s: &str| MotiveCode::parse(s).filter(|m| *m != MotiveCode::Unclear);
        let mut order = Vec::new();
        for s in &m.order {
            let c = motive(s).ok_or_else(|| bad(format!("motive.order: unknown motive {s:?}")))?;
            if order.contains(&c) {
                return Err(bad(format!("motive.order: {s:?} is listed twice")));
            }
            order.push(c);
        }
        let mut min_score = BTreeMap::new();
        for (k, v) in &m.min_score {
            let c = motive(k).ok_or_else(|| bad(format!("motive.min_score: unknown motive {k:?}")))?;
            finite_non_negative(&format!("motive.min_score.{k}"), *v)?;
            min_score.insert(c, *v);
        }
        if let Some(missing) = order.iter().find(|c| !min_score.contains_key(*c)) {
            return Err(bad(format!("motive.min_score: no minimum for {:?}", missing.code())));
        }
        let mut rules = Vec::new();
        for (i, r) in m.rules.iter().enumerate() {
            let mc = motive(&r.motive)
                .ok_or_else(|| bad(format!("motive.rules #{}: unknown motive {:?}", i + 1, r.motive)))?;
            if !order.contains(&mc) {
                return Err(bad(format!("motive.rules #{}: motive {:?} is not in motive.order", i + 1, r.motive)));
            }
            let signal = Signal::parse(&r.signal)
                .ok_or_else(|| bad(format!("motive.rules #{}: unknown signal {:?}", i + 1, r.signal)))?;
            if !r.weight.is_finite() {
                return Err(bad(format!("motive.rules #{}: weight must be a number", i + 1)));
            }
            rules.push(MotiveRule { motive: mc, signal, weight: r.weight });
        }
        for k in raw.provinces.keys() {
            if k.len() != 2 || !k.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(format!("provinces: key {k:?} must be two digits")));
            }
        }
        Ok(ProfileConfig {
            version: raw.version,
            age_bands: raw.age_bands,
            behaviour: raw.behaviour,
            psychology: raw.psychology,
            vulnerability: raw.vulnerability,
            tags: raw.tags,
            motive: MotiveCfg { order, surrender_loss_min: m.surrender_loss_min, min_score, rules },
            population: raw.population,
            provinces: raw.provinces,
        })
    }

    /// The band code for an age.
    pub fn age_band(&self, age: u32) -> Option<&str> {
        self.age_bands.iter().rev().find(|b| age >= b.min).map(|b| b.code.as_str())
    }

    /// Position of a band code in the configured order (for sorting).
    pub fn age_band_index(&self, code: &str) -> Option<usize> {
        self.age_bands.iter().position(|b| b.code == code)
    }
}
