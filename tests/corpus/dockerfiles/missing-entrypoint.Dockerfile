FROM golang:1.22-alpine AS builder
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/greeter .

FROM alpine:3.20
COPY --from=builder /out/greeter /greeter
USER 10001
ENTRYPOINT ["/no/such/binary"]
