// POST /api/projects/:slug/imports?importId&fileName&format&skipInvalid - stream an uploaded prompt
// file (the request body) into the project. Admins only. Answers the import summary.
import { AppError } from "@/lib/errors/app-error";
import { route } from "@/lib/http/route";
import { importUpload } from "@/lib/import/import-upload";
import { UPLOAD_CONTENT_TYPES, uploadQuery } from "@/lib/import/upload-schema";

export const dynamic = "force-dynamic";

export const POST = route<{ slug: string }>({ roles: ["ADMIN"], contentTypes: UPLOAD_CONTENT_TYPES }, async ({ request, params, user }) => {
  const query = uploadQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  if (!request.body) throw new AppError("INVALID_INPUT", "The request has no file in its body.", "file");
  const contentLength = Number(request.headers.get("content-length") ?? 0);
  const summary = await importUpload({ slug: params.slug, query, body: request.body, contentLength, actorId: user.id });
  // A refused file answers its summary (problems by line), with the code every error answer carries.
  return summary.ok ? Response.json(summary) : Response.json({ ...summary, code: "INVALID_INPUT" }, { status: 422 });
});
