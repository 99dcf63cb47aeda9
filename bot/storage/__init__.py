"""The clinic database (SQLAlchemy 1.4, 2.0 style): models, engine, migrations, services.

Entry points for other packages:
  engine:        make_engine, make_sessionmaker, session_scope, check_reachable
  migrations:    upgrade, require_current_schema (python -m bot.storage upgrade)
  services:      bot.storage.booking, bot.storage.conversations, bot.storage.validation
"""
from bot.storage.engine import (
    DatabaseUnavailable, check_reachable, database_url, make_engine, make_sessionmaker, session_scope,
)
from bot.storage.migrate import SchemaNotCurrent, require_current_schema, upgrade

__all__ = [
    "DatabaseUnavailable", "SchemaNotCurrent", "check_reachable", "database_url", "make_engine",
    "make_sessionmaker", "require_current_schema", "session_scope", "upgrade",
]
