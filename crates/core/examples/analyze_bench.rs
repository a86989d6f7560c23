//! Analyse generated complaint-like texts and print throughput (MB/s, one core) and the
//! lexicon memory estimate.
//!
//! `cargo run --release -p tousu-core --example analyze_bench [-- --dump FILE]`
//! (`--dump FILE` also writes the generated texts, one per line, for the Python jieba reference:
//! scripts/bench/jieba_bench.py).

use std::hint::black_box;
use std::time::Instant;
use tousu_core::text::Analyzer;

const SENTENCES: &[&str] = &[
    "尊敬的领导：本人于2019年在贵公司购买了一份年金保险，每年交保费35000元。",
    "当时业务员说是存款，保本高收益，存在严重的销售误导和虚假宣传。",
    "现在我要退保，现金价值只有所交保费的三成，我非常愤怒！！",
    "保險公司以我未如實告知為由拒賠，我母親七十多歲了，患癌症住院。",
    "根据《中华人民共和国保险法》第十七条，贵公司未履行明确说明义务，严重侵犯了我的合法权益。",
    "本人要求全额退保，退还全部保费3.5万元，并赔偿利息2000元，赔礼道歉。",
    "再不解决我就去银保监投诉，并向媒体曝光，凭什么不赔？？？",
    "我不想闹到监管，只希望你们尽快处理，客服态度恶劣，一直推诿。",
    "The debt collector keeps calling me about a debt that is not mine, and I will file with the CFPB.",
    "I am 82 years old and disabled; I want a full refund of $1,200.50 and an apology.",
];

/// Seconds to analyse every text `rounds` times: the best of three tries (the machine is
/// shared, and a slow try measures the neighbours, not the analyser).
fn seconds(analyzer: &Analyzer, texts: &[String], rounds: usize) -> f64 {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..rounds {
                for t in texts {
                    black_box(analyzer.analyze(black_box(t)));
                }
            }
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() -> Result<(), tousu_core::Error> {
    let t0 = Instant::now();
    let analyzer = Analyzer::builtin()?;
    let build = t0.elapsed();
    // Typical complaints: 3 to 12 sentences each.
    let mut texts = Vec::new();
    let mut seed: u64 = 7;
    for _ in 0..2_000 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let n = 3 + (seed >> 33) as usize % 10;
        let text: String =
            (0..n).map(|i| SENTENCES[(seed as usize >> 8).wrapping_add(i * 3) % SENTENCES.len()]).collect();
        texts.push(text);
    }
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    if let Some(path) = std::env::args().skip_while(|a| a != "--dump").nth(1) {
        let mut out = texts.join("\n");
        out.push('\n');
        std::fs::write(&path, out)
            .map_err(|e| tousu_core::Error::InvalidData { what: path.clone(), reason: e.to_string() })?;
        println!("wrote {} texts ({bytes} bytes) to {path}", texts.len());
    }
    // Warm up, then measure several rounds.
    for t in texts.iter().take(200) {
        black_box(analyzer.analyze(t));
    }
    let rounds = 5;
    let findings: usize = texts
        .iter()
        .map(|t| {
            let a = analyzer.analyze(t);
            a.emotions.len() + a.threats.len() + a.demands.len() + a.markers.len()
        })
        .sum();
    let secs = seconds(&analyzer, &texts, rounds);
    let mb = (bytes * rounds) as f64 / 1e6;
    // The same without the naive Bayes category back-up (rules only), for comparison.
    let mut rules_only = Analyzer::builtin()?;
    rules_only.set_category_fallback(None);
    let rules_secs = seconds(&rules_only, &texts, rounds);
    println!(
        "texts: {} (avg {} bytes), rounds: {rounds} (best of three tries), findings per round: {findings}",
        texts.len(),
        bytes / texts.len()
    );
    println!("throughput: {:.1} MB/s ({:.0} texts/s) on one core", mb / secs, (texts.len() * rounds) as f64 / secs);
    println!("throughput without the naive Bayes back-up: {:.1} MB/s", mb / rules_secs);
    // And without the threat clause model only.
    let mut no_veto = Analyzer::builtin()?;
    no_veto.set_category_fallback(Some(tousu_core::text::nb::Fallback {
        threat_veto_en: None,
        threat_veto_zh: None,
        ..tousu_core::text::nb::Fallback::builtin()
    }));
    println!("throughput without the threat clause model: {:.1} MB/s", mb / seconds(&no_veto, &texts, rounds));
    println!(
        "lexicons: version {}, {} patterns, build {:.1} ms, memory ≈ {:.0} KiB",
        analyzer.version(),
        analyzer.pattern_count(),
        build.as_secs_f64() * 1e3,
        analyzer.memory_bytes() as f64 / 1024.0
    );
    // English narratives (the labelled corpus' texts): the English self-harm sentence model
    // runs on these, not on the Chinese texts above.
    let english: Vec<String> =
        tousu_core::text::eval::parse_jsonl(tousu_core::text::nb::CORPUS_EN)?.into_iter().map(|r| r.text).collect();
    let en_bytes: usize = english.iter().map(|t| t.len()).sum();
    let en_secs = seconds(&analyzer, &english, rounds);
    let mut no_harm = Analyzer::builtin()?;
    no_harm.set_category_fallback(Some(tousu_core::text::nb::Fallback {
        self_harm: None,
        self_harm_zh: None,
        ..tousu_core::text::nb::Fallback::builtin()
    }));
    let no_harm_secs = seconds(&no_harm, &english, rounds);
    let en_mb = (en_bytes * rounds) as f64 / 1e6;
    println!(
        "English corpus texts: {} (avg {} bytes), {:.1} MB/s ({:.1} MB/s without the self-harm sentence model)",
        english.len(),
        en_bytes / english.len().max(1),
        en_mb / en_secs,
        en_mb / no_harm_secs
    );
    // One long text (a 100k-character letter) to show there is no quadratic path.
    let long: String = SENTENCES.iter().cycle().take(2_500).copied().collect::<String>();
    let long: String = long.chars().take(tousu_core::MAX_TEXT_CHARS).collect();
    let start = Instant::now();
    black_box(analyzer.analyze(&long));
    let secs = start.elapsed().as_secs_f64();
    println!("long text: {} chars, {:.1} MB/s", long.chars().count(), long.len() as f64 / 1e6 / secs);
    // The same for a letter made only of sums and demands, the shapes whose rules compare every
    // amount with every demand cue (topic sums, 按 … 赔, appositions).
    const DEMANDS: &[&str] = &[
        "这2000块是我给孩子交学费的，你们银行必须尽快退回来。",
        "要求按保额赔50万，八千块。",
        "按4S店报价13600元赔，",
        "I want the three late fees, $262.50 in total, refunded. ",
        "That cost me USD 120.00, which I'd like reimbursed. ",
    ];
    let dense: String = DEMANDS.iter().cycle().take(5_000).copied().collect::<String>();
    let dense: String = dense.chars().take(tousu_core::MAX_TEXT_CHARS).collect();
    let start = Instant::now();
    black_box(analyzer.analyze(&dense));
    let secs = start.elapsed().as_secs_f64();
    println!(
        "long text of sums and demands: {} chars, {:.1} MB/s",
        dense.chars().count(),
        dense.len() as f64 / 1e6 / secs
    );
    Ok(())
}
