FROM golang:1.22-alpine AS builder
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/greeter .

# Two stages and a clean-looking runtime... that receives the builder's whole filesystem.
FROM scratch
COPY --from=builder / /
USER 10001
ENTRYPOINT ["/out/greeter"]
