"""Alembic environment: run against the engine the program hands over (never a config file)."""
from alembic import context
from sqlalchemy import text

from station_app.db.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    if connection.dialect.name == "postgresql":
        # Several PCs of a county may open a new server database at once: one upgrades, the others wait for
        # it here and then find nothing left to do.
        connection.execute(text("SELECT pg_advisory_xact_lock(4831201)"))
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
