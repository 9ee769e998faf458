# syntax=docker/dockerfile:1

# Build stage: compile native modules (sqlite3) and TypeScript, then drop dev dependencies.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci && npm prune --omit=dev

# Runtime stage: no compilers, no dev dependencies, a non-root user, state on a volume.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
# `threadline` on the PATH, for `docker exec <container> threadline …`.
RUN mkdir -p /app/data && chown node:node /app/data \
 && chmod +x dist/cli.js && ln -s /app/dist/cli.js /usr/local/bin/threadline
USER node
VOLUME ["/app/data"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["start"]
