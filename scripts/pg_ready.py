"""Exit 0 if the PostgreSQL server in argv[1] accepts a connection, else 1."""

import sys

import psycopg

try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except psycopg.Error as exc:
    print(f"cannot connect to {sys.argv[1]}: {exc}", file=sys.stderr)
    sys.exit(1)
