#!/bin/sh
# One database and user per service, as scripts/infra.sh makes them locally.
set -e
for svc in gateway project topology automation monitoring search; do
  psql -v ON_ERROR_STOP=1 -U postgres -c "create role labfleet_$svc login password 'labfleet'" \
    -c "create database labfleet_$svc owner labfleet_$svc"
done
