from app.web.figures.views import bp

__all__ = ["bp"]
