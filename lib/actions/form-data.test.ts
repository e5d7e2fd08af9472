import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formDataObject, formField, parseForm } from "@/lib/actions/form-data";

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [key, value] of entries) data.append(key, value);
  return data;
}

describe("formDataObject", () => {
  it("maps a name sent once to its value and a name sent several times to all its values, in order", () => {
    expect(
      formDataObject(
        form([
          ["name", "ICU"],
          ["projects", "a"],
          ["projects", "b"],
        ]),
      ),
    ).toEqual({ name: "ICU", projects: ["a", "b"] });
  });
});

describe("form fields", () => {
  const schema = z.object({
    name: formField.text(),
    slug: formField.trimmed(),
    license: formField.optional(),
    seed: formField.optionalNumber(),
    allowTies: formField.checkbox(),
    showReference: formField.checkbox(),
    projects: formField.all(),
    judgeRuns: formField.all(),
    sources: formField.commaList(),
    count: formField.as(z.coerce.number().int().min(1, "at least 1 prompt")),
    models: formField.json("[]"),
  });

  it("reads each field as the form sends it: absent text is blank, unchecked boxes absent, lists split", () => {
    const input = parseForm(
      schema,
      form([
        ["slug", "  icu "],
        ["license", "  "],
        ["seed", " 7 "],
        ["allowTies", "on"],
        ["projects", "icu"],
        ["sources", " medqa, ,pubmedqa ,"],
        ["count", "3"],
        ["models", '[{"model":"m"}]'],
        ["$ACTION_ID_abc", ""],
      ]),
    );
    expect(input).toEqual({
      name: "",
      slug: "icu",
      license: undefined,
      seed: 7,
      allowTies: true,
      showReference: false,
      projects: ["icu"],
      judgeRuns: [],
      sources: ["medqa", "pubmedqa"],
      count: 3,
      models: [{ model: "m" }],
    });
  });

  it("leaves a non-number to the domain (NaN), and blank numbers undefined", () => {
    expect(parseForm(z.object({ seed: formField.optionalNumber() }), form([["seed", "x"]])).seed).toBeNaN();
    expect(parseForm(z.object({ seed: formField.optionalNumber() }), form([["seed", ""]])).seed).toBeUndefined();
  });

  it("refuses a field its schema refuses, naming the field (a ZodError)", () => {
    const result = schema.safeParse({ count: "0", models: "[oops" });
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["count", "at least 1 prompt"],
      ["models", "not valid JSON"],
    ]);
  });
});
