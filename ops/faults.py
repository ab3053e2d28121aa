#!/usr/bin/env python3
"""Fault injection: the app under load in gunicorn with the production settings, against a
private PostgreSQL cluster this script starts on another port (initdb and pg_ctl in a temp
folder), filled with the demo. Three scenarios, each bounded in time:

  db-restart   60 s of load (4 clients: the group list and new mentoring visits, plus a
               /healthz prober); the database is killed (pg_ctl -m immediate, a crash) at
               20 s and started again at 30 s. Pass: errors only while it is down and up to
               2 s after it is back; every visit whose POST was answered with success is in
               the database.
  worker-kill  4 approvers approve every waiting tranche (325 with the demo) while a gunicorn
               worker is killed (SIGKILL) every 0.5 s, for at most 120 s; then the
               tranches left waiting are approved without kills. Pass: no tranche decided
               without its history row and decider, no history of a decision that did not
               happen, no grant over-committed, and the dashboard's summaries equal a
               recomputation from the rows.
  reload       40 s of load with a graceful reload (SIGHUP to the gunicorn master) at 10, 20
               and 30 s. Pass: 0 failed requests and new workers after each reload.

    .venv/bin/python ops/faults.py                 # all three, about 6 minutes
    .venv/bin/python ops/faults.py --only reload   # one of them

Only loopback addresses are used. Two-factor login is turned off for the load clients
(DJANGO_TWO_FACTOR_REQUIRED_ROLES empty); everything else is config.settings.production.
Prints the figures and exits 0 when every scenario passes. Not part of the test suite.
"""

import argparse
import glob
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")
GUNICORN = str(ROOT / ".venv/bin/gunicorn")
PASSWORD = "modalusaha2026"  # the demo's
HARD_LIMIT = 20 * 60  # seconds: the whole run stops by itself after this


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def pg_bin(name):
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    return str(Path(folders[0]) / name) if folders else name


class Cluster:
    """A throw-away PostgreSQL cluster on 127.0.0.1:port (as the postgres user when run as
    root, since PostgreSQL refuses to run as root)."""

    def __init__(self, folder: Path, port: int):
        self.data = folder / "pg"
        self.port = port
        self.url = f"postgres://postgres@127.0.0.1:{port}/modal_usaha"
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *command, timeout=120):
        subprocess.run([*self.as_owner, *command], check=True, timeout=timeout,
                       stdout=subprocess.DEVNULL)  # fmt: skip

    def create(self):
        self.data.mkdir(parents=True)
        if self.as_owner:
            shutil.chown(self.data, "postgres", "postgres")
        self._run(pg_bin("initdb"), "-D", self.data, "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.start()
        psql = [pg_bin("psql"), "-X", "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        subprocess.run([*psql, "-U", "postgres", "-c", "CREATE DATABASE modal_usaha"], check=True)

    def start(self):
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        self._run(pg_bin("pg_ctl"), "-D", self.data, "-l", self.data / "server.log",
                  "-o", options, "-w", "start")  # fmt: skip

    def stop(self, mode="fast"):
        self._run(pg_bin("pg_ctl"), "-D", self.data, "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


class App:
    """gunicorn with config.settings.production on 127.0.0.1:port."""

    def __init__(self, folder: Path, port: int, env: dict):
        self.port, self.env, self.folder = port, env, folder
        self.pidfile = folder / "gunicorn.pid"
        self.process = None
        self.output = open(folder / "app.log", "ab")  # noqa: SIM115 (closed in stop)

    def start(self, workers=3):
        self.process = subprocess.Popen(
            [GUNICORN, "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--timeout", "30", "--graceful-timeout", "30",
             "--pid", str(self.pidfile), "--error-logfile", str(self.folder / "gunicorn.log")],
            cwd=ROOT, env=self.env, stdout=self.output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if (
                    request("GET", self.port, "/healthz")[0] == 200
                    and len(self.workers()) == workers
                ):
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not start; see gunicorn.log")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.output.close()


# HTTP ---------------------------------------------------------------------------------


# A request fails when it gets an error or no answer within gunicorn's worker timeout (30 s).
CLIENT_TIMEOUT = 35


def request(method, port, path, *, body=None, cookies=None, timeout=CLIENT_TIMEOUT):
    """One request on a new connection, as the TLS proxy would forward it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    origin = f"https://127.0.0.1:{port}"
    headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers |= {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": origin + "/",
        }
        body = urllib.parse.urlencode(body)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        return response.status, response.getheaders(), content
    finally:
        connection.close()


class Client:
    """A browser session: its cookies (the __Host- names of production) and CSRF token."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def call(self, method, path, body=None):
        if body is not None:
            body = {"csrfmiddlewaretoken": self.cookies.get("__Host-csrftoken", ""), **body}
        status, headers, content = request(method, self.port, path, body=body,
                                           cookies=self.cookies)  # fmt: skip
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        location = next((v for n, v in headers if n.lower() == "location"), "")
        return status, location, content

    def login(self, username):
        self.call("GET", "/akun/masuk/")
        status, _location, _ = self.call(
            "POST", "/akun/masuk/", {"username": username, "password": PASSWORD}
        )
        if status != 302:
            raise RuntimeError(f"login of {username} answered {status}")


# Scenarios ------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.events, self.lock, self.start = [], threading.Lock(), time.monotonic()

    def now(self):
        return time.monotonic() - self.start

    def add(self, kind, ok, outcome, marker=""):
        with self.lock:
            self.events.append((self.now(), kind, ok, outcome, marker))


def load_loop(client, groups, recorder, stop, prefix):
    """The group list and new mentoring visits, alternately, until `stop` is set."""
    count = 0
    while not stop.is_set():
        count += 1
        if count % 2:
            kind, path, body, marker = "GET list", "/kelompok/", None, ""
        else:
            marker = f"{prefix}-{secrets.token_hex(6)}"
            kind, path = "POST visit", f"/pelatihan/kunjungan/baru/{random.choice(groups)}/"
            body = {"visited_on": time.strftime("%Y-%m-%d"), "kind": "visit",
                    "findings": marker, "advice": "-"}  # fmt: skip
        try:
            status, location, _ = client.call("POST" if body else "GET", path, body)
            ok = status == 200 if body is None else (status == 302 and "/kunjungan/" in location)
            recorder.add(kind, ok, status, marker)
        except (OSError, http.client.HTTPException) as error:
            recorder.add(kind, False, type(error).__name__, marker)
        time.sleep(0.02)


def visits_in_database(env, prefix):
    result = subprocess.run([PYTHON, "ops/fault_checks.py", "visits", prefix], cwd=ROOT,
                            env=env, check=True, capture_output=True, text=True)  # fmt: skip
    return set(json.loads(result.stdout)["markers"])


def officers(port, count):
    clients = []
    for _ in range(count):
        client = Client(port)
        client.login("petugas.paser")
        clients.append(client)
    return clients


def scenario_db_restart(cluster, app, env, data, seconds=60, down_at=20, up_at=30):
    log("db-restart: 4 clients and a /healthz prober for 60 s; the database crashes at 20 s")
    clients = officers(app.port, 4)
    recorder, stop = Recorder(), threading.Event()
    threads = [threading.Thread(target=load_loop, args=(c, data["paser_groups"], recorder, stop,
                                                        "fault-a")) for c in clients]  # fmt: skip

    def probe():
        while not stop.is_set():
            try:
                status = request("GET", app.port, "/healthz", timeout=5)[0]
                recorder.add("GET /healthz", status == 200, status)
            except OSError as error:
                recorder.add("GET /healthz", False, type(error).__name__)
            time.sleep(0.25)

    threads.append(threading.Thread(target=probe))
    for thread in threads:
        thread.start()
    time.sleep(down_at - recorder.now())
    t_down = recorder.now()
    cluster.stop("immediate")
    log(f"  database killed at {t_down:.1f} s")
    time.sleep(max(0, up_at - recorder.now()))
    cluster.start()
    t_up = recorder.now()
    log(f"  database accepting connections again at {t_up:.1f} s")
    time.sleep(max(0, seconds - recorder.now()))
    stop.set()
    for thread in threads:
        thread.join()

    events = recorder.events
    window = (t_down, t_up + 2)
    outside = [e for e in events if not e[2] and not window[0] <= e[0] <= window[1]]
    failed_inside = [e for e in events if not e[2] and window[0] <= e[0] <= window[1]]
    last_error = max((e[0] for e in events if not e[2]), default=None)
    answered = {e[4] for e in events if e[1] == "POST visit" and e[2]}
    stored = visits_in_database(env, "fault-a")
    missing = answered - stored
    healthz = Counter(e[3] for e in events if e[1] == "GET /healthz" and window[0] <= e[0] <= t_up)
    figures = {
        "requests": len(events),
        "succeeded": sum(e[2] for e in events),
        "database down (s)": f"{t_down:.1f} to {t_up:.1f}",
        "failed while down or within 2 s after": len(failed_inside),
        "failed outside that window": len(outside),
        "last failure at (s)": None if last_error is None else round(last_error, 2),
        "failures by answer": dict(Counter(str(e[3]) for e in events if not e[2])),
        "/healthz while down": dict(Counter(str(k) for k in healthz.elements())),
        "visits answered with success": len(answered),
        "of them in the database": len(answered & stored),
        "visits in the database whose answer was lost": len(stored - answered),
    }
    passed = not outside and not missing
    return passed, figures


def approve_loop(client, queue, lock, recorder, stop):
    while not stop.is_set():
        with lock:
            if not queue:
                return
            tranche = queue.pop()
        try:
            status, _location, _ = client.call(
                "POST", f"/hibah/tahap/{tranche}/setujui/", {"note": ""}
            )
            recorder.add("approve", status == 302, status, str(tranche))
        except (OSError, http.client.HTTPException) as error:
            recorder.add("approve", False, type(error).__name__, str(tranche))


def scenario_worker_kill(app, env, data, seconds=120):
    waiting = list(data["waiting"])
    log(f"worker-kill: 4 approvers, {len(waiting)} tranches, a worker SIGKILLed every 0.5 s")
    approvers = []
    for _ in range(4):
        client = Client(app.port)
        client.login("penyetuju")
        approvers.append(client)
    recorder, stop, lock = Recorder(), threading.Event(), threading.Lock()
    queue = list(reversed(waiting))
    threads = [threading.Thread(target=approve_loop, args=(c, queue, lock, recorder, stop))
               for c in approvers]  # fmt: skip
    for thread in threads:
        thread.start()
    kills = 0
    while any(t.is_alive() for t in threads) and recorder.now() < seconds:
        time.sleep(0.5)
        workers = app.workers()
        if workers:
            os.kill(random.choice(workers), signal.SIGKILL)
            kills += 1
    stop.set()
    for thread in threads:
        thread.join()
    under_kills = recorder.now()
    unattempted = len(queue)  # left when the time bound ran out
    lost = [e for e in recorder.events if not e[2]]
    log(f"  {kills} workers killed; {len(lost)} approvals lost with their worker")

    # Whatever is still waiting is approved again, without kills: nothing may be stuck.
    time.sleep(3)
    check = fault_check(env)
    left = check["tranches"]["requested"]
    retry_recorder = Recorder()
    if left:
        result = subprocess.run([PYTHON, "ops/fault_checks.py", "prepare"], cwd=ROOT, env=env,
                                check=True, capture_output=True, text=True)  # fmt: skip
        queue = list(json.loads(result.stdout)["waiting"])
        approve_loop(approvers[0], queue, threading.Lock(), retry_recorder, threading.Event())
    after = fault_check(env)
    figures = {
        "tranches waiting at the start": len(waiting),
        "workers killed": kills,
        "approvals answered": sum(e[2] for e in recorder.events),
        "approvals lost with a killed worker": len(lost),
        "lost answers by error": dict(Counter(str(e[3]) for e in lost)),
        "still waiting after the kills": left,
        "not attempted within the time bound": unattempted,
        "of the lost answers, approvals committed before the kill": len(lost)
        - (left - unattempted),
        "seconds under kills": round(under_kills, 1),
        "approved on the second pass": sum(e[2] for e in retry_recorder.events),
        "tranches by status at the end": after["tranches"],
        "approved tranches with their history row": after["approved_with_history"],
        "summary rows compared with a recomputation": after["summaries_checked"],
        "problems": check["problems"] + after["problems"],
    }
    passed = not check["problems"] and not after["problems"] and after["tranches"]["requested"] == 0
    return passed, figures


def scenario_reload(app, data, seconds=40, reloads=(10, 20, 30)):
    log("reload: 4 clients for 40 s; SIGHUP to the gunicorn master at 10, 20 and 30 s")
    clients = officers(app.port, 4)
    recorder, stop = Recorder(), threading.Event()
    threads = [threading.Thread(target=load_loop, args=(c, data["paser_groups"], recorder, stop,
                                                        "fault-c")) for c in clients]  # fmt: skip
    for thread in threads:
        thread.start()
    generations = [sorted(app.workers())]
    for at in reloads:
        time.sleep(max(0, at - recorder.now()))
        os.kill(app.process.pid, signal.SIGHUP)
        log(f"  SIGHUP at {recorder.now():.1f} s")
    time.sleep(max(0, seconds - recorder.now()))
    generations.append(sorted(app.workers()))
    stop.set()
    for thread in threads:
        thread.join()
    failed = [e for e in recorder.events if not e[2]]
    figures = {
        "requests": len(recorder.events),
        "failed": len(failed),
        "failures": [f"{e[0]:.1f}s {e[1]} {e[3]}" for e in failed[:10]],
        "workers before": generations[0],
        "workers after": generations[-1],
    }
    passed = not failed and not set(generations[0]) & set(generations[-1])
    return passed, figures


def fault_check(env):
    result = subprocess.run([PYTHON, "ops/fault_checks.py", "check"], cwd=ROOT, env=env,
                            check=True, capture_output=True, text=True)  # fmt: skip
    return json.loads(result.stdout)


# Set-up ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-port", type=int, default=55432)
    parser.add_argument("--app-port", type=int, default=58000)
    parser.add_argument("--only", choices=["db-restart", "worker-kill", "reload"])
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs)")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("hard limit")))
    signal.alarm(HARD_LIMIT)

    folder = Path(tempfile.mkdtemp(prefix="modal-usaha-faults-"))
    folder.chmod(0o755)  # the postgres user reaches its data folder inside
    cluster = Cluster(folder, args.db_port)
    started = time.monotonic()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    local = base_env | {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": cluster.url,
        "MEDIA_ROOT": str(folder / "media"),
    }
    production = local | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": "consolemail://",
        "DJANGO_TWO_FACTOR_REQUIRED_ROLES": "",
        "DJANGO_TRUSTED_PROXY_COUNT": "0",
        "LOG_LEVEL": "WARNING",
    }
    app = App(folder, args.app_port, production)
    results, loads = {}, {}
    try:
        log(f"PostgreSQL cluster in {folder} on port {args.db_port}")
        cluster.create()
        log("migrate, load_regions, seed_demo (about 2 minutes)")
        for command in (["migrate", "-v0"], ["load_regions", "--province", "64"], ["seed_demo"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=local, check=True,
                           stdout=subprocess.DEVNULL, timeout=600)  # fmt: skip
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                       env=production, check=True, timeout=300)  # fmt: skip
        prepared = subprocess.run([PYTHON, "ops/fault_checks.py", "prepare"], cwd=ROOT, env=local,
                                  check=True, capture_output=True, text=True)  # fmt: skip
        data = json.loads(prepared.stdout)
        log(f"{data['tranches_made']} more tranches requested; {len(data['waiting'])} waiting")
        app.start()
        log(f"gunicorn (production settings, 3 sync workers) on port {args.app_port}")
        if args.only in (None, "db-restart"):
            results["db-restart"] = scenario_db_restart(cluster, app, local, data)
            loads["db-restart"] = os.getloadavg()
        if args.only in (None, "worker-kill"):
            results["worker-kill"] = scenario_worker_kill(app, local, data)
            loads["worker-kill"] = os.getloadavg()
        if args.only in (None, "reload"):
            results["reload"] = scenario_reload(app, data)
            loads["reload"] = os.getloadavg()
    finally:
        app.stop()
        if cluster.running():
            cluster.stop("fast")
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    for name, (passed, figures) in results.items():
        print(f"== {name}: {'PASS' if passed else 'FAIL'}")
        print(f"   load average at the end (other processes included): {loads[name]}")
        for key, value in figures.items():
            print(f"   {key}: {value}")
    print(f"\nwhole run: {time.monotonic() - started:.0f} s")
    return 0 if results and all(passed for passed, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
