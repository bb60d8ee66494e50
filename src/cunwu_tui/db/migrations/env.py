"""Alembic environment: run programmatically by cunwu_tui.db.engine.upgrade."""

from alembic import context

from cunwu_tui.db import models  # noqa: F401  (registers the tables)
from sqlmodel import SQLModel

MIGRATE_LOCK_KEY = 0x63756E7776  # any constant, not the write lock's

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Two PCs starting a new version at once: the second waits here,
            # then finds the schema current (DDL is transactional there).
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATE_LOCK_KEY})")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
