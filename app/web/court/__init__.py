from app.web.court.views import bp

__all__ = ["bp"]
