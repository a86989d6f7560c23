//! Writing amounts, dates, phone numbers and ID numbers in the notations found in real sheets.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use std::fmt::Write;

const LOWER_DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const UPPER_DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const LOWER_UNITS: [char; 4] = ['\0', '十', '百', '千'];
const UPPER_UNITS: [char; 4] = ['\0', '拾', '佰', '仟'];

/// Money notations. Each falls back to a plain notation when the amount cannot be written in
/// it exactly (e.g. `3.5万` needs whole hundreds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notation {
    /// `35000元`
    Yuan,
    /// `3.5万` or `3.5万元`
    Wan,
    /// `三万五千元`
    CnLower,
    /// `¥35,000`
    Yen,
    /// `叁万伍仟元整`
    CnUpper,
    /// `35,000.00`
    Commas,
    /// `35000`
    Plain,
    /// `人民币35000元`
    Rmb,
    /// `三万五`
    Colloquial,
}

/// Notations used inside complaint texts, with weights.
pub const TEXT_NOTATIONS: &[(u32, Notation)] = &[
    (30, Notation::Yuan),
    (20, Notation::Wan),
    (12, Notation::CnLower),
    (10, Notation::Yen),
    (6, Notation::CnUpper),
    (5, Notation::Commas),
    (5, Notation::Rmb),
    (6, Notation::Colloquial),
];

/// Notations used in money cells, with weights.
pub const CELL_NOTATIONS: &[(u32, Notation)] = &[
    (25, Notation::Plain),
    (20, Notation::Yuan),
    (15, Notation::Commas),
    (12, Notation::Wan),
    (10, Notation::Yen),
    (6, Notation::CnLower),
    (6, Notation::CnUpper),
    (3, Notation::Rmb),
    (3, Notation::Colloquial),
];

/// Write an amount of `fen` (1/100 yuan) in the given notation.
pub fn money(out: &mut String, fen: i64, notation: Notation) {
    let fen = fen.max(0);
    let yuan = fen / 100;
    let cents = fen % 100;
    match notation {
        Notation::Yuan => {
            plain(out, fen, false);
            out.push('元');
        }
        Notation::Plain => plain(out, fen, false),
        Notation::Commas => {
            commas(out, yuan);
            let _ = write!(out, ".{cents:02}");
        }
        Notation::Yen => {
            out.push('¥');
            commas(out, yuan);
            if cents != 0 {
                let _ = write!(out, ".{cents:02}");
            }
        }
        Notation::Rmb => {
            out.push_str("人民币");
            plain(out, fen, false);
            out.push('元');
        }
        Notation::Wan => {
            if yuan >= 10_000 && cents == 0 && yuan % 100 == 0 {
                let w = yuan / 10_000;
                let rest = (yuan % 10_000) / 100;
                let _ = write!(out, "{w}");
                if rest != 0 {
                    let s = format!("{rest:02}");
                    let _ = write!(out, ".{}", s.trim_end_matches('0'));
                }
                out.push('万');
                if yuan % 7 == 0 {
                    out.push('元');
                }
            } else {
                money(out, fen, Notation::Yuan);
            }
        }
        Notation::CnLower => {
            if cents == 0 && (1..100_000_000).contains(&yuan) {
                cn_int(out, yuan as u64, false);
                out.push('元');
            } else {
                money(out, fen, Notation::Yuan);
            }
        }
        Notation::CnUpper => {
            if (1..100_000_000).contains(&yuan) {
                cn_int(out, yuan as u64, true);
                out.push('元');
                let jiao = cents / 10;
                let f = cents % 10;
                if jiao != 0 {
                    out.push(UPPER_DIGITS[jiao as usize]);
                    out.push('角');
                }
                if f != 0 {
                    out.push(UPPER_DIGITS[f as usize]);
                    out.push('分');
                }
                if cents == 0 {
                    out.push('整');
                }
            } else {
                money(out, fen, Notation::Yuan);
            }
        }
        Notation::Colloquial => {
            // 三万五 (35000), 八千五 (8500), 十二万 (120000).
            let ok = cents == 0 && (1000..100_000_000).contains(&yuan);
            let (big, unit_val, unit_ch) =
                if yuan >= 10_000 { (yuan / 10_000, 1000, '万') } else { (yuan / 1000, 100, '千') };
            let rem = if yuan >= 10_000 { yuan % 10_000 } else { yuan % 1000 };
            if ok && rem % unit_val == 0 && big < 10_000 {
                cn_int(out, big as u64, false);
                out.push(unit_ch);
                let d = rem / unit_val;
                if d != 0 {
                    out.push(LOWER_DIGITS[d as usize]);
                }
            } else {
                money(out, fen, Notation::CnLower);
            }
        }
    }
}

fn plain(out: &mut String, fen: i64, _commas: bool) {
    let yuan = fen / 100;
    let cents = fen % 100;
    if cents == 0 {
        let _ = write!(out, "{yuan}");
    } else {
        let _ = write!(out, "{yuan}.{cents:02}");
    }
}

fn commas(out: &mut String, yuan: i64) {
    let s = yuan.to_string();
    let n = s.len();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
}

/// A whole number below 10^8 in Chinese numerals (`三万零五十`, `壹拾贰万`).
pub fn cn_int(out: &mut String, n: u64, upper: bool) {
    if n == 0 {
        out.push('零');
        return;
    }
    let high = (n / 10_000) as u32;
    let low = (n % 10_000) as u32;
    let mut leading = true;
    if high > 0 {
        section(out, high, upper, leading);
        out.push('万');
        leading = false;
        if low > 0 && low < 1000 {
            out.push('零');
        }
    }
    if low > 0 {
        section(out, low, upper, leading);
    }
}

fn section(out: &mut String, x: u32, upper: bool, leading: bool) {
    let digits = if upper { &UPPER_DIGITS } else { &LOWER_DIGITS };
    let units = if upper { &UPPER_UNITS } else { &LOWER_UNITS };
    let mut started = false;
    let mut zero = false;
    for pos in (0..4).rev() {
        let d = (x / 10u32.pow(pos)) % 10;
        if d == 0 {
            if started {
                zero = true;
            }
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        // 十五 rather than 一十五 at the very start of a number (lower case only).
        let skip_one = !upper && leading && !started && pos == 1 && d == 1;
        if !skip_one {
            out.push(digits[d as usize]);
        }
        if pos > 0 {
            out.push(units[pos as usize]);
        }
        started = true;
    }
}

/// Small counts in Chinese (`三`, `十二`), for "三年", "两个月".
pub fn cn_count(n: u32) -> String {
    let mut s = String::new();
    if n == 2 {
        s.push('两');
    } else {
        cn_int(&mut s, n as u64, false);
    }
    s
}

/// Received-at cell formats.
pub fn received_at(out: &mut String, t: NaiveDateTime, style: usize) {
    let (y, m, d) = (t.year(), t.month(), t.day());
    let (hh, mm, ss) = (t.hour(), t.minute(), t.second());
    let _ = match style {
        0 => write!(out, "{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}"),
        1 => write!(out, "{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}"),
        2 => write!(out, "{y}/{m}/{d}"),
        3 => write!(out, "{y}/{m}/{d} {hh}:{mm:02}"),
        4 => write!(out, "{y}年{m}月{d}日"),
        5 => write!(out, "{y}年{m}月{d}日 {hh}时{mm:02}分"),
        6 => write!(out, "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}"),
        7 => write!(out, "{y}.{m}.{d}"),
        _ => write!(out, "{y:04}-{m:02}-{d:02}"),
    };
}

/// Weights of the received-at styles for (timed source, date-only source).
pub const RECEIVED_STYLES: &[u32] = &[40, 14, 9, 9, 9, 5, 5, 4, 5];

/// Date cell formats.
pub fn date(out: &mut String, d: NaiveDate, style: usize) {
    let (y, m, dd) = (d.year(), d.month(), d.day());
    let _ = match style {
        0 => write!(out, "{y:04}-{m:02}-{dd:02}"),
        1 => write!(out, "{y}/{m}/{dd}"),
        2 => write!(out, "{y}年{m}月{dd}日"),
        3 => write!(out, "{y:04}{m:02}{dd:02}"),
        _ => write!(out, "{y}.{m}.{dd}"),
    };
}

pub const DATE_STYLES: &[u32] = &[55, 15, 15, 8, 7];

/// A date in running text: `2021年5月12日`.
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A month in running text: `2021年5月`.
pub fn cn_month(d: NaiveDate) -> String {
    format!("{}年{}月", d.year(), d.month())
}

/// Phone number variants of an 11-digit mainland mobile number.
pub fn phone(out: &mut String, digits: &str, style: usize) {
    if digits.len() != 11 {
        out.push_str(digits);
        return;
    }
    let (a, b, c) = (&digits[..3], &digits[3..7], &digits[7..]);
    let _ = match style {
        0 => write!(out, "{digits}"),
        1 => write!(out, "{a} {b} {c}"),
        2 => write!(out, "{a}-{b}-{c}"),
        3 => write!(out, "+86 {a} {b} {c}"),
        4 => write!(out, "0086 {digits}"),
        5 => write!(out, "+86-{digits}"),
        _ => write!(out, "+86{digits}"),
    };
}

pub const PHONE_STYLES: usize = 7;

/// Resident ID variants: as is, lower-case x, grouped 6-8-4 with spaces.
pub fn resident_id(out: &mut String, id: &str, style: usize) {
    match style {
        1 => out.push_str(&id.replace('X', "x")),
        2 if id.len() == 18 => {
            let _ = write!(out, "{} {} {}", &id[..6], &id[6..14], &id[14..]);
        }
        _ => out.push_str(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tousu_core::Currency;
    use tousu_core::money::parse_money;

    const ALL: [Notation; 9] = [
        Notation::Yuan,
        Notation::Wan,
        Notation::CnLower,
        Notation::Yen,
        Notation::CnUpper,
        Notation::Commas,
        Notation::Plain,
        Notation::Rmb,
        Notation::Colloquial,
    ];

    fn check(fen: i64) {
        for n in ALL {
            let mut s = String::new();
            money(&mut s, fen, n);
            let m = parse_money(&s, Currency::Cny).unwrap_or_else(|e| panic!("{fen} {n:?} {s}: {e}"));
            assert_eq!(m.minor, fen, "{n:?} {s}");
        }
    }

    #[test]
    fn notations_round_trip() {
        for fen in [
            100,
            1000,
            5000,
            100_000,
            1_000_000,
            3_500_000,
            3_000_000,
            1_200_000,
            10_000_000,
            10_005_000,
            3_000_500,
            821_357,
            12_050,
            100_800,
            15_000_000,
            9_999_999_900,
            1_050_000,
            1_000_800,
        ] {
            check(fen);
        }
        let mut r = crate::rng::Rng::new(3);
        for _ in 0..20_000 {
            let fen = match r.below(4) {
                0 => r.range(1, 9_999_999_999),
                1 => r.range(1, 999_999) * 100,
                2 => r.range(1, 99_999) * 10_000,
                _ => r.range(1, 9_999) * 100_000,
            };
            check(fen);
        }
    }

    #[test]
    fn chinese_forms() {
        let f = |n: i64, no: Notation| {
            let mut s = String::new();
            money(&mut s, n * 100, no);
            s
        };
        assert_eq!(f(35000, Notation::CnLower), "三万五千元");
        assert_eq!(f(35000, Notation::Colloquial), "三万五");
        assert_eq!(f(30000, Notation::CnUpper), "叁万元整");
        assert_eq!(f(150000, Notation::CnLower), "十五万元");
        assert_eq!(f(30050, Notation::CnLower), "三万零五十元");
        assert_eq!(f(35000, Notation::Yen), "¥35,000");
        assert_eq!(cn_count(2), "两");
        assert_eq!(cn_count(12), "十二");
    }
}
