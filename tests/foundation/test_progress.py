"""Progress: ETA only from the rate measured in the current phase, and only with enough data.

Oracle: a fake clock, so the measured rate is known exactly (items / fake seconds) and the ETA
must equal remaining / rate, computed here by hand.
"""

import io
import re

import pytest

from expressivity.progress import MIN_FRACTION, MIN_SECONDS, Progress


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def _lines(buf: io.StringIO) -> list[str]:
    return [ln for ln in buf.getvalue().splitlines() if ln]


def _etas(text: str) -> list[str]:
    return re.findall(r"eta (\d+ (?:s|min)|[\d.]+ h)", text)


def test_no_eta_before_enough_items_or_time():
    clock, buf = FakeClock(), io.StringIO()
    p = Progress(1000, "work", every=0, stream=buf, clock=clock)
    # plenty of time, too few items (< 5 %): 10 s for 10 of 1000 items
    for _ in range(10):
        clock.t += 1.0
        p.update(1)
    assert p.done < MIN_FRACTION * 1000
    assert p.eta() is None and "eta" not in buf.getvalue()
    # plenty of items (50 %), too little time (< 3 s): a fresh phase
    p.phase("fast", 100)
    clock.t += 1.0
    p.update(50)
    assert 1.0 < MIN_SECONDS and p.eta() is None
    assert "eta" not in _lines(buf)[-1]
    p.close()


def test_eta_is_remaining_over_measured_rate():
    clock, buf = FakeClock(), io.StringIO()
    p = Progress(200, "work", every=0, stream=buf, clock=clock)
    clock.t += 8.0
    p.update(20)  # 20 items in 8 s: rate 2.5 items/s; 180 left -> 72 s
    assert p.eta() == pytest.approx(180 / 2.5)
    assert _lines(buf)[-1] == "work: 20/200 (10%), 8.0 s, eta 72 s"
    clock.t += 2.0
    p.update(5)  # 25 items in 10 s: 2.5 items/s; 175 left -> 70 s
    assert p.eta() == pytest.approx(70.0)
    assert _etas(_lines(buf)[-1]) == ["70 s"]


def test_new_phase_measures_its_own_rate():
    clock, buf = FakeClock(), io.StringIO()
    p = Progress(100, "fast phase", every=0, stream=buf, clock=clock)
    clock.t += 4.0
    p.update(80)  # 20 items/s
    p.phase("slow phase", 100)
    assert p.done == 0 and p.eta() is None  # nothing measured yet in this phase
    clock.t += 50.0
    p.update(10)  # 0.2 items/s: 90 left -> 450 s, not 4.5 s from the first phase's rate
    assert p.eta() == pytest.approx(450.0)
    assert _lines(buf)[-1].startswith("slow phase: 10/100 (10%), 50.0 s, eta 8 min")
    assert any(ln.startswith("fast phase: 80/100") for ln in _lines(buf))


def test_unknown_total_has_no_percentage_and_no_eta():
    clock, buf = FakeClock(), io.StringIO()
    with Progress(None, "search", every=0, stream=buf, clock=clock) as p:
        for _ in range(5):
            clock.t += 10.0
            p.update(100, extra="queue 3")
    text = buf.getvalue()
    assert "%" not in text and "eta" not in text
    assert _lines(buf)[-1] == "search: 500 done, 50.0 s, 10/s [queue 3]"


def test_set_total_enables_eta_later():
    clock, buf = FakeClock(), io.StringIO()
    p = Progress(None, "x", every=0, stream=buf, clock=clock)
    clock.t += 10.0
    p.update(10)
    assert p.eta() is None
    p.set_total(100)
    assert p.eta() == pytest.approx(90 / 1.0)


def test_line_mode_is_periodic_and_prints_final_state_once():
    clock, buf = FakeClock(), io.StringIO()
    with Progress(1000, "job", every=2.0, stream=buf, clock=clock) as p:
        for _ in range(1000):
            clock.t += 0.01  # 10 s in all -> about 5 periodic lines
            p.update(1)
    lines = _lines(buf)
    assert 4 <= len(lines) <= 6
    assert lines[-1].startswith("job: 1000/1000 (100%)") and "eta" not in lines[-1]


def test_quick_run_prints_only_final_line_and_disabled_prints_nothing():
    buf = io.StringIO()
    with Progress(5, "quick", stream=buf) as p:
        p.update(5)
    assert len(_lines(buf)) == 1
    silent = io.StringIO()
    with Progress(5, "quiet", stream=silent, enabled=False) as p:
        p.update(5)
    assert silent.getvalue() == ""


def test_terminal_gets_a_live_bar_with_eta_only_after_enough_data():
    clock, tty = FakeClock(), FakeTTY()
    with Progress(100, "bar", stream=tty, clock=clock) as p:
        assert p._bar is not None  # tqdm on a terminal
        clock.t += 1.0
        p.update(2)  # 2 %, 1 s: no ETA yet
        assert "eta" not in tty.getvalue()
        clock.t += 9.0
        p.update(18)  # 20 items in 10 s: 80 left -> 40 s
        assert "eta 40 s" in tty.getvalue()
    out = tty.getvalue()
    assert "\r" in out and "bar:" in out and "20/100" in out


def test_not_a_terminal_gets_no_bar():
    p = Progress(10, "lines", stream=io.StringIO())
    assert p._bar is None
    p.close()
