# upstream-doctor: the Slack bot and the workers (see docker-compose.yml). Two stages: the build stage has the
# dev dependencies (TypeScript) and compiles; the runtime stage gets the compiled JavaScript and production
# dependencies only, and runs as the unprivileged `node` user (uid 1000) of the official image.
# No openssh-client: SSH is ssh2, in JavaScript. No nginx, sshd or iproute2: `demo` and the lab are not for
# containers (they need root and network namespaces on the machine).

# ---- build ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (the build) needs the sources, copied below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
# The build bundles the CLI after tsc (scripts/bundle.ts, with esbuild from the dev dependencies).
COPY scripts/bundle.ts ./scripts/
COPY src ./src
COPY lab ./lab
RUN npm run build

# ---- runtime ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. --ignore-scripts: `prepare` would run the TypeScript build, which this stage
# neither needs nor has; the native add-ons that install scripts would build are optional (msgpackr and ssh2
# fall back to JavaScript).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY manifest.yml ./
# The audit trail's directory, owned by `node`: a named volume mounted here starts with this ownership, and
# the rest of /app stays read-only to the process.
RUN mkdir -p /var/lib/upstream-doctor && chown node:node /var/lib/upstream-doctor
USER node
ENV HOME=/home/node
# 3000: the bot's HTTP endpoint (/slack/events, /healthz); 9464: a worker's /healthz and /metrics.
EXPOSE 3000 9464
ENTRYPOINT ["node", "bin/upstream-doctor.js"]
CMD ["help"]
