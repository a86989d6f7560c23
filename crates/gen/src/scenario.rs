//! Complaint types (the truth file's `scenario` codes) and their background shares.

use crate::texts::{self, ScenText};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scenario {
    NonDisclosure,
    Exclusion,
    Waiting,
    PreExisting,
    NotCovered,
    Documents,
    Delay,
    Amount,
    CoolingOff,
    CashValue,
    MisSelling,
    Service,
    Fees,
    Card,
    Loan,
    Collection,
    Privacy,
    Other,
}

impl Scenario {
    pub const ALL: [Scenario; 18] = [
        Scenario::NonDisclosure,
        Scenario::Exclusion,
        Scenario::Waiting,
        Scenario::PreExisting,
        Scenario::NotCovered,
        Scenario::Documents,
        Scenario::Delay,
        Scenario::Amount,
        Scenario::CoolingOff,
        Scenario::CashValue,
        Scenario::MisSelling,
        Scenario::Service,
        Scenario::Fees,
        Scenario::Card,
        Scenario::Loan,
        Scenario::Collection,
        Scenario::Privacy,
        Scenario::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Scenario::NonDisclosure => "claim_refusal_non_disclosure",
            Scenario::Exclusion => "claim_refusal_exclusion",
            Scenario::Waiting => "claim_refusal_waiting_period",
            Scenario::PreExisting => "claim_refusal_pre_existing",
            Scenario::NotCovered => "claim_refusal_not_covered",
            Scenario::Documents => "claim_refusal_documents",
            Scenario::Delay => "claim_delay",
            Scenario::Amount => "claim_amount_dispute",
            Scenario::CoolingOff => "surrender_cooling_off",
            Scenario::CashValue => "surrender_cash_value",
            Scenario::MisSelling => "mis_selling",
            Scenario::Service => "service_attitude",
            Scenario::Fees => "fees_charges",
            Scenario::Card => "card",
            Scenario::Loan => "loan",
            Scenario::Collection => "debt_collection",
            Scenario::Privacy => "data_privacy",
            Scenario::Other => "other",
        }
    }

    /// Share of background complaints, in per cent (they sum to 100).
    pub fn share(self) -> u32 {
        match self {
            Scenario::NonDisclosure => 6,
            Scenario::Exclusion => 4,
            Scenario::Waiting => 3,
            Scenario::PreExisting => 3,
            Scenario::NotCovered => 3,
            Scenario::Documents => 3,
            Scenario::Delay => 6,
            Scenario::Amount => 5,
            Scenario::CoolingOff => 3,
            Scenario::CashValue => 8,
            Scenario::MisSelling => 9,
            Scenario::Service => 10,
            Scenario::Fees => 7,
            Scenario::Card => 10,
            Scenario::Loan => 8,
            Scenario::Collection => 6,
            Scenario::Privacy => 3,
            Scenario::Other => 3,
        }
    }

    pub fn is_refusal(self) -> bool {
        matches!(
            self,
            Scenario::NonDisclosure
                | Scenario::Exclusion
                | Scenario::Waiting
                | Scenario::PreExisting
                | Scenario::NotCovered
                | Scenario::Documents
        )
    }

    pub fn is_claim(self) -> bool {
        self.is_refusal() || matches!(self, Scenario::Delay | Scenario::Amount)
    }

    /// The source system's category.
    pub fn category(self) -> &'static str {
        match self {
            s if s.is_claim() => "理赔纠纷",
            Scenario::CoolingOff | Scenario::CashValue => "退保纠纷",
            Scenario::MisSelling => "销售纠纷",
            Scenario::Service => "服务质量",
            Scenario::Fees => "收费争议",
            Scenario::Card => "银行卡",
            Scenario::Loan => "贷款业务",
            Scenario::Collection => "催收",
            Scenario::Privacy => "个人信息保护",
            _ => "其他",
        }
    }

    pub fn text(self, cooling_inside: bool) -> &'static ScenText {
        match self {
            Scenario::NonDisclosure => &texts::NON_DISCLOSURE,
            Scenario::Exclusion => &texts::EXCLUSION,
            Scenario::Waiting => &texts::WAITING,
            Scenario::PreExisting => &texts::PRE_EXISTING,
            Scenario::NotCovered => &texts::NOT_COVERED,
            Scenario::Documents => &texts::DOCUMENTS,
            Scenario::Delay => &texts::DELAY,
            Scenario::Amount => &texts::AMOUNT,
            Scenario::CoolingOff if cooling_inside => &texts::COOL_IN,
            Scenario::CoolingOff => &texts::COOL_OUT,
            Scenario::CashValue => &texts::CASH_VALUE,
            Scenario::MisSelling => &texts::MIS_SELLING,
            Scenario::Service => &texts::SERVICE,
            Scenario::Fees => &texts::FEES,
            Scenario::Card => &texts::CARD,
            Scenario::Loan => &texts::LOAN,
            Scenario::Collection => &texts::COLLECTION,
            Scenario::Privacy => &texts::PRIVACY,
            Scenario::Other => &texts::OTHER,
        }
    }

    /// Index into the parsed template library (cooling-off has two text sets).
    pub fn text_index(self, cooling_inside: bool) -> usize {
        match self {
            Scenario::CoolingOff if !cooling_inside => Scenario::ALL.len(),
            s => Scenario::ALL.iter().position(|x| *x == s).unwrap_or(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_sum_to_100() {
        assert_eq!(Scenario::ALL.iter().map(|s| s.share()).sum::<u32>(), 100);
    }
}
