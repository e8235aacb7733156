from app.web.court import (
    dapo_views,  # noqa: F401 - registers the DAPO record pages on the blueprint
    records,  # noqa: F401 - registers the record pages on the blueprint
    requirements,  # noqa: F401 - a DAPO's requirements pages
)
from app.web.court.views import bp

__all__ = ["bp"]
