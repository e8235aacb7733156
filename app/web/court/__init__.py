from app.web.court import (
    records,  # noqa: F401 - registers the record pages on the blueprint
    requirements,  # noqa: F401 - a DAPO's requirements pages
)
from app.web.court.views import bp

__all__ = ["bp"]
