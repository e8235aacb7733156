from app.web.geofences.views import bp

__all__ = ["bp"]
