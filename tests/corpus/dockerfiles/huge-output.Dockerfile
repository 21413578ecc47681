FROM alpine:3.20
RUN yes | head -c 1000000000
