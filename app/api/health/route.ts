// GET /api/health - liveness and database reachability, for load balancers. No data, no auth.
import { pool } from "@/lib/db/pool";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ roles: "public" }, async () => {
  try {
    await pool().query("SELECT 1");
    return Response.json({ status: "ok" });
  } catch {
    return Response.json({ status: "database unreachable" }, { status: 503 });
  }
});
