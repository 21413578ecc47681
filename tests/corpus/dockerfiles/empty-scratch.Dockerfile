FROM golang:1.22-alpine AS builder
WORKDIR /src
COPY . .

FROM scratch
COPY --from=builder /src/go.mod /go.mod
USER 10001
