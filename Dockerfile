# Convene server image.
#   docker build -t convene .
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://... -e ADMIN_EMAIL=... -e ADMIN_PASSWORD=... convene
# Without DATABASE_URL the server runs the embedded database in /app/.data: mount a volume there
# (-v convene-data:/app/.data) or the data is lost with the container. See docker-compose.yml.

# ---- build: compile TypeScript, then drop the dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Dependencies first, so this layer is reused while only the source changes.
# argon2 ships prebuilt binaries for linux x64/arm64 (glibc), so no compiler is needed.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
COPY web ./web
# Emits dist/src (the server), dist/migrations (imported by the server), dist/scripts, and the web
# client's static files in web/dist.
RUN npm run build \
 && npm prune --omit=dev

# ---- runtime ----
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/.data

# Application files stay owned by root, so the server cannot modify its own code.
# package.json is needed at run time: its "type": "module" makes node load dist/ as ESM.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist

# The only writable place: the embedded database (used when DATABASE_URL is unset).
# A named volume mounted here on first use takes this ownership, so the node user can write to it.
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 3000

# Liveness probe with node itself (the slim image has no curl/wget); any non-200 or error fails.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]

# node runs as PID 1 directly (not through npm or a shell), so it receives SIGTERM and
# main.ts closes the server and database cleanly on `docker stop`.
CMD ["node", "dist/src/main.js"]
