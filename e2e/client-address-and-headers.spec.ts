import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { freePort, killAndWait } from "../tests/support/processes";
import { expect, test } from "./support/fixtures";
import { E2E_BASE_URL, E2E_STATE_FILE } from "./support/constants";
import { queryE2eDatabase } from "./support/database";
import { WEB_SERVER, tsxArgs } from "../lib/process/node-commands";

/**
 * The web server counts sign-in failures on the address it can trust: the TCP peer, or N hops
 * from the right of X-Forwarded-For behind N proxies. Requests go out from chosen loopback
 * addresses (127.0.0.x), so each case has its own peer address and its own counter.
 */
interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? "GET", headers: options.headers, localAddress: options.localAddress },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A next-auth credentials sign-in over plain HTTP; the refusal message, or null when signed in. */
async function signInOverHttp(
  base: string,
  email: string,
  password: string,
  from: { localAddress: string; forwardedFor?: string },
): Promise<string | null> {
  const csrf = await send(`${base}/api/auth/csrf`, { localAddress: from.localAddress });
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    cookie,
    // A client's copy of the server's own peer header is dropped.
    "x-medpref-peer-address": "198.51.100.250",
  };
  if (from.forwardedFor) headers["x-forwarded-for"] = from.forwardedFor;
  const res = await send(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    localAddress: from.localAddress,
    headers,
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
  });
  const location = res.headers.location ?? (JSON.parse(res.body) as { url: string }).url;
  return new URL(location, base).searchParams.get("error");
}

const WRONG = "Wrong email or password.";
const TOO_MANY = /^Too many failed sign-in attempts\. Try again in \d+ minutes?\.$/;

async function attemptsByAddress(emailPrefix: string) {
  return queryE2eDatabase<{ ip: string; n: number }>(
    `SELECT ip, count(*)::int AS n FROM login_attempts WHERE email LIKE $1 GROUP BY ip ORDER BY ip`,
    [`${emailPrefix}%`],
  );
}

test("with no trusted proxy, forged X-Forwarded-For addresses are counted on the real peer address", async () => {
  // The e2e server runs with MEDPREF_TRUSTED_PROXIES=0 and the default 20 failures per address.
  for (let i = 0; i < 20; i++) {
    expect(
      await signInOverHttp(E2E_BASE_URL, `xff0-${i}@medpref.test`, "wrong", { localAddress: "127.0.0.5", forwardedFor: `198.51.100.${i}` }),
    ).toBe(WRONG);
  }
  expect(
    await signInOverHttp(E2E_BASE_URL, "xff0-20@medpref.test", "wrong", { localAddress: "127.0.0.5", forwardedFor: "198.51.100.20" }),
  ).toMatch(TOO_MANY);
  expect(await attemptsByAddress("xff0-")).toEqual([{ ip: "127.0.0.5", n: 20 }]);
  // Another address is not affected.
  expect(await signInOverHttp(E2E_BASE_URL, "xff0-other@medpref.test", "wrong", { localAddress: "127.0.0.6" })).toBe(WRONG);
});

test.describe("behind one trusted proxy, on https", () => {
  let server: ChildProcess;
  let base: string;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    const state = JSON.parse(fs.readFileSync(E2E_STATE_FILE, "utf8")) as { databaseUrl: string; home: string };
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, tsxArgs("scripts/web-server.ts", [], WEB_SERVER), {
      env: {
        ...process.env,
        NODE_ENV: "production",
        MEDPREF_PROCESS: "web",
        MEDPREF_HOME: state.home,
        DATABASE_URL: state.databaseUrl,
        PORT: String(port),
        HOST: "127.0.0.1",
        NEXTAUTH_URL: "https://medpref.example",
        NEXTAUTH_SECRET: "e2e-secret-0123456789-0123456789-abcdef",
        MEDPREF_TRUSTED_PROXIES: "1",
        MEDPREF_LOGIN_MAX_FAILURES_PER_IP: "3",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    await expect
      .poll(async () => (await send(`${base}/api/health`).catch(() => null))?.status ?? 0, { timeout: 90_000, intervals: [250] })
      .toBe(200);
  });

  test.afterAll(async () => {
    await killAndWait(server, "SIGTERM");
  });

  test("the client is the address the proxy appended, not the forged entries before it", async () => {
    // The proxy (peer 127.0.0.7) appends the address it saw, 203.0.113.50, to what the client sent.
    for (let i = 0; i < 3; i++) {
      expect(
        await signInOverHttp(base, `xff1-${i}@medpref.test`, "wrong", {
          localAddress: "127.0.0.7",
          forwardedFor: `198.51.100.${i}, 203.0.113.50`,
        }),
      ).toBe(WRONG);
    }
    expect(
      await signInOverHttp(base, "xff1-3@medpref.test", "wrong", { localAddress: "127.0.0.7", forwardedFor: "198.51.100.3, 203.0.113.50" }),
    ).toMatch(TOO_MANY);
    expect(await attemptsByAddress("xff1-")).toEqual([{ ip: "203.0.113.50", n: 3 }]);
    // The same proxy forwarding another client is not affected.
    expect(
      await signInOverHttp(base, "xff1-other@medpref.test", "wrong", {
        localAddress: "127.0.0.7",
        forwardedFor: "198.51.100.3, 203.0.113.51",
      }),
    ).toBe(WRONG);
  });

  test("sends HSTS when the public URL is https", async () => {
    const res = await send(`${base}/api/health`);
    expect(res.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });
});

test("pages carry a per-request script nonce, no 'unsafe-inline' for scripts, and still work", async ({ page, request, signIn }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const first = await page.goto("/login");
  const policy = first!.headers()["content-security-policy"] ?? "";
  const scriptSrc =
    policy
      .split(";")
      .map((d) => d.trim())
      .find((d) => d.startsWith("script-src ")) ?? "";
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(scriptSrc)?.[1] ?? "";
  expect(scriptSrc).toBe(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
  expect(nonce.length).toBeGreaterThanOrEqual(24);
  // Every script of the page carries this response's nonce.
  const scriptNonces = await page.locator("script").evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect([...new Set(scriptNonces)]).toEqual([nonce]);
  // A new request, a new nonce.
  const again = await request.get("/login");
  expect(again.headers()["content-security-policy"]).not.toContain(nonce);
  expect(again.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'; /);
  // Scripts run: the sign-in form is a client component.
  await signIn("clinician");
  expect(violations).toEqual([]);
  // Plain http: no HSTS.
  expect(first!.headers()["strict-transport-security"]).toBeUndefined();
});

test("route handlers' responses are never cached and load nothing", async ({ request }) => {
  for (const path of [
    "/api/health",
    "/api/exports/00000000-0000-0000-0000-000000000000/zip",
    "/api/projects/e2e-project/annotation/progress",
  ]) {
    const res = await request.get(path);
    expect([path, res.headers()["cache-control"]]).toEqual([path, "no-store"]);
    expect(res.headers()["content-security-policy"]).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  }
});
