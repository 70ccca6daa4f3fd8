"""Questions with several parts: matching (each left matched to a right; distractor rights allowed)
and ordering (items put in order). Both are always shown in a uniformly random order."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import PayloadError, QType, int_or_none, plain


class Matching(QType):
    code = "matching"
    label = gettext_lazy("Ghép cặp")
    template = "quizzes/qtypes/matching.html"

    def normalize(self, spec):
        pairs = [
            {"left": plain(pair.get("left"), label=_("Vế trái")), "right": plain(pair.get("right"), label=_("Vế phải"))}
            for pair in spec.get("pairs", [])
        ]
        pairs = [pair for pair in pairs if pair["right"]]
        if sum(1 for pair in pairs if pair["left"]) < 2:
            raise PayloadError(_("Câu ghép cặp cần ít nhất hai cặp."))
        return {"pairs": pairs}

    def _lefts(self, payload) -> list[int]:
        return [i for i, pair in enumerate(payload["pairs"]) if pair["left"]]

    def layout_entry(self, payload, *, rng, shuffle_answers):
        order = list(range(len(payload["pairs"])))
        rng.shuffle(order)  # always, and uniformly: the written order is one permutation among all
        return {"order": order}

    def public(self, payload, entry):
        return {
            "lefts": [payload["pairs"][i]["left"] for i in self._lefts(payload)],
            "rights": [payload["pairs"][i]["right"] for i in entry["order"]],
        }

    def response_from_post(self, payload, entry, data, prefix):
        chosen = []
        for shown, _left in enumerate(self._lefts(payload)):
            position = int_or_none(data.get(f"{prefix}_{shown}"))
            valid = position is not None and 0 <= position < len(entry["order"])
            chosen.append(entry["order"][position] if valid else None)
        return chosen if any(c is not None for c in chosen) else None

    def grade(self, payload, response):
        lefts = self._lefts(payload)
        if not response:
            return 0.0
        right = sum(1 for shown, left in enumerate(lefts) if shown < len(response) and response[shown] == left)
        return right / len(lefts)

    def response_display(self, payload, response):
        if not response:
            return ""
        pairs = payload["pairs"]

        def chosen(shown: int) -> str:
            index = response[shown] if shown < len(response) else None
            return pairs[index]["right"] if index is not None else "—"

        return "; ".join(f"{pairs[left]['left']} → {chosen(shown)}" for shown, left in enumerate(self._lefts(payload)))

    def right_answer_display(self, payload):
        return "; ".join(f"{pair['left']} → {pair['right']}" for pair in payload["pairs"] if pair["left"])

    def fields_from_payload(self, payload):
        return {}, [{"text": pair["left"], "match": pair["right"]} for pair in payload["pairs"]]

    def spec_from_question(self, question, rows):
        return {"pairs": [{"left": r.text, "right": r.match} for r in rows]}


class Ordering(QType):
    code = "ordering"
    label = gettext_lazy("Sắp xếp thứ tự")
    template = "quizzes/qtypes/ordering.html"
    in_gift = False

    def normalize(self, spec):
        items = [plain(item, label=_("Mục")) for item in spec.get("items", [])]
        items = [item for item in items if item]
        if len(items) < 2:
            raise PayloadError(_("Câu sắp xếp cần ít nhất hai mục."))
        return {"items": items}

    def layout_entry(self, payload, *, rng, shuffle_answers):
        order = list(range(len(payload["items"])))
        rng.shuffle(order)  # uniformly
        return {"order": order}

    def public(self, payload, entry):
        return {"items": [payload["items"][i] for i in entry["order"]]}

    def response_from_post(self, payload, entry, data, prefix):
        ranks = []
        for shown, item in enumerate(entry["order"]):
            rank = int_or_none(data.get(f"{prefix}_{shown}"))
            ranks.append((rank if rank is not None else 10_000, shown, item))
        if all(rank == 10_000 for rank, _shown, _item in ranks):
            return None
        return [item for _rank, _shown, item in sorted(ranks)]

    def grade(self, payload, response):
        if not response:
            return 0.0
        return sum(1 for position, item in enumerate(response) if item == position) / len(payload["items"])

    def response_display(self, payload, response):
        return " → ".join(payload["items"][i] for i in response or [])

    def right_answer_display(self, payload):
        return " → ".join(payload["items"])

    def fields_from_payload(self, payload):
        return {}, [{"text": item} for item in payload["items"]]

    def spec_from_question(self, question, rows):
        return {"items": [r.text for r in rows]}
