FROM alpine:3.20
RUN head -c 5100000000 /dev/zero > /big
USER 10001
