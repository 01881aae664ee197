"""Fails when an accuracy figure is below the thresholds of issue 2 (and
of issue 17 for the six later categories on dev-cases.jsonl), when the
adversarial set of issue 16 falls below 0.90 precision or recall in a
category, or when the later adversarial rounds and the blind set of the six
later categories fall below what the packs reach today.

Reads the `leakguard eval --json` reports written by .ci/run and prints one
line per check; exits 1 if any check fails.
"""
import json
import sys
from pathlib import Path

CATEGORIES = ["patient", "inspection", "informant", "personal_data"]

# The six categories of issue 17, judged on ../shared/corpus/dev-cases.jsonl.
CASE_CATEGORIES = ["procurement", "personnel", "classified", "records_lookup", "footage", "phishing"]

# tests/adversarial (issue 16): (precision, recall) in every category.
ADVERSARIAL_FLOORS = {cat: (0.90, 0.90) for cat in CATEGORIES}

# tests/adversarial/round2 to round5, written blind after the first set
# and then used to find what the packs missed: a ratchet at what they reach
# (inspection recall is held down by homophone typos whose context is only
# a date or a place, see README "Homophone typos").
# Round 5 (2026-12-05: 120 lines each of inspection, patient and informant)
# was harder than the rounds before it, so adding it lowered the combined
# patient recall and inspection precision; rounds 2-4 alone are unchanged.
# Round 6 (2026-12-05, blind, 100 lines per category; first measured at
# recall 0.83 informant, 0.88 inspection, 0.92 patient, 0.93 personal_data)
# raised patient recall with the fixes it led to. Round 7 (a hard set of
# evasions over all ten categories: euphemisms, emoji, Hokkien, Bopomofo)
# lowered patient and personal_data recall where it was added.
# Eighteenth session: rounds 64 to 72 (first at 0.89, 0.67, 0.95, 0.78,
# 0.79, 0.81, 0.96, 0.86 and 0.72 micro recall; 66 a precision set). After
# the fixes they led to, four recall floors are half a point lower, each by
# what one or two lines of rounds 71-72 still leave: personal_data 0.965 (an
# ID given as 前半…後面…, an address split over two lines), records_lookup
# 0.955 (a plate's owner told as 車主叫…, a licence told as 被吊銷了),
# footage 0.935 (a still told as 撞車那台是里長的, who a clip shows told
# with 影片裡…的是), phishing 0.975 (a link on a look-alike of a shortener's
# host, a zip's password written straight after 密碼).
# Nineteenth session: rounds 73 to 80 (first at 0.88, 0.64, 0.86, 0.95,
# 0.88, 0.70, 0.71 and 0.87 micro recall; 76 a precision set) were added
# after the fixes they led to. Two recall floors are half a point lower,
# each by what the terse and digest rounds 79-80 still leave: patient
# 0.955 (a bed and a diagnosis alone, 12B開放性TB; a case told in Hakka,
# 細妹仔確診了; a case found after death, DOA那位後來驗出流感), procurement
# 0.945 (a rival's quote or a qualification result told as one item of a
# long handover whose other items are routine, a tender's budget told to a
# printer before the notice).
# Twentieth session: rounds 81 to 90 (first at 0.92, 0.70, 0.94, 0.99,
# 0.84, 0.79, 0.96, 0.80, 0.93 and 0.94 micro recall; 84 and 87
# precision-heavy) joined after the fixes they led to with no floor
# lowered. Rounds 91 and 92 (personnel and procurement, classified and
# records_lookup, as insiders say them; first at 0.81 and 0.74) joined
# last: two recall floors are a point lower, by what they still leave:
# procurement 0.935 (bids counted as 目前三封, bidders named before the
# opening as 目前領標的有…, a base price told after the opening but before
# the award, the notice's timing tipped off), records_lookup 0.945 (a
# lookup's result told with one finding only: 名下還有五間房子, 投保單位
# 是一家夜店, 入學資料寫伊老爸是無業, 就醫紀錄…身心科).
# Twenty-first session: rounds 93 to 100 (first at 0.88, 0.89, 0.81, 0.97,
# 0.60, 0.83, 0.95 and 0.90 micro recall; 96 a precision set) joined after
# the fixes they led to. One recall floor is half a point lower, by what
# rounds 98 and 100 still leave: records_lookup 0.94 (a lookup result a
# ruling or a post quotes as the friend's reply, 他回「有，這三個月…看了4
# 次」; calls counted from a phone's records, 這支…打給他老婆11次; a request
# in Tagalog, pakicheck…sa 移民署系統). Rounds 101 to 104 (first at 0.74,
# 0.88, 0.84 and 1.00 micro recall; 104 a precision set of everyday chat,
# 14 of 170 negatives flagged first) joined after their fixes: classified
# recall 0.915, held by round 101's tender specs sent to a vendor by LINE
# or Gmail, which it labels classified as well while dev-cases.jsonl
# labels them procurement only (the packs follow the corpus). Rounds 105
# to 108 (first at 0.94, 0.65, 0.93 and 0.97 micro recall; 108 a precision
# set, 9 of 150 negatives flagged first) joined after their fixes with no
# floor lowered, as did rounds 109 to 112 (typos, published text, hard
# evasions, chain forwards; first at 0.81, 0.88, 0.75 and 0.98). Rounds
# 113 to 116 (first at 0.67, 0.87, 0.78 and 1.00; 116 a precision set, 9
# of 160 negatives flagged first) hold personal_data recall at 0.96: three
# of their lines label the plate ABC-1234 personal_data, a plate with the
# digit 4, which Taiwan does not issue (reference/tw-identifiers.md), so
# the recogniser rightly passes it over. Rounds 117 and 118 (inspection
# without its word, personnel and classified told obliquely; first at 0.48
# and 0.70) joined after their fixes with no floor lowered. Rounds 119 and
# 120 (inspection and records_lookup told without their words; first at
# 0.60 and 0.68) hold records_lookup recall at 0.935: a plate's owner
# asked for by a relative (我幫你問到了), call records told by a friend at
# the carrier (通聯那邊的學弟), NHI visits told by where the card is used,
# a speed camera's record of a spouse's car.
LATER_FLOORS = {
    # Rounds 14 and 15 (2026-12-05, eleventh session; round 15 holds 60
    # forwarded rumours) raised patient recall. Fourteenth session: rounds
    # 36 and 37, written blind to be oblique (a disease told by its test or
    # its treatment, a complainant by voice or handwriting, Hokkien and
    # Hakka), were first measured at 0.71 and 0.67 micro recall; what they
    # still leave unfound holds informant recall at 0.95 and personal_data
    # recall at 0.97 (identifiers in Chinese digits split by a comma, a
    # four-digit outlying-island area code, an old scooter plate).
    "patient": (0.98, 0.955),
    # Round 46's plain core lines (measured last, first 0.90/0.89) hold
    # inspection precision at 0.94: a petition's procedure reply and a
    # reward payout note that name an inspection's words.
    # Twenty-second session: round 137 (tip-offs with no inspection word at
    # all, first at 0.52: "禮拜四他們會過去喔", a list of shops with dates,
    # "drunk check @ …") still leaves 25 of its 60: recall 0.925.
    # Twenty-fourth session: rounds 171 (inspections told only by who
    # comes, 大白他們, 戴帽子的, checkpoints as bare hours and crossings, a
    # list of shops with dates and no verb; first at 0.30) and 179 (news
    # that tells a coming inspection, 消息人士透露…明突檢; first at 0.60)
    # still leave 11 and 4 lines: recall 0.92.
    "inspection": (0.94, 0.92),
    # Round 60 (seventeenth session: the core four as an outside evaluator
    # writes them, first 0.69 informant recall) still leaves a customer
    # complaint's author (客訴…的是), a caller known by voice after 打來說,
    # and a tax tip from an ex-wife asked about as 要怎麼回: recall 0.94.
    # Twenty-fifth session: round 212 (informants told obliquely, written
    # after the session's anchors for the caller ID, 去講的 and "one of
    # yours"; first at 0.56) still leaves complainants told only by a
    # description, a relation or a voice with no complaint word (去講的人
    # 就是恁樓頂彼个查某, 不是外人，是你弟媳, 敲電話來彼个聲足沙): 0.935.
    # Twenty-ninth session: round 302 (handlers who hint rather than name:
    # a narrowed circle, a confirmed guess, the call's time or phone, with
    # no complaint word; first at 0.57) still leaves 24 of its 56: 0.93
    # (0.937 without it). Thirtieth session: round 324 (the same hints
    # written again after this session's informant fixes; first at 0.48)
    # still leaves 26 of its 60, told by a habit, a car or a confirmed
    # guess with no complaint word: 0.925 (0.932 without it).
    "informant": (0.96, 0.925),
    # Round 55 (sixteenth session, oblique core four) still misses
    # identifiers given in pieces (an ID as "開頭P，接著2881，後面26966",
    # an old ARC split); a plate spaced around its dash and an NHI card
    # with slashes are read now.
    # Round 160 (identifiers written every way, first at 0.80) left
    # numbers read out as police radio does (洞勾么勾 兩八六 拐三洞, Q 么兩洞),
    # addresses in English order, a passport in groups of three, a mobile
    # or an ID given in two halves; the twenty-fourth session reads them
    # (round 168, first at 0.21 personal_data recall): recall 0.96.
    # Twenty-fifth session: rounds 204, 212 and 213 label numbers that
    # read as placeholders (0912-345-678, ABC-1234), a shop's number given
    # as a caller's, a plate whose owner is only asked about, and
    # identifiers typed the hard ways (a mobile over timestamped pasted
    # lines, O inside ASCII digit groups, dots between every digit, an area
    # code said in words): 0.955.
    "personal_data": (0.98, 0.955),
    # Rounds 7-17 cover all ten categories (2026-12-05, tenth session:
    # rounds 9-13, each written blind, first measured at micro recall 0.91,
    # 0.91, 0.81, 0.85 and 0.91, then fixed as phenomena; round 13's two
    # missed plates and caller IDs lowered personal_data recall; eleventh
    # session: rounds 14 to 17, first at 0.83, 0.89, 0.79 and 0.89; twelfth
    # session: rounds 19 to 24, first at 0.89, 0.91, 0.85, 0.83, 0.88 and
    # 0.86; round 22's classified joke and its tender draft by private mail,
    # which it labels classified and dev-cases.jsonl does not, and round
    # 23's restricted memo and work files mailed home hold classified
    # recall at 0.94). Thirteenth session: rounds 27 to 29, first at
    # 0.85, 0.77 and 0.87 micro recall; what round 28's evasions left
    # unfound (a ceiling as "那個不能說的數字", a question whose premise names
    # the bidders) holds procurement recall at 0.96. records_lookup
    # precision counts lines where a lookup's plate or ID also reads as
    # personal_data under another writer's labels. Fourteenth session:
    # rounds 35 and 38 (published text and its echoes; insiders' oblique
    # wording of the six later leaks), first at 0.79 and 0.88: a 底價 as
    # "差一個零頭", grades by emoji and colour-coded papers hold procurement
    # and personnel recall at 0.95 and classified recall at 0.93.
    # Fifteenth session: rounds 39-45 (first at 0.93, 0.90, 0.92, 0.70,
    # 0.76, 1.00 and 0.90 micro recall); round 45's long multi-item
    # messages (a clip told in item 3 of a notice whose heading reads
    # 公告, a refusal in a handover that still names the bidders' count)
    # hold footage recall at 0.94 and procurement precision at 0.97.
    # Rounds 46 and 47, written last as the held-out sets are described
    # (first 0.90/0.89 and 1.00/0.82), hold classified recall at 0.92 (a
    # laptop of 機密 files taken on holiday, a (列密) meeting's conclusions
    # in a debrief) and phishing recall at 0.98 (an 盤點表 form asking for
    # passwords, a "局長" asking IDs for group insurance).
    # Round 138 (twenty-second session: a ceiling said without 底價, bids
    # counted by their envelopes, a panel's make-up; marked papers known by
    # their routing, 親啟 or 專人送, first at 0.63 and 0.70) holds
    # procurement recall at 0.93 and classified recall at 0.91.
    "procurement": (0.97, 0.93),
    # Round 56 (oblique later six) holds personnel recall at 0.94: grades
    # by emoji (🅰️ 穩了), a vote by raised hands (✋✋✋).
    "personnel": (0.98, 0.94),
    "classified": (0.95, 0.91),
    # Twenty-second session: round 125 (published rulings, case studies and
    # news of the later six) labels as leaks the rulings that retell a
    # lookup result or a still of a masked person in their own words, which
    # the shared corpus counts as news of a past leak: its eleven such
    # lines (six of lookups, five of footage) hold records_lookup recall at
    # 0.925 and footage recall at 0.93. Round 134 (lookups told as gossip,
    # first at 0.65) still leaves results whose source is only hinted
    # (學長幫我對到車主了, 我幫妳問過了, an insider who "said"): 0.92.
    # Twenty-third session: the fixes rounds 139-142 led to (a hospital's
    # own system, an insider at the insurer, a recording passed on as 錄像,
    # a camera's picture as 那台的影像) raise both to 0.925 and 0.935.
    # Twenty-ninth session: round 298 (a lookup's result told with no
    # system, insider or lookup word, 他其實離過兩次婚, 名下有四筆地, which
    # reads as gossip without the speaker's office; first at 0.44) still
    # leaves 29 of its 57: 0.915 (0.930 without it). Thirtieth session:
    # round 323 (register facts in varied words, no lookup said; first at
    # 0.28, after rounds 309 and 317 of the same kind and their fixes)
    # still leaves 30 of its 60: 0.905 (0.920 without it).
    "records_lookup": (0.89, 0.905),
    # Round 155 (clips told without a camera word, first at 0.70) still
    # leaves clips named only by where they were taken (公車上錄的那段
    # aside, 管委會給我看了B2拍到的, 畫面給你了 別外流): footage recall 0.93.
    "footage": (0.98, 0.93),
    # Rounds 150, 156 and 158 (phishing as received and as consumers get
    # it, first at 0.63, 0.47 and 0.67) still leave lures in no agency's
    # name (a job offer by LINE, an online shop's instalment call), a
    # supervisor's bare new-LINE invitation, lures whose own text says 詐騙
    # (【165反詐騙】…詐騙金流) and an English request to forward a code
    # given forty characters apart: phishing recall 0.97. Round 164
    # (published text) labels as lures a fact-check and a 政風 bulletin that
    # reproduce a lure in full while warning against it, which the packs
    # read as awareness posts: 0.965.
    "phishing": (0.98, 0.965),
}


# tests/adversarial/cases and cases2: written blind for issue 17 (the first
# before the six packs existed, the second after their first version), then
# used to find what the packs missed (issue 17 asks 0.85 on the held-out
# sets): a ratchet at what the packs reach on both together.
# cases3 (2026-12-05, written blind like the others; footage was first
# measured at 0.67 and procurement at 0.73) lowered the combined procurement
# and classified recall it was added to. cases4 (2026-12-05, blind; first
# measured at procurement, phishing and records_lookup 0.80, classified
# 0.85) and the phenomena it showed raised every category again.
CASES_FLOORS = {
    "procurement": (0.95, 0.95),
    "personnel": (0.95, 0.92),
    "classified": (0.95, 0.95),
    "records_lookup": (0.95, 0.95),
    "footage": (0.95, 0.92),
    "phishing": (0.95, 0.95),
}


def load(d: Path, name: str) -> dict:
    return json.loads((d / f"{name}.json").read_text(encoding="utf-8"))


def main() -> int:
    d = Path(sys.argv[1])
    checks = []
    dev = load(d, "dev")
    for cat in CATEGORIES:
        c = dev["categories"][cat]
        checks.append((f"dev {cat} precision", c["precision"], ">=", 0.95))
        checks.append((f"dev {cat} recall", c["recall"], ">=", 0.95))
    cases = load(d, "dev-cases")
    for cat in CASE_CATEGORIES:
        c = cases["categories"][cat]
        checks.append((f"dev-cases {cat} precision", c["precision"], ">=", 0.95))
        checks.append((f"dev-cases {cat} recall", c["recall"], ">=", 0.95))
    chat = load(d, "real-chat-dev")
    checks.append(("real-chat unlabelled flag rate", chat["unlabelled"]["rate"], "<=", 0.005))
    fwd = load(d, "real-forwards-dev")
    checks.append(("real-forwards unlabelled flag rate", fwd["unlabelled"]["rate"], "<=", 0.01))
    checks.append(("real-forwards patient recall", fwd["categories"]["patient"]["recall"], ">=", 0.80))
    for name, floors in [
        ("adversarial", ADVERSARIAL_FLOORS),
        ("adversarial-later", LATER_FLOORS),
        ("adversarial-cases", CASES_FLOORS),
    ]:
        report = load(d, name)
        for cat, (precision, recall) in floors.items():
            c = report["categories"][cat]
            checks.append((f"{name} {cat} precision", c["precision"], ">=", precision))
            checks.append((f"{name} {cat} recall", c["recall"], ">=", recall))

    failed = 0
    for name, value, op, limit in checks:
        ok = value is not None and (value >= limit if op == ">=" else value <= limit)
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {value} ({op} {limit})")
    print(f"accuracy checks: {len(checks) - failed} ok, {failed} below threshold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
