"""A corpus of hostile strings and the checks that they came to no harm in a response.

Every XSS payload calls ``hocsoPwned()`` / sets ``window.__hocso_pwned`` (the browser test watches
that flag) and carries the marker ``hocsoPwned`` so the HTML checks can find what it built. The
template payloads compute 1337*7 = 9359, a number the site never prints on its own.
"""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import strategies as st

from tests.lms.hostile_tables import HOSTILE_NAMES

MARKER = "hocsoPwned"
XSS = [
    "<script>window.__hocso_pwned=1;hocsoPwned()</script>",
    '"><img src=x onerror="window.__hocso_pwned=1;hocsoPwned()">',
    "'><svg onload=window.__hocso_pwned=1;hocsoPwned()>",
    '<svg/onload="hocsoPwned()">',
    "javascript:window.__hocso_pwned=1;hocsoPwned()",
    '<a href="javascript:hocsoPwned()">bấm</a>',
    '<iframe srcdoc="<script>parent.hocsoPwned()</script>"></iframe>',
    "</textarea><script>hocsoPwned()</script>",
    "</title><script>hocsoPwned()</script>",
    '" autofocus onfocus="hocsoPwned()',
]
TEMPLATE = ["{{ 1337*7 }}", "{% debug %}", "${1337*7}", "#{1337*7}", "{{ request.user.password }}"]
EVALUATED = ("9359", "'True': True", "pbkdf2_", "argon2")
SSRF = [
    "http://127.0.0.1:6379/",
    "http://169.254.169.254/latest/meta-data/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
    "http://[::1]:5432/",
    "http://evil.example/x.png",
]
SSRF_HOSTS = ("169.254.169.254", "evil.example")
TRAVERSAL = ["../../etc/passwd", "..%2f..%2fetc%2fpasswd", "..\\..\\windows\\win.ini", "/etc/passwd\x00.txt"]
REDIRECTS = [
    "//evil.example/",
    "https://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "http:evil.example",
    "/%09/evil.example",
    "javascript:hocsoPwned()",
    "https://evil.example@testserver/",
]
UNICODE = [
    "Nguyễn\u202eTHỊ\u202c Lan",  # right-to-left override
    "Trần\u200b\u200dVăn\ufeffAn",  # zero-width characters
    "Nguye\u0302\u0303n Thi\u0323 Ho\u0302\u0300ng",  # NFD
    "\u2066Lê\u2069 Văn",
]
LONG = ["ký" * 5000, "<b>" * 2000]
# What a name field can hold: every family, the spreadsheet names of the export tests too.
CORPUS = XSS + TEMPLATE + SSRF + TRAVERSAL + UNICODE + LONG + HOSTILE_NAMES

hostile_text = st.one_of(
    st.sampled_from(CORPUS),
    st.text(min_size=1, max_size=300),
    st.builds(lambda a, b: a + b, st.sampled_from(XSS + TEMPLATE), st.text(max_size=40)),
)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if MARKER in name or (name.startswith("on") and MARKER in value):
                self.problems.append(f"<{tag} {name}={value[:60]!r}> built from the payload")
            if name in {"href", "src", "action", "formaction", "srcdoc", "xlink:href"} and (
                MARKER in value and (value.strip().lower().startswith("javascript:") or "<script" in value)
            ):
                self.problems.append(f"<{tag} {name}={value[:60]!r}> runs the payload")
            if name == "autofocus" and tag not in {"input", "textarea", "select"}:
                self.problems.append(f"<{tag} autofocus> built from the payload")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARKER in data:
            self.problems.append(f"<script> holding the payload: {data[:80]!r}")


def injected(html: str) -> list[str]:
    """Elements or attributes of ``html`` that a payload created (empty: the page is safe)."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems


def evaluated(html: str) -> list[str]:
    """Traces of a template payload that ran."""
    return [trace for trace in EVALUATED if trace in html]
