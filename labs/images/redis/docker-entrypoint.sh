#!/bin/sh
# Like the official image's entrypoint: options alone mean options for redis-server, and
# root hands the server over to the `redis` user. Debian builds Redis with protected mode
# on; the official image builds it off, so that default is restored here, first on the
# command line so that the caller's own options (or a config file's) still win.
set -e
if [ "${1#-}" != "$1" ]; then
    set -- redis-server "$@"
fi
if [ "$1" = redis-server ]; then
    shift
    if [ $# -eq 0 ] || [ "${1#-}" != "$1" ]; then
        set -- redis-server --protected-mode no "$@"
    else
        set -- redis-server "$@"  # a config file comes first and decides for itself
    fi
    if [ "$(id -u)" = 0 ]; then
        find . \! -user redis -exec chown redis '{}' +
        exec gosu redis "$@"
    fi
fi
exec "$@"
