#!/usr/bin/env python3
"""Validate the tousu evaluation corpus (stdlib only). Usage: python3 corpus/check.py"""
import json, re, sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUBS = {"claim_refusal": {"non_disclosure", "exclusion", "waiting_period", "pre_existing", "not_covered", "documents"},
        "surrender_dispute": {"cash_value", "cooling_off"}}
CATS = set(SUBS) | {"claim_delay", "claim_amount_dispute", "mis_selling", "service_attitude", "fees_charges", "card", "loan",
                    "debt_collection", "data_privacy", "other"}
EMOS = {"anger", "anxiety", "grief", "disgust", "disappointment"}
THREATS = ["regulator", "media", "lawsuit", "petition", "group_action", "self_harm_violence"]
KINDS = {"full_refund", "claim_payment", "compensation", "interest", "apology", "staff_punishment", "other"}
MARKERS = {"sales_misleading_combo", "legal_boilerplate", "representative", "scripted", "long_formal_letter"}
VULN = {"elderly", "illness", "hardship", "disability"}
KEYS = ["id", "split", "text", "category", "subcategory", "emotions", "threats", "demands", "markers", "vulnerability"]
AMOUNT = re.compile(r"^\d+\.\d{2}$")
# Lexicon used only to COUNT near-misses (keyword present, threat not labelled) and to warn when a
# labelled threat has no cue word at all. It is approximate by design.
LEX = {
 "regulator": ["12378", "监管", "银保监", "监督管理总局", "CFPB", "ombudsman", "insurance department", "commissioner", "BBB", "Better Business Bureau", "attorney general", "人民银行", "department of insurance"],
 "media": ["曝光", "媒体", "抖音", "微博", "网上", "记者", "热搜", "小红书", "新闻", "发帖", "直播", "朋友圈", "帖子", "everyone in my community", "news", "social media", "Twitter", "Reddit", "reporter", "posting"],
 "lawsuit": ["律师", "起诉", "法院", "官司", "诉讼", "告你们", "法庭", "一起告", "告他们", "仲裁", "attorney", "sue", "court", "lawsuit", "lawyer"],
 "petition": ["上访", "信访", "congressman", "senator", "state representative"],
 "group_action": ["联合", "集体", "大家一起", "联名", "一起去", "一起到", "一起维权", "一起告", "代表我自己", "only about my account", "class action", "joint complaint", "group complaint", "collecting complaints"],
 "self_harm_violence": ["跳楼", "跳下", "不想活", "拼命", "拼了", "同归于尽", "轻生", "傻事", "想不开", "寻短见", "一死", "自焚", "打断", "弄死", "汽油", "死在", "活着", "药都", "伤害", "打人", "动手", "living", "ending it", "drastic", "hurt anyone", "responsible for what I do", "threat against me"],
}
HEADER = re.compile(r"(监管转办件?（?1?2?3?7?8?）?[:：]|【12378转办】|转办编号\d+。)")
# Records up to these ids are the original corpus, split by the every-4th rule below; records
# added after it (the 2026-11-26 train supplement, corpus/README.md) are all `train`, so the
# held-out set stays exactly the original one.
ORIGINAL = {"zh": 523, "en": 171}
MIN = {"zh": {"total": 520, "per_subcategory": 15, "per_category": 15, "threat_pos": 25, "threat_near": 25, "with_amount": 120},
       "en": {"total": 160, "per_category": 5}}

def check(lang):
    errs, warns = [], []
    path = HERE / f"{lang}.jsonl"
    recs = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            errs.append(f"{path.name}:{n}: bad JSON ({e})"); continue
        recs.append((n, r))
    ids = Counter(r.get("id") for _, r in recs)
    errs += [f"duplicate id {i}" for i, c in ids.items() if c > 1]
    texts = Counter(r.get("text") for _, r in recs)
    errs += [f"duplicate text: {t[:40]}" for t, c in texts.items() if c > 1]
    cat_c, sub_c, split_c, cat_split = Counter(), Counter(), Counter(), Counter()
    pos, near, emo_c, kind_c, mark_c, vul_c = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    with_amount, within_cat = 0, Counter()
    for n, r in recs:
        where = f"{path.name}:{n} ({r.get('id')})"
        if list(r) != KEYS: errs.append(f"{where}: keys {list(r)}")
        if not re.fullmatch(rf"{lang}-\d{{4}}", str(r.get("id"))): errs.append(f"{where}: bad id")
        if r.get("split") not in ("train", "heldout"): errs.append(f"{where}: bad split")
        if not isinstance(r.get("text"), str) or not r["text"].strip(): errs.append(f"{where}: empty text")
        cat, sub = r.get("category"), r.get("subcategory")
        if cat not in CATS: errs.append(f"{where}: bad category {cat}")
        elif cat in SUBS and sub not in SUBS[cat]: errs.append(f"{where}: bad subcategory {sub}")
        elif cat not in SUBS and sub is not None: errs.append(f"{where}: subcategory must be null")
        # deterministic split rule: within each category, in file order, every 4th record of the
        # original corpus is heldout; supplement records (ids after ORIGINAL) are all train
        try:
            num = int(str(r.get("id")).split("-")[1])
        except (IndexError, ValueError):
            num = 0
        if num <= ORIGINAL[lang]:
            within_cat[cat] += 1
            want = "heldout" if within_cat[cat] % 4 == 0 else "train"
        else:
            want = "train"
        if r.get("split") != want: errs.append(f"{where}: split should be {want}")
        cat_c[cat] += 1; split_c[r.get("split")] += 1; cat_split[(cat, r.get("split"))] += 1
        if sub: sub_c[f"{cat}/{sub}"] += 1
        em = r.get("emotions")
        if not isinstance(em, dict): errs.append(f"{where}: emotions not an object")
        else:
            for k, v in em.items():
                if k not in EMOS: errs.append(f"{where}: bad emotion {k}")
                if not isinstance(v, (int, float)) or not (0.1 <= v <= 1.0) or abs(v * 10 - round(v * 10)) > 1e-9:
                    errs.append(f"{where}: bad intensity {k}={v}")
                emo_c[k] += 1
        th = r.get("threats", [])
        for t in th:
            if t not in THREATS: errs.append(f"{where}: bad threat {t}")
        if len(set(th)) != len(th): errs.append(f"{where}: repeated threat")
        scan = HEADER.sub("", r.get("text", ""))
        low = scan.lower()
        for t in THREATS:
            hit = any(w.lower() in low for w in LEX[t])
            if t in th:
                pos[t] += 1
                if not hit: warns.append(f"{where}: threat {t} labelled but no cue word found")
            elif hit:
                near[t] += 1
        has_amt = False
        for d in r.get("demands", []):
            if set(d) != {"kind", "amount", "currency"}: errs.append(f"{where}: demand keys {sorted(d)}")
            if d.get("kind") not in KINDS: errs.append(f"{where}: bad demand kind {d.get('kind')}")
            kind_c[d.get("kind")] += 1
            a, c = d.get("amount"), d.get("currency")
            if a is None:
                if c is not None: errs.append(f"{where}: currency without amount")
            else:
                has_amt = True
                if not isinstance(a, str) or not AMOUNT.match(a): errs.append(f"{where}: bad amount {a!r}")
                if c not in ("CNY", "USD", "GBP"): errs.append(f"{where}: bad currency {c!r}")
                if d.get("kind") in ("apology", "staff_punishment"): errs.append(f"{where}: amount on {d['kind']}")
        with_amount += has_amt
        # one entry per kind and currency: several sums under one kind are labelled as their total
        per = Counter((d.get("kind"), d.get("currency")) for d in r.get("demands", []) if d.get("amount") is not None)
        errs += [f"{where}: {k} has {c} amounts in {cur}; label their total" for (k, cur), c in per.items() if c > 1]
        for m in r.get("markers", []):
            if m not in MARKERS: errs.append(f"{where}: bad marker {m}")
            mark_c[m] += 1
        if "sales_misleading_combo" in r.get("markers", []) and not any(d.get("kind") == "full_refund" for d in r.get("demands", [])):
            errs.append(f"{where}: sales_misleading_combo without a full_refund demand")
        for v in r.get("vulnerability", []):
            if v not in VULN: errs.append(f"{where}: bad vulnerability {v}")
            vul_c[v] += 1
    # report
    print(f"== {lang}.jsonl: {len(recs)} records, split {dict(split_c)} ({split_c['heldout'] / max(1, len(recs)):.1%} heldout)")
    print("  category (train/heldout):")
    for c in sorted(cat_c):
        print(f"    {c:22s} {cat_c[c]:4d}  ({cat_split[(c, 'train')]}/{cat_split[(c, 'heldout')]})")
    print("  subcategory:", ", ".join(f"{k}={v}" for k, v in sorted(sub_c.items())))
    print("  threats (labelled / lexicon near-misses, i.e. cue word present but not labelled):")
    for t in THREATS: print(f"    {t:20s} {pos[t]:4d} / {near[t]:4d}")
    print("  emotions:", dict(sorted(emo_c.items())))
    print("  demand kinds:", dict(sorted(kind_c.items())), f"records with an amount: {with_amount}")
    print("  markers:", dict(sorted(mark_c.items())))
    print("  vulnerability:", dict(sorted(vul_c.items())))
    m = MIN[lang]
    if len(recs) < m["total"]: errs.append(f"fewer than {m['total']} records")
    for c in CATS:
        if cat_c[c] < m["per_category"]: errs.append(f"category {c}: {cat_c[c]} < {m['per_category']}")
        if cat_split[(c, "train")] == 0 or cat_split[(c, "heldout")] == 0: errs.append(f"category {c} missing from a split")
    if lang == "zh":
        for c, subs in SUBS.items():
            for s in subs:
                if sub_c[f"{c}/{s}"] < m["per_subcategory"]: errs.append(f"subcategory {c}/{s}: {sub_c[f'{c}/{s}']} < {m['per_subcategory']}")
        for t in THREATS:
            if pos[t] < m["threat_pos"]: errs.append(f"threat {t}: {pos[t]} positives < {m['threat_pos']}")
            if near[t] < m["threat_near"]: errs.append(f"threat {t}: {near[t]} near-misses < {m['threat_near']}")
        if with_amount < m["with_amount"]: errs.append(f"records with amounts {with_amount} < {m['with_amount']}")
        txt = "\n".join(r["text"] for _, r in recs)
        for name, pat in [("万 notation", r"\d(\.\d+)?万"), ("万元", r"万元"), ("lower-case numerals", r"[一二三四五六七八九十]万[一二三四五六七八九零]?[千百]?.*?元"),
                          ("upper-case numerals", r"[壹贰叁肆伍陆柒捌玖拾][万仟佰拾]"), ("¥", r"[¥￥]\d"), ("full-width digits", r"[０-９]"), ("thousands comma", r"\d,\d{3}")]:
            if not re.search(pat, txt): errs.append(f"no amount in notation: {name}")
    else:
        txt = "\n".join(r["text"] for _, r in recs)
        if not re.search(r"\$\d{1,3}(,\d{3})*\.\d{2}", txt): errs.append("no $x,xxx.xx amount")
    for w in warns[:20]: print("  warning:", w)
    if len(warns) > 20: print(f"  ... {len(warns) - 20} more warnings")
    return errs

def check_harm_quotes():
    """harm_quotes.jsonl: each line names a train record labelled self_harm_violence and quotes
    its statement verbatim (corpus/README.md)."""
    errs = []
    recs = {}
    for name in ("zh.jsonl", "en.jsonl"):
        for line in (HERE / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                recs[r["id"]] = r
    seen = set()
    lines = (HERE / "harm_quotes.jsonl").read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        where = f"harm_quotes.jsonl:{n}"
        try:
            q = json.loads(line)
        except json.JSONDecodeError as e:
            errs.append(f"{where}: {e}"); continue
        if list(q) != ["id", "quotes"]: errs.append(f"{where}: keys must be id, quotes"); continue
        r = recs.get(q["id"])
        if r is None: errs.append(f"{where}: no record {q['id']}"); continue
        if q["id"] in seen: errs.append(f"{where}: {q['id']} twice")
        seen.add(q["id"])
        if r["split"] != "train" or "self_harm_violence" not in r["threats"]:
            errs.append(f"{where}: {q['id']} is not a train record labelled self_harm_violence")
        if not q["quotes"] or len(q["quotes"]) > 3: errs.append(f"{where}: 1 to 3 quotes")
        for quote in q["quotes"]:
            if not quote.strip() or quote not in r["text"]:
                errs.append(f"{where}: {q['id']}: quote not verbatim in the text: {quote!r}")
    print(f"harm_quotes.jsonl: {len(lines)} records quoted")
    return errs

def main():
    errs = []
    for lang in ("zh", "en"):
        errs += check(lang)
    errs += check_harm_quotes()
    if errs:
        print(f"FAILED ({len(errs)} problems)")
        for e in errs[:50]: print("  ", e)
        sys.exit(1)
    print("OK: all checks passed")

if __name__ == "__main__":
    main()
