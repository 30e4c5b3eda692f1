import ctypes
import gc
import threading

import pytest

import aipolicy
from aipolicy import _ffi
from conftest import DATE, PROFILES


class CountingAllocator:
    """An aip_allocator that tracks the blocks the library holds."""

    def __init__(self):
        libc = ctypes.CDLL(None)
        self._realloc = libc.realloc
        self._realloc.restype = ctypes.c_void_p
        self._realloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        self._free = libc.free
        self._free.argtypes = [ctypes.c_void_p]
        self.live = {}
        self.calls = 0
        self._lock = threading.Lock()
        self._fn = _ffi.ALLOC_FN(self._hook)  # kept alive with self
        self.struct = _ffi.Allocator(self._fn, None)

    def _hook(self, ctx, ptr, old, new):
        with self._lock:
            self.calls += 1
            if new == 0:
                if ptr:
                    assert self.live.pop(ptr) == old
                    self._free(ptr)
                return None
            if ptr:
                assert self.live[ptr] == old
            out = self._realloc(ptr, new)
            if out:
                if ptr:
                    del self.live[ptr]
                self.live[out] = new
            return out


def test_context_manager_closes():
    with aipolicy.KnowledgeBase.load() as base:
        assert not base.closed
        base.classify({}, date=DATE)
    assert base.closed
    assert "closed" in repr(base)
    with pytest.raises(aipolicy.Error) as info:
        base.classify({}, date=DATE)
    assert info.value.code == aipolicy.EINVAL
    with pytest.raises(aipolicy.Error):
        base.fingerprint
    base.close()  # idempotent


def test_finalizer_releases_on_garbage_collection():
    base = aipolicy.KnowledgeBase.load()
    finalizer = base._finalizer
    assert finalizer.alive
    del base
    gc.collect()
    assert not finalizer.alive


def test_every_library_block_is_freed():
    alloc = CountingAllocator()
    base = aipolicy.KnowledgeBase.load(_allocator=alloc.struct)
    after_load = len(alloc.live)
    assert after_load > 0, "the knowledge base lives in the allocator"
    for path in sorted(PROFILES.glob("*.yaml"))[:5]:
        base.classify_file(path, date=DATE)
        base.classify_file(path, date=DATE, lang="fr", pretty=False)
        base.report(path.read_text(), date=DATE)
        if _ffi.HAS["aip_result_explain"]:
            base.explain(path.read_text(), date=DATE)
    for bad in ({"nope": 1}, "facts: [", {"is_ai_system": 3}):
        with pytest.raises(aipolicy.Error):
            base.classify(bad)
    with pytest.raises(aipolicy.Error):
        base.classify({}, date="not a date")
    # results, queries, errors and strings all went back to the allocator
    assert len(alloc.live) == after_load
    base.close()
    assert alloc.live == {}
    assert alloc.calls > after_load


def test_failed_load_frees_everything():
    alloc = CountingAllocator()
    with pytest.raises(aipolicy.Error):
        aipolicy.KnowledgeBase.load("/nonexistent", _allocator=alloc.struct)
    assert alloc.live == {}
