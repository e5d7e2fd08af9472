// temporary: a persistent 100k database for query work (not committed)
import { startOrAttachEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";
const server = await startOrAttachEmbeddedPostgres({ home: "/work/scale/pg", preferredPort: 55432 });
await migrate(server.url);
process.env.MEDPREF_DATABASE_URL = server.url;
const { pool, closePool } = await import("@/lib/db/pool");
const { generateRankedProject } = await import("./ranked-project");
const have = await pool().query("SELECT count(*)::int n FROM projects WHERE slug = 'scale'");
if (have.rows[0].n === 0) {
  const t = performance.now();
  await generateRankedProject(pool(), { slug: "scale", name: "Scale", prompts: Number(process.argv[2] ?? 100000), judgePermutations: 2 });
  console.log("generated in", ((performance.now() - t) / 1000).toFixed(0), "s");
}
console.log(server.url);
await closePool();
