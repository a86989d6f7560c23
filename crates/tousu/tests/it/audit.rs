//! The audit trail is append-only and hash-chained: an edit or a removal made with sqlite3
//! behind tousu's back is named by `tousu audit verify`.

use crate::support::*;
use std::path::Path;
use std::process::Command;

fn sqlite3(db: &Path, sql: &str) -> (bool, String) {
    let out = Command::new("sqlite3").arg(db).arg(sql).output().expect("sqlite3 is installed by scripts/test.sh");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn setup(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("t.db");
    let f = dir.join("a.csv");
    std::fs::write(
        &f,
        "投诉编号,接收时间,投诉渠道,投诉内容\nA1,2025-03-01,电话,一\nA2,2025-03-02,电话,二\nA3,2025-03-03,电话,三\n",
    )
    .unwrap();
    import_json(&db, &[f.to_str().unwrap()]);
    std::fs::write(
        &f,
        "投诉编号,接收时间,投诉渠道,投诉内容\nA1,2025-03-01,12378,一改\nA2,2025-03-02,电话,二\nA3,2025-03-03,电话,三\n",
    )
    .unwrap();
    import_json(&db, &[f.to_str().unwrap()]);
    db
}

#[test]
fn an_intact_trail_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(dir.path());
    let (ok, out, _) = tousu(&db, &["audit", "verify"]);
    assert!(ok, "{out}");
    assert!(out.contains("audit trail intact: 3 rows"), "{out}");
}

#[test]
fn the_trail_refuses_updates_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(dir.path());
    let (ok, out) = sqlite3(&db, "UPDATE audit_log SET actor = 'mallory' WHERE id = 2;");
    assert!(!ok && out.contains("append-only"), "{out}");
    let (ok, out) = sqlite3(&db, "DELETE FROM audit_log WHERE id = 2;");
    assert!(!ok && out.contains("append-only"), "{out}");
}

#[test]
fn an_edited_row_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(dir.path());
    // Someone with the file drops the guard and rewrites history.
    let (ok, out) =
        sqlite3(&db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET after_value = 'hotline' WHERE id = 2;");
    assert!(ok, "{out}");
    let (ok, out, _) = tousu(&db, &["audit", "verify"]);
    assert!(!ok);
    assert!(out.contains("BROKEN at row 2") && out.contains("edited"), "{out}");
}

#[test]
fn a_removed_row_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(dir.path());
    // Rows: 1 the first import's creations (one row for the batch), 2 and 3 the second import's
    // changes to A1.
    let (ok, out) = sqlite3(&db, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2;");
    assert!(ok, "{out}");
    let (ok, out, _) = tousu(&db, &["audit", "verify"]);
    assert!(!ok);
    assert!(out.contains("BROKEN at row 3") && out.contains("removed"), "{out}");
}
