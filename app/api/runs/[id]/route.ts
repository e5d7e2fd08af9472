// GET /api/runs/:id - a run's progress (counters, spending, pace, ETA), polled by the run page and scripts.
import { PIPELINE_ROUTES } from "@/lib/api/operations";
import { AppError } from "@/lib/errors/app-error";
import { idParam, noStore, route } from "@/lib/http/route";
import { runProgress } from "@/lib/judge/runs/run-views";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(PIPELINE_ROUTES.runsRead, async ({ params }) => {
  const progress = await runProgress(idParam(params.id, "a run"));
  if (!progress) throw new AppError("NOT_FOUND", "No such run.");
  return Response.json(progress, noStore);
});
