FROM golang:1.22-alpine AS builder
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/greeter .

FROM alpine:3.20
COPY --from=bulider /out/greeter /usr/local/bin/greeter
ENTRYPOINT ["/usr/local/bin/greeter"]
