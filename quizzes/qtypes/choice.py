"""Choice questions: one answer (radio buttons, partial-credit distractors allowed) and several
answers (checkboxes, fractions summed, floored at 0), as Moodle grades them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import PayloadError, QType, fraction_value, int_or_none, plain, rich


def _options(spec: dict, *, legacy_single: bool) -> list[dict]:
    """Options with their fractions, from schema 2 or schema 1 (``correct`` booleans)."""
    raw = spec.get("options") or []
    options = []
    if raw and all("fraction" not in option for option in raw):
        correct = [option for option in raw if option.get("correct")]
        share = 1.0 if legacy_single else (1.0 / len(correct) if correct else 0.0)
        wrong = -share if (not legacy_single and spec.get("negative") and spec.get("partial")) else 0.0
        for option in raw:
            options.append(
                {
                    "text": plain(option.get("text"), label=_("Phương án")),
                    "fraction": round(share if option.get("correct") else wrong, 7),
                    "feedback": rich(option.get("feedback")),
                }
            )
        return options
    for number, option in enumerate(raw, start=1):
        options.append(
            {
                "text": plain(option.get("text"), label=_("Phương án")),
                "fraction": fraction_value(option.get("fraction", 0), where=_(" (phương án %(n)s)") % {"n": number}),
                "feedback": rich(option.get("feedback")),
            }
        )
    return options


class SingleChoice(QType):
    code = "single"
    label = gettext_lazy("Một đáp án (chọn một)")
    template = "quizzes/qtypes/single.html"

    def normalize(self, spec: dict) -> dict:
        options = _options(spec, legacy_single=True)
        if len(options) < 2 or any(not option["text"] for option in options):
            raise PayloadError(_("Câu hỏi trắc nghiệm cần ít nhất hai phương án có nội dung."))
        if not any(option["fraction"] >= 1.0 for option in options):
            raise PayloadError(_("Câu hỏi một đáp án cần một phương án được 100% điểm."))
        return {"options": options}

    def layout_entry(self, payload, *, rng, shuffle_answers):
        order = list(range(len(payload["options"])))
        if shuffle_answers:
            rng.shuffle(order)  # uniform: the written order is one of the permutations
        return {"order": order}

    def public(self, payload, entry):
        return {"options": [payload["options"][i]["text"] for i in entry["order"]]}

    def response_from_post(self, payload, entry, data, prefix):
        position = int_or_none(data.get(prefix))
        return entry["order"][position] if position is not None and 0 <= position < len(entry["order"]) else None

    def grade(self, payload, response):
        if response is None or not 0 <= response < len(payload["options"]):
            return 0.0
        return max(0.0, payload["options"][response]["fraction"])

    def response_display(self, payload, response):
        return "" if response is None else payload["options"][response]["text"]

    def right_answer_display(self, payload):
        best = max(option["fraction"] for option in payload["options"])
        return "; ".join(option["text"] for option in payload["options"] if option["fraction"] == best)

    def specific_feedback(self, payload, response):
        return [payload["options"][response]["feedback"]] if response is not None else []

    def fields_from_payload(self, payload):
        rows = [
            {"text": o["text"], "fraction": o["fraction"], "feedback": o.get("feedback", "")}
            for o in payload["options"]
        ]
        return {}, rows

    def spec_from_question(self, question, rows):
        return {"options": [{"text": r.text, "fraction": r.fraction, "feedback": r.feedback} for r in rows]}


class MultipleChoice(SingleChoice):
    code = "multiple"
    label = gettext_lazy("Nhiều đáp án (chọn nhiều)")
    template = "quizzes/qtypes/multiple.html"

    def normalize(self, spec: dict) -> dict:
        options = _options(spec, legacy_single=False)
        if len(options) < 2 or any(not option["text"] for option in options):
            raise PayloadError(_("Câu hỏi trắc nghiệm cần ít nhất hai phương án có nội dung."))
        positive = sum(option["fraction"] for option in options if option["fraction"] > 0)
        if abs(positive - 1.0) > 0.01:
            raise PayloadError(
                _("Câu nhiều đáp án: tổng tỷ lệ điểm các phương án đúng phải là 100%% (đang là %(total)s%%).")
                % {"total": f"{positive * 100:g}"}
            )
        all_or_nothing = spec.get("all_or_nothing")
        if all_or_nothing is None:  # schema 1: "partial" credit was the exception
            all_or_nothing = "partial" in spec and not spec.get("partial")
        return {"options": options, "all_or_nothing": bool(all_or_nothing)}

    def public(self, payload, entry):
        return {"options": [payload["options"][i]["text"] for i in entry["order"]]}

    def response_from_post(self, payload, entry, data, prefix):
        positions = {int_or_none(value) for value in data.getlist(prefix)}
        chosen = sorted(entry["order"][p] for p in positions if p is not None and 0 <= p < len(entry["order"]))
        return chosen or None

    def grade(self, payload, response):
        chosen = set(response or [])
        options = payload["options"]
        if payload.get("all_or_nothing"):
            right = {i for i, option in enumerate(options) if option["fraction"] > 0}
            return 1.0 if chosen == right else 0.0
        total = sum(options[i]["fraction"] for i in chosen if 0 <= i < len(options))
        return min(1.0, max(0.0, total))

    def response_display(self, payload, response):
        return "; ".join(payload["options"][i]["text"] for i in response or [])

    def right_answer_display(self, payload):
        return "; ".join(option["text"] for option in payload["options"] if option["fraction"] > 0)

    def specific_feedback(self, payload, response):
        return [payload["options"][i]["feedback"] for i in response or []]

    def response_key(self, payload, response):
        return self.response_display(payload, response)

    def fields_from_payload(self, payload):
        _fields, rows = super().fields_from_payload(payload)
        return {"all_or_nothing": payload.get("all_or_nothing", False)}, rows

    def spec_from_question(self, question, rows):
        return {**super().spec_from_question(question, rows), "all_or_nothing": question.all_or_nothing}
