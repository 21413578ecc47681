# Chapter 8 · one builder stage, four runtime stages. run.sh builds each runtime
# with --target, using the lab's Go server (labs/08-multi-stage/go/app) as context.
# Every runtime stage gets the same static binary and the same unprivileged uid, so
# the only thing that differs between them is the base.

FROM golang:1.22-alpine AS builder
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/greeter .

# A full Debian userland: bash, apt, glibc, coreutils.
FROM debian:bookworm-slim AS on-debian
COPY --from=builder /out/greeter /usr/local/bin/greeter
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/greeter"]

# A shell and a few hundred small tools, and little else.
FROM alpine:3.20 AS on-alpine
COPY --from=builder /out/greeter /usr/local/bin/greeter
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/greeter"]

# Certificates, time zones and /etc/passwd; no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot AS on-distroless
COPY --from=builder /out/greeter /greeter
USER 65532:65532
ENTRYPOINT ["/greeter"]

# Nothing at all: the image is the binary.
FROM scratch AS on-scratch
COPY --from=builder /out/greeter /greeter
USER 65532:65532
ENTRYPOINT ["/greeter"]
