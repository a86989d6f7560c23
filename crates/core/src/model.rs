//! The complaint and everything attached to it.
//!
//! Field names here are the stable JSON names of the HTTP API and of the store's documents.

use crate::money::Money;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal [$($syn:literal),*]),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable code (JSON, database, URLs).
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// Read a code or any of the synonyms (Chinese or English) found in source sheets.
            pub fn parse(s: &str) -> Option<Self> {
                let t = s.trim();
                let lower = t.to_lowercase();
                $(
                    if lower == $code $(|| lower == $syn)* { return Some($name::$variant); }
                )+
                None
            }
        }
    };
}

coded_enum!(
    /// How the complaint reached the institution.
    Channel {
        RegulatorReferral = "regulator_referral" ["12378", "监管转办", "监管转送", "监管转交", "regulator", "referral", "监管"],
        Hotline = "hotline" ["电话", "热线", "客服热线", "95519", "phone", "telephone", "call"],
        Counter = "counter" ["柜面", "柜台", "网点", "临柜", "branch", "in person", "walk-in"],
        Online = "online" ["网上", "网络", "app", "在线", "官网", "微信", "web", "online/app", "互联网"],
        Letter = "letter" ["信函", "来信", "书面", "postal mail", "mail", "fax", "传真"],
        Email = "email" ["邮件", "电子邮件", "e-mail"],
        Media = "media" ["媒体", "舆情", "自媒体", "press", "social media"],
        Petition = "petition" ["信访", "上访", "来访"],
        Other = "other" ["其他"],
    }
);

coded_enum!(
    Gender {
        Male = "male" ["男", "m"],
        Female = "female" ["女", "f"],
    }
);

coded_enum!(
    /// What the complainant asks for.
    DemandKind {
        FullRefund = "full_refund" ["全额退保", "退还全部保费", "全额退款", "full refund"],
        ClaimPayment = "claim_payment" ["理赔", "赔付", "支付理赔款", "claim", "pay claim"],
        Compensation = "compensation" ["赔偿", "补偿", "经济补偿"],
        Interest = "interest" ["利息", "赔偿利息"],
        Apology = "apology" ["道歉", "赔礼道歉"],
        StaffPunishment = "staff_punishment" ["处分", "处理责任人", "处罚员工", "punish staff"],
        Other = "other" ["其他"],
    }
);

coded_enum!(
    /// The insurer's decision on a claim.
    ClaimDecision {
        Paid = "paid" ["已赔付", "赔付", "全额赔付"],
        PartiallyPaid = "partially_paid" ["部分赔付", "partial", "partially paid"],
        Refused = "refused" ["拒赔", "拒付", "拒绝赔付", "denied", "denial"],
        Pending = "pending" ["处理中", "未决", "审核中", "in progress"],
    }
);

coded_enum!(
    /// What a user of tousu may do.
    Role {
        Handler = "handler" ["处理员"],
        Supervisor = "supervisor" ["主管"],
        Analyst = "analyst" ["分析员"],
        Admin = "admin" ["管理员"],
    }
);

/// A demand with its kind and, where stated, an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demand {
    pub kind: DemandKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
}

/// The person complaining (投诉人).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complainant {
    pub name: Option<String>,
    /// As given, normalised to 18 characters with upper-case X when valid.
    pub resident_id: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub gender: Option<Gender>,
}

/// A representative acting for the complainant (代理人 / 第三方).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThirdParty {
    pub name: Option<String>,
    pub phone: Option<String>,
    /// Relationship to the complainant (亲属, 律师, 代理机构, Attorney …).
    pub relationship: Option<String>,
    /// Whether a signed power of attorney (授权委托书) was provided.
    pub power_of_attorney: Option<bool>,
}

/// The policy (or account / contract) the complaint concerns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub number: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub premiums_paid: Option<Money>,
    pub cash_value: Option<Money>,
    pub sum_insured: Option<Money>,
    pub sales_channel: Option<String>,
    pub agent: Option<String>,
    /// Whether the selling agent has left the institution.
    pub agent_departed: Option<bool>,
}

/// The claim the complaint concerns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub amount_claimed: Option<Money>,
    pub decision: Option<ClaimDecision>,
    pub refusal_ground: Option<String>,
    pub decision_date: Option<NaiveDate>,
}

/// A complaint as received: what intake validated and the store keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    /// Source system (e.g. `cfpb`, `tx-tdi`, `core-crm`, `api`).
    pub source: String,
    /// The source system's reference; `(source, external_ref)` identifies a complaint.
    pub external_ref: String,
    /// Local date-time of receipt.
    pub received_at: NaiveDateTime,
    pub channel: Channel,
    pub institution: Option<String>,
    pub branch: Option<String>,
    pub region: Option<String>,
    pub product_line: Option<String>,
    pub product: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    /// Free text, at most [`crate::MAX_TEXT_CHARS`] characters.
    pub text: String,
    #[serde(default)]
    pub demands: Vec<Demand>,
    /// Declared number of people complaining together (群体投诉).
    pub group_size: Option<u32>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub complainant: Complainant,
    pub third_party: Option<ThirdParty>,
    pub policy: Option<Policy>,
    pub claim: Option<Claim>,
    /// Source columns that map to no field, kept by their header.
    #[serde(default)]
    pub extra: BTreeMap<String, String>,
}

/// The complaint without its text, borrowed: what stores keep beside the text column. Empty
/// values are left out (the stored document is about half the size); reading fills them in.
/// Keep in step with [`Complaint`] (a test checks the round trip).
#[derive(Serialize)]
struct DocumentView<'a> {
    source: &'a str,
    external_ref: &'a str,
    received_at: &'a NaiveDateTime,
    channel: Channel,
    #[serde(skip_serializing_if = "Option::is_none")]
    institution: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    product_line: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    product: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subcategory: &'a Option<String>,
    #[serde(skip_serializing_if = "<[Demand]>::is_empty")]
    demands: &'a [Demand],
    #[serde(skip_serializing_if = "Option::is_none")]
    group_size: Option<u32>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    complainant: ComplainantDoc<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    third_party: Option<ThirdPartyDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<PolicyDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<ClaimDoc<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extra: &'a BTreeMap<String, String>,
}

/// What [`DocumentView`] writes, read back; missing fields are empty.
#[derive(Deserialize)]
struct DocumentIn {
    source: String,
    external_ref: String,
    received_at: NaiveDateTime,
    channel: Channel,
    institution: Option<String>,
    branch: Option<String>,
    region: Option<String>,
    product_line: Option<String>,
    product: Option<String>,
    category: Option<String>,
    subcategory: Option<String>,
    #[serde(default)]
    demands: Vec<Demand>,
    group_size: Option<u32>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    complainant: Complainant,
    third_party: Option<ThirdParty>,
    policy: Option<Policy>,
    claim: Option<Claim>,
    #[serde(default)]
    extra: BTreeMap<String, String>,
}

/// Borrowed views of the small structs with their empty fields left out, fields in
/// alphabetical order: the stored document (and so every content hash) stays byte for byte what
/// it was when these were written through an intermediate `serde_json::Value`, without its cost
/// (a test compares the two).
macro_rules! doc_view {
    ($view:ident of $ty:ident { $($field:ident: $fty:ty),+ $(,)? }) => {
        #[derive(Serialize)]
        struct $view<'a> {
            $(#[serde(skip_serializing_if = "Option::is_none")] $field: &'a Option<$fty>,)+
        }
        impl<'a> $view<'a> {
            fn of(v: &'a $ty) -> Self {
                $view { $($field: &v.$field),+ }
            }
        }
    };
}

doc_view!(ComplainantDoc of Complainant {
    address: String, birth_date: NaiveDate, email: String, gender: Gender, name: String, phone: String,
    resident_id: String,
});
doc_view!(ThirdPartyDoc of ThirdParty { name: String, phone: String, power_of_attorney: bool, relationship: String });
doc_view!(PolicyDoc of Policy {
    agent: String, agent_departed: bool, cash_value: Money, number: String, premiums_paid: Money,
    sales_channel: String, start_date: NaiveDate, sum_insured: Money,
});
doc_view!(ClaimDoc of Claim { amount_claimed: Money, decision: ClaimDecision, decision_date: NaiveDate, refusal_ground: String });

impl Complaint {
    /// JSON of everything but the text (which stores keep in a column of its own).
    pub fn document_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(&DocumentView {
            source: &self.source,
            external_ref: &self.external_ref,
            received_at: &self.received_at,
            channel: self.channel,
            institution: &self.institution,
            branch: &self.branch,
            region: &self.region,
            product_line: &self.product_line,
            product: &self.product,
            category: &self.category,
            subcategory: &self.subcategory,
            demands: &self.demands,
            group_size: self.group_size,
            tags: &self.tags,
            complainant: ComplainantDoc::of(&self.complainant),
            third_party: self.third_party.as_ref().map(ThirdPartyDoc::of),
            policy: self.policy.as_ref().map(PolicyDoc::of),
            claim: self.claim.as_ref().map(ClaimDoc::of),
            extra: &self.extra,
        })
    }

    /// The inverse of [`Complaint::document_json`] (directly, without an intermediate
    /// `serde_json::Value`: stores decode every complaint of a rebuild this way).
    pub fn from_document_json(doc: &str, text: String) -> Result<Complaint, serde_json::Error> {
        let d: DocumentIn = serde_json::from_str(doc)?;
        Ok(Complaint {
            source: d.source,
            external_ref: d.external_ref,
            received_at: d.received_at,
            channel: d.channel,
            institution: d.institution,
            branch: d.branch,
            region: d.region,
            product_line: d.product_line,
            product: d.product,
            category: d.category,
            subcategory: d.subcategory,
            text,
            demands: d.demands,
            group_size: d.group_size,
            tags: d.tags,
            complainant: d.complainant,
            third_party: d.third_party,
            policy: d.policy,
            claim: d.claim,
            extra: d.extra,
        })
    }

    /// A minimal complaint; every optional part empty.
    pub fn new(source: &str, external_ref: &str, received_at: NaiveDateTime, channel: Channel, text: &str) -> Self {
        Complaint {
            source: source.to_string(),
            external_ref: external_ref.to_string(),
            received_at,
            channel,
            institution: None,
            branch: None,
            region: None,
            product_line: None,
            product: None,
            category: None,
            subcategory: None,
            text: text.to_string(),
            demands: Vec::new(),
            group_size: None,
            tags: Vec::new(),
            complainant: Complainant::default(),
            third_party: None,
            policy: None,
            claim: None,
            extra: BTreeMap::new(),
        }
    }

    /// The demanded total per currency.
    pub fn demanded_total(&self) -> Vec<Money> {
        let mut totals: BTreeMap<crate::Currency, i64> = BTreeMap::new();
        for d in &self.demands {
            if let Some(m) = d.amount {
                *totals.entry(m.currency).or_default() += m.minor;
            }
        }
        totals.into_iter().map(|(c, m)| Money::new(m, c)).collect()
    }

    /// Check the invariants every stored complaint satisfies. Returns (field, reason) pairs.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.source.trim().is_empty() {
            out.push(("source", "required".to_string()));
        }
        if self.external_ref.trim().is_empty() {
            out.push(("external_ref", "required".to_string()));
        }
        let n = self.text.chars().count();
        if n > crate::MAX_TEXT_CHARS {
            out.push(("text", format!("{n} characters; at most {} allowed", crate::MAX_TEXT_CHARS)));
        }
        if self.text.contains('\0') {
            out.push(("text", "contains a NUL character".to_string()));
        }
        if let Some(g) = self.group_size
            && g == 0
        {
            out.push(("group_size", "must be at least 1".to_string()));
        }
        for d in &self.demands {
            if let Some(m) = d.amount
                && m.minor < 0
            {
                out.push(("demands", "amount must not be negative".to_string()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How the small structs were written before (through a `serde_json::Value`, nulls
    /// removed): the stored documents and their content hashes must not change.
    fn via_value<T: Serialize>(v: &T) -> String {
        let mut value = serde_json::to_value(v).unwrap();
        value.as_object_mut().unwrap().retain(|_, v| !v.is_null());
        serde_json::to_string(&value).unwrap()
    }

    #[test]
    fn document_views_write_what_the_value_path_wrote() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29);
        let full_c = Complainant {
            name: Some("张三".into()),
            resident_id: Some("11010519491231002X".into()),
            phone: Some("+8613800138000".into()),
            email: Some("a@b.cn".into()),
            address: Some("北京市\"东城区\"".into()),
            birth_date: d,
            gender: Some(Gender::Female),
        };
        let part_c = Complainant { phone: Some("1".into()), gender: Some(Gender::Male), ..Default::default() };
        for c in [&full_c, &part_c, &Complainant::default()] {
            assert_eq!(serde_json::to_string(&ComplainantDoc::of(c)).unwrap(), via_value(c));
        }
        let t = ThirdParty {
            name: Some("李".into()),
            phone: None,
            relationship: Some("律师".into()),
            power_of_attorney: Some(false),
        };
        assert_eq!(serde_json::to_string(&ThirdPartyDoc::of(&t)).unwrap(), via_value(&t));
        let p = Policy {
            number: Some("P1".into()),
            start_date: d,
            premiums_paid: Some(Money::cny_yuan(36_000)),
            cash_value: Some(Money::cny_yuan(8_200)),
            sum_insured: None,
            sales_channel: Some("银保".into()),
            agent: Some("王".into()),
            agent_departed: Some(true),
        };
        assert_eq!(serde_json::to_string(&PolicyDoc::of(&p)).unwrap(), via_value(&p));
        let cl = Claim {
            amount_claimed: Some(Money::cny_yuan(24_400)),
            decision: Some(ClaimDecision::Refused),
            refusal_ground: Some("未如实告知".into()),
            decision_date: d,
        };
        assert_eq!(serde_json::to_string(&ClaimDoc::of(&cl)).unwrap(), via_value(&cl));
    }

    #[test]
    fn channel_synonyms() {
        assert_eq!(Channel::parse("12378"), Some(Channel::RegulatorReferral));
        assert_eq!(Channel::parse("电话"), Some(Channel::Hotline));
        assert_eq!(Channel::parse("APP"), Some(Channel::Online));
        assert_eq!(Channel::parse("regulator_referral"), Some(Channel::RegulatorReferral));
        assert_eq!(Channel::parse("carrier pigeon"), None);
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.code()), Some(*c));
        }
    }

    #[test]
    fn document_round_trips_every_field() {
        let mut c = Complaint::new(
            "s",
            "r",
            NaiveDate::from_ymd_opt(2025, 1, 2).unwrap().and_hms_opt(9, 0, 0).unwrap(),
            Channel::Media,
            "正文",
        );
        c.institution = Some("i".into());
        c.branch = Some("b".into());
        c.region = Some("r".into());
        c.product_line = Some("pl".into());
        c.product = Some("p".into());
        c.category = Some("c".into());
        c.subcategory = Some("sc".into());
        c.demands.push(Demand { kind: DemandKind::Apology, amount: None });
        c.group_size = Some(7);
        c.tags.push("t".into());
        c.complainant.name = Some("n".into());
        c.third_party = Some(ThirdParty { name: Some("x".into()), ..Default::default() });
        c.policy = Some(Policy { number: Some("P1".into()), ..Default::default() });
        c.claim = Some(Claim { decision: Some(ClaimDecision::Refused), ..Default::default() });
        c.extra.insert("k".into(), "v".into());
        let doc = c.document_json().unwrap();
        assert!(!doc.contains("正文"), "the text is not in the document");
        assert_eq!(Complaint::from_document_json(&doc, "正文".into()).unwrap(), c);
        // Every field of the full JSON but the text is in the document (this complaint has
        // every field set).
        let full = serde_json::to_value(&c).unwrap();
        let d: serde_json::Value = serde_json::from_str(&doc).unwrap();
        for k in full.as_object().unwrap().keys().filter(|k| *k != "text") {
            assert!(d.get(k).is_some(), "{k} missing from the document");
        }
        // An empty complaint leaves the empty parts out, and reads back the same.
        let bare = Complaint::new("s", "r", c.received_at, Channel::Other, "");
        let doc = bare.document_json().unwrap();
        assert!(!doc.contains("null") && !doc.contains("policy"), "{doc}");
        assert_eq!(Complaint::from_document_json(&doc, String::new()).unwrap(), bare);
    }

    #[test]
    fn json_field_names_are_stable() {
        let mut c = Complaint::new(
            "api",
            "A-1",
            NaiveDate::from_ymd_opt(2025, 1, 2).unwrap().and_hms_opt(9, 0, 0).unwrap(),
            Channel::Hotline,
            "text",
        );
        c.demands.push(Demand { kind: DemandKind::FullRefund, amount: Some(Money::cny_yuan(35000)) });
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["received_at"], "2025-01-02T09:00:00");
        assert_eq!(v["channel"], "hotline");
        assert_eq!(v["demands"][0]["kind"], "full_refund");
        assert_eq!(v["demands"][0]["amount"]["amount"], "35000.00");
        let back: Complaint = serde_json::from_value(v).unwrap();
        assert_eq!(back, c);
    }
}
