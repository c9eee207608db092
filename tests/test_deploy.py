"""The deployment files (Dockerfile, .dockerignore, compose.yaml) checked as files:
containers cannot run on the development machines. Fast, no network."""

from __future__ import annotations

import ast
import fnmatch
import re
import shlex
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKERS = ("worker1", "worker2")
CREDENTIAL = re.compile(r"TOKEN|SECRET|PASSWORD|KEY")
VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")


# --- helpers ---------------------------------------------------------------------------

def settings_read() -> set[str]:
    """The environment variable names bot/config.py reads: first arguments of `get(...)`,
    `env.get(...)`, `os.getenv(...)`, `environ[...]`, and module-level tuples of names
    (SLACK_OAUTH) that it reads in a loop."""
    tree = ast.parse((ROOT / "bot" / "config.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            if called in ("get", "getenv") and isinstance(first, ast.Constant):
                names.add(first.value)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            if "environ" in ast.unparse(node.value):
                names.add(node.slice.value)
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.List)):
            names |= {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    return {n for n in names if isinstance(n, str) and re.fullmatch(r"[A-Z][A-Z0-9_]*", n)}


def resolve(value: str) -> str:
    """Compose interpolation with an empty environment: `${X:-d}` gives d, `${X}` gives ''."""
    return VARIABLE.sub(lambda m: m.group(2) or "", value)


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {name: "" if value is None else str(value) for name, value in env.items()}


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    pairs = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            pairs.append((keyword.upper(), args.strip()))
    return pairs


def instructions(keyword: str) -> list[str]:
    return [args for kw, args in dockerfile() if kw == keyword]


def dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str) -> bool:
    result = False
    for pattern in dockerignore():
        negate = pattern.startswith("!")
        if fnmatch.fnmatch(path, pattern.lstrip("!").rstrip("/")):
            result = not negate
    return result


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def postgres_services(services) -> list[str]:
    return [name for name, s in services.items() if str(s.get("image", "")).startswith("postgres")]


# --- settings --------------------------------------------------------------------------

def test_the_settings_names_are_found_in_bot_config():
    names = settings_read()
    assert {"COACH_DATABASE", "COACH_LANGUAGE", "COACH_TIMEZONE", "PORT",
            "TELEGRAM_BOT_TOKEN", "SLACK_BOT_TOKEN", "SLACK_CLIENT_ID"} <= names


# --- compose.yaml ----------------------------------------------------------------------

def test_compose_has_a_postgres_service_and_two_workers(services):
    assert postgres_services(services) == ["postgres"]
    assert set(WORKERS) <= set(services)


def test_postgres_keeps_its_data_in_a_named_volume_and_has_a_pg_isready_healthcheck(compose,
                                                                                     services):
    postgres = services["postgres"]
    assert re.fullmatch(r"postgres:(17|18)(\.\d+)*(-\w+)?", postgres["image"])
    named = [v.split(":")[0] for v in postgres["volumes"]]
    assert any(name in (compose.get("volumes") or {}) for name in named)
    test = postgres["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))


def test_postgres_credentials_come_from_variables(services):
    env = environment(services["postgres"])
    for name in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"):
        assert VARIABLE.fullmatch(env[name]) and VARIABLE.fullmatch(env[name]).group(1) == name
    assert "ports" not in services["postgres"], "the database stays on the compose network"


@pytest.mark.parametrize("worker", WORKERS)
def test_every_variable_a_worker_sets_is_read_by_the_settings(services, worker):
    unknown = set(environment(services[worker])) - settings_read()
    assert not unknown, f"{worker} sets variables bot/config.py never reads: {unknown}"


@pytest.mark.parametrize("worker", WORKERS)
def test_each_worker_uses_the_postgres_service(services, worker):
    url = resolve(environment(services[worker])["COACH_DATABASE"])
    parsed = urlparse(url)
    assert parsed.scheme in ("postgresql", "postgres")
    assert parsed.hostname in postgres_services(services)
    assert parsed.port in (None, 5432) and parsed.path.strip("/")


@pytest.mark.parametrize("worker", WORKERS)
def test_each_worker_waits_for_postgres_to_be_healthy(services, worker):
    depends = services[worker]["depends_on"]
    assert isinstance(depends, dict), "a list form cannot wait for the healthcheck"
    assert depends["postgres"]["condition"] == "service_healthy"


@pytest.mark.parametrize("worker", WORKERS)
def test_each_worker_is_built_from_the_dockerfile(services, worker):
    build = services[worker]["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    assert (ROOT / context / "Dockerfile").is_file()


def test_each_worker_has_its_own_host_port_onto_the_container_port(services):
    exposed = {int(port.split("/")[0]) for args in instructions("EXPOSE") for port in args.split()}
    host_ports = []
    for worker in WORKERS:
        (mapping,) = services[worker]["ports"]
        *_, host, container = str(mapping).split(":")
        assert int(container) == int(environment(services[worker]).get("PORT", "3000"))
        assert int(container) in exposed
        host_ports.append(int(host))
    assert host_ports == [3001, 3002]


@pytest.mark.parametrize("worker", WORKERS + ("single",))
def test_no_credential_has_a_default_value(services, worker):
    if worker not in services:
        pytest.skip("no single-machine profile")
    for name, value in environment(services[worker]).items():
        if CREDENTIAL.search(name):
            match = VARIABLE.fullmatch(value)
            assert match and match.group(1) == name and not match.group(2), (name, value)


def test_the_single_machine_profile_keeps_sqlite_in_a_volume(services):
    single = services.get("single")
    if single is None:
        pytest.skip("no single-machine profile")
    assert single.get("profiles") == ["single"]
    assert set(environment(single)) <= settings_read()
    database = environment(single)["COACH_DATABASE"]
    assert not database.startswith(("postgresql://", "postgres://"))
    mounts = [str(v).split(":")[1] for v in single["volumes"]]
    assert any(database.startswith(mount.rstrip("/") + "/") for mount in mounts)


def test_the_workers_are_not_in_a_profile(services):
    for name in ("postgres",) + WORKERS:
        assert not services[name].get("profiles"), f"`docker compose up` must start {name}"


# --- Dockerfile ------------------------------------------------------------------------

def test_dockerfile_starts_from_python_3_11_slim():
    assert instructions("FROM")[0].split()[0] == "python:3.11-slim"


def test_dockerfile_runs_as_a_non_root_user_with_a_fixed_uid():
    users = instructions("USER")
    assert users, "no USER line: the coach would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    created = " ".join(instructions("RUN"))
    match = re.search(r"useradd\b[^&;]*--uid[ =](\d+)[^&;]*\s(\w+)\s*(?:&&|;|$)", created)
    assert match and int(match.group(1)) >= 1000 and match.group(2) == user
    kinds = [kw for kw, _ in dockerfile()]
    assert kinds.index("USER") < kinds.index("CMD")


def test_dockerfile_exposes_the_default_port():
    assert "3000" in " ".join(instructions("EXPOSE")).split()


def test_dockerfile_checks_health_at_healthz_with_urllib():
    (check,) = instructions("HEALTHCHECK")
    assert "/healthz" in check and "127.0.0.1" in check and "urllib" in check
    assert "PORT" in check
    assert not re.search(r"\b(curl|wget)\b", check)


def test_dockerfile_installs_only_the_runtime_requirements():
    installs = [r for r in instructions("RUN") if "pip install" in r]
    assert installs
    for command in installs:
        assert "--no-cache-dir" in command
        files = re.findall(r"(?:-r|--requirement)[ =](\S+)", command)
        assert files == ["requirements.txt"], command
    copied = " ".join(instructions("COPY"))
    assert "requirements-dev" not in copied


def test_dockerfile_keeps_sqlite_in_a_volume_owned_by_the_user():
    env = " ".join(instructions("ENV"))
    assert re.search(r"COACH_DATABASE=/data/coach\.db\b", env)
    assert any("/data" in v for v in instructions("VOLUME"))
    user = instructions("USER")[-1].split(":")[0]
    assert re.search(rf"chown\s+(-R\s+)?{user}(:\w+)?\s+/data\b", " ".join(instructions("RUN")))


def test_dockerfile_runs_bot_py():
    (cmd,) = instructions("CMD")
    assert ast.literal_eval(cmd) == ["python", "bot.py"]


def test_dockerfile_copies_every_local_package_the_app_imports_and_nothing_ignored():
    sources = []
    for args in instructions("COPY"):
        parts = [p for p in shlex.split(args) if not p.startswith("--")]
        sources += parts[:-1]
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not ignored(source.rstrip("/")), f"{source} is excluded by .dockerignore"
    copied = {Path(s).parts[0].removesuffix(".py") for s in sources}
    files = [ROOT / "bot.py"] + [f for d in copied if (ROOT / d).is_dir()
                                 for f in (ROOT / d).rglob("*.py")]
    local = set()
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                local |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                local.add(node.module.split(".")[0])
    local = {n for n in local if (ROOT / n).is_dir() or (ROOT / f"{n}.py").is_file()}
    assert local <= copied, f"imported but not copied into the image: {local - copied}"
    assert "tests" not in copied


# --- .dockerignore ---------------------------------------------------------------------

@pytest.mark.parametrize("path", [".env", ".git", ".venv", "coach.db", "coach.db-wal",
                                  "coach-chart.png", "coach-plan.pdf", "tests",
                                  "__pycache__", ".pytest_cache"])
def test_dockerignore_keeps_secrets_data_and_dev_files_out(path):
    assert ignored(path), path
