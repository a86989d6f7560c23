//! Business-day calendars as data.
//!
//! A calendar is a weekday rule (Monday to Friday work, Saturday and Sunday rest) corrected by
//! one data file per calendar-year: the public holidays (days off, whatever the weekday) and,
//! for mainland China, the adjusted working weekend days (调休上班). The shipped years are
//! embedded in the binary; an institution adds or replaces years with its own files, in the
//! format described in `docs/CALENDARS.md`.
//!
//! Outside the years a calendar has data for, the weekday rule applies; [`Calendar::covers`]
//! tells callers when that happened so that they can say so.
//!
//! Everything is pure: no IO, no clock reads. After construction every query is O(1) except
//! [`Calendar::add_business_days`] and [`Calendar::next_business_day_on_or_after`], which are a
//! binary search over the covered days (O(log days)).

use crate::error::Error;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer};
use std::sync::OnceLock;

/// The calendars shipped with tousu: id and one embedded TOML file per year.
const BUILTIN: &[(&str, &[&str])] = &[
    ("cn", &[include_str!("../data/calendars/cn-2025.toml"), include_str!("../data/calendars/cn-2026.toml")]),
    ("uk-ew", &[include_str!("../data/calendars/uk-ew-2025.toml"), include_str!("../data/calendars/uk-ew-2026.toml")]),
    (
        "us-federal",
        &[
            include_str!("../data/calendars/us-federal-2025.toml"),
            include_str!("../data/calendars/us-federal-2026.toml"),
        ],
    ),
];

/// Years a calendar file may describe.
const YEAR_MIN: i32 = 1900;
const YEAR_MAX: i32 = 2199;
/// A file for year Y may list days up to this many days before 1 January or after 31 December
/// of Y (a notice for Y sometimes starts the New Year holiday on 30 or 31 December of Y-1).
const YEAR_SLACK_DAYS: i64 = 31;
/// Longest holiday range accepted (catches typos such as a wrong month).
const MAX_HOLIDAY_DAYS: i64 = 31;

/// A public holiday (a range of days off) as listed in a calendar file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Holiday {
    pub from: NaiveDate,
    /// Inclusive; equal to `from` for a one-day holiday.
    pub to: NaiveDate,
    pub name: String,
    pub name_en: Option<String>,
}

/// A Saturday or Sunday that is a working day (调休上班).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WorkingDay {
    pub date: NaiveDate,
    pub note: Option<String>,
}

/// A business-day calendar: weekday rule plus per-year holiday and working-day data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    id: String,
    /// Day number (see [`day_number`]) of the first day of `prefix`.
    base: i64,
    /// `prefix[i]` = number of business days in `[base, base + i]`.
    prefix: Vec<u32>,
    /// Weekday-rule count `wcount(base - 1)`, `wcount(end)` and `prefix[last]`, cached.
    w_before: i64,
    w_end: i64,
    p_end: i64,
    /// Inclusive day-number ranges of the years that have data, merged when contiguous.
    covered: Vec<(i64, i64)>,
    years: Vec<i32>,
    holidays: Vec<Holiday>,
    working_days: Vec<WorkingDay>,
    sources: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Day numbers and the weekday rule.
//
// A day number is chrono's `num_days_from_ce` (0001-01-01 = 1, a Monday), widened to i64 so that
// additions never overflow. `x.rem_euclid(7)` is then 1 for Monday … 5 for Friday, 6 for Saturday
// and 0 for Sunday.

fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// The date of a day number, clamped to chrono's range (only reachable with absurd inputs such
/// as adding four billion business days).
fn date_of(x: i64) -> NaiveDate {
    let min = day_number(NaiveDate::MIN);
    let max = day_number(NaiveDate::MAX);
    let clamped = x.clamp(min, max);
    // In range by construction; the fallback is unreachable.
    NaiveDate::from_num_days_from_ce_opt(clamped as i32).unwrap_or(NaiveDate::MAX)
}

fn is_weekday_number(x: i64) -> bool {
    (1..=5).contains(&x.rem_euclid(7))
}

/// Number of weekdays (Mon–Fri) among day numbers `1..=x`, extended to all integers so that
/// `wcount(b) - wcount(a)` is the number of weekdays in `(a, b]` for any `a <= b`.
fn wcount(x: i64) -> i64 {
    5 * x.div_euclid(7) + x.rem_euclid(7).min(5)
}

/// The smallest day number `x` with `wcount(x) >= t` (always a weekday).
fn wcount_inverse(t: i64) -> i64 {
    let q = (t - 1).div_euclid(5);
    let r = (t - 1).rem_euclid(5);
    7 * q + r + 1
}

// ---------------------------------------------------------------------------------------------
// File format (see docs/CALENDARS.md).

/// A date in a data file: a TOML local date (`2025-01-28`) or a string `"2025-01-28"`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TomlDate(pub(crate) NaiveDate);

impl<'de> Deserialize<'de> for TomlDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let v = toml::Value::deserialize(deserializer)?;
        let date = match &v {
            toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                }
                _ => None,
            },
            toml::Value::String(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
            _ => None,
        };
        date.map(TomlDate).ok_or_else(|| {
            let found = match &v {
                toml::Value::Datetime(dt) => dt.to_string(),
                toml::Value::String(s) => format!("{s:?}"),
                other => other.type_str().to_string(),
            };
            D::Error::custom(format!("expected a date such as 2025-01-28, found {found}"))
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    calendar: String,
    year: i32,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    holiday: Vec<RawHoliday>,
    #[serde(default)]
    working_day: Vec<RawWorkingDay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    #[serde(default)]
    name_en: Option<String>,
    from: TomlDate,
    #[serde(default)]
    to: Option<TomlDate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkingDay {
    date: TomlDate,
    #[serde(default)]
    note: Option<String>,
}

fn bad(what: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidData { what: what.into(), reason: reason.into() }
}

/// Parse and check one year file.
fn parse_year(id: &str, index: usize, src: &str) -> Result<RawYear, Error> {
    let what = format!("calendar {id:?} file #{}", index + 1);
    let raw: RawYear = toml::from_str(src).map_err(|e| bad(&what, e.to_string()))?;
    let what = format!("calendar {id:?} file #{} (year {})", index + 1, raw.year);
    if raw.calendar != id {
        return Err(bad(what, format!("the file is for calendar {:?}, not {id:?}", raw.calendar)));
    }
    if !(YEAR_MIN..=YEAR_MAX).contains(&raw.year) {
        return Err(bad(what, format!("year must be between {YEAR_MIN} and {YEAR_MAX}")));
    }
    let (y0, y1) = year_bounds(raw.year);
    let in_reach = |d: NaiveDate| {
        let x = day_number(d);
        x >= y0 - YEAR_SLACK_DAYS && x <= y1 + YEAR_SLACK_DAYS
    };
    for h in &raw.holiday {
        let (from, to) = (h.from.0, h.to.map_or(h.from.0, |t| t.0));
        if h.name.trim().is_empty() {
            return Err(bad(what, format!("the holiday starting {from} has no name")));
        }
        if to < from {
            return Err(bad(what, format!("holiday {:?}: `to` {to} is before `from` {from}", h.name)));
        }
        if day_number(to) - day_number(from) + 1 > MAX_HOLIDAY_DAYS {
            return Err(bad(what, format!("holiday {:?} is longer than {MAX_HOLIDAY_DAYS} days", h.name)));
        }
        if !in_reach(from) || !in_reach(to) {
            return Err(bad(what, format!("holiday {:?} ({from} to {to}) is not in {}", h.name, raw.year)));
        }
    }
    for w in &raw.working_day {
        let d = w.date.0;
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            return Err(bad(
                what,
                format!("working day {d} is a {}; only a Saturday or Sunday can be a working day", d.weekday()),
            ));
        }
        if !in_reach(d) {
            return Err(bad(what, format!("working day {d} is not in {}", raw.year)));
        }
        if let Some(h) = raw.holiday.iter().find(|h| h.from.0 <= d && d <= h.to.map_or(h.from.0, |t| t.0)) {
            return Err(bad(what, format!("{d} is listed both as a working day and in holiday {:?}", h.name)));
        }
    }
    Ok(raw)
}

/// Day numbers of 1 January and 31 December of `year`.
fn year_bounds(year: i32) -> (i64, i64) {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).map_or(0, day_number);
    let last = NaiveDate::from_ymd_opt(year, 12, 31).map_or(0, day_number);
    (first, last)
}

impl Calendar {
    /// Build a calendar from year files (TOML text, not paths). Files are applied in year
    /// order; when two files describe the same year, the later one in `files` replaces the
    /// earlier (this is how an institution overrides a shipped year). With no files the
    /// calendar is the plain weekday rule and covers no year.
    pub fn from_toml_files(id: &str, files: &[&str]) -> Result<Calendar, Error> {
        let mut by_year: Vec<RawYear> = Vec::with_capacity(files.len());
        for (i, src) in files.iter().enumerate() {
            let raw = parse_year(id, i, src)?;
            if let Some(slot) = by_year.iter_mut().find(|r| r.year == raw.year) {
                *slot = raw;
            } else {
                by_year.push(raw);
            }
        }
        by_year.sort_by_key(|r| r.year);
        Ok(Self::build(id, by_year))
    }

    /// A shipped calendar (`"cn"`, `"uk-ew"`, `"us-federal"`) with all its shipped years, or
    /// `None` for an unknown id. Parsed once per process and cloned.
    pub fn builtin(id: &str) -> Option<Calendar> {
        static CACHE: OnceLock<Vec<Calendar>> = OnceLock::new();
        let all = CACHE.get_or_init(|| {
            // The embedded files are checked by the tests; a broken one leaves its calendar out.
            BUILTIN.iter().filter_map(|(id, files)| Calendar::from_toml_files(id, files).ok()).collect()
        });
        all.iter().find(|c| c.id == id).cloned()
    }

    /// A shipped calendar plus an institution's own year files (which add years or replace
    /// shipped ones). An unknown `id` starts from the weekday rule.
    pub fn builtin_with(id: &str, extra_files: &[&str]) -> Result<Calendar, Error> {
        let mut files: Vec<&str> = Self::builtin_files(id).unwrap_or(&[]).to_vec();
        files.extend_from_slice(extra_files);
        Self::from_toml_files(id, &files)
    }

    /// The ids of the shipped calendars.
    pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(id, _)| *id)
    }

    /// The embedded year files of a shipped calendar (TOML text).
    pub fn builtin_files(id: &str) -> Option<&'static [&'static str]> {
        BUILTIN.iter().find(|(i, _)| *i == id).map(|(_, f)| *f)
    }

    fn build(id: &str, years: Vec<RawYear>) -> Calendar {
        let mut holidays = Vec::new();
        let mut working_days = Vec::new();
        let mut sources = Vec::new();
        let mut covered: Vec<(i64, i64)> = Vec::new();
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for y in &years {
            let (a, b) = year_bounds(y.year);
            lo = lo.min(a);
            hi = hi.max(b);
            for h in &y.holiday {
                lo = lo.min(day_number(h.from.0));
                hi = hi.max(day_number(h.to.map_or(h.from.0, |t| t.0)));
            }
            for w in &y.working_day {
                lo = lo.min(day_number(w.date.0));
                hi = hi.max(day_number(w.date.0));
            }
            match covered.last_mut() {
                Some(last) if last.1 + 1 == a => last.1 = b,
                _ => covered.push((a, b)),
            }
        }
        let (base, len) = if years.is_empty() { (1, 0) } else { (lo, (hi - lo + 1) as usize) };
        let mut business: Vec<bool> = (0..len as i64).map(|i| is_weekday_number(base + i)).collect();
        for y in &years {
            for h in &y.holiday {
                let to = h.to.map_or(h.from.0, |t| t.0);
                for x in day_number(h.from.0)..=day_number(to) {
                    business[(x - base) as usize] = false;
                }
                holidays.push(Holiday { from: h.from.0, to, name: h.name.clone(), name_en: h.name_en.clone() });
            }
            for w in &y.working_day {
                business[(day_number(w.date.0) - base) as usize] = true;
                working_days.push(WorkingDay { date: w.date.0, note: w.note.clone() });
            }
            if let Some(s) = &y.source {
                sources.push(s.clone());
            }
        }
        let mut prefix = Vec::with_capacity(len);
        let mut n = 0u32;
        for b in business {
            n += u32::from(b);
            prefix.push(n);
        }
        let end = base + len as i64 - 1;
        Calendar {
            id: id.to_string(),
            base,
            w_before: wcount(base - 1),
            w_end: wcount(end),
            p_end: prefix.last().map_or(0, |&p| i64::from(p)),
            prefix,
            covered,
            years: years.iter().map(|y| y.year).collect(),
            holidays,
            working_days,
            sources,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The years this calendar has data for, ascending.
    pub fn years(&self) -> &[i32] {
        &self.years
    }

    /// Holidays of all years, in year order then file order.
    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    /// Adjusted working weekend days (调休上班) of all years.
    pub fn working_days(&self) -> &[WorkingDay] {
        &self.working_days
    }

    /// The `source` lines of the year files, in year order.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// The name of the holiday `d` falls in, if any.
    pub fn holiday_name(&self, d: NaiveDate) -> Option<&str> {
        self.holidays.iter().rev().find(|h| h.from <= d && d <= h.to).map(|h| h.name.as_str())
    }

    /// Whether the calendar has data for the year of `d`. When it has not, every answer for
    /// `d` comes from the weekday rule alone.
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.covers_range_number(day_number(d), day_number(d))
    }

    /// Whether every day from `a` to `b` (inclusive, either order) is in a covered year.
    pub fn covers_range(&self, a: NaiveDate, b: NaiveDate) -> bool {
        let (x, y) = (day_number(a), day_number(b));
        self.covers_range_number(x.min(y), x.max(y))
    }

    pub(crate) fn covers_range_number(&self, a: i64, b: i64) -> bool {
        self.covered.iter().any(|&(lo, hi)| lo <= a && b <= hi)
    }

    /// A weekday that is not a holiday, or an adjusted working weekend day.
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        self.is_business_number(day_number(d))
    }

    pub(crate) fn is_business_number(&self, x: i64) -> bool {
        let i = x - self.base;
        if i >= 0 && (i as usize) < self.prefix.len() {
            let i = i as usize;
            let before = if i == 0 { 0 } else { self.prefix[i - 1] };
            self.prefix[i] > before
        } else {
            is_weekday_number(x)
        }
    }

    /// Business-day rank: the number of business days in `(epoch, x]` for a fixed epoch, so
    /// that `rank(b) - rank(a)` counts the business days in `(a, b]`.
    pub(crate) fn rank(&self, x: i64) -> i64 {
        let i = x - self.base;
        let len = self.prefix.len() as i64;
        if i < 0 || len == 0 {
            wcount(x) - self.w_before
        } else if i < len {
            i64::from(self.prefix[i as usize])
        } else {
            self.p_end + wcount(x) - self.w_end
        }
    }

    /// The smallest day number whose rank is at least `t` (always a business day).
    pub(crate) fn unrank(&self, t: i64) -> i64 {
        if self.prefix.is_empty() || t <= 0 {
            wcount_inverse(t + self.w_before)
        } else if t <= self.p_end {
            let t = t as u32;
            self.base + self.prefix.partition_point(|&p| p < t) as i64
        } else {
            wcount_inverse(t - self.p_end + self.w_end)
        }
    }

    /// `d` itself when it is a business day, else the first business day after it.
    pub fn next_business_day_on_or_after(&self, d: NaiveDate) -> NaiveDate {
        date_of(self.next_business_number(day_number(d)))
    }

    pub(crate) fn next_business_number(&self, x: i64) -> i64 {
        self.unrank(self.rank(x - 1) + 1)
    }

    /// The `n`-th business day after `start`; `start` itself is never counted. `n == 0`
    /// returns `start` unchanged (business day or not).
    pub fn add_business_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return start;
        }
        let x = day_number(start);
        date_of(self.unrank(self.rank(x) + i64::from(n)))
    }

    /// The number of business days in `(a, b]`; negative (minus the count in `(b, a]`) when
    /// `b < a`.
    pub fn business_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        self.rank(day_number(b)) - self.rank(day_number(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cn() -> Calendar {
        Calendar::builtin("cn").unwrap()
    }

    #[test]
    fn builtins_parse() {
        for (id, files) in BUILTIN {
            let cal = Calendar::from_toml_files(id, files).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(cal.years(), &[2025, 2026], "{id}");
            assert_eq!(cal.sources().len(), 2, "{id}");
            assert_eq!(Calendar::builtin(id).unwrap(), cal);
        }
        assert!(Calendar::builtin("mars").is_none());
        assert_eq!(Calendar::builtin_ids().collect::<Vec<_>>(), ["cn", "uk-ew", "us-federal"]);
    }

    #[test]
    fn weekday_arithmetic_agrees_with_chrono() {
        let mut x = day_number(d("2019-12-01"));
        let mut count = 0i64;
        let w0 = wcount(x);
        for _ in 0..3000 {
            x += 1;
            let date = date_of(x);
            let weekday = !matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
            assert_eq!(is_weekday_number(x), weekday, "{date}");
            count += i64::from(weekday);
            assert_eq!(wcount(x) - w0, count, "{date}");
            if weekday {
                assert_eq!(wcount_inverse(wcount(x)), x, "{date}");
            }
        }
    }

    /// The 2025 and 2026 tables of DOMAIN.md §2, day by day.
    const CN_DAYS_OFF: &[(&str, &str)] = &[
        ("2025-01-01", "2025-01-01"),
        ("2025-01-28", "2025-02-04"),
        ("2025-04-04", "2025-04-06"),
        ("2025-05-01", "2025-05-05"),
        ("2025-05-31", "2025-06-02"),
        ("2025-10-01", "2025-10-08"),
        ("2026-01-01", "2026-01-03"),
        ("2026-02-15", "2026-02-23"),
        ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"),
        ("2026-09-25", "2026-09-27"),
        ("2026-10-01", "2026-10-07"),
    ];
    const CN_WORKING_WEEKEND: &[(&str, Weekday)] = &[
        ("2025-01-26", Weekday::Sun),
        ("2025-02-08", Weekday::Sat),
        ("2025-04-27", Weekday::Sun),
        ("2025-09-28", Weekday::Sun),
        ("2025-10-11", Weekday::Sat),
        ("2026-01-04", Weekday::Sun),
        ("2026-02-14", Weekday::Sat),
        ("2026-02-28", Weekday::Sat),
        ("2026-05-09", Weekday::Sat),
        ("2026-09-20", Weekday::Sun),
        ("2026-10-10", Weekday::Sat),
    ];

    #[test]
    fn cn_matches_the_state_council_notices() {
        let cal = cn();
        // Every listed range is exactly a holiday of the data, in order.
        let listed: Vec<(NaiveDate, NaiveDate)> = cal.holidays().iter().map(|h| (h.from, h.to)).collect();
        let expected: Vec<(NaiveDate, NaiveDate)> = CN_DAYS_OFF.iter().map(|(a, b)| (d(a), d(b))).collect();
        assert_eq!(listed, expected);
        // Every weekend-working day is really a Saturday/Sunday (and the one the notice says).
        let working: Vec<NaiveDate> = cal.working_days().iter().map(|w| w.date).collect();
        assert_eq!(working, CN_WORKING_WEEKEND.iter().map(|(s, _)| d(s)).collect::<Vec<_>>());
        for (s, wd) in CN_WORKING_WEEKEND {
            assert_eq!(d(s).weekday(), *wd, "{s}");
            assert!(cal.is_business_day(d(s)), "{s}");
        }
        // Day by day over both years: off inside a range, working on a listed weekend day,
        // weekday rule elsewhere.
        let mut day = d("2025-01-01");
        while day <= d("2026-12-31") {
            let off = CN_DAYS_OFF.iter().any(|(a, b)| d(a) <= day && day <= d(b));
            let adjusted = CN_WORKING_WEEKEND.iter().any(|(s, _)| d(s) == day);
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            assert_eq!(cal.is_business_day(day), adjusted || (!off && !weekend), "{day}");
            assert!(cal.covers(day));
            day = day.succ_opt().unwrap();
        }
        // Working days per year: 2025 has 261 weekdays − 18 holiday weekdays (Jan 1; Jan 28–31,
        // Feb 3–4; Apr 4; May 1, 2, 5; Jun 2; Oct 1–3, 6–8) + 5 调休 = 248. 2026: 261 − 19
        // (Jan 1–2; Feb 16–20, 23; Apr 6; May 1, 4, 5; Jun 19; Sep 25; Oct 1, 2, 5, 6, 7) + 6 = 248.
        assert_eq!(cal.business_days_between(d("2024-12-31"), d("2025-12-31")), 248);
        assert_eq!(cal.business_days_between(d("2025-12-31"), d("2026-12-31")), 248);
        assert_eq!(cal.holiday_name(d("2025-02-01")), Some("春节"));
        assert_eq!(cal.holiday_name(d("2025-02-08")), None);
    }

    #[test]
    fn uk_and_us_lists() {
        let uk = Calendar::builtin("uk-ew").unwrap();
        let uk_days = [
            "2025-01-01",
            "2025-04-18",
            "2025-04-21",
            "2025-05-05",
            "2025-05-26",
            "2025-08-25",
            "2025-12-25",
            "2025-12-26",
            "2026-01-01",
            "2026-04-03",
            "2026-04-06",
            "2026-05-04",
            "2026-05-25",
            "2026-08-31",
            "2026-12-25",
            "2026-12-28",
        ];
        assert_eq!(uk.holidays().iter().map(|h| h.from).collect::<Vec<_>>(), uk_days.map(d).to_vec());
        let us = Calendar::builtin("us-federal").unwrap();
        let us_days = [
            "2025-01-01",
            "2025-01-20",
            "2025-02-17",
            "2025-05-26",
            "2025-06-19",
            "2025-07-04",
            "2025-09-01",
            "2025-10-13",
            "2025-11-11",
            "2025-11-27",
            "2025-12-25",
            "2026-01-01",
            "2026-01-19",
            "2026-02-16",
            "2026-05-25",
            "2026-06-19",
            "2026-07-03",
            "2026-09-07",
            "2026-10-12",
            "2026-11-11",
            "2026-11-26",
            "2026-12-25",
        ];
        assert_eq!(us.holidays().iter().map(|h| h.from).collect::<Vec<_>>(), us_days.map(d).to_vec());
        for cal in [&uk, &us] {
            for h in cal.holidays() {
                assert_eq!(h.from, h.to);
                // Observed days are weekdays, so each one removes a business day.
                assert!(!matches!(h.from.weekday(), Weekday::Sat | Weekday::Sun), "{} {}", cal.id(), h.from);
                assert!(!cal.is_business_day(h.from));
            }
            assert!(cal.working_days().is_empty());
        }
        // 2025: 261 weekdays − 8 bank holidays; 2026: 261 − 8. US: 261 − 11 and 261 − 11.
        assert_eq!(uk.business_days_between(d("2024-12-31"), d("2025-12-31")), 253);
        assert_eq!(uk.business_days_between(d("2025-12-31"), d("2026-12-31")), 253);
        assert_eq!(us.business_days_between(d("2024-12-31"), d("2025-12-31")), 250);
        assert_eq!(us.business_days_between(d("2025-12-31"), d("2026-12-31")), 250);
    }

    /// Business-day additions on the CN calendar; each row worked out by hand.
    #[test]
    fn cn_business_day_table() {
        let cal = cn();
        let rows: &[(&str, u32, &str)] = &[
            // Fri 2025-01-24 + 1: Sat 25 is off, Sun 26 is a 调休 working day → Sun 2025-01-26.
            ("2025-01-24", 1, "2025-01-26"),
            // Fri 2025-01-24 + 3: Sun 26 (1), Mon 27 (2), Jan 28–Feb 4 off, Wed Feb 5 (3).
            ("2025-01-24", 3, "2025-02-05"),
            // Mon 2025-01-27 + 1: Spring Festival Jan 28–Feb 4 → Wed 2025-02-05.
            ("2025-01-27", 1, "2025-02-05"),
            // Thu 2025-02-06 + 2: Fri 7 (1), Sat 8 is a 调休 working day (2) → Sat 2025-02-08.
            ("2025-02-06", 2, "2025-02-08"),
            // Fri 2025-02-07 + 2: Sat 8 (1), Sun 9 off, Mon 10 (2) → Mon 2025-02-10.
            ("2025-02-07", 2, "2025-02-10"),
            // Fri 2025-09-26 + 1: Sat 27 off, Sun 28 working (调休) → Sun 2025-09-28.
            ("2025-09-26", 1, "2025-09-28"),
            // Sun 2025-09-28 + 3: Mon 29 (1), Tue 30 (2), Oct 1–8 off, Thu Oct 9 (3).
            ("2025-09-28", 3, "2025-10-09"),
            // Thu 2025-10-09 + 2: Fri 10 (1), Sat 11 working (2) → Sat 2025-10-11.
            ("2025-10-09", 2, "2025-10-11"),
            // Fri 2026-02-13 + 1: Sat 14 is a 调休 working day → Sat 2026-02-14.
            ("2026-02-13", 1, "2026-02-14"),
            // Sat 2026-02-14 + 1: Sun 15 … Mon 23 off (Spring Festival) → Tue 2026-02-24.
            ("2026-02-14", 1, "2026-02-24"),
            // Tue 2026-02-24 + 4: Wed 25 (1), Thu 26 (2), Fri 27 (3), Sat 28 working (4).
            ("2026-02-24", 4, "2026-02-28"),
            // Wed 2026-09-30 + 1: Oct 1–7 off, Thu Oct 8 (1).
            ("2026-09-30", 1, "2026-10-08"),
            // Thu 2026-10-08 + 3: Fri 9 (1), Sat 10 working (2), Sun 11 off, Mon 12 (3).
            ("2026-10-08", 3, "2026-10-12"),
            // n = 0 returns the start unchanged, even on a holiday.
            ("2025-02-01", 0, "2025-02-01"),
        ];
        for (start, n, want) in rows {
            let got = cal.add_business_days(d(start), *n);
            assert_eq!(got, d(want), "{start} + {n}");
            assert_eq!(cal.business_days_between(d(start), got), i64::from(*n), "{start} + {n}");
        }
        // next business day on or after: Sat 2025-02-01 (holiday) → Wed 2025-02-05;
        // Sat 2025-02-08 (调休) → itself; Sun 2025-02-09 → Mon 2025-02-10.
        assert_eq!(cal.next_business_day_on_or_after(d("2025-02-01")), d("2025-02-05"));
        assert_eq!(cal.next_business_day_on_or_after(d("2025-02-08")), d("2025-02-08"));
        assert_eq!(cal.next_business_day_on_or_after(d("2025-02-09")), d("2025-02-10"));
        // (a, b]: Mon 2025-01-27 → Wed 2025-02-05 contains only Feb 5.
        assert_eq!(cal.business_days_between(d("2025-01-27"), d("2025-02-05")), 1);
        assert_eq!(cal.business_days_between(d("2025-02-05"), d("2025-01-27")), -1);
    }

    #[test]
    fn outside_covered_years_weekday_rule() {
        let cal = cn();
        // 2024 and 2027 are not covered: weekday rule (2027-01-01 is a Friday, a weekday).
        assert!(!cal.covers(d("2024-12-31")));
        assert!(!cal.covers(d("2027-01-01")));
        assert!(cal.is_business_day(d("2027-01-01")));
        // Tue 2024-12-31 + 1 = Wed 2025-01-01, a holiday → Thu 2025-01-02.
        assert_eq!(cal.add_business_days(d("2024-12-31"), 1), d("2025-01-02"));
        // Thu 2026-12-31 + 2: Fri 2027-01-01 (1, weekday rule), Mon 2027-01-04 (2).
        assert_eq!(cal.add_business_days(d("2026-12-31"), 2), d("2027-01-04"));
        // Across the covered block from 2024 to 2027: 2024-12-31 → 2027-01-04 is 248 + 248 + 2.
        assert_eq!(cal.business_days_between(d("2024-12-31"), d("2027-01-04")), 498);
        assert!(!cal.covers_range(d("2024-12-31"), d("2025-01-02")));
        assert!(cal.covers_range(d("2026-12-31"), d("2025-01-01")));
        // An empty calendar is the weekday rule.
        let plain = Calendar::from_toml_files("plain", &[]).unwrap();
        assert!(!plain.covers(d("2025-01-01")));
        assert_eq!(plain.add_business_days(d("2025-01-31"), 1), d("2025-02-03"));
        assert_eq!(plain.next_business_day_on_or_after(d("2025-02-01")), d("2025-02-03"));
    }

    #[test]
    fn institution_files_add_and_replace_years() {
        // A 2027 file added to the shipped years; a replacement 2025 file without 调休.
        let y2027 = r#"
            calendar = "cn"
            year = 2027
            [[holiday]]
            name = "元旦"
            from = "2027-01-01"
        "#;
        let y2025 = "calendar = \"cn\"\nyear = 2025\n";
        let cal = Calendar::builtin_with("cn", &[y2027, y2025]).unwrap();
        assert_eq!(cal.years(), &[2025, 2026, 2027]);
        assert!(cal.covers(d("2027-06-01")));
        assert!(!cal.is_business_day(d("2027-01-01")));
        assert!(cal.is_business_day(d("2025-01-28")), "2025 replaced by an empty year");
        assert!(!cal.is_business_day(d("2025-02-08")));
        // A gap year is not covered but still answered by the weekday rule.
        let gap = Calendar::from_toml_files("cn", &[Calendar::builtin_files("cn").unwrap()[0], y2027]).unwrap();
        assert!(!gap.covers(d("2026-03-02")));
        assert!(gap.is_business_day(d("2026-02-16")), "no 2026 data: Monday is a weekday");
        assert_eq!(gap.add_business_days(d("2026-12-31"), 1), d("2027-01-04"));
    }

    #[test]
    fn bad_files_are_refused_with_reasons() {
        let cases: &[(&str, &str)] = &[
            ("calendar = \"uk-ew\"\nyear = 2025\n", "not \"cn\""),
            ("calendar = \"cn\"\nyear = 1066\n", "year must be"),
            ("calendar = \"cn\"\nyear = 2025\n[[working_day]]\ndate = 2025-01-27\n", "only a Saturday or Sunday"),
            (
                "calendar = \"cn\"\nyear = 2025\n[[holiday]]\nname = \"x\"\nfrom = 2025-02-04\nto = 2025-01-28\n",
                "before",
            ),
            (
                "calendar = \"cn\"\nyear = 2025\n[[holiday]]\nname = \"x\"\nfrom = 2025-01-28\nto = 2025-12-04\n",
                "longer",
            ),
            ("calendar = \"cn\"\nyear = 2025\n[[holiday]]\nname = \"x\"\nfrom = 2027-01-01\n", "not in 2025"),
            ("calendar = \"cn\"\nyear = 2025\n[[holiday]]\nname = \"\"\nfrom = 2025-01-01\n", "no name"),
            ("calendar = \"cn\"\nyear = 2025\n[[holiday]]\nname = \"x\"\nfrom = \"2025-13-01\"\n", "expected a date"),
            ("calendar = \"cn\"\nyear = 2025\nholidays = []\n", "unknown field"),
            (
                "calendar = \"cn\"\nyear = 2025\n[[holiday]]\nname = \"春节\"\nfrom = 2025-02-01\nto = 2025-02-08\n\
                 [[working_day]]\ndate = 2025-02-08\n",
                "both as a working day",
            ),
        ];
        for (src, needle) in cases {
            let err = Calendar::from_toml_files("cn", &[src]).unwrap_err();
            assert!(matches!(err, Error::InvalidData { .. }));
            assert!(err.to_string().contains(needle), "{src}: {err}");
        }
        // A New Year holiday starting on 31 December of the previous year is accepted.
        let ok = "calendar = \"cn\"\nyear = 2030\n[[holiday]]\nname = \"元旦\"\nfrom = 2029-12-31\nto = 2030-01-01\n";
        let cal = Calendar::from_toml_files("cn", &[ok]).unwrap();
        assert!(!cal.is_business_day(d("2029-12-31")));
        assert!(!cal.covers(d("2029-12-31")));
    }

    #[test]
    fn huge_additions_clamp_instead_of_panicking() {
        let cal = cn();
        assert_eq!(cal.add_business_days(d("2025-01-01"), u32::MAX), NaiveDate::MAX);
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        // 2023-01-01 … 2028-12-31: covered years and the weekday rule on both sides.
        (0i64..6 * 366).prop_map(|i| d("2023-01-01") + chrono::Duration::days(i))
    }

    proptest! {
        #[test]
        fn add_business_days_properties(start in any_date(), n in 0u32..800, m in 0u32..800) {
            for id in ["cn", "uk-ew", "us-federal"] {
                let cal = Calendar::builtin(id).unwrap();
                let a = cal.add_business_days(start, n);
                if n > 0 {
                    prop_assert!(cal.is_business_day(a));
                    prop_assert!(a > start);
                }
                prop_assert_eq!(cal.business_days_between(start, a), i64::from(n));
                let b = cal.add_business_days(start, m);
                prop_assert_eq!(n.cmp(&m), a.cmp(&b), "monotone in n");
                let next = cal.next_business_day_on_or_after(start);
                prop_assert!(cal.is_business_day(next) && next >= start);
                prop_assert!(cal.business_days_between(start, next) <= 1);
            }
        }
    }
}
