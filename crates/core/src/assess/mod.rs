//! Case assessment: five-dimension analysis, legal-merit checks, playbooks with generated
//! scripts, the reply checker and the Ackerman negotiation planner (issue #7; DOMAIN.md §3, §5,
//! §6; docs/ASSESS.md).
//!
//! Pure: data in, results out, deterministic, no IO. Weights, thresholds, periods, playbooks,
//! taboo lists and ladder steps are data (`data/assess/*.toml`), embedded as defaults and
//! replaceable file by file with [`AssessConfig::from_strs`].
//!
//! [`assess`] bundles the dimensions, the legal checks (a failed check raises the grade one
//! level), the selected playbook and its scripts into one serialisable [`Assessment`].
//! The planner ([`negotiation::plan`]) and the reply checker ([`reply::ReplyChecker::check`])
//! are called on their own, with inputs the handler supplies.

pub mod dimensions;
pub mod legal;
pub mod negotiation;
pub mod playbook;
pub mod reply;
#[cfg(test)]
mod tests;

use crate::error::Error;
use crate::model::Complaint;
use crate::money::Money;
use crate::text::{Category, Emotion, TextAnalysis};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use dimensions::{Dimension, DimensionReport, DimensionsConfig, Evidence, Finding};
pub use legal::{CheckId, CheckStatus, LegalCheck, LegalConfig, LegalFacts, LegalReport};
pub use negotiation::{NegotiationConfig, Plan, PlanInput};
pub use playbook::{PlaybookSet, Scenario, Scripts, SelectedPlaybook};
pub use reply::{ReplyChecker, ReplyFlag, TabooKind};

const BUILTIN_DIMENSIONS: &str = include_str!("../../data/assess/dimensions.toml");
const BUILTIN_LEGAL: &str = include_str!("../../data/assess/legal.toml");
const BUILTIN_PLAYBOOKS: &str = include_str!("../../data/assess/playbooks.toml");
const BUILTIN_REPLY: &str = include_str!("../../data/assess/reply.toml");
const BUILTIN_NEGOTIATION: &str = include_str!("../../data/assess/negotiation.toml");

/// A text in Chinese and in English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

impl Bilingual {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Bilingual { zh: zh.into(), en: en.into() }
    }
}

/// The overall risk grade (风险等级), four levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Low,
    Medium,
    High,
    Critical,
}

impl Grade {
    pub const ALL: &'static [Grade] = &[Grade::Low, Grade::Medium, Grade::High, Grade::Critical];
    pub fn code(self) -> &'static str {
        match self {
            Grade::Low => "low",
            Grade::Medium => "medium",
            Grade::High => "high",
            Grade::Critical => "critical",
        }
    }
    /// 低 / 中 / 高 / 极高.
    pub fn name_zh(self) -> &'static str {
        match self {
            Grade::Low => "低",
            Grade::Medium => "中",
            Grade::High => "高",
            Grade::Critical => "极高",
        }
    }
    pub fn parse(s: &str) -> Option<Grade> {
        let t = s.trim();
        Grade::ALL.iter().copied().find(|g| t.eq_ignore_ascii_case(g.code()) || t == g.name_zh())
    }
    /// One level up (critical stays critical).
    pub fn raised(self) -> Grade {
        match self {
            Grade::Low => Grade::Medium,
            Grade::Medium => Grade::High,
            Grade::High | Grade::Critical => Grade::Critical,
        }
    }
}

/// What is known about the person behind the complaint (filled by the profile code).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFacts {
    /// Complaints by this person in the last 12 months, this one included.
    pub complaints_12m: u32,
    /// Of those, on the same issue (category / policy) as this one.
    pub same_issue_12m: u32,
    /// Answers (decisions) the person has rejected.
    pub answers_rejected: u32,
    /// Times the person went to the regulator (12378) before.
    pub regulator_escalations: u32,
    /// Elderly, ill, in hardship: a protective flag.
    pub vulnerable: bool,
    /// Identifiers shared with other complainants.
    pub linked_to_others: bool,
    /// Goodwill concessions received before, per currency.
    #[serde(default)]
    pub concessions_total: Vec<Money>,
}

/// Where the handling stands (filled by the engine from the lifecycle and clocks).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandlingFacts {
    /// Workflow state code (`registered`, `investigating`, `decision_sent`, `closed` …).
    pub state: String,
    pub days_open: i64,
    /// Days until the earliest running due date; negative when overdue; `None` without one.
    pub days_to_due: Option<i64>,
    pub times_reopened: u32,
    pub times_escalated: u32,
    /// The complaint belongs to a suspected organised ring (DOMAIN.md §7).
    pub ring_suspected: bool,
    /// A surge of similar complaints is under way (same product, branch, agent …).
    pub surge: bool,
    /// Satisfaction recorded at follow-up, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfied: Option<bool>,
    /// Root cause recorded (溯源整改), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<String>,
}

/// Everything an assessment looks at.
#[derive(Debug, Clone)]
pub struct AssessInput<'a> {
    pub complaint: &'a Complaint,
    pub analysis: Option<&'a TextAnalysis>,
    pub person: Option<&'a PersonFacts>,
    pub handling: HandlingFacts,
    /// Dates and amounts the legal checks need beyond the model (see [`LegalFacts`]).
    pub legal: LegalFacts,
    pub today: NaiveDate,
}

impl<'a> AssessInput<'a> {
    /// An input with no person, default handling facts and the legal facts read from the
    /// complaint ([`LegalFacts::from_complaint`]).
    pub fn new(
        complaint: &'a Complaint,
        analysis: Option<&'a TextAnalysis>,
        config: &AssessConfig,
        today: NaiveDate,
    ) -> Self {
        AssessInput {
            complaint,
            analysis,
            person: None,
            handling: HandlingFacts::default(),
            legal: LegalFacts::from_complaint(complaint, &config.legal),
            today,
        }
    }

    /// The category: the complaint's own (a taxonomy code or Chinese name), else the text
    /// analysis's.
    pub fn category(&self) -> Option<Category> {
        self.complaint
            .category
            .as_deref()
            .and_then(Category::parse)
            .or_else(|| self.analysis.and_then(|a| a.category.as_ref()).map(|f| f.value))
    }
}

/// The texts of the data files [`AssessConfig::from_strs`] reads; `None` = the shipped file.
/// A given file replaces the shipped one wholesale.
#[derive(Debug, Clone, Copy, Default)]
pub struct AssessSources<'a> {
    pub dimensions: Option<&'a str>,
    pub legal: Option<&'a str>,
    pub playbooks: Option<&'a str>,
    pub reply: Option<&'a str>,
    pub negotiation: Option<&'a str>,
}

/// All assessment data, parsed and checked.
#[derive(Debug, Clone)]
pub struct AssessConfig {
    pub dimensions: DimensionsConfig,
    pub legal: LegalConfig,
    pub playbooks: PlaybookSet,
    pub reply: ReplyChecker,
    pub negotiation: NegotiationConfig,
}

impl AssessConfig {
    /// The shipped data files (`data/assess/*.toml`).
    pub fn builtin() -> Result<AssessConfig, Error> {
        Self::from_strs(&AssessSources::default())
    }

    /// The shipped files with the given ones replacing them.
    pub fn from_strs(sources: &AssessSources<'_>) -> Result<AssessConfig, Error> {
        Ok(AssessConfig {
            dimensions: DimensionsConfig::from_toml(sources.dimensions.unwrap_or(BUILTIN_DIMENSIONS))?,
            legal: LegalConfig::from_toml(sources.legal.unwrap_or(BUILTIN_LEGAL))?,
            playbooks: PlaybookSet::from_toml(sources.playbooks.unwrap_or(BUILTIN_PLAYBOOKS))?,
            reply: ReplyChecker::from_toml(sources.reply.unwrap_or(BUILTIN_REPLY))?,
            negotiation: NegotiationConfig::from_toml(sources.negotiation.unwrap_or(BUILTIN_NEGOTIATION))?,
        })
    }

    /// The shipped file texts, by name (for `tousu assess --print-config` and the docs).
    pub fn builtin_files() -> [(&'static str, &'static str); 5] {
        [
            ("dimensions.toml", BUILTIN_DIMENSIONS),
            ("legal.toml", BUILTIN_LEGAL),
            ("playbooks.toml", BUILTIN_PLAYBOOKS),
            ("reply.toml", BUILTIN_REPLY),
            ("negotiation.toml", BUILTIN_NEGOTIATION),
        ]
    }
}

/// The result of [`assess`]: everything the case page, the queue and the API show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub dimensions: DimensionReport,
    /// The grade from the dimensions alone.
    pub grade_before_legal: Grade,
    /// The final grade: one level above `grade_before_legal` when legally vulnerable.
    pub grade: Grade,
    pub legal: LegalReport,
    /// At least one legal check failed.
    pub legally_vulnerable: bool,
    pub scenario: Scenario,
    pub dominant_emotion: Option<Emotion>,
    pub playbook: SelectedPlaybook,
    /// Why the grade is what it is, most important first (zh / en).
    pub reasons: Vec<Bilingual>,
}

/// Assess one case. Pure and deterministic.
pub fn assess(input: &AssessInput<'_>, config: &AssessConfig) -> Assessment {
    let dims = dimensions::analyse(input, &config.dimensions);
    let legal = legal::check(input, &config.legal);
    let legally_vulnerable = legal.vulnerable;
    let grade_before_legal = dims.grade;
    let grade = if legally_vulnerable { grade_before_legal.raised() } else { grade_before_legal };
    let mut reasons = Vec::new();
    if legally_vulnerable {
        let failed: Vec<&LegalCheck> = legal.checks.iter().filter(|c| c.status == CheckStatus::Fail).collect();
        let zh: Vec<String> = failed.iter().map(|c| format!("{}（{}）", c.title.zh, c.article.zh)).collect();
        let en: Vec<String> = failed.iter().map(|c| format!("{} ({})", c.title.en, c.article.en)).collect();
        reasons.push(Bilingual::new(
            format!("法律上站不住（等级上调一级）：{}", zh.join("；")),
            format!("Legally vulnerable (grade raised one level): {}", en.join("; ")),
        ));
    }
    reasons.extend(dims.top_reasons(5));
    let dominant_emotion = playbook::dominant_emotion(input.analysis, &config.playbooks);
    let scenario = playbook::scenario(input, &config.playbooks);
    let playbook = config.playbooks.select(input, grade, scenario, dominant_emotion, &legal);
    Assessment {
        dimensions: dims,
        grade_before_legal,
        grade,
        legal,
        legally_vulnerable,
        scenario,
        dominant_emotion,
        playbook,
        reasons,
    }
}

pub(crate) fn bad(what: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidData { what: what.into(), reason: reason.into() }
}

/// Check a data file's `version`.
pub(crate) fn check_version(what: &str, version: u32) -> Result<(), Error> {
    if version == 1 {
        Ok(())
    } else {
        Err(bad(what, format!("unsupported version {version}; this build reads version 1")))
    }
}

/// Lower-case each char to one char (keeps char offsets aligned with the original).
pub(crate) fn lower_chars(s: &str) -> Vec<char> {
    s.chars().map(|c| c.to_lowercase().next().filter(|_| c.to_lowercase().count() == 1).unwrap_or(c)).collect()
}

/// Case-insensitive substring test.
pub(crate) fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}
