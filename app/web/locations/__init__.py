from app.web.locations.views import bp

__all__ = ["bp"]
