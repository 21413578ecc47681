WORKDIR /src
FROM alpine:3.20
