// GET /api/health - liveness and database reachability, for load balancers. No data, no auth.
import { databaseReachable } from "@/lib/health/queries";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ roles: "public" }, async () => {
  if (await databaseReachable()) return Response.json({ status: "ok" });
  return Response.json({ status: "database unreachable" }, { status: 503 });
});
