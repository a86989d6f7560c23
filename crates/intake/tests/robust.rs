//! Whatever bytes a file holds, reading and validating it never panics, and every row read is
//! either stored or reported.

use proptest::prelude::*;
use tousu_core::Currency;
use tousu_core::parse::DateOrder;
use tousu_intake::decode::{Encoding, detect};
use tousu_intake::formats::{Format, Plan};
use tousu_intake::source::{CsvSource, RowSource};
use tousu_intake::validate::{Context, build};

fn run(bytes: Vec<u8>) {
    let enc = detect(&bytes);
    let Ok(mut src) = CsvSource::from_reader(Box::new(std::io::Cursor::new(bytes)), enc, "fuzz.csv") else { return };
    let format = Format::detect(src.headers());
    let Ok(plan) = Plan::new(format, src.headers(), "fuzz.csv") else { return };
    let ctx = Context {
        file: "fuzz.csv".into(),
        source: "fuzz".into(),
        date_order: DateOrder::Auto,
        currency: Currency::Cny,
    };
    while let Some(row) = src.next_row() {
        let Ok(row) = row else { break };
        let row_no = row.row;
        let mapped = plan.map(row);
        match build(&plan, &mapped, row_no, &ctx) {
            Ok((c, _)) => assert!(c.problems().is_empty(), "a stored complaint breaks an invariant"),
            Err(problems) => assert!(!problems.is_empty(), "a rejected row names its problems"),
        }
    }
}

const HEADER: &str = "投诉编号,接收时间,投诉渠道,投诉内容,已交保费,诉求,身份证号,投诉人数,授权委托书\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend(body);
        run(bytes);
    }

    #[test]
    fn random_cells_never_panic(cells in proptest::collection::vec("\\PC{0,12}", 9..9 * 6)) {
        let mut text = String::from(HEADER);
        for row in cells.chunks(9) {
            let quoted: Vec<String> = row.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
            text.push_str(&quoted.join(","));
            text.push('\n');
        }
        run(text.into_bytes());
    }

    #[test]
    fn random_utf16_never_panics(s in "\\PC{0,200}") {
        let mut b = vec![0xFF, 0xFE];
        b.extend(format!("{HEADER}{s}").encode_utf16().flat_map(|u| u.to_le_bytes()));
        let mut src = CsvSource::from_reader(Box::new(std::io::Cursor::new(b)), Encoding::Utf16Le, "u16.csv").unwrap();
        while let Some(Ok(_)) = src.next_row() {}
    }
}
