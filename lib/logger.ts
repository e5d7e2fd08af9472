import pino from "pino";
import { env } from "@/lib/config/env";

/** One logger for web, worker and CLI. Secrets are redacted wherever they appear. */
export const logger = pino({
  level: env().LOG_LEVEL,
  base: { service: process.env.MEDPREF_PROCESS ?? "medpref" },
  redact: {
    paths: [
      "password",
      "*.password",
      "passwordHash",
      "*.passwordHash",
      "token",
      "*.token",
      "apiKey",
      "*.apiKey",
      "authorization",
      "*.authorization",
      "headers.cookie",
    ],
    censor: "[redacted]",
  },
});
