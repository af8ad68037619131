"""Flask extensions as module singletons, bound to an app in ``create_app``."""

from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Session


class Base(DeclarativeBase):
    """Declarative base shared by every model (typed SQLAlchemy 2.0 mappings)."""


# A request commits more than once (a rate-limit count, the step it reached, …) and then renders
# what it just wrote: objects keep their loaded state across a commit instead of being read
# again, row by row. The session ends with the request, so nothing outlives it; code that needs
# another writer's value reads it (``UPDATE … RETURNING``, ``refresh``).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


@event.listens_for(Session, "loaded_as_persistent")
def _keep_for_the_request(session: Session, instance: object) -> None:
    """The identity map holds objects weakly: a client, subscriber or certificate looked up by
    id, used and let go would be read again by the next lookup of the same request. The session
    keeps what it loaded until it ends (with the request), so ``session.get`` finds it."""
    session.info.setdefault("loaded", []).append(instance)


migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
htmx = Htmx()
babel = Babel()
