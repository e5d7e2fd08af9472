import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import { describeProblems, invalidInput, zodProblems } from "@/lib/errors/zod-problems";

const schema = z.object({
  name: z.string().min(1, "name it"),
  details: z.record(z.string(), z.object({ comment: z.string().max(3, "at most 3 characters") })),
  tiers: z.array(z.array(z.string())).min(1, "rank at least one"),
});

describe("zodProblems", () => {
  it("gives one problem per issue, its field the dotted path (array indexes included)", () => {
    const error = schema.safeParse({ name: "", details: { c1: { comment: "long" } }, tiers: [[1]] }).error!;
    expect(zodProblems(error)).toEqual([
      { field: "name", message: "name it" },
      { field: "details.c1.comment", message: "at most 3 characters" },
      { field: "tiers.0.0", message: "Invalid input: expected string, received number" },
    ]);
  });

  it("names an issue about the whole input by the fallback field, or by none", () => {
    const error = z.string("a text").safeParse(4).error!;
    expect(zodProblems(error)).toEqual([{ field: "", message: "a text" }]);
    expect(zodProblems(error, "request")).toEqual([{ field: "request", message: "a text" }]);
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
