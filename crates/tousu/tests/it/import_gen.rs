//! Imports of generated data: encodings and formats agree; an interrupted import resumes.

use crate::support::*;
use std::path::Path;
use std::process::{Command, Stdio};
use tousu_store::{ComplaintFilter, Store, sqlite::SqliteStore};

fn generate(dir: &Path, count: u64, seed: u64) -> std::path::PathBuf {
    let out = dir.join(format!("gen-{count}-{seed}.csv"));
    let (ok, stdout, err) = tousu(
        &dir.join("unused.db"),
        &["gen", "--count", &count.to_string(), "--seed", &seed.to_string(), "--out", out.to_str().unwrap()],
    );
    assert!(ok, "gen failed: {err}");
    assert!(stdout.contains(&format!("wrote {count} rows")), "{stdout}");
    out
}

/// Every complaint, keyed by reference.
fn snapshot(db: &Path) -> Vec<(String, serde_json::Value)> {
    let store = SqliteStore::open(db).unwrap();
    let filter = ComplaintFilter::default();
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = store.list(&filter, cursor.as_deref(), 1000).unwrap();
        for s in page.items {
            out.push((s.complaint.external_ref.clone(), serde_json::to_value(&s.complaint).unwrap()));
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn gbk_utf16_and_xlsx_of_the_same_rows_import_identically() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = generate(dir.path(), 400, 7);
    let text = std::fs::read_to_string(&csv_path).unwrap();

    let gbk = dir.path().join("gbk.csv");
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    std::fs::write(&gbk, &bytes).unwrap();

    let utf16 = dir.path().join("utf16.csv");
    let mut b = vec![0xFF, 0xFE];
    b.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    std::fs::write(&utf16, &b).unwrap();

    let bom = dir.path().join("bom.csv");
    let mut b = vec![0xEF, 0xBB, 0xBF];
    b.extend_from_slice(text.as_bytes());
    std::fs::write(&bom, &b).unwrap();

    let xlsx = dir.path().join("rows.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    for (r, rec) in rdr.records().enumerate() {
        for (c, v) in rec.unwrap().iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    wb.save(&xlsx).unwrap();

    let mut snaps = Vec::new();
    for (src, path, enc) in [
        ("utf8", &csv_path, "utf-8"),
        ("gbk", &gbk, "gb18030"),
        ("utf16", &utf16, "utf-16le"),
        ("bom", &bom, "utf-8-bom"),
        ("xlsx", &xlsx, ""),
    ] {
        // One database per file: generated rows may name their own source system.
        let db = dir.path().join(format!("{src}.db"));
        let v = import_json(&db, &[path.to_str().unwrap()]);
        assert_eq!(counts(&v), [400, 400, 0, 0, 0], "{src}: {v}");
        if !enc.is_empty() {
            assert_eq!(v["files"][0]["encoding"], enc, "{src}");
        }
        snaps.push((src, snapshot(&db)));
    }
    let (_, reference) = &snaps[0];
    assert_eq!(reference.len(), 400);
    for (src, s) in &snaps[1..] {
        assert_eq!(s.len(), reference.len(), "{src}");
        for (a, b) in reference.iter().zip(s) {
            assert_eq!(a, b, "{src} differs from UTF-8 at {}", a.0);
        }
    }
}

#[test]
fn killed_import_leaves_whole_batches_and_resumes_with_correct_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let n: u64 = 60_000;
    let file = generate(dir.path(), n, 3);
    // Warm the schema so that the poller can open the database at once.
    drop(SqliteStore::open(&db).unwrap());
    let mut child = Command::new(bin())
        .arg("--db")
        .arg(&db)
        .args(["import", "--json", "--batch-size", "1000", file.to_str().unwrap()])
        .env("TOUSU_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let store = SqliteStore::open(&db).unwrap();
    let started = std::time::Instant::now();
    let mut killed_at = None;
    while started.elapsed() < std::time::Duration::from_secs(120) {
        let done = store.import_run(1).unwrap().map(|r| r.rows_done).unwrap_or(0);
        if done >= 3000 {
            child.kill().unwrap();
            killed_at = Some(done);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    // Reap the child whichever way the loop ended (killing an exited process is harmless).
    let _ = child.kill();
    let _ = child.wait();
    let killed_at = killed_at.expect("the import never committed 3 batches");
    let run = store.import_run(1).unwrap().unwrap();
    let stored = store.count(&ComplaintFilter::default()).unwrap();
    assert_eq!(run.status, "running", "the import finished before it could be killed");
    // Only whole batches: the stored complaints are exactly the committed rows.
    assert_eq!(run.rows_done % 1000, 0, "{run:?}");
    assert_eq!(stored, run.counts.created);
    assert_eq!(run.counts.read, run.rows_done);
    assert!(stored < n, "killed after {killed_at} rows but everything was stored");
    eprintln!("killed after {killed_at} rows; run {run:?}");
    let v = import_json(&db, &["--batch-size", "1000", file.to_str().unwrap()]);
    assert_eq!(counts(&v), [n, n, 0, 0, 0], "{v}");
    assert_eq!(v["files"][0]["resumed"], true);
    assert_eq!(store.count(&ComplaintFilter::default()).unwrap(), n);
    // And once finished, a further import is a new run that changes nothing.
    let again = import_json(&db, &[file.to_str().unwrap()]);
    assert_eq!(counts(&again), [n, 0, 0, n, 0]);
}
