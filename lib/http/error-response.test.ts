import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import { errorResponse } from "@/lib/http/error-response";

describe("errorResponse (every route handler's errors)", () => {
  it("answers an AppError with its status and the one shape", async () => {
    const response = errorResponse(new AppError("NOT_FOUND", "No such export."));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "No such export.", code: "NOT_FOUND" });
  });

  it("answers a ZodError as 422 INVALID_INPUT, like every other validation failure", async () => {
    const response = errorResponse(z.object({ from: z.iso.datetime("not a date") }).safeParse({ from: "yesterday" }).error);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      error: "from: not a date",
      code: "INVALID_INPUT",
      field: "from",
      problems: [{ field: "from", message: "not a date" }],
    });
  });

  it("answers anything else as 500 INTERNAL without its message", async () => {
    const response = errorResponse(new Error("connection reset by peer"));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: "Something went wrong on the server; nothing was changed. Try again, and tell an admin if it persists.",
      code: "INTERNAL",
    });
  });
});
