# One image for the app and the worker (docker-compose.yml runs both from it).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN npm install --global pnpm@10.34.9
COPY package.json pnpm-lock.yaml ./
RUN pnpm install --frozen-lockfile

FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
# The config insists on a secret; this one only exists during the build and is never served.
RUN PAYLOAD_SECRET=build-time-placeholder pnpm build

FROM build AS runtime
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 NODE_OPTIONS=--no-deprecation
EXPOSE 3000
# Node itself, as `pnpm start` runs it but without pnpm and cross-env in between, so SIGTERM
# reaches the server (docker-compose.yml adds an init process to forward it).
CMD ["node", "node_modules/next/dist/bin/next", "start"]
