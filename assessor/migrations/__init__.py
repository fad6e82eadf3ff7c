"""Alembic migrations of the results store; run programmatically by `assessor.store.open_store`."""
