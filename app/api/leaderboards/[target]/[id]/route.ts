// GET /api/leaderboards/:target/:id?format=json|csv - a verification set's or an export's reward-model leaderboard (researchers and admins).
import { AppError } from "@/lib/errors/app-error";
import { noStore, route } from "@/lib/http/route";
import { leaderboardCsv, leaderboardJson } from "@/lib/rm-eval/leaderboard-files";
import { LEADERBOARD_READERS, leaderboardParams } from "@/lib/rm-eval/leaderboard-routes";
import { leaderboard } from "@/lib/rm-eval/queries";

export const dynamic = "force-dynamic";

export const GET = route<{ target: string; id: string }>(LEADERBOARD_READERS, async ({ request, params }) => {
  const { target, id } = leaderboardParams(params);
  const board = await leaderboard(target, id);
  if (!board) throw new AppError("NOT_FOUND", `No ${target} ${id}.`);
  const format = new URL(request.url).searchParams.get("format") ?? "json";
  const file = `medpref-leaderboard-${target}-${id}`;
  if (format === "csv")
    return new Response(leaderboardCsv(board), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${file}.csv"`,
        ...noStore.headers,
      },
    });
  if (format !== "json") throw new AppError("INVALID_INPUT", 'format: "json" or "csv"', "format");
  return Response.json(leaderboardJson(board), {
    headers: { "content-disposition": `attachment; filename="${file}.json"`, ...noStore.headers },
  });
});
