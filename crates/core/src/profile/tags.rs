//! Risk tags (and the protective `vulnerable` tag), each with its reason.

use super::blocks::Prep;
use super::*;
use serde_json::{Value, json};

pub(super) fn reason(code: &str, params: Vec<(&str, Value)>, en: String) -> Reason {
    Reason { code: code.to_string(), params: params.into_iter().map(|(k, v)| (k.to_string(), v)).collect(), en }
}

fn tag(code: TagCode, params: Vec<(&str, Value)>, en: String, complaints: Vec<String>) -> Tag {
    Tag {
        code,
        label_key: format!("profile.tag.{}", code.code()),
        protective: code == TagCode::Vulnerable,
        reason: reason(&format!("profile.reason.{}", code.code()), params, en),
        complaints,
    }
}

fn list(refs: &[String]) -> String {
    const MAX: usize = 10;
    if refs.len() <= MAX {
        refs.join(", ")
    } else {
        format!("{} and {} more", refs[..MAX].join(", "), refs.len() - MAX)
    }
}

pub(super) fn tags(profile: &Profile, p: &[Prep], ctx: &ProfileContext, cfg: &ProfileConfig) -> Vec<Tag> {
    let mut out = Vec::new();
    let b = &profile.behaviour;
    let t = &cfg.tags;

    // repeat: the busiest category window, ignoring configured categories.
    let rep = &t.repeat;
    if let Some(s) = b
        .same_issue
        .iter()
        .filter(|s| !rep.ignore_categories.iter().any(|c| c == &s.category))
        .find(|s| s.max_in_window >= rep.min_complaints)
    {
        out.push(tag(
            TagCode::Repeat,
            vec![
                ("category", json!(s.category)),
                ("count", json!(s.max_in_window)),
                ("window_days", json!(rep.window_days)),
                ("from", json!(s.window_from)),
                ("to", json!(s.window_to)),
                ("threshold", json!(rep.min_complaints)),
                ("complaints", json!(s.window_complaints)),
            ],
            format!(
                "{} complaints of category {} received within {} days ({} to {}: {}); threshold {}.",
                s.max_in_window,
                s.category,
                rep.window_days,
                s.window_from,
                s.window_to,
                list(&s.window_complaints),
                rep.min_complaints
            ),
            s.window_complaints.clone(),
        ));
    }

    // persistent: answers rejected.
    let per = &t.persistent;
    if b.answers_rejected >= per.min_answers_rejected && per.min_answers_rejected > 0 {
        let refs: Vec<String> =
            p.iter().filter(|x| x.h.is_some_and(|h| h.answers_rejected > 0)).map(|x| x.id.to_string()).collect();
        out.push(tag(
            TagCode::Persistent,
            vec![
                ("answers_rejected", json!(b.answers_rejected)),
                ("complaint_count", json!(refs.len())),
                ("threshold", json!(per.min_answers_rejected)),
                ("complaints", json!(refs)),
            ],
            format!(
                "{} answers rejected across {} complaint(s) ({}); threshold {}.",
                b.answers_rejected,
                refs.len(),
                list(&refs),
                per.min_answers_rejected
            ),
            refs,
        ));
    }

    // regulator_escalating.
    let reg = &t.regulator_escalating;
    let r = &b.regulator;
    let by_count = reg.min_complaints > 0 && r.complaints >= reg.min_complaints;
    let by_escalation = reg.min_escalated > 0 && r.escalated >= reg.min_escalated;
    if by_count || by_escalation {
        out.push(tag(
            TagCode::RegulatorEscalating,
            vec![
                ("complaint_count", json!(r.complaints)),
                ("referrals", json!(r.referrals)),
                ("escalated", json!(r.escalated)),
                ("threatened", json!(r.threatened)),
                ("threshold_complaints", json!(reg.min_complaints)),
                ("threshold_escalated", json!(reg.min_escalated)),
                ("complaints", json!(r.complaint_refs)),
            ],
            format!(
                "{} complaint(s) reached or announced the regulator ({}): {} referred by the regulator, {} escalated \
                 after our answer, {} announcing it; thresholds {} complaints or {} escalated.",
                r.complaints,
                list(&r.complaint_refs),
                r.referrals,
                r.escalated,
                r.threatened,
                reg.min_complaints,
                reg.min_escalated
            ),
            r.complaint_refs.clone(),
        ));
    }

    // excessive_demand: the highest ratio (a zero entitlement counts as highest).
    let ed = &t.excessive_demand;
    let excessive: Vec<&DemandAssessment> = profile.demands.assessments.iter().filter(|a| a.excessive).collect();
    let worst = excessive.iter().copied().fold(None, |acc: Option<&DemandAssessment>, a| match acc {
        Some(w) if w.ratio.map_or(f64::INFINITY, |r| r) >= a.ratio.map_or(f64::INFINITY, |r| r) => Some(w),
        _ => Some(a),
    });
    if let Some(w) = worst {
        let refs: Vec<String> = excessive.iter().map(|a| a.complaint.clone()).collect();
        let ratio_text = w.ratio.map_or_else(|| "unbounded (entitlement zero)".to_string(), |r| format!("{r:.2}×"));
        out.push(tag(
            TagCode::ExcessiveDemand,
            vec![
                ("complaint", json!(w.complaint)),
                ("demanded", json!(w.demanded)),
                ("entitlement", json!(w.entitlement)),
                ("basis", json!(w.basis.code())),
                ("ratio", json!(w.ratio)),
                ("threshold", json!(ed.min_ratio)),
                ("min_demand", json!(ed.min_demand)),
                ("complaint_count", json!(refs.len())),
                ("complaints", json!(refs)),
            ],
            format!(
                "Complaint {} demands {}, {} the entitlement {} ({}); threshold {}× (demands of at least {}). {} \
                 complaint(s) above the threshold. The legal or contractual entitlement is paid in full regardless.",
                w.complaint,
                w.demanded.display(),
                ratio_text,
                w.entitlement.display(),
                w.basis.code(),
                ed.min_ratio,
                ed.min_demand,
                refs.len()
            ),
            refs,
        ));
    }

    // third_party.
    let tp = &profile.third_parties;
    if t.third_party.min_complaints > 0 && tp.complaints >= t.third_party.min_complaints {
        let refs: Vec<String> = p
            .iter()
            .filter(|x| x.c.third_party.is_some() || tp.representative_marker.iter().any(|r| r == x.id))
            .map(|x| x.id.to_string())
            .collect();
        let relationships: Vec<String> = tp.parties.iter().filter_map(|f| f.relationship.clone()).collect();
        out.push(tag(
            TagCode::ThirdParty,
            vec![
                ("complaint_count", json!(tp.complaints)),
                ("power_of_attorney", json!(tp.power_of_attorney)),
                ("representative_marker", json!(tp.representative_marker.len())),
                ("relationships", json!(relationships)),
                ("threshold", json!(t.third_party.min_complaints)),
                ("complaints", json!(refs)),
            ],
            format!(
                "{} complaint(s) involve a third party ({}): {} with a power of attorney, {} where the text suggests a \
                 representative; threshold {}. Acting through an agent is lawful; verify the authorisation.",
                tp.complaints,
                list(&refs),
                tp.power_of_attorney,
                tp.representative_marker.len(),
                t.third_party.min_complaints
            ),
            refs,
        ));
    }

    // linked_contacts.
    let lc = &t.linked_contacts;
    if lc.min_links > 0 && ctx.shared_contact_links >= lc.min_links {
        out.push(tag(
            TagCode::LinkedContacts,
            vec![("links", json!(ctx.shared_contact_links)), ("threshold", json!(lc.min_links))],
            format!(
                "Shares a phone, e-mail or address with {} other complainant(s); threshold {}. Evidence for the ring \
                 review, not proof.",
                ctx.shared_contact_links, lc.min_links
            ),
            Vec::new(),
        ));
    }

    // vulnerable (protective).
    let v = &profile.vulnerability;
    if v.vulnerable {
        let kinds: Vec<&str> = {
            let mut k: Vec<&str> = v.flags.iter().map(|f| f.kind.code()).collect();
            k.dedup();
            k
        };
        let mut refs: Vec<String> = v.flags.iter().flat_map(|f| f.complaints.iter().cloned()).collect();
        refs.sort();
        refs.dedup();
        let by_age = v.flags.iter().any(|f| f.source == VulnerabilitySource::Age);
        let age_text = match (by_age, profile.basic.age) {
            (true, Some(a)) => format!("; age {a} ≥ {}", cfg.vulnerability.elderly_age),
            _ => String::new(),
        };
        let text_text = if refs.is_empty() { String::new() } else { format!("; mentioned in {}", list(&refs)) };
        out.push(tag(
            TagCode::Vulnerable,
            vec![
                ("kinds", json!(kinds)),
                ("age", json!(if by_age { profile.basic.age } else { None })),
                ("elderly_age", json!(cfg.vulnerability.elderly_age)),
                ("handling", json!("careful")),
                ("complaints", json!(refs)),
            ],
            format!(
                "Vulnerable complainant ({}{age_text}{text_text}): route to careful handling. This flag protects the \
                 person and never counts against them.",
                kinds.join(", ")
            ),
            refs,
        ));
    }
    out
}
