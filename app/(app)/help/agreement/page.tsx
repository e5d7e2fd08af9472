import fs from "node:fs/promises";
import path from "node:path";
import type { Metadata } from "next";
import { SafeMarkdown } from "@/components/markdown/safe-markdown";
import { requireRole } from "@/lib/auth/guard";
import { readmeSection } from "@/lib/agreement/readme-section";

export const metadata: Metadata = { title: "Agreement figures" };
export const dynamic = "force-dynamic";

/** The README's Metrics section, so the dashboard's explanations link to the formulas it computes. */
export default async function AgreementHelpPage() {
  await requireRole("ADMIN", "RESEARCHER");
  const readme = await fs.readFile(path.join(process.cwd(), "README.md"), "utf8").catch(() => "");
  const section = readmeSection(readme, "Metrics");
  return (
    <article className="max-w-5xl space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
      <h1 id="metrics" className="text-2xl font-semibold">
        How the agreement figures are computed
      </h1>
      {section ? (
        <div className="overflow-x-auto text-sm">
          <SafeMarkdown text={section} />
        </div>
      ) : (
        <p className="text-slate-600">
          The README with the formulas is not installed beside this server; see the &quot;Metrics&quot; section of MedPref&apos;s README.
        </p>
      )}
    </article>
  );
}
