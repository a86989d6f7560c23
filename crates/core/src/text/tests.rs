//! Behaviour tests of the text analyser. Spans are checked against the ORIGINAL text.

use super::*;
use std::sync::OnceLock;

fn az() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| Analyzer::builtin().unwrap())
}

/// Character span of the `nth` occurrence of `needle` in `text`.
fn span_of(text: &str, needle: &str, nth: usize) -> Span {
    let (b, _) = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    let start = text[..b].chars().count();
    Span::new(start, start + needle.chars().count())
}

fn all_spans<T>(f: &Finding<T>) -> Vec<Span> {
    f.evidence.iter().flat_map(|e| e.spans.iter().copied()).collect()
}

fn threat(a: &TextAnalysis, t: Threat) -> Option<&Finding<Threat>> {
    a.threats.iter().find(|f| f.value == t)
}

fn emotion(a: &TextAnalysis, e: Emotion) -> Option<&Finding<Emotion>> {
    a.emotions.iter().find(|f| f.value == e)
}

fn demand(a: &TextAnalysis, k: DemandKind) -> Option<&Finding<DemandFinding>> {
    a.demands.iter().find(|f| f.value.kind == k)
}

fn marker(a: &TextAnalysis, m: Marker) -> Option<&Finding<Marker>> {
    a.markers.iter().find(|f| f.value == m)
}

/// The amounts of every demand the built-in analyser finds in `text`.
fn amounts(text: &str) -> Vec<Money> {
    az().analyze(text).demands.iter().filter_map(|d| d.value.amount).collect()
}

fn cny(yuan: i64) -> Money {
    Money::cny_yuan(yuan)
}

fn usd(cents: i64) -> Money {
    Money { minor: cents, currency: Currency::Usd }
}

#[test]
fn category_and_subcategory_with_spans() {
    let t = "保险公司以我未如实告知为由拒赔，还要解除合同。";
    let a = az().analyze(t);
    let c = a.category.as_ref().unwrap();
    assert_eq!(c.value, Category::ClaimRefusal);
    assert!(c.score > 0.5, "{}", c.score);
    let spans = all_spans(c);
    assert!(spans.contains(&span_of(t, "拒赔", 0)));
    assert!(spans.contains(&span_of(t, "未如实告知", 0)));
    let sub = a.subcategory.as_ref().unwrap();
    assert_eq!(sub.value, "non_disclosure");
    assert!(all_spans(sub).contains(&span_of(t, "解除合同", 0)));
}

#[test]
fn categories_for_typical_texts() {
    let cases = [
        ("我去年买的重疾险，因为在等待期内确诊，公司拒绝理赔。", Category::ClaimRefusal, Some("waiting_period")),
        ("理赔材料三个月前就交齐了，至今未赔，一拖再拖。", Category::ClaimDelay, None),
        ("定损金额明显不合理，赔得太少，只赔了一半。", Category::ClaimAmountDispute, None),
        ("我要退保，现金价值只有所交保费的三成。", Category::SurrenderDispute, Some("cash_value")),
        ("犹豫期内申请退保却被拒绝。", Category::SurrenderDispute, Some("cooling_off")),
        ("业务员说是存款，保本高收益，属于销售误导和虚假宣传。", Category::MisSelling, None),
        ("客服态度恶劣，直接挂电话。", Category::ServiceAttitude, None),
        ("银行乱收费，每年扣账户管理费。", Category::FeesCharges, None),
        ("我的信用卡被盗刷了两万元。", Category::Card, None),
        ("房贷提前还款被收违约金，月供也算错。", Category::Loan, None),
        ("催收人员爆通讯录，骚扰我的家人。", Category::DebtCollection, None),
        ("我的个人信息被泄露，征信报告上多了不良记录。", Category::DataPrivacy, None),
        ("The debt collector keeps calling me about a debt that is not mine.", Category::DebtCollection, None),
        ("There is incorrect information on my credit report from Experian.", Category::DataPrivacy, None),
        ("今天天气很好。", Category::Other, None),
    ];
    for (t, cat, sub) in cases {
        let a = az().analyze(t);
        assert_eq!(a.category.as_ref().unwrap().value, cat, "{t}");
        assert_eq!(a.subcategory.as_ref().map(|s| s.value.as_str()), sub, "{t}");
    }
    let other = az().analyze("今天天气很好。");
    assert_eq!(other.category.unwrap().score, 0.0);
    assert!(az().analyze("  ").category.is_none());
}

#[test]
fn traditional_text_spans_refer_to_original() {
    let t = "保險公司拒賠，說我未如實告知，我非常憤怒！！！我將向銀保監投訴。";
    let a = az().analyze(t);
    let c = a.category.as_ref().unwrap();
    assert_eq!(c.value, Category::ClaimRefusal);
    assert!(all_spans(c).contains(&span_of(t, "拒賠", 0)));
    assert_eq!(a.subcategory.as_ref().unwrap().value, "non_disclosure");
    let anger = emotion(&a, Emotion::Anger).unwrap();
    let spans = all_spans(anger);
    assert!(spans.contains(&span_of(t, "憤怒", 0)));
    assert!(spans.contains(&span_of(t, "非常", 0)), "degree word is evidence");
    assert!(spans.contains(&span_of(t, "！！！", 0)));
    assert!(anger.score >= 1.0 - 1e-6, "0.7 × 1.5 + punctuation, capped: {}", anger.score);
    let reg = threat(&a, Threat::Regulator).unwrap();
    assert!(all_spans(reg).contains(&span_of(t, "銀保監", 0)));
    assert!(all_spans(reg).contains(&span_of(t, "投訴", 0)), "the action verb is evidence");
    assert_eq!(a.lang, Lang::Zh);
    assert_eq!(span_of(t, "拒賠", 0).slice(t), "拒賠");
}

#[test]
fn full_width_text_spans_and_amount() {
    let t = "向ＣＦＰＢ投诉！要求赔偿３５，０００元。";
    let a = az().analyze(t);
    let reg = threat(&a, Threat::Regulator).unwrap();
    assert!(all_spans(reg).contains(&span_of(t, "ＣＦＰＢ", 0)));
    let d = demand(&a, DemandKind::Compensation).unwrap();
    assert_eq!(d.value.amount, Some(cny(35_000)));
    assert!(all_spans(d).contains(&span_of(t, "３５，０００元", 0)));
    assert!(all_spans(d).contains(&span_of(t, "要求", 0)));
    assert_eq!(a.demanded_total, vec![cny(35_000)]);
}

#[test]
fn threat_negations_and_hypotheticals() {
    let not_threats = [
        ("我不想闹到监管", Threat::Regulator),
        ("我们不会去媒体", Threat::Media),
        ("I don't want to go to the CFPB", Threat::Regulator),
        ("I will not go to the media about this", Threat::Media),
        ("我没有向银保监会投诉过", Threat::Regulator),
    ];
    for (t, k) in not_threats {
        let a = az().analyze(t);
        assert!(threat(&a, k).is_none(), "{t}: {:?}", a.threats);
    }
    let threats = [
        ("再不解决就去监管局", Threat::Regulator, "监管局"),
        ("我将向银保监投诉", Threat::Regulator, "银保监"),
        ("I will file with the CFPB", Threat::Regulator, "CFPB"),
        ("如果不赔的话我就向12378反映", Threat::Regulator, "12378"),
        ("否则我就去媒体曝光", Threat::Media, "媒体"),
        ("我已经请了律师，准备起诉你们", Threat::Lawsuit, "起诉"),
        ("我不得不向法院起诉", Threat::Lawsuit, "起诉"),
        ("我们几十个客户准备集体投诉", Threat::GroupAction, "集体投诉"),
        ("I will sue you in small claims court", Threat::Lawsuit, "sue"),
        ("我要去信访", Threat::Petition, "信访"),
    ];
    for (t, k, cue) in threats {
        let a = az().analyze(t);
        let f = threat(&a, k).unwrap_or_else(|| panic!("{t}: {:?}", a.threats));
        assert!(all_spans(f).contains(&span_of(t, cue, 0)), "{t}: {:?}", f.evidence);
        assert!(f.score >= 0.7, "{t}: {}", f.score);
    }
    // Conditional threats are threats, and say so.
    let a = az().analyze("再不解决就去监管局");
    assert!(threat(&a, Threat::Regulator).unwrap().evidence[0].note.contains("conditional"));
    // A bare mention without an action verb is weaker.
    let bare = az().analyze("监管部门");
    assert!(threat(&bare, Threat::Regulator).unwrap().score < 0.7);
    // "issue" must not match "sue".
    assert!(az().analyze("This issue is open").threats.is_empty());
}

#[test]
fn self_harm_is_critical() {
    for t in ["再不赔我就跳楼", "我不想活了", "I am going to kill myself"] {
        let a = az().analyze(t);
        let f = threat(&a, Threat::SelfHarmViolence).unwrap_or_else(|| panic!("{t}"));
        assert_eq!(f.score, 1.0, "{t}");
    }
    // Preparatory acts are statements too (farewell letters, a chosen place, things given away);
    // an estate's executor telling of the bank chasing a dead man is not one.
    for t in [
        "She had written farewell letters to each of her children.",
        "I've decided this will be my last winter.",
        "后事我都交代好了，你们看着办。",
        "地方我都选好了，钱不退我就去。",
    ] {
        assert!(threat(&az().analyze(t), Threat::SelfHarmViolence).is_some(), "{t}");
    }
    let a = az().analyze("I had to explain to our mum why the bank is chasing a dead man for money.");
    assert!(threat(&a, Threat::SelfHarmViolence).is_none());
}

#[test]
fn emotion_degree_negation_and_boosts() {
    let plain = az().analyze("我很失望");
    let strong = az().analyze("我极其失望");
    let p = emotion(&plain, Emotion::Disappointment).unwrap().score;
    let s = emotion(&strong, Emotion::Disappointment).unwrap().score;
    assert!(s > p, "{s} > {p}");
    assert!((s - 1.0).abs() < 1e-6 || (s - 0.6 * 1.8).abs() < 1e-3);
    let tai = az().analyze("太让人失望了");
    let f = emotion(&tai, Emotion::Disappointment).unwrap();
    assert!((f.score - 0.84).abs() < 1e-3, "{}", f.score);
    assert!(all_spans(f).contains(&Span::new(0, 1)));
    for t in ["我并不失望", "我没有生气", "I am not angry", "I am never disappointed"] {
        let a = az().analyze(t);
        assert!(a.emotions.is_empty(), "{t}: {:?}", a.emotions);
    }
    // A negation in an earlier clause does not cancel.
    assert!(emotion(&az().analyze("你们没有回复，我很失望"), Emotion::Disappointment).is_some());
    // Rhetorical questions, repeated punctuation and insults raise anger.
    let t = "凭什么不赔？？？";
    let a = az().analyze(t);
    let anger = emotion(&a, Emotion::Anger).unwrap();
    assert!(all_spans(anger).contains(&span_of(t, "凭什么", 0)));
    assert!(all_spans(anger).contains(&span_of(t, "？？？", 0)));
    let t = "难道你们就不管了吗";
    let anger = emotion(&az().analyze(t), Emotion::Anger).unwrap().clone();
    assert!(all_spans(&anger).contains(&span_of(t, "难道", 0)));
    assert!(all_spans(&anger).contains(&span_of(t, "吗", 0)));
    assert!(emotion(&az().analyze("难道是这样。"), Emotion::Anger).is_none(), "难道 without 吗/？");
    assert!(emotion(&az().analyze("How dare you charge me"), Emotion::Anger).is_some());
    let base = emotion(&az().analyze("我很愤怒"), Emotion::Anger).unwrap().score;
    let insulted = emotion(&az().analyze("我很愤怒，你们这些骗子"), Emotion::Anger).unwrap().score;
    assert!(insulted > base);
    let g = az().analyze("父亲去世后我非常痛苦，每天都很焦虑，你们的嘴脸让人恶心");
    for e in [Emotion::Grief, Emotion::Anxiety, Emotion::Disgust] {
        assert!(emotion(&g, e).is_some(), "{e:?}");
    }
}

#[test]
fn every_amount_notation_near_a_demand() {
    let cases = [
        ("35000元", cny(35_000)),
        ("3.5万", cny(35_000)),
        ("三万五千元", cny(35_000)),
        ("¥35,000", cny(35_000)),
        ("￥35,000", cny(35_000)),
        ("$1,200.50", Money::new(120_050, Currency::Usd)),
        ("叁万元", cny(30_000)),
        ("３５０００元", cny(35_000)),
        ("3.5万元", cny(35_000)),
    ];
    for (n, m) in cases {
        let t = format!("我要求赔偿{n}。");
        let a = az().analyze(&t);
        let d = demand(&a, DemandKind::Compensation).unwrap_or_else(|| panic!("{t}"));
        assert_eq!(d.value.amount, Some(m), "{t}");
        assert!(all_spans(d).contains(&span_of(&t, n, 0)), "{t}: {:?}", d.evidence);
        assert_eq!(a.demanded_total, vec![m], "{t}");
    }
    // English texts default to dollars.
    let a = az().analyze("I want a full refund of 1,200 dollars and an apology.");
    assert_eq!(demand(&a, DemandKind::FullRefund).unwrap().value.amount, Some(Money::new(120_000, Currency::Usd)));
    assert!(demand(&a, DemandKind::Apology).is_some());
}

#[test]
fn demand_kinds_totals_and_negation() {
    let t = "本人要求全额退保，退还全部保费3.5万元，并赔偿利息2000元，同时要求赔礼道歉、处理责任人。";
    let a = az().analyze(t);
    assert_eq!(demand(&a, DemandKind::FullRefund).unwrap().value.amount, Some(cny(35_000)));
    assert_eq!(demand(&a, DemandKind::Interest).unwrap().value.amount, Some(cny(2_000)));
    assert!(demand(&a, DemandKind::Apology).is_some());
    assert!(demand(&a, DemandKind::StaffPunishment).is_some());
    assert_eq!(a.demanded_total, vec![cny(37_000)]);
    let refund = demand(&a, DemandKind::FullRefund).unwrap();
    assert!(all_spans(refund).contains(&span_of(t, "全额退保", 0)));
    // The same amount repeated counts once.
    let a = az().analyze("要求赔偿5000元。再次要求赔偿5000元！");
    assert_eq!(a.demanded_total, vec![cny(5_000)]);
    // Negated demands and mere mentions are not demands.
    assert!(demand(&az().analyze("我不要求赔偿，只想讨个说法"), DemandKind::Compensation).is_none());
    assert!(az().analyze("你们拒绝赔付").demands.is_empty());
    assert!(demand(&az().analyze("希望尽快理赔"), DemandKind::ClaimPayment).is_some());
    // An amount in another sentence is not attached.
    let a = az().analyze("我交了保费35000元。要求道歉。");
    assert_eq!(demand(&a, DemandKind::Apology).unwrap().value.amount, None);
    assert!(a.demanded_total.is_empty());
    let a = az().analyze("Please reimburse the $35 fee");
    assert_eq!(demand(&a, DemandKind::Compensation).unwrap().value.amount, Some(Money::new(3_500, Currency::Usd)));
}

#[test]
fn markers() {
    let t = "业务员存在销售误导，我要求全额退保。";
    let a = az().analyze(t);
    let m = marker(&a, Marker::SalesMisleadingCombo).unwrap();
    assert!(all_spans(m).contains(&span_of(t, "销售误导", 0)));
    assert!(all_spans(m).contains(&span_of(t, "全额退保", 0)));
    assert!(marker(&az().analyze("业务员存在销售误导。"), Marker::SalesMisleadingCombo).is_none());

    let t = "根据《中华人民共和国保险法》第十六条和《保险法》 第17条，贵公司应当赔付。";
    let a = az().analyze(t);
    let m = marker(&a, Marker::LegalBoilerplate).unwrap();
    assert_eq!(
        all_spans(m),
        vec![span_of(t, "《中华人民共和国保险法》第十六条", 0), span_of(t, "《保险法》 第17条", 0)]
    );
    assert!(marker(&az().analyze("我看过《保险法》"), Marker::LegalBoilerplate).is_none());
    let t = "This violates Section 609 of the FCRA";
    let m = marker(&az().analyze(t), Marker::LegalBoilerplate).unwrap().clone();
    assert_eq!(all_spans(&m), vec![span_of(t, "Section 609", 0)]);

    let t = "本人委托代理人张某处理此事，附授权委托书。";
    let m = marker(&az().analyze(t), Marker::Representative).unwrap().clone();
    assert!(all_spans(&m).contains(&span_of(t, "授权委托书", 0)));
    assert!(marker(&az().analyze("I am writing on behalf of my mother"), Marker::Representative).is_some());

    let t = "贵公司严重侵犯了我的合法权益，未履行明确说明义务，恳请贵公司依法处理。";
    let m = marker(&az().analyze(t), Marker::Scripted).unwrap().clone();
    assert_eq!(m.evidence.len(), 3);
    assert!(marker(&az().analyze("恳请贵公司处理"), Marker::Scripted).is_none());

    let body = "我于二〇一九年购买了贵公司的保险产品。".repeat(45);
    let t = format!("尊敬的领导：\n{body}\n此致\n敬礼");
    let a = az().analyze(&t);
    let m = marker(&a, Marker::LongFormalLetter).unwrap();
    assert!(all_spans(m).contains(&span_of(&t, "尊敬的", 0)));
    assert!(marker(&az().analyze("尊敬的领导：请尽快处理。此致敬礼"), Marker::LongFormalLetter).is_none());
    // A short letter of several lines with a closing formula is a formal letter too.
    let t = "尊敬的领导：\n我的理赔申请至今没有结果。\n请尽快处理。\n此致\n敬礼\n投诉人：王某";
    let m = marker(&az().analyze(t), Marker::LongFormalLetter).unwrap().clone();
    assert!(all_spans(&m).contains(&span_of(t, "此致", 0)));
    assert!(m.evidence.iter().any(|e| e.rule == "marker.lines"));
    assert!(
        marker(&az().analyze("Sincerely sorry for the delay, please call me."), Marker::LongFormalLetter).is_none()
    );
    // The stock phrases of ghost-written letters.
    let t = "业务员存在以下违规行为：一、夸大产品收益；二、隐瞒退保损失。以上情况属实。";
    let m = marker(&az().analyze(t), Marker::Scripted).unwrap().clone();
    assert_eq!(m.evidence.len(), 4);
}

#[test]
fn vulnerability_cues_and_ages() {
    let t = "我母亲七十多岁了，年迈多病，患癌症住院，家里生活困难。";
    let a = az().analyze(t);
    let find = |v: Vulnerability| a.vulnerability.iter().find(|f| f.value == v);
    assert!(all_spans(find(Vulnerability::Elderly).unwrap()).contains(&span_of(t, "七十多岁", 0)));
    assert!(all_spans(find(Vulnerability::Illness).unwrap()).contains(&span_of(t, "癌症", 0)));
    assert!(find(Vulnerability::Hardship).is_some());
    assert!(find(Vulnerability::Disability).is_none());
    let t = "My father is 82 years old and disabled.";
    let a = az().analyze(t);
    let e = a.vulnerability.iter().find(|f| f.value == Vulnerability::Elderly).unwrap();
    assert_eq!(all_spans(e), vec![span_of(t, "82 years old", 0)]);
    assert!(a.vulnerability.iter().any(|f| f.value == Vulnerability::Disability));
    let t = "投保人今年七十三岁";
    let a = az().analyze(t);
    assert_eq!(all_spans(&a.vulnerability[0]), vec![span_of(t, "七十三岁", 0)]);
    assert!(az().analyze("我今年35岁").vulnerability.is_empty());
}

#[test]
fn language_detection() {
    assert_eq!(az().analyze("I was charged a late fee").lang, Lang::En);
    assert_eq!(az().analyze("我向CFPB投诉").lang, Lang::Zh);
    assert_eq!(az().analyze("").lang, Lang::Zh);
}

#[test]
fn deterministic_and_stable_json() {
    let t = "保險公司拒賠！！我非常憤怒，要求赔偿3.5万元，否则就去媒体曝光。委托律师处理。";
    let a = az().analyze(t);
    let b = Analyzer::builtin().unwrap().analyze(t);
    assert_eq!(a, b);
    let ja = serde_json::to_string(&a).unwrap();
    assert_eq!(ja, serde_json::to_string(&b).unwrap());
    let v: serde_json::Value = serde_json::from_str(&ja).unwrap();
    assert_eq!(v["category"]["value"], "claim_refusal");
    assert_eq!(v["lang"], "zh");
    assert_eq!(v["demands"][0]["value"]["kind"], "compensation");
    assert_eq!(v["demands"][0]["value"]["amount"]["amount"], "35000.00");
    assert_eq!(v["threats"][0]["value"], "media");
    assert!(v["version"].as_str().unwrap().starts_with("2026"));
    let back: TextAnalysis = serde_json::from_str(&ja).unwrap();
    assert_eq!(back, a);
}

#[test]
fn spans_are_in_bounds_for_mixed_texts() {
    let texts = [
        "ｘ保險💥拒賠😀 I don't want to go to the CFPB！！ 要求赔偿$1,200.50",
        "\u{3000}７０岁老人，住院，凭什么？？",
        "a",
        "",
    ];
    for t in texts {
        let n = t.chars().count();
        let a = az().analyze(t);
        let j = serde_json::to_value(&a).unwrap();
        let mut stack = vec![&j];
        while let Some(v) = stack.pop() {
            if let Some(o) = v.as_object() {
                if let (Some(s), Some(e)) =
                    (o.get("start").and_then(|x| x.as_u64()), o.get("end").and_then(|x| x.as_u64()))
                {
                    assert!(s < e && e as usize <= n, "{t}: {s}..{e}");
                }
                stack.extend(o.values());
            } else if let Some(arr) = v.as_array() {
                stack.extend(arr);
            }
        }
    }
}

#[test]
fn overrides() {
    let over = r#"
version = "bank-x-1"
[category.card]
"白金卡" = 5.0
[threat.media]
"媒体" = 0
[t2s]
"卡" = "卡"
"#;
    let a = Analyzer::from_toml(&[over]).unwrap();
    assert_eq!(a.version(), "bank-x-1");
    let r = a.analyze("白金卡的问题，我要去媒体");
    assert_eq!(r.category.unwrap().value, Category::Card);
    assert!(r.threats.is_empty());
    assert_eq!(r.version, "bank-x-1");
    assert!(Analyzer::from_toml(&["[category.x]\n"]).is_err());
    let only = Analyzer::from_lexicons_only(&["[category.loan]\n\"借钱\" = 1\n"]).unwrap();
    assert_eq!(only.analyze("借錢").category.unwrap().value, Category::Loan, "t2s applies to terms and text");
    assert!(Analyzer::builtin().unwrap().memory_bytes() > 10_000);
}

#[test]
fn enum_codes_and_names() {
    for c in Category::ALL {
        assert_eq!(Category::parse(c.code()), Some(*c));
        assert_eq!(Category::parse(c.name_zh()), Some(*c));
        assert_eq!(serde_json::to_value(c).unwrap(), c.code());
    }
    assert_eq!(Category::ALL.len(), 12);
    for t in Threat::ALL {
        assert_eq!(serde_json::to_value(t).unwrap(), t.code());
    }
    for m in Marker::ALL {
        assert_eq!(serde_json::to_value(m).unwrap(), m.code());
    }
    for e in Emotion::ALL {
        assert_eq!(serde_json::to_value(e).unwrap(), e.code());
    }
    for v in Vulnerability::ALL {
        assert_eq!(serde_json::to_value(v).unwrap(), v.code());
    }
}

#[test]
fn referral_headers_are_not_threats() {
    let a = az().analyze("转办编号2026630466。监管转办：投诉人反映，理赔拖延。");
    assert!(threat(&a, Threat::Regulator).is_none(), "{:?}", a.threats);
    let t = "来电人情绪激动，称如不赔付将从公司楼上跳下。";
    let a = az().analyze(t);
    assert!(all_spans(threat(&a, Threat::SelfHarmViolence).unwrap()).contains(&span_of(t, "跳下", 0)));
    assert!(emotion(&a, Emotion::Anger).is_some());
}

#[test]
fn retractions_quotes_and_explicit_self_harm_negation() {
    let has = |text: &str, t: Threat| threat(&az().analyze(text), t).is_some();
    // A retraction later in the same sentence takes the threat back.
    assert!(!has("大家一起去闹确实动静大，但我不想这么做。", Threat::GroupAction));
    assert!(!has("上访那种事我做不出来，我就想好好解决。", Threat::Petition));
    assert!(has("大家一起去闹。但我不想这么做，是你们逼的。", Threat::GroupAction));
    // Someone else's words in quotes are not the complainant's threat; the complainant's own are.
    assert!(!has("业务员还吓唬我说“你去12378投诉也是白投诉”。", Threat::Regulator));
    assert!(has("我跟客服说“再不赔我就去12378投诉”。", Threat::Regulator));
    // In a note, "并称“…”" continues the complainant's sentence; "还说“…”" after 对方 does not.
    assert!(has("来电人表示将把照片发到网上，并称“再有人上门，我就跟他们拼了”。", Threat::SelfHarmViolence));
    assert!(!has("我跟他们解释了，对方根本不听，还说“不还钱就去法院起诉你”。", Threat::Lawsuit));
    assert!(!has("我去网点问，理财经理说“你投诉到监管局也一样”。", Threat::Regulator));
    assert!(!has("客服答复“你去人民银行投诉也一样”。", Threat::Regulator));
    assert!(!has("客户经理说“你去12378投诉也没用”。", Threat::Regulator));
    assert!(has("客户说“再不处理就去12378投诉”。", Threat::Regulator));
    // Someone else's intention or advice at the start of the clause is not the complainant's.
    assert!(!has("我女儿气得说要去法院告你们。", Threat::Lawsuit));
    assert!(!has("A coworker said I should take them to small claims court.", Threat::Lawsuit));
    assert!(has("我和女儿商量好了，下周去法院起诉你们。", Threat::Lawsuit));
    assert!(has("My husband and I will take them to court.", Threat::Lawsuit));
    // Group action by structure: several people + together + an escalation, one sentence.
    assert!(has("你们要是不改，我就跟其他借款人一起去报案。", Threat::GroupAction));
    assert!(has("农户们已经商量好，如月底前赔款仍不到账，就一起到县政府信访办反映。", Threat::GroupAction));
    assert!(!has("我和老伴一起去网点办了业务。", Threat::GroupAction));
    assert!(!has("几个工友说要一起到公司来闹，我不想这样。", Threat::GroupAction));
    // Self-harm: an explicit negation cancels, a bare 不 of a condition does not.
    assert!(!has("我不会去你们公司拼命，那解决不了问题。", Threat::SelfHarmViolence));
    assert!(has("不赔我跳楼。", Threat::SelfHarmViolence));
    assert!(has("再不赔我就去跳楼。", Threat::SelfHarmViolence));
    // 别逼我 is a threat, not a negation; 转告你们领导 is not a lawsuit.
    assert!(has("别逼我上法庭，真到那一步你们更难看。", Threat::Lawsuit));
    assert!(!has("麻烦转告你们领导尽快处理。", Threat::Lawsuit));
}

#[test]
fn amounts_attach_to_common_demand_phrasings() {
    let amount = |text: &str, k: DemandKind| demand(&az().analyze(text), k).and_then(|d| d.value.amount);
    assert_eq!(amount("我要求该赔的34.2万一分不能少。", DemandKind::ClaimPayment), Some(cny(342_000)));
    assert_eq!(amount("请把交的¥293,000保费全部退回来。", DemandKind::FullRefund), Some(cny(293_000)));
    assert_eq!(amount("诉求：一、停止催收；二、赔偿损失¥9,000。", DemandKind::Compensation), Some(cny(9_000)));
    assert_eq!(amount("我要求该赔的二十万三千元一分不能少。", DemandKind::ClaimPayment), Some(cny(203_000)));
    // A frame with a colon frames every item of the list after it, across item numbers and
    // line breaks; the list ends at 。 (a weak cue after it is not framed).
    let letter =
        "三、具体要求：\n1．退还已扣收的服务费人民币壹仟捌佰元整；\n2．支付利息。另外退还的事以后再说，共300元";
    assert_eq!(amount(letter, DemandKind::FullRefund), Some(cny(1_800)));
    let a = az().analyze(letter);
    let ev = &demand(&a, DemandKind::FullRefund).unwrap().evidence;
    assert!(ev.iter().any(|e| e.note.contains("framed by \"要求\"")), "{ev:?}");
    assert!(!format!("{a:?}").contains("30000"), "a cue after the list is not framed");
    assert_eq!(
        amount("We want the $8,700 that was deducted refunded.", DemandKind::FullRefund),
        Some(Money::new(870_000, Currency::Usd))
    );
    assert_eq!(amount("房东扣咗我违约金，你哋要赔我500蚊。", DemandKind::Compensation), Some(cny(500)));
}

#[test]
fn naive_bayes_blend_uses_rule_totals() {
    let fb = az().category_fallback().unwrap();
    assert_eq!(fb.blend, Some(nb::Fallback::BLEND));
    // A strong rule cue is kept; a text without one gets the model's category.
    let a = az().analyze("保险公司以我未如实告知为由拒赔，我母亲住院花了十几万，理赔员一直推脱，要求尽快赔付。");
    assert_eq!(a.category.unwrap().value, Category::ClaimRefusal);
}

#[test]
fn threats_judged_by_clause_structure() {
    let has = |text: &str, t: Threat| threat(&az().analyze(text), t).is_some();
    // The channel the complaint came by is not a threat.
    assert!(!has("人民银行某中心支行转办：投诉人反映柜员态度恶劣，要求道歉。", Threat::Regulator));
    assert!(!has("Referral from State Department of Insurance. The adjuster never called back.", Threat::Regulator));
    assert!(has("再不处理，我就去人民银行投诉。", Threat::Regulator));
    // A lawsuit against the complainant is not the complainant's threat.
    assert!(!has("他说下周就正式起诉我，让我先转两千块。", Threat::Lawsuit));
    assert!(has("再拖下去我就起诉你们。", Threat::Lawsuit));
    // A declined intention anywhere before the cue in the clause.
    assert!(!has("我不打算为这点钱去打官司，你们补给我就行。", Threat::Lawsuit));
    assert!(!has("我都唔想为咗三百蚊搞到上法庭。", Threat::Lawsuit));
    assert!(!has("Caller does not wish to pursue legal action and wants the calls stopped.", Threat::Lawsuit));
    assert!(has("我不想多说，再不赔我就去法院起诉。", Threat::Lawsuit));
    // A past escalation, unless the clause also looks forward.
    assert!(!has("投诉人称此前已向区消费者协会反映，调解未果。", Threat::Regulator));
    assert!(!has("去年我就为这事投诉到监管局过一次。", Threat::Regulator));
    assert!(!has("I filed a BBB complaint in March; it went nowhere.", Threat::Regulator));
    assert!(has("我之前投诉过，这次还要再去监管局投诉。", Threat::Regulator));
    // Quotations in straight and corner quotes, and English reported speech.
    assert!(!has("定损员还撂下一句\"你不服就去告，告了也是这个数\"。", Threat::Lawsuit));
    assert!(!has("催收人员称“再不还钱就上门”“要去法院起诉你”。", Threat::Lawsuit));
    assert!(!has("The teller said \"you can complain to the FDIC if you like\".", Threat::Regulator));
    assert!(has("I told them \"I will see you in court\" and hung up.", Threat::Lawsuit));
    // A self-harm cue followed by 算了 resigns to it; the cue stays.
    assert!(has("你们再不赔，我干脆从你们大楼上跳下去算了。", Threat::SelfHarmViolence));
}

#[test]
fn english_imperatives_participles_and_demand_facts() {
    let amount = |text: &str| az().analyze(text).demands.iter().find_map(|d| d.value.amount);
    // An English imperative frames its demand; "I'd like the $X refunded" attaches the amount.
    assert_eq!(amount("The vet bill was large. Pay the $4,650 claim."), Some(usd(465_000)));
    assert_eq!(amount("I'd like the $87.45 refunded and my account fixed."), Some(usd(8_745)));
    assert_eq!(amount("I want all $245 back."), Some(usd(24_500)));
    // 只赔了 / 仅按现金价值退还 state a fact, not the demand; the demanded amount is the other.
    let a = az().analyze("你们只赔了3,100元，请按合同补足差额2,605元。");
    let total: Vec<_> = a.demands.iter().filter_map(|d| d.value.amount).collect();
    assert_eq!(total, vec![cny(2_605)]);
    let a = az().analyze("公司仅按现金价值退还7.2万元，投诉人要求全额退还已交保费10万元。");
    let total: Vec<_> = a.demands.iter().filter_map(|d| d.value.amount).collect();
    assert_eq!(total, vec![cny(100_000)]);
    // 申请 is not the frame 请.
    assert!(demand(&az().analyze("我申请退保，公司退还了一部分。"), DemandKind::FullRefund).is_none());
}

#[test]
fn unquoted_reported_speech_joining_and_amount_facts() {
    let has = |text: &str, t: Threat| threat(&az().analyze(text), t).is_some();
    // Someone else's unquoted words run over the comma; the complainant's own clause does not.
    assert!(!has("银行说必须本人来，不然就要走法院的程序。", Threat::Lawsuit));
    assert!(!has("催收的天天打我单位电话，说我再不还钱就去法院起诉我。", Threat::Lawsuit));
    assert!(has("客服说没办法，我就去法院起诉你们。", Threat::Lawsuit));
    // The complainant joins a relayed action later in the sentence, or is helped to do it.
    assert!(has("村里人说过了正月一起去县里上访，我也准备跟着去。", Threat::Petition));
    assert!(has("我表妹在报社，她说可以帮我登报曝光。", Threat::Media));
    // A cue that is the whole content of a quotation is mentioned, not used.
    assert!(!has("催收冒充律师发“律师函”吓唬我。", Threat::Lawsuit));
    // 12378 followed by 我 is still the complainant's threat (the object rule is for lawsuits).
    assert!(has("另外12378我也会打。", Threat::Regulator));
    // What the company already paid is context, not part of the demand.
    let a = az().analyze("我要求在已赔5.6万的基础上再赔付人民币叁万贰仟元整。");
    let amounts: Vec<_> = a.demands.iter().filter_map(|d| d.value.amount).collect();
    assert_eq!(amounts, vec![cny(32_000)]);
    // English: the speaker may follow a short opener, the speech verb a short adverb; the
    // complainant's own clause stays theirs.
    assert!(!has(
        "Since July a collector has called my mother, telling her that they will sue the estate.",
        Threat::Lawsuit
    ));
    assert!(!has("My neighbor, of all people, now says she's going to tell the local paper.", Threat::Media));
    assert!(!has(
        "A collector called my mother and said she owes it, and that they will sue the estate.",
        Threat::Lawsuit
    ));
    assert!(has("Since July I have called them, telling them that I will sue if this is not fixed.", Threat::Lawsuit));
    assert!(!has("Since July my brother has called them, telling them that he will sue.", Threat::Lawsuit));
    assert!(!has(
        "Their letter tells me that if I disagree I can take it to the Financial Ombudsman.",
        Threat::Regulator
    ));
    // A job title and a news report are not escalations; a past case that is over is not one.
    assert!(!has("I work as a court clerk, so I know how this goes.", Threat::Lawsuit));
    assert!(!has("I learned about it from a news segment last week.", Threat::Media));
    assert!(!has("The lawsuit over his accident was in 2019. That case settled years ago.", Threat::Lawsuit));
    // Spelled-out English amounts.
    let a = az().analyze("I want my ten thousand dollars returned in full.");
    assert_eq!(a.demands.iter().find_map(|d| d.value.amount), Some(usd(1_000_000)));
}

#[test]
fn modified_third_parties_institution_objects_and_topic_amounts() {
    let has = |text: &str, t: Threat| threat(&az().analyze(text), t).is_some();
    // A third party after a short modifier (同行的朋友, 网上有人) at the clause start.
    assert!(!has("同行的朋友说回去就找记者曝光你们，我倒没想搞那么大。", Threat::Media));
    assert!(!has("网上有人建议我们几个车主联合起来一起投诉，我觉得没这个必要。", Threat::GroupAction));
    assert!(!has("I've read that some customers are joining a class action against banks.", Threat::GroupAction));
    // Not the complainant's own modifier: 我们村里有人 stays unresolved by this rule.
    assert!(has("同行的朋友说算了，我回去就找记者曝光你们。", Threat::Media));
    // 起诉我司 / 起诉我行 in a note is against the institution, not against the complainant.
    assert!(has("来电人表示已咨询律师，将起诉我司。", Threat::Lawsuit));
    assert!(!has("他说下周就起诉我。", Threat::Lawsuit));
    // Escrow (资金监管) and police case filing (公安立案) are not escalations.
    assert!(!has("办理二手房资金监管被收取服务费1,500元。", Threat::Regulator));
    assert!(!has("按条款公安立案满60天没找回就可以理赔。", Threat::Lawsuit));
    // A topic amount before a light frame (什么时候, 赶紧, 给我) belongs to its demand.
    assert_eq!(
        amounts("差的利息我自己算过了，2,346.18元，啥子时候补给我？"),
        vec![Money { minor: 234_618, currency: Currency::Cny }]
    );
    assert_eq!(amounts("8,432.60元赶紧给我打到账上。"), vec![Money { minor: 843_260, currency: Currency::Cny }]);
    assert_eq!(amounts("扣的那60块钱退给俺。"), vec![cny(60)]);
    // A full frame of its own still keeps the earlier clause's amount out (with 全额 / 全部 it
    // takes it: all_of_the_amount_before_…).
    assert!(amounts("共交5万元，要求退保。").is_empty());
    assert_eq!(amounts("共交5万元，要求全额退保。"), vec![cny(50_000)]);
    // English: a softened imperative, k amounts, "a hundred and …", what a sum is for.
    assert_eq!(amounts("It's a cleaning and one filling. Just pay the $340 already."), vec![usd(34_000)]);
    assert_eq!(amounts("I need them to pay the back benefits of $14.7k."), vec![usd(1_470_000)]);
    assert_eq!(amounts("I want all of it put back, the hundred and thirty-two dollars."), vec![usd(13_200)]);
    assert_eq!(amounts("I want $1,000 for what this has cost me."), vec![usd(100_000)]);
    // "I am demanding $X", "Please restore the $X credit": a frame without a demand word.
    assert_eq!(amounts("I am demanding $9,415.60 for full siding replacement."), vec![usd(941_560)]);
    assert_eq!(amounts("Please restore the $1,349.99 credit to my account."), vec![usd(134_999)]);
    // The frame may stand a few words before the amount; a rate is not the sum.
    assert_eq!(amounts("I am asking for the difference of $4,850.00."), vec![usd(485_000)]);
    assert!(amounts("I just want the other six days at $200 a day.").is_empty());
    // Chinese: 多扣的款项 points back to the sum of the sentence before; 冲正 reverses a charge;
    // "not a cent less" in dialect.
    assert_eq!(amounts("本月多扣了两次，共1,560元。请退还多扣的款项。"), vec![cny(1_560)]);
    assert_eq!(amounts("把盗刷的两万三给我冲正了！"), vec![cny(23_000)]);
    assert_eq!(amounts("退钱！四百八蚊，一个仙都唔少得。"), vec![cny(480)]);
}

#[test]
fn note_pronouns_header_colons_and_word_distances() {
    let has = |text: &str, t: Threat| threat(&az().analyze(text), t).is_some();
    // A pronoun opening its sentence refers to the previous sentence's subject: the caller.
    assert!(has(
        "Caller was crying throughout the call. She stated: \"If they take my house I will end it.\"",
        Threat::SelfHarmViolence
    ));
    // A third party after a note's "Caller mentioned".
    assert!(!has("Caller mentioned her son told her to get a lawyer.", Threat::Lawsuit));
    // A header's colon does not separate the channel from the regulator it names.
    assert!(!has("Referred by: State Department of Insurance, Consumer Services Division.", Threat::Regulator));
    // A declined intention before a quoted phrase.
    assert!(!has("She doesn't want to \"make a fuss\" with the ombudsman or anyone else.", Threat::Regulator));
    // Violence in plain words.
    assert!(has("谁打的我揍谁。", Threat::SelfHarmViolence));
    assert!(has("I swear I'll knock his teeth in.", Threat::SelfHarmViolence));
    // Amount distance counts English words, not letters: a list item after "I ask that you:".
    assert_eq!(
        amounts("I ask that you: 1. Refund the surrender charge of USD 4,870.40 in full; 2. Explain it."),
        vec![usd(487_040)]
    );
    assert_eq!(
        amounts("信用卡被盗刷4,396.80元，立刻把4,396.80元退回我卡上！"),
        vec![Money { minor: 439_680, currency: Currency::Cny }]
    );
}

#[test]
fn quotes_later_in_the_clause_time_words_and_conditional_negations() {
    let has = |text: &str, t: Threat| threat(&az().analyze(text), t).is_some();
    // The speech verb earlier in the quotation's clause: 说再不还就“起诉你…”, 称其“…”.
    assert!(!has("催收每天打电话，说再不还就“起诉你，让法院把你列入失信名单”。", Threat::Lawsuit));
    assert!(!has("催收人员冒充公安致电，称其“涉嫌诈骗，已经立案”。", Threat::Lawsuit));
    assert!(has("我跟客服说再不赔就“去法院起诉你们”。", Threat::Lawsuit));
    // A time word before the third party: 当时他还说….
    assert!(!has("当时他还说有问题可以随时打12378，真是讽刺。", Threat::Regulator));
    assert!(has("当时我就说了，再不处理我就打12378。", Threat::Regulator));
    // A negation inside the condition does not cancel a self-harm statement.
    assert!(has("honestly if this doesn't get fixed I don't want to be alive anymore", Threat::SelfHarmViolence));
    assert!(!has("I won't hurt myself, I just want my money.", Threat::SelfHarmViolence));
    // 告 right after a petition office is the petition; a suit against 我们 is against the
    // complainants; a quoted assessor's dare is the assessor's.
    assert!(!has("你们再这么打，我就去镇上信访办告你们。", Threat::Lawsuit));
    assert!(!has("卖方说再不付款就要起诉我们。", Threat::Lawsuit));
    assert!(!has("定损员说\"你觉得不合理就去告我们啊\"。", Threat::Lawsuit));
    // 警告你们 is a warning, not 告你们; 联名卡 is a co-branded card.
    assert!(!has("我警告你们，别再打电话了。", Threat::Lawsuit));
    assert!(!has("办了这张航空联名卡，里程一直没到账。", Threat::GroupAction));
}

#[test]
fn ultimatums_bare_amounts_pronouns_and_totals() {
    let amounts = |text: &str| -> Vec<(DemandKind, Money)> {
        az().analyze(text).demands.iter().filter_map(|d| d.value.amount.map(|m| (d.value.kind, m))).collect()
    };
    // An ultimatum that names the sum frames its demand; the complainant's own payment does not.
    assert_eq!(
        amounts(
            "My claim was denied. I have retained an attorney, and unless the $18,240.55 is paid within 30 days she will file suit."
        ),
        vec![(DemandKind::ClaimPayment, usd(1_824_055))]
    );
    assert!(amounts("The collector said they would sue me if I didn't pay $2,200 by Friday.").is_empty());
    // 把 + amount + demand verb.
    assert_eq!(
        amounts("你们就把那二十万赔给我，我也好给老头子把坟修一修。"),
        vec![(DemandKind::Compensation, cny(200_000))]
    );
    assert_eq!(amounts("把扣的1.8k退给我。"), vec![(DemandKind::FullRefund, cny(1_800))]);
    // A request frame before a bare amount: the kind comes from the category.
    assert_eq!(
        amounts(
            "The adjuster's valuation of my totaled car is far too low. I am asking for the additional 4,600 dollars."
        ),
        vec![(DemandKind::ClaimPayment, usd(460_000))]
    );
    // A pronoun for the amount of the sentence before.
    assert_eq!(
        amounts("That's eleven months of checking account fees, $142.45. I want it refunded."),
        vec![(DemandKind::FullRefund, usd(14_245))]
    );
    // A total further away after the cue; an amount that sums the others is their total.
    assert_eq!(
        amounts(
            "I ask that you: 1. Refund the wire fee and the undisclosed exchange margin on the transfer, a total of $212.40; 2. Explain it."
        ),
        vec![(DemandKind::FullRefund, usd(21_240))]
    );
    assert_eq!(
        amounts("I would like the $45 wire fee and the $25 correspondent fee refunded, $70 in total."),
        vec![(DemandKind::FullRefund, usd(7_000))]
    );
    // A per-day rate is context, 一块儿 is "together".
    assert_eq!(amounts("一天两百块，少算的四天八百块你们给我补上。"), vec![(DemandKind::ClaimPayment, cny(800))]);
    assert!(amounts("我们一块儿去要求退保。").iter().all(|(_, m)| m.minor != 100));
}

#[test]
fn next_sentence_refusals_modifier_persons_and_note_subjects() {
    let has = |text: &str, t: Threat| threat(&az().analyze(text), t).is_some();
    // A first-person refusal opening the next sentence takes the threat back.
    assert!(!has(
        "My son, who is a lawyer in Denver, wants to sue them. I don't want a court fight at my age.",
        Threat::Lawsuit
    ));
    assert!(!has(
        "My financial planner suggested I take this to the state insurance commissioner; I would prefer not to.",
        Threat::Regulator
    ));
    // The cue as a modifier of a person: "a lawyer friend".
    assert!(!has(
        "A lawyer friend mentioned arbitration, but we would much prefer the company simply fix this.",
        Threat::Lawsuit
    ));
    // A note's subject speaks the quotation when no one else is named before the verb.
    assert!(has(
        "Customer was crying throughout the call and at one point said \"if this keeps going I don't know what I'm going to do to myself.\"",
        Threat::SelfHarmViolence
    ));
    assert!(!has(
        "I called and the rep said I could \"take it up with the CFPB\" if I didn't like it.",
        Threat::Regulator
    ));
    // A quoted name used as a guise, a channel header.
    assert!(!has("近期收到以“××市人民法院诉前调解中心”名义发送的短信。", Threat::Lawsuit));
    assert!(!has("【来源：官方微博私信】你好，理赔一直卡在审核中。", Threat::Media));
    // More self-harm wordings; a relative's past death is not one.
    assert!(has("I'm not going to lie, I have thought about killing myself over this.", Threat::SelfHarmViolence));
    assert!(has(
        "There have been moments this spring when I did not want to be alive anymore.",
        Threat::SelfHarmViolence
    ));
    assert!(has("他走了以后我好几次都想跟着他一起去算了。", Threat::SelfHarmViolence));
    assert!(!has("My husband went to sleep and did not wake up.", Threat::SelfHarmViolence));
    // A negation inside a condition does not cancel the threat after it.
    assert!(has(
        "so I want it back and if I dont hear back I'm filing with the better business bureau",
        Threat::Regulator
    ));
    assert!(!has("I don't want to file with the better business bureau.", Threat::Regulator));
    // A court in a name, a suit the complainant is threatened with.
    assert!(!has("Mrs. Abernathy had been resident at Linden Court for 104 days when she applied.", Threat::Lawsuit));
    assert!(has("If this is not fixed I will take them to Small Claims Court.", Threat::Lawsuit));
    assert!(!has("催收群发短信，称其“涉嫌恶意诈骗，即将被起诉”。", Threat::Lawsuit));
    // Guises, suicide as a word of a policy or of someone else's death.
    assert!(!has("近一周有自称“XX区人民法院执行局”的人员多次来电。", Threat::Lawsuit));
    assert!(!has(
        "The policy excludes any intentionally self-inflicted injury, suicide or attempted suicide.",
        Threat::SelfHarmViolence
    ));
    assert!(!has("My father died by suicide on March 3 of this year.", Threat::SelfHarmViolence));
    assert!(has(
        "i've been thinking about unaliving myself since sunday and im not being dramatic",
        Threat::SelfHarmViolence
    ));
    // Self-harm by structure: a thought or wish, then a way of dying, in one sentence.
    assert!(has(
        "Most nights after the kids are asleep I think about driving into that same overpass.",
        Threat::SelfHarmViolence
    ));
    assert!(has("I sat in the car thinking how easy it would be to go over the railing.", Threat::SelfHarmViolence));
    // The structural rule needs a way of dying. (The sentence model, which the lexicon backs
    // up, does flag this one at 0.7: a known false alarm, docs/QUALITY.md.)
    let mut rules = Analyzer::builtin().unwrap();
    rules.set_category_fallback(Some(nb::Fallback { self_harm: None, self_harm_zh: None, ..nb::Fallback::builtin() }));
    let near_miss = "I've been thinking about ending my policy and driving to another bank.";
    assert!(threat(&rules.analyze(near_miss), Threat::SelfHarmViolence).is_none());
    assert!(!has("I'm not thinking about driving off the road, I just want my money.", Threat::SelfHarmViolence));
}

#[test]
fn chinese_anaphors_and_spoken_dollar_amounts() {
    assert_eq!(
        amounts("保险公司定损金额为18,650元，但至今未支付赔款。来电人要求保险公司立即支付上述定损赔款。"),
        vec![cny(18_650)]
    );
    assert_eq!(amounts("so I want the 157 dollars 60 cents back"), vec![usd(15_760)]);
    assert_eq!(amounts("I want the whole 42 grand back in my IRA where it was"), vec![usd(4_200_000)]);
    // A marker right after a bare amount (kind from the category), 一分 after a colloquial tail.
    assert_eq!(
        amounts(
            "理陪申请交了三个月没人管，合同上写的意外伤残给付3.5万，伤残鉴定报告都出了。我找好律师了，3.5万一分不能少！"
        ),
        vec![cny(35_000)]
    );
    assert_eq!(amounts("医药费八万三一分都不能少"), vec![cny(83_000)]);
    assert_eq!(amounts("要求返還全部投入資金人民幣貳拾萬元整。"), vec![cny(200_000)]);
    // A marker a noun after the amount; an imperative after a closing quotation mark.
    assert_eq!(amounts("就差4天你们好意思？30万保额一分不能少！！"), vec![cny(300_000)]);
    assert_eq!(
        amounts("Every call = \"it's with the total loss unit.\" Pay me the $14,350 your own appraiser came up with."),
        vec![usd(1_435_000)]
    );
    // A note's "Caller wants" frames the demand.
    assert_eq!(amounts("Claim denied. States he wants the USD 4,800 paid."), vec![usd(480_000)]);
    // A monthly rate after "months of" is context.
    assert_eq!(amounts("i want every cent back, 2400 bucks, thats 8 months of $300."), vec![usd(240_000)]);
}

#[test]
fn english_self_harm_back_up_flags_a_sentence_the_lexicon_missed() {
    let t = "The bank took everything. Some nights I count the pills in the cabinet and think about how much easier it would be for everyone.";
    let a = az().analyze(t);
    let f = threat(&a, Threat::SelfHarmViolence).expect("flagged by the sentence model");
    assert_eq!(f.score, nb::Fallback::SELF_HARM_SCORE);
    assert_eq!(f.evidence.len(), 1);
    assert_eq!(f.evidence[0].rule, "naive_bayes.self_harm");
    let start = span_of(t, "Some nights", 0).start;
    assert_eq!(f.evidence[0].spans, vec![Span::new(start, t.chars().count())]);
    assert!(f.evidence[0].note.contains("no lexicon cue"), "{}", f.evidence[0].note);
    // The lexicon alone does not find it.
    let mut rules = Analyzer::builtin().unwrap();
    rules.set_category_fallback(Some(nb::Fallback { self_harm: None, self_harm_zh: None, ..nb::Fallback::builtin() }));
    assert!(threat(&rules.analyze(t), Threat::SelfHarmViolence).is_none());
    // A lexicon finding is not doubled; plain complaints and a sentence whose cue the rules
    // set aside stay clear.
    let lexicon = "I am going to kill myself. Some nights I count the pills in the cabinet.";
    let hits: Vec<_> =
        az().analyze(lexicon).threats.into_iter().filter(|t| t.value == Threat::SelfHarmViolence).collect();
    assert_eq!(hits.len(), 1);
    assert_ne!(hits[0].evidence[0].rule, "naive_bayes.self_harm");
    for t in [
        "My claim was refused in March and I want my premium refunded. Please call me back tomorrow.",
        "I am not going to hurt myself, but I need this fixed.",
        "The policy has a suicide exclusion for the first two years, which does not apply here.",
    ] {
        assert!(threat(&az().analyze(t), Threat::SelfHarmViolence).is_none(), "{t}");
    }
}

#[test]
fn all_of_the_amount_before_chinese_imperatives_and_transcript_pauses() {
    // 全部 in or before the demand cue takes the amount that ends the clause before…
    assert_eq!(amounts("每月扣105块，扣了一年我才发现，1260元！要求全部退还。"), vec![cny(1_260)]);
    assert_eq!(amounts("我这个保费一万八 全部给我退回来"), vec![cny(18_000)]);
    // …but not one further back, nor context in the same clause's sentence before.
    assert_eq!(amounts("一户一年二十四块，全村加起来可不少。要求把所有乱扣的钱全部退回。"), vec![]);
    // A Chinese sentence that starts with a demand verb on 我 and names the sum.
    assert_eq!(amounts("收了我两次工本费，每次20塊。這是什麼道理？退我40塊！"), vec![cny(40)]);
    assert_eq!(amounts("请尽快把38,200元打给我。"), vec![cny(38_200)]);
    // A space between Chinese characters ends a clause: the staff member's words are theirs.
    let staff = "我问凭啥子扣 那个柜员说你去告也告不赢 合同上写了的";
    assert!(threat(&az().analyze(staff), Threat::Lawsuit).is_none());
    assert!(threat(&az().analyze("我问凭啥子扣 不退我就去法院告你们"), Threat::Lawsuit).is_some());
    // Someone else's plan the complainant talked them out of.
    assert!(threat(&az().analyze("我爸气得要去县里上访，我劝住了他。"), Threat::Petition).is_none());
    // English: a safety statement in the same sentence keeps the sentence model off it.
    let safe = "I don't see a way out of any of this and some days I can't get out of bed, but I want to be \
                clear that I'm not a danger to myself, I have my kids and they keep me going.";
    assert!(threat(&az().analyze(safe), Threat::SelfHarmViolence).is_none());
    assert!(
        threat(&az().analyze("I don't plan on being around for the forgiveness date."), Threat::SelfHarmViolence)
            .is_some()
    );
}

#[test]
fn transcript_speakers_form_questions_titles_and_dashes() {
    let has = |text: &str, t: Threat| threat(&az().analyze(text), t).is_some();
    // A transcript line spoken by staff is theirs; the complainant's own line still counts.
    let call = "ME: I never had an account with them.\nCOLLECTOR: If this isn't resolved today we're going \
                to take you to court.\nME: Send me proof.";
    assert!(!has(call, Threat::Lawsuit));
    assert!(has(&call.replace("ME: Send me proof.", "ME: Then I'll see you in court myself."), Threat::Lawsuit));
    // A chat with time stamps.
    let chat = "[10:47] Customer: Excuse me? I would like a supervisor.\n[10:48] Agent Kyle: You can complain to \
                the CFPB if you want, it won't change anything\n[10:48] Agent Kyle has left the chat.";
    assert!(!has(chat, Threat::Regulator));
    assert!(!has("Would you like to escalate this complaint to a regulator? [ ] Yes [x] No", Threat::Regulator));
    // A labelled header is not a transcript (人民银行转办：… is the channel, the threat is the note's).
    assert!(has("人民银行转办：投诉人表示，如银行拒不退还，将提起民事诉讼。", Threat::Lawsuit));
    // A form's question to the complainant, answered.
    let form = "Desired resolution: Refund the $29.94.\nHave you contacted a regulator or attorney about this \
                issue? No\nMay we contact you by phone? Yes";
    assert!(!has(form, Threat::Regulator) && !has(form, Threat::Lawsuit));
    // A title line naming the body the text is sent to.
    let title = "Complaint to the Financial Ombudsman Service\n\nMy car was stolen and the insurer won't pay.";
    assert!(!has(title, Threat::Regulator));
    assert!(has(&format!("{title} I will take this to the Financial Ombudsman."), Threat::Regulator));
    // A spaced dash ends a clause: the negation before it does not reach the threat after it.
    assert!(has(
        "I'm not going to throw myself off a cliff over it - I'm going to take it to the Financial Ombudsman.",
        Threat::Regulator
    ));
    // A staff member's "you can always …" is not the complainant's plan.
    assert!(!has("then she goes well you can always file a complaint with the cfpb if you want", Threat::Regulator));
}

#[test]
fn coordinated_imperatives_totals_after_the_amount_and_despair_after_self_harm() {
    // A demand cue joined by "and" to a sentence that opens with an imperative verb (a speaker
    // label and softeners may come first) is an order too…
    assert_eq!(amounts("Reprocess the claim at the in-network rate and pay the $7,480."), vec![usd(748_000)]);
    assert_eq!(
        amounts("Customer: Then approve the estimate today and reimburse me the $612.40 I paid."),
        vec![usd(61_240)]
    );
    // …not a report of what someone did.
    assert_eq!(amounts("Yesterday the bank closed my account and paid the $50 fee."), vec![]);
    // A total marker after the amount lets it stand further from its cue.
    assert_eq!(
        amounts("I would be grateful if you would reverse all three charges, $194.00 altogether, and send a check."),
        vec![usd(19_400)]
    );
    // "What's the point" after a self-harm statement despairs; it does not take it back…
    let t = "Im so tired I honestly dont want to wake up tomorrow whats the point of me";
    assert!(threat(&az().analyze(t), Threat::SelfHarmViolence).is_some());
    let t = "人没了钱也没了，我也不想活了，带着孩子一起走算了";
    assert!(threat(&az().analyze(t), Threat::SelfHarmViolence).is_some());
    // …while it still takes back another threat.
    assert!(threat(&az().analyze("I could go to the newspapers, but what's the point."), Threat::Media).is_none());
    assert!(threat(&az().analyze("本来想去法院起诉，想想还是算了。"), Threat::Lawsuit).is_none());
    // 要求其 / 跟我 open someone else's clause: 其 and 我 after them are objects, not the speaker.
    let collector = "催收人员每天多次拨打来电人电话，要求其代为还款，并称“不还就起诉你弟弟，让他坐牢”。";
    assert!(threat(&az().analyze(collector), Threat::Lawsuit).is_none());
    assert!(threat(&az().analyze("两个男的还跟我老娘说“律师函已经发了，等着坐牢”。"), Threat::Lawsuit).is_none());
    // A title line that makes a threat is still the complainant's.
    assert!(threat(&az().analyze("标题：再不退钱我就去银保监投诉"), Threat::Regulator).is_some());
    // A Chinese amount with 全额 in the cue, the clause before, and a request after a stated sum.
    assert_eq!(amounts("首期保费8,800元，必须全额退。"), vec![cny(8_800)]);
    assert_eq!(amounts("这4,200元要退还给我。"), vec![cny(4_200)]);
}

#[test]
fn received_messages_questions_uk_cues_and_the_chinese_self_harm_model() {
    // A quotation of a message the complainant received is the sender's words…
    let sms = "这几天我收到的短信一条比一条吓人：“您已被列为被告，XX区人民法院将于明日立案。”我根本没欠钱。";
    assert!(threat(&az().analyze(sms), Threat::Lawsuit).is_none());
    let letter = "催收机构寄送律师函，称“将于七日内向人民法院提起诉讼”。";
    assert!(threat(&az().analyze(letter), Threat::Lawsuit).is_none());
    // …unless the complainant sent it.
    let sent = "我昨天给你们经理发短信：“再不退钱我就去法院起诉你们。”";
    assert!(threat(&az().analyze(sent), Threat::Lawsuit).is_some());
    // 为了 declines only in a question.
    assert!(threat(&az().analyze("为了三千块去打官司？请假的钱都不止这个数。"), Threat::Lawsuit).is_none());
    assert!(threat(&az().analyze("为了拿回这三千块，我会去法院起诉你们。"), Threat::Lawsuit).is_some());
    // Staff's "you can complain" and a plan given up are not threats.
    assert!(threat(&az().analyze("网点经理说有意见可以去监管部门投诉。"), Threat::Regulator).is_none());
    assert!(threat(&az().analyze("我一开始想直接去法院告，后来想想打官司要一两年。"), Threat::Lawsuit).is_none());
    // UK: the FCA and an MP are escalations; the FCA's rules are not.
    assert!(threat(&az().analyze("I'm reporting them to the FCA this week."), Threat::Regulator).is_some());
    assert!(threat(&az().analyze("The FCA rules say firms must treat customers fairly."), Threat::Regulator).is_none());
    assert!(threat(&az().analyze("We are taking the petition to our MP on the 30th."), Threat::Petition).is_some());
    // Amounts in pounds.
    let gbp = |minor: i64| Money::new(minor, Currency::Gbp);
    assert_eq!(amounts("Please refund the GBP 312.60 and send me a closing statement."), vec![gbp(31_260)]);
    assert_eq!(amounts("I want my 640 quid back."), vec![gbp(64_000)]);
    // The Chinese sentence model reads clauses: it flags a statement the lexicon has no cue for,
    // with the clause as its evidence…
    let t = "理赔拖了半年。我现在每天晚上都站在阳台上往下看。";
    let a = az().analyze(t);
    let f = threat(&a, Threat::SelfHarmViolence).expect("flagged by the Chinese sentence model");
    assert_eq!(f.evidence[0].rule, "naive_bayes.self_harm");
    assert_eq!(f.evidence[0].spans, vec![Span::new(span_of(t, "我现在", 0).start, t.chars().count())]);
    let mut rules = Analyzer::builtin().unwrap();
    rules.set_category_fallback(Some(nb::Fallback { self_harm_zh: None, ..nb::Fallback::builtin() }));
    assert!(threat(&rules.analyze(t), Threat::SelfHarmViolence).is_none());
    // An institution switches it off in its lexicon overrides.
    let off = Analyzer::from_toml(&["[settings]\nself_harm_model_zh = false\n"]).unwrap();
    assert!(threat(&off.analyze(t), Threat::SelfHarmViolence).is_none());
    let en = "The bank took everything. Some nights I count the pills in the cabinet and think about how much easier it would be for everyone.";
    assert!(threat(&off.analyze(en), Threat::SelfHarmViolence).is_some(), "English model still on");
    // …and leaves a hotline note's mood and another threat's clause alone (a condition is read
    // with the clause after it).
    for t in [
        "来电人情绪低落，通话中多次哭泣。",
        "再这样拖下去，我只能去12378投诉了。",
        "如果再这样拖下去，我就去银保监会投诉。",
        "我现在每天都不敢出门。",
    ] {
        assert!(threat(&az().analyze(t), Threat::SelfHarmViolence).is_none(), "{t}");
    }
}

#[test]
fn deadline_conditions_letters_jobs_and_others_suicides() {
    // A negation inside a deadline condition (月底前不, 再没结果) does not cancel the threat after it.
    for t in ["这个月底前不处理我会打12378。", "这周五之前再没结果我直接打12378。"] {
        assert!(threat(&az().analyze(t), Threat::Regulator).is_some(), "{t}");
    }
    // …but a past "再没" is no condition, and 不会 still negates.
    for t in ["我再没去过监管局", "我不会去监管局的"] {
        assert!(threat(&az().analyze(t), Threat::Regulator).is_none(), "{t}");
    }
    // The company's letter, the complainant's job and finished cases are no threats.
    for t in [
        "The denial letter closes with a paragraph saying I have the right to contact the state Department of Insurance.",
        "Their rejection letter says I may refer the matter to the ombudsman. Please just refund the GBP 312.",
        "I work as a reporter at a small county newspaper, and I am writing this as a customer.",
        "In 2022 I took them to small claims over it, the judge ruled for me, and that was the end of it.",
        "去年我跟你们打过官司，法院判了你们赔，那案子早结了。",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.is_empty(), "{t}: {:?}", a.threats);
    }
    // Someone else's suicide, an insurer's suicide exclusion and an idiom are not self-harm.
    for t in [
        "我哥哥去年因为抑郁症自杀了。",
        "前几天新闻说有人被网贷平台爆通讯录后自杀了，我看得浑身发冷。",
        "贵司以“不能排除自杀可能”为由拒赔，警方都没有认定自杀。",
        "贷款我拼了老命提前一年还清了，保险却退不了。",
    ] {
        assert!(threat(&az().analyze(t), Threat::SelfHarmViolence).is_none(), "{t}");
    }
    assert!(threat(&az().analyze("再不赔我就拼了"), Threat::SelfHarmViolence).is_some());
}

#[test]
fn colloquial_tail_before_a_demand_to_pay_it_back() {
    assert_eq!(amounts("九千六一分不少给我退回来。"), vec![cny(9_600)]);
    assert_eq!(amounts("两百八给我退回来。"), vec![cny(280)]);
    // Without money before or a demand after, a bare tail counts nothing.
    assert!(amounts("他们三千五个人来闹").is_empty());
}

#[test]
fn chinese_steps_and_means_despair_and_english_amount_anaphors() {
    // A thought followed by a step off (一直在想 … 往前再走一步) or a settled end (自己了断).
    for t in [
        "我今天在我们单位楼顶上站了一下午，我一直在想要是往前再走一步。",
        "还不如早点自个儿了断。",
        "我已经在网上查过哪种办法走得没那么痛苦。",
    ] {
        assert!(threat(&az().analyze(t), Threat::SelfHarmViolence).is_some(), "{t}");
    }
    // Despair without intent is no self-harm statement (the clause model's cut, nb.rs).
    assert!(threat(&az().analyze("理赔拖了三个月了，我真的不知道该怎么办。"), Threat::SelfHarmViolence).is_none());
    // "that amount" points back to the sum stated before.
    assert_eq!(
        amounts(
            "Moving costs and the new deposit came to $2,500, and I am asking Granite Savings to reimburse that amount."
        ),
        vec![usd(250_000)]
    );
    // Someone else's lawyer, the bank's own response and a scam caller's "case" are no threats.
    for t in [
        "A coworker sued her agent; she ended up with a settlement that barely covered her lawyer. I don't want that.",
        "The bank's response says that I have the right to complain to the Information Commissioner's Office.",
        "今天又有个电话打来，说他是法院执行局的，说我的案子已经立案。",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.is_empty(), "{t}: {:?}", a.threats);
    }
}

#[test]
fn reported_complements_rights_and_chinese_imperatives_with_topic_amounts() {
    // Someone else's words in one clause: "X said that if …" (no first person as the subject).
    for t in [
        "On the phone the agent's supervisor said that if we didn't like it we could always complain to the FCA, as if that were a joke.",
        "The store owner's last email to me said that if I wanted my money I'd have to sue him in small claims.",
        "I understand that I may refer the matter to the Financial Ombudsman Service if I remain unhappy after eight weeks.",
        "I've read online that there is a class action against the lender in another state; I'm not part of it.",
        "I hold a durable power of attorney, prepared by her estate lawyer.",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.is_empty(), "{t}: {:?}", a.threats);
    }
    // …but the complainant's own (a note's "Caller", "Insured") and a first person resuming are threats.
    for t in [
        "Caller stated that if there is no decision by 11/30 she will file a complaint with the Department of Insurance.",
        "Insured requests the payment this week and said if no decision is made by Friday she will file a complaint with the state Department of Insurance.",
    ] {
        let a = az().analyze(t);
        assert!(!a.threats.is_empty(), "{t}");
    }
    // The rules read the first person resuming; the threat clause model, reading the whole
    // sentence, sets this one aside ("said that they would" is someone else's words): a known
    // miss of the shipped analyser (docs/QUALITY.md).
    let resuming = "Their email said that they would not pay and I am going to sue them.";
    let mut rules = Analyzer::builtin().unwrap();
    rules.set_category_fallback(None);
    assert!(threat(&rules.analyze(resuming), Threat::Lawsuit).is_some());
    assert!(threat(&az().analyze(resuming), Threat::Lawsuit).is_none());
    // A Chinese sentence that opens with a demand verb and names the sum in its clause.
    assert_eq!(amounts("你们乱扣费。退我3,600元！"), vec![cny(3_600)]);
    assert_eq!(amounts("活动规则改了。退回258元年费。"), vec![cny(258)]);
    assert_eq!(amounts("分期费率不对。退我多收的手续费864.00元。"), vec![cny(864)]);
    // …not a noun phrase or a past fact: 赔付标准是…, 赔了830块.
    assert!(amounts("赔付标准是每满3小时200元。").is_empty());
    // A bare topic and its sum, then the demand: 差额四万二，赶紧补上 (a colloquial tail before a comma).
    assert_eq!(amounts("你们按十级算的。差额四万二，赶紧补上！"), vec![cny(42_000)]);
    assert_eq!(amounts("门诊理赔报上去二十多天了。理赔款￥5,600.00，请尽快支付。"), vec![cny(5_600)]);
    // …but the cue's own clause names the sum: 应该是6,860元，请补发1,960元.
    assert_eq!(amounts("你们按50%给了我4,900元，应该是6,860元，请补发1,960元。"), vec![cny(1_960)]);
    // English: "… is what the policy owes me", an imperative joined by "and", a sum restated in words.
    let gbp = |pounds: i64| Money { minor: pounds * 100, currency: Currency::Gbp };
    assert_eq!(
        amounts("The critical illness claim was refused. The remaining £37,500 is what the policy owes me."),
        vec![gbp(37_500)]
    );
    assert_eq!(amounts("Apply the correct 3% and pay me the £4,600 you've overcharged."), vec![gbp(4_600)]);
    assert_eq!(
        amounts("That's two hundred and ten dollars in fees. I want the two hundred and ten back."),
        vec![usd(21_000)]
    );
    // Number words are input: a run of scale words saturates instead of overflowing.
    let many =
        format!("I paid $500. I want the five{} back, five{} dollars.", " hundred".repeat(12), " million".repeat(40));
    let _ = amounts(&many);
    // A negated request on a pronoun asks for nothing.
    assert!(amounts("The taxi and the calls cost me $85.40. I'm not asking for that back.").is_empty());
}

#[test]
fn chinese_sums_before_their_demand_across_a_clause_break() {
    // A total, a money noun or nothing before the clause break, a transcript's pause as the break.
    assert_eq!(amounts("床位费差额840元、救护车费600元。以上三项合计3,390元，我要求贵司补赔。"), vec![cny(3_390)]);
    assert_eq!(amounts("合同约定的二十万重疾保险金，一分都不能少。"), vec![cny(200_000)]);
    assert_eq!(amounts("说好保本的。二十万，一分不少还给我！"), vec![cny(200_000)]);
    assert_eq!(amounts("按条款应该是一万二千七 差的四千二 你们给我补上撒"), vec![cny(4_200)]);
    assert_eq!(
        amounts("住院一共花了38,650.20元，一分不少给我赔了。"),
        vec![Money { minor: 3_865_020, currency: Currency::Cny }]
    );
    // Bare Arabic sums and Cantonese 赔返俾我.
    assert_eq!(amounts("一共交了18600 你们把这18600全退给我"), vec![cny(18_600)]);
    assert_eq!(amounts("你哋要将剩低嘅3.8万元赔返俾我"), vec![cny(38_000)]);
    // The new cues stay off their near-misses: 必须赔礼道歉 is an apology, 补我一个说法 no payment.
    let kinds = |t: &str| az().analyze(t).demands.iter().map(|d| d.value.kind).collect::<Vec<_>>();
    assert_eq!(kinds("你们必须赔礼道歉。"), vec![DemandKind::Apology]);
    assert!(kinds("补我一个说法。").is_empty());
}

#[test]
fn company_stated_rights_estate_lawyers_and_declined_offers_are_not_threats() {
    for t in [
        "Their letter ends by saying that if I disagree I am free to pursue the matter through the courts.",
        "The estate's attorney faxed a fresh certified copy in June.",
        "My husband's cousin is an attorney and offered to get involved; we thanked him and said no, this shouldn't need a lawyer.",
        "The bank pointed me to a clause in its privacy notice saying disputes go to binding arbitration.",
        "Their written reply ends with a paragraph telling me I have the right to contact the CFPB.",
        "I read on the BBC website that the regulator fined a different insurer last year.",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.is_empty(), "{t}: {:?}", a.threats);
    }
    for t in [
        "If you do not pay, I will file a lawsuit for bad faith.",
        "If this is not fixed by Friday I will contact the CFPB.",
        "I will take this to the BBC if I have to.",
        // A right stated in the first person and then taken up is a threat.
        "I have the right to sue you and I will do it if this is not fixed.",
        "I am free to contact the CFPB and I intend to.",
        "I have the right to take this to court, which is what I'm going to do.",
        "I understand that I may refer this to the ombudsman, and I will.",
        // A declining sentence about something else does not retract the threat before it.
        "If this is not fixed I will sue. I don't want to turn this into a circus, but I will.",
        "I will report you to the CFPB. I don't want my name in your marketing lists either.",
        // The masks are the company's phrasings only.
        "I'm saying a lawsuit is coming if you don't pay me by Friday.",
        "If you refuse, I will start binding arbitration under the contract.",
    ] {
        assert!(!az().analyze(t).threats.is_empty(), "{t}");
    }
}

#[test]
fn chinese_topic_sums_bare_pei_after_an_and_second_person_demands() {
    // A sum after 这 / 那 opens its clause and a later demand of the sentence takes it.
    assert_eq!(amounts("这2000块是我给孩子交学费的，你们银行必须尽快退回来。"), vec![cny(2_000)]);
    // …not when a negation or another sum stands between, nor for a demand of no money.
    assert!(amounts("这5320元跟我无关我不还，要求恢复我的征信记录。").is_empty());
    // Bare Arabic sums after 这 with a money noun, after 的, and two-digit ones before a subject.
    assert_eq!(amounts("这5000押金限期一周退给我。"), vec![cny(5_000)]);
    assert_eq!(amounts("剩下的1290你们给我补上，不然我就发小红书。"), vec![cny(1_290)]);
    assert_eq!(amounts("这50你们银行要退给我。"), vec![cny(50)]);
    assert!(amounts("这50天你们要退给我。").is_empty());
    // 按 … 赔: the sum between them or right after 赔, or alone in the next clause.
    assert_eq!(amounts("要求按4S店报价13600元赔，不然就去法院告他们。"), vec![cny(13_600)]);
    assert_eq!(amounts("立刻按保额赔50万，否则我明天就去金融监管总局投诉！"), vec![cny(500_000)]);
    assert_eq!(amounts("你们那一万八我不要，按4S店报价3万5赔。"), vec![cny(35_000)]);
    assert_eq!(amounts("俺家大棚全完了。要求按全损赔，八千块。"), vec![cny(8_000)]);
    // …not a rate, an entitlement, a fact, reported speech or a deductible.
    assert!(amounts("要求每头按1000块赔。").is_empty());
    assert!(amounts("按说应该赔4200元。").is_empty());
    assert!(amounts("保险公司只按轻度脑中风赔了6万。").is_empty());
    assert!(amounts("你们说是推定全损，按实际价值给我赔7万3。").is_empty());
    assert!(amounts("按合同约定年免赔额1,000元。").is_empty());
    // A second person owing the sum: 你们要赔给我, 你哋要赔, 你们得赔; 折现 as the alternative.
    assert_eq!(amounts("被骗的12,000元你们要赔给我。"), vec![cny(12_000)]);
    assert_eq!(amounts("房东已经扣咗我500蚊违约金，呢笔钱你哋要赔。"), vec![cny(500)]);
    assert_eq!(amounts("这两万三你们得赔 不赔我就拍视频发抖音"), vec![cny(23_000)]);
    assert_eq!(amounts("要么把卡寄过来，要么折现800元给我。"), vec![cny(800)]);
    // 骨折现在 is no 折现.
    let kinds = |t: &str| az().analyze(t).demands.iter().map(|d| d.value.kind).collect::<Vec<_>>();
    assert!(kinds("我腰椎骨折现在还下不了地。").is_empty());
}

#[test]
fn english_regulators_in_others_words_and_news_are_not_threats_but_an_mp_is_a_petition() {
    for t in [
        "When I complained, the handler told me the ombudsman \"would side with us anyway\".",
        "I don't need to hear what the ombudsman would think.",
        "I saw a news piece saying the regulator had told banks to treat customers fairly.",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.is_empty(), "{t}: {:?}", a.threats);
    }
    for t in [
        "I told them the ombudsman will hear about this.",
        "If this is not sorted I will go to the Financial Ombudsman.",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.iter().any(|f| f.value == Threat::Regulator), "{t}: {:?}", a.threats);
    }
    let a = az().analyze("Caller states she will write to her MP if an adjuster has not attended by Friday.");
    assert!(a.threats.iter().any(|f| f.value == Threat::Petition), "{:?}", a.threats);
}

#[test]
fn english_totals_in_apposition_and_third_person_requests_name_the_sum() {
    let usd = |cents: i64| Money { minor: cents, currency: Currency::Usd };
    assert_eq!(
        amounts("I want the three late fees, $262.50 in total, refunded and the late payment removed."),
        vec![usd(26_250)]
    );
    assert_eq!(amounts("Caller asks that the USD 7,500.00 benefit be paid this week."), vec![usd(750_000)]);
    // A sum that is no total keeps its clause: the balance is not the refund.
    assert!(amounts("My balance was $900, refunded later by someone else.").is_empty());
}

#[test]
fn english_appositions_relative_clauses_and_a_shortfall_reach_the_sum() {
    let gbp = |pence: i64| Money { minor: pence, currency: Currency::Gbp };
    let usd = |cents: i64| Money { minor: cents, currency: Currency::Usd };
    assert_eq!(
        amounts("The free-look period was ignored. I'm asking for the rest of my premium, $1,387.83."),
        vec![usd(138_783)]
    );
    assert_eq!(amounts("That cost me USD 120.00, which I'd like reimbursed since I'm a customer."), vec![usd(12_000)]);
    assert_eq!(amounts("That is a shortfall of £249.00. Please pay the shortfall."), vec![gbp(24_900)]);
    // A balance or a difference is computed, not the last sum stated: no amount.
    assert!(amounts("They paid $2,000. The repair cost $3,500. I want the difference paid.").is_empty());
    // A relative clause with no demand, and the balance of a loan stated as a fact, stay out.
    assert!(amounts("My balance was $900, which was correct.").is_empty());
}

#[test]
fn chinese_you_pay_me_and_what_was_reimbursed() {
    assert_eq!(amounts("来回跑了三趟，路费加误工一共480块，这480我要你们赔。"), vec![cny(480)]);
    // 报了 before a sum states what was reimbursed: only the demanded rest counts.
    assert_eq!(amounts("住了二十天院花了六万二，你们就给我报了一万八。把剩下的四万四给我补齐。"), vec![cny(44_000)]);
}

#[test]
fn english_money_nouns_point_back_to_the_sum_of_an_earlier_sentence() {
    let gbp = |pence: i64| Money { minor: pence, currency: Currency::Gbp };
    let usd = |cents: i64| Money { minor: cents, currency: Currency::Usd };
    // The latest sentence that names the noun states the sum (its total, or its only sum).
    assert_eq!(
        amounts(
            "They charged me 78 dollars in late fees to date. I have the bank statements. \
             I'd like those late fees refunded."
        ),
        vec![usd(7_800)]
    );
    assert_eq!(
        amounts(
            "The hospital bill, which the insurer already has, came to £3,912.60. Larkspur refused \
             the claim. I was treated for pneumonia. I expect Larkspur to pay that bill."
        ),
        vec![gbp(391_260)]
    );
    // Over a paragraph break, the total in the sentence after the one naming the noun.
    assert_eq!(
        amounts(
            "The fee has been charged every month, 30 months in a row. USD 450 in total.\n\n\
             Their agent offered a courtesy refund. Please refund all 30 fees."
        ),
        vec![usd(45_000)]
    );
    // "the total" names the last total within reach.
    assert_eq!(
        amounts("MRI $1,890.60, brace $3,402.00. That comes to $5,292.60. I'm in therapy. Pay the total."),
        vec![usd(529_260)]
    );
    // Not a rate, a count of items, an estimate, nor a noun with a restriction after it.
    for t in [
        "They started charging me a $29 late fee every month. I want the late fees refunded.",
        "Two further premiums of £38.60 have been taken. Please refund both premiums.",
        "Altogether that's over £180 in charges. I'm asking you to refund these charges.",
        "The late fees came to $70 in total. I want the late fees from March refunded.",
        "The repair bill came to $900 and I paid it in March. I want them to explain the bill.",
    ] {
        assert!(amounts(t).is_empty(), "{t}: {:?}", amounts(t));
    }
}

#[test]
fn english_charge_words_name_each_other_and_a_noun_names_the_sum_stated_with_it() {
    let usd = |cents: i64| Money { minor: cents, currency: Currency::Usd };
    // A charge word (fee) names the only sum of the sentence with another one (charge).
    assert_eq!(
        amounts(
            "Keystone withheld a surrender charge of 7%, $6,160. The contract has a nine-year schedule. \
             I am asking Keystone to refund this fee in full."
        ),
        vec![usd(616_000)]
    );
    // The sum stated with the noun, in a sentence with other sums; the noun wins over the
    // demonstrative's "last sum of the sentence before" ($2,034.87).
    assert_eq!(
        amounts(
            "They charged the premium, $1,437, to my escrow and raised my payment from $1,610.22 \
             to $2,034.87. I want that premium refunded."
        ),
        vec![usd(143_700)]
    );
    assert_eq!(
        amounts("I was hit with a $45 wire fee and a $50 closure fee. Refund the closure fee."),
        vec![usd(5_000)]
    );
    // Another charge word names only the sum stated with it, and several items are never one
    // item's sum.
    for t in [
        "Before the fees I was overdrawn by $12.40. Please refund the overdraft charges.",
        "They charged a $45 wire fee and a $30 bank fee, then $45 again. I'd like all four fees refunded.",
    ] {
        assert!(amounts(t).is_empty(), "{t}: {:?}", amounts(t));
    }
}

#[test]
fn chinese_rhetorical_lawsuit_questions_and_reported_news_are_not_threats() {
    for t in ["我人在国内，卡在我手里，我怎么去起诉？", "为了证明我爸是我爸，还得去打官司？请给个办法。"]
    {
        assert!(threat(&az().analyze(t), Threat::Lawsuit).is_none(), "{t}");
    }
    // A question that is no rhetorical refusal stays a threat.
    let a = az().analyze("你们再不退钱，我就去法院起诉你们！");
    assert!(threat(&a, Threat::Lawsuit).is_some());
}

#[test]
fn english_oblique_self_harm_not_trusting_oneself_and_quiet_goodbyes() {
    for t in [
        "After today's call I asked my sister to take my medication home, because I didn't trust myself \
         with a full bottle in the house tonight.",
        "This week I've been saying goodbye to people without telling them that's what I'm doing.",
    ] {
        assert!(threat(&az().analyze(t), Threat::SelfHarmViolence).is_some(), "{t}");
    }
    // Saying goodbye to a branch is no self-harm statement.
    let a = az().analyze("I am saying goodbye to your bank after twenty years and moving my accounts.");
    assert!(threat(&a, Threat::SelfHarmViolence).is_none());
}

#[test]
fn english_pronouns_spelled_thousands_and_pounds_by_default() {
    let gbp = |pence: i64| Money { minor: pence, currency: Currency::Gbp };
    let usd = |cents: i64| Money { minor: cents, currency: Currency::Usd };
    // "them" right before the cue, "… is what I want paid".
    assert_eq!(amounts("Those two charges come to $110. I want them refunded by the bank."), vec![usd(11_000)]);
    assert_eq!(
        amounts("Three days at $500 a day is one thousand five hundred dollars, and that is what I want paid."),
        vec![usd(150_000)]
    );
    // "I want them to pay" is no pronoun object.
    assert!(amounts("The fee was $35. I want them to pay for the letter they lost.").is_empty());
    // A bare 1.2k; a text in pounds only makes it pounds.
    assert_eq!(amounts("That's 1.2k I overpaid. I want the 1.2k refunded to me."), vec![usd(120_000)]);
    assert_eq!(
        amounts("The roofer quoted £3,450 and they paid £2,250. I want the missing 1.2k paid before winter."),
        vec![gbp(120_000)]
    );
    // "I'd rather you … pay" frames the demand.
    assert_eq!(
        amounts("That comes to $8,412.60. I'd honestly rather you just read your own policy and pay the total."),
        vec![usd(841_260)]
    );
}

#[test]
fn chinese_oblique_self_harm_and_violence_wordings() {
    for t in [
        "我现在每日下班走过外白渡桥，脚就想往栏杆外头跨。",
        "站在桥上看水，看了蛮久，下回再去，我就不一定走得回来了。",
        "你们上门那天，就是来给我收尸的那天。",
        "再敢来敲一次，门后那根擀面杖可不认人。",
        "你们要是不处理，我就自己上门处理他，到时候别怪我下手没个轻重。",
    ] {
        let a = az().analyze(t);
        assert!(threat(&a, Threat::SelfHarmViolence).is_some(), "{t}: {:?}", a.threats);
    }
    // Someone else's death, a dispute about who pays, and a figure of speech are none.
    for t in ["我爸上个月走了，你们还不赔。", "他们说这钱认人不认账。", "这事把我气得够呛。"]
    {
        let a = az().analyze(t);
        assert!(threat(&a, Threat::SelfHarmViolence).is_none(), "{t}: {:?}", a.threats);
    }
}

#[test]
fn chinese_sums_named_by_this_money_and_this_figure() {
    // 这笔钱 eight units before the cue, 这个数 in the cue's clause.
    assert_eq!(amounts("合同上写的保额是三十万，这笔钱你们必须按合同赔给我。"), vec![cny(300_000)]);
    assert_eq!(amounts("字画当年的买价是8,800元，有收据，你们必须按这个数赔给我。"), vec![cny(8_800)]);
    // A colloquial tail below 万 and a sum before ，一分不能少.
    assert_eq!(amounts("一头赔八百 那十四头的钱 一万一千二 得给俺补上"), vec![cny(11_200)]);
    assert_eq!(amounts("这个月的工资损失你们必须赔，六千二，一分不能少。"), vec![cny(6_200)]);
    // A count is no sum.
    assert!(amounts("全县一万一千二百人都买了这个保险，你们必须赔。").is_empty());
}

#[test]
fn chinese_courts_letters_and_collectors_aimed_at_the_complainant_are_not_threats() {
    for t in [
        // A court's act in the past, a court as someone's workplace, court fees.
        "对方一直不肯赔，后来是法院判的，判决书今年三月生效。",
        "我的车去年被对方追尾，法院判决对方承担70%责任。",
        "我姐在法院上班 她说这种官司不好打 我也就不告了",
        "按判决书把本金、利息和诉讼费一共都还清了。",
        // A lawyer's letter the complainant received.
        "你们的律师函我收到了，说我房贷逾期两期要求限期还款。",
        "现在反过来给我发律师函？请你们先查清楚是谁的问题。",
        "贵司委托的律师事务所发来的律师函已收悉。",
        // A creditor's condition, and a collector's words carried on by 还说 / 并称.
        "要我下个月之前把本金全部还上，不还就起诉，还要查封我的房子。",
        "你们的催收天天打，一天几十个，还说已经交给律师了，马上就起诉。",
        "对方仍继续催收，并称将起诉全部继承人。",
        // Someone else's lawsuit that was lost, and a workplace's own plan.
        "查了网上，说有人为这种自动分期跟你们打官司还输了，我就不折腾那个了。",
        "4S店说要去法院告你们，那是他们的事，我只想把车开回家。",
        // The channel: a call put through from the hotline; a journalist's job.
        "来电人称其通过12378热线转接至本行客服。",
        "先说明一下，我是做记者的，但这次纯粹是以普通客户身份投诉。",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.is_empty(), "{t}: {:?}", a.threats);
    }
    for t in [
        "再不解决我就去法院起诉你们。",
        "我已经让律师准备材料了，你们看着办。",
        "你们再给我发催收短信，我就去法院告你们。",
        "明天还没人理我，我就直接到你们分公司门口开直播。",
    ] {
        assert!(!az().analyze(t).threats.is_empty(), "{t}");
    }
}

#[test]
fn chinese_whole_numbers_named_as_sums_and_colloquial_demands() {
    // A whole number after a demonstrative, a total word or a money verb; 8千 after a money noun.
    assert_eq!(amounts("合同写的五万，到手只有四万二，砍掉那八千你们退回来"), vec![cny(8_000)]);
    assert_eq!(amounts("服务费那8千必须退给我"), vec![cny(8_000)]);
    assert_eq!(amounts("医疗费那块，一共花了七千八百六，全都要赔。"), vec![cny(7_860)]);
    // 这个 before the sum, and colloquial demand verbs.
    assert_eq!(amounts("保额是三十万 现在一分不赔 这个三十万你们必须给我赔出来"), vec![cny(300_000)]);
    assert_eq!(amounts("请按判决的比例，把8,640元赔足。"), vec![cny(8_640)]);
    assert_eq!(amounts("剩下那五千五你们给我补了"), vec![cny(5_500)]);
    assert_eq!(amounts("这3,696元到底什么时候到账？"), vec![cny(3_696)]);
    // Counts are no sums, and neither is what was already paid.
    assert!(amounts("那八千人都来了，你们必须退给我。").is_empty());
    assert!(amounts("我们那8千人都去了，你们必须退给我。").is_empty());
    assert_eq!(amounts("合同重疾保额20万，我要求按重疾赔足，扣掉已经赔的6万，再补14万。"), vec![cny(140_000)]);
    // An unmarked ultimatum names its sum; a resignation does not.
    assert_eq!(amounts("这次的2,000元不退回来，我就重新发。"), vec![cny(2_000)]);
    assert!(amounts("以前2000元没退回来，就算了。").is_empty());
}

#[test]
fn english_suicide_exclusions_past_episodes_and_the_advertising_regulator() {
    for t in [
        "The exclusion applies to suicide. It does not apply to an accidental death.",
        "In 2019 I had a spell of severe depression and at one point thought about suicide. I had good treatment, I've been well for over three years and I'm completely safe.",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.is_empty(), "{t}: {:?}", a.threats);
    }
    let a = az().analyze("If it's still up next week I'll be reporting it to the Advertising Standards Authority.");
    assert_eq!(a.threats.iter().map(|t| t.value).collect::<Vec<_>>(), vec![Threat::Regulator]);
}

#[test]
fn chinese_news_ultimatums_to_the_complainant_and_bystanders_are_not_threats() {
    for t in [
        // A news story, a creditor's ultimatum put to the complainant, a letter received.
        "前几天看到新闻说有个储户告你们银行乱收费，法院判你们退钱了。",
        "催收短信要求我三日内还清，否则“将依法提起诉讼”。",
        "律师函直接寄到我老家村委会了，全村都知道了。",
        // A collector quoted after a connective, with the complainant's job before it.
        "我本人就是律师助理，所以你们催收员在电话里说「明天就去法院立案」的时候，我只觉得好笑。",
        // A job, a bystander stopped, a spouse's idea turned down, advice from the counter.
        "我本职是报社记者，但这次纯属个人纠纷，不会写成报道。",
        "当时排队的一个小伙子掏出手机说要发抖音，我赶紧拦住让他删了。",
        "我老伴气得说要去上访，我说为这几十块钱不值得。",
        "柜员说他们不管，让我们去人民银行问。",
        // Cantonese: never thought of going to the regulator.
        "我冇諗過要去監管嗰度投訴，咁麻煩。",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.is_empty(), "{t}: {:?}", a.threats);
    }
    let types = |t: &str| az().analyze(t).threats.iter().map(|f| f.value).collect::<Vec<_>>();
    // Someone else's exposure is the condition; the complainant's lawsuit is the threat.
    assert_eq!(types("来电人情绪激动，称若对方继续在朋友圈曝光，将向法院起诉。"), vec![Threat::Lawsuit]);
    // A group going to the regulator is both.
    let both = types("我们几个商量好了，要是不改就一起去监管那里投诉。");
    assert!(both.contains(&Threat::Regulator) && both.contains(&Threat::GroupAction), "{both:?}");
    // The complainant's own ultimatum (要求我的 is not 要求我).
    assert_eq!(types("我要求我的钱七日内全部退回，否则将依法提起诉讼。"), vec![Threat::Lawsuit]);
    // Not minding the trouble does not take the threat back.
    assert_eq!(types("这笔钱退给我，不退的话我就去法院起诉，我不怕麻烦。"), vec![Threat::Lawsuit]);
    // A bank that says nothing yet: 说法 is no speech verb.
    assert_eq!(types("银行再不给个说法，就去法院起诉。"), vec![Threat::Lawsuit]);
}

#[test]
fn chinese_self_harm_plans_and_past_episodes_over() {
    for t in [
        "门缝窗缝我都拿胶带封好了，你们明天打电话没人接就不用再打了。",
        "我不知道明天天亮的时候，我还在不在。",
        "下回再让我看见他，我拿棍子敲他脑壳。",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.iter().any(|f| f.value == Threat::SelfHarmViolence), "{t}: {:?}", a.threats);
    }
    for t in [
        "那阵子一度觉得人活着太累，好在家里人陪我熬过来了，现在早就没有那种念头了。",
        "那个小姑娘天天上门，说“阿姨我这个月业绩不达标就要跳楼了”。",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.is_empty(), "{t}: {:?}", a.threats);
    }
}

#[test]
fn sums_alone_in_their_clause_and_anaphors_two_sentences_back() {
    assert_eq!(amounts("住院津贴，差的七天，一千四，你们得补给我。"), vec![cny(1_400)]);
    assert_eq!(amounts("我要你哋停咗佢 已经扣咗三年 七千八 全部退返俾佢"), vec![cny(7_800)]);
    assert_eq!(amounts("一年下来一共扣了我1,380块。主险是我自己买的没问题。这笔钱我要求全部退回。"), vec![cny(1_380)]);
    assert_eq!(amounts("这三十块能退就给退了"), vec![cny(30)]);
    // 这笔贷款 is not the money: the anaphor reaches back one sentence only.
    assert!(amounts("被人冒名贷了三万块。我根本不知道。要求撤销这笔贷款。").is_empty());
    assert_eq!(
        amounts("I want it reopened, and 50 quid for my phone bill."),
        vec![Money { minor: 5_000, currency: Currency::Gbp }]
    );
}

#[test]
fn english_papers_declined_and_stories_sent() {
    for t in [
        "I'm not going to the papers over this and I'm not after a big payout.",
        "I thought about going to the attorney general, but honestly I just want my money back.",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.is_empty(), "{t}: {:?}", a.threats);
    }
    let a = az().analyze("And I'm sending my story to the Evening Courier's money page.");
    assert_eq!(a.threats.iter().map(|t| t.value).collect::<Vec<_>>(), vec![Threat::Media]);
}

#[test]
fn the_threat_clause_model_sets_aside_mentions_the_rules_take_for_threats() {
    // Courts, lawyers and firms in the facts or the complainant's job: the rules alone (the
    // clause model off) flag a lawsuit; the shipped analyser, whose clause model learnt such
    // clauses from the corpus' near-misses, does not.
    let mut rules = Analyzer::builtin().unwrap();
    rules.set_category_fallback(Some(nb::Fallback {
        threat_veto_en: None,
        threat_veto_zh: None,
        ..nb::Fallback::builtin()
    }));
    // (The job mention was a known miss at lexicons -49 and -50; retrained with the near-miss
    // probes 156–157 at -51, the model sets it aside again.)
    for t in [
        "我是律所的行政，平时天天跟法院打交道。这次就是想把信用卡年费的事弄清楚，你们多扣了我三百块。",
        "我和前夫的离婚官司前年就打完了，法院把孩子判给了我。现在想改保单受益人，你们说要他签字，这不合理。",
        "A week later I received a letter from their foreclosure attorney, and the court papers were taped to my front door. I made every payment on the modification plan.",
        "The closing lawyer for my refinance asked them for the payoff statement three times and they never sent it.",
    ] {
        assert!(threat(&rules.analyze(t), Threat::Lawsuit).is_some(), "rules: {t}");
        assert!(threat(&az().analyze(t), Threat::Lawsuit).is_none(), "{t}");
    }
    // The complainant's own threats stay, with the rules' evidence.
    for (t, want) in [
        ("如果下周五之前还不给我退保，我就去法院起诉你们。", Threat::Lawsuit),
        ("你们再拖着不赔，我就把整件事发到抖音上让大家评评理。", Threat::Media),
        (
            "If the $450 is not refunded by the end of the month, I will file a lawsuit against the bank.",
            Threat::Lawsuit,
        ),
        (
            "I am reporting this to the CFPB and my state attorney general unless the charges are reversed.",
            Threat::Regulator,
        ),
    ] {
        let a = az().analyze(t);
        let f = threat(&a, want);
        assert!(f.is_some_and(|f| f.evidence.iter().all(|e| e.rule.starts_with("threat."))), "{t}");
    }
    // Both languages' models are trained on the embedded corpus; self-harm is never set aside
    // by them (critical: recall first).
    let nb = nb::NaiveBayes::builtin();
    assert!(nb.veto(false).is_trained() && nb.veto(true).is_trained());
    assert!(
        threat(&az().analyze("法院判了也没用，你们再不赔我就从你们大楼跳下去。"), Threat::SelfHarmViolence).is_some()
    );
}

#[test]
fn a_relative_clause_in_de_before_a_sum_is_its_topic() {
    assert_eq!(amounts("我交的5万块钱，要求你们一分不少退还给我。"), vec![cny(50_000)]);
    assert_eq!(amounts("你们多扣的2,586.90元，要求全部退还给我。"), vec![Money::new(258_690, Currency::Cny)]);
    // A past fact or a predicate is not a topic.
    assert!(amounts("我交了5万块钱，要求你们尽快处理。").is_empty());
}

#[test]
fn a_chinese_demand_without_an_object_points_back_to_the_sum_before_it() {
    // The sum earlier in the sentence, or in the sentence before when the cue's names none.
    assert_eq!(
        amounts("这两项加起来236.40元，办理时没有任何人提过，请退回。"),
        vec![Money::new(23_640, Currency::Cny)]
    );
    assert_eq!(amounts("公证花了380元，机票1,460元。这两项加起来1,840元，应该由你们承担。"), vec![cny(1_840)]);
    assert_eq!(amounts("我被刷了三笔，合计两千三百八十八元。我的这三笔，请全额退回。"), vec![cny(2_388)]);
    // Not when the clause names the basis (按) or the object (利息), nor in someone's words.
    assert!(amounts("我的车买的时候十八万，才开了两年！要求按投保时的保额赔付。").is_empty());
    assert!(amounts("我已经还了9期共10,620元。多收的利息请退还。").is_empty());
    assert!(amounts("律师函说多付给我一笔生存金6,500元，要求十五日内退回。").is_empty());
}

#[test]
fn an_anaphor_with_a_noun_takes_the_sum_named_after_that_noun() {
    // 上述 + noun: the sum right after the last earlier mention of the noun, however far back.
    let text = "贵司定损金额为人民币壹拾贰万元。此后贵司再无答复，本人多次致电均无结果。据此要求：\n\
                一、于收到本函之日起七日内支付上述定损金额；\n二、书面说明迟延原因。";
    assert_eq!(amounts(text), vec![cny(120_000)]);
    // A total later in that sentence sums it up.
    let text = "每年保费32,000元，至今已交三年，合计96,000元。业务员替我勾选了“否”。本人要求：\n\
                一、解除合同，全额退还上述保费；\n二、书面道歉。";
    assert_eq!(amounts(text), vec![cny(96_000)]);
    // 那个数 points back like 这个数.
    assert_eq!(amounts("核定损失四万六千元，签字的时候说一个月到账。就按那个数给我打过来。"), vec![cny(46_000)]);
}

#[test]
fn quoted_notes_match_debug_quoting() {
    // Every character of the embedded corpus, alone and in a run, and the escapes.
    let mut chars: Vec<char> = nb::CORPUS_ZH.chars().chain(nb::CORPUS_EN.chars()).collect();
    chars.sort_unstable();
    chars.dedup();
    let mut samples: Vec<String> = chars.iter().map(|c| c.to_string()).collect();
    samples.push(chars.iter().collect());
    samples.extend(
        ["他说\"去法院\"", "a\\b", "tab\there", "line\nbreak", "\u{941}x", "\u{3000}", "“否则”…", ""].map(String::from),
    );
    for s in samples {
        assert_eq!(format!("{:?}", Quoted(s.clone())), format!("{s:?}"), "{s:?}");
    }
}

#[test]
fn the_sentence_models_bound_never_skips_a_sentence_that_reaches_the_cut() {
    // `score_folded_reaching` skips a sentence whose prior plus positive weights stays below the
    // cut; it must give exactly the sentences (and scores) that the full score puts at or above it.
    let model = nb::NaiveBayes::builtin();
    let (mut reached, mut below) = (0usize, 0usize);
    for (corpus, english) in [(nb::CORPUS_ZH, false), (nb::CORPUS_EN, true)] {
        let records = eval::parse_jsonl(corpus).unwrap();
        for r in records.iter().step_by(20) {
            for (sentence, _) in az().harm_sentences(&r.text) {
                let chars: Vec<char> = sentence.chars().collect();
                for m in [model.harm(english), model.veto(english)] {
                    let exact = m.score(&sentence).unwrap();
                    for cut in [-3.0, -1.0, 0.0, 5.0, 12.0, 15.0] {
                        let got = m.score_folded_reaching(&chars, cut).unwrap();
                        assert_eq!(got, (exact >= cut).then_some(exact), "{sentence:?} cut {cut}");
                        if got.is_some() { reached += 1 } else { below += 1 }
                    }
                }
            }
        }
    }
    assert!(reached > 100 && below > 100, "{reached} {below}");
}

#[test]
fn alnum_is_char_is_alphanumeric() {
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        assert_eq!(nb::alnum(c), c.is_alphanumeric(), "{c:?}");
    }
}

#[test]
fn english_demands_point_back_by_pronoun_relative_or_equation() {
    // A demonstrative standing alone after the cue, "them" in the cue or before participles, a
    // relative "which" after a comma, and a clause that equates the sum with the demand.
    assert_eq!(amounts("The gap to the market value is 3,650 dollars. Pay me that."), vec![usd(365_000)]);
    assert_eq!(
        amounts("My costs come to 1,250 dollars. I expect Westbrook to pay that and to explain."),
        vec![usd(125_000)]
    );
    assert_eq!(amounts("Those two charges come to $110. I want them covered by the bank."), vec![usd(11_000)]);
    assert_eq!(
        amounts("These fees, USD 450 altogether, raised my payment. I want them removed and refunded."),
        vec![usd(45_000)]
    );
    assert_eq!(
        amounts("For 141 days that is a shortfall of $9,870, which I ask you to pay immediately."),
        vec![usd(987_000)]
    );
    assert_eq!(amounts("I'm owed another $3,650, and that is what I'm asking Halvorsen to pay."), vec![usd(365_000)]);
    assert_eq!(
        amounts("The face amount was $150,000, and that is the benefit I am asking them to pay."),
        vec![usd(15_000_000)]
    );
    // An estimate is not the sum a pronoun points to.
    assert_eq!(amounts("That is $117 in fees on less than $25 of groceries. Please reverse them."), vec![usd(11_700)]);
    // A determiner before a noun is no pronoun object.
    assert!(amounts("The fee was $45. Pay that man.").is_empty());
    // After the sum, with its modifiers or a comma between, "is what we are asking for" (the kind
    // from the category).
    let a = az().analyze(
        "I surrendered my annuity in March and the surrender charge took a third of it. \
         Every dollar back, $24,000, is what we are asking for.",
    );
    assert_eq!(demand(&a, DemandKind::FullRefund).and_then(|d| d.value.amount), Some(usd(2_400_000)));
    let a = az().analyze(
        "Hail damaged my roof and the insurer paid for a patch under my replacement cost policy. The remaining \
         $5,230 between what you paid and the lower of the two quotes is what I'm owed.",
    );
    assert_eq!(demand(&a, DemandKind::ClaimPayment).and_then(|d| d.value.amount), Some(usd(523_000)));
    // "Unless I get … back" is an ultimatum; a rate is not a sum demanded; a noun phrase that
    // opens a sentence is no order.
    assert_eq!(amounts("Unless I get the missing $1,690 back, this goes in my newsletter."), vec![usd(169_000)]);
    assert_eq!(
        amounts("I ask you to pay the $9,870 now, and to pay the full $220 per day going forward."),
        vec![usd(987_000)]
    );
    assert!(
        amounts("She was told she would be refunded. A refund of $212.00 was received instead of $389.50.").is_empty()
    );
}

#[test]
fn a_bare_english_pay_takes_its_kind_from_the_complaint_and_is_never_the_complainants_own_act() {
    // In a card complaint "pay me" asks for the charge back; the demand words after it in its
    // clause name the kind; the evidence says where the kind came from.
    let a = az().analyze("My credit card was charged a $35 late fee although I paid on time. Pay me the $35.");
    let d = demand(&a, DemandKind::FullRefund).unwrap();
    assert_eq!(d.value.amount, Some(usd(3_500)));
    assert!(d.evidence.iter().any(|e| e.note.contains("kind from the category")), "{:?}", d.evidence);
    assert!(demand(&a, DemandKind::ClaimPayment).is_none());
    let a = az().analyze("I ask you to: 1. refund the £2,400 premium in full; 2. pay £150 for the distress caused.");
    let gbp = |pounds: i64| Money { minor: pounds * 100, currency: Currency::Gbp };
    assert_eq!(demand(&a, DemandKind::Compensation).and_then(|d| d.value.amount), Some(gbp(150)));
    assert_eq!(demand(&a, DemandKind::FullRefund).and_then(|d| d.value.amount), Some(gbp(2_400)));
    // "so I can pay", "how I am supposed to pay": the complainant's own payment.
    let a = az().analyze("I only want my $68k back, all of it, so I can pay for the roof.");
    assert!(demand(&a, DemandKind::ClaimPayment).is_none());
    assert_eq!(demand(&a, DemandKind::FullRefund).and_then(|d| d.value.amount), Some(usd(6_800_000)));
}

#[test]
fn chinese_bare_sums_before_a_modal_demand_and_jiao_tails() {
    assert_eq!(amounts("两年就是736，我一次都没用过。这736必须退。"), vec![cny(736)]);
    assert_eq!(amounts("我只好自己去医院补做，又花了四百八。这四百八应该由你们来报。"), vec![cny(480)]);
    assert_eq!(amounts("你们到底啥子时候给嘛？这八万八早点打过来嘛，莫再拖了。"), vec![cny(88_000)]);
    assert_eq!(amounts("一共2,200块5毛，我人在家里睡觉，请全部退回。"), vec![Money::new(220_050, Currency::Cny)]);
    // 上述 + a noun before 的: 退还上述扣收的全部费用 → the sum after 扣收.
    let text = "截至今年6月共扣收人民币叁佰陆拾元整。本人从未申请开通短信服务。现提出以下要求： \
                一、退还上述扣收的全部费用； 二、书面说明扣费依据。";
    assert_eq!(amounts(text), vec![cny(360)]);
}

#[test]
fn chinese_threats_on_named_platforms_in_colloquial_lawsuit_talk_and_to_the_capital() {
    for (t, want) in [
        ("不退的话，我就把录音和保单截图发到豆瓣那个小组，那里好几十万人。", Threat::Media),
        ("今天下午五点前钱没到账，我就拨一二三七八，把每通电话的时间都报上去。", Threat::Regulator),
        ("这里说不通我就去省里，省里再不管我就坐火车上北京。", Threat::Petition),
        // A retraction that is the consequence of a condition still threatens.
        ("状子我已经托人写好了，就差去立案，你们要是月底前把这6万补齐，咱就不走那一步。", Threat::Lawsuit),
    ] {
        assert!(threat(&az().analyze(t), want).is_some(), "{t}: {want:?}");
    }
    // A plain retraction still takes it back.
    let a = az().analyze("本来想去立案，后来想想还是不走那一步了，请你们尽快处理。");
    assert!(threat(&a, Threat::Lawsuit).is_none());
    // A petition cue that is the way to a regulator's office is no petition.
    let a = az().analyze("我们几十个储户已经建了群，准备一起去省里的金融监管局集体反映。");
    assert!(threat(&a, Threat::Petition).is_none());
    assert!(threat(&a, Threat::Regulator).is_some());
}

#[test]
fn english_news_read_class_action_settlements_and_a_company_reserving_its_rights_are_not_threats() {
    for t in [
        "I've read in the paper that the Ombudsman has upheld a great many complaints like mine.",
        "Caller also received a postcard from a law firm about a class action settlement related to the breach.",
        "Cascade sent me a letter reminding me they \"reserve the right to pursue all available legal remedies\" \
         if I don't pay the full statement balance.",
        "The Ombudsman's office says it cannot look at my complaint until you have issued a final response.",
        "I honestly looked up how to complain to the CFPB from the hotel room but decided to give Meridian one \
         chance to fix it first.",
    ] {
        let a = az().analyze(t);
        assert!(a.threats.is_empty(), "{t}: {:?}", a.threats);
    }
    // The complainant's own conditional threat stays.
    let a = az().analyze("If this is not fixed by Friday I will take it to the Financial Ombudsman.");
    assert!(threat(&a, Threat::Regulator).is_some());
}

#[test]
fn english_sums_of_subject_nouns_single_payments_blank_lines_and_what_was_owed() {
    let usd = |cents: i64| Money { minor: cents, currency: Currency::Usd };
    let gbp = |pence: i64| Money { minor: pence, currency: Currency::Gbp };
    // "it" stands for the money noun that opens its sentence; the quoted name is in apposition.
    assert_eq!(
        amounts(
            "Ironbridge took a $45.00 \"incoming international wire fee\", and the amount also arrived $30 \
             short because of an intermediary bank. But the fee they charged themselves goes against their \
             own schedule, and I want it refunded."
        ),
        vec![usd(4_500)]
    );
    // One payment of a monthly amount is that amount.
    assert_eq!(
        amounts(
            "My regular monthly payment was $389.00 on autopay, and they pulled another payment of that \
             amount on August 15. I'd like that payment returned to my checking account now."
        ),
        vec![usd(38_900)]
    );
    // "that amount" reaches over a blank line.
    assert_eq!(amounts("In all that is £127.20.\n\nPlease refund that amount."), vec![gbp(12_720)]);
    // What they should have paid gives way to the sum asked for.
    assert_eq!(
        amounts(
            "They paid $520. By my plan's own schedule they should have paid $832. I expect you to pay the \
             three hundred and twelve dollars you owe me."
        ),
        vec![usd(31_200)]
    );
    // A negation that opens the cue after "if" makes an ultimatum.
    assert_eq!(amounts("If the remaining £868 isn't paid, I will tell everyone."), vec![gbp(86_800)]);
    // A sum that is only part of the claim is not the claim's.
    let t = "They declined the whole claim (£4,800 of medical costs plus my cancelled flights). I want them to \
             pay my claim in full.";
    assert!(amounts(t).is_empty(), "{:?}", amounts(t));
    // After the cue, "and" starts another object: "the fee waived" does not name the $95.
    let t = "This February the $95 was charged, and there was $3.12 of interest on it, so $98.12 all told. I \
             want that credited back and the fee waived going forward.";
    assert!(!amounts(t).contains(&usd(9_500)), "{:?}", amounts(t));
}

#[test]
fn chinese_regulators_named_by_what_they_oversee_and_petitions_in_paraphrase() {
    for (t, want) in [
        ("今天下班前不给我个说法，明天一早我就拿着宣传图去管你们保险公司的那个局，当面交材料。", Threat::Regulator),
        ("本周内不给答复，我就把这事报给管征信的那个部门，让他们一条一条核。", Threat::Regulator),
        ("说不清楚，我就把这三份东西一起送到我们市的金融办去。", Threat::Regulator),
        ("你们要是觉得俺们好糊弄，俺就一级一级往上找，县里找完找市里。", Threat::Petition),
        ("如本周内仍无答复，将到省里接待群众来访的地方去反映。", Threat::Petition),
        ("补足15000元，不然咱就公堂上见，鉴定报告我随身带着呢。", Threat::Lawsuit),
    ] {
        assert!(threat(&az().analyze(t), want).is_some(), "{t}: {want:?}");
    }
    // Asking the company to manage its own collectors is no threat; nor is 不管 (whatever).
    for t in [
        "请你们管管你们的催收，别再拿孩子威胁我，我愿意分期还。",
        "不管你们的理由是什么，这笔钱必须退给我。",
        "本人于2023年在锦程汽车金融办理车贷，贷款本金12万元。",
    ] {
        assert!(threat(&az().analyze(t), Threat::Regulator).is_none(), "{t}");
    }
}

#[test]
fn english_lists_the_demand_counts_add_up_and_benefits_name_the_policy_sum() {
    let usd = |cents: i64| Money { minor: cents, currency: Currency::Usd };
    let gbp = |pence: i64| Money { minor: pence, currency: Currency::Gbp };
    // "all three" adds up the sentence with three sums, past the credit limit and balance.
    assert_eq!(
        amounts(
            "Three charges showed up that I did not make: $89.99 to a game site, $212.40 at an electronics \
             store, and $45.00 for a membership. My credit limit is $3,000 and my balance is $1,876.22. I am \
             asking them to reverse all three."
        ),
        vec![usd(34_739)]
    );
    // "both costs", and repeated equal sums count twice.
    assert_eq!(
        amounts("I had to change the locks ($215) and rent a PO box ($84). I want Lakeshore to cover both costs."),
        vec![usd(29_900)]
    );
    assert_eq!(
        amounts(
            "Three charges posted on October 14: $389.99, $389.99 and $74.20. My card was in my wallet. My \
             credit limit is $5,000. I'm asking them to credit those charges back to my account."
        ),
        vec![usd(85_418)]
    );
    assert_eq!(
        amounts(
            "The hospital invoice came to £2,890 and I had to pay a further £570 for a medical escort. Both \
             costs are set out on my claim form. I want Wayfarer to settle these in full."
        ),
        vec![gbp(346_000)]
    );
    // A count that does not agree takes nothing; nor does a recurring fee.
    assert!(
        amounts("They charged me $35 on the 3rd, $35 on the 5th and $12 on the 9th. Please refund both fees.")
            .is_empty()
    );
    assert!(
        amounts(
            "Now every month there is a $9 installment fee, and there was also a one-time $75 fee. I want all \
             of these fees refunded."
        )
        .is_empty()
    );
    // "that amount" reaches back over sentences without a sum.
    assert_eq!(
        amounts(
            "The estimate is $23,718.45.\n\nIt is now the end of June. Every call I'm told the file is with a \
             supervisor. One said the check was mailed; it wasn't. I'm asking for that amount to be paid \
             immediately."
        ),
        vec![usd(2_371_845)]
    );
    // The death benefit is the policy's sum, however far back it is stated.
    assert_eq!(
        amounts(
            "He had a $25,000 life policy with Everhart Life. I sent the claim form in March. It is now \
             August. Every time I call they say it's in review. Nobody calls back. I've called eleven times. \
             They have not asked me for anything else. Please get them to pay the death benefit."
        ),
        vec![usd(2_500_000)]
    );
}
