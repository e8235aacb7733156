from app.web.auth import password  # noqa: F401 - registers the change-password page on bp
from app.web.auth.views import bp

__all__ = ["bp"]
