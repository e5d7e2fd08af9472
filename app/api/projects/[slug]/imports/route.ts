// POST /api/projects/:slug/imports?importId&fileName&format&skipInvalid - stream an uploaded prompt
// file (the request body) into the project. Admins only. Answers the import summary.
import { authorizeApi } from "@/lib/auth/guard";
import { errorResponse } from "@/lib/http/error-response";
import { importUpload } from "@/lib/import/import-upload";
import { uploadQuery } from "@/lib/import/upload-schema";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const auth = await authorizeApi("ADMIN");
  if (!auth.ok) return auth.response;
  try {
    const query = uploadQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
    if (!request.body) return Response.json({ error: "The request has no file in its body." }, { status: 400 });
    const contentLength = Number(request.headers.get("content-length") ?? 0);
    const summary = await importUpload({ slug: (await params).slug, query, body: request.body, contentLength, actorId: auth.user.id });
    return Response.json(summary, { status: summary.ok ? 200 : 422 });
  } catch (error) {
    return errorResponse(error);
  }
}
