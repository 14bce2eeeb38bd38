"""What every benchmark does around its measures: the environment of its Django processes, a
fresh PostgreSQL database (and Redis DB) and its removal, the lock that keeps two benchmarks
apart, subprocess steps, gunicorn, and the machine's CPU (to wait for quiet and to say what
other processes took). Each ``bench/*.py`` keeps what it measures and reports.
"""

import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
REDIS = ["redis-cli", "-h", "127.0.0.1", "-p", "6379"]
LOCK = Path("/tmp/bench.lock")
TICK = os.sysconf("SC_CLK_TCK")


def log(message: str = "") -> None:
    print(message, flush=True)


def django_setup() -> None:
    """Set Django up in this process (a benchmark's Django side, run as a subprocess)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoire.settings")
    import django

    django.setup()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ---------------------------------------------------------------------------------------------
# Subprocesses and their environment.


def bench_env(db_name: str, *, secret: str, redis_db: int | None = None, **extra: str) -> dict:
    """The environment of the benchmark's Django processes: production settings on
    ``db_name``, with Redis DB ``redis_db`` (or no Redis at all: None), plus ``extra``."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "territoire.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}",
            "DJANGO_SECRET_KEY": secret,
            "DJANGO_DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
    )
    if redis_db is None:
        for name in ("REDIS_URL", "CELERY_BROKER_URL"):
            env.pop(name, None)
    else:
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{redis_db}"
    env.pop("SQLITE_PATH", None)
    return env


def run(cmd: list[str], env: dict | None = None) -> str:
    """Run ``cmd`` in the repository; its output. Raises RuntimeError when it fails."""
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd[:6])} failed ({done.returncode}):\n"
            f"{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )
    return done.stdout


def django_step(module: str, env: dict, *args: object) -> dict:
    """Run ``python -m module --django args…`` and read the JSON of its last line."""
    out = run([PYTHON, "-m", module, "--django", *map(str, args)], env)
    return json.loads(out.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# The database, Redis and the lock.


def take_lock(name: str) -> None:
    """Wait until no other benchmark runs, then hold ``/tmp/bench.lock`` (``LOCK.unlink``)."""
    while LOCK.exists():
        log(f"  {LOCK} exists: another benchmark is running, waiting…")
        time.sleep(15)
    LOCK.write_text(f"{name} pid {os.getpid()}\n")


def fresh_database(
    env: dict, db_name: str, *, redis_db: int | None = None, collectstatic: bool = False
) -> None:
    """``db_name`` dropped, created and migrated; Redis DB ``redis_db`` emptied; with
    ``collectstatic``, the static files collected. Raises RuntimeError."""
    tools = ["dropdb", "createdb", "pg_isready", *(["redis-cli"] if redis_db is not None else [])]
    for tool in tools:
        if not shutil.which(tool):
            raise RuntimeError(f"{tool} not found: PostgreSQL client tools (and redis-cli) needed")
    try:
        run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"])
        if redis_db is not None:
            run([*REDIS, "ping"])
    except RuntimeError as exc:
        raise RuntimeError(
            "PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) must be up"
        ) from exc
    run(["dropdb", *PG, "--if-exists", "--force", db_name])
    run(["createdb", *PG, db_name])
    if redis_db is not None:
        run([*REDIS, "-n", str(redis_db), "flushdb"])
    run([PYTHON, "manage.py", "migrate", "--no-input"], env)
    if collectstatic:
        # DEBUG off serves templates through the manifest storage: {% static %} needs it.
        run([PYTHON, "manage.py", "collectstatic", "--no-input"], env)


def drop_database(db_name: str | None, *, redis_db: int | None = None) -> None:
    """Drop ``db_name`` (None: keep it) and empty Redis DB ``redis_db``, whatever fails."""
    if db_name is not None:
        with contextlib.suppress(RuntimeError):
            run(["dropdb", *PG, "--if-exists", "--force", db_name])
    if redis_db is not None:
        with contextlib.suppress(RuntimeError):
            run([*REDIS, "-n", str(redis_db), "flushdb"])


# ---------------------------------------------------------------------------------------------
# gunicorn.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    env: dict,
    port: int,
    worker_class: str,
    threads: int,
    log_path: Path,
    workers: int = 2,
    app: str = "territoire.wsgi:application",
):
    """gunicorn serving ``app`` on 127.0.0.1:``port``, once it answers /healthz."""
    cmd = [
        str(Path(PYTHON).with_name("gunicorn")),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    if worker_class == "gthread":
        cmd += ["--threads", str(threads)]
    handle = open(log_path, "w")  # noqa: SIM115 — closed in stop_gunicorn
    process = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    process.log_handle = handle
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(
                    b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return process
        except OSError:
            pass
        time.sleep(0.3)
    stop_gunicorn(process)
    raise RuntimeError(f"gunicorn did not answer /healthz:\n{log_path.read_text()[-3000:]}")


def stop_gunicorn(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.log_handle.close()


# ---------------------------------------------------------------------------------------------
# The machine.


def machine() -> str:
    cores = os.cpu_count()
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    return f"{cores} cores{memory}, Python {sys.version.split()[0]}"


def machine_busy() -> float:
    """CPU seconds the whole machine has used so far (all but idle and iowait)."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / TICK


def wait_for_quiet(limit: float) -> float:
    """Wait (up to ``limit`` seconds) until other processes use under 0.2 core; their use."""
    deadline = time.monotonic() + limit
    while True:
        machine_before, self_before = machine_busy(), time.process_time()
        time.sleep(2.0)
        used = machine_busy() - machine_before - (time.process_time() - self_before)
        busy = round(max(0.0, used / 2.0), 2)
        if busy <= 0.2 or time.monotonic() >= deadline:
            return busy
        log(f"  waiting for a quieter machine ({busy:.2f} cores busy elsewhere)…")
