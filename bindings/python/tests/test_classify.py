import datetime
import json

import pytest

import aipolicy
from aipolicy import Result
from conftest import DATE, PROFILES

CV = PROFILES / "cv-screening.yaml"


def test_cv_screening_is_high_risk(kb):
    r = kb.classify_file(CV, date=DATE)
    assert r.format == "aipolicy-result" and r.format_version == 1
    assert r.provenance.as_of == DATE and r.provenance.lang == "en"
    assert r.provenance.knowledge_fingerprint == kb.fingerprint
    ai = r.regulation("eu-ai-act")
    assert ai.applicability.status == "applies"
    tier = ai.dimension("tier")
    assert (tier.value, tier.determined) == ("high", True)
    ob = {o.id: o for o in ai.obligations}
    assert ob["art9-risk-management"].citation.ref == "Art. 9"
    assert ob["art9-risk-management"].status == "in_force"
    assert ob["art9-risk-management"].role == "provider"
    assert ai.fired_rules and all(rule.citation for rule in ai.fired_rules)
    assert ai.penalty.currency == "EUR" and ai.penalty.ceiling > 0
    assert r.facts["annex_iii_area"] == ["recruitment"]


def test_typed_tree_has_the_json_content(kb):
    r = kb.classify_file(CV, date=DATE)
    tree = json.loads(r.json)
    assert r.to_dict() == tree
    assert len(r.regulations) == len(tree["regulations"])
    for reg, raw in zip(r.regulations, tree["regulations"]):
        assert reg.id == raw["id"] and reg.title == raw["title"]
        assert [o.id for o in reg.obligations] == \
            [o["id"] for o in raw["obligations"]]
        assert [d.value for d in reg.dimensions] == \
            [d["value"] for d in raw["dimensions"]]
        assert reg.missing_facts == raw["missing_facts"]
        assert (reg.penalty is None) == (raw["penalty"] is None)
    assert [m.id for m in r.missing_facts] == \
        [m["id"] for m in tree["missing_facts"]]


def test_json_is_the_library_bytes(kb):
    pretty = kb.classify_file(CV, date=DATE)
    compact = kb.classify_file(CV, date=DATE, pretty=False)
    assert pretty.json_bytes.endswith(b"}\n") and b"\n  " in pretty.json_bytes
    assert b"\n" not in compact.json_bytes
    assert json.loads(pretty.json) == json.loads(compact.json)
    assert pretty.json == pretty.json_bytes.decode("utf-8")


def test_dict_facts_and_profile_and_text_agree(kb):
    facts = {"ai_act_role": ["provider"], "is_ai_system": True,
             "annex_iii_area": ["recruitment"], "employee_count": 400}
    a = kb.classify(facts, date=DATE)
    b = kb.classify({"profile": 1, "name": "x", "date": DATE,
                     "facts": facts})
    c = kb.classify("profile: 1\ndate: 2027-12-02\nfacts:\n"
                    "  ai_act_role: [provider]\n  is_ai_system: true\n"
                    "  annex_iii_area: [recruitment]\n"
                    "  employee_count: 400\n")
    assert a.json_bytes == b.json_bytes == c.json_bytes
    assert a.facts == facts


def test_python_values_are_converted(kb):
    r = kb.classify({"placed_on_market_date": datetime.date(2025, 3, 1),
                     "ai_act_role": {"provider"},
                     "worldwide_turnover_eur": 3e9,
                     "is_gpai_model": None},
                    date=datetime.date(2027, 12, 2))
    assert r.provenance.as_of == DATE
    assert r.facts == {"placed_on_market_date": "2025-03-01",
                       "ai_act_role": ["provider"],
                       "worldwide_turnover_eur": 3000000000}


def test_date_overrides_profile_date(kb):
    r = kb.classify({"date": "2026-01-01", "facts": {}}, date="2030-06-30")
    assert r.provenance.as_of == "2030-06-30"
    r = kb.classify({"date": "2026-01-01", "facts": {}})
    assert r.provenance.as_of == "2026-01-01"


def test_default_date_is_today(kb):
    r = kb.classify({})
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert r.provenance.as_of in {today.isoformat(),
                                  (today - datetime.timedelta(1)).isoformat()}


def test_obligations_depend_on_the_date(kb):
    early = kb.classify_file(CV, date="2025-01-01").regulation("eu-ai-act")
    late = kb.classify_file(CV, date=DATE).regulation("eu-ai-act")
    assert {o.status for o in early.obligations} == {"upcoming"}
    assert "in_force" in {o.status for o in late.obligations}


def test_french(kb):
    en = kb.classify_file(CV, date=DATE)
    fr = kb.classify_file(CV, date=DATE, lang="fr")
    assert fr.provenance.lang == "fr"
    assert fr.regulations[0].title != en.regulations[0].title
    assert [o.id for o in fr.regulations[0].obligations] == \
        [o.id for o in en.regulations[0].obligations]


def test_missing_facts(kb):
    r = kb.classify({"is_ai_system": True}, date=DATE)
    ai = r.regulation("eu-ai-act")
    assert ai.applicability.status == "undetermined"
    assert ai.missing_facts
    assert r.missing_facts, "missing facts over all regulations"
    # most decisive first: relevant facts, then by descending score
    keys = [(not m.relevant, -m.score) for m in r.missing_facts]
    assert keys == sorted(keys)
    first = r.missing_facts[0]
    assert first.label and first.question and isinstance(first.relevant, bool)
    assert set(ai.missing_facts) <= {m.id for m in r.missing_facts}
    assert any(not d.determined for d in ai.dimensions) or \
        ai.undetermined_rules


def test_every_example_profile(kb, profiles):
    assert len(profiles) > 10
    for path in profiles:
        r = kb.classify_file(path, date=DATE)
        statuses = {reg.applicability.status for reg in r.regulations}
        assert statuses <= {"applies", "does_not_apply", "undetermined"}


def test_report_for_people(kb):
    text = kb.report(CV.read_text(), date=DATE)
    assert text.startswith("As of: 2027-12-02\n")
    assert "Artificial Intelligence Act" in text
    assert kb.report(CV.read_text(), date=DATE, lang="fr") != text


def test_unknown_json_keys_are_kept():
    doc = {"format": "aipolicy-result", "format_version": 1,
           "provenance": {"library_version": "0.1.0",
                          "knowledge_fingerprint": "sha256:0", "as_of": DATE,
                          "lang": "en", "regulations": [], "future": 1},
           "facts": {}, "regulations": [], "missing_facts": [],
           "new_field": [1, 2]}
    r = Result.from_json(json.dumps(doc))
    assert r.extra == {"new_field": [1, 2]}
    assert r.provenance.extra == {"future": 1}
    with pytest.raises(ValueError):
        Result.from_json('{"format": "other"}')


@pytest.mark.skipif(not aipolicy._ffi.HAS["aip_result_explain"],
                    reason="the library has no aip_result_explain")
def test_explain(kb):
    text = kb.explain(CV.read_text(), date=DATE)
    assert "eu-ai-act" in text or "Artificial Intelligence Act" in text
    assert kb.explain(CV.read_text(), date=DATE, lang="fr") != text


def test_explain_needs_a_recent_library(kb, monkeypatch):
    monkeypatch.setitem(aipolicy._ffi.HAS, "aip_result_explain", False)
    with pytest.raises(aipolicy.Error) as info:
        kb.explain({})
    assert info.value.code == aipolicy.ENOTFOUND
