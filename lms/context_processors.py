from django.conf import settings


def site_shell(request):
    """Values every page's header and footer need."""
    return {"LANGUAGES_AVAILABLE": settings.LANGUAGES}
