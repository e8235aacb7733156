from app.web.patrol.views import bp

__all__ = ["bp"]
