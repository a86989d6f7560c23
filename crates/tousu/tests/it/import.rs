use crate::support::*;
use std::path::Path;
use tousu_core::Channel;
use tousu_store::{ComplaintFilter, Store, StoredComplaint, sqlite::SqliteStore};

fn all(db: &Path, source: Option<&str>) -> Vec<StoredComplaint> {
    let store = SqliteStore::open(db).unwrap();
    let filter = ComplaintFilter { source: source.map(String::from), ..Default::default() };
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = store.list(&filter, cursor.as_deref(), 1000).unwrap();
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    out.sort_by(|a, b| a.complaint.external_ref.cmp(&b.complaint.external_ref));
    out
}

#[test]
fn cfpb_export_imports_every_row_mapped_and_idempotently() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let file = shared("cfpb/complaints_2015_2020_sample.csv");
    let first = import_json(&db, &[file.to_str().unwrap()]);
    assert_eq!(counts(&first), [6623, 6623, 0, 0, 0], "{first}");
    assert_eq!(first["files"][0]["format"], "cfpb");
    let store = SqliteStore::open(&db).unwrap();
    let c = store.find_by_ref("cfpb", "3384392").unwrap().expect("complaint 3384392").complaint;
    assert_eq!(c.received_at.to_string(), "2019-09-24 00:00:00");
    assert_eq!(c.channel, Channel::RegulatorReferral);
    assert_eq!(c.product_line.as_deref(), Some("Debt collection"));
    assert_eq!(c.product.as_deref(), Some("I do not know"));
    assert_eq!(c.category.as_deref(), Some("Attempts to collect debt not owed"));
    assert_eq!(c.subcategory.as_deref(), Some("Debt is not yours"));
    assert_eq!(c.institution.as_deref(), Some("TRANSWORLD SYSTEMS INC"));
    assert_eq!(c.region.as_deref(), Some("FL"));
    assert!(c.text.starts_with("transworld systems inc."), "{}", c.text);
    // Unmapped columns are kept.
    assert_eq!(c.extra.get("ZIP code").map(String::as_str), Some("335XX"));
    assert_eq!(c.extra.get("Submitted via").map(String::as_str), Some("Web"));
    assert_eq!(c.extra.get("Company response to consumer").map(String::as_str), Some("Closed with explanation"));
    let tagged = store.find_by_ref("cfpb", "3379500").unwrap().unwrap().complaint;
    assert_eq!(tagged.institution.as_deref(), Some("Experian Information Solutions Inc."));
    assert_eq!(tagged.received_at.to_string(), "2019-09-19 00:00:00");
    let with_narrative = all(&db, Some("cfpb")).iter().filter(|c| !c.complaint.text.is_empty()).count();
    assert_eq!(with_narrative, 1532);
    let older =
        all(&db, Some("cfpb")).iter().filter(|c| c.complaint.tags.iter().any(|t| t == "Older American")).count();
    assert_eq!(older, 239 + 73);

    let again = import_json(&db, &[file.to_str().unwrap()]);
    assert_eq!(counts(&again), [6623, 0, 0, 6623, 0], "{again}");
    assert_eq!(store.count(&ComplaintFilter::default()).unwrap(), 6623);
}

#[test]
fn texas_tdi_export_imports_every_row_mapped_and_idempotently() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let file = shared("tx-tdi/statefarm_complaints_2012_2024.csv");
    let first = import_json(&db, &[file.to_str().unwrap()]);
    assert_eq!(counts(&first), [11173, 11173, 0, 0, 0], "{first}");
    assert_eq!(first["files"][0]["format"], "tx-tdi");
    let store = SqliteStore::open(&db).unwrap();
    let c = store.find_by_ref("tx-tdi", "62707/3105").unwrap().expect("62707").complaint;
    assert_eq!(c.institution.as_deref(), Some("State Farm Lloyds"));
    assert_eq!(c.category.as_deref(), Some("Denial Of Claim"));
    assert_eq!(c.received_at.to_string(), "2014-05-12 00:00:00");
    assert_eq!(c.product_line.as_deref(), Some("Homeowners"));
    assert_eq!(c.product.as_deref(), Some("Homeowners"));
    assert_eq!(c.channel, Channel::RegulatorReferral);
    assert_eq!(
        c.extra.get("How resolved").map(String::as_str),
        Some("Contract Language/Legal Issue; Claim Settled; Information Furnished")
    );
    assert_eq!(c.extra.get("Closed date").map(String::as_str), Some("6/13/2014"));
    // Several reasons: the first is the category, all are tags.
    let multi = store.find_by_ref("tx-tdi", "62688/3105").unwrap().unwrap().complaint;
    assert_eq!(multi.category.as_deref(), Some("Delays (Claims Handling)"));
    assert_eq!(multi.subcategory.as_deref(), Some("Non-Renewal"));
    assert_eq!(multi.tags, ["Delays (Claims Handling)", "Non-Renewal"]);
    // One complaint number against two respondents is two records.
    assert!(store.find_by_ref("tx-tdi", "164329/1506").unwrap().is_some());
    assert!(store.find_by_ref("tx-tdi", "164329/1510").unwrap().is_some());
    let attorney = store.find_by_ref("tx-tdi", "31021/85279").unwrap().unwrap().complaint;
    assert_eq!(attorney.third_party.and_then(|t| t.relationship).as_deref(), Some("Attorney"));
    let denials =
        all(&db, Some("tx-tdi")).iter().filter(|c| c.complaint.category.as_deref() == Some("Denial Of Claim")).count();
    assert!(denials > 1000, "{denials}");

    let again = import_json(&db, &[file.to_str().unwrap()]);
    assert_eq!(counts(&again), [11173, 0, 0, 11173, 0], "{again}");
}

#[test]
fn malformed_rows_are_reported_and_good_rows_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let file = dir.path().join("bad.csv");
    let mut bytes: Vec<u8> = Vec::new();
    bytes.extend_from_slice("external_ref,received_at,channel,text,premiums_paid,complainant_name\n".as_bytes());
    bytes.extend_from_slice("G1,2025-03-01 09:00,12378,理赔被拒,36000元,张三\n".as_bytes()); // row 2 good
    bytes.extend_from_slice("B1,2025-02-30,电话,日期不存在,100,李四\n".as_bytes()); // row 3 bad date
    bytes.extend_from_slice("B2,2025-03-02,电话,金额错误,十二块三毛四分五,王五\n".as_bytes()); // row 4 bad amount
    bytes.extend_from_slice("B3,,电话,缺少接收时间,100,赵六\n".as_bytes()); // row 5 missing required
    bytes.extend_from_slice(b"B4,2025-03-03,\xe7\x94\xb5\xe8\xaf\x9d,\xff\xfe\xfa bad,100,x\n"); // row 6 invalid UTF-8
    bytes.extend_from_slice("B5,2025-03-04,电话,含\0空字符,100,钱七\n".as_bytes()); // row 7 NUL
    bytes.extend_from_slice(format!("B6,2025-03-05,电话,{},100,孙八\n", "长".repeat(200_000)).as_bytes()); // row 8 too long
    bytes.extend_from_slice("B7,2025-03-06,电话,\"=cmd|' /C calc'!A0\",100,周九\n".as_bytes()); // row 9 formula
    bytes.extend_from_slice("G2,2025/3/7,信函,退保纠纷,\"¥1,200.50\",吴十\n".as_bytes()); // row 10 good
    std::fs::write(&file, &bytes).unwrap();
    let v = import_json(&db, &[file.to_str().unwrap()]);
    assert_eq!(counts(&v), [9, 2, 0, 0, 7], "{v}");
    let report = dir.path().join("bad.errors.csv");
    assert_eq!(v["files"][0]["errors_file"].as_str(), Some(report.to_str().unwrap()));
    let text = std::fs::read_to_string(&report).unwrap();
    let mut rdr = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<Vec<String>> = rdr.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    let got: Vec<(String, String)> = rows.iter().map(|r| (r[1].clone(), r[2].clone())).collect();
    let want = [
        ("3", "received_at"),
        ("4", "premiums_paid"),
        ("5", "received_at"),
        ("6", "text"),
        ("7", "text"),
        ("8", "text"),
        ("9", "text"),
    ];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
    assert!(rows.iter().all(|r| r[0] == file.to_str().unwrap() && r[5] == "error"));
    assert!(rows[0][4].contains("no such day"), "{:?}", rows[0]);
    assert!(rows[3][4].contains("UTF-8"), "{:?}", rows[3]);
    assert!(rows[4][4].contains("NUL"), "{:?}", rows[4]);
    assert!(rows[5][4].contains("200000 characters"), "{:?}", rows[5]);
    assert!(rows[6][4].contains("formula"), "{:?}", rows[6]);
    // The formula is written to the report defused.
    assert!(rows[6][3].starts_with("'="), "{:?}", rows[6]);
    let stored = all(&db, None);
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1].complaint.policy.as_ref().unwrap().premiums_paid.unwrap().minor, 120_050);
}

#[test]
fn unknown_file_problems_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (ok, _, err) = tousu(&db, &["import", "/nonexistent/file.csv"]);
    assert!(!ok);
    assert!(err.contains("/nonexistent/file.csv"), "{err}");
    let f = dir.path().join("nohead.csv");
    std::fs::write(&f, "foo,bar\n1,2\n").unwrap();
    let (ok, _, err) = tousu(&db, &["import", f.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("no known column"), "{err}");
    std::fs::write(&f, "投诉编号,投诉内容\n1,2\n").unwrap();
    let (ok, _, err) = tousu(&db, &["import", f.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("received_at (接收时间) is missing"), "{err}");
}

#[test]
fn template_round_trips_through_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    for name in ["t.xlsx", "t.csv"] {
        let out = dir.path().join(name);
        let (ok, stdout, err) = tousu(&db, &["template", "--out", out.to_str().unwrap()]);
        assert!(ok, "{err}");
        assert!(stdout.contains(name));
        assert!(out.exists());
    }
    let cols = std::fs::read_to_string(dir.path().join("t.columns.csv")).unwrap();
    assert!(cols.contains("received_at") && cols.contains("接收时间") && cols.contains("全额退保"));
    // An empty template imports nothing and complains about nothing.
    let v = import_json(&db, &[dir.path().join("t.csv").to_str().unwrap()]);
    assert_eq!(counts(&v), [0, 0, 0, 0, 0]);
}

#[test]
fn changed_rows_update_and_record_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let f = dir.path().join("a.csv");
    std::fs::write(&f, "投诉编号,接收时间,投诉渠道,投诉内容\nX1,2025-03-01,电话,原文\nX2,2025-03-02,电话,不变\n")
        .unwrap();
    assert_eq!(counts(&import_json(&db, &[f.to_str().unwrap()])), [2, 2, 0, 0, 0]);
    std::fs::write(
        &f,
        "投诉编号,接收时间,投诉渠道,投诉内容\nX1,2025-03-01,12378,改过的文字\nX2,2025-03-02,电话,不变\n",
    )
    .unwrap();
    assert_eq!(counts(&import_json(&db, &[f.to_str().unwrap()])), [2, 0, 1, 1, 0]);
    let store = SqliteStore::open(&db).unwrap();
    let x1 = store.find_by_ref("import", "X1").unwrap().unwrap();
    assert_eq!(x1.version, 2);
    let changes: Vec<_> = store.changes(x1.id).unwrap().into_iter().filter(|c| c.action == "update").collect();
    let fields: Vec<&str> = changes.iter().filter_map(|c| c.field.as_deref()).collect();
    assert_eq!(fields, ["channel", "text"]);
    assert_eq!(changes[1].before.as_deref(), Some("原文"));
    assert_eq!(changes[1].after.as_deref(), Some("改过的文字"));
    assert!(changes[0].actor.starts_with("import:"));
}

#[test]
fn analyze_text_reads_stdin_and_prints_json() {
    use std::io::Write;
    let mut child = std::process::Command::new(bin())
        .args(["analyze-text"])
        .env("TOUSU_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("我不想闹到监管。但再不赔付就起诉你们，要求赔偿三万五千元。".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let threats: Vec<&str> = v["threats"].as_array().unwrap().iter().map(|t| t["value"].as_str().unwrap()).collect();
    assert_eq!(threats, ["lawsuit"], "the negated regulator threat is not one: {v}");
    assert_eq!(v["demanded_total"][0]["amount"], "35000.00");
    assert!(v["threats"][0]["evidence"][0]["spans"][0]["start"].as_u64().is_some());
}

#[test]
fn eval_prints_precision_and_recall_per_label() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let (ok, out, err) = tousu(
        std::path::Path::new("/nonexistent.db"),
        &["eval", "--corpus", corpus.to_str().unwrap(), "--split", "heldout"],
    );
    assert!(ok, "{err}");
    assert!(out.contains("zh Heldout") && out.contains("en Heldout"), "{out}");
    for label in ["regulator", "claim_refusal", "anger"] {
        assert!(out.contains(label), "{label} missing from the report");
    }
}
