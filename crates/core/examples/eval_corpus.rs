//! Evaluate the text analyser on the labelled corpus (corpus/*.jsonl), train and held-out
//! separately, and measure the naive Bayes category back-up by blocked cross-validation on the
//! train split only. Figures are recorded in docs/QUALITY.md.
//!
//! `cargo run --release -p tousu-core --example eval_corpus [-- --errors]`
//! (`--errors` also lists every miss on the TRAIN split, for tuning; `--train-only` prints
//! nothing about the held-out split; `--fresh FILE[,FILE…]` evaluates the analyser as shipped,
//! the rules alone and other naive Bayes settings on newly written records that neither the cues
//! nor the model have seen yet, before they join the train split; `--no-emotion-model`
//! evaluates the emotion lexicon alone, `--no-harm-model` the self-harm lexicon alone; `--emotion-cv` chooses the emotion detectors' cuts;
//! `--harm-cv` measures the self-harm back-ups at several cuts; `--harm-unquoted` lists the
//! self-harm records still to quote in corpus/harm_quotes.jsonl).

use std::path::PathBuf;
use tousu_core::text::eval::{self, Record, Split};
use tousu_core::text::{Analyzer, nb};

fn load(name: &str) -> Result<Vec<Record>, Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus").join(name);
    let src = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut records = eval::parse_jsonl(&src)?;
    let quotes = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus/harm_quotes.jsonl");
    eval::attach_harm_quotes(&mut records, &std::fs::read_to_string(&quotes)?)?;
    Ok(records)
}

fn f3(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "–".into())
}

/// One line for a record whose category the analyser gets wrong: id, truth -> got, the category
/// evidence notes, and the first `max_chars` characters of the text. Nothing when it is right.
fn print_category_miss(analyzer: &Analyzer, r: &Record, max_chars: usize) {
    let a = analyzer.analyze(&r.text);
    let got = a.category.as_ref().map_or(tousu_core::text::Category::Other, |c| c.value);
    if got != r.category {
        let cues: Vec<String> = a.category.iter().flat_map(|c| c.evidence.iter()).map(|e| e.note.clone()).collect();
        let text: String = r.text.chars().take(max_chars).collect();
        println!("{}\t{} -> {}\t[{}]\t{}", r.id, r.category.code(), got.code(), cues.join("; "), text);
    }
}

/// The threat, demand and category evidence of one text, one line per piece of evidence.
fn print_findings(analyzer: &Analyzer, text: &str) {
    let a = analyzer.analyze(text);
    let evidence = a
        .threats
        .iter()
        .flat_map(|t| &t.evidence)
        .chain(a.demands.iter().flat_map(|d| &d.evidence))
        .chain(a.emotions.iter().flat_map(|e| &e.evidence));
    for e in evidence {
        let spans: Vec<String> = e.spans.iter().map(|s| s.slice(text)).collect();
        println!("   {} {:?} {}", e.rule, spans, e.note);
    }
    for d in &a.demands {
        println!("   => {} {}", d.value.kind.code(), d.value.amount.map(|m| m.display()).unwrap_or_else(|| "-".into()));
    }
    if let Some(c) = &a.category {
        for e in &c.evidence {
            println!("   {} {}", e.rule, e.note);
        }
    }
}

/// The records of comma-separated JSONL files (`--fresh FILE[,FILE…]`).
fn load_files(files: &str) -> Result<Vec<Record>, Box<dyn std::error::Error>> {
    let mut records = Vec::new();
    for f in files.split(',') {
        let src = std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?;
        records.extend(eval::parse_jsonl(&src).map_err(|e| format!("{f}: {e}"))?);
    }
    Ok(records)
}

/// Unseen records (written after the cues and the model were fixed): the full report as shipped,
/// then category accuracy / macro-F1 under every naive Bayes setting, with the built-in model.
fn fresh(analyzer: &mut Analyzer, files: &str) -> Result<(), Box<dyn std::error::Error>> {
    let shipped = analyzer.category_fallback().cloned();
    let records = load_files(files)?;
    for lang in ["zh", "en"] {
        let set: Vec<&Record> = records.iter().filter(|r| r.id.starts_with(lang)).collect();
        if set.is_empty() {
            continue;
        }
        println!("\n==================== {lang} fresh records (as shipped) ====================");
        print!("{}", eval::evaluate(analyzer, &set));
        println!("\n{lang} fresh records, category under each setting");
        println!("{:<44} {:>9} {:>9}", "setting", "accuracy", "macro-F1");
        let model = nb::Fallback::builtin().model;
        let mut settings: Vec<(String, Option<nb::Fallback>)> = vec![("rules only".into(), None)];
        for below in [0.0001, 0.3, 0.4, 0.5] {
            let fb = nb::Fallback { below, blend: None, english: true, ..nb::Fallback::builtin() };
            settings.push((format!("NB if other or score < {below}"), Some(fb)));
        }
        for lambda in [1.0, 2.0, 3.0, 4.0, 6.0, 10.0, 15.0, 30.0] {
            let fb =
                nb::Fallback { blend: Some(lambda), english: true, model: model.clone(), ..nb::Fallback::builtin() };
            settings.push((format!("blend λ = {lambda}"), Some(fb)));
        }
        let corpus = nb::builtin_corpus()?;
        let multinomial = std::sync::Arc::new(nb::NaiveBayes::train_with(
            corpus.iter().filter(|r| r.split == Split::Train).map(|r| (r.text.as_str(), r.category)),
            nb::FeatureOpts::MULTINOMIAL,
        ));
        for lambda in [2.0, 4.0, 6.0, 10.0] {
            let fb = nb::Fallback { blend: Some(lambda), model: multinomial.clone(), ..nb::Fallback::builtin() };
            settings.push((format!("plain multinomial NB, blend λ = {lambda}"), Some(fb)));
        }
        let unbalanced = std::sync::Arc::new(nb::NaiveBayes::train_with(
            corpus.iter().filter(|r| r.split == Split::Train).map(|r| (r.text.as_str(), r.category)),
            nb::FeatureOpts::UNBALANCED,
        ));
        for lambda in [1.0, 2.0, 3.0, 4.0, 6.0] {
            let fb = nb::Fallback { blend: Some(lambda), model: unbalanced.clone(), ..nb::Fallback::builtin() };
            settings.push((format!("unbalanced classes, blend λ = {lambda}"), Some(fb)));
        }
        for (name, fb) in settings {
            analyzer.set_category_fallback(fb);
            let r = eval::evaluate(analyzer, &set);
            println!("{name:<44} {:>9} {:>9}", f3(r.category_accuracy()), f3(r.category_macro_f1()));
        }
        analyzer.set_category_fallback(shipped.clone());
        if std::env::args().any(|a| a == "--errors") {
            for (id, what, expected, got) in eval::errors(analyzer, &set) {
                println!("{id}\t{what}\texpected {expected}\tgot {got}");
            }
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let show_errors = std::env::args().any(|a| a == "--errors");
    // `--train-only`: print nothing about the held-out split (use while tuning).
    let train_only = std::env::args().any(|a| a == "--train-only");
    let corpora = [("zh", load("zh.jsonl")?), ("en", load("en.jsonl")?)];
    let mut analyzer = Analyzer::builtin()?;
    let no_emotion_model = std::env::args().any(|a| a == "--no-emotion-model");
    let no_harm_model = std::env::args().any(|a| a == "--no-harm-model");
    // `--harm-cut-zh X` / `--harm-cut-en X`: another cut for a sentence model (to choose one).
    let cut_arg = |flag: &str| -> Result<Option<f32>, Box<dyn std::error::Error>> {
        std::env::args().skip_while(|a| a != flag).nth(1).map(|c| c.parse::<f32>()).transpose().map_err(Into::into)
    };
    let (cut_zh, cut_en) = (cut_arg("--harm-cut-zh")?, cut_arg("--harm-cut-en")?);
    // `--veto-cut X` (both languages; NaN = off): another cut for the threat clause models.
    let veto_cut = cut_arg("--veto-cut")?;
    if no_emotion_model || no_harm_model || cut_zh.is_some() || cut_en.is_some() || veto_cut.is_some() {
        let mut fb = nb::Fallback::builtin();
        if let Some(c) = veto_cut {
            let c = (!c.is_nan()).then_some(c);
            (fb.threat_veto_zh, fb.threat_veto_en) = (c, c);
        }
        fb.self_harm_zh = cut_zh.or(fb.self_harm_zh);
        fb.self_harm = cut_en.or(fb.self_harm);
        if no_emotion_model {
            fb.emotions = None;
        }
        if no_harm_model {
            fb.self_harm = None;
            fb.self_harm_zh = None;
        }
        analyzer.set_category_fallback(Some(fb));
    }
    // `--emotion-cv`: choose the emotion detectors' cuts by 5-fold CV on the train split.
    if std::env::args().any(|a| a == "--emotion-cv") {
        // `--emotion-cv P`: only cuts at which ≥ P of the added emotions are labelled.
        let min_precision: f64 =
            std::env::args().skip_while(|a| a != "--emotion-cv").nth(1).and_then(|p| p.parse().ok()).unwrap_or(0.0);
        for (lang, records) in &corpora {
            let train: Vec<&Record> = records.iter().filter(|r| r.split == Split::Train).collect();
            println!("{lang}: emotion cut (CV F1 lexicon or model; lexicon alone)");
            for row in nb::emotion_cut_cv(&mut analyzer, &train, 5, min_precision) {
                let (tp, fp, fn_) = row.counts;
                println!(
                    "  {:<5} {:<15} cut {:>7.3}  F1 {:.3} (tp {tp} fp {fp} fn {fn_})  lexicon {:.3}",
                    if row.english { "en" } else { "zh" },
                    row.emotion.code(),
                    row.cut,
                    row.f1,
                    row.lexicon_f1
                );
            }
        }
        return Ok(());
    }
    // `--harm-unquoted`: the train records labelled self_harm_violence in which neither the
    // lexicon nor corpus/harm_quotes.jsonl places the statement, as JSON Lines of id and text
    // (to quote after a batch is appended; corpus/README.md).
    if std::env::args().any(|a| a == "--harm-unquoted") {
        let mut rules = Analyzer::builtin()?;
        rules.set_category_fallback(None);
        for r in corpora.iter().flat_map(|(_, records)| records).filter(|r| {
            r.split == Split::Train
                && r.threats.contains(&tousu_core::text::Threat::SelfHarmViolence)
                && r.harm_quotes.is_empty()
        }) {
            if !rules.harm_sentences(&r.text).iter().any(|(_, evidence)| *evidence) {
                println!("{}", serde_json::json!({ "id": r.id, "text": r.text }));
            }
        }
        return Ok(());
    }
    // `--harm-cv`: the self-harm back-up of each language at several cuts, by 5-fold CV on the
    // train split.
    if std::env::args().any(|a| a == "--harm-cv") {
        let cuts = [
            None,
            Some(5.0),
            Some(8.0),
            Some(10.0),
            Some(12.0),
            Some(13.0),
            Some(15.0),
            Some(20.0),
            Some(25.0),
            Some(30.0),
        ];
        let errors = std::env::args().any(|a| a == "--errors");
        // `--by-batch`: folds of whole writing batches instead of blocks of three per category.
        let by_batch = std::env::args().any(|a| a == "--by-batch");
        let folds = if by_batch { "batch-blocked" } else { "5-fold" };
        for (lang, records) in &corpora {
            let train: Vec<&Record> = records.iter().filter(|r| r.split == Split::Train).collect();
            println!("{lang} self_harm_violence by {folds} CV (lexicon, or lexicon + sentence model at a cut)");
            for (cut, cv) in cuts.iter().zip(nb::harm_cut_cv(&mut analyzer, &train, *lang == "en", 5, &cuts, by_batch))
            {
                let (tp, fp, fn_) = (cv.tp, cv.false_alarms.len(), cv.misses.len());
                let p = tp as f64 / (tp + fp).max(1) as f64;
                let r = tp as f64 / (tp + fn_).max(1) as f64;
                let name = cut.map_or("lexicon alone".to_string(), |c| format!("cut {c:>5.1}"));
                println!("  {name:<14} P {p:.3} R {r:.3}  (tp {tp} fp {fp} fn {fn_})");
                if errors {
                    println!("    false alarms: {}", cv.false_alarms.join(" "));
                    println!("    misses: {}", cv.misses.join(" "));
                }
            }
        }
        return Ok(());
    }
    // `--veto-units TEXT`: each threat cue the rules accept, its unit and the clause model's
    // score of it (with its top features).
    if let Some(text) = std::env::args().skip_while(|a| a != "--veto-units").nth(1) {
        let mut rules = Analyzer::builtin()?;
        rules.set_category_fallback(None);
        let model = nb::NaiveBayes::builtin().veto(rules.analyze(&text).lang == tousu_core::text::Lang::En);
        let (pos, neg) = model.sentences();
        println!("clause model: {pos} positive (not own) and {neg} negative (own) training units");
        for (unit, t) in rules.threat_units(&text) {
            let feats: Vec<String> = model.top_features(&unit).iter().map(|(f, w)| format!("{f:?} {w:.2}")).collect();
            println!(
                "{} {:?} score {:.2} [{}]",
                t.code(),
                unit,
                model.score(&unit).unwrap_or(f32::NAN),
                feats.join(", ")
            );
        }
        return Ok(());
    }
    // `--veto-cv`: the threat clause model of each language at several cuts, by CV on the
    // train split (`--by-batch`: whole writing batches per fold).
    if std::env::args().any(|a| a == "--veto-cv") {
        let cuts = [
            None,
            Some(-6.0),
            Some(-4.0),
            Some(-3.0),
            Some(-2.0),
            Some(-1.0),
            Some(0.0),
            Some(1.0),
            Some(2.0),
            Some(4.0),
        ];
        let errors = std::env::args().any(|a| a == "--errors");
        let by_batch = std::env::args().any(|a| a == "--by-batch");
        for (lang, records) in &corpora {
            let train: Vec<&Record> = records.iter().filter(|r| r.split == Split::Train).collect();
            println!("{lang} escalation threats by CV (rules, or rules + threat clause model at a cut)");
            for (cut, cv) in cuts.iter().zip(nb::veto_cut_cv(&mut analyzer, &train, *lang == "en", 5, &cuts, by_batch))
            {
                let name = cut.map_or("rules alone".to_string(), |c| format!("cut {c:>5.1}"));
                let mut line = format!("  {name:<12}");
                let (mut ttp, mut tfp, mut tfn) = (0, 0, 0);
                for (t, c) in &cv {
                    let (tp, fp, fn_) = (c.tp, c.false_alarms.len(), c.misses.len());
                    (ttp, tfp, tfn) = (ttp + tp, tfp + fp, tfn + fn_);
                    let p = tp as f64 / (tp + fp).max(1) as f64;
                    let r = tp as f64 / (tp + fn_).max(1) as f64;
                    line.push_str(&format!(" {} {p:.3}/{r:.3}", t.code()));
                }
                println!("{line}  all tp {ttp} fp {tfp} fn {tfn}");
                if errors {
                    for (t, c) in &cv {
                        println!("    {} false alarms: {}", t.code(), c.false_alarms.join(" "));
                        println!("    {} misses: {}", t.code(), c.misses.join(" "));
                    }
                }
            }
        }
        return Ok(());
    }
    // `--cv-subset N`: 5-fold CV (shipped settings) on the train split, reported only for the
    // train records numbered up to N (the first-written part, whose style the held-out shares).
    if let Some(n) = std::env::args().skip_while(|a| a != "--cv-subset").nth(1) {
        let n: u32 = n.parse()?;
        let template = nb::Fallback::builtin();
        let opts = if std::env::args().any(|a| a == "--unbalanced") {
            nb::FeatureOpts::UNBALANCED
        } else {
            nb::FeatureOpts::DEFAULT
        };
        for (lang, records) in &corpora {
            let train: Vec<&Record> = records.iter().filter(|r| r.split == Split::Train).collect();
            let fold = nb::folds(&train, 5);
            let mut total = eval::EvalReport::default();
            for f in 0..5 {
                let model = std::sync::Arc::new(nb::NaiveBayes::train_with(
                    train.iter().zip(&fold).filter(|(_, x)| **x != f).map(|(r, _)| (r.text.as_str(), r.category)),
                    opts,
                ));
                analyzer.set_category_fallback(Some(nb::Fallback { model, ..template.clone() }));
                let test: Vec<&Record> = train
                    .iter()
                    .zip(&fold)
                    .filter(|(r, x)| **x == f && r.id[3..].parse::<u32>().is_ok_and(|k| k <= n))
                    .map(|(r, _)| *r)
                    .collect();
                total.merge(&eval::evaluate(&analyzer, &test));
                if std::env::args().any(|a| a == "--errors") {
                    for r in &test {
                        print_category_miss(&analyzer, r, 160);
                    }
                }
            }
            println!("==================== {lang} train ≤ {n}, 5-fold CV (as shipped) ====================");
            let text = total.to_string();
            if std::env::args().any(|a| a == "--brief") {
                println!("{lang} macro-F1 {:.3}", total.category_macro_f1().unwrap_or(0.0));
                continue;
            }
            for line in text.lines().take_while(|l| !l.starts_with("Threats")) {
                println!("{line}");
            }
        }
        return Ok(());
    }
    // `--show ID[,ID…]`: the threat, demand and category findings of TRAIN records (held-out refused).
    // With `--fresh FILE[,FILE…]` the records of those files can be shown too.
    if let Some(ids) = std::env::args().skip_while(|a| a != "--show").nth(1) {
        let extra = match std::env::args().skip_while(|a| a != "--fresh").nth(1) {
            Some(files) => load_files(&files)?,
            None => Vec::new(),
        };
        for id in ids.split(',') {
            let rec = corpora
                .iter()
                .flat_map(|c| c.1.iter())
                .chain(extra.iter())
                .find(|r| r.id == id)
                .ok_or(format!("no record {id}"))?;
            if rec.split != Split::Train {
                return Err(format!("{id} is held-out: not shown").into());
            }
            println!("== {id}: {}", rec.text);
            print_findings(&analyzer, &rec.text);
        }
        return Ok(());
    }
    // `--text TEXT`: the same findings for any text (a sentence being tuned).
    if let Some(text) = std::env::args().skip_while(|a| a != "--text").nth(1) {
        print_findings(&analyzer, &text);
        return Ok(());
    }
    let shipped = analyzer.category_fallback().cloned();
    if let Some(files) = std::env::args().skip_while(|a| a != "--fresh").nth(1) {
        return fresh(&mut analyzer, &files);
    }
    println!(
        "naive Bayes category back-up in Analyzer::builtin(): {}",
        match &shipped {
            Some(f) => match f.blend {
                Some(l) => format!("ON (blend λ = {l}, English {})", if f.english { "on" } else { "off" }),
                None => format!("ON (rule score < {}, model p ≥ {})", f.below, f.min_prob),
            },
            None => "off".into(),
        }
    );

    // 1. The analyser as shipped, on each split.
    for (lang, records) in &corpora {
        for split in [Split::Train, Split::Heldout] {
            if train_only && split == Split::Heldout {
                continue;
            }
            let set: Vec<&Record> = records.iter().filter(|r| r.split == split).collect();
            println!("\n==================== {lang} {split:?} (as shipped) ====================");
            print!("{}", eval::evaluate(&analyzer, &set));
        }
    }

    // 2. Category: rules alone vs rules + naive Bayes. Tuning uses the TRAIN split only, by
    //    5-fold blocked cross-validation (the model never sees the fold it is judged on).
    println!("\n==================== category: rules vs rules + naive Bayes ====================");
    println!("{:<4} {:<44} {:>9} {:>9}", "lang", "setting", "accuracy", "macro-F1");
    for (lang, records) in &corpora {
        let train: Vec<&Record> = records.iter().filter(|r| r.split == Split::Train).collect();
        analyzer.set_category_fallback(None);
        let rules = eval::evaluate(&analyzer, &train);
        println!(
            "{lang:<4} {:<44} {:>9} {:>9}",
            "train, rules only",
            f3(rules.category_accuracy()),
            f3(rules.category_macro_f1())
        );
        for below in [0.0001, 0.2, 0.3, 0.4, 0.5, 0.6] {
            let cv = nb::cross_validate(&mut analyzer, &train, 5, below, nb::Fallback::MIN_PROB);
            println!(
                "{lang:<4} {:<44} {:>9} {:>9}",
                format!("train 5-fold CV, NB if other or score < {below}"),
                f3(cv.category_accuracy()),
                f3(cv.category_macro_f1())
            );
        }
        for lambda in [1.0, 2.0, 3.0, 4.0, 6.0, 10.0, 15.0, 30.0] {
            let cv = nb::cross_validate_blend(
                &mut analyzer,
                &train,
                5,
                nb::Fallback::BELOW,
                nb::Fallback::MIN_PROB,
                nb::FeatureOpts::DEFAULT,
                Some(lambda),
            );
            println!(
                "{lang:<4} {:<44} {:>9} {:>9}",
                format!("train 5-fold CV, blend λ = {lambda}"),
                f3(cv.category_accuracy()),
                f3(cv.category_macro_f1())
            );
        }
        for lambda in [2.0, 4.0, 6.0, 10.0] {
            let template = nb::Fallback { blend: Some(lambda), ..nb::Fallback::builtin() };
            let cv = nb::cross_validate_fallback(&mut analyzer, &train, 5, nb::FeatureOpts::UNBALANCED, &template);
            println!(
                "{lang:<4} {:<44} {:>9} {:>9}",
                format!("train 5-fold CV, unbalanced classes, λ = {lambda}"),
                f3(cv.category_accuracy()),
                f3(cv.category_macro_f1())
            );
        }
        analyzer.set_category_fallback(Some(nb::Fallback::builtin()));
        let resub = eval::evaluate(&analyzer, &train);
        println!(
            "{lang:<4} {:<44} {:>9} {:>9}",
            "train, built-in NB (seen texts, optimistic)".to_string(),
            f3(resub.category_accuracy()),
            f3(resub.category_macro_f1())
        );
        // Pure model (no rules), cross-validated, for reference.
        let folds = nb::folds(&train, 5);
        let mut correct = 0;
        for k in 0..5 {
            let model = nb::NaiveBayes::train(
                train.iter().zip(&folds).filter(|(_, f)| **f != k).map(|(r, _)| (r.text.as_str(), r.category)),
            );
            correct +=
                train.iter().zip(&folds).filter(|(r, f)| **f == k && model.predict(&r.text).0 == r.category).count();
        }
        let plain = nb::cross_validate_alone(&train, 5, nb::FeatureOpts::UNBALANCED);
        println!("{lang:<4} {:<44} {:>9.3}", "train 5-fold CV, unbalanced NB alone", plain);
        println!(
            "{lang:<4} {:<44} {:>9} {:>9}",
            "train 5-fold CV, NB alone",
            format!("{:.3}", correct as f64 / train.len().max(1) as f64),
            "",
        );
    }
    // Held-out: reported, never used to choose anything.
    for (lang, records) in corpora.iter().filter(|_| !train_only) {
        let held: Vec<&Record> = records.iter().filter(|r| r.split == Split::Heldout).collect();
        for (name, fb) in [("held-out, rules only", None), ("held-out, as shipped", shipped.clone())] {
            analyzer.set_category_fallback(fb);
            let r = eval::evaluate(&analyzer, &held);
            println!("{lang:<4} {name:<44} {:>9} {:>9}", f3(r.category_accuracy()), f3(r.category_macro_f1()));
        }
    }
    analyzer.set_category_fallback(shipped.clone());

    // 3. Feature variants of the model (train split, blocked CV), with `--nb-variants`.
    if std::env::args().any(|a| a == "--nb-variants") {
        println!("\n==================== naive Bayes feature variants (train, 5-fold blocked CV) ====================");
        let variants = [
            ("first (bigrams, counts, prior)", nb::FeatureOpts::FIRST),
            ("+ binary", nb::FeatureOpts { binary: true, ..nb::FeatureOpts::FIRST }),
            ("+ uniform prior", nb::FeatureOpts { uniform_prior: true, ..nb::FeatureOpts::FIRST }),
            ("+ binary + uniform", nb::FeatureOpts { binary: true, uniform_prior: true, ..nb::FeatureOpts::FIRST }),
            ("+ en words", nb::FeatureOpts { en_words: true, ..nb::FeatureOpts::FIRST }),
            ("complement, unbalanced", nb::FeatureOpts::UNBALANCED),
            ("shipped (complement, balanced)", nb::FeatureOpts::DEFAULT),
            (
                "+ en words + binary + uniform",
                nb::FeatureOpts { en_words: true, binary: true, uniform_prior: true, ..nb::FeatureOpts::FIRST },
            ),
            (
                "all (+ zh unigrams)",
                nb::FeatureOpts {
                    en_words: true,
                    binary: true,
                    uniform_prior: true,
                    unigrams: true,
                    ..nb::FeatureOpts::FIRST
                },
            ),
        ];
        println!(
            "{:<4} {:<32} {:>8} rules+NB macro-F1 at score < 0.3 / 0.4 / 0.5 / 0.6 / 0.7",
            "lang", "variant", "NB alone"
        );
        for (lang, records) in &corpora {
            let train: Vec<&Record> = records.iter().filter(|r| r.split == Split::Train).collect();
            for (name, opts) in variants {
                let alone = nb::cross_validate_alone(&train, 5, opts);
                let cells: Vec<String> = [0.3, 0.4, 0.5, 0.6, 0.7]
                    .iter()
                    .map(|b| f3(nb::cross_validate_with(&mut analyzer, &train, 5, *b, 0.6, opts).category_macro_f1()))
                    .collect();
                println!("{lang:<4} {name:<32} {alone:>8.3} {}", cells.join(" / "));
            }
        }
        println!("{:<4} {:<32} blend acc./macro-F1 at λ = 1 / 2 / 3 / 4 / 6 / 10", "lang", "variant");
        for (lang, records) in &corpora {
            let train: Vec<&Record> = records.iter().filter(|r| r.split == Split::Train).collect();
            for (name, opts) in variants {
                let cells: Vec<String> = [1.0, 2.0, 3.0, 4.0, 6.0, 10.0]
                    .iter()
                    .map(|l| {
                        let r = nb::cross_validate_blend(&mut analyzer, &train, 5, 0.5, 0.6, opts, Some(*l));
                        format!("{}/{}", f3(r.category_accuracy()), f3(r.category_macro_f1()))
                    })
                    .collect();
                println!("{lang:<4} {name:<32} {}", cells.join("  "));
            }
        }
        analyzer.set_category_fallback(shipped.clone());
    }

    // `--rules-misses`: TRAIN records whose RULE category (no naive Bayes) is wrong, with the
    // rules' winning cues and the text, plus the rules-only confusion matrix (for cue tuning).
    if std::env::args().any(|a| a == "--rules-misses") {
        analyzer.set_category_fallback(None);
        for (lang, records) in &corpora {
            let train: Vec<&Record> = records.iter().filter(|r| r.split == Split::Train).collect();
            println!("\n==================== {lang} train, rules only ====================");
            let report = eval::evaluate(&analyzer, &train);
            let text = report.to_string();
            for line in text.lines().skip_while(|l| !l.starts_with("Confusion")).take(14) {
                println!("{line}");
            }
            for r in &train {
                print_category_miss(&analyzer, r, usize::MAX);
            }
        }
        analyzer.set_category_fallback(shipped.clone());
    }

    if show_errors {
        println!("\n==================== misses on the TRAIN split ====================");
        for (_, records) in &corpora {
            let train: Vec<&Record> = records.iter().filter(|r| r.split == Split::Train).collect();
            for (id, what, expected, got) in eval::errors(&analyzer, &train) {
                println!("{id}\t{what}\texpected {expected}\tgot {got}");
            }
        }
    }
    Ok(())
}
