import { describe, expect, it } from "vitest";
import { z } from "zod";
import { actionResult } from "@/lib/actions/action-result";
import { AppError } from "@/lib/errors/app-error";

describe("actionResult (the action wrapper's error handling)", () => {
  it("passes the body's message and data through", async () => {
    expect(await actionResult(async () => ({ message: "Created.", data: { id: "x" } }))).toEqual({
      ok: true,
      message: "Created.",
      data: { id: "x" },
    });
  });

  it("turns an AppError into the one error shape", async () => {
    expect(
      await actionResult(() => {
        throw new AppError("CONFLICT", "A project with the slug icu already exists.", "slug");
      }),
    ).toEqual({ ok: false, error: "A project with the slug icu already exists.", code: "CONFLICT", field: "slug", problems: undefined });
  });

  it("turns a ZodError into INVALID_INPUT naming the first field and listing every problem", async () => {
    const schema = z.object({ count: z.number().min(1, "at least 1 prompt"), clinicians: z.array(z.string()).min(1, "choose one") });
    expect(await actionResult(async () => ({ message: String(schema.parse({ count: 0, clinicians: [] })) }))).toEqual({
      ok: false,
      error: "count: at least 1 prompt",
      code: "INVALID_INPUT",
      field: "count",
      problems: [
        { field: "count", message: "at least 1 prompt" },
        { field: "clinicians", message: "choose one" },
      ],
    });
  });

  it("rethrows anything else (Next's redirect and forbidden, real faults)", async () => {
    const fault = new Error("NEXT_REDIRECT");
    await expect(
      actionResult(() => {
        throw fault;
      }),
    ).rejects.toBe(fault);
  });
});
