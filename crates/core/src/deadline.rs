//! Deadline regimes and clocks.
//!
//! A *regime* (a regulation, a statute, an institution's own targets) is a set of *clocks*.
//! Each clock says when it starts (which event), how long it runs (amount and unit), on which
//! business-day calendar, whether and how it can be extended, and when it counts as due soon.
//! Regimes are data (`data/regimes.toml`, format in `docs/CALENDARS.md`); an institution
//! overrides a shipped clock or adds its own with [`Regimes::merge`].
//!
//! [`compute`] turns a clock, its start date, pauses and extensions into a [`ClockStatus`]: the
//! due date, the state on a given day, the days remaining and every problem found on the way.
//! It is pure (the caller passes `today`) and allocation-free unless it has problems to report
//! or more than eight pauses.

use crate::calendar::Calendar;
use crate::error::Error;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const BUILTIN_REGIMES: &str = include_str!("../data/regimes.toml");

/// Largest clock length accepted, in days (ten years).
const MAX_DAYS: u32 = 3660;

/// The event a clock starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartEvent {
    /// The complaint was received (收到投诉之日).
    Received,
    /// The claimant's request and all supporting documents are in (保险法第二十二、二十三条).
    ClaimDocumentsComplete,
    /// The insurer decided the claim (核定).
    ClaimDecision,
    /// Insurer and claimant agreed on the amount (达成赔偿或者给付保险金的协议).
    Agreement,
    /// The policyholder's notice of surrender arrived (收到解除合同通知).
    SurrenderNotice,
    /// The regulator sent the complaint to the institution (e.g. CFPB).
    RegulatorSent,
}

/// How a clock counts. In every unit the start day itself is not counted, except
/// `business_days_close`, which counts it when it is a business day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Due on start + amount days.
    CalendarDays,
    /// As `calendar_days`, but a last day that is not a business day moves to the next
    /// business day (《民法典》第二百零一条、第二百零三条).
    CalendarDaysRoll,
    /// Due on the amount-th business day after the start day.
    BusinessDays,
    /// Due on start + 7 × amount days.
    Weeks,
    /// Due at close of the amount-th business day counting the start day when it is a business
    /// day (so a 3-day clock started on a Monday ends on Wednesday).
    BusinessDaysClose,
}

impl Unit {
    /// What the clock's day counts (remaining, pauses, extensions) are made of.
    pub fn counts(self) -> DayCount {
        match self {
            Unit::CalendarDays | Unit::CalendarDaysRoll | Unit::Weeks => DayCount::CalendarDays,
            Unit::BusinessDays | Unit::BusinessDaysClose => DayCount::BusinessDays,
        }
    }

    /// Whether the calendar's holiday data matters for this unit.
    pub fn uses_calendar(self) -> bool {
        !matches!(self, Unit::CalendarDays | Unit::Weeks)
    }
}

/// Calendar days or business days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    CalendarDays,
    BusinessDays,
}

/// How binding a regime is (DOMAIN.md markers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Statute text.
    Law,
    /// A regulator's rule.
    Regulation,
    /// Industry practice; not binding.
    Practice,
    /// The institution's own target.
    Internal,
}

/// How a clock may be extended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRule {
    /// The most days all extensions together may add (in the clock's day count).
    pub extra: u32,
    /// An extension needs a written reason.
    #[serde(default)]
    pub needs_reason: bool,
    /// An extension needs a recorded notice to the complainant.
    #[serde(default)]
    pub needs_notice: bool,
    /// The longest the clock may run with its extensions, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total: Option<u32>,
}

/// One clock of a regime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockRule {
    /// The regime the clock belongs to (filled in when the regime file is read).
    #[serde(default, skip_deserializing)]
    pub regime: String,
    pub id: String,
    pub zh: String,
    pub en: String,
    /// Legal basis or source, shown next to the deadline (e.g. "保险法第二十三条").
    pub basis: String,
    pub start: StartEvent,
    pub amount: u32,
    pub unit: Unit,
    /// Calendar id; defaults to the regime's `calendar`.
    #[serde(default)]
    pub calendar: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionRule>,
    /// The clock is "due soon" when this many days (of its day count) or fewer remain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_soon: Option<u32>,
}

impl ClockRule {
    /// The clock's length in days of its day count (weeks × 7).
    pub fn amount_days(&self) -> u32 {
        match self.unit {
            Unit::Weeks => self.amount.saturating_mul(7),
            _ => self.amount,
        }
    }
}

/// A regime: a named set of clocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    pub id: String,
    #[serde(default)]
    pub zh: String,
    #[serde(default)]
    pub en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<RuleKind>,
    #[serde(default)]
    pub basis: String,
    /// Default calendar of the regime's clocks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// In an override file: replace the shipped regime wholesale instead of clock by clock.
    #[serde(default, skip_serializing)]
    pub replace: bool,
    #[serde(rename = "clock", default)]
    pub clocks: Vec<ClockRule>,
}

impl Regime {
    pub fn clock(&self, id: &str) -> Option<&ClockRule> {
        self.clocks.iter().find(|c| c.id == id)
    }
}

/// A set of regimes with unique ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Regimes {
    #[serde(rename = "regime")]
    regimes: Vec<Regime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegimes {
    #[serde(default)]
    regime: Vec<Regime>,
}

fn bad(what: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidData { what: what.into(), reason: reason.into() }
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

impl Regimes {
    /// Read a regimes file (the shipped one or an institution's overrides) and check it.
    pub fn from_toml(src: &str) -> Result<Regimes, Error> {
        let raw: RawRegimes = toml::from_str(src).map_err(|e| bad("regimes file", e.to_string()))?;
        let mut regimes = raw.regime;
        for (i, r) in regimes.iter_mut().enumerate() {
            let what = format!("regime {:?}", r.id);
            if !valid_id(&r.id) {
                return Err(bad(format!("regime #{}", i + 1), format!("id {:?} must be a-z, 0-9, '-' or '_'", r.id)));
            }
            let default_calendar = r.calendar.clone().unwrap_or_default();
            for (j, c) in r.clocks.iter_mut().enumerate() {
                let what = format!("{what} clock {:?}", c.id);
                if !valid_id(&c.id) {
                    return Err(bad(what, format!("clock #{}: id must be a-z, 0-9, '-' or '_'", j + 1)));
                }
                c.regime = r.id.clone();
                if c.calendar.is_empty() {
                    c.calendar = default_calendar.clone();
                }
                check_clock(c).map_err(|reason| bad(&what, reason))?;
            }
            for (j, c) in r.clocks.iter().enumerate() {
                if r.clocks[..j].iter().any(|o| o.id == c.id) {
                    return Err(bad(&what, format!("clock {:?} is defined twice", c.id)));
                }
            }
        }
        for (i, r) in regimes.iter().enumerate() {
            if regimes[..i].iter().any(|o| o.id == r.id) {
                return Err(bad("regimes file", format!("regime {:?} is defined twice", r.id)));
            }
        }
        Ok(Regimes { regimes })
    }

    /// The shipped regimes (`data/regimes.toml`), parsed once per process.
    pub fn builtin() -> Result<Regimes, Error> {
        static CACHE: OnceLock<Result<Regimes, Error>> = OnceLock::new();
        CACHE.get_or_init(|| Regimes::from_toml(BUILTIN_REGIMES)).clone()
    }

    /// Apply an institution's overrides. A regime with a new id is added. A regime with a
    /// known id replaces the known one wholesale when it says `replace = true`; otherwise its
    /// non-empty names, kind, basis and calendar replace the known ones, each of its clocks
    /// replaces the known clock with the same id, and its other clocks are added.
    pub fn merge(&mut self, overrides: Regimes) {
        for mut o in overrides.regimes {
            let Some(r) = self.regimes.iter_mut().find(|r| r.id == o.id) else {
                o.replace = false;
                self.regimes.push(o);
                continue;
            };
            if o.replace {
                o.replace = false;
                *r = o;
                continue;
            }
            for (mine, theirs) in [(&mut r.zh, o.zh), (&mut r.en, o.en), (&mut r.basis, o.basis)] {
                if !theirs.is_empty() {
                    *mine = theirs;
                }
            }
            r.kind = o.kind.or(r.kind);
            r.calendar = o.calendar.or(r.calendar.take());
            for c in o.clocks {
                match r.clocks.iter_mut().find(|k| k.id == c.id) {
                    Some(k) => *k = c,
                    None => r.clocks.push(c),
                }
            }
        }
    }

    pub fn regimes(&self) -> &[Regime] {
        &self.regimes
    }

    pub fn regime(&self, id: &str) -> Option<&Regime> {
        self.regimes.iter().find(|r| r.id == id)
    }

    pub fn clock(&self, regime: &str, clock: &str) -> Option<&ClockRule> {
        self.regime(regime).and_then(|r| r.clock(clock))
    }

    /// The distinct calendar ids the clocks use, in order of first use.
    pub fn calendar_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for c in self.regimes.iter().flat_map(|r| &r.clocks) {
            if !ids.contains(&c.calendar.as_str()) {
                ids.push(&c.calendar);
            }
        }
        ids
    }
}

fn check_clock(c: &ClockRule) -> Result<(), String> {
    if c.zh.trim().is_empty() || c.en.trim().is_empty() {
        return Err("zh and en labels are required".into());
    }
    if c.basis.trim().is_empty() {
        return Err("basis (legal basis or source) is required".into());
    }
    if c.calendar.is_empty() {
        return Err("no calendar: set `calendar` on the clock or on its regime".into());
    }
    if c.amount == 0 || c.amount_days() > MAX_DAYS {
        return Err(format!("amount must be between 1 and {MAX_DAYS} days"));
    }
    if let Some(e) = &c.extension {
        if e.extra == 0 || e.extra > MAX_DAYS {
            return Err(format!("extension.extra must be between 1 and {MAX_DAYS}"));
        }
        if let Some(m) = e.max_total
            && m < c.amount_days()
        {
            return Err(format!("extension.max_total {m} is shorter than the clock itself ({})", c.amount_days()));
        }
    }
    Ok(())
}

/// A period during which the clock stands still (e.g. external appraisal, 鉴定). Both ends are
/// inclusive: the clock does not count `from`, `to` or any day between. An open pause
/// (`to: None`) is still running and is taken to last through `today` (or the day the clock
/// was met).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// A requested extension, in days of the clock's day count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub days: u32,
    #[serde(default)]
    pub reason: String,
    /// A notice of the extension to the complainant is on record.
    #[serde(default)]
    pub notice_recorded: bool,
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Running,
    /// An open pause is in force.
    Paused,
    /// Running, with `due_soon` days or fewer left.
    DueSoon,
    Overdue,
    Met,
    MetLate,
}

/// The result of [`compute`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockStatus {
    pub regime: String,
    /// The clock's id.
    pub rule: String,
    pub start: NaiveDate,
    pub due: NaiveDate,
    pub state: ClockState,
    /// Days from `today` (or from the day the clock was met) to the due date, in
    /// `remaining_unit`; 0 = due that day; negative when late (an overdue clock always shows
    /// −1 or less, even over a weekend).
    pub remaining: i64,
    pub remaining_unit: DayCount,
    /// Days excluded by pauses (in `remaining_unit`).
    pub paused_days: i64,
    /// Days added by accepted extensions.
    pub extension_days: u32,
    /// Refused extensions, ignored pauses, calendar mismatches.
    pub problems: Vec<String>,
    /// False when a date the computation relied on lies outside the calendar's data years
    /// (the weekday rule was used there). Always true for units that ignore holidays.
    pub covered: bool,
}

/// An inclusive pause in day numbers, clipped to the clock; `open` = still running.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    lo: i64,
    hi: i64,
    open: bool,
}

const INLINE_PAUSES: usize = 8;

fn late_pause(s: &Span, due: i64, problems: &mut Vec<String>) {
    problems.push(format!("pause from {} starts after the due date {}; not counted", date(s.lo), date(due)));
}

fn day(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

fn date(x: i64) -> NaiveDate {
    let clamped = x.clamp(day(NaiveDate::MIN), day(NaiveDate::MAX));
    NaiveDate::from_num_days_from_ce_opt(clamped as i32).unwrap_or(NaiveDate::MAX)
}

/// Compute a clock's status on `today`.
///
/// * The clock runs `rule.amount` units from `start` (see [`Unit`]), plus accepted extensions,
///   minus nothing: paused days are skipped, so each paused day (calendar day, or business day
///   for business units) pushes the due date by one day of the same kind.
/// * Pauses that end before the clock's first counted day, or start after the due date, are
///   not counted and reported in `problems`; overlapping pauses count once.
/// * Extensions are taken in order; one is refused (reported, not applied) when the clock has
///   no extension rule, when a required reason or notice is missing, when it is zero days, or
///   when it would exceed `extension.extra` or `extension.max_total`.
/// * `met_on` (the day the obligation was fulfilled) makes the state `met` or `met_late` and
///   measures `remaining` on that day instead of `today`.
pub fn compute(
    rule: &ClockRule,
    start: NaiveDate,
    pauses: &[Pause],
    extensions: &[Extension],
    cal: &Calendar,
    today: NaiveDate,
    met_on: Option<NaiveDate>,
) -> ClockStatus {
    let mut problems: Vec<String> = Vec::new();
    if cal.id() != rule.calendar {
        problems.push(format!("the clock uses calendar {:?} but was computed with {:?}", rule.calendar, cal.id()));
    }

    // Extensions.
    let amount = rule.amount_days();
    let mut extension_days = 0u32;
    for (i, e) in extensions.iter().enumerate() {
        let refusal = match &rule.extension {
            None => Some("this clock cannot be extended".to_string()),
            Some(_) if e.days == 0 => Some("an extension must be at least 1 day".to_string()),
            Some(x) if x.needs_reason && e.reason.trim().is_empty() => Some("a reason is required".to_string()),
            Some(x) if x.needs_notice && !e.notice_recorded => {
                Some("the notice to the complainant is not recorded".to_string())
            }
            Some(x) if extension_days.saturating_add(e.days) > x.extra => {
                Some(format!("extensions may add at most {} days in total ({extension_days} already added)", x.extra))
            }
            Some(x) => match x.max_total {
                Some(max) if amount.saturating_add(extension_days).saturating_add(e.days) > max => Some(format!(
                    "the clock would run {} days; at most {max} allowed",
                    amount.saturating_add(extension_days).saturating_add(e.days)
                )),
                _ => None,
            },
        };
        match refusal {
            Some(why) => problems.push(format!("extension #{} (+{} days) refused: {why}", i + 1, e.days)),
            None => extension_days += e.days,
        }
    }

    let unit = rule.unit;
    let counts = unit.counts();
    let sx = day(start);
    let met_x = met_on.map(day);
    // The day remaining days are measured from, and the day open pauses run to.
    let eval = met_x.unwrap_or(day(today));
    // The last uncounted day: the start day, or the day before it when the start day counts.
    let base = if unit == Unit::BusinessDaysClose { sx - 1 } else { sx };
    let length = i64::from(amount) + i64::from(extension_days);

    // Pauses: clip, sort and merge without allocating for the common case.
    let mut inline = [Span::default(); INLINE_PAUSES];
    let mut heap: Vec<Span> = Vec::new();
    let spans: &mut [Span] = if pauses.len() <= INLINE_PAUSES {
        &mut inline[..]
    } else {
        heap.resize(pauses.len(), Span::default());
        &mut heap[..]
    };
    let mut n = 0;
    for p in pauses {
        let from = day(p.from);
        let (hi, open) = match p.to {
            Some(to) => (day(to), false),
            None => (eval.max(from), true),
        };
        if hi < from {
            problems.push(format!("pause {} to {} ends before it starts; not counted", p.from, date(hi)));
            continue;
        }
        let lo = from.max(base + 1);
        if lo > hi {
            problems.push(format!("pause {} to {} ends before the clock starts; not counted", p.from, date(hi)));
            continue;
        }
        spans[n] = Span { lo, hi, open };
        n += 1;
    }
    let spans = &mut spans[..n];
    spans.sort_unstable_by_key(|s| s.lo);
    let mut m = 0;
    for i in 0..spans.len() {
        let s = spans[i];
        if m > 0 && s.lo <= spans[m - 1].hi + 1 {
            let last = &mut spans[m - 1];
            last.hi = last.hi.max(s.hi);
            last.open |= s.open;
        } else {
            spans[m] = s;
            m += 1;
        }
    }
    let spans = &spans[..m];

    // The due date.
    let mut paused_days = 0i64;
    let mut open_pause = false;
    let (due, last_counted) = match counts {
        _ if length == 0 => (sx, sx),
        DayCount::CalendarDays => {
            let mut last = base + length;
            for s in spans {
                if s.lo > last {
                    late_pause(s, last, &mut problems);
                    continue;
                }
                paused_days += s.hi - s.lo + 1;
                last += s.hi - s.lo + 1;
                open_pause |= s.open;
            }
            let due = if unit == Unit::CalendarDaysRoll { cal.next_business_number(last) } else { last };
            (due, last)
        }
        DayCount::BusinessDays => {
            let mut target = cal.rank(base) + length;
            for s in spans {
                let before = cal.rank(s.lo - 1);
                if before >= target {
                    late_pause(s, cal.unrank(target), &mut problems);
                    continue;
                }
                let count = cal.rank(s.hi) - before;
                paused_days += count;
                target += count;
                open_pause |= s.open;
            }
            let due = cal.unrank(target);
            (due, due)
        }
    };

    // Remaining days, measured on the day the clock was met or today.
    let remaining = match counts {
        DayCount::CalendarDays => due - eval,
        DayCount::BusinessDays => {
            let r = cal.rank(due) - cal.rank(eval);
            if eval > due { r.min(-1) } else { r }
        }
    };

    let state = match met_x {
        Some(m) if m <= due => ClockState::Met,
        Some(_) => ClockState::MetLate,
        None if open_pause => ClockState::Paused,
        None if eval > due => ClockState::Overdue,
        None if rule.due_soon.is_some_and(|t| remaining <= i64::from(t)) => ClockState::DueSoon,
        None => ClockState::Running,
    };

    let covered = match unit {
        Unit::CalendarDays | Unit::Weeks => true,
        // Only the last day of the count (and the roll after it) depends on the calendar.
        Unit::CalendarDaysRoll => cal.covers_range_number(last_counted, due),
        Unit::BusinessDays | Unit::BusinessDaysClose => cal.covers_range_number(sx.min(eval), due.max(eval).max(sx)),
    };

    ClockStatus {
        regime: rule.regime.clone(),
        rule: rule.id.clone(),
        start,
        due: date(due),
        state,
        remaining,
        remaining_unit: counts,
        paused_days,
        extension_days,
        problems,
        covered,
    }
}
