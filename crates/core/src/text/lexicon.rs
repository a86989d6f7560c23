//! Lexicon files (TOML), merged in order and compiled into one Aho-Corasick automaton.
//! The format is documented in docs/LEXICONS.md.

use super::normalize::{T2s, normalize_term};
use super::{Category, Emotion, Threat, Vulnerability};
use crate::{DemandKind, Error};
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Built-in lexicon files, merged in this order.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("categories.toml", include_str!("../../data/text/categories.toml")),
    ("signals.toml", include_str!("../../data/text/signals.toml")),
];

type Terms = BTreeMap<String, f32>;

/// Which kind of cue a marker lexicon holds (keys of `[marker.*]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerCue {
    SalesMisleading,
    LegalCitation,
    Representative,
    Scripted,
    LetterForm,
    /// Closing formulas of a letter (此致 敬礼, Sincerely): with several lines they make a
    /// formal letter whatever its length.
    LetterClosing,
}

/// Tunable numbers (`[settings]`). Windows are in units (a CJK character or an English word)
/// unless the name says chars.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub negation_window: usize,
    pub threat_negation_window: usize,
    pub retraction_window: usize,
    pub threat_min: f32,
    pub degree_window: usize,
    pub action_window: usize,
    pub no_action_factor: f32,
    pub frame_window: usize,
    pub unframed_demand_min: f32,
    pub frame_boost: f32,
    pub amount_after: usize,
    pub amount_before: usize,
    /// Sentences before a demand's own that a money noun of its object reaches back for its sum
    /// ("pay that bill" → "The hospital bill … came to £3,912.60.").
    pub noun_reach: usize,
    /// Sentences before a demand's own that a list its object counts reaches back for its sums
    /// ("reverse all three" → "Three charges …: $89.99, $212.40 and $45.00").
    pub list_reach: usize,
    pub repeat_punct_boost: f32,
    pub extra_cue_boost: f32,
    pub long_letter_chars: usize,
    /// Line breaks that, with a closing formula, make a formal letter.
    pub letter_min_lines: usize,
    pub scripted_min: usize,
    pub elderly_age: u32,
    /// Group action by structure: people within this many units before the together-word …
    pub group_people_window: usize,
    /// … and an escalation within this many units after it.
    pub group_escalation_window: usize,
    /// Weight of a structural group-action cue.
    pub group_weight: f32,
    /// A demand frame followed by a colon within this many characters opens a demand list …
    pub list_colon_within: usize,
    /// … that ends at 。, a blank line or after this many characters.
    pub list_span: usize,
    /// A `[threat_channel]` term within this many units of a threat cue, in its clause, makes
    /// the cue the channel the complaint came by (人民银行某中心支行转办, Referral from …).
    pub channel_window: usize,
    /// A `[threat_past]` term up to this many units after a threat cue, in its clause, makes
    /// the cue a past escalation (投诉到监管局过一次, the BBB complaint was closed).
    pub past_after_window: usize,
    /// A `[demand_fact]` adverb within this many units before a demand cue, in its clause,
    /// makes the cue a fact (只赔了, 仅按现金价值退还, only paid), not a demand.
    pub fact_window: usize,
    /// A `[threat_retraction]` term of weight 2 within this many units from the start of the
    /// next sentence retracts a threat cue too ("… wants to sue them. I don't want a court fight").
    pub next_sentence_retraction_window: usize,
    /// An `[amount_object]` term (把, 将) within this many units before a demand cue, in its
    /// clause, with an amount between them, frames the cue (把那二十万赔给我).
    pub amount_object_window: usize,
    /// Units before an amount searched for an English demand frame with no demand word
    /// between (`[bare_amount_kind]`).
    pub bare_amount_window: usize,
    /// A demand cue below this weight (paid) is framed only by a frame within
    /// `close_frame_window` units before it, in its clause.
    pub close_frame_below: f32,
    pub close_frame_window: usize,
    /// A `[self_harm_act]` term at most this many units after a `[self_harm_ideation]` term, in
    /// its sentence, is a self-harm statement ("thinking about driving off the road").
    pub self_harm_window: usize,
    /// Units before a self-harm cue, in its sentence, searched for a `[threat_past]` term, and
    /// units of the next sentence searched for a safety statement (a `[threat_retraction]` term
    /// of weight 3) that takes a past self-harm statement back.
    pub harm_past_window: usize,
    /// Whether the Chinese / English self-harm sentence model (harm.rs) may flag what the
    /// lexicon did not (an institution may switch either off; the back-up must also be set).
    pub self_harm_model_zh: bool,
    pub self_harm_model_en: bool,
    /// `[bare_amount_kind]`: the demand kind of an amount that follows an English frame with no
    /// demand word ("I am asking for the additional 4,600 dollars"), by the complaint's category.
    #[serde(default)]
    pub bare_amount_kind: BTreeMap<Category, DemandKind>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            negation_window: 3,
            threat_negation_window: 7,
            retraction_window: 30,
            threat_min: 0.0,
            degree_window: 3,
            action_window: 10,
            no_action_factor: 0.6,
            frame_window: 40,
            unframed_demand_min: 0.5,
            frame_boost: 0.4,
            amount_after: 20,
            amount_before: 20,
            noun_reach: 5,
            list_reach: 8,
            repeat_punct_boost: 0.1,
            extra_cue_boost: 0.1,
            long_letter_chars: 800,
            letter_min_lines: 3,
            scripted_min: 2,
            elderly_age: 65,
            group_people_window: 30,
            group_escalation_window: 15,
            group_weight: 0.8,
            list_colon_within: 16,
            list_span: 400,
            channel_window: 15,
            past_after_window: 8,
            fact_window: 6,
            next_sentence_retraction_window: 8,
            amount_object_window: 12,
            bare_amount_window: 12,
            close_frame_below: 0.25,
            close_frame_window: 16,
            self_harm_window: 8,
            harm_past_window: 60,
            self_harm_model_zh: true,
            self_harm_model_en: true,
            bare_amount_kind: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    negation_window: Option<usize>,
    threat_negation_window: Option<usize>,
    retraction_window: Option<usize>,
    threat_min: Option<f32>,
    degree_window: Option<usize>,
    action_window: Option<usize>,
    no_action_factor: Option<f32>,
    frame_window: Option<usize>,
    unframed_demand_min: Option<f32>,
    frame_boost: Option<f32>,
    amount_after: Option<usize>,
    amount_before: Option<usize>,
    noun_reach: Option<usize>,
    list_reach: Option<usize>,
    repeat_punct_boost: Option<f32>,
    extra_cue_boost: Option<f32>,
    long_letter_chars: Option<usize>,
    letter_min_lines: Option<usize>,
    scripted_min: Option<usize>,
    elderly_age: Option<u32>,
    group_people_window: Option<usize>,
    group_escalation_window: Option<usize>,
    group_weight: Option<f32>,
    list_colon_within: Option<usize>,
    list_span: Option<usize>,
    channel_window: Option<usize>,
    past_after_window: Option<usize>,
    fact_window: Option<usize>,
    next_sentence_retraction_window: Option<usize>,
    amount_object_window: Option<usize>,
    bare_amount_window: Option<usize>,
    close_frame_below: Option<f32>,
    close_frame_window: Option<usize>,
    self_harm_window: Option<usize>,
    harm_past_window: Option<usize>,
    self_harm_model_zh: Option<bool>,
    self_harm_model_en: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: Option<String>,
    #[serde(default)]
    settings: RawSettings,
    #[serde(default)]
    bare_amount_kind: BTreeMap<Category, DemandKind>,
    #[serde(default)]
    category: BTreeMap<Category, Terms>,
    #[serde(default)]
    subcategory: BTreeMap<Category, BTreeMap<String, Terms>>,
    #[serde(default)]
    emotion: BTreeMap<Emotion, Terms>,
    #[serde(default)]
    degree: Terms,
    #[serde(default)]
    negation: Terms,
    #[serde(default)]
    negation_exempt: Terms,
    #[serde(default)]
    barrier: Terms,
    #[serde(default)]
    conditional: Terms,
    #[serde(default)]
    rhetorical: Terms,
    #[serde(default)]
    insult: Terms,
    #[serde(default)]
    threat: BTreeMap<Threat, Terms>,
    #[serde(default)]
    threat_action: Terms,
    #[serde(default)]
    threat_mask: Terms,
    #[serde(default)]
    threat_retraction: Terms,
    #[serde(default)]
    threat_third_party: Terms,
    #[serde(default)]
    threat_joined: Terms,
    #[serde(default)]
    threat_channel: Terms,
    #[serde(default)]
    threat_declined: Terms,
    #[serde(default)]
    threat_past: Terms,
    #[serde(default)]
    threat_future: Terms,
    #[serde(default)]
    threat_object_self: Terms,
    #[serde(default)]
    threat_received: Terms,
    #[serde(default)]
    quote_verb: Terms,
    #[serde(default)]
    demand_fact: Terms,
    #[serde(default)]
    amount_fact: Terms,
    #[serde(default)]
    speaker_self: Terms,
    #[serde(default)]
    speaker_other: Terms,
    #[serde(default)]
    group_together: Terms,
    #[serde(default)]
    group_people: Terms,
    #[serde(default)]
    group_escalation: Terms,
    #[serde(default)]
    demand: BTreeMap<DemandKind, Terms>,
    #[serde(default)]
    demand_frame: Terms,
    #[serde(default)]
    amount_object: Terms,
    #[serde(default)]
    imperative_verb: Terms,
    #[serde(default)]
    quote_source: Terms,
    #[serde(default)]
    bare_amount_frame: Terms,
    #[serde(default)]
    amount_total: Terms,
    #[serde(default)]
    amount_anaphor: Terms,
    #[serde(default)]
    amount_noun: Terms,
    #[serde(default)]
    self_harm_ideation: Terms,
    #[serde(default)]
    self_harm_act: Terms,
    #[serde(default)]
    marker: BTreeMap<MarkerCue, Terms>,
    #[serde(default)]
    vulnerability: BTreeMap<Vulnerability, Terms>,
    /// Extra traditional → simplified pairs: `"帳" = "账"`.
    #[serde(default)]
    t2s: BTreeMap<String, String>,
}

/// What a matched term means. One term may mean several things (e.g. 起诉 is a lawsuit threat
/// and an action verb).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Group {
    Category(Category),
    Sub(Category, u16),
    Emotion(Emotion),
    Degree,
    Negation,
    NegationExempt,
    Barrier,
    Conditional,
    Rhetorical,
    Insult,
    Threat(Threat),
    ThreatAction,
    ThreatMask,
    ThreatRetraction,
    ThreatThirdParty,
    ThreatJoined,
    ThreatChannel,
    ThreatDeclined,
    ThreatPast,
    ThreatFuture,
    ThreatObjectSelf,
    ThreatReceived,
    QuoteVerb,
    DemandFact,
    AmountFact,
    SpeakerSelf,
    SpeakerOther,
    Together,
    People,
    Escalation,
    Demand(DemandKind),
    DemandFrame,
    AmountObject,
    ImperativeVerb,
    QuoteSource,
    BareAmountFrame,
    AmountTotal,
    AmountAnaphor,
    AmountNoun,
    SelfHarmIdeation,
    SelfHarmAct,
    Marker(MarkerCue),
    Vuln(Vulnerability),
}

impl Group {
    /// Hits of one family suppress the hits of the same family that they strictly contain
    /// (全额退保 hides 退保; 银保监会 hides 银保监).
    pub(crate) fn family(self) -> u16 {
        match self {
            Group::Category(_) => 0,
            Group::Sub(_, _) => 1,
            Group::Emotion(_) => 2,
            Group::Degree => 3,
            Group::Negation => 4,
            Group::NegationExempt => 5,
            Group::Barrier => 6,
            Group::Conditional => 7,
            Group::Rhetorical | Group::Insult => 8,
            // A group action is a family of its own: 一起去监管 does not hide the regulator 监管
            // (other threat cues do hide each other: "attorney general" hides "attorney").
            Group::Threat(Threat::GroupAction) => 51,
            Group::Threat(_) => 9,
            Group::ThreatAction => 10,
            Group::ThreatMask => 14,
            Group::ThreatRetraction => 15,
            Group::ThreatThirdParty => 16,
            Group::ThreatJoined => 17,
            Group::ThreatChannel => 33,
            Group::ThreatDeclined => 34,
            Group::ThreatPast => 35,
            Group::ThreatFuture => 36,
            Group::ThreatObjectSelf => 37,
            Group::ThreatReceived => 50,
            Group::QuoteVerb => 38,
            Group::DemandFact => 39,
            Group::AmountFact => 40,
            Group::SpeakerSelf => 18,
            Group::SpeakerOther => 19,
            Group::Together => 30,
            Group::People => 31,
            Group::Escalation => 32,
            Group::Demand(_) => 11,
            Group::DemandFrame => 12,
            Group::AmountObject => 41,
            Group::BareAmountFrame => 42,
            Group::AmountTotal => 43,
            Group::AmountAnaphor => 44,
            Group::AmountNoun => 49,
            Group::SelfHarmIdeation => 45,
            Group::SelfHarmAct => 46,
            Group::ImperativeVerb => 47,
            Group::QuoteSource => 48,
            Group::Marker(m) => 20 + m as u16,
            Group::Vuln(_) => 13,
        }
    }
}

/// Merged lexicons before compilation.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    pub version: String,
    settings: RawSettings,
    bare_amount_kind: BTreeMap<Category, DemandKind>,
    groups: BTreeMap<Group, Terms>,
    pub subcategory_names: Vec<(Category, String)>,
    pub t2s_extra: Vec<(char, char)>,
}

fn merge_terms(into: &mut Terms, from: Terms, what: &str) -> Result<(), Error> {
    for (term, w) in from {
        if !w.is_finite() || w < 0.0 {
            return Err(Error::InvalidData {
                what: "text lexicon".into(),
                reason: format!("{what}: weight of {term:?} must be a finite number ≥ 0"),
            });
        }
        if term.trim().is_empty() {
            return Err(Error::InvalidData { what: "text lexicon".into(), reason: format!("{what}: empty term") });
        }
        if w == 0.0 {
            into.remove(&term);
        } else {
            into.insert(term, w);
        }
    }
    Ok(())
}

macro_rules! take_setting {
    ($into:expr, $from:expr, $($f:ident),+) => { $( if $from.$f.is_some() { $into.$f = $from.$f; } )+ };
}

impl Merged {
    pub(crate) fn add(&mut self, name: &str, text: &str) -> Result<(), Error> {
        let raw: RawFile = toml::from_str(text)
            .map_err(|e| Error::InvalidData { what: format!("text lexicon {name}"), reason: e.to_string() })?;
        if let Some(v) = raw.version {
            self.version = v;
        }
        take_setting!(
            self.settings,
            raw.settings,
            negation_window,
            threat_negation_window,
            retraction_window,
            threat_min,
            degree_window,
            action_window,
            no_action_factor,
            frame_window,
            unframed_demand_min,
            frame_boost,
            amount_after,
            amount_before,
            noun_reach,
            list_reach,
            repeat_punct_boost,
            extra_cue_boost,
            long_letter_chars,
            letter_min_lines,
            scripted_min,
            elderly_age,
            group_people_window,
            group_escalation_window,
            group_weight,
            list_colon_within,
            list_span,
            channel_window,
            past_after_window,
            fact_window,
            next_sentence_retraction_window,
            amount_object_window,
            bare_amount_window,
            close_frame_below,
            close_frame_window,
            self_harm_window,
            harm_past_window,
            self_harm_model_zh,
            self_harm_model_en
        );
        self.bare_amount_kind.extend(raw.bare_amount_kind);
        let mut add = |g: Group, t: Terms, what: &str| merge_terms(self.groups.entry(g).or_default(), t, what);
        for (c, t) in raw.category {
            add(Group::Category(c), t, "category")?;
        }
        for (e, t) in raw.emotion {
            add(Group::Emotion(e), t, "emotion")?;
        }
        for (g, t) in [
            (Group::Degree, raw.degree),
            (Group::Negation, raw.negation),
            (Group::NegationExempt, raw.negation_exempt),
            (Group::Barrier, raw.barrier),
            (Group::Conditional, raw.conditional),
            (Group::Rhetorical, raw.rhetorical),
            (Group::Insult, raw.insult),
            (Group::ThreatAction, raw.threat_action),
            (Group::ThreatMask, raw.threat_mask),
            (Group::ThreatRetraction, raw.threat_retraction),
            (Group::ThreatThirdParty, raw.threat_third_party),
            (Group::ThreatJoined, raw.threat_joined),
            (Group::ThreatChannel, raw.threat_channel),
            (Group::ThreatDeclined, raw.threat_declined),
            (Group::ThreatPast, raw.threat_past),
            (Group::ThreatFuture, raw.threat_future),
            (Group::ThreatObjectSelf, raw.threat_object_self),
            (Group::ThreatReceived, raw.threat_received),
            (Group::QuoteVerb, raw.quote_verb),
            (Group::DemandFact, raw.demand_fact),
            (Group::AmountFact, raw.amount_fact),
            (Group::SpeakerSelf, raw.speaker_self),
            (Group::SpeakerOther, raw.speaker_other),
            (Group::Together, raw.group_together),
            (Group::People, raw.group_people),
            (Group::Escalation, raw.group_escalation),
            (Group::DemandFrame, raw.demand_frame),
            (Group::AmountObject, raw.amount_object),
            (Group::ImperativeVerb, raw.imperative_verb),
            (Group::QuoteSource, raw.quote_source),
            (Group::BareAmountFrame, raw.bare_amount_frame),
            (Group::AmountTotal, raw.amount_total),
            (Group::AmountAnaphor, raw.amount_anaphor),
            (Group::AmountNoun, raw.amount_noun),
            (Group::SelfHarmIdeation, raw.self_harm_ideation),
            (Group::SelfHarmAct, raw.self_harm_act),
        ] {
            add(g, t, "modifier")?;
        }
        for (k, t) in raw.threat {
            add(Group::Threat(k), t, "threat")?;
        }
        for (k, t) in raw.demand {
            add(Group::Demand(k), t, "demand")?;
        }
        for (k, t) in raw.marker {
            add(Group::Marker(k), t, "marker")?;
        }
        for (k, t) in raw.vulnerability {
            add(Group::Vuln(k), t, "vulnerability")?;
        }
        for (c, subs) in raw.subcategory {
            for (code, t) in subs {
                let idx = match self.subcategory_names.iter().position(|(cc, n)| *cc == c && *n == code) {
                    Some(i) => i,
                    None => {
                        self.subcategory_names.push((c, code.clone()));
                        self.subcategory_names.len() - 1
                    }
                };
                let idx = u16::try_from(idx).map_err(|_| Error::InvalidData {
                    what: "text lexicon".into(),
                    reason: "too many subcategories".into(),
                })?;
                merge_terms(self.groups.entry(Group::Sub(c, idx)).or_default(), t, "subcategory")?;
            }
        }
        for (t, s) in raw.t2s {
            let (mut tc, mut sc) = (t.chars(), s.chars());
            match (tc.next(), tc.next(), sc.next(), sc.next()) {
                (Some(a), None, Some(b), None) => self.t2s_extra.push((a, b)),
                _ => {
                    return Err(Error::InvalidData {
                        what: format!("text lexicon {name}"),
                        reason: format!("t2s: {t:?} = {s:?} must map one character to one character"),
                    });
                }
            }
        }
        Ok(())
    }

    pub(crate) fn settings(&self) -> Settings {
        let d = Settings::default();
        let r = &self.settings;
        Settings {
            negation_window: r.negation_window.unwrap_or(d.negation_window),
            threat_negation_window: r.threat_negation_window.unwrap_or(d.threat_negation_window),
            retraction_window: r.retraction_window.unwrap_or(d.retraction_window),
            threat_min: r.threat_min.unwrap_or(d.threat_min),
            degree_window: r.degree_window.unwrap_or(d.degree_window),
            action_window: r.action_window.unwrap_or(d.action_window),
            no_action_factor: r.no_action_factor.unwrap_or(d.no_action_factor),
            frame_window: r.frame_window.unwrap_or(d.frame_window),
            unframed_demand_min: r.unframed_demand_min.unwrap_or(d.unframed_demand_min),
            frame_boost: r.frame_boost.unwrap_or(d.frame_boost),
            amount_after: r.amount_after.unwrap_or(d.amount_after),
            amount_before: r.amount_before.unwrap_or(d.amount_before),
            noun_reach: r.noun_reach.unwrap_or(d.noun_reach),
            list_reach: r.list_reach.unwrap_or(d.list_reach),
            repeat_punct_boost: r.repeat_punct_boost.unwrap_or(d.repeat_punct_boost),
            extra_cue_boost: r.extra_cue_boost.unwrap_or(d.extra_cue_boost),
            long_letter_chars: r.long_letter_chars.unwrap_or(d.long_letter_chars),
            letter_min_lines: r.letter_min_lines.unwrap_or(d.letter_min_lines),
            scripted_min: r.scripted_min.unwrap_or(d.scripted_min),
            elderly_age: r.elderly_age.unwrap_or(d.elderly_age),
            group_people_window: r.group_people_window.unwrap_or(d.group_people_window),
            group_escalation_window: r.group_escalation_window.unwrap_or(d.group_escalation_window),
            group_weight: r.group_weight.unwrap_or(d.group_weight),
            list_colon_within: r.list_colon_within.unwrap_or(d.list_colon_within),
            list_span: r.list_span.unwrap_or(d.list_span),
            channel_window: r.channel_window.unwrap_or(d.channel_window),
            past_after_window: r.past_after_window.unwrap_or(d.past_after_window),
            fact_window: r.fact_window.unwrap_or(d.fact_window),
            next_sentence_retraction_window: r
                .next_sentence_retraction_window
                .unwrap_or(d.next_sentence_retraction_window),
            amount_object_window: r.amount_object_window.unwrap_or(d.amount_object_window),
            bare_amount_window: r.bare_amount_window.unwrap_or(d.bare_amount_window),
            close_frame_below: r.close_frame_below.unwrap_or(d.close_frame_below),
            close_frame_window: r.close_frame_window.unwrap_or(d.close_frame_window),
            self_harm_window: r.self_harm_window.unwrap_or(d.self_harm_window),
            harm_past_window: r.harm_past_window.unwrap_or(d.harm_past_window),
            self_harm_model_zh: r.self_harm_model_zh.unwrap_or(d.self_harm_model_zh),
            self_harm_model_en: r.self_harm_model_en.unwrap_or(d.self_harm_model_en),
            bare_amount_kind: self.bare_amount_kind.clone(),
        }
    }
}

/// One compiled pattern: the normalised term and what it means.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub term: String,
    pub meanings: Vec<(Group, f32)>,
    /// The term starts / ends with an ASCII letter or digit: the text must have a word
    /// boundary there ("sue" must not match inside "issue").
    pub word_start: bool,
    pub word_end: bool,
}

pub(crate) struct Compiled {
    pub ac: AhoCorasick,
    pub patterns: Vec<Pattern>,
}

pub(crate) fn compile(merged: &Merged, t2s: &T2s) -> Result<Compiled, Error> {
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut patterns: Vec<Pattern> = Vec::new();
    for (&g, terms) in &merged.groups {
        for (term, &w) in terms {
            let norm = normalize_term(term, t2s);
            if norm.is_empty() {
                continue;
            }
            let i = *index.entry(norm.clone()).or_insert_with(|| {
                let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                patterns.push(Pattern {
                    word_start: is_word(norm.chars().next()),
                    word_end: is_word(norm.chars().last()),
                    term: norm.clone(),
                    meanings: Vec::new(),
                });
                patterns.len() - 1
            });
            patterns[i].meanings.push((g, w));
        }
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(patterns.iter().map(|p| p.term.as_str()))
        .map_err(|e| Error::InvalidData { what: "text lexicon".into(), reason: e.to_string() })?;
    Ok(Compiled { ac, patterns })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_files_parse() {
        let mut m = Merged::default();
        for (name, text) in BUILTIN_FILES {
            m.add(name, text).unwrap();
        }
        assert!(!m.version.is_empty());
        let mut settings = m.settings();
        // The category → kind table lives only in signals.toml; every number has a default.
        assert_eq!(settings.bare_amount_kind.len(), Category::ALL.len());
        settings.bare_amount_kind.clear();
        assert_eq!(settings, Settings::default(), "defaults in code mirror signals.toml");
        assert!(m.groups.len() > 40);
    }

    #[test]
    fn overrides_merge_and_remove() {
        let mut m = Merged::default();
        m.add("a", "[category.card]\n\"信用卡\" = 3.0\n\"卡\" = 1.0\n").unwrap();
        m.add("b", "[category.card]\n\"卡\" = 0\n\"信用卡\" = 5\n[settings]\nscripted_min = 3\n").unwrap();
        let terms = &m.groups[&Group::Category(Category::Card)];
        assert_eq!(terms.len(), 1);
        assert_eq!(terms["信用卡"], 5.0);
        assert_eq!(m.settings().scripted_min, 3);
    }

    #[test]
    fn rejects_unknown_codes_and_bad_weights() {
        let mut m = Merged::default();
        assert!(m.add("x", "[category.nope]\n\"a\" = 1\n").is_err());
        assert!(m.add("x", "[emotion.anger]\n\"a\" = -1\n").is_err());
        assert!(m.add("x", "[settings]\nunknown = 1\n").is_err());
        assert!(m.add("x", "[bogus]\n").is_err());
        assert!(m.add("x", "[t2s]\n\"帳帳\" = \"账\"\n").is_err());
    }
}
