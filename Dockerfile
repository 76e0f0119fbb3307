# Builds the onboard server into a small image that runs as a non-root user.
#
# The build image matches go.mod's go line: official Go images set
# GOTOOLCHAIN=local, so an older patch release would refuse to build.
FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/onboard .

# Static binary (the SQLite driver is pure Go), no shell, uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/onboard /onboard
USER nonroot:nonroot
# The image's root is not writable by nonroot: keep the embedded database and
# the development secret (used when DATABASE_URL / JWT_SECRET are unset) in
# its home.
WORKDIR /home/nonroot
ENV DATA_DIR=/home/nonroot/data
# Listen on every interface of the container: development (the default
# ONBOARD_ENV) would otherwise listen on its loopback only, which nothing
# outside the container reaches. Which host interfaces reach it is the
# port publication's choice (docker-compose.yml: 127.0.0.1 only).
ENV ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/onboard"]
