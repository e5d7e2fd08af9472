import { beforeAll, describe, expect, it } from "vitest";
import { loadReportData } from "@/lib/agreement/load-report-data";
import { insertJudgeRankings, insertNextRevision } from "@/lib/annotation/store-revision";
import { db } from "@/lib/db/prisma";
import { pool } from "@/lib/db/pool";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { createUser } from "@/lib/users/manage-users";
import { importText, jsonl, makeProject, record } from "../support/fixtures";
import { waitUntilWaitingOnLock } from "../support/judge-runs";
import { useFreshDatabase } from "../support/test-database";

// prompt_report_rankings (clinicians') and judge_report_rankings (judges', per run) keep each prompt's rankings
// in the one text the agreement report's load parses (lib/agreement/load-report-data.ts): it must say what the
// prompt's rankings say after every kind of change.

let projectId: string;
let promptId: string;
/** The prompt's candidates in id order (the order of a ranking's entries). */
let completionIds: string[];
/** Two clinicians, in id order. */
let raters: string[];
let runId: string;

beforeAll(async () => {
  await useFreshDatabase();
  const project = await makeProject();
  projectId = project.id;
  await importText(project.id, jsonl([record(1, 3), record(2, 3)]));
  const prompt = await db().prompt.findFirstOrThrow({
    where: { projectId },
    orderBy: { id: "asc" },
    include: { completions: { orderBy: { id: "asc" } } },
  });
  promptId = prompt.id;
  completionIds = prompt.completions.map((c) => c.id);
  raters = [];
  for (const email of ["a@hospital.example", "b@hospital.example"])
    raters.push((await createUser({ email, role: "clinician" }, null)).user.id);
  raters.sort();
  runId = (await db().judgeRun.create({ data: { projectId, name: "judge", model: "gpt-4o" } })).id;
});

/** The prompt's text as the load reads it: its clinicians' rankings' row, then its judge rankings' rows in run order. */
async function reportText(id = promptId): Promise<string | null> {
  const { rows } = await pool().query<{ rankings: string | null }>(
    `SELECT nullif(concat_ws('|', (SELECT rankings FROM prompt_report_rankings WHERE prompt_id = $1),
                                  (SELECT string_agg(rankings, '|' ORDER BY judge_run_id) FROM judge_report_rankings WHERE prompt_id = $1)), '') AS rankings`,
    [id],
  );
  return rows[0]!.rankings;
}

/** A ranking of the prompt with one revision: ranks per candidate in id order, shown in reverse. */
async function addRanking(data: {
  kind: "HUMAN" | "GOLD" | "JUDGE";
  raterId?: string;
  permutationIndex?: number;
  ranks: number[];
  createdAt?: Date;
}) {
  const ranking = await db().ranking.create({
    data: {
      promptId,
      kind: data.kind,
      raterId: data.raterId ?? null,
      judgeRunId: data.kind === "JUDGE" ? runId : null,
      permutationIndex: data.permutationIndex ?? null,
      revisions: {
        create: {
          revision: 1,
          createdAt: data.createdAt,
          authorId: data.raterId ?? null,
          timeOnTaskMs: data.kind === "JUDGE" ? null : 60000,
          shownOrder: [...completionIds].reverse(),
          entries: { create: completionIds.map((completionId, i) => ({ completionId, rank: data.ranks[i]!, shownPosition: 2 - i })) },
        },
      },
    },
    include: { revisions: true },
  });
  const createdMs = ranking.revisions[0]!.createdAt.getTime();
  return { id: ranking.id, createdMs };
}

describe("a prompt's rankings kept in one text for the agreement report", () => {
  it("are its rankings' latest revisions in kind, rater, run and permutation order", async () => {
    await addRanking({ kind: "JUDGE", permutationIndex: 1, ranks: [3, 1, 2] });
    expect(await reportText()).toBe(`3 - ${runId} 1 0 - 0 - 3 2;1 1;2 0`);
    const second = await addRanking({ kind: "HUMAN", raterId: raters[1], ranks: [1, 1, 3] });
    await addRanking({ kind: "GOLD", raterId: raters[0], ranks: [2, 1, 3] });
    const first = await addRanking({ kind: "HUMAN", raterId: raters[0], ranks: [1, 2, 3] });
    await addRanking({ kind: "JUDGE", permutationIndex: 0, ranks: [3, 2, 1] });
    expect(await reportText()).toBe(
      [
        `0 ${raters[0]} - - 0 60000 0 ${first.createdMs} 1 2;2 1;3 0`,
        `0 ${raters[1]} - - 0 60000 0 ${second.createdMs} 1 2;1 1;3 0`,
        `1 ${raters[0]} - - 0 60000 0 - 2 2;1 1;3 0`,
        `3 - ${runId} 0 0 - 0 - 3 2;2 1;1 0`,
        `3 - ${runId} 1 0 - 0 - 3 2;1 1;2 0`,
      ].join("|"),
    );
    // The other prompt has no ranking: no row.
    const other = await db().prompt.findFirstOrThrow({ where: { projectId, id: { not: promptId } } });
    expect(await reportText(other.id)).toBeNull();
  });

  it("follow a ranking's new revision and a deleted ranking; a prompt with none left has no row", async () => {
    const ranking = await db().ranking.findFirstOrThrow({ where: { promptId, kind: "HUMAN", raterId: raters[0] } });
    await withTransaction((tx) =>
      insertNextRevision(tx, {
        rankingId: ranking.id,
        authorId: raters[0]!,
        submission: {
          tiers: [[completionIds[2]!], [completionIds[0]!, completionIds[1]!]],
          details: { [completionIds[0]!]: { flags: ["unsafe"] } },
          timeOnTaskMs: 5000,
        },
        shownOrder: completionIds,
        idempotencyKey: null,
      }),
    );
    const revised = await pool().query<{ ms: string }>(
      `SELECT (extract(epoch FROM created_at) * 1000)::bigint AS ms FROM ranking_revisions WHERE ranking_id = $1 AND revision = 2`,
      [ranking.id],
    );
    expect((await reportText())!.split("|")[0]).toBe(`0 ${raters[0]} - - 0 5000 1 ${revised.rows[0]!.ms} 2 0;2 1;1 2`);
    await db().ranking.deleteMany({ where: { promptId, kind: { not: "JUDGE" } } });
    expect(await reportText()).toBe([`3 - ${runId} 0 0 - 0 - 3 2;2 1;1 0`, `3 - ${runId} 1 0 - 0 - 3 2;1 1;2 0`].join("|"));
    await db().judgeRun.delete({ where: { id: runId } });
    expect(await reportText()).toBeNull();
  });

  it("are filtered when loaded: human rankings made in [from, to) by the annotators asked for", async () => {
    await addRanking({ kind: "HUMAN", raterId: raters[0], ranks: [1, 2, 3], createdAt: new Date("2026-01-01T00:00:00.000Z") });
    await addRanking({ kind: "HUMAN", raterId: raters[1], ranks: [3, 2, 1], createdAt: new Date("2026-01-02T00:00:00.000Z") });
    const humans = async (filter: Parameters<typeof loadReportData>[1]) => {
      const data = await loadReportData(projectId, filter);
      return [...data.rater].map((r) => data.raterIds[r]);
    };
    expect(await humans({})).toEqual([raters[0], raters[1]]);
    expect(await humans({ from: "2026-01-02T00:00:00.000Z" })).toEqual([raters[1]]);
    expect(await humans({ from: "2026-01-01T00:00:00.001Z" })).toEqual([raters[1]]);
    expect(await humans({ to: "2026-01-02T00:00:00.000Z" })).toEqual([raters[0]]);
    expect(await humans({ from: "2026-01-01T00:00:00.000Z", to: "2026-01-02T00:00:00.001Z" })).toEqual([raters[0], raters[1]]);
    expect(await humans({ annotatorIds: [raters[1]!.toUpperCase()] })).toEqual([raters[1]]);
    await expect(loadReportData(projectId, { from: "yesterday-ish" })).rejects.toThrow();
  });

  it("keep both of two revisions of one prompt's rankings written at once, the later writer waiting for the first", async () => {
    const [a, b] = await db().ranking.findMany({ where: { promptId, kind: "HUMAN" }, orderBy: { raterId: "asc" } });
    // Each clinician ranks as before (whether they disagree stays the same: no other trigger writes the prompt's rows).
    const revise = (tx: Tx, ranking: { id: string; raterId: string | null }, tiers: string[][]) =>
      insertNextRevision(tx, {
        rankingId: ranking.id,
        authorId: ranking.raterId,
        submission: { tiers, details: {}, timeOnTaskMs: 7 },
        shownOrder: null,
        idempotencyKey: null,
      });
    const first = await pool().connect();
    const second = await pool().connect();
    try {
      await first.query("BEGIN");
      await second.query("BEGIN");
      await revise(
        first,
        a!,
        completionIds.map((id) => [id]),
      );
      const secondDone = revise(
        second,
        b!,
        [...completionIds].reverse().map((id) => [id]),
      );
      // The second writer waits on the prompt's lock until the first commits.
      await waitUntilWaitingOnLock(second);
      await first.query("COMMIT");
      await secondDone;
      await second.query("COMMIT");
    } finally {
      first.release();
      second.release();
    }
    // Both clinicians' latest revisions: 7 ms on task, no shown order.
    const rankings = (await reportText())!.split("|");
    expect(rankings.map((r) => r.split(" ").slice(0, 6).join(" ") + " " + r.split(" ").slice(8).join(" "))).toEqual([
      `0 ${raters[0]} - - 0 7 1 -1;2 -1;3 -1`,
      `0 ${raters[1]} - - 0 7 3 -1;2 -1;1 -1`,
    ]);
  });

  it("keep both of two judge rankings of one prompt stored at once, the later writer waiting for the first", async () => {
    const run = (await db().judgeRun.create({ data: { projectId, name: "second judge", model: "gpt-4o" } })).id;
    const judged = (permutationIndex: number) => ({
      promptId,
      judgeRunId: run,
      permutationIndex,
      shownOrder: completionIds,
      timeOnTaskMs: 3,
      entries: completionIds.map((completionId, i) => ({ completionId, rank: i + 1, score: null, comment: null, shownPosition: i })),
    });
    // Judged already: storing more judge rankings of the prompt writes nothing else of it.
    await withTransaction((tx) => insertJudgeRankings(tx, [judged(2)]));
    const first = await pool().connect();
    const second = await pool().connect();
    try {
      await first.query("BEGIN");
      await second.query("BEGIN");
      await insertJudgeRankings(first, [judged(0)]);
      const secondDone = insertJudgeRankings(second, [judged(1)]);
      await waitUntilWaitingOnLock(second);
      await first.query("COMMIT");
      await secondDone;
      await second.query("COMMIT");
    } finally {
      first.release();
      second.release();
    }
    const judges = (await reportText())!.split("|").filter((r) => r.startsWith("3 "));
    expect(judges).toEqual([0, 1, 2].map((p) => `3 - ${run} ${p} 0 3 0 - 1 0;2 1;3 2`));
  });

  it("keep a prompt's judge rankings in run, then permutation order; a deleted ranking or run takes out only its own", async () => {
    const other = await db().prompt.findFirstOrThrow({
      where: { projectId, id: { not: promptId } },
      include: { completions: { orderBy: { id: "asc" } } },
    });
    const candidates = other.completions.map((c) => c.id);
    const [early, late] = (
      await Promise.all(["run x", "run y"].map((name) => db().judgeRun.create({ data: { projectId, name, model: "gpt-4o" } })))
    )
      .map((r) => r.id)
      .sort();
    const judged = (judgeRunId: string, permutationIndex: number) => ({
      promptId: other.id,
      judgeRunId,
      permutationIndex,
      shownOrder: candidates,
      timeOnTaskMs: permutationIndex,
      entries: candidates.map((completionId, i) => ({ completionId, rank: i + 1, score: null, comment: null, shownPosition: i })),
    });
    const piece = (run: string, permutation: number) => `3 - ${run} ${permutation} 0 ${permutation} 0 - 1 0;2 1;3 2`;
    // Stored in three transactions, out of order: the later run first, then the earlier run's second permutation.
    await withTransaction((tx) => insertJudgeRankings(tx, [judged(late!, 0)]));
    await withTransaction((tx) => insertJudgeRankings(tx, [judged(early!, 1)]));
    await withTransaction((tx) => insertJudgeRankings(tx, [judged(early!, 0)]));
    expect(await reportText(other.id)).toBe([piece(early!, 0), piece(early!, 1), piece(late!, 0)].join("|"));
    // The load reads them so: the prompt's rankings by run and permutation.
    const data = await loadReportData(projectId);
    const at = data.promptIds.indexOf(other.id);
    const loaded = [];
    for (let k = data.rankingStart[at]!; k < data.rankingStart[at + 1]!; k++)
      loaded.push(`${data.runIds[data.run[k]!]} ${data.permutation[k]}`);
    expect(loaded).toEqual([`${early} 0`, `${early} 1`, `${late} 0`]);
    await db().ranking.deleteMany({ where: { promptId: other.id, judgeRunId: early, permutationIndex: 0 } });
    expect(await reportText(other.id)).toBe([piece(early!, 1), piece(late!, 0)].join("|"));
    await db().judgeRun.delete({ where: { id: late } });
    expect(await reportText(other.id)).toBe(piece(early!, 1));
    await db().ranking.deleteMany({ where: { promptId: other.id } });
    expect(await reportText(other.id)).toBeNull();
    const rows = await pool().query("SELECT 1 FROM judge_report_rankings WHERE prompt_id = $1", [other.id]);
    expect(rows.rowCount).toBe(0);
  });
});
