"""``workers.run_tasks`` called from several threads at once (the API server: a background
window pass beside a POST's analysis): each call's tasks read that call's own state."""

from __future__ import annotations

import threading

import pytest

from newsfold import workers


def _read_key(task):
    gate, key = task
    if gate is not None:  # hold this task until the other thread's call has come and gone
        gate[0].set()
        assert gate[1].wait(10)
    return workers.state()[key]


def test_a_call_in_another_thread_does_not_change_the_state_tasks_read():
    started, other_done = threading.Event(), threading.Event()
    out = {}

    def first():
        out["first"] = workers.run_tasks(_read_key, [((started, other_done), "a"), (None, "a")], {"a": 1}, 1)

    t = threading.Thread(target=first)
    t.start()
    assert started.wait(10)
    # the other call, while the first one's task is running: its own state, then gone
    assert workers.run_tasks(_read_key, [(None, "b")], {"b": 2}, 1) == [2]
    other_done.set()
    t.join(10)
    assert out["first"] == [1, 1]
    assert workers.state() == {}


@pytest.mark.skipif(not workers.can_fork(), reason="needs fork")
def test_forked_workers_read_the_state_of_their_call_from_any_thread():
    results = {}

    def call(name, value):
        results[name] = workers.run_tasks(_read_key, [(None, "k")] * 3, {"k": value}, 2)

    threads = [threading.Thread(target=call, args=(f"t{i}", i)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == {f"t{i}": [i, i, i] for i in range(3)}


def test_nested_calls_restore_the_outer_state():
    def outer_task(_):
        inner = workers.run_tasks(_read_key, [(None, "x")], {"x": "inner"}, 1)
        return inner + [workers.state()["x"]]

    assert workers.run_tasks(outer_task, [None], {"x": "outer"}, 1) == [["inner", "outer"]]
