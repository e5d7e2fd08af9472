import { StatCard, StatGrid } from "@/components/ui/stat-card";
import type { AgreementReport } from "@/lib/agreement/agreement-report";

/** The dashboard's headline counts: prompts, rankings, overlap and gold coverage. */
export function AgreementCounts({ counts }: { counts: AgreementReport["counts"] }) {
  const withAtLeast = (k: number) => counts.promptsWithHumanRankings[k - 1] ?? 0;
  return (
    <StatGrid>
      <StatCard label="Prompts" value={counts.prompts} />
      <StatCard label="Human rankings" value={counts.humanRankings} hint={`${counts.annotators} annotators`} />
      <StatCard label="Prompts with ≥ 2 / ≥ 3 rankings" value={`${withAtLeast(2)} / ${withAtLeast(3)}`} hint={`≥ 1: ${withAtLeast(1)}`} />
      <StatCard
        label="Gold coverage"
        value={`${counts.goldPromptsRanked} / ${counts.goldPrompts}`}
        hint={`gold prompts ranked by clinicians · ${counts.adjudicatedPrompts} adjudicated`}
      />
    </StatGrid>
  );
}
