//! One behavioural story, written against `&dyn Store`, so that every backend runs the same.

use chrono::NaiveDate;
use tousu_core::Role;
use tousu_core::{Channel, Complaint};
use tousu_store::{
    Backend, ComplaintFilter, ImportBatch, NewUser, PreparedComplaint, RowError, Severity, StatDim, Store,
    UpsertOutcome, sqlite::SqliteStore,
};

fn complaint(r: &str, day: u32, channel: Channel, text: &str) -> Complaint {
    let at = NaiveDate::from_ymd_opt(2025, 3, day).unwrap().and_hms_opt(10, 0, 0).unwrap();
    let mut c = Complaint::new("test", r, at, channel, text);
    c.product = Some(if day.is_multiple_of(2) { "安康重疾险" } else { "信用卡" }.to_string());
    c
}

fn accounts(store: &dyn Backend) {
    let new = NewUser {
        username: "li".into(),
        display_name: "李处理".into(),
        password_hash: "$argon2id$fake".into(),
        role: Role::Handler,
        team: Some("A".into()),
        lang: "zh-CN".into(),
    };
    let u = store.create_user(&new).unwrap();
    assert!(store.create_user(&new).is_err(), "usernames are unique");
    assert_eq!(store.user_by_name("li").unwrap().unwrap().password_hash, "$argon2id$fake");
    store.set_user_lang(u.id, "en").unwrap();
    assert_eq!(store.user(u.id).unwrap().unwrap().lang, "en");
    store.create_session("h1", u.id, "csrf1", "2999-01-01T00:00:00Z").unwrap();
    store.create_session("h2", u.id, "csrf2", "2000-01-01T00:00:00Z").unwrap();
    let (su, csrf) = store.session("h1", "2026-01-01T00:00:00Z").unwrap().unwrap();
    assert_eq!((su.username.as_str(), csrf.as_str()), ("li", "csrf1"));
    assert!(store.session("h2", "2026-01-01T00:00:00Z").unwrap().is_none(), "expired sessions are dead");
    store.delete_session("h1").unwrap();
    assert!(store.session("h1", "2026-01-01T00:00:00Z").unwrap().is_none());
    store.create_api_token("t1", u.id, "crm").unwrap();
    assert_eq!(store.api_token_user("t1").unwrap().unwrap().id, u.id);
    assert!(store.api_token_user("t2").unwrap().is_none());

    let s = store.as_store();
    let (id, _) = s.upsert(&complaint("U1", 20, Channel::Letter, "掩码测试"), "tester").unwrap();
    store.log_unmask(u.id, id, "resident_id", "客户来电核实身份").unwrap();
    let log = store.unmask_log(id).unwrap();
    assert_eq!((log[0].username.as_str(), log[0].reason.as_str()), ("li", "客户来电核实身份"));
    s.assign(id, Some("li"), Some("A"), "boss").unwrap();
    let got = s.get(id).unwrap().unwrap();
    assert_eq!((got.assignee.as_deref(), got.team.as_deref()), (Some("li"), Some("A")));
    let f = ComplaintFilter { assignee: Some("li".into()), ..Default::default() };
    assert_eq!(s.count(&f).unwrap(), 1);
    assert_eq!(s.changes(id).unwrap().iter().filter(|c| c.actor == "boss" && c.action == "assign").count(), 2);
    assert_eq!(got.version, 2, "an assignment is a change");
    // The whole trail chains.
    let report = s.audit_verify().unwrap();
    assert!(report.first_broken.is_none(), "{report:?}");
    assert!(report.rows >= 6, "{report:?}");
}

fn lifecycle(store: &dyn Store) {
    use tousu_store::{ComplaintId, NewEvent, StateChange};
    let (id, _) = store.upsert(&complaint("L1", 25, Channel::Hotline, "生命周期"), "tester").unwrap();
    let v = store.get(id).unwrap().unwrap();
    assert_eq!((v.state.as_str(), v.version), ("registered", 1));
    let accept = StateChange { action: "accept".into(), to: "accepted".into(), reason: None, merged_into: None };
    let v2 = store.transition(id, 1, &accept, "li").unwrap();
    assert_eq!(v2, 2);
    // A stale version changes nothing.
    let stale = store.transition(id, 1, &accept, "li");
    assert!(matches!(stale, Err(tousu_store::Error::Conflict(_))), "{stale:?}");
    let now = store.get(id).unwrap().unwrap();
    assert_eq!((now.state.as_str(), now.version), ("accepted", 2));
    let pause = NewEvent {
        kind: "pause".into(),
        on_date: "2025-03-26".into(),
        reason: Some("外部鉴定".into()),
        data: serde_json::json!({"clock": "decision"}),
    };
    assert!(matches!(store.add_event(id, 1, &pause, "li"), Err(tousu_store::Error::Conflict(_))));
    assert_eq!(store.add_event(id, 2, &pause, "li").unwrap(), 3);
    let evs = store.events(id).unwrap();
    assert_eq!(evs[0].kind, "transition");
    assert_eq!(evs[0].data["to"], "accepted");
    assert_eq!((evs.len(), evs[1].kind.as_str(), evs[1].reason.as_deref()), (2, "pause", Some("外部鉴定")));
    let trail = store.changes(id).unwrap();
    assert_eq!(
        trail.iter().map(|c| c.action.as_str()).collect::<Vec<_>>(),
        ["create", "transition:accept", "event:pause"]
    );
    // Merge keeps the merged complaint and points to the survivor.
    let (other, _) = store.upsert(&complaint("L2", 26, Channel::Hotline, "重复投诉"), "tester").unwrap();
    let merge =
        StateChange {
            action: "merge".into(), to: "merged".into(), reason: Some("重复".into()), merged_into: Some(id)
        };
    store.transition(other, 1, &merge, "boss").unwrap();
    let merged = store.get(other).unwrap().unwrap();
    assert_eq!((merged.state.as_str(), merged.merged_into), ("merged", Some(id)));
    // Derived due dates and the urgency order.
    store.set_due_dates(&[(id, Some("2025-04-09".into())), (ComplaintId(1), Some("2025-03-20".into()))]).unwrap();
    let urgent = ComplaintFilter { urgent_first: true, ..Default::default() };
    let p = store.list(&urgent, None, 1).unwrap();
    assert_eq!(p.items[0].id, ComplaintId(1));
    let p2 = store.list(&urgent, p.next_cursor.as_deref(), 5).unwrap();
    assert_eq!(p2.items.iter().map(|s| s.id).collect::<Vec<_>>(), [id]);
    let overdue = ComplaintFilter { due_by: Some("2025-03-31".into()), ..Default::default() };
    assert_eq!(store.count(&overdue).unwrap(), 1);
    assert_eq!(store.count(&urgent).unwrap(), 2);
    // Moving a due date moves its count.
    store.set_due_dates(&[(ComplaintId(1), Some("2025-04-20".into()))]).unwrap();
    assert_eq!(store.count(&overdue).unwrap(), 0);
    store.set_due_dates(&[(ComplaintId(1), None)]).unwrap();
    assert_eq!(store.count(&urgent).unwrap(), 1);
    store.set_due_dates(&[(ComplaintId(1), Some("2025-03-20".into()))]).unwrap();
    let open = ComplaintFilter { open_states: Some(vec!["accepted".into()]), ..Default::default() };
    assert_eq!(store.count(&open).unwrap(), 1);
    let merged = ComplaintFilter { state: Some("merged".into()), ..Default::default() };
    assert_eq!(store.count(&merged).unwrap(), 1);
    let registered = ComplaintFilter { state: Some("registered".into()), ..Default::default() };
    assert_eq!(store.count(&registered).unwrap(), 12, "R1-R11 and U1; not the accepted or the merged one");
    assert_eq!(store.list(&registered, None, 100).unwrap().items.len(), 12, "the count agrees with the rows");
    let inputs = store.clock_inputs(&["accepted".into(), "registered".into()], false, 0, 100).unwrap();
    assert!(
        inputs.iter().any(
            |(s, e)| s.id == id && e.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>() == ["transition", "pause"]
        )
    );
    let missing = store.clock_inputs(&["accepted".into(), "registered".into()], true, 0, 100).unwrap();
    assert!(!missing.iter().any(|(s, _)| s.id == id || s.id == ComplaintId(1)));
    assert!(!inputs.iter().any(|(s, _)| s.id == other), "merged complaints are not open");
    assert!(store.audit_verify().unwrap().first_broken.is_none());
}

fn story(store: &dyn Store) {
    // Create, then the same again: unchanged; then a change: updated and recorded.
    let c1 = complaint("R1", 1, Channel::Hotline, "理赔被拒，要求赔付");
    let (id, o) = store.upsert(&c1, "tester").unwrap();
    assert_eq!(o, UpsertOutcome::Created);
    assert_eq!(store.upsert(&c1, "tester").unwrap(), (id, UpsertOutcome::Unchanged));
    let mut c1b = c1.clone();
    c1b.channel = Channel::RegulatorReferral;
    assert_eq!(store.upsert(&c1b, "tester").unwrap(), (id, UpsertOutcome::Updated));
    let got = store.get(id).unwrap().unwrap();
    assert_eq!(got.complaint, c1b);
    assert_eq!(got.version, 2);
    let ch = store.changes(id).unwrap();
    assert_eq!(ch.len(), 2);
    assert_eq!((ch[0].action.as_str(), ch[0].field.as_deref()), ("create", None));
    assert_eq!((ch[1].action.as_str(), ch[1].field.as_deref()), ("update", Some("channel")));
    assert_eq!(ch[1].before.as_deref(), Some("hotline"));
    assert_eq!(ch[1].after.as_deref(), Some("regulator_referral"));
    assert_eq!(ch[1].actor, "tester");

    // An import in two batches, then a resume of the same fingerprint continues the run.
    let run = store.begin_import("file.csv", "fp-1", "tousu").unwrap();
    assert_eq!(run.rows_done, 0);
    let batch = ImportBatch {
        complaints: (2..=11)
            .map(|d| {
                PreparedComplaint::new(complaint(&format!("R{d}"), d, Channel::Online, &format!("第{d}号投诉 Refund")))
                    .unwrap()
            })
            .collect(),
        errors: vec![RowError {
            file: "file.csv".into(),
            row: 13,
            column: Some("received_at".into()),
            value: Some("2025-02-30".into()),
            reason: "no such day".into(),
            severity: Severity::Error,
        }],
        read: 11,
        rejected: 1,
        rows_done: 11,
    };
    let counts = store.commit_batch(run.id, &batch).unwrap();
    assert_eq!((counts.created, counts.rejected, counts.read), (10, 1, 11));
    // The batch's creations are one audit row, and each complaint's history shows its creation.
    for r in ["R2", "R5", "R11"] {
        let got = store.find_by_ref("test", r).unwrap().unwrap();
        let ch = store.changes(got.id).unwrap();
        assert_eq!(ch.len(), 1, "{r}: {ch:?}");
        assert_eq!((ch[0].action.as_str(), ch[0].import_run_id), ("create", Some(run.id)));
        assert_eq!(ch[0].reason.as_deref(), Some("10 complaints created"));
    }
    let resumed = store.begin_import("file.csv", "fp-1", "tousu").unwrap();
    assert_eq!(resumed.id, run.id);
    assert_eq!(resumed.rows_done, 11);
    let second = ImportBatch {
        complaints: vec![PreparedComplaint::new(complaint("R2", 2, Channel::Online, "第2号投诉 Refund")).unwrap()],
        read: 1,
        rows_done: 12,
        ..Default::default()
    };
    let c2 = store.commit_batch(run.id, &second).unwrap();
    assert_eq!(c2.unchanged, 1);
    let done = store.finish_import(run.id).unwrap();
    assert_eq!(done.status, "finished");
    assert_eq!((done.counts.read, done.counts.created, done.counts.unchanged, done.counts.rejected), (12, 10, 1, 1));
    assert!(store.commit_batch(run.id, &second).is_err(), "a finished run takes no more batches");
    let errs = store.import_errors(run.id).unwrap();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].row, 13);
    // A new import of the same file after finishing starts a new run.
    assert_ne!(store.begin_import("file.csv", "fp-1", "tousu").unwrap().id, run.id);

    // Listing: newest first, cursor pages cover everything exactly once.
    let all = ComplaintFilter::default();
    assert_eq!(store.count(&all).unwrap(), 11);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = store.list(&all, cursor.as_deref(), 4).unwrap();
        seen.extend(page.items.iter().map(|s| s.complaint.external_ref.clone()));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 11);
    assert_eq!(seen[0], "R11");
    assert_eq!(seen[10], "R1");
    assert!(store.list(&all, Some("garbage"), 4).is_err());

    // Filters.
    let f = ComplaintFilter { channel: Some(Channel::Online), ..Default::default() };
    assert_eq!(store.count(&f).unwrap(), 10);
    let f = ComplaintFilter { product: Some("信用卡".into()), ..Default::default() };
    assert_eq!(store.count(&f).unwrap(), 6);
    let f = ComplaintFilter {
        received_from: NaiveDate::from_ymd_opt(2025, 3, 3),
        received_to: NaiveDate::from_ymd_opt(2025, 3, 5),
        ..Default::default()
    };
    assert_eq!(store.count(&f).unwrap(), 3);
    let f = ComplaintFilter { text_contains: Some("refund".into()), ..Default::default() };
    assert_eq!(store.count(&f).unwrap(), 10);
    let f = ComplaintFilter { text_contains: Some("100%_".into()), ..Default::default() };
    assert_eq!(store.count(&f).unwrap(), 0);
    assert!(store.find_by_ref("test", "R5").unwrap().is_some());
    assert!(store.find_by_ref("other", "R5").unwrap().is_none());
    // Oldest first walks the other way.
    let oldest = ComplaintFilter { oldest_first: true, ..Default::default() };
    let p = store.list(&oldest, None, 2).unwrap();
    assert_eq!(p.items[0].complaint.external_ref, "R1");
    let p2 = store.list(&oldest, p.next_cursor.as_deref(), 2).unwrap();
    assert_eq!(p2.items[0].complaint.external_ref, "R3");

    // Daily statistics follow every write: R1 moved from hotline to regulator_referral.
    let ch = store.daily_counts(StatDim::Channel, "2025-03-01", "2025-03-31").unwrap();
    let get = |day: &str, v: &str| ch.iter().find(|d| d.day == day && d.value == v).map(|d| d.n);
    assert_eq!(get("2025-03-01", "hotline"), None);
    assert_eq!(get("2025-03-01", "regulator_referral"), Some(1));
    assert_eq!(get("2025-03-04", "online"), Some(1));
    let all = store.daily_counts(StatDim::All, "2025-03-01", "2025-03-31").unwrap();
    assert_eq!(all.iter().map(|d| d.n).sum::<u64>(), 11);
    let prod = store.daily_counts(StatDim::Product, "2025-03-01", "2025-03-31").unwrap();
    assert_eq!(prod.iter().filter(|d| d.value == "信用卡").map(|d| d.n).sum::<u64>(), 6);
}

#[test]
fn sqlite_story() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("sub/dir/tousu.db")).unwrap();
    story(&store);
    accounts(&store);
    lifecycle(&store);
    assert_eq!(store.schema_version().unwrap(), 10);
    // Re-opening applies no migration twice and keeps the data.
    drop(store);
    let again = SqliteStore::open(dir.path().join("sub/dir/tousu.db")).unwrap();
    assert_eq!(again.count(&ComplaintFilter::default()).unwrap(), 14);
}
