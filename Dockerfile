# A small static image of claimlint for GitLab CI and other CIs (docs/ci.md). The binary is built
# against musl on Alpine and copied into an empty image: no shell, no libc, a few megabytes.
#   docker build -t claimlint .
#   docker run --rm -v "$PWD:/src" -w /src claimlint check --format concise content/
FROM rust:1.95-alpine AS build
RUN apk add --no-cache build-base musl-dev
WORKDIR /build
COPY . .
RUN cargo build --release --locked && strip target/release/claimlint

FROM scratch
COPY --from=build /build/target/release/claimlint /claimlint
WORKDIR /src
ENTRYPOINT ["/claimlint"]
CMD ["--help"]
