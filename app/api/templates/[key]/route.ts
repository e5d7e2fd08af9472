// GET /api/templates/:key - the latest version of one judge template, with its prompts.
import { templateListing } from "@/lib/api/listings";
import { PIPELINE_ROUTES } from "@/lib/api/operations";
import { AppError } from "@/lib/errors/app-error";
import { noStore, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ key: string }>(PIPELINE_ROUTES.templatesRead, async ({ params }) => {
  const template = (await templateListing()).find((t) => t.key === params.key);
  if (!template) throw new AppError("NOT_FOUND", `No template "${params.key}".`);
  return Response.json(template, noStore);
});
