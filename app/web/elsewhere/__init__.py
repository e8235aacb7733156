from app.web.elsewhere.views import bp

__all__ = ["bp"]
