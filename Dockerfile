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
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000
EXPOSE 3000
CMD ["pnpm", "start"]
