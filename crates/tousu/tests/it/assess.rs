//! Case assessment through the real interfaces (issue #7): the assessment of a refused claim
//! with failing legal checks, the planner, approvals with role checks, concessions and their
//! totals, the reply checker, and `tousu assess` on the command line.

use crate::support::*;
use serde_json::{Value, json};

/// A claim refused for non-disclosure on a policy more than two years old (保险法第十六条),
/// decided 49 days after the request (第二十三条) with the notice 10 days later (第二十四条).
pub fn refused_claim(r: &str) -> Value {
    json!({
        "external_ref": r,
        "received_at": "2026-11-20T09:30:00",
        "channel": "hotline",
        "category": "claim_refusal",
        "product_line": "健康险",
        "product": "安康重疾险",
        "text": "我2021年在你们公司投保了安康重疾险，今年确诊癌症住院，申请理赔后你们以未如实告知为由拒赔。当初业务员根本没有问过健康情况！我要求赔付保险金30万元，否则就向12378投诉。你们到底讲不讲道理",
        "demands": [{"kind": "claim_payment", "amount": {"amount": "300000.00", "currency": "CNY"}}],
        "policy": {"number": "P-2021-001", "start_date": "2021-03-01",
                   "sum_insured": {"amount": "300000.00", "currency": "CNY"}},
        "claim": {"amount_claimed": {"amount": "300000.00", "currency": "CNY"}, "decision": "refused",
                  "refusal_ground": "未如实告知", "decision_date": "2026-10-20"},
        "extra": {"理赔申请日": "2026-09-01", "拒赔通知日期": "2026-10-30"}
    })
}

fn create(srv: &Server, body: &Value) -> i64 {
    let (s, v) = srv.json("POST", "/api/complaints", Some(body));
    assert_eq!(s, 201, "{v}");
    v["complaint"]["id"].as_i64().unwrap()
}

fn check<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["legal"]["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

/// A request with a bearer token of `user`.
fn as_user(srv: &Server, token: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let b = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
    let auth = format!("Bearer {token}");
    let (s, _, body) = srv.raw(method, path, &[("Authorization", &auth), ("Content-Type", "application/json")], &b);
    (s, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn cny(yuan: i64) -> Value {
    json!({"amount": format!("{yuan}.00"), "currency": "CNY"})
}

#[test]
fn assessment_of_a_refused_claim_with_failing_legal_checks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let srv = Server::start(&db, &[]);
    let id = create(&srv, &refused_claim("AS-1"));
    let (s, v) = srv.json("GET", &format!("/api/complaints/{id}/assessment"), None);
    assert_eq!(s, 200, "{v}");
    let a = &v["assessment"];
    // Art. 16: contract formed 2021-03-01, incontestable from 2023-03-01; refused 2026-10-20.
    let c16 = check(a, "non_disclosure_incontestable");
    assert_eq!(c16["status"], "fail", "{c16}");
    assert!(
        c16["used"].as_array().unwrap().iter().any(|u| u["field"] == "policy.start_date" && u["value"] == "2021-03-01")
    );
    assert!(c16["article"]["zh"].as_str().unwrap().contains("第十六条"));
    // Art. 23: request 09-01 + 30 days = 10-01, a holiday → first working day after the
    // National Day break; the decision on 10-20 is later either way.
    assert_eq!(check(a, "decision_timely")["status"], "fail");
    // Art. 24: notice 10-30, more than 3 days after the decision.
    assert_eq!(check(a, "refusal_notice_timely")["status"], "fail");
    assert_eq!(a["legally_vulnerable"], true);
    let (before, grade) = (a["grade_before_legal"].as_str().unwrap(), a["grade"].as_str().unwrap());
    let order = ["low", "medium", "high", "critical"];
    let pos = |g: &str| order.iter().position(|x| *x == g).unwrap();
    assert_eq!(pos(grade), (pos(before) + 1).min(3), "the failed check raises the grade one level");
    assert!(a["reasons"][0]["zh"].as_str().unwrap().contains("法律上站不住"), "{}", a["reasons"]);
    // Five dimensions, each with a score; findings carry evidence.
    let dims = a["dimensions"]["dimensions"].as_array().unwrap();
    assert_eq!(dims.len(), 5);
    let content = dims.iter().find(|d| d["dimension"] == "content").unwrap();
    assert!(content["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "content.refusal"));
    let env = dims.iter().find(|d| d["dimension"] == "environment").unwrap();
    let threat = env["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "environment.regulator_threat");
    assert!(threat.is_some_and(|f| !f["evidence"][0]["spans"].as_array().unwrap().is_empty()), "{env}");
    // Playbook with scripts in both languages.
    let p = &a["playbook"];
    assert_eq!(a["scenario"], "refusal_not_accepted");
    assert!(!p["strategies"].as_array().unwrap().is_empty());
    assert!(p["scripts"]["labels"][0]["text"]["zh"].as_str().unwrap().contains("听起来"));
    assert!(p["scripts"]["mirror"]["phrase"].as_str().is_some_and(|m| !m.is_empty()), "{}", p["scripts"]);
    assert!(!p["scripts"]["questions"].as_array().unwrap().is_empty());
    assert!(!p["scripts"]["accusation_audit"].as_array().unwrap().is_empty());
    // The grade is stored: the queue by risk lists it, unknown complaints are 404.
    let (s, _) = srv.json("GET", "/api/complaints/9999/assessment", None);
    assert_eq!(s, 404);

    // The CLI says the same.
    drop(srv);
    let (ok, out, err) = tousu(&db, &["assess", &id.to_string()]);
    assert!(ok, "{err}");
    for want in ["FAIL", "《保险法》第十六条", "Five dimensions", "Playbook", "label", "mirror", grade] {
        assert!(out.contains(want), "no {want:?} in\n{out}");
    }
    let (ok, out, _) = tousu(&db, &["assess", &id.to_string(), "--json"]);
    assert!(ok);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["assessment"]["legally_vulnerable"], true);
    let (ok, out, _) =
        tousu(&db, &["plan", &id.to_string(), "--entitlement", "20000", "--goodwill", "10000", "--demand", "50000"]);
    assert!(ok);
    for want in ["¥26,500.00", "¥28,500.00", "¥29,500.00", "¥29,973.00", "needs approval"] {
        assert!(out.contains(want), "no {want:?} in\n{out}");
    }
    let (ok, out, _) = tousu(&db, &["reassess", "--all"]);
    assert!(ok && out.contains("assessed 1 complaints"), "{out}");
    let (ok, _, _) = tousu(&db, &["assess", "424242"]);
    assert!(!ok);
}

#[test]
fn planner_approvals_and_concessions_with_roles() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    add_user(&db, "h1", "handler", Some("A"), "handler-pass-1");
    add_user(&db, "boss", "supervisor", Some("A"), "super-pass-1");
    add_user(&db, "other", "supervisor", Some("B"), "super-pass-2");
    add_user(&db, "ana", "analyst", None, "analyst-pass-1");
    let (h, boss, other, ana) =
        (add_token(&db, "h1"), add_token(&db, "boss"), add_token(&db, "other"), add_token(&db, "ana"));
    let srv = Server::start(&db, &[]);
    let id = create(&srv, &refused_claim("AS-2"));
    let base = format!("/api/complaints/{id}");

    // The planner: DOMAIN.md §6's worked example.
    let plan_body = json!({"entitlement": cny(20_000), "goodwill_max": cny(10_000), "demand": cny(50_000)});
    let (s, v) = srv.json("POST", &format!("{base}/negotiation"), Some(&plan_body));
    assert_eq!(s, 201, "{v}");
    let totals: Vec<&str> =
        v["plan"]["offers"].as_array().unwrap().iter().map(|o| o["total"]["amount"].as_str().unwrap()).collect();
    assert_eq!(totals, ["26500.00", "28500.00", "29500.00", "29973.00"]);
    assert_eq!(v["plan"]["needs_approval"], true);
    let plan_id = v["plan_id"].as_i64().unwrap();
    // Without a demand the complaint's own (¥300,000) is used; bad money is 422.
    let (s, v) = srv.json(
        "POST",
        &format!("{base}/negotiation"),
        Some(&json!({"entitlement": cny(0), "goodwill_max": cny(1000), "save": false})),
    );
    assert_eq!((s, v["input"]["demand"]["amount"].as_str()), (200, Some("300000.00")), "{v}");
    let (s, v) = srv.json("POST", &format!("{base}/negotiation"), Some(&json!({"entitlement": "lots"})));
    assert_eq!((s, v["error"]["code"].as_str()), (422, Some("validation_failed")));
    // An analyst may not save a plan.
    let (s, v) = as_user(&srv, &ana, "POST", &format!("{base}/negotiation"), Some(&plan_body));
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("forbidden")), "{v}");

    // Goodwill above the authority (¥5,000) needs an approval.
    let gw = json!({"kind": "goodwill", "amount": cny(9_973), "description": "最终通融"});
    let (s, v) = srv.json("POST", &format!("{base}/concessions"), Some(&gw));
    assert_eq!((s, v["error"]["code"].as_str()), (422, Some("approval_required")), "{v}");

    // The admin asks on a case of no team: team-scoped users do not see it, and nobody
    // decides their own request.
    let (s, ap) = as_user(&srv, &boss, "GET", &format!("{base}/approvals"), None);
    assert_eq!(s, 404, "a team supervisor does not see a case outside the team: {ap}");
    let (s, ap) = srv.json(
        "POST",
        &format!("{base}/approvals"),
        Some(&json!({"plan_id": plan_id, "reason": "客户接受最终报价"})),
    );
    assert_eq!(s, 201, "{ap}");
    assert_eq!((ap["status"].as_str(), ap["goodwill"]["amount"].as_str()), (Some("pending"), Some("9973.00")));
    let aid = ap["id"].as_i64().unwrap();
    let decide = format!("{base}/approvals/{aid}");
    let (s, v) = as_user(&srv, &h, "POST", &decide, Some(&json!({"decision": "grant"})));
    assert_eq!(s, 404, "a handler outside the team does not see the case: {v}");
    let (s, v) = as_user(&srv, &other, "POST", &decide, Some(&json!({"decision": "grant"})));
    assert_eq!(s, 404, "another team's supervisor does not see the case: {v}");
    let (s, v) = srv.json("POST", &decide, Some(&json!({"decision": "grant"})));
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("forbidden")), "nobody approves their own request: {v}");
    let (s, v) = srv.json("POST", &decide, Some(&json!({"decision": "maybe"})));
    assert_eq!(s, 422, "{v}");
    let (s, pending) = as_user(&srv, &h, "GET", "/api/approvals", None);
    assert_eq!(s, 403, "{pending}");
    let (s, pending) = srv.json("GET", "/api/approvals", None);
    assert_eq!((s, pending["items"].as_array().map(Vec::len)), (200, Some(1)));

    // A case of team A: its handler asks, a handler cannot decide, the other team's
    // supervisor does not see it, team A's supervisor grants it.
    let id2 = create(&srv, &refused_claim("AS-3"));
    let base2 = format!("/api/complaints/{id2}");
    assign_team(&db, id2, "A");
    let (s, ap2) = as_user(
        &srv,
        &h,
        "POST",
        &format!("{base2}/approvals"),
        Some(&json!({"total": cny(29_973), "goodwill": cny(9_973)})),
    );
    assert_eq!(s, 201, "{ap2}");
    let aid2 = ap2["id"].as_i64().unwrap();
    let decide2 = format!("{base2}/approvals/{aid2}");
    let (s, v) = as_user(&srv, &h, "POST", &decide2, Some(&json!({"decision": "grant"})));
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("forbidden")), "a handler cannot approve: {v}");
    let (s, v) = as_user(&srv, &other, "POST", &decide2, Some(&json!({"decision": "grant"})));
    assert_eq!(s, 404, "{v}");
    let (s, pending) = as_user(&srv, &boss, "GET", "/api/approvals", None);
    assert_eq!((s, pending["items"].as_array().map(Vec::len)), (200, Some(1)), "{pending}");
    let (s, v) =
        as_user(&srv, &boss, "POST", &decide2, Some(&json!({"decision": "grant", "note": "同意，一次性解决"})));
    assert_eq!((s, v["status"].as_str(), v["decided_by"].as_str()), (200, Some("granted"), Some("boss")), "{v}");
    let (s, v) = as_user(&srv, &boss, "POST", &decide2, Some(&json!({"decision": "deny"})));
    assert_eq!((s, v["error"]["code"].as_str()), (409, Some("conflict")));

    // Concessions: the goodwill with the granted approval; the entitlement; more goodwill
    // beyond the approved amount is refused; totals per kind.
    let c2 = format!("{base2}/concessions");
    let (s, v) = as_user(
        &srv,
        &h,
        "POST",
        &c2,
        Some(&json!({"kind": "goodwill", "amount": cny(9_973), "description": "通融", "approval_id": aid2})),
    );
    assert_eq!(s, 201, "{v}");
    let (s, v) = as_user(
        &srv,
        &h,
        "POST",
        &c2,
        Some(&json!({"kind": "entitlement", "amount": cny(20_000), "description": "保险金"})),
    );
    assert_eq!(s, 201, "{v}");
    let (s, v) =
        as_user(&srv, &h, "POST", &c2, Some(&json!({"kind": "goodwill", "amount": cny(100), "approval_id": aid2})));
    assert_eq!((s, v["error"]["code"].as_str()), (422, Some("approval_required")), "{v}");
    let (s, v) = as_user(&srv, &h, "POST", &c2, Some(&json!({"kind": "bribe", "amount": cny(1)})));
    assert_eq!((s, v["error"]["code"].as_str()), (422, Some("validation_failed")));
    let (s, v) = as_user(&srv, &ana, "POST", &c2, Some(&json!({"kind": "entitlement", "amount": cny(1)})));
    assert_eq!(s, 403, "{v}");
    let (s, v) = srv.json("GET", &c2, None);
    assert_eq!(s, 200);
    let totals: Vec<(String, String)> = v["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["kind"].as_str().unwrap().to_string(), t["total"]["amount"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(totals, [("entitlement".to_string(), "20000.00".to_string()), ("goodwill".into(), "9973.00".into())]);
    assert_eq!(v["person_totals"].as_array().unwrap().len(), 2, "{v}");
    // Everything is in the audit trail, and the chain holds.
    let (_, ch) = srv.json("GET", &format!("{base2}/changes"), None);
    let actions: Vec<&str> = ch["items"].as_array().unwrap().iter().map(|c| c["action"].as_str().unwrap()).collect();
    for want in ["approval_request", "approval_granted", "concession"] {
        assert!(actions.contains(&want), "{want} not in {actions:?}");
    }
    let (ok, out, _) = tousu(&db, &["audit", "verify"]);
    assert!(ok, "{out}");
}

/// Put a complaint in a team (the supervisors' assignment, through the store).
fn assign_team(db: &std::path::Path, id: i64, team: &str) {
    use tousu_store::Store;
    let s = tousu_store::sqlite::SqliteStore::open(db).unwrap();
    s.assign(tousu_store::ComplaintId(id), None, Some(team), "test").unwrap();
}

#[test]
fn reply_check_flags_taboos_with_rewrites() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let srv = Server::start(&db, &[]);
    let draft = "您好，为什么您当初不如实告知？这是您自己的责任。本公司不予理赔。";
    let (s, v) = srv.json("POST", "/api/reply-check", Some(&json!({"text": draft})));
    assert_eq!(s, 200, "{v}");
    let kinds: Vec<&str> = v["flags"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    for k in ["why_question", "blame", "absolute_refusal", "missing_escalation"] {
        assert!(kinds.contains(&k), "{k} not in {kinds:?}");
    }
    assert!(v["flags"][0]["rewrite"]["zh"].as_str().is_some_and(|r| !r.is_empty()));
    assert_eq!(v["clean"], false);
    let good = "根据保险条款第五条，本次申请不属于保险责任。如您有异议，可申请复核或向调解组织申请调解。";
    let (_, v) = srv.json("POST", "/api/reply-check", Some(&json!({"text": good})));
    assert_eq!(v["clean"], true, "{v}");
    let (s, v) = srv.json("POST", "/api/reply-check", Some(&json!({"draft": 1})));
    assert_eq!((s, v["error"]["code"].as_str()), (422, Some("validation_failed")));
    // The CLI from standard input.
    let mut child = std::process::Command::new(bin())
        .args(["check-reply", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), draft.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("why_question"));
}
