FROM golang:1.22-alpine AS
RUN true
