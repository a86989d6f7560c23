//! The parsed template library (parsed once per process).

use crate::scenario::Scenario;
use crate::texts as t;
use crate::tmpl::{Tpl, parse_lenient};
use std::sync::OnceLock;

pub struct ScenTpl {
    pub fact: Vec<(&'static str, Tpl)>,
    pub argue: Vec<Tpl>,
}

pub struct Lib {
    pub open_note: Tpl,
    pub open_note_anon: Tpl,
    pub open_online: Tpl,
    pub open_referral: Tpl,
    pub open_counter: Tpl,
    pub open_media: Tpl,
    pub open_petition: Tpl,
    pub open_email: Tpl,
    pub letter_head: Tpl,
    pub letter_close: Tpl,
    pub referral_tail: Tpl,
    pub note_tail: Tpl,
    pub online_close: Tpl,
    pub angry: Tpl,
    pub polite: Tpl,
    pub note_tone: Tpl,
    pub escalate: Tpl,
    pub escalate_note: Tpl,
    pub neg_esc: Tpl,
    pub neg_esc_note: Tpl,
    pub vuln_old: Tpl,
    pub vuln: Tpl,
    pub vuln_note_old: Tpl,
    pub vuln_note: Tpl,
    pub history: Tpl,
    pub points: Tpl,
    pub personal: Tpl,
    pub timeline_claim: Tpl,
    pub timeline_policy: Tpl,
    pub request: Tpl,
    pub purchase: Tpl,
    pub feeling: Tpl,
    pub demand_list: Tpl,
    pub repeat_1p: Tpl,
    pub repeat_3p: Tpl,
    pub laws: Vec<Tpl>,
    pub law_23: Tpl,
    /// Indexed by [`Scenario::text_index`].
    pub scen: Vec<ScenTpl>,
    pub ring_letters: Vec<Tpl>,
    pub ring_law: Vec<Tpl>,
    pub groups: Vec<Tpl>,
    pub surges: Vec<Tpl>,
    pub demand: Vec<Tpl>,
}

/// Phrases for demands in running text, in [`tousu_core::DemandKind::ALL`] order.
pub const DEMAND_PHRASES: &[&str] = &[
    "[全额退还|退还全部|如数退还][已交|所交|]保费{$demand}",
    "[按合同|依约|尽快|]赔付[保险金|理赔款|]{$demand}",
    "赔偿[损失|经济损失|]{$demand}",
    "[支付|赔偿]利息[损失|]{$demand}",
    "[书面|公开|当面|]道歉",
    "[处理|处分|追究][相关|涉事]人员[的责任|]",
    "{other_demand}",
];

#[cfg(test)]
pub fn all_sources() -> Vec<&'static str> {
    let mut v = vec![
        t::OPEN_NOTE,
        t::OPEN_NOTE_ANON,
        t::OPEN_ONLINE,
        t::OPEN_REFERRAL,
        t::OPEN_COUNTER,
        t::OPEN_MEDIA,
        t::OPEN_PETITION,
        t::OPEN_EMAIL,
        t::LETTER_HEAD,
        t::LETTER_CLOSE,
        t::REFERRAL_TAIL,
        t::NOTE_TAIL,
        t::ONLINE_CLOSE,
        t::ANGRY,
        t::POLITE,
        t::NOTE_TONE,
        t::ESCALATE,
        t::ESCALATE_NOTE,
        t::NEG_ESC,
        t::NEG_ESC_NOTE,
        t::VULN_OLD,
        t::VULN,
        t::VULN_NOTE_OLD,
        t::VULN_NOTE,
        t::HISTORY_P,
        t::POINTS_P,
        t::PERSONAL_P,
        t::TIMELINE_CLAIM,
        t::TIMELINE_POLICY,
        t::REQUEST_P,
        t::PURCHASE_P,
        t::FEELING_P,
        t::DEMAND_LIST_INTRO,
        t::REPEAT_1P,
        t::REPEAT_3P,
        t::LAW_23,
    ];
    v.extend(t::RING_LAW);
    v.extend(t::RING_LETTERS);
    v.extend(t::GROUP_TEXTS);
    v.extend(t::SURGE_CAUSES);
    v.extend(DEMAND_PHRASES);
    for s in Scenario::ALL {
        for inside in [true, false] {
            let st = s.text(inside);
            v.extend(st.fact.iter().map(|f| f.1));
            v.extend(st.argue.iter().copied());
        }
    }
    v
}

fn build() -> Lib {
    let p = parse_lenient;
    let mut scen = Vec::new();
    for s in Scenario::ALL {
        scen.push(scen_tpl(s, true));
    }
    scen.push(scen_tpl(Scenario::CoolingOff, false));
    Lib {
        open_note: p(t::OPEN_NOTE),
        open_note_anon: p(t::OPEN_NOTE_ANON),
        open_online: p(t::OPEN_ONLINE),
        open_referral: p(t::OPEN_REFERRAL),
        open_counter: p(t::OPEN_COUNTER),
        open_media: p(t::OPEN_MEDIA),
        open_petition: p(t::OPEN_PETITION),
        open_email: p(t::OPEN_EMAIL),
        letter_head: p(t::LETTER_HEAD),
        letter_close: p(t::LETTER_CLOSE),
        referral_tail: p(t::REFERRAL_TAIL),
        note_tail: p(t::NOTE_TAIL),
        online_close: p(t::ONLINE_CLOSE),
        angry: p(t::ANGRY),
        polite: p(t::POLITE),
        note_tone: p(t::NOTE_TONE),
        escalate: p(t::ESCALATE),
        escalate_note: p(t::ESCALATE_NOTE),
        neg_esc: p(t::NEG_ESC),
        neg_esc_note: p(t::NEG_ESC_NOTE),
        vuln_old: p(t::VULN_OLD),
        vuln: p(t::VULN),
        vuln_note_old: p(t::VULN_NOTE_OLD),
        vuln_note: p(t::VULN_NOTE),
        history: p(t::HISTORY_P),
        points: p(t::POINTS_P),
        personal: p(t::PERSONAL_P),
        timeline_claim: p(t::TIMELINE_CLAIM),
        timeline_policy: p(t::TIMELINE_POLICY),
        request: p(t::REQUEST_P),
        purchase: p(t::PURCHASE_P),
        feeling: p(t::FEELING_P),
        demand_list: p(t::DEMAND_LIST_INTRO),
        repeat_1p: p(t::REPEAT_1P),
        repeat_3p: p(t::REPEAT_3P),
        laws: t::RING_LAW.iter().map(|s| p(s)).collect(),
        law_23: p(t::LAW_23),
        scen,
        ring_letters: t::RING_LETTERS.iter().map(|s| p(s)).collect(),
        ring_law: t::RING_LAW.iter().map(|s| p(s)).collect(),
        groups: t::GROUP_TEXTS.iter().map(|s| p(s)).collect(),
        surges: t::SURGE_CAUSES.iter().map(|s| p(s)).collect(),
        demand: DEMAND_PHRASES.iter().map(|s| p(s)).collect(),
    }
}

fn scen_tpl(s: Scenario, inside: bool) -> ScenTpl {
    let st = s.text(inside);
    ScenTpl {
        fact: st.fact.iter().map(|(sub, f)| (*sub, parse_lenient(f))).collect(),
        argue: st.argue.iter().map(|a| parse_lenient(a)).collect(),
    }
}

pub fn lib() -> &'static Lib {
    static LIB: OnceLock<Lib> = OnceLock::new();
    LIB.get_or_init(build)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_parses() {
        for src in super::all_sources() {
            if let Err(e) = crate::tmpl::parse(src) {
                panic!("{e}");
            }
        }
    }
}
