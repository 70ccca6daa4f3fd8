"""How quickly the table reader refuses each hostile upload, and the peak memory it needs.

Builds every file of ``tests/lms/hostile_tables.py`` (the ones the import tests send), reads each
with ``lms.tabular.table_read`` — the call the import's preview job makes — in a fresh Python process
of its own, and prints per file: its size, the time to the refusal, the peak resident memory of that
process (VmHWM, Django loaded) and the message a coordinator reads. No database is needed.

    .venv/bin/python bench/import_limits_bench.py

Target (issue #10): every file refused within seconds, the worker under 300 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")


def _setup() -> None:
    import django  # noqa: PLC0415 — after the settings module is chosen

    django.setup()
    from django.utils import translation  # noqa: PLC0415 — needs django.setup()

    translation.activate("vi")


def read_one(path: Path) -> None:
    """Child process: read one file, print a JSON line with the outcome, time and peak memory."""
    _setup()
    from lms.tabular import TableError, table_read  # noqa: PLC0415 — needs django.setup()

    data = path.read_bytes()
    started = time.perf_counter()
    try:
        table_read(filename=path.name, data_or_file=data)
        outcome = "ĐÃ ĐỌC (không bị từ chối!)"
    except TableError as error:
        outcome = str(error)
    elapsed = time.perf_counter() - started
    status = Path("/proc/self/status").read_text()
    peak_kb = int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_kb / 1024, "message": outcome}, ensure_ascii=False))


def main() -> None:
    _setup()
    from tests.lms.hostile_tables import HOSTILE_UPLOADS  # noqa: PLC0415 — needs django.setup()

    print(f"{'file':<22} {'size':>10} {'refused in':>11} {'peak':>7}  message")
    with tempfile.TemporaryDirectory() as folder:
        for filename, (build, _expected) in HOSTILE_UPLOADS.items():
            path = Path(folder) / filename
            path.write_bytes(build())
            child = subprocess.run(
                [sys.executable, __file__, "--read", str(path)], capture_output=True, text=True, check=True
            )
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"{filename:<22} {path.stat().st_size:>10,} {figures['seconds'] * 1000:>8.0f} ms "
                f"{figures['peak_mb']:>4.0f} MB  {figures['message'][:80]}"
            )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--read":
        read_one(Path(sys.argv[2]))
    else:
        main()
