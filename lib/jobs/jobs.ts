import { z } from "zod";
import { idSchema } from "@/lib/core/ids";
import { defineJob } from "@/lib/jobs/define-job";

/**
 * Every job queue of MedPref, with its payload and options: the one place to look up what runs
 * in the worker and how it is retried. Handlers live with their domain (judge-queue.ts,
 * export-jobs.ts, maintenance.ts, agreement-refresh.ts) and register through these definitions.
 */

/** One unit of a judge run: the prompt shown to the judge in permutation `permutation`. */
const judgeUnitJob = z.object({
  kind: z.literal("JUDGE"),
  runId: idSchema("a run"),
  promptId: idSchema("a prompt"),
  permutation: z.int().min(0),
});
/** One unit of a generation run: the prompt answered by the run's generator model number `modelIndex`. */
const generateUnitJob = z.object({
  kind: z.literal("GENERATE"),
  runId: idSchema("a run"),
  promptId: idSchema("a prompt"),
  modelIndex: z.int().min(0),
});
/** One unit of a judge evaluation run (kind PAIR_JUDGE): a verification pair shown in one order (pair_judge_units). */
const pairJudgeUnitJob = z.object({
  kind: z.literal("PAIR_JUDGE"),
  runId: idSchema("a run"),
  promptId: idSchema("a prompt"),
  unitIndex: z.int().min(0),
});

/**
 * Jobs stored before the two kinds had their own shape read `{ runId, promptId, permutation, kind? }`
 * (no kind: a judge unit; a generation unit's model index in `permutation`): still accepted.
 */
function fromStoredShape(data: unknown): unknown {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return data;
  const job = data as Record<string, unknown>;
  if (job.kind === undefined) return { ...job, kind: "JUDGE" };
  if (job.kind === "GENERATE" && job.modelIndex === undefined) return { ...job, modelIndex: job.permutation };
  return job;
}

export type UnitJob = z.infer<typeof judgeUnitJob> | z.infer<typeof generateUnitJob> | z.infer<typeof pairJudgeUnitJob>;
export type JudgeUnitJob = z.infer<typeof judgeUnitJob>;
export type GenerateUnitJob = z.infer<typeof generateUnitJob>;
export type PairJudgeUnitJob = z.infer<typeof pairJudgeUnitJob>;

/** The unit a job stands for (`judge_units.unit_index`): a permutation, a generator model's index, or a pair in one order. */
export function unitIndexOf(job: UnitJob): number {
  switch (job.kind) {
    case "JUDGE":
      return job.permutation;
    case "GENERATE":
      return job.modelIndex;
    case "PAIR_JUDGE":
      return job.unitIndex;
  }
}

/** One queue for every unit of every run (judge, generation or judge evaluation); the job says which unit. */
export const runUnitJob = defineJob<UnitJob>({
  name: "judge-call",
  payload: z.preprocess(fromStoredShape, z.discriminatedUnion("kind", [judgeUnitJob, generateUnitJob, pairJudgeUnitJob])),
  options: { retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: 3600 },
});

/** Follows a batch-mode run's OpenAI batches: a failing poll (endpoint down) is retried for hours; a finished one schedules the next. */
export const batchPollJob = defineJob<{ runId: string }>({
  name: "judge-batch-poll",
  payload: z.object({ runId: idSchema("a run") }),
  options: { retryLimit: 500, retryDelay: 30, expireInSeconds: 3600 },
});

/** Builds one export; its job id is the export's id (enqueuing twice is harmless). */
export const exportBuildJob = defineJob<{ exportId: string }>({
  name: "export-build",
  payload: z.object({ exportId: idSchema("an export") }),
  options: { retryLimit: 2, retryDelay: 10, expireInSeconds: 3600 },
});

/** A scheduled job carries no payload (pg-boss stores none). */
const noPayload = z
  .object({})
  .nullish()
  .transform(() => ({}));

/** Housekeeping every 5 minutes (lib/jobs/maintenance.ts). */
export const maintenanceJob = defineJob<object>({ name: "maintenance", payload: noPayload, options: {}, schedule: "*/5 * * * *" });

/** Every minute, whole-project agreement reports whose data changed are recomputed (lib/jobs/agreement-refresh.ts). */
export const agreementRefreshJob = defineJob<object>({ name: "agreement-refresh", payload: noPayload, options: {}, schedule: "* * * * *" });

/**
 * Computes one agreement report in the background (lib/jobs/agreement-refresh.ts): asked for by a
 * dashboard whose report is missing or may be stale, and by the schedule above. At most one is
 * pending per project and filter (the `agreement_refreshes` row), and one runs at a time (an advisory lock).
 */
export const agreementReportJob = defineJob<{ projectId: string; filterKey: string }>({
  name: "agreement-report",
  payload: z.object({ projectId: idSchema("a project"), filterKey: z.string().max(20_000) }),
  options: { retryLimit: 1, retryDelay: 10, expireInSeconds: 3600 },
});
