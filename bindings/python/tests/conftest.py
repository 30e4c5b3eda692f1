"""Test setup: the package from this tree, the library from AIPOLICY_LIB.

Run from the build (make check-bindings) or by hand:
    AIPOLICY_LIB=$PWD/lib/.libs/libaipolicy.so AIPOLICY_DATA=$PWD/data \
        python3 -m pytest bindings/python/tests
"""

import os
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
SRCDIR = HERE.parents[2]  # top of the source tree
sys.path.insert(0, str(HERE.parent))

if not os.environ.get("AIPOLICY_DATA"):
    os.environ["AIPOLICY_DATA"] = str(SRCDIR / "data")
if not os.environ.get("AIPOLICY_LIB"):
    built = SRCDIR / "lib" / ".libs" / "libaipolicy.so"
    if built.exists():
        os.environ["AIPOLICY_LIB"] = str(built)

import aipolicy  # noqa: E402  (after the environment is set)

PROFILES = SRCDIR / "examples" / "profiles"
DATA = pathlib.Path(os.environ["AIPOLICY_DATA"])
DATE = "2027-12-02"


@pytest.fixture(scope="session")
def kb():
    with aipolicy.KnowledgeBase.load() as base:
        yield base


@pytest.fixture(scope="session")
def profiles():
    return sorted(PROFILES.glob("*.yaml"))
