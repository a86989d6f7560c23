//! A small statistical category model: complement naive Bayes with balanced classes over
//! character bigrams of the normalised text (full-width folded, traditional → simplified, ASCII
//! lower-cased, digits → 0, whitespace runs → one space), Laplace smoothing. The built-in model
//! is trained on the `train` split of the labelled corpus only (corpus/README.md); held-out
//! records are never seen. It backs up the rule-based category ([`Fallback`]): by default
//! blended with the rules' cue totals (λ = 4, Chinese and English texts), or overruling weak
//! rules; see docs/QUALITY.md for the measured effect. Features: [`FeatureOpts`].

use super::eval::{self, EvalReport, Record, Split};
use super::harm::HarmModel;
use super::normalize::{self, T2s};
use super::{Analyzer, Category, Emotion, Evidence, Finding};
use crate::fnv::FnvBuild;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

/// The corpus files, embedded (only their `train` records are used).
pub const CORPUS_ZH: &str = include_str!("../../../../corpus/zh.jsonl");
pub const CORPUS_EN: &str = include_str!("../../../../corpus/en.jsonl");
/// The team's quotes of the self-harm statements the lexicon misses ([`eval::attach_harm_quotes`]).
pub const HARM_QUOTES: &str = include_str!("../../../../corpus/harm_quotes.jsonl");

/// The embedded corpus, Chinese then English, with the self-harm quotes attached.
pub fn builtin_corpus() -> Result<Vec<Record>, crate::Error> {
    let mut records = eval::parse_jsonl(CORPUS_ZH)?;
    records.extend(eval::parse_jsonl(CORPUS_EN)?);
    eval::attach_harm_quotes(&mut records, HARM_QUOTES)?;
    Ok(records)
}

/// How many evidence features `predict` returns.
const TOP_FEATURES: usize = 6;

/// A trained multinomial naive Bayes category classifier: one model per script (Chinese,
/// English), because one vocabulary over both would let a class's share of the other language's
/// text distort its smoothing. A text goes to the model of its script (more than four Latin
/// letters per CJK character means English), or to the other one when that has no training data.
#[derive(Debug, Clone, Default)]
pub struct NaiveBayes {
    zh: Model,
    en: Model,
    /// The self-harm sentence models, Chinese and English (harm.rs; untrained unless
    /// [`NaiveBayes::train_harm`]).
    harm_zh: HarmModel,
    harm_en: HarmModel,
    /// The threat clause models, Chinese and English: positive = a unit holding a threat cue the
    /// rules accept in a record not labelled with that threat (untrained unless
    /// [`NaiveBayes::train_veto`]).
    veto_zh: HarmModel,
    veto_en: HarmModel,
}

#[derive(Debug, Clone, Default)]
struct Model {
    classes: Vec<Category>,
    log_prior: Vec<f64>,
    /// Feature id → index.
    vocab: HashMap<u64, usize, FnvBuild>,
    /// Readable form of each feature (evidence notes).
    names: Vec<String>,
    /// `log_lik[feature * classes + class]` = log P(feature | class), Laplace-smoothed. Feature
    /// major: a text's features are looked up in one place each, not once per class in a
    /// table of the whole vocabulary (which misses the cache; docs/DECISIONS.md).
    log_lik: Vec<f64>,
    /// Whether this is the English model (word features when `opts.en_words`).
    english: bool,
    opts: FeatureOpts,
    /// The emotions with a present-vs-absent detector over the same vocabulary
    /// ([`Model::train_emotions`]); empty when trained without emotion labels.
    emotions: Vec<Emotion>,
    /// The detectors' weights, feature major: `emotion_weights[feature * emotions + e]` is the
    /// weight of feature `feature` in the binary naive Bayes detector of `emotions[e]`, the log
    /// ratio of its (add-one smoothed) share among the features of texts labelled with the
    /// emotion to its share among the others. A text's score is the sum over its known features
    /// divided by the square root of their number (long texts would otherwise score extreme
    /// either way).
    emotion_weights: Vec<f32>,
}

/// The emotion detectors' view of one text ([`NaiveBayes::emotion_scores`]).
#[derive(Debug, Clone, PartialEq)]
pub struct EmotionScores {
    /// Scored by the English model.
    pub english: bool,
    /// Number of the text's features the model knows.
    pub features: usize,
    /// Per emotion: the score ([`Prepared::emotion_top`] gives the features that raised it).
    pub scores: Vec<(Emotion, f32)>,
}

/// One row per class (or detector) of `features` values each, laid out feature major:
/// `out[feature * rows.len() + row]` ([`Model::log_lik`], [`Model::emotion_weights`]).
fn feature_major<T: Copy + Default>(rows: &[Vec<T>], features: usize) -> Vec<T> {
    let k = rows.len();
    let mut out = vec![T::default(); features * k];
    for (r, row) in rows.iter().enumerate() {
        for (i, x) in row.iter().enumerate() {
            out[i * k + r] = *x;
        }
    }
    out
}

/// English when Latin letters outnumber CJK characters four to one (as the analyser decides).
fn is_english(text: &str) -> bool {
    let (mut cjk, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            latin += 1;
        } else if matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF) {
            cjk += 1;
        }
    }
    latin > 0 && cjk * 4 < latin
}

fn t2s() -> &'static T2s {
    static T: OnceLock<T2s> = OnceLock::new();
    // The embedded table is checked by normalize's tests and by `builtin_model_*` below.
    T.get_or_init(|| T2s::parse(normalize::BUILTIN_T2S).unwrap_or_default())
}

/// Which features a model uses (chosen by blocked cross-validation on the train split,
/// docs/QUALITY.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureOpts {
    /// Chinese: character unigrams as well as bigrams.
    pub unigrams: bool,
    /// English: word unigrams and word bigrams instead of character bigrams.
    pub en_words: bool,
    /// Count each feature once per text (binarised multinomial NB): the repeated tone, threat
    /// and demand sentences of a long text then weigh less against its topic.
    pub binary: bool,
    /// Uniform class prior instead of the class frequency (the largest class, claim_refusal,
    /// otherwise attracts doubtful texts).
    pub uniform_prior: bool,
    /// Score each class by the log-likelihood ratio of the class against all other classes
    /// together (complement naive Bayes, Rennie et al. 2003) instead of the class likelihood
    /// alone: a large class then no longer wins generic texts because its word estimates are
    /// better filled.
    pub complement: bool,
    /// Weigh every class's word counts as if it had the mean number of texts.
    pub balanced: bool,
}

impl FeatureOpts {
    /// As shipped before the second tuning (2026-11-26): character bigrams, counts, class prior.
    pub const FIRST: FeatureOpts = FeatureOpts {
        unigrams: false,
        en_words: false,
        binary: false,
        uniform_prior: false,
        complement: false,
        balanced: false,
    };
    /// The built-in choice (complement scoring since the tenth tuning, balanced classes since the
    /// sixteenth, docs/QUALITY.md).
    pub const DEFAULT: FeatureOpts = FeatureOpts {
        unigrams: false,
        en_words: true,
        binary: true,
        uniform_prior: true,
        complement: true,
        balanced: true,
    };
    /// [`FeatureOpts::DEFAULT`] with plain multinomial scoring and unbalanced classes (as shipped
    /// until the ninth tuning).
    pub const MULTINOMIAL: FeatureOpts = FeatureOpts { complement: false, balanced: false, ..FeatureOpts::DEFAULT };
    /// [`FeatureOpts::DEFAULT`] without class balancing (as shipped until the fifteenth tuning).
    pub const UNBALANCED: FeatureOpts = FeatureOpts { balanced: false, ..FeatureOpts::DEFAULT };
}

impl Default for FeatureOpts {
    fn default() -> Self {
        FeatureOpts::DEFAULT
    }
}

/// Normalised characters: full-width folded, traditional → simplified, lower-cased, digits → 0,
/// whitespace runs → one space.
pub(super) fn norm_chars(text: &str) -> Vec<char> {
    let t = t2s();
    let mut chars: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        push_model_char(&mut chars, normalize::fold_lower(c, t));
    }
    chars
}

/// The model's form of a folded, lower-cased character: whitespace is one space, a digit is 0.
fn push_model_char(chars: &mut Vec<char>, c: char) {
    let c = if c.is_whitespace() {
        ' '
    } else if c.is_ascii_digit() {
        '0'
    } else {
        c
    };
    if !(c == ' ' && chars.last() == Some(&' ')) {
        chars.push(c);
    }
}

/// The model's characters of a text the analyser has already folded (`normalize::fold_char`).
pub(super) fn model_chars_folded(folded: &[char]) -> Vec<char> {
    let mut chars: Vec<char> = Vec::with_capacity(folded.len());
    for &c in folded {
        push_model_char(&mut chars, c.to_ascii_lowercase());
    }
    chars
}

/// `char::is_alphanumeric`, without its table lookup for ASCII and the common CJK block (the
/// feature extractors ask it of every character).
pub(super) fn alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if matches!(c as u32, 0x4E00..=0x9FFF) {
        true
    } else {
        c.is_alphanumeric()
    }
}

/// A space or a character that is not a letter or digit: a bigram of two of them is no feature.
pub(super) fn junk(c: char) -> bool {
    c == ' ' || !alnum(c)
}

/// The feature id of the character bigram `ab` ([`feature_ids`]).
pub(super) fn bigram_id(a: char, b: char) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Character bigrams of the normalised text (pairs of two spaces or two punctuation marks are
/// skipped), with counts.
pub fn features(text: &str) -> BTreeMap<(char, char), u32> {
    let chars = norm_chars(text);
    let mut out = BTreeMap::new();
    for w in chars.windows(2) {
        if junk(w[0]) && junk(w[1]) {
            continue;
        }
        *out.entry((w[0], w[1])).or_insert(0) += 1;
    }
    out
}

/// The features of a text for a model of the given script, with counts, as readable strings
/// (for evidence and tests; the model itself uses [`feature_ids`]).
pub fn features_with(text: &str, english: bool, opts: FeatureOpts) -> BTreeMap<String, u32> {
    let mut names = HashMap::new();
    let ids = feature_ids(text, english, opts, Some(&mut names));
    ids.into_iter().map(|(id, n)| (names.remove(&id).unwrap_or_default(), n)).collect()
}

/// Unigram marker in the low half of a character feature id (no character is this large).
const UNIGRAM: u64 = 0x20_0000;
/// High bit: a word feature (FNV-1a hash), not a character one.
const WORD: u64 = 1 << 63;

/// The id of a word feature named `name` (as [`feature_ids`] gives a single word).
pub(super) fn word_feature_id(name: &str) -> u64 {
    fnv(0xcbf2_9ce4_8422_2325, name) | WORD
}

fn fnv(h: u64, s: &str) -> u64 {
    let mut h = h;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// Feature ids of a text with counts, sorted by id: character bigrams `(a << 32) | b` (exact),
/// character unigrams `(c << 32) | UNIGRAM`, English words and word pairs as 63-bit hashes with
/// the high bit set. With `names`, also records each id's readable form.
pub(super) fn feature_ids(
    text: &str,
    english: bool,
    opts: FeatureOpts,
    names: Option<&mut HashMap<u64, String>>,
) -> Vec<(u64, u32)> {
    feature_ids_of(&norm_chars(text), english, opts, names)
}

/// [`feature_ids`] of already normalised characters.
pub(super) fn feature_ids_of(
    chars: &[char],
    english: bool,
    opts: FeatureOpts,
    mut names: Option<&mut HashMap<u64, String>>,
) -> Vec<(u64, u32)> {
    let mut ids: Vec<u64> = Vec::with_capacity(chars.len() * 2);
    if english && opts.en_words {
        let mut words: Vec<&[char]> = Vec::new();
        let mut start = None;
        for (i, &c) in chars.iter().enumerate() {
            let w = alnum(c) || c == '\'';
            match (w, start) {
                (true, None) => start = Some(i),
                (false, Some(s0)) => {
                    words.push(&chars[s0..i]);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s0) = start {
            words.push(&chars[s0..]);
        }
        let strs: Vec<String> = words.iter().map(|w| w.iter().collect()).collect();
        for (i, w) in strs.iter().enumerate() {
            let h1 = word_feature_id(w);
            ids.push(h1);
            if let Some(n) = names.as_deref_mut() {
                n.entry(h1).or_insert_with(|| w.clone());
            }
            if let Some(next) = strs.get(i + 1) {
                let h2 = fnv(fnv(h1, " "), next) | WORD;
                ids.push(h2);
                if let Some(n) = names.as_deref_mut() {
                    n.entry(h2).or_insert_with(|| format!("{w} {next}"));
                }
            }
        }
    } else {
        for w in chars.windows(2) {
            if junk(w[0]) && junk(w[1]) {
                continue;
            }
            let id = bigram_id(w[0], w[1]);
            ids.push(id);
            if let Some(n) = names.as_deref_mut() {
                n.entry(id).or_insert_with(|| format!("{}{}", w[0], w[1]));
            }
        }
        if opts.unigrams {
            for &c in chars {
                if alnum(c) && !c.is_ascii() {
                    let id = (u64::from(c) << 32) | UNIGRAM;
                    ids.push(id);
                    if let Some(n) = names.as_deref_mut() {
                        n.entry(id).or_insert_with(|| c.to_string());
                    }
                }
            }
        }
    }
    ids.sort_unstable();
    let mut out: Vec<(u64, u32)> = Vec::with_capacity(ids.len());
    for id in ids {
        match out.last_mut() {
            Some((last, n)) if *last == id => {
                if !opts.binary {
                    *n += 1;
                }
            }
            _ => out.push((id, 1)),
        }
    }
    out
}

/// Number of character bigrams (the size gate of [`Fallback`]), without building features.
fn bigram_count(text: &str) -> u32 {
    bigram_count_of(&norm_chars(text))
}

fn bigram_count_of(chars: &[char]) -> u32 {
    chars.windows(2).filter(|w| !(junk(w[0]) && junk(w[1]))).count() as u32
}

impl Model {
    fn train<'a>(examples: impl IntoIterator<Item = (&'a str, Category)>, english: bool, opts: FeatureOpts) -> Model {
        let mut vocab: HashMap<u64, usize, FnvBuild> = HashMap::default();
        let mut all_names: HashMap<u64, String> = HashMap::new();
        let mut per_class: BTreeMap<Category, (usize, HashMap<usize, u64>)> = BTreeMap::new();
        for (text, cat) in examples {
            let entry = per_class.entry(cat).or_default();
            entry.0 += 1;
            for (f, n) in feature_ids(text, english, opts, Some(&mut all_names)) {
                let next = vocab.len();
                let i = *vocab.entry(f).or_insert(next);
                *entry.1.entry(i).or_insert(0) += u64::from(n);
            }
        }
        let docs: usize = per_class.values().map(|c| c.0).sum();
        let classes = per_class.len();
        let v = vocab.len() as f64;
        let mut names = vec![String::new(); vocab.len()];
        for (id, i) in &vocab {
            names[*i] = all_names.remove(id).unwrap_or_default();
        }
        let mut m = Model { vocab, names, english, opts, ..Model::default() };
        // Balanced: every class weighs as much as the mean class (a class with twice the texts
        // counts each word half as much), so a large class does not win by better-filled estimates.
        let mean = docs as f64 / classes.max(1) as f64;
        let weighted: Vec<(Category, usize, HashMap<usize, f64>)> = per_class
            .into_iter()
            .map(|(cat, (n, counts))| {
                let w = if opts.balanced { mean / n.max(1) as f64 } else { 1.0 };
                (cat, n, counts.into_iter().map(|(i, c)| (i, c as f64 * w)).collect())
            })
            .collect();
        let mut per_class_ll: Vec<Vec<f64>> = Vec::new();
        let mut all = vec![0f64; m.vocab.len()];
        for (_, _, counts) in &weighted {
            for (i, c) in counts {
                all[*i] += c;
            }
        }
        let all_total: f64 = all.iter().sum();
        for (cat, n, counts) in weighted {
            let total: f64 = counts.values().sum();
            let denom = (total + v).ln();
            let mut ll = vec![-denom; m.vocab.len()];
            for (i, c) in &counts {
                ll[*i] = (*c + 1.0).ln() - denom;
            }
            if opts.complement {
                // Minus the log-likelihood under the other classes pooled (add-one smoothed).
                let rest = ((all_total - total).max(0.0) + v).ln();
                for (i, l) in ll.iter_mut().enumerate() {
                    let own = counts.get(&i).copied().unwrap_or(0.0);
                    *l -= ((all[i] - own).max(0.0) + 1.0).ln() - rest;
                }
            }
            m.classes.push(cat);
            m.log_prior.push(if opts.uniform_prior {
                (1.0 / classes as f64).ln()
            } else {
                (n as f64 / docs as f64).ln()
            });
            per_class_ll.push(ll);
        }
        m.log_lik = feature_major(&per_class_ll, m.vocab.len());
        m
    }

    /// `log P(feature | class)` ([`Model::log_lik`]).
    fn ll(&self, feature: usize, class: usize) -> f64 {
        self.log_lik[feature * self.classes.len() + class]
    }

    /// Known features of a text: (index, count).
    fn known(&self, text: &str) -> Vec<(usize, f64)> {
        self.known_of(&norm_chars(text))
    }

    /// [`Model::known`] of already normalised characters.
    fn known_of(&self, chars: &[char]) -> Vec<(usize, f64)> {
        feature_ids_of(chars, self.english, self.opts, None)
            .into_iter()
            .filter_map(|(f, n)| self.vocab.get(&f).map(|&i| (i, f64::from(n))))
            .collect()
    }

    /// Train the emotion detectors on texts with their labelled emotions (features outside the
    /// vocabulary are ignored; train on the category model's texts so that there are none).
    fn train_emotions(&mut self, examples: &[(&str, Vec<Emotion>)]) {
        let v = self.vocab.len();
        let feats: Vec<Vec<(usize, f64)>> = examples.iter().map(|(t, _)| self.known(t)).collect();
        self.emotions.clear();
        let mut per_emotion: Vec<Vec<f32>> = Vec::new();
        for &e in Emotion::ALL {
            let (mut pos, mut neg) = (vec![0u32; v], vec![0u32; v]);
            let (mut pos_total, mut neg_total, mut pos_docs) = (0f64, 0f64, 0usize);
            for ((_, labels), f) in examples.iter().zip(&feats) {
                let present = labels.contains(&e);
                pos_docs += usize::from(present);
                let counts = if present { &mut pos } else { &mut neg };
                for (i, n) in f {
                    counts[*i] += *n as u32;
                }
                let sum: f64 = f.iter().map(|(_, n)| n).sum();
                if present {
                    pos_total += sum;
                } else {
                    neg_total += sum;
                }
            }
            if pos_docs == 0 || pos_docs == examples.len() {
                continue;
            }
            let (lp, ln) = ((pos_total + v as f64).ln(), (neg_total + v as f64).ln());
            let weights = pos
                .iter()
                .zip(&neg)
                .map(|(p, n)| ((f64::from(*p) + 1.0).ln() - lp - (f64::from(*n) + 1.0).ln() + ln) as f32)
                .collect();
            self.emotions.push(e);
            per_emotion.push(weights);
        }
        self.emotion_weights = feature_major(&per_emotion, v);
    }

    /// Each emotion detector's score of the known features `feats`.
    fn emotion_scores_of(&self, feats: &[(usize, f64)]) -> Vec<(Emotion, f32)> {
        let norm = (feats.len().max(1) as f32).sqrt();
        let k = self.emotions.len();
        // Each detector's sum in the order of `feats`, as a per-detector `sum` would add.
        let mut sums = vec![-0.0f32; k];
        for (i, _) in feats {
            for (s, w) in sums.iter_mut().zip(&self.emotion_weights[i * k..(i + 1) * k]) {
                *s += *w;
            }
        }
        self.emotions.iter().zip(sums).map(|(e, s)| (*e, s / norm)).collect()
    }

    /// The features of `feats` that raised the score of emotion `e` most (positive weights only).
    fn emotion_top(&self, feats: &[(usize, f64)], e: Emotion) -> Vec<(String, f32)> {
        let Some(at) = self.emotions.iter().position(|x| *x == e) else { return vec![] };
        let k = self.emotions.len();
        let mut top: Vec<(usize, f32)> =
            feats.iter().map(|(i, _)| (*i, self.emotion_weights[i * k + at])).filter(|(_, w)| *w > 0.0).collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| self.names[a.0].cmp(&self.names[b.0])));
        top.truncate(TOP_FEATURES);
        top.into_iter().map(|(i, w)| (self.names[i].clone(), w)).collect()
    }

    /// Log posterior of every class (normalised), in `classes` order.
    fn log_posterior_of(&self, feats: &[(usize, f64)]) -> Vec<f64> {
        let k = self.classes.len();
        // Each class's sum in the order of `feats`, as a per-class `sum` would add.
        let mut sums = vec![-0.0f64; k];
        for (i, n) in feats {
            for (s, l) in sums.iter_mut().zip(&self.log_lik[i * k..(i + 1) * k]) {
                *s += n * l;
            }
        }
        let scores: Vec<f64> = self.log_prior.iter().zip(sums).map(|(p, s)| p + s).collect();
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lz = max + scores.iter().map(|s| (s - max).exp()).sum::<f64>().ln();
        scores.iter().map(|s| s - lz).collect()
    }

    /// The features that favour class `best` over class `second` most.
    fn top_features(&self, feats: &[(usize, f64)], best: usize, second: usize) -> Vec<(String, f32)> {
        let mut evidence: Vec<(&str, f32)> = feats
            .iter()
            .map(|(i, n)| (self.names[*i].as_str(), (n * (self.ll(*i, best) - self.ll(*i, second))) as f32))
            .filter(|(_, w)| *w > 0.0)
            .collect();
        evidence.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        evidence.truncate(TOP_FEATURES);
        evidence.into_iter().map(|(name, w)| (name.to_string(), w)).collect()
    }

    fn predict_of(&self, feats: &[(usize, f64)]) -> (Category, f32, Vec<(String, f32)>) {
        self.predict_from(feats, &self.log_posterior_of(feats))
    }

    /// [`Model::predict_of`] given the log posterior `post` of `feats`.
    fn predict_from(&self, feats: &[(usize, f64)], post: &[f64]) -> (Category, f32, Vec<(String, f32)>) {
        if self.classes.is_empty() {
            return (Category::Other, 0.0, vec![]);
        }
        let mut order: Vec<usize> = (0..post.len()).collect();
        order.sort_by(|a, b| post[*b].total_cmp(&post[*a]).then(a.cmp(b)));
        let best = order[0];
        let evidence = match order.get(1) {
            Some(&second) => self.top_features(feats, best, second),
            None => vec![],
        };
        (self.classes[best], post[best].exp() as f32, evidence)
    }
}

impl NaiveBayes {
    /// Train on (text, category) pairs with Laplace smoothing (add-one), default features.
    pub fn train<'a>(examples: impl IntoIterator<Item = (&'a str, Category)>) -> NaiveBayes {
        NaiveBayes::train_with(examples, FeatureOpts::DEFAULT)
    }

    /// Train with the given feature options.
    pub fn train_with<'a>(examples: impl IntoIterator<Item = (&'a str, Category)>, opts: FeatureOpts) -> NaiveBayes {
        type Examples<'b> = Vec<(&'b str, Category)>;
        let (en, zh): (Examples, Examples) = examples.into_iter().partition(|(t, _)| is_english(t));
        NaiveBayes { zh: Model::train(zh, false, opts), en: Model::train(en, true, opts), ..NaiveBayes::default() }
    }

    /// Train on the `train` records of a corpus: the category model and the emotion detectors.
    pub fn train_records(records: &[&Record]) -> NaiveBayes {
        NaiveBayes::train_records_with(records, FeatureOpts::DEFAULT)
    }

    /// [`NaiveBayes::train_records`] with the given feature options.
    pub fn train_records_with(records: &[&Record], opts: FeatureOpts) -> NaiveBayes {
        let train: Vec<&&Record> = records.iter().filter(|r| r.split == Split::Train).collect();
        let mut nb = NaiveBayes::train_with(train.iter().map(|r| (r.text.as_str(), r.category)), opts);
        type Labelled<'b> = Vec<(&'b str, Vec<Emotion>)>;
        let (en, zh): (Labelled, Labelled) = train
            .iter()
            .map(|r| (r.text.as_str(), r.emotions.keys().copied().collect()))
            .partition(|(t, _)| is_english(t));
        nb.zh.train_emotions(&zh);
        nb.en.train_emotions(&en);
        nb
    }

    /// Each emotion detector's score for `text` (model of its script) with its top features;
    /// empty when the model was trained without emotion labels.
    pub fn emotion_scores(&self, text: &str) -> EmotionScores {
        self.prepare(text).emotion_scores()
    }

    /// Normalise `text` once and look up its features in the model of its script (or the other
    /// model when that one has no training data), for several questions to the models.
    pub fn prepare(&self, text: &str) -> Prepared<'_> {
        let english_text = is_english(text);
        let (first, second) = if english_text { (&self.en, &self.zh) } else { (&self.zh, &self.en) };
        let model = if first.classes.is_empty() { second } else { first };
        let chars = norm_chars(text);
        let known = if model.classes.is_empty() { vec![] } else { model.known_of(&chars) };
        Prepared { model, english_text, bigrams: bigram_count_of(&chars), known }
    }

    /// Train the self-harm sentence models (harm.rs), each on the `train` records of its
    /// language: the sentences where `rules` (use an analyser without a back-up) find self-harm
    /// evidence in records labelled with it are positive, and so are the team's quotes of the
    /// statement in labelled records the rules find nothing in ([`Record::harm_quotes`]); every
    /// sentence of records without the label is negative. A labelled record with neither adds
    /// its highest-scoring sentence under that first model as a positive, and the model is
    /// trained again (one round of multiple-instance learning: the label says some sentence is
    /// one, not which); so does a Chinese quote of several clauses.
    pub fn train_harm(&mut self, rules: &Analyzer, records: &[&Record]) {
        self.harm_zh = Self::harm_model(false, rules, records);
        self.harm_en = Self::harm_model(true, rules, records);
    }

    /// Train the threat clause models (harm.rs' sentence model on other data), each on the
    /// `train` records of its language: the unit of every cue of an escalation threat (not
    /// self-harm) that `rules` accept ([`Analyzer::threat_units`]) is positive when the record is
    /// not labelled with that threat (a near-miss the rules took: someone else's, past, a
    /// mention), negative when it is.
    pub fn train_veto(&mut self, rules: &Analyzer, records: &[&Record]) {
        for english in [false, true] {
            let (mut pos, mut neg) = (Vec::new(), Vec::new());
            for r in records.iter().filter(|r| r.split == Split::Train && is_english(&r.text) == english) {
                for (unit, t) in rules.threat_units(&r.text) {
                    if r.threats.contains(&t) { neg.push(unit) } else { pos.push(unit) }
                }
            }
            let m =
                HarmModel::train_with(english, false, pos.iter().map(String::as_str), neg.iter().map(String::as_str));
            if english {
                self.veto_en = m;
            } else {
                self.veto_zh = m;
            }
        }
    }

    /// The threat clause model of English or Chinese texts.
    pub fn veto(&self, english: bool) -> &HarmModel {
        if english { &self.veto_en } else { &self.veto_zh }
    }

    /// The self-harm sentence model of English or Chinese texts.
    pub fn harm(&self, english: bool) -> &HarmModel {
        if english { &self.harm_en } else { &self.harm_zh }
    }

    fn harm_model(english: bool, rules: &Analyzer, records: &[&Record]) -> HarmModel {
        let (mut pos, mut neg, mut unplaced) = (Vec::new(), Vec::new(), Vec::new());
        for r in records.iter().filter(|r| r.split == Split::Train && is_english(&r.text) == english) {
            // (attach_harm_quotes gives quotes only to labelled train records.)
            if !r.harm_quotes.is_empty() {
                if english {
                    pos.extend(r.harm_quotes.iter().cloned());
                } else {
                    // The Chinese model reads clauses, and a quote is often a condition and a
                    // statement (再让我跑一趟，我就…把这瓶药喝了): a quote of several clauses adds
                    // the one the first model scores highest, as a record without a quote does.
                    for q in &r.harm_quotes {
                        let clauses = rules.harm_sentences(q);
                        match clauses.len() {
                            0 => {}
                            1 => pos.extend(clauses.into_iter().map(|(c, _)| c)),
                            _ => unplaced.push(clauses),
                        }
                    }
                }
                continue;
            }
            let sentences = rules.harm_sentences(&r.text);
            if !r.threats.contains(&super::Threat::SelfHarmViolence) {
                neg.extend(sentences.into_iter().map(|(s, _)| s));
            } else if sentences.iter().any(|(_, evidence)| *evidence) {
                pos.extend(sentences.into_iter().filter(|(_, evidence)| *evidence).map(|(s, _)| s));
            } else {
                unplaced.push(sentences);
            }
        }
        let first = HarmModel::train(english, pos.iter().map(String::as_str), neg.iter().map(String::as_str));
        if unplaced.is_empty() {
            return first;
        }
        for sentences in unplaced {
            let best = sentences
                .into_iter()
                .map(|(s, _)| (first.score(&s).unwrap_or(f32::NEG_INFINITY), s))
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, s)) = best {
                pos.push(s);
            }
        }
        HarmModel::train(english, pos.iter().map(String::as_str), neg.iter().map(String::as_str))
    }

    /// Trained once on the embedded corpus' train split.
    pub fn builtin() -> &'static NaiveBayes {
        builtin_arc()
    }

    /// The categories the model knows (either script), sorted.
    pub fn classes(&self) -> Vec<Category> {
        let mut c: Vec<Category> = self.zh.classes.iter().chain(&self.en.classes).copied().collect();
        c.sort();
        c.dedup();
        c
    }

    /// Log posterior probability of each category the model of this text's script knows.
    pub fn log_posterior(&self, text: &str) -> Vec<(Category, f64)> {
        self.prepare(text).log_posterior()
    }

    /// Most probable category, its posterior probability, and the features that pushed it
    /// ahead of the runner-up most: (feature, count × log-likelihood ratio). `Other` with
    /// probability 0 for an untrained model.
    pub fn predict(&self, text: &str) -> (Category, f32, Vec<(String, f32)>) {
        self.prepare(text).predict()
    }
}

/// A text normalised once, with its features known to the model of its script
/// ([`NaiveBayes::prepare`]).
#[derive(Debug, Clone)]
pub struct Prepared<'m> {
    model: &'m Model,
    /// The text's own script (the model may be the other one's when its own had no data).
    english_text: bool,
    /// Character bigrams (the size gate of [`Fallback`]).
    bigrams: u32,
    known: Vec<(usize, f64)>,
}

impl Prepared<'_> {
    /// [`NaiveBayes::log_posterior`].
    pub fn log_posterior(&self) -> Vec<(Category, f64)> {
        if self.model.classes.is_empty() {
            return vec![];
        }
        self.model.classes.iter().copied().zip(self.model.log_posterior_of(&self.known)).collect()
    }

    /// [`NaiveBayes::predict`].
    pub fn predict(&self) -> (Category, f32, Vec<(String, f32)>) {
        self.model.predict_of(&self.known)
    }

    /// [`Prepared::predict`] given the [`Prepared::log_posterior`] already computed.
    fn predict_with(&self, post: &[(Category, f64)]) -> (Category, f32, Vec<(String, f32)>) {
        let post: Vec<f64> = post.iter().map(|(_, lp)| *lp).collect();
        self.model.predict_from(&self.known, &post)
    }

    /// [`NaiveBayes::emotion_scores`].
    pub fn emotion_scores(&self) -> EmotionScores {
        let scores = self.model.emotion_scores_of(&self.known);
        EmotionScores { english: self.model.english, features: self.known.len(), scores }
    }

    /// The features that raised the score of emotion `e` most (positive weights only).
    pub fn emotion_top(&self, e: Emotion) -> Vec<(String, f32)> {
        self.model.emotion_top(&self.known, e)
    }
}

fn builtin_arc() -> &'static Arc<NaiveBayes> {
    static M: OnceLock<Arc<NaiveBayes>> = OnceLock::new();
    M.get_or_init(|| {
        // Embedded data; `builtin_model_trains_on_embedded_corpus` checks that it parses.
        let records = builtin_corpus().unwrap_or_default();
        let refs: Vec<&Record> = records.iter().collect();
        let mut nb = NaiveBayes::train_records(&refs);
        // The built-in lexicons alone (no back-up) pick the self-harm training sentences; the
        // embedded files are checked by `builtin_files_parse`.
        if let Ok(rules) = Analyzer::builtin_rules() {
            nb.train_harm(&rules, &refs);
            nb.train_veto(&rules, &refs);
        }
        Arc::new(nb)
    })
}

/// When to let the model overrule the rules: the rule category is `other` or its score is
/// below `below`, the text has at least `min_bigrams` bigrams (a short off-topic text such as
/// “今天天气很好。” must stay `other`: the model has no “not a complaint” class), and the model's
/// probability is at least `min_prob`. English texts only when `english` is set.
#[derive(Debug, Clone)]
pub struct Fallback {
    pub model: Arc<NaiveBayes>,
    pub below: f32,
    pub min_prob: f32,
    pub min_bigrams: u32,
    pub english: bool,
    /// Blend instead of overrule: when set to λ, the category is the argmax of the model's log
    /// posterior plus λ × the rules' cue total of each category (for every text of at least
    /// `min_bigrams` bigrams; `below` and `min_prob` are then unused).
    pub blend: Option<f32>,
    /// Emotion back-up: an emotion the lexicon did not find is added when its detector's score
    /// reaches the cut (texts of at least [`EmotionCuts::min_features`] known features; English
    /// texts only when `english`).
    pub emotions: Option<EmotionCuts>,
    /// Self-harm back-up for English texts the lexicon found no self-harm in: the cut on the
    /// log odds of the best sentence ([`HarmModel::score`]); `None` switches it off.
    pub self_harm: Option<f32>,
    /// The same for Chinese texts, with the Chinese sentence model.
    pub self_harm_zh: Option<f32>,
    /// Threat clause model: a cue of an escalation threat (not self-harm) whose unit scores at
    /// least this cut is set aside ([`NaiveBayes::veto`]); `None` switches it off. English…
    pub threat_veto_en: Option<f32>,
    /// …and Chinese.
    pub threat_veto_zh: Option<f32>,
}

/// Score cuts of the emotion detectors, in [`Emotion::ALL`] order, for the Chinese and the
/// English model; and the intensity given to an emotion the model alone found (the lexicon's
/// degree words and cue weights set the intensity of the others).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmotionCuts {
    pub zh: [f32; 5],
    pub en: [f32; 5],
    pub intensity: f32,
    /// Texts with fewer known features get the lexicon only: the detectors were trained on
    /// complaint-sized texts (1 % of the corpus' Chinese texts are under 42 characters, its
    /// English ones under 146), and a short text's score says more about its size than its tone.
    pub min_features: usize,
}

impl EmotionCuts {
    /// The shipped cuts, chosen by blocked 5-fold cross-validation on the train split: the best
    /// F1 of lexicon-or-model presence per emotion among the cuts at which at least 90 % of the
    /// emotions the model adds are labelled — about the lexicon's own precision
    /// (`eval_corpus -- --emotion-cv 0.9`, docs/QUALITY.md). English is off (no cut is reached):
    /// on the hand-labelled CFPB narratives the English detectors, trained on the corpus'
    /// writers' generous labels, flagged emotions the labels do not hold (precision 0.16,
    /// docs/DECISIONS.md).
    pub const BUILTIN: EmotionCuts =
        EmotionCuts { zh: [2.23, 3.53, 1.67, 6.66, 3.93], en: [f32::INFINITY; 5], intensity: 0.3, min_features: 30 };

    fn cut(&self, english: bool, e: Emotion) -> f32 {
        let i = Emotion::ALL.iter().position(|x| *x == e).unwrap_or(0);
        if english { self.en[i] } else { self.zh[i] }
    }
}

impl Fallback {
    /// Default rule-score threshold (chosen by cross-validation on the train split).
    pub const BELOW: f32 = 0.5;
    /// Default minimum model probability.
    pub const MIN_PROB: f32 = 0.6;
    /// Default blend weight λ of the rules' cue totals against the model's log posterior.
    /// Chosen on unseen batches as well as train cross-validation (the rules were tuned on the
    /// train texts, so cross-validation alone overrates them): λ = 2 for the unbalanced model on
    /// batches 7–16, λ = 4 for the balanced one on batches 19–20 and in CV (docs/DECISIONS.md).
    pub const BLEND: f32 = 4.0;
    /// Default minimum text size, in bigrams.
    pub const MIN_BIGRAMS: u32 = 20;
    /// Default cut on a sentence's self-harm log odds, chosen by holding out each of the four
    /// English self-harm recall sets 27, 28, 31 and 33 in turn (no false alarm in them at this
    /// cut), checked by blocked cross-validation (`eval_corpus -- --harm-cv`) and on the real
    /// CFPB narratives (one flag, a false alarm, in 1,532; docs/DECISIONS.md).
    pub const SELF_HARM_CUT: f32 = 15.0;
    /// Default cut of the Chinese (clause) model, chosen by blocked cross-validation
    /// (`eval_corpus -- --harm-cv`): 10 until 2026-11-27, then 12, when the model trained on
    /// five recall sets scored the common despair of "我真的不知道该怎么办" at 10.7 (CV P 0.949
    /// R 0.802 at 12 against 0.939 / 0.812 at 10; docs/DECISIONS.md).
    pub const SELF_HARM_CUT_ZH: f32 = 12.0;
    /// Default cut of the English threat clause model's log odds, chosen by batch-blocked
    /// cross-validation (`eval_corpus -- --veto-cv --by-batch`) and on three unseen batches: the
    /// priors are about −3, so a unit is set aside only when its features lean about two nats
    /// towards a near-miss; at −3 a single feature set aside short genuine threats (我要去信访;
    /// docs/DECISIONS.md).
    pub const THREAT_VETO_CUT: f32 = -1.0;
    /// Default cut of the Chinese threat clause model (the same choice).
    pub const THREAT_VETO_CUT_ZH: f32 = -1.0;
    /// The score of a self-harm threat found by the sentence model alone (the lexicon's are 1.0).
    pub const SELF_HARM_SCORE: f32 = 0.7;

    /// The built-in model blended with the rules, for Chinese and English texts. English was
    /// off until the fifth tuning (a 129-text model overruled right rules on CFPB narratives);
    /// with 375 English train texts the blend beat the rules on two of three unseen batches and
    /// on the blind-labelled CFPB spot sample (docs/QUALITY.md, docs/DECISIONS.md).
    pub fn builtin() -> Fallback {
        Fallback {
            model: Arc::clone(builtin_arc()),
            below: Fallback::BELOW,
            min_prob: Fallback::MIN_PROB,
            min_bigrams: Fallback::MIN_BIGRAMS,
            english: true,
            blend: Some(Fallback::BLEND),
            emotions: Some(EmotionCuts::BUILTIN),
            self_harm: Some(Fallback::SELF_HARM_CUT),
            self_harm_zh: Some(Fallback::SELF_HARM_CUT_ZH),
            threat_veto_en: Some(Fallback::THREAT_VETO_CUT),
            threat_veto_zh: Some(Fallback::THREAT_VETO_CUT_ZH),
        }
    }

    /// Add the emotions the lexicon missed whose detector score reaches its cut
    /// ([`Fallback::emotions`]), each with the model's top features as evidence. The model
    /// never adds an emotion without a feature in its favour, nor one in `negated` (the lexicon
    /// found only negated cues of it: "我并不失望", "I am not angry").
    pub fn apply_emotions(&self, text: &str, emotions: &mut Vec<Finding<Emotion>>, negated: &[Emotion]) {
        self.apply_emotions_prepared(&self.model.prepare(text), emotions, negated);
    }

    /// [`Fallback::apply_emotions`] of a prepared text.
    pub fn apply_emotions_prepared(&self, text: &Prepared, emotions: &mut Vec<Finding<Emotion>>, negated: &[Emotion]) {
        let Some(cuts) = &self.emotions else { return };
        if !self.english && text.english_text {
            return;
        }
        let view = text.emotion_scores();
        if view.features < cuts.min_features {
            return;
        }
        let mut added = false;
        for (e, score) in view.scores {
            let cut = cuts.cut(view.english, e);
            if score < cut || negated.contains(&e) || emotions.iter().any(|f| f.value == e) {
                continue;
            }
            let top = text.emotion_top(e);
            if top.is_empty() {
                continue;
            }
            let feats: Vec<String> = top.iter().map(|(f, w)| format!("{f:?} {w:.2}")).collect();
            let note = format!(
                "no lexicon cue; naive Bayes {} score {score:.3} ≥ cut {cut}; top features: {}",
                e.code(),
                feats.join(", ")
            );
            let evidence = vec![Evidence { rule: format!("naive_bayes.emotion.{}", e.code()), spans: vec![], note }];
            emotions.push(Finding { value: e, score: cuts.intensity, evidence });
            added = true;
        }
        if added {
            emotions.sort_by_key(|f| f.value);
        }
    }

    /// The category back-up and the emotion back-up ([`Fallback::apply_emotions`]) of one text,
    /// which is normalised once for both. The category: applied to the rules' result given the
    /// rules' cue total per category (used when blending); the subcategory is dropped when the
    /// category changes.
    pub fn apply_all(
        &self,
        text: &str,
        category: Option<Finding<Category>>,
        subcategory: Option<Finding<String>>,
        totals: &BTreeMap<Category, f32>,
        emotions: &mut Vec<Finding<Emotion>>,
        negated: &[Emotion],
    ) -> (Option<Finding<Category>>, Option<Finding<String>>) {
        let prepared = self.model.prepare(text);
        self.apply_emotions_prepared(&prepared, emotions, negated);
        self.apply_prepared(text, &prepared, category, subcategory, totals)
    }

    fn apply_prepared(
        &self,
        text: &str,
        prepared: &Prepared,
        category: Option<Finding<Category>>,
        subcategory: Option<Finding<String>>,
        totals: &BTreeMap<Category, f32>,
    ) -> (Option<Finding<Category>>, Option<Finding<String>>) {
        let Some(lambda) = self.blend else { return self.apply(text, category, subcategory) };
        let Some(rule) = &category else { return (category, subcategory) };
        if (!self.english && prepared.english_text) || prepared.bigrams < self.min_bigrams {
            return (category, subcategory);
        }
        let post = prepared.log_posterior();
        if post.is_empty() {
            return (category, subcategory);
        }
        let blended: Vec<(Category, f64)> = post
            .iter()
            .map(|(c, lp)| (*c, lp + f64::from(lambda) * f64::from(totals.get(c).copied().unwrap_or(0.0))))
            .collect();
        let (best, top) = blended
            .iter()
            .copied()
            .fold((Category::Other, f64::NEG_INFINITY), |acc, x| if x.1 > acc.1 { x } else { acc });
        if best == rule.value {
            return (category, subcategory);
        }
        let z: f64 = blended.iter().map(|(_, s)| (s - top).exp()).sum();
        let prob = (1.0 / z) as f32;
        let nb_p = post.iter().find(|(c, _)| *c == best).map_or(0.0, |(_, lp)| lp.exp());
        let (_, _, feats) = prepared.predict_with(&post);
        let feats: Vec<String> = feats.iter().map(|(f, w)| format!("{f:?} {w:.2}")).collect();
        let note = format!(
            "rules gave {} ({:.3}, cue total {:.1}); naive Bayes p({})={:.3}, cue total {:.1}, blended with λ={}; top features: {}",
            rule.value.code(),
            rule.score,
            totals.get(&rule.value).copied().unwrap_or(0.0),
            best.code(),
            nb_p,
            totals.get(&best).copied().unwrap_or(0.0),
            lambda,
            feats.join(", ")
        );
        let evidence = vec![Evidence { rule: "naive_bayes".into(), spans: vec![], note }];
        let score = (prob.clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
        (Some(Finding { value: best, score, evidence }), None)
    }

    /// Apply to the rule-based result of `text` (overrule mode: `below`, `min_prob`). The
    /// subcategory is dropped when the category changes (it was scored inside the rules' category).
    pub fn apply(
        &self,
        text: &str,
        category: Option<Finding<Category>>,
        subcategory: Option<Finding<String>>,
    ) -> (Option<Finding<Category>>, Option<Finding<String>>) {
        let Some(rule) = &category else { return (category, subcategory) };
        if rule.value != Category::Other && rule.score >= self.below {
            return (category, subcategory);
        }
        if (!self.english && is_english(text)) || bigram_count(text) < self.min_bigrams {
            return (category, subcategory);
        }
        let (cat, prob, top) = self.model.predict(text);
        if prob < self.min_prob || cat == rule.value {
            return (category, subcategory);
        }
        let feats: Vec<String> = top.iter().map(|(f, w)| format!("{f:?} {w:.2}")).collect();
        let note = format!(
            "rules gave {} ({:.3} < {}); naive Bayes p={:.3}; top bigrams: {}",
            rule.value.code(),
            rule.score,
            self.below,
            prob,
            feats.join(", ")
        );
        let evidence = vec![Evidence { rule: "naive_bayes".into(), spans: vec![], note }];
        let score = (prob.clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
        (Some(Finding { value: cat, score, evidence }), None)
    }
}

/// Folds of whole writing batches (blocks of consecutive ids about one batch long: 48 English,
/// 96 Chinese records): a writer's habits of phrasing then never reach both sides of a fold, so
/// the score estimates how the model does on a new writer's text (docs/QUALITY.md).
pub fn batch_folds(records: &[&Record], k: usize) -> Vec<usize> {
    records
        .iter()
        .map(|r| {
            let block = if is_english(&r.text) { 48 } else { 96 };
            let n: usize = r.id.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            (n / block) % k.max(1)
        })
        .collect()
}

/// Fold of each record for blocked k-fold cross-validation: records are counted in order
/// within their category, and blocks of three consecutive records (the train records of one
/// split block of four, which share fact cores) stay in the same fold.
pub fn folds(records: &[&Record], k: usize) -> Vec<usize> {
    let mut pos: BTreeMap<Category, usize> = BTreeMap::new();
    records
        .iter()
        .map(|r| {
            let p = pos.entry(r.category).or_insert(0);
            let fold = (*p / 3) % k.max(1);
            *p += 1;
            fold
        })
        .collect()
}

/// Cross-validated evaluation of rules + fallback on `records` (use the train split only): for
/// each fold, a model trained on the other folds backs up the rules on this fold. Reports of
/// all folds are merged. `analyzer`'s own fallback is restored afterwards.
pub fn cross_validate(analyzer: &mut Analyzer, records: &[&Record], k: usize, below: f32, min_prob: f32) -> EvalReport {
    cross_validate_with(analyzer, records, k, below, min_prob, FeatureOpts::DEFAULT)
}

/// [`cross_validate`] with the given feature options.
pub fn cross_validate_with(
    analyzer: &mut Analyzer,
    records: &[&Record],
    k: usize,
    below: f32,
    min_prob: f32,
    opts: FeatureOpts,
) -> EvalReport {
    cross_validate_blend(analyzer, records, k, below, min_prob, opts, None)
}

/// [`cross_validate_with`], blending with weight `blend` when set ([`Fallback::blend`]).
pub fn cross_validate_blend(
    analyzer: &mut Analyzer,
    records: &[&Record],
    k: usize,
    below: f32,
    min_prob: f32,
    opts: FeatureOpts,
    blend: Option<f32>,
) -> EvalReport {
    let template = Fallback { below, min_prob, english: true, blend, ..Fallback::builtin() };
    cross_validate_fallback(analyzer, records, k, opts, &template)
}

/// Blocked k-fold cross-validation of `template` (every setting but the model, which is
/// retrained on the other folds with `opts`).
pub fn cross_validate_fallback(
    analyzer: &mut Analyzer,
    records: &[&Record],
    k: usize,
    opts: FeatureOpts,
    template: &Fallback,
) -> EvalReport {
    let saved = analyzer.category_fallback().cloned();
    let fold = folds(records, k);
    let mut total = EvalReport::default();
    for f in 0..k.max(1) {
        let train: Vec<&Record> = records.iter().zip(&fold).filter(|(_, x)| **x != f).map(|(r, _)| *r).collect();
        let test: Vec<&Record> = records.iter().zip(&fold).filter(|(_, x)| **x == f).map(|(r, _)| *r).collect();
        let mut model = NaiveBayes::train_records_with(&train, opts);
        model.train_harm(analyzer, &train);
        analyzer.set_category_fallback(Some(Fallback { model: Arc::new(model), ..template.clone() }));
        total.merge(&eval::evaluate(analyzer, &test));
    }
    analyzer.set_category_fallback(saved);
    total
}

/// One row of [`emotion_cut_cv`]: for a script and an emotion, the cut with the best F1 of
/// lexicon-or-model presence, that F1 with (tp, fp, fn), and the lexicon's F1 alone.
#[derive(Debug, Clone, PartialEq)]
pub struct EmotionCutRow {
    pub english: bool,
    pub emotion: Emotion,
    pub cut: f32,
    pub f1: f64,
    pub counts: (usize, usize, usize),
    pub lexicon_f1: f64,
}

/// Blocked k-fold cross-validation of the emotion detectors on `records` (train split only):
/// each fold's texts are analysed by the lexicon and scored by detectors trained on the other
/// folds; then, per script and emotion, the cut that maximises F1 of "lexicon found it or the
/// score reaches the cut" is searched over the pooled scores, among the cuts at which at least
/// `min_added_precision` of the emotions the model adds are labelled. `analyzer`'s fallback is restored.
pub fn emotion_cut_cv(
    analyzer: &mut Analyzer,
    records: &[&Record],
    k: usize,
    min_added_precision: f64,
) -> Vec<EmotionCutRow> {
    let saved = analyzer.category_fallback().cloned();
    let fold = folds(records, k);
    /// Per text: detector score, lexicon found it, labelled.
    type Scored = Vec<(f32, bool, bool)>;
    let mut rows: BTreeMap<(bool, Emotion), Scored> = BTreeMap::new();
    for f in 0..k.max(1) {
        let train: Vec<&Record> = records.iter().zip(&fold).filter(|(_, x)| **x != f).map(|(r, _)| *r).collect();
        let model = Arc::new(NaiveBayes::train_records_with(&train, FeatureOpts::DEFAULT));
        let fb = Fallback { model: Arc::clone(&model), emotions: None, ..Fallback::builtin() };
        let min_features = EmotionCuts::BUILTIN.min_features;
        analyzer.set_category_fallback(Some(fb));
        for r in records.iter().zip(&fold).filter(|(_, x)| **x == f).map(|(r, _)| *r) {
            let a = analyzer.analyze(&r.text);
            let negated = analyzer.negated_emotions(&r.text);
            let prepared = model.prepare(&r.text);
            let view = prepared.emotion_scores();
            let gated = view.features < min_features;
            let english = view.english;
            for (e, score) in view.scores {
                let vetoed = gated || negated.contains(&e) || prepared.emotion_top(e).is_empty();
                let score = if vetoed { f32::NEG_INFINITY } else { score };
                let found = a.emotions.iter().any(|x| x.value == e);
                rows.entry((english, e)).or_default().push((score, found, r.emotions.contains_key(&e)));
            }
        }
    }
    analyzer.set_category_fallback(saved);
    let f1 =
        |tp: usize, fp: usize, fn_: usize| if tp == 0 { 0.0 } else { 2.0 * tp as f64 / (2 * tp + fp + fn_) as f64 };
    rows.into_iter()
        .map(|((english, emotion), mut v)| {
            let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
            for (_, found, truth) in &v {
                match (found, truth) {
                    (true, true) => tp += 1,
                    (true, false) => fp += 1,
                    (false, true) => fn_ += 1,
                    _ => {}
                }
            }
            let lexicon_f1 = f1(tp, fp, fn_);
            let mut best = EmotionCutRow {
                english,
                emotion,
                cut: f32::INFINITY,
                f1: lexicon_f1,
                counts: (tp, fp, fn_),
                lexicon_f1,
            };
            // Lower the cut one text at a time (highest score first) over the texts the lexicon missed.
            v.retain(|(s, found, _)| !found && s.is_finite());
            v.sort_by(|a, b| b.0.total_cmp(&a.0));
            let (mut added_tp, mut added) = (0usize, 0usize);
            let mut i = 0;
            while i < v.len() {
                let cut = v[i].0;
                while i < v.len() && v[i].0 == cut {
                    if v[i].2 {
                        tp += 1;
                        fn_ -= 1;
                        added_tp += 1;
                    } else {
                        fp += 1;
                    }
                    added += 1;
                    i += 1;
                }
                let score = f1(tp, fp, fn_);
                if score > best.f1 && added_tp as f64 >= min_added_precision * added as f64 {
                    best = EmotionCutRow { english, emotion, cut, f1: score, counts: (tp, fp, fn_), lexicon_f1 };
                }
            }
            best
        })
        .collect()
}

/// One cut's result in [`harm_cut_cv`].
#[derive(Debug, Clone, Default)]
pub struct HarmCv {
    /// Labelled records flagged.
    pub tp: usize,
    /// Ids of records flagged but not labelled.
    pub false_alarms: Vec<String>,
    /// Ids of labelled records not flagged.
    pub misses: Vec<String>,
}

impl HarmCv {
    /// Count one record: whether the threat was found and whether it is labelled.
    fn count(&mut self, found: bool, labelled: bool, id: &str) {
        match (found, labelled) {
            (true, true) => self.tp += 1,
            (true, false) => self.false_alarms.push(id.to_string()),
            (false, true) => self.misses.push(id.to_string()),
            _ => {}
        }
    }
}

/// The shared driver of the back-ups' cut cross-validations: k folds of the English (or the
/// Chinese) records of `records` (whole writing batches per fold when `by_batch`); per fold,
/// the category, self-harm and threat clause models trained on the other folds with the rules
/// alone; per cut, `fallback(model, cut)` analyses the fold's records and `count` adds each
/// record's found threat types to that cut's tally.
#[allow(clippy::too_many_arguments)] // the public CVs' six arguments and the two closures that differ
fn cut_cv<C: Clone + Default>(
    analyzer: &mut Analyzer,
    records: &[&Record],
    english: bool,
    k: usize,
    cuts: &[Option<f32>],
    by_batch: bool,
    fallback: impl Fn(Arc<NaiveBayes>, Option<f32>) -> Fallback,
    mut count: impl FnMut(&mut C, &[super::Threat], &Record),
) -> Vec<C> {
    let saved = analyzer.category_fallback().cloned();
    let records: Vec<&Record> = records.iter().copied().filter(|r| is_english(&r.text) == english).collect();
    let fold = if by_batch { batch_folds(&records, k) } else { folds(&records, k) };
    let mut out = vec![C::default(); cuts.len()];
    for f in 0..k.max(1) {
        let train: Vec<&Record> = records.iter().zip(&fold).filter(|(_, x)| **x != f).map(|(r, _)| *r).collect();
        analyzer.set_category_fallback(None);
        let mut model = NaiveBayes::train_records_with(&train, FeatureOpts::DEFAULT);
        model.train_harm(analyzer, &train);
        model.train_veto(analyzer, &train);
        let model = Arc::new(model);
        for (cut, tally) in cuts.iter().zip(out.iter_mut()) {
            analyzer.set_category_fallback(Some(fallback(Arc::clone(&model), *cut)));
            for r in records.iter().zip(&fold).filter(|(_, x)| **x == f).map(|(r, _)| *r) {
                let found: Vec<super::Threat> = analyzer.analyze(&r.text).threats.iter().map(|t| t.value).collect();
                count(tally, &found, r);
            }
        }
    }
    analyzer.set_category_fallback(saved);
    out
}

/// Blocked k-fold cross-validation of the self-harm back-up on the English (or the Chinese)
/// records of `records` (train split only): for each cut (`None` = lexicon alone), the
/// record-level self_harm_violence (tp, fp, fn) with sentence models trained on the other
/// folds, and the ids of its false alarms and misses.
pub fn harm_cut_cv(
    analyzer: &mut Analyzer,
    records: &[&Record],
    english: bool,
    k: usize,
    cuts: &[Option<f32>],
    by_batch: bool,
) -> Vec<HarmCv> {
    let harm = super::Threat::SelfHarmViolence;
    cut_cv(
        analyzer,
        records,
        english,
        k,
        cuts,
        by_batch,
        |model, cut| Fallback { model, self_harm: cut, self_harm_zh: cut, ..Fallback::builtin() },
        |counts: &mut HarmCv, found, r| counts.count(found.contains(&harm), r.threats.contains(&harm), &r.id),
    )
}

/// The threat clause model (escalation threats, not self-harm) at several cuts by k-fold
/// cross-validation on `records` of one language (train split; whole writing batches per fold
/// when `by_batch`): per cut (`None` = rules alone), per threat type, (tp, false alarm ids,
/// miss ids). Each fold's models are trained on the other folds only.
pub fn veto_cut_cv(
    analyzer: &mut Analyzer,
    records: &[&Record],
    english: bool,
    k: usize,
    cuts: &[Option<f32>],
    by_batch: bool,
) -> Vec<BTreeMap<super::Threat, HarmCv>> {
    cut_cv(
        analyzer,
        records,
        english,
        k,
        cuts,
        by_batch,
        |model, cut| Fallback { model, threat_veto_en: cut, threat_veto_zh: cut, ..Fallback::builtin() },
        |counts: &mut BTreeMap<super::Threat, HarmCv>, found, r| {
            for &t in super::Threat::ALL.iter().filter(|t| **t != super::Threat::SelfHarmViolence) {
                counts.entry(t).or_default().count(found.contains(&t), r.threats.contains(&t), &r.id);
            }
        },
    )
}

/// Cross-validated accuracy of the model alone (no rules) on `records` (train split only).
pub fn cross_validate_alone(records: &[&Record], k: usize, opts: FeatureOpts) -> f64 {
    let fold = folds(records, k);
    let mut correct = 0usize;
    for f in 0..k.max(1) {
        let model = NaiveBayes::train_with(
            records.iter().zip(&fold).filter(|(_, x)| **x != f).map(|(r, _)| (r.text.as_str(), r.category)),
            opts,
        );
        correct +=
            records.iter().zip(&fold).filter(|(r, x)| **x == f && model.predict(&r.text).0 == r.category).count();
    }
    correct as f64 / records.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_separable_toy_set() {
        let train = [
            ("信用卡被盗刷", Category::Card),
            ("信用卡年费", Category::Card),
            ("我的信用卡", Category::Card),
            ("催收电话骚扰", Category::DebtCollection),
            ("暴力催收", Category::DebtCollection),
            ("催收爆通讯录", Category::DebtCollection),
        ];
        let nb = NaiveBayes::train(train.iter().map(|(t, c)| (*t, *c)));
        assert_eq!(nb.classes(), vec![Category::Card, Category::DebtCollection]);
        let (c, p, top) = nb.predict("信用卡又被刷了");
        assert_eq!(c, Category::Card);
        assert!(p > 0.8, "{p}");
        assert_eq!(top[0].0, "信用");
        let (c, p, _) = nb.predict("天天催收电话");
        assert_eq!(c, Category::DebtCollection);
        assert!(p > 0.8, "{p}");
        // Full-width and traditional forms are folded.
        assert_eq!(nb.predict("信用卡ＡＢＣ").0, Category::Card);
        assert_eq!(NaiveBayes::train(std::iter::empty()).predict("x").0, Category::Other);
        // An English text goes to the English model; with none, to the Chinese one.
        let mixed = NaiveBayes::train([("card fraud", Category::Card), ("贷款利息", Category::Loan)]);
        assert_eq!(mixed.predict("my card was hit by fraud").0, Category::Card);
        assert_eq!(nb.predict("card").0, Category::Card);
    }

    #[test]
    fn balanced_classes_do_not_favour_the_large_class() {
        // Nine card texts and one loan text share the words 银行 and 客服; a text with only those
        // words is no evidence for either class, but the unbalanced model leans to the large one.
        let mut train: Vec<(&str, Category)> = vec![("银行客服信用卡年费", Category::Card); 9];
        train.push(("银行客服贷款利息", Category::Loan));
        let p_card = |opts: FeatureOpts| {
            let nb = NaiveBayes::train_with(train.iter().copied(), opts);
            let post = nb.log_posterior("银行客服");
            post.iter().find(|(c, _)| *c == Category::Card).map_or(0.0, |(_, lp)| lp.exp())
        };
        let (unbalanced, balanced) = (p_card(FeatureOpts::UNBALANCED), p_card(FeatureOpts::DEFAULT));
        assert!(unbalanced > 0.6, "{unbalanced}");
        assert!(balanced < unbalanced - 0.2, "{balanced} vs {unbalanced}");
        // Class evidence still decides.
        let nb = NaiveBayes::train_with(train.iter().copied(), FeatureOpts::DEFAULT);
        assert_eq!(nb.predict("贷款利息太高").0, Category::Loan);
        assert_eq!(nb.predict("信用卡年费").0, Category::Card);
    }

    #[test]
    fn features_are_normalised_bigrams() {
        let f = features("ＡＢ  1２ 保險");
        assert_eq!(f.get(&('a', 'b')), Some(&1));
        assert_eq!(f.get(&('0', '0')), Some(&1));
        assert_eq!(f.get(&('保', '险')), Some(&1));
        assert!(!f.contains_key(&(' ', ' ')));
    }

    #[test]
    fn builtin_model_trains_on_embedded_corpus() {
        let zh = eval::parse_jsonl(CORPUS_ZH).unwrap();
        let en = eval::parse_jsonl(CORPUS_EN).unwrap();
        assert_eq!((zh.len(), en.len()), (9471, 5515));
        let quoted = builtin_corpus().unwrap().iter().filter(|r| !r.harm_quotes.is_empty()).count();
        assert_eq!(quoted, HARM_QUOTES.lines().count());
        assert!(T2s::parse(normalize::BUILTIN_T2S).is_ok());
        let nb = NaiveBayes::builtin();
        assert_eq!(nb.classes().len(), Category::ALL.len());
        assert_eq!(nb.predict("信用卡在境外被盗刷了六笔").0, Category::Card);
    }

    #[test]
    fn harm_quotes_are_the_positive_sentences() {
        // Labelled records whose statement no lexicon cue finds, each before sentences that
        // negatives share. Without quotes the first model is untrained and the last sentence is
        // taken; the quotes pick the statement, so the model learns its words.
        let mut lines = Vec::new();
        let mut quotes = Vec::new();
        for i in 0..12 {
            let id = format!("en-{:04}", i + 1);
            if i % 2 == 0 {
                let text = format!(
                    "The quarry road calls me at night and I listen. Account {i} was closed. I will be honest with you."
                );
                lines.push(toy_line(&id, &text, "other", "{}", r#""self_harm_violence""#));
                quotes.push(format!(
                    r#"{{"id": "{id}", "quotes": ["The quarry road calls me at night and I listen."]}}"#
                ));
            } else {
                let text =
                    format!("Account {i} was closed. I will be honest with you. The branch never called me back.");
                lines.push(toy_line(&id, &text, "other", "{}", ""));
            }
        }
        let mut records = eval::parse_jsonl(&lines.join("\n")).unwrap();
        let mut rules = Analyzer::builtin().unwrap();
        rules.set_category_fallback(None);
        let train = |records: &[Record]| {
            let refs: Vec<&Record> = records.iter().collect();
            let mut nb = NaiveBayes::train_records(&refs);
            nb.train_harm(&rules, &refs);
            nb
        };
        let statement = "The quarry road calls me again.";
        let without = train(&records);
        assert_eq!(eval::attach_harm_quotes(&mut records, &quotes.join("\n")).unwrap(), 6);
        let with = train(&records);
        assert_eq!(with.harm(true).sentences(), (6, 18));
        let (s_with, s_without) =
            (with.harm(true).score(statement).unwrap(), without.harm(true).score(statement).unwrap());
        assert!(s_with > 0.0 && s_with > s_without, "{s_with} vs {s_without}");
        assert!(with.harm(true).score("I will be honest with you.").unwrap() < 0.0);
    }

    #[test]
    fn folds_keep_blocks_together() {
        let recs = eval::parse_jsonl(CORPUS_ZH).unwrap();
        let refs: Vec<&Record> = recs.iter().filter(|r| r.split == Split::Train).collect();
        let f = folds(&refs, 5);
        assert_eq!(f.len(), refs.len());
        assert!((0..5).all(|k| f.iter().filter(|x| **x == k).count() > 50));
    }

    /// A toy corpus: claim letters whose writers were labelled anxious when they wrote about
    /// money for treatment (no lexicon anxiety cue in any of them), and calm otherwise.
    fn toy_emotion_records() -> Vec<Record> {
        let mut lines = Vec::new();
        for i in 0..30 {
            let (text, emotions) = if i % 2 == 0 {
                (
                    format!(
                        "第{i}号保单，孩子下周手术，押金还差一大截，每天晚上睡不着，医院在催缴费用，请尽快处理理赔申请"
                    ),
                    r#"{"anxiety": 0.6}"#,
                )
            } else {
                (format!("第{i}号保单，已经提交全部材料，请按合同约定审核理赔申请，并告知处理进度和结果"), "{}")
            };
            lines.push(toy_line(&format!("zh-{:04}", i + 1), &text, "claim_delay", emotions, ""));
        }
        eval::parse_jsonl(&lines.join("\n")).unwrap()
    }

    /// One train record of a toy corpus as a JSON line (`emotions` a JSON object, `threats` the
    /// inside of a JSON list).
    fn toy_line(id: &str, text: &str, category: &str, emotions: &str, threats: &str) -> String {
        format!(
            r#"{{"id": "{id}", "split": "train", "text": "{text}", "category": "{category}", "subcategory": null, "emotions": {emotions}, "threats": [{threats}], "demands": [], "markers": [], "vulnerability": []}}"#
        )
    }

    #[test]
    fn emotion_detectors_add_what_the_lexicon_missed_with_evidence() {
        let records = toy_emotion_records();
        let refs: Vec<&Record> = records.iter().collect();
        let model = Arc::new(NaiveBayes::train_records(&refs));
        let cuts = EmotionCuts { zh: [0.0; 5], en: [0.0; 5], intensity: 0.3, min_features: 12 };
        let fb = Fallback { model: Arc::clone(&model), emotions: Some(cuts), ..Fallback::builtin() };
        // Unseen texts in the two styles.
        let worried = "我的保单理赔，老公下个月手术，押金还差很多，晚上睡不着，医院天天催缴费用";
        let calm = "我的保单理赔，材料已经提交齐全，请按合同约定审核，并告知处理进度和结果";
        let view = model.emotion_scores(worried);
        assert!(!view.english && view.features >= 12, "{view:?}");
        let score = |v: &EmotionScores| v.scores.iter().find(|s| s.0 == Emotion::Anxiety).map(|s| s.1).unwrap();
        assert!(score(&view) > 0.0 && score(&model.emotion_scores(calm)) < 0.0);
        let mut found = vec![];
        fb.apply_emotions(worried, &mut found, &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].value, found[0].score), (Emotion::Anxiety, 0.3));
        assert_eq!(found[0].evidence[0].rule, "naive_bayes.emotion.anxiety");
        assert!(found[0].evidence[0].note.contains("\"不着\""), "{}", found[0].evidence[0].note);
        let mut found = vec![];
        fb.apply_emotions(calm, &mut found, &[]);
        assert!(found.is_empty(), "{found:?}");
        // A lexicon finding is kept as it is; a negated emotion is never added; nor are
        // emotions of short texts or of a fallback without emotion cuts.
        let lexicon = Finding { value: Emotion::Anxiety, score: 0.8, evidence: vec![] };
        let mut found = vec![lexicon.clone()];
        fb.apply_emotions(worried, &mut found, &[]);
        assert_eq!(found, vec![lexicon]);
        let mut found = vec![];
        fb.apply_emotions(worried, &mut found, &[Emotion::Anxiety]);
        assert!(found.is_empty());
        fb.apply_emotions("睡不着，医院催缴费用", &mut found, &[]);
        assert!(found.is_empty());
        Fallback { emotions: None, ..fb }.apply_emotions(worried, &mut found, &[]);
        assert!(found.is_empty());
        // A model trained without emotion labels scores nothing.
        assert!(NaiveBayes::train([("信用卡盗刷", Category::Card)]).emotion_scores(worried).scores.is_empty());
    }

    #[test]
    fn fallback_only_below_threshold() {
        let nb = Arc::new(NaiveBayes::train([("信用卡盗刷", Category::Card), ("催收电话", Category::DebtCollection)]));
        let fb = Fallback {
            model: nb,
            below: 0.3,
            min_prob: 0.6,
            min_bigrams: 3,
            english: false,
            blend: None,
            emotions: None,
            self_harm: None,
            self_harm_zh: None,
            threat_veto_en: None,
            threat_veto_zh: None,
        };
        let other = Finding { value: Category::Other, score: 0.0, evidence: vec![] };
        // Too short: stays other.
        assert_eq!(fb.apply("信用卡", Some(other.clone()), None).0.unwrap().value, Category::Other);
        let (c, s) = fb.apply("信用卡盗刷了", Some(other), None);
        let c = c.unwrap();
        assert_eq!(c.value, Category::Card);
        assert!(s.is_none());
        assert_eq!(c.evidence[0].rule, "naive_bayes");
        assert!(c.evidence[0].spans.is_empty());
        let strong = Finding { value: Category::Loan, score: 0.8, evidence: vec![] };
        assert_eq!(fb.apply("信用卡盗刷了", Some(strong), None).0.unwrap().value, Category::Loan);
        assert!(fb.apply("", None, None).0.is_none());
        // English only when asked for.
        let other = Finding { value: Category::Other, score: 0.0, evidence: vec![] };
        let en = "my card was hit by fraud again";
        assert_eq!(fb.apply(en, Some(other.clone()), None).0.unwrap().value, Category::Other);
        let model = Arc::new(NaiveBayes::train([
            ("card fraud", Category::Card),
            ("collector calls", Category::DebtCollection),
        ]));
        let fb = Fallback { english: true, model, ..fb };
        assert_eq!(fb.apply(en, Some(other), None).0.unwrap().value, Category::Card);
    }
}
