//! The reply checker: taboos in a handler's draft reply (Chinese and English), each with its
//! span and a suggested rewrite. Term lists are data (`data/assess/reply.toml`).
//!
//! - why-questions (为什么您… / why did you…): they sound accusatory; ask how/what instead;
//! - blame (您自己… / your fault);
//! - absolute refusals with no reason in the same or a neighbouring sentence;
//! - promises beyond authority (保证 / 一定全额 / guarantee);
//! - a refusal that names no escalation route (review, mediation, arbitration, court, 12378).
//!
//! Matching is case-insensitive substring search on the draft (a `*` inside a term matches up
//! to 8 characters; a term starting with a Latin letter or digit must start a word); a hit
//! that overlaps one of the kind's `except` phrases is not a hit.
//! [`evaluate`] scores the checker on a labelled corpus (`corpus/replies.jsonl`).

use super::{Bilingual, bad, check_version, lower_chars};
use crate::error::Error;
use crate::text::Span;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TabooKind {
    WhyQuestion,
    Blame,
    AbsoluteRefusal,
    OverPromise,
    MissingEscalation,
}

impl TabooKind {
    pub const ALL: &'static [TabooKind] = &[
        TabooKind::WhyQuestion,
        TabooKind::Blame,
        TabooKind::AbsoluteRefusal,
        TabooKind::OverPromise,
        TabooKind::MissingEscalation,
    ];
    pub fn code(self) -> &'static str {
        match self {
            TabooKind::WhyQuestion => "why_question",
            TabooKind::Blame => "blame",
            TabooKind::AbsoluteRefusal => "absolute_refusal",
            TabooKind::OverPromise => "over_promise",
            TabooKind::MissingEscalation => "missing_escalation",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            TabooKind::WhyQuestion => "“为什么”式质问",
            TabooKind::Blame => "指责客户",
            TabooKind::AbsoluteRefusal => "无理由的绝对拒绝",
            TabooKind::OverPromise => "超越权限的承诺",
            TabooKind::MissingEscalation => "未告知救济途径",
        }
    }
    pub fn parse(s: &str) -> Option<TabooKind> {
        TabooKind::ALL.iter().copied().find(|k| k.code() == s.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyFlag {
    pub kind: TabooKind,
    /// Character span in the draft.
    pub span: Span,
    /// The flagged words as written.
    pub matched: String,
    pub rewrite: Bilingual,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    terms: Vec<String>,
    #[serde(default)]
    except: Vec<String>,
    #[serde(default)]
    reasons: Vec<String>,
    zh: String,
    en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    refusals: Vec<String>,
    routes: Vec<String>,
    zh: String,
    en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReply {
    version: u32,
    why_question: RawKind,
    blame: RawKind,
    absolute_refusal: RawKind,
    over_promise: RawKind,
    missing_escalation: RawEscalation,
}

/// A term: lower-cased chars, optionally with one `*` gap.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    head: Vec<char>,
    tail: Option<Vec<char>>,
    /// The term starts with a Latin letter or digit: it must start a word.
    word_start: bool,
}

const GAP: usize = 8;

impl Term {
    fn new(s: &str) -> Option<Term> {
        let s = s.trim_matches(|c: char| c == '\n');
        if s.trim().is_empty() {
            return None;
        }
        let word_start = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        match s.split_once('*') {
            Some((h, t)) if !h.is_empty() && !t.is_empty() => {
                Some(Term { head: lower_chars(h), tail: Some(lower_chars(t)), word_start })
            }
            _ => Some(Term { head: lower_chars(s), tail: None, word_start }),
        }
    }
    /// Every occurrence in `hay` (lower-cased chars) as (start, end).
    fn find_all(&self, hay: &[char]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let n = self.head.len();
        if n == 0 || hay.len() < n {
            return out;
        }
        for i in 0..=hay.len() - n {
            if hay[i..i + n] != self.head[..] || (self.word_start && i > 0 && hay[i - 1].is_ascii_alphanumeric()) {
                continue;
            }
            match &self.tail {
                None => out.push((i, i + n)),
                Some(t) => {
                    let from = i + n;
                    let to = (from + GAP).min(hay.len().saturating_sub(t.len()));
                    if let Some(j) = (from..=to).find(|&j| j + t.len() <= hay.len() && hay[j..j + t.len()] == t[..]) {
                        out.push((i, j + t.len()));
                    }
                }
            }
        }
        out
    }
}

fn terms(list: &[String]) -> Vec<Term> {
    list.iter().filter_map(|s| Term::new(s)).collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct KindRules {
    terms: Vec<Term>,
    except: Vec<Term>,
    rewrite: Bilingual,
}

impl KindRules {
    fn from_raw(what: &str, r: RawKind) -> Result<KindRules, Error> {
        let t = terms(&r.terms);
        if t.is_empty() {
            return Err(bad(what, "needs at least one term"));
        }
        Ok(KindRules { terms: t, except: terms(&r.except), rewrite: Bilingual::new(r.zh, r.en) })
    }
    /// Hits that overlap no exception, leftmost-longest, without overlaps.
    fn hits(&self, hay: &[char]) -> Vec<(usize, usize)> {
        let excepted: Vec<(usize, usize)> = self.except.iter().flat_map(|t| t.find_all(hay)).collect();
        let mut all: Vec<(usize, usize)> = self
            .terms
            .iter()
            .flat_map(|t| t.find_all(hay))
            .filter(|(s, e)| !excepted.iter().any(|(xs, xe)| xs < e && s < xe))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out: Vec<(usize, usize)> = Vec::new();
        for h in all {
            if out.last().is_none_or(|l| h.0 >= l.1) {
                out.push(h);
            }
        }
        out
    }
}

/// `data/assess/reply.toml`, compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyChecker {
    why: KindRules,
    blame: KindRules,
    absolute: KindRules,
    reasons: Vec<Term>,
    promise: KindRules,
    refusals: Vec<Term>,
    routes: Vec<Term>,
    escalation_rewrite: Bilingual,
}

fn is_sentence_break(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';' | '\n')
}

/// Character range of the sentences around `pos`: its own, the one before and the one after.
fn neighbourhood(chars: &[char], s: usize, e: usize) -> (usize, usize) {
    let is_break = |i: usize| {
        is_sentence_break(chars[i]) || (chars[i] == '.' && chars.get(i + 1).is_none_or(|c| c.is_whitespace()))
    };
    let mut lo = s;
    let mut breaks = 0;
    while lo > 0 {
        if is_break(lo - 1) {
            breaks += 1;
            if breaks == 2 {
                break;
            }
        }
        lo -= 1;
    }
    let mut hi = e;
    let mut breaks = 0;
    while hi < chars.len() {
        if is_break(hi) {
            breaks += 1;
            if breaks == 2 {
                break;
            }
        }
        hi += 1;
    }
    (lo, hi)
}

impl ReplyChecker {
    pub fn from_toml(src: &str) -> Result<ReplyChecker, Error> {
        const WHAT: &str = "reply checker file";
        let r: RawReply = toml::from_str(src).map_err(|e| bad(WHAT, e.to_string()))?;
        check_version(WHAT, r.version)?;
        let reasons = terms(&r.absolute_refusal.reasons);
        let esc = r.missing_escalation;
        let (refusals, routes) = (terms(&esc.refusals), terms(&esc.routes));
        if refusals.is_empty() || routes.is_empty() {
            return Err(bad(WHAT, "[missing_escalation] needs refusals and routes"));
        }
        Ok(ReplyChecker {
            why: KindRules::from_raw("[why_question]", r.why_question)?,
            blame: KindRules::from_raw("[blame]", r.blame)?,
            absolute: KindRules::from_raw("[absolute_refusal]", r.absolute_refusal)?,
            reasons,
            promise: KindRules::from_raw("[over_promise]", r.over_promise)?,
            refusals,
            routes,
            escalation_rewrite: Bilingual::new(esc.zh, esc.en),
        })
    }

    /// The shipped checker.
    pub fn builtin() -> Result<ReplyChecker, Error> {
        ReplyChecker::from_toml(super::BUILTIN_REPLY)
    }

    /// Flag the taboos in a draft, in text order.
    pub fn check(&self, draft: &str) -> Vec<ReplyFlag> {
        let chars: Vec<char> = draft.chars().collect();
        let hay = lower_chars(draft);
        let text = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
        let mut flags = Vec::new();
        for (kind, rules) in [
            (TabooKind::WhyQuestion, &self.why),
            (TabooKind::Blame, &self.blame),
            (TabooKind::OverPromise, &self.promise),
        ] {
            for (s, e) in rules.hits(&hay) {
                flags.push(ReplyFlag {
                    kind,
                    span: Span::new(s, e),
                    matched: text(s, e),
                    rewrite: rules.rewrite.clone(),
                });
            }
        }
        let absolute = self.absolute.hits(&hay);
        for &(s, e) in &absolute {
            let (lo, hi) = neighbourhood(&hay, s, e);
            let window = &hay[lo..hi];
            if !self.reasons.iter().any(|t| !t.find_all(window).is_empty()) {
                flags.push(ReplyFlag {
                    kind: TabooKind::AbsoluteRefusal,
                    span: Span::new(s, e),
                    matched: text(s, e),
                    rewrite: self.absolute.rewrite.clone(),
                });
            }
        }
        let first_refusal = self.refusals.iter().flat_map(|t| t.find_all(&hay)).chain(absolute.iter().copied()).min();
        if let Some((s, e)) = first_refusal
            && !self.routes.iter().any(|t| !t.find_all(&hay).is_empty())
        {
            flags.push(ReplyFlag {
                kind: TabooKind::MissingEscalation,
                span: Span::new(s, e),
                matched: text(s, e),
                rewrite: self.escalation_rewrite.clone(),
            });
        }
        flags.sort_by_key(|f| (f.span.start, f.kind));
        flags
    }
}

/// A draft reply with the taboos a person found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelledReply {
    pub id: String,
    pub lang: String,
    pub text: String,
    pub expected: Vec<TabooKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Read a JSON-lines corpus (blank lines and lines starting with `//` are skipped).
pub fn parse_corpus(jsonl: &str) -> Result<Vec<LabelledReply>, Error> {
    let mut out = Vec::new();
    for (i, line) in jsonl.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with("//") {
            continue;
        }
        let r: LabelledReply =
            serde_json::from_str(l).map_err(|e| bad("reply corpus", format!("line {}: {e}", i + 1)))?;
        out.push(r);
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindScore {
    /// `None`: all kinds together (micro average).
    pub kind: Option<TabooKind>,
    pub true_pos: usize,
    pub false_pos: usize,
    pub false_neg: usize,
    /// Replies that have the kind (by the labels).
    pub support: usize,
    /// `None` when nothing was flagged (precision undefined).
    pub precision: Option<f64>,
    /// `None` when no reply has the kind.
    pub recall: Option<f64>,
}

impl KindScore {
    fn new(kind: Option<TabooKind>, tp: usize, fp: usize, fn_: usize) -> KindScore {
        let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
        KindScore {
            kind,
            true_pos: tp,
            false_pos: fp,
            false_neg: fn_,
            support: tp + fn_,
            precision: ratio(tp, tp + fp),
            recall: ratio(tp, tp + fn_),
        }
    }
}

/// A mistake: the reply, the kind, and whether it was flagged wrongly (`false_pos`) or missed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mistake {
    pub id: String,
    pub kind: TabooKind,
    pub false_pos: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplyEval {
    pub replies: usize,
    pub per_kind: Vec<KindScore>,
    pub micro: KindScore,
    pub mistakes: Vec<Mistake>,
}

/// Reply-level scores per kind: a kind counts once per reply, flagged or not.
pub fn evaluate(checker: &ReplyChecker, corpus: &[LabelledReply]) -> ReplyEval {
    let mut counts = [(0usize, 0usize, 0usize); 5];
    let mut mistakes = Vec::new();
    for r in corpus {
        let flags = checker.check(&r.text);
        for (i, k) in TabooKind::ALL.iter().enumerate() {
            let got = flags.iter().any(|f| f.kind == *k);
            let want = r.expected.contains(k);
            match (got, want) {
                (true, true) => counts[i].0 += 1,
                (true, false) => {
                    counts[i].1 += 1;
                    mistakes.push(Mistake { id: r.id.clone(), kind: *k, false_pos: true });
                }
                (false, true) => {
                    counts[i].2 += 1;
                    mistakes.push(Mistake { id: r.id.clone(), kind: *k, false_pos: false });
                }
                (false, false) => {}
            }
        }
    }
    let per_kind: Vec<KindScore> = TabooKind::ALL
        .iter()
        .zip(counts.iter())
        .map(|(k, (tp, fp, fn_))| KindScore::new(Some(*k), *tp, *fp, *fn_))
        .collect();
    let (tp, fp, fn_) = counts.iter().fold((0, 0, 0), |acc, c| (acc.0 + c.0, acc.1 + c.1, acc.2 + c.2));
    ReplyEval { replies: corpus.len(), per_kind, micro: KindScore::new(None, tp, fp, fn_), mistakes }
}
