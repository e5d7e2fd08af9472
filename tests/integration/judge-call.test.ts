import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callJudge, judgeClient } from "@/lib/judge/call-judge";
import { BUILT_IN_TEMPLATES, renderJudgePrompt } from "@/lib/judge/templates";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  process.env.MEDPREF_KEY_TEST_JUDGE = "sk-test-not-a-real-key";
});
afterAll(() => fake.close());

const template = BUILT_IN_TEMPLATES.find((t) => t.key === "open-ended")!;
// Shown order: qualities 3, 9, 5 → the judge ranks Response 2, then 3, then 1.
const prompt = renderJudgePrompt(template, {
  question: "Best first-line drug?",
  reference: null,
  responses: ["A [[q=3]]", "B [[q=9]]", "C [[q=5]]"],
});

function judge(options: { structured?: boolean; maxRepairs?: number; maxRetries?: number } = {}) {
  const client = judgeClient(
    { baseUrl: fake.url, apiKeyEnv: "MEDPREF_KEY_TEST_JUDGE" },
    { maxRetries: options.maxRetries ?? 3, timeoutMs: 2_000 },
  );
  return callJudge({
    client,
    model: "judge-model",
    temperature: 0,
    systemPrompt: template.systemPrompt,
    userPrompt: prompt,
    candidates: 3,
    structuredOutputs: options.structured ?? false,
    maxRepairs: options.maxRepairs ?? 2,
  });
}

describe("calling an LLM judge", () => {
  it("sends nothing to a link-local or metadata address, even from an endpoint saved before the rules", async () => {
    const client = judgeClient(
      { baseUrl: "http://169.254.169.254/latest", apiKeyEnv: "MEDPREF_KEY_TEST_JUDGE" },
      { maxRetries: 0, timeoutMs: 2_000 },
    );
    const outcome = await callJudge({
      client,
      model: "judge-model",
      temperature: 0,
      systemPrompt: "s",
      userPrompt: prompt,
      candidates: 3,
      structuredOutputs: false,
      maxRepairs: 0,
    });
    expect(outcome).toMatchObject({
      ok: false,
      transport: false,
      problems: [
        "Refused by the endpoint policy: 169.254.169.254 is a link-local or cloud metadata address; endpoints may never point there.",
      ],
    });
    expect(() => judgeClient({ baseUrl: fake.url, apiKeyEnv: "DATABASE_URL" })).toThrow(
      /^Refused by the endpoint policy: DATABASE_URL is a variable MedPref itself reads/,
    );
  });

  it("gets a ranking that maps shown positions to the judge's verdict, with Structured Outputs", async () => {
    const outcome = await judge({ structured: true });
    expect(outcome.ok && Object.fromEntries(outcome.answer.ranks)).toEqual({ 2: 1, 3: 2, 1: 3 });
    const sent = fake.calls.at(-1)!;
    expect(sent.body.response_format).toMatchObject({ type: "json_schema" });
    expect(sent.authorization).toBe("Bearer sk-test-not-a-real-key");
    expect(JSON.stringify(outcome.attempts)).not.toContain("sk-test-not-a-real-key");
  });

  it("extracts the JSON from prose without Structured Outputs", async () => {
    fake.script({ kind: "prose" });
    const outcome = await judge();
    expect(outcome.ok).toBe(true);
    expect(fake.calls.at(-1)!.body.response_format).toBeUndefined();
  });

  it("repairs a ranking that misses or repeats a candidate, and malformed JSON", async () => {
    fake.script({ kind: "missing" }, { kind: "repeat" });
    const repaired = await judge();
    expect(repaired.ok).toBe(true);
    expect(repaired.attempts.map((a) => a.problems.length > 0)).toEqual([true, true, false]);
    const lastRequest = repaired.attempts.at(-1)!.request.messages;
    expect(lastRequest.at(-1)!.content).toMatch(/^Your answer could not be used: the ranking lists Response \d more than once/);
    fake.script({ kind: "malformed" });
    expect((await judge()).ok).toBe(true);
  });

  it("records the call as failed, raw answers kept, after R repairs", async () => {
    fake.script({ kind: "missing" }, { kind: "missing" }, { kind: "missing" });
    const outcome = await judge({ maxRepairs: 2 });
    expect(outcome.ok).toBe(false);
    expect(outcome.attempts).toHaveLength(3);
    expect(outcome.attempts.every((a) => a.content !== null && a.response !== null)).toBe(true);
  });

  it("retries a 429 after its Retry-After, and a 500", async () => {
    fake.script({ kind: "status", status: 429, retryAfterSeconds: 1 }, { kind: "status", status: 500 });
    const before = fake.calls.length;
    const outcome = await judge();
    expect(outcome.ok).toBe(true);
    expect(fake.calls.length - before).toBe(3);
  });

  it("gives up, saying why, when the endpoint keeps failing or times out", async () => {
    fake.script({ kind: "status", status: 500 }, { kind: "status", status: 500 });
    const failing = await judge({ maxRetries: 1 });
    expect(failing).toMatchObject({ ok: false, transport: true, problems: [expect.stringMatching(/^HTTP 500/)] });
    expect(failing.attempts[0]!.response).toBeNull();
    fake.script({ kind: "slow", ms: 3_000 });
    expect(await judge({ maxRetries: 0 })).toMatchObject({ ok: false, transport: true, problems: [expect.stringMatching(/timed out/i)] });
  });
});
