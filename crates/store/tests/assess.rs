//! The assessment store (issue #7), written against `&dyn Backend`: grades and the risk order,
//! staleness, plans, approvals and concessions, all in the audit trail.

use chrono::NaiveDate;
use tousu_core::{Channel, Complaint, Money};
use tousu_store::{
    ApprovalStatus, AssessmentSummary, Backend, ComplaintFilter, ComplaintId, NewApproval, NewConcession, StatDim,
    sqlite::SqliteStore,
};

fn complaint(r: &str, day: u32) -> Complaint {
    let at = NaiveDate::from_ymd_opt(2025, 3, day).unwrap().and_hms_opt(10, 0, 0).unwrap();
    Complaint::new("test", r, at, Channel::Hotline, "理赔被拒")
}

fn summary(id: ComplaintId, grade: &str) -> AssessmentSummary {
    AssessmentSummary { id, grade: grade.into(), summary: serde_json::json!({"grade": grade}) }
}

#[test]
fn assessments_plans_approvals_and_concessions() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("a.db")).unwrap();
    let db: &dyn Backend = &store;
    let ids: Vec<ComplaintId> = (1..=5).map(|d| db.upsert(&complaint(&format!("A{d}"), d), "t").unwrap().0).collect();

    // Nothing assessed yet: every complaint is stale, none has a grade.
    assert_eq!(db.assessment_inputs(true, 0, 100).unwrap().len(), 5);
    assert!(db.assessment(ids[0]).unwrap().is_none());
    let grades = ["low", "critical", "medium", "high", "critical"];
    let items: Vec<_> = ids.iter().zip(grades).map(|(id, g)| summary(*id, g)).collect();
    db.save_assessments(&items).unwrap();
    assert!(db.assessment_inputs(true, 0, 100).unwrap().is_empty());
    let a = db.assessment(ids[1]).unwrap().unwrap();
    assert_eq!((a.grade.as_str(), a.current), ("critical", true));
    // The daily grade counts follow, also when a grade changes.
    db.save_assessments(&[summary(ids[0], "high")]).unwrap();
    let mix = db.dim_values(StatDim::Grade, 10).unwrap();
    assert_eq!(mix, vec![("critical".into(), 2), ("high".into(), 2), ("medium".into(), 1)]);
    // A change to the complaint makes its assessment stale.
    db.assign(ids[2], Some("li"), Some("A"), "boss").unwrap();
    let stale = db.assessment_inputs(true, 0, 100).unwrap();
    assert_eq!(stale.iter().map(|(s, _)| s.id).collect::<Vec<_>>(), vec![ids[2]]);
    assert!(!db.assessment(ids[2]).unwrap().unwrap().current);

    // Risk order: critical (newest first), high (newest first), medium; pages by cursor.
    let f = ComplaintFilter::default();
    let p1 = db.list_by_risk(&f, None, 2).unwrap();
    let p2 = db.list_by_risk(&f, p1.next_cursor.as_deref(), 2).unwrap();
    let p3 = db.list_by_risk(&f, p2.next_cursor.as_deref(), 2).unwrap();
    let order: Vec<ComplaintId> = p1.items.iter().chain(&p2.items).chain(&p3.items).map(|s| s.id).collect();
    assert_eq!(order, vec![ids[4], ids[1], ids[3], ids[0], ids[2]]);
    assert!(p3.next_cursor.is_none());
    assert!(db.list_by_risk(&f, Some("junk"), 2).is_err());
    assert_eq!(db.grades(&[ids[0], ids[1]]).unwrap().len(), 2);

    // Plans, approvals, concessions.
    let id = ids[1];
    let plan = db
        .save_plan(id, &serde_json::json!({"entitlement": 1}), &serde_json::json!({"offers": []}), true, "li")
        .unwrap();
    assert_eq!(db.plans(id).unwrap(), vec![plan.clone()]);
    let req = NewApproval {
        plan_id: Some(plan.id),
        total: Money::cny_yuan(29_973),
        goodwill: Money::cny_yuan(9_973),
        reason: "最终报价超出权限".into(),
    };
    assert!(db.request_approval(id, &NewApproval { plan_id: Some(999), ..req.clone() }, "li").is_err());
    let ap = db.request_approval(id, &req, "li").unwrap();
    assert_eq!(ap.status, ApprovalStatus::Pending);
    assert_eq!(db.pending_approvals(None, 10).unwrap().len(), 1);
    assert!(db.pending_approvals(Some("B"), 10).unwrap().is_empty());
    let goodwill = NewConcession {
        kind: "goodwill".into(),
        amount: Money::cny_yuan(9_973),
        description: "通融".into(),
        approval_id: Some(ap.id),
    };
    assert!(db.add_concession(id, &goodwill, "li").is_err(), "not granted yet");
    let granted = db.decide_approval(ap.id, true, Some("同意"), "boss").unwrap();
    assert_eq!((granted.status, granted.decided_by.as_deref()), (ApprovalStatus::Granted, Some("boss")));
    assert!(db.decide_approval(ap.id, false, None, "boss").is_err(), "decided once");
    let too_much = NewConcession { amount: Money::cny_yuan(10_000), ..goodwill.clone() };
    assert!(db.add_concession(id, &too_much, "li").is_err(), "above the approved goodwill");
    db.add_concession(id, &goodwill, "li").unwrap();
    let owed = NewConcession {
        kind: "entitlement".into(),
        amount: Money::cny_yuan(20_000),
        description: "应赔".into(),
        approval_id: None,
    };
    db.add_concession(id, &owed, "li").unwrap();
    db.add_concession(id, &NewConcession { amount: Money::cny_yuan(27), ..goodwill.clone() }, "li").unwrap();
    assert_eq!(db.concessions(id).unwrap().len(), 3);
    let totals = db.person_concession_totals(id).unwrap();
    assert_eq!(
        totals,
        vec![("entitlement".to_string(), Money::cny_yuan(20_000)), ("goodwill".to_string(), Money::cny_yuan(10_000))]
    );
    let actions: Vec<String> = db.changes(id).unwrap().into_iter().map(|c| c.action).collect();
    for a in ["negotiation_plan", "approval_request", "approval_granted", "concession"] {
        assert!(actions.iter().any(|x| x == a), "{a} not in {actions:?}");
    }
    assert!(db.audit_verify().unwrap().first_broken.is_none());
}
