# Build: a static, pure-Go binary (SQLite is modernc's Go port, no cgo).
FROM golang:1.27-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/rollcall . \
 && mkdir -p /out/pb_data

# Run: a small image with wget for the health check, as a non-root user.
FROM alpine:3.20
RUN addgroup -S rollcall && adduser -S -G rollcall -H -h /pb_data rollcall
COPY --from=build /out/rollcall /usr/local/bin/rollcall
COPY --from=build --chown=rollcall:rollcall /out/pb_data /pb_data
USER rollcall
VOLUME /pb_data
EXPOSE 8090
# PocketBase's own liveness endpoint, left as PocketBase defines it.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8090/api/health || exit 1
ENTRYPOINT ["/usr/local/bin/rollcall"]
CMD ["serve", "--http=0.0.0.0:8090", "--dir=/pb_data"]
