"""Small builders shared by the tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import ipywidgets as w

    from tests.fakeserver import FakeOpenAI

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BLNS = SHARED / "data" / "blns.json"
# The API key the scripted model server (the ``model_server`` fixture) is called with:
# tests check that it is sent, and that no message ever shows it.
MODEL_KEY = "sk-test-key-never-shown-4242"

T = TypeVar("T")


def present(value: T | None) -> T:
    """The value a test expects to be there (a stored record, a cohort, a seat), or a failure
    saying it is missing; lets a test read a field of it without a separate check."""
    assert value is not None, "expected a value, found None"
    return value


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF from numbered objects (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    return bytes(out + f"startxref\n{xref}\n%%EOF\n".encode())


def minimal_pdf(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` (ASCII), written by hand: no PDF library."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def blns() -> list[str]:
    """Every string of the Big List of Naughty Strings (../shared/data/blns.json), or a skip
    where that file is absent."""
    import json

    import pytest

    if not BLNS.is_file():
        pytest.skip(f"{BLNS} is absent: the naughty-strings tests need ../shared/data")
    strings = json.loads(BLNS.read_text(encoding="utf-8"))
    assert isinstance(strings, list) and len(strings) > 500
    return [s for s in strings if isinstance(s, str)]


def find(widget: w.Widget, cls: type) -> list:
    """Every descendant of ``widget`` of type ``cls``, in order."""
    out: list = []
    for child in getattr(widget, "children", ()):
        if isinstance(child, cls):
            out.append(child)
        out.extend(find(child, cls))
    return out


def chats(srv: FakeOpenAI) -> list[dict[str, Any]]:
    """The chat-completion requests the scripted model server has had, in order."""
    return [r for r in srv.requests if r["path"].endswith("/chat/completions")]


def mixed_folder(root: Path) -> Path:
    """A folder with good, empty, binary and broken files of every supported kind."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "guide.md").write_text(
        "---\ntitle: Peer mentoring circles\ntags: [peers]\n---\n# Peer mentoring circles\n\n"
        "## Running a circle\n\nA circle of four colleagues meets monthly to swap advice on "
        "negotiation and career moves.\n\n## Keeping notes\n\nEach member keeps a shared "
        "log of actions agreed.\n",
        encoding="utf-8",
    )
    (root / "notes.txt").write_text(
        "Sabbatical planning\n\nAsk the mentor about taking a sabbatical.\n", encoding="utf-8"
    )
    (root / "page.html").write_text(
        "<html><head><title>Reverse mentoring</title><script>alert('x')</script></head>"
        "<body><h1>Reverse mentoring</h1><h2>Why juniors teach seniors</h2>"
        "<p>Junior staff coach executives on new tools.</p></body></html>",
        encoding="utf-8",
    )
    (root / "workbook.ipynb").write_text(
        '{"cells": [{"cell_type": "markdown", "source": ["# Mentoring journal\\n", '
        '"## Week one\\n", "Met my mentor and agreed on quarterly goals."]}, '
        '{"cell_type": "code", "source": "print(1)"}], "metadata": {}, "nbformat": 4, '
        '"nbformat_minor": 5}',
        encoding="utf-8",
    )
    (root / "handout.pdf").write_bytes(minimal_pdf("Mentoring handout about shadowing days"))
    (root / "empty.md").write_text("", encoding="utf-8")
    (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (root / "binary.txt").write_bytes(b"abc\x00\x01\x02" * 10)
    (root / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (root / "broken.ipynb").write_text("{not json", encoding="utf-8")
    (root / "bad-front.md").write_text("---\ntitle: [unclosed\n---\n# Body\n", encoding="utf-8")
    return root


# Debian's Chromium, headless, as root, on a machine with no network beyond loopback: no
# sandbox, no GPU, and none of its background connections (refused here, and slow to fail).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc, what: str, timeout: float = 60.0) -> None:
    """Wait until ``proc`` listens on ``port``; fail the test clearly if it never does."""
    import socket
    import time

    import pytest

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"{what} exited at start")
            time.sleep(0.2)
    proc.kill()
    pytest.fail(f"{what} did not start within {timeout:.0f} s")


def start_workbooks(
    home: Path,
    vector_cache: Path,
    *,
    pool: int = 1,
    workshop: bool = False,
    log: Path | None = None,
):
    """The workbook server as `mentor-coach serve` runs it, on a free loopback port, with
    ``COACH_HOME`` set to ``home``; returns (port, process) once it listens."""
    import os
    import subprocess

    from coach.cli.serve import voila_command, voila_env, workbooks_dir

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env.update(COACH_HOME=str(home), COACH_CACHE_DIR=str(vector_cache))
    if workshop:
        env["COACH_WORKSHOP"] = "1"
    service = start_service(env)  # the one coach every page's kernel calls, as in `serve`
    env.update(service.client_env())
    out = log.open("w") if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(
        voila_command(port, workbooks_dir(), pool=pool, workshop=workshop),
        env=voila_env(env),
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    proc.service = service  # type: ignore[attr-defined]
    try:
        wait_for_port(port, proc, "voila")
    except BaseException:
        service.close()
        raise
    return port, proc


def start_service(env: dict[str, str]):
    """The coach service as `mentor-coach serve` starts it, ready to answer."""
    import secrets

    from coach.cli.supervise import ServiceProcess

    service = ServiceProcess(env, secrets.token_urlsafe(24))
    service.start()
    try:
        service.wait_ready(600, lambda: False)
    except BaseException:
        service.close()
        raise
    return service


def stop(proc) -> None:
    """Stop a server started by a test (and its coach service)."""
    proc.terminate()
    proc.wait(timeout=30)
    service = getattr(proc, "service", None)
    if service is not None:
        service.close()


@contextmanager
def coach_home(home: Path) -> Iterator[Path]:
    """Point this process's COACH_HOME at ``home`` (for module-scoped fixtures, which
    cannot use monkeypatch), then put it back."""
    import os

    from coach import settings, store

    old = os.environ.get("COACH_HOME")
    os.environ["COACH_HOME"] = str(home)
    settings.reset_settings()
    store.forget_stores()
    try:
        yield home
    finally:
        if old is None:
            os.environ.pop("COACH_HOME", None)
        else:
            os.environ["COACH_HOME"] = old
        settings.reset_settings()
        store.forget_stores()
