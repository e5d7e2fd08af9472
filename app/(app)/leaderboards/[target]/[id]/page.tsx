import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LeaderboardChart } from "@/components/rm-eval/leaderboard-chart";
import { LeaderboardTable } from "@/components/rm-eval/leaderboard-table";
import { JudgeEvaluationForm } from "@/components/rm-eval/judge-evaluation-form";
import { ScoreUploader } from "@/components/rm-eval/score-uploader";
import { RefreshWhilePending } from "@/components/ui/refresh-while-pending";
import { isLiveStatus } from "@/components/ui/use-live-resource";
import { Card, CardNote } from "@/components/ui/card";
import { requireRole } from "@/lib/auth/guard";
import { isId } from "@/lib/core/ids";
import { judgeChoices } from "@/lib/judge/judge-choices";
import { LEADERBOARD_TARGETS, leaderboard, type LeaderboardTarget } from "@/lib/rm-eval/queries";

export const metadata: Metadata = { title: "Reward-model leaderboard" };
export const dynamic = "force-dynamic";

export default async function LeaderboardPage({ params }: { params: Promise<{ target: string; id: string }> }) {
  const user = await requireRole("ADMIN", "RESEARCHER");
  const { target, id } = await params;
  if (!(LEADERBOARD_TARGETS as readonly string[]).includes(target) || !isId(id)) notFound();
  const board = await leaderboard(target as LeaderboardTarget, id);
  if (!board) notFound();
  const api = `/api/leaderboards/${board.target}/${board.id}`;
  const judging = board.rows.some((r) => r.judgeRun && isLiveStatus(r.judgeRun.status));
  // Judge evaluations spend an endpoint's budget: admins start them.
  const choices = user.role === "ADMIN" ? await judgeChoices() : null;
  return (
    <div className="space-y-6">
      <RefreshWhilePending pending={judging} />
      <p className="text-sm">
        {board.project ? (
          <Link href={`/projects/${board.project.slug}/verification/${board.id}`} className="text-brand-700 underline">
            ← {board.title} ({board.project.name})
          </Link>
        ) : (
          <Link href={`/exports/${board.id}`} className="text-brand-700 underline">
            ← Export
          </Link>
        )}
      </p>
      <div>
        <h1 className="text-2xl font-semibold">Reward-model leaderboard</h1>
        <p className="text-sm text-slate-600">
          {board.target === "set" ? "Verification set" : "Export test split"} <span className="font-medium">{board.title}</span>
          {board.keptPairs !== null && ` · ${board.keptPairs} ${board.target === "set" ? "kept pairs (verified or overturned)" : "pairs"}`}
        </p>
      </div>
      <p className="max-w-3xl text-sm text-slate-700">
        Accuracy is the share of pairs where the model scores the preferred completion above the other (equal scores count one half), per
        category and overall; macro is the mean over the categories that have pairs. Intervals are 95% bootstrap intervals over pairs.
        {board.target === "set" &&
          " The original judge and the clinicians' majority vote are computed on the same kept pairs as reference rows."}
      </p>
      <p className="flex flex-wrap gap-4 text-sm">
        <a href={`${api}?format=csv`} className="text-brand-700 underline">
          Download CSV
        </a>
        <a href={`${api}?format=json`} className="text-brand-700 underline">
          Download JSON
        </a>
      </p>
      {board.rows.length === 0 ? (
        <Card id="leaderboard" title="Leaderboard">
          <CardNote>No model has been evaluated on this benchmark yet{board.target === "set" ? ", and no pair is kept yet" : ""}.</CardNote>
        </Card>
      ) : (
        <>
          <Card id="leaderboard-chart" title="Accuracy with 95% intervals">
            <LeaderboardChart rows={board.rows} />
          </Card>
          <Card id="leaderboard" title="Leaderboard">
            <LeaderboardTable rows={board.rows} />
          </Card>
        </>
      )}
      <Card id="upload-scores" title="Evaluate a reward model">
        <p className="px-4 pt-3 text-sm text-slate-700">
          One JSON object per line: <code>{'{"prompt_id", "model", "score"}'}</code> (the prompt&apos;s imported id or MedPref&apos;s, the
          candidate&apos;s model name) or <code>{'{"pair_id", "chosen_score", "rejected_score"}'}</code>. Every pair needs its scores; a
          file with any problem stores nothing.
        </p>
        <ScoreUploader target={board.target} id={board.id} />
      </Card>
      {choices && (
        <Card id="evaluate-judge" title="Evaluate an LLM judge">
          <p className="px-4 pt-3 text-sm text-slate-700">
            The endpoint judges every pair twice, once in each order, as a judge run does (budgets, retries, resumable). Right in both
            orders counts 1, right in one order only (a position bias) or a tie counts one half. Its row shows the accuracy so far while the
            run goes on.
          </p>
          <JudgeEvaluationForm target={board.target} id={board.id} {...choices} />
        </Card>
      )}
    </div>
  );
}
