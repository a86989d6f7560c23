//! Deterministic, explainable text analysis of complaint narratives (Chinese and English).
//!
//! One pass of one Aho-Corasick automaton over the normalised text finds every lexicon cue;
//! small rules on top (negation windows, degree words, demand frames, amounts, law citations)
//! turn the cues into findings. Every finding carries evidence: the rule and the character
//! spans of the ORIGINAL text that support it. Lexicons are data (data/text/*.toml,
//! docs/LEXICONS.md); the taxonomy is in docs/TAXONOMY.md.

mod amount;
pub mod eval;
pub mod harm;
pub mod lexicon;
pub mod mapping;
pub mod nb;
pub mod normalize;
#[cfg(test)]
mod tests;

use crate::{Currency, DemandKind, Error, Money};
use lexicon::{Compiled, Group, MarkerCue, Merged};
use normalize::{Normalized, T2s};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use lexicon::Settings;
pub use mapping::{Mappings, map_cfpb, map_tdi};

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal / $zh:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable code (JSON, lexicon files).
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// The Chinese name shown to handlers.
            pub fn name_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
            pub fn parse(code: &str) -> Option<Self> {
                let c = code.trim();
                $( if c.eq_ignore_ascii_case($code) || c == $zh { return Some($name::$variant); } )+
                None
            }
        }
    };
}

code_enum!(
    /// What the complaint is about (docs/TAXONOMY.md).
    Category {
        ClaimRefusal = "claim_refusal" / "理赔拒付",
        ClaimDelay = "claim_delay" / "理赔时效",
        ClaimAmountDispute = "claim_amount_dispute" / "理赔金额争议",
        SurrenderDispute = "surrender_dispute" / "退保纠纷",
        MisSelling = "mis_selling" / "销售误导",
        ServiceAttitude = "service_attitude" / "服务态度",
        FeesCharges = "fees_charges" / "收费争议",
        Card = "card" / "银行卡/信用卡",
        Loan = "loan" / "贷款",
        DebtCollection = "debt_collection" / "催收",
        DataPrivacy = "data_privacy" / "个人信息/征信",
        Other = "other" / "其他",
    }
);

code_enum!(
    Emotion {
        Anger = "anger" / "愤怒",
        Anxiety = "anxiety" / "焦虑",
        Grief = "grief" / "悲伤",
        Disgust = "disgust" / "厌恶",
        Disappointment = "disappointment" / "失望",
    }
);

code_enum!(
    /// An escalation the complainant announces.
    Threat {
        Regulator = "regulator" / "向监管投诉",
        Media = "media" / "媒体曝光",
        Lawsuit = "lawsuit" / "诉讼/仲裁",
        Petition = "petition" / "信访",
        GroupAction = "group_action" / "群体投诉",
        SelfHarmViolence = "self_harm_violence" / "自伤/暴力",
    }
);

code_enum!(
    /// Signals of organised or ghost-written complaints (DOMAIN §7). Signals, never verdicts.
    Marker {
        SalesMisleadingCombo = "sales_misleading_combo" / "销售误导+全额退保",
        LegalBoilerplate = "legal_boilerplate" / "引用法条",
        Representative = "representative" / "第三方代理",
        Scripted = "scripted" / "模板话术",
        LongFormalLetter = "long_formal_letter" / "长篇正式信函",
    }
);

code_enum!(
    /// Protective flags: they raise care, never lower an entitlement.
    Vulnerability {
        Elderly = "elderly" / "老年人",
        Illness = "illness" / "重病/住院",
        Hardship = "hardship" / "经济困难",
        Disability = "disability" / "残障",
    }
);

code_enum!(
    Lang {
        Zh = "zh" / "中文",
        En = "en" / "英文",
    }
);

/// Character offsets into the original text (not bytes); `end` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    /// The spanned part of `text` (which must be the analysed text).
    pub fn slice(self, text: &str) -> String {
        text.chars().skip(self.start).take(self.end.saturating_sub(self.start)).collect()
    }
}

/// Why a finding was made: the rule (e.g. `threat.regulator`), where, and a readable note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub rule: String,
    pub spans: Vec<Span>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding<T> {
    pub value: T,
    /// 0..1: confidence for a category, intensity for an emotion, severity for a threat.
    pub score: f32,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandFinding {
    pub kind: DemandKind,
    /// Sum of the distinct amounts stated next to this kind of demand (in the first amount's
    /// currency); `null` when none was stated.
    pub amount: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextAnalysis {
    pub category: Option<Finding<Category>>,
    pub subcategory: Option<Finding<String>>,
    pub emotions: Vec<Finding<Emotion>>,
    pub threats: Vec<Finding<Threat>>,
    pub demands: Vec<Finding<DemandFinding>>,
    /// Sum of the demanded amounts per currency (sorted by currency).
    pub demanded_total: Vec<Money>,
    pub markers: Vec<Finding<Marker>>,
    pub vulnerability: Vec<Finding<Vulnerability>>,
    pub lang: Lang,
    /// Lexicon version (`version` of the last lexicon file that sets one).
    pub version: String,
}

/// The analyser: lexicons compiled once, then `analyze` any number of texts (it is `Sync`).
pub struct Analyzer {
    compiled: Compiled,
    t2s: T2s,
    settings: Settings,
    version: String,
    subcategories: Vec<(Category, String)>,
    /// Statistical back-up for a missing or weak rule-based category (nb.rs).
    category_fallback: Option<nb::Fallback>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("version", &self.version)
            .field("patterns", &self.compiled.patterns.len())
            .finish()
    }
}

impl Analyzer {
    /// The built-in lexicons (data/text/*.toml) and traditional → simplified table.
    pub fn builtin() -> Result<Analyzer, Error> {
        Analyzer::from_toml(&[])
    }

    /// The built-in lexicons with institution overrides merged on top, in order: a term
    /// present in an override replaces its weight; weight 0 removes it; settings and
    /// `version` replace. See docs/LEXICONS.md. The naive Bayes category back-up is on
    /// ([`nb::Fallback::builtin`]).
    pub fn from_toml(files: &[&str]) -> Result<Analyzer, Error> {
        let mut all = builtin_lexicon_files();
        all.extend(files.iter().enumerate().map(|(i, t)| (format!("override #{}", i + 1), *t)));
        let mut analyzer = Analyzer::build(&all)?;
        // Measured on the corpus' train split by cross-validation (docs/QUALITY.md).
        analyzer.category_fallback = Some(nb::Fallback::builtin());
        Ok(analyzer)
    }

    /// The built-in lexicons alone, with no naive Bayes back-up (it picks the self-harm model's
    /// training sentences, nb.rs).
    fn builtin_rules() -> Result<Analyzer, Error> {
        Analyzer::build(&builtin_lexicon_files())
    }

    /// Only the given lexicon files (no built-in lexicons; the built-in t2s table still applies).
    pub fn from_lexicons_only(files: &[&str]) -> Result<Analyzer, Error> {
        let all: Vec<(String, &str)> =
            files.iter().enumerate().map(|(i, t)| (format!("file #{}", i + 1), *t)).collect();
        Analyzer::build(&all)
    }

    fn build(files: &[(String, &str)]) -> Result<Analyzer, Error> {
        let mut merged = Merged::default();
        for (name, text) in files {
            merged.add(name, text)?;
        }
        let mut t2s = T2s::parse(normalize::BUILTIN_T2S)?;
        if !merged.t2s_extra.is_empty() {
            let extra: String = merged.t2s_extra.iter().map(|(a, b)| format!("{a} {b}\n")).collect();
            t2s.extend(&T2s::parse(&extra)?);
        }
        let compiled = lexicon::compile(&merged, &t2s)?;
        Ok(Analyzer {
            compiled,
            t2s,
            settings: merged.settings(),
            version: if merged.version.is_empty() { "unversioned".into() } else { merged.version.clone() },
            subcategories: merged.subcategory_names.clone(),
            category_fallback: None,
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The naive Bayes back-up for the category, if any (docs/QUALITY.md).
    pub fn category_fallback(&self) -> Option<&nb::Fallback> {
        self.category_fallback.as_ref()
    }

    /// Set or remove the naive Bayes back-up for the category.
    pub fn set_category_fallback(&mut self, fallback: Option<nb::Fallback>) {
        self.category_fallback = fallback;
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// Number of distinct normalised terms in the automaton.
    pub fn pattern_count(&self) -> usize {
        self.compiled.patterns.len()
    }

    /// Estimated heap memory held by the compiled lexicons, in bytes.
    pub fn memory_bytes(&self) -> usize {
        let patterns: usize = self
            .compiled
            .patterns
            .iter()
            .map(|p| {
                std::mem::size_of::<lexicon::Pattern>()
                    + p.term.capacity()
                    + p.meanings.capacity() * std::mem::size_of::<(Group, f32)>()
            })
            .sum();
        self.compiled.ac.memory_usage() + patterns + self.t2s.memory_bytes()
    }

    /// Analyse one text. Pure and deterministic: the same text and lexicons give the same result.
    pub fn analyze(&self, text: &str) -> TextAnalysis {
        let norm = Normalized::new(text, &self.t2s);
        let lang = detect_lang(&norm.chars);
        let hits = self.hits(&norm);
        let ctx = Ctx::new(&norm.chars, &hits, &self.settings);
        let (mut category, mut subcategory, totals) =
            self.categorize(&ctx, norm.chars.iter().any(|c| !c.is_whitespace()));
        let (mut emotions, negated) = ctx.emotions();
        if let Some(fb) = &self.category_fallback {
            (category, subcategory) = fb.apply_all(text, category, subcategory, &totals, &mut emotions, &negated);
        }
        let mut cues = ctx.threat_cues();
        if let Some(fb) = &self.category_fallback {
            ctx.veto_threats(fb, lang == Lang::En, &mut cues);
        }
        let mut threats = ctx.threats_of(cues);
        let harm_model =
            if lang == Lang::En { self.settings.self_harm_model_en } else { self.settings.self_harm_model_zh };
        if let Some(fb) = &self.category_fallback
            && harm_model
            && threats.iter().all(|t| t.value != Threat::SelfHarmViolence)
            && let Some(f) = ctx.model_self_harm(fb, lang == Lang::En)
        {
            threats.push(f);
            threats.sort_by_key(|t| t.value);
        }
        let default_currency = match lang {
            Lang::En if pounds_only(ctx.chars) => Currency::Gbp,
            Lang::En => Currency::Usd,
            _ => Currency::Cny,
        };
        let (demands, demanded_total) = ctx.demands(default_currency, category.as_ref().map(|c| c.value));
        let markers = ctx.markers(&demands);
        let vulnerability = ctx.vulnerability();
        TextAnalysis {
            category,
            subcategory,
            emotions,
            threats,
            demands,
            demanded_total,
            markers,
            vulnerability,
            lang,
            version: self.version.clone(),
        }
    }

    /// The emotions whose every lexicon cue in `text` is negated ("I am not angry"): the
    /// emotion model may not add them (nb.rs).
    pub fn negated_emotions(&self, text: &str) -> Vec<Emotion> {
        let norm = Normalized::new(text, &self.t2s);
        let hits = self.hits(&norm);
        Ctx::new(&norm.chars, &hits, &self.settings).emotions().1
    }

    /// The unit of each threat cue (not self-harm) the rules accept in `text`, with its type:
    /// the training data of the threat clause model (`NaiveBayes::train_veto`).
    pub fn threat_units(&self, text: &str) -> Vec<(String, Threat)> {
        let norm = Normalized::new(text, &self.t2s);
        let hits = self.hits(&norm);
        let ctx = Ctx::new(&norm.chars, &hits, &self.settings);
        let english = detect_lang(&norm.chars) == Lang::En;
        let units = ctx.harm_units(english);
        let mut out: Vec<(String, Threat)> = Vec::new();
        for c in ctx.threat_cues().into_iter().filter(|c| c.threat != Threat::SelfHarmViolence) {
            let u = ctx.threat_unit(&units, english, c.cue.start);
            let unit = (ctx.masked_unit(u, english).into_iter().collect::<String>(), c.threat);
            if !out.contains(&unit) {
                out.push(unit);
            }
        }
        out
    }

    /// The sentences (Chinese: clauses) of `text`, each with whether the lexicon's self-harm
    /// evidence falls in it (the training data of the self-harm back-up, harm.rs). Only the
    /// cue's own span counts, not the conditional or action spans beside it (再这样拖下去，…).
    pub fn harm_sentences(&self, text: &str) -> Vec<(String, bool)> {
        let norm = Normalized::new(text, &self.t2s);
        let hits = self.hits(&norm);
        let ctx = Ctx::new(&norm.chars, &hits, &self.settings);
        let mut cues: Vec<Span> = ctx
            .threat
            .iter()
            .filter(|h| h.group == Group::Threat(Threat::SelfHarmViolence))
            .map(|h| h.span())
            .collect();
        cues.extend(ctx.self_harm_cues().iter().map(Hit::span));
        let evidence: Vec<Span> = ctx
            .threats()
            .iter()
            .filter(|t| t.value == Threat::SelfHarmViolence)
            .flat_map(|t| t.evidence.iter().flat_map(|e| e.spans.iter().copied()))
            .filter(|e| cues.iter().any(|c| c.start < e.end && c.end > e.start))
            .collect();
        ctx.harm_units(detect_lang(&norm.chars) == Lang::En)
            .into_iter()
            .map(|s| {
                (text_of(&norm.chars, s.start, s.end), evidence.iter().any(|e| e.start < s.end && e.end > s.start))
            })
            .collect()
    }

    /// All lexicon hits, word boundaries checked, contained hits of the same family removed.
    fn hits(&self, norm: &Normalized) -> Vec<Hit> {
        let chars = &norm.chars;
        let mut out: Vec<Hit> = Vec::new();
        for m in self.compiled.ac.find_overlapping_iter(norm.lower.as_str()) {
            let p = &self.compiled.patterns[m.pattern().as_usize()];
            let (s, e) = (norm.char_of(m.start()), norm.char_of(m.end()));
            if p.word_start && s > 0 && chars[s - 1].is_ascii_alphanumeric() {
                continue;
            }
            if p.word_end && e < chars.len() && chars[e].is_ascii_alphanumeric() {
                continue;
            }
            for &(group, weight) in &p.meanings {
                out.push(Hit { start: s, end: e, group, weight, pat: m.pattern().as_usize() as u32 });
            }
        }
        out.sort_by(|a, b| {
            (a.group.family(), a.start, std::cmp::Reverse(a.end), a.group, a.pat).cmp(&(
                b.group.family(),
                b.start,
                std::cmp::Reverse(b.end),
                b.group,
                b.pat,
            ))
        });
        let mut keep = Vec::with_capacity(out.len());
        let mut family = u16::MAX;
        let mut max_end = 0usize;
        let mut span = (usize::MAX, usize::MAX);
        let mut span_end = 0usize;
        for h in out {
            if h.group.family() != family {
                family = h.group.family();
                max_end = 0;
                span = (usize::MAX, usize::MAX);
                span_end = 0;
            }
            if (h.start, h.end) != span {
                max_end = max_end.max(span_end);
                span = (h.start, h.end);
                span_end = h.end;
            }
            if max_end >= h.end && max_end > 0 {
                continue;
            }
            keep.push(h);
        }
        keep
    }

    /// Rule-based category and subcategory, and each category's capped cue total.
    #[allow(clippy::type_complexity)]
    fn categorize(
        &self,
        ctx: &Ctx,
        non_blank: bool,
    ) -> (Option<Finding<Category>>, Option<Finding<String>>, BTreeMap<Category, f32>) {
        if !non_blank {
            return (None, None, BTreeMap::new());
        }
        let mut totals: BTreeMap<Category, f32> = BTreeMap::new();
        let mut cues: BTreeMap<Category, Vec<&Hit>> = BTreeMap::new();
        for h in &ctx.cat {
            if let Group::Category(c) = h.group {
                cues.entry(c).or_default().push(h);
            }
        }
        for (c, hs) in &cues {
            totals.insert(*c, capped_total(hs));
        }
        let all: f32 = totals.values().sum();
        let best = Category::ALL.iter().filter_map(|c| totals.get(c).map(|t| (*c, *t))).fold(
            None,
            |acc: Option<(Category, f32)>, (c, t)| match acc {
                Some((_, bt)) if bt >= t => acc,
                _ => Some((c, t)),
            },
        );
        let Some((best, total)) = best.filter(|(_, t)| *t > 0.0) else {
            return (Some(Finding { value: Category::Other, score: 0.0, evidence: vec![] }), None, totals);
        };
        let score = confidence(total, all);
        let evidence = term_evidence(&format!("category.{}", best.code()), &cues[&best], ctx.chars);
        let category = Some(Finding { value: best, score, evidence });
        // Subcategory: only inside the winning category.
        let mut sub: BTreeMap<u16, Vec<&Hit>> = BTreeMap::new();
        for h in &ctx.sub {
            if let Group::Sub(c, i) = h.group
                && c == best
            {
                sub.entry(i).or_default().push(h);
            }
        }
        let sub_all: f32 = sub.values().map(|hs| capped_total(hs)).sum();
        let best_sub = sub.iter().map(|(i, hs)| (*i, capped_total(hs))).fold(None, |acc, (i, t)| match acc {
            Some((_, bt)) if bt >= t => acc,
            _ => Some((i, t)),
        });
        let subcategory = best_sub.filter(|(_, t)| *t > 0.0).and_then(|(i, t)| {
            let name = self.subcategories.get(i as usize)?.1.clone();
            let evidence = term_evidence(&format!("subcategory.{}.{}", best.code(), name), &sub[&i], ctx.chars);
            Some(Finding { value: name, score: confidence(t, sub_all), evidence })
        });
        (category, subcategory, totals)
    }
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    group: Group,
    weight: f32,
    pat: u32,
}

impl Hit {
    fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// Per value: (term id, score) of each cue, and what to show for it.
type Scored<E> = (Vec<(u32, f32)>, Vec<E>);

/// A threat cue the rules accept (`Ctx::threat_cues`): its type, the cue's span, its pattern,
/// score and evidence.
struct ThreatCue {
    threat: Threat,
    cue: Span,
    pat: u32,
    score: f32,
    evidence: Evidence,
}

/// A boundary test at a character index.
type Stop = fn(&[char], usize) -> bool;

/// At most this many spans per evidence item (a 100k-character text may repeat a cue often).
const MAX_SPANS: usize = 20;
/// A term counts at most this many times towards a category total.
const MAX_REPEATS: usize = 3;
/// Longest modifier before a third party at a clause start (同行的朋友, 隔壁床的大哥).
const MODIFIER_MAX: usize = 6;

/// One-character adverbs that may stand before a Chinese speech verb opening a clause: 还说,
/// 又说, 并称, 也说, 就说, 还称.
const SPEECH_ADVERBS: &[char] = &['还', '又', '并', '也', '就', '则', '便', '更'];

/// Connectives that may open a Chinese clause before its subject: 所以你们催收员在电话里说…,
/// 可你们银行还是…. The speaker of the clause is the word after them.
const CONNECTIVES: &[&str] = &["所以", "但是", "可是", "然后", "结果", "后来", "而且", "不过", "于是", "但", "可"];

/// Where a Chinese clause's subject starts: `at`, or after one connective that opens it (see
/// [`CONNECTIVES`]), when something follows it before `to`.
fn after_connective(chars: &[char], at: usize, to: usize) -> usize {
    CONNECTIVES
        .iter()
        .map(|c| amount::starts_with_at(chars, at, c))
        .find(|&n| n > 0 && at + n < to)
        .map_or(at, |n| at + n)
}

/// A CJK unified ideograph (basic block).
fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn round3(x: f32) -> f32 {
    (x.clamp(0.0, 1.0) * 1000.0).round() / 1000.0
}

/// Total weight with each term counted at most MAX_REPEATS times.
fn capped_total(hs: &[&Hit]) -> f32 {
    let mut per: BTreeMap<u32, (usize, f32)> = BTreeMap::new();
    for h in hs {
        let e = per.entry(h.pat).or_insert((0, h.weight));
        e.0 += 1;
    }
    per.values().map(|(n, w)| (*n).min(MAX_REPEATS) as f32 * w).sum()
}

/// Share of the total times a saturating strength: one strong cue ≈ 0.6, several ≈ 0.9.
fn confidence(best: f32, all: f32) -> f32 {
    if all <= 0.0 {
        return 0.0;
    }
    round3(best / all * (1.0 - (-best / 3.0).exp()))
}

fn text_of(chars: &[char], s: usize, e: usize) -> String {
    chars[s..e].iter().collect()
}

/// A term quoted in an evidence note exactly as `{:?}` quotes a `str`, without the per-character
/// printability lookups of `Debug` for the characters that need no escape (ASCII, common CJK
/// text and punctuation): notes are written for every finding, so this is on the hot path.
struct Quoted(String);

impl std::fmt::Debug for Quoted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plain = |c: char| {
            (c.is_ascii_graphic() && c != '"' && c != '\\')
                || c == ' '
                || matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{FF01}'..='\u{FF5E}')
                || matches!(c, '\u{3001}'..='\u{3011}' | '\u{2018}'..='\u{201D}' | '…' | '·')
        };
        if self.0.chars().all(plain) { write!(f, "\"{}\"", self.0) } else { write!(f, "{:?}", self.0) }
    }
}

/// [`text_of`], for a note ([`Quoted`]).
fn quoted(chars: &[char], s: usize, e: usize) -> Quoted {
    Quoted(text_of(chars, s, e))
}

/// One evidence item per distinct term, in order of first occurrence.
fn term_evidence(rule: &str, hs: &[&Hit], chars: &[char]) -> Vec<Evidence> {
    let mut by_term: Vec<(u32, Vec<Span>, f32, String)> = Vec::new();
    for h in hs {
        match by_term.iter_mut().find(|t| t.0 == h.pat) {
            Some(t) => {
                if t.1.len() < MAX_SPANS {
                    t.1.push(h.span());
                }
            }
            None => by_term.push((h.pat, vec![h.span()], h.weight, text_of(chars, h.start, h.end))),
        }
    }
    by_term.sort_by_key(|t| t.1[0]);
    by_term
        .into_iter()
        .map(|(_, spans, w, term)| Evidence {
            rule: rule.to_string(),
            note: format!("cue {:?} weight {w} ×{}", Quoted(term), spans.len()),
            spans,
        })
        .collect()
}

fn detect_lang(chars: &[char]) -> Lang {
    let mut cjk = 0usize;
    let mut latin = 0usize;
    for &c in chars {
        if c.is_ascii_alphabetic() {
            latin += 1;
        } else if matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF) {
            cjk += 1;
        }
    }
    // A CJK character carries about as much as a short English word.
    if latin > 0 && cjk * 4 < latin { Lang::En } else { Lang::Zh }
}

/// Whether an English rate follows an amount ending at `end`: "$200 a day", "$45 per month",
/// "$12 each".
fn is_rate_after(chars: &[char], end: usize) -> bool {
    let words: Vec<String> = chars[end..chars.len().min(end + 12)]
        .split(|c| !is_word_char(*c))
        .filter(|w| !w.is_empty())
        .take(2)
        .map(|w| w.iter().map(|c| c.to_ascii_lowercase()).collect())
        .collect();
    let unit = |w: &str| matches!(w, "day" | "week" | "month" | "year" | "hour" | "night");
    match words.as_slice() {
        [a, b, ..] if matches!(a.as_str(), "a" | "an" | "per" | "every" | "each") && unit(b) => true,
        [a, ..] => matches!(a.as_str(), "each" | "apiece" | "daily" | "monthly" | "weekly" | "nightly"),
        [] => false,
    }
}

/// Whether an English text states its sums in pounds only (£, GBP, pounds, quid; no $, USD or
/// dollars): its bare sums ("the missing 1.2k") are pounds too.
fn pounds_only(chars: &[char]) -> bool {
    let mut pounds = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '$' {
            return false;
        }
        pounds |= c == '£';
        if c.is_ascii_alphabetic() && (i == 0 || !chars[i - 1].is_ascii_alphabetic()) {
            let w = word_at(chars, i);
            if word_is_one_of(w, &["usd", "dollar", "dollars", "bucks"]) {
                return false;
            }
            pounds |= word_is_one_of(w, &["gbp", "pound", "pounds", "quid"]);
            i += w.len().max(1);
        } else {
            i += 1;
        }
    }
    pounds
}

/// The ASCII word starting at `at` (empty when none does).
fn word_at(chars: &[char], at: usize) -> &[char] {
    let end = (at..chars.len()).find(|&i| !is_word_char(chars[i])).unwrap_or(chars.len());
    &chars[at..end]
}

/// Whether the ASCII word starting at `at` is `word` (lower-case), ignoring case.
fn word_at_is(chars: &[char], at: usize, word: &str) -> bool {
    word_is_one_of(word_at(chars, at), &[word])
}

/// Whether the ASCII word `w` is one of `words` (lower-case), ignoring case.
fn word_is_one_of(w: &[char], words: &[&str]) -> bool {
    words.iter().any(|p| w.iter().map(|c| c.to_ascii_lowercase()).eq(p.chars()))
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '\''
}

/// A '.' or ',' between digits (3.5万, 35,000) is part of a number, not punctuation.
fn in_number(chars: &[char], i: usize) -> bool {
    matches!(chars[i], '.' | ',')
        && i > 0
        && chars[i - 1].is_ascii_digit()
        && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())
}

/// Clause boundaries: negation and degree windows stop here.
fn is_clause_punct(chars: &[char], i: usize) -> bool {
    (matches!(chars[i], ',' | '.' | '!' | '?' | ';' | ':' | '\n' | '\r' | '。' | '、' | '…' | '“' | '”' | '"' | '—')
        && !in_number(chars, i))
        // A dash between spaces: "I'm not going to do that - I'm going to the ombudsman".
        || (matches!(chars[i], '-' | '–') && i > 0 && chars[i - 1] == ' ' && chars.get(i + 1) == Some(&' '))
        // A space between Chinese characters is a pause in an unpunctuated transcript.
        || (chars[i] == ' ' && i > 0 && is_cjk(chars[i - 1]) && chars.get(i + 1).is_some_and(|c| is_cjk(*c)))
}

/// Quotation marks (straight and curly, which fold to the same forms as in `is_clause_punct`).
fn is_quote_mark(c: char) -> bool {
    matches!(c, '“' | '”' | '"')
}

/// Sentence boundaries: demand frames and threat actions are searched within a sentence.
fn is_sentence_end(chars: &[char], i: usize) -> bool {
    matches!(chars[i], '.' | '!' | '?' | ';' | '\n' | '\r' | '。') && !in_number(chars, i)
}

/// The built-in lexicon files, named, in merge order.
fn builtin_lexicon_files() -> Vec<(String, &'static str)> {
    lexicon::BUILTIN_FILES.iter().map(|(n, t)| ((*n).to_string(), *t)).collect()
}

/// The sentences of a text ([`is_sentence_end`] closes one), whitespace-only ones skipped.
fn sentence_spans(chars: &[char]) -> Vec<Span> {
    spans_between(chars, is_sentence_end)
}

/// The non-blank stretches of `chars` between stops (each ends at and includes its stop).
fn spans_between(chars: &[char], stop: Stop) -> Vec<Span> {
    let mut out = Vec::new();
    let (mut start, mut blank) = (0, true);
    for i in 0..chars.len() {
        // Leading whitespace is not part of a sentence.
        if blank && chars[i].is_whitespace() {
            start = i + 1;
            continue;
        }
        blank = false;
        if stop(chars, i) || i + 1 == chars.len() {
            if chars[start..=i].iter().any(|c| c.is_alphanumeric()) {
                out.push(Span::new(start, i + 1));
            }
            (start, blank) = (i + 1, true);
        }
    }
    out
}

/// Start of a window of `units` units (a CJK character or an English word) ending at `pos`.
fn window_start(chars: &[char], pos: usize, units: usize, stop: Stop) -> usize {
    let mut i = pos;
    let mut n = 0;
    while i > 0 && n < units {
        let c = chars[i - 1];
        if stop(chars, i - 1) {
            break;
        }
        if c.is_whitespace() {
            i -= 1;
            continue;
        }
        if is_word_char(c) {
            while i > 0 && is_word_char(chars[i - 1]) {
                i -= 1;
            }
        } else {
            i -= 1;
        }
        n += 1;
    }
    // Do not include leading spaces.
    i
}

/// An ASCII word or number counts as this many characters in the amount-to-demand distance: an
/// English word says about as much as two Chinese characters (chosen on train: 1, 2, 3 and 4
/// compared; counted in characters, "refund the surrender charge of USD 4,870.40" was too far).
const WORD_UNITS: usize = 2;

/// The `[amount_noun]` weight of a charge word (fee, charge, penalty, cost): any charge word
/// names the sum another one was stated with.
const CHARGE_NOUN: f32 = 1.5;

/// The `[amount_noun]` weight of a benefit word (death benefit, life policy, face amount): any
/// benefit word names the sum another one was stated with ("pay the death benefit" after "a
/// $25,000 life policy").
const BENEFIT_NOUN: f32 = 1.25;

/// Words between a money noun and the sum it is stated with: "a fee of £640", "the duplicate
/// payment was $1,980", "the rental costs, totalling $1,176".
const APPOSITION_WORDS: &[&str] =
    &["of", "was", "is", "were", "are", "totalling", "totaling", "came", "to", "amounting"];
/// Character gap beyond which an amount is not even measured in units against a demand cue.
const MAX_WORD_CHARS: usize = 12;

/// Distance units in `chars[lo..hi]`: an ASCII word or number counts `WORD_UNITS`, any other
/// character one each, whitespace none. Counting stops past `limit` (returns `limit + 1`), so a
/// far pair costs no more than a near one.
fn units_between(chars: &[char], lo: usize, hi: usize, limit: usize) -> usize {
    let mut n = 0;
    let mut i = lo;
    while i < hi && n <= limit {
        let c = chars[i];
        if is_word_char(c) {
            while i < hi && is_word_char(chars[i]) {
                i += 1;
            }
            n += WORD_UNITS;
        } else {
            n += usize::from(!c.is_whitespace());
            i += 1;
        }
    }
    n.min(limit + 1)
}

/// End of a window of `units` units starting at `pos`.
fn window_end(chars: &[char], pos: usize, units: usize, stop: Stop) -> usize {
    let mut i = pos;
    let mut n = 0;
    while i < chars.len() && n < units {
        let c = chars[i];
        if stop(chars, i) {
            break;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if is_word_char(c) {
            while i < chars.len() && is_word_char(chars[i]) {
                i += 1;
            }
        } else {
            i += 1;
        }
        n += 1;
    }
    i
}

/// Words that may follow a demonstrative pronoun object ("pay me that now"), where a
/// determiner would be followed by its noun ("pay that bill").
const PRONOUN_OBJECT_TAIL: &[&str] = &[
    "and",
    "to",
    "back",
    "now",
    "today",
    "immediately",
    "in",
    "please",
    "within",
    "by",
    "as",
    "so",
    "too",
    "asap",
    "right",
    "amount",
    "sum",
    "money",
];

/// Auxiliaries between "I" / "we" and a demand verb that make it the complainant's own act ("so
/// I can pay", "how I am supposed to pay").
const OWN_ACT_AUX: &[&str] =
    &["can", "could", "am", "are", "supposed", "to", "will", "would", "have", "had", "need", "must", "should", "also"];

/// English determiners before a money noun that make it a definite object: "those late fees".
const DETERMINERS: &[&str] = &["the", "that", "those", "these", "this", "all", "both", "every", "my", "our"];

/// Words before an English sum that make it an estimate: "over £180 in charges".
const APPROX_WORDS: &[&str] =
    &["over", "about", "around", "nearly", "almost", "roughly", "approximately", "than", "some", "under", "upwards"];

/// Words that make the sums of an English sentence a rate or a count of items, not the sum of
/// the items a demand names: "a $29 late fee every month", "two further premiums of £38.60".
const RECURRENCE_WORDS: &[&str] = &[
    "every", "each", "monthly", "weekly", "yearly", "annual", "annually", "daily", "per", "twice", "both", "two",
    "three", "four", "five", "six", "seven", "eight", "nine", "ten", "several", "multiple",
];

/// Number words that count the items of a demand's object ("all three", "the two fees"), from two.
const NUMBER_WORDS: &[&str] = &["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

/// Item words (besides money nouns) a demand's object may count: "the interest from both
/// statements", "reverse all three transactions".
const LIST_NOUNS: &[&str] = &[
    "transactions",
    "debits",
    "drafts",
    "items",
    "amounts",
    "sums",
    "withdrawals",
    "statements",
    "purchases",
    "deductions",
    "of",
];

/// Words before an English sum that make it context, not an item of a list: "My credit limit is
/// $3,000 and my statement balance right now is $1,876.22".
const CONTEXT_SUM_WORDS: &[&str] = &["limit", "balance", "offered", "offer", "income", "salary"];

/// Words that may come before an English order without changing it ("Just pay the $340
/// already.", "so now refund it"); "" for none.
const SOFTENERS: [&str; 6] = ["", "just", "please", "so", "now", "then"];

/// Whether a demand of this kind asks for money the text may state: a refund, a claim payment,
/// compensation (not interest, an apology …).
fn asks_money(kind: DemandKind) -> bool {
    matches!(kind, DemandKind::FullRefund | DemandKind::ClaimPayment | DemandKind::Compensation)
}

/// Whether a demand cue asks for money ([`asks_money`]).
fn money_cue(cue: &Hit) -> bool {
    matches!(cue.group, Group::Demand(k) if asks_money(k))
}

/// The indices of the amounts (in text order, not overlapping) inside [lo, hi), by binary
/// search: the antecedent rules run this for every money demand without a sum.
fn indices_within(amounts: &[amount::AmountHit], lo: usize, hi: usize) -> std::ops::Range<usize> {
    let first = amounts.partition_point(|a| a.start < lo);
    let last = amounts.partition_point(|a| a.end <= hi).max(first);
    first..last
}

/// One sum for the amounts a demand takes together, spanning them all (they share a currency).
fn sum_of(listed: &[amount::AmountHit]) -> (Money, Span) {
    let minor = listed.iter().fold(0i64, |acc, a| acc.saturating_add(a.money.minor));
    let (first, last) = (listed[0], listed[listed.len() - 1]);
    (Money::new(minor, first.money.currency), Span::new(first.start, last.end))
}

/// Where the word that runs through `pos` ends (`pos` itself when no word char is there): the
/// noun "overdraft fee" inside "the overdraft fees" ends after the s.
fn word_end(ch: &[char], pos: usize) -> usize {
    (pos..ch.len()).find(|&i| !is_word_char(ch[i])).unwrap_or(ch.len())
}

/// The hits of `hits` (sorted by start) that start in [lo, hi).
fn starting_in<'b, 'a>(hits: &'b [&'a Hit], lo: usize, hi: usize) -> &'b [&'a Hit] {
    let a = hits.partition_point(|h| h.start < lo);
    let b = hits.partition_point(|h| h.start < hi);
    &hits[a..b.max(a)]
}

/// Hits sorted by end, for "is there a hit inside [lo, hi)" queries.
#[derive(Default)]
struct ByEnd<'a> {
    hits: Vec<&'a Hit>,
}

impl<'a> ByEnd<'a> {
    fn new(mut hits: Vec<&'a Hit>) -> Self {
        hits.sort_by_key(|h| (h.end, h.start));
        ByEnd { hits }
    }
    fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }
    /// Hits lying entirely inside [lo, hi), the latest first.
    fn inside(&self, lo: usize, hi: usize) -> impl Iterator<Item = &'a Hit> + '_ {
        let upto = self.hits.partition_point(|h| h.end <= hi);
        self.hits[..upto].iter().rev().take_while(move |h| h.end > lo).filter(move |h| h.start >= lo).copied()
    }
}

/// The hits of one text, split by purpose, with the window helpers the rules share.
/// The lines of a text: where each starts, and its speaker label if it opens with one
/// ([`Ctx::other_speakers_line`]).
struct Lines {
    starts: Vec<usize>,
    /// Per line: (label start, colon, lower-cased label).
    labels: Vec<Option<(usize, usize, String)>>,
    distinct_labels: usize,
}

impl Lines {
    fn new(ch: &[char]) -> Lines {
        let starts: Vec<usize> =
            std::iter::once(0).chain((1..ch.len()).filter(|&i| matches!(ch[i - 1], '\n' | '\r'))).collect();
        let labels: Vec<Option<(usize, usize, String)>> = starts
            .iter()
            .map(|&line| {
                // After a leading time stamp: "[10:48] Agent Kyle: …".
                let from = if ch.get(line) == Some(&'[') {
                    (line..ch.len().min(line + 25)).find(|&i| ch[i] == ']').map_or(line, |i| i + 1)
                } else {
                    line
                };
                let colon = (from..ch.len().min(from + 30)).find(|&i| {
                    matches!(ch[i], ':' | '：')
                        && !(i > 0 && ch[i - 1].is_ascii_digit() && ch.get(i + 1).is_some_and(char::is_ascii_digit))
                })?;
                let label = text_of(ch, from, colon).trim().to_lowercase();
                ((from..colon).all(|i| !is_sentence_end(ch, i)) && !label.is_empty()).then_some((from, colon, label))
            })
            .collect();
        let distinct: std::collections::BTreeSet<&str> = labels.iter().flatten().map(|l| l.2.as_str()).collect();
        let distinct_labels = distinct.len();
        Lines { starts, labels, distinct_labels }
    }
}

struct Ctx<'a> {
    lines: std::cell::OnceCell<Lines>,
    chars: &'a [char],
    settings: &'a Settings,
    cat: Vec<&'a Hit>,
    sub: Vec<&'a Hit>,
    emotion: Vec<&'a Hit>,
    degree: ByEnd<'a>,
    negation: ByEnd<'a>,
    barrier: ByEnd<'a>,
    conditional: ByEnd<'a>,
    rhetorical: Vec<&'a Hit>,
    insult: Vec<&'a Hit>,
    threat: Vec<&'a Hit>,
    threat_mask: Vec<&'a Hit>,
    third_party: Vec<&'a Hit>,
    joined: Vec<&'a Hit>,
    channel: ByEnd<'a>,
    declined: ByEnd<'a>,
    past: ByEnd<'a>,
    future: ByEnd<'a>,
    object_self: ByEnd<'a>,
    /// Terms that make the complainant the receiver of someone else's escalation
    /// (`[threat_received]`: 给我发, 收到, 不还就).
    received: ByEnd<'a>,
    quote_verb: ByEnd<'a>,
    fact: ByEnd<'a>,
    amount_fact: ByEnd<'a>,
    /// Positions of straight double quotes (a straight quote opens when an even number precede it).
    straight_quotes: Vec<usize>,
    speaker_self: Vec<&'a Hit>,
    speaker_other: Vec<&'a Hit>,
    together: Vec<&'a Hit>,
    people: Vec<&'a Hit>,
    escalation: Vec<&'a Hit>,
    ideation: Vec<&'a Hit>,
    harm_act: Vec<&'a Hit>,
    retraction: ByEnd<'a>,
    action: ByEnd<'a>,
    demand: Vec<&'a Hit>,
    frame: ByEnd<'a>,
    /// 把 / 将 before an amount: "把那二十万赔给我" (`[amount_object]`).
    amount_object: ByEnd<'a>,
    /// "Reprocess", "Give" opening an English imperative sentence (`[imperative_verb]`).
    imperative_verb: Vec<&'a Hit>,
    /// 短信, 律师函, 通知 before a quotation: a message the complainant received (`[quote_source]`).
    quote_source: ByEnd<'a>,
    /// "I am asking for", "I want" before a bare amount (`[bare_amount_frame]`).
    bare_frame: ByEnd<'a>,
    /// "a total of", 共计 right before an amount (`[amount_total]`).
    amount_total: ByEnd<'a>,
    /// 上述, 这笔 near a demand cue (`[amount_anaphor]`).
    amount_anaphor: ByEnd<'a>,
    /// English money nouns (fees, charges, bill, the total) a demand's object may name to point
    /// back to a sum stated sentences before (`[amount_noun]`).
    amount_noun: ByEnd<'a>,
    marker: BTreeMap<MarkerCue, Vec<&'a Hit>>,
    vuln: Vec<&'a Hit>,
}

impl<'a> Ctx<'a> {
    fn new(chars: &'a [char], hits: &'a [Hit], settings: &'a Settings) -> Self {
        let mut c = Ctx {
            lines: std::cell::OnceCell::new(),
            chars,
            settings,
            cat: vec![],
            sub: vec![],
            emotion: vec![],
            degree: ByEnd::default(),
            negation: ByEnd::default(),
            barrier: ByEnd::default(),
            conditional: ByEnd::default(),
            rhetorical: vec![],
            insult: vec![],
            threat: vec![],
            threat_mask: vec![],
            third_party: vec![],
            joined: vec![],
            channel: ByEnd::default(),
            declined: ByEnd::default(),
            past: ByEnd::default(),
            future: ByEnd::default(),
            object_self: ByEnd::default(),
            received: ByEnd::default(),
            quote_verb: ByEnd::default(),
            fact: ByEnd::default(),
            amount_fact: ByEnd::default(),
            straight_quotes: chars.iter().enumerate().filter(|(_, c)| **c == '"').map(|(i, _)| i).collect(),
            speaker_self: vec![],
            speaker_other: vec![],
            together: vec![],
            people: vec![],
            escalation: vec![],
            ideation: vec![],
            harm_act: vec![],
            retraction: ByEnd::default(),
            action: ByEnd::default(),
            demand: vec![],
            frame: ByEnd::default(),
            amount_object: ByEnd::default(),
            imperative_verb: vec![],
            quote_source: ByEnd::default(),
            bare_frame: ByEnd::default(),
            amount_total: ByEnd::default(),
            amount_anaphor: ByEnd::default(),
            amount_noun: ByEnd::default(),
            marker: BTreeMap::new(),
            vuln: vec![],
        };
        let (mut degree, mut negation, mut exempt, mut barrier, mut conditional, mut action, mut frame) =
            (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        let mut retraction = vec![];
        let mut amount_object = vec![];
        let mut bare_frame = vec![];
        let mut amount_total = vec![];
        let mut amount_anaphor = vec![];
        let mut amount_noun = vec![];
        let mut amount_fact = vec![];
        let mut quote_source = vec![];
        let mut received = vec![];
        let (mut channel, mut declined, mut past, mut future, mut object_self, mut quote_verb, mut fact) =
            (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        for h in hits {
            match h.group {
                Group::Category(_) => c.cat.push(h),
                Group::Sub(_, _) => c.sub.push(h),
                Group::Emotion(_) => c.emotion.push(h),
                Group::Degree => degree.push(h),
                Group::Negation => negation.push(h),
                Group::NegationExempt => exempt.push(h),
                Group::Barrier => barrier.push(h),
                Group::Conditional => conditional.push(h),
                Group::Rhetorical => c.rhetorical.push(h),
                Group::Insult => c.insult.push(h),
                Group::Threat(_) => c.threat.push(h),
                Group::ThreatAction => action.push(h),
                Group::ThreatMask => c.threat_mask.push(h),
                Group::ThreatThirdParty => c.third_party.push(h),
                Group::ThreatJoined => c.joined.push(h),
                Group::ThreatChannel => channel.push(h),
                Group::ThreatDeclined => declined.push(h),
                Group::ThreatPast => past.push(h),
                Group::ThreatFuture => future.push(h),
                Group::ThreatObjectSelf => object_self.push(h),
                Group::ThreatReceived => received.push(h),
                Group::QuoteVerb => quote_verb.push(h),
                Group::DemandFact => fact.push(h),
                Group::AmountFact => amount_fact.push(h),
                Group::SpeakerSelf => c.speaker_self.push(h),
                Group::SpeakerOther => c.speaker_other.push(h),
                Group::Together => c.together.push(h),
                Group::People => c.people.push(h),
                Group::Escalation => c.escalation.push(h),
                Group::ThreatRetraction => retraction.push(h),
                Group::Demand(_) => c.demand.push(h),
                Group::DemandFrame => frame.push(h),
                Group::AmountObject => amount_object.push(h),
                Group::ImperativeVerb => c.imperative_verb.push(h),
                Group::QuoteSource => quote_source.push(h),
                Group::BareAmountFrame => bare_frame.push(h),
                Group::AmountTotal => amount_total.push(h),
                Group::AmountAnaphor => amount_anaphor.push(h),
                Group::AmountNoun => amount_noun.push(h),
                Group::SelfHarmIdeation => c.ideation.push(h),
                Group::SelfHarmAct => c.harm_act.push(h),
                Group::Marker(m) => c.marker.entry(m).or_default().push(h),
                Group::Vuln(_) => c.vuln.push(h),
            }
        }
        // A negation inside an exempt word (不得不, 不断 …) does not negate.
        negation.retain(|n: &&Hit| !exempt.iter().any(|x: &&Hit| x.start <= n.start && n.end <= x.end));
        c.degree = ByEnd::new(degree);
        c.negation = ByEnd::new(negation);
        c.barrier = ByEnd::new(barrier);
        c.conditional = ByEnd::new(conditional);
        c.action = ByEnd::new(action);
        // Weight below 0.1 in the retractions marks a mask: 不怕麻烦 hides 怕麻烦.
        retraction.retain(|h: &&Hit| h.weight >= 0.1);
        c.retraction = ByEnd::new(retraction);
        // Weight below 0.5 in these lists marks a mask: a longer word that hides a marker
        // inside it (申请 hides the frame 请, 协会 the future marker 会) and means nothing itself.
        frame.retain(|h: &&Hit| h.weight >= 0.5);
        future.retain(|h: &&Hit| h.weight >= 0.5);
        c.channel = ByEnd::new(channel);
        c.declined = ByEnd::new(declined);
        c.past = ByEnd::new(past);
        c.future = ByEnd::new(future);
        c.object_self = ByEnd::new(object_self);
        // Weight below 0.1 marks a longer word that hides a term (要求我的 hides 要求我).
        received.retain(|h: &&Hit| h.weight >= 0.1);
        c.received = ByEnd::new(received);
        // Weight below 0.1 marks a word that hides a speech verb (说法, 知道, 道歉).
        quote_verb.retain(|h: &&Hit| h.weight >= 0.1);
        c.quote_verb = ByEnd::new(quote_verb);
        c.quote_source = ByEnd::new(quote_source);
        c.fact = ByEnd::new(fact);
        c.amount_fact = ByEnd::new(amount_fact);
        c.frame = ByEnd::new(frame);
        c.amount_object = ByEnd::new(amount_object);
        c.bare_frame = ByEnd::new(bare_frame);
        c.amount_total = ByEnd::new(amount_total);
        c.amount_anaphor = ByEnd::new(amount_anaphor);
        c.amount_noun = ByEnd::new(amount_noun);
        for v in [&mut c.cat, &mut c.sub, &mut c.emotion, &mut c.threat, &mut c.demand, &mut c.vuln, &mut c.harm_act] {
            v.sort_by_key(|h| (h.start, h.end, h.group));
        }
        c
    }

    /// Where the first word of the sentence starting at `sentence` begins, before `end`, past
    /// a speaker label ("Customer:") and [`SOFTENERS`] (a number, such as a list's "2.", is
    /// skipped too).
    fn opening_word(&self, sentence: usize, end: usize) -> Option<usize> {
        let ch = self.chars;
        let mut i = sentence;
        let mut labelled = false;
        loop {
            let start = (i..end).find(|&j| ch[j].is_alphanumeric())?;
            let mut e = start;
            while e < end && ch[e].is_ascii_alphabetic() {
                e += 1;
            }
            let word = text_of(ch, start, e).to_ascii_lowercase();
            if !labelled && ch.get(e) == Some(&':') {
                labelled = true;
            } else if !SOFTENERS.contains(&word.as_str()) {
                return Some(start);
            }
            i = e + 1;
        }
    }

    /// The `[imperative_verb]` hit that opens the sentence starting at `sentence` (its first word
    /// before `end`, past softeners and a speaker label): "Reprocess …", "Please settle …".
    fn opening_imperative(&self, sentence: usize, end: usize) -> Option<&'a Hit> {
        let f = self.opening_word(sentence, end)?;
        starting_in(&self.imperative_verb, f, f + 1).first().copied()
    }

    /// The negation that cancels a cue starting at `pos`, if any: within `units` units
    /// before it, in the same clause, and not before a barrier word (就, 否则, then …).
    fn negation_before(&self, pos: usize, units: usize) -> Option<&'a Hit> {
        let mut lo = window_start(self.chars, pos, units, is_clause_punct);
        if let Some(b) = self.barrier.inside(lo, pos).next() {
            lo = lo.max(b.end);
        }
        self.negation.inside(lo, pos).next()
    }

    /// Whether a conditional word (if, 如果) stands before the negation `n` within 30 units, not
    /// past `stop`, or one that holds it (月底前不, 再没结果): the negation belongs to the
    /// condition ("if I dont hear back …", 这个月底前不处理我会打12378).
    fn negation_in_condition(&self, n: &Hit, stop: Stop) -> bool {
        let lo = window_start(self.chars, n.start, 30, stop);
        self.conditional.inside(lo, n.end + 8).any(|c| c.start < n.start && (c.end <= n.start || c.end >= n.end))
    }

    /// Whether `pos` lies inside a quotation (“…”, 「…」, "…") of someone else's words.
    fn in_reported_quote(&self, pos: usize) -> bool {
        match self.quote_open(pos) {
            Some(open) => self.quote_is_other(open, 0),
            None => false,
        }
    }

    /// The opening quote of the quotation that contains `pos` (looked for within 60 chars
    /// before it). A straight quote opens when an even number of straight quotes precede it.
    fn quote_open(&self, pos: usize) -> Option<usize> {
        let ch = self.chars;
        let lo = pos.saturating_sub(60);
        let q = (lo..pos).rev().find(|&i| matches!(ch[i], '“' | '”' | '「' | '」' | '『' | '』' | '"'))?;
        match ch[q] {
            '“' | '「' | '『' => Some(q),
            '"' => self.straight_quotes.partition_point(|&i| i < q).is_multiple_of(2).then_some(q),
            _ => None,
        }
    }

    /// Whether the quotation opening at `open` is someone else's words. Chinese: it opens right
    /// after a `[quote_verb]` (说, 称, 一句 …, optionally with ：) or later in the verb's clause
    /// (称其“…”, 说再不还就“…”); a quotation right after
    /// another one (催收称“再不还就上门”“要去法院起诉你”) has the same speaker. English: the
    /// last `[quote_verb]` of the sentence before it (said, told, would …) is not preceded by
    /// a `[speaker_self]` word (I, we).
    fn quote_is_other(&self, open: usize, depth: usize) -> bool {
        let ch = self.chars;
        let mut k = open;
        while k > 0 && matches!(ch[k - 1], ':' | '：' | ' ' | ',') {
            k -= 1;
        }
        if k == 0 {
            return false;
        }
        if depth < 3 && matches!(ch[k - 1], '”' | '」' | '』' | '"') {
            let close = k - 1;
            let prev = (close.saturating_sub(200)..close).rev().find(|&i| matches!(ch[i], '“' | '「' | '『' | '"'));
            if let Some(p) = prev {
                return self.quote_is_other(p, depth + 1);
            }
        }
        if ch[k - 1].is_ascii_alphanumeric() {
            let sentence = window_start(ch, open, 60, is_sentence_end);
            // The last speech verb (said, told); a modal (would, could: weight below 1) only when
            // the sentence has none: the agent told me I could "take it to the ombudsman".
            let speech = self.quote_verb.inside(sentence, open).filter(|v| v.weight >= 1.0).max_by_key(|v| v.start);
            let Some(verb) = speech.or_else(|| self.quote_verb.inside(sentence, open).max_by_key(|v| v.start)) else {
                return false;
            };
            let mut w = verb.start;
            while w > sentence && ch[w - 1].is_whitespace() {
                w -= 1;
            }
            if starting_in(&self.speaker_self, sentence.max(w.saturating_sub(24)), w).iter().any(|s| s.end == w) {
                return false;
            }
            // "Caller stated that … he will "take this to the newspaper"": a pronoun before
            // the verb refers to the sentence's subject.
            let word_start = (0..w).rev().take_while(|&i| ch[i].is_ascii_alphabetic()).last().unwrap_or(w);
            let word: String = ch[word_start..w].iter().map(|c| c.to_ascii_lowercase()).collect();
            // The first word of a sentence (which may start with the closing quotation mark of
            // the one before).
            let opening =
                |from: usize, to: usize| (from..to).find(|&i| !ch[i].is_whitespace() && !is_quote_mark(ch[i]));
            let first = opening(sentence, w);
            // Someone else named between the sentence's start and the verb: "I called the agent
            // and he said "…"".
            let other_named = |f: usize| {
                !starting_in(&self.speaker_other, f, w).is_empty() || !starting_in(&self.third_party, f, w).is_empty()
            };
            if matches!(word.as_str(), "he" | "she" | "they") {
                if first.is_some_and(|f| f < word_start && other_named(f)) {
                    return true;
                }
                // A pronoun that opens its sentence refers to the previous sentence's subject
                // ("Caller was crying… She stated: "…"").
                let subject = match first {
                    Some(f) if f == word_start && sentence > 0 => {
                        opening(window_start(ch, sentence - 1, 200, is_sentence_end), sentence)
                    }
                    f => f,
                };
                return subject.is_none_or(|f| starting_in(&self.speaker_self, f, f + 1).is_empty());
            }
            // "Customer was crying … and at one point said "…"": the sentence's subject speaks
            // when no one else is named before the verb.
            if let Some(f) = first
                && !starting_in(&self.speaker_self, f, f + 1).is_empty()
                && !other_named(f)
            {
                return false;
            }
            return true;
        }
        // A message or document quoted within 20 units before the quotation, in its sentence
        // (收到短信：“…”, 寄送律师函，称“…”, 短信一条比一条吓人：“…”): someone else's words, unless
        // the complainant sent it: the source's clause has 我 (not 给我 / 向我) and 发 / 写 / 回
        // before it, and no 收到 / 接到 (我昨天给经理发短信：“…”; not 还给我发短信, 我收到短信).
        let near = window_start(ch, k, 20, is_sentence_end);
        if let Some(src) = self.quote_source.inside(near, k).next() {
            let clause = window_start(ch, src.start, 20, is_clause_punct);
            let has = |a: char, b: char| (clause..src.start).any(|i| ch[i] == a && ch.get(i + 1) == Some(&b));
            let me = (clause..src.start).any(|i| ch[i] == '我' && (i == 0 || !matches!(ch[i - 1], '给' | '向')));
            let verb = (clause..src.start).any(|i| matches!(ch[i], '发' | '写' | '回'));
            let sent = me && verb && !has('收', '到') && !has('接', '到');
            if !sent {
                return true;
            }
        }
        // The verb right before the quotation (说“…”), or the last one earlier in its clause
        // (称其“…”, 说再不还就“起诉你…”).
        let adjacent = self.quote_verb.inside(k.saturating_sub(8), k).filter(|v| v.end == k).map(|v| v.start).min();
        let earlier = || self.quote_verb.inside(window_start(ch, k, 12, is_clause_punct), k).map(|v| v.start).max();
        let Some(vs) = adjacent.or_else(earlier) else {
            return false;
        };
        // Whose words: the subject before 说/称 (`[speaker_self]`: 我, 来电人, 客户 …), or for a
        // bare "并称" / "还说" the nearest clause of the sentence that starts with a speaker
        // (`[speaker_self]` or `[speaker_other]`: 对方, 业务员, 客服 …). "我说“…”", "来电人称“…”",
        // "客户表示…，并称“…”" quote the complainant, whose threats count; "业务员说“…”",
        // "对方根本不听，还说“…”" quote someone else. No speaker found: someone else.
        // The speaker at the start of ch[from..to]: Some(true) the complainant, Some(false)
        // someone else (the longer term wins: 客户经理 is staff, 客户 the complainant).
        let speaker = |from: usize, to: usize| -> Option<bool> {
            let first = (from..to)
                .find(|&i| !ch[i].is_whitespace() && !matches!(ch[i], '并' | '还' | '又' | '也' | '就' | '再'))?;
            let first = after_connective(ch, first, to);
            // The earliest speaker starting within the clause's first 4 characters (通话中来电人…);
            // at the same start the longer term wins.
            let at = |hits: &[&Hit]| {
                starting_in(hits, first, first + 4)
                    .iter()
                    .filter(|h| h.end <= to)
                    .map(|h| (h.start, std::cmp::Reverse(h.end)))
                    .min()
            };
            match (at(&self.speaker_self), at(&self.speaker_other)) {
                (Some(a), Some(b)) => Some(a < b),
                (Some(_), None) => Some(true),
                (None, Some(_)) => Some(false),
                (None, None) => None,
            }
        };
        let clause = window_start(ch, vs, 40, is_clause_punct);
        let bare =
            (clause..vs).all(|i| ch[i].is_whitespace() || matches!(ch[i], '并' | '还' | '又' | '也' | '就' | '再'));
        if !bare {
            // 来电人…，明确表示“…” / 哭称“…”: no speaker at the clause start, so look back
            // through the sentence as for a bare 并称.
            if let Some(own) = speaker(clause, vs) {
                return !own;
            }
        }
        let sentence = window_start(ch, vs, 200, is_sentence_end);
        let mut end = vs;
        while end > sentence {
            let start = window_start(ch, end, 40, is_clause_punct);
            if let Some(own) = speaker(start, end) {
                return !own;
            }
            if start <= sentence {
                break;
            }
            end = start - 1;
            // Skip an earlier quotation: its words ("我们会follow up") are not a speaker.
            if matches!(ch[end], '”' | '」' | '』')
                && let Some(open) = (sentence..end).rev().find(|&i| matches!(ch[i], '“' | '「' | '『'))
            {
                end = open;
            }
        }
        true
    }

    /// The clause of a threat cue starts with someone other than the complainant (a
    /// `[threat_third_party]` term at the clause start, after an optional 我/俺/我的), and the
    /// complainant does not join in (no `[threat_joined]` term before the cue: 我们, 我和, and I).
    fn third_party_clause(&self, pos: usize) -> bool {
        let ch = self.chars;
        let start = window_start(ch, pos, 25, is_clause_punct);
        let mut i = start;
        while i < pos && ch[i].is_whitespace() {
            i += 1;
        }
        if i < pos && matches!(ch[i], '我' | '俺') && !matches!(ch.get(i + 1), Some('们' | '和' | '也' | '跟')) {
            i += 1;
            if ch.get(i) == Some(&'的') {
                i += 1;
            }
        }
        // A note's "来电人称其子女…" / "投诉人表示…" / "Caller mentioned her son…": skip the
        // complainant, the report verb and 其.
        let skip_space = |mut k: usize| {
            while k < pos && ch[k].is_whitespace() {
                k += 1;
            }
            k
        };
        if let Some(sp) =
            starting_in(&self.speaker_self, i, i + 1).iter().filter(|h| h.end < pos).map(|h| skip_space(h.end)).max()
            && let Some(v) = self.quote_verb.inside(sp, pos).filter(|v| v.start == sp).map(|v| v.end).max()
        {
            i = v;
            if ch.get(i) == Some(&'其') {
                i += 1;
            }
            i = skip_space(i);
            // "Caller mentioned that his son …"
            if ch.get(i..i + 5).is_some_and(|w| w.iter().map(|c| c.to_ascii_lowercase()).eq("that ".chars())) {
                i = skip_space(i + 5);
            }
        }
        // A condition may open the clause before the third party, after a bare speech verb or not:
        // (来电人情绪激动，)称若对方继续在朋友圈曝光.
        let verb_end = self.speech_verb_at(i, pos);
        for at in [Some(i), verb_end.map(skip_space)].into_iter().flatten() {
            if let Some(c) = self.conditional.inside(at, pos).find(|c| c.start == at && c.weight >= 1.0 && c.end < pos)
            {
                i = c.end;
                break;
            }
        }
        // The third party may follow a short modifier: 同行的朋友, 隔壁床的大哥, 网上有人, 群里有人,
        // 有亲戚, or a time word: 当时他还说.
        let modified = |t: &&&Hit| {
            t.start == i
                || (t.start <= i + MODIFIER_MAX
                    && (i..t.start).all(|k| is_cjk(ch[k]) && !matches!(ch[k], '我' | '俺'))
                    // 的 / 里 / 上 / 有 end a modifier; 时, 天, 来, 后, 周, 月, 前, 在 a time word
                    // (当时他还说, 昨天客服说, 后来业务员说, 现在他扬言); 那个, 这个, 一个, 有个 alone (那个柜员说,
                    // not 我就联合这几个邻居).
                    && (matches!(ch[t.start - 1], '的' | '里' | '上' | '有' | '时' | '天' | '来' | '后' | '周' | '月' | '前' | '在')
                        || ch[t.start] == '的'
                        || (t.start == i + 2 && ch[i + 1] == '个' && matches!(ch[i], '那' | '这' | '一' | '有'))))
        };
        let Some(who) =
            starting_in(&self.third_party, i, i + MODIFIER_MAX + 1).iter().find(|t| t.end <= pos && modified(t))
        else {
            return self.reported_without_quotes(start, pos) || self.reported_complement(pos);
        };
        !self.joins_in(who.end, pos)
    }

    /// English reported speech within one clause: a speech verb (`[quote_verb]`, weight ≥ 1)
    /// before the cue, followed within three words by "that" or "if", whose subject — the words
    /// from the clause start to the verb — is someone else ("The store owner's last email to me
    /// said that if I wanted my money I'd have to sue him", "On the phone the agent's supervisor
    /// said that we could always complain to the FCA"). Not when the subject holds a first-person
    /// word or a note's complainant (`[speaker_self]`: Caller, Insured; "me" as an object does not
    /// count), is a bare name (a note's "Jimenez stated that she …") or ends in a passive ("Please
    /// be advised that …"); a first person resuming after a conjunction ("… and I am going to sue
    /// them") makes the cue the complainant's again.
    fn reported_complement(&self, pos: usize) -> bool {
        const FIRST_PERSON: &[&str] =
            &["i", "we", "i'm", "i've", "i'd", "i'll", "we're", "we've", "we'd", "we'll", "im", "ive", "id"];
        let ch = self.chars;
        let clause = window_start(ch, pos, 40, is_clause_punct);
        let Some(verb) =
            self.quote_verb.inside(clause, pos).filter(|v| v.weight >= 1.0 && v.end < pos).max_by_key(|v| v.start)
        else {
            return false;
        };
        if !ch[verb.start].is_ascii_alphabetic() {
            return false;
        }
        // Starts of the words in [lo, hi).
        let words = |lo: usize, hi: usize| -> Vec<usize> {
            (lo..hi).filter(|&k| is_word_char(ch[k]) && (k == 0 || !is_word_char(ch[k - 1]))).collect()
        };
        // The verb's object may follow it ("told me", "informed us") before "that" / "if".
        let after = words(verb.end, pos);
        // …or the complement follows the object with no "that": 'the handler told me the
        // ombudsman "would side with us"' (the cue at most three words after the verb).
        let that_less = (2..=3).contains(&after.len()) && word_is_one_of(word_at(ch, after[0]), &["me", "us"]);
        if !that_less && !after.iter().take(3).any(|&w| word_at_is(ch, w, "that") || word_at_is(ch, w, "if")) {
            return false;
        }
        let subject = words(clause, verb.start);
        let is = |w: usize, list: &[&str]| word_is_one_of(word_at(ch, w), list);
        let own = subject.iter().any(|&w| is(w, FIRST_PERSON))
            || starting_in(&self.speaker_self, clause, verb.start).iter().any(|h| !word_at_is(ch, h.start, "me"));
        let named = subject.iter().all(|&w| ch[w].is_ascii_uppercase() || is(w, &["mr", "mrs", "ms", "dr"]));
        let passive = subject.last().is_some_and(|&w| is(w, &["be", "been", "being", "was", "were", "is", "are"]));
        if own || named || passive {
            return false;
        }
        !after.windows(2).any(|p| is(p[0], &["so", "but", "and", "therefore"]) && is(p[1], FIRST_PERSON))
    }

    /// The line holding `pos` is someone else's turn in a transcript: it opens with a speaker
    /// label (at most 30 characters before a colon, after an optional time stamp "[10:48]")
    /// naming staff (`[speaker_other]`: COLLECTOR:, Agent:, 客服：) and not the complainant
    /// (`[speaker_self]`: ME:, Caller:, 客户：), and another line has another label (a header
    /// alone is no transcript: 人民银行转办：…).
    fn other_speakers_line(&self, pos: usize) -> bool {
        let lines = self.lines();
        let i = lines.starts.partition_point(|&s| s <= pos).saturating_sub(1);
        let Some((from, colon)) = lines.labels[i].as_ref().map(|l| (l.0, l.1)).filter(|(_, c)| *c < pos) else {
            return false;
        };
        let label = |hits: &[&Hit]| starting_in(hits, from, colon).iter().any(|h| h.end <= colon);
        lines.distinct_labels >= 2 && label(&self.speaker_other) && !label(&self.speaker_self)
    }

    /// Line starts and speaker labels, worked out once per text (only texts with a threat cue
    /// need them).
    fn lines(&self) -> &Lines {
        self.lines.get_or_init(|| Lines::new(self.chars))
    }

    /// `pos` is in a form's question to the complainant: a sentence that starts with "have you",
    /// "did you" or "would you" and ends with a question mark ("Have you contacted a regulator
    /// or attorney about this issue? No", "Would you like to escalate this complaint to a
    /// regulator? [ ] Yes [x] No").
    fn form_question(&self, pos: usize) -> bool {
        let ch = self.chars;
        let start = window_start(ch, pos, 200, is_sentence_end);
        let end = window_end(ch, pos, 200, is_sentence_end);
        let first = (start..pos).find(|&i| !ch[i].is_whitespace()).unwrap_or(pos);
        let lead: String = ch[first..pos.min(first + 10)].iter().map(|c| c.to_ascii_lowercase()).collect();
        ch.get(end) == Some(&'?') && ["have you ", "did you ", "would you "].iter().any(|l| lead.starts_with(l))
    }

    /// `pos` is in a title: the text's first line, ended by a line break, of at most eight words,
    /// with no sentence end and no first-person word ("Complaint to the Financial Ombudsman
    /// Service").
    fn title_line(&self, pos: usize) -> bool {
        let ch = self.chars;
        let Some(end) = self.lines().starts.get(1).map(|s| s - 1) else {
            return false;
        };
        if pos >= end || end > 200 || (0..end).any(|i| is_sentence_end(ch, i)) || ch[..end].iter().any(|c| is_cjk(*c)) {
            return false;
        }
        let words: Vec<String> = ch[..end]
            .split(|c| !is_word_char(*c))
            .filter(|w| !w.is_empty())
            .map(|w| w.iter().map(|c| c.to_ascii_lowercase()).collect())
            .collect();
        words.len() <= 8 && !words.iter().any(|w| matches!(w.as_str(), "i" | "my" | "me" | "we" | "our" | "us"))
    }

    /// The complainant joins someone else's action: a `[threat_joined]` term between `from`
    /// and the cue at `pos` (我和女儿…, she said she can help me …), or one of weight 2 later
    /// in the cue's sentence (…，我也准备跟着去; not 我们, which as often refuses: 我们一家人都不想…).
    fn joins_in(&self, from: usize, pos: usize) -> bool {
        let end = window_end(self.chars, pos, 60, is_sentence_end);
        starting_in(&self.joined, from, end).iter().any(|j| j.end <= pos || (j.end <= end && j.weight >= 2.0))
    }

    /// The end of the longest speech verb (`[quote_verb]` of weight 1, not a modal) that starts at
    /// `k` and ends by `to`.
    fn speech_verb_at(&self, k: usize, to: usize) -> Option<usize> {
        self.quote_verb.inside(k, to).filter(|v| v.start == k && v.weight >= 1.0).map(|v| v.end).max()
    }

    /// Someone else's words without quotes: the cue's clause (starting at `clause`) has no
    /// subject of its own, and an earlier clause of the sentence starts with someone else and a
    /// speech verb ("银行说必须本人来，不然就要走法院宣告的程序"); a clause between that starts
    /// with the complainant (我, 来电人) makes the words theirs again.
    fn reported_without_quotes(&self, clause: usize, pos: usize) -> bool {
        let ch = self.chars;
        let first_of =
            |from: usize, to: usize| (from..to).find(|&i| !ch[i].is_whitespace()).map(|i| after_connective(ch, i, to));
        let starts = |hits: &[&Hit], at: usize| !starting_in(hits, at, at + 1).is_empty();
        let other = |at: usize| {
            starts(&self.third_party, at)
                || starts(&self.speaker_other, at)
                || (matches!(ch[at], '我' | '俺') && starts(&self.third_party, at + 1))
        };
        let own = |at: usize| !other(at) && (matches!(ch[at], '我' | '俺') || starts(&self.speaker_self, at));
        // Only real clauses count: in an unpunctuated transcript the windows cut mid-phrase.
        let real = |start: usize| start == 0 || is_clause_punct(ch, start - 1);
        if !real(clause) {
            return false;
        }
        // The starts of the first `n` English words of a clause from `at` (only `at` for Chinese):
        // its speaker may follow a short opener ("Since July a collector has called …") and its
        // speech verb a short adverb ("now says she's going to …").
        let word_starts = |at: usize, to: usize, n: usize| {
            let mut starts = vec![at];
            let mut k = at;
            while starts.len() < n && ch[k].is_ascii_alphabetic() {
                while k < to && is_word_char(ch[k]) {
                    k += 1;
                }
                if k + 1 >= to || ch[k] != ' ' || !ch[k + 1].is_ascii_alphabetic() {
                    break;
                }
                k += 1;
                starts.push(k);
            }
            starts
        };
        // An English word of the complainant's.
        let me = |at: usize| word_is_one_of(word_at(ch, at), &["i", "we", "my", "our", "i'm", "i've"]);
        // A Chinese clause opening with a speech verb, perhaps after one adverb (说…, 还说…, 并称…).
        let opens_with_verb = |at: usize, to: usize| {
            let verb_at = |k: usize| self.speech_verb_at(k, to).is_some();
            is_cjk(ch[at]) && (verb_at(at) || (SPEECH_ADVERBS.contains(&ch[at]) && at + 1 < to && verb_at(at + 1)))
        };
        // A speech verb opening the cue's clause (…，说我再不还钱就去法院起诉我; …，并称将起诉全部继承人;
        // "now says …") belongs to the speaker of the clause before.
        let mut verb_seen = match first_of(clause, pos) {
            Some(at) if own(at) || other(at) => return false,
            // An English complement clause ("… telling her she owes it - and that they will sue")
            // continues the words of the clause before.
            Some(at) => {
                opens_with_verb(at, pos)
                    || word_starts(at, pos, 2).into_iter().enumerate().any(|(k, w)| {
                        self.speech_verb_at(w, pos).is_some()
                            || (word_at_is(ch, w, "that") && (k == 0 || word_at_is(ch, at, "and")))
                    })
            }
            None => return false,
        };
        let sentence = window_start(ch, clause, 200, is_sentence_end);
        let mut end = clause;
        for _ in 0..3 {
            if end <= sentence {
                break;
            }
            end -= 1;
            let start = window_start(ch, end, 40, is_clause_punct);
            if !real(start) {
                return false;
            }
            let Some(first) = first_of(start, end) else { continue };
            // Someone else first: "my brother" is someone else, "my" alone the complainant.
            let at = word_starts(first, end, 4).into_iter().find(|&w| other(w) || me(w) || own(w)).unwrap_or(first);
            if other(at) {
                return (verb_seen || self.quote_verb.inside(at, end).next().is_some()) && !self.joins_in(at, pos);
            }
            if own(at) || me(at) {
                return false;
            }
            // A clause between that opens with a speech verb carries the words on: 你们的催收天天打，
            // 还说已经交给律师了，马上就起诉.
            verb_seen |= opens_with_verb(first, end);
            end = start;
        }
        false
    }

    /// Structural exclusions of a threat cue, judged in its clause:
    /// - a cue inside a title in 《…》 (a law or document cited);
    /// - the channel the complaint came by: a `[threat_channel]` term within `channel_window`
    ///   units (人民银行某中心支行转办, Referral from the State Department of Insurance);
    /// - 告 right after a regulator (去银保监告你们): the complaint to the regulator, not a lawsuit;
    /// - a lawsuit against the complainant: a `[threat_object_self]` term right after the cue
    ///   or its action verb (起诉我, 起诉我们, 告了我, 去法院起诉我, 连我一起告, sue me; not a note's 我司 / 我行);
    /// - a declined intention anywhere before the cue in the clause, with no barrier word
    ///   between (我不打算为这点钱去打官司, 我都唔想为咗三百蚊搞到上法庭);
    /// - someone else's escalation aimed at the complainant: a `[threat_received]` term before the
    ///   cue in its clause (给我发律师函, 不还就起诉);
    /// - a past escalation: a `[threat_past]` term before the cue in the clause or within
    ///   `past_after_window` units after it (此前曾向消费者协会投诉, 投诉到监管局过一次, I filed a
    ///   BBB complaint), unless the clause also has a `[threat_future]` or conditional term.
    fn not_own_escalation(&self, h: &Hit) -> bool {
        let (ch, s) = (self.chars, self.settings);
        // The whole content of a quotation is a word mentioned, not used: 冒充律师发“律师函”.
        if h.start > 0 && matches!(ch[h.start - 1], '“' | '「' | '"') && matches!(ch.get(h.end), Some('”' | '」' | '"'))
        {
            return true;
        }
        // So is a name quoted as someone's guise: 以“××市人民法院诉前调解中心”名义发短信, 自称
        // “XX区人民法院执行局”的人员, 署名“XX区人民法院立案庭”.
        if let Some(close) = (h.end..ch.len().min(h.end + 30)).find(|&i| matches!(ch[i], '”' | '」'))
            && (h.end..close).all(|i| !is_clause_punct(ch, i))
        {
            let open = (h.start.saturating_sub(30)..h.start).rev().find(|&i| matches!(ch[i], '“' | '「'));
            let guise_before = open.is_some_and(|o| {
                (o..h.start).all(|i| !is_clause_punct(ch, i) || i == o)
                    && o >= 2
                    && matches!(ch[o - 2..o], ['自', '称'] | ['署', '名'] | ['冒', '充'] | ['冒', '用'])
            });
            if guise_before || matches!(ch.get(close + 1..close + 3), Some(['名', '义']) | Some(['字', '样'])) {
                return true;
            }
        }
        // Inside a title in 《…》: a law or document cited (《最高人民法院关于…的规定》).
        let open = (h.start.saturating_sub(60)..h.start).rev().find(|&i| matches!(ch[i], '《' | '》'));
        if open.is_some_and(|o| ch[o] == '《')
            && (h.end..ch.len().min(h.end + 60)).find(|&i| matches!(ch[i], '《' | '》')).is_some_and(|c| ch[c] == '》')
        {
            return true;
        }
        if self.other_speakers_line(h.start) || self.form_question(h.start) || self.title_line(h.start) {
            return true;
        }
        // A header's colon or dash does not end it: "Referred by: State Department of
        // Insurance", "Department of Insurance — Consumer Services Division".
        let lo = window_start(ch, h.start, s.channel_window, |c, i| {
            is_clause_punct(c, i) && !matches!(c[i], ':' | '：' | '-' | '–' | '—')
        });
        let hi =
            window_end(ch, h.end, s.channel_window, |c, i| is_clause_punct(c, i) && !matches!(c[i], '-' | '–' | '—'));
        if self.channel.inside(lo, hi).next().is_some() {
            return true;
        }
        // Lawsuits only (after a regulator or media cue, 我 starts the next phrase: 12378我也会打).
        if h.group == Group::Threat(Threat::Lawsuit) {
            // A capitalised cue after a capitalised word, with no action verb near, is part of
            // a name: "Linden Court", "on Maple Court" (not "take them to Small Claims Court").
            let word_before = {
                let mut i = h.start;
                while i > 0 && ch[i - 1] == ' ' {
                    i -= 1;
                }
                let end = i;
                while i > 0 && ch[i - 1].is_ascii_alphabetic() {
                    i -= 1;
                }
                (i < end && end < h.start).then_some(i)
            };
            if ch[h.start].is_ascii_uppercase()
                && word_before.is_some_and(|b| ch[b].is_ascii_uppercase() && b > 0 && !is_sentence_end(ch, b - 1))
                && {
                    let lo = window_start(ch, h.start, s.action_window, is_sentence_end);
                    let hi = window_end(ch, h.end, s.action_window, is_sentence_end);
                    self.action.inside(lo, hi).next().is_none()
                }
            {
                return true;
            }
            // 去银保监告你们, 去信访办告你们: 告 right after a regulator or a petition office is
            // the complaint to it, not a lawsuit.
            let regulator_before = starting_in(&self.threat, h.start.saturating_sub(24), h.start).iter().any(|r| {
                matches!(r.group, Group::Threat(Threat::Regulator | Threat::Petition))
                    && r.end <= h.start
                    && r.end + 1 >= h.start
            });
            // The complainant as the object right after the cue (起诉我, 告了我, sue me) or after
            // an action verb right behind it (去法院起诉我).
            let mut after = h.end;
            if matches!(ch.get(after), Some(&'了')) || ch.get(after).is_some_and(|c| c.is_whitespace()) {
                after += 1;
            }
            let after_verb = self.action.inside(h.end, h.end + 4).filter(|a| a.start == h.end).map(|a| a.end).max();
            let against_self = [Some(after), after_verb]
                .into_iter()
                .flatten()
                // Not a note's 我司 / 我行 / 我公司 (the institution).
                .any(|at| {
                    self.object_self
                        .inside(at, at + 3)
                        .any(|o| o.start == at && !matches!(ch.get(o.end), Some('司' | '行' | '公')))
                });
            if regulator_before || against_self {
                return true;
            }
        }
        let clause = window_start(ch, h.start, 40, is_clause_punct);
        let clause_end = window_end(ch, h.end, 40, is_clause_punct);
        // Quotation marks do not end the clause of a declined intention: she doesn't want to
        // "make a fuss" with the ombudsman.
        let unquoted = window_start(ch, h.start, 40, |c, i| is_clause_punct(c, i) && !is_quote_mark(c[i]));
        // A term of weight below 1 declines only in a question: 为了三千块去打官司？
        let question = || {
            let end = window_end(ch, h.end, 200, is_sentence_end);
            matches!(ch.get(end), Some('?' | '？'))
        };
        // A right stated in the first person (weight 1.5: "I have the right to", "I understand that
        // I may") declines only when the complainant does not commit to it after the cue: "I have
        // the right to sue you and I will" is a threat.
        if self.declined.inside(unquoted, h.start).any(|d| {
            self.barrier.inside(d.end, h.start).next().is_none()
                && (d.weight >= 1.0 || question())
                && !(d.weight >= 1.5 && self.commits_after(h))
        }) {
            return true;
        }
        // An ultimatum put to the complainant reaches back one clause when the cue's clause opens
        // with 否则 / 不然: 要求我七日内归还欠款，否则“将依法提起诉讼”; 限我三天内还清，不然就起诉.
        let otherwise = (unquoted..h.start).find(|&i| !ch[i].is_whitespace()).is_some_and(|at| {
            self.conditional
                .inside(at, h.start)
                .any(|c| c.start == at && matches!(text_of(ch, c.start, c.end).as_str(), "否则" | "不然"))
        });
        if otherwise
            && unquoted > 0
            && self.received.inside(window_start(ch, unquoted - 1, 40, is_clause_punct), unquoted).next().is_some()
        {
            return true;
        }
        // Someone else's escalation aimed at the complainant: a `[threat_received]` term before
        // the cue in its clause, with no barrier between (你们给我发律师函, 发来的律师函, 收到法院的传票,
        // 不还就起诉).
        if self.received.inside(clause, h.start).any(|r| self.barrier.inside(r.end, h.start).next().is_none()) {
            return true;
        }
        let past_hi = window_end(ch, h.end, s.past_after_window, is_clause_punct);
        let past =
            self.past.inside(clause, h.start).next().is_some() || self.past.inside(h.end, past_hi).next().is_some();
        past && self.future.inside(clause, clause_end).next().is_none()
            && self.conditional.inside(clause, clause_end).next().is_none()
    }

    /// Whether a first person commits to an escalation after its cue, in its sentence: "… and I
    /// will", "and I intend to", "which is what I'm going to do", "and we'll do it".
    fn commits_after(&self, h: &Hit) -> bool {
        let ch = self.chars;
        let end = window_end(ch, h.end, 60, is_sentence_end);
        let words: Vec<String> = text_of(ch, h.end, end)
            .to_lowercase()
            .replace('’', "'")
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let person = |w: &str| matches!(w, "i" | "we" | "i'm" | "we're");
        words.iter().enumerate().any(|(k, w)| {
            let before = |n: usize| k.checked_sub(n).and_then(|j| words.get(j)).map(String::as_str);
            match w.as_str() {
                "i'll" | "we'll" => true,
                "will" | "shall" | "intend" | "plan" => before(1).is_some_and(person),
                // "I'm going to", "I am going to".
                "going" => {
                    words.get(k + 1).is_some_and(|n| n == "to")
                        && (before(1).is_some_and(person)
                            || (before(1).is_some_and(|b| matches!(b, "am" | "are")) && before(2).is_some_and(person)))
                }
                _ => false,
            }
        })
    }

    /// Emotions from the lexicon, and the emotions whose every cue was negated.
    fn emotions(&self) -> (Vec<Finding<Emotion>>, Vec<Emotion>) {
        let s = self.settings;
        let mut per: BTreeMap<Emotion, Scored<Evidence>> = BTreeMap::new();
        let mut negated: Vec<Emotion> = Vec::new();
        for h in &self.emotion {
            let Group::Emotion(e) = h.group else { continue };
            if self.negation_before(h.start, s.negation_window).is_some() {
                negated.push(e);
                continue;
            }
            let lo = window_start(self.chars, h.start, s.degree_window, is_clause_punct);
            let degree = self.degree.inside(lo, h.start).max_by(|a, b| a.weight.total_cmp(&b.weight));
            let factor = degree.map_or(1.0, |d| d.weight);
            let intensity = (h.weight * factor).min(1.0);
            let term = quoted(self.chars, h.start, h.end);
            let mut spans = vec![h.span()];
            let note = match degree {
                Some(d) => {
                    spans.insert(0, d.span());
                    format!("cue {term:?} {} × degree {:?} {}", h.weight, quoted(self.chars, d.start, d.end), d.weight)
                }
                None => format!("cue {term:?} {}", h.weight),
            };
            let entry = per.entry(e).or_default();
            entry.0.push((h.pat, intensity));
            entry.1.push(Evidence { rule: format!("emotion.{}", e.code()), spans, note });
        }
        // Anger raisers: rhetorical questions, insults, repeated ! and ?.
        let mut boosts: Vec<(f32, Evidence)> = Vec::new();
        for h in &self.rhetorical {
            let term = quoted(self.chars, h.start, h.end);
            let mut spans = vec![h.span()];
            if term.0 == "难道" {
                // 难道 … 吗 / ？ within the sentence.
                let end = (h.end..self.chars.len().min(h.end + 40))
                    .find(|&i| self.chars[i] == '吗' || self.chars[i] == '?' || is_sentence_end(self.chars, i));
                match end {
                    Some(i) if self.chars[i] == '吗' || self.chars[i] == '?' => spans.push(Span::new(i, i + 1)),
                    _ => continue,
                }
            }
            boosts.push((
                h.weight,
                Evidence { rule: "anger.rhetorical".into(), spans, note: format!("rhetorical {term:?} +{}", h.weight) },
            ));
        }
        for h in &self.insult {
            let term = quoted(self.chars, h.start, h.end);
            boosts.push((
                h.weight,
                Evidence {
                    rule: "anger.insult".into(),
                    spans: vec![h.span()],
                    note: format!("insult {term:?} +{}", h.weight),
                },
            ));
        }
        let mut punct_total = 0.0f32;
        let mut i = 0;
        while i < self.chars.len() {
            if matches!(self.chars[i], '!' | '?') {
                let start = i;
                while i < self.chars.len() && matches!(self.chars[i], '!' | '?') {
                    i += 1;
                }
                if i - start >= 2 && punct_total < 0.3 {
                    punct_total += s.repeat_punct_boost;
                    boosts.push((
                        s.repeat_punct_boost,
                        Evidence {
                            rule: "anger.repeated_punctuation".into(),
                            spans: vec![Span::new(start, i)],
                            note: format!("repeated punctuation +{}", s.repeat_punct_boost),
                        },
                    ));
                }
            } else {
                i += 1;
            }
        }
        let mut out = Vec::new();
        for &e in Emotion::ALL {
            let (cues, mut evidence) = per.remove(&e).unwrap_or_default();
            let mut score = 0.0f32;
            if !cues.is_empty() {
                let max = cues.iter().map(|c| c.1).fold(0.0f32, f32::max);
                let mut distinct: Vec<u32> = cues.iter().map(|c| c.0).collect();
                distinct.sort_unstable();
                distinct.dedup();
                score = max + s.extra_cue_boost * (distinct.len() - 1) as f32;
            }
            if e == Emotion::Anger {
                for (b, ev) in &boosts {
                    score += b;
                    evidence.push(ev.clone());
                }
            }
            if score > 0.0 {
                evidence.sort_by_key(|ev| ev.spans.first().copied());
                out.push(Finding { value: e, score: round3(score), evidence });
            }
        }
        negated.retain(|e| out.iter().all(|f| f.value != *e));
        negated.sort_unstable();
        negated.dedup();
        (out, negated)
    }

    /// Group action by structure: several people (`[group_people]`: 我们, 农户们, 工友, other
    /// customers) go or act together (`[group_together]`: 一起, 叫上, together) towards an
    /// escalation (`[group_escalation]`: 投诉, 反映, 讨说法, 门口, complain) in one sentence:
    /// "我就跟其他借款人一起去报案", "农户们商量好…就一起到县政府信访办反映". Each match is a
    /// group-action cue (weight `group_weight`; windows `group_people_window`,
    /// `group_escalation_window`) that then passes the same masks, negations,
    /// retractions and third-party checks as a lexicon cue.
    fn group_cues(&self) -> Vec<Hit> {
        let s = self.settings;
        let ch = self.chars;
        let mut out = Vec::new();
        for t in &self.together {
            let sent_lo = window_start(ch, t.start, s.group_people_window, is_sentence_end);
            let esc_hi = window_end(ch, t.end, s.group_escalation_window, is_sentence_end);
            let Some(e) = self.escalation.iter().find(|e| e.start >= t.end && e.end <= esc_hi) else { continue };
            if self.people.iter().any(|p| p.start >= sent_lo && p.end <= e.start) {
                out.push(Hit {
                    start: t.start,
                    end: t.end,
                    group: Group::Threat(Threat::GroupAction),
                    weight: s.group_weight,
                    pat: t.pat,
                });
            }
        }
        out
    }

    /// Self-harm by structure: a thought, wish or plan (`[self_harm_ideation]`: thinking about,
    /// thoughts of, praying, hope I) followed within `self_harm_window` units, in its sentence,
    /// by a way of dying or not being there (`[self_harm_act]`: driving off the road, going over
    /// the railing, not wake up, the pills), neither strong enough alone: "most nights I think
    /// about driving into that same overpass". The cue spans both and then passes the same
    /// negation and mask checks as a lexicon cue.
    fn self_harm_cues(&self) -> Vec<Hit> {
        let s = self.settings;
        let ch = self.chars;
        let mut out = Vec::new();
        for i in &self.ideation {
            let hi = window_end(ch, i.end, s.self_harm_window, is_sentence_end);
            if let Some(a) = self.harm_act.iter().find(|a| a.start >= i.end && a.end <= hi) {
                out.push(Hit {
                    start: i.start,
                    end: a.end,
                    group: Group::Threat(Threat::SelfHarmViolence),
                    weight: 1.0,
                    pat: a.pat,
                });
            }
        }
        out
    }

    /// The unit the threat clause model reads for a cue at `at`: the self-harm model's unit
    /// holding it (`units` are the text's [`Ctx::harm_units`]), in Chinese with the unit before
    /// it in its sentence (the speaker or the condition often stands there: 催收员打电话来说，下周就去
    /// 法院起诉我).
    fn threat_unit(&self, units: &[Span], english: bool, at: usize) -> Span {
        let Some(i) = units.iter().position(|u| u.start <= at && at < u.end) else {
            return Span::new(at, at);
        };
        let u = units[i];
        if !english && i > 0 && !is_sentence_end(self.chars, units[i - 1].end - 1) {
            return Span::new(units[i - 1].start, u.end);
        }
        u
    }

    /// The characters of a unit the threat clause model reads, with every threat cue in it
    /// replaced by one placeholder (`xcue` in English, ◆ in Chinese): the model learns who
    /// speaks and when, not which threat type's words are the more often someone else's.
    fn masked_unit(&self, u: Span, english: bool) -> Vec<char> {
        let mut out = Vec::with_capacity(u.end - u.start);
        let mut i = u.start;
        while i < u.end {
            let end = starting_in(&self.threat, u.start.saturating_sub(16), i + 1)
                .iter()
                .filter(|h| h.start <= i && h.end > i)
                .map(|h| h.end.min(u.end))
                .max();
            match end {
                Some(end) => {
                    if english {
                        out.extend(" xcue ".chars());
                    } else {
                        out.push('◆');
                    }
                    i = end;
                }
                None => {
                    out.push(self.chars[i]);
                    i += 1;
                }
            }
        }
        out
    }

    /// Set aside the cues (not self-harm) whose unit the threat clause model (harm.rs, trained by
    /// `NaiveBayes::train_veto`) scores at or above the cut of the text's language as not the
    /// complainant's own escalation: someone else's, a past one, a mere mention.
    fn veto_threats(&self, fb: &nb::Fallback, english: bool, cues: &mut Vec<ThreatCue>) {
        let Some(cut) = (if english { fb.threat_veto_en } else { fb.threat_veto_zh }) else { return };
        if cues.iter().all(|c| c.threat == Threat::SelfHarmViolence) {
            return;
        }
        let model = fb.model.veto(english);
        let units = self.harm_units(english);
        // Several cues often share a unit: each unit is scored once.
        let mut kept: Vec<(Span, bool)> = Vec::new();
        cues.retain(|c| {
            if c.threat == Threat::SelfHarmViolence {
                return true;
            }
            let u = self.threat_unit(&units, english, c.cue.start);
            if let Some((_, keep)) = kept.iter().find(|(k, _)| *k == u) {
                return *keep;
            }
            let keep = model.score_folded_reaching(&self.masked_unit(u, english), cut).flatten().is_none();
            kept.push((u, keep));
            keep
        });
    }

    /// The units the self-harm sentence models read: sentences in English, clauses in Chinese (a
    /// Chinese sentence often strings a note's facts, the complainant's mood and their words
    /// together with commas: 来电人情绪低落，通话中多次哭泣，称…; only the clause with the words is
    /// the statement). A Chinese clause with a `[conditional]` term is read with the clause after
    /// it in its sentence: a condition alone (再这样拖下去，) states nothing; what follows it does.
    fn harm_units(&self, english: bool) -> Vec<Span> {
        let ch = self.chars;
        if english {
            return sentence_spans(ch);
        }
        let mut out: Vec<Span> = Vec::new();
        let mut open: Option<usize> = None;
        for c in spans_between(ch, is_clause_punct) {
            let start = open.take().unwrap_or(c.start);
            let condition = self.conditional.inside(c.start, c.end).next().is_some();
            if condition && !is_sentence_end(ch, c.end - 1) && c.end < ch.len() {
                open = Some(start);
            } else {
                out.push(Span::new(start, c.end));
            }
        }
        if let Some(start) = open {
            out.push(Span::new(start, ch.len()));
        }
        out
    }

    /// The self-harm back-up (harm.rs) for a text the lexicon found no self-harm in: the
    /// highest-scoring sentence, when it reaches the cut of the text's language
    /// ([`nb::Fallback::self_harm`], [`nb::Fallback::self_harm_zh`]). A sentence holding a
    /// self-harm cue the rules set aside (negated, masked, someone else's) or a mask is not
    /// scored: the rules have judged it; nor is a Chinese clause holding any threat cue.
    fn model_self_harm(&self, fb: &nb::Fallback, english: bool) -> Option<Finding<Threat>> {
        let cut = if english { fb.self_harm } else { fb.self_harm_zh }?;
        let model = fb.model.harm(english);
        let mut best: Option<(f32, Span)> = None;
        for span in self.harm_units(english) {
            // Chinese: a clause with any threat cue has been judged (再这样拖下去，我就去银保监会投诉
            // is a regulator threat, not a self-harm statement); English: a self-harm cue.
            let judged = self.threat.iter().any(|h| {
                (!english || h.group == Group::Threat(Threat::SelfHarmViolence))
                    && h.start >= span.start
                    && h.end <= span.end
            }) || self.threat_mask.iter().any(|m| m.start < span.end && m.end > span.start);
            if judged {
                continue;
            }
            let Some(score) = model.score_folded_reaching(&self.chars[span.start..span.end], cut)? else { continue };
            if best.is_none_or(|b| score > b.0) {
                best = Some((score, span));
            }
        }
        let (score, span) = best?;
        let sentence = text_of(self.chars, span.start, span.end);
        let feats: Vec<String> = model.top_features(&sentence).iter().map(|(f, w)| format!("{f:?} {w:.2}")).collect();
        let note = format!(
            "no lexicon cue; {} naive Bayes log odds {score:.2} ≥ cut {cut}; top features: {}",
            if english { "sentence" } else { "clause" },
            feats.join(", ")
        );
        Some(Finding {
            value: Threat::SelfHarmViolence,
            score: nb::Fallback::SELF_HARM_SCORE,
            evidence: vec![Evidence { rule: "naive_bayes.self_harm".into(), spans: vec![span], note }],
        })
    }

    fn threats(&self) -> Vec<Finding<Threat>> {
        self.threats_of(self.threat_cues())
    }

    /// Every threat cue the rules accept as the complainant's own escalation, with its score and
    /// evidence ([`Ctx::threats_of`] makes the findings).
    fn threat_cues(&self) -> Vec<ThreatCue> {
        let s = self.settings;
        let mut out = Vec::new();
        let mut structural = self.group_cues();
        structural.extend(self.self_harm_cues());
        for h in self.threat.iter().copied().chain(structural.iter()) {
            let Group::Threat(t) = h.group else { continue };
            // 监管转办 / 12378转办 name the channel the complaint came by, not a threat.
            if self.threat_mask.iter().any(|m| m.start <= h.start && h.end <= m.end) {
                continue;
            }
            // Someone else's words: 业务员吓唬我说“你去12378投诉也是白投诉”.
            if self.in_reported_quote(h.start) {
                continue;
            }
            // Someone else's intention or advice: 儿子说要去法院告你们, a coworker said I should
            // take them to small claims (self-harm stays: critical, recall first).
            if t != Threat::SelfHarmViolence && self.third_party_clause(h.start) {
                continue;
            }
            // A person named by a third-party term in which the cue is a modifier: "A lawyer
            // friend mentioned arbitration" (not "A reporter", where the cue is the person).
            if t != Threat::SelfHarmViolence
                && starting_in(&self.third_party, h.start.saturating_sub(24), h.start + 1)
                    .iter()
                    .any(|p| p.start <= h.start && h.end < p.end)
            {
                continue;
            }
            // The channel, a threat against the complainant, a declined or a past escalation.
            if t != Threat::SelfHarmViolence && self.not_own_escalation(h) {
                continue;
            }
            // Retracted later in the sentence: 大家一起去闹确实动静大，但我不想这么做。
            let sent_end = window_end(self.chars, h.end, s.retraction_window, is_sentence_end);
            // (Not right after a self-harm cue: 跳下去算了 resigns to it, it does not take it back;
            // nor one of weight 0.5: "I don't want to wake up, what's the point" despairs.)
            if self
                .retraction
                .inside(h.end, sent_end)
                // (Not the consequence of a condition after the cue: 状子已经写好了，就差去立案，
                // 你们要是月底前把这6万补齐，咱就不走那一步 still threatens.)
                .filter(|r| self.conditional.inside(h.end, r.start).all(|c| c.weight < 1.0))
                .any(|r| t != Threat::SelfHarmViolence || (r.start >= h.end + 2 && r.weight >= 1.0))
            {
                continue;
            }
            // A first-person refusal of weight 2 also retracts from the start of the next
            // sentence: "My son, who is a lawyer, wants to sue them. I don't want a court fight."
            // Self-harm only when its sentence tells of the past and the next sentence anywhere
            // holds a safety statement (weight 3): "Four years ago … after I tried to end my
            // life. That is behind me, I'm not at risk."
            let harm = t == Threat::SelfHarmViolence;
            let past_harm = harm
                && self
                    .past
                    .inside(window_start(self.chars, h.start, s.harm_past_window, is_sentence_end), h.start)
                    .next()
                    .is_some();
            if (!harm || past_harm) && sent_end < self.chars.len() && is_sentence_end(self.chars, sent_end) {
                let next = (sent_end..self.chars.len())
                    .find(|&i| !(self.chars[i].is_whitespace() || is_sentence_end(self.chars, i)))
                    .unwrap_or(self.chars.len());
                let units = if harm { s.harm_past_window } else { s.next_sentence_retraction_window };
                let hi = window_end(self.chars, next, units, is_sentence_end);
                let min_weight = if harm { 3.0 } else { 2.0 };
                if self.retraction.inside(next, hi).any(|r| r.weight >= min_weight) {
                    continue;
                }
            }
            let term = quoted(self.chars, h.start, h.end);
            // A negation that runs into the cue counts as before it: "I'm not going to the
            // papers" (the negation "not going to" overlaps the cue "to the papers"). Not for
            // self-harm, whose cues hold their own negations ("do not want to be here").
            let negation = self.negation_before(h.start, s.threat_negation_window).or_else(|| {
                self.negation
                    .inside(h.start.saturating_sub(16), h.end)
                    .find(|n| t != Threat::SelfHarmViolence && n.start < h.start && n.end > h.start)
            });
            let mut spans = vec![h.span()];
            let (score, mut note) = if t == Threat::SelfHarmViolence {
                let mut note = format!("critical cue {term:?}");
                if let Some(n) = negation {
                    // Critical: only an explicit negation (不会, 不想, 没打算, won't …) cancels;
                    // a bare 不/没/别 may belong to a condition (不赔我跳楼), and so may any
                    // negation after a conditional word of the sentence ("if this doesn't get
                    // fixed I don't want to be alive").
                    if n.end - n.start >= 2 && !self.negation_in_condition(n, is_sentence_end) {
                        continue;
                    }
                    note.push_str(&format!(
                        "; negation {:?} nearby ignored (critical)",
                        text_of(self.chars, n.start, n.end)
                    ));
                }
                (1.0, note)
            } else {
                // A negation inside a condition before the cue does not cancel it: "if I dont hear
                // back I'm filing with the better business bureau".
                if negation.is_some_and(|n| !self.negation_in_condition(n, is_clause_punct)) {
                    continue;
                }
                let lo = window_start(self.chars, h.start, s.action_window, is_sentence_end);
                let hi = window_end(self.chars, h.end, s.action_window, is_sentence_end);
                match self.action.inside(lo, hi).min_by_key(|a| a.start.abs_diff(h.start)) {
                    Some(a) => {
                        if a.start != h.start || a.end != h.end {
                            spans.push(a.span());
                        }
                        (
                            h.weight,
                            format!("cue {term:?} {} with action {:?}", h.weight, quoted(self.chars, a.start, a.end)),
                        )
                    }
                    None => (
                        h.weight * s.no_action_factor,
                        format!("cue {term:?} {} × no action {}", h.weight, s.no_action_factor),
                    ),
                }
            };
            let sent = window_start(self.chars, h.start, 20, is_sentence_end);
            if let Some(c) = self.conditional.inside(sent, h.start).next() {
                note.push_str(&format!("; conditional {:?}", quoted(self.chars, c.start, c.end)));
                spans.push(c.span());
            }
            spans.sort();
            out.push(ThreatCue {
                threat: t,
                cue: h.span(),
                pat: h.pat,
                score,
                evidence: Evidence { rule: format!("threat.{}", t.code()), spans, note },
            });
        }
        out
    }

    /// One finding per threat type of the accepted cues: its best cue's score, raised for each
    /// further distinct cue (self-harm: always 1.0).
    fn threats_of(&self, cues: Vec<ThreatCue>) -> Vec<Finding<Threat>> {
        let s = self.settings;
        let mut per: BTreeMap<Threat, Scored<Evidence>> = BTreeMap::new();
        for c in cues {
            let entry = per.entry(c.threat).or_default();
            entry.0.push((c.pat, c.score));
            entry.1.push(c.evidence);
        }
        let mut out = Vec::new();
        for (t, (cues, evidence)) in per {
            let max = cues.iter().map(|c| c.1).fold(0.0f32, f32::max);
            let mut distinct: Vec<u32> = cues.iter().map(|c| c.0).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let score =
                if t == Threat::SelfHarmViolence { 1.0 } else { max + s.extra_cue_boost * (distinct.len() - 1) as f32 };
            if score < s.threat_min {
                continue;
            }
            out.push(Finding { value: t, score: round3(score), evidence });
        }
        out
    }

    /// An amount that ends its clause, at the comma `i`, may still belong to a demand cue
    /// starting at `cue` in the next clause when that clause has no frame of its own: "一共700块，
    /// 全部退回来", "38,650.20元，一分不少给我赔了", "$480, refunded" — but not "共交5万元，要求全额退保"
    /// (a full frame of its own; a light frame below weight 1 such as 给我 or 什么时候 does not
    /// count: "少了我1,200，给我补上"). A clause that is only a short topic and the amount names
    /// the sum whatever frame follows: "差额四万二，赶紧补上！", "理赔款￥5,600.00，请尽快支付"; so
    /// does a total (以上三项合计3,390元，我要求贵司补赔). A money noun may stand between the sum
    /// and the comma (二十万重疾保险金，一分都不能少), and a pause in an unpunctuated transcript ends a
    /// clause like a comma (差的四千二 你们给我补上). Never when the cue's own clause names a sum:
    /// "应该是6,860元，请补发1,960元", "起码应该赔五万八，差的二万六你们必需给我补上".
    fn amount_ends_clause(
        &self,
        amount: &amount::AmountHit,
        i: usize,
        cue: usize,
        found: &[amount::AmountHit],
    ) -> bool {
        let ch = self.chars;
        if i < amount.end {
            return false;
        }
        let clause_end = window_end(ch, cue, 40, is_clause_punct);
        // An English relative clause after the amount holds the demand: "That cost me USD
        // 120.00, which I'd like reimbursed".
        let which = ch[i] == ','
            && (amount.end..i).all(|k| ch[k] == ' ')
            && word_at_is(ch, (i + 1..cue).find(|&k| !ch[k].is_whitespace()).unwrap_or(cue), "which");
        let unit_only = matches!(ch[i], ',' | ' ')
            && (Self::money_noun(&ch[amount.end..i])
                || Self::english_total(&ch[amount.end..i])
                || (amount.end..i).all(|k| ch[k].is_whitespace() || matches!(ch[k], '块' | '元' | '钱')));
        (which || unit_only)
            && !(i + 1..cue).any(|k| is_clause_punct(ch, k))
            && !found.iter().any(|a| a.start > i && a.end <= clause_end)
            && (which
                || !self.frame.inside(i, cue).any(|f| f.weight >= 1.0)
                || self.topic_and_amount(amount.start)
                || self.total_before(amount.start))
    }

    /// Whether `between` (what stands between an amount and its comma) says the amount is a
    /// total: "I want the three late fees, $262.50 in total, refunded".
    fn english_total(between: &[char]) -> bool {
        let s: String = between.iter().collect::<String>().trim().to_ascii_lowercase();
        matches!(s.as_str(), "in total" | "total" | "altogether" | "all told" | "combined" | "together" | "in all")
    }

    /// Whether `between` (what stands between an amount and its clause's end) is a money noun of
    /// at most six Chinese characters: 二十万重疾保险金，一分都不能少 (保险金, 医疗费, 差价款, 赔偿金额).
    fn money_noun(between: &[char]) -> bool {
        (1..=6).contains(&between.len())
            && between.iter().all(|c| is_cjk(*c) && !matches!(c, '了' | '已' | '只' | '仅' | '我' | '你' | '他' | '她'))
            && matches!(between.last(), Some('金' | '费' | '款' | '钱' | '额' | '息'))
    }

    /// Whether an `[amount_total]` word (共计, 合计, a total of) stands right before an amount
    /// starting at `start` (at most one unit between): 以上三项合计3,390元，我要求贵司补赔.
    fn total_before(&self, start: usize) -> bool {
        self.amount_total
            .inside(start.saturating_sub(16), start)
            .any(|t| units_between(self.chars, t.end, start, 2) <= 1)
    }

    /// Whether an amount is stated as a total: an `[amount_total]` word right before it ("a
    /// total of $212.40", 共计5万元) or right after it ("$194.00 altogether").
    fn is_total(&self, a: &amount::AmountHit) -> bool {
        self.total_before(a.start)
            || self
                .amount_total
                .inside(a.end, (a.end + 16).min(self.chars.len()))
                .any(|t| units_between(self.chars, a.end, t.start, 2) == 0)
    }

    /// The index in `amounts` of the sum an English money demand's object names by a money
    /// noun (`[amount_noun]`) stated in an earlier sentence, at most `noun_reach` sentences
    /// before the cue's: "I'd like those late fees refunded" after "…, 78 dollars in late fees
    /// altogether.", "pay that bill" after "The hospital bill … came to £3,912.60.", "Please
    /// refund all 30 fees" after "… the fee has been charged every month … USD 450 in total.".
    /// The object is the noun with a determiner at most three words before it (those, all 30,
    /// the), in the cue (charges reversed), ending at most four words before it or at most six
    /// words after it, in its clause, with only light words between (to be, in full, me, for,
    /// taken … back). The sum is the last total (`is_total`) of the latest sentence that
    /// mentions the noun (singular or plural) and of the sentence after it, else the only sum of
    /// that sentence, else, for one item, the one sum stated with the mention ([`Ctx::apposed`]);
    /// never a rate ($87.50 each, $15 a month), an estimate (over £180) or a remainder (the
    /// remaining fees). A charge word (weight 1.5) is also mentioned by any other charge word,
    /// which then names only the sum stated with it. A noun of weight 2 (the total, every cent)
    /// names the last total within reach, whatever its sentence says. A benefit word (weight
    /// 1.25: death benefit, life policy, face amount) names the sum stated with another, reaching
    /// back to the text's start. A pronoun object (it, them) stands for a money noun that opens
    /// its sentence with a determiner ("But the fee they charged … and I want it refunded").
    /// Never a context sum (`CONTEXT_SUM_WORDS`: "My credit limit is $5,000").
    fn noun_antecedent(&self, cue: &Hit, amounts: &[amount::AmountHit]) -> Option<usize> {
        let ch = self.chars;
        let money = money_cue(cue);
        if !money || !ch[cue.start].is_ascii_alphabetic() || self.amount_noun.is_empty() || amounts.is_empty() {
            return None;
        }
        let lo = window_start(ch, cue.start, 4, is_clause_punct);
        let hi = window_end(ch, cue.end, 6, is_clause_punct);
        // Only light words between the noun and the cue: "those late fees refunded", "the fees
        // to be refunded", "refund me those fees", "reimburse us for the charges" (not "the fees
        // for this year refunded").
        // Before the cue, "and" joins two cues of one object: "the review fee taken off and
        // refunded"; after it, it starts another object: "that credited back and the fee waived".
        let light = |a: usize, b: usize, and: bool| {
            a >= b
                || text_of(ch, a, b).split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()).all(|w| {
                    [
                        "to", "be", "in", "full", "fully", "me", "us", "for", "back", "all", "of", "taken", "put",
                        "paid", "given", "sent", "off",
                    ]
                    .iter()
                    .any(|l| w.eq_ignore_ascii_case(l))
                        || (and && w.eq_ignore_ascii_case("and"))
                })
        };
        let object = self.amount_noun.inside(lo, hi).find(|n| {
            // Not a computed remainder: "the remaining fees", "the other charges".
            let remainder = self.words_before(n.start, 2).any(|(_, w)| {
                word_is_one_of(w, &["remaining", "rest", "outstanding", "other", "remainder", "further", "unpaid"])
            });
            !remainder
                && self.determiner_start(n.start).is_some_and(|det| {
                    if n.end <= cue.start {
                        light(n.end, cue.start, true)
                    } else if n.start >= cue.end {
                        light(cue.end, det.max(cue.end), false)
                    } else {
                        // The noun inside the cue: "I want the three charges reversed".
                        n.start >= cue.start && n.end <= cue.end
                    }
                })
        });
        // A pronoun object ("I want it refunded", "refund them") whose sentence opens with a
        // money noun as its subject: "But the fee they charged themselves goes against their own
        // schedule, and I want it refunded." (`it` a singular noun, `them` a plural one).
        let object = object.or_else(|| {
            let after = (cue.end..ch.len()).find(|&i| !ch[i].is_whitespace()).unwrap_or(ch.len());
            let pronoun = std::iter::once(after)
                .filter(|&i| i > cue.end && i < ch.len() && is_word_char(ch[i]))
                .map(|i| word_at(ch, i))
                .chain(self.words_before(cue.start, 2).map(|(_, w)| w))
                .find(|w| word_is_one_of(w, &["it", "them"]))?;
            let start = window_start(ch, cue.start, 200, is_sentence_end);
            let mut det = (start..cue.start).find(|&i| is_word_char(ch[i]))?;
            if word_is_one_of(word_at(ch, det), &["but", "and", "so", "also"]) {
                det = (det + word_at(ch, det).len()..cue.start).find(|&i| is_word_char(ch[i]))?;
            }
            if !word_is_one_of(word_at(ch, det), &["the", "that", "this", "those", "these"]) {
                return None;
            }
            let n = self.amount_noun.inside(det, cue.start).next()?;
            let plural = ch[word_end(ch, n.end) - 1].eq_ignore_ascii_case(&'s');
            (self.determiner_start(n.start) == Some(det) && plural == word_is_one_of(pronoun, &["them"])).then_some(n)
        })?;
        let sentence_of = |pos: usize| window_start(ch, pos, 200, is_sentence_end);
        let sentence = sentence_of(cue.start.min(object.start));
        // Sentence starts and ends, over the blank lines and stops between sentences.
        let gap = |k: usize| ch[k].is_whitespace() || is_quote_mark(ch[k]) || is_sentence_end(ch, k);
        // A benefit word reaches the whole text before: a policy's sum is stated once, anywhere
        // ("He had a $25,000 life policy" ten sentences before "pay the death benefit").
        let mut reach = if object.weight == BENEFIT_NOUN { 0 } else { sentence };
        for _ in 0..self.settings.noun_reach {
            match self.sentence_before(reach) {
                Some(before) => reach = before,
                None => break,
            }
        }
        // Not a rate ($87.50 each, $15 a month) nor an estimate (over £180).
        let free = |a: &amount::AmountHit| !self.rate_or_estimate(a, 2);
        let within = |lo: usize, hi: usize| indices_within(amounts, lo, hi).map(|i| (i, &amounts[i]));
        let last_total =
            |lo: usize, hi: usize| within(lo, hi).rev().find(|(_, a)| free(a) && self.is_total(a)).map(|(i, _)| i);
        if object.weight >= 2.0 {
            return last_total(reach, sentence);
        }
        // fee / fees, bill / bills / billed, charge / charges / charged.
        let stem = |h: &Hit| {
            let w = text_of(ch, h.start, h.end).to_ascii_lowercase();
            let w = w.strip_suffix('s').unwrap_or(&w);
            w.strip_suffix("ed").or_else(|| w.strip_suffix('e')).unwrap_or(w).to_string()
        };
        let wanted = stem(object);
        // A charge word (weight 1.5: fee, charge, penalty, cost) names the sum of any other:
        // "refund the above overdraft charges" after "So I paid $105 in fees.".
        // (So does a benefit word, weight 1.25: "pay the death benefit" after "The face amount
        // is $150,000".)
        let class = |h: &Hit| h.weight == CHARGE_NOUN || h.weight == BENEFIT_NOUN;
        let same = |m: &Hit| stem(m) == wanted || (class(object) && m.weight == object.weight);
        // (The whole last word: the noun "overdraft fee" inside "the overdraft fees".)
        let object_end = word_end(ch, object.end);
        let plural = ch[object_end - 1].eq_ignore_ascii_case(&'s');
        self.amount_noun.inside(reach, sentence).filter(|m| same(m)).find_map(|m| {
            let from = sentence_of(m.start);
            let to = window_end(ch, m.end, 200, is_sentence_end);
            let mut k = to;
            while k < sentence && gap(k) {
                k += 1;
            }
            let next = window_end(ch, k, 200, is_sentence_end).min(sentence).max(to);
            last_total(from, next).or_else(|| {
                // Never in a sentence that states a recurrence or a count of items ("a $29 late
                // fee every month", "two premiums of £38.60").
                let recurring = (from..to)
                    .any(|k| (k == 0 || !is_word_char(ch[k - 1])) && word_is_one_of(word_at(ch, k), RECURRENCE_WORDS));
                // (A singular noun names one of them: "that payment" after "my regular monthly
                // payment was $389.00"; a participle, "the fees charged", names no number.)
                if recurring && (plural || text_of(ch, object.start, object_end).ends_with("ed")) {
                    return None;
                }
                // The one sum the mention is stated with: "the force-placed premium, $1,437, …",
                // "a $640 administration fee", "$105 in fees".
                let stated_with = || {
                    let mut named = within(from, to).filter(|(_, a)| free(a) && self.apposed(a, m));
                    match (named.next(), named.next()) {
                        (Some((i, _)), None) => Some(i),
                        _ => None,
                    }
                };
                if stem(m) != wanted {
                    // Another charge word names only the sum stated with it.
                    return stated_with();
                }
                // The only sum of the sentence; else, for one item (not "all four fees", which
                // adds up several), the sum stated with the mention.
                let mut own = within(from, to);
                // (Not a part: "the whole claim (£4,800 of medical costs plus my cancelled flights)".)
                let part = |a: &amount::AmountHit| {
                    let end = window_end(ch, a.end, 12, is_clause_punct);
                    (a.end..end).any(|k| !is_word_char(ch[k - 1]) && word_is_one_of(word_at(ch, k), &["plus"]))
                };
                match (own.next(), own.next()) {
                    (Some((i, a)), None) if free(a) && !part(a) && !self.context_sum(a) => Some(i),
                    (Some(_), Some(_)) if !plural => stated_with(),
                    _ => None,
                }
            })
        })
    }

    /// The indices in `amounts` of the sums an English money demand's object adds up: "reverse
    /// all three" after "Three charges …: $89.99 …, $212.40 … and $45.00 …", "cover both costs"
    /// after "I had to change the locks ($215) and rent a PO box ($84)", "credit those charges
    /// back". The object, in the cue's clause at most four units before it or six after it,
    /// counts its items — both (2), all / the / those / these + a number (all three, the two
    /// fees) — or, unless `counted_only`, says only that there are several (these / those alone
    /// or before an item word) or names one sum ("that amount", "this money"). Its noun, if any,
    /// is a money noun or a `LIST_NOUNS` word. The sums are those of the nearest sentence before
    /// the cue (its own first, then back over at most `list_reach` sentences) stating a sum that
    /// is neither context (a credit limit, a balance: `CONTEXT_SUM_WORDS`), a rate nor an
    /// estimate, when their number agrees: exactly the count, at least two, or one. A total
    /// stated in that sentence stands for them all; a sentence with every / each / per (a
    /// recurring fee) gives none.
    fn listed_sums(&self, cue: &Hit, amounts: &[amount::AmountHit], counted_only: bool) -> Option<Vec<usize>> {
        let ch = self.chars;
        let money = money_cue(cue);
        if !money || !ch[cue.start].is_ascii_alphabetic() || amounts.is_empty() {
            return None;
        }
        let lo = window_start(ch, cue.start, 4, is_clause_punct);
        let hi = window_end(ch, cue.end, 6, is_clause_punct);
        let mut words: Vec<(usize, &[char])> = Vec::new();
        let mut k = lo;
        while k < hi {
            if is_word_char(ch[k]) {
                let w = word_at(ch, k);
                words.push((k, w));
                k += w.len();
            } else {
                k += 1;
            }
        }
        // two … ten, or 2 … 99.
        let count = |w: &[char]| {
            let digits: String = w.iter().collect();
            NUMBER_WORDS
                .iter()
                .position(|n| w.iter().map(|c| c.to_ascii_lowercase()).eq(n.chars()))
                .map(|i| i + 2)
                .or_else(|| digits.parse::<usize>().ok().filter(|n| (2..100).contains(n)))
        };
        // The item word after a quantifier: none (a pronoun: "settle these"), a money noun or an
        // item word ("both statements").
        let item = |i: usize| match words.get(i) {
            None => true,
            Some(&(at, w)) => {
                word_is_one_of(w, LIST_NOUNS)
                    || word_is_one_of(w, PRONOUN_OBJECT_TAIL)
                    || self.amount_noun.inside(at, at + w.len()).next().is_some()
                    // (An adjective first: "those late fees".)
                    || words.get(i + 1).is_some_and(|&(at, w)| {
                        word_is_one_of(w, LIST_NOUNS) || self.amount_noun.inside(at, at + w.len()).next().is_some()
                    })
            }
        };
        // Some(n): n items; None inside: several.
        let wanted: Option<Option<usize>> = words.iter().enumerate().find_map(|(i, &(_, w))| {
            if word_is_one_of(w, &["both"]) && item(i + 1) {
                return Some(Some(2));
            }
            if word_is_one_of(w, &["all", "the", "those", "these"])
                && let Some(n) = words.get(i + 1).and_then(|&(_, n)| count(n))
            {
                return item(i + 2).then_some(Some(n));
            }
            // "that amount", "this money": the one sum of the nearest sentence that states any.
            if !counted_only
                && word_is_one_of(w, &["that", "this"])
                && words.get(i + 1).is_some_and(|&(_, n)| word_is_one_of(n, &["amount", "sum", "money"]))
            {
                return Some(Some(1));
            }
            (!counted_only && word_is_one_of(w, &["those", "these"]) && item(i + 1)).then_some(None)
        });
        let wanted = wanted?;
        let free = |a: &amount::AmountHit| !self.rate_or_estimate(a, 2) && !self.context_sum(a);
        let mut end = cue.start;
        let mut start = window_start(ch, cue.start, 200, is_sentence_end);
        for _ in 0..=self.settings.list_reach {
            let own: Vec<usize> = indices_within(amounts, start, end).filter(|&i| free(&amounts[i])).collect();
            if !own.is_empty() {
                // Not a recurring sum: "every month there is a $9 fee".
                if (start..end).any(|k| {
                    (k == 0 || !is_word_char(ch[k - 1])) && word_is_one_of(word_at(ch, k), &["every", "each", "per"])
                }) {
                    return None;
                }
                if let Some(&t) = own.iter().rev().find(|&&i| self.is_total(&amounts[i])) {
                    return Some(vec![t]);
                }
                let currency = amounts[own[0]].money.currency;
                let agrees = match wanted {
                    Some(n) => own.len() == n,
                    None => own.len() >= 2,
                } && own.iter().all(|&i| amounts[i].money.currency == currency);
                return agrees.then_some(own);
            }
            end = start;
            start = self.sentence_before(start)?;
        }
        None
    }

    /// Whether an English sum is context, not an item of a demand: a `CONTEXT_SUM_WORDS` word
    /// among the four words before it ("My credit limit is $5,000").
    fn context_sum(&self, a: &amount::AmountHit) -> bool {
        self.words_before(a.start, 4).any(|(_, w)| word_is_one_of(w, CONTEXT_SUM_WORDS))
    }

    /// Where the sentence before the one starting at `sentence` starts, over the blank lines,
    /// quote marks and stops between them; None at the text's start.
    fn sentence_before(&self, sentence: usize) -> Option<usize> {
        let ch = self.chars;
        let mut k = sentence;
        while k > 0 && (ch[k - 1].is_whitespace() || is_quote_mark(ch[k - 1]) || is_sentence_end(ch, k - 1)) {
            k -= 1;
        }
        (k > 0).then(|| window_start(ch, k, 200, is_sentence_end))
    }

    /// Whether an English sum stands in apposition to a money noun: right after it, past a
    /// comma, a colon, a percentage or one of `APPOSITION_WORDS` ("the premium, $1,437", "a fee
    /// of £640", "a charge of 7%, $6,160", "the duplicate payment was $1,980"), or right before
    /// it past at most three words and hyphens ("a $35 overdraft fee", "$1,437 force-placed
    /// premium", "$105 in fees").
    fn apposed(&self, a: &amount::AmountHit, noun: &Hit) -> bool {
        let ch = self.chars;
        // At most `max` words between, each `allowed`, and nothing else but spaces, quote marks
        // and , : - % ("a $1,150 "loss mitigation review fee"").
        let words_only = |lo: usize, hi: usize, max: usize, allowed: &dyn Fn(&[char]) -> bool| {
            if lo > hi
                || !ch[lo..hi].iter().all(|&c| {
                    is_word_char(c) || c.is_whitespace() || is_quote_mark(c) || matches!(c, ',' | ':' | '-' | '%')
                })
            {
                return false;
            }
            let words: Vec<&[char]> = ch[lo..hi].split(|&c| !is_word_char(c)).filter(|w| !w.is_empty()).collect();
            words.len() <= max && words.iter().all(|w| allowed(w))
        };
        if a.start >= noun.end {
            words_only(noun.end, a.start, 3, &|w| {
                word_is_one_of(w, APPOSITION_WORDS) || w.iter().all(|c| c.is_ascii_digit())
            })
        } else {
            a.end <= noun.start
                && !ch[a.end..noun.start].iter().any(|&c| matches!(c, ',' | ':'))
                && words_only(a.end, noun.start, 3, &|_| true)
        }
    }

    /// Whether an English sum is a rate ($87.50 each, $15 a month) or an estimate (an
    /// `APPROX_WORDS` word among the `words` words before it: over £180, less than $25).
    fn rate_or_estimate(&self, a: &amount::AmountHit, words: usize) -> bool {
        is_rate_after(self.chars, a.end)
            || self.words_before(a.start, words).any(|(_, w)| word_is_one_of(w, APPROX_WORDS))
    }

    /// The (up to) `n` English words right before `pos`, the nearest first, each with where it
    /// starts; they stop at anything that is neither a word nor a space (punctuation, CJK).
    fn words_before(&self, pos: usize, n: usize) -> impl Iterator<Item = (usize, &'a [char])> + '_ {
        let ch = self.chars;
        let mut i = pos;
        (0..n).map_while(move |_| {
            while i > 0 && ch[i - 1].is_whitespace() {
                i -= 1;
            }
            if i == 0 || !is_word_char(ch[i - 1]) {
                return None;
            }
            let end = i;
            while i > 0 && is_word_char(ch[i - 1]) {
                i -= 1;
            }
            Some((i, &ch[i..end]))
        })
    }

    /// Where a determiner (the, that, those, these, this, all, both, every, my, our) starts, at
    /// most three words before `pos`, in its clause: "those late fees", "all 30 fees".
    fn determiner_start(&self, pos: usize) -> Option<usize> {
        self.words_before(pos, 3).find(|(_, w)| word_is_one_of(w, DETERMINERS)).map(|(start, _)| start)
    }

    /// Whether the clause of an amount starting at `start` is a bare topic of at most four
    /// Chinese characters before it (差额, 理赔款, 保费), or nothing (二十万，一分不少还给我): no
    /// subject, no verb of a past fact.
    fn topic_and_amount(&self, start: usize) -> bool {
        let ch = self.chars;
        let clause = window_start(ch, start, 8, is_clause_punct);
        let topic: Vec<char> = ch[clause..start].iter().copied().filter(|c| !c.is_whitespace()).collect();
        let opens = clause == 0 || is_clause_punct(ch, clause - 1);
        let bare = topic.len() <= 4
            && topic.iter().all(|c| {
                is_cjk(*c)
                    && !matches!(c, '我' | '俺' | '你' | '他' | '她' | '了' | '已' | '只' | '仅' | '才' | '是' | '为')
            });
        // A relative clause ending in 的 names the sum as a noun, whoever paid it: 我交的5万块钱，
        // 要求你们一分不少退还给我; 你们多扣的2,586.90元，… (not a past fact: 我交了5万).
        let relative = topic.len() <= 6
            && topic.last() == Some(&'的')
            && topic.iter().all(|c| is_cjk(*c) && !matches!(c, '了' | '已' | '只' | '仅' | '才' | '是' | '为'));
        opens && (bare || relative)
    }

    /// Whether an amount opens its clause after a bare demonstrative (这 / 那) as the topic of a
    /// demand later in its sentence, across a clause break: 这2000块是我给孩子交学费的，你们银行
    /// 必须尽快退回来; 那三十万，你们必须赔. Not when another amount stands between it and the
    /// end of the cue's clause (这2000是学费，退我1500就行), when a negation stands between (这5320元
    ///跟我无关我不还，恢复我的征信记录), or when the cue asks for no money.
    fn demonstrative_topic(&self, amount: &amount::AmountHit, cue: &Hit, found: &[amount::AmountHit]) -> bool {
        let ch = self.chars;
        let money = money_cue(cue);
        // Cheap tests first: this runs for every amount before every cue.
        if !money || amount.end > cue.start || cue.start - amount.end > 2 * self.settings.amount_before * MAX_WORD_CHARS
        {
            return false;
        }
        let clause = window_start(ch, amount.start, 6, is_clause_punct);
        let mut lead = ch[clause..amount.start].iter().filter(|c| !c.is_whitespace());
        // 这 / 那, or 这个 / 那个, alone before the sum: 那八千你们退回来, 这个三十万你们必须给我赔出来.
        let first = lead.next();
        let second = lead.next();
        let demonstrative = matches!(first, Some('这' | '那'))
            && (second.is_none() || (second == Some(&'个') && lead.next().is_none()));
        if !demonstrative || (clause > 0 && !is_clause_punct(ch, clause - 1)) {
            return false;
        }
        let clause_end = window_end(ch, cue.end, 40, is_clause_punct);
        // The amounts are in text order and do not overlap: the next one decides.
        let next = found.partition_point(|b| b.start < amount.end);
        self.negation.inside(amount.end, cue.start).next().is_none()
            && found.get(next).is_none_or(|b| b.end > clause_end)
    }

    /// Whether a demand cue points back to an amount stated before: an `[amount_anaphor]` near
    /// it (上述, 这笔), or an English pronoun for its object within two words before it ("I want
    /// it refunded", "I want all of it back", "I'd like those refunded") or right after it
    /// ("pay it", "refund them"; not "the interest that …", nor "want them to pay").
    fn pronoun_object(&self, cue: &Hit) -> bool {
        let ch = self.chars;
        // Chinese: an `[amount_anaphor]` (上述, 这笔) within 8 units before the cue (6 after, and
        // 6 before an English cue), in its clause:
        // 要求保险公司立即支付上述定损赔款, 这笔钱必须退给我.
        // (Eight units before a Chinese cue: 这笔钱你们必须按合同赔给我.)
        let (lo, hi) = self.anaphor_window(cue);
        if self.amount_anaphor.inside(lo, hi).next().is_some() {
            return true;
        }
        // Right after the cue.
        let after = (cue.end..ch.len()).find(|&i| !ch[i].is_whitespace()).unwrap_or(ch.len());
        if after > cue.end && after < ch.len() && is_word_char(ch[after]) {
            let w = word_at(ch, after);
            if word_is_one_of(w, &["it", "them"]) {
                return true;
            }
            // "Pay me that.", "to pay that and to tell me…": a demonstrative standing alone (not
            // a determiner: "pay that bill").
            if word_is_one_of(w, &["that", "this", "those"]) {
                let next = (after + w.len()..ch.len()).find(|&i| !ch[i].is_whitespace());
                if next.is_none_or(|n| !is_word_char(ch[n]) || word_is_one_of(word_at(ch, n), PRONOUN_OBJECT_TAIL)) {
                    return true;
                }
            }
        }
        // "… is what I want paid", "that is what I'm asking Halvorsen to pay", "that is the
        // benefit I am asking them to pay": a clause that equates the sum before with the demand.
        let words: Vec<(usize, &[char])> = self.words_before(cue.start, 9).collect();
        // "a shortfall of $9,870, which I ask you to pay": a relative pronoun right after a comma.
        if let Some(&(k, _)) = words.iter().take(6).find(|(_, w)| word_is_one_of(w, &["which"]))
            && ch[..k].iter().rev().find(|c| !c.is_whitespace()) == Some(&',')
        {
            return true;
        }
        let before: Vec<&[char]> = words.iter().map(|&(_, w)| w).collect();
        let copula = |w: &[char]| word_is_one_of(w, &["is", "that's", "it's", "was"]);
        if before.windows(2).skip(1).any(|w| word_is_one_of(w[0], &["what"]) && copula(w[1]))
            || before.windows(4).any(|w| {
                word_is_one_of(w[0], &["i", "we", "i'm", "we're"]) && word_is_one_of(w[2], &["the"]) && copula(w[3])
            })
        {
            return true;
        }
        // In the cue: "want them covered", "reverse them".
        let mut k = cue.start;
        while k < cue.end {
            if is_word_char(ch[k]) {
                let w = word_at(ch, k);
                if k > cue.start && word_is_one_of(w, &["it", "them"]) {
                    return true;
                }
                k += w.len();
            } else {
                k += 1;
            }
        }
        // Up to two words before it, in its clause ("them" only right before it: "I want them
        // covered", not "I want them to pay"; or before participles joined by "and": "I want
        // them removed and refunded").
        let participles = before
            .iter()
            .take_while(|w| word_is_one_of(w, &["and", "or"]) || (w.len() > 3 && w.ends_with(&['e', 'd'])))
            .count();
        before.iter().take(2).enumerate().any(|(n, w)| {
            word_is_one_of(w, &["it", "that", "this", "those"]) || (n == 0 && word_is_one_of(w, &["them"]))
        }) || (participles > 0 && before.get(participles).is_some_and(|w| word_is_one_of(w, &["them", "it"])))
    }

    /// Whether only a comma and a pronoun subject stand in [lo, hi) of an English sentence,
    /// between a sum and a clause that equates it with the demand: "$24,000, is what we are
    /// asking for", "£2,480 and that is what I am claiming", "USD 16,975, which is what …".
    fn equated(&self, lo: usize, hi: usize) -> bool {
        let ch = self.chars;
        if hi <= lo || hi - lo > 16 || !ch[lo..hi].iter().all(|c| c.is_ascii()) {
            return false;
        }
        let gap = text_of(ch, lo, hi);
        gap.chars().all(|c| c.is_ascii_alphabetic() || c == ' ' || c == ',')
            && gap.matches(',').count() <= 1
            && gap
                .split([' ', ','])
                .filter(|w| !w.is_empty())
                .all(|w| ["and", "that", "which", "this", "it"].iter().any(|l| w.eq_ignore_ascii_case(l)))
    }

    /// Whether an English sum opens its sentence as the subject of a clause at `verb` that
    /// equates it with the demand, with its modifiers between: "The remaining $5,230 between
    /// what you paid and the lower of the two quotes is what I'm owed". At most two words
    /// before it, at most twelve after it, and no clause break, $ or £ between.
    fn sum_as_subject(&self, a: &amount::AmountHit, verb: usize) -> bool {
        let ch = self.chars;
        if verb <= a.end || !ch[a.start].is_ascii() {
            return false;
        }
        let sentence = window_start(ch, a.start, 200, is_sentence_end);
        let lead: Vec<(usize, &[char])> = self.words_before(a.start, 3).collect();
        lead.len() <= 2
            && lead.last().is_none_or(|&(k, _)| ch[sentence..k].iter().all(|c| c.is_whitespace() || is_quote_mark(*c)))
            && !(a.end..verb).any(|i| is_clause_punct(ch, i) || ch[i] == '$' || ch[i] == '£')
            && units_between(ch, a.end, verb, 12 * WORD_UNITS) <= 12 * WORD_UNITS
    }

    /// Whether a Chinese demand verb for money drops its object, which then points back to the
    /// sum before it (这两项加起来236.40元，…，请退回。; 这两项加起来1,840元，应该由你们承担): nothing
    /// but 给我 and a particle follows the cue in its clause, and the clause names neither the
    /// object (把 / 将 …) nor the basis of the sum (按 …: 要求按保额赔付), nor is the cue a noun
    /// (损失) or 理赔 (要求尽快理赔).
    fn zero_object(&self, cue: &Hit) -> bool {
        let ch = self.chars;
        let money = money_cue(cue);
        if !money
            || !is_cjk(ch[cue.start])
            || ch[cue.start] == '理'
            || !matches!(ch[cue.end - 1], '回' | '还' | '付' | '退' | '偿' | '担' | '赔' | '销' | '返' | '来' | '给')
        {
            return false;
        }
        // Nor is the object a noun before the cue in its clause (多收的利息请退还, 钱要是扣错了得退
        // 回来), nor the demand a condition or someone's reported words (律师函说…，要求十五日内退回).
        let clause = window_start(ch, cue.start, 30, is_clause_punct);
        let sentence = window_start(ch, cue.start, 200, is_sentence_end);
        if ch[clause..cue.start]
            .iter()
            .any(|c| matches!(c, '把' | '将' | '按' | '照' | '依' | '钱' | '费' | '息' | '金' | '款' | '额'))
            || ch[sentence..cue.start].contains(&'说')
            || self.conditional.inside(clause, cue.start).next().is_some()
        {
            return false;
        }
        let mut tail = 0;
        let mut i = cue.end;
        while i < ch.len() && !is_clause_punct(ch, i) {
            if !ch[i].is_whitespace() {
                if !matches!(ch[i], '给' | '我' | '俺' | '来' | '吧' | '啊' | '呀' | '啦' | '嘛' | '就' | '行' | '好')
                {
                    return false;
                }
                tail += 1;
            }
            i += 1;
        }
        // (A colon opens what the cue asks for: 这个损失应该由银行承担：要求退还….)
        tail <= 4 && !matches!(ch.get(i), Some(':'))
    }

    /// Where an `[amount_anaphor]` of a demand cue may stand, in the cue's clause: from 8 units
    /// before a Chinese cue (6 before an English one) to 6 units after it.
    fn anaphor_window(&self, cue: &Hit) -> (usize, usize) {
        let ch = self.chars;
        let lo = window_start(ch, cue.start, if ch[cue.start].is_ascii() { 6 } else { 8 }, is_clause_punct);
        (lo, window_end(ch, cue.end, 6, is_clause_punct))
    }

    /// Whether a Chinese demand cue has an `[amount_anaphor]` for money itself near it (这笔钱,
    /// 这些钱, 这个钱; not 这笔贷款, 这笔消费), in its [`Ctx::anaphor_window`].
    fn money_anaphor(&self, cue: &Hit) -> bool {
        let ch = self.chars;
        let (lo, hi) = self.anaphor_window(cue);
        self.amount_anaphor.inside(lo, hi).any(|a| ch[a.end - 1] == '钱' || ch.get(a.end) == Some(&'钱'))
    }

    /// The index in `amounts` of the amount a Chinese demand cue with 全部 / 全额 in it or up to
    /// five characters before it (in its clause: 全部退还, 全部给我退回来) refers to: the one that
    /// ends the clause before, with only a unit (元, 块, 钱), spaces and punctuation between.
    fn all_of_amount_before(&self, cue: &Hit, amounts: &[amount::AmountHit]) -> Option<usize> {
        let ch = self.chars;
        let clause = window_start(ch, cue.start, 30, is_clause_punct);
        let lo = cue.start.saturating_sub(5).max(clause);
        let all = (lo..cue.end.saturating_sub(1)).any(|k| matches!((ch[k], ch[k + 1]), ('全', '部' | '额')));
        if !all || clause == 0 || !is_clause_punct(ch, clause - 1) {
            return None;
        }
        amounts.iter().rposition(|a| {
            a.end <= clause
                && (a.end..clause)
                    .all(|k| ch[k].is_whitespace() || is_clause_punct(ch, k) || matches!(ch[k], '元' | '块' | '钱'))
        })
    }

    /// The index in `amounts` of the sum a Chinese `[amount_anaphor]` names by its noun near a
    /// money demand cue (支付上述定损金额, 按上述基本保额给付, 退还上述全部保费): the sum right after
    /// the last earlier mention of that noun (定损金额为人民币壹拾贰万元, 共缴纳保费壹万捌仟元), with
    /// at most a copula, 人民币, 共 / 累计 or a colon between. The noun is the two to four Chinese
    /// characters after the anaphor (全部 / 的 skipped), or its last two when the whole is not
    /// found (上述保险金 → 保险金 …), or a total later in the sentence of that sum.
    fn named_antecedent(&self, cue: &Hit, amounts: &[amount::AmountHit]) -> Option<usize> {
        let ch = self.chars;
        let money = money_cue(cue);
        if !money || !is_cjk(ch[cue.start]) || amounts.is_empty() {
            return None;
        }
        let (lo, hi) = self.anaphor_window(cue);
        let anaphor = self.amount_anaphor.inside(lo, hi).next()?;
        let mut start = anaphor.end;
        for skip in ["全部", "全额", "的"] {
            start += amount::starts_with_at(ch, start, skip);
        }
        // (The noun ends before 的: 退还上述扣收的全部费用 → 扣收.)
        let mut end = start;
        while end < ch.len()
            && end - start < 4
            && is_cjk(ch[end])
            && ch[end] != '的'
            && !(cue.start..cue.end).contains(&end)
        {
            end += 1;
        }
        if end - start < 2 {
            return None;
        }
        // Only a copula, 人民币, a total word or a colon between the noun and the sum.
        let light = |a: usize, b: usize| {
            b >= a
                && b - a <= 6
                && ch[a..b].iter().all(|c| {
                    c.is_whitespace()
                        || matches!(c, '为' | '是' | '人' | '民' | '币' | '共' | '计' | '累' | '约' | ':' | '：')
                })
        };
        let noun_at = |noun: &[char]| {
            (0..anaphor.start.saturating_sub(noun.len() - 1)).rev().find_map(|k| {
                (ch[k..k + noun.len()] == *noun)
                    .then(|| amounts.iter().position(|a| a.start >= k + noun.len() && light(k + noun.len(), a.start)))
                    .flatten()
            })
        };
        let i = noun_at(&ch[start..end]).or_else(|| (end - start > 2).then(|| noun_at(&ch[end - 2..end])).flatten())?;
        // A total later in that sentence sums it up: 每年保费32,000元，至今已交三年，合计96,000元.
        let sentence_end = window_end(ch, amounts[i].end, 200, is_sentence_end);
        Some(
            (i + 1..amounts.len())
                .take_while(|&j| amounts[j].end <= sentence_end)
                .find(|&j| self.is_total(&amounts[j]))
                .unwrap_or(i),
        )
    }

    /// Whether the complainant is the one to receive in [lo, hi): "unless I get the missing
    /// $1,690 back", "unless we receive".
    fn receives(&self, lo: usize, hi: usize) -> bool {
        let mut words = self.chars[lo..hi].split(|c| !is_word_char(*c)).filter(|w| !w.is_empty());
        while let Some(w) = words.next() {
            if word_is_one_of(w, &["i", "we"]) {
                return words.next().is_some_and(|v| word_is_one_of(v, &["get", "receive", "see", "am", "are"]));
            }
        }
        false
    }

    /// Whether a personal subject (I, we, she, he; 我, 俺, 她, 他) stands in [lo, hi): "if I
    /// didn't pay", "如果我不还".
    fn person_subject(&self, lo: usize, hi: usize) -> bool {
        let ch = self.chars;
        let mut i = lo;
        while i < hi {
            if matches!(ch[i], '我' | '俺' | '她' | '他') {
                return true;
            }
            if is_word_char(ch[i]) {
                let start = i;
                while i < hi && is_word_char(ch[i]) {
                    i += 1;
                }
                if word_is_one_of(&ch[start..i], &["i", "we", "she", "he"]) {
                    return true;
                }
            } else {
                i += 1;
            }
        }
        false
    }

    /// Demand lists: a frame followed by a colon ("要求：1．退还…；2．…", "特提出如下要求：",
    /// "I request:") frames every item of the list that follows, up to the end of the list
    /// (。, a blank line, or `list_span` characters), across the item numbers and line breaks
    /// that end a sentence elsewhere. Returns (frame hit, list body start, list body end).
    fn demand_lists(&self) -> Vec<(&'a Hit, usize, usize)> {
        let s = self.settings;
        let chars = self.chars;
        let mut out = Vec::new();
        for f in self.frame.inside(0, chars.len()) {
            let upto = (f.end + s.list_colon_within).min(chars.len());
            let Some(colon) = (f.end..upto).find(|&i| matches!(chars[i], ':' | '：')) else { continue };
            if (f.end..colon).any(|i| is_sentence_end(chars, i)) {
                continue;
            }
            let limit = (colon + 1 + s.list_span).min(chars.len());
            let end = (colon + 1..limit)
                .find(|&i| chars[i] == '。' || (chars[i] == '\n' && chars.get(i + 1) == Some(&'\n')))
                .unwrap_or(limit);
            out.push((f, colon + 1, end));
        }
        out
    }

    fn demands(&self, default: Currency, category: Option<Category>) -> (Vec<Finding<DemandFinding>>, Vec<Money>) {
        let s = self.settings;
        struct Occ<'h> {
            hit: &'h Hit,
            kind: DemandKind,
            score: f32,
            evidence: Evidence,
            /// For a bare 赔 after 按: where 按 stands (the cue takes only an amount after it,
            /// before the cue or at most two units after it).
            by: Option<usize>,
            /// Framed by "should have" ("they should have paid $832"): what was owed, which gives
            /// way to another cue of its kind for a sum ("pay the $312 you owe me").
            owed: bool,
        }
        let mut occs: Vec<Occ> = Vec::new();
        let bare_kind = category.and_then(|c| s.bare_amount_kind.get(&c).copied());
        let lists = self.demand_lists();
        // Every amount of the text, in text order (found only when something may use them).
        let found = if self.demand.is_empty() && self.bare_frame.is_empty() {
            Vec::new()
        } else {
            amount::find_amounts(self.chars, default)
        };
        // Whether an amount lies inside [lo, hi). Amounts do not overlap, so the first one that
        // starts at or after `lo` decides.
        let amount_within =
            |lo: usize, hi: usize| found.get(found.partition_point(|a| a.start < lo)).is_some_and(|a| a.end <= hi);
        for h in &self.demand {
            let Group::Demand(mut kind) = h.group else { continue };
            let mut kind_from = None;
            // A bare English "pay" asks for the money the complaint is about: a claim in an
            // insurance claim complaint, the charge back in a fee or card complaint ("pay me the
            // $35"), damages in a service or privacy one (`[bare_amount_kind]`); or what the
            // demand words after it in its clause name ("pay £150 for the distress").
            if kind == DemandKind::ClaimPayment
                && self.chars[h.start].is_ascii_alphabetic()
                && text_of(self.chars, h.start, h.end).split(' ').all(|w| {
                    ["pay", "paid", "pays", "me", "us", "the", "be", "is"].iter().any(|p| w.eq_ignore_ascii_case(p))
                })
            {
                let clause_end = window_end(self.chars, h.end, s.frame_window, is_clause_punct);
                let named = self.demand.iter().find_map(|o| match o.group {
                    Group::Demand(k) if o.start >= h.end && o.end <= clause_end && k != DemandKind::ClaimPayment => {
                        Some((k, format!("kind from {:?} after it", quoted(self.chars, o.start, o.end))))
                    }
                    _ => None,
                });
                if let Some((k, why)) = named.or_else(|| {
                    bare_kind
                        .filter(|k| matches!(k, DemandKind::FullRefund | DemandKind::Compensation))
                        .map(|k| (k, "kind from the category".to_string()))
                }) {
                    kind = k;
                    kind_from = Some(why);
                }
            }
            // An ultimatum that names the sum frames its demand, and its negation does not
            // cancel it: "unless the $18,240.55 is paid", "If XXXX does not pay the remaining
            // $16,750", 除非全额退还60,000元. A conditional of weight 2 (unless, 除非) carries its
            // own negation; a plain one (if, 如果) needs a negation between it and the cue; a
            // counterfactual (weight below 1: 如果不是) never frames. Not when the complainant
            // or another person is the one to act ("if I didn't pay $2,200", "if she did not
            // pay"), and only with an amount in the clause.
            let clause = window_start(self.chars, h.start, s.frame_window, is_clause_punct);
            let ultimatum = self.conditional.inside(clause, h.start).find(|c| {
                // (The negation may open the cue, "If the remaining £868 is not paid", or be a
                // copula's, "isn't paid": not a `[negation]` term, since "if it isn't back in my
                // account" is a condition on a demand, not its negation.)
                (c.weight >= 2.0
                    || (c.weight >= 1.0
                        && (self.negation.inside(c.end, h.end).next().is_some()
                            || self
                                .words_before(h.start, 2)
                                .any(|(_, w)| word_is_one_of(w, &["isn't", "isnt", "aren't"])))))
                    && (!self.person_subject(c.end, h.start) || self.receives(c.end, h.start))
                    && amount_within(c.end, window_end(self.chars, h.end, s.frame_window, is_clause_punct))
            });
            // An unmarked ultimatum: a negated demand naming its sum, and the next clause opens
            // with the consequence (这次的2,000元不退回来，我就重新发; 这3万不退给我，我们就去告).
            let implicit_ultimatum = || {
                let end = window_end(self.chars, h.end, s.frame_window, is_clause_punct);
                let next = (end + 1..self.chars.len()).find(|&i| !self.chars[i].is_whitespace());
                matches!(self.chars.get(end), Some(',' | '，'))
                    && amount_within(clause, h.start)
                    && next.is_some_and(|n| {
                        // (Not a resignation: 就算了, 就这样吧.)
                        ["我就", "就", "我们就", "那我就", "那就", "俺就"].iter().any(|w| {
                            let len = amount::starts_with_at(self.chars, n, w);
                            len > 0 && !matches!(self.chars.get(n + len), Some('算' | '这' | '行' | '好' | '罢'))
                        })
                    })
            };
            if ultimatum.is_none()
                && self.negation_before(h.start, s.negation_window).is_some()
                && !implicit_ultimatum()
            {
                continue;
            }
            // A bare 赔 / 陪 (a one-character cue) asks for a sum only after 按 in its clause, at
            // most 14 units before it, with at most six characters before 按 in the clause and
            // none of them stating an entitlement or a fact: 要求按4S店报价13600元赔, 立刻按保额
            // 赔50万 (not 只赔了, 赔多少, 按说应该赔4200元, 只按轻度赔了6万).
            // Such a cue takes only an amount between 按 and it or right after it (`by`), and
            // none with 每 (a rate: 按每头1200元的保额赔); not in reported speech (你们说是推定
            // 全损，按实际价值给我赔7万3).
            let by = (h.end - h.start == 1 && !self.chars[h.start].is_ascii()).then(|| {
                let clause = window_start(self.chars, h.start, 14, is_clause_punct);
                let sentence = window_start(self.chars, h.start, 60, is_sentence_end);
                (clause..h.start).find(|&k| self.chars[k] == '按').filter(|&b| {
                    b - clause <= 6
                        && !self.chars[sentence..b].contains(&'说')
                        && !self.chars[clause..h.start]
                            .iter()
                            .any(|c| matches!(c, '应' | '该' | '只' | '仅' | '才' | '已' | '每'))
                        && !matches!(
                            self.chars.get(h.end),
                            Some('了' | '咗' | '的' | '过' | '钱' | '金' | '款' | '额' | '率')
                        )
                        && !matches!(self.chars[h.start - 1], '免' | '拒' | '理' | '索' | '应' | '该' | '照')
                })
            });
            if by.is_some_and(|b| b.is_none()) {
                continue;
            }
            let by = by.flatten();
            // A faint cue (weight below `close_frame_below`: "paid") needs its frame close by, in
            // its clause: "I want the full death benefit of $250,000 paid", not "I want my money
            // back, all that I paid".
            let lo = if h.weight < s.close_frame_below {
                window_start(self.chars, h.start, s.close_frame_window, is_clause_punct)
            } else {
                window_start(self.chars, h.start, s.frame_window, is_sentence_end)
            };
            let frame = self
                .frame
                .inside(lo, h.start)
                .next()
                .or_else(|| {
                    lists
                        .iter()
                        .find(|(_, body_start, body_end)| (*body_start..*body_end).contains(&h.start))
                        .map(|l| l.0)
                })
                .or(ultimatum)
                .or_else(|| {
                    // 把 / 将 + an amount as the object of the demand verb: "你们就把那二十万赔
                    // 给我", "把扣掉的680元退给我" (no clause break between).
                    let clause = window_start(self.chars, h.start, s.amount_object_window, is_clause_punct);
                    self.amount_object.inside(clause, h.start).find(|o| amount_within(o.end, h.start))
                });
            // The complainant's own act: "so I can pay for the roof", "how I am supposed to pay".
            if self.chars[h.start].is_ascii_alphabetic()
                && !word_is_one_of(word_at(self.chars, h.start), &["want", "wants", "need", "expect", "like", "ask"])
                && {
                    let mut words = self.words_before(h.start, 5).map(|(_, w)| w);
                    words.find(|w| !word_is_one_of(w, OWN_ACT_AUX)).is_some_and(|w| word_is_one_of(w, &["i", "we"]))
                }
            {
                continue;
            }
            // A negated frame on a pronoun asks for nothing: "I'm not asking for that back" (not
            // "I am not asking for anything beyond …", "things he didn't ask for closed").
            if frame.is_some_and(|f| {
                f.weight >= 1.0 && self.negation_before(f.start, 2).is_some() && {
                    let next = (f.end..h.start).find(|&i| !self.chars[i].is_whitespace()).unwrap_or(h.start);
                    next < h.start
                        && word_is_one_of(word_at(self.chars, next), &["that", "it", "this", "them", "those"])
                }
            }) {
                continue;
            }
            // An English imperative (the sentence starts with the demand: "Pay the $4,650
            // claim.", "2. Refund my 500 dollars") is framed by itself. (A Chinese sentence that
            // starts with a demand word is as often a noun phrase: 赔付金额为….)
            let imperative = frame.is_none()
                && self.chars[h.start].is_ascii_alphabetic()
                // (A noun phrase is no order: "A refund of $212.00 was received".)
                && !word_is_one_of(word_at(self.chars, h.start), &["a", "an", "the"])
                && {
                let sentence = window_start(self.chars, h.start, 200, is_sentence_end);
                // Bullets and spaces, then at most two softeners: "Just pay the $340 already.",
                // "so just pay the 3200 dollar estimate".
                let lead = || {
                    self.chars[sentence..h.start]
                        .iter()
                        .filter(|c| {
                            !(c.is_whitespace() || is_quote_mark(**c) || matches!(c, '-' | '*' | '•' | ')' | '）'))
                        })
                        .map(|c| c.to_ascii_lowercase())
                };
                lead().nth(12).is_none() && {
                    let lead: String = lead().collect();
                    SOFTENERS.iter().any(|a| {
                        SOFTENERS
                            .iter()
                            .any(|b| lead.len() == a.len() + b.len() && lead.starts_with(a) && lead.ends_with(b))
                    })
                }
            };
            // So is a demand cue joined by "and" to a sentence that opens with an imperative verb:
            // "Reprocess the claim at the in-network rate and pay the $7,480.", "Give me my car
            // back and pay me the $2,300 for my tools."
            // (A speaker label and softeners may come first: "Customer: Then approve the
            // estimate today and reimburse me the $612.40".)
            let imperative = imperative
                || (frame.is_none() && self.chars[h.start].is_ascii_alphabetic() && {
                    let sentence = window_start(self.chars, h.start, 200, is_sentence_end);
                    let mut k = h.start;
                    while k > sentence && self.chars[k - 1] == ' ' {
                        k -= 1;
                    }
                    let and = k >= sentence + 4 && text_of(self.chars, k - 4, k).eq_ignore_ascii_case(" and");
                    and && self.opening_imperative(sentence, h.start).is_some()
                });
            // A Chinese sentence that starts with a demand verb and names the sum in the verb's
            // clause is an imperative too: 退我40块！, 还给我1,260元, 退我3,600元！, 退回258元年费,
            // 退我多收的手续费864.00元 (not a noun phrase: 退还金额为…, 理赔款…, 赔付的…).
            let imperative = imperative
                || (frame.is_none()
                    && matches!(self.chars[h.start], '退' | '还' | '赔' | '补' | '返' | '给' | '打' | '付')
                    && !text_of(self.chars, h.start, h.end).ends_with('了')
                    && self.chars[window_start(self.chars, h.start, 200, is_sentence_end)..h.start]
                        .iter()
                        .all(|c| c.is_whitespace())
                    && !matches!(
                        self.chars.get(h.end),
                        Some('金' | '款' | '额' | '的' | '时' | '为' | '是' | '后' | '了' | '标')
                    )
                    && amount_within(h.end, window_end(self.chars, h.end, s.frame_window, is_clause_punct)));
            // 按 opening its clause before a bare 赔 is an imperative too: 按4S店报价3万5赔.
            let imperative = imperative
                || by.is_some_and(|b| {
                    self.chars[window_start(self.chars, b, 14, is_clause_punct)..b].iter().all(|c| c.is_whitespace())
                });
            if frame.is_none() && !imperative && h.weight < s.unframed_demand_min {
                continue;
            }
            // A fact, not a demand: 只赔了2万, 已经退了, they only paid $500 — a `[demand_fact]`
            // adverb right before the cue (at most one unit between); or one of weight 2 (仅按,
            // 只按) within `fact_window` units before it (仅按现金价值退还) — with no frame after it.
            let near = window_start(self.chars, h.start, 1, is_clause_punct);
            let fact_lo = window_start(self.chars, h.start, s.fact_window, is_clause_punct);
            if self.fact.inside(fact_lo.min(near).saturating_sub(8), h.start).any(|f| {
                (f.end >= near || (f.weight >= 2.0 && f.start >= fact_lo))
                    && !self.frame.inside(fact_lo, h.start).any(|fr| fr.end > f.start)
            }) {
                continue;
            }
            let term = quoted(self.chars, h.start, h.end);
            let mut spans = vec![h.span()];
            let note = match frame {
                Some(f) => {
                    spans.insert(0, f.span());
                    format!("cue {term:?} {} framed by {:?}", h.weight, quoted(self.chars, f.start, f.end))
                }
                None if imperative && by.is_some() => {
                    format!("cue {term:?} {}, imperative (按 opens its clause)", h.weight)
                }
                None if imperative => format!("cue {term:?} {}, imperative (starts its sentence)", h.weight),
                None => format!("cue {term:?} {}", h.weight),
            };
            let note = match kind_from {
                Some(why) => format!("{note}; {why}"),
                None => note,
            };
            let framed = frame.is_some() || imperative;
            let score = (h.weight + if framed { s.frame_boost } else { 0.0 }).min(1.0);
            let owed = frame.is_some_and(|f| {
                word_is_one_of(word_at(self.chars, f.start), &["should"]) && {
                    let next = (f.end..h.start).find(|&i| !self.chars[i].is_whitespace());
                    next.is_some_and(|n| word_is_one_of(word_at(self.chars, n), &["have"]))
                }
            });
            occs.push(Occ {
                hit: h,
                kind,
                score,
                evidence: Evidence { rule: format!("demand.{}", kind.code()), spans, note },
                by,
                owed,
            });
        }
        // Amounts belong to the nearest demand cue in the same sentence.
        let mut amounts: BTreeMap<DemandKind, Vec<(Money, Span)>> = BTreeMap::new();
        // Amounts no cue took (and not facts): candidates for a bare demand or a pronoun.
        let mut unassigned: Vec<amount::AmountHit> = Vec::new();
        if !occs.is_empty() || bare_kind.is_some() {
            // A cue of what was owed gives way to another cue of its kind (computed once: this
            // loop runs for every amount).
            let gives_way: Vec<bool> =
                occs.iter().map(|o| o.owed && occs.iter().any(|p| p.kind == o.kind && !p.owed)).collect();
            for &a in &found {
                // An amount right after an `[amount_fact]` (已赔5.6万, 只赔了3,100元, only paid $500)
                // states what happened, not what is demanded.
                if self.amount_fact.inside(a.start.saturating_sub(12), a.start).any(|f| f.end + 2 >= a.start) {
                    continue;
                }
                // A rate is not a sum demanded: "and to pay the full $220 per day going forward".
                if a.money.currency != Currency::Cny && is_rate_after(self.chars, a.end) {
                    unassigned.push(a);
                    continue;
                }
                // A total after the cue may stand further away in its sentence: "Refund the
                // wire fee and the undisclosed exchange margin, a total of $212.40", 共计5万元,
                // "reverse all three charges, $194.00 altogether".
                let total = self.is_total(&a);
                let mut best: Option<(usize, DemandKind)> = None;
                for (o, &gives_way) in occs.iter().zip(&gives_way) {
                    if o.by.is_some_and(|b| a.start < b) || gives_way {
                        continue;
                    }
                    // After a bare 赔: right after it (赔50万), or as the next clause when that
                    // clause states only the sum (要求按全损赔，八千块; 按实际费用赔，一共6,300元).
                    if o.by.is_some() && a.start >= o.hit.end {
                        // (Cheap first: this runs for every amount after every such cue.)
                        if a.start - o.hit.end > s.amount_after * MAX_WORD_CHARS {
                            continue;
                        }
                        let breaks = (o.hit.end..a.start).filter(|&i| is_clause_punct(self.chars, i)).count();
                        let next_clause = || {
                            let clause = window_start(self.chars, a.start, 12, is_clause_punct);
                            let lead = self.chars[clause..a.start].iter().filter(|c| !c.is_whitespace());
                            units_between(self.chars, o.hit.end, clause, 3) <= 1
                                && lead.clone().count() <= 8
                                && !lead.clone().any(|c| matches!(c, '只' | '仅' | '才' | '已' | '了' | '每'))
                                && !self.chars[a.end..window_end(self.chars, a.end, 4, is_clause_punct)]
                                    .iter()
                                    .any(|c| is_cjk(*c) && !matches!(c, '元' | '块' | '钱'))
                        };
                        if !(breaks == 0 && units_between(self.chars, o.hit.end, a.start, 3) <= 2
                            || breaks == 1 && next_clause())
                        {
                            continue;
                        }
                    }
                    let (limit, stop): (usize, Stop) = if o.by.is_some() && a.start >= o.hit.end {
                        (20, is_sentence_end)
                    } else if a.start >= o.hit.end {
                        (if total { s.amount_after * 3 } else { s.amount_after }, is_sentence_end)
                    } else if self.demonstrative_topic(&a, o.hit, &found) {
                        (s.amount_before * 2 + 1, is_sentence_end)
                    } else {
                        (s.amount_before + 1, is_clause_punct)
                    };
                    // Far apart in characters: no need to count units (a word of a unit pair is
                    // at most `MAX_WORD_CHARS` long here).
                    let gap =
                        if a.start >= o.hit.end { a.start - o.hit.end } else { o.hit.start.saturating_sub(a.end) };
                    if gap > limit * MAX_WORD_CHARS {
                        continue;
                    }
                    // Distance in units (an English word counts `WORD_UNITS`).
                    let (d, lo, hi) = if a.start >= o.hit.end {
                        (units_between(self.chars, o.hit.end, a.start, limit), o.hit.end, a.start)
                    } else if a.end <= o.hit.start {
                        (units_between(self.chars, a.end, o.hit.start, limit) + 1, a.end, o.hit.start)
                    } else {
                        continue;
                    };
                    if d > limit || (lo..hi).any(|i| stop(self.chars, i) && !self.amount_ends_clause(&a, i, hi, &found))
                    {
                        continue;
                    }
                    if best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, o.kind));
                    }
                }
                if let Some((_, kind)) = best {
                    amounts.entry(kind).or_default().push((a.money, Span::new(a.start, a.end)));
                } else {
                    unassigned.push(a);
                }
            }
        }
        // When no cue took an amount: a request frame right before an amount, with no demand
        // word: "I am asking for the additional 4,600 dollars", "I want $2,150.00 for the lost
        // wages" (`[bare_amount_frame]`). The kind comes from the complaint's category
        // (`[bare_amount_kind]`).
        if let Some(kind) = bare_kind.filter(|_| amounts.is_empty()) {
            unassigned.retain(|a| {
                // A rate is not the sum: "the other six days at $200 a day, so $1,200".
                if is_rate_after(self.chars, a.end) {
                    return true;
                }
                let mut lo = window_start(self.chars, a.start, s.bare_amount_window, is_clause_punct);
                // An amount in apposition right after a comma keeps the frame of the clause
                // before: "I'm asking for the difference, 1,450 pounds, so …", "I'm asking for
                // the rest of my premium, $1,387.83."
                // So does one after ", and": "I want it reopened, and 50 quid for my phone bill".
                let and_start = text_of(self.chars, lo, a.start).trim().eq_ignore_ascii_case("and");
                if lo > 0 && (and_start || self.chars[lo..a.start].iter().all(|&c| c == ' ')) {
                    let comma = lo - 1;
                    if self.chars[comma] == ',' {
                        lo = window_start(self.chars, comma, s.bare_amount_window, is_clause_punct);
                    }
                }
                // Not a request to explain the sum: "I just want somebody to put in writing how
                // you got from sixteen thousand down to …".
                let explain = |from: usize| {
                    (from..a.start).any(|k| {
                        (k == 0 || !is_word_char(self.chars[k - 1]))
                            && word_is_one_of(word_at(self.chars, k), &["how", "why", "whether", "explain"])
                    })
                };
                let before = self.bare_frame.inside(lo, a.start).find(|f| f.weight < 2.0 && !explain(f.end));
                // A weight-2 marker follows the amount instead, at most three units after it (a
                // noun between): 3.5万一分不能少, 30万保额一分不能少, 把¥12,000打到我账户上.
                let Some(f) = before
                    .or_else(|| {
                        self.bare_frame.inside(a.end, (a.end + 96).min(self.chars.len())).find(|f| {
                            f.weight >= 2.0
                                && ((units_between(self.chars, a.end, f.start, 4) <= 3
                                    && !(a.end..f.start).any(|i| is_clause_punct(self.chars, i)))
                                    || self.equated(a.end, f.start)
                                    || self.sum_as_subject(a, f.start))
                        })
                    })
                    // An English imperative whose opening verb takes the sum as its object, at most
                    // six units on, in its clause: "Put the £72 back", "Send the other $25,020.",
                    // "Please settle the £6,240 now.", "Release Daniel's $6,450.12 to the estate."
                    .or_else(|| {
                        let sentence = window_start(self.chars, a.start, 200, is_sentence_end);
                        let verb = self.opening_imperative(sentence, a.start)?;
                        (units_between(self.chars, verb.end, a.start, 8) <= 6
                            && !(verb.end..a.start).any(|i| is_clause_punct(self.chars, i)))
                        .then_some(verb)
                    })
                else {
                    return true;
                };
                amounts.entry(kind).or_default().push((a.money, Span::new(a.start, a.end)));
                occs.push(Occ {
                    hit: f,
                    kind,
                    score: (f.weight + s.frame_boost).min(1.0) * 0.5,
                    evidence: Evidence {
                        rule: format!("demand.{}", kind.code()),
                        spans: vec![f.span(), Span::new(a.start, a.end)],
                        note: format!(
                            "amount {} {:?}, no demand word: kind from the category",
                            if f.start >= a.end { "before" } else { "after frame" },
                            text_of(self.chars, f.start, f.end)
                        ),
                    },
                    by: None,
                    owed: false,
                });
                false
            });
        }
        // A cue that points back to an amount: a pronoun for one of the sentence before or
        // earlier in the sentence ("The policy is for $8,000.00. Please pay it.", "I want that
        // refunded", "all of it back"), or 全部 / 全额 for the one that ends the clause before
        // (扣了一年，1260元！要求全部退还; 保费一万八 全部给我退回来). A sum named by the object's
        // own noun comes first: in "I want that premium refunded" "that" is a determiner.
        for o in &occs {
            if amounts.contains_key(&o.kind) {
                continue;
            }
            let by_pronoun = || {
                let sentence = window_start(self.chars, o.hit.start, 200, is_sentence_end);
                // The sentence before, over blank lines: "In all that is £127.20.\n\nPlease
                // refund that amount."
                let mut k = sentence;
                while k > 0 && (self.chars[k - 1].is_whitespace() || is_sentence_end(self.chars, k - 1)) {
                    k -= 1;
                }
                let prev = window_start(self.chars, k.saturating_sub(1), 200, is_sentence_end);
                // Not an estimate or a rate: "$117 in fees on less than $25 of groceries. Please
                // reverse them."
                let free = |a: &amount::AmountHit| {
                    is_cjk(self.chars[o.hit.start]) || !(self.rate_or_estimate(a, 1) || self.context_sum(a))
                };
                unassigned.iter().rposition(|a| a.start >= prev && a.end <= o.hit.start && free(a)).or_else(|| {
                    // A Chinese anaphor for money itself (这笔钱, 这些钱) reaches one more sentence back
                    // over a sentence without a sum: 一共扣了我1,380块。主险是我自己买的没问题。这笔钱我要求全部退回.
                    if !is_cjk(self.chars[o.hit.start]) || !self.money_anaphor(o.hit) {
                        return None;
                    }
                    let before = window_start(self.chars, prev.saturating_sub(1), 200, is_sentence_end);
                    unassigned.iter().rposition(|a| a.start >= before && a.end <= o.hit.start)
                })
            };
            // A dropped Chinese object: the last sum before the cue in its sentence, or in the
            // sentence before when its own names none.
            let zero_object = || {
                let sentence = window_start(self.chars, o.hit.start, 200, is_sentence_end);
                // (Amounts are in text order and do not overlap: the first one from the sentence
                // start decides.)
                if found.get(found.partition_point(|a| a.start < sentence)).is_some_and(|a| a.end <= o.hit.start) {
                    return unassigned.iter().rposition(|a| a.start >= sentence && a.end <= o.hit.start);
                }
                let prev = window_start(self.chars, sentence.saturating_sub(1), 200, is_sentence_end);
                unassigned.iter().rposition(|a| a.start >= prev && a.end <= o.hit.start)
            };
            let pointed = if self.pronoun_object(o.hit) {
                by_pronoun()
            } else if self.zero_object(o.hit) {
                zero_object()
            } else {
                None
            };
            // A list the object counts comes before a noun's single sum; one it only calls
            // several ("those charges") after it, and before a pronoun's sum of the sentence
            // before ("those" may be the determiner of "those charges").
            // (Only for money: not for a bare "pay" that took its kind from the interest after
            // it, "pay the death benefit plus the interest the state requires".)
            let money = asks_money(o.kind);
            let one = |i: usize| vec![i];
            let picked = self
                .named_antecedent(o.hit, &unassigned)
                .map(one)
                .or_else(|| self.listed_sums(o.hit, &unassigned, true).filter(|_| money))
                .or_else(|| self.noun_antecedent(o.hit, &unassigned).filter(|_| money).map(one))
                .or_else(|| self.listed_sums(o.hit, &unassigned, false).filter(|_| money))
                .or_else(|| pointed.map(one))
                .or_else(|| self.all_of_amount_before(o.hit, &unassigned).map(one));
            if let Some(picked) = picked {
                let listed: Vec<amount::AmountHit> = picked.iter().map(|&i| unassigned[i]).collect();
                for &i in picked.iter().rev() {
                    unassigned.remove(i);
                }
                amounts.entry(o.kind).or_default().push(sum_of(&listed));
            }
        }
        let mut per: BTreeMap<DemandKind, (f32, Vec<Evidence>)> = BTreeMap::new();
        for o in occs {
            let e = per.entry(o.kind).or_default();
            e.0 = e.0.max(o.score);
            e.1.push(o.evidence);
        }
        let mut totals: BTreeMap<Currency, i64> = BTreeMap::new();
        let mut out = Vec::new();
        for (kind, (score, mut evidence)) in per {
            let mut amount: Option<Money> = None;
            let mut seen: Vec<Money> = Vec::new();
            for (m, span) in amounts.remove(&kind).unwrap_or_default() {
                evidence.push(Evidence {
                    rule: "demand.amount".into(),
                    spans: vec![span],
                    note: format!("amount {}", m.display()),
                });
                if !seen.contains(&m) {
                    seen.push(m);
                }
            }
            // An amount that is the sum of the others states their total: "the $45 wire fee and
            // the $25 correspondent fee refunded, $70 in total".
            let total_of_rest = (seen.len() >= 3)
                .then(|| {
                    seen.iter().position(|t| {
                        seen.iter().all(|m| m.currency == t.currency)
                            && seen.iter().filter(|m| *m != t).try_fold(0i64, |acc, m| acc.checked_add(m.minor))
                                == Some(t.minor)
                    })
                })
                .flatten();
            if let Some(i) = total_of_rest {
                seen = vec![seen[i]];
            }
            for m in seen {
                *totals.entry(m.currency).or_default() =
                    totals.get(&m.currency).copied().unwrap_or(0).saturating_add(m.minor);
                amount = match amount {
                    None => Some(m),
                    Some(a) if a.currency == m.currency => {
                        Some(Money::new(a.minor.saturating_add(m.minor), a.currency))
                    }
                    keep => keep,
                };
            }
            evidence.sort_by_key(|ev| ev.spans.first().copied());
            out.push(Finding { value: DemandFinding { kind, amount }, score: round3(score), evidence });
        }
        let total = totals.into_iter().map(|(c, minor)| Money::new(minor, c)).collect();
        (out, total)
    }

    fn markers(&self, demands: &[Finding<DemandFinding>]) -> Vec<Finding<Marker>> {
        let s = self.settings;
        let empty = Vec::new();
        let cues = |m: MarkerCue| self.marker.get(&m).unwrap_or(&empty);
        let mut out = Vec::new();
        // Mis-selling allegation together with a full-refund demand (DOMAIN §7 signals 1+4).
        let misleading = cues(MarkerCue::SalesMisleading);
        if let Some(refund) = demands.iter().find(|d| d.value.kind == DemandKind::FullRefund)
            && !misleading.is_empty()
        {
            let mut evidence = term_evidence("marker.sales_misleading", misleading, self.chars);
            evidence.extend(refund.evidence.iter().filter(|e| e.rule == "demand.full_refund").cloned());
            out.push(Finding { value: Marker::SalesMisleadingCombo, score: 0.9, evidence });
        }
        // Articles of law cited.
        let citations = self.law_citations(cues(MarkerCue::LegalCitation));
        if !citations.is_empty() {
            let n = citations.len();
            out.push(Finding {
                value: Marker::LegalBoilerplate,
                score: round3(0.5 + 0.15 * (n - 1) as f32),
                evidence: citations,
            });
        }
        let rep = cues(MarkerCue::Representative);
        if !rep.is_empty() {
            let evidence = term_evidence("marker.representative", rep, self.chars);
            let score = round3(0.6 + 0.1 * (evidence.len() - 1) as f32);
            out.push(Finding { value: Marker::Representative, score, evidence });
        }
        let scripted = term_evidence("marker.scripted", cues(MarkerCue::Scripted), self.chars);
        if scripted.len() >= s.scripted_min.max(1) {
            let score = round3(scripted.len() as f32 / (2 * s.scripted_min.max(1)) as f32);
            out.push(Finding { value: Marker::Scripted, score, evidence: scripted });
        }
        // A formal letter: a closing formula (此致 敬礼, Sincerely) on a text of several lines,
        // or any letter-form cue on a text longer than `long_letter_chars`.
        let letter = cues(MarkerCue::LetterForm);
        let closing = cues(MarkerCue::LetterClosing);
        let lines = if closing.is_empty() { 0 } else { self.chars.iter().filter(|c| **c == '\n').count() };
        let by_form = !closing.is_empty() && lines >= s.letter_min_lines;
        let by_length = self.chars.len() > s.long_letter_chars && !(letter.is_empty() && closing.is_empty());
        if by_form || by_length {
            let mut evidence = term_evidence("marker.letter_form", letter, self.chars);
            evidence.extend(term_evidence("marker.letter_closing", closing, self.chars));
            evidence.sort_by_key(|e| e.spans.first().copied());
            let score = round3(0.5 + 0.25 * (evidence.len().max(1) - 1) as f32);
            evidence.push(if by_form {
                Evidence {
                    rule: "marker.lines".into(),
                    spans: vec![],
                    note: format!("{} line breaks ≥ {} with a closing formula", lines, s.letter_min_lines),
                }
            } else {
                Evidence {
                    rule: "marker.length".into(),
                    spans: vec![Span::new(0, self.chars.len())],
                    note: format!("{} characters > {}", self.chars.len(), s.long_letter_chars),
                }
            });
            out.push(Finding { value: Marker::LongFormalLetter, score, evidence });
        }
        out.sort_by_key(|f| f.value);
        out
    }

    /// 《…法》第…条, "Article 16", "Section 609", "§ 1681".
    fn law_citations(&self, word_cues: &[&Hit]) -> Vec<Evidence> {
        let ch = self.chars;
        let mut out = Vec::new();
        let mut i = 0;
        while i < ch.len() {
            if ch[i] != '《' {
                i += 1;
                continue;
            }
            let Some(close) = (i + 1..ch.len().min(i + 40)).find(|&j| ch[j] == '》') else {
                i += 1;
                continue;
            };
            let is_law = close > i + 1 && matches!(ch[close - 1], '法' | '典' | '例' | '定' | '则' | '释');
            let mut k = close + 1;
            while k < ch.len() && ch[k] == ' ' {
                k += 1;
            }
            if is_law
                && k < ch.len()
                && ch[k] == '第'
                && let Some(t) = (k + 1..ch.len().min(k + 10)).find(|&j| ch[j] == '条')
            {
                out.push(Evidence {
                    rule: "marker.legal_citation".into(),
                    spans: vec![Span::new(i, t + 1)],
                    note: format!("cites {}", text_of(ch, i, t + 1)),
                });
                i = t + 1;
                continue;
            }
            i = close + 1;
        }
        for h in word_cues {
            let term = text_of(ch, h.start, h.end);
            if term.starts_with(|c: char| c.is_ascii_alphabetic() || c == '§') {
                // "U.S.C. 1681i", "§ 1681", "Section 609": skip the abbreviation's dot and spaces.
                let mut k = h.end;
                while k < ch.len() && matches!(ch[k], ' ' | '.') {
                    k += 1;
                }
                let d0 = k;
                while k < ch.len() && (ch[k].is_ascii_digit() || (ch[k] == '.' && k > d0)) {
                    k += 1;
                }
                if k > d0 {
                    out.push(Evidence {
                        rule: "marker.legal_citation".into(),
                        spans: vec![Span::new(h.start, k)],
                        note: format!("cites {}", text_of(ch, h.start, k)),
                    });
                }
            }
        }
        out.sort_by_key(|e| e.spans[0]);
        out
    }

    fn vulnerability(&self) -> Vec<Finding<Vulnerability>> {
        let s = self.settings;
        let mut per: BTreeMap<Vulnerability, Scored<&Hit>> = BTreeMap::new();
        for h in &self.vuln {
            if let Group::Vuln(v) = h.group {
                let e = per.entry(v).or_default();
                e.0.push((h.pat, h.weight));
                e.1.push(h);
            }
        }
        let mut ages = find_ages(self.chars);
        ages.retain(|a| a.0 >= s.elderly_age);
        let mut out = Vec::new();
        for &v in Vulnerability::ALL {
            let (cues, hits) = per.remove(&v).unwrap_or_default();
            let mut evidence = term_evidence(&format!("vulnerability.{}", v.code()), &hits, self.chars);
            let mut max = cues.iter().map(|c| c.1).fold(0.0f32, f32::max);
            let mut distinct: Vec<u32> = cues.iter().map(|c| c.0).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let mut n = distinct.len();
            if v == Vulnerability::Elderly {
                for &(age, span) in &ages {
                    let w = if age >= 75 { 0.9 } else { 0.8 };
                    max = max.max(w);
                    n += 1;
                    evidence.push(Evidence {
                        rule: "vulnerability.age".into(),
                        spans: vec![span],
                        note: format!("age {age}"),
                    });
                }
            }
            if n > 0 {
                evidence.sort_by_key(|e| e.spans[0]);
                let score = max + s.extra_cue_boost * (n - 1) as f32;
                out.push(Finding { value: v, score: round3(score), evidence });
            }
        }
        out
    }
}

/// Ages stated as 73岁, 七十三岁, 73 years old, 73-year-old.
fn find_ages(ch: &[char]) -> Vec<(u32, Span)> {
    let mut out = Vec::new();
    for i in 0..ch.len() {
        if ch[i] == '岁' {
            let mut s = i;
            while s > 0 && (ch[s - 1].is_ascii_digit() || "一二三四五六七八九十".contains(ch[s - 1])) {
                s -= 1;
            }
            if s < i
                && let Some(age) = parse_age(&ch[s..i])
            {
                out.push((age, Span::new(s, i + 1)));
            }
        } else if ch[i].is_ascii_digit() && (i == 0 || !ch[i - 1].is_ascii_alphanumeric()) {
            let mut k = i;
            while k < ch.len() && ch[k].is_ascii_digit() {
                k += 1;
            }
            let rest: String = ch[k..ch.len().min(k + 10)].iter().collect::<String>().to_ascii_lowercase();
            let tail = [" years old", "-year-old", " year old", " yrs old"].iter().find(|t| rest.starts_with(**t));
            if let Some(t) = tail
                && let Some(age) = parse_age(&ch[i..k])
            {
                out.push((age, Span::new(i, k + t.chars().count())));
            }
        }
    }
    out
}

fn parse_age(ch: &[char]) -> Option<u32> {
    if ch.iter().all(|c| c.is_ascii_digit()) {
        let s: String = ch.iter().collect();
        return s.parse().ok().filter(|&a: &u32| a > 0 && a < 130);
    }
    let d = |c: char| "一二三四五六七八九".chars().position(|x| x == c).map(|p| p as u32 + 1);
    match ch {
        ['十'] => Some(10),
        [a] => d(*a),
        ['十', b] => Some(10 + d(*b)?),
        [a, '十'] => Some(d(*a)? * 10),
        [a, '十', b] => Some(d(*a)? * 10 + d(*b)?),
        _ => None,
    }
}
