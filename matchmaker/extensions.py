"""Flask extensions, unbound; ``create_app`` binds them to an application."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from matchmaker.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
# Storage (Redis or memory) comes from RATELIMIT_STORAGE_URI at init_app; limits sit on the views
# (matchmaker.web.throttling). A moving window: a burst at a window's edge cannot double the limit.
limiter = Limiter(
    key_func=lambda: "unused",  # every limit names its own key
    headers_enabled=True,
    strategy="moving-window",
)
babel = Babel()
