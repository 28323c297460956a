"""Start a throw-away Virtuoso (Debian's ``virtuoso-opensource``) on 127.0.0.1, for tests and
benchmarks: a copy of the packaged ``virtuoso.ini`` with its database in a temporary folder and
both server ports on free local ports.

    with Virtuoso.start(tmp_dir) as v:
        v.sparql_url       # http://127.0.0.1:PORT/sparql       (queries, anonymous)
        v.update_url       # http://127.0.0.1:PORT/sparql-auth  (updates, digest dba/dba)
        v.isql("SELECT 1;")
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
BINARY = "virtuoso-t"
ISQL = "isql-vt"
USER, PASSWORD = "dba", "dba"


def available() -> str | None:
    """Why Virtuoso cannot run here, or ``None`` when it can."""
    if shutil.which(BINARY) is None or shutil.which(ISQL) is None:
        return "Virtuoso is not installed (apt-get install virtuoso-opensource)"
    if not INI.is_file():
        return f"{INI} is missing (apt-get install virtuoso-opensource)"
    return None


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _set(text: str, section: str, key: str, value: str) -> str:
    """Set ``key = value`` inside ``[section]`` of an ini text."""
    pattern = re.compile(
        rf"(\[{re.escape(section)}\][^\[]*?^){re.escape(key)}\s*=[^\n]*", re.M | re.S
    )
    if pattern.search(text):
        return pattern.sub(lambda m: f"{m.group(1)}{key} = {value}", text, count=1)
    return re.sub(
        rf"^\[{re.escape(section)}\]\s*$",
        f"[{section}]\n{key} = {value}",
        text,
        count=1,
        flags=re.M,
    )


@dataclass
class Virtuoso:
    """A running throw-away Virtuoso."""

    folder: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def update_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-auth"

    @property
    def graph_store_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    @classmethod
    def start(cls, folder: Path, timeout: float = 90.0, dirs_allowed: list[Path] = ()) -> Virtuoso:
        """Start Virtuoso with its database in ``folder``; wait until HTTP answers."""
        folder.mkdir(parents=True, exist_ok=True)
        sql_port, http_port = free_port(), free_port()
        text = INI.read_text()
        db = str(folder)
        text = text.replace("/var/lib/virtuoso-opensource-7/db", db)
        text = _set(text, "Parameters", "ServerPort", f"127.0.0.1:{sql_port}")
        text = _set(text, "HTTPServer", "ServerPort", f"127.0.0.1:{http_port}")
        allowed = ", ".join([".", "/usr/share/virtuoso-opensource-7/vad", *map(str, dirs_allowed)])
        text = _set(text, "Parameters", "DirsAllowed", allowed)
        text = _set(text, "Parameters", "NumberOfBuffers", "170000")
        text = _set(text, "Parameters", "MaxDirtyBuffers", "130000")
        text = _set(text, "SPARQL", "ResultSetMaxRows", "1000000")
        text = text.replace("localhost:8890", f"127.0.0.1:{http_port}")
        ini = folder / "virtuoso.ini"
        ini.write_text(text)
        log = (folder / "stdout.log").open("wb")
        process = subprocess.Popen(
            [BINARY, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        v = cls(folder, sql_port, http_port, process)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"virtuoso exited: {(folder / 'stdout.log').read_text()[-2000:]}"
                )
            try:
                with urllib.request.urlopen(f"{v.sparql_url}?query=ASK%7B%7D", timeout=2):
                    return v
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        v.stop()
        raise RuntimeError(f"virtuoso did not answer within {timeout:g} s")

    def isql(self, sql: str, timeout: float = 600) -> str:
        """Run SQL through ``isql-vt`` and return its output (raise on an error)."""
        out = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", USER, PASSWORD, "VERBOSE=OFF", f"EXEC={sql}"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if out.returncode != 0 or "*** Error" in out.stdout + out.stderr:
            raise RuntimeError(f"isql failed: {out.stdout}{out.stderr}")
        return out.stdout

    def stop(self) -> None:
        """Stop the server (it only lives for the tests)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def __enter__(self) -> Virtuoso:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
