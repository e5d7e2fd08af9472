import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import { logger } from "@/lib/logger";

/** Maps an error to a JSON answer a person can act on; unexpected errors are logged, not leaked. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) return Response.json(error.toJSON(), { status: error.status });
  if (error instanceof z.ZodError) {
    const issue = error.issues[0]!;
    const field = issue.path.map(String).join(".");
    return Response.json({ error: `${field ? `${field}: ` : ""}${issue.message}`, field }, { status: 400 });
  }
  logger.error({ err: error }, "unexpected error in a route handler");
  return Response.json(
    { error: "Something went wrong on the server; nothing was changed. Try again, and tell an admin if it persists." },
    { status: 500 },
  );
}
