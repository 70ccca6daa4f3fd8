"""The signed-in learner's learning on pages of the layers below (the home page): templates ask
here, so cms never imports courses."""

from django import template

from ..selectors import learner_home_for

register = template.Library()


@register.simple_tag(takes_context=True)
def learner_home(context):
    """``LearnerHome`` of the signed-in learner (one query), else None."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return learner_home_for(user=request.user)
