//! Synthetic people. A person is a pure function of (seed, person number): nothing is stored.
//!
//! Resident ID numbers and mobile numbers are injective in the person number (a keyed
//! permutation chooses the birth date and sequence digits, and the last eight phone digits),
//! so two different people never share an ID number by accident; family members share a phone
//! on purpose.

use crate::data::{self, REGIONS, Region};
use crate::rng::{Perm, Rng, hash};
use chrono::NaiveDate;
use std::fmt::Write;

/// Ages (at 2026-01-01) and how many sequence numbers per birth day each age band may use.
/// The shares follow the caps: most complainants are 25-64, some elderly.
const AGE_MIN: u32 = 18;
const AGE_MAX: u32 = 90;

fn age_cap(age: u32) -> u64 {
    match age {
        0..=24 => 200,
        25..=34 => 700,
        35..=49 => 950,
        50..=64 => 800,
        65..=74 => 380,
        _ => 160,
    }
}

/// Slot tables for the injective (birth date, sequence) mapping.
#[derive(Debug, Clone)]
pub struct People {
    seed: u64,
    /// Cumulative slot counts per age.
    cum: Vec<u64>,
    total: u64,
    id_perm: Perm,
    phone_perm: Perm,
    mail_perm: Perm,
    region_weights: &'static [u32],
    surname_weights: &'static [u32],
    ref_birth: NaiveDate,
}

/// Person numbers at or above this are reserved for planted (ring, surge, group) people.
pub const SPECIAL_BASE: u64 = 13_000_000;

impl People {
    pub fn new(seed: u64) -> Self {
        let mut cum = Vec::new();
        let mut total = 0;
        for age in AGE_MIN..=AGE_MAX {
            total += age_cap(age) * 365;
            cum.push(total);
        }
        People {
            seed,
            cum,
            total,
            id_perm: Perm::new(total, hash(&[seed, 11])),
            phone_perm: Perm::new(100_000_000, hash(&[seed, 12])),
            mail_perm: Perm::new(100_000_000, hash(&[seed, 13])),
            region_weights: data::region_weights(),
            surname_weights: data::surname_weights(),
            ref_birth: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        }
    }

    /// Number of distinct people the ID mapping can hold.
    #[cfg(test)]
    pub fn capacity(&self) -> u64 {
        self.total
    }

    /// Whether person `pid` (a background person) shares phone and address with `pid - 1`.
    pub fn joins_family(&self, pid: u64) -> bool {
        fn flag(seed: u64, p: u64) -> bool {
            hash(&[seed, 21, p]) % 1000 < 20
        }
        pid > 0 && pid < SPECIAL_BASE && flag(self.seed, pid) && !flag(self.seed, pid - 1)
    }

    pub fn person(&self, pid: u64) -> Person {
        let mut rng = Rng::keyed(&[self.seed, 20, pid]);
        // Birth date and sequence digits, injective in pid.
        let slot = self.id_perm.apply(pid % self.total);
        let age_idx = self.cum.partition_point(|&c| c <= slot);
        let age = AGE_MIN + age_idx as u32;
        let start = if age_idx == 0 { 0 } else { self.cum[age_idx - 1] };
        let r = slot - start;
        let cap = age_cap(age);
        let day = r / cap;
        let seq = r % cap;
        let birth = self.ref_birth - chrono::Duration::days((age as i64) * 366 + day as i64);
        let male = seq % 2 == 1;
        let id_region = &REGIONS[rng.weighted(self.region_weights)];
        let first17 = format!("{}{}{:03}", id_region.code, birth.format("%Y%m%d"), seq);
        let check = tousu_core::ident::resident_id_check_char(&first17).unwrap_or('0');
        let id = format!("{first17}{check}");

        let home = if rng.chance(0.7) { id_region } else { &REGIONS[rng.weighted(self.region_weights)] };
        let (surname, spy, _) = data::SURNAMES[rng.weighted(self.surname_weights)];
        let given_tab = if male { data::MALE_GIVEN } else { data::FEMALE_GIVEN };
        let mut given = String::new();
        let mut gpy = String::new();
        let n_given = if rng.chance(0.3) { 1 } else { 2 };
        for _ in 0..n_given {
            let (c, p) = rng.pick(given_tab);
            given.push_str(c);
            gpy.push_str(p);
        }

        let phone = self.phone_of(pid, &mut rng);
        let address = address(&mut rng, home);
        let email = if rng.chance(0.35) {
            let m = self.mail_perm.apply(pid % 100_000_000);
            let mut e = String::new();
            let _ = match rng.below(4) {
                0 => write!(e, "{}@qq.com", 100_000_000 + m * 7),
                1 => write!(e, "{phone}@139.com"),
                2 => write!(e, "{spy}{gpy}{m}@{}", rng.pick(data::MAIL_DOMAINS)),
                _ => write!(e, "{gpy}.{spy}_{m}@{}", rng.pick(data::MAIL_DOMAINS)),
            };
            Some(e)
        } else {
            None
        };
        let mut p = Person {
            pid,
            name: format!("{surname}{given}"),
            surname,
            male,
            birth,
            id,
            home,
            phone,
            email,
            address,
            family_of: None,
        };
        if self.joins_family(pid) {
            // Share the phone and address of the previous person (a spouse, parent or child).
            let root = self.person_basic_contact(pid - 1);
            p.phone = root.0;
            p.address = root.1;
            p.home = root.2;
            if rng.chance(0.5) {
                p.name = format!("{}{}", root.3, given);
                p.surname = root.3;
            }
            p.family_of = Some(pid - 1);
        }
        p
    }

    fn person_basic_contact(&self, pid: u64) -> (String, String, &'static Region, &'static str) {
        let p = self.person(pid);
        (p.phone, p.address, p.home, p.surname)
    }

    fn phone_of(&self, pid: u64, rng: &mut Rng) -> String {
        let tail = self.phone_perm.apply(pid % 100_000_000);
        format!("{}{:08}", rng.pick(data::MOBILE_PREFIXES), tail)
    }
}

/// A random home address in a region.
pub fn address(rng: &mut Rng, r: &Region) -> String {
    let mut s = String::new();
    if r.province != r.city {
        s.push_str(r.province);
    }
    s.push_str(r.city);
    s.push_str(r.district);
    s.push_str(rng.pick(data::ROADS));
    let _ = write!(s, "{}号", rng.range(1, 399));
    match rng.below(3) {
        0 => {
            let _ = write!(
                s,
                "{}{}栋{}单元{}室",
                rng.pick(data::COMMUNITIES),
                rng.range(1, 32),
                rng.range(1, 6),
                rng.range(1, 30) * 100 + rng.range(1, 4)
            );
        }
        1 => {
            let _ = write!(
                s,
                "{}{}号楼{}室",
                rng.pick(data::COMMUNITIES),
                rng.range(1, 20),
                rng.range(1, 28) * 100 + rng.range(1, 6)
            );
        }
        _ => {
            let _ = write!(s, "{}幢{}号", rng.range(1, 12), rng.range(101, 1808));
        }
    }
    s
}

/// An office address (used by organised complaint agents).
pub fn office_address(rng: &mut Rng, r: &Region) -> String {
    let mut s = String::new();
    if r.province != r.city {
        s.push_str(r.province);
    }
    s.push_str(r.city);
    s.push_str(r.district);
    s.push_str(rng.pick(data::ROADS));
    let _ = write!(
        s,
        "{}号{}{}室",
        rng.range(1, 300),
        rng.pick(data::OFFICE_BUILDINGS),
        rng.range(5, 32) * 100 + rng.range(1, 20)
    );
    s
}

#[derive(Debug, Clone)]
pub struct Person {
    pub pid: u64,
    pub name: String,
    pub surname: &'static str,
    pub male: bool,
    pub birth: NaiveDate,
    /// Normalised 18-character resident ID number.
    pub id: String,
    pub home: &'static Region,
    /// 11 digits.
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    /// Background person this one shares a phone and address with.
    pub family_of: Option<u64>,
}

impl Person {
    /// Age on a date.
    pub fn age_at(&self, d: NaiveDate) -> u32 {
        use chrono::Datelike;
        let mut a = d.year() - self.birth.year();
        if (d.month(), d.day()) < (self.birth.month(), self.birth.day()) {
            a -= 1;
        }
        a.max(0) as u32
    }

    pub fn honorific(&self) -> String {
        format!("{}{}", self.surname, if self.male { "先生" } else { "女士" })
    }

    /// The name as written on a given complaint: usually exact, sometimes with a one-character
    /// homophone typo or in traditional characters.
    pub fn name_variant(&self, rng: &mut Rng, allow: bool) -> String {
        if !allow {
            return self.name.clone();
        }
        let x = rng.below(100);
        if x < 7 {
            // Homophone typo in the given name.
            let sur_len = self.surname.chars().count();
            let mut out = String::new();
            let mut done = false;
            for (i, c) in self.name.chars().enumerate() {
                if !done
                    && i >= sur_len
                    && let Some((_, t)) = data::NAME_TYPOS.iter().find(|(a, _)| *a == c)
                {
                    out.push(*t);
                    done = true;
                    continue;
                }
                out.push(c);
            }
            if done {
                return out;
            }
        } else if x < 12 {
            let t: String = self
                .name
                .chars()
                .map(|c| data::TRADITIONAL.iter().find(|(a, _)| *a == c).map(|(_, t)| *t).unwrap_or(c))
                .collect();
            if t != self.name {
                return t;
            }
        } else if x < 14 {
            // A space between surname and given name, as some systems write it.
            let sur_len = self.surname.len();
            return format!("{} {}", &self.name[..sur_len], &self.name[sur_len..]);
        }
        self.name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_valid_unique_and_consistent() {
        let people = People::new(9);
        let mut ids = HashSet::new();
        let mut phones = HashSet::new();
        for pid in 0..20_000 {
            let p = people.person(pid);
            let info = tousu_core::ident::parse_resident_id(&p.id).unwrap();
            assert_eq!(info.birth_date, p.birth);
            assert_eq!(info.gender == tousu_core::Gender::Male, p.male);
            assert!(ids.insert(p.id.clone()), "duplicate id");
            if p.family_of.is_none() {
                assert!(phones.insert(p.phone.clone()), "duplicate phone");
            }
            assert_eq!(p.phone.len(), 11);
        }
        assert!(people.capacity() > SPECIAL_BASE + 1_000_000);
    }
}
