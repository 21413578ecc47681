FROM alpine:3.20
USER 10001
ENTRYPOINT ["sh", "-c", "trap \"\" TERM INT; while :; do sleep 1; done"]
