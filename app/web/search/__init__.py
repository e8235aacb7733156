from app.web.search.views import bp

__all__ = ["bp"]
