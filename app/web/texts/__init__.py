from app.web.texts.views import bp

__all__ = ["bp"]
