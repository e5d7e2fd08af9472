import { readFile } from "node:fs/promises";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ExportLive } from "@/components/exports/export-live";
import { requireRole } from "@/lib/auth/guard";
import { getExport, publishedFile } from "@/lib/export/export-views";

export const metadata: Metadata = { title: "Export" };
export const dynamic = "force-dynamic";

export default async function ExportPage({ params }: { params: Promise<{ id: string }> }) {
  await requireRole("ADMIN", "RESEARCHER");
  const { id } = await params;
  const exp = await getExport(id);
  if (!exp) notFound();
  const cardPath = publishedFile(exp, "README.md");
  const card = cardPath ? await readFile(cardPath, "utf8").catch(() => null) : null;
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/exports" className="text-brand-700 underline">
          ← Exports
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{exp.name}</h1>
      <p className="text-sm text-slate-600">
        {exp.projects.join(", ")} · {exp.format} · {exp.fileType}
        {exp.exportVersion && (
          <>
            {" "}
            · version <span className="font-mono">{exp.exportVersion}</span>
          </>
        )}{" "}
        · created {exp.createdAt.slice(0, 16).replace("T", " ")}
        {exp.createdBy ? ` by ${exp.createdBy}` : ""}
      </p>
      <ExportLive initial={exp} />
      <p className="text-sm">
        <Link href={`/leaderboards/export/${exp.id}`} className="text-brand-700 underline">
          Reward-model leaderboard on this export&apos;s test split
        </Link>
      </p>
      <details className="rounded-lg border border-slate-200 bg-white p-4">
        <summary className="cursor-pointer font-semibold">Configuration</summary>
        <pre className="mt-2 overflow-x-auto text-xs">{JSON.stringify(exp.config, null, 2)}</pre>
      </details>
      {card && (
        <details className="rounded-lg border border-slate-200 bg-white p-4" open>
          <summary className="cursor-pointer font-semibold">Dataset card (README.md)</summary>
          <pre className="mt-2 overflow-x-auto whitespace-pre-wrap text-xs" data-testid="dataset-card">
            {card}
          </pre>
        </details>
      )}
    </div>
  );
}
