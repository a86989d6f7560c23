//! Money amounts in free text, in any notation parse_money reads: 35000元, 3.5万, 三万五千元,
//! ¥35,000, $1,200.50, 叁万元, full-width digits (already folded by normalisation).

use crate::money::parse_money;
use crate::{Currency, Money};

/// An amount found in the text: character span and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AmountHit {
    pub start: usize,
    pub end: usize,
    pub money: Money,
}

const PREFIXES: &[&str] = &["us$", "usd", "rmb", "cny", "人民币", "$", "¥", "£", "€"];
const SUFFIXES: &[&str] =
    &["人民币", "美元", "英镑", "欧元", "dollars", "dollar", "usd", "rmb", "cny", "元", "块", "圆"];

fn is_cn_digit(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '两'
            | '壹'
            | '贰'
            | '叁'
            | '肆'
            | '伍'
            | '陆'
            | '柒'
            | '捌'
            | '玖'
    )
}

fn is_cn_unit(c: char) -> bool {
    matches!(c, '十' | '百' | '千' | '拾' | '佰' | '仟' | '万' | '亿')
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || is_cn_digit(c) || is_cn_unit(c)
}

fn starts_with_at(chars: &[char], i: usize, pat: &str) -> usize {
    let mut n = 0;
    for p in pat.chars() {
        match chars.get(i + n) {
            Some(&c) if c.to_ascii_lowercase() == p => n += 1,
            _ => return 0,
        }
    }
    n
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i] == ' ' {
        i += 1;
    }
    i
}

/// Scan normalised characters (case preserved) for amounts. `default` is the currency of
/// amounts that name none.
pub(crate) fn find_amounts(chars: &[char], default: Currency) -> Vec<AmountHit> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match scan_at(chars, i, default) {
            Some(hit) => {
                i = hit.end;
                out.push(hit);
            }
            None => i += 1,
        }
    }
    out
}

fn scan_at(chars: &[char], start: usize, default: Currency) -> Option<AmountHit> {
    let c0 = chars[start];
    // Quick reject: an amount starts with a currency sign/word or a numeral.
    if !(is_numeral(c0) || matches!(c0, '$' | '¥' | '£' | '€' | 'u' | 'U' | 'r' | 'R' | 'c' | 'C' | '人')) {
        return None;
    }
    // Never start inside a number or a word.
    if start > 0 {
        let p = chars[start - 1];
        if p.is_ascii_alphanumeric() || is_numeral(p) || p == '.' || p == ',' {
            return None;
        }
    }
    let mut i = start;
    let mut prefix = false;
    for p in PREFIXES {
        let n = starts_with_at(chars, i, p);
        if n > 0 {
            // Word prefixes need a boundary after them unless a number follows at once.
            i = skip_spaces(chars, i + n);
            prefix = true;
            break;
        }
    }
    let body_start = i;
    let mut has_arabic = false;
    let mut has_cn_digit = false;
    let mut cn_start_ten = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            has_arabic = true;
            i += 1;
        } else if is_cn_digit(c) {
            has_cn_digit = true;
            i += 1;
        } else if is_cn_unit(c) {
            if i == body_start && matches!(c, '十' | '拾') {
                cn_start_ten = true;
            }
            i += 1;
        } else if i > body_start
            && (((c == ',' || c == '.') && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()))
                || (c == '点' && chars.get(i + 1).is_some_and(|&n| is_cn_digit(n))))
        {
            i += 1;
        } else {
            break;
        }
    }
    if i == body_start {
        return None;
    }
    let body_end = i;
    let body: &[char] = &chars[body_start..body_end];
    // Optional multiplier after Arabic digits: k / K (千, 万, 亿 are already in the body).
    let mut j = body_end;
    if has_arabic && j < chars.len() && matches!(chars[j], 'k' | 'K') {
        j += 1;
    }
    // Currency suffix.
    let after = skip_spaces(chars, j);
    let mut suffix_len = 0;
    for s in SUFFIXES {
        let n = starts_with_at(chars, after, s);
        if n > 0 {
            let word = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            if word && chars.get(after + n).is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            suffix_len = n;
            break;
        }
    }
    let mut end = if suffix_len > 0 { after + suffix_len } else { j };
    // 元 followed by 角/分 (壹佰贰拾元伍角), and 整.
    if suffix_len > 0 && matches!(chars[end - 1], '元' | '块' | '圆') {
        while end + 1 < chars.len() && is_cn_digit(chars[end]) && matches!(chars[end + 1], '角' | '毛' | '分') {
            end += 2;
        }
    }
    if end < chars.len() && chars[end] == '整' && suffix_len > 0 {
        end += 1;
    }
    let last_body = body[body.len() - 1];
    let ends_in_wan = matches!(last_body, '万' | '亿');
    let valid = if has_arabic && !has_cn_digit {
        prefix || suffix_len > 0 || ends_in_wan
    } else if has_cn_digit || cn_start_ten {
        // Chinese numerals: 十万 / 三万五千元 / 叁万元; never bare 千万 or 一.
        (prefix || suffix_len > 0 || ends_in_wan) && (has_cn_digit || body.len() >= 2)
    } else {
        false
    };
    if !valid {
        return None;
    }
    // parse_money reads 千 but not k before 元: rewrite 5k元 as 5千元.
    let mut s: String = chars[start..body_end].iter().collect();
    if j > body_end {
        s.push('千');
    }
    s.extend(&chars[j..end]);
    let mut s = s.to_ascii_uppercase();
    let mut currency = default;
    for (word, cur) in [("DOLLARS", Currency::Usd), ("DOLLAR", Currency::Usd)] {
        if let Some(x) = s.strip_suffix(word) {
            s = x.to_string();
            currency = cur;
            break;
        }
    }
    let money = parse_money(&s, currency).ok()?;
    if money.minor == 0 {
        return None;
    }
    Some(AmountHit { start, end, money })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(s: &str) -> Vec<(String, String)> {
        let chars: Vec<char> = s.chars().collect();
        find_amounts(&chars, Currency::Cny)
            .into_iter()
            .map(|h| (chars[h.start..h.end].iter().collect(), h.money.to_string()))
            .collect()
    }

    #[test]
    fn every_notation() {
        let cases = [
            ("赔偿35000元", "35000元", "35000.00 CNY"),
            ("赔3.5万给我", "3.5万", "35000.00 CNY"),
            ("要求三万五千元赔偿", "三万五千元", "35000.00 CNY"),
            ("共¥35,000。", "¥35,000", "35000.00 CNY"),
            ("a refund of $1,200.50.", "$1,200.50", "1200.50 USD"),
            ("叁万元整", "叁万元整", "30000.00 CNY"),
            ("壹佰贰拾元伍角", "壹佰贰拾元伍角", "120.50 CNY"),
            ("赔偿十万", "十万", "100000.00 CNY"),
            ("1200 dollars back", "1200 dollars", "1200.00 USD"),
            ("USD 500 fee", "USD 500", "500.00 USD"),
            ("人民币5000元", "人民币5000元", "5000.00 CNY"),
            ("5k元", "5k元", "5000.00 CNY"),
        ];
        for (text, sub, val) in cases {
            assert_eq!(find(text), vec![(sub.to_string(), val.to_string())], "{text}");
        }
    }

    #[test]
    fn not_amounts() {
        for text in ["拨打12378投诉", "2023年5月", "千万不要", "一直没有", "电话13800138000", "第16条", "十分生气"]
        {
            assert!(find(text).is_empty(), "{text}: {:?}", find(text));
        }
    }
}
