from app.web.cases.views import bp

__all__ = ["bp"]
