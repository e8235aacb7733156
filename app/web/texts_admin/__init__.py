from app.web.texts_admin.views import bp

__all__ = ["bp"]
