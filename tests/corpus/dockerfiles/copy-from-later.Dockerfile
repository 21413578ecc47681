FROM alpine:3.20
COPY --from=later /x /x
FROM alpine:3.20 AS later
