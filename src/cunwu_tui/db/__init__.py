"""Database layer: SQLModel tables, the engine, Alembic migrations."""
