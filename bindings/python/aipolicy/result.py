"""Typed view of a classification result (doc/json-output.md, format 1).

Every class mirrors one JSON object of ``aip_result_to_json``; field names are
the JSON keys (``from`` becomes ``from_``). JSON may gain fields within a
format version: keys this package does not know yet are kept, untouched, in
each object's ``extra`` dictionary, so no content is lost.
"""

from __future__ import annotations

import dataclasses
import functools
import json as _json
import typing
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

Number = Union[int, float]
FactValue = Union[bool, int, float, str, List[str], None]

_RENAMED = {"from": "from_"}


def _build(cls, data: Optional[dict]):
    """Builds dataclass ``cls`` from a JSON object, recursively."""
    if data is None:
        return None
    hints, names = _fields_of(cls)
    kwargs: Dict[str, Any] = {}
    extra: Dict[str, Any] = {}
    for key, value in data.items():
        name = _RENAMED.get(key, key)
        if name not in names:
            extra[key] = value
            continue
        kwargs[name] = _convert(hints[name], value)
    return cls(**kwargs, extra=extra)


@functools.lru_cache(maxsize=None)
def _fields_of(cls):
    """Type hints and JSON-settable field names of a result dataclass."""
    names = frozenset(f.name for f in dataclasses.fields(cls)
                      if f.name not in ("extra", "json_bytes"))
    return typing.get_type_hints(cls), names


def _convert(hint, value):
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is Union and type(None) in args:  # Optional[X]
        if value is None:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value) if len(inner) == 1 else value
    if origin in (list, List) and args and dataclasses.is_dataclass(args[0]):
        return [_build(args[0], v) for v in value]
    if dataclasses.is_dataclass(hint):
        return _build(hint, value)
    return value


@dataclass
class Citation:
    ref: str
    url: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class LawVersion:
    """provenance.regulations[]: the law version used for each regulation."""
    id: str
    law_version: str
    law_version_title: Optional[str] = None
    law_version_in_force: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Provenance:
    library_version: str
    knowledge_fingerprint: str
    as_of: str
    lang: str
    regulations: List[LawVersion] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class ScopeRule:
    id: str
    scope: str
    value: str  # "true" or "unknown"
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Applicability:
    status: str  # "applies" | "does_not_apply" | "undetermined"
    scope_rules: List[ScopeRule] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class UpcomingValue:
    value: str
    from_: str
    rule: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Dimension:
    id: str
    value: str
    determined: bool
    title: Optional[str] = None
    label: Optional[str] = None
    ceiling: Optional[str] = None
    upcoming: List[UpcomingValue] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Deadline:
    kind: str
    amount: Optional[Number] = None
    unit: Optional[str] = None
    after: Optional[str] = None
    case: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Obligation:
    id: str
    title: str
    status: str  # "in_force" | "upcoming"
    applies_from: str
    certain: bool
    citation: Optional[Citation] = None
    role: Optional[str] = None
    summary: Optional[str] = None
    rule: Optional[str] = None
    deadlines: List[Deadline] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Rule:
    """A fired or undetermined rule, with the facts it read (None: not given)."""
    id: str
    title: Optional[str] = None
    citation: Optional[Citation] = None
    status: Optional[str] = None
    applies_from: Optional[str] = None
    facts: Dict[str, FactValue] = field(default_factory=dict)
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Note:
    rule: str
    text: str
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class PenaltyRegime:
    id: str
    status: str
    ceiling: Number
    currency: str
    certain: bool
    title: Optional[str] = None
    citation: Optional[Citation] = None
    applies_from: Optional[str] = None
    amount: Optional[Number] = None
    turnover_percent: Optional[Number] = None
    combine: Optional[str] = None
    variant_citation: Optional[Citation] = None
    turnover: Optional[Number] = None
    per: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Penalty:
    ceiling: Number
    currency: str
    certain: bool
    regimes: List[PenaltyRegime] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Regulation:
    id: str
    title: str
    law_version: str
    applicability: Applicability
    jurisdiction: Optional[str] = None
    dimensions: List[Dimension] = field(default_factory=list)
    obligations: List[Obligation] = field(default_factory=list)
    fired_rules: List[Rule] = field(default_factory=list)
    undetermined_rules: List[Rule] = field(default_factory=list)
    notes: List[Note] = field(default_factory=list)
    missing_facts: List[str] = field(default_factory=list)
    penalty: Optional[Penalty] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)

    def dimension(self, dimension_id: str) -> Optional[Dimension]:
        """The dimension with this id ("tier"...), or None."""
        return next((d for d in self.dimensions if d.id == dimension_id), None)


@dataclass
class MissingFact:
    id: str
    label: Optional[str] = None
    question: Optional[str] = None
    score: Optional[Number] = None
    relevant: Optional[bool] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Result:
    """One classification. ``json`` holds the library's exact output."""
    format: str
    format_version: int
    provenance: Provenance
    facts: Dict[str, FactValue] = field(default_factory=dict)
    regulations: List[Regulation] = field(default_factory=list)
    missing_facts: List[MissingFact] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)
    #: The bytes written by aip_result_to_json, unchanged.
    json_bytes: bytes = field(default=b"", repr=False, compare=False)

    @property
    def json(self) -> str:
        """The library's JSON output as text (UTF-8 decoded json_bytes)."""
        return self.json_bytes.decode("utf-8")

    def regulation(self, regulation_id: str) -> Optional[Regulation]:
        """The regulation with this id ("eu-ai-act"...), or None."""
        return next((r for r in self.regulations if r.id == regulation_id),
                    None)

    def to_dict(self) -> Dict[str, Any]:
        """The JSON output as plain Python objects (json.loads of it)."""
        return _json.loads(self.json_bytes)

    @classmethod
    def from_json(cls, data: Union[bytes, str]) -> "Result":
        """Builds the typed tree from aip_result_to_json output."""
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        tree = _json.loads(raw)
        if tree.get("format") != "aipolicy-result":
            raise ValueError("not an aipolicy result document")
        result = _build(cls, tree)
        result.json_bytes = raw
        return result
