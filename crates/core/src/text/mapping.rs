//! Mappings from US regulators' classifications (CFPB Product/Issue, Texas TDI "Reason
//! complaint filed") to tousu categories, backed by data/text/mappings.toml.

use super::Category;
use crate::Error;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub const BUILTIN_MAPPINGS: &str = include_str!("../../data/text/mappings.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    product: String,
    issue: String,
    category: Category,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMappings {
    #[serde(default)]
    cfpb: Vec<RawRule>,
    #[serde(default)]
    tdi: BTreeMap<String, Category>,
}

/// Compiled mapping tables. Keys are trimmed and lower-cased.
#[derive(Debug, Clone, Default)]
pub struct Mappings {
    exact: BTreeMap<(String, String), Category>,
    by_issue: BTreeMap<String, Category>,
    by_product: BTreeMap<String, Category>,
    tdi: BTreeMap<String, Category>,
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl Mappings {
    pub fn from_toml(text: &str) -> Result<Mappings, Error> {
        let raw: RawMappings = toml::from_str(text)
            .map_err(|e| Error::InvalidData { what: "category mappings".into(), reason: e.to_string() })?;
        let mut m = Mappings::default();
        for r in raw.cfpb {
            let (p, i) = (key(&r.product), key(&r.issue));
            match (p.as_str(), i.as_str()) {
                ("*", "*") => {
                    return Err(Error::InvalidData {
                        what: "category mappings".into(),
                        reason: "a CFPB rule needs a product or an issue".into(),
                    });
                }
                ("*", _) => {
                    m.by_issue.insert(i, r.category);
                }
                (_, "*") => {
                    m.by_product.insert(p, r.category);
                }
                _ => {
                    m.exact.insert((p, i), r.category);
                }
            }
        }
        m.tdi = raw.tdi.into_iter().map(|(k, v)| (key(&k), v)).collect();
        Ok(m)
    }

    /// The built-in tables (parsed once; the data is embedded and tested).
    pub fn builtin() -> &'static Mappings {
        static CELL: OnceLock<Mappings> = OnceLock::new();
        #[allow(clippy::expect_used)]
        CELL.get_or_init(|| Mappings::from_toml(BUILTIN_MAPPINGS).expect("embedded mappings.toml parses (tested)"))
    }

    /// CFPB Product and Issue → category: exact pair, then issue alone, then product alone.
    pub fn cfpb(&self, product: &str, issue: &str) -> Category {
        let (p, i) = (key(product), key(issue));
        if let Some(&c) = self.exact.get(&(p.clone(), i.clone())) {
            return c;
        }
        if let Some(&c) = self.by_issue.get(&i) {
            return c;
        }
        self.by_product.get(&p).copied().unwrap_or(Category::Other)
    }

    /// TDI reason(s) → category. Several reasons joined by ";" map to the first one (in the
    /// order written) whose category is not `other`.
    pub fn tdi(&self, reason: &str) -> Category {
        reason
            .split(';')
            .filter_map(|r| self.tdi.get(&key(r)).copied())
            .find(|&c| c != Category::Other)
            .unwrap_or(Category::Other)
    }
}

/// CFPB Product / Issue → category, with the built-in table.
pub fn map_cfpb(product: &str, issue: &str) -> Category {
    Mappings::builtin().cfpb(product, issue)
}

/// Texas TDI "Reason complaint filed" → category, with the built-in table.
pub fn map_tdi(reason: &str) -> Category {
    Mappings::builtin().tdi(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Category::*;

    #[test]
    fn builtin_parses() {
        let m = Mappings::from_toml(BUILTIN_MAPPINGS).unwrap();
        assert!(m.tdi.len() > 30);
        assert!(Mappings::from_toml("[[cfpb]]\nproduct = \"*\"\nissue = \"*\"\ncategory = \"card\"\n").is_err());
        assert!(Mappings::from_toml("[tdi]\n\"X\" = \"nope\"\n").is_err());
    }

    /// Every Product of the CFPB sample in /work/shared/data, with representative issues.
    #[test]
    fn cfpb_values_seen_in_the_sample() {
        let cr = "Credit reporting, credit repair services, or other personal consumer reports";
        let cases = [
            (cr, "Incorrect information on your report", DataPrivacy),
            (cr, "Improper use of your report", DataPrivacy),
            (cr, "Problem with a credit reporting company's investigation into an existing problem", DataPrivacy),
            (cr, "Unable to get your credit report or credit score", DataPrivacy),
            (cr, "Problem with fraud alerts or security freezes", DataPrivacy),
            (cr, "Problem with customer service", ServiceAttitude),
            (cr, "Excessive fees", FeesCharges),
            (cr, "Confusing or misleading advertising or marketing", MisSelling),
            (cr, "Fraud or scam", Other),
            ("Debt collection", "Attempts to collect debt not owed", DebtCollection),
            ("Debt collection", "Communication tactics", DebtCollection),
            ("Debt collection", "Threatened to contact someone or share information improperly", DebtCollection),
            ("Debt collection", "Written notification about debt", DebtCollection),
            ("Checking or savings account", "Managing an account", Other),
            ("Checking or savings account", "Closing an account", Other),
            ("Checking or savings account", "Problem caused by your funds being low", FeesCharges),
            (
                "Checking or savings account",
                "Problem with a lender or other company charging your account",
                FeesCharges,
            ),
            ("Checking or savings account", "Incorrect information on your report", DataPrivacy),
            ("Checking or savings account", "Credit monitoring or identity theft protection services", DataPrivacy),
            ("Credit card or prepaid card", "Problem with a purchase shown on your statement", Card),
            ("Credit card or prepaid card", "Fees or interest", FeesCharges),
            ("Credit card or prepaid card", "Unexpected or other fees", FeesCharges),
            ("Credit card or prepaid card", "Advertising and marketing, including promotional offers", MisSelling),
            ("Credit card or prepaid card", "Getting a credit card", Card),
            ("Credit card", "Identity theft / Fraud / Embezzlement", Card),
            ("Credit card", "Billing disputes", Card),
            ("Mortgage", "Trouble during payment process", Loan),
            ("Mortgage", "Struggling to pay mortgage", Loan),
            ("Mortgage", "Incorrect information on your report", DataPrivacy),
            ("Student loan", "Dealing with your lender or servicer", Loan),
            ("Vehicle loan or lease", "Managing the loan or lease", Loan),
            ("Payday loan, title loan, or personal loan", "Struggling to pay your loan", Loan),
            ("Payday loan, title loan, or personal loan", "Charged fees or interest you didn't expect", FeesCharges),
            ("Payday loan", "Charged fees or interest I didn't expect", FeesCharges),
            ("Consumer Loan", "Managing the loan or lease", Loan),
            ("Money transfer, virtual currency, or money service", "Fraud or scam", Other),
            ("Money transfer, virtual currency, or money service", "Problem with customer service", ServiceAttitude),
            ("Money transfer, virtual currency, or money service", "Unexpected or other fees", FeesCharges),
            ("Bank account or service", "Account opening, closing, or management", Other),
            ("Bank account or service", "Problems caused by my funds being low", FeesCharges),
            ("Something new", "Anything", Other),
        ];
        for (p, i, c) in cases {
            assert_eq!(map_cfpb(p, i), c, "{p} / {i}");
        }
        assert_eq!(map_cfpb("  debt COLLECTION ", "x"), DebtCollection, "case and space insensitive");
    }

    /// The most frequent TDI reasons of the State Farm sample in /work/shared/data.
    #[test]
    fn tdi_values_seen_in_the_sample() {
        let cases = [
            ("Delays (Claims Handling)", ClaimDelay),
            ("Cust Service Claim Handling", ServiceAttitude),
            ("Unsatisfactory Settle/Offer", ClaimAmountDispute),
            ("Denial Of Claim", ClaimRefusal),
            ("Premium and Rating", FeesCharges),
            ("Delays (Policyholder Service)", ServiceAttitude),
            ("Refund Of Premium", SurrenderDispute),
            ("Liability Dispute", ClaimRefusal),
            ("Cancellation", Other),
            ("Non-Renewal", Other),
            ("Cust Srvc Policy Holder Srvcs", ServiceAttitude),
            ("Other", Other),
            ("Agent Handling", ServiceAttitude),
            ("Premium Notice", FeesCharges),
            ("Delays (Underwriting)", ServiceAttitude),
            ("Post-Claim Underwriting", ClaimRefusal),
            ("Use Of Clue Reports", DataPrivacy),
            ("Misrepresentation", MisSelling),
            ("Cash Value", SurrenderDispute),
            ("Misleading Advertising", MisSelling),
            ("Policy Exclusion", ClaimRefusal),
            ("Pre-Existing Condition", ClaimRefusal),
            ("Not Within TDI Jurisdiction", Other),
            ("Assignment of Benefits", Other),
            ("Delays (Claims Handling); Non-Renewal", ClaimDelay),
            ("Non-Renewal; Denial Of Claim", ClaimRefusal),
            ("Cancellation; Refund Of Premium", SurrenderDispute),
            ("", Other),
        ];
        for (r, c) in cases {
            assert_eq!(map_tdi(r), c, "{r}");
        }
    }
}
