//! Compute one million deadline clocks and print the elapsed time.
//!
//! `cargo run --release -p tousu-core --example deadlines1m`
//!
//! The inputs mix every shipped clock (calendar days with and without the roll, business days,
//! weeks), start dates spread over 2025–2026, closed and open pauses and extensions (accepted
//! and refused), so the figure covers the realistic paths of `compute`, problems included.

use chrono::{Duration, NaiveDate};
use std::hint::black_box;
use std::time::Instant;
use tousu_core::calendar::Calendar;
use tousu_core::deadline::{ClockRule, ClockState, Extension, Pause, Regimes, compute};

const N: usize = 1_000_000;

fn main() -> Result<(), tousu_core::Error> {
    let regimes = Regimes::builtin()?;
    let rules: Vec<&ClockRule> = regimes.regimes().iter().flat_map(|r| &r.clocks).collect();
    let calendars: Vec<Calendar> = rules
        .iter()
        .map(|r| Calendar::builtin(&r.calendar).unwrap_or_else(|| panic!("no calendar {}", r.calendar)))
        .collect();

    let day0 = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    let pause_sets: Vec<Vec<Pause>> = vec![
        vec![],
        vec![Pause { from: day0 + Duration::days(3), to: Some(day0 + Duration::days(9)) }],
        vec![Pause { from: day0 + Duration::days(5), to: None }],
        vec![
            Pause { from: day0 + Duration::days(2), to: Some(day0 + Duration::days(4)) },
            Pause { from: day0 + Duration::days(8), to: Some(day0 + Duration::days(12)) },
        ],
    ];
    let ext_sets: Vec<Vec<Extension>> = vec![
        vec![],
        vec![Extension { days: 30, reason: "鉴定".into(), notice_recorded: true }],
        vec![Extension { days: 30, reason: "鉴定".into(), notice_recorded: false }],
    ];

    // Inputs: (rule index, start, pause set, extension set, today, met).
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let inputs: Vec<(usize, NaiveDate, usize, usize, NaiveDate, Option<NaiveDate>)> = (0..N)
        .map(|_| {
            let r = next();
            let start = day0 + Duration::days((r % 700) as i64);
            let today = start + Duration::days(((r >> 16) % 90) as i64);
            let met = if (r >> 24) % 4 == 0 { Some(start + Duration::days(((r >> 28) % 40) as i64)) } else { None };
            let pauses = if (r >> 32) % 5 == 0 { 1 + ((r >> 36) % 3) as usize } else { 0 };
            let exts = if (r >> 40) % 7 == 0 { 1 + ((r >> 44) % 2) as usize } else { 0 };
            ((r >> 48) as usize % rules.len(), start, pauses, exts, today, met)
        })
        .collect();

    let t = Instant::now();
    let mut states = [0usize; 6];
    let mut due_sum = 0i64;
    for &(ri, start, p, e, today, met) in &inputs {
        let s = compute(rules[ri], start, &pause_sets[p], &ext_sets[e], &calendars[ri], today, met);
        states[s.state as usize] += 1;
        due_sum += (s.due - day0).num_days();
        black_box(&s);
    }
    let elapsed = t.elapsed();
    println!(
        "{N} clocks in {:.3} s ({:.0} ns per clock); {} rules",
        elapsed.as_secs_f64(),
        elapsed.as_nanos() as f64 / N as f64,
        rules.len()
    );
    let names = [
        ClockState::Running,
        ClockState::Paused,
        ClockState::DueSoon,
        ClockState::Overdue,
        ClockState::Met,
        ClockState::MetLate,
    ];
    for (s, n) in names.iter().zip(states) {
        println!("  {s:?}: {n}");
    }
    println!("  checksum: {due_sum}");
    Ok(())
}
