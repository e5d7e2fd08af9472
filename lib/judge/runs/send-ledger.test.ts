import { describe, expect, it } from "vitest";
import { describeBody } from "@/lib/judge/runs/send-ledger";

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
