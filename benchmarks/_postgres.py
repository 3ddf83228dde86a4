"""The benchmarks' own PostgreSQL databases, dropped and created afresh for each run."""

from __future__ import annotations


def postgres_recreated(url: str) -> bool:
    """Drop and create the database `url` names; False if the server is unreachable."""
    import psycopg

    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return False
    return True
