from app.web.referrals.views import bp

__all__ = ["bp"]
