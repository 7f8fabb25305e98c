"""Routes with label matchers, ``continue`` and a default, on the routing example of
Alertmanager's documentation (configuration.md, <route> "Example"); the start-up warning."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from monitor.app.alerting import unrouted_rules
from monitor.app.build import load
from monitor.notify.models import Notice, Status
from monitor.notify.service import NotifyService
from monitor.settings.notify import NotifyConfig

RECEIVERS = ("default-receiver", "database-pager", "frontend-pager", "dev-pager", "on-call-pager")


def service(tmp_path: Path) -> NotifyService:
    config = NotifyConfig.model_validate(
        {
            "spool_dir": str(tmp_path),
            "sinks": {
                name: {"type": "webhook", "url": f"https://hooks.example/{name}"}
                for name in RECEIVERS
            },
            # Alertmanager's default is continue: false; dlmon's is true (every match).
            "routes": [
                {
                    "sinks": ["database-pager"],
                    "matchers": ['service=~"mysql|cassandra"'],
                    "continue": False,
                },
                {"sinks": ["frontend-pager"], "matchers": ['team="frontend"'], "continue": False},
                {"sinks": ["dev-pager"], "matchers": ['service="inhouse-service"']},
                {
                    "sinks": ["on-call-pager"],
                    "matchers": ['service="inhouse-service"'],
                    "continue": False,
                },
            ],
            "default_sinks": ["default-receiver"],
        }
    )
    return NotifyService(config)


def notice(**labels: str) -> Notice:
    return Notice(
        key="k",
        fingerprint="f",
        status=Status.FIRING,
        rule="LatencyHigh",
        pair="PONY",
        severity="warning",
        title="t",
        labels=labels,
    )


@pytest.mark.parametrize(
    ("labels", "sinks"),
    [
        ({"service": "mysql"}, ["database-pager"]),
        ({"service": "cassandra", "team": "frontend"}, ["database-pager"]),  # first match stops
        ({"team": "frontend"}, ["frontend-pager"]),
        ({"service": "inhouse-service"}, ["dev-pager", "on-call-pager"]),  # continue: true
        ({"service": "mysql-replica"}, ["default-receiver"]),  # regexes are anchored
        ({}, ["default-receiver"]),  # no route matched: the default route
    ],
)
def test_alertmanager_routing_example(
    tmp_path: Path, labels: dict[str, str], sinks: list[str]
) -> None:
    assert service(tmp_path).route(notice(**labels)) == sinks


def test_route_matchers_see_alertname_pair_severity_and_refuse_bad_regexes() -> None:
    base = {"sinks": {"s": {"type": "webhook", "url": "https://h.example/x"}}}
    cfg = NotifyConfig.model_validate(
        {
            **base,
            "routes": [{"sinks": ["s"], "matchers": ['alertname=~"premium_.*"', "pair!=BABA"]}],
        }
    )
    svc = NotifyService(cfg)
    assert svc.route(notice()) == []
    premium = Notice("k", "f", Status.FIRING, "premium_high", "PONY", "warning", "t")
    assert svc.route(premium) == ["s"]
    with pytest.raises(ValidationError, match="regular expression"):
        NotifyConfig.model_validate({**base, "routes": [{"sinks": ["s"], "matchers": ["a=~(("]}]})
    with pytest.raises(ValidationError, match="default_sinks: unknown sink"):
        NotifyConfig.model_validate({**base, "default_sinks": ["nope"]})


def test_a_rule_no_route_matches_is_reported_at_start_up(tmp_path: Path) -> None:
    config = {
        "pairs": {"PONY": {}},
        "feeds": {"sim": {"type": "simulator", "instruments": ["PONY", "2026.HK", "USDHKD"]}},
        "alerts": {
            "rules": {
                "premium_high": {"kind": "premium", "threshold": "2%", "severity": "critical"},
                "leg_stale": {"kind": "stale_leg", "severity": "warning"},
                "feed_down": {"kind": "feed_down", "severity": "critical"},
            }
        },
        "notify": {
            "sinks": {"pager": {"type": "webhook", "url": "https://h.example/p"}},
            "routes": [{"sinks": ["pager"], "matchers": ['severity="critical"']}],
        },
    }
    path = tmp_path / "dlmon.yaml"
    path.write_text(yaml.safe_dump(config))
    assert unrouted_rules(load(path)) == ["leg_stale"]
    config["notify"]["default_sinks"] = ["pager"]  # type: ignore[index]
    path.write_text(yaml.safe_dump(config))
    assert unrouted_rules(load(path)) == []
