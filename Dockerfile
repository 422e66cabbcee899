# Multi-stage build: compile TypeScript and the web client in a build stage, ship only production
# dependencies, lib/ and web/dist/. `.dockerignore` keeps node_modules, lib, data folders and test output out
# of the build context.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
COPY config ./config
# The web client: Vite root web/ (its config in web/ too), built to web/dist by `npm run build`.
COPY web ./web
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production SERVER_ENV=production SERVER_ADDR=:8080 UPLOAD_DIR=/app/uploads
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
# Served at / by the server (web/dist relative to /app).
COPY --from=build /app/web/dist ./web/dist
COPY config ./config
COPY package.json ./
# Writable by the `node` user: uploads (a new named volume mounted here takes this owner) and data/ (PGlite,
# the generated local secret) when no PostgreSQL is configured.
RUN mkdir -p /app/uploads /app/data && chown node:node /app/uploads /app/data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8080/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "lib/src/index.js"]
