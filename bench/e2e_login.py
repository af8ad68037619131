"""Browser benchmark: the 3-step 자동연결 login, from the click on '금융인증서 로그인' to the RP's
verified '로그인 성공', in headless Chromium. Prints the median next to the seed's "3초" claim.

    .venv/bin/python bench/e2e_login.py [--runs 15]

The app runs in a thread on a temporary SQLite database with the production KDF parameters;
the RP page is on http://localhost, the widget on http://127.0.0.1 (cross-site, as in e2e).
The PIN is typed programmatically (six clicks on the shuffled keypad).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app.config import settings_from_env  # noqa: E402
from bench.machine import StealMeter, describe  # noqa: E402
from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port  # noqa: E402
from e2e.flows import allow_cloud_access, choose_certificate, enter_identity, enter_sms_code, type_pin  # noqa: E402
from tests.support import make_test_app, reset_database, subscriber_with_certificate  # noqa: E402

PIN = "246813"
# Click the keys whose faces are the PIN's digits (the layout is shuffled per entry).
TYPE_PIN = """(keypad, pin) => pin.split('').forEach(digit =>
    [...keypad.querySelectorAll('button.keypad__key')].find(key => key.textContent.trim() === digit).click())"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
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
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with app.app_context():
        reset_database()
        subscriber_with_certificate(name="홍길동", phone="01012345678", birth="19900101", bank_code="004", pin=PIN)

    timings = []
    steal = StealMeter()
    with sync_playwright() as driver, steal:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR").new_page()
        # Once in five steps with 자동연결, so that every timed login is the 3-step one.
        page.goto(f"{rp_url}/rp/demo/")
        page.get_by_role("button", name="금융인증서 로그인").click()
        frame = page.frame_locator('iframe[title="금융인증서비스"]')
        enter_identity(frame, "홍길동", "01012345678", "19900101")
        enter_sms_code(frame, page, url, "01012345678")
        allow_cloud_access(frame, auto_connect=True)
        choose_certificate(frame, "KB국민은행")
        type_pin(frame, PIN)
        expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()

        for _ in range(args.runs + 1):  # the first run warms caches and is not counted
            page.goto(f"{rp_url}/rp/demo/")
            button = page.get_by_role("button", name="금융인증서 로그인")
            button.wait_for()
            start = time.perf_counter()
            button.click()  # 1. 금융인증 로그인 선택
            frame = page.frame_locator('iframe[title="금융인증서비스"]')
            # 2. 인증서 선택 (click() waits for the step to appear; no extra polling)
            frame.get_by_role("listitem").filter(has_text="KB국민은행").get_by_role("button", name="선택").click()
            # 3. 비밀번호 입력: six clicks on the shuffled keypad, dispatched in the page
            frame.locator(".keypad").evaluate(TYPE_PIN, PIN)
            page.wait_for_selector("h1:has-text('로그인 성공')", timeout=15_000)
            timings.append(time.perf_counter() - start)
        browser.close()
    server.shutdown()

    counted = timings[1:]
    print(describe(steal) + ", Chromium headless")
    print(f"KDF: scrypt n={production_kdf['SCRYPT_N']} r={production_kdf['SCRYPT_R']} p={production_kdf['SCRYPT_P']}")
    print(f"3-step 자동연결 login, click → verified '로그인 성공', {len(counted)} runs:")
    print(
        f"  median {statistics.median(counted) * 1000:.0f} ms, min {min(counted) * 1000:.0f} ms, "
        f"max {max(counted) * 1000:.0f} ms"
    )
    print(
        f"  seed's claim: '3초'만에 인증 완료 → {3 / statistics.median(counted):.1f}× faster than 3 s "
        "(the human's reading and typing not included)"
    )


if __name__ == "__main__":
    main()
