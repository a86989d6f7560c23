//! Self-harm back-up: a binary naive Bayes model over the features of single sentences — in
//! Chinese, clauses (`Ctx::harm_units`) — with the category model's features (nb.rs: word
//! unigrams and word bigrams in English, character bigrams in Chinese), one model per language.
//!
//! Its training sentences come from the labelled corpus' `train` records of its language:
//! positive are the sentences that hold the lexicon's self-harm cue in records labelled
//! `self_harm_violence`, and the team's quotes (corpus/harm_quotes.jsonl); negative are all
//! sentences of records without that label (their near-misses included). A text the lexicon
//! found no self-harm in is flagged when one of its sentences scores at least the cut of its
//! language ([`super::nb::Fallback::self_harm`], [`super::nb::Fallback::self_harm_zh`]), with
//! that sentence as the evidence span. Why and how well: docs/DECISIONS.md, docs/QUALITY.md.

use super::nb::{self, FeatureOpts};
use crate::fnv::FnvBuild;
use std::collections::HashMap;

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
    vocab: HashMap<u64, usize, FnvBuild>,
    /// Log ratio of a feature's (smoothed) share in positive to negative sentences.
    weights: Vec<f32>,
    names: Vec<String>,
    /// Log ratio of positive to negative sentences.
    prior: f32,
    positives: usize,
    negatives: usize,
}

impl HarmModel {
    /// Train on positive and negative sentences of one language.
    pub fn train<'a>(
        english: bool,
        positive: impl IntoIterator<Item = &'a str>,
        negative: impl IntoIterator<Item = &'a str>,
    ) -> HarmModel {
        let mut m = HarmModel { english, ..HarmModel::default() };
        let mut names: HashMap<u64, String> = HashMap::new();
        let mut counts: Vec<[u32; 2]> = Vec::new();
        let mut totals = [0f64; 2];
        let mut docs = [0usize; 2];
        let pos = positive.into_iter().map(|s| (s, 0));
        let neg = negative.into_iter().map(|s| (s, 1));
        for (sentence, class) in pos.chain(neg) {
            docs[class] += 1;
            for (f, n) in nb::feature_ids(sentence, english, FeatureOpts::DEFAULT, Some(&mut names)) {
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
            return HarmModel { english, ..HarmModel::default() };
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

    /// [`HarmModel::score`] of a sentence the analyser has already folded (`normalize::fold_char`).
    pub(crate) fn score_folded(&self, sentence: &[char]) -> Option<f32> {
        self.score_known(self.in_vocab(nb::feature_ids_folded(sentence, self.english, FeatureOpts::DEFAULT)))
    }

    fn score_known(&self, known: Vec<usize>) -> Option<f32> {
        self.is_trained().then(|| self.prior + known.iter().map(|i| self.weights[*i]).sum::<f32>())
    }

    fn known(&self, sentence: &str) -> Vec<usize> {
        self.in_vocab(nb::feature_ids(sentence, self.english, FeatureOpts::DEFAULT, None))
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
