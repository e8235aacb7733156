from app.web.admin import (
    accounts,  # noqa: F401 - registers one account's pages on bp
    devices,  # noqa: F401 - registers the work devices' pages on bp
    emails,  # noqa: F401 - registers the Emails page on the blueprint
)
from app.web.admin.views import bp

__all__ = ["bp"]
