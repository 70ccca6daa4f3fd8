"""Production settings plus the bench-only baselines' URLs (``bench.urls``).

Used only by the harness (``bench.common.bench_env``); the real site never loads this module, so the
baseline routes ``/bench/hello/`` and ``/bench/wagtail/`` exist nowhere else.
"""

from lms.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
