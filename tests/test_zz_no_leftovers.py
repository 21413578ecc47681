"""Runs last (files run in name order): after the whole suite, nothing carries our labels."""

from __future__ import annotations

from checks.engine import LABEL_MANAGED, Engine


def test_the_suite_left_nothing_with_our_labels() -> None:
    client = Engine().client
    selector = {"label": f"{LABEL_MANAGED}=true"}
    assert client.containers.list(all=True, filters=selector) == []
    assert client.images.list(filters=selector) == []
    assert client.networks.list(filters=selector) == []
    assert client.volumes.list(filters=selector) == []
