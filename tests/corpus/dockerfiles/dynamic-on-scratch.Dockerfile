FROM golang:1.22-alpine AS builder
WORKDIR /src
COPY . .
# A position-independent executable: on Linux, Go links it dynamically, so it needs
# the loader /lib64/ld-linux-x86-64.so.2, which scratch does not have.
RUN go build -buildmode=pie -o /out/greeter .

FROM scratch
COPY --from=builder /out/greeter /greeter
USER 65532:65532
ENTRYPOINT ["/greeter"]
