"""Load benchmark: many simulated users doing the HTTP-level 3-step 자동연결 login at once.

    .venv/bin/python bench/load.py [--users 32] [--seconds 20] [--workers 2] [--clients 2]

It prepares a temporary instance (SQLite, or DATABASE_URL), starts the app the way
``make serve`` does (gunicorn, cores + 1 sync workers) on a loopback port, and runs
``--clients`` client processes with ``--users`` threads in all for ``--seconds``. One login is
what the RP's server, the SDK and the widget do over HTTP:

    nonce (RP server, when the page is made) → warm page (the SDK's init) → open (the click)
    → select → PIN (one post of the six keys' tokens) → verify (RP server)

It prints logins per second, p50/p95/p99 per step and the errors; then the same load on a
bare Flask "hello" endpoint under the same gunicorn settings: the framework's floor.
Rate limits are off (every simulated user comes from 127.0.0.1).
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import multiprocessing
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import StealMeter, describe  # noqa: E402

RP_ORIGIN_HOST = "localhost"
STEPS = ["nonce", "warm page", "open", "select", "PIN", "verify"]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- preparing the instance ------------------------------------------------------------------


def prepare(instance: str, users: int, public_url: str, rp_origin: str) -> dict:
    """Migrate, seed, and give each simulated user a certificate and a 자동연결 device."""
    os.environ["FINCERT_INSTANCE_PATH"] = instance
    import flask_migrate

    from app import create_app
    from app.banks import get_bank
    from app.cloud.certificates import find_or_create_subscriber, issue_certificate
    from app.cloud.devices import register_device
    from app.extensions import db
    from app.personal_info import parse_birth_date
    from app.pki.ca import current_ca
    from app.rp.clients import register_client
    from app.seeding import seed_all

    app = create_app({"PUBLIC_URL": public_url, "DEMO_RP_ORIGINS": rp_origin, "SECRET_KEY": "bench-secret"})
    with app.app_context():
        flask_migrate.upgrade()
        seed_all()
        current_ca()
        _client, api_key, secret = register_client("LOAD_RP", "부하 시험", [rp_origin])
        people = []
        for index in range(users):
            subscriber = find_or_create_subscriber(f"부하{index:03d}", f"0109{index:07d}", parse_birth_date("19900101"))
            issue_certificate(subscriber, get_bank("004"), "246813")
            _device, token = register_device(subscriber, "bench", "LOAD_RP")
            db.session.commit()
            people.append(token)
        return {"api_key": api_key, "secret": secret, "device_tokens": people}


def start_server(
    port: int, workers: int, env: dict, app_target: str = "wsgi:app", worker_class: str = "sync", threads: int = 1
) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [
            gunicorn,
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            app_target,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/hello" if "hello" in app_target else "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


# --- the simulated users ---------------------------------------------------------------------


class Browser:
    """A keep-alive HTTP client that keeps cookies itself (they are Secure; this is loopback)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.server_timing: dict[str, float] = {}  # the last answer's Server-Timing (ms)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie_value = pair.partition("=")
                self.cookies[key.strip()] = cookie_value
        self.server_timing = {
            metric.split(";")[0].strip(): float(metric.split("dur=")[1])
            for metric in (response.getheader("Server-Timing") or "").split(",")
            if "dur=" in metric
        }
        return response.status, data.decode("utf-8", "replace")


CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
CERTIFICATE = re.compile(r'name="certificate_id" value="(\d+)"')
KEY = re.compile(r'name="key" value="([^"]+)" class="keypad__key"[^>]*>(\d)</button>')
CANCEL = re.compile(r'action="(/widget/t/[^/"]+)/cancel"')
HANDOFF = re.compile(r'data-fincert-result="([^"]+)"')


def one_login(rp: Browser, browser: Browser, secrets: dict, port: int, timings: dict, pin: str = "246813") -> None:
    def timed(step: str, call):
        start = time.perf_counter()
        status, text = call()
        timings[step].append(time.perf_counter() - start)
        served = (rp if step in ("nonce", "verify") else browser).server_timing
        for metric, value in served.items():
            timings[f"{step} {metric}"].append(value / 1000)
        if status >= 400:
            raise RuntimeError(f"{step}: HTTP {status}")
        return text

    auth = {"Authorization": f"Bearer {secrets['secret']}"}
    nonce = json.loads(timed("nonce", lambda: rp.request("POST", "/api/v1/rp/nonces", headers=auth)))["nonce"]
    page = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) bench"}
    warm = timed("warm page", lambda: browser.request("GET", "/widget/warm?org=LOAD_RP", headers=page))
    token = CSRF.search(warm).group(1)
    request = {"orgCode": "LOAD_RP", "apiKey": secrets["api_key"], "op": "sign", "nonce": nonce,
               "requests": [{"signType": "01", "contentType": "plainText", "contents": ["로그인"]}]}  # fmt: skip
    form = {**page, "X-CSRFToken": token, "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"}
    origin = f"http://{RP_ORIGIN_HOST}:{port}"
    opened = urllib.parse.urlencode({"csrf_token": token, "origin": origin, "request": json.dumps(request)})
    listing = timed("open", lambda: browser.request("POST", "/widget/open", opened.encode(), form))
    path = CANCEL.search(listing).group(1)
    chosen = urllib.parse.urlencode({"csrf_token": token, "certificate_id": CERTIFICATE.search(listing).group(1)})
    keypad = timed("select", lambda: browser.request("POST", f"{path}/select", chosen.encode(), form))
    keys = {digit: key for key, digit in KEY.findall(keypad)}
    entry = urllib.parse.urlencode({"csrf_token": token, "entry": ",".join(keys[digit] for digit in pin)})
    answer = timed("PIN", lambda: browser.request("POST", f"{path}/pin", entry.encode(), form))
    result = json.loads(html.unescape(HANDOFF.search(answer).group(1)))
    verify = json.dumps(
        {"signedVal": result["signedVals"][0], "plainText": "로그인", "signType": "01", "nonce": nonce}
    ).encode()
    timed(
        "verify", lambda: rp.request("POST", "/api/v1/rp/verify", verify, {**auth, "Content-Type": "application/json"})
    )


def client_process(port: int, secrets: dict, tokens: list[str], seconds: float, queue, hello: bool) -> None:
    timings: dict[str, list[float]] = defaultdict(list)
    counts = {"done": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def user(token: str) -> None:
        rp = Browser(port)
        browser = Browser(port)
        browser.cookies["fincert_device"] = token
        local: dict[str, list[float]] = defaultdict(list)
        done = errors = 0
        while time.perf_counter() < deadline:
            try:
                if hello:
                    start = time.perf_counter()
                    status, _ = browser.request("GET", "/hello")
                    local["hello"].append(time.perf_counter() - start)
                    if status != 200:
                        raise RuntimeError(status)
                else:
                    one_login(rp, browser, secrets, port, local)
                done += 1
            except Exception:  # noqa: BLE001 - counted and reported
                errors += 1
        with lock:
            for step, values in local.items():
                timings[step].extend(values)
            counts["done"] += done
            counts["errors"] += errors

    threads = [threading.Thread(target=user, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    counts["cpu"] = usage.ru_utime + usage.ru_stime  # this client process's own CPU seconds
    queue.put((dict(timings), counts))


def server_cpu(master_pid: int) -> float:
    """CPU seconds used so far by a gunicorn master and its workers (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if master_pid in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def run_load(port: int, secrets: dict, tokens: list[str], clients: int, seconds: float, hello: bool = False):
    queue = multiprocessing.Queue()
    shares = [tokens[i::clients] for i in range(clients)]
    processes = [
        multiprocessing.Process(target=client_process, args=(port, secrets, share, seconds, queue, hello))
        for share in shares
    ]
    start = time.perf_counter()
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - start
    timings: dict[str, list[float]] = defaultdict(list)
    done = errors = 0
    client_cpu = 0.0
    for part, counts in results:
        for step, values in part.items():
            timings[step].extend(values)
        done += counts["done"]
        errors += counts["errors"]
        client_cpu += counts["cpu"]
    timings["client cpu"] = [client_cpu]
    return timings, done, errors, elapsed


def percentiles(values: list[float]) -> str:
    if not values:
        return "no samples"
    ordered = sorted(values)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000

    return (
        f"p50 {statistics.median(ordered) * 1000:6.1f}  p95 {at(0.95):6.1f}  p99 {at(0.99):6.1f} ms  (n={len(ordered)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1, help="as make serve: cores + 1")
    parser.add_argument("--worker-class", default="sync", help="as make serve: sync (gthread: see --threads)")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    args = parser.parse_args()

    port = free_port()
    instance = tempfile.mkdtemp(prefix="fincert-load-")
    public_url, rp_origin = f"http://127.0.0.1:{port}", f"http://{RP_ORIGIN_HOST}:{port}"
    secrets = prepare(instance, args.users, public_url, rp_origin)
    env = {
        **os.environ,
        "FINCERT_INSTANCE_PATH": instance,
        "SECRET_KEY": "bench-secret",
        "FINCERT_PUBLIC_URL": public_url,
        "FINCERT_DEMO_RP_ORIGINS": rp_origin,
        "FINCERT_RATE_LIMITS": "0",
        "FINCERT_SERVER_TIMING": "1",
    }
    from app.config import settings_from_env

    kdf = settings_from_env(env)
    server = start_server(port, args.workers, env, worker_class=args.worker_class, threads=args.threads)
    steal = StealMeter()
    try:
        with steal:
            server_before = server_cpu(server.pid)
            timings, done, errors, elapsed = run_load(
                port, secrets, secrets["device_tokens"], args.clients, args.seconds
            )
            server_used = server_cpu(server.pid) - server_before
    finally:
        server.terminate()
        server.wait()

    print(describe(steal))
    print(
        f"server: gunicorn, {args.workers} {args.worker_class} workers × {args.threads} threads; "
        f"{args.clients} client processes, {args.users} users; "
        f"scrypt n={kdf['SCRYPT_N']}; database {os.environ.get('DATABASE_URL', 'SQLite')}"
    )
    print(f"3-step 자동연결 logins: {done} in {elapsed:.1f} s = {done / elapsed:.1f} logins/s, errors {errors}")
    for step in STEPS:
        print(f"  {step:<12} {percentiles(timings.get(step, []))}")
    print(
        "  inside the app (Server-Timing), median ms: wall / CPU / SQL and commits / of which waiting; "
        "the wall's p99 (what a slow answer spent inside the app, not in the queue)"
    )
    for step in STEPS:
        parts = [statistics.median(timings[f"{step} {m}"]) * 1000 if timings.get(f"{step} {m}") else 0.0
                 for m in ("app", "cpu", "db", "lock")]  # fmt: skip
        walls = sorted(timings.get(f"{step} app", [0.0]))
        wall_p99 = walls[min(len(walls) - 1, int(0.99 * len(walls)))] * 1000
        print(
            f"  {step:<12} {parts[0]:6.1f} / {parts[1]:5.1f} / {parts[2]:5.1f} / {parts[3]:5.1f};  p99 {wall_p99:6.1f}"
        )
    if done:
        client_used = timings["client cpu"][0]
        print(
            f"  CPU per login: server {server_used / done * 1000:.1f} ms, "
            f"load clients {client_used / done * 1000:.1f} ms (of {os.cpu_count()} cores × {elapsed:.1f} s = "
            f"{os.cpu_count() * elapsed / done * 1000:.1f} ms per login)"
        )

    hello_port = free_port()
    hello = start_server(
        hello_port, args.workers, env, "bench.hello_app:app", worker_class=args.worker_class, threads=args.threads
    )
    hello_steal = StealMeter()
    try:
        with hello_steal:
            timings, done, errors, elapsed = run_load(
                hello_port, secrets, secrets["device_tokens"], args.clients, args.seconds / 2, hello=True
            )
    finally:
        hello.terminate()
        hello.wait()
    requests_per_login = len(STEPS)
    print(
        f"floor, bare Flask 'hello' on the same server settings ({describe(hello_steal).split('; ')[-1]}): "
        f"{done / elapsed:.0f} requests/s, errors {errors}; {percentiles(timings.get('hello', []))}"
    )
    print(
        f"  at {requests_per_login} requests per login that floor is {done / elapsed / requests_per_login:.0f} logins/s"
    )


if __name__ == "__main__":
    main()
