//! Score the reply checker on the hand-labelled drafts in `corpus/replies.jsonl`.
//!
//! `cargo run -p tousu-core --example reply_eval [path] [--mistakes]`

use tousu_core::assess::reply::{ReplyChecker, evaluate, parse_corpus};

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "  n/a".to_string(), |v| format!("{:5.1}%", v * 100.0))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/replies.jsonl").to_string();
    let path = args.iter().find(|a| !a.starts_with("--")).cloned().unwrap_or(default);
    let corpus = parse_corpus(&std::fs::read_to_string(&path)?)?;
    let checker = ReplyChecker::builtin()?;
    let eval = evaluate(&checker, &corpus);
    println!("reply checker on {} drafts ({path})", eval.replies);
    println!("{:<20} {:>4} {:>4} {:>4} {:>8} {:>10} {:>7}", "kind", "tp", "fp", "fn", "support", "precision", "recall");
    for k in eval.per_kind.iter().chain(std::iter::once(&eval.micro)) {
        let name = k.kind.map_or("all (micro)", |k| k.code());
        println!(
            "{:<20} {:>4} {:>4} {:>4} {:>8} {:>10} {:>7}",
            name,
            k.true_pos,
            k.false_pos,
            k.false_neg,
            k.support,
            pct(k.precision),
            pct(k.recall)
        );
    }
    if args.iter().any(|a| a == "--mistakes") {
        for m in &eval.mistakes {
            let text = corpus.iter().find(|r| r.id == m.id).map_or("", |r| r.text.as_str());
            println!("{} {} {}: {text}", m.id, if m.false_pos { "FP" } else { "FN" }, m.kind.code());
        }
    }
    Ok(())
}
