import { describe, expect, it } from "vitest";
import { AppError, errorJson, STATUS_OF, type AppErrorCode } from "@/lib/errors/app-error";

describe("the one error shape", () => {
  it("maps every code to its status; every validation failure is 422", () => {
    expect(STATUS_OF).toEqual({
      INVALID_INPUT: 422,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      CROSS_SITE_REQUEST: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
      IN_PROGRESS: 409,
      TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      RATE_LIMITED: 429,
      INTERNAL: 500,
    } satisfies Record<AppErrorCode, number>);
  });

  it("serializes an AppError as { error, code, field?, problems? }", () => {
    const error = new AppError("CONFLICT", "The slug is taken.", "slug", [{ field: "slug", message: "taken" }]);
    expect(error.status).toBe(409);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      error: "The slug is taken.",
      code: "CONFLICT",
      field: "slug",
      problems: [{ field: "slug", message: "taken" }],
    });
    expect(JSON.parse(JSON.stringify(new AppError("NOT_FOUND", "No such run.")))).toEqual({ error: "No such run.", code: "NOT_FOUND" });
  });

  it("answers an error response with the code's status and the shape", async () => {
    const response = errorJson("UNAUTHENTICATED", "Sign in first.");
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ error: "Sign in first.", code: "UNAUTHENTICATED" });
  });
});
