from app.web.court import (
    dapo_views,  # noqa: F401 - registers the DAPO record pages on the blueprint
    records,  # noqa: F401 - registers the record pages on the blueprint
)
from app.web.court.views import bp

__all__ = ["bp"]
