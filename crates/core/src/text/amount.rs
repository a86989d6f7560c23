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

const PREFIXES: &[&str] = &["us$", "usd", "gbp", "rmb", "cny", "人民币", "$", "¥", "£", "€"];
const SUFFIXES: &[&str] = &[
    "人民币",
    "美元",
    "英镑",
    "欧元",
    "dollars",
    "dollar",
    "bucks",
    "pounds",
    "pound",
    "quid",
    "usd",
    "gbp",
    "rmb",
    "cny",
    "元",
    "块",
    "圆",
    "蚊",
    "箍",
];

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

/// The length of `pat` when `chars` spell it from `i` (ASCII letters in any case; `pat` in lower
/// case), else 0.
pub(super) fn starts_with_at(chars: &[char], i: usize, pat: &str) -> usize {
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
/// amounts that name none. The hits come in text order and never overlap.
pub(crate) fn find_amounts(chars: &[char], default: Currency) -> Vec<AmountHit> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let word_start = chars[i].is_ascii_alphabetic() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric());
        let found = if word_start {
            scan_words(chars, i).or_else(|| scan_at(chars, i, default))
        } else {
            scan_at(chars, i, default)
        };
        match found {
            Some(hit) => {
                i = hit.end;
                out.push(hit);
            }
            None => i += 1,
        }
    }
    restated_bare_numbers(chars, &mut out);
    out
}

/// A bare number (no currency, 10 or more) equal to an amount the text has already stated with
/// its currency is that amount again: "I paid in fourteen thousand four hundred dollars. I
/// want every cent of that 14,400 back", "$387.50 on the 1st … i just want my 387.50 back".
fn restated_bare_numbers(chars: &[char], out: &mut Vec<AmountHit>) {
    if out.is_empty() {
        return;
    }
    let known: Vec<Money> = out.iter().map(|h| h.money).collect();
    let mut added = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let boundary =
            i == 0 || !(chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '$' | '¥' | '£' | '€' | '.' | ','));
        // The same sum in words without its unit: "That's two hundred and ten dollars. … I want
        // the two hundred and ten back."
        if boundary && chars[i].is_ascii_alphabetic() {
            let words = number_words(chars, i).filter(|(t, c, _)| t.saturating_add(*c) >= 10);
            if let Some((total, current, end)) = words {
                let minor = total.saturating_add(current).checked_mul(100).and_then(|v| i64::try_from(v).ok());
                if let Some(m) = minor.and_then(|minor| known.iter().find(|m| m.minor == minor))
                    && !out.iter().any(|h| h.start < end && h.end > i)
                {
                    added.push(AmountHit { start: i, end, money: *m });
                }
                i = end;
                continue;
            }
        }
        if !(chars[i].is_ascii_digit() && boundary) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        while j < chars.len()
            && (chars[j].is_ascii_digit()
                || (chars[j] == ',' && chars.get(j + 1..j + 4).is_some_and(|g| g.iter().all(char::is_ascii_digit))))
        {
            j += 1;
        }
        let cents =
            chars.get(j) == Some(&'.') && chars.get(j + 1..j + 3).is_some_and(|d| d.iter().all(char::is_ascii_digit));
        let end = if cents { j + 3 } else { j };
        i = end.max(start + 1);
        // Not a part of a word, a percentage, a date or a time (2,000x, 2,000%, 2000-05-01).
        let joined = |c: &char| matches!(c, '.' | ',' | '-' | '/' | ':');
        if chars.get(end).is_some_and(|c| {
            c.is_alphanumeric() || *c == '%' || (joined(c) && chars.get(end + 1).is_some_and(char::is_ascii_digit))
        }) || (start > 0 && joined(&chars[start - 1]))
        {
            continue;
        }
        if out.iter().any(|h| h.start < end && h.end > start) {
            continue;
        }
        let number: String = chars[start..end].iter().collect();
        let Some(value) = parse_money(&number, Currency::Usd).ok().filter(|v| v.minor >= 1_000) else {
            continue;
        };
        if let Some(m) = known.iter().find(|m| m.minor == value.minor) {
            added.push(AmountHit { start, end, money: *m });
        }
    }
    if !added.is_empty() {
        out.extend(added);
        out.sort_by_key(|h| h.start);
    }
}

/// English number words (zero … ninety, hundred, thousand, million).
const NUMBER_WORDS: &[(&str, u64)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

/// The lower-cased ASCII word at `i` (empty when it is longer than any number word or unit,
/// so that no allocation is made for ordinary words) and the index after it.
fn word_at(chars: &[char], i: usize) -> (Lower<9>, usize) {
    let mut j = i;
    while j < chars.len() && chars[j].is_ascii_alphabetic() {
        j += 1;
    }
    if j == i || j - i > 9 || !NUMBER_INITIALS.contains(chars[i].to_ascii_lowercase()) {
        return (Lower::default(), j);
    }
    (Lower::of(&chars[i..j]), j)
}

/// A short lower-cased ASCII word kept on the stack (the number scanners look at every word
/// of an English text; `N` letters at most, longer words are empty).
#[derive(Clone, Copy)]
struct Lower<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Default for Lower<N> {
    fn default() -> Self {
        Lower { bytes: [0; N], len: 0 }
    }
}

impl<const N: usize> Lower<N> {
    /// `word` lower-cased; empty unless it is at most `N` ASCII letters.
    fn of(word: &[char]) -> Self {
        let mut out = Lower::default();
        if word.len() > N || !word.iter().all(char::is_ascii_alphabetic) {
            return out;
        }
        for (b, c) in out.bytes.iter_mut().zip(word) {
            *b = c.to_ascii_lowercase() as u8;
        }
        out.len = word.len();
        out
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// First letters of the number words, "hundred", "thousand", "million", "and" and "dollar(s)".
const NUMBER_INITIALS: &str = "zotwfsenhmad";

/// A number spelled out in English words from `start` ("two hundred and ten", "a hundred and
/// thirty-two", "twenty-three thousand seven hundred"): the thousands and above, the rest below
/// a thousand, and the end of its last word; `None` when no number word starts there or it is
/// zero.
fn number_words(chars: &[char], start: usize) -> Option<(u64, u64, usize)> {
    let (mut total, mut current, mut any) = (0u64, 0u64, false);
    let mut i = start;
    let mut end = start;
    loop {
        let (w, j) = word_at(chars, i);
        if w.is_empty() {
            break;
        }
        let w = w.as_str();
        match (w, NUMBER_WORDS.iter().find(|(n, _)| *n == w)) {
            (_, Some((_, v))) => current = current.saturating_add(*v),
            // (Saturating: text is input, "hundred hundred hundred …" must not overflow.)
            ("hundred", None) if any => current = current.max(1).saturating_mul(100),
            ("thousand", None) if any => {
                total = total.saturating_add(current.max(1).saturating_mul(1_000));
                current = 0;
            }
            ("million", None) if any => {
                total = total.saturating_add(current.max(1).saturating_mul(1_000_000));
                current = 0;
            }
            ("and", None) if any => {}
            // "a hundred and thirty-two dollars", "the thousand dollars".
            ("a" | "the", None)
                if !any && {
                    let next = skip_spaces(chars, j);
                    matches!(word_at(chars, next).0.as_str(), "hundred" | "thousand" | "million")
                } =>
            {
                current = 1
            }
            _ => break,
        }
        if w != "and" {
            any = true;
            end = j;
        }
        i = j;
        if i < chars.len() && matches!(chars[i], ' ' | '-') {
            i += 1;
        } else {
            break;
        }
    }
    (any && total.saturating_add(current) > 0).then_some((total, current, end))
}

/// An amount spelled out in English words: followed by "dollars" or "bucks" ("ten thousand
/// dollars", "twenty-three thousand seven hundred dollars", "five hundred and fifty dollars"),
/// by "grand" ("five grand"), or ending in a scale word ("sixty thousand").
fn scan_words(chars: &[char], start: usize) -> Option<AmountHit> {
    let (total, current, end) = number_words(chars, start)?;
    let value = total.saturating_add(current);
    // Then "dollars" / "bucks" ("five hundred bucks"), "grand" (thousands: "five grand"), or
    // nothing after a scale word ("the whole sixty thousand back").
    let k = skip_spaces(chars, end);
    let mut j = k;
    while j < chars.len() && chars[j].is_ascii_alphabetic() && j - k < 8 {
        j += 1;
    }
    let unit = Lower::<8>::of(&chars[k..j]);
    let whole = j == chars.len() || !chars[j].is_ascii_alphanumeric();
    let (value, end, currency) = match unit.as_str() {
        "dollars" | "dollar" | "bucks" if whole => (value, j, Currency::Usd),
        "pounds" | "pound" | "quid" if whole => (value, j, Currency::Gbp),
        "grand" if whole && total == 0 => (value.checked_mul(1_000)?, j, Currency::Usd),
        _ if total > 0 && money_may_follow(chars, end) => (value, end, Currency::Usd),
        _ => return None,
    };
    let minor = i64::try_from(value.checked_mul(100)?).ok()?;
    Some(AmountHit { start, end, money: Money { minor, currency } })
}

/// Whether a number with a scale word and no currency ("5 thousand", "sixty thousand") may be
/// money: the end of the clause or a word that goes with a sum follows it ("5 thousand back",
/// "sixty thousand for"), not a noun it counts ("sixty thousand miles").
fn money_may_follow(chars: &[char], end: usize) -> bool {
    const WORDS: [&str; 18] = [
        "back",
        "for",
        "in",
        "to",
        "and",
        "or",
        "from",
        "of",
        "that",
        "which",
        "paid",
        "owed",
        "refunded",
        "returned",
        "plus",
        "now",
        "today",
        "immediately",
    ];
    let k = skip_spaces(chars, end);
    let mut j = k;
    while j < chars.len() && chars[j].is_ascii_alphabetic() {
        j += 1;
    }
    if j == k {
        return true;
    }
    let word: String = chars[k..j].iter().map(|c| c.to_ascii_lowercase()).collect();
    WORDS.contains(&word.as_str())
}

/// Words right after a bare number that demand it back: 九千六一分不少给我退回来, 把4800退给我.
/// (一分不少 / 一分不能少, 退我 and the like may follow after a comma: 六千二，一分不能少; 3千5，退我;
/// 十八万，还给我.)
/// Or a modal and a demand verb: 这736必须退 (not 还, as often the complainant's own debt).
fn demand_follows(chars: &[char], end: usize) -> bool {
    let at_any = |at: usize, words: &[&str]| words.iter().any(|w| starts_with_at(chars, at, w) > 0);
    // Not one cent less, right after the number or after a comma.
    const ALL_OF_IT: [&str; 4] = ["一分不少", "一分都不能少", "一分不能少", "一分都不少"];
    if at_any(end, &ALL_OF_IT)
        || at_any(end, &["给我", "给俺", "退给", "退回", "还给", "还我", "全退", "全部退"])
        || (matches!(chars.get(end), Some(',' | '，'))
            && (at_any(end + 1, &ALL_OF_IT)
                || at_any(end + 1, &["退我", "退给我", "还我", "还给我", "赔我", "给我退", "给我赔", "全部退"])))
    {
        return true;
    }
    // A modal and a demand verb within four characters: 这736必须退, 这四百八应该由你们来报,
    // 这八万八早点打过来 (a subject may come first: 这两千你们必须退).
    let mut k = end;
    for subject in ["你们", "贵司", "贵行", "您"] {
        k += starts_with_at(chars, k, subject);
    }
    let modal = ["必须", "得", "要", "应该", "应当", "该", "赶紧", "尽快", "早点", "马上"]
        .iter()
        .map(|w| starts_with_at(chars, k, w))
        .find(|&n| n > 0);
    modal.is_some_and(|n| {
        let from = k + n;
        (from..(from + 4).min(chars.len())).take_while(|&i| super::is_cjk(chars[i])).any(|i| {
            matches!(chars[i], '退' | '赔' | '报' | '打' | '补' | '返') || starts_with_at(chars, i, "承担") > 0
        })
    })
}

/// A counter, unit of time or money that makes the digit before it a count (5块5个, 一千块三天内).
fn is_counter(c: char) -> bool {
    "个次件天年月期笔张人块元岁号日周毛角分倍成折份项条台辆位名家间层楼".contains(c)
}

/// A bare Arabic number (no currency, 100 to 9,999,999.99) in Chinese text that a word before it
/// makes a sum — a demonstrative or 把 (把这18600全退给我, 这8,700你们要是不退), 足 (退足38000),
/// 共 / 计 (一共2000，这个钱…), 的 (剩下的1290你们给我补上) — and that a demand, the end of its
/// clause or the subject of the demand follows; after a demonstrative a money noun may follow
/// too (这5000押金限期一周退给我), and the sum may have two digits (这50你们银行要退给我). Not a
/// count, a date or a phone number: 这3个月, 共2019年, 把13800138000, 这50天.
fn bare_cn_sum(chars: &[char], start: usize, body: &[char], end: usize) -> bool {
    // (Cents only as two decimals: 这1,026.40你们到底赔不赔.)
    let point = body.iter().position(|&c| c == '.');
    let digits = body[..point.unwrap_or(body.len())].iter().filter(|c| c.is_ascii_digit()).count();
    if !(2..=7).contains(&digits) || point.is_some_and(|p| body.len() - p != 3) || start == 0 {
        return false;
    }
    let mut k = start;
    while k > 0 && chars[k - 1] == ' ' {
        k -= 1;
    }
    let before = (k > 0).then(|| chars[k - 1]);
    let demonstrative = matches!(before, Some('这' | '那'));
    let cue_before = demonstrative || matches!(before, Some('把' | '足' | '共' | '计' | '的'));
    // The clause ends, a demand follows, or the subject of the demand does (这8,700你们要是不退).
    let after = skip_spaces(chars, end);
    let next = chars.get(after).copied();
    let subject_next = next.is_some_and(|c| matches!(c, '你' | '您' | '我' | '俺'));
    if digits == 2 {
        return demonstrative && (subject_next || demand_follows(chars, end));
    }
    cue_before
        && (next
            .is_none_or(|c| matches!(c, ',' | '.' | '!' | '?' | ';' | '，' | '。' | '！' | '？' | '；' | '\n' | '…'))
            || demand_follows(chars, end)
            || subject_next
            || (demonstrative && money_noun_at(chars, after)))
}

/// Whether a money noun of at most four Chinese characters (押金, 年费, 保费, 违约金, 手续费)
/// starts at `at`: its last character is 金, 费, 款, 钱 or 息. Not a date or a count before
/// it (这2024年保费, 这300个月费用); 年费 is the one noun that may start with 年.
fn money_noun_at(chars: &[char], at: usize) -> bool {
    if starts_with_at(chars, at, "年费") > 0 {
        return true;
    }
    (1..=4).any(|n| {
        let end = at + n;
        end <= chars.len()
            && chars[at..end].iter().all(|&c| super::is_cjk(c) && !matches!(c, '了' | '是'))
            && !matches!(chars[at], '年' | '月' | '天' | '个' | '次' | '期')
            && matches!(chars[end - 1], '金' | '费' | '款' | '钱' | '息')
    })
}

/// Range separators: "1-2万元", "1万至2万元", "5000到8000元" state no exact amount.
fn is_range_sep(c: char) -> bool {
    matches!(c, '-' | '~' | '～' | '—' | '–' | '至' | '到')
}

/// Approximation words after a number: 3万余元, 三千多块, 2万来块 are not exact amounts.
fn is_approx(c: char) -> bool {
    matches!(c, '余' | '多' | '几' | '来')
}

/// What the previous character of a number body was.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    Start,
    Arabic,
    CnDigit,
    Unit(char),
}

fn scan_at(chars: &[char], start: usize, default: Currency) -> Option<AmountHit> {
    let c0 = chars[start];
    // Quick reject: an amount starts with a currency sign/word or a numeral.
    if !(is_numeral(c0) || matches!(c0, '$' | '¥' | '£' | '€' | 'u' | 'U' | 'g' | 'G' | 'r' | 'R' | 'c' | 'C' | '人'))
    {
        return None;
    }
    // Never start inside a number or a word. A point or comma is inside a number only after a
    // numeral (1,234 / 3.5); after anything else it is punctuation (full-width “，” folds to
    // ',': 差的利息，2,346.18元).
    if start > 0 {
        let p = chars[start - 1];
        let in_number = (p == '.' || p == ',') && start >= 2 && is_numeral(chars[start - 2]);
        if p.is_ascii_alphanumeric() || is_numeral(p) || in_number {
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
    let mut prev = Prev::Start;
    // Colloquial tail: 一万五 = 15000, 3万5 = 35000, 三千五 = 3500 (the unit below is implied).
    let mut implied_unit: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let digit = c.is_ascii_digit() || is_cn_digit(c);
        // 三十万一分都不能少: 一分 after a unit is the idiom, not a tail of the number.
        if c == '一' && next == Some('分') && matches!(prev, Prev::Unit(_)) {
            break;
        }
        if digit && let Prev::Unit(u) = prev {
            // A single digit after 万/千 that ends the number is a colloquial tail; a digit
            // before 分/角 (34.2万一分不能少) or any other digit after a unit that is not
            // followed by a unit of its own (3万5千 is fine) ends the number.
            // (八万三一分都不能少: the idiom 一分… after the tail ends the number too.)
            let idiom_after = next == Some('一') && chars.get(i + 2) == Some(&'分');
            // (A comma or point continues the number only before an Arabic digit, 点 before any
            // digit: 四万二，赶紧补上, 一万三千六，一分不能少.)
            let after2 = chars.get(i + 2).copied();
            let separator = next.is_some_and(|n| match n {
                '.' | ',' => after2.is_some_and(|d| d.is_ascii_digit()),
                '点' => after2.is_some_and(|d| d.is_ascii_digit() || is_cn_digit(d)),
                _ => false,
            });
            let ends = idiom_after || next.is_none_or(|n| !(is_numeral(n) || separator));
            let before_minor = next.is_some_and(|n| matches!(n, '角' | '毛' | '分'));
            let next_is_unit = next.is_some_and(is_cn_unit);
            if ends && !before_minor && matches!(u, '万' | '千' | '仟' | '百' | '佰') {
                implied_unit = Some(match u {
                    '万' => '千',
                    '千' | '仟' => '百',
                    _ => '十',
                });
                has_cn_digit |= is_cn_digit(c);
                has_arabic |= c.is_ascii_digit();
                i += 1;
                break;
            }
            if has_arabic && !next_is_unit {
                break;
            }
        }
        if c.is_ascii_digit() {
            if prev == Prev::CnDigit {
                break;
            }
            has_arabic = true;
            prev = Prev::Arabic;
            i += 1;
        } else if is_cn_digit(c) {
            // 34.2万 is done at 万; 35一 is not a number.
            if prev == Prev::Arabic {
                break;
            }
            has_cn_digit = true;
            prev = Prev::CnDigit;
            i += 1;
        } else if is_cn_unit(c) {
            if i == body_start && matches!(c, '十' | '拾') {
                cn_start_ten = true;
            }
            prev = Prev::Unit(c);
            i += 1;
        } else if i > body_start
            && ((prev == Prev::Arabic && (c == ',' || c == '.') && next.is_some_and(|n| n.is_ascii_digit()))
                || (prev == Prev::CnDigit && c == '点' && next.is_some_and(is_cn_digit)))
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
    // Optional multiplier after Arabic digits: k / K, or w / W (万 in Chinese chat: 4.2w) when
    // no letter follows (千, 万, 亿 are already in the body).
    let mut j = body_end;
    let mut multiplier = 1;
    if has_arabic
        && implied_unit.is_none()
        && j < chars.len()
        && !chars.get(j + 1).is_some_and(|c| c.is_ascii_alphabetic())
    {
        match chars[j] {
            'k' | 'K' => multiplier = 1_000,
            'w' | 'W' => multiplier = 10_000,
            _ => {}
        }
        if multiplier > 1 {
            j += 1;
        }
    }
    // "42 grand": thousands of dollars; "$5 thousand", "1.2 million dollars", "5 thousand" (a
    // number with a scale word is an amount even without a currency).
    let mut grand = false;
    let mut scaled = false;
    if has_arabic && !has_cn_digit && multiplier == 1 && implied_unit.is_none() {
        let g = skip_spaces(chars, j);
        for (word, scale) in [("grand", 1_000), ("thousand", 1_000), ("million", 1_000_000)] {
            let n = starts_with_at(chars, g, word);
            if n > 0 && g > j && !chars.get(g + n).is_some_and(|c| c.is_ascii_alphanumeric()) {
                multiplier = scale;
                grand = word == "grand";
                scaled = true;
                j = g + n;
                break;
            }
        }
    }
    // 3万余元, 三千多块: approximate, no exact amount.
    if j < chars.len() && is_approx(chars[j]) && implied_unit.is_none() {
        return None;
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
            // 一块儿 / 一块投诉 mean "together": a bare 一 before 块 is money only as 一块钱.
            if *s == "块"
                && (chars.get(after + n) == Some(&'儿') || (body == ['一'] && chars.get(after + n) != Some(&'钱')))
            {
                continue;
            }
            suffix_len = n;
            break;
        }
    }
    let mut end = if suffix_len > 0 { after + suffix_len } else { j };
    // After Arabic digits the 角 / 分 tail is added to the parsed sum (2,200块5毛): its end and
    // its value in fen.
    let unit_end = end;
    let mut fen_tail = 0;
    // 元 followed by 角/分 (壹佰贰拾元伍角), and 整. Not the idiom 一分不能少 / 一分钱都不给.
    if suffix_len > 0 && matches!(chars[end - 1], '元' | '块' | '圆') {
        while end + 1 < chars.len()
            && (is_cn_digit(chars[end]) || chars[end].is_ascii_digit())
            && matches!(chars[end + 1], '角' | '毛' | '分')
        {
            let idiom = chars[end] == '一'
                && chars[end + 1] == '分'
                && chars.get(end + 2).is_some_and(|&n| "不也都钱没未一多少".contains(n));
            if idiom {
                break;
            }
            if has_arabic {
                let d =
                    chars[end].to_digit(10).map(i64::from).or_else(|| crate::money::cn_digit(chars[end])).unwrap_or(0);
                fen_tail += if chars[end + 1] == '分' { d } else { d * 10 };
            }
            end += 2;
        }
    }
    if end < chars.len() && chars[end] == '整' && suffix_len > 0 {
        end += 1;
    }
    // 三百五十八块八: one digit right after a bare 块 / 元 that ends the phrase (punctuation or
    // the end follows) is 角 (八毛); 元一分不能少 is an idiom, 5块5个 a count.
    let mut jiao_tail = None;
    if suffix_len > 0
        && matches!(chars[end - 1], '块' | '元')
        && let Some(&d) = chars.get(end)
        && (is_cn_digit(d) || d.is_ascii_digit())
        // (A Chinese word may follow, not a counter: 一千八百七十五块四你们得给我退回来, not 5块5个.)
        && chars.get(end + 1).is_none_or(|&n| !n.is_alphanumeric() || (super::is_cjk(n) && !is_cn_digit(n) && !is_counter(n)))
        && !(matches!(chars.get(end + 1), Some('.' | ',')) && chars.get(end + 2).is_some_and(|n| n.is_ascii_digit()))
    {
        jiao_tail = Some(d);
        end += 1;
    }
    // Either end of a range: "1-2万元", "5000元至8000元".
    if start >= 2 && is_range_sep(chars[start - 1]) {
        let p = chars[start - 2];
        if p.is_ascii_digit() || is_numeral(p) || matches!(p, '元' | '块') {
            return None;
        }
    }
    let range_after = skip_spaces(chars, end);
    if range_after + 1 < chars.len() && is_range_sep(chars[range_after]) {
        let n = chars[skip_spaces(chars, range_after + 1)];
        if n.is_ascii_digit() || is_numeral(n) || matches!(n, '$' | '¥') {
            return None;
        }
    }
    let last_body = body[body.len() - 1];
    let ends_in_wan = matches!(last_body, '万' | '亿') || implied_unit == Some('千') || multiplier == 10_000;
    // A bare 1.8k in Chinese text (把扣的1.8k退给我) is money too.
    let cjk_k = multiplier == 1_000 && chars.get(j).is_some_and(|&c| super::is_cjk(c));
    // An English 1.2k is money too: with a decimal point ("That's 1.2k I overpaid", "the missing
    // 1.2k paid"), or a whole number of thousands where a sum may stand ("2k back", "the 3k.");
    // not a retirement plan (401k, 403k, 457k) nor a count ("5k steps").
    let english_k = multiplier == 1_000
        && chars.get(j - 1).is_some_and(|c| matches!(c, 'k' | 'K'))
        && body.iter().take_while(|c| c.is_ascii_digit()).count() <= 3
        && (start == 0 || chars[start - 1] != '§')
        && !cjk_k
        && (body.contains(&'.')
            || (money_may_follow(chars, j) && !matches!(body, ['4', '0', '1' | '3'] | ['4', '5', '7'])));
    // What makes a bare number without a currency (三千八, 八千, 8千) a sum: a demonstrative or a
    // money noun right before it…
    let money_before = start > 0 && matches!(chars[start - 1], '这' | '那' | '费' | '息' | '金' | '款' | '差' | '的');
    // …and for a whole number (八千, 二百六十一, 一千零五十) also a total word or a money verb
    // (那八千你们退回来, 多收的一千零五十, 加起来二百六十一, 一共花了七千八百六, 退我八千), when no counter
    // follows it (那八千人, 一共三千米).
    let sum_before = money_before
        || (start > 0 && matches!(chars[start - 1], '共' | '计' | '来'))
        || (start > 1
            && matches!(chars[start - 1], '了' | '我')
            && matches!(chars[start - 2], '花' | '交' | '扣' | '收' | '付' | '赔' | '退' | '欠' | '补' | '还' | '亏'))
        // 该赔四千八, 应赔五千二: what is owed.
        || (start > 1 && chars[start - 1] == '赔' && matches!(chars[start - 2], '该' | '应'));
    let no_counter = || {
        let next = skip_spaces(chars, end);
        next == chars.len()
            || (next > end && chars.get(next).is_some_and(|&c| super::is_cjk(c)))
            || chars.get(next).is_some_and(|&c| !c.is_alphanumeric() || "你我给都也要必得就全退赔补还一".contains(c))
    };
    // …or right before a demand to pay it back: 九千六一分不少给我退回来, 两百八给我退回来.
    let demand_after = || demand_follows(chars, end);
    // …or alone between commas, a sum named as its own clause: 差的七天，一千四，你们得补给我 (or
    // between the pauses of an unpunctuated transcript: 扣咗三年 七千八 全部退返俾佢).
    let pause = |i: usize| {
        chars[i] == ' ' && i > 0 && super::is_cjk(chars[i - 1]) && chars.get(i + 1).is_some_and(|&c| super::is_cjk(c))
    };
    let alone = start > 0
        && (matches!(chars[start - 1], '，' | ',') || pause(start - 1))
        && (matches!(chars.get(end), Some('，' | ',')) || (end < chars.len() && pause(end)));
    let valid = if has_arabic && !has_cn_digit {
        prefix
            || suffix_len > 0
            || ends_in_wan
            || cjk_k
            || english_k
            || grand
            || (scaled && money_may_follow(chars, end))
            || bare_cn_sum(chars, start, body, end)
            // 8千, 3千5 after a money word and before no counter, like a whole Chinese number below:
            // 服务费那8千必须退给我 (not 那8千人).
            || (body.iter().any(|&c| matches!(c, '千' | '仟' | '百' | '佰'))
                && (demand_after() || (sum_before && no_counter())))
    } else if has_cn_digit || cn_start_ten {
        // Chinese numerals: 十万 / 三万五千元 / 叁万元; never bare 千万 or 一. A bare colloquial
        // tail below 万 (三千八, 三百八) only after a demonstrative or a money noun: 把这三千八退给我,
        // 利息三百八 (a bare 三千五 may count anything), or before 给我 / 退回 / 一分不少.
        // (差的四千二 你们给我补上: 差 / 的 before it too.)
        // A whole number without a unit (这七千八百七十八给我退回来) only right before the demand.
        let whole = body.iter().any(|&c| is_cn_unit(c)) && (demand_after() || alone || (sum_before && no_counter()));
        // A colloquial tail after 千 below a 万 (一万一千二) states a sum too.
        let wan_tail = implied_unit.is_some() && body.contains(&'万');
        (prefix
            || suffix_len > 0
            || ends_in_wan
            || wan_tail
            || (implied_unit.is_some() && (money_before || demand_after() || alone || (sum_before && no_counter())))
            || whole)
            && (has_cn_digit || body.len() >= 2)
    } else {
        false
    };
    if !valid {
        return None;
    }
    // parse_money reads no k or w: parse 5k元 / $14.7k / 4.2w without it and multiply below.
    let mut s: String = chars[start..body_end].iter().collect();
    if let Some(u) = implied_unit {
        s.push(u);
    }
    s.extend(&chars[j..if has_arabic && fen_tail > 0 { unit_end } else { end - usize::from(jiao_tail.is_some()) }]);
    let mut s = s.to_ascii_uppercase();
    let mut currency = default;
    // Cantonese 蚊 and Hokkien 箍 are 元.
    if let Some(x) = s.strip_suffix('蚊').or_else(|| s.strip_suffix('箍')) {
        s = format!("{x}元");
    }
    for (word, cur) in [
        ("DOLLARS", Currency::Usd),
        ("DOLLAR", Currency::Usd),
        ("BUCKS", Currency::Usd),
        ("POUNDS", Currency::Gbp),
        ("POUND", Currency::Gbp),
        ("QUID", Currency::Gbp),
        ("GBP", Currency::Gbp),
    ] {
        if let Some(x) = s.strip_suffix(word) {
            s = x.to_string();
            currency = cur;
            break;
        }
    }
    if grand {
        currency = Currency::Usd;
    }
    let mut money = parse_money(&s, currency).ok()?;
    if multiplier > 1 {
        money = Money::new(money.minor.checked_mul(multiplier)?, money.currency);
    }
    // "157 dollars 60 cents", "157 dollars and 60 cents".
    if currency == Currency::Usd && money.minor % 100 == 0 && suffix_len > 0 && chars[end - 1].is_ascii_alphabetic() {
        let mut k = skip_spaces(chars, end);
        let and = starts_with_at(chars, k, "and ");
        if and > 0 {
            k = skip_spaces(chars, k + and);
        }
        let digits = (k..chars.len().min(k + 3)).take_while(|&i| chars[i].is_ascii_digit()).count();
        let c = skip_spaces(chars, k + digits);
        let cents_word = starts_with_at(chars, c, "cents").max(starts_with_at(chars, c, "cent"));
        if (1..=2).contains(&digits)
            && c > k + digits
            && cents_word > 0
            && !chars.get(c + cents_word).is_some_and(|ch| ch.is_ascii_alphanumeric())
        {
            let cents: i64 = chars[k..k + digits].iter().collect::<String>().parse().ok()?;
            money = Money::new(money.minor + cents, money.currency);
            end = c + cents_word;
        }
    }
    if fen_tail > 0 {
        money = Money::new(money.minor.checked_add(fen_tail)?, money.currency);
    }
    if let Some(d) = jiao_tail {
        let jiao = d.to_digit(10).map(i64::from).or_else(|| crate::money::cn_digit(d))?;
        money = Money::new(money.minor.checked_add(jiao * 10)?, money.currency);
    }
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
            ("那十四头的钱 一万一千二 得给俺补上", "一万一千二", "11200.00 CNY"),
            ("工资损失你们必须赔，六千二，一分不能少", "六千二", "6200.00 CNY"),
            ("赔3.5万给我", "3.5万", "35000.00 CNY"),
            ("要求三万五千元赔偿", "三万五千元", "35000.00 CNY"),
            ("共¥35,000。", "¥35,000", "35000.00 CNY"),
            ("a refund of $1,200.50.", "$1,200.50", "1200.50 USD"),
            ("叁万元整", "叁万元整", "30000.00 CNY"),
            ("壹佰贰拾元伍角", "壹佰贰拾元伍角", "120.50 CNY"),
            ("赔偿十万", "十万", "100000.00 CNY"),
            ("1200 dollars back", "1200 dollars", "1200.00 USD"),
            ("my 640 quid back", "640 quid", "640.00 GBP"),
            ("refund 250 pounds", "250 pounds", "250.00 GBP"),
            ("GBP 450 fee", "GBP 450", "450.00 GBP"),
            ("the 450 GBP fee", "450 GBP", "450.00 GBP"),
            ("twenty pounds back", "twenty pounds", "20.00 GBP"),
            ("USD 500 fee", "USD 500", "500.00 USD"),
            ("人民币5000元", "人民币5000元", "5000.00 CNY"),
            ("5k元", "5k元", "5000.00 CNY"),
            // 一分不能少 after an amount is an idiom, not one fen.
            ("该赔的492,000元一分不能少", "492,000元", "492000.00 CNY"),
            ("该赔的二十万三千元一分不能少", "二十万三千元", "203000.00 CNY"),
            ("赔我5000元一分钱都不能少", "5000元", "5000.00 CNY"),
            ("三元一分", "三元一分", "3.01 CNY"),
            // Arabic digits with 万 followed by Chinese text.
            ("该赔的34.2万一分不能少", "34.2万", "342000.00 CNY"),
            ("该赔的10.05万一分不能少", "10.05万", "100500.00 CNY"),
            // After a clause comma (full-width folded to ',' by normalisation) or a stop.
            ("差的利息,2,346.18元,补给我", "2,346.18元", "2346.18 CNY"),
            ("Fees.$45 back", "$45", "45.00 USD"),
            ("benefits of $14.7k, plus", "$14.7k", "14700.00 USD"),
            ("That's 1.2k I overpaid", "1.2k", "1200.00 CNY"),
            ("I want the 3k back", "3k", "3000.00 CNY"),
            ("已交的三年保费4.2w。", "4.2w", "42000.00 CNY"),
            ("三百五十八块八，一分都不能少", "三百五十八块八", "358.80 CNY"),
            ("三百五十八块八,一分都不能少", "三百五十八块八", "358.80 CNY"),
            ("一共5块5", "5块5", "5.50 CNY"),
            // A 角 / 分 tail after Arabic digits, and a 角 digit before a Chinese word that is no
            // counter.
            ("一共2,200块5毛，", "2,200块5毛", "2200.50 CNY"),
            ("退我128元3角5分", "128元3角5分", "128.35 CNY"),
            ("一共2200元五角", "2200元五角", "2200.50 CNY"),
            ("这一千八百七十五块四你们得给我退回来", "一千八百七十五块四", "1875.40 CNY"),
            // A bare sum before a modal and a demand verb, or alone before a comma and 退我.
            ("这736必须退。", "736", "736.00 CNY"),
            ("这四百八应该由你们来报", "四百八", "480.00 CNY"),
            ("合同来？3千5，退我。", "3千5", "3500.00 CNY"),
            ("一共5块5个", "5块", "5.00 CNY"),
            ("一千块三天内退回", "一千块", "1000.00 CNY"),
            ("the remaining $37.5K.", "$37.5K", "37500.00 USD"),
            ("That's a hundred and thirty-two dollars", "a hundred and thirty-two dollars", "132.00 USD"),
            ("该赔的¥248,082.03一分不能少", "¥248,082.03", "248082.03 CNY"),
            ("把被扣的费用¥1,300.00全部退回", "¥1,300.00", "1300.00 CNY"),
            // 元整, 人民币 and capital numerals.
            ("人民币贰仟伍佰元整全部退回", "人民币贰仟伍佰元整", "2500.00 CNY"),
            ("人民币叁拾伍万叁仟元整", "人民币叁拾伍万叁仟元整", "353000.00 CNY"),
            ("人民币61,500元保费", "人民币61,500元", "61500.00 CNY"),
            ("RMB 8,000", "RMB 8,000", "8000.00 CNY"),
            // 万/千 combinations and colloquial tails.
            ("3万5千元", "3万5千元", "35000.00 CNY"),
            ("3万五千元", "3万五千元", "35000.00 CNY"),
            ("一万五的保费", "一万五", "15000.00 CNY"),
            ("退我3万5就行", "3万5", "35000.00 CNY"),
            ("三千五百块", "三千五百块", "3500.00 CNY"),
            ("两千五块钱", "两千五块", "2500.00 CNY"),
            ("两万元", "两万元", "20000.00 CNY"),
            ("十九万五千元", "十九万五千元", "195000.00 CNY"),
            ("1.5万元整", "1.5万元整", "15000.00 CNY"),
            ("13.35万元", "13.35万元", "133500.00 CNY"),
            // 块, 美元, commas.
            ("3000块钱", "3000块", "3000.00 CNY"),
            ("一块钱都不给", "一块", "1.00 CNY"),
            ("医药费八万三一分都不能少", "八万三", "83000.00 CNY"),
            // A bare tail below 万 after a demonstrative or a money noun.
            ("把这三千八退给我", "三千八", "3800.00 CNY"),
            ("赔偿利息三百八", "三百八", "380.00 CNY"),
            ("还我那三百八！", "三百八", "380.00 CNY"),
            ("I want the whole 42 grand back", "42 grand", "42000.00 USD"),
            ("the 157 dollars 60 cents back", "157 dollars 60 cents", "157.60 USD"),
            ("157 dollars and 5 cents", "157 dollars and 5 cents", "157.05 USD"),
            ("把扣的1.8k退给我", "1.8k", "1800.00 CNY"),
            // Cantonese 蚊 (= 元).
            ("500蚊违约金", "500蚊", "500.00 CNY"),
            ("退还500美元", "500美元", "500.00 USD"),
            ("12,876.50元", "12,876.50元", "12876.50 CNY"),
            ("1,250 dollars", "1,250 dollars", "1250.00 USD"),
            ("Reimburse the 96 bucks now", "96 bucks", "96.00 USD"),
            // Spelled out in English.
            ("my ten thousand dollars returned", "ten thousand dollars", "10000.00 USD"),
            (
                "the twenty-three thousand seven hundred dollars paid",
                "twenty-three thousand seven hundred dollars",
                "23700.00 USD",
            ),
            ("five hundred and fifty dollars", "five hundred and fifty dollars", "550.00 USD"),
            ("five hundred bucks back", "five hundred bucks", "500.00 USD"),
            ("five grand back", "five grand", "5000.00 USD"),
            // A scale word after digits, with or without a currency; without one, only where
            // a sum may stand (not "sixty thousand miles").
            ("I want $5 thousand back", "$5 thousand", "5000.00 USD"),
            ("a $1.2 million policy", "$1.2 million", "1200000.00 USD"),
            ("2 million dollars", "2 million dollars", "2000000.00 USD"),
            // (No currency: the text's default, here CNY; USD in an English text.)
            ("and 5 thousand for what they did", "5 thousand", "5000.00 CNY"),
            ("the whole sixty thousand back", "sixty thousand", "60000.00 USD"),
            // 一分 after a unit is the idiom (这三十万一分都不能少), and a comma ends a Chinese
            // number unless an Arabic digit follows (一万三千六，一分不能少).
            ("这三十万一分都不能少", "三十万", "300000.00 CNY"),
            ("医药费一万三千六，一分不能少", "一万三千六", "13600.00 CNY"),
            ("差的四千二 你们给我补上", "四千二", "4200.00 CNY"),
            ("必须把这七千八百七十八给我退回来", "七千八百七十八", "7878.00 CNY"),
            // A bare Arabic sum after 这 / 把 / 足 / 共 before a demand, its subject or a clause end.
            ("你们把这18600全退给我", "18600", "18600.00 CNY"),
            ("退足38000！", "38000", "38000.00 CNY"),
            ("这8,700你们要是不退", "8,700", "8700.00 CNY"),
            ("这1,026.40你们到底赔不赔", "1,026.40", "1026.40 CNY"),
        ];
        for (text, sub, val) in cases {
            assert_eq!(find(text), vec![(sub.to_string(), val.to_string())], "{text}");
        }
    }

    #[test]
    fn restated_bare_numbers() {
        let got = find("$387.50 on the 1st and another $387.50 on the 2nd. i just want my 387.50 back");
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[2], ("387.50".to_string(), "387.50 USD".to_string()));
        let got = find("I paid in 14,400 dollars. I want every cent of that 14,400 back.");
        assert_eq!(got.iter().filter(|(t, _)| t == "14,400").count(), 1, "{got:?}");
        // Only a number already stated as money, and not a part of a date, percent or word.
        assert_eq!(find("I paid $2,000 on 2000-05-01: 2,000% of 2,000x.").len(), 1);
        assert!(find("I called 387 times").is_empty());
        assert!(find("I drove sixty thousand miles, 60 thousand people saw it").is_empty());
    }

    #[test]
    fn not_amounts() {
        for text in [
            "拨打12378投诉",
            "2023年5月",
            "千万不要",
            "一直没有",
            "电话13800138000",
            "第16条",
            "十分生气",
            // Approximate amounts and ranges state no exact sum.
            "花了3万余元",
            "三千多块",
            "赔偿1-2万元",
            "5000元至8000元",
            "一万到两万",
            "十几万",
            // A bare colloquial tail needs 万, a unit, or a demonstrative or money noun before it.
            "三千五",
            "一万一千二百人",
            "排了三百五",
            "三百八十个",
            // A bare Arabic number is a sum only after 这 / 把 / 足 / 共 / 计 and before a demand,
            // a subject or a clause end: not a count, a year, a phone number or a decimal.
            "这300个人",
            "共2019年",
            "把13800138000，",
            "这12.5，",
            "交了18600，",
            "这三百个",
            // A whole number after a money word is a count when a counter follows.
            "那八千人都来了",
            "那8千人都去了",
            "一共三千米",
            // A bare English k: not a retirement plan nor a count.
            "my 401k.",
            "the 403k plan",
            "a 5k run",
            "under 15 U.S.C. 1692k.",
            // English number words need "dollars" right after them.
            "one of the dollars",
            "two payments of forty",
            // 一块(儿) is "together".
            "俺们就联名一块儿投诉你们",
            "大家一块去银行",
            // w needs to end the word; 块 + digit + counter word is a count, not 角.
            "3 weeks",
            "2way",
            // The complainant's own debt: 还 is no demand verb after a modal.
            "这500要还给你们",
        ] {
            assert!(find(text).is_empty(), "{text}: {:?}", find(text));
        }
    }
}
