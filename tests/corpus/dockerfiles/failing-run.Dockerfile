FROM alpine:3.20
RUN exit 3
