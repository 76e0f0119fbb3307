# Builds the onboard server into a small image that runs as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/onboard .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/onboard /onboard
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/onboard"]
