"""The alert state machine: for-duration, hysteresis, clear-for, repeat, cooldown."""

from __future__ import annotations

from monitor.alerts.model import Condition, TransitionKind, classify
from monitor.alerts.state import AlertState, Phase, Timing

S = 1_000_000_000
A, H, C, U = Condition.ACTIVE, Condition.HOLD, Condition.CLEAR, Condition.UNKNOWN


def run(
    state: AlertState, conds: list[Condition], timing: Timing, step_s: int = 1
) -> list[tuple[int, TransitionKind]]:
    out = []
    for i, cond in enumerate(conds):
        kind = state.step(cond, i * step_s * S, timing)
        if kind is not None:
            out.append((i, kind))
            if kind is TransitionKind.RESOLVED:
                state.after_resolve()
    return out


def test_fires_only_after_for_duration_and_resets_on_clear() -> None:
    t = Timing.from_seconds(3, 0, 0, 0)
    st = AlertState("r", "PONY", "PONY")

    events = run(st, [A, A, C, A, A, A, A], t)

    assert events == [(6, TransitionKind.FIRING)]  # restarted pending at i=3, fired at 3+3
    assert st.phase is Phase.FIRING and st.active_since == 3 * S


def test_pending_follows_prometheus_for_hold_and_unknown_reset_it() -> None:
    # Prometheus `for`: pending only while the trigger is crossed; a value back inside
    # the hysteresis band (HOLD) restarts the timer (it kept counting before issue 14).
    t = Timing.from_seconds(2, 0, 0, 0)
    st = AlertState("r", "PONY", "PONY")
    assert run(st, [A, H, A], t) == []
    assert st.phase is Phase.PENDING and st.active_since == 2 * S
    assert run(AlertState("r", "PONY", "PONY"), [A, A, A], t) == [(2, TransitionKind.FIRING)]
    st2 = AlertState("r", "PONY", "PONY")
    assert run(st2, [A, U, A, A], t) == []
    assert st2.phase is Phase.PENDING


def test_resolves_only_after_clear_for_and_flapping_gives_one_firing() -> None:
    t = Timing.from_seconds(0, 5, 0, 0)
    st = AlertState("r", "PONY", "PONY")
    flapping = [A, C, A, C, C, A, C, H, C, A] * 5
    events = run(st, flapping + [C] * 6, t)
    assert events == [(0, TransitionKind.FIRING), (len(flapping) + 5, TransitionKind.RESOLVED)]


def test_repeat_interval_while_firing() -> None:
    t = Timing.from_seconds(0, 0, 10, 0)
    st = AlertState("r", "PONY", "PONY")
    events = run(st, [A] * 25, t)
    assert events == [
        (0, TransitionKind.FIRING),
        (10, TransitionKind.REPEAT),
        (20, TransitionKind.REPEAT),
    ]
    assert st.sequence == 2


def test_cooldown_holds_back_a_new_firing() -> None:
    t = Timing.from_seconds(0, 0, 0, 10)
    st = AlertState("r", "PONY", "PONY")
    events = run(st, [A, C, A, A, A, A, A, A, A, A, A, A, A], t)
    assert events == [
        (0, TransitionKind.FIRING),
        (1, TransitionKind.RESOLVED),
        (11, TransitionKind.FIRING),
    ]


def test_classify_hysteresis_both_directions() -> None:
    assert classify(0.021, 0.02, 0.019, above=True) is A
    assert classify(0.0195, 0.02, 0.019, above=True) is H
    assert classify(0.0185, 0.02, 0.019, above=True) is C
    assert classify(-0.021, -0.02, -0.019, above=False) is A
    assert classify(-0.0195, -0.02, -0.019, above=False) is H
    assert classify(-0.018, -0.02, -0.019, above=False) is C


def test_state_round_trips_through_dict() -> None:
    t = Timing.from_seconds(0, 0, 0, 0)
    st = AlertState("r", "PONY", "PONY")
    st.step(A, 5 * S, t)
    back = AlertState.from_dict(st.to_dict())
    assert (back.phase, back.active_since, back.firing_since, back.sequence) == (
        Phase.FIRING,
        5 * S,
        5 * S,
        0,
    )
