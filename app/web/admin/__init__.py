from app.web.admin.views import bp

__all__ = ["bp"]
