"""Alert rules, the alert state machine and the service that evaluates them periodically."""

from monitor.alerts.config import AlertsConfig
from monitor.alerts.evaluator import Evaluator, FiringAlert, Transition
from monitor.alerts.service import AlertService
from monitor.alerts.wiring import Alerting, AlertingCollector, build_alerting

__all__ = [
    "AlertService",
    "Alerting",
    "AlertingCollector",
    "AlertsConfig",
    "Evaluator",
    "FiringAlert",
    "Transition",
    "build_alerting",
]
