import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import aipolicy
from conftest import DATE


def test_one_knowledge_base_many_threads(kb, profiles):
    expected = {p: kb.classify_file(p, date=DATE, pretty=False).json_bytes
                for p in profiles}
    jobs = list(profiles) * 4

    def run(path):
        return path, kb.classify_file(path, date=DATE,
                                      pretty=False).json_bytes
    with ThreadPoolExecutor(max_workers=8) as pool:
        for path, out in pool.map(run, jobs):
            assert out == expected[path], path


def test_threads_from_dicts_and_errors(kb):
    barrier = threading.Barrier(6)
    failures = []

    def worker(n):
        barrier.wait()
        try:
            for i in range(30):
                r = kb.classify({"is_ai_system": True,
                                 "employee_count": n * 100 + i}, date=DATE)
                assert r.facts["employee_count"] == n * 100 + i
                with pytest.raises(aipolicy.Error) as info:
                    kb.classify({"no_fact_%d" % n: True})
                assert info.value.path == "/facts/no_fact_%d" % n
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures


def test_close_while_other_threads_classify(profiles):
    base = aipolicy.KnowledgeBase.load()
    started = threading.Event()
    outcomes = []

    def worker():
        started.set()
        for _ in range(200):
            try:
                base.classify_file(profiles[0], date=DATE)
                outcomes.append("ok")
            except aipolicy.Error as exc:
                assert "closed" in exc.message
                outcomes.append("closed")
                return
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    started.wait()
    base.close()
    for t in threads:
        t.join()
    assert base.closed
    assert outcomes.count("closed") == 4 or len(outcomes) == 800
