use crate::support::*;
use serde_json::json;

fn sample(r: &str) -> serde_json::Value {
    json!({
        "external_ref": r,
        "received_at": "2025-03-01T14:05:00",
        "channel": "regulator_referral",
        "product": "安康重疾险",
        "text": "本人投保后理赔被拒，要求全额退保。<script>alert(1)</script>",
        "demands": [{"kind": "full_refund", "amount": {"amount": "35000.00", "currency": "CNY"}}],
        "complainant": {"name": "张三", "resident_id": "11010519491231002x", "phone": "13800138000"}
    })
}

#[test]
fn complaints_api_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let srv = Server::start(&dir.path().join("t.db"), &["--max-body", "4096"]);
    let (s, v) = srv.json("GET", "/api/health", None);
    assert_eq!((s, v["status"].as_str()), (200, Some("ok")));

    let (s, head, body) = srv.request(
        "POST",
        "/api/complaints",
        &[("Content-Type", "application/json")],
        &serde_json::to_vec(&sample("API-1")).unwrap(),
    );
    assert_eq!(s, 201, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["outcome"], "created");
    let id = v["complaint"]["id"].as_i64().unwrap();
    assert!(head.to_ascii_lowercase().contains(&format!("location: /api/complaints/{id}")));
    // Normalised on the way in: upper-case X, birth date and gender from the ID.
    assert_eq!(v["complaint"]["complainant"]["resident_id"], "11010519491231002X");
    assert_eq!(v["complaint"]["complainant"]["birth_date"], "1949-12-31");
    assert_eq!(v["complaint"]["source"], "api");

    let (s, got) = srv.json("GET", &format!("/api/complaints/{id}"), None);
    assert_eq!(s, 200);
    assert_eq!(got["demands"][0]["amount"]["amount"], "35000.00");
    assert_eq!(got["text"], sample("API-1")["text"]);

    // Same again: unchanged; then a change: updated and recorded.
    let (s, v) = srv.json("POST", "/api/complaints", Some(&sample("API-1")));
    assert_eq!((s, v["outcome"].as_str()), (200, Some("unchanged")));
    let mut changed = sample("API-1");
    changed["channel"] = json!("hotline");
    let (s, v) = srv.json("POST", "/api/complaints", Some(&changed));
    assert_eq!((s, v["outcome"].as_str()), (200, Some("updated")));
    let (_, ch) = srv.json("GET", &format!("/api/complaints/{id}/changes"), None);
    assert_eq!(ch["items"][0]["action"], "create");
    assert_eq!(ch["items"][1]["field"], "channel");
    assert_eq!(ch["items"][1]["before"], "regulator_referral");

    // Validation: field-level 422s.
    let mut bad = sample("API-2");
    bad["received_at"] = json!("yesterday");
    let (s, v) = srv.json("POST", "/api/complaints", Some(&bad));
    assert_eq!(s, 422);
    assert_eq!(v["error"]["code"], "validation_failed");
    assert_eq!(v["error"]["fields"][0]["field"], "received_at");
    let mut bad = sample("API-3");
    bad["demands"][0]["amount"]["amount"] = json!("3.5万");
    let (s, v) = srv.json("POST", "/api/complaints", Some(&bad));
    assert_eq!(s, 422);
    assert_eq!(v["error"]["fields"][0]["field"], "demands[0].amount");
    let mut bad = sample("API-4");
    bad["text"] = json!("空\u{0}字符");
    let (s, v) = srv.json("POST", "/api/complaints", Some(&bad));
    assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (422, Some("text")));
    let (s, _, body) = srv.request("POST", "/api/complaints", &[("Content-Type", "application/json")], b"{not json");
    assert_eq!(s, 400, "{}", String::from_utf8_lossy(&body));
    // Body size limit.
    let mut big = sample("API-5");
    big["text"] = json!("长".repeat(3000));
    let (s, v) = srv.json("POST", "/api/complaints", Some(&big));
    assert_eq!((s, v["error"]["code"].as_str()), (413, Some("payload_too_large")));

    // Listing, filters and cursor pagination.
    for i in 0..7 {
        let mut c = sample(&format!("P-{i}"));
        c["received_at"] = json!(format!("2025-04-0{}T10:00:00", i + 1));
        c["channel"] = json!(if i % 2 == 0 { "online" } else { "letter" });
        let (s, _) = srv.json("POST", "/api/complaints", Some(&c));
        assert_eq!(s, 201);
    }
    let (s, v) = srv.json("GET", "/api/complaints?limit=3&channel=online", None);
    assert_eq!(s, 200);
    assert_eq!(v["items"].as_array().unwrap().len(), 3);
    assert_eq!(v["items"][0]["external_ref"], "P-6");
    let cur = v["next_cursor"].as_str().unwrap().to_string();
    let (_, v2) = srv.json("GET", &format!("/api/complaints?limit=3&channel=online&cursor={cur}"), None);
    assert_eq!(v2["items"].as_array().unwrap().len(), 1);
    assert_eq!(v2["items"][0]["external_ref"], "P-0");
    assert!(v2["next_cursor"].is_null());
    let (_, v) = srv.json("GET", "/api/complaints?received_from=2025-04-02&received_to=2025-04-03", None);
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    let (_, v) = srv.json("GET", "/api/complaints?q=%E7%90%86%E8%B5%94&limit=100", None);
    assert_eq!(v["items"].as_array().unwrap().len(), 8);
    let (s, v) = srv.json("GET", "/api/complaints?channel=pigeon&received_from=x", None);
    assert_eq!(s, 400);
    assert_eq!(v["error"]["fields"].as_array().unwrap().len(), 2);
    let (s, _) = srv.json("GET", "/api/complaints?cursor=bogus", None);
    assert_eq!(s, 400);
    let (s, v) = srv.json("GET", "/api/complaints/999999", None);
    assert_eq!((s, v["error"]["code"].as_str()), (404, Some("not_found")));

    let (s, doc) = srv.json("GET", "/api/openapi.json", None);
    assert_eq!(s, 200);
    for p in ["/api/health", "/api/complaints", "/api/complaints/{id}", "/api/complaints/{id}/changes"] {
        assert!(doc["paths"][p].is_object(), "{p} missing from the OpenAPI document");
    }
}

#[test]
fn without_credentials_only_sign_in_and_health_answer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let srv = Server::start(&db, &[]);
    assert_eq!(srv.raw("GET", "/api/health", &[], b"").0, 200);
    assert_eq!(srv.raw("GET", "/login", &[], b"").0, 200);
    assert_eq!(srv.raw("GET", "/static/app.css", &[], b"").0, 200);
    for path in ["/api/complaints", "/api/complaints/1", "/api/complaints/1/changes", "/api/openapi.json"] {
        let (s, _, body) = srv.raw("GET", path, &[], b"");
        assert_eq!(s, 401, "{path}");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "unauthorized");
    }
    assert_eq!(srv.raw("POST", "/api/complaints", &[("Content-Type", "application/json")], b"{}").0, 401);
    for path in ["/", "/queue", "/cases/1", "/import", "/users", "/no/such/page"] {
        let (s, head, _) = srv.raw("GET", path, &[], b"");
        assert!(s == 303 || s == 302 || s == 307, "{path}: {s}");
        assert!(head.to_ascii_lowercase().contains("location: /login?next="), "{path}: {head}");
    }
    // A wrong token is no token.
    assert_eq!(srv.raw("GET", "/api/complaints", &[("Authorization", "Bearer nope")], b"").0, 401);
    // Security headers on every response.
    let (_, head, _) = srv.raw("GET", "/login", &[], b"");
    let h = head.to_ascii_lowercase();
    assert!(h.contains("content-security-policy: default-src 'self'"), "{head}");
    assert!(h.contains("x-content-type-options: nosniff"));
    assert!(
        h.contains("set-cookie: tousu_login=")
            && h.contains("httponly")
            && h.contains("samesite=lax")
            && h.contains("secure")
    );
}

#[test]
fn handlers_see_only_their_scope_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let srv = Server::start(&db, &[]);
    add_user(&db, "h1", "handler", Some("A"), "handler-pass-1");
    let h1 = add_token(&db, "h1");
    let (s, v) = srv.json("POST", "/api/complaints", Some(&sample("S-1")));
    assert_eq!(s, 201);
    let id = v["complaint"]["id"].as_i64().unwrap();
    let auth = format!("Bearer {h1}");
    let (s, _, _) = srv.raw("GET", &format!("/api/complaints/{id}"), &[("Authorization", &auth)], b"");
    assert_eq!(s, 404, "not assigned to h1's team yet");
    let (_, _, body) = srv.raw("GET", "/api/complaints", &[("Authorization", &auth)], b"");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    let store = tousu_store::sqlite::SqliteStore::open(&db).unwrap();
    tousu_store::Store::assign(&store, tousu_store::ComplaintId(id), Some("h1"), Some("A"), "test").unwrap();
    let (s, _, _) = srv.raw("GET", &format!("/api/complaints/{id}"), &[("Authorization", &auth)], b"");
    assert_eq!(s, 200);
}
