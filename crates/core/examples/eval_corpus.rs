//! Evaluate the text analyser on the labelled corpus (corpus/*.jsonl), train and held-out
//! separately, and measure the naive Bayes category back-up by blocked cross-validation on the
//! train split only. Figures are recorded in docs/QUALITY.md.
//!
//! `cargo run --release -p tousu-core --example eval_corpus [-- --errors]`
//! (`--errors` also lists every miss on the TRAIN split, for tuning).

use std::path::PathBuf;
use tousu_core::text::eval::{self, Record, Split};
use tousu_core::text::{Analyzer, nb};

fn load(name: &str) -> Result<Vec<Record>, Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus").join(name);
    let src = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(eval::parse_jsonl(&src)?)
}

fn f3(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "–".into())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let show_errors = std::env::args().any(|a| a == "--errors");
    let corpora = [("zh", load("zh.jsonl")?), ("en", load("en.jsonl")?)];
    let mut analyzer = Analyzer::builtin()?;
    let shipped = analyzer.category_fallback().cloned();
    println!(
        "naive Bayes category back-up in Analyzer::builtin(): {}",
        match &shipped {
            Some(f) => format!("ON (rule score < {}, model p ≥ {})", f.below, f.min_prob),
            None => "off".into(),
        }
    );

    // 1. The analyser as shipped, on each split.
    for (lang, records) in &corpora {
        for split in [Split::Train, Split::Heldout] {
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
            let cv = nb::cross_validate(&mut analyzer, &train, 5, below, 0.6);
            println!(
                "{lang:<4} {:<44} {:>9} {:>9}",
                format!("train 5-fold CV, NB if other or score < {below}"),
                f3(cv.category_accuracy()),
                f3(cv.category_macro_f1())
            );
        }
        analyzer.set_category_fallback(Some(nb::Fallback::builtin()));
        let resub = eval::evaluate(&analyzer, &train);
        println!(
            "{lang:<4} {:<44} {:>9} {:>9}",
            format!("train, built-in NB (seen texts, optimistic) < {}", nb::Fallback::BELOW),
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
        println!(
            "{lang:<4} {:<44} {:>9} {:>9}",
            "train 5-fold CV, NB alone",
            format!("{:.3}", correct as f64 / train.len().max(1) as f64),
            "",
        );
    }
    // Held-out: reported, never used to choose anything.
    for (lang, records) in &corpora {
        let held: Vec<&Record> = records.iter().filter(|r| r.split == Split::Heldout).collect();
        for (name, fb) in [("held-out, rules only", None), ("held-out, as shipped", shipped.clone())] {
            analyzer.set_category_fallback(fb);
            let r = eval::evaluate(&analyzer, &held);
            println!("{lang:<4} {name:<44} {:>9} {:>9}", f3(r.category_accuracy()), f3(r.category_macro_f1()));
        }
    }
    analyzer.set_category_fallback(shipped);

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
