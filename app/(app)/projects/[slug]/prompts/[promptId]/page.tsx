import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PromptView } from "@/components/annotation/prompt-view";
import { CritiquedCandidate, CritiqueLegend } from "@/components/critiques/critiqued-candidate";
import { ReferenceRankingEditor } from "@/components/projects/reference-ranking-editor";
import { RankingLines } from "@/components/projects/ranking-lines";
import { SendBackForm } from "@/components/projects/send-back-form";
import { requireRole } from "@/lib/auth/guard";
import { promptCritiques } from "@/lib/critiques/queries";
import { getPromptDetail } from "@/lib/projects/prompt-detail";
import { rankingLines } from "@/lib/ranking/ranking-lines";
import { isId } from "@/lib/core/ids";

export const metadata: Metadata = { title: "Prompt" };
export const dynamic = "force-dynamic";

/** A candidate's score and flags in one ranking, as a short note ("score 4; flagged: unsafe"). */
function entryNotes(entries: { completionId: string; score: number | null; flags: string[] }[], id: string): string | null {
  const e = entries.find((x) => x.completionId === id);
  const parts = [e?.score == null ? null : `score ${e.score}`, e?.flags.length ? `flagged: ${e.flags.join(", ")}` : null].filter(Boolean);
  return parts.length ? parts.join("; ") : null;
}

export default async function PromptPage({ params }: { params: Promise<{ slug: string; promptId: string }> }) {
  const user = await requireRole("ADMIN", "RESEARCHER");
  const { slug, promptId } = await params;
  if (!isId(promptId)) notFound();
  const viewer = { showRaterNames: user.role === "ADMIN" };
  const prompt = await getPromptDetail(slug, promptId, viewer);
  if (!prompt) notFound();
  const critiques = await promptCritiques(prompt.id, viewer);
  const labelOf = new Map(prompt.completions.map((c, i) => [c.id, i + 1]));
  const modelOf = new Map(prompt.completions.map((c) => [c.id, c.model]));
  const gold = prompt.rankings.find((r) => r.kind === "GOLD");
  const adjudicated = prompt.rankings.find((r) => r.kind === "ADJUDICATED");
  const candidates = prompt.completions.map((c, i) => ({ id: c.id, label: i + 1, model: c.model }));
  const candidateOf = (id: string) => ({ label: labelOf.get(id) ?? 0, model: modelOf.get(id) ?? null });
  const humans = prompt.rankings.filter((r) => r.kind !== "JUDGE");
  const judgeRuns = [
    ...new Map(prompt.rankings.filter((r) => r.kind === "JUDGE" && r.judgeRun).map((r) => [r.judgeRun!.id, r.judgeRun!])).values(),
  ].map((run) => ({
    run,
    perms: prompt.rankings.filter((r) => r.judgeRun?.id === run.id).sort((a, b) => (a.permutationIndex ?? 0) - (b.permutationIndex ?? 0)),
  }));
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href={`/projects/${slug}`} className="text-brand-700 underline">
          ← {prompt.project.name}
        </Link>
      </p>
      <h1 className="text-xl font-semibold">
        Prompt {prompt.externalId ?? prompt.id.slice(0, 8)}{" "}
        <span className="text-sm font-normal text-slate-500">
          {[prompt.source, prompt.promptType, ...prompt.tags].filter(Boolean).join(" · ")}
        </span>
      </h1>
      <PromptView messages={prompt.messages} reference={prompt.referenceAnswer} />
      {critiques.size > 0 && <CritiqueLegend />}
      <div className="grid gap-3 lg:grid-cols-2 2xl:grid-cols-4">
        {prompt.completions.map((c, i) => (
          <CritiquedCandidate key={c.id} index={i + 1} model={c.model} text={c.text} critiques={critiques.get(c.id) ?? []} />
        ))}
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        <section aria-labelledby="rankings-heading" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="rankings-heading" className="font-semibold">
            Human rankings ({humans.length})
          </h2>
          {humans.length === 0 && <p className="text-sm text-slate-600">No human rankings yet.</p>}
          <ul className="mt-2 space-y-2 text-sm">
            {humans.map((r) => (
              <li key={r.id} className="rounded border border-slate-100 p-2">
                <div className="font-medium">
                  {r.kind.toLowerCase()} · {r.rater} · revision {r.revision}
                </div>
                <RankingLines lines={rankingLines(r.tiers, candidateOf, (id) => entryNotes(r.entries, id))} />
                {r.flags.length > 0 && <p className="mt-1 text-red-800">Prompt flagged: {r.flags.join(", ")}</p>}
                {r.rationale && <p className="mt-1 text-slate-600">“{r.rationale}”</p>}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="judges-heading" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="judges-heading" className="font-semibold">
            Judge rankings ({judgeRuns.length} {judgeRuns.length === 1 ? "run" : "runs"})
          </h2>
          {judgeRuns.length === 0 && <p className="text-sm text-slate-600">No judge has ranked this prompt.</p>}
          {judgeRuns.map(({ run, perms }) => (
            <div key={run.id} className="mt-2 space-y-2">
              <h3 className="text-sm font-medium">
                <Link href={`/runs/${run.id}`} className="text-brand-700 underline">
                  {run.name}
                </Link>{" "}
                · {run.model}
              </h3>
              {perms.map((r) => (
                <details key={r.id} open={perms.length <= 2} className="rounded border border-slate-100 p-2 text-sm">
                  <summary className="cursor-pointer">
                    Permutation {(r.permutationIndex ?? 0) + 1}: shown as{" "}
                    {r.shownOrder.map((id, i) => `R${i + 1}=${modelOf.get(id)}`).join(", ")}
                  </summary>
                  <ol className="mt-1 list-decimal space-y-1 pl-6">
                    {r.tiers.map((tier, i) => (
                      <li key={i}>
                        {tier.map((id) => {
                          const e = r.entries.find((x) => x.completionId === id);
                          return (
                            <div key={id}>
                              <span className="font-medium">{modelOf.get(id)}</span>{" "}
                              <span className="text-slate-500">
                                (Response {r.shownOrder.indexOf(id) + 1}
                                {e?.score != null ? `, score ${e.score}` : ""})
                              </span>
                              {e?.comment && <p className="text-slate-600">{e.comment}</p>}
                            </div>
                          );
                        })}
                      </li>
                    ))}
                  </ol>
                </details>
              ))}
            </div>
          ))}
        </section>
      </div>
      {user.role === "ADMIN" && (
        <section aria-labelledby="adjudication-heading" className="rounded-lg border border-sky-200 bg-sky-50 p-4">
          <h2 id="adjudication-heading" className="font-semibold">
            Adjudication
          </h2>
          <p className="mb-3 text-sm text-slate-700">
            Record the ranking this prompt should have after reading the rankings above. It is kept beside them (they are never changed) and
            exports prefer it. Or send the prompt back to the queue for more clinician rankings.
          </p>
          <ReferenceRankingEditor
            slug={slug}
            promptId={prompt.id}
            kind="ADJUDICATED"
            candidates={candidates}
            current={adjudicated?.tiers ?? null}
          />
          <div className="mt-4 border-t border-sky-200 pt-3">
            <SendBackForm slug={slug} promptId={prompt.id} extraRankings={prompt.extraRankings} />
          </div>
        </section>
      )}
      {user.role === "ADMIN" && (
        <section aria-labelledby="gold-heading" className="rounded-lg border border-amber-200 bg-amber-50 p-4">
          <h2 id="gold-heading" className="font-semibold">
            Gold ranking
          </h2>
          <p className="mb-3 text-sm text-slate-700">
            A gold prompt is served to clinicians at the project&apos;s gold rate, looks like any other, and each clinician&apos;s agreement
            with this reference is stored.
          </p>
          <ReferenceRankingEditor slug={slug} promptId={prompt.id} kind="GOLD" candidates={candidates} current={gold?.tiers ?? null} />
        </section>
      )}
    </div>
  );
}
