// POST /api/runs/:id/start|pause|resume|cancel - the run page's buttons, for scripts (runs:write).
import { PIPELINE_ROUTES } from "@/lib/api/operations";
import { AppError } from "@/lib/errors/app-error";
import { idParam, noStore, route } from "@/lib/http/route";
import { controlRun, runCommand } from "@/lib/judge/run-commands";
import { runProgress } from "@/lib/judge/runs/run-views";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string; command: string }>(PIPELINE_ROUTES.runControl, async ({ params, user }) => {
  const id = idParam(params.id, "a run");
  const command = runCommand.safeParse(params.command);
  if (!command.success) throw new AppError("NOT_FOUND", `No run command "${params.command}" (start, pause, resume, cancel).`);
  const message = await controlRun(id, command.data, user.id);
  return Response.json({ message, run: await runProgress(id) }, noStore);
});
