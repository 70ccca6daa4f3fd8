import pytest

from courses import completion


@pytest.fixture
def completion_events():
    """Record every completion event the completion service publishes."""
    events = []
    completion.register_completion_hook("test-recorder", events.append)
    yield events
    completion.unregister("test-recorder")
