import { z } from "zod";
import { AppError, errorJson } from "@/lib/errors/app-error";
import { invalidInput } from "@/lib/errors/zod-problems";
import { logger } from "@/lib/logger";

/**
 * Maps an error to a JSON answer a person can act on, in the one error shape
 * (lib/errors/app-error): a ZodError is a 422 INVALID_INPUT like every validation failure;
 * unexpected errors are logged, not leaked.
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) return Response.json(error.toJSON(), { status: error.status });
  if (error instanceof z.ZodError) {
    const invalid = invalidInput(error);
    return Response.json(invalid.toJSON(), { status: invalid.status });
  }
  logger.error({ err: error }, "unexpected error in a route handler");
  return errorJson("INTERNAL", "Something went wrong on the server; nothing was changed. Try again, and tell an admin if it persists.");
}
