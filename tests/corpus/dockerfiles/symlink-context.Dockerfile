FROM alpine:3.20
# The context holds a symlink to /etc/shadow: COPY must take the link, never the file.
COPY leak /leak
USER 10001
