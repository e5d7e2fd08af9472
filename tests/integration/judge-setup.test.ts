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
    process.env.MEDPREF_TEST_OPENAI_KEY = "sk-test-value";
    await createEndpoint({ name: "OpenAI", baseUrl: "https://api.openai.com/v1/", apiKeyEnv: "MEDPREF_TEST_OPENAI_KEY", modelPrices: { "gpt-4o": { inputPerMTok: 2.5, outputPerMTok: 10 } }, supportsStructuredOutput: true, supportsBatch: true }, adminId);
    const [endpoint] = await listEndpoints();
    expect(endpoint).toMatchObject({ name: "OpenAI", baseUrl: "https://api.openai.com/v1", apiKeyEnv: "MEDPREF_TEST_OPENAI_KEY", keyPresent: true });
    const raw = await db().$queryRaw<unknown[]>`SELECT * FROM llm_endpoints`;
    expect(JSON.stringify(raw)).not.toContain("sk-test-value");
    expect(estimateCostUsd(endpoint!.modelPrices, "gpt-4o", 1_000_000, 100_000)).toBeCloseTo(3.5);
  });

  it("refuses a pasted key, a bad variable name, a bad URL and a duplicate name, with the field", async () => {
    await expect(createEndpoint({ name: "x", baseUrl: "https://a.example/v1", apiKeyEnv: "sk-live-abcdef" }, adminId)).rejects.toMatchObject({ field: "apiKeyEnv" });
    await expect(createEndpoint({ name: "x", baseUrl: "https://a.example/v1", apiKeyEnv: "MY KEY" }, adminId)).rejects.toThrow(/NAME of an environment variable/);
    await expect(createEndpoint({ name: "x", baseUrl: "ftp://a.example", apiKeyEnv: "K" }, adminId)).rejects.toThrow(/http/);
    await expect(createEndpoint({ name: "OpenAI", baseUrl: "https://b.example/v1", apiKeyEnv: "K" }, adminId)).rejects.toThrow(/already exists/);
  });
});

describe("judge templates", () => {
  it("writes the built-ins once and an edit as a new version, keeping the old one", async () => {
    await ensureBuiltInTemplates();
    await ensureBuiltInTemplates();
    expect((await latestTemplates()).map((t) => [t.key, t.version])).toEqual([["exam-with-reference", 1], ["open-ended", 1], ["pairwise", 1]]);
    const v1 = (await latestTemplates()).find((t) => t.key === "open-ended")!;
    const v2 = await editTemplate("open-ended", { name: v1.name, systemPrompt: "Be strict.", userTemplate: v1.userTemplate }, adminId);
    expect(v2.version).toBe(2);
    expect(await db().judgeTemplate.count({ where: { key: "open-ended" } })).toBe(2);
    await expect(db().judgeTemplate.update({ where: { id: v1.id }, data: { systemPrompt: "rewritten" } })).rejects.toThrow(/immutable/);
    await expect(editTemplate("open-ended", { name: "x", systemPrompt: "s", userTemplate: "no placeholders" }, adminId)).rejects.toThrow(/\{\{responses\}\}/);
  });
});
