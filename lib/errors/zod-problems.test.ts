import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import { describeProblems, fieldParts, invalidInput, zodProblems } from "@/lib/errors/zod-problems";

const schema = z.object({
  name: z.string().min(1, "name it"),
  details: z.record(z.string(), z.object({ comment: z.string().max(3, "at most 3 characters") })),
  tiers: z.array(z.array(z.string())).min(1, "rank at least one"),
});

describe("zodProblems", () => {
  it("gives one problem per issue, its field the path as code writes it (indexes in brackets)", () => {
    const error = schema.safeParse({ name: "", details: { c1: { comment: "long" } }, tiers: [[1]] }).error!;
    expect(zodProblems(error)).toEqual([
      { field: "name", message: "name it" },
      { field: "details.c1.comment", message: "at most 3 characters" },
      { field: "tiers[0][0]", message: "wrong type: expected string, got number" },
    ]);
  });

  it("tells a missing value from a wrong one in zod's place, and keeps a schema's own message", () => {
    const record = z.object({
      completions: z.array(z.object({ text: z.string() })),
      instruction: z.string({ error: (i) => (i.input === undefined ? "no instruction" : "not text") }),
    });
    const error = record.safeParse({ completions: [{ text: "a" }, {}, { text: null }] }).error!;
    expect(zodProblems(error)).toEqual([
      { field: "completions[1].text", message: "missing (expected string)" },
      { field: "completions[2].text", message: "wrong type: expected string, got null" },
      { field: "instruction", message: "no instruction" },
    ]);
  });

  it("names an issue about the whole input by the fallback field, or by none", () => {
    const error = z.string("a text").safeParse(4).error!;
    expect(zodProblems(error)).toEqual([{ field: "", message: "a text" }]);
    expect(zodProblems(error, "request")).toEqual([{ field: "request", message: "a text" }]);
  });
});

describe("fieldParts", () => {
  it("splits a field path into its names and indexes", () => {
    expect(fieldParts("models[0].temperature")).toEqual(["models", "0", "temperature"]);
    expect(fieldParts("tiers[0][1]")).toEqual(["tiers", "0", "1"]);
    expect(fieldParts("name")).toEqual(["name"]);
    expect(fieldParts("")).toEqual([]);
  });
});

describe("describeProblems", () => {
  it('writes "field: message", just the message without a field, joined by the separator', () => {
    const problems = [
      { field: "from", message: "not a date" },
      { field: "", message: "choose a filter" },
    ];
    expect(describeProblems(problems)).toBe("from: not a date; choose a filter");
    expect(describeProblems(problems, "\n")).toBe("from: not a date\nchoose a filter");
  });
});

describe("invalidInput", () => {
  it("is a 422 INVALID_INPUT naming the first problem and listing all of them", () => {
    const error = schema.safeParse({ name: "", details: {}, tiers: [] }).error!;
    const invalid = invalidInput(error);
    expect(invalid).toBeInstanceOf(AppError);
    expect(invalid.status).toBe(422);
    expect(invalid.toJSON()).toEqual({
      error: "name: name it",
      code: "INVALID_INPUT",
      field: "name",
      problems: [
        { field: "name", message: "name it" },
        { field: "tiers", message: "rank at least one" },
      ],
    });
  });

  it("leaves the field out when the whole input is wrong and no fallback is given", () => {
    expect(JSON.parse(JSON.stringify(invalidInput(z.uuid("not a run id").safeParse("42").error!)))).toEqual({
      error: "not a run id",
      code: "INVALID_INPUT",
      problems: [{ field: "", message: "not a run id" }],
    });
  });
});
