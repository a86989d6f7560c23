//! Run the analyser over the real CFPB narratives in the shared sample and print, per CFPB
//! Issue (top 15 by count), the share of narratives with each threat type and each emotion;
//! then 30 narratives chosen deterministically (every k-th) with the analyser's findings, for a
//! person to spot-check. Results are recorded in docs/QUALITY.md.
//!
//! The 30 spot-check narratives were also labelled by hand, blind to the analyser, in
//! corpus/cfpb_spot30.jsonl (read at run time; see corpus/README.md). Each printed narrative is
//! followed by its gold labels and a verdict, and a summary gives category agreement and the
//! micro precision/recall of threats and emotions against those labels.
//!
//! `cargo run --release -p tousu-core --example cfpb_distribution [-- [--rules-english] [--harm-cut-en X] FILE]`
//! (default /work/shared/data/cfpb/complaints_2015_2020_sample.csv; `--rules-english` keeps the
//! naive Bayes category blend off for English texts, as the built-in analyser had it until the
//! fifth tuning).

use std::collections::{BTreeMap, BTreeSet};
use tousu_core::text::eval::Prf;
use tousu_core::text::{self, Analyzer, Category, Emotion, Threat, nb};

const DEFAULT: &str = "/work/shared/data/cfpb/complaints_2015_2020_sample.csv";
const SAMPLE: usize = 30;
/// Hand labels for the spot-check sample (one JSON object per line).
const GOLD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/cfpb_spot30.jsonl");

/// One line of corpus/cfpb_spot30.jsonl.
#[derive(serde::Deserialize)]
struct Gold {
    complaint_id: String,
    issue: String,
    category: Category,
    also: Option<Category>,
    threats: Vec<Threat>,
    emotions: Vec<Emotion>,
    note: String,
}

/// The gold labels by complaint id; `Ok(None)` when the file does not exist.
fn load_gold(path: &str) -> Result<Option<BTreeMap<String, Gold>>, String> {
    let src = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{path}: {e}")),
    };
    let mut out = BTreeMap::new();
    for (n, line) in src.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let g: Gold = serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
        if out.contains_key(&g.complaint_id) {
            return Err(format!("{path}:{}: duplicate complaint_id {}", n + 1, g.complaint_id));
        }
        out.insert(g.complaint_id.clone(), g);
    }
    Ok(Some(out))
}

/// True positives, false positives and false negatives of a predicted set against a gold set.
fn counts<T: Ord>(pred: &BTreeSet<T>, gold: &BTreeSet<T>) -> Prf {
    let tp = pred.intersection(gold).count();
    Prf { tp, fp: pred.len() - tp, fn_: gold.len() - tp }
}

fn merge(into: &mut Prf, o: Prf) {
    into.tp += o.tp;
    into.fp += o.fp;
    into.fn_ += o.fn_;
}

fn verdict(p: Prf) -> &'static str {
    if p.fp == 0 && p.fn_ == 0 { "✓" } else { "✗" }
}

/// "precision 0.667 (2/3), recall 1.000 (2/2)"; n/a for an empty denominator.
fn summary(p: Prf) -> String {
    let show = |v: Option<f64>, num: usize, den: usize| match v {
        Some(v) => format!("{v:.3} ({num}/{den})"),
        None => format!("n/a ({num}/{den})"),
    };
    format!(
        "precision {}, recall {}; tp {} fp {} fn {}",
        show(p.precision(), p.tp, p.tp + p.fp),
        show(p.recall(), p.tp, p.tp + p.fn_),
        p.tp,
        p.fp,
        p.fn_
    )
}

fn codes<T: Copy>(set: &BTreeSet<T>, code: fn(T) -> &'static str) -> String {
    set.iter().map(|t| code(*t)).collect::<Vec<_>>().join(", ")
}

/// A small RFC 4180 reader: fields separated by commas, records by CRLF or LF; a quoted field
/// may contain commas, line breaks and doubled quotes.
fn parse_csv(src: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = src.chars().peekable();
    let mut quoted = false;
    let mut line = 1usize;
    let mut any = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            '"' => return Err(format!("line {line}: quote inside an unquoted field")),
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                any = false;
                continue;
            }
            _ => field.push(c),
        }
        any = true;
    }
    if quoted {
        return Err(format!("line {line}: unterminated quoted field"));
    }
    if any || !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

fn clip(s: &str, n: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= n { flat } else { format!("{}…", flat.chars().take(n).collect::<String>()) }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rules_english = args.iter().any(|a| a == "--rules-english");
    // `--harm-cut-en X`: another cut for the English self-harm sentence model (every self-harm
    // flag is printed below, one line each).
    let cut_at = args.iter().position(|a| a == "--harm-cut-en");
    let cut_en = cut_at.and_then(|i| args.get(i + 1)).map(|c| c.parse::<f32>()).transpose()?;
    let path = (0..args.len())
        .find(|&i| !args[i].starts_with("--") && cut_at.is_none_or(|c| i != c + 1))
        .map_or_else(|| DEFAULT.to_string(), |i| args[i].clone());
    let src = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let rows = parse_csv(src.strip_prefix('\u{feff}').unwrap_or(&src)).map_err(|e| format!("{path}: {e}"))?;
    let (header, body) = rows.split_first().ok_or("empty file")?;
    let col = |name: &str| header.iter().position(|h| h == name).ok_or(format!("no column {name:?}"));
    let (c_issue, c_text, c_id, c_product) =
        (col("Issue")?, col("Consumer complaint narrative")?, col("Complaint ID")?, col("Product")?);
    // `--no-veto`: without the English threat clause model; `--list-threats`: one line per
    // narrative with threats (id, types), to compare runs.
    let no_veto = args.iter().any(|a| a == "--no-veto");
    let list_threats = args.iter().any(|a| a == "--list-threats");
    let mut analyzer = Analyzer::builtin()?;
    if rules_english || cut_en.is_some() || no_veto {
        let fb = nb::Fallback::builtin();
        let english = fb.english && !rules_english;
        let self_harm = cut_en.or(fb.self_harm);
        let threat_veto_en = if no_veto { None } else { fb.threat_veto_en };
        analyzer.set_category_fallback(Some(nb::Fallback { english, self_harm, threat_veto_en, ..fb }));
    }
    struct Item {
        id: String,
        product: String,
        issue: String,
        text: String,
        threats: Vec<Threat>,
        emotions: Vec<(Emotion, f32)>,
        category: String,
        top: Option<Category>,
    }
    let mut items = Vec::new();
    for r in body {
        let Some(text) = r.get(c_text).filter(|t| !t.trim().is_empty()) else { continue };
        let a = analyzer.analyze(text);
        // Every self-harm flag is printed for a hand check (a critical flag on real text).
        for f in a.threats.iter().filter(|f| f.value == Threat::SelfHarmViolence) {
            for e in &f.evidence {
                let spans: Vec<String> = e.spans.iter().map(|s| s.slice(text)).collect();
                println!("self-harm flag in {}: {} {spans:?}", r.get(c_id).map_or("?", |s| s.as_str()), e.rule);
            }
        }
        if list_threats && !a.threats.is_empty() {
            let codes: Vec<&str> = a.threats.iter().map(|f| f.value.code()).collect();
            println!("threats {} {}", r.get(c_id).map_or("?", |s| s.as_str()), codes.join(","));
            for f in &a.threats {
                for e in &f.evidence {
                    let at = e.spans.first().map_or(0, |s| s.start);
                    let context: String = text.chars().skip(at.saturating_sub(120)).take(200).collect();
                    println!("  {} {:?}", f.value.code(), clip(&context, 200));
                }
            }
        }
        items.push(Item {
            id: r.get(c_id).cloned().unwrap_or_default(),
            product: r.get(c_product).cloned().unwrap_or_default(),
            issue: r.get(c_issue).cloned().unwrap_or_default(),
            text: text.clone(),
            threats: a.threats.iter().map(|f| f.value).collect(),
            emotions: a.emotions.iter().map(|f| (f.value, f.score)).collect(),
            top: a.category.as_ref().map(|c| c.value),
            category: a
                .category
                .map(|c| {
                    let nb = c.evidence.iter().find(|e| e.rule == "naive_bayes").map(|e| {
                        let rules = e.note.split(';').next().unwrap_or_default();
                        format!(" (naive Bayes; {rules})")
                    });
                    format!("{} {:.2}{}", c.value.code(), c.score, nb.unwrap_or_default())
                })
                .unwrap_or_else(|| "-".into()),
        });
    }
    println!("{path}: {} rows, {} with a narrative", body.len(), items.len());
    let changed = items.iter().filter(|i| i.category.contains("naive Bayes")).count();
    println!("category set by naive Bayes (not the rules' choice): {changed} of {}", items.len());
    // Agreement with the category that the CFPB Product/Issue maps to (text::map_cfpb): a rough,
    // label-free check of the English category rules on real narratives (the mapping is
    // itself approximate, and `other` there often means "bank account").
    let mapped: Vec<Category> = items.iter().map(|i| text::map_cfpb(&i.product, &i.issue)).collect();
    let agree = items.iter().zip(&mapped).filter(|(i, m)| i.category.split(' ').next() == Some(m.code())).count();
    let non_other: Vec<(&Item, &Category)> =
        items.iter().zip(&mapped).filter(|(_, m)| **m != Category::Other).collect();
    let agree_no = non_other.iter().filter(|(i, m)| i.category.split(' ').next() == Some(m.code())).count();
    println!(
        "category agrees with the CFPB Product/Issue mapping: {agree} of {} ({:.1}%); where the mapping is not other: {agree_no} of {} ({:.1}%)",
        items.len(),
        100.0 * agree as f64 / items.len().max(1) as f64,
        non_other.len(),
        100.0 * agree_no as f64 / non_other.len().max(1) as f64
    );

    // Per issue, top 15 by count.
    let mut by_issue: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    for it in &items {
        by_issue.entry(it.issue.as_str()).or_default().push(it);
    }
    let mut issues: Vec<(&str, Vec<&Item>)> = by_issue.into_iter().collect();
    issues.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    let share = |its: &[&Item], f: &dyn Fn(&Item) -> bool| {
        100.0 * its.iter().filter(|i| f(i)).count() as f64 / its.len().max(1) as f64
    };
    println!("\nShare of narratives (%) with each threat type / emotion, per CFPB Issue (top 15 by count)");
    print!("{:<48} {:>5}", "issue", "n");
    for t in Threat::ALL {
        print!(" {:>6}", &t.code()[..t.code().len().min(6)]);
    }
    print!(" {:>6}", "any_t");
    for e in Emotion::ALL {
        print!(" {:>6}", &e.code()[..e.code().len().min(6)]);
    }
    println!();
    let all: Vec<&Item> = items.iter().collect();
    let mut table: Vec<(String, Vec<&Item>)> = issues.iter().take(15).map(|(i, v)| (clip(i, 47), v.clone())).collect();
    table.push(("(all narratives)".into(), all));
    for (issue, its) in &table {
        print!("{issue:<48} {:>5}", its.len());
        for t in Threat::ALL {
            print!(" {:>6.1}", share(its, &|i: &Item| i.threats.contains(t)));
        }
        print!(" {:>6.1}", share(its, &|i: &Item| !i.threats.is_empty()));
        for e in Emotion::ALL {
            print!(" {:>6.1}", share(its, &|i: &Item| i.emotions.iter().any(|x| x.0 == *e)));
        }
        println!();
    }

    // Spot-check sample: every k-th narrative in file order, compared with the hand labels.
    let gold = load_gold(GOLD)?;
    if gold.is_none() {
        println!("\nnote: {GOLD} not found; the comparison with hand labels is skipped");
    }
    let (mut cat_ok, mut compared) = (0usize, 0usize);
    let (mut t_all, mut e_all) = (Prf::default(), Prf::default());
    let mut cat_misses = Vec::new();
    let mut seen = BTreeSet::new();
    let k = (items.len() / SAMPLE).max(1);
    println!("\n{SAMPLE} narratives for spot-checking (every {k}th in file order, starting with the first)");
    for (n, it) in items.iter().step_by(k).take(SAMPLE).enumerate() {
        let threats: Vec<&str> = it.threats.iter().map(|t| t.code()).collect();
        let emotions: Vec<String> = it.emotions.iter().map(|(e, s)| format!("{}:{s:.1}", e.code())).collect();
        println!("\n#{:02} id {} | {} | {}", n + 1, it.id, it.product, it.issue);
        println!("   category {} | threats [{}] | emotions [{}]", it.category, threats.join(", "), emotions.join(", "));
        if let Some(g) = gold.as_ref().map(|m| m.get(&it.id)) {
            let Some(g) = g else {
                println!("   gold     (no hand label for this id)");
                println!("   {}", clip(&it.text, 700));
                continue;
            };
            seen.insert(it.id.as_str());
            compared += 1;
            let ok = it.top.is_some_and(|c| c == g.category || Some(c) == g.also);
            if ok {
                cat_ok += 1;
            } else {
                cat_misses.push(format!(
                    "#{:02} {}: {} (gold {}{})",
                    n + 1,
                    it.id,
                    it.top.map_or("-", |c| c.code()),
                    g.category.code(),
                    g.also.map(|a| format!(" / {}", a.code())).unwrap_or_default()
                ));
            }
            let (pt, gt): (BTreeSet<Threat>, BTreeSet<Threat>) =
                (it.threats.iter().copied().collect(), g.threats.iter().copied().collect());
            let (pe, ge): (BTreeSet<Emotion>, BTreeSet<Emotion>) =
                (it.emotions.iter().map(|e| e.0).collect(), g.emotions.iter().copied().collect());
            let (ct, ce) = (counts(&pt, &gt), counts(&pe, &ge));
            merge(&mut t_all, ct);
            merge(&mut e_all, ce);
            let also = g.also.map(|a| format!(" (also {})", a.code())).unwrap_or_default();
            println!(
                "   gold     category {}{also} {} | threats [{}] {} tp {} fp {} fn {} | emotions [{}] {} tp {} fp {} fn {}",
                g.category.code(),
                if ok { "✓" } else { "✗" },
                codes(&gt, Threat::code),
                verdict(ct),
                ct.tp,
                ct.fp,
                ct.fn_,
                codes(&ge, Emotion::code),
                verdict(ce),
                ce.tp,
                ce.fp,
                ce.fn_
            );
            println!("   gold     issue {:?}; note: {}", g.issue, g.note);
        }
        println!("   {}", clip(&it.text, 700));
    }
    if let Some(gold) = &gold {
        println!("\nAgreement with the hand labels (corpus/cfpb_spot30.jsonl, {compared} narratives compared)");
        println!(
            "category agreement (gold category or `also`): {cat_ok}/{compared}{}",
            if compared == 0 { String::new() } else { format!(" ({:.1}%)", 100.0 * cat_ok as f64 / compared as f64) }
        );
        for m in &cat_misses {
            println!("   ✗ {m}");
        }
        println!("threats  (micro): {}", summary(t_all));
        println!("emotions (micro): {}", summary(e_all));
        let unused: Vec<&str> = gold.keys().map(String::as_str).filter(|id| !seen.contains(id)).collect();
        if !unused.is_empty() {
            println!("note: {} hand label(s) not in this sample: {}", unused.len(), unused.join(", "));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_csv;

    #[test]
    fn rfc4180() {
        let rows = parse_csv("a,b,c\r\n1,\"x, \"\"y\"\"\nz\",\n").unwrap();
        assert_eq!(rows, vec![vec!["a", "b", "c"], vec!["1", "x, \"y\"\nz", ""]]);
        assert!(parse_csv("a,\"b\n").is_err());
        assert_eq!(parse_csv("a").unwrap(), vec![vec!["a"]]);
    }
}
