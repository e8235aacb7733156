from app.web.authorisation.views import bp

__all__ = ["bp"]
