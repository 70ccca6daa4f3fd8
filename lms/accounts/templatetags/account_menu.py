from django import template

from lms.accounts.selectors import account_roles as account_roles_of

register = template.Library()


@register.simple_tag(takes_context=True)
def account_roles(context):
    """The signed-in person's roles for the account menu (cached; see ``account_roles``)."""
    request = context.get("request")
    return account_roles_of(request.user) if request is not None else None
