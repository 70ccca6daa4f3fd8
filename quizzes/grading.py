"""Grading and display of one question from its frozen payload.

The learner's form only ever carries *display positions*; the attempt layout
maps them back to the payload's rows, so no field name or value reveals which
option, match or order is correct. ``question_public`` is the only thing the
attempt page receives about a question: no correctness, no feedback.
"""

from __future__ import annotations

import math
from typing import Any

from lms.text import normalize_nfc, search_key

from .models.bank import QuestionType


def layout_entry_for(payload: dict, *, rng, shuffle_answers: bool) -> dict:
    """Freeze how a question is shown in one attempt (option / match / item order)."""
    qtype = payload["type"]
    entry: dict[str, Any] = {}
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        order = list(range(len(payload["options"])))
        if shuffle_answers:
            rng.shuffle(order)
        entry["order"] = order
    elif qtype == QuestionType.MATCHING:
        order = list(range(len(payload["pairs"])))
        while True:  # the matches are always shuffled, or the answer would be the display order
            rng.shuffle(order)
            if order != sorted(order) or len(order) < 2:
                break
        entry["order"] = order
    elif qtype == QuestionType.ORDERING:
        order = list(range(len(payload["items"])))
        while True:
            rng.shuffle(order)
            if order != sorted(order) or len(order) < 2:
                break
        entry["order"] = order
    return entry


def question_public(payload: dict, entry: dict) -> dict:
    """What the learner sees while answering: text and shown rows, nothing else."""
    qtype = payload["type"]
    shown: dict[str, Any] = {"type": qtype, "text": payload["text"], "image_id": payload.get("image_id")}
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        shown["options"] = [payload["options"][i]["text"] for i in entry["order"]]
    elif qtype == QuestionType.MATCHING:
        shown["lefts"] = [pair["left"] for pair in payload["pairs"]]
        shown["rights"] = [payload["pairs"][i]["right"] for i in entry["order"]]
    elif qtype == QuestionType.ORDERING:
        shown["items"] = [payload["items"][i] for i in entry["order"]]
    elif qtype == QuestionType.NUMERIC:
        shown["unit"] = payload.get("unit", "")
    return shown


def response_from_post(payload: dict, entry: dict, data, prefix: str):
    """Read one question's answer from a submitted form as stored JSON (payload indices)."""
    qtype = payload["type"]
    if qtype == QuestionType.SINGLE:
        position = _int(data.get(prefix))
        return entry["order"][position] if position is not None and 0 <= position < len(entry["order"]) else None
    if qtype == QuestionType.MULTIPLE:
        positions = {_int(value) for value in data.getlist(prefix)}
        return sorted(entry["order"][p] for p in positions if p is not None and 0 <= p < len(entry["order"]))
    if qtype == QuestionType.TRUE_FALSE:
        value = data.get(prefix)
        return {"true": True, "false": False}.get(value)
    if qtype in (QuestionType.SHORT_ANSWER, QuestionType.NUMERIC):
        value = normalize_nfc(data.get(prefix, ""))[:500]
        return value or None
    if qtype == QuestionType.MATCHING:
        chosen = []
        for left in range(len(payload["pairs"])):
            position = _int(data.get(f"{prefix}_{left}"))
            valid = position is not None and 0 <= position < len(entry["order"])
            chosen.append(entry["order"][position] if valid else None)
        return chosen if any(c is not None for c in chosen) else None
    if qtype == QuestionType.ORDERING:
        ranks = []
        for shown_index, item_index in enumerate(entry["order"]):
            rank = _int(data.get(f"{prefix}_{shown_index}"))
            ranks.append((rank if rank is not None else 10_000, shown_index, item_index))
        if all(rank == 10_000 for rank, _s, _i in ranks):
            return None
        return [item_index for _rank, _shown, item_index in sorted(ranks)]
    return None


def grade(payload: dict, response) -> float:
    """The fraction of the question's mark earned by ``response``, in [0, 1]."""
    if response is None:
        return 0.0
    qtype = payload["type"]
    if qtype == QuestionType.SINGLE:
        return 1.0 if payload["options"][response]["correct"] else 0.0
    if qtype == QuestionType.MULTIPLE:
        chosen = set(response)
        correct = {i for i, option in enumerate(payload["options"]) if option["correct"]}
        if not payload.get("partial"):
            return 1.0 if chosen == correct else 0.0
        earned = len(chosen & correct) / len(correct)
        if payload.get("negative"):
            earned -= len(chosen - correct) / len(correct)
        return min(1.0, max(0.0, earned))
    if qtype == QuestionType.TRUE_FALSE:
        return 1.0 if response is payload["answer"] else 0.0
    if qtype == QuestionType.SHORT_ANSWER:
        return 1.0 if any(_same_text(response, accepted, payload) for accepted in payload["accepted"]) else 0.0
    if qtype == QuestionType.NUMERIC:
        value = parse_number(response)
        if value is None:
            return 0.0
        return 1.0 if abs(value - payload["answer"]) <= payload["tolerance"] + 1e-9 else 0.0
    if qtype == QuestionType.MATCHING:
        pairs = len(payload["pairs"])
        return sum(1 for left, right in enumerate(response) if right == left) / pairs
    if qtype == QuestionType.ORDERING:
        items = len(payload["items"])
        return sum(1 for position, item in enumerate(response) if item == position) / items
    return 0.0


def parse_number(text) -> float | None:
    """Accept "30", "30,5", "30.5" and "1.234,5" (Vietnamese grouping)."""
    if isinstance(text, int | float):
        return float(text)
    cleaned = str(text).strip().replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _same_text(given: str, accepted: str, payload: dict) -> bool:
    if payload.get("ignore_diacritics", True):
        a, b = search_key(given), search_key(accepted)
        return (a == b) if not payload.get("case_sensitive") else (a == b and given.strip() == accepted.strip())
    given, accepted = " ".join(given.split()), " ".join(accepted.split())
    return given == accepted if payload.get("case_sensitive") else given.casefold() == accepted.casefold()


def response_display(payload: dict, response) -> str:
    """The learner's answer as text, for the review page and reports."""
    if response is None:
        return ""
    qtype = payload["type"]
    if qtype == QuestionType.SINGLE:
        return payload["options"][response]["text"]
    if qtype == QuestionType.MULTIPLE:
        return "; ".join(payload["options"][i]["text"] for i in response)
    if qtype == QuestionType.TRUE_FALSE:
        return "Đúng" if response else "Sai"
    if qtype in (QuestionType.SHORT_ANSWER, QuestionType.NUMERIC):
        return str(response)
    if qtype == QuestionType.MATCHING:
        return "; ".join(
            f"{payload['pairs'][left]['left']} → {payload['pairs'][right]['right'] if right is not None else '—'}"
            for left, right in enumerate(response)
        )
    if qtype == QuestionType.ORDERING:
        return " → ".join(payload["items"][i] for i in response)
    return ""


def correct_answer_display(payload: dict) -> str:
    qtype = payload["type"]
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return "; ".join(option["text"] for option in payload["options"] if option["correct"])
    if qtype == QuestionType.TRUE_FALSE:
        return "Đúng" if payload["answer"] else "Sai"
    if qtype == QuestionType.SHORT_ANSWER:
        return " / ".join(payload["accepted"])
    if qtype == QuestionType.NUMERIC:
        tolerance = f" ± {payload['tolerance']:g}" if payload["tolerance"] else ""
        return f"{payload['answer']:g}{tolerance} {payload.get('unit', '')}".strip()
    if qtype == QuestionType.MATCHING:
        return "; ".join(f"{pair['left']} → {pair['right']}" for pair in payload["pairs"])
    if qtype == QuestionType.ORDERING:
        return " → ".join(payload["items"])
    return ""


def feedback_for(payload: dict, response) -> list[str]:
    texts = []
    if payload["type"] == QuestionType.SINGLE and response is not None:
        texts.append(payload["options"][response].get("feedback", ""))
    if payload["type"] == QuestionType.MULTIPLE and response:
        texts.extend(payload["options"][i].get("feedback", "") for i in response)
    texts.append(payload.get("feedback", ""))
    return [text for text in texts if text]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
