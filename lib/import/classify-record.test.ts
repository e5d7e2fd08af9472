import { describe, expect, it } from "vitest";
import { classifyRecord, type ClassifyState } from "@/lib/import/classify-record";
import { promptContentHash } from "@/lib/import/content-hash";
import { ImportTally } from "@/lib/import/import-tally";
import type { RawRecord } from "@/lib/import/read-records";
import { DEFAULT_IMPORT_LIMITS } from "@/lib/import/types";

const medpref = (i: number, over: Record<string, unknown> = {}): RawRecord => ({
  location: `line ${i}`,
  value: {
    id: `q${i}`,
    prompt: `Question ${i}?`,
    completions: [
      { model: "a", text: `A${i}` },
      { model: "b", text: `B${i}` },
    ],
    ...over,
  },
});

const state = (over: Partial<ClassifyState> = {}): ClassifyState => ({
  format: null,
  seen: new Set(),
  writing: true,
  limits: DEFAULT_IMPORT_LIMITS,
  howToChooseFormat: "pass --format",
  ...over,
});

describe("classifying one record of a prompt file", () => {
  it("takes a valid record as a prompt with its content hash, detecting the format", () => {
    const result = classifyRecord(medpref(1), state());
    expect(result).toEqual({
      kind: "prompt",
      format: "jsonl",
      hash: promptContentHash([{ role: "user", content: "Question 1?" }]),
      prompt: {
        externalId: "q1",
        messages: [{ role: "user", content: "Question 1?" }],
        referenceAnswer: null,
        source: null,
        promptType: null,
        tags: [],
        metadata: {},
        completions: [
          { model: "a", text: "A1" },
          { model: "b", text: "B1" },
        ],
      },
    });
  });

  it("names the field and reason of an unreadable record, keeping the format known so far", () => {
    expect(classifyRecord({ location: "line 3", error: "invalid JSON", field: "(line)" }, state({ format: "ultramedical" }))).toEqual({
      kind: "invalid",
      format: "ultramedical",
      problems: [{ field: "(line)", reason: "invalid JSON" }],
      raw: null,
      stopsImport: false,
    });
    expect(classifyRecord({ location: "line 4", error: "too long" }, state())).toMatchObject({
      problems: [{ field: "(record)", reason: "too long" }],
    });
  });

  it("stops the import at a record whose format cannot be told, ending the reason with the caller's hint", () => {
    expect(classifyRecord({ location: "line 1", value: { question: "?" } }, state({ howToChooseFormat: "choose one" }))).toEqual({
      kind: "invalid",
      format: null,
      problems: [
        {
          field: "(record)",
          reason:
            "cannot tell the file format from this record: expected UltraMedical (conversations + model_outputs), UltraFeedback (instruction + completions) or MedPref JSONL (prompt or messages + completions); choose one",
        },
      ],
      raw: { question: "?" },
      stopsImport: true,
    });
  });

  it("reports an invalid record with the detected format and the record itself", () => {
    const bad = medpref(2, { completions: [{ model: "a", text: "only one" }] });
    expect(classifyRecord(bad, state())).toEqual({
      kind: "invalid",
      format: "jsonl",
      problems: [{ field: "completions", reason: "1 candidate; a prompt needs 2 to 16" }],
      raw: (bad as { value: unknown }).value,
      stopsImport: false,
    });
  });

  it("counts a repeat of a prompt earlier in the file, and only validates once the import is failing", () => {
    const hash = promptContentHash([{ role: "user", content: "Question 1?" }]);
    expect(classifyRecord(medpref(1), state({ seen: new Set([hash]) }))).toEqual({ kind: "repeated-in-file", format: "jsonl" });
    expect(classifyRecord(medpref(1), state({ seen: new Set([hash]), writing: false }))).toEqual({
      kind: "valid-not-taken",
      format: "jsonl",
    });
  });
});

describe("the tally of an import", () => {
  let n = 0;
  const tallyOf = (skipInvalid: boolean) => new ImportTally(null, skipInvalid, () => `id-${++n}`);
  const feed = (tally: ImportTally, record: RawRecord) => {
    tally.recordsRead += 1;
    return tally.add(record, classifyRecord(record, { ...state(), format: tally.format, seen: tally.seen, writing: tally.writing }));
  };

  it("batches prompts, skips repeats and counts what a written batch added", () => {
    n = 0;
    const tally = tallyOf(false);
    for (const r of [medpref(1), medpref(2), medpref(1)]) expect(feed(tally, r)).toBe(false);
    expect(tally.format).toBe("jsonl");
    expect(tally.duplicatesInFile).toBe(1);
    const batch = tally.takeBatch();
    expect(batch.map((p) => [p.id, p.prompt.externalId])).toEqual([
      ["id-1", "q1"],
      ["id-2", "q2"],
    ]);
    expect(tally.takeBatch()).toEqual([]);
    tally.written(batch.length, batch.slice(1));
    expect([tally.promptsAdded, tally.completionsAdded, tally.duplicatesExisting]).toEqual([1, 2, 1]);
    expect(tally.failed).toBe(false);
  });

  it("stops taking prompts after a bad record unless invalid records are skipped", () => {
    const bad = medpref(9, { completions: [] });
    const strict = tallyOf(false);
    feed(strict, bad);
    feed(strict, medpref(1));
    expect([strict.failed, strict.problems.rejectedRecords, strict.takeBatch().length]).toEqual([true, 1, 0]);

    const lenient = tallyOf(true);
    feed(lenient, bad);
    feed(lenient, medpref(1));
    expect([lenient.failed, lenient.problems.rejectedRecords, lenient.takeBatch().length]).toEqual([false, 1, 1]);
  });

  it("refuses a file without records", () => {
    const tally = tallyOf(true);
    tally.finishReading();
    expect(tally.problems.shown).toEqual([{ location: "file", field: "(file)", reason: "the file holds no records" }]);
  });
});
