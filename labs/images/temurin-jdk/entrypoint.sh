#!/bin/sh
# Stands in for eclipse-temurin's /__cacert_entrypoint.sh. The real script can import
# extra CA certificates from /certificates when USE_SYSTEM_CA_CERTS is set; this one
# only says that it does not, then runs the command it was given.
if [ -n "${USE_SYSTEM_CA_CERTS:-}" ]; then
    echo "stand-in image: USE_SYSTEM_CA_CERTS is not supported, certificates left as they are" >&2
fi
exec "$@"
