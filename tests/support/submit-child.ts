// A clinician's submit in its own process, so a test can kill it mid-transaction (kill -9).
// Arguments: a JSON object {userId, assignmentId, submission, idempotencyKey}; prints the answer.
import { submitRanking } from "@/lib/annotation/submit-ranking";
import { closePool } from "@/lib/db/pool";

const result = await submitRanking(JSON.parse(process.argv[2]!));
process.stdout.write(`${JSON.stringify(result)}\n`);
await closePool();
