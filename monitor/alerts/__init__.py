"""Alert rules, the alert state machine and the service that evaluates them periodically.

``rules`` (pure: snapshot -> observations; their models are in :mod:`monitor.settings.alerts`),
``state`` and ``evaluator`` (pure state machines), ``service`` (the periodic task),
``metrics`` (its collector). The daemon wires it to :mod:`monitor.notify` in
:mod:`monitor.app.alerting`.
"""
