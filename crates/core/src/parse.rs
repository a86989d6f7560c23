//! Parsing of dates and date-times in the forms complaint sheets use.
//!
//! ISO (`2024-03-01`, `2024-03-01 14:05`, `2024-03-01T14:05:09`), slashes and dots
//! (`2024/3/1`, `2024.3.1`), Chinese (`2024年3月1日`, `2024年3月1日 14时05分`), compact
//! (`20240301`), Excel serial numbers (`45352`, `45352.5`) and day/month/year forms
//! (`03/22/23`, `3/1/2024`) whose order comes from [`DateOrder`].

use crate::Error;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// How to read `a/b/c` dates whose year comes last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// Decide from the values; a date that could be read both ways is refused as ambiguous.
    #[default]
    Auto,
    /// Month first (US): 03/22/23.
    Mdy,
    /// Day first (UK, most of the world): 22/03/23.
    Dmy,
}

impl DateOrder {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Some(DateOrder::Auto),
            "mdy" | "us" => Some(DateOrder::Mdy),
            "dmy" | "uk" => Some(DateOrder::Dmy),
            _ => None,
        }
    }
}

/// The last Excel serial day accepted (9999-12-31).
const EXCEL_MAX_SERIAL: f64 = 2_958_465.0;

/// Convert an Excel serial date (1900 date system, with Lotus's phantom 1900-02-29) to a
/// date-time.
pub fn from_excel_serial(serial: f64) -> Option<NaiveDateTime> {
    if !(1.0..=EXCEL_MAX_SERIAL).contains(&serial) || !serial.is_finite() {
        return None;
    }
    let days = serial.trunc() as i64;
    let secs = ((serial - serial.trunc()) * 86_400.0).round() as i64;
    // Serial 1 = 1900-01-01; serials after 60 are offset by the phantom leap day.
    let base = NaiveDate::from_ymd_opt(1899, 12, 31)?;
    let date = if days > 60 { base + Duration::days(days - 1) } else { base + Duration::days(days) };
    date.and_hms_opt(0, 0, 0).map(|d| d + Duration::seconds(secs))
}

fn fold(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFF10 + '0' as u32).unwrap_or(c),
            '／' => '/',
            '－' => '-',
            '：' => ':',
            '．' => '.',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

fn year2(y: u32) -> i32 {
    // Two-digit years: 00-68 → 2000s, 69-99 → 1900s (the POSIX rule).
    if y < 69 { 2000 + y as i32 } else { 1900 + y as i32 }
}

fn ymd(value: &str, y: i32, m: u32, d: u32) -> Result<NaiveDate, Error> {
    if !(1900..=2100).contains(&y) {
        return Err(Error::date(value, format!("year {y} out of range 1900-2100")));
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| Error::date(value, format!("no such day: {y:04}-{m:02}-{d:02}")))
}

fn nums(s: &str) -> Option<Vec<u32>> {
    let parts: Vec<&str> = s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    if parts.iter().any(|p| p.len() > 4) {
        return None;
    }
    parts.iter().map(|p| p.parse().ok()).collect()
}

fn parse_time(value: &str, t: &str) -> Result<NaiveTime, Error> {
    let t = t.trim().trim_end_matches('秒');
    let t: String = t.chars().map(|c| if matches!(c, '时' | '点' | '分') { ':' } else { c }).collect();
    let t = t.trim_end_matches(':');
    let n = nums(t).ok_or_else(|| Error::date(value, "unreadable time"))?;
    let (h, m, s) = match n.as_slice() {
        [h] => (*h, 0, 0),
        [h, m] => (*h, *m, 0),
        [h, m, s] => (*h, *m, *s),
        [h, m, s, _frac] => (*h, *m, *s),
        _ => return Err(Error::date(value, "unreadable time")),
    };
    NaiveTime::from_hms_opt(h, m, s).ok_or_else(|| Error::date(value, format!("no such time {h:02}:{m:02}:{s:02}")))
}

/// Parse a date or date-time. A date alone is taken at 00:00.
pub fn parse_datetime(value: &str, order: DateOrder) -> Result<NaiveDateTime, Error> {
    let s = fold(value);
    if s.is_empty() {
        return Err(Error::date(value, "empty date"));
    }
    // Excel serial numbers: a plain number of at most 7 integer digits.
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') && s.bytes().filter(|&b| b == b'.').count() <= 1 {
        let int_len = s.split('.').next().map(str::len).unwrap_or(0);
        if int_len == 8 && !s.contains('.') {
            // Compact YYYYMMDD.
            let y: i32 = s[0..4].parse().map_err(|_| Error::date(value, "unreadable date"))?;
            let m: u32 = s[4..6].parse().map_err(|_| Error::date(value, "unreadable date"))?;
            let d: u32 = s[6..8].parse().map_err(|_| Error::date(value, "unreadable date"))?;
            return Ok(ymd(value, y, m, d)?.and_time(NaiveTime::MIN));
        }
        if (1..=7).contains(&int_len) {
            let serial: f64 = s.parse().map_err(|_| Error::date(value, "unreadable date"))?;
            return from_excel_serial(serial).ok_or_else(|| Error::date(value, "Excel serial date out of range"));
        }
        return Err(Error::date(value, "unreadable date"));
    }
    // Split date and time: Chinese form first, then a space or 'T'.
    let (date_part, time_part): (String, Option<String>) = if let Some(i) = s.find('日') {
        let (d, t) = s.split_at(i);
        let t = t.trim_start_matches('日').trim();
        (d.to_string(), if t.is_empty() { None } else { Some(t.to_string()) })
    } else if let Some((d, t)) = s.split_once([' ', 'T']) {
        (d.to_string(), Some(t.trim().to_string()))
    } else {
        (s.clone(), None)
    };
    let n = nums(&date_part).ok_or_else(|| Error::date(value, "unreadable date"))?;
    if n.len() != 3 {
        return Err(Error::date(value, "expected year, month and day"));
    }
    let first_len = date_part.split(|c: char| !c.is_ascii_digit()).find(|p| !p.is_empty()).map(str::len).unwrap_or(0);
    let date = if first_len == 4 {
        ymd(value, n[0] as i32, n[1], n[2])?
    } else {
        let (a, b, c) = (n[0], n[1], n[2]);
        let year = if c >= 1000 {
            c as i32
        } else if c < 100 {
            year2(c)
        } else {
            return Err(Error::date(value, "unreadable year"));
        };
        let resolved = match order {
            DateOrder::Mdy => (b, a),
            DateOrder::Dmy => (a, b),
            DateOrder::Auto => {
                if a > 12 && b <= 12 {
                    (a, b)
                } else if b > 12 && a <= 12 {
                    (b, a)
                } else if a == b {
                    (a, b)
                } else {
                    return Err(Error::date(value, "ambiguous day/month order; pass --date-order mdy or dmy"));
                }
            }
        };
        let (day, month) = resolved;
        ymd(value, year, month, day)?
    };
    let time = match time_part {
        Some(t) if !t.is_empty() => parse_time(value, &t)?,
        _ => NaiveTime::MIN,
    };
    Ok(date.and_time(time))
}

/// Parse a date (any time part is dropped).
pub fn parse_date(value: &str, order: DateOrder) -> Result<NaiveDate, Error> {
    parse_datetime(value, order).map(|dt| dt.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str, o: DateOrder) -> String {
        parse_datetime(s, o).unwrap_or_else(|e| panic!("{s}: {e}")).format("%Y-%m-%d %H:%M:%S").to_string()
    }

    #[test]
    fn forms() {
        use DateOrder::*;
        assert_eq!(dt("2024-03-01", Auto), "2024-03-01 00:00:00");
        assert_eq!(dt("2024/3/1", Auto), "2024-03-01 00:00:00");
        assert_eq!(dt("2024.3.1", Auto), "2024-03-01 00:00:00");
        assert_eq!(dt("2024年3月1日", Auto), "2024-03-01 00:00:00");
        assert_eq!(dt("2024年3月1日 14时05分", Auto), "2024-03-01 14:05:00");
        assert_eq!(dt("2024-03-01 14:05", Auto), "2024-03-01 14:05:00");
        assert_eq!(dt("2024-03-01T14:05:09", Auto), "2024-03-01 14:05:09");
        assert_eq!(dt("2024-03-01 14:05:09.123", Auto), "2024-03-01 14:05:09");
        assert_eq!(dt("２０２４－０３－０１", Auto), "2024-03-01 00:00:00");
        assert_eq!(dt("20240301", Auto), "2024-03-01 00:00:00");
        assert_eq!(dt("03/22/23", Auto), "2023-03-22 00:00:00");
        assert_eq!(dt("22/03/23", Auto), "2023-03-22 00:00:00");
        assert_eq!(dt("3/1/2024", Mdy), "2024-03-01 00:00:00");
        assert_eq!(dt("3/1/2024", Dmy), "2024-01-03 00:00:00");
        assert_eq!(dt("12/31/1999", Auto), "1999-12-31 00:00:00");
    }

    #[test]
    fn excel_serials() {
        use DateOrder::Auto;
        assert_eq!(dt("45352", Auto), "2024-03-01 00:00:00");
        assert_eq!(dt("45352.5", Auto), "2024-03-01 12:00:00");
        assert_eq!(dt("1", Auto), "1900-01-01 00:00:00");
        assert_eq!(dt("61", Auto), "1900-03-01 00:00:00");
    }

    #[test]
    fn refusals() {
        for bad in ["", "3/1/2024", "2024-02-30", "2024-13-01", "yesterday", "2024-03-01 25:00", "1/2", "0"] {
            assert!(parse_datetime(bad, DateOrder::Auto).is_err(), "{bad} should fail");
        }
        let e = parse_datetime("3/1/2024", DateOrder::Auto).unwrap_err();
        assert!(e.to_string().contains("--date-order"));
    }

    proptest::proptest! {
        #[test]
        fn iso_round_trip(days in 0i64..50_000, secs in 0i64..86_400) {
            let d = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + Duration::days(days);
            let t = d.and_hms_opt(0, 0, 0).unwrap() + Duration::seconds(secs);
            let s = t.format("%Y-%m-%d %H:%M:%S").to_string();
            proptest::prop_assert_eq!(parse_datetime(&s, DateOrder::Auto).unwrap(), t);
            let cn = t.format("%Y年%-m月%-d日").to_string();
            proptest::prop_assert_eq!(parse_date(&cn, DateOrder::Auto).unwrap(), d);
            let us = t.format("%-m/%-d/%Y").to_string();
            proptest::prop_assert_eq!(parse_date(&us, DateOrder::Mdy).unwrap(), d);
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = parse_datetime(&s, DateOrder::Auto);
        }
    }
}
