import { describe, expect, it } from "vitest";
import { zodProblems } from "@/lib/errors/zod-problems";
import { critiqueTaxonomySchema, CRITIQUE_SEVERITIES, DEFAULT_TAXONOMY, findTag, SEVERITY_LABELS } from "@/lib/critiques/taxonomy";

const problemsOf = (input: unknown) => {
  const parsed = critiqueTaxonomySchema.safeParse(input);
  return parsed.success ? [] : zodProblems(parsed.error);
};
const tag = (key: string, marker = key.slice(0, 1).toUpperCase()) => ({ key, label: `Tag ${key}`, colour: "red", marker });

describe("the default critique taxonomy", () => {
  it("has issue 18's nine tags with stable keys and labels", () => {
    expect(DEFAULT_TAXONOMY.tags.map((t) => [t.key, t.label])).toEqual([
      ["factually-incorrect", "Factually incorrect"],
      ["unsafe", "Unsafe or harmful"],
      ["wrong-dose", "Wrong dose or unit"],
      ["contraindication", "Contraindication or interaction missed"],
      ["outdated-guideline", "Outdated guideline"],
      ["hallucinated-reference", "Hallucinated reference"],
      ["incomplete", "Incomplete"],
      ["irrelevant", "Irrelevant or off-topic"],
      ["other", "Other"],
    ]);
  });

  it("gives every tag a distinct colour and a distinct non-colour marker", () => {
    expect(new Set(DEFAULT_TAXONOMY.tags.map((t) => t.colour)).size).toBe(9);
    expect(new Set(DEFAULT_TAXONOMY.tags.map((t) => t.marker)).size).toBe(9);
  });

  it("is valid under the schema a project's edits must pass", () => {
    expect(problemsOf(DEFAULT_TAXONOMY)).toEqual([]);
  });

  it("has three severities, least serious first, each with a label and a marker", () => {
    expect(CRITIQUE_SEVERITIES).toEqual(["minor", "major", "critical"]);
    expect(CRITIQUE_SEVERITIES.map((s) => SEVERITY_LABELS[s].label)).toEqual(["Minor", "Major", "Critical"]);
  });

  it("never reads like a severity: every tag's marker followed by any severity's sign is a distinct cue", () => {
    const critical = SEVERITY_LABELS.critical.marker;
    const lesser = DEFAULT_TAXONOMY.tags.flatMap((t) =>
      (["minor", "major"] as const).map((s) => `${t.marker}${SEVERITY_LABELS[s].marker}`),
    );
    expect(lesser.filter((cue) => cue.includes(critical))).toEqual([]);
    expect(problemsOf({ tags: [tag("unsafe", "!"), tag("other", "?")] })).toEqual([
      { field: "tags[0].marker", message: 'a marker may not use "·" or "!": they are the severity signs shown after it' },
    ]);
    expect(problemsOf({ tags: [tag("minor-ish", "a·"), tag("other", "?")] })).toHaveLength(1);
  });

  it("finds a tag by key", () => {
    expect(findTag(DEFAULT_TAXONOMY, "wrong-dose")?.label).toBe("Wrong dose or unit");
    expect(findTag(DEFAULT_TAXONOMY, "dose")).toBeUndefined();
  });
});

describe("a project's edited taxonomy", () => {
  it("accepts 1 to 30 tags, one of them other", () => {
    expect(problemsOf({ tags: [tag("other")] })).toEqual([]);
    const thirty = [...Array.from({ length: 29 }, (_, i) => tag(`t${i}`, `${i}`)), tag("other", "?")];
    expect(problemsOf({ tags: thirty })).toEqual([]);
    expect(problemsOf({ tags: [...thirty, tag("extra", "x")] })).toEqual([{ field: "tags", message: "a taxonomy has at most 30 tags" }]);
    expect(problemsOf({ tags: [] })).toContainEqual({ field: "tags", message: "keep at least one tag" });
  });

  it("refuses keys that are not lowercase slugs, and empty or long labels", () => {
    const problems = problemsOf({
      tags: [
        tag("other"),
        { ...tag("Wrong Dose", "W") },
        { ...tag("x".repeat(41), "L") },
        { ...tag("ok", "K"), label: " " },
        { ...tag("ok2", "J"), label: "l".repeat(61) },
      ],
    });
    expect(problems).toEqual([
      { field: "tags[1].key", message: "a key is 1–40 lowercase letters, digits or hyphens" },
      { field: "tags[2].key", message: "a key is 1–40 lowercase letters, digits or hyphens" },
      { field: "tags[3].label", message: "give the tag a label" },
      { field: "tags[4].label", message: "labels are limited to 60 characters" },
    ]);
  });

  it("refuses repeated keys and markers, naming both tags", () => {
    expect(problemsOf({ tags: [tag("other", "?"), tag("dose", "D"), tag("dose", "E"), tag("doubt", "D")] })).toEqual([
      { field: "tags[2].key", message: 'tags 2 and 3 have the same key "dose"' },
      { field: "tags[3].marker", message: 'tags 2 and 4 have the same marker "D"' },
    ]);
  });

  it("keeps the other tag and known colours", () => {
    expect(problemsOf({ tags: [tag("dose")] })).toEqual([
      { field: "tags", message: 'keep the "other" tag: spans that fit no other tag go there' },
    ]);
    expect(problemsOf({ tags: [{ ...tag("other"), colour: "mauve" }] })).toEqual([
      { field: "tags[0].colour", message: "the colour is one of red, orange, amber, lime, teal, sky, violet, pink, slate" },
    ]);
    expect(problemsOf({ tags: [{ ...tag("other"), marker: "ABCD" }] })).toEqual([
      { field: "tags[0].marker", message: "a marker is at most 3 characters" },
    ]);
  });
});
