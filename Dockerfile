# syntax=docker/dockerfile:1
# Parley as one image: the server and the web UI, built once, run by the unprivileged
# `node` user. The same image runs a single node (SQLite in /app/data) or any number of
# nodes on PostgreSQL and Redis (compose.yaml). See the README's "Operating Parley".
#
#   docker build -t parley .
#   docker run -p 3000:3000 -v parley-data:/app/data parley

# --- build: dependencies with their native parts, then `npm run build` ----------------
FROM node:20-bookworm AS build
WORKDIR /app
# Manifests first: the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# typescript goes with the dev dependencies: Next.js 16 reads web/next.config.ts with its
# own SWC (15.4 needed typescript at run time, vercel/next.js#81798; 16.4.6 does not).
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf web/.next/cache

# --- run: the build, production dependencies only, no compilers ----------------------
FROM node:20-bookworm-slim AS run
# pg_dump and pg_restore for `npm run backup` / `restore` against PostgreSQL (15, as
# compose.yaml's server: pg_dump must be at least the server's version).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=file:/app/data/chat.db
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/schema ./schema
COPY --from=build --chown=root:root /app/web ./web
# The code is root's and read-only to the server; only its data (and Next's cache) is its own.
RUN mkdir -p /app/data /app/web/.next/cache && chown node:node /app/data /app/web/.next/cache
USER node
VOLUME ["/app/data"]
EXPOSE 3000
# /healthz: the process answers. (/readyz also checks the database and Redis: for a
# proxy or an orchestrator deciding where to send traffic, not for restarting.)
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself is PID 1 (not npm), so SIGTERM reaches the server: it drains for up to
# SHUTDOWN_DRAIN_MS and exits within SHUTDOWN_DEADLINE_MS (10 s); give it 15 s.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
