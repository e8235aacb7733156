from app.web.people.views import bp

__all__ = ["bp"]
