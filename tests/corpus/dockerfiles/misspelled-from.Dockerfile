FORM golang:1.22-alpine
RUN go version
