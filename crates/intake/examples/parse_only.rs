//! Read, map and validate a file without storing it: the importer's front half, for profiling.
//! `cargo run --release -p tousu-intake --example parse_only -- FILE.csv`
use std::time::Instant;
use tousu_intake::formats::{Format, Plan};
use tousu_intake::validate::{Context, build};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: parse_only FILE")?;
    let t = Instant::now();
    let mut src = tousu_intake::source::open(std::path::Path::new(&path), None)?;
    let plan = Plan::new(Format::detect(src.headers()), src.headers(), &path)?;
    let ctx = Context {
        file: path.clone(),
        source: "import".into(),
        date_order: Default::default(),
        currency: tousu_core::Currency::Cny,
    };
    let (mut ok, mut bad, mut doc_bytes) = (0u64, 0u64, 0usize);
    while let Some(row) = src.next_row() {
        let row = row?;
        let row_no = row.row;
        match build(&plan, &plan.map(row), row_no, &ctx) {
            Ok((c, _)) => {
                ok += 1;
                doc_bytes += c.document_json()?.len();
            }
            Err(_) => bad += 1,
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{ok} ok, {bad} rejected in {s:.2} s = {:.0} rows/s; documents {:.1} MB",
        (ok + bad) as f64 / s,
        doc_bytes as f64 / 1e6
    );
    Ok(())
}
