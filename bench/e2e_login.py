"""Browser benchmark: the 3-step 자동연결 login, from the click on '금융인증서 로그인' to the RP's
verified '로그인 성공', in headless Chromium: sequential round trips and the median time, on
loopback and on an emulated mobile network.

    .venv/bin/python bench/e2e_login.py [--runs 15] [--favourite]

The app runs in a thread on a temporary SQLite database with the production KDF parameters; the
RP page is on http://localhost, the widget on http://127.0.0.1 (cross-site, as in e2e, so the
widget is an out-of-process frame with its own network stack settings). Each run starts on a
freshly loaded RP page whose SDK has loaded its warm page (what happens while a person reads),
then clicks the button, 선택 and the six PIN keys (dispatched in the frame, no human delay).

Round trips: the requests that reached the server between the click and '로그인 성공' (static
files included; cache hits are not round trips), and the longest chain of them where each starts
after the previous one's answer ended, by the browser's own timing of each request: that chain is
what a slow network multiplies.

The mobile network is Chromium's network emulation (CDP ``Network.emulateNetworkConditions``:
150 ms latency, 1.6 Mbit/s down, 750 kbit/s up) applied to the RP page *and* to the widget's
frame; a timed fetch inside the frame shows that its requests are really delayed.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import CDPSession, Frame, Page, Request, expect, sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app.config import settings_from_env  # noqa: E402
from bench.machine import StealMeter, describe  # noqa: E402
from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port  # noqa: E402
from e2e.flows import allow_cloud_access, choose_certificate, enter_identity, enter_sms_code, type_pin  # noqa: E402
from tests.support import make_test_app, reset_database, subscriber_with_certificate  # noqa: E402

PIN = "246813"
WIDGET = 'iframe[title="금융인증서비스"]'
MOBILE = {"latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
# Click the keys whose faces are the PIN's digits (the layout is shuffled per entry).
TYPE_PIN = """(keypad, pin) => pin.split('').forEach(digit =>
    [...keypad.querySelectorAll('button.keypad__key')].find(key => key.textContent.trim() === digit).click())"""


@dataclass
class Traffic:
    """Requests seen between the click and the verified result, with when each started and ended."""

    started: dict[Request, float] = field(default_factory=dict)
    spans: list[tuple[float, float, str]] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)  # answered by the browser's cache, not the server
    recording: bool = False

    def watch(self, page: Page) -> None:
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    def _start(self, request: Request) -> None:
        if self.recording:
            self.started[request] = time.perf_counter()

    def _end(self, request: Request) -> None:
        if request not in self.started:
            return
        self.started.pop(request)
        what, timing = f"{request.method} {request.url}", request.timing
        if timing["requestStart"] < 0:  # no network timing: a cache hit
            self.cached.append(what)
        else:
            # The browser's own clock (ms): when the request was made and when its answer ended.
            self.spans.append((timing["startTime"], timing["startTime"] + timing["responseEnd"], what))

    def reset(self) -> None:
        self.started.clear()
        self.spans.clear()
        self.cached.clear()

    def sequential(self) -> int:
        """The longest chain of requests where each starts after the previous ended."""
        chain, last_end = 0, float("-inf")
        for start, end, _what in sorted(self.spans, key=lambda span: span[1]):
            if start >= last_end:
                chain += 1
                last_end = end
        return chain


def emulate(session: CDPSession, conditions: dict | None) -> None:
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1, **(conditions or {})},
    )


def widget_frame(page: Page) -> Frame:
    frame = page.locator(WIDGET).element_handle().content_frame()
    assert frame is not None
    return frame


def frame_round_trip_ms(frame: Frame) -> float:
    """A timed fetch inside the widget's frame: shows whether the frame's requests are delayed."""
    return frame.evaluate(
        "async () => { const t = performance.now(); await fetch('/healthz', {cache: 'no-store'}); "
        "return performance.now() - t; }"
    )


def measure(page: Page, rp_url: str, runs: int, conditions: dict | None, favourite: bool) -> dict:
    context = page.context
    page_session = context.new_cdp_session(page)
    emulate(page_session, conditions)
    traffic = Traffic()
    traffic.watch(page)
    timings, chains, counts, frame_checks = [], [], [], []
    frame_sessions: dict[str, CDPSession] = {}
    for run in range(runs + 1):  # the first run warms caches and is not counted
        page.goto(f"{rp_url}/rp/demo/")
        page.frame_locator(WIDGET).locator("[data-fincert-warm]").wait_for(state="attached")
        frame = widget_frame(page)
        # The widget's frame runs in its own process: it needs the emulation of its own.
        key = frame.url + str(id(frame))
        if key not in frame_sessions:
            frame_sessions[key] = context.new_cdp_session(frame)
            emulate(frame_sessions[key], conditions)
        frame_checks.append(frame_round_trip_ms(frame))
        button = page.get_by_role("button", name="금융인증서 로그인")
        traffic.reset()
        traffic.recording = True
        start = time.perf_counter()
        button.click()  # 1. 금융인증 로그인 선택
        widget = page.frame_locator(WIDGET)
        if not favourite:  # 2. 인증서 선택 (click() waits for the step to appear)
            widget.get_by_role("listitem").filter(has_text="KB국민은행").get_by_role("button", name="선택").click()
        widget.locator(".keypad").evaluate(TYPE_PIN, PIN)  # 3. 비밀번호 입력
        page.wait_for_selector("h1:has-text('로그인 성공')", timeout=30_000)
        elapsed = time.perf_counter() - start
        traffic.recording = False
        if run:
            timings.append(elapsed)
            chains.append(traffic.sequential())
            counts.append(len(traffic.spans) + len(traffic.started))
    last = sorted(traffic.spans, key=lambda span: span[0])
    origin = last[0][0] if last else 0.0
    return {
        "timeline": [(start - origin, end - origin, what.split("?")[0]) for start, end, what in last],
        "median": statistics.median(timings),
        "min": min(timings),
        "max": max(timings),
        "chain": statistics.median(chains),
        "requests": statistics.median(counts),
        "frame_rtt": statistics.median(frame_checks),
        "last_requests": [what.split("?")[0] for _s, _e, what in last],
        "cached": len(traffic.cached),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--timeline", action="store_true", help="print when each request of the last run ran")
    parser.add_argument("--favourite", action="store_true", help="the login with a favourite (straight to the PIN)")
    args = parser.parse_args()

    port = _free_port()
    url, rp_url = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
    production_kdf = {key: settings_from_env({})[key] for key in ("SCRYPT_N", "SCRYPT_R", "SCRYPT_P")}
    app = make_test_app(
        Path(tempfile.mkdtemp(prefix="fincert-bench-")),
        PUBLIC_URL=url,
        DEMO_RP_ORIGINS=rp_url,
        DEMO_RP_URL=f"{rp_url}/rp/demo/",
        **production_kdf,
    )
    app.logger.disabled = True
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with app.app_context():
        reset_database()
        _subscriber, certificate = subscriber_with_certificate(
            name="홍길동", phone="01012345678", birth="19900101", bank_code="004", pin=PIN
        )
        if args.favourite:
            from app.extensions import db

            certificate.favourite = True
            db.session.commit()

    results = {}
    steal = StealMeter()
    with sync_playwright() as driver, steal:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR").new_page()
        # Once in five steps with 자동연결, so that every timed login is the 3-step one.
        page.goto(f"{rp_url}/rp/demo/")
        page.get_by_role("button", name="금융인증서 로그인").click()
        frame = page.frame_locator(WIDGET)
        enter_identity(frame, "홍길동", "01012345678", "19900101")
        enter_sms_code(frame, page, url, "01012345678")
        allow_cloud_access(frame, auto_connect=True)
        if not args.favourite:
            choose_certificate(frame, "KB국민은행")
        type_pin(frame, PIN)
        expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()
        results["loopback"] = measure(page, rp_url, args.runs, None, args.favourite)
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
        context.add_cookies(page.context.cookies())  # the same browser (자동연결), a slow network
        results["mobile"] = measure(context.new_page(), rp_url, max(5, args.runs // 3), MOBILE, args.favourite)
        browser.close()
    server.shutdown()

    kind = "favourite (PIN only)" if args.favourite else "3-step 자동연결"
    print(describe(steal) + ", Chromium headless")
    print(f"KDF: scrypt n={production_kdf['SCRYPT_N']} r={production_kdf['SCRYPT_R']} p={production_kdf['SCRYPT_P']}")
    print(f"{kind} login, click → verified '로그인 성공':")
    for name, label in (("loopback", "loopback"), ("mobile", "mobile network, 150 ms RTT, 1.6 Mbit/s / 750 kbit/s")):
        result = results[name]
        print(
            f"  {label}: median {result['median'] * 1000:.0f} ms (min {result['min'] * 1000:.0f}, "
            f"max {result['max'] * 1000:.0f}); sequential round trips {result['chain']:.0f} "
            f"of {result['requests']:.0f} requests ({result['cached']} more from the cache); "
            f"a fetch inside the widget frame took {result['frame_rtt']:.0f} ms"
        )
    print(
        "  requests of the last run: "
        + ", ".join(path.split(str(port), 1)[1] for path in results["loopback"]["last_requests"])
    )
    if args.timeline:
        for name in ("loopback", "mobile"):
            print(f"  {name}, the last run's requests (ms from the first one's start):")
            for start, end, what in results[name]["timeline"]:
                print(f"    {start:7.1f} → {end:7.1f}  {what.split(str(port), 1)[1]}")
    print(f"  seed's claim '3초'만에 인증 완료: {3 / results['mobile']['median']:.1f}× faster on the mobile network")


if __name__ == "__main__":
    main()
