from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read the English source messages; the site's default language is Chinese."""
    with translation.override("en"):
        yield
