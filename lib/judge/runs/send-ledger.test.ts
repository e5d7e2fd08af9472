import OpenAI from "openai";
import { describe, expect, it, vi } from "vitest";
import { describeBody, ledgerOf, sendLedger } from "@/lib/judge/runs/send-ledger";

describe("describeBody (what the send ledger writes down about a request)", () => {
  it("names the model the body starts with, escapes decoded, and estimates a token per 4 characters", () => {
    const body = JSON.stringify({
      model: 'gpt-4o "mini" \\ ü',
      temperature: 0,
      messages: [{ role: "user", content: '{"model":"not this"}' }],
    });
    expect(describeBody(body)).toEqual({ model: 'gpt-4o "mini" \\ ü', estimatedInputTokens: Math.ceil(body.length / 4) });
  });

  it("finds the model elsewhere in the body, and names none for a body that is not JSON", () => {
    expect(describeBody(JSON.stringify({ temperature: 0, model: "judge" }))).toEqual({ model: "judge", estimatedInputTokens: 9 });
    expect(describeBody('{"model":"judge", oops')).toEqual({ model: "judge", estimatedInputTokens: 6 });
    expect(describeBody("not json")).toEqual({ model: "", estimatedInputTokens: 2 });
    expect(describeBody(undefined)).toEqual({ model: "", estimatedInputTokens: 0 });
  });
});

describe("sendLedger (a unit's requests carry its ledger to the SDK's fetch)", () => {
  it("reaches the fetch with each of the unit's requests, the SDK's retry of a 500 included, and is not part of the body", async () => {
    const seen: { ledger: ReturnType<typeof ledgerOf>; body: unknown }[] = [];
    const fetch: typeof globalThis.fetch = async (_url, init) => {
      seen.push({ ledger: ledgerOf(init), body: init?.body });
      return seen.length === 1
        ? new Response(JSON.stringify({ error: { message: "down" } }), { status: 500, headers: { "content-type": "application/json" } })
        : new Response(JSON.stringify({ id: "c", object: "chat.completion", created: 0, model: "judge", choices: [] }), {
            headers: { "content-type": "application/json" },
          });
    };
    const client = new OpenAI({ baseURL: "http://judge.test/v1", apiKey: "k", maxRetries: 1, fetch });
    // The SDK's backoff before its retry, in fake time: no waiting in a test.
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    try {
      const ledger = sendLedger({ runId: "run-1", promptId: "prompt-1", unitIndex: 1, jobId: "job-1" });
      const created = client.chat.completions.create(
        { model: "judge", messages: [{ role: "user", content: "rank" }] },
        ledger.requestOptions,
      );
      await vi.runAllTimersAsync();
      await created;
      const unit = { runId: "run-1", promptId: "prompt-1", unitIndex: 1, jobId: "job-1", sendIds: ledger.sendIds };
      expect(seen.map((s) => s.ledger)).toEqual([unit, unit]);
      expect(seen[1]!.body).toBe('{"model":"judge","messages":[{"role":"user","content":"rank"}]}');
    } finally {
      vi.useRealTimers();
    }
    // A request sent without a unit's options carries none.
    seen.length = 1;
    await client.chat.completions.create({ model: "judge", messages: [{ role: "user", content: "rank" }] });
    expect(seen[1]!.ledger).toBeUndefined();
  });
});
