from app.web.lapse.views import bp

__all__ = ["bp"]
