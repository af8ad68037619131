"""Run a command against a throw-away PostgreSQL server (Debian's ``postgresql`` package).

    python -m tests.pg_server -- python -m pytest tests

initdb into a temporary directory, start ``postgres`` on a free loopback port, create a
database, run the command with ``TEST_DATABASE_URL`` set, stop the server and delete the
directory, whatever the command's outcome. As root, the server runs as the ``postgres``
user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def _bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        sys.exit(f"PostgreSQL's {name} not found: apt-get install postgresql")
    return candidates[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    if not command:
        sys.exit("usage: python -m tests.pg_server -- COMMAND …")
    data = tempfile.mkdtemp(prefix="fincert-pg-")
    if os.geteuid() == 0:
        server_user = pwd.getpwnam("postgres")
        os.chown(data, server_user.pw_uid, server_user.pw_gid)
    port = _free_port()
    log = os.path.join(data, "server.log")
    server = None
    log_file = open(log, "w")  # noqa: SIM115 - the server writes to it until the finally below
    try:
        subprocess.run(
            _as_server_user(
                [
                    _bin("initdb"),
                    "-D",
                    os.path.join(data, "db"),
                    "-U",
                    "fincert",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        server = subprocess.Popen(
            _as_server_user(
                [
                    _bin("postgres"),
                    "-D",
                    os.path.join(data, "db"),
                    "-p",
                    str(port),
                    "-h",
                    "127.0.0.1",
                    "-k",
                    data,
                    "-c",
                    "fsync=off",
                    "-c",
                    "max_connections=200",
                ]
            ),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            ready = subprocess.run([_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True)
            if ready.returncode == 0:
                break
            time.sleep(0.1)
        else:
            sys.exit(f"PostgreSQL did not start; see {log}")
        subprocess.run(
            [_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "fincert", "fincert_test"], check=True
        )
        url = f"postgresql://fincert@127.0.0.1:{port}/fincert_test"
        print(f"PostgreSQL test server at {url}", flush=True)
        return subprocess.run(command, env={**os.environ, "TEST_DATABASE_URL": url}).returncode
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        log_file.close()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
