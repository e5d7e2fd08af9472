import "server-only";
import { z } from "zod";
import type { Role } from "@/generated/prisma/client";
import { env } from "@/lib/config/env";
import { AppError } from "@/lib/errors/app-error";
import { formatBytes, limitBytes } from "@/lib/import/import-upload";
import { idParam } from "@/lib/http/route";
import { evaluateScores, type ScoresEvaluationSummary } from "@/lib/rm-eval/evaluate-scores";
import { LEADERBOARD_TARGETS, type LeaderboardTarget } from "@/lib/rm-eval/queries";

/** Who reads leaderboards and uploads scores: researchers and admins (the judge's verdicts are in them: never clinicians). */
export const LEADERBOARD_READERS = { roles: ["ADMIN", "RESEARCHER"], tokenScope: "exports:read" } as const satisfies {
  roles: readonly Role[];
  tokenScope: "exports:read";
};
export const SCORE_UPLOADERS = {
  roles: ["ADMIN", "RESEARCHER"],
  contentTypes: ["application/octet-stream", "application/json", "application/x-ndjson", "application/jsonl", "application/x-jsonlines"],
} as const satisfies { roles: readonly Role[]; contentTypes: readonly string[] };

/** The path's benchmark: `set` or `export` and its id (anything else is not found). */
export function leaderboardParams(params: { target: string; id: string }): { target: LeaderboardTarget; id: string } {
  if (!(LEADERBOARD_TARGETS as readonly string[]).includes(params.target)) throw new AppError("NOT_FOUND", "No such leaderboard.");
  return { target: params.target as LeaderboardTarget, id: idParam(params.id, `a ${params.target}`) };
}

/** The upload's query: the client picks the evaluation's id (as an import's), so a retried upload cannot store twice. */
export const uploadQuery = z.object({
  evaluationId: z.uuid("evaluationId must be a UUID").optional(),
  name: z.string().default(""),
  notes: z.string().default(""),
});

/** Streams an uploaded score file into evaluateScores (the file's size checked against MEDPREF_MAX_UPLOAD_BYTES). */
export async function uploadScores(o: {
  target: LeaderboardTarget;
  id: string;
  query: URLSearchParams;
  body: ReadableStream<Uint8Array> | null;
  contentLength: number;
  actorId: string;
}): Promise<ScoresEvaluationSummary> {
  const { evaluationId, name, notes } = uploadQuery.parse(Object.fromEntries(o.query));
  if (!o.body) throw new AppError("INVALID_INPUT", "The request has no score file in its body.", "file");
  const maxBytes = env().MEDPREF_MAX_UPLOAD_BYTES;
  if (o.contentLength > maxBytes)
    throw new AppError(
      "TOO_LARGE",
      `The file is ${formatBytes(o.contentLength)}; uploads are limited to ${formatBytes(maxBytes)}. Use the CLI: rm-eval.`,
    );
  return evaluateScores({
    benchmark: o.target === "set" ? { setId: o.id } : { exportId: o.id },
    input: limitBytes(o.body, maxBytes),
    name,
    notes,
    actorId: o.actorId,
    id: evaluationId,
  });
}
