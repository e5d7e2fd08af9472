// The web server: Next.js inside MedPref's own small HTTP server (`npm run web`, also started by
// `npm start`). Route handlers cannot see the TCP peer, so this server writes the peer's address
// into a header Next passes on (and deletes any client's copy): sign-in throttling counts the
// real client (lib/auth/client-ip.ts). `--dev` runs Next in development mode.
export {};
import http from "node:http";

process.env.MEDPREF_PROCESS ??= "web";
process.env.NEXT_TELEMETRY_DISABLED = "1";
const dev = process.argv.includes("--dev");

const { envOrExit } = await import("@/lib/config/env");
const config = envOrExit();
const { markPeerHeaderTrusted, stampPeerAddress } = await import("@/lib/auth/client-ip");
const { logger } = await import("@/lib/logger");
const { default: next } = await import("next");

// HSTS only where the public URL is https: on plain http it would be ignored, or lock a
// developer's localhost out of http.
const https = (config.NEXTAUTH_URL ?? "").startsWith("https://");

markPeerHeaderTrusted();
const server = http.createServer((req, res) => {
  stampPeerAddress(req);
  // Headers set before handing over are kept unless Next sets the same one.
  if (https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  handle(req, res).catch((err: unknown) => {
    logger.error({ err }, "request failed");
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
// Next gets the server too, for its development-mode websocket (hot reload).
const app = next({ dev, dir: process.cwd(), hostname: config.HOST, port: config.PORT, httpServer: server });
const handle = app.getRequestHandler();
await app.prepare();
server.listen(config.PORT, config.HOST, () => {
  logger.info({ host: config.HOST, port: config.PORT, dev }, "web server listening");
});

// The database connection is closed by instrumentation-node.ts on the same signals.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => server.close());
