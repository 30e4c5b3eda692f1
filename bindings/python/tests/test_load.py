import re

import pytest

import aipolicy
from aipolicy import _ffi
from conftest import DATA


def test_version_checked_at_import():
    assert aipolicy.version_number() >= _ffi.MIN_VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+", aipolicy.version())
    assert aipolicy.schema_version() in _ffi.SCHEMA_VERSIONS
    assert aipolicy.library_path()


def test_load_default_uses_aipolicy_data(kb):
    assert aipolicy.default_data_dir() == str(DATA)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", kb.fingerprint)
    ids = [r.id for r in kb.regulations()]
    assert ids == ["eu-ai-act", "gdpr", "ca-sb53"]


def test_load_path_gives_the_same_knowledge(kb):
    with aipolicy.KnowledgeBase.load(DATA) as other:
        assert other.fingerprint == kb.fingerprint


def test_from_files_is_one_transaction(kb):
    # facts.yaml last: the regulations refer to facts declared after them.
    files = [DATA / "eu-ai-act.yaml", DATA / "gdpr.yaml", DATA / "sb53.yaml",
             DATA / "facts.yaml"]
    with aipolicy.KnowledgeBase.from_files(files) as other:
        assert {r.id for r in other.regulations()} == \
            {"eu-ai-act", "gdpr", "ca-sb53"}


def test_introspection(kb):
    facts = {f.id: f for f in kb.facts()}
    assert facts["is_ai_system"].type == "bool"
    assert facts["ai_act_role"].type == "set"
    assert facts["is_ai_system"].question.endswith("?")
    fr = {f.id: f for f in kb.facts("fr")}
    assert fr["is_ai_system"].label != facts["is_ai_system"].label
    ai_act = kb.regulations()[0]
    assert ai_act.title and ai_act.rules
    assert all(rule.id for rule in ai_act.rules)
    assert any(rule.citation and rule.citation.startswith("Art.")
               for rule in ai_act.rules)


def test_load_missing_directory():
    with pytest.raises(aipolicy.Error) as info:
        aipolicy.KnowledgeBase.load("/nonexistent/aipolicy-knowledge")
    assert info.value.code == aipolicy.EIO
    assert info.value.code_name == "AIP_EIO"
