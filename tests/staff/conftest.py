from tests.storage.clinic_db_fixtures import backend, clinic, db_url, engine, factory  # noqa: F401 (fixtures)
