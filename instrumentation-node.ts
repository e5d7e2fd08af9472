// Server start-up: validates the environment (a bad value stops start-up with a message naming
// it) and connects to the database, starting the embedded PostgreSQL when no other MedPref
// process has, and applying pending migrations.
import { env } from "@/lib/config/env";
import { connectDatabase } from "@/lib/db/connect";

process.env.MEDPREF_PROCESS ??= "web";
env();
const connection = await connectDatabase();

async function shutdown() {
  await connection.close().catch(() => undefined);
  process.exit(0);
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
