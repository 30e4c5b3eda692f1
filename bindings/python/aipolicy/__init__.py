"""aipolicy: Python bindings for libaipolicy (ctypes, no compiled code).

    import aipolicy
    with aipolicy.KnowledgeBase.load() as kb:          # bundled knowledge
        result = kb.classify({"is_ai_system": True}, date="2027-12-02")
        print(result.regulation("eu-ai-act").applicability.status)

The shared library is found through the environment variable AIPOLICY_LIB
(the path of libaipolicy.so), else through ctypes.util.find_library.

Threads: a KnowledgeBase is immutable once loaded; any number of threads
may call classify() on it at once (ctypes releases the GIL during the C
calls, so they really run in parallel). Each call uses its own query and
result internally. close() may be called from any thread; calls made after
it raise aipolicy.Error, calls already running finish normally.

Memory: every library object is freed before the call that created it
returns, except the knowledge base, which is released by close(), by the
end of a ``with`` block, or by a finalizer when it is garbage-collected.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import os
import threading
import weakref
from ctypes import POINTER, byref, c_char_p, c_size_t, c_void_p
from dataclasses import dataclass
from typing import (Any, Iterable, List, Mapping, Optional, Sequence, Union)

from . import _ffi
from ._ffi import lib
from .result import (Applicability, Citation, Deadline, Dimension, LawVersion,
                     MissingFact, Note, Obligation, Penalty, PenaltyRegime,
                     Provenance, Regulation, Result, Rule, ScopeRule,
                     UpcomingValue)

__all__ = [
    "Error", "KnowledgeBase", "Result", "Provenance", "LawVersion",
    "Regulation", "Applicability", "ScopeRule", "Dimension", "UpcomingValue",
    "Obligation", "Citation", "Deadline", "Rule", "Note", "Penalty",
    "PenaltyRegime", "MissingFact", "RegulationInfo", "RuleInfo", "FactInfo",
    "version", "version_number", "schema_version", "default_data_dir",
    "library_path",
]

__version__ = "0.1.0"

PathLike = Union[str, bytes, "os.PathLike[str]"]
Profile = Union[Mapping[str, Any], str, bytes]
DateLike = Union[str, _dt.date]

# Status codes (include/aipolicy.h); also available as Error.code values.
OK = 0
ENOMEM = -1
EINVAL = -2
EIO = -3
EYAML = -4
ESCHEMA = -5
EVERSION = -6
EDUPLICATE = -7
ENOTFOUND = -8
ERANGE = -9
ELIMIT = -10
EPROFILE = -11
EINTERNAL = -99


def version() -> str:
    """Runtime library version, "MAJOR.MINOR.PATCH"."""
    return lib.aip_version().decode()


def version_number() -> int:
    """Runtime library version as MAJOR*10000+MINOR*100+PATCH."""
    return lib.aip_version_number()


def schema_version() -> int:
    """The knowledge-file schema_version the library reads."""
    return lib.aip_schema_version()


def default_data_dir() -> str:
    """$AIPOLICY_DATA if set, else the knowledge directory installed."""
    return os.fsdecode(lib.aip_default_data_dir())


def library_path() -> str:
    """The shared library this package loaded."""
    return _ffi.LIBRARY_PATH


class Error(Exception):
    """A failure reported by libaipolicy.

    ``code`` is the aip_status value (negative int, see the E* constants),
    ``code_name`` its name ("AIP_EPROFILE"). ``file``, ``line``, ``column``
    and ``path`` (the YAML path of the offending node) say where the problem
    is, when the library knows: None / 0 otherwise.
    """

    def __init__(self, code: int, message: str, file: Optional[str] = None,
                 line: int = 0, column: int = 0,
                 path: Optional[str] = None) -> None:
        super().__init__(code, message, file, line, column, path)
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.path = path

    @property
    def code_name(self) -> str:
        return _ffi.STATUS_NAMES.get(self.code, f"AIP_E{-self.code}")

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        if self.path:
            where += f"{self.path}: "
        return f"{where}{self.message}"

    def __repr__(self) -> str:
        return (f"aipolicy.Error({self.code_name}, {self.message!r}, "
                f"file={self.file!r}, line={self.line}, "
                f"column={self.column}, path={self.path!r})")

    @classmethod
    def _from_status(cls, code: int, context: str = "") -> "Error":
        text = lib.aip_strerror(code).decode("utf-8", "replace")
        return cls(code, f"{context}: {text}" if context else text)

    @classmethod
    def _take(cls, code: int, err: c_void_p, context: str = "") -> "Error":
        """Builds an Error from an aip_error (then frees it), or a code."""
        if not err.value:
            return cls._from_status(code, context)
        try:
            def text(raw: Optional[bytes]) -> Optional[str]:
                return None if raw is None else raw.decode("utf-8", "replace")
            return cls(lib.aip_error_code(err) or code,
                       text(lib.aip_error_message(err)) or "",
                       text(lib.aip_error_file(err)),
                       lib.aip_error_line(err),
                       lib.aip_error_column(err),
                       text(lib.aip_error_path(err)))
        finally:
            lib.aip_error_free(err)
            err.value = None


def _check(rc: int, err: Optional[c_void_p] = None, context: str = "") -> None:
    if rc != OK:
        raise Error._take(rc, err if err is not None else c_void_p(), context)


def _encode_path(path: PathLike) -> bytes:
    return os.fsencode(path)


def _encode_lang(lang: str) -> bytes:
    if lang not in ("en", "fr"):
        raise Error(EINVAL, f"lang must be 'en' or 'fr', not {lang!r}")
    return lang.encode()


def _json_default(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) \
            else list(value)
    raise TypeError(f"cannot put {type(value).__name__} in a profile")


def _profile_bytes(profile: Profile) -> bytes:
    """A profile document (doc/knowledge-format.md §6) as YAML/JSON bytes.

    A mapping with a "facts" or "profile" key is a whole profile; any other
    mapping is taken as the facts alone. None values mean "not given".
    Strings and bytes are passed to the library unchanged (YAML or JSON).
    """
    if isinstance(profile, Mapping):
        doc = profile if ("facts" in profile or "profile" in profile) \
            else {"facts": profile}
        return _json.dumps(doc, default=_json_default, allow_nan=False,
                           ensure_ascii=False, indent=2).encode("utf-8")
    if isinstance(profile, str):
        return profile.encode("utf-8")
    if isinstance(profile, (bytes, bytearray, memoryview)):
        return bytes(profile)
    raise TypeError("profile must be a mapping, a str or bytes, not "
                    f"{type(profile).__name__}")


def _date_bytes(date: DateLike) -> bytes:
    if isinstance(date, (_dt.date, _dt.datetime)):
        return date.strftime("%Y-%m-%d").encode()
    return str(date).encode()


@dataclass(frozen=True)
class RuleInfo:
    id: str
    citation: Optional[str]


@dataclass(frozen=True)
class RegulationInfo:
    id: str
    title: Optional[str]
    rules: List[RuleInfo]


@dataclass(frozen=True)
class FactInfo:
    id: str
    type: str  # "bool", "enum", "set", "number" or "date"
    label: Optional[str]
    question: Optional[str]


def _str(raw: Optional[bytes]) -> Optional[str]:
    return None if raw is None else raw.decode("utf-8")


class KnowledgeBase:
    """Loaded regulations and facts: immutable, shareable between threads.

    Create with KnowledgeBase.load(), from_files() or from_documents().
    Release with close() or a ``with`` block; a finalizer releases it
    otherwise when the object is garbage-collected.
    """

    def __init__(self, _handle: c_void_p, _keepalive: Any = None) -> None:
        if not isinstance(_handle, c_void_p) or not _handle.value:
            raise TypeError("use KnowledgeBase.load(), from_files() or "
                            "from_documents()")
        self._ptr: Optional[int] = _handle.value
        self._lock = threading.Lock()
        # The finalizer holds what the library needs until the release
        # (an allocator, when one was given); it runs exactly once.
        self._finalizer = weakref.finalize(self, _ffi.release_kb,
                                           self._ptr, _keepalive)

    # -- creation ---------------------------------------------------------

    @classmethod
    def load(cls, path: Optional[PathLike] = None, *,
             _allocator: Optional[_ffi.Allocator] = None) -> "KnowledgeBase":
        """Loads a knowledge directory or file; None = default_data_dir()."""
        out, err = c_void_p(), c_void_p()
        rc = lib.aip_kb_load_path(
            byref(_allocator) if _allocator is not None else None,
            None if path is None else _encode_path(path), byref(out),
            byref(err))
        _check(rc, err, "loading knowledge")
        return cls(out, _allocator)

    @classmethod
    def from_files(cls, paths: Iterable[PathLike]) -> "KnowledgeBase":
        """Loads several knowledge files as one transaction (any order)."""
        encoded = [_encode_path(p) for p in paths]
        array = (c_char_p * len(encoded))(*encoded)
        return cls._build(lambda b, err: lib.aip_kb_builder_add_files(
            b, array, len(encoded), byref(err)))

    @classmethod
    def from_documents(cls, documents: Mapping[str, Union[str, bytes]]
                       ) -> "KnowledgeBase":
        """Loads knowledge documents held in memory, {name: text}, in order.

        Each document may use the facts of the documents before it; names
        appear in error messages.
        """
        items = [(name.encode("utf-8"),
                  text.encode("utf-8") if isinstance(text, str) else text)
                 for name, text in documents.items()]

        def add(builder: c_void_p, err: c_void_p) -> int:
            for name, data in items:
                rc = lib.aip_kb_builder_add_buffer(builder, name, data,
                                                   len(data), byref(err))
                if rc != OK:
                    return rc
            return OK
        return cls._build(add)

    @classmethod
    def _build(cls, add) -> "KnowledgeBase":
        builder, out, err = c_void_p(), c_void_p(), c_void_p()
        _check(lib.aip_kb_builder_new(None, byref(builder)),
               context="aip_kb_builder_new")
        try:
            _check(add(builder, err), err, "loading knowledge")
            _check(lib.aip_kb_builder_build(builder, byref(out), byref(err)),
                   err, "building knowledge")
        finally:
            lib.aip_kb_builder_free(builder)
        return cls(out)

    # -- life cycle -------------------------------------------------------

    def close(self) -> None:
        """Releases the knowledge base now (idempotent, thread-safe)."""
        with self._lock:
            self._ptr = None
            self._finalizer()

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def __enter__(self) -> "KnowledgeBase":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.closed:
            return "<aipolicy.KnowledgeBase closed>"
        return f"<aipolicy.KnowledgeBase {self.fingerprint}>"

    def _handle(self) -> int:
        ptr = self._ptr
        if ptr is None:
            raise Error(EINVAL, "the knowledge base is closed")
        return ptr

    # -- introspection ----------------------------------------------------

    @property
    def fingerprint(self) -> str:
        """"sha256:" and the digest of the loaded files' bytes."""
        with self._lock:
            return _str(lib.aip_kb_fingerprint(self._handle())) or ""

    def regulations(self, lang: str = "en") -> List[RegulationInfo]:
        """The regulations loaded, with their rules, in load order."""
        code = _encode_lang(lang)
        with self._lock:
            kb = self._handle()
            return [RegulationInfo(
                _str(lib.aip_kb_regulation_id(kb, i)) or "",
                _str(lib.aip_kb_regulation_title(kb, i, code)),
                [RuleInfo(_str(lib.aip_kb_rule_id(kb, i, j)) or "",
                          _str(lib.aip_kb_rule_citation(kb, i, j)))
                 for j in range(lib.aip_kb_rule_count(kb, i))])
                for i in range(lib.aip_kb_regulation_count(kb))]

    def facts(self, lang: str = "en") -> List[FactInfo]:
        """The facts a profile may give, in declaration order."""
        code = _encode_lang(lang)
        with self._lock:
            kb = self._handle()
            return [FactInfo(_str(lib.aip_kb_fact_id(kb, i)) or "",
                             _str(lib.aip_kb_fact_type(kb, i)) or "",
                             _str(lib.aip_kb_fact_label(kb, i, code)),
                             _str(lib.aip_kb_fact_question(kb, i, code)))
                    for i in range(lib.aip_kb_fact_count(kb))]

    # -- classification ---------------------------------------------------

    def classify(self, profile: Profile, date: Optional[DateLike] = None,
                 lang: str = "en", *, pretty: bool = True,
                 name: str = "<profile>") -> Result:
        """Classifies a profile.

        ``profile`` is a dict shaped like a profile document (with "facts")
        or just the facts ({"is_ai_system": True, ...}; None = not given),
        or YAML/JSON text. ``date`` (str "YYYY-MM-DD" or datetime.date)
        overrides the profile's date; without either, today (UTC) is used.
        ``lang`` ("en" or "fr") selects the language of titles. ``pretty``
        selects the layout of ``result.json``. ``name`` is used in error
        positions.
        """
        data = _profile_bytes(profile)
        encoded_name = name.encode("utf-8")

        def fill(q: c_void_p, err: c_void_p) -> int:
            return lib.aip_query_parse(q, encoded_name, data, len(data),
                                       byref(err))
        return self._run(fill, date, self._json_renderer(lang, pretty))

    def classify_file(self, path: PathLike, date: Optional[DateLike] = None,
                      lang: str = "en", *, pretty: bool = True) -> Result:
        """Classifies the profile file at ``path`` (YAML or JSON)."""
        encoded = _encode_path(path)
        return self._run(
            lambda q, err: lib.aip_query_load_file(q, encoded, byref(err)),
            date, self._json_renderer(lang, pretty))

    def report(self, profile: Profile, date: Optional[DateLike] = None,
               lang: str = "en", *, name: str = "<profile>") -> str:
        """Classifies a profile and returns the report for people."""
        data = _profile_bytes(profile)
        encoded_name = name.encode("utf-8")
        code = _encode_lang(lang)

        def render(res: c_void_p) -> str:
            out, size = c_void_p(), c_size_t()
            _check(lib.aip_result_to_text(res, code, byref(out), byref(size)),
                   context="aip_result_to_text")
            return _ffi.take_string(out, size).decode("utf-8")
        return self._run(
            lambda q, err: lib.aip_query_parse(q, encoded_name, data,
                                               len(data), byref(err)),
            date, render)

    def explain(self, profile: Profile, date: Optional[DateLike] = None,
                lang: str = "en", *, name: str = "<profile>") -> str:
        """The reasoning behind the classification, as a text tree for
        people (aip_result_explain; its layout may change between versions).

        Raises aipolicy.Error (ENOTFOUND) when the library predates it.
        """
        if not _ffi.HAS["aip_result_explain"]:
            raise Error(ENOTFOUND, "this libaipolicy has no aip_result_explain")
        data = _profile_bytes(profile)
        encoded_name = name.encode("utf-8")
        code = _encode_lang(lang)

        def render(res: c_void_p) -> str:
            out, size = c_void_p(), c_size_t()
            _check(lib.aip_result_explain(res, code, byref(out), byref(size)),
                   context="aip_result_explain")
            return _ffi.take_string(out, size).decode("utf-8")
        return self._run(
            lambda q, err: lib.aip_query_parse(q, encoded_name, data,
                                               len(data), byref(err)),
            date, render)

    @staticmethod
    def _json_renderer(lang: str, pretty: bool):
        code = _encode_lang(lang)
        flags = _ffi.AIP_JSON_PRETTY if pretty else 0

        def render(res: c_void_p) -> Result:
            out, size = c_void_p(), c_size_t()
            _check(lib.aip_result_to_json(res, code, flags, byref(out),
                                          byref(size)),
                   context="aip_result_to_json")
            return Result.from_json(_ffi.take_string(out, size))
        return render

    def _run(self, fill, date: Optional[DateLike], render):
        """query_new -> fill -> as-of -> classify -> render, freeing all."""
        query, res, err = c_void_p(), c_void_p(), c_void_p()
        # The query keeps its own reference to the knowledge base: once it
        # exists, a concurrent close() cannot free the knowledge under us.
        with self._lock:
            rc = lib.aip_query_new(self._handle(), byref(query))
        _check(rc, context="aip_query_new")
        try:
            _check(fill(query, err), err)
            if date is not None:
                day = _date_bytes(date)
                rc = lib.aip_query_set_as_of(query, day)
                if rc != OK:
                    raise Error(rc, "date must be a real date YYYY-MM-DD, "
                                f"not {day.decode('utf-8', 'replace')!r}")
            _check(lib.aip_classify(query, byref(res), byref(err)), err,
                   "classifying")
            return render(res)
        finally:
            lib.aip_result_free(res)
            lib.aip_query_free(query)
