"""pytest-xdist plumbing: values go controller -> worker and back; without xdist, no-ops."""

from __future__ import annotations

from types import SimpleNamespace

from iamspec.harness import xdist


def test_a_value_handed_to_a_worker_is_read_there():
    node = SimpleNamespace(workerinput={})
    xdist.to_worker(node, "budget", "/tmp/calls")
    worker = SimpleNamespace(workerinput=node.workerinput)
    assert xdist.is_worker(worker)
    assert xdist.from_controller(worker, "budget") == "/tmp/calls"
    assert xdist.from_controller(worker, "other") is None


def test_a_value_a_worker_sends_is_read_by_the_controller():
    worker = SimpleNamespace(workerinput={}, workeroutput={})
    xdist.to_controller(worker, "deselected", 3)
    node = SimpleNamespace(workeroutput=worker.workeroutput)
    assert xdist.from_worker(node, "deselected", 0) == 3
    assert xdist.from_worker(node, "missing", 0) == 0


def test_without_xdist_nothing_is_a_worker_and_nothing_is_sent():
    config = SimpleNamespace()
    assert not xdist.is_worker(config)
    assert xdist.from_controller(config, "budget") is None
    xdist.to_controller(config, "deselected", 3)  # no workeroutput: nothing to do
    assert not hasattr(config, "workeroutput")
    assert xdist.from_worker(SimpleNamespace(workeroutput=None), "deselected", 0) == 0
