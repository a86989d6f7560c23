//! Persons and profiles through the real interfaces: complaints posted to the API are linked
//! to persons (with the rule of each link), family members sharing a phone stay apart, tags come
//! with reasons, a supervisor's split survives a rebuild, and the CLI prints the worksheet and
//! the population analysis.

use crate::support::*;
use serde_json::json;

fn complaint(r: &str, name: &str, id: Option<&str>, phone: &str, day: u32) -> serde_json::Value {
    let mut c = json!({
        "external_ref": r,
        "received_at": format!("2026-0{}-1{}T10:00:00", 1 + day % 8, day % 10),
        "channel": if day.is_multiple_of(2) { "regulator_referral" } else { "hotline" },
        "category": "理赔纠纷",
        "text": "理赔被拒，我已经七十多岁了，要求赔付保险金。",
        "complainant": {"name": name, "phone": phone}
    });
    if let Some(i) = id {
        c["complainant"]["resident_id"] = json!(i);
    }
    c
}

fn post(srv: &Server, c: &serde_json::Value) -> i64 {
    let (s, v) = srv.json("POST", "/api/complaints", Some(c));
    assert!(s == 201 || s == 200, "{s} {v}");
    v["complaint"]["id"].as_i64().unwrap()
}

#[test]
fn persons_profiles_and_decisions_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let srv = Server::start(&db, &[]);
    // 张三 with a valid ID; then 張三 (traditional) with the same phone written differently.
    let a = post(&srv, &complaint("P-1", "张三", Some("11010519491231002X"), "13800138000", 1));
    let b = post(&srv, &complaint("P-2", "張三", None, "+86 138-0013-8000", 2));
    // His wife shares the phone: a different person.
    let w = post(&srv, &complaint("P-3", "李梅", None, "13800138000", 3));
    let c = post(&srv, &complaint("P-4", "张三", Some("11010519491231002X"), "13900000000", 4));

    let (_, doc) = srv.json("GET", "/api/openapi.json", None);
    assert!(doc["paths"]["/api/persons/{id}"]["get"].is_object(), "documented in the OpenAPI document");
    let (s, p) = srv.json("GET", &format!("/api/persons/{a}"), None);
    assert_eq!(s, 200, "{p}");
    let ids: Vec<i64> = p["complaints"].as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![a, b, c], "{p}");
    let rule_of =
        |id: i64| p["complaints"].as_array().unwrap().iter().find(|x| x["id"] == id).unwrap()["link"]["rule"].clone();
    assert_eq!(rule_of(b), "phone_name");
    assert_eq!(rule_of(c), "resident_id");
    // Basic facts decoded from the ID: born 1949-12-31, 17th digit 2 (even): female.
    assert_eq!(p["profile"]["basic"]["birth_date"], "1949-12-31");
    assert_eq!(p["profile"]["basic"]["gender"], "female");
    // Tags with reasons: three claim complaints within a year; the shared phone; elderly.
    let tags = p["profile"]["tags"].as_array().unwrap();
    let tag = |code: &str| tags.iter().find(|t| t["code"] == code).cloned();
    let repeat = tag("repeat").unwrap_or_else(|| panic!("no repeat tag: {tags:?}"));
    assert_eq!(repeat["reason"]["params"]["count"], 3, "{repeat}");
    assert!(tag("linked_contacts").is_some(), "{tags:?}");
    let vulnerable = tag("vulnerable").unwrap();
    assert_eq!(vulnerable["protective"], true);
    // The wife is her own person, linked by contact only.
    let (s, pw) = srv.json("GET", &format!("/api/persons/{w}"), None);
    assert_eq!(s, 200);
    assert_eq!(pw["complaints"].as_array().unwrap().len(), 1);
    assert!(pw["profile"]["tags"].as_array().unwrap().iter().any(|t| t["code"] == "linked_contacts"));

    // Every assessment is current: each complaint's was computed with its person's facts, and
    // the earlier complaints of a person were re-assessed when a later one joined it.
    let (ok, out, err) = tousu(&db, &["reassess"]);
    assert!(ok, "{err}");
    assert!(out.contains("assessed 0 complaints"), "{out}");

    // The case page links to the profile and shows the tags; the profile page escapes and
    // shows the worksheet; the worksheet exports as XLSX.
    let (s, _, body) = srv.request("GET", &format!("/cases/{b}"), &[], b"");
    let html = String::from_utf8_lossy(&body);
    assert_eq!(s, 200);
    assert!(html.contains(&format!("href=\"/persons/{a}\"")), "no profile link on the case page");
    assert!(html.contains("data-tag=\"repeat\""));
    let (s, _, body) = srv.request("GET", &format!("/persons/{a}"), &[], b"");
    assert_eq!(s, 200);
    assert!(String::from_utf8_lossy(&body).contains("1101**********002X"), "resident ID shown masked");
    let (s, head, body) = srv.request("GET", &format!("/persons/{a}/worksheet.xlsx"), &[], b"");
    assert_eq!(s, 200);
    assert!(head.contains("spreadsheetml"));
    assert_eq!(&body[..2], b"PK");

    // A supervisor decides complaint b is not this person; the decision survives a rebuild.
    let form = format!("action=split&other={b}&reason=%E5%AE%A2%E6%88%B7%E6%9D%A5%E7%94%B5%E6%A0%B8%E5%AE%9E");
    let (s, head, body) = srv.request(
        "POST",
        &format!("/persons/{a}/decide"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert!(s == 303 || s == 302 || s == 200, "{s} {head} {}", String::from_utf8_lossy(&body));
    let members = |srv: &Server, p: i64| -> Vec<i64> {
        let (_, v) = srv.json("GET", &format!("/api/persons/{p}"), None);
        v["complaints"].as_array().map(|a| a.iter().map(|x| x["id"].as_i64().unwrap()).collect()).unwrap_or_default()
    };
    assert_eq!(members(&srv, a), vec![a, c]);
    assert_eq!(members(&srv, b), vec![b]);
    let (ok, out, err) = tousu(&db, &["persons", "rebuild"]);
    assert!(ok, "{err}");
    assert!(out.contains("4 complaints -> 3 persons"), "{out}");
    assert_eq!(members(&srv, a), vec![a, c], "the split survives the rebuild");
    // The split re-assessed both persons' complaints; a rebuild that finds the same persons
    // leaves every assessment current.
    let (ok, out, err) = tousu(&db, &["reassess"]);
    assert!(ok, "{err}");
    assert!(out.contains("assessed 0 complaints"), "{out}");
    drop(srv);
    // A change of a person's facts makes the assessments of its complaints stale.
    let st = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg(format!("UPDATE persons SET fingerprint = 'changed' WHERE id = {a};"))
        .status()
        .expect("sqlite3 is installed by .ci/run");
    assert!(st.success());
    let (ok, out, err) = tousu(&db, &["reassess"]);
    assert!(ok, "{err}");
    assert!(out.contains("assessed 2 complaints"), "{out}");
    // The audit trail records the decision.
    let (ok, out, _) = tousu(&db, &["audit", "verify"]);
    assert!(ok, "{out}");

    // CLI: the worksheet, by person or by complaint, in both languages; the population analysis.
    let (ok, out, err) = tousu(&db, &["profile", &format!("c{c}")]);
    assert!(ok, "{err}");
    assert!(
        out.contains("投诉人画像") && out.contains("弱势群体（保护性）") && out.contains("1101**********002X"),
        "{out}"
    );
    let xlsx = dir.path().join("w.xlsx");
    let (ok, out, err) = tousu(&db, &["profile", &a.to_string(), "--lang", "en", "--xlsx", xlsx.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("Risk tags and reasons") && out.contains("Vulnerable (protective)"), "{out}");
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 1000);
    let csv = dir.path().join("p.csv");
    let (ok, out, err) = tousu(&db, &["analytics", "profiles", "--csv", csv.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("4 complaints with a person"), "{out}");
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(csv.contains("field,grouping,group,group_total,value,count"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("age_band,category,理赔纠纷,4,")), "{csv}");
}
