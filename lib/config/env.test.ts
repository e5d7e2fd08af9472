import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/config/env";

describe("environment parsing", () => {
  it("fills in defaults for an empty environment", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      MEDPREF_HOME: ".medpref",
      PORT: 3000,
      MEDPREF_MAX_COMPLETION_BYTES: 204800,
      MEDPREF_LOGIN_MAX_FAILURES_PER_ACCOUNT: 5,
    });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("names every bad variable and why", () => {
    expect(() => parseEnv({ PORT: "eighty", DATABASE_URL: "mysql://x", MEDPREF_SEED_DEMO: "maybe" })).toThrow(EnvError);
    try {
      parseEnv({ PORT: "eighty", DATABASE_URL: "mysql://x" });
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT: /);
      expect((e as Error).message).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    }
  });

  it("treats empty strings as unset", () => {
    const env = parseEnv({ DATABASE_URL: "", PORT: "" });
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("requires the OIDC settings together", () => {
    expect(() => parseEnv({ OIDC_ISSUER: "https://idp.example.org" })).toThrow(
      /OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together/,
    );
    expect(parseEnv({ OIDC_ISSUER: "https://idp.example.org", OIDC_CLIENT_ID: "a", OIDC_CLIENT_SECRET: "b" }).OIDC_ISSUER).toBe(
      "https://idp.example.org",
    );
  });

  it("reads endpoint allow-lists as comma-separated lists, and refuses a malformed one", () => {
    expect(
      parseEnv({ MEDPREF_ENDPOINT_KEY_VARS: "VLLM_TOKEN, AZURE_*_KEY,", MEDPREF_ENDPOINT_ALLOWED_HOSTS: "API.openai.com,*.example.org" }),
    ).toMatchObject({
      MEDPREF_ENDPOINT_KEY_VARS: ["VLLM_TOKEN", "AZURE_*_KEY"],
      MEDPREF_ENDPOINT_ALLOWED_HOSTS: ["api.openai.com", "*.example.org"],
    });
    expect(() => parseEnv({ MEDPREF_ENDPOINT_KEY_VARS: "MY KEY" })).toThrow(
      /MEDPREF_ENDPOINT_KEY_VARS.*: comma-separated variable names or globs/,
    );
  });

  it("refuses a session secret that is too short", () => {
    expect(() => parseEnv({ NEXTAUTH_SECRET: "short" })).toThrow(/NEXTAUTH_SECRET: must be at least 32 characters/);
  });
});
