"use client";

import { useMemo, useReducer, useRef, useState } from "react";
import { CandidateCard } from "@/components/annotation/candidate-card";
import { CandidateViewer } from "@/components/annotation/candidate-viewer";
import { PromptView } from "@/components/annotation/prompt-view";
import { RankingPanel } from "@/components/annotation/ranking-panel";
import { emptyDetail, initialRankingState, placeOf, rankingReducer, tiersOf } from "@/components/annotation/ranking-state";
import { sendRanking } from "@/components/annotation/submit-ranking-request";
import { noErrors, type AssignmentPayload, type FieldErrors } from "@/components/annotation/types";
import { forgetUnsavedDraft, readUnsavedDraft } from "@/components/annotation/unsaved-draft";
import { useAutosave } from "@/components/annotation/use-autosave";
import { useRankingKeys } from "@/components/annotation/use-ranking-keys";
import { useTimeOnTask } from "@/components/annotation/use-time-on-task";
import { validateTiers } from "@/lib/ranking/validate-ranking";

interface Props {
  payload: AssignmentPayload;
  onDone: (message: string) => void;
}

export function RankingScreen({ payload, onDone }: Props) {
  const ids = useMemo(() => payload.candidates.map((c) => c.id), [payload]);
  const labels = useMemo(() => new Map(payload.candidates.map((c) => [c.id, c.label])), [payload]);
  const labelOf = (id: string) => labels.get(id) ?? 0;
  const isRevision = payload.assignment.mode === "revision";
  const draftUrl = isRevision ? null : `/api/assignments/${payload.assignment.id}/draft`;
  // A draft this browser kept because the server did not confirm it (signed out, offline) wins.
  const [unsaved] = useState(() => (draftUrl ? readUnsavedDraft(draftUrl) : null));
  const [state, dispatch] = useReducer(rankingReducer, undefined, () => initialRankingState(ids, (unsaved as Parameters<typeof initialRankingState>[1]) ?? payload.draft));
  const [errors, setErrors] = useState<FieldErrors>(noErrors);
  const [submitting, setSubmitting] = useState(false);
  const [viewer, setViewer] = useState<{ mode: "focus"; id: string } | { mode: "compare" } | null>(null);
  const [comparing, setComparing] = useState<string[]>([]);
  const [skipOpen, setSkipOpen] = useState(false);
  const [skipReason, setSkipReason] = useState("");
  const elapsed = useTimeOnTask(unsaved?.timeOnTaskMs ?? payload.draft?.timeOnTaskMs ?? 0);
  const attempt = useRef<{ content: string; body: string; key: string } | null>(null);
  const tiers = tiersOf(state);

  const details = Object.fromEntries(
    Object.entries(state.details)
      .filter(([, d]) => d.score !== null || d.flags.length > 0 || d.comment.trim() !== "")
      .map(([id, d]) => [id, { score: d.score, flags: d.flags, comment: d.comment.trim() || null }]),
  );
  const draft = { tiers, details, rationale: state.rationale || null, unranked: state.unranked };
  const save = useAutosave(draftUrl, draft, !submitting, () => ({ timeOnTaskMs: elapsed() }), { unsavedAtStart: unsaved !== null });

  useRankingKeys({ state, dispatch, idOfLabel: (n) => payload.candidates.find((c) => c.label === n)?.id, count: ids.length, allowTies: payload.project.allowTies, disabled: viewer !== null || skipOpen });

  async function submit() {
    const local = validateTiers(ids, tiers, payload.project.allowTies, (id) => `Response ${labelOf(id)}`);
    if (local.length > 0) {
      setErrors({ ...noErrors, ranking: local.map((p) => p.message).join(" ") });
      return;
    }
    const content = JSON.stringify({ tiers, details, rationale: state.rationale });
    // The same ranking again (a retry): same body and key, so the server stores it only once.
    if (!attempt.current || attempt.current.content !== content) {
      attempt.current = { content, key: crypto.randomUUID(), body: JSON.stringify({ tiers, details, rationale: state.rationale.trim() || null, timeOnTaskMs: elapsed() }) };
    }
    setSubmitting(true);
    setErrors(noErrors);
    const url = isRevision ? `/api/rankings/${payload.assignment.rankingId}` : `/api/assignments/${payload.assignment.id}/submit`;
    const outcome = await sendRanking(url, isRevision ? "PUT" : "POST", attempt.current.body, attempt.current.key, ids);
    setSubmitting(false);
    if (outcome.ok) {
      if (draftUrl) forgetUnsavedDraft(draftUrl);
      onDone(isRevision ? "Revision saved." : "Ranking submitted.");
    }
    else setErrors(outcome.errors);
  }

  async function skip() {
    setSubmitting(true);
    const res = await fetch(`/api/assignments/${payload.assignment.id}/skip`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reason: skipReason }) }).catch(() => null);
    setSubmitting(false);
    if (res?.ok) {
      if (draftUrl) forgetUnsavedDraft(draftUrl);
      setSkipOpen(false);
      onDone("Prompt skipped.");
      return;
    }
    const body = ((await res?.json().catch(() => ({}))) ?? {}) as { error?: string };
    setErrors({ ...noErrors, general: body.error ?? "Could not reach the server to skip; try again." });
  }

  const toggleCompare = (id: string) => {
    const next = comparing.includes(id) ? comparing.filter((x) => x !== id) : [...comparing.slice(-1), id];
    setComparing(next);
    if (next.length === 2) setViewer({ mode: "compare" });
  };

  return (
    <div className="space-y-4">
      <PromptView messages={payload.prompt.messages} reference={payload.prompt.reference} />
      {errors.general && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{errors.general}</p>}
      <div className="flex flex-col gap-4 xl:flex-row xl:items-start">
        <div className="grid min-w-0 flex-1 grid-cols-1 gap-3 lg:grid-cols-2 2xl:grid-cols-4" data-testid="candidate-grid">
          {payload.candidates.map((c) => (
            <CandidateCard
              key={c.id}
              id={c.id}
              label={c.label}
              text={c.text}
              place={placeOf(state, c.id)}
              detail={state.details[c.id] ?? emptyDetail}
              selected={state.selected === c.id}
              comparing={comparing.includes(c.id)}
              error={errors.byCandidate[c.id]}
              onSelect={() => dispatch({ type: "select", id: c.id })}
              onPlace={() => dispatch({ type: "place", id: c.id })}
              onUnrank={() => dispatch({ type: "unrank", id: c.id })}
              onFocus={() => setViewer({ mode: "focus", id: c.id })}
              onCompare={() => toggleCompare(c.id)}
              onDetail={(patch) => dispatch({ type: "detail", id: c.id, patch })}
            />
          ))}
        </div>
        <aside aria-label="Ranking" className="space-y-3 rounded-lg border border-slate-200 bg-white p-3 xl:sticky xl:top-4 xl:w-80 xl:shrink-0 2xl:w-96">
          <RankingPanel state={state} dispatch={dispatch} labelOf={labelOf} allowTies={payload.project.allowTies} error={errors.ranking} />
          <label className="block text-sm font-medium">
            Rationale (optional)
            <textarea value={state.rationale} onChange={(e) => dispatch({ type: "rationale", text: e.target.value })} rows={3} className="mt-1 w-full rounded border border-slate-300 px-2 py-1 text-sm" />
          </label>
          <button type="button" onClick={submit} disabled={submitting} className="w-full rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {submitting ? "Submitting…" : isRevision ? "Save revision" : "Submit ranking"}
          </button>
          {!isRevision && (
            <button type="button" onClick={() => setSkipOpen(true)} disabled={submitting} className="w-full rounded-md border border-slate-300 px-4 py-1.5 text-sm hover:bg-slate-50">
              Skip this prompt
            </button>
          )}
          <p className="text-xs text-slate-500" aria-live="polite">
            {isRevision ? (
              `Revisable until ${new Date(payload.assignment.editableUntil!).toLocaleString()}`
            ) : save.kind === "signed-out" ? (
              <span className="text-red-800">
                Your session ended. Your draft is kept on this device:{" "}
                <a href={`/login?callbackUrl=${encodeURIComponent(window.location.pathname)}`} className="font-medium underline">sign in again</a> to save it and continue.
              </span>
            ) : save.kind === "saving" ? (
              "Saving draft…"
            ) : save.kind === "saved" ? (
              `Draft saved ${save.at.toLocaleTimeString()}`
            ) : save.kind === "error" ? (
              save.message
            ) : (
              "Drafts save automatically."
            )}
          </p>
          <details className="text-xs text-slate-600">
            <summary className="cursor-pointer">Keyboard</summary>
            <p className="mt-1">1–{ids.length} pick a response · Enter ranks it next · ↑ ↓ move it · {payload.project.allowTies ? "T ties it with the one above · " : ""}Backspace unranks it · Esc clears the pick.</p>
          </details>
        </aside>
      </div>
      {viewer && (
        <CandidateViewer
          title={viewer.mode === "focus" ? `Focus: Response ${labelOf(viewer.id)}` : `Compare: Response ${comparing.map(labelOf).join(" and Response ")}`}
          candidates={payload.candidates.filter((c) => (viewer.mode === "focus" ? c.id === viewer.id : comparing.includes(c.id)))}
          onClose={() => {
            setViewer(null);
            if (viewer.mode === "compare") setComparing([]);
          }}
        />
      )}
      {skipOpen && (
        <div role="dialog" aria-modal="true" aria-label="Skip this prompt" className="fixed inset-0 z-40 flex items-center justify-center bg-slate-900/50 p-4">
          <div className="w-full max-w-md space-y-3 rounded-lg bg-white p-4">
            <h2 className="font-semibold">Skip this prompt</h2>
            <label className="block text-sm">
              Why? (helps the admins)
              <textarea value={skipReason} onChange={(e) => setSkipReason(e.target.value)} rows={3} className="mt-1 w-full rounded border border-slate-300 px-2 py-1" autoFocus />
            </label>
            <div className="flex justify-end gap-2">
              <button type="button" onClick={() => setSkipOpen(false)} className="rounded border border-slate-300 px-3 py-1">Cancel</button>
              <button type="button" onClick={skip} disabled={submitting} className="rounded bg-slate-800 px-3 py-1 text-white">Skip</button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
