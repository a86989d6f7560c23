//! Self-harm back-up: a binary naive Bayes model over the features of single sentences — in
//! Chinese, clauses (`Ctx::harm_units`) — with the category model's features (nb.rs: word
//! unigrams and word bigrams in English, character bigrams in Chinese) and word classes
//! (data/text/harm_classes.toml: means, places, farewells, …, so that a place no training
//! sentence names counts as its class), one model per language.
//!
//! Its training sentences come from the labelled corpus' `train` records of its language:
//! positive are the sentences that hold the lexicon's self-harm cue in records labelled
//! `self_harm_violence`, and the team's quotes (corpus/harm_quotes.jsonl); negative are all
//! sentences of records without that label (their near-misses included). A text the lexicon
//! found no self-harm in is flagged when one of its sentences scores at least the cut of its
//! language ([`super::nb::Fallback::self_harm`], [`super::nb::Fallback::self_harm_zh`]), with
//! that sentence as the evidence span. Why and how well: docs/DECISIONS.md, docs/QUALITY.md.
//!
//! The same model, without the word classes, is the threat clause model
//! (`NaiveBayes::train_veto`): positive are the units of escalation cues the rules accept in
//! records not labelled with that threat, negative those in records labelled with it.

use super::nb::{self, FeatureOpts};
use crate::fnv::FnvBuild;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// Word classes of data/text/harm_classes.toml.
#[derive(Debug, Default)]
struct Classes {
    names: Vec<String>,
    /// Feature id and name of each class ("@place") and of each pair `[a][b]`, a < b
    /// ("@means+@place"), made once so that scoring a sentence allocates no names.
    single: Vec<(u64, String)>,
    pair: Vec<Vec<(u64, String)>>,
    /// English word → its classes.
    en: HashMap<String, Vec<usize>>,
    /// Chinese terms (an automaton over all of them) and the class of each.
    zh: Option<aho_corasick::AhoCorasick>,
    zh_class: Vec<usize>,
}

/// The built-in word classes (data/text/harm_classes.toml; empty if the file does not parse,
/// which the tests rule out).
fn classes() -> &'static Classes {
    static C: OnceLock<Classes> = OnceLock::new();
    C.get_or_init(|| parse_classes(include_str!("../../data/text/harm_classes.toml")).unwrap_or_default())
}

fn parse_classes(text: &str) -> Result<Classes, toml::de::Error> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        en: BTreeMap<String, Vec<String>>,
        zh: BTreeMap<String, Vec<String>>,
    }
    let raw: Raw = toml::from_str(text)?;
    let mut c = Classes::default();
    let mut zh_terms: Vec<String> = Vec::new();
    for (english, table) in [(true, &raw.en), (false, &raw.zh)] {
        for (name, terms) in table {
            let i = match c.names.iter().position(|n| n == name) {
                Some(i) => i,
                None => {
                    c.names.push(name.clone());
                    c.names.len() - 1
                }
            };
            for t in terms {
                if english {
                    c.en.entry(t.to_lowercase()).or_default().push(i);
                } else {
                    zh_terms.push(t.clone());
                    c.zh_class.push(i);
                }
            }
        }
    }
    // Built once from the team's own file; a build failure leaves Chinese without classes.
    c.zh = aho_corasick::AhoCorasick::new(&zh_terms).ok();
    let feature = |name: String| (nb::word_feature_id(&name), name);
    c.single = c.names.iter().map(|a| feature(format!("@{a}"))).collect();
    c.pair = c.names.iter().map(|a| c.names.iter().map(|b| feature(format!("@{a}+@{b}"))).collect()).collect();
    Ok(c)
}

/// The class features of a sentence's model characters: "@class" for each class it has a term
/// of, "@a+@b" for each pair of them.
fn class_features(chars: &[char], english: bool, mut names: Option<&mut HashMap<u64, String>>) -> Vec<u64> {
    let c = classes();
    let mut present = vec![false; c.names.len()];
    if english {
        let mut word = String::new();
        for w in chars.split(|ch| !(nb::alnum(*ch) || *ch == '\'')).filter(|w| !w.is_empty()) {
            word.clear();
            word.extend(w);
            for i in c.en.get(&word).into_iter().flatten() {
                present[*i] = true;
            }
        }
    } else if let Some(ac) = &c.zh {
        let text: String = chars.iter().collect();
        for m in ac.find_overlapping_iter(&text) {
            present[c.zh_class[m.pattern().as_usize()]] = true;
        }
    }
    let on: Vec<usize> = (0..present.len()).filter(|i| present[*i]).collect();
    let mut out = Vec::new();
    let mut push = |(id, name): &(u64, String)| {
        if let Some(n) = names.as_deref_mut() {
            n.entry(*id).or_insert_with(|| name.clone());
        }
        out.push(*id);
    };
    for (k, a) in on.iter().enumerate() {
        push(&c.single[*a]);
        for b in &on[k + 1..] {
            push(&c.pair[*a][*b]);
        }
    }
    out
}

/// A sentence's features: the category model's (nb.rs) and, when `classes`, the class
/// features, each once.
fn sentence_features(
    chars: &[char],
    english: bool,
    classes: bool,
    mut names: Option<&mut HashMap<u64, String>>,
) -> Vec<(u64, u32)> {
    let mut ids = nb::feature_ids_of(chars, english, FeatureOpts::DEFAULT, names.as_deref_mut());
    if !classes {
        return ids;
    }
    let extra = class_features(chars, english, names);
    if !extra.is_empty() {
        ids.extend(extra.into_iter().map(|id| (id, 1)));
        ids.sort_unstable();
        ids.dedup_by_key(|(id, _)| *id);
    }
    ids
}

/// How many evidence features a score note lists.
const TOP_FEATURES: usize = 6;

/// Mass of the pooled feature distribution each class is smoothed towards (chosen with the
/// cut, docs/DECISIONS.md).
const MU: f64 = 1000.0;

/// Positive sentences a feature must occur in before it may raise a score.
const MIN_POSITIVE: u32 = 2;

/// The most one feature may add to a score (log odds), so that at least three features are
/// needed to reach the cut (docs/DECISIONS.md).
const MAX_WEIGHT: f32 = 6.0;

/// A feature found in at least this share of the negative sentences is common…
const COMMON_SHARE: f64 = 0.01;

/// …and adds at most this much (docs/DECISIONS.md).
const COMMON_MAX_WEIGHT: f32 = 1.0;

/// A trained sentence model (empty = untrained: scores nothing).
#[derive(Debug, Clone, Default)]
pub struct HarmModel {
    /// English (word) or Chinese (character) features.
    english: bool,
    /// Whether the word classes add features (the self-harm models; not the threat clause
    /// models, whose cues the classes do not describe).
    classes: bool,
    vocab: HashMap<u64, usize, FnvBuild>,
    /// Log ratio of a feature's (smoothed) share in positive to negative sentences.
    weights: Vec<f32>,
    /// The features of positive weight, by id: a small table (a few thousand entries, where
    /// `vocab` has hundreds of thousands) that bounds a score from above
    /// ([`HarmModel::score_folded_reaching`]).
    positive: HashMap<u64, f32, FnvBuild>,
    names: Vec<String>,
    /// Log ratio of positive to negative sentences.
    prior: f32,
    positives: usize,
    negatives: usize,
}

impl HarmModel {
    /// Train on positive and negative sentences of one language, with the word classes.
    pub fn train<'a>(
        english: bool,
        positive: impl IntoIterator<Item = &'a str>,
        negative: impl IntoIterator<Item = &'a str>,
    ) -> HarmModel {
        HarmModel::train_with(english, true, positive, negative)
    }

    /// [`HarmModel::train`], with or without the word classes' features.
    pub fn train_with<'a>(
        english: bool,
        classes: bool,
        positive: impl IntoIterator<Item = &'a str>,
        negative: impl IntoIterator<Item = &'a str>,
    ) -> HarmModel {
        let mut m = HarmModel { english, classes, ..HarmModel::default() };
        let mut names: HashMap<u64, String> = HashMap::new();
        let mut counts: Vec<[u32; 2]> = Vec::new();
        let mut totals = [0f64; 2];
        let mut docs = [0usize; 2];
        let pos = positive.into_iter().map(|s| (s, 0));
        let neg = negative.into_iter().map(|s| (s, 1));
        for (sentence, class) in pos.chain(neg) {
            docs[class] += 1;
            for (f, n) in sentence_features(&nb::norm_chars(sentence), english, classes, Some(&mut names)) {
                let next = m.vocab.len();
                let i = *m.vocab.entry(f).or_insert(next);
                if i == counts.len() {
                    counts.push([0, 0]);
                }
                counts[i][class] += n;
                totals[class] += f64::from(n);
            }
        }
        (m.positives, m.negatives) = (docs[0], docs[1]);
        if docs[0] == 0 || docs[1] == 0 {
            return HarmModel { english, classes, ..HarmModel::default() };
        }
        // Each class's feature distribution is smoothed towards the pooled one (Dirichlet prior of
        // mass MU): a feature never seen in the few positive sentences then weighs against
        // self-harm, where add-one smoothing would favour the small class for every rare word
        // (a name, a product) and flag sentences full of them.
        let all = totals[0] + totals[1];
        let (lp, ln) = ((totals[0] + MU).ln(), (totals[1] + MU).ln());
        m.weights = counts
            .iter()
            .map(|[p, n]| {
                let w = {
                    let (p, n) = (f64::from(*p), f64::from(*n));
                    let bg = MU * (p + n) / all;
                    ((p + bg).ln() - lp - (n + bg).ln() + ln) as f32
                };
                // Each cap answers a false alarm on real CFPB narratives (docs/DECISIONS.md): a
                // feature of fewer than MIN_POSITIVE positive sentences may lower a score but not
                // raise it ("to lie", "start with"); no feature adds more than MAX_WEIGHT ("see
                // any"); a word or pair common in ordinary sentences is style, not content, and
                // adds at most COMMON_MAX_WEIGHT ("would be", "see").
                let w = if f64::from(*n) >= COMMON_SHARE * docs[1] as f64 { w.min(COMMON_MAX_WEIGHT) } else { w };
                if *p < MIN_POSITIVE { w.min(0.0) } else { w.min(MAX_WEIGHT) }
            })
            .collect();
        m.positive = m.vocab.iter().map(|(id, i)| (*id, m.weights[*i])).filter(|(_, w)| *w > 0.0).collect();
        m.names = vec![String::new(); m.vocab.len()];
        for (id, i) in &m.vocab {
            m.names[*i] = names.remove(id).unwrap_or_default();
        }
        m.prior = (docs[0] as f64 / docs[1] as f64).ln() as f32;
        m
    }

    /// Whether the model was trained on both classes.
    pub fn is_trained(&self) -> bool {
        !self.weights.is_empty()
    }

    /// Training sentences: (positive, negative).
    pub fn sentences(&self) -> (usize, usize) {
        (self.positives, self.negatives)
    }

    /// Log odds of one sentence being a self-harm statement (prior plus the weights of its
    /// known features); `None` for an untrained model.
    pub fn score(&self, sentence: &str) -> Option<f32> {
        self.score_known(self.known(sentence))
    }

    /// The features of `sentence` that raised its score most.
    pub fn top_features(&self, sentence: &str) -> Vec<(String, f32)> {
        let mut top: Vec<(usize, f32)> =
            self.known(sentence).into_iter().map(|i| (i, self.weights[i])).filter(|(_, w)| *w > 0.0).collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| self.names[a.0].cmp(&self.names[b.0])));
        top.truncate(TOP_FEATURES);
        top.into_iter().map(|(i, w)| (self.names[i].clone(), w)).collect()
    }

    /// [`HarmModel::score`] of a sentence the analyser has already folded (`normalize::fold_char`)
    /// when it reaches `cut`; `Some(None)` when it does not, `None` for an untrained model. Most
    /// sentences are far below the cut, and the prior plus their positive weights alone (looked
    /// up in a small table) shows it without the whole vocabulary's lookups (the margin covers
    /// the other order of the float additions).
    pub(crate) fn score_folded_reaching(&self, sentence: &[char], cut: f32) -> Option<Option<f32>> {
        if !self.is_trained() {
            return None;
        }
        let chars = nb::model_chars_folded(sentence);
        if !self.english && self.bound_zh(&chars) < cut - 1e-3 {
            return Some(None);
        }
        let ids = sentence_features(&chars, self.english, self.classes, None);
        if self.english && self.prior + ids.iter().filter_map(|(f, _)| self.positive.get(f)).sum::<f32>() < cut - 1e-3 {
            return Some(None);
        }
        let score = self.score_known(self.in_vocab(ids))?;
        Some((score >= cut).then_some(score))
    }

    /// An upper bound of a Chinese sentence's score from its model characters: the prior plus
    /// the positive weights of its character bigrams (a repeated one counted each time) and of
    /// its class features, without building and sorting its feature list (the analyser asks it
    /// of every clause of every text).
    fn bound_zh(&self, chars: &[char]) -> f32 {
        let mut sum = self.prior;
        for w in chars.windows(2) {
            if !(nb::junk(w[0]) && nb::junk(w[1])) {
                sum += self.positive.get(&nb::bigram_id(w[0], w[1])).copied().unwrap_or(0.0);
            }
        }
        if self.classes {
            for id in class_features(chars, false, None) {
                sum += self.positive.get(&id).copied().unwrap_or(0.0);
            }
        }
        sum
    }

    fn score_known(&self, known: Vec<usize>) -> Option<f32> {
        self.is_trained().then(|| self.prior + known.iter().map(|i| self.weights[*i]).sum::<f32>())
    }

    fn known(&self, sentence: &str) -> Vec<usize> {
        self.in_vocab(sentence_features(&nb::norm_chars(sentence), self.english, self.classes, None))
    }

    fn in_vocab(&self, ids: Vec<(u64, u32)>) -> Vec<usize> {
        ids.into_iter().filter_map(|(f, _)| self.vocab.get(&f).copied()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_sentences_and_scores_unseen_ones() {
        let pos = [
            "i do not want to wake up tomorrow",
            "there is no point in going on",
            "no point going on like this",
            "i have the pills ready",
        ];
        let neg = ["the claim was refused in march", "i want my premium back", "please call me tomorrow"];
        let m = HarmModel::train(true, pos, neg);
        assert!(m.is_trained());
        assert_eq!(m.sentences(), (4, 3));
        let high = m.score("honestly there is no point going on").unwrap();
        let low = m.score("the refund was refused").unwrap();
        assert!(high > 0.0 && low < 0.0, "{high} {low}");
        let top = m.top_features("honestly there is no point going on");
        assert!(top.iter().any(|(f, _)| f == "no point"), "{top:?}");
        assert!(top.iter().all(|(_, w)| *w > 0.0));
        // A word of a single positive sentence ("pills") does not raise a score.
        assert!(m.top_features("the pills").is_empty());
        assert!(HarmModel::train(true, pos, []).score("anything").is_none());
    }

    #[test]
    fn a_model_without_classes_reads_only_the_words() {
        let pos =
            ["the collector said he would sue me", "their lawyer sent a letter", "the court hearing was last year"];
        let neg = ["i will sue you", "i am going to sue the bank", "i will take you to court"];
        let m = HarmModel::train_with(true, false, pos, neg);
        assert!(m.is_trained());
        assert!(m.score("the collector said so").unwrap() > m.score("i will").unwrap());
        // No class features: a place word adds nothing ("@place" exists only with classes).
        let with = HarmModel::train(true, ["i walked to the bridge", "the river again"], neg);
        let without = HarmModel::train_with(true, false, ["i walked to the bridge", "the river again"], neg);
        assert!(with.top_features("the reservoir and the bridge").iter().any(|(f, _)| f.starts_with('@')));
        assert!(without.top_features("the reservoir and the bridge").iter().all(|(f, _)| !f.starts_with('@')));
    }

    #[test]
    fn builtin_classes_parse() {
        let c = parse_classes(include_str!("../../data/text/harm_classes.toml")).unwrap();
        for name in ["means", "place", "death", "violence"] {
            assert!(c.names.iter().any(|n| n == name), "{name}");
        }
        assert!(c.en.len() > 100 && c.zh_class.len() > 100, "{} {}", c.en.len(), c.zh_class.len());
        assert!(c.zh.is_some());
        // English terms are single lower-case words as the model splits them.
        for w in c.en.keys() {
            assert!(w.chars().all(|ch| ch.is_alphanumeric() || ch == '\''), "{w:?}");
            assert_eq!(*w, w.to_lowercase());
        }
        assert!(parse_classes("[en]\nmeans = 1").is_err());
    }

    #[test]
    fn class_features_carry_a_place_no_training_sentence_names() {
        let pos = [
            "i will walk to the bridge tonight",
            "i keep looking at the river",
            "i went to the bridge again last night",
            "the river looks so calm from up there",
        ];
        let neg = [
            "the claim was refused in march",
            "i want my premium back",
            "please call me tomorrow",
            "the invoice is wrong",
        ];
        let m = HarmModel::train(true, pos, neg);
        let place = m.score("i keep thinking about the reservoir").unwrap();
        let invoice = m.score("i keep thinking about the invoice").unwrap();
        assert!(place > invoice, "{place} {invoice}");
        assert!(m.top_features("i keep thinking about the reservoir").iter().any(|(f, _)| f == "@place"));
        // Chinese terms match inside a clause.
        let mut names = HashMap::new();
        let ids = class_features(&nb::norm_chars("我把绳子都买好了"), false, Some(&mut names));
        let named: Vec<&String> = ids.iter().filter_map(|id| names.get(id)).collect();
        assert!(named.iter().any(|n| *n == "@means") && named.iter().any(|n| *n == "@affairs+@means"), "{named:?}");
    }

    #[test]
    fn chinese_model_reads_character_pairs() {
        let pos = ["我就去跳河", "我想去跳河算了", "我已经准备好去跳河", "真想跳河"];
        let neg = ["理赔被拒了", "我要求退保", "请尽快回复我", "河边的房子被淹了"];
        let m = HarmModel::train(false, pos, neg);
        let top = m.top_features("干脆跳河");
        assert!(top.iter().any(|(f, _)| f == "跳河"), "{top:?}");
        assert!(m.score("干脆跳河").unwrap() > 0.0);
        assert!(m.score("我要求退保").unwrap() < 0.0);
    }
}
