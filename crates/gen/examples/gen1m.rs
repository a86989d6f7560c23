//! Writes 1,000,000 generated complaints to /tmp and prints the elapsed time.
//!
//! `cargo run --release -p tousu-gen --example gen1m [-- COUNT [SEED [OUT.csv [TRUTH.csv]]]]`

use std::fs::File;
use std::io::BufWriter;
use std::time::Instant;
use tousu_gen::{GenConfig, generate};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count = args.first().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let seed = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(42);
    let out = args.get(2).cloned().unwrap_or_else(|| "/tmp/tousu-gen-1m.csv".to_string());
    let truth = args.get(3).cloned().unwrap_or_else(|| "/tmp/tousu-gen-1m-truth.csv".to_string());
    let started = Instant::now();
    let stats = generate(
        &GenConfig { count, seed },
        // The CSV writer buffers itself.
        File::create(&out)?,
        BufWriter::new(File::create(&truth)?),
    )?;
    let elapsed = started.elapsed();
    let bytes = std::fs::metadata(&out)?.len();
    println!("{stats:?}");
    println!(
        "wrote {} rows ({:.1} MB) to {out} and the truth to {truth} in {:.2} s",
        stats.rows,
        bytes as f64 / 1e6,
        elapsed.as_secs_f64()
    );
    Ok(())
}
