"""Fuzz the coach: the property test of tests/flows/test_fuzz.py with its large profile.

    python tools/fuzz.py [--min-inputs 10000]

Sends random texts and button presses from realistic and hostile alphabets to
`Coach.handle` in every state (interview questions, editing, the plan, check-in steps,
pending confirmations, settings), checking after each one that nothing raised and that
the stored user is valid. Runs the "soak" profile until at least `--min-inputs` inputs
were sent, then prints one JSON line, e.g. {"fuzz_inputs": 10512, "states": 34,
"exceptions": 0, "seconds": 41.2}, for `make soak` to read. Exits 1 on the first
failure, after hypothesis printed the smallest failing example.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("COACH_FUZZ", "soak")

from tests.flows import test_fuzz  # noqa: E402  (after the profile is chosen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-inputs", type=int, default=10_000)
    args = parser.parse_args()
    started = time.monotonic()
    template = test_fuzz.build_template()
    exceptions = 0
    while sum(test_fuzz.INPUTS_SENT.values()) < args.min_inputs:
        try:
            test_fuzz.test_any_input_in_any_state_leaves_a_valid_stored_state(template)
        except Exception as error:  # the failing example is printed by hypothesis
            exceptions += 1
            print(f"fuzz failure: {type(error).__name__}", file=sys.stderr)
            break
    missed = sorted(set(test_fuzz.STARTS) - set(test_fuzz.INPUTS_SENT))
    summary = {"fuzz_inputs": sum(test_fuzz.INPUTS_SENT.values()),
               "states": len(test_fuzz.INPUTS_SENT), "states_missed": missed,
               "exceptions": exceptions,
               "seconds": round(time.monotonic() - started, 1)}
    print(json.dumps(summary))
    return 1 if exceptions else 0


if __name__ == "__main__":
    sys.exit(main())
