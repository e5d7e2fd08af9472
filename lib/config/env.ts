import { z } from "zod";
import { describeProblem, zodProblems } from "@/lib/errors/zod-problems";

/** Boolean env values: "1/true/yes/on" and "0/false/no/off"; anything else is an error. */
const booleanFlag = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off"], {
    error: "expected one of 1, 0, true, false, yes, no, on, off",
  })
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

/** "a, b,,c" → ["a", "b", "c"]. */
const commaList = (v: string) =>
  v
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
    MEDPREF_HOME: z.string().min(1).default(".medpref"),
    MEDPREF_PG_PORT: int(1024, 65535).default(54329),
    PORT: int(1, 65535).default(3000),
    // Loopback by default: `npm start` seeds demo accounts whose passwords it prints.
    HOST: z.string().min(1).default("127.0.0.1"),
    NEXTAUTH_URL: z.url().optional(),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_DISPLAY_NAME: z.string().min(1).default("Institutional sign-in"),
    MEDPREF_DB_POOL_MAX: int(1, 200).default(10),
    MEDPREF_DB_CONNECT_TIMEOUT_MS: int(100, 120_000).default(5_000),
    MEDPREF_MAX_COMPLETION_BYTES: int(1_024, 50_000_000).default(200 * 1024),
    MEDPREF_MAX_UPLOAD_BYTES: int(1_024, 64 * 1024 ** 3).default(2 * 1024 ** 3),
    MEDPREF_LOGIN_MAX_FAILURES_PER_ACCOUNT: int(1, 1000).default(5),
    MEDPREF_LOGIN_MAX_FAILURES_PER_IP: int(1, 100_000).default(20),
    MEDPREF_LOGIN_WINDOW_MINUTES: int(1, 24 * 60).default(15),
    MEDPREF_TRUSTED_PROXIES: int(0, 10).default(0),
    MEDPREF_SEED_DEMO: booleanFlag.optional(),
    MEDPREF_WORKER_CONCURRENCY: int(1, 512).default(16),
    MEDPREF_JUDGE_TIMEOUT_MS: int(100, 3_600_000).default(120_000),
    MEDPREF_BATCH_POLL_SECONDS: int(1, 3600).default(30),
    MEDPREF_ENDPOINT_KEY_VARS: z
      .string()
      .transform(commaList)
      .pipe(
        z
          .array(z.string().regex(/^[A-Za-z0-9_*?]+$/, "comma-separated variable names or globs (letters, digits, _, * and ?)"))
          .min(1, "name at least one variable or glob"),
      )
      .optional(),
    MEDPREF_ENDPOINT_ALLOWED_HOSTS: z
      .string()
      .transform((v) => commaList(v.toLowerCase()))
      .pipe(
        z
          .array(z.string().regex(/^[a-z0-9.*:\-]+$/, "comma-separated host names, globs (*.example.org) or IP addresses"))
          .min(1, "name at least one host"),
      )
      .optional(),
    MEDPREF_SESSION_IDLE_MINUTES: int(1, 7 * 24 * 60).default(60),
    MEDPREF_SESSION_MAX_HOURS: int(1, 30 * 24).default(12),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message: "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

/** Parses an environment; the error names every bad variable and why. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings count as unset, as shells and .env files often leave them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = zodProblems(result.error, "(env)").map((p) => `  ${describeProblem(p)}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The process environment, parsed once. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For the start scripts: the configuration, or its problems on stderr and exit code 1. */
export function envOrExit(): Env {
  try {
    return env();
  } catch (e) {
    process.stderr.write(`${e instanceof EnvError ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
