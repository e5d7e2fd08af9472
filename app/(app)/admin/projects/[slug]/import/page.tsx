import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ImportUploader } from "@/components/import/import-uploader";
import { requireRole } from "@/lib/auth/guard";
import { env } from "@/lib/config/env";
import { projectHeading } from "@/lib/projects/queries";

export const metadata: Metadata = { title: "Import prompts" };
export const dynamic = "force-dynamic";

export default async function ImportPage({ params }: { params: Promise<{ slug: string }> }) {
  await requireRole("ADMIN");
  const { slug } = await params;
  const project = await projectHeading(slug);
  if (!project) notFound();
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href={`/projects/${project.slug}`} className="text-brand-700 underline">
          ← {project.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Import prompts into {project.name}</h1>
      <p className="max-w-3xl text-sm text-slate-600">
        Accepted: UltraMedical pipeline JSON (<code>conversations</code> + <code>model_outputs</code>), UltraFeedback JSON or JSONL (
        <code>instruction</code> + <code>completions</code>), and MedPref JSONL (<code>prompt</code> or <code>messages</code> +{" "}
        <code>completions</code>). Each prompt needs 2 to 16 candidates. Prompts already in the project are skipped. By default a file with
        any invalid record imports nothing.
      </p>
      <ImportUploader slug={project.slug} maxUploadBytes={env().MEDPREF_MAX_UPLOAD_BYTES} />
    </div>
  );
}
