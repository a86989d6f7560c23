//! Personal identifiers: the mainland resident ID number (居民身份证号码) and phone numbers.

use chrono::NaiveDate;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID.
pub fn resident_id_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| (b - b'0') as u32 * w).sum();
    Some(CHECK[(sum % 11) as usize])
}

/// What an 18-character resident ID number encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentIdInfo {
    /// Normalised form: 18 characters, upper-case X.
    pub number: String,
    /// Administrative division code of the place of registration (first 6 digits).
    pub region_code: String,
    pub birth_date: NaiveDate,
    pub gender: crate::Gender,
}

/// Why a resident ID number is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResidentIdProblem {
    Length,
    Characters,
    BirthDate,
    CheckCharacter { expected: char },
}

impl std::fmt::Display for ResidentIdProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResidentIdProblem::Length => write!(f, "a resident ID number has 18 characters"),
            ResidentIdProblem::Characters => write!(f, "17 digits then a digit or X expected"),
            ResidentIdProblem::BirthDate => write!(f, "digits 7-14 are not a valid birth date"),
            ResidentIdProblem::CheckCharacter { expected } => {
                write!(f, "check character does not match (expected {expected})")
            }
        }
    }
}

/// Normalise (trim, full-width folded, upper-case x) and validate a resident ID number.
pub fn parse_resident_id(raw: &str) -> Result<ResidentIdInfo, ResidentIdProblem> {
    let number: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFF10 + '0' as u32).unwrap_or(c),
            'x' | 'Ｘ' | 'ｘ' => 'X',
            _ => c,
        })
        .collect();
    if number.chars().count() != 18 {
        return Err(ResidentIdProblem::Length);
    }
    let (first17, last) = number.split_at(17);
    if !first17.bytes().all(|b| b.is_ascii_digit()) || !(last == "X" || last.bytes().all(|b| b.is_ascii_digit())) {
        return Err(ResidentIdProblem::Characters);
    }
    let y: i32 = first17[6..10].parse().map_err(|_| ResidentIdProblem::BirthDate)?;
    let m: u32 = first17[10..12].parse().map_err(|_| ResidentIdProblem::BirthDate)?;
    let d: u32 = first17[12..14].parse().map_err(|_| ResidentIdProblem::BirthDate)?;
    let birth_date =
        NaiveDate::from_ymd_opt(y, m, d).filter(|_| (1880..=2100).contains(&y)).ok_or(ResidentIdProblem::BirthDate)?;
    let expected = resident_id_check_char(first17).ok_or(ResidentIdProblem::Characters)?;
    if !last.starts_with(expected) {
        return Err(ResidentIdProblem::CheckCharacter { expected });
    }
    let gender = if (first17.as_bytes()[16] - b'0') % 2 == 1 { crate::Gender::Male } else { crate::Gender::Female };
    Ok(ResidentIdInfo { region_code: first17[..6].to_string(), birth_date, gender, number })
}

/// Normalise a phone number: drop spaces, dashes, brackets and dots; drop a +86 / 0086 / 86
/// country prefix from mainland mobile numbers. Returns the digits (a leading `+` kept for
/// other countries).
pub fn normalize_phone(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFF10 + '0' as u32).unwrap_or(c),
            '＋' => '+',
            _ => c,
        })
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    if let Some(r) = s.strip_prefix("+86") {
        s = r.to_string();
    } else if let Some(r) = s.strip_prefix("0086") {
        s = r.to_string();
    } else if s.len() == 13 && s.starts_with("861") {
        s = s[2..].to_string();
    }
    s
}

/// Mask a resident ID number for display: the first 4 and last 4 characters stay
/// (`1101**********123X`). Shorter values are masked but for their last character.
pub fn mask_resident_id(id: &str) -> String {
    mask_keep(id, 4, 4)
}

/// Mask a phone number for display: the first 3 and last 4 digits stay (`138****5678`).
pub fn mask_phone(phone: &str) -> String {
    let n = normalize_phone(phone);
    mask_keep(if n.is_empty() { phone } else { &n }, 3, 4)
}

/// Mask resident ID numbers (18 characters, valid check character) and mainland mobile numbers
/// (11 digits starting 1[3-9]) found in free text, for people who may not see them.
pub fn mask_identifiers_in_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let is_digit = |c: char| c.is_ascii_digit();
    while i < chars.len() {
        // Only at a boundary: not inside a longer run of digits.
        if is_digit(chars[i]) && (i == 0 || !is_digit(chars[i - 1])) {
            let mut j = i;
            while j < chars.len() && is_digit(chars[j]) {
                j += 1;
            }
            let run: String = chars[i..j].iter().collect();
            let next_x = j < chars.len() && matches!(chars[j], 'X' | 'x');
            if run.len() == 17 && next_x && parse_resident_id(&format!("{run}X")).is_ok() {
                out.push_str(&mask_resident_id(&format!("{run}{}", chars[j])));
                i = j + 1;
                continue;
            }
            if run.len() == 18 && parse_resident_id(&run).is_ok() {
                out.push_str(&mask_resident_id(&run));
                i = j;
                continue;
            }
            if run.len() == 11 && run.starts_with('1') && run.as_bytes()[1] >= b'3' {
                out.push_str(&mask_keep(&run, 3, 4));
                i = j;
                continue;
            }
            out.push_str(&run);
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn mask_keep(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = chars.len();
    if n <= head + tail {
        return chars.iter().enumerate().map(|(i, c)| if i + 1 == n { *c } else { '*' }).collect();
    }
    chars.iter().enumerate().map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_in_text() {
        let t = "本人张三，身份证号11010519491231002X，电话13800138000，保单P20201234567890，金额35000元";
        let m = mask_identifiers_in_text(t);
        assert_eq!(m, "本人张三，身份证号1101**********002X，电话138****8000，保单P20201234567890，金额35000元");
        // A number with a wrong check character is not an ID and stays.
        assert_eq!(mask_identifiers_in_text("110105194912310021"), "110105194912310021");
        assert_eq!(mask_identifiers_in_text("订单123456789012345"), "订单123456789012345");
    }

    #[test]
    fn masks() {
        assert_eq!(mask_resident_id("11010519491231002X"), "1101**********002X");
        assert_eq!(mask_phone("+86 138-0013-5678"), "138****5678");
        assert_eq!(mask_phone("12"), "*2");
        assert_eq!(mask_resident_id(""), "");
    }

    #[test]
    fn known_ids() {
        // The check character worked out by hand for 11010519491231002: weighted sum 167,
        // 167 mod 11 = 2 → 'X'.
        assert_eq!(resident_id_check_char("11010519491231002"), Some('X'));
        let info = parse_resident_id("11010519491231002x").unwrap();
        assert_eq!(info.number, "11010519491231002X");
        assert_eq!(info.region_code, "110105");
        assert_eq!(info.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(info.gender, crate::Gender::Female);
        assert_eq!(parse_resident_id("110105194912310021"), Err(ResidentIdProblem::CheckCharacter { expected: 'X' }));
        assert_eq!(parse_resident_id("1101051949123100"), Err(ResidentIdProblem::Length));
        assert_eq!(parse_resident_id("110105194913310021"), Err(ResidentIdProblem::BirthDate));
    }

    #[test]
    fn phones() {
        for raw in [
            "138 0013 8000",
            "+86 138-0013-8000",
            "0086 13800138000",
            "8613800138000",
            "(138)00138000",
            "１３８００１３８０００",
        ] {
            assert_eq!(normalize_phone(raw), "13800138000", "{raw}");
        }
        assert_eq!(normalize_phone("+1 (415) 555-0100"), "+14155550100");
    }

    proptest::proptest! {
        #[test]
        fn generated_ids_validate(region in 110000u32..660000, days in 0i64..36_000, seq in 0u32..1000) {
            let birth = NaiveDate::from_ymd_opt(1920, 1, 1).unwrap() + chrono::Duration::days(days);
            let first17 = format!("{region:06}{}{seq:03}", birth.format("%Y%m%d"));
            let check = resident_id_check_char(&first17).unwrap();
            let id = format!("{first17}{check}");
            let info = parse_resident_id(&id).unwrap();
            proptest::prop_assert_eq!(info.birth_date, birth);
            // Changing any one digit breaks the check.
            let mut bytes = id.clone().into_bytes();
            bytes[5] = if bytes[5] == b'9' { b'0' } else { bytes[5] + 1 };
            let altered = String::from_utf8(bytes).unwrap();
            proptest::prop_assert!(parse_resident_id(&altered).is_err());
        }

        #[test]
        fn phone_formats_agree(n in 13_000_000_000u64..19_999_999_999) {
            let d = n.to_string();
            let spaced = format!("+86 {} {} {}", &d[..3], &d[3..7], &d[7..]);
            proptest::prop_assert_eq!(normalize_phone(&spaced), d.clone());
            proptest::prop_assert_eq!(normalize_phone(&format!("0086-{d}")), d);
        }
    }
}
