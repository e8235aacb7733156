from app.web.casework.views import bp

__all__ = ["bp"]
