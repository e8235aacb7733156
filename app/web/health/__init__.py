from app.web.health.views import bp

__all__ = ["bp"]
