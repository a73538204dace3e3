# syntax=docker/dockerfile:1
# wakegate container image. Build from the repository root:
#   docker build -t wakegate:dev .
# Two stages: the build stage has the dev dependencies (TypeScript) and compiles src/ to dist/; the
# runtime stage has only production dependencies, dist/ and examples/, and runs as a non-root user.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so the layer is reused until package*.json change. --ignore-scripts: the
# `prepare` script (npm run build) needs src/, which is copied afterwards; the build runs below.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
# Keep VERSION equal to package.json's version; a release build passes both:
#   docker build --build-arg VERSION="$(node -p 'require("./package.json").version')" --build-arg REVISION="$(git rev-parse HEAD)" .
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="wakegate" \
      org.opencontainers.image.description="A low-latency reverse proxy that wakes scaled-to-zero environments on request and puts idle ones to sleep" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/wakegate/wakegate" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
ENV NODE_ENV=production
WORKDIR /app
# Production dependencies only. --ignore-scripts: `prepare` would run tsc, which is a dev dependency,
# and no production dependency has an install script of its own.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
# The bundled demo (`serve` with no config) and the example configs.
COPY examples ./examples
# Everything above is owned by root and read-only to the process. 1000 is the image's `node` user,
# given as a number so Kubernetes can check runAsNonRoot without a passwd lookup.
USER 1000:1000
# 8080: the proxy (listen). 9090: the admin server (admin.listen; 127.0.0.1 unless configured,
# so publish it with WAKEGATE_ADMIN_LISTEN=0.0.0.0:9090).
EXPOSE 8080 9090
# For `docker run` and Compose; Kubernetes ignores HEALTHCHECK and uses the probes in manifests/.
# node itself makes the request: the slim image has no curl or wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "require('node:http').get('http://127.0.0.1:9090/healthz', (res) => process.exit(res.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1)).setTimeout(3000, function () { this.destroy(new Error('timeout')); })"]
# Exec form: node is PID 1 and receives SIGTERM itself; wakegate's own handlers drain and exit 0.
# No shell in between, which would not forward the signal.
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
