"""The pure parts of the script and compose goal kinds, on hand-made inspect data and YAML."""

from __future__ import annotations

import pytest

from checks.errors import CheckError
from checks.goals import compose, script


def _container(asked: dict, got: dict, publish_all: bool = False, exposed: tuple[str, ...] = ()) -> dict:
    return {"HostConfig": {"PortBindings": asked, "PublishAllPorts": publish_all},
            "NetworkSettings": {"Ports": got}, "Config": {"ExposedPorts": {p: {} for p in exposed}}}


def test_an_opened_binding_replaces_the_one_asked_for() -> None:
    c = _container({"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]},
                   {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "32768"}]})
    assert script.published(c) == [("8080/tcp", "127.0.0.1", "32768")]
    assert script.loopback_port(c, 8080) == 32768


def test_a_port_asked_for_but_never_opened_still_counts() -> None:
    # No network on an engine without a default bridge: nothing opens, the intent shows.
    c = _container({"6000/tcp": [{"HostIp": "", "HostPort": "6000"}]}, {})
    assert script.published(c) == [("6000/tcp", "0.0.0.0", "6000")]
    assert script.loopback_port(c, 6000) is None


def test_every_address_binding_fails_loopback_only() -> None:
    c = _container({}, {"8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]})
    assert script.loopback_port(c, 8080) is None
    assert script.describe_bindings(script.published(c)) == "0.0.0.0:8080->8080/tcp"


def test_publish_all_publishes_every_exposed_port() -> None:
    c = _container({}, {}, publish_all=True, exposed=("6000/tcp",))
    assert script.published(c) == [("6000/tcp", "0.0.0.0", "")]


def test_only_user_defined_networks_with_an_address_count() -> None:
    networks = {"bridge": {"IPAddress": ""}, "lbl-x-net": {"IPAddress": "172.18.0.2"},
                "none": {"IPAddress": ""}}
    c = {"NetworkSettings": {"Networks": networks}}
    assert script.user_networks(c) == {"lbl-x-net": ["172.18.0.2"]}


def test_literal_secrets_in_environment_are_found_in_both_spellings() -> None:
    data = {"services": {
        "web": {"environment": {"API_TOKEN": "change-me", "REDIS_HOST": "redis", "API_TOKEN_FILE": "/run/x"}},
        "db": {"environment": ["POSTGRES_PASSWORD=hunter2", "POSTGRES_USER=app"]},
        "ok": {"environment": {"DB_PASSWORD": "${DB_PASSWORD}", "SECRET_KEY": None}},
    }}
    assert compose.plain_secrets(data) == ["web.environment.API_TOKEN", "db.environment.POSTGRES_PASSWORD"]


def test_volume_lines_in_short_and_long_syntax() -> None:
    service = {"volumes": ["redis-data:/data:rw", "./src:/app:ro", "/cache",
                           {"type": "volume", "source": "v", "target": "/v"}]}
    assert compose.volume_mounts(service) == [("volume", "redis-data", "/data"), ("bind", "./src", "/app"),
                                              ("volume", "", "/cache"), ("volume", "v", "/v")]


def test_depends_on_short_form_waits_for_the_start_only() -> None:
    assert compose.depends_condition({"depends_on": ["redis"]}, "redis") == "service_started"
    assert compose.depends_condition({"depends_on": {"redis": {"condition": "service_healthy"}}},
                                     "redis") == "service_healthy"
    assert compose.depends_condition({}, "redis") is None


def test_a_disabled_healthcheck_is_none() -> None:
    assert compose.healthcheck_test({"healthcheck": {"test": ["CMD", "redis-cli", "ping"]}}) is not None
    assert compose.healthcheck_test({"healthcheck": {"disable": True}}) is None
    assert compose.healthcheck_test({"healthcheck": {"test": ["NONE"]}}) is None


def test_gitignore_rules_decide_what_is_committed() -> None:
    assert compose.ignored_by(["# secrets", "api_token.txt"], "./api_token.txt")
    assert compose.ignored_by(["*.txt"], "secrets/token.txt")
    assert not compose.ignored_by(["other.txt"], "./api_token.txt")


def test_a_yaml_error_names_its_line() -> None:
    with pytest.raises(CheckError) as caught:
        compose.load_yaml("services:\n  web:\n    image: x\n   ports: [1]\n", "compose.yaml")
    assert caught.value.line == 4


def test_a_document_without_services_is_refused() -> None:
    with pytest.raises(CheckError, match="no services"):
        compose.load_yaml("version: '3'\n", "compose.yaml")
