import "server-only";
import { sql, type Sql } from "@/lib/db/sql";

/**
 * The order an assignment shows its candidates in: a fresh shuffle of the prompt's completions.
 * gen_random_uuid() draws from PostgreSQL's strong random source, so neither the position nor the
 * order gives a model away.
 */
export function shuffledCandidates(promptId: string): Sql {
  return sql`ARRAY(SELECT c.id FROM completions c WHERE c.prompt_id = ${promptId} ORDER BY gen_random_uuid())`;
}
