//! The Ackerman planner (DOMAIN.md §6), applied only to discretionary goodwill (通融) above the
//! entitlement, which is always paid in full and never bargained.
//!
//! With entitlement E, authorised goodwill maximum T and demand D:
//! - D ≤ E: pay E; no ladder.
//! - otherwise the goodwill cap is G = min(T, D − E). Below `min_ladder` (data) G is offered at
//!   once, no ladder. Otherwise the offers are E + ⌊G × p⌋ for each step p (65 %, 85 %, 95 %;
//!   whole major units, rounded down) and a final E + g, with g a whole number of major units,
//!   ⌊0.95 G⌋ < g ≤ G, chosen so that the final figure's major units are not a multiple of 10
//!   (hence never of 100) where possible, and always not a multiple of 100; a few units below
//!   the cap so it reads as calculated, not round. The final offer comes with a non-monetary
//!   item.
//! - An offer whose goodwill part exceeds `approval_threshold` needs supervisor approval; with
//!   ring suspicion every offer with goodwill does.

use super::{Bilingual, bad, check_version};
use crate::error::Error;
use crate::model::DemandKind;
use crate::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NonMonetary {
    /// A demand kind code: chosen first when the customer made that demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TalkTemplates {
    pub entitlement_zh: String,
    pub entitlement_en: String,
    pub first_zh: String,
    pub first_en: String,
    pub between_zh: String,
    pub between_en: String,
    pub final_zh: String,
    pub final_en: String,
    pub counter_zh: String,
    pub counter_en: String,
    pub pay_zh: String,
    pub pay_en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNegotiation {
    version: u32,
    steps: Vec<u32>,
    min_ladder: i64,
    approval_threshold: i64,
    non_monetary: Vec<NonMonetary>,
    talk: TalkTemplates,
}

/// `data/assess/negotiation.toml`, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiationConfig {
    /// Percent of the goodwill cap per step, strictly increasing, each 1..=99.
    pub steps: Vec<u32>,
    /// Major units.
    pub min_ladder: i64,
    /// Major units of goodwill above which an offer needs approval.
    pub approval_threshold: i64,
    pub non_monetary: Vec<NonMonetary>,
    pub talk: TalkTemplates,
}

impl NegotiationConfig {
    pub fn from_toml(src: &str) -> Result<NegotiationConfig, Error> {
        const WHAT: &str = "negotiation file";
        let r: RawNegotiation = toml::from_str(src).map_err(|e| bad(WHAT, e.to_string()))?;
        check_version(WHAT, r.version)?;
        if r.steps.is_empty()
            || r.steps.iter().any(|p| *p == 0 || *p >= 100)
            || r.steps.windows(2).any(|w| w[0] >= w[1])
        {
            return Err(bad(WHAT, "steps must be strictly increasing percentages, each 1..=99"));
        }
        // Consecutive steps must stay apart after rounding down to whole units: with G ≥
        // min_ladder, a gap of d percent is at least ⌊min_ladder × d / 100⌋ − 1 units.
        if r.min_ladder < 100 {
            return Err(bad(WHAT, "min_ladder must be at least 100 (major units)"));
        }
        if r.approval_threshold < 0 {
            return Err(bad(WHAT, "approval_threshold must not be negative"));
        }
        if !r.non_monetary.iter().any(|n| n.when.is_none()) {
            return Err(bad(WHAT, "one [[non_monetary]] item must have no `when`"));
        }
        for n in &r.non_monetary {
            if let Some(w) = &n.when
                && DemandKind::parse(w).is_none()
            {
                return Err(bad(WHAT, format!("unknown demand kind {w:?} in [[non_monetary]]")));
            }
        }
        Ok(NegotiationConfig {
            steps: r.steps,
            min_ladder: r.min_ladder,
            approval_threshold: r.approval_threshold,
            non_monetary: r.non_monetary,
            talk: r.talk,
        })
    }
}

/// What the planner needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanInput {
    /// What the contract and the law owe (never reduced).
    pub entitlement: Money,
    /// The handler's authorised goodwill maximum T (above the entitlement).
    pub goodwill_max: Money,
    /// What the customer asks for, in total.
    pub demand: Money,
    /// Demand kinds (choose the non-monetary item).
    #[serde(default)]
    pub demand_kinds: Vec<DemandKind>,
    /// Ring suspicion: every goodwill offer needs approval.
    #[serde(default)]
    pub ring_suspected: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// The entitlement alone.
    Entitlement,
    /// A ladder step (percent of the goodwill cap).
    Step,
    /// The precise final offer with a non-monetary item.
    Final,
    /// Goodwill too small to ladder, offered at once.
    Single,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offer {
    pub kind: OfferKind,
    /// Percent of the goodwill cap (steps only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<u32>,
    /// Entitlement + goodwill.
    pub total: Money,
    pub goodwill: Money,
    pub needs_approval: bool,
    /// What to say with this offer, then the pause for the counter-offer.
    pub say: Bilingual,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub entitlement: Money,
    /// The goodwill cap G = min(authority, demand − entitlement), zero when no goodwill applies.
    pub goodwill_cap: Money,
    /// What to say about the entitlement first.
    pub entitlement_note: Bilingual,
    /// True when the offers form an Ackerman ladder (steps and a final offer).
    pub ladder: bool,
    /// Offers in order; the last is what the handler can go to.
    pub offers: Vec<Offer>,
    /// Offered with the final (or single) offer.
    pub non_monetary: Option<Bilingual>,
    /// Said between offers.
    pub pause: Bilingual,
    /// Some offer needs supervisor approval.
    pub needs_approval: bool,
}

fn same_currency(a: Money, b: Money, what: &str) -> Result<(), Error> {
    if a.currency == b.currency {
        Ok(())
    } else {
        Err(Error::value(
            &format!("{} / {}", a.currency.code(), b.currency.code()),
            format!("{what}: currencies differ"),
        ))
    }
}

/// The final goodwill in minor units: a whole number of major units g with lo < g ≤ hi (both
/// in major units), such that the total's major units avoid multiples of 10 where possible and
/// multiples of 100 always. `None` when no such g exists.
fn final_goodwill(entitlement_minor: i64, lo: i64, hi: i64) -> Option<i64> {
    if hi <= lo {
        return None;
    }
    let total_units = |g: i64| (entitlement_minor + g * 100).div_euclid(100);
    // Start a few units below the cap (3..=31, from the cap's digits) so the figure reads as
    // calculated; stay above the previous step.
    let offset = 3 + hi.rem_euclid(29);
    let start = (hi - offset).max(lo + 1);
    let order = (lo + 1..=start).rev().chain((start + 1..=hi).rev());
    let candidates: Vec<i64> = order.collect();
    candidates
        .iter()
        .copied()
        .find(|g| total_units(*g).rem_euclid(10) != 0)
        .or_else(|| candidates.iter().copied().find(|g| total_units(*g).rem_euclid(100) != 0))
        .map(|g| g * 100)
}

fn fill(t: &str, amount: &Money, entitlement: &Money, item: &str) -> String {
    t.replace("{amount}", &amount.display()).replace("{entitlement}", &entitlement.display()).replace("{item}", item)
}

/// Plan the offers. Errors: currencies differ, or an amount is negative.
pub fn plan(input: &PlanInput, cfg: &NegotiationConfig) -> Result<Plan, Error> {
    let e = input.entitlement;
    same_currency(e, input.goodwill_max, "entitlement and goodwill maximum")?;
    same_currency(e, input.demand, "entitlement and demand")?;
    for (m, what) in [(e, "entitlement"), (input.goodwill_max, "goodwill maximum"), (input.demand, "demand")] {
        if m.minor < 0 {
            return Err(Error::value(&m.amount_string(), format!("{what} must not be negative")));
        }
    }
    let cur = e.currency;
    let t = &cfg.talk;
    let entitlement_note = Bilingual::new(fill(&t.entitlement_zh, &e, &e, ""), fill(&t.entitlement_en, &e, &e, ""));
    let pause = Bilingual::new(t.counter_zh.clone(), t.counter_en.clone());
    let item = cfg
        .non_monetary
        .iter()
        .find(|n| n.when.as_deref().and_then(DemandKind::parse).is_some_and(|k| input.demand_kinds.contains(&k)))
        .or_else(|| cfg.non_monetary.iter().find(|n| n.when.is_none()))
        .map(|n| Bilingual::new(n.zh.clone(), n.en.clone()));
    let needs = |goodwill_minor: i64| {
        goodwill_minor > 0 && (input.ring_suspected || goodwill_minor > cfg.approval_threshold.saturating_mul(100))
    };

    // Demand within the entitlement: pay it.
    if input.demand.minor <= e.minor {
        let say = Bilingual::new(fill(&t.pay_zh, &e, &e, ""), fill(&t.pay_en, &e, &e, ""));
        return Ok(Plan {
            entitlement: e,
            goodwill_cap: Money::new(0, cur),
            entitlement_note,
            ladder: false,
            offers: vec![Offer {
                kind: OfferKind::Entitlement,
                percent: None,
                total: e,
                goodwill: Money::new(0, cur),
                needs_approval: false,
                say,
            }],
            non_monetary: None,
            pause,
            needs_approval: false,
        });
    }
    let cap = input.goodwill_max.minor.min(input.demand.minor - e.minor);
    let cap_units = cap.div_euclid(100);
    let offer = |kind: OfferKind, percent: Option<u32>, goodwill: i64, zh: &str, en: &str, item: &str| {
        let total = Money::new(e.minor.saturating_add(goodwill), cur);
        Offer {
            kind,
            percent,
            total,
            goodwill: Money::new(goodwill, cur),
            needs_approval: needs(goodwill),
            say: Bilingual::new(fill(zh, &total, &e, item), fill(en, &total, &e, item)),
        }
    };
    let item_zh = item.as_ref().map(|i| i.zh.clone()).unwrap_or_default();
    let item_en = item.as_ref().map(|i| i.en.clone()).unwrap_or_default();

    let mut offers = Vec::new();
    let mut ladder = false;
    if cap_units >= cfg.min_ladder {
        let mut prev_units = 0i64;
        let mut ok = true;
        for (i, p) in cfg.steps.iter().enumerate() {
            let units = cap_units * i64::from(*p) / 100;
            if units <= prev_units && i > 0 {
                ok = false;
                break;
            }
            prev_units = units;
            let (zh, en) = if i == 0 { (&t.first_zh, &t.first_en) } else { (&t.between_zh, &t.between_en) };
            offers.push(offer(OfferKind::Step, Some(*p), units * 100, zh, en, ""));
        }
        let fin = if ok { final_goodwill(e.minor, prev_units, cap_units) } else { None };
        match fin {
            Some(g) => {
                offers.push(offer(OfferKind::Final, None, g, &t.final_zh, &t.final_en, ""));
                ladder = true;
            }
            None => offers.clear(),
        }
        if let Some(last) = offers.last_mut() {
            last.say = Bilingual::new(
                fill(&t.final_zh, &last.total, &e, &item_zh),
                fill(&t.final_en, &last.total, &e, &item_en),
            );
        }
    }
    if !ladder {
        offers.push(offer(OfferKind::Single, None, cap, &t.final_zh, &t.final_en, ""));
        if let Some(last) = offers.last_mut() {
            last.say = Bilingual::new(
                fill(&t.final_zh, &last.total, &e, &item_zh),
                fill(&t.final_en, &last.total, &e, &item_en),
            );
        }
    }
    let needs_approval = offers.iter().any(|o| o.needs_approval);
    Ok(Plan {
        entitlement: e,
        goodwill_cap: Money::new(cap, cur),
        entitlement_note,
        ladder,
        offers,
        non_monetary: item,
        pause,
        needs_approval,
    })
}
