"""Low-level ctypes declarations for libaipolicy (private module).

Every function used by the package is declared here with its argtypes and
restype, following include/aipolicy.h. Rules kept throughout:

* opaque handles are ``c_void_p``;
* owned strings (``char **out``) are declared ``POINTER(c_void_p)`` so the
  raw pointer survives: the bytes are copied with ``string_at`` and the same
  pointer is given back to ``aip_string_free`` (never to the host's free);
* borrowed ``const char *`` getters are ``c_char_p`` (ctypes copies them into
  ``bytes`` at once, before the parent object can be freed);
* the library is loaded with ``CDLL`` (not ``PyDLL``), so the GIL is
  released during every call and Python threads classify in parallel.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, c_char_p, c_double, c_int, c_size_t,
                    c_uint, c_void_p)

#: Oldest library version (MAJOR*10000+MINOR*100+PATCH) this package supports.
MIN_VERSION = 100
#: Knowledge-file schema versions this package knows how to present.
SCHEMA_VERSIONS = range(1, 2)

AIP_JSON_PRETTY = 1

STATUS_NAMES = {
    0: "AIP_OK",
    -1: "AIP_ENOMEM",
    -2: "AIP_EINVAL",
    -3: "AIP_EIO",
    -4: "AIP_EYAML",
    -5: "AIP_ESCHEMA",
    -6: "AIP_EVERSION",
    -7: "AIP_EDUPLICATE",
    -8: "AIP_ENOTFOUND",
    -9: "AIP_ERANGE",
    -10: "AIP_ELIMIT",
    -11: "AIP_EPROFILE",
    -99: "AIP_EINTERNAL",
}

# The realloc-style allocator hook (aip_alloc_fn) and struct aip_allocator.
ALLOC_FN = CFUNCTYPE(c_void_p, c_void_p, c_void_p, c_size_t, c_size_t)


class Allocator(ctypes.Structure):
    _fields_ = [("fn", ALLOC_FN), ("ctx", c_void_p)]


def _find_library() -> str:
    path = os.environ.get("AIPOLICY_LIB")
    if path:
        return path
    found = ctypes.util.find_library("aipolicy")
    if found:
        return found
    raise ImportError(
        "aipolicy: libaipolicy not found; install it or set AIPOLICY_LIB "
        "to the path of libaipolicy.so")


def _load():
    name = _find_library()
    try:
        return ctypes.CDLL(name)
    except OSError as exc:
        raise ImportError(f"aipolicy: cannot load {name}: {exc}") from exc


lib = _load()
LIBRARY_PATH = lib._name

_P = POINTER(c_void_p)  # aip_xxx **out, and char **out (raw pointer kept)
_SZ = POINTER(c_size_t)
_PROTOTYPES = {
    # status and errors
    "aip_strerror": (c_char_p, [c_int]),
    "aip_error_code": (c_int, [c_void_p]),
    "aip_error_message": (c_char_p, [c_void_p]),
    "aip_error_file": (c_char_p, [c_void_p]),
    "aip_error_line": (c_uint, [c_void_p]),
    "aip_error_column": (c_uint, [c_void_p]),
    "aip_error_path": (c_char_p, [c_void_p]),
    "aip_error_free": (None, [c_void_p]),
    # memory and versions
    "aip_string_free": (None, [c_void_p]),
    "aip_version": (c_char_p, []),
    "aip_version_number": (c_int, []),
    "aip_schema_version": (c_int, []),
    # knowledge bases
    "aip_kb_builder_new": (c_int, [POINTER(Allocator), _P]),
    "aip_kb_builder_free": (None, [c_void_p]),
    "aip_kb_builder_add_file": (c_int, [c_void_p, c_char_p, _P]),
    "aip_kb_builder_add_files": (c_int, [c_void_p, POINTER(c_char_p),
                                         c_size_t, _P]),
    "aip_kb_builder_add_dir": (c_int, [c_void_p, c_char_p, _P]),
    "aip_kb_builder_add_buffer": (c_int, [c_void_p, c_char_p, c_char_p,
                                          c_size_t, _P]),
    "aip_kb_builder_build": (c_int, [c_void_p, _P, _P]),
    "aip_default_data_dir": (c_char_p, []),
    "aip_kb_load_path": (c_int, [POINTER(Allocator), c_char_p, _P, _P]),
    "aip_kb_retain": (c_void_p, [c_void_p]),
    "aip_kb_release": (None, [c_void_p]),
    "aip_kb_fingerprint": (c_char_p, [c_void_p]),
    "aip_kb_regulation_count": (c_size_t, [c_void_p]),
    "aip_kb_regulation_id": (c_char_p, [c_void_p, c_size_t]),
    "aip_kb_regulation_title": (c_char_p, [c_void_p, c_size_t, c_char_p]),
    "aip_kb_rule_count": (c_size_t, [c_void_p, c_size_t]),
    "aip_kb_rule_id": (c_char_p, [c_void_p, c_size_t, c_size_t]),
    "aip_kb_rule_citation": (c_char_p, [c_void_p, c_size_t, c_size_t]),
    "aip_kb_fact_count": (c_size_t, [c_void_p]),
    "aip_kb_fact_id": (c_char_p, [c_void_p, c_size_t]),
    "aip_kb_fact_type": (c_char_p, [c_void_p, c_size_t]),
    "aip_kb_fact_label": (c_char_p, [c_void_p, c_size_t, c_char_p]),
    "aip_kb_fact_question": (c_char_p, [c_void_p, c_size_t, c_char_p]),
    # queries
    "aip_query_new": (c_int, [c_void_p, _P]),
    "aip_query_free": (None, [c_void_p]),
    "aip_query_set_as_of": (c_int, [c_void_p, c_char_p]),
    "aip_query_parse": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t, _P]),
    "aip_query_load_file": (c_int, [c_void_p, c_char_p, _P]),
    # classification and results
    "aip_classify": (c_int, [c_void_p, _P, _P]),
    "aip_result_free": (None, [c_void_p]),
    "aip_result_to_json": (c_int, [c_void_p, c_char_p, c_uint, _P, _SZ]),
    "aip_result_to_text": (c_int, [c_void_p, c_char_p, _P, _SZ]),
}

# Functions added after 0.1.0's first API: declared when the library has
# them (HAS[name] says so).
_OPTIONAL = {
    "aip_result_explain": (c_int, [c_void_p, c_char_p, _P, _SZ]),
}

HAS = {}
for _name, (_restype, _argtypes) in {**_PROTOTYPES, **_OPTIONAL}.items():
    try:
        _fn = getattr(lib, _name)
    except AttributeError:
        if _name not in _OPTIONAL:
            raise
        HAS[_name] = False
        continue
    HAS[_name] = True
    _fn.restype = _restype
    _fn.argtypes = _argtypes
del _name, _restype, _argtypes, _fn


def version_number() -> int:
    return lib.aip_version_number()


def check_version() -> None:
    number = lib.aip_version_number()
    if number < MIN_VERSION:
        raise ImportError(
            f"aipolicy: {LIBRARY_PATH} is version "
            f"{lib.aip_version().decode()}; this package needs "
            f"{MIN_VERSION // 10000}.{MIN_VERSION // 100 % 100}."
            f"{MIN_VERSION % 100} or later")
    schema = lib.aip_schema_version()
    if schema not in SCHEMA_VERSIONS:
        raise ImportError(
            f"aipolicy: {LIBRARY_PATH} reads knowledge schema {schema}; "
            f"this package supports {SCHEMA_VERSIONS.start}.."
            f"{SCHEMA_VERSIONS.stop - 1}")


check_version()


def release_kb(ptr: int, *keepalive: object) -> None:
    """Finalizer target: drops one reference to a knowledge base.

    ``keepalive`` (an allocator) is only held until the release.
    """
    lib.aip_kb_release(ptr)


def take_string(ptr: c_void_p, length: c_size_t) -> bytes:
    """Copies an owned string out of the library, then frees it (once)."""
    try:
        return ctypes.string_at(ptr.value, length.value)
    finally:
        lib.aip_string_free(ptr)
