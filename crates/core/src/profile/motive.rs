//! Motive classification (投诉动机): weighted signals from `data/profile.toml`, every one with
//! the complaints that show it.

use super::blocks::{Prep, claim_refused};
use super::tags::reason;
use super::*;
use serde_json::json;

fn refs<'a>(p: &'a [Prep], f: impl Fn(&Prep) -> bool + 'a) -> Vec<String> {
    p.iter().filter(|x| f(x)).map(|x| x.id.to_string()).collect()
}

fn money_demand(x: &Prep) -> bool {
    x.demanded.iter().any(|m| m.minor > 0)
        || x.kinds.iter().any(|k| {
            matches!(
                k,
                DemandKind::FullRefund | DemandKind::ClaimPayment | DemandKind::Compensation | DemandKind::Interest
            )
        })
}

fn tag_refs(profile: &Profile, code: TagCode) -> Option<Vec<String>> {
    profile.tag(code).map(|t| t.complaints.clone())
}

/// The complaints that show `signal`, or `None` when it does not fire.
fn fires(signal: Signal, profile: &Profile, p: &[Prep], cfg: &ProfileConfig) -> Option<Vec<String>> {
    let nonempty = |v: Vec<String>| (!v.is_empty()).then_some(v);
    match signal {
        Signal::MoneyDemand => nonempty(refs(p, money_demand)),
        Signal::NoMoneyDemand => {
            (!p.is_empty() && !p.iter().any(money_demand)).then(|| p.iter().map(|x| x.id.to_string()).collect())
        }
        Signal::Demand(k) => nonempty(refs(p, |x| x.kinds.contains(&k))),
        Signal::Category(c) => nonempty(refs(p, |x| x.category.as_deref() == Some(c.code()))),
        Signal::Emotion(e) => {
            let t = profile.psychology.emotions.iter().find(|t| t.emotion == e)?;
            (t.mean >= cfg.psychology.strong_emotion).then(|| {
                refs(p, |x| x.a.is_some_and(|a| a.emotions.iter().any(|s| s.emotion == e && s.intensity > 0.0)))
            })
        }
        Signal::EmotionRising => {
            profile.psychology.emotions.iter().any(|t| t.direction == Direction::Rising).then(|| {
                // The latest analysed complaint shows where the trend has got to.
                profile.psychology.analysed.last().cloned().into_iter().collect()
            })
        }
        Signal::Threat(t) => nonempty(refs(p, |x| x.a.is_some_and(|a| a.threats.contains(&t)))),
        Signal::Marker(m) => nonempty(refs(p, |x| x.a.is_some_and(|a| a.markers.contains(&m)))),
        Signal::ClaimRefused => nonempty(refs(p, claim_refused)),
        Signal::SurrenderLoss => nonempty(
            profile
                .policies
                .iter()
                .filter(|f| f.loss_ratio.is_some_and(|l| l >= cfg.motive.surrender_loss_min))
                .flat_map(|f| f.complaints.iter().cloned())
                .collect(),
        ),
        Signal::AgentDeparted => nonempty(
            profile
                .policies
                .iter()
                .filter(|f| f.agent_departed == Some(true))
                .flat_map(|f| f.complaints.iter().cloned())
                .collect(),
        ),
        Signal::ThirdParty => tag_refs(profile, TagCode::ThirdParty),
        Signal::LinkedContacts => tag_refs(profile, TagCode::LinkedContacts),
        Signal::ExcessiveDemand => tag_refs(profile, TagCode::ExcessiveDemand),
        Signal::Repeat => tag_refs(profile, TagCode::Repeat),
        Signal::Persistent => tag_refs(profile, TagCode::Persistent),
        Signal::RegulatorEscalating => tag_refs(profile, TagCode::RegulatorEscalating),
    }
}

pub(super) fn unclear_reason() -> Reason {
    reason(
        "profile.reason.motive.unclear",
        vec![],
        "No motive reaches its minimum score; the evidence does not point one way.".into(),
    )
}

pub(super) fn classify(profile: &Profile, p: &[Prep], cfg: &ProfileConfig) -> Motive {
    let m = &cfg.motive;
    let mut scores: Vec<MotiveScore> = m
        .order
        .iter()
        .map(|&motive| MotiveScore {
            motive,
            score: 0.0,
            min_score: m.min_score.get(&motive).copied().unwrap_or(0.0),
            qualifies: false,
            evidence: Vec::new(),
        })
        .collect();
    for rule in &m.rules {
        let Some(s) = scores.iter_mut().find(|s| s.motive == rule.motive) else { continue };
        if let Some(complaints) = fires(rule.signal, profile, p, cfg) {
            s.score += rule.weight;
            s.evidence.push(SignalEvidence { signal: rule.signal.code(), weight: rule.weight, complaints });
        }
    }
    for s in &mut scores {
        s.score = r4(s.score);
        s.qualifies = s.score > 0.0 && s.score >= s.min_score;
    }
    // Highest qualifying score; ties go to the earlier motive in `order`.
    let best = scores.iter().filter(|s| s.qualifies).fold(None, |acc: Option<&MotiveScore>, s| match acc {
        Some(b) if b.score >= s.score => Some(b),
        _ => Some(s),
    });
    let (primary, reason) = match best {
        None => (MotiveCode::Unclear, unclear_reason()),
        Some(b) => {
            let signals: Vec<String> = b.evidence.iter().map(|e| e.signal.clone()).collect();
            let mut complaints: Vec<String> = b.evidence.iter().flat_map(|e| e.complaints.iter().cloned()).collect();
            complaints.sort();
            complaints.dedup();
            let mut en = format!(
                "Motive {}: score {} ≥ {} from signals {}.",
                b.motive.code(),
                b.score,
                b.min_score,
                signals.join(", ")
            );
            if b.motive == MotiveCode::LeverageSeeking {
                en.push_str(" A suspicion for careful review, never a verdict; entitlements are unaffected.");
            }
            (
                b.motive,
                reason(
                    &format!("profile.reason.motive.{}", b.motive.code()),
                    vec![
                        ("motive", json!(b.motive.code())),
                        ("score", json!(b.score)),
                        ("min_score", json!(b.min_score)),
                        ("signals", json!(signals)),
                        ("complaints", json!(complaints)),
                    ],
                    en,
                ),
            )
        }
    };
    Motive { primary, scores, reason }
}
