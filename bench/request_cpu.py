"""Server CPU per request of the 3-step 자동연결 login, in-process (no network, no WSGI server).

    .venv/bin/python bench/request_cpu.py [--logins 40] [--profile STEP]

It prepares a temporary instance like ``make run`` (SQLite unless DATABASE_URL is set; the
production KDF unless FINCERT_SCRYPT_N etc. are set; rate limits on) and drives the login with
Flask's test client: the RP's nonce, the SDK's warm page, /widget/open, 선택, the PIN (one post),
the RP's verification. For each step it prints the median and p95 of the CPU time of the thread
that served it (``time.thread_time``), next to ``GET /healthz`` as the framework's floor.
``--profile open`` (or select, pin, verify, …) prints where that step's time goes (cProfile), and
``--sql open`` the SQL statements that the step's last request ran.
"""

from __future__ import annotations

import argparse
import cProfile
import html
import json
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.machine import describe  # noqa: E402

RP_ORIGIN = "https://shop.example"
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
PIN = "246813"
STEPS = ["healthz (floor)", "nonce", "warm page", "open", "select", "pin", "verify"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=40)
    parser.add_argument("--profile", choices=STEPS[1:], help="profile this step and print where its time goes")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative or tottime")
    parser.add_argument("--sql", choices=STEPS[1:], help="print the SQL statements of this step's last request")
    parser.add_argument("--only", default="", help="only functions whose file matches this (e.g. /app/)")
    args = parser.parse_args()

    os.environ.setdefault("FINCERT_INSTANCE_PATH", tempfile.mkdtemp(prefix="fincert-cpu-"))
    import flask_migrate

    from app import create_app
    from app.banks import get_bank
    from app.cloud.certificates import find_or_create_subscriber, issue_certificate
    from app.cloud.devices import COOKIE_NAME, register_device
    from app.extensions import db
    from app.personal_info import parse_birth_date
    from app.pki.ca import current_ca
    from app.rp.clients import register_client
    from app.seeding import seed_all

    app = create_app({"SECRET_KEY": "bench-secret", "PUBLIC_URL": "http://127.0.0.1:5000"})
    with app.app_context():
        flask_migrate.upgrade()
        seed_all()
        current_ca()
        _client, api_key, secret = register_client("CPU_RP", "CPU 측정", [RP_ORIGIN])
        subscriber = find_or_create_subscriber("측정", "01099990000", parse_birth_date("19900101"))
        issue_certificate(subscriber, get_bank("004"), PIN)
        _device, device_token = register_device(subscriber, USER_AGENT, "CPU_RP")
        db.session.commit()

    statements: list[str] = []
    if args.sql:
        from sqlalchemy import event

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *call: statements.append(call[2]))

    browser = app.test_client()
    browser.set_cookie(COOKIE_NAME, device_token)
    rp = app.test_client()
    auth = {"Authorization": f"Bearer {secret}"}
    page_headers = {"User-Agent": USER_AGENT}
    htmx = {**page_headers, "HX-Request": "true"}
    cpu: dict[str, list[float]] = defaultdict(list)
    step_statements: list[str] = []
    profiler = cProfile.Profile()

    def timed(step: str, client, method: str, path: str, **options):
        profiling = args.profile == step
        if profiling:
            profiler.enable()
        if step == args.sql:
            statements.clear()
        start = time.thread_time()
        response = client.open(path, method=method, **options)
        cpu[step].append((time.thread_time() - start) * 1000)
        if profiling:
            profiler.disable()
        if step == args.sql:
            step_statements[:] = statements
        if response.status_code >= 400:
            raise SystemExit(f"{step}: HTTP {response.status_code}\n{response.get_data(as_text=True)[:500]}")
        return response.get_data(as_text=True)

    for _ in range(args.logins + 3):  # the first three warm caches (templates, keys) and are dropped below
        timed("healthz (floor)", browser, "GET", "/healthz")
        nonce = json.loads(timed("nonce", rp, "POST", "/api/v1/rp/nonces", headers=auth))["nonce"]
        warm = timed("warm page", browser, "GET", "/widget/warm?org=CPU_RP", headers=page_headers)
        token = re.search(r'name="csrf-token" content="([^"]+)"', warm).group(1)
        request = {"orgCode": "CPU_RP", "apiKey": api_key, "op": "sign", "nonce": nonce,
                   "requests": [{"signType": "01", "contentType": "plainText", "contents": ["로그인"]}]}  # fmt: skip
        form = {"csrf_token": token, "origin": RP_ORIGIN, "request": json.dumps(request)}
        listing = timed("open", browser, "POST", "/widget/open", data=form, headers=htmx)
        url = re.search(r'action="(/widget/t/[^/"]+)/cancel"', listing).group(1)
        chosen = {
            "csrf_token": token,
            "certificate_id": re.search(r'name="certificate_id" value="(\d+)"', listing).group(1),
        }
        keypad = timed("select", browser, "POST", f"{url}/select", data=chosen, headers=htmx)
        keys = {
            digit: key
            for key, digit in re.findall(r'name="key" value="([^"]+)" class="keypad__key"[^>]*>(\d)<', keypad)
        }
        entry = {"csrf_token": token, "entry": ",".join(keys[digit] for digit in PIN)}
        done = timed("pin", browser, "POST", f"{url}/pin", data=entry, headers=htmx)
        result = json.loads(html.unescape(re.search(r'data-fincert-result="([^"]+)"', done).group(1)))
        verify = {"signedVal": result["signedVals"][0], "plainText": "로그인", "signType": "01", "nonce": nonce}
        timed("verify", rp, "POST", "/api/v1/rp/verify", json=verify, headers=auth)

    print(describe())
    print(
        f"database {app.config['SQLALCHEMY_DATABASE_URI'].split(':', 1)[0]}, "
        f"scrypt n={app.config['SCRYPT_N']}, {args.logins} logins; server CPU per request (ms):"
    )
    for step in STEPS:
        values = sorted(cpu[step][3:])
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        print(f"  {step:<16} median {statistics.median(values):6.2f}   p95 {p95:6.2f}")
    if args.sql:
        print(f"\nthe SQL of one '{args.sql}' ({len(step_statements)} statements):")
        for statement in step_statements:
            print("  " + " ".join(statement.split())[:160])
    if args.profile:
        print(f"\nwhere '{args.profile}' spends its time ({args.sort}, top 30):")
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.only, 30)


if __name__ == "__main__":
    main()
