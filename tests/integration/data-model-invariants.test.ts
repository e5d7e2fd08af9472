import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/prisma";
import { createUser } from "@/lib/users/manage-users";
import { importText, jsonl, makeProject, record } from "../support/fixtures";
import { useFreshDatabase } from "../support/test-database";

let promptId: string;
let completionIds: string[];
let raterId: string;

beforeAll(async () => {
  await useFreshDatabase();
  const project = await makeProject();
  await importText(project.id, jsonl([record(1, 3)]));
  const prompt = await db().prompt.findFirstOrThrow({
    where: { projectId: project.id },
    include: { completions: { orderBy: { position: "asc" } } },
  });
  promptId = prompt.id;
  completionIds = prompt.completions.map((c) => c.id);
  raterId = (await createUser({ email: "rater@hospital.example", role: "clinician" }, null)).user.id;
});

async function humanRanking() {
  return db().ranking.create({
    data: {
      promptId,
      kind: "HUMAN",
      raterId,
      revisions: {
        create: {
          revision: 1,
          authorId: raterId,
          shownOrder: completionIds,
          entries: { create: completionIds.map((completionId, i) => ({ completionId, rank: i + 1, shownPosition: i })) },
        },
      },
    },
    include: { revisions: true },
  });
}

describe("the database protects the data model's invariants", () => {
  it("keeps ranking revisions and their entries immutable", async () => {
    const ranking = await humanRanking();
    const revisionId = ranking.revisions[0]!.id;
    await expect(db().rankingRevision.update({ where: { id: revisionId }, data: { rationale: "changed" } })).rejects.toThrow(/immutable/);
    await expect(db().$executeRaw`UPDATE ranking_entries SET rank = 9 WHERE revision_id = ${revisionId}::uuid`).rejects.toThrow(
      /immutable/,
    );
  });

  it("allows one human ranking per rater and prompt", async () => {
    await expect(humanRanking()).rejects.toThrow();
  });

  it("refuses a judge ranking without its run, and a human ranking without its rater", async () => {
    await expect(db().ranking.create({ data: { promptId, kind: "JUDGE", permutationIndex: 0 } })).rejects.toThrow(
      /rankings_rater_matches_kind/,
    );
    await expect(db().ranking.create({ data: { promptId, kind: "HUMAN" } })).rejects.toThrow(/rankings_rater_matches_kind/);
  });

  it("refuses ranks below 1, scores out of range and unknown flags", async () => {
    const ranking = await db().ranking.create({ data: { promptId, kind: "GOLD", raterId } });
    const revision = await db().rankingRevision.create({ data: { rankingId: ranking.id, revision: 1, shownOrder: completionIds } });
    await expect(db().rankingEntry.create({ data: { revisionId: revision.id, completionId: completionIds[0]!, rank: 0 } })).rejects.toThrow(
      /ranking_entries_rank_positive/,
    );
    await expect(
      db().rankingEntry.create({ data: { revisionId: revision.id, completionId: completionIds[0]!, rank: 1, score: 11 } }),
    ).rejects.toThrow(/ranking_entries_score_range/);
    await expect(
      db().rankingEntry.create({ data: { revisionId: revision.id, completionId: completionIds[0]!, rank: 1, flags: ["looks-odd"] } }),
    ).rejects.toThrow(/ranking_entries_known_flags/);
  });

  it("refuses a second candidate from the same model for a prompt", async () => {
    await expect(
      db().completion.create({ data: { promptId, model: "model-0", text: "again", position: 9, contentHash: "0".repeat(64) } }),
    ).rejects.toThrow();
  });

  it("refuses an LLM endpoint whose key variable name is not a variable name", async () => {
    await expect(
      db().llmEndpoint.create({ data: { name: "bad", baseUrl: "http://127.0.0.1:1/v1", apiKeyEnv: "sk-live-123" } }),
    ).rejects.toThrow(/llm_endpoints_api_key_env_name/);
  });
});
