// POST /api/projects/:slug/imports?importId&fileName&format&skipInvalid - stream an uploaded prompt
// file (the request body) into the project. Admins only. Answers the import summary.
import { importUpload } from "@/lib/import/import-upload";
import { uploadQuery } from "@/lib/import/upload-schema";
import { route } from "@/lib/http/route";
import { UPLOAD_CONTENT_TYPES } from "@/lib/import/upload-schema";

export const dynamic = "force-dynamic";

export const POST = route<{ slug: string }>(
  ["ADMIN"],
  async ({ request, params, user }) => {
    const query = uploadQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
    if (!request.body) return Response.json({ error: "The request has no file in its body." }, { status: 400 });
    const contentLength = Number(request.headers.get("content-length") ?? 0);
    const summary = await importUpload({ slug: params.slug, query, body: request.body, contentLength, actorId: user.id });
    return Response.json(summary, { status: summary.ok ? 200 : 422 });
  },
  { contentTypes: UPLOAD_CONTENT_TYPES },
);
