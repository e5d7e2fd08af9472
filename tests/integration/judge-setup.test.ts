import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/prisma";
import { createEndpoint, estimateCostUsd, listEndpoints } from "@/lib/judge/endpoints";
import { editTemplate, ensureBuiltInTemplates, latestTemplates } from "@/lib/judge/judge-templates";
import { createUser } from "@/lib/users/manage-users";
import { useFreshDatabase } from "../support/test-database";

let adminId: string;
beforeAll(async () => {
  await useFreshDatabase();
  adminId = (await createUser({ email: "judge-admin@hospital.example", role: "admin" }, null)).user.id;
});

describe("judge endpoints", () => {
  it("stores the name of the key's environment variable, never a key, and reports whether it is set", async () => {
    process.env.MEDPREF_KEY_TEST_OPENAI = "sk-test-value";
    await createEndpoint(
      {
        name: "OpenAI",
        baseUrl: "https://api.openai.com/v1/",
        apiKeyEnv: "MEDPREF_KEY_TEST_OPENAI",
        modelPrices: { "gpt-4o": { inputPerMTok: 2.5, outputPerMTok: 10 } },
        supportsStructuredOutput: true,
        supportsBatch: true,
      },
      adminId,
    );
    const [endpoint] = await listEndpoints();
    expect(endpoint).toMatchObject({
      name: "OpenAI",
      baseUrl: "https://api.openai.com/v1",
      apiKeyEnv: "MEDPREF_KEY_TEST_OPENAI",
      keyPresent: true,
    });
    const raw = await db().$queryRaw<unknown[]>`SELECT * FROM llm_endpoints`;
    expect(JSON.stringify(raw)).not.toContain("sk-test-value");
    expect(estimateCostUsd(endpoint!.modelPrices, "gpt-4o", 1_000_000, 100_000)).toBeCloseTo(3.5);
  });

  it("refuses a pasted key, a bad variable name, a bad URL and a duplicate name, with the field", async () => {
    await expect(
      createEndpoint({ name: "x", baseUrl: "https://a.example/v1", apiKeyEnv: "sk-live-abcdef" }, adminId),
    ).rejects.toMatchObject({ field: "apiKeyEnv" });
    await expect(createEndpoint({ name: "x", baseUrl: "https://a.example/v1", apiKeyEnv: "MY KEY" }, adminId)).rejects.toThrow(
      /NAME of an environment variable/,
    );
    await expect(createEndpoint({ name: "x", baseUrl: "ftp://a.example", apiKeyEnv: "K" }, adminId)).rejects.toThrow(/http/);
    await expect(createEndpoint({ name: "OpenAI", baseUrl: "https://b.example/v1", apiKeyEnv: "OPENAI_API_KEY" }, adminId)).rejects.toThrow(
      /already exists/,
    );
  });

  it("refuses a key variable MedPref itself reads (NEXTAUTH_SECRET…) or outside the allow-list, and a metadata address, storing nothing", async () => {
    const before = await db().llmEndpoint.count();
    for (const name of ["NEXTAUTH_SECRET", "DATABASE_URL", "OIDC_CLIENT_SECRET", "PGPASSWORD", "MEDPREF_DATABASE_URL"]) {
      await expect(createEndpoint({ name: "steal", baseUrl: "http://127.0.0.1:9/v1", apiKeyEnv: name }, adminId)).rejects.toMatchObject({
        field: "apiKeyEnv",
        message: `Key variable: ${name} is a variable MedPref itself reads, so it can never be an endpoint's key. Put the key in a variable matching MEDPREF_KEY_*, *_API_KEY.`,
      });
    }
    await expect(createEndpoint({ name: "steal", baseUrl: "http://127.0.0.1:9/v1", apiKeyEnv: "HOME" }, adminId)).rejects.toMatchObject({
      field: "apiKeyEnv",
      message: expect.stringMatching(/^Key variable: HOME is not an allowed key variable/),
    });
    await expect(
      createEndpoint({ name: "steal", baseUrl: "http://169.254.169.254/latest/meta-data", apiKeyEnv: "OPENAI_API_KEY" }, adminId),
    ).rejects.toMatchObject({
      field: "baseUrl",
      message: "Base URL: 169.254.169.254 is a link-local or cloud metadata address; endpoints may never point there.",
    });
    expect(await db().llmEndpoint.count()).toBe(before);
  });

  it("tells whether a key is set only for allowed variable names (an older row naming NEXTAUTH_SECRET is not probed)", async () => {
    process.env.NEXTAUTH_SECRET ??= "a-secret-that-is-set-on-this-server-0123456789";
    await db().llmEndpoint.create({ data: { name: "legacy", baseUrl: "http://127.0.0.1:9/v1", apiKeyEnv: "NEXTAUTH_SECRET" } });
    const legacy = (await listEndpoints()).find((e) => e.name === "legacy")!;
    expect(legacy.keyPresent).toBeNull();
    expect(legacy.keyRefused).toMatch(/^NEXTAUTH_SECRET is a variable MedPref itself reads/);
    expect((await listEndpoints()).find((e) => e.name === "OpenAI")).toMatchObject({ keyPresent: true, keyRefused: null });
  });
});

describe("judge templates", () => {
  it("writes the built-ins once and an edit as a new version, keeping the old one", async () => {
    await ensureBuiltInTemplates();
    await ensureBuiltInTemplates();
    expect((await latestTemplates()).map((t) => [t.key, t.version])).toEqual([
      ["exam-with-reference", 1],
      ["open-ended", 1],
      ["open-ended-critiques", 1],
      ["pairwise", 1],
    ]);
    const v1 = (await latestTemplates()).find((t) => t.key === "open-ended")!;
    const v2 = await editTemplate("open-ended", { name: v1.name, systemPrompt: "Be strict.", userTemplate: v1.userTemplate }, adminId);
    expect(v2.version).toBe(2);
    expect(await db().judgeTemplate.count({ where: { key: "open-ended" } })).toBe(2);
    await expect(db().judgeTemplate.update({ where: { id: v1.id }, data: { systemPrompt: "rewritten" } })).rejects.toThrow(/immutable/);
    await expect(editTemplate("open-ended", { name: "x", systemPrompt: "s", userTemplate: "no placeholders" }, adminId)).rejects.toThrow(
      /\{\{responses\}\}/,
    );
  });
});
