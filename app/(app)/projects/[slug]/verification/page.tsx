import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, CardNote } from "@/components/ui/card";
import { Cell, HeaderCell, Row, RowHeader, Table } from "@/components/ui/table";
import { CreateSetForm } from "@/components/verification/create-set-form";
import { requireRole } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors/app-error";
import { getProjectBySlug } from "@/lib/projects/queries";
import { verificationSetsOf, verificationSources } from "@/lib/verification/queries";

export const metadata: Metadata = { title: "Verification sets" };
export const dynamic = "force-dynamic";

export default async function VerificationSetsPage({ params }: { params: Promise<{ slug: string }> }) {
  const user = await requireRole("ADMIN", "RESEARCHER");
  const { slug } = await params;
  const project = await getProjectBySlug(slug).catch((e) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const [sets, sources] = await Promise.all([
    verificationSetsOf(project.id),
    user.role === "ADMIN" ? verificationSources(project.id, project.slug) : null,
  ]);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href={`/projects/${project.slug}`} className="text-brand-700 underline">
            {project.name}
          </Link>
        </p>
        <h1 className="text-2xl font-semibold">Verification sets</h1>
        <p className="text-sm text-slate-600">
          Judge preference pairs that clinicians verify: kept where enough of them agree, with the verdict swapped where they agree against
          the judge — a verified benchmark, as UltraMedical built Medical RewardBench.
        </p>
      </div>
      <Card id="sets-heading" title="Sets">
        {sets.length === 0 ? (
          <CardNote>No verification set yet.</CardNote>
        ) : (
          <Table
            caption="Verification sets"
            head={
              <>
                <HeaderCell>Set</HeaderCell>
                <HeaderCell>Version</HeaderCell>
                <HeaderCell className="text-right">Pairs</HeaderCell>
                <HeaderCell className="text-right">Pending</HeaderCell>
                <HeaderCell>Created</HeaderCell>
              </>
            }
          >
            {sets.map((s) => (
              <Row key={s.id}>
                <RowHeader>
                  <Link href={`/projects/${project.slug}/verification/${s.id}`} className="text-brand-700 underline">
                    {s.name}
                  </Link>
                </RowHeader>
                <Cell>v{s.version}</Cell>
                <Cell className="text-right tabular-nums">{s.pairCount}</Cell>
                <Cell className="text-right tabular-nums">{s.pending}</Cell>
                <Cell>{day(s.createdAt)}</Cell>
              </Row>
            ))}
          </Table>
        )}
      </Card>
      {sources && (
        <Card id="create-heading" title="New verification set">
          <div className="p-4">
            {sources.runs.length + sources.exports.length === 0 ? (
              <p className="text-sm text-slate-600">
                A set is made from a judge run with rankings or a ready export with preference pairs (dpo, rm, h4); this project has neither
                yet.
              </p>
            ) : (
              <CreateSetForm
                slug={project.slug}
                sources={[
                  ...sources.runs.map((r) => ({
                    value: `judge:${r.id}`,
                    label: `Judge run: ${r.name}${r.model ? ` (${r.model})` : ""}, ${day(r.createdAt)}`,
                  })),
                  ...sources.exports.map((e) => ({
                    value: `export:${e.id}`,
                    label: `Export's test split: ${e.name}, ${day(e.createdAt)}`,
                  })),
                ]}
              />
            )}
          </div>
        </Card>
      )}
    </div>
  );
}
