"""The access matrix, declared once: role × object × action over the project's real URLs.

``tests/security/test_access_matrix.py`` plays every cell against a world of two learners in
sibling communes, coordinators of the sibling commune and of the parent province, an editor and an
administrator (staff with a second factor, as MFA requires); ``docs/reliability.md`` shows the
same declaration as a table (``python -m tests.security.access_matrix --write`` regenerates it;
the test fails when the document is stale).

Outcomes:
- ``allow``: the request is served (2xx, or a redirect that is not a refusal);
- ``deny``: 403 or 404, or — for a visitor not signed in, or someone Wagtail's admin turns away —
  a redirect to the login page; a write leaves the database unchanged;
- ``hidden``: a list is served without learner A's row (the scope rule filters it);
- ``refused``: turned back — the form again with an error (200/400), or a redirect to the page
  that explains (enrol first) — and the database is unchanged.

Every object belongs to learner A (commune A) unless its row says otherwise.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROLES = ("anonymous", "learner_a", "learner_b", "coord_sibling", "coord_parent", "editor", "administrator")
ROLE_TITLES = {
    "anonymous": "anonymous",
    "learner_a": "learner A (owner)",
    "learner_b": "learner B",
    "coord_sibling": "coordinator, sibling commune",
    "coord_parent": "coordinator, parent province",
    "editor": "editor",
    "administrator": "administrator",
}
OUTCOMES = ("allow", "deny", "hidden", "refused")


@dataclass(frozen=True)
class Cell:
    """One object × action on one URL, with the outcome declared for every role."""

    obj: str
    action: str
    method: str
    url: str  # a template filled from the world's ids: {learner_a}, {code}, …
    expect: dict[str, str]
    data: tuple[tuple[str, str], ...] = ()
    note: str = ""
    marker: str = "{learner_a_name}"  # a list "allow"ed shows it, a "hidden" one does not

    @property
    def writes(self) -> bool:
        return self.method == "POST"


def _expect(allowed: str = "", *, hidden: str = "", refused: str = "") -> dict[str, str]:
    """Roles named (space-separated) in ``allowed`` are allowed, in ``hidden`` see a filtered list,
    in ``refused`` get a form error; everyone else is denied."""
    named = {"allow": allowed.split(), "hidden": hidden.split(), "refused": refused.split()}
    unknown = {role for roles in named.values() for role in roles} - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    result = dict.fromkeys(ROLES, "deny")
    for outcome, roles in named.items():
        for role in roles:
            result[role] = outcome
    return result


SCOPE = "coord_parent administrator"  # who holds learner A in scope

CELLS: tuple[Cell, ...] = (
    # --- progress ---------------------------------------------------------------------------
    Cell("progress", "list", "GET", "/coordinate/?unit={commune_a}", _expect(SCOPE), note="dashboard of commune A"),
    Cell(
        "progress",
        "view",
        "GET",
        "/coordinate/learners/{learner_a}/",
        _expect(SCOPE),
        note="learner A's courses, progress, attempts",
    ),
    Cell(
        "progress",
        "edit",
        "POST",
        "/learn/lesson/{lesson}/done/",
        _expect("learner_a", refused="learner_b coord_sibling coord_parent editor administrator"),
        note="mark a lesson done: enrolled learners only (others are sent to the lesson)",
    ),
    Cell(
        "progress",
        "create",
        "POST",
        "/coordinate/learners/{learner_a}/complete/",
        _expect(SCOPE),
        data=(("course", "{course_other}"), ("note", "Tập huấn trực tiếp")),
        note="manual completion",
    ),
    # --- attempt ----------------------------------------------------------------------------
    Cell(
        "attempt",
        "view",
        "GET",
        "/quiz/attempt/{attempt}/review/",
        _expect("learner_a"),
        note="staff read attempts in the quiz report",
    ),
    Cell(
        "attempt",
        "edit",
        "POST",
        "/quiz/attempt/{attempt_open}/autosave/",
        _expect("learner_a"),
        data=(("sequence", "{attempt_open_sequence}"), ("page", "0"), ("q0", "Nháp")),
        note="an attempt in progress",
    ),
    Cell(
        "attempt",
        "create",
        "POST",
        "/quiz/{quiz}/start/",
        _expect("learner_a editor administrator", refused="learner_b coord_sibling coord_parent"),
        note="enrolled learners (others are sent to the quiz page); editors and administrators try quizzes",
    ),
    Cell("attempt", "list", "GET", "/admin/quizzes/{quiz}/report/", _expect("editor administrator")),
    # --- grade ------------------------------------------------------------------------------
    Cell(
        "grade",
        "list",
        "GET",
        "/admin/quizzes/grading/",
        _expect("editor administrator"),
        note="essays awaiting a grade",
    ),
    Cell(
        "grade",
        "edit",
        "POST",
        "/admin/quizzes/grading/",
        _expect("editor administrator"),
        data=(("answer", "{answer}"), ("mark", "1"), ("comment", "Đạt")),
    ),
    Cell(
        "grade",
        "create",
        "POST",
        "/admin/quizzes/{quiz}/report/",
        _expect("editor administrator"),
        data=(
            ("action", "override"),
            ("email", "{learner_a_email}"),
            ("extra_minutes", "5"),
            ("extra_attempts", "1"),
            ("reason", "Mất điện"),
        ),
        note="an override (extra time, attempts)",
    ),
    # --- certificate ------------------------------------------------------------------------
    Cell("certificate", "view", "GET", "/learn/certificates/{code}/status/", _expect("learner_a")),
    Cell(
        "certificate",
        "export",
        "GET",
        "/certificates/{code}/download/",
        _expect("learner_a " + SCOPE),
        note="the signed PDF",
    ),
    Cell("certificate", "list", "GET", "/certificates/manage/", _expect(SCOPE, hidden="coord_sibling")),
    Cell("certificate", "view", "GET", "/certificates/{code}/manage/", _expect(SCOPE)),
    Cell(
        "certificate",
        "delete",
        "POST",
        "/certificates/{code}/manage/",
        _expect(SCOPE),
        data=(("action", "revoke"), ("reason", "Cấp nhầm")),
        note="revoke",
    ),
    # --- learner record ---------------------------------------------------------------------
    Cell(
        "learner record",
        "view",
        "GET",
        "/admin/people/{learner_a}/name/",
        _expect("administrator"),
        note="identity: name correction screen",
    ),
    Cell(
        "learner record",
        "list",
        "GET",
        "/coordinate/memberships/",
        _expect(SCOPE, hidden="coord_sibling"),
        note="declarations awaiting confirmation (one in commune A)",
        marker="{declarer_name}",
    ),
    Cell(
        "learner record",
        "edit",
        "POST",
        "/coordinate/memberships/{pending_membership}/confirm/",
        _expect(SCOPE),
        note="confirm a declaration in commune A",
    ),
    Cell(
        "learner record",
        "edit",
        "POST",
        "/coordinate/learners/{learner_a}/transfer/",
        _expect(SCOPE),
        data=(("unit", "{commune_a}"),),
        note="move within the scope",
    ),
    Cell(
        "learner record",
        "edit",
        "POST",
        "/admin/people/{learner_a}/name/",
        _expect("administrator"),
        data=(("full_name", "Nguyễn Văn Sửa"), ("reason", "Sai chính tả")),
        note="correct the name",
    ),
    Cell(
        "learner record",
        "export",
        "GET",
        "/accounts/my-data/?format=json",
        _expect("learner_a learner_b coord_sibling coord_parent editor administrator"),
        note="one's own data only",
    ),
    Cell("learner record", "delete", "POST", "/admin/users/delete/{learner_a}/", _expect("administrator")),
    # --- import -----------------------------------------------------------------------------
    Cell(
        "import",
        "create",
        "POST",
        "/coordinate/import/",
        _expect("coord_sibling coord_parent administrator"),
        data=(("file", "@learners.csv"),),
        note="a learner file (rows checked against the scope by the job)",
    ),
    Cell(
        "import",
        "view",
        "GET",
        "/coordinate/import/{import_job}/",
        _expect("coord_parent"),
        note="the uploader's own preview",
    ),
    Cell(
        "import", "edit", "POST", "/coordinate/import/{import_job}/", _expect("coord_parent"), note="apply the preview"
    ),
    Cell(
        "import",
        "create",
        "POST",
        "/admin/org-units/import/",
        _expect("administrator"),
        data=(("file", "@units.csv"),),
        note="org units",
    ),
    # --- export -----------------------------------------------------------------------------
    Cell(
        "export",
        "create",
        "POST",
        "/coordinate/exports/",
        _expect(SCOPE),
        data=(("export", "learners_csv"), ("unit", "{commune_a}")),
        note="commune A's learners",
    ),
    Cell("export", "view", "GET", "/jobs/{export_job}/", _expect("coord_parent"), note="the requester's own job"),
    Cell("export", "export", "GET", "/jobs/{export_job}/download/", _expect("coord_parent")),
    Cell("export", "delete", "POST", "/jobs/{export_job}/cancel/", _expect("coord_parent")),
    # --- assignment -------------------------------------------------------------------------
    Cell(
        "assignment", "view", "GET", "/coordinate/assignments/new/", _expect("coord_sibling coord_parent administrator")
    ),
    Cell(
        "assignment",
        "create",
        "POST",
        "/coordinate/assignments/new/",
        _expect(SCOPE, refused="coord_sibling"),
        data=(("title", "Đợt 2"), ("courses", "{course}"), ("units", "{commune_a}"), ("due_date", "31/12/2030")),
        note="aimed at commune A",
    ),
    Cell(
        "assignment",
        "edit",
        "POST",
        "/coordinate/learners/{learner_a}/exception/",
        _expect(SCOPE),
        data=(("assignment", "{assignment}"), ("kind", "exempt"), ("reason", "Nghỉ phép")),
        note="exempt learner A",
    ),
    Cell(
        "assignment",
        "list",
        "GET",
        "/coordinate/assignments/",
        _expect(SCOPE, hidden="coord_sibling"),
        marker="Đợt 1",
        note="assignments in the scope",
    ),
    Cell("assignment", "view", "GET", "/coordinate/assignments/{assignment}/edit/", _expect(SCOPE)),
    Cell(
        "assignment",
        "edit",
        "POST",
        "/coordinate/assignments/{assignment}/extend/",
        _expect(SCOPE),
        data=(("due_date", "31/12/2031"), ("reason", "Gia hạn chung")),
        note="extend the due date",
    ),
    Cell(
        "assignment",
        "delete",
        "POST",
        "/coordinate/assignments/{assignment}/cancel/",
        _expect(SCOPE),
        data=(("reason", "Giao nhầm"),),
        note="cancel",
    ),
    # --- document (private collection: editors) ---------------------------------------------
    Cell("document", "view", "GET", "/documents/{document}/{document_file}", _expect("editor administrator")),
    Cell("document", "list", "GET", "/admin/documents/", _expect("editor administrator"), marker="Hướng dẫn nội bộ"),
    Cell(
        "document",
        "edit",
        "POST",
        "/admin/documents/edit/{document}/",
        _expect("editor administrator"),
        data=(("title", "Đổi tên"),),
    ),
    Cell("document", "delete", "POST", "/admin/documents/delete/{document}/", _expect("editor administrator")),
    # --- draft page -------------------------------------------------------------------------
    Cell("draft page", "view", "GET", "{draft_url}", _expect(), note="not served before it is published"),
    Cell(
        "draft page", "view", "GET", "/admin/pages/{draft}/view_draft/", _expect("editor administrator"), note="preview"
    ),
    Cell(
        "draft page",
        "edit",
        "POST",
        "/admin/pages/{draft}/edit/",
        _expect("editor administrator"),
        data=(
            ("title", "Nháp đã sửa"),
            ("slug", "trang-nhap"),
            ("body-count", "0"),
            ("comments-TOTAL_FORMS", "0"),
            ("comments-INITIAL_FORMS", "0"),
            ("comments-MIN_NUM_FORMS", "0"),
            ("comments-MAX_NUM_FORMS", "1000"),
        ),
        note="save a revision",
    ),
    Cell(
        "draft page",
        "delete",
        "POST",
        "/admin/pages/{draft}/delete/",
        _expect("editor administrator"),
        note="Wagtail lets editors delete pages they may edit that were never published",
    ),
)


# --- The table in docs/reliability.md ---------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
BEGIN = "<!-- access-matrix:begin (generated by tests/security/access_matrix.py: do not edit) -->"
END = "<!-- access-matrix:end -->"
SYMBOLS = {"allow": "✅", "deny": "—", "hidden": "filtered", "refused": "turned back"}


def render_table() -> str:
    header = ["object", "action", "request", *(ROLE_TITLES[role] for role in ROLES)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for cell in CELLS:
        request = f"`{cell.method} {cell.url}`" + (f" ({cell.note})" if cell.note else "")
        lines.append(
            "| " + " | ".join([cell.obj, cell.action, request, *(SYMBOLS[cell.expect[role]] for role in ROLES)]) + " |"
        )
    legend = (
        "✅ served; — refused (403/404, or the login page for a visitor not signed in and for someone "
        "Wagtail's admin turns away), a write leaving the database unchanged; filtered: the list is served "
        "without learner A; turned back: the form again with an error, or a redirect to the page that "
        "explains, and nothing is written."
    )
    return "\n".join([BEGIN, "", legend, "", *lines, "", END])


def doc_with_table(text: str) -> str:
    start, end = text.find(BEGIN), text.find(END)
    if start == -1 or end == -1:
        raise ValueError(f"{DOC} has no access-matrix markers")
    return text[:start] + render_table() + text[end + len(END) :]


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    wanted = doc_with_table(text)
    if "--write" in argv:
        DOC.write_text(wanted, encoding="utf-8")
        return 0
    if wanted != text:
        print(f"{DOC} is stale: run python -m tests.security.access_matrix --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
