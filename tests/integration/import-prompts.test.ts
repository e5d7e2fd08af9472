import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/prisma";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import { readStoredRejectedReport } from "@/lib/import/rejected-report";
import { ANALYZE_AFTER_PROMPTS } from "@/lib/import/import-prompts";
import { BATCH_PROMPTS } from "@/lib/import/import-tally";
import { DEFAULT_IMPORT_LIMITS } from "@/lib/import/types";
import { HAS_SHARED_FIXTURES, ULTRAMEDICAL_DIR, importFile, importText, jsonl, makeProject, record } from "../support/fixtures";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});

async function counts(projectId: string) {
  const [prompts, completions] = await Promise.all([
    db().prompt.count({ where: { projectId } }),
    db().completion.count({ where: { prompt: { projectId } } }),
  ]);
  return { prompts, completions };
}

describe.skipIf(!HAS_SHARED_FIXTURES)("importing the real UltraMedical fixture", () => {
  it("imports 9 MedQA prompts with 6 candidates each, the reference answer and the source", async () => {
    const project = await makeProject();
    const summary = await importFile(project.id, path.join(ULTRAMEDICAL_DIR, "medqa_outputs.json"));
    expect(summary).toMatchObject({ ok: true, format: "ultramedical", promptsAdded: 9, completionsAdded: 54, recordsRejected: 0 });
    expect(await counts(project.id)).toEqual({ prompts: 9, completions: 54 });
    const first = await db().prompt.findFirstOrThrow({
      where: { projectId: project.id, externalId: "medqa,0" },
      include: { completions: { orderBy: { position: "asc" } } },
    });
    expect(first.source).toBe("MedQA");
    expect(first.promptType).toBe("exam");
    expect(first.referenceAnswer).toBe("The answer is D.");
    expect(first.messages).toEqual([{ role: "user", content: expect.stringContaining("22 weeks gestation") }]);
    expect(first.completions.map((c) => c.model)).toEqual([
      "BioMistral-7B-Zephyr-Beta-SLERP_base",
      "med42-70b_base",
      "Mixtral-8x7B-Instruct-v0.1_base",
      "Qwen1.5-72B-Chat_base",
      "gpt-3.5-turbo-1106",
      "gpt-4-1106-preview",
    ]);
    expect(first.completions[0]!.text.startsWith(" ")).toBe(false);
  });

  it("adds nothing when the same file is imported again, and says so", async () => {
    const project = await makeProject();
    await importFile(project.id, path.join(ULTRAMEDICAL_DIR, "medqa_outputs.json"));
    const again = await importFile(project.id, path.join(ULTRAMEDICAL_DIR, "medqa_outputs.json"));
    expect(again).toMatchObject({ ok: true, promptsAdded: 0, duplicatesExisting: 9 });
    expect(again.message).toBe("Nothing new: all 9 prompts were already in the project.");
    expect(await counts(project.id)).toEqual({ prompts: 9, completions: 54 });
  });

  it("refuses the SFT examples file, which has no candidates, naming the missing field", async () => {
    const project = await makeProject();
    const summary = await importFile(project.id, path.join(ULTRAMEDICAL_DIR, "examples.json"));
    expect(summary.ok).toBe(false);
    expect(summary.recordsRejected).toBe(50);
    expect(summary.problems[0]).toEqual({ location: "index 0", field: "model_outputs", reason: "missing (expected array)" });
    expect(await counts(project.id)).toEqual({ prompts: 0, completions: 0 });
  });
});

describe("importing UltraFeedback-style files", () => {
  const uf = (i: number) => ({
    source: "evol_instruct",
    instruction: `Explain mechanism ${i}`,
    models: ["a", "b"],
    correct_answers: ["x"],
    completions: [
      { model: "alpaca-7b", response: `First ${i}`, overall_score: 6.5, critique: "ok" },
      { model: "gpt-4", response: `Second ${i}`, overall_score: 8 },
    ],
  });

  it("reads a JSON array and keeps the other fields as metadata", async () => {
    const project = await makeProject();
    const summary = await importText(project.id, JSON.stringify([uf(1), uf(2)]));
    expect(summary).toMatchObject({ ok: true, format: "ultrafeedback", promptsAdded: 2, completionsAdded: 4 });
    const prompt = await db().prompt.findFirstOrThrow({ where: { projectId: project.id }, orderBy: { createdAt: "asc" } });
    expect(prompt.source).toBe("evol_instruct");
    expect(prompt.metadata).toMatchObject({
      models: ["a", "b"],
      correct_answers: ["x"],
      completionExtras: [
        { model: "alpaca-7b", overall_score: 6.5, critique: "ok" },
        { model: "gpt-4", overall_score: 8 },
      ],
    });
  });

  it("reads the same records as JSONL", async () => {
    const project = await makeProject();
    const summary = await importText(project.id, jsonl([uf(1), uf(2), uf(3)]));
    expect(summary).toMatchObject({ ok: true, format: "ultrafeedback", promptsAdded: 3 });
  });
});

describe("importing MedPref JSONL", () => {
  it("says how to choose the format, not how to skip records, when the format cannot be told", async () => {
    const project = await makeProject();
    const summary = await importText(project.id, jsonl([{ question: "Dose of aspirin?" }, record(1)]));
    expect(summary).toMatchObject({ ok: false, format: null, promptsAdded: 0 });
    expect(summary.message).toBe("Nothing imported: the file's format cannot be told from its first record; pass --format.");
  });

  it("tolerates a UTF-8 BOM, CRLF line ends and blank lines", async () => {
    const project = await makeProject();
    const text = "\uFEFF" + [JSON.stringify(record(1)), "", JSON.stringify(record(2)), "   ", JSON.stringify(record(3)), ""].join("\r\n");
    const summary = await importText(project.id, text);
    expect(summary).toMatchObject({ ok: true, format: "jsonl", promptsAdded: 3, completionsAdded: 9 });
  });

  it("accepts a conversation in messages, a reference, a source, a type and tags", async () => {
    const project = await makeProject();
    const r = {
      messages: [
        { role: "system", content: "You are a physician." },
        { role: "user", content: "Dose of amoxicillin for otitis media?" },
      ],
      reference: "80–90 mg/kg/day in two doses.",
      source: "medmcqa",
      type: "Open-End",
      tags: ["Pediatrics"],
      completions: [
        { model: "m1", text: "a" },
        { model: "m2", text: "b" },
      ],
    };
    await importText(project.id, jsonl([r]));
    const p = await db().prompt.findFirstOrThrow({ where: { projectId: project.id } });
    expect(p).toMatchObject({
      source: "MedMCQA",
      promptType: "open-ended",
      referenceAnswer: "80–90 mg/kg/day in two doses.",
      tags: ["Pediatrics"],
    });
    expect(p.messages).toEqual(r.messages);
  });

  it("accepts 2 and 16 candidates, the bounds", async () => {
    const project = await makeProject();
    const summary = await importText(project.id, jsonl([record(1, 2), record(2, 16)]));
    expect(summary).toMatchObject({ ok: true, promptsAdded: 2, completionsAdded: 18 });
  });

  it("counts a prompt repeated inside the file once", async () => {
    const project = await makeProject();
    const summary = await importText(project.id, jsonl([record(1), record(2), record(1)]));
    expect(summary).toMatchObject({ ok: true, promptsAdded: 2, duplicatesInFile: 1 });
  });

  it("refreshes the planner's statistics of the tables it filled once an import of 1,000 prompts or more commits, not before", async () => {
    const lastAnalyze = async () =>
      queryRows<{ relname: string; analyzed: Date | null }>(
        pool(),
        sql`SELECT relname, last_analyze AS analyzed FROM pg_stat_user_tables
             WHERE relname IN ('prompts', 'completions', 'prompt_ranking_counts', 'prompt_list_keys', 'prompt_search_texts') ORDER BY relname`,
      );
    const project = await makeProject();
    const small = await importText(project.id, jsonl(Array.from({ length: ANALYZE_AFTER_PROMPTS - 1 }, (_, i) => record(10_000 + i, 2))));
    expect(small.promptsAdded).toBe(ANALYZE_AFTER_PROMPTS - 1);
    const before = await lastAnalyze();
    const started = new Date();
    const large = await importText(project.id, jsonl(Array.from({ length: ANALYZE_AFTER_PROMPTS }, (_, i) => record(20_000 + i, 2))));
    expect(large.promptsAdded).toBe(ANALYZE_AFTER_PROMPTS);
    const after = await lastAnalyze();
    // last_analyze is set by an explicit ANALYZE only (autovacuum writes last_autoanalyze).
    expect(after.map((t) => t.relname)).toEqual([
      "completions",
      "prompt_list_keys",
      "prompt_ranking_counts",
      "prompt_search_texts",
      "prompts",
    ]);
    for (const t of after) expect(t.analyzed!.getTime(), t.relname).toBeGreaterThanOrEqual(started.getTime() - 1000);
    expect(before.every((t) => t.analyzed === null || t.analyzed.getTime() < started.getTime())).toBe(true);
  });

  it("writes the import and an audit entry", async () => {
    const project = await makeProject();
    const summary = await importText(project.id, jsonl([record(1)]));
    const row = await db().import.findUniqueOrThrow({ where: { id: summary.importId } });
    expect(row).toMatchObject({ status: "SUCCEEDED", promptsAdded: 1, completionsAdded: 3 });
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityType: "import", entityId: summary.importId } });
    expect(audit.action).toBe("import.complete");
  });
});

describe("bad input imports nothing and reports every bad record", () => {
  const cases: { name: string; line: string | object; field: string; reason: RegExp }[] = [
    { name: "malformed JSON", line: '{"prompt": "x", "completions": [', field: "(record)", reason: /malformed JSON/ },
    { name: "a missing prompt", line: { completions: record(1).completions }, field: "prompt", reason: /missing prompt/ },
    { name: "fewer than 2 candidates", line: record(1, 1), field: "completions", reason: /1 candidate; a prompt needs 2 to 16/ },
    { name: "more than 16 candidates", line: record(1, 17), field: "completions", reason: /17 candidates; a prompt needs 2 to 16/ },
    {
      name: "an empty completion",
      line: {
        ...record(1),
        completions: [
          { model: "a", text: "  " },
          { model: "b", text: "fine" },
        ],
      },
      field: "completions[0].text",
      reason: /empty completion/,
    },
    {
      name: "a duplicate model name",
      line: {
        ...record(1),
        completions: [
          { model: "a", text: "x" },
          { model: "a", text: "y" },
        ],
      },
      field: "completions[1].model",
      reason: /duplicate model name "a"/,
    },
    {
      name: "a wrong type",
      line: {
        ...record(1),
        completions: [
          { model: "a", text: 42 },
          { model: "b", text: "y" },
        ],
      },
      field: "completions[0].text",
      reason: /wrong type: expected string, got number/,
    },
    {
      name: "a completion over the size limit",
      line: {
        ...record(1),
        completions: [
          { model: "a", text: "x".repeat(DEFAULT_IMPORT_LIMITS.maxFieldBytes + 1) },
          { model: "b", text: "y" },
        ],
      },
      field: "completions[0].text",
      reason: /over the size limit of 200 KB/,
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}, naming the line, the field and the reason`, async () => {
      const project = await makeProject();
      const bad = typeof c.line === "string" ? c.line : JSON.stringify(c.line);
      const text = [JSON.stringify(record(1000)), bad, JSON.stringify(record(1001))].join("\n");
      const summary = await importText(project.id, text);
      expect(summary.ok).toBe(false);
      expect(summary.recordsRejected).toBe(1);
      expect(summary.problems).toEqual([{ location: "line 2", field: c.field, reason: expect.stringMatching(c.reason) }]);
      expect(await counts(project.id)).toEqual({ prompts: 0, completions: 0 });
      const row = await db().import.findUniqueOrThrow({ where: { id: summary.importId } });
      expect(row.status).toBe("FAILED");
    });
  }

  it("lists the first 100 problems and counts the rest", async () => {
    const project = await makeProject();
    const summary = await importText(project.id, jsonl(Array.from({ length: 130 }, (_, i) => record(i, 1))));
    expect(summary.problems).toHaveLength(100);
    expect(summary.problemsNotShown).toBe(30);
    expect(summary.recordsRejected).toBe(130);
  });

  it("reports a truncated JSON array as malformed, from the record where reading stopped", async () => {
    const project = await makeProject();
    const text = JSON.stringify([record(1), record(2)]).slice(0, -30);
    const summary = await importText(project.id, text);
    expect(summary.ok).toBe(false);
    expect(summary.problems[0]).toMatchObject({
      location: expect.stringMatching(/^index [01]$/),
      reason: expect.stringMatching(/malformed JSON at or after this record/),
    });
    expect(await counts(project.id)).toEqual({ prompts: 0, completions: 0 });
  });

  it("with skipInvalid imports the valid records and writes the rejected ones with reasons", async () => {
    const project = await makeProject();
    const reportPath = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "medpref-report-")), "rejected.jsonl");
    const summary = await importText(project.id, jsonl([record(1), record(2, 1), record(3)]), {
      skipInvalid: true,
      rejectedReportPath: reportPath,
    });
    expect(summary).toMatchObject({ ok: true, promptsAdded: 2, recordsRejected: 1, rejectedReportPath: reportPath });
    const report = (await fs.readFile(reportPath, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(report).toEqual([
      { location: "line 2", problems: [{ field: "completions", reason: expect.stringContaining("1 candidate") }], record: record(2, 1) },
    ]);
  });

  it("with storeRejectedReport stores the rejected records in the database in ~1 MB chunks, byte-identical to the file, deleted with the project", async () => {
    const project = await makeProject();
    const reportPath = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "medpref-report-")), "rejected.jsonl");
    // 5 invalid records of ~300 KB each (one candidate only): the report spans two chunks.
    const big = (i: number) => ({ ...record(i, 1), completions: [{ model: "m", text: `Too alone ${i} ${"é".repeat(150_000)}` }] });
    const records = [record(1), big(2), record(3), big(4), big(5), big(6), big(7)];
    const summary = await importText(project.id, jsonl(records), {
      skipInvalid: true,
      rejectedReportPath: reportPath,
      storeRejectedReport: true,
    });
    expect(summary).toMatchObject({ ok: true, promptsAdded: 2, recordsRejected: 5, rejectedReportStored: true });
    const chunks = await queryRows<{ seq: number; bytes: number }>(
      pool(),
      sql`SELECT seq, octet_length(body) AS bytes FROM import_rejected_chunks WHERE import_id = ${summary.importId} ORDER BY seq`,
    );
    const file = await fs.readFile(reportPath);
    // 4 records reach 1 MB (1.2 MB), the fifth is the second chunk.
    expect(chunks.map((c) => c.seq)).toEqual([0, 1]);
    expect(chunks[0]!.bytes + chunks[1]!.bytes).toBe(file.byteLength);
    const stored = await readStoredRejectedReport(summary.importId);
    expect(stored.bytes).toBe(file.byteLength);
    const downloaded = Buffer.from(await new Response(stored.stream).arrayBuffer());
    expect(downloaded.equals(file)).toBe(true);
    expect(
      downloaded
        .toString("utf8")
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { location: string }).location),
    ).toEqual(["line 2", "line 4", "line 5", "line 6", "line 7"]);
    await db().project.delete({ where: { id: project.id } });
    expect(await queryRows(pool(), sql`SELECT 1 FROM import_rejected_chunks WHERE import_id = ${summary.importId}`)).toEqual([]);
  });

  it("stores rejected records arriving while an earlier batch is still being copied (batches overlap with reading)", async () => {
    const project = await makeProject();
    // BATCH_PROMPTS + 1 valid records fill the first batch, whose COPY runs while the next records are read;
    // the 5 rejected ones (~300 KB each) flush a report chunk on the same transaction meanwhile.
    const big = (i: number) => ({ ...record(i, 1), completions: [{ model: "m", text: `Too alone ${i} ${"é".repeat(150_000)}` }] });
    const total = 2 * BATCH_PROMPTS + 200;
    const valid = Array.from({ length: total }, (_, i) => record(i));
    const first = BATCH_PROMPTS + 1;
    const records = [...valid.slice(0, first), ...[0, 1, 2, 3, 4].map((k) => big(5000 + k)), ...valid.slice(first)];
    const summary = await importText(project.id, jsonl(records), { skipInvalid: true, storeRejectedReport: true });
    expect(summary).toMatchObject({ ok: true, promptsAdded: total, recordsRejected: 5, rejectedReportStored: true });
    expect(await counts(project.id)).toEqual({ prompts: total, completions: total * record(0).completions.length });
    const stored = await readStoredRejectedReport(summary.importId);
    const lines = Buffer.from(await new Response(stored.stream).arrayBuffer())
      .toString("utf8")
      .trim()
      .split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { location: string }).location)).toEqual([1, 2, 3, 4, 5].map((k) => `line ${first + k}`));
  });

  it("stores no rejected records for an import that fails, or one with nothing rejected", async () => {
    const project = await makeProject();
    const failed = await importText(project.id, jsonl([record(1, 1)]), { skipInvalid: false, storeRejectedReport: true });
    const clean = await importText(project.id, jsonl([record(2)]), { skipInvalid: true, storeRejectedReport: true });
    expect([failed.ok, failed.rejectedReportStored, clean.ok, clean.rejectedReportStored]).toEqual([false, false, true, false]);
    for (const id of [failed.importId, clean.importId]) {
      await expect(readStoredRejectedReport(id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
  });

  it("leaves nothing behind when reading fails after rows were already written", async () => {
    const project = await makeProject();
    const batch = Buffer.from(jsonl(Array.from({ length: 1200 }, (_, i) => record(i))));
    async function* failingInput() {
      yield batch;
      throw new Error("disk read error");
    }
    await expect(importText(project.id, "", { input: failingInput() })).rejects.toThrow("disk read error");
    expect(await counts(project.id)).toEqual({ prompts: 0, completions: 0 });
  });
});
