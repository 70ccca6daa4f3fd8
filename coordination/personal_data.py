from .models import ReminderClaim


def reminder_rows(user) -> list[dict]:
    return [
        {"assignment": c.assignment.title if c.assignment else "", "kind": c.kind, "sent_at": c.sent_at}
        for c in ReminderClaim.objects.filter(user=user).select_related("assignment")
    ]
