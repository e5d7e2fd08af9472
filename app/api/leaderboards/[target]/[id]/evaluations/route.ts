// POST /api/leaderboards/:target/:id/evaluations?evaluationId&name&notes - evaluate an uploaded reward-model score file (the body) on a
// verification set or an export's test split and store it. Answers the summary; a refused file names its lines (422).
import { route } from "@/lib/http/route";
import { leaderboardParams, SCORE_UPLOADERS, uploadScores } from "@/lib/rm-eval/leaderboard-routes";

export const dynamic = "force-dynamic";

export const POST = route<{ target: string; id: string }>(SCORE_UPLOADERS, async ({ request, params, user }) => {
  const { target, id } = leaderboardParams(params);
  const summary = await uploadScores({
    target,
    id,
    query: new URL(request.url).searchParams,
    body: request.body,
    contentLength: Number(request.headers.get("content-length") ?? 0),
    actorId: user.id,
  });
  return summary.ok ? Response.json(summary) : Response.json({ ...summary, code: "INVALID_INPUT" }, { status: 422 });
});
