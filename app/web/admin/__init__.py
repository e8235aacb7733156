from app.web.admin import accounts  # noqa: F401 - registers one account's pages on bp
from app.web.admin.views import bp

__all__ = ["bp"]
