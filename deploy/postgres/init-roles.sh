#!/bin/sh
# Run once by the PostgreSQL image when its data volume is new (/docker-entrypoint-initdb.d/).
# Two roles, as docs/ACCESS-LOG.md asks: familyhub_owner owns the tables (runs migrate and
# restore); familyhub_app is what the site and the worker use: it may read and write rows but
# owns nothing, so it cannot switch off the triggers that keep the access log append-only.
# On a server of your own, run the same statements as a superuser (docs/DEPLOY.md).
set -eu
: "${FAMILYHUB_OWNER_PASSWORD:?}" "${FAMILYHUB_APP_PASSWORD:?}"
psql --variable=ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set=owner_password="$FAMILYHUB_OWNER_PASSWORD" --set=app_password="$FAMILYHUB_APP_PASSWORD" <<'SQL'
CREATE ROLE familyhub_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE familyhub_app LOGIN PASSWORD :'app_password';
CREATE DATABASE familyhub OWNER familyhub_owner;
REVOKE ALL ON DATABASE familyhub FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE familyhub TO familyhub_app;
\connect familyhub
GRANT USAGE ON SCHEMA public TO familyhub_app;
GRANT CREATE ON SCHEMA public TO familyhub_owner;
ALTER DEFAULT PRIVILEGES FOR ROLE familyhub_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO familyhub_app;
ALTER DEFAULT PRIVILEGES FOR ROLE familyhub_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO familyhub_app;
SQL
