import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { claimNextAssignment } from "@/lib/annotation/claim-next-assignment";
import { refreshQueuePriorities } from "@/lib/annotation/queue-priorities";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { createUser } from "@/lib/users/manage-users";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { useFreshDatabase } from "../support/test-database";

const MODELS = ["gpt-4", "llama-3", "mixtral", "qwen"];

beforeAll(async () => {
  await useFreshDatabase();
});

async function importAs(projectId: string, kind: "judge" | "human", lines: object[]) {
  const result = await importRankings({
    projectId,
    input: [Buffer.from(jsonl(lines))],
    fileName: `${kind}.jsonl`,
    kind,
    annotator: kind === "judge" ? "gpt-4o" : null,
    actorId: null,
  });
  expect(result).toMatchObject({ ok: true });
}

describe("a ranking queue ordered by judge uncertainty", () => {
  it("serves first the prompts whose best candidate the judge is least sure of, then the prompts it did not judge", async () => {
    const project = await makeProject({ overlapK: 1, allowTies: true });
    await importText(
      project.id,
      jsonl(
        Array.from({ length: 5 }, (_, i) => ({
          id: `q${i}`,
          prompt: `Question ${i}?`,
          completions: MODELS.map((model) => ({ model, text: `${model} on ${i}` })),
        })),
      ),
    );
    // One permutation, so the uncertainty is the mean of the best-vs-runner-up rank gap term (1 − gap / 3) and the clinicians' disagreement:
    // q0: gap 1, clinicians agree → (2/3 + 0) / 2;  q1: gap 1, no clinician → 2/3;  q2: gap 1, clinician disagrees → (2/3 + 1) / 2;
    // q3: best and runner-up tied (gap 0), no clinician → 1;  q4: not judged.
    await importAs(project.id, "judge", [
      { prompt_id: "q0", ranking: MODELS },
      { prompt_id: "q1", ranking: MODELS },
      { prompt_id: "q2", ranking: MODELS },
      { prompt_id: "q3", ranking: [["gpt-4", "llama-3"], "mixtral", "qwen"] },
    ]);
    await importAs(project.id, "human", [
      { prompt_id: "q0", annotator: "Dr. Ames", ranking: MODELS },
      { prompt_id: "q2", annotator: "Dr. Ames", ranking: ["llama-3", "gpt-4", "mixtral", "qwen"] },
    ]);
    await execute(pool(), sql`UPDATE projects SET queue_order = 'judge-uncertain' WHERE id = ${project.id}`);

    expect(await refreshQueuePriorities()).toBe(1);
    expect(await refreshQueuePriorities()).toBe(0);
    const stored = await queryRows<{ externalId: string; uncertainty: number }>(
      pool(),
      sql`SELECT p.external_id, q.uncertainty FROM prompt_queue_priorities q JOIN prompts p ON p.id = q.prompt_id WHERE q.project_id = ${project.id} ORDER BY p.external_id`,
    );
    expect(stored.map((r) => [r.externalId, Number(r.uncertainty.toFixed(6))])).toEqual([
      ["q0", Number((1 / 3).toFixed(6))],
      ["q1", Number((2 / 3).toFixed(6))],
      ["q2", Number((5 / 6).toFixed(6))],
      ["q3", 1],
    ]);

    const served: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { user } = await createUser({ email: `c-${randomUUID()}@hospital.example`, role: "clinician" }, null);
      const claim = await claimNextAssignment({ id: user.id, specialties: [] }, project.slug);
      const prompt = await queryOne<{ externalId: string }>(
        pool(),
        sql`SELECT p.external_id FROM assignments a JOIN prompts p ON p.id = a.prompt_id WHERE a.id = ${claim!.assignment.id}`,
      );
      served.push(prompt!.externalId);
    }
    expect(served).toEqual(["q3", "q2", "q1", "q0", "q4"]);
  });

  it("recomputes when the project's rankings change, and leaves projects in completion order alone", async () => {
    const project = await makeProject();
    await importText(project.id, jsonl([{ id: "a", prompt: "A?", completions: MODELS.map((model) => ({ model, text: model })) }]));
    await importAs(project.id, "judge", [{ prompt_id: "a", ranking: MODELS }]);
    expect(await refreshQueuePriorities()).toBe(0);
    await execute(pool(), sql`UPDATE projects SET queue_order = 'judge-uncertain' WHERE id = ${project.id}`);
    expect(await refreshQueuePriorities()).toBe(1);
    await importAs(project.id, "human", [{ prompt_id: "a", annotator: "Dr. Bello", ranking: ["llama-3", "gpt-4", "mixtral", "qwen"] }]);
    expect(await refreshQueuePriorities()).toBe(1);
    const row = await queryOne<{ uncertainty: number }>(
      pool(),
      sql`SELECT q.uncertainty FROM prompt_queue_priorities q WHERE q.project_id = ${project.id}`,
    );
    expect(row!.uncertainty).toBeCloseTo(5 / 6, 12);
  });
});
