"use client";

import { useMemo, useReducer, useRef, useState } from "react";
import { CandidateCard } from "@/components/annotation/candidate-card";
import { CandidateViewer } from "@/components/annotation/candidate-viewer";
import { KeyLegend } from "@/components/annotation/key-legend";
import { PromptView } from "@/components/annotation/prompt-view";
import { RankingIntro, introSeen, markIntroSeen } from "@/components/annotation/ranking-intro";
import { RankingPanel } from "@/components/annotation/ranking-panel";
import { emptyDetail, initialRankingState, placeOf, rankedIds, rankingReducer, tiersOf } from "@/components/annotation/ranking-state";
import { sendRanking } from "@/components/annotation/submit-ranking-request";
import { noErrors, type AssignmentPayload, type FieldErrors } from "@/components/annotation/types";
import { forgetUnsavedDraft, readUnsavedDraft } from "@/components/annotation/unsaved-draft";
import { useAutosave } from "@/components/annotation/use-autosave";
import { useRankingKeys } from "@/components/annotation/use-ranking-keys";
import { useTimeOnTask } from "@/components/annotation/use-time-on-task";
import { Dialog } from "@/components/ui/dialog";
import type { IndexedSpan } from "@/components/critiques/markable-text";
import { SpanDialog } from "@/components/critiques/span-dialog";
import { hasCriticalSpan } from "@/lib/critiques/spans";
import type { SubmittedSpan } from "@/lib/ranking/submission-schema";
import { validateTiers } from "@/lib/ranking/validate-ranking";

interface Props {
  payload: AssignmentPayload;
  onDone: (message: string) => void;
  onShowGuidelines: () => void;
}

type Overlay =
  | { kind: "intro" }
  | { kind: "keys" }
  | { kind: "confirm"; last: string }
  | { kind: "skip" }
  /** Marking a new span (index null) or editing one. */
  | { kind: "span"; index: number | null; span: SubmittedSpan }
  /** A candidate with a critical span is ranked first: submit anyway? */
  | { kind: "critical"; ids: string[] }
  | null;

export function RankingScreen({ payload, onDone, onShowGuidelines }: Props) {
  const ids = useMemo(() => payload.candidates.map((c) => c.id), [payload]);
  const labels = useMemo(() => new Map(payload.candidates.map((c) => [c.id, c.label])), [payload]);
  const labelOf = (id: string) => labels.get(id) ?? 0;
  const isRevision = payload.assignment.mode === "revision";
  const draftUrl = isRevision ? null : `/api/assignments/${payload.assignment.id}/draft`;
  // A draft this browser kept because the server did not confirm it (signed out, offline) wins.
  const [unsaved] = useState(() => (draftUrl ? readUnsavedDraft(draftUrl) : null));
  const [state, dispatch] = useReducer(rankingReducer, undefined, () =>
    initialRankingState(ids, (unsaved as Parameters<typeof initialRankingState>[1]) ?? payload.draft),
  );
  const [errors, setErrors] = useState<FieldErrors>(noErrors);
  const [submitting, setSubmitting] = useState(false);
  const [viewer, setViewer] = useState<{ mode: "focus"; id: string } | { mode: "compare" } | null>(null);
  const [comparing, setComparing] = useState<string[]>([]);
  // The screen renders only in the browser (its data comes from the client's query), so the
  // first-visit check can read storage while initialising.
  const [overlay, setOverlay] = useState<Overlay>(() => (introSeen(payload.project.slug) ? null : { kind: "intro" }));
  const [dragging, setDragging] = useState(false);
  // On a phone the ranking is a bottom sheet over the responses, opened from its bar.
  const [sheetOpen, setSheetOpen] = useState(false);
  const [skipReason, setSkipReason] = useState("");
  const elapsed = useTimeOnTask(unsaved?.timeOnTaskMs ?? payload.draft?.timeOnTaskMs ?? 0);
  const attempt = useRef<{ content: string; body: string; key: string } | null>(null);
  const tiers = tiersOf(state);

  const details = Object.fromEntries(
    Object.entries(state.details)
      .filter(([, d]) => d.score !== null || d.flags.length > 0 || d.comment.trim() !== "")
      .map(([id, d]) => [id, { score: d.score, flags: d.flags, comment: d.comment.trim() || null }]),
  );
  const draft = { tiers, details, rationale: state.rationale || null, unranked: state.unranked, spans: state.spans };
  const taxonomy = payload.critiqueTaxonomy.taxonomy;
  const spansOf = (id: string): IndexedSpan[] =>
    state.spans.flatMap((span, index) => (span.completionId === id ? [{ ...span, index }] : []));
  const save = useAutosave(draftUrl, draft, !submitting, () => ({ timeOnTaskMs: elapsed() }), { unsavedAtStart: unsaved !== null });

  useRankingKeys({
    state,
    dispatch,
    idOfLabel: (n) => payload.candidates.find((c) => c.label === n)?.id,
    count: ids.length,
    allowTies: payload.project.allowTies,
    disabled: viewer !== null || overlay !== null || dragging || submitting,
    onSubmit: submitFromKeys,
    onHelp: () => setOverlay({ kind: "keys" }),
  });

  /** Ctrl/⌘+Enter: submits a complete ranking; with one response left, offers to rank it last. */
  function submitFromKeys() {
    if (state.unranked.length === 1) setOverlay({ kind: "confirm", last: state.unranked[0]! });
    else void submit();
  }

  function rankLastAndSubmit(id: string) {
    const next = rankingReducer(state, { type: "place", id });
    dispatch({ type: "reset", state: next });
    setOverlay(null);
    void submit(tiersOf(next));
  }

  async function submit(tiers = tiersOf(state), criticalConfirmed = false) {
    const local = validateTiers(ids, tiers, payload.project.allowTies, (id) => `Response ${labelOf(id)}`);
    if (local.length > 0) {
      setErrors({ ...noErrors, ranking: local.map((p) => p.message).join(" ") });
      setSheetOpen(true);
      return;
    }
    // Ranking first a response marked with a critical error is asked about once.
    const criticalFirst = (tiers[0] ?? []).filter((id) => hasCriticalSpan(spansOf(id)));
    if (criticalFirst.length > 0 && !criticalConfirmed) {
      setOverlay({ kind: "critical", ids: criticalFirst });
      return;
    }
    const spans = state.spans;
    const content = JSON.stringify({ tiers, details, rationale: state.rationale, spans });
    // The same ranking again (a retry): same body and key, so the server stores it only once.
    if (!attempt.current || attempt.current.content !== content) {
      attempt.current = {
        content,
        key: crypto.randomUUID(),
        body: JSON.stringify({ tiers, details, rationale: state.rationale.trim() || null, spans, timeOnTaskMs: elapsed() }),
      };
    }
    setSubmitting(true);
    setErrors(noErrors);
    const url = isRevision ? `/api/rankings/${payload.assignment.rankingId}` : `/api/assignments/${payload.assignment.id}/submit`;
    const outcome = await sendRanking(url, isRevision ? "PUT" : "POST", attempt.current.body, attempt.current.key, ids);
    setSubmitting(false);
    if (outcome.ok) {
      if (draftUrl) forgetUnsavedDraft(draftUrl);
      onDone(isRevision ? "Revision saved." : "Ranking submitted.");
    } else setErrors(outcome.errors);
  }

  async function skip() {
    setSubmitting(true);
    const res = await fetch(`/api/assignments/${payload.assignment.id}/skip`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: skipReason }),
    }).catch(() => null);
    setSubmitting(false);
    if (res?.ok) {
      if (draftUrl) forgetUnsavedDraft(draftUrl);
      setOverlay(null);
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

  const rankedCount = rankedIds(state).length;
  const closeIntro = () => {
    markIntroSeen(payload.project.slug);
    setOverlay(null);
  };
  const toolButton = "rounded border border-slate-300 px-2 py-1 hover:bg-slate-50";

  return (
    <div className="space-y-4 pb-20 xl:pb-0">
      <a
        href="#ranking-panel"
        onClick={() => setSheetOpen(true)}
        className="sr-only rounded bg-brand-600 px-3 py-1 text-white focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50"
      >
        Skip to the ranking and Submit
      </a>
      <PromptView messages={payload.prompt.messages} reference={payload.prompt.reference} />
      {errors.general && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {errors.general}
        </p>
      )}
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
              spans={spansOf(c.id)}
              taxonomy={taxonomy}
              onMark={(sel) =>
                setOverlay({
                  kind: "span",
                  index: null,
                  span: { completionId: c.id, ...sel, tag: taxonomy.tags[0]!.key, severity: "major", comment: "", correction: "" },
                })
              }
              onEditSpan={(index) => setOverlay({ kind: "span", index, span: state.spans[index]! })}
              onSelect={() => dispatch({ type: "select", id: c.id })}
              onPlace={() => dispatch({ type: "place", id: c.id })}
              onUnrank={() => dispatch({ type: "unrank", id: c.id })}
              onFocus={() => setViewer({ mode: "focus", id: c.id })}
              onCompare={() => toggleCompare(c.id)}
              onDetail={(patch) => dispatch({ type: "detail", id: c.id, patch })}
            />
          ))}
        </div>
        <aside
          id="ranking-panel"
          tabIndex={-1}
          aria-label="Ranking"
          className="fixed inset-x-0 bottom-0 z-30 max-h-[85vh] overflow-y-auto border-t-2 border-brand-600 bg-white shadow-2xl xl:sticky xl:inset-x-auto xl:bottom-auto xl:top-4 xl:z-auto xl:max-h-[calc(100vh-2rem)] xl:w-[22rem] xl:shrink-0 xl:rounded-lg xl:border xl:border-slate-200 xl:shadow-none 2xl:w-96"
        >
          <div className="sticky top-0 z-10 flex items-center gap-2 bg-white px-3 py-2 xl:hidden">
            <span className="text-sm font-medium" data-testid="ranking-bar-count">
              Ranked {rankedCount} of {ids.length}
            </span>
            <button type="button" onClick={onShowGuidelines} className={`ml-auto text-sm ${toolButton}`}>
              Guidelines
            </button>
            <button
              type="button"
              aria-expanded={sheetOpen}
              aria-controls="ranking-sheet-body"
              onClick={() => setSheetOpen((v) => !v)}
              className="rounded bg-brand-600 px-3 py-1 text-sm font-medium text-white"
            >
              {sheetOpen ? "Hide ranking" : "Rank & submit"}
            </button>
          </div>
          <div id="ranking-sheet-body" className={`${sheetOpen ? "block" : "hidden"} space-y-3 p-3 pt-1 xl:block xl:pt-3`}>
            <div className="flex flex-wrap gap-1 text-xs">
              <button type="button" onClick={onShowGuidelines} className={`hidden xl:inline-block ${toolButton}`}>
                Guidelines
              </button>
              <button type="button" onClick={() => setOverlay({ kind: "intro" })} className={toolButton}>
                How to rank
              </button>
              <button type="button" onClick={() => setOverlay({ kind: "keys" })} className={toolButton} aria-keyshortcuts="?">
                Keys (?)
              </button>
            </div>
            <RankingPanel
              state={state}
              dispatch={dispatch}
              labelOf={labelOf}
              allowTies={payload.project.allowTies}
              error={errors.ranking}
              onDraggingChange={setDragging}
              keysCoverButtons
            />
            <label className="block text-sm font-medium">
              Rationale (optional)
              <textarea
                value={state.rationale}
                onChange={(e) => dispatch({ type: "rationale", text: e.target.value })}
                rows={3}
                className="mt-1 w-full rounded border border-slate-300 px-2 py-1 text-sm"
              />
            </label>
            <button
              type="button"
              onClick={() => void submit()}
              disabled={submitting}
              aria-keyshortcuts="Control+Enter Meta+Enter"
              className="w-full rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60"
            >
              {submitting ? "Submitting…" : isRevision ? "Save revision" : "Submit ranking"}
            </button>
            <p className="text-center text-xs text-slate-600">or Ctrl+Enter (⌘+Enter)</p>
            {!isRevision && (
              <button
                type="button"
                onClick={() => setOverlay({ kind: "skip" })}
                disabled={submitting}
                className="w-full rounded-md border border-slate-300 px-4 py-1.5 text-sm hover:bg-slate-50"
              >
                Skip this prompt
              </button>
            )}
            <p className="text-xs text-slate-600" aria-live="polite">
              {isRevision ? (
                `Revisable until ${new Date(payload.assignment.editableUntil!).toLocaleString()}`
              ) : save.kind === "signed-out" ? (
                <span className="text-red-800">
                  Your session ended. Your draft is kept on this device:{" "}
                  <a href={`/login?callbackUrl=${encodeURIComponent(window.location.pathname)}`} className="font-medium underline">
                    sign in again
                  </a>{" "}
                  to save it and continue.
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
          </div>
        </aside>
      </div>
      {viewer && (
        <CandidateViewer
          title={
            viewer.mode === "focus"
              ? `Focus: Response ${labelOf(viewer.id)}`
              : `Compare: Response ${comparing.map(labelOf).join(" and Response ")}`
          }
          candidates={payload.candidates.filter((c) => (viewer.mode === "focus" ? c.id === viewer.id : comparing.includes(c.id)))}
          onClose={() => {
            setViewer(null);
            if (viewer.mode === "compare") setComparing([]);
          }}
        />
      )}
      {overlay?.kind === "intro" && (
        <RankingIntro
          projectName={payload.project.name}
          guidelines={payload.project.guidelines}
          allowTies={payload.project.allowTies}
          count={ids.length}
          onClose={closeIntro}
        />
      )}
      {overlay?.kind === "keys" && (
        <Dialog title="Keys" onClose={() => setOverlay(null)}>
          <KeyLegend count={ids.length} allowTies={payload.project.allowTies} />
          <div className="flex justify-end">
            <button type="button" data-autofocus onClick={() => setOverlay(null)} className="rounded border border-slate-300 px-3 py-1">
              Close
            </button>
          </div>
        </Dialog>
      )}
      {overlay?.kind === "confirm" && (
        <Dialog title="Submit with one response left?" onClose={() => setOverlay(null)}>
          <p className="text-sm">Response {labelOf(overlay.last)} is not ranked yet. Rank it last and submit?</p>
          <div className="flex justify-end gap-2">
            <button type="button" onClick={() => setOverlay(null)} className="rounded border border-slate-300 px-3 py-1">
              Go back
            </button>
            <button
              type="button"
              data-autofocus
              onClick={() => rankLastAndSubmit(overlay.last)}
              className="rounded bg-brand-600 px-3 py-1 font-medium text-white"
            >
              Rank it last and submit
            </button>
          </div>
        </Dialog>
      )}
      {overlay?.kind === "span" && (
        <SpanDialog
          title={`${overlay.index === null ? "Mark" : "Edit the mark"} in Response ${labelOf(overlay.span.completionId)}`}
          span={overlay.span}
          taxonomy={taxonomy}
          onSave={(span) => {
            const marked = { ...overlay.span, ...span };
            dispatch(
              overlay.index === null ? { type: "addSpan", span: marked } : { type: "updateSpan", index: overlay.index, span: marked },
            );
            window.getSelection()?.removeAllRanges();
            setOverlay(null);
          }}
          onRemove={
            overlay.index === null
              ? undefined
              : () => {
                  dispatch({ type: "removeSpan", index: overlay.index! });
                  setOverlay(null);
                }
          }
          onClose={() => setOverlay(null)}
        />
      )}
      {overlay?.kind === "critical" && (
        <Dialog title="Rank a response with a critical error first?" onClose={() => setOverlay(null)}>
          <p className="text-sm">
            {overlay.ids.map((id) => `Response ${labelOf(id)}`).join(" and ")} {overlay.ids.length === 1 ? "is" : "are"} ranked first but{" "}
            {overlay.ids.length === 1 ? "has" : "have"} a span marked critical. Submit this ranking anyway?
          </p>
          <div className="flex justify-end gap-2">
            <button type="button" data-autofocus onClick={() => setOverlay(null)} className="rounded border border-slate-300 px-3 py-1">
              Go back
            </button>
            <button
              type="button"
              onClick={() => {
                setOverlay(null);
                void submit(tiersOf(state), true);
              }}
              className="rounded bg-brand-600 px-3 py-1 font-medium text-white"
            >
              Submit anyway
            </button>
          </div>
        </Dialog>
      )}
      {overlay?.kind === "skip" && (
        <Dialog title="Skip this prompt" onClose={() => setOverlay(null)}>
          <label className="block text-sm">
            Why? (helps the admins)
            <textarea
              data-autofocus
              value={skipReason}
              onChange={(e) => setSkipReason(e.target.value)}
              rows={3}
              className="mt-1 w-full rounded border border-slate-300 px-2 py-1"
            />
          </label>
          <div className="flex justify-end gap-2">
            <button type="button" onClick={() => setOverlay(null)} className="rounded border border-slate-300 px-3 py-1">
              Cancel
            </button>
            <button type="button" onClick={skip} disabled={submitting} className="rounded bg-slate-800 px-3 py-1 text-white">
              Skip
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
