//! Which deadline clocks run on a complaint, from its events: the clock policy
//! (`data/clock-policy.toml`) applied to the regimes (`deadline`) and calendars (`calendar`).
//!
//! Pure: the caller passes the complaint's facts, its events and today's date.

use crate::Error;
use crate::calendar::Calendar;
use crate::deadline::{self, ClockRule, ClockState, ClockStatus, Extension, Pause, Regimes, StartEvent};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;

const BUILTIN_POLICY: &str = include_str!("../data/clock-policy.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockList {
    clocks: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    version: u32,
    default: ClockList,
    #[serde(default)]
    source: BTreeMap<String, ClockList>,
    #[serde(default)]
    complex: BTreeMap<String, String>,
    #[serde(default)]
    met_by: BTreeMap<String, Vec<String>>,
}

/// One thing that happened to a complaint, as the clocks see it.
#[derive(Debug, Clone)]
pub struct ClockEvent<'a> {
    /// `transition` (with `data.to` = the new state), `pause`, `resume`, `extend` (with
    /// `data.clock`, `data.days`, `data.notice_recorded`), `complex`, or a milestone:
    /// `claim_documents_complete`, `claim_decision`, `agreement`, `surrender_notice`, `payment`,
    /// `refund_paid`, `refusal_notice_sent`, `contact`, `response_sent`.
    pub kind: &'a str,
    pub on: NaiveDate,
    pub data: &'a serde_json::Value,
    pub reason: Option<&'a str>,
}

/// The facts of one complaint the clocks need.
#[derive(Debug, Clone)]
pub struct ClockInput<'a> {
    pub source: &'a str,
    pub received: NaiveDate,
    /// Whether the complaint is in an open state.
    pub open: bool,
    /// In the order they were recorded.
    pub events: &'a [ClockEvent<'a>],
    pub today: NaiveDate,
}

/// What meets a clock.
#[derive(Debug, Clone)]
enum Cond {
    /// The complaint entered this state.
    State(String),
    /// This event happened.
    Event(String),
}

/// A clock of the policy with everything looked up once.
#[derive(Debug, Clone)]
struct Prepared {
    rule: ClockRule,
    /// `regime/clock`.
    key: String,
    met: Vec<Cond>,
    calendar: usize,
    /// The clock that replaces this one in complex cases.
    complex: Option<Box<Prepared>>,
}

/// Regimes, calendars and the policy, ready to compute clocks.
#[derive(Debug, Clone)]
pub struct ClockEngine {
    regimes: Regimes,
    default_rules: Vec<Prepared>,
    source_rules: BTreeMap<String, Vec<Prepared>>,
    calendars: Vec<Calendar>,
}

fn err(reason: impl Into<String>) -> Error {
    Error::InvalidData { what: "clock policy".into(), reason: reason.into() }
}

impl ClockEngine {
    /// The shipped regimes, calendars and policy.
    pub fn builtin() -> Result<ClockEngine, Error> {
        Self::new(Regimes::builtin()?, Vec::new(), None)
    }

    /// Build with the builtin regimes merged with `regime_overrides`, extra calendar years and
    /// an optional policy replacing the shipped one.
    pub fn new(
        regimes: Regimes,
        extra_calendars: Vec<Calendar>,
        policy_toml: Option<&str>,
    ) -> Result<ClockEngine, Error> {
        let policy: PolicyFile =
            toml::from_str(policy_toml.unwrap_or(BUILTIN_POLICY)).map_err(|e| err(e.to_string()))?;
        if policy.version != 1 {
            return Err(err(format!("unsupported version {}", policy.version)));
        }
        let mut calendars: Vec<Calendar> = Calendar::builtin_ids().filter_map(Calendar::builtin).collect();
        for c in extra_calendars {
            calendars.retain(|x| x.id() != c.id());
            calendars.push(c);
        }
        let prepare = |key: &str| -> Result<Prepared, Error> {
            let (r, c) = key.split_once('/').ok_or_else(|| err(format!("{key:?} is not regime/clock")))?;
            let rule = regimes.clock(r, c).ok_or_else(|| err(format!("unknown clock {key:?}")))?;
            let calendar = calendars
                .iter()
                .position(|cal| cal.id() == rule.calendar)
                .ok_or_else(|| err(format!("clock {key:?} uses unknown calendar {:?}", rule.calendar)))?;
            let met = policy
                .met_by
                .get(key)
                .map(|conds| {
                    conds
                        .iter()
                        .map(|c| match c.split_once(':') {
                            Some(("state", s)) => Ok(Cond::State(s.to_string())),
                            Some(("event", e)) => Ok(Cond::Event(e.to_string())),
                            _ => Err(err(format!("{c:?} is neither state:… nor event:…"))),
                        })
                        .collect::<Result<Vec<_>, Error>>()
                })
                .transpose()?
                .unwrap_or_default();
            Ok(Prepared { rule: rule.clone(), key: key.to_string(), met, calendar, complex: None })
        };
        let resolve = |list: &[String]| -> Result<Vec<Prepared>, Error> {
            list.iter()
                .map(|key| {
                    let mut p = prepare(key)?;
                    if let Some(to) = policy.complex.get(key) {
                        p.complex = Some(Box::new(prepare(to)?));
                    }
                    Ok(p)
                })
                .collect()
        };
        let default_rules = resolve(&policy.default.clocks)?;
        let mut source_rules = BTreeMap::new();
        for (s, l) in &policy.source {
            source_rules.insert(s.clone(), resolve(&l.clocks)?);
        }
        for (from, to) in &policy.complex {
            prepare(from)?;
            prepare(to)?;
        }
        for key in policy.met_by.keys() {
            // Met-by entries for clocks of regimes that are not shipped are allowed (an
            // institution may add them); entries must still look like regime/clock.
            if !key.contains('/') {
                return Err(err(format!("{key:?} is not regime/clock")));
            }
        }
        Ok(ClockEngine { regimes, default_rules, source_rules, calendars })
    }

    pub fn regimes(&self) -> &Regimes {
        &self.regimes
    }

    /// The clocks of one complaint: those whose start event happened, with their status today.
    pub fn clocks(&self, input: &ClockInput<'_>) -> Vec<ClockStatus> {
        let rules = self.source_rules.get(input.source).unwrap_or(&self.default_rules);
        let events = input.events;
        let complex = events.iter().any(|e| e.kind == "complex");
        let first = |kind: &str| events.iter().find(|e| e.kind == kind).map(|e| e.on);
        let entered = |state: &str| {
            events
                .iter()
                .find(|e| e.kind == "transition" && e.data.get("to").and_then(|v| v.as_str()) == Some(state))
                .map(|e| e.on)
        };
        // When the complaint left the open states, its clocks stop that day.
        let stopped = if input.open {
            None
        } else {
            Some(events.iter().rev().find(|e| e.kind == "transition").map(|e| e.on).unwrap_or(input.today))
        };
        let pauses = if events.iter().any(|e| e.kind == "pause") { pauses_of(events) } else { Vec::new() };
        let any_extension = events.iter().any(|e| e.kind == "extend");
        let mut out = Vec::with_capacity(rules.len());
        for p in rules {
            let p = match (&p.complex, complex) {
                (Some(c), true) => c,
                _ => p,
            };
            let rule = &p.rule;
            let start = match rule.start {
                StartEvent::Received | StartEvent::RegulatorSent => Some(input.received),
                StartEvent::ClaimDocumentsComplete => first("claim_documents_complete"),
                StartEvent::ClaimDecision => events
                    .iter()
                    .find(|e| {
                        e.kind == "claim_decision" && e.data.get("decision").and_then(|v| v.as_str()) == Some("refused")
                    })
                    .map(|e| e.on),
                StartEvent::Agreement => first("agreement"),
                StartEvent::SurrenderNotice => first("surrender_notice"),
            };
            let Some(start) = start else { continue };
            let met = p
                .met
                .iter()
                .filter_map(|c| match c {
                    Cond::State(s) => entered(s),
                    Cond::Event(k) => first(k),
                })
                .min();
            let met_on = match (met, stopped) {
                (Some(m), Some(s)) => Some(m.min(s)),
                (m, s) => m.or(s),
            };
            let extensions: Vec<Extension> = if any_extension {
                events
                    .iter()
                    .filter(|e| e.kind == "extend")
                    .filter(|e| {
                        let c = e.data.get("clock").and_then(|v| v.as_str()).unwrap_or("");
                        c.is_empty() || c == p.key || c == rule.id
                    })
                    .map(|e| Extension {
                        days: e.data.get("days").and_then(|v| v.as_u64()).unwrap_or(0).min(u32::MAX as u64) as u32,
                        reason: e.reason.unwrap_or("").to_string(),
                        notice_recorded: e.data.get("notice_recorded").and_then(|v| v.as_bool()).unwrap_or(false),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let cal = &self.calendars[p.calendar];
            out.push(deadline::compute(rule, start, &pauses, &extensions, cal, input.today, met_on));
        }
        out
    }
}

/// Pauses from `pause` / `resume` events: each resume closes the latest open pause.
fn pauses_of(events: &[ClockEvent<'_>]) -> Vec<Pause> {
    let mut out: Vec<Pause> = Vec::new();
    for e in events {
        match e.kind {
            "pause" => out.push(Pause { from: e.on, to: None }),
            "resume" => {
                if let Some(p) = out.iter_mut().rev().find(|p| p.to.is_none()) {
                    // The pause covers its first day through the day before the resume.
                    p.to = Some(e.on.pred_opt().unwrap_or(e.on).max(p.from));
                }
            }
            _ => {}
        }
    }
    out
}

/// The earliest due date among clocks still running (not met).
pub fn primary_due(clocks: &[ClockStatus]) -> Option<NaiveDate> {
    clocks.iter().filter(|c| !matches!(c.state, ClockState::Met | ClockState::MetLate)).map(|c| c.due).min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ev<'a>(kind: &'a str, on: &str, data: &'a serde_json::Value) -> ClockEvent<'a> {
        ClockEvent { kind, on: d(on), data, reason: Some("理由") }
    }

    #[test]
    fn a_plain_complaint_runs_the_decision_and_contact_clocks() {
        let e = ClockEngine::builtin().unwrap();
        // Received Mon 2025-09-22. Decision: +15 calendar days = Tue 2025-10-07, inside the
        // National Day holiday (Oct 1–8) → rolls to Thu 2025-10-09 (Oct 9 is a working day).
        // Contact: 1 business day after Mon 09-22 = Tue 2025-09-23.
        let c = e.clocks(&ClockInput {
            source: "import",
            received: d("2025-09-22"),
            open: true,
            events: &[],
            today: d("2025-09-22"),
        });
        let ids: Vec<_> = c.iter().map(|s| (s.rule.as_str(), s.due.to_string())).collect();
        assert_eq!(ids, [("decision", "2025-10-09".to_string()), ("contact", "2025-09-23".to_string())]);
        assert_eq!(primary_due(&c), Some(d("2025-09-23")));
    }

    #[test]
    fn events_meet_start_and_stop_clocks() {
        let e = ClockEngine::builtin().unwrap();
        let sent = json!({"to": "decision_sent"});
        let accepted = json!({"to": "accepted"});
        let refused = json!({"decision": "refused"});
        let none = json!({});
        let events = [
            ev("transition", "2025-03-03", &accepted),
            ev("claim_decision", "2025-03-04", &refused),
            ev("refusal_notice_sent", "2025-03-10", &none),
            ev("transition", "2025-03-12", &sent),
        ];
        let c = e.clocks(&ClockInput {
            source: "import",
            received: d("2025-03-01"),
            open: true,
            events: &events,
            today: d("2025-03-20"),
        });
        let get = |id: &str| c.iter().find(|s| s.rule == id).unwrap();
        // Decision: received Sat 03-01 + 15 = Sun 03-16 → rolls to Mon 03-17; met 03-12.
        assert_eq!(get("decision").due, d("2025-03-17"));
        assert_eq!(get("decision").state, ClockState::Met);
        // Contact met by the acceptance on 03-03 (due Mon 03-03: first business day after Sat 03-01).
        assert_eq!(get("contact").state, ClockState::Met);
        // Refusal notice: decision Tue 03-04 + 3 = Fri 03-07; sent 03-10 → late.
        assert_eq!(get("refusal-notice").due, d("2025-03-07"));
        assert_eq!(get("refusal-notice").state, ClockState::MetLate);
        assert!(c.iter().all(|s| s.rule != "claim-decision"), "no claim documents event, no clock");
        assert_eq!(primary_due(&c), None);
    }

    #[test]
    fn complex_cases_pauses_and_withdrawal() {
        let e = ClockEngine::builtin().unwrap();
        let none = json!({});
        let ext = json!({"clock": "complex", "days": 30, "notice_recorded": true});
        let withdrawn = json!({"to": "withdrawn"});
        let events = [
            ev("complex", "2026-01-05", &none),
            ev("pause", "2026-01-10", &none),
            ev("resume", "2026-01-20", &none),
            ev("extend", "2026-01-25", &ext),
        ];
        // Received Mon 2026-01-05; complex 30 days → Wed 02-04; paused 01-10..01-19 (10 days)
        // → Sat 02-14, an adjusted working Saturday (调休), so no roll; +30 extension →
        // Mon 03-16.
        let c = e.clocks(&ClockInput {
            source: "import",
            received: d("2026-01-05"),
            open: true,
            events: &events,
            today: d("2026-01-26"),
        });
        let dec = c.iter().find(|s| s.rule == "complex").unwrap();
        assert_eq!(dec.paused_days, 10);
        assert_eq!(dec.extension_days, 30);
        assert_eq!(dec.due, d("2026-03-16"));
        let mut stopped = events.to_vec();
        stopped.push(ev("transition", "2026-02-01", &withdrawn));
        let c = e.clocks(&ClockInput {
            source: "import",
            received: d("2026-01-05"),
            open: false,
            events: &stopped,
            today: d("2026-05-01"),
        });
        assert!(c.iter().all(|s| matches!(s.state, ClockState::Met | ClockState::MetLate)), "{c:?}");
    }

    #[test]
    fn cfpb_complaints_use_the_cfpb_regime() {
        let e = ClockEngine::builtin().unwrap();
        let c = e.clocks(&ClockInput {
            source: "cfpb",
            received: d("2025-11-20"),
            open: true,
            events: &[],
            today: d("2025-11-20"),
        });
        let got: Vec<_> = c.iter().map(|s| (s.regime.as_str(), s.rule.as_str(), s.due.to_string())).collect();
        // 15 and 60 calendar days, no roll.
        assert_eq!(
            got,
            [("us-cfpb", "response", "2025-12-05".into()), ("us-cfpb", "final-response", "2026-01-19".to_string())]
        );
    }

    #[test]
    fn bad_policies_are_refused() {
        let r = Regimes::builtin().unwrap();
        assert!(
            ClockEngine::new(r.clone(), vec![], Some("version = 1\n[default]\nclocks = [\"nope/none\"]\n")).is_err()
        );
        assert!(ClockEngine::new(r.clone(), vec![], Some("version = 2\n[default]\nclocks = []\n")).is_err());
        assert!(ClockEngine::new(r, vec![], Some("version = 1\n[default]\nclocks = []\n")).is_ok());
    }
}
