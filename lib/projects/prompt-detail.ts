import "server-only";
import { db } from "@/lib/db/prisma";
import type { Message } from "@/lib/core/messages";
import { ranksToTiers } from "@/lib/ranking/tiers";

/**
 * One prompt for admins and researchers: candidates with their model names, and every ranking.
 * Human raters are named for admins only; researchers see their pseudonyms, as in exports, so
 * rankings cannot be tied back to a person.
 */
export async function getPromptDetail(projectSlug: string, promptId: string, viewer: { showRaterNames: boolean }) {
  const prompt = await db().prompt.findFirst({
    where: { id: promptId, project: { slug: projectSlug } },
    select: {
      id: true,
      externalId: true,
      extraRankings: true,
      messages: true,
      referenceAnswer: true,
      source: true,
      promptType: true,
      tags: true,
      metadata: true,
      project: { select: { slug: true, name: true, allowTies: true } },
      completions: { orderBy: { position: "asc" }, select: { id: true, model: true, text: true, position: true } },
      rankings: {
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          kind: true,
          revision: true,
          createdAt: true,
          permutationIndex: true,
          rater: { select: { name: true, pseudonym: true, isExternal: true } },
          judgeRun: { select: { id: true, name: true, model: true } },
          revisions: {
            orderBy: { revision: "desc" },
            take: 1,
            select: {
              rationale: true,
              flags: true,
              timeOnTaskMs: true,
              shownOrder: true,
              entries: { select: { completionId: true, rank: true, score: true, flags: true, comment: true } },
            },
          },
        },
      },
    },
  });
  if (!prompt) return null;
  return {
    ...prompt,
    messages: prompt.messages as unknown as Message[],
    rankings: prompt.rankings.map((r) => {
      const latest = r.revisions[0];
      return {
        id: r.id,
        kind: r.kind,
        revision: r.revision,
        createdAt: r.createdAt,
        rater: r.rater ? raterLabel(r.rater, viewer.showRaterNames) : (r.judgeRun?.model ?? "judge"),
        judgeRun: r.judgeRun,
        permutationIndex: r.permutationIndex,
        shownOrder: latest?.shownOrder ?? [],
        rationale: latest?.rationale ?? null,
        flags: latest?.flags ?? [],
        tiers: latest ? ranksToTiers(Object.fromEntries(latest.entries.map((e) => [e.completionId, e.rank]))) : [],
        entries: latest?.entries ?? [],
      };
    }),
  };
}

/** A rater as a viewer may read them: "Name (pseudonym)" for admins, the pseudonym alone for researchers. */
export function raterLabel(rater: { name: string; pseudonym: string; isExternal: boolean }, showName: boolean): string {
  if (showName) return `${rater.name} (${rater.isExternal ? "external rater" : rater.pseudonym})`;
  return rater.isExternal ? `${rater.pseudonym} (external rater)` : rater.pseudonym;
}
