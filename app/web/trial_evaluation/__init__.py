from app.web.trial_evaluation.views import bp

__all__ = ["bp"]
