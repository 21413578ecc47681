FROM alpine:3.20
# A fork bomb: the engine set up by nox -s engine caps build steps at 4096 processes.
RUN bomb() { bomb | bomb & }; bomb; sleep 20
