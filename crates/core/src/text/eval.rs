//! Evaluation of the analyser against the hand-labelled corpus (corpus/README.md).
//!
//! Pure: parse JSON Lines, run the analyser, count. `EvalReport`'s `Display` is the table that
//! `tousu eval` prints. Figures and goals are recorded in docs/QUALITY.md.

use super::{Analyzer, Category, Emotion, Marker, TextAnalysis, Threat, Vulnerability};
use crate::{Currency, DemandKind, Error, Money};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Train or held-out (never used for tuning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    Train,
    Heldout,
}

/// A labelled demand: amount is a decimal string with two places, or null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelledDemand {
    pub kind: DemandKind,
    pub amount: Option<String>,
    pub currency: Option<String>,
}

impl LabelledDemand {
    /// The labelled amount as money, when both amount and a known currency are given.
    pub fn money(&self) -> Option<Money> {
        let currency = Currency::from_code(self.currency.as_deref()?)?;
        Some(Money::new(parse_minor(self.amount.as_deref()?)?, currency))
    }
}

/// One corpus record (one line of corpus/*.jsonl).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub id: String,
    pub split: Split,
    pub text: String,
    pub category: Category,
    pub subcategory: Option<String>,
    pub emotions: BTreeMap<Emotion, f32>,
    pub threats: Vec<Threat>,
    pub demands: Vec<LabelledDemand>,
    pub markers: Vec<Marker>,
    pub vulnerability: Vec<Vulnerability>,
    /// The team's quotes of the self-harm or violence statement in a `train` record labelled
    /// self_harm_violence that the lexicon finds none in (corpus/harm_quotes.jsonl, attached by
    /// [`attach_harm_quotes`]); they teach the self-harm sentence model (harm.rs) new wordings.
    #[serde(skip)]
    pub harm_quotes: Vec<String>,
}

/// `"35000.00"` → 3500000 minor units; `None` for anything else.
fn parse_minor(s: &str) -> Option<i64> {
    let (int, frac) = s.split_once('.')?;
    if int.is_empty() || frac.len() != 2 || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    int.parse::<i64>().ok()?.checked_mul(100)?.checked_add(frac.parse::<i64>().ok()?)
}

/// Parse JSON Lines (blank lines are skipped). A bad line is an error naming its line number.
pub fn parse_jsonl(src: &str) -> Result<Vec<Record>, Error> {
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let rec: Record = serde_json::from_str(line).map_err(|e| Error::InvalidData {
            what: "corpus JSON Lines".into(),
            reason: format!("line {}: {e}", i + 1),
        })?;
        for d in &rec.demands {
            if d.amount.is_some() != d.currency.is_some() || (d.amount.is_some() && d.money().is_none()) {
                return Err(Error::InvalidData {
                    what: "corpus JSON Lines".into(),
                    reason: format!("line {}: bad demand amount {:?} {:?}", i + 1, d.amount, d.currency),
                });
            }
        }
        out.push(rec);
    }
    Ok(out)
}

/// One line of corpus/harm_quotes.jsonl.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HarmQuotes {
    id: String,
    quotes: Vec<String>,
}

/// Attach the quotes of corpus/harm_quotes.jsonl (JSON Lines of `{"id", "quotes"}`) to their
/// records; lines naming a record not in `records` are skipped (the file names English records
/// only). A line is an error, naming its number, when a quote is empty or not verbatim in the
/// text, or when its record is held out or not labelled self_harm_violence: quotes teach the
/// model, and the held-out split must stay unseen. Returns how many records got quotes.
pub fn attach_harm_quotes(records: &mut [Record], src: &str) -> Result<usize, Error> {
    let index: std::collections::HashMap<String, usize> =
        records.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
    let mut attached = 0;
    for (i, line) in src.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |reason: String| Error::InvalidData {
            what: "harm quotes JSON Lines".into(),
            reason: format!("line {}: {reason}", i + 1),
        };
        let q: HarmQuotes = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let Some(&at) = index.get(&q.id) else { continue };
        let r = &mut records[at];
        if r.split != Split::Train || !r.threats.contains(&Threat::SelfHarmViolence) {
            return Err(bad(format!("{} is not a train record labelled self_harm_violence", q.id)));
        }
        if let Some(quote) = q.quotes.iter().find(|quote| quote.trim().is_empty() || !r.text.contains(quote.as_str())) {
            return Err(bad(format!("{}: quote {quote:?} is not in the text", q.id)));
        }
        if q.quotes.is_empty() {
            return Err(bad(format!("{}: no quotes", q.id)));
        }
        r.harm_quotes = q.quotes;
        attached += 1;
    }
    Ok(attached)
}

/// True positives, false positives, false negatives for one label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Prf {
    /// Count one decision.
    pub fn add(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }
    /// `None` when nothing was predicted.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }
    /// `None` when there is no positive in the truth.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// `None` when the label appears neither in the truth nor in the predictions; 0 when no
    /// true positive.
    pub fn f1(&self) -> Option<f64> {
        if self.tp + self.fp + self.fn_ == 0 {
            return None;
        }
        Some(2.0 * self.tp as f64 / (2 * self.tp + self.fp + self.fn_) as f64)
    }
    /// Positives in the truth.
    pub fn support(&self) -> usize {
        self.tp + self.fn_
    }
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Evaluation figures of one set of records.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EvalReport {
    pub records: usize,
    pub category_correct: usize,
    /// Per category, in `Category::ALL` order.
    pub categories: Vec<(Category, Prf)>,
    /// `confusion[truth][predicted]`, indices in `Category::ALL` order (a blank text's missing
    /// category counts as `other`).
    pub confusion: Vec<Vec<usize>>,
    /// Records with a labelled subcategory, and how many of those got it exactly.
    pub subcategory_labelled: usize,
    pub subcategory_correct: usize,
    pub threats: Vec<(Threat, Prf)>,
    pub emotions: Vec<(Emotion, Prf)>,
    pub demands: Vec<(DemandKind, Prf)>,
    /// Labelled demand amounts; found (equal amount and currency on any demand); found on a
    /// demand of the labelled kind; amounts the analyser found that are not labelled.
    pub amounts_labelled: usize,
    pub amounts_found: usize,
    pub amounts_found_same_kind: usize,
    pub amounts_spurious: usize,
    pub markers: Vec<(Marker, Prf)>,
    pub vulnerability: Vec<(Vulnerability, Prf)>,
}

impl EvalReport {
    pub fn category_accuracy(&self) -> Option<f64> {
        ratio(self.category_correct, self.records)
    }
    /// Mean F1 over the categories present in the truth or the predictions.
    pub fn category_macro_f1(&self) -> Option<f64> {
        macro_f1(&self.categories)
    }
    /// Share of labelled amounts found exactly (amount and currency).
    pub fn amount_match_rate(&self) -> Option<f64> {
        ratio(self.amounts_found, self.amounts_labelled)
    }
    pub fn threat(&self, t: Threat) -> Prf {
        self.threats.iter().find(|p| p.0 == t).map(|p| p.1).unwrap_or_default()
    }
    pub fn category(&self, c: Category) -> Prf {
        self.categories.iter().find(|p| p.0 == c).map(|p| p.1).unwrap_or_default()
    }
    /// Add the counts of another report (e.g. the folds of a cross-validation).
    pub fn merge(&mut self, other: &EvalReport) {
        fn add<T: Copy + PartialEq>(mine: &mut Vec<(T, Prf)>, theirs: &[(T, Prf)]) {
            for (t, p) in theirs {
                match mine.iter_mut().find(|m| m.0 == *t) {
                    Some(m) => {
                        m.1.tp += p.tp;
                        m.1.fp += p.fp;
                        m.1.fn_ += p.fn_;
                    }
                    None => mine.push((*t, *p)),
                }
            }
        }
        self.records += other.records;
        self.category_correct += other.category_correct;
        add(&mut self.categories, &other.categories);
        if self.confusion.is_empty() {
            self.confusion = other.confusion.clone();
        } else {
            for (row, orow) in self.confusion.iter_mut().zip(&other.confusion) {
                for (c, o) in row.iter_mut().zip(orow) {
                    *c += o;
                }
            }
        }
        self.subcategory_labelled += other.subcategory_labelled;
        self.subcategory_correct += other.subcategory_correct;
        add(&mut self.threats, &other.threats);
        add(&mut self.emotions, &other.emotions);
        add(&mut self.demands, &other.demands);
        self.amounts_labelled += other.amounts_labelled;
        self.amounts_found += other.amounts_found;
        self.amounts_found_same_kind += other.amounts_found_same_kind;
        self.amounts_spurious += other.amounts_spurious;
        add(&mut self.markers, &other.markers);
        add(&mut self.vulnerability, &other.vulnerability);
    }
}

/// Mean of the defined F1 values.
pub fn macro_f1<T>(rows: &[(T, Prf)]) -> Option<f64> {
    let f: Vec<f64> = rows.iter().filter_map(|r| r.1.f1()).collect();
    (!f.is_empty()).then(|| f.iter().sum::<f64>() / f.len() as f64)
}

fn cat_index(c: Category) -> usize {
    Category::ALL.iter().position(|x| *x == c).unwrap_or(Category::ALL.len() - 1)
}

fn predicted_category(a: &TextAnalysis) -> Category {
    a.category.as_ref().map(|f| f.value).unwrap_or(Category::Other)
}

fn found_amounts(a: &TextAnalysis) -> Vec<(DemandKind, Money)> {
    a.demands.iter().filter_map(|d| d.value.amount.map(|m| (d.value.kind, m))).collect()
}

/// Multi-label counts for one label family.
fn count<T: Copy + PartialEq>(rows: &mut [(T, Prf)], truth: &[T], predicted: &[T]) {
    for (t, prf) in rows.iter_mut() {
        prf.add(truth.contains(t), predicted.contains(t));
    }
}

fn rows<T: Copy>(all: &[T]) -> Vec<(T, Prf)> {
    all.iter().map(|t| (*t, Prf::default())).collect()
}

/// Predicted labels of one analysis in the corpus' terms.
struct Got {
    category: Category,
    subcategory: Option<String>,
    threats: Vec<Threat>,
    emotions: Vec<Emotion>,
    demands: Vec<DemandKind>,
    amounts: Vec<(DemandKind, Money)>,
    markers: Vec<Marker>,
    vulnerability: Vec<Vulnerability>,
}

impl Got {
    fn of(a: &TextAnalysis) -> Got {
        Got {
            category: predicted_category(a),
            subcategory: a.subcategory.as_ref().map(|s| s.value.clone()),
            threats: a.threats.iter().map(|f| f.value).collect(),
            emotions: a.emotions.iter().map(|f| f.value).collect(),
            demands: a.demands.iter().map(|f| f.value.kind).collect(),
            amounts: found_amounts(a),
            markers: a.markers.iter().map(|f| f.value).collect(),
            vulnerability: a.vulnerability.iter().map(|f| f.value).collect(),
        }
    }
}

/// Analyse every record and count hits and misses against its labels.
pub fn evaluate(analyzer: &Analyzer, records: &[&Record]) -> EvalReport {
    let n = Category::ALL.len();
    let mut r = EvalReport {
        records: records.len(),
        categories: rows(Category::ALL),
        confusion: vec![vec![0; n]; n],
        threats: rows(Threat::ALL),
        emotions: rows(Emotion::ALL),
        demands: rows(DemandKind::ALL),
        markers: rows(Marker::ALL),
        vulnerability: rows(Vulnerability::ALL),
        ..EvalReport::default()
    };
    for rec in records {
        let got = Got::of(&analyzer.analyze(&rec.text));
        if got.category == rec.category {
            r.category_correct += 1;
        }
        for (c, prf) in r.categories.iter_mut() {
            prf.add(*c == rec.category, *c == got.category);
        }
        r.confusion[cat_index(rec.category)][cat_index(got.category)] += 1;
        if let Some(sub) = &rec.subcategory {
            r.subcategory_labelled += 1;
            if got.category == rec.category && got.subcategory.as_ref() == Some(sub) {
                r.subcategory_correct += 1;
            }
        }
        count(&mut r.threats, &rec.threats, &got.threats);
        let emotions: Vec<Emotion> = rec.emotions.keys().copied().collect();
        count(&mut r.emotions, &emotions, &got.emotions);
        let demands: Vec<DemandKind> = rec.demands.iter().map(|d| d.kind).collect();
        count(&mut r.demands, &demands, &got.demands);
        count(&mut r.markers, &rec.markers, &got.markers);
        count(&mut r.vulnerability, &rec.vulnerability, &got.vulnerability);
        let labelled: Vec<(DemandKind, Money)> =
            rec.demands.iter().filter_map(|d| d.money().map(|m| (d.kind, m))).collect();
        for (kind, m) in &labelled {
            r.amounts_labelled += 1;
            if got.amounts.iter().any(|(_, g)| g == m) {
                r.amounts_found += 1;
            }
            if got.amounts.contains(&(*kind, *m)) {
                r.amounts_found_same_kind += 1;
            }
        }
        r.amounts_spurious += got.amounts.iter().filter(|(_, g)| !labelled.iter().any(|(_, m)| m == g)).count();
    }
    r
}

/// One miss: (record id, what, expected, got). `-` stands for "nothing".
pub type Miss = (String, String, String, String);

fn list<T: Copy>(v: &[T], code: impl Fn(T) -> &'static str) -> String {
    if v.is_empty() { "-".into() } else { v.iter().map(|x| code(*x)).collect::<Vec<_>>().join(",") }
}

/// Every disagreement with the labels, record by record, for tuning (train split only!).
pub fn errors(analyzer: &Analyzer, records: &[&Record]) -> Vec<Miss> {
    let mut out = Vec::new();
    for rec in records {
        let got = Got::of(&analyzer.analyze(&rec.text));
        let mut push = |what: &str, expected: String, got: String| {
            out.push((rec.id.clone(), what.to_string(), expected, got));
        };
        if got.category != rec.category {
            push("category", rec.category.code().into(), got.category.code().into());
        } else if rec.subcategory.is_some() && got.subcategory != rec.subcategory {
            push(
                "subcategory",
                rec.subcategory.clone().unwrap_or_default(),
                got.subcategory.clone().unwrap_or_else(|| "-".into()),
            );
        }
        let mut set = |what: &str, truth: String, pred: String| {
            if truth != pred {
                push(what, truth, pred);
            }
        };
        let (mut tt, mut gt) = (rec.threats.clone(), got.threats.clone());
        tt.sort();
        gt.sort();
        set("threats", list(&tt, Threat::code), list(&gt, Threat::code));
        let emotions: Vec<Emotion> = rec.emotions.keys().copied().collect();
        let mut ge = got.emotions.clone();
        ge.sort();
        set("emotions", list(&emotions, Emotion::code), list(&ge, Emotion::code));
        let mut td: Vec<DemandKind> = rec.demands.iter().map(|d| d.kind).collect();
        td.sort();
        td.dedup();
        let mut gd = got.demands.clone();
        gd.sort();
        set("demands", list(&td, DemandKind::code), list(&gd, DemandKind::code));
        let show = |v: &[(DemandKind, Money)]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                v.iter()
                    .map(|(k, m)| format!("{} {} {}", k.code(), m.amount_string(), m.currency.code()))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        };
        let mut la: Vec<(DemandKind, Money)> =
            rec.demands.iter().filter_map(|d| d.money().map(|m| (d.kind, m))).collect();
        la.sort();
        let mut ga = got.amounts.clone();
        ga.sort();
        let la_m: Vec<Money> = la.iter().map(|x| x.1).collect();
        let ga_m: Vec<Money> = ga.iter().map(|x| x.1).collect();
        if la_m.iter().any(|m| !ga_m.contains(m)) || ga_m.iter().any(|m| !la_m.contains(m)) {
            set("amounts", show(&la), show(&ga));
        }
        let mut gm = got.markers.clone();
        gm.sort();
        set("markers", list(&rec.markers, Marker::code), list(&gm, Marker::code));
        let mut gv = got.vulnerability.clone();
        gv.sort();
        set("vulnerability", list(&rec.vulnerability, Vulnerability::code), list(&gv, Vulnerability::code));
    }
    out
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.3}", v)).unwrap_or_else(|| "–".into())
}

fn table<T: Copy>(
    f: &mut fmt::Formatter<'_>,
    title: &str,
    rows: &[(T, Prf)],
    code: impl Fn(T) -> &'static str,
) -> fmt::Result {
    writeln!(f, "{title}")?;
    writeln!(
        f,
        "  {:<24} {:>7} {:>7} {:>7} {:>5} {:>5} {:>5} {:>7}",
        "label", "P", "R", "F1", "tp", "fp", "fn", "support"
    )?;
    for (t, p) in rows {
        writeln!(
            f,
            "  {:<24} {:>7} {:>7} {:>7} {:>5} {:>5} {:>5} {:>7}",
            code(*t),
            pct(p.precision()),
            pct(p.recall()),
            pct(p.f1()),
            p.tp,
            p.fp,
            p.fn_,
            p.support()
        )?;
    }
    writeln!(f, "  {:<24} {:>23}", "macro-F1", pct(macro_f1(rows)))
}

/// Short column heads for the confusion matrix.
fn abbrev(c: Category) -> &'static str {
    match c {
        Category::ClaimRefusal => "refus",
        Category::ClaimDelay => "delay",
        Category::ClaimAmountDispute => "amnt",
        Category::SurrenderDispute => "surr",
        Category::MisSelling => "missl",
        Category::ServiceAttitude => "serv",
        Category::FeesCharges => "fees",
        Category::Card => "card",
        Category::Loan => "loan",
        Category::DebtCollection => "debt",
        Category::DataPrivacy => "priv",
        Category::Other => "other",
    }
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "records: {}", self.records)?;
        writeln!(
            f,
            "category accuracy: {} ({}/{})   macro-F1: {}   subcategory exact: {} ({}/{})",
            pct(self.category_accuracy()),
            self.category_correct,
            self.records,
            pct(self.category_macro_f1()),
            pct(ratio(self.subcategory_correct, self.subcategory_labelled)),
            self.subcategory_correct,
            self.subcategory_labelled
        )?;
        writeln!(f)?;
        table(f, "Category", &self.categories, Category::code)?;
        writeln!(f)?;
        writeln!(f, "Confusion (rows = truth, columns = predicted)")?;
        write!(f, "  {:<22}", "")?;
        for c in Category::ALL {
            write!(f, " {:>5}", abbrev(*c))?;
        }
        writeln!(f)?;
        for (i, row) in self.confusion.iter().enumerate() {
            let c = Category::ALL.get(i).copied().unwrap_or(Category::Other);
            write!(f, "  {:<22}", c.code())?;
            for (j, n) in row.iter().enumerate() {
                if *n == 0 {
                    write!(f, " {:>5}", ".")?;
                } else if i == j {
                    write!(f, " {:>5}", format!("[{n}]"))?;
                } else {
                    write!(f, " {n:>5}")?;
                }
            }
            writeln!(f)?;
        }
        writeln!(f)?;
        table(f, "Threats", &self.threats, Threat::code)?;
        writeln!(f)?;
        table(f, "Emotions (presence)", &self.emotions, Emotion::code)?;
        writeln!(f)?;
        table(f, "Demand kinds", &self.demands, DemandKind::code)?;
        writeln!(
            f,
            "  amounts: exact match {} ({}/{}); same kind {}; unlabelled amounts found {}",
            pct(self.amount_match_rate()),
            self.amounts_found,
            self.amounts_labelled,
            pct(ratio(self.amounts_found_same_kind, self.amounts_labelled)),
            self.amounts_spurious
        )?;
        writeln!(f)?;
        table(f, "Markers", &self.markers, Marker::code)?;
        writeln!(f)?;
        table(f, "Vulnerability", &self.vulnerability, Vulnerability::code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prf_known_values() {
        let mut p = Prf::default();
        // truth/pred: 2 tp, 1 fp, 1 fn, 1 tn.
        for (t, g) in [(true, true), (true, true), (false, true), (true, false), (false, false)] {
            p.add(t, g);
        }
        assert_eq!(p, Prf { tp: 2, fp: 1, fn_: 1 });
        assert!((p.precision().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert!((p.recall().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert!((p.f1().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        let q = Prf { tp: 1, fp: 0, fn_: 3 };
        assert_eq!(q.precision(), Some(1.0));
        assert_eq!(q.recall(), Some(0.25));
        assert!((q.f1().unwrap() - 0.4).abs() < 1e-12);
        assert_eq!(Prf::default().f1(), None);
        assert_eq!(Prf { tp: 0, fp: 2, fn_: 0 }.recall(), None);
        assert_eq!(Prf { tp: 0, fp: 2, fn_: 0 }.f1(), Some(0.0));
        assert!((macro_f1(&[(1, p), (2, q), (3, Prf::default())]).unwrap() - (2.0 / 3.0 + 0.4) / 2.0).abs() < 1e-12);
    }

    fn rec(id: &str, text: &str, category: &str, threats: &str, demands: &str) -> String {
        format!(
            r#"{{"id": "{id}", "split": "train", "text": "{text}", "category": "{category}", "subcategory": null, "emotions": {{}}, "threats": [{threats}], "demands": [{demands}], "markers": [], "vulnerability": []}}"#
        )
    }

    #[test]
    fn harm_quotes_attach_to_labelled_train_records_only() {
        let held = rec("h1", "Some nights I sit by the quarry.", "other", r#""self_harm_violence""#, "")
            .replace(r#""split": "train""#, r#""split": "heldout""#);
        let src = [
            rec(
                "q1",
                "Fees again. Some nights I sit by the quarry and wonder.",
                "fees_charges",
                r#""self_harm_violence""#,
                "",
            ),
            rec("q2", "Fees again. I want a refund.", "fees_charges", "", ""),
            held,
        ]
        .join("\n");
        let mut records = parse_jsonl(&src).unwrap();
        let ok = r#"{"id": "q1", "quotes": ["Some nights I sit by the quarry"]}
{"id": "zh-0001", "quotes": ["不在这些记录里"]}"#;
        assert_eq!(attach_harm_quotes(&mut records, ok).unwrap(), 1);
        assert_eq!(records[0].harm_quotes, vec!["Some nights I sit by the quarry".to_string()]);
        assert!(records[1].harm_quotes.is_empty());
        // Each bad line names its number and why.
        for (line, why) in [
            (r#"{"id": "q1", "quotes": ["by the river"]}"#, "not in the text"),
            (r#"{"id": "q1", "quotes": [" "]}"#, "not in the text"),
            (r#"{"id": "q1", "quotes": []}"#, "no quotes"),
            (r#"{"id": "q2", "quotes": ["Fees again."]}"#, "not a train record labelled"),
            (r#"{"id": "h1", "quotes": ["Some nights"]}"#, "not a train record labelled"),
            (r#"{"id": "q1"}"#, "missing field"),
        ] {
            let e = attach_harm_quotes(&mut records, &format!("\n{line}")).unwrap_err().to_string();
            assert!(e.contains("line 2") && e.contains(why), "{line}: {e}");
        }
    }

    #[test]
    fn evaluate_tiny_set() {
        let lines = [
            rec(
                "t1",
                "再不解决我就去银保监投诉。你们拒赔，要求支付理赔款35000元。",
                "claim_refusal",
                r#""regulator""#,
                r#"{"kind": "claim_payment", "amount": "35000.00", "currency": "CNY"}"#,
            ),
            rec(
                "t2",
                "I will sue you in court. The collector keeps calling about a debt that is not mine.",
                "debt_collection",
                r#""lawsuit""#,
                "",
            ),
            rec("t3", "今天天气很好。", "card", r#""media""#, ""),
        ]
        .join("\n");
        let records = parse_jsonl(&lines).unwrap();
        let refs: Vec<&Record> = records.iter().collect();
        let mut az = Analyzer::builtin().unwrap();
        az.set_category_fallback(None);
        let r = evaluate(&az, &refs);
        assert_eq!(r.records, 3);
        // t3: truth card, predicted other (nothing scores).
        assert_eq!(r.category(Category::Card), Prf { tp: 0, fp: 0, fn_: 1 });
        assert_eq!(r.category(Category::Other), Prf { tp: 0, fp: 1, fn_: 0 });
        assert_eq!(r.confusion[cat_index(Category::Card)][cat_index(Category::Other)], 1);
        assert_eq!(r.category_correct, 2);
        assert_eq!(r.threat(Threat::Regulator), Prf { tp: 1, fp: 0, fn_: 0 });
        assert_eq!(r.threat(Threat::Lawsuit), Prf { tp: 1, fp: 0, fn_: 0 });
        assert_eq!(r.threat(Threat::Media), Prf { tp: 0, fp: 0, fn_: 1 });
        assert_eq!((r.amounts_labelled, r.amounts_found), (1, 1));
        // Macro-F1 over refusal (1), debt (1), card (0), other (0).
        assert!((r.category_macro_f1().unwrap() - 0.5).abs() < 1e-12);
        let errs = errors(&az, &refs);
        assert!(errs.contains(&("t3".into(), "category".into(), "card".into(), "other".into())), "{errs:?}");
        assert!(errs.contains(&("t3".into(), "threats".into(), "media".into(), "-".into())), "{errs:?}");
        assert!(!errs.iter().any(|e| e.0 == "t1" && e.1 == "category"), "{errs:?}");
        let shown = r.to_string();
        assert!(shown.contains("category accuracy: 0.667 (2/3)"), "{shown}");
    }

    #[test]
    fn parse_jsonl_rejects_bad_line_with_number() {
        let good = rec("a", "x", "card", "", "");
        let src = format!("{good}\n\n{good}\n{{\"id\": \"b\", \"split\": \"train\"}}\n");
        let e = parse_jsonl(&src).unwrap_err();
        assert!(e.to_string().contains("line 4"), "{e}");
        let bad_cat = good.replace("\"card\"", "\"cards\"");
        assert!(parse_jsonl(&bad_cat).unwrap_err().to_string().contains("line 1"));
        let bad_amount = rec("a", "x", "card", "", r#"{"kind": "other", "amount": "35000", "currency": "CNY"}"#);
        assert!(parse_jsonl(&format!("{good}\n{bad_amount}")).unwrap_err().to_string().contains("line 2"));
        assert_eq!(parse_jsonl(&format!("{good}\n{good}\n")).unwrap().len(), 2);
        assert_eq!(parse_minor("12876.50"), Some(1_287_650));
        assert_eq!(parse_minor("1.5"), None);
    }
}
