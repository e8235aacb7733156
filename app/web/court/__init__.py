from app.web.court import (
    dapo_views,  # noqa: F401 - registers the DAPO record pages on the blueprint
    records,  # noqa: F401 - registers the record pages on the blueprint
    requirements,  # noqa: F401 - a DAPO's requirements pages
    sought,  # noqa: F401 - what a DAPO should include, for the hearing papers
)
from app.web.court.views import bp

__all__ = ["bp"]
