import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/prisma";
import { createUser } from "@/lib/users/manage-users";
import { importText, jsonl, makeProject, record } from "../support/fixtures";
import { useFreshDatabase } from "../support/test-database";

// revision_ranks keeps each revision's entries in one row for the agreement report's load
// (lib/agreement/load-report-data.ts): it must say exactly what the entries say.

let promptId: string;
let completionIds: string[];
let raterId: string;

beforeAll(async () => {
  await useFreshDatabase();
  const project = await makeProject();
  await importText(project.id, jsonl([record(1, 3)]));
  const prompt = await db().prompt.findFirstOrThrow({
    where: { projectId: project.id },
    include: { completions: { orderBy: { id: "asc" } } },
  });
  promptId = prompt.id;
  completionIds = prompt.completions.map((c) => c.id);
  raterId = (await createUser({ email: "rater@hospital.example", role: "clinician" }, null)).user.id;
});

async function revisionRanks(revisionId: string) {
  return db().revisionRanks.findUnique({ where: { revisionId }, select: { entries: true, entriesFlagged: true } });
}

describe("a revision's ranks kept in one row", () => {
  it("are its entries' rank and shown position in completion-id order, flagged when any entry is", async () => {
    const ranking = await db().ranking.create({
      data: {
        promptId,
        kind: "HUMAN",
        raterId,
        revisions: {
          create: {
            revision: 1,
            authorId: raterId,
            shownOrder: [completionIds[2]!, completionIds[0]!, completionIds[1]!],
            entries: {
              create: [
                { completionId: completionIds[2]!, rank: 1, shownPosition: 0 },
                { completionId: completionIds[0]!, rank: 2, shownPosition: 1, flags: ["unsafe"] },
                { completionId: completionIds[1]!, rank: 2, shownPosition: 2 },
              ],
            },
          },
        },
      },
      include: { revisions: true },
    });
    expect(await revisionRanks(ranking.revisions[0]!.id)).toEqual({ entries: "2 1;2 2;1 0", entriesFlagged: true });
  });

  it("are complete when a revision's entries arrive in several statements, with −1 for an unknown shown position", async () => {
    const rater = (await createUser({ email: "second@hospital.example", role: "clinician" }, null)).user.id;
    const ranking = await db().ranking.create({
      data: { promptId, kind: "HUMAN", raterId: rater, revisions: { create: { revision: 1, authorId: rater, shownOrder: [] } } },
      include: { revisions: true },
    });
    const revisionId = ranking.revisions[0]!.id;
    await db().rankingEntry.create({ data: { revisionId, completionId: completionIds[1]!, rank: 3 } });
    expect(await revisionRanks(revisionId)).toEqual({ entries: "3 -1", entriesFlagged: false });
    await db().rankingEntry.createMany({
      data: [
        { revisionId, completionId: completionIds[0]!, rank: 1 },
        { revisionId, completionId: completionIds[2]!, rank: 2 },
      ],
    });
    expect(await revisionRanks(revisionId)).toEqual({ entries: "1 -1;3 -1;2 -1", entriesFlagged: false });
  });

  it("go with their ranking when it is deleted", async () => {
    const ranking = await db().ranking.findFirstOrThrow({ where: { promptId, raterId }, include: { revisions: true } });
    await db().ranking.delete({ where: { id: ranking.id } });
    expect(await revisionRanks(ranking.revisions[0]!.id)).toBeNull();
  });
});
