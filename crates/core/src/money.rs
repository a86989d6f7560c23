//! Exact money: integer minor units (fen / cents) and a currency. Never f64.
//!
//! `parse_money` reads the notations found in complaint sheets and texts:
//! `35000`, `35,000.00元`, `3.5万`, `3.5万元`, `¥35,000`, `$1,200.50`, `三万五千元`,
//! `叁万元`, `壹佰贰拾元伍角`, full-width digits.

use crate::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Currency {
    Cny,
    Usd,
    Gbp,
    Eur,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Cny => "CNY",
            Currency::Usd => "USD",
            Currency::Gbp => "GBP",
            Currency::Eur => "EUR",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_uppercase().as_str() {
            "CNY" | "RMB" => Some(Currency::Cny),
            "USD" => Some(Currency::Usd),
            "GBP" => Some(Currency::Gbp),
            "EUR" => Some(Currency::Eur),
            _ => None,
        }
    }
}

/// An exact amount of money in minor units (1 yuan = 100 fen; 1 dollar = 100 cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }
    pub fn cny_yuan(yuan: i64) -> Self {
        Money { minor: yuan * 100, currency: Currency::Cny }
    }
    /// The amount as a decimal string with two places, e.g. `35000.00`.
    pub fn amount_string(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Money {
    /// For people: currency sign and thousands separators, e.g. `¥35,000.00`, `$1,200.50`.
    pub fn display(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let int = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sym = match self.currency {
            Currency::Cny => "¥",
            Currency::Usd => "$",
            Currency::Gbp => "£",
            Currency::Eur => "€",
        };
        format!("{sign}{sym}{grouped}.{:02}", abs % 100)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_string(), self.currency.code())
    }
}

#[derive(Serialize, Deserialize)]
struct MoneyRepr {
    amount: String,
    currency: String,
}

/// JSON form: `{"amount": "35000.00", "currency": "CNY"}` — a decimal string, exact.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        MoneyRepr { amount: self.amount_string(), currency: self.currency.code().to_string() }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = MoneyRepr::deserialize(d)?;
        let currency = Currency::from_code(&r.currency)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown currency {:?}", r.currency)))?;
        let minor = parse_decimal_minor(&r.amount, 1).map_err(|e| serde::de::Error::custom(e.to_string()))?;
        Ok(Money { minor, currency })
    }
}

/// Fold full-width digits and punctuation to ASCII and drop spaces and thousands separators.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFF10 + '0' as u32).unwrap_or(c),
            '\u{FF0E}' | '。' => '.',
            '\u{FF04}' => '$',
            '\u{FFE5}' => '¥',
            '\u{FF0D}' => '-',
            _ => c,
        };
        if c == ',' || c == '，' || c == '_' || c.is_whitespace() || c == '\'' {
            continue;
        }
        out.push(c);
    }
    out
}

/// Parse an amount written in any notation into exact money. `default` is the currency used
/// when the text names none.
pub fn parse_money(input: &str, default: Currency) -> Result<Money, Error> {
    let s = fold(input);
    if s.is_empty() {
        return Err(Error::amount(input, "empty amount"));
    }
    let mut rest: &str = &s;
    let mut currency: Option<Currency> = None;
    // Prefix markers.
    for (prefix, cur) in [
        ("US$", Currency::Usd),
        ("USD", Currency::Usd),
        ("RMB", Currency::Cny),
        ("CNY", Currency::Cny),
        ("GBP", Currency::Gbp),
        ("EUR", Currency::Eur),
        ("人民币", Currency::Cny),
        ("¥", Currency::Cny),
        ("$", Currency::Usd),
        ("£", Currency::Gbp),
        ("€", Currency::Eur),
    ] {
        if let Some(r) = rest.strip_prefix(prefix) {
            currency = Some(cur);
            rest = r;
            break;
        }
    }
    if rest.starts_with('-') {
        return Err(Error::amount(input, "amount must not be negative"));
    }
    // Suffix markers (currency words and the yuan unit).
    loop {
        let before = rest.len();
        for (suffix, cur) in [
            ("人民币", Some(Currency::Cny)),
            ("美元", Some(Currency::Usd)),
            ("英镑", Some(Currency::Gbp)),
            ("欧元", Some(Currency::Eur)),
            ("USD", Some(Currency::Usd)),
            ("CNY", Some(Currency::Cny)),
            ("RMB", Some(Currency::Cny)),
            ("整", None),
            ("正", None),
        ] {
            if let Some(r) = rest.strip_suffix(suffix) {
                if cur.is_some() {
                    currency = cur;
                }
                rest = r;
            }
        }
        if rest.len() == before {
            break;
        }
    }
    if rest.is_empty() {
        return Err(Error::amount(input, "no digits"));
    }
    let currency = currency.unwrap_or(default);
    let minor = if rest.chars().any(is_cn_numeral) {
        parse_chinese_minor(rest).ok_or_else(|| Error::amount(input, "unreadable Chinese numeral"))?
    } else {
        // Arabic digits with an optional multiplier suffix 万 / 亿 / 千 / 元 / 块.
        let mut r = rest;
        let mut scale: i64 = 1;
        for (suffix, mul) in [("万元", 10_000), ("亿元", 100_000_000), ("千元", 1000), ("元", 1), ("块", 1)] {
            if let Some(x) = r.strip_suffix(suffix) {
                r = x;
                scale = mul;
                break;
            }
        }
        if scale == 1 {
            for (suffix, mul) in [("万", 10_000), ("亿", 100_000_000), ("千", 1000), ("k", 1000), ("K", 1000)] {
                if let Some(x) = r.strip_suffix(suffix) {
                    r = x;
                    scale = mul;
                    break;
                }
            }
        }
        parse_decimal_minor(r, scale).map_err(|reason| Error::amount(input, reason))?
    };
    Ok(Money { minor, currency })
}

/// `"1200.5"` with scale 1 → 120050 minor units; with scale 10_000 → 1200.5万.
fn parse_decimal_minor(s: &str, scale: i64) -> Result<i64, &'static str> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return Err("no digits");
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a number");
    }
    if frac.len() > 12 || int.len() > 15 {
        return Err("too many digits");
    }
    let int_v: i128 = if int.is_empty() { 0 } else { int.parse::<i128>().map_err(|_| "not a number")? };
    let frac_v: i128 = if frac.is_empty() { 0 } else { frac.parse::<i128>().map_err(|_| "not a number")? };
    let denom: i128 = 10i128.pow(frac.len() as u32);
    // minor = (int + frac/denom) * scale * 100
    let num = (int_v * denom + frac_v) * scale as i128 * 100;
    if num % denom != 0 {
        return Err("more precise than a cent");
    }
    let v = num / denom;
    i64::try_from(v).map_err(|_| "amount too large")
}

pub(crate) fn cn_digit(c: char) -> Option<i64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '贰' | '貳' | '两' | '兩' => 2,
        '三' | '叁' | '參' | '叄' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn cn_unit(c: char) -> Option<i64> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        _ => return None,
    })
}

fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || cn_unit(c).is_some() || matches!(c, '点' | '角' | '分')
}

/// Parse a Chinese-numeral amount into minor units: integer part in yuan (with 万/亿 sections),
/// optional 元/圆/块, then 角 and 分. Colloquial trailing digits (三万五 = 35000) are supported.
/// Arabic digits may be mixed in (3万5千).
fn parse_chinese_minor(s: &str) -> Option<i64> {
    let chars: Vec<char> = s.chars().collect();
    // Split off the yuan part from jiao/fen.
    let mut yuan_end = chars.len();
    let mut tail_start = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '元' | '圆' | '块' | '塊') {
            yuan_end = i;
            tail_start = i + 1;
            break;
        }
    }
    // "点" decimal point inside the yuan part (三点五万).
    let yuan_chars = &chars[..yuan_end];
    let yuan_minor = parse_cn_integer_with_point(yuan_chars)?;
    let mut minor = yuan_minor;
    let tail = &chars[tail_start..];
    let mut i = 0;
    while i < tail.len() {
        let d = if let Some(d) = cn_digit(tail[i]) {
            d
        } else if let Some(d) = tail[i].to_digit(10) {
            d as i64
        } else {
            return None;
        };
        if i + 1 < tail.len() {
            match tail[i + 1] {
                '角' | '毛' => minor += d * 10,
                '分' => minor += d,
                _ => return None,
            }
            i += 2;
        } else if i == 0 {
            // 三块五 = 3.50
            minor += d * 10;
            i += 1;
        } else {
            return None;
        }
    }
    Some(minor)
}

/// Returns minor units (×100) of a Chinese integer, optionally with 点 decimals before 万/亿.
fn parse_cn_integer_with_point(chars: &[char]) -> Option<i64> {
    if chars.is_empty() {
        return Some(0);
    }
    if let Some(p) = chars.iter().position(|&c| c == '点' || c == '.') {
        // e.g. 三点五万: integer part, fraction digits, then a trailing multiplier.
        let int_part = parse_cn_integer(&chars[..p])?;
        let mut rest = &chars[p + 1..];
        let mut mul: i128 = 1;
        if let Some(&last) = rest.last() {
            match last {
                '万' | '萬' => {
                    mul = 10_000;
                    rest = &rest[..rest.len() - 1];
                }
                '亿' | '億' => {
                    mul = 100_000_000;
                    rest = &rest[..rest.len() - 1];
                }
                _ => {}
            }
        }
        let mut frac: i128 = 0;
        let mut denom: i128 = 1;
        for &c in rest {
            let d = cn_digit(c).or_else(|| c.to_digit(10).map(|d| d as i64))?;
            frac = frac * 10 + d as i128;
            denom *= 10;
        }
        let num = (int_part as i128 * denom + frac) * mul * 100;
        if num % denom != 0 {
            return None;
        }
        return i64::try_from(num / denom).ok();
    }
    parse_cn_integer(chars)?.checked_mul(100)
}

fn parse_cn_integer(chars: &[char]) -> Option<i64> {
    let mut total: i64 = 0; // completed 亿 sections
    let mut section: i64 = 0; // completed 万 part within the current 亿 section
    let mut current: i64 = 0; // within the current 万 section
    let mut digit: Option<i64> = None;
    let mut digit_chars = 0usize;
    let mut last_unit: i64 = 0;
    let mut seen = false;
    for &c in chars {
        if let Some(d) = cn_digit(c).or_else(|| c.to_digit(10).map(|d| d as i64)) {
            // Arabic digits can be several in a row (3万5000).
            digit = Some(match digit {
                Some(prev) if c.is_ascii_digit() => {
                    digit_chars += 1;
                    prev.checked_mul(10)?.checked_add(d)?
                }
                _ => {
                    digit_chars = 1;
                    d
                }
            });
            seen = true;
        } else if let Some(u) = cn_unit(c) {
            let d = digit.take().unwrap_or(1);
            current = current.checked_add(d.checked_mul(u)?)?;
            last_unit = u;
            seen = true;
        } else if matches!(c, '万' | '萬') {
            let d = digit.take().unwrap_or(0);
            let v = current.checked_add(d)?;
            section = section.checked_add(v.checked_mul(10_000)?)?;
            current = 0;
            last_unit = 10_000;
            seen = true;
        } else if matches!(c, '亿' | '億') {
            let d = digit.take().unwrap_or(0);
            let v = section.checked_add(current)?.checked_add(d)?;
            total = total.checked_add(v.checked_mul(100_000_000)?)?;
            section = 0;
            current = 0;
            last_unit = 100_000_000;
            seen = true;
        } else {
            return None;
        }
    }
    if !seen {
        return None;
    }
    if let Some(d) = digit {
        // A single trailing digit right after a unit is colloquial shorthand: 三万五 = 35000,
        // 一千二 = 1200. After 零 (一百零八) or as several Arabic digits it is the ones place.
        let n = chars.len();
        let prev_is_unit =
            n >= 2 && (cn_unit(chars[n - 2]).is_some() || matches!(chars[n - 2], '万' | '萬' | '亿' | '億'));
        if prev_is_unit && digit_chars == 1 && last_unit >= 10 {
            current = current.checked_add(d.checked_mul(last_unit / 10)?)?;
        } else {
            current = current.checked_add(d)?;
        }
    }
    total.checked_add(section)?.checked_add(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny(s: &str) -> i64 {
        parse_money(s, Currency::Cny).unwrap_or_else(|e| panic!("{s}: {e}")).minor
    }

    #[test]
    fn arabic_notations() {
        assert_eq!(cny("35000"), 3_500_000);
        assert_eq!(cny("35000元"), 3_500_000);
        assert_eq!(cny("35,000.00元"), 3_500_000);
        assert_eq!(cny("3.5万"), 3_500_000);
        assert_eq!(cny("3.5万元"), 3_500_000);
        assert_eq!(cny("¥35,000"), 3_500_000);
        assert_eq!(cny("￥35,000"), 3_500_000);
        assert_eq!(cny("１２，０００元"), 1_200_000);
        assert_eq!(cny("0.01"), 1);
        assert_eq!(cny("1.2亿"), 12_000_000_000);
        let usd = parse_money("$1,200.50", Currency::Cny).unwrap();
        assert_eq!(usd, Money::new(120_050, Currency::Usd));
        assert_eq!(parse_money("1200美元", Currency::Cny).unwrap().currency, Currency::Usd);
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(cny("三万五千元"), 3_500_000);
        assert_eq!(cny("三万五"), 3_500_000);
        assert_eq!(cny("叁万元"), 3_000_000);
        assert_eq!(cny("叁万元整"), 3_000_000);
        assert_eq!(cny("壹佰贰拾元伍角"), 12_050);
        assert_eq!(cny("十五万"), 15_000_000);
        assert_eq!(cny("两千"), 200_000);
        assert_eq!(cny("一千二"), 120_000);
        assert_eq!(cny("一万零五百"), 1_050_000);
        assert_eq!(cny("三点五万"), 3_500_000);
        assert_eq!(cny("一百零八元三角六分"), 10_836);
        assert_eq!(cny("3万5千"), 3_500_000);
        assert_eq!(cny("三块五"), 350);
        assert_eq!(cny("十二块三毛四分"), 1_234);
    }

    #[test]
    fn rejects() {
        for bad in ["", "abc", "-5", "12.345", "1.2.3", "元", "¥", "十二块三毛四分五"] {
            assert!(parse_money(bad, Currency::Cny).is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn display_for_people() {
        assert_eq!(Money::new(400_000_000, Currency::Cny).display(), "¥4,000,000.00");
        assert_eq!(Money::new(120_050, Currency::Usd).display(), "$1,200.50");
        assert_eq!(Money::new(5, Currency::Cny).display(), "¥0.05");
    }

    #[test]
    fn json_round_trip() {
        let m = Money::new(3_500_050, Currency::Cny);
        let j = serde_json::to_string(&m).unwrap();
        assert_eq!(j, r#"{"amount":"35000.50","currency":"CNY"}"#);
        assert_eq!(serde_json::from_str::<Money>(&j).unwrap(), m);
    }

    proptest::proptest! {
        #[test]
        fn arabic_round_trip(minor in 0i64..1_000_000_000_000) {
            let m = Money::new(minor, Currency::Cny);
            proptest::prop_assert_eq!(parse_money(&m.amount_string(), Currency::Cny).unwrap(), m);
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = parse_money(&s, Currency::Cny);
        }
    }
}
