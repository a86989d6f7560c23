//! The lifecycle and deadline clocks through the HTTP API: allowed and refused steps, stale
//! versions, pauses and extensions, merges, and the clocks each produces.

use crate::support::*;
use serde_json::json;

fn create(srv: &Server, r: &str, received: &str) -> i64 {
    let body = json!({"external_ref": r, "received_at": received, "channel": "hotline", "text": "理赔被拒"});
    let (s, v) = srv.json("POST", "/api/complaints", Some(&body));
    assert_eq!(s, 201, "{v}");
    v["complaint"]["id"].as_i64().unwrap()
}

fn step(srv: &Server, id: i64, body: serde_json::Value) -> (u16, serde_json::Value) {
    srv.json("POST", &format!("/api/complaints/{id}/transitions"), Some(&body))
}

fn event(srv: &Server, id: i64, body: serde_json::Value) -> (u16, serde_json::Value) {
    srv.json("POST", &format!("/api/complaints/{id}/events"), Some(&body))
}

fn clock(srv: &Server, id: i64, name: &str) -> serde_json::Value {
    let (s, v) = srv.json("GET", &format!("/api/complaints/{id}/clocks"), None);
    assert_eq!(s, 200);
    v["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no {name} in {v}"))
}

#[test]
fn a_complaint_moves_through_its_lifecycle_with_clocks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let srv = Server::start(&db, &[]);
    // Received Mon 2025-09-22: decision due +15 days = Tue 10-07, inside the National Day
    // holiday (Oct 1-8) → Thu 2025-10-09; contact due the next business day, Tue 09-23.
    let id = create(&srv, "L-1", "2025-09-22T09:00:00");
    assert_eq!(clock(&srv, id, "decision")["due"], "2025-10-09");
    assert_eq!(clock(&srv, id, "contact")["due"], "2025-09-23");
    let (_, c) = srv.json("GET", &format!("/api/complaints/{id}"), None);
    assert_eq!(
        (c["state"].as_str(), c["version"].as_i64(), c["due_date"].as_str()),
        (Some("registered"), Some(1), Some("2025-09-23"))
    );

    // Not allowed from here: the error says what is.
    let (s, v) = step(&srv, id, json!({"action": "send_decision", "version": 1}));
    assert_eq!(s, 422, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("allowed: accept → accepted"), "{v}");
    // Decline needs a reason.
    let (s, v) = step(&srv, id, json!({"action": "decline", "version": 1}));
    assert_eq!(s, 422);
    assert!(v["error"]["message"].as_str().unwrap().contains("requires a reason"), "{v}");

    let (s, v) = step(&srv, id, json!({"action": "accept", "version": 1}));
    assert_eq!((s, v["state"].as_str(), v["version"].as_i64()), (200, Some("accepted"), Some(2)));
    // The same step with the old version: 409 and nothing changes.
    let (s, v) = step(&srv, id, json!({"action": "start_investigation", "version": 1}));
    assert_eq!((s, v["error"]["code"].as_str()), (409, Some("conflict")));
    let (_, c) = srv.json("GET", &format!("/api/complaints/{id}"), None);
    assert_eq!((c["state"].as_str(), c["version"].as_i64()), (Some("accepted"), Some(2)));

    let (s, _) = step(&srv, id, json!({"action": "start_investigation", "version": 2}));
    assert_eq!(s, 200);
    // An external appraisal pauses the clocks 2025-09-25..09-29 (5 days): 09-22 + 15 + 5 =
    // Sun 10-12, not a working day (only Sat 10-11 is an adjusted working day) → Mon 10-13.
    let (s, v) = event(&srv, id, json!({"kind": "pause", "version": 3, "on_date": "2025-09-25", "reason": "外部鉴定"}));
    assert_eq!(s, 200, "{v}");
    let (s, _) = event(&srv, id, json!({"kind": "resume", "version": 4, "on_date": "2025-09-30"}));
    assert_eq!(s, 200);
    let d = clock(&srv, id, "decision");
    assert_eq!((d["due"].as_str(), d["paused_days"].as_i64()), (Some("2025-10-13"), Some(5)));
    // A pause needs a reason; a resume needs a pause.
    let (s, _) = event(&srv, id, json!({"kind": "pause", "version": 5, "on_date": "2025-10-01"}));
    assert_eq!(s, 422);
    let (s, _) = event(&srv, id, json!({"kind": "resume", "version": 5}));
    assert_eq!(s, 422);
    // Complex case: the 30-day clock replaces the 15-day one; an extension without a notice to
    // the complainant is refused (reported on the clock), with one it applies.
    let (s, _) = event(&srv, id, json!({"kind": "complex", "version": 5, "on_date": "2025-09-30"}));
    assert_eq!(s, 200);
    // Received 09-22 + 30 = Wed 10-22, + 5 paused days = Mon 10-27.
    assert_eq!(clock(&srv, id, "complex")["due"], "2025-10-27");
    let (s, _) = event(
        &srv,
        id,
        json!({"kind": "extend", "version": 6, "on_date": "2025-10-20", "reason": "需调取双录", "data": {"clock": "complex", "days": 30}}),
    );
    assert_eq!(s, 200);
    let c = clock(&srv, id, "complex");
    assert_eq!(c["due"], "2025-10-27");
    assert!(c["problems"][0].as_str().unwrap().contains("notice"), "{c}");
    let (s, _) = event(
        &srv,
        id,
        json!({"kind": "extend", "version": 7, "on_date": "2025-10-20", "reason": "需调取双录", "data": {"clock": "complex", "days": 30, "notice_recorded": true}}),
    );
    assert_eq!(s, 200);
    // 10-27 + 30 = Wed 2025-11-26.
    assert_eq!(clock(&srv, id, "complex")["extension_days"], 30);
    assert_eq!(clock(&srv, id, "complex")["due"], "2025-11-26");

    for (action, version, state) in
        [("propose_resolution", 8, "resolution_proposed"), ("send_decision", 9, "decision_sent")]
    {
        let (s, v) = step(&srv, id, json!({"action": action, "version": version}));
        assert_eq!((s, v["state"].as_str()), (200, Some(state)), "{v}");
    }
    // Sending the decision met the clock (late: today is past 2025-11-26).
    assert_eq!(clock(&srv, id, "complex")["state"], "met_late");
    let (s, v) = step(&srv, id, json!({"action": "close", "version": 10}));
    assert_eq!((s, v["state"].as_str(), v["due_date"].as_str()), (200, Some("closed"), None));
    // Escalations are events, allowed after a decision.
    let (s, v) = event(
        &srv,
        id,
        json!({"kind": "escalation", "version": 11, "reason": "客户申请调解", "data": {"kind": "mediation"}}),
    );
    assert_eq!(s, 200, "{v}");
    let (_, evs) = srv.json("GET", &format!("/api/complaints/{id}/events"), None);
    let kinds: Vec<&str> = evs["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "transition",
            "transition",
            "pause",
            "resume",
            "complex",
            "extend",
            "extend",
            "transition",
            "transition",
            "transition",
            "escalation"
        ]
    );
    // Every step is in the audit trail, and the chain holds.
    let (_, ch) = srv.json("GET", &format!("/api/complaints/{id}/changes"), None);
    assert!(ch["items"].as_array().unwrap().iter().any(|c| c["action"] == "transition:close"));
    let (ok, out, _) = tousu(&db, &["audit", "verify"]);
    assert!(ok, "{out}");
}

#[test]
fn merging_points_to_the_survivor_and_analysts_cannot_act() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let srv = Server::start(&db, &[]);
    let a = create(&srv, "M-1", "2026-11-02T09:00:00");
    let b = create(&srv, "M-2", "2026-11-03T09:00:00");
    let (s, v) = step(&srv, b, json!({"action": "merge", "version": 1, "target": b}));
    assert_eq!(s, 422, "{v}");
    let (s, v) = step(&srv, b, json!({"action": "merge", "version": 1, "target": 999}));
    assert_eq!(s, 422, "{v}");
    let (s, v) = step(&srv, b, json!({"action": "merge", "version": 1, "target": a, "reason": "重复投诉"}));
    assert_eq!((s, v["state"].as_str(), v["merged_into"].as_i64()), (200, Some("merged"), Some(a)));
    let (_, c) = srv.json("GET", &format!("/api/complaints/{b}"), None);
    assert_eq!(c["text"], "理赔被拒", "the merged complaint keeps its content");
    add_user(&db, "ana", "analyst", None, "analyst-pass-1");
    let t = add_token(&db, "ana");
    let auth = format!("Bearer {t}");
    let (s, _, body) = srv.raw(
        "POST",
        &format!("/api/complaints/{a}/transitions"),
        &[("Authorization", &auth), ("Content-Type", "application/json")],
        br#"{"action": "accept", "version": 1}"#,
    );
    assert_eq!(s, 422, "{}", String::from_utf8_lossy(&body));
    // Queue order by urgency: open complaints with the earliest due date first.
    let (_, v) = srv.json("GET", "/api/complaints?limit=5", None);
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
}

#[test]
fn an_institution_overrides_regimes_and_the_clock_policy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    // Its own internal target, "answer within 5 business days", beside the legal clock.
    std::fs::write(
        config.join("regimes.toml"),
        r#"
[[regime]]
id = "acme"
zh = "本公司内部时限"
en = "ACME internal targets"
kind = "internal"
basis = "公司消保制度"
calendar = "cn"

[[regime.clock]]
id = "answer"
zh = "5个工作日内答复"
en = "Answer within 5 business days"
basis = "公司消保制度第8条"
start = "received"
amount = 5
unit = "business_days"
"#,
    )
    .unwrap();
    std::fs::write(
        config.join("clock-policy.toml"),
        "version = 1\n[default]\nclocks = [\"cn-order-2020-3/decision\", \"acme/answer\"]\n[met_by]\n\"acme/answer\" = [\"state:decision_sent\"]\n",
    )
    .unwrap();
    let srv = Server::start_with_config(&db, &config);
    // Received Thu 2026-09-24. Fri 9-25 to Sun 9-27 is the Mid-Autumn break and Oct 1-7 National
    // Day, so the five business days are Mon 9-28, Tue 9-29, Wed 9-30, Thu 10-8 and Fri 10-9.
    let id = create(&srv, "C-1", "2026-09-24T10:00:00");
    let (_, v) = srv.json("GET", &format!("/api/complaints/{id}/clocks"), None);
    let rules: Vec<&str> = v["clocks"].as_array().unwrap().iter().map(|c| c["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["decision", "answer"]);
    assert_eq!(clock(&srv, id, "answer")["due"], "2026-10-09");
}
