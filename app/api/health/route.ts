// GET /api/health - liveness and database reachability, for load balancers. No data, no auth.
import { databaseReachable } from "@/lib/health/queries";

export const dynamic = "force-dynamic";

export async function GET() {
  if (await databaseReachable()) return Response.json({ status: "ok" });
  return Response.json({ status: "database unreachable" }, { status: 503 });
}
