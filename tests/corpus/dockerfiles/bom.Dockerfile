# Lab 08 · go · solution

# Stage 1 has the toolchain. Nothing in it reaches the final image unless a later
# stage copies it out, so it can be as heavy as compiling needs.
FROM golang:1.22-alpine AS builder
WORKDIR /src
# The module file changes less often than the code: copying it first keeps the
# download step cached while you edit .go files.
COPY go.mod ./
RUN go mod download
COPY . .
# CGO_ENABLED=0 makes a static binary, so the runtime stage needs no C library.
# -trimpath and -s -w drop build paths and debug tables the server never uses.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/greeter .

# Stage 2 is what ships: a small base, one binary, and an unprivileged user.
FROM alpine:3.20
# A fixed uid above the system range, with no home and no password: an account
# that can run the server and nothing else.
RUN adduser -D -H -u 10001 app
COPY --from=builder /out/greeter /usr/local/bin/greeter
USER app
EXPOSE 8080
# Exec form: the server is PID 1 and receives SIGTERM from `docker stop` directly.
ENTRYPOINT ["/usr/local/bin/greeter"]
