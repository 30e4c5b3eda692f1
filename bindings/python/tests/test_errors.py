import math

import pytest

import aipolicy
from conftest import DATE


def test_unknown_fact_has_position(kb):
    text = "profile: 1\nfacts:\n  is_ai_system: true\n  no_such_fact: 3\n"
    with pytest.raises(aipolicy.Error) as info:
        kb.classify(text, name="system.yaml")
    e = info.value
    assert e.code == aipolicy.EPROFILE and e.code_name == "AIP_EPROFILE"
    assert (e.file, e.line, e.column) == ("system.yaml", 4, 3)
    assert e.path == "/facts/no_such_fact"
    assert "no_such_fact" in e.message
    assert str(e) == ("system.yaml:4:3: /facts/no_such_fact: "
                      + e.message)


def test_wrong_type_in_dict_profile(kb):
    with pytest.raises(aipolicy.Error) as info:
        kb.classify({"is_ai_system": "yes"})
    e = info.value
    assert e.code == aipolicy.EPROFILE
    assert e.path == "/facts/is_ai_system" and e.file == "<profile>"
    assert e.line == 3  # the JSON text is indented, one fact per line


def test_enum_value_outside(kb):
    with pytest.raises(aipolicy.Error) as info:
        kb.classify({"enterprise_size": "gigantic"})
    assert info.value.code == aipolicy.EPROFILE
    assert "gigantic" in info.value.message


def test_syntax_error(kb):
    with pytest.raises(aipolicy.Error) as info:
        kb.classify("facts:\n  a: [1, 2\n", name="broken.yaml")
    e = info.value
    assert e.code == aipolicy.EYAML and e.file == "broken.yaml"
    assert e.line >= 2


def test_missing_profile_file(kb):
    with pytest.raises(aipolicy.Error) as info:
        kb.classify_file("/nonexistent/profile.yaml")
    assert info.value.code == aipolicy.EIO


def test_bad_date_and_lang(kb):
    with pytest.raises(aipolicy.Error) as info:
        kb.classify({}, date="2027-02-30")
    assert info.value.code == aipolicy.EINVAL and "2027-02-30" in str(info.value)
    with pytest.raises(aipolicy.Error) as info:
        kb.classify({}, date=DATE, lang="de")
    assert info.value.code == aipolicy.EINVAL


def test_bad_knowledge_has_position():
    facts = ("schema_version: 1\nfacts:\n  - id: flag\n    type: bool\n"
             "    label: {en: Flag, fr: Drapeau}\n"
             "    question: {en: Flag?, fr: Drapeau ?}\n")
    with aipolicy.KnowledgeBase.from_documents({"facts.yaml": facts}) as ok:
        assert [f.id for f in ok.facts()] == ["flag"]
    with pytest.raises(aipolicy.Error) as info:
        aipolicy.KnowledgeBase.from_documents(
            {"facts.yaml": facts.replace("type: bool", "type: boolean")})
    e = info.value
    assert e.code == aipolicy.ESCHEMA
    assert (e.file, e.line, e.column) == ("facts.yaml", 4, 11)
    assert e.path == "/facts/0/type" and "type" in e.message


def test_python_side_errors(kb):
    with pytest.raises(TypeError):
        kb.classify(42)
    with pytest.raises(ValueError):
        kb.classify({"worldwide_turnover_eur": math.nan})
    with pytest.raises(TypeError):
        kb.classify({"worldwide_turnover_eur": object()})
    with pytest.raises(TypeError):
        aipolicy.KnowledgeBase(None)


def test_error_is_an_exception_with_fields():
    e = aipolicy.Error(aipolicy.ENOTFOUND, "gone", "f.yaml", 3, 5, "/x")
    assert isinstance(e, Exception)
    assert str(e) == "f.yaml:3:5: /x: gone"
    assert "AIP_ENOTFOUND" in repr(e)
