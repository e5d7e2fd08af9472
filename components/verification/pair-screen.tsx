"use client";

import { KeyList } from "@/components/annotation/key-legend";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { PromptView } from "@/components/annotation/prompt-view";
import { sendRanking } from "@/components/annotation/submit-ranking-request";
import { forgetUnsavedDraft, readUnsavedDraft } from "@/components/annotation/unsaved-draft";
import { useAutosave } from "@/components/annotation/use-autosave";
import { useTimeOnTask } from "@/components/annotation/use-time-on-task";
import { MarkableText } from "@/components/critiques/markable-text";
import { SpanDialog } from "@/components/critiques/span-dialog";
import { ANSWER_KEYS, pairKeyAction } from "@/components/verification/pair-keys";
import { CANDIDATE_FLAGS, type CandidateFlag } from "@/lib/ranking/rubric";
import type { PairAnswer, PairDraft, PairSpan } from "@/lib/verification/pair-answer";
import type { PairAssignmentPayload } from "@/lib/verification/pair-payload";

type Side = "A" | "B";
type Flags = Record<Side, CandidateFlag[]>;

interface Props {
  payload: PairAssignmentPayload;
  /** Called after a stored answer or a skip, with what the live region should announce. */
  onDone: (message: string, answered: boolean) => void;
}

const ANSWER_TEXT: Record<PairAnswer, string> = { A: "A is better", B: "B is better", TIE: "a tie", BOTH_BAD: "both unacceptable" };

const isTextField = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && (el as HTMLInputElement).type === "text"));

/**
 * One pair: the conversation, the two responses side by side (stacked on a phone) as A and B in the
 * order this assignment drew, and the answer: one key per answer, 1–5 for the confidence, Enter to
 * submit. Nothing on it names a model or says which response the judge preferred.
 */
export function PairScreen({ payload, onDone }: Props) {
  const isRevision = payload.assignment.mode === "revision";
  const draftUrl = isRevision ? null : `/api/verification-assignments/${payload.assignment.id}/draft`;
  const [start] = useState<PairDraft | null>(() => ((draftUrl ? readUnsavedDraft(draftUrl) : null) as PairDraft | null) ?? payload.draft);
  const [answer, setAnswer] = useState<PairAnswer | null>(start?.answer ?? null);
  const [confidence, setConfidence] = useState<number | null>(start?.confidence ?? null);
  const [rationale, setRationale] = useState(start?.rationale ?? "");
  const [flags, setFlags] = useState<Flags>({ A: start?.flags?.A ?? [], B: start?.flags?.B ?? [] });
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [showKeys, setShowKeys] = useState(false);
  const [skipping, setSkipping] = useState(false);
  const [skipReason, setSkipReason] = useState("");
  const [spans, setSpans] = useState<PairSpan[]>(start?.spans ?? []);
  // Marking a new span (index null) or editing one: the answer keys rest meanwhile.
  const [marking, setMarking] = useState<{ index: number | null; span: PairSpan } | null>(null);
  const taxonomy = payload.critiqueTaxonomy.taxonomy;
  const heading = useRef<HTMLHeadingElement>(null);
  const attempt = useRef<{ content: string; key: string; body: string } | null>(null);
  const elapsed = useTimeOnTask(start?.timeOnTaskMs ?? 0);
  const draft = { answer: answer ?? undefined, confidence, rationale: rationale || null, flags, spans };
  const save = useAutosave(draftUrl, draft, !submitting, () => ({ timeOnTaskMs: elapsed() }));

  // A new pair: focus its heading, so a screen reader reads it and the keys work at once.
  useEffect(() => heading.current?.focus(), []);

  const submitRef = useRef<() => void>(() => undefined);
  // The key handler calls the latest submit (it closes over the current answer).
  useLayoutEffect(() => {
    submitRef.current = () => void submit();
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (submitting || skipping || marking) return;
      const action = pairKeyAction(e, isTextField(e.target));
      if (!action) return;
      if (action.kind === "submit" && e.target instanceof HTMLButtonElement && !(e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      if (action.kind === "answer") setAnswer(action.answer);
      else if (action.kind === "confidence") setConfidence((c) => (c === action.value ? null : action.value));
      else if (action.kind === "help") setShowKeys((v) => !v);
      else submitRef.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [submitting, skipping, marking]);

  async function submit() {
    if (!answer) {
      setError("Choose an answer first: A is better (A), B is better (B), tie (T) or both unacceptable (X).");
      document.getElementById("pair-answer")?.focus();
      return;
    }
    const content = JSON.stringify({ answer, confidence, rationale, flags, spans });
    // The same answer again (a retry) keeps its key, so the server stores it once.
    if (!attempt.current || attempt.current.content !== content)
      attempt.current = {
        content,
        key: crypto.randomUUID(),
        body: JSON.stringify({ answer, confidence, rationale: rationale.trim() || null, flags, spans, timeOnTaskMs: elapsed() }),
      };
    setSubmitting(true);
    setError(null);
    const url = isRevision
      ? `/api/verification-votes/${payload.assignment.voteId}`
      : `/api/verification-assignments/${payload.assignment.id}/submit`;
    const outcome = await sendRanking(url, isRevision ? "PUT" : "POST", attempt.current.body, attempt.current.key, []);
    setSubmitting(false);
    if (outcome.ok) {
      if (draftUrl) forgetUnsavedDraft(draftUrl);
      const sure = confidence ? `, confidence ${confidence}` : "";
      onDone(isRevision ? `Revision saved: ${ANSWER_TEXT[answer]}${sure}.` : `Answer saved: ${ANSWER_TEXT[answer]}${sure}.`, true);
    } else setError(outcome.errors.general ?? outcome.errors.ranking ?? "The server refused this answer.");
  }

  async function skip() {
    setSubmitting(true);
    const res = await fetch(`/api/verification-assignments/${payload.assignment.id}/skip`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: skipReason }),
    }).catch(() => null);
    setSubmitting(false);
    if (res?.ok) {
      if (draftUrl) forgetUnsavedDraft(draftUrl);
      onDone("Pair skipped.", false);
      return;
    }
    const body = ((await res?.json().catch(() => ({}))) ?? {}) as { error?: string };
    setError(body.error ?? "Could not reach the server to skip; try again.");
  }

  const toggleFlag = (side: Side, flag: CandidateFlag) =>
    setFlags((f) => ({ ...f, [side]: f[side].includes(flag) ? f[side].filter((x) => x !== flag) : [...f[side], flag] }));

  return (
    <div className="space-y-4">
      <h2 ref={heading} tabIndex={-1} className="text-lg font-semibold outline-none focus-visible:ring-2 focus-visible:ring-brand-600">
        {isRevision ? "Revise your answer" : "Which response is better?"}
      </h2>
      <PromptView messages={payload.prompt.messages} reference={payload.prompt.reference} />
      <div className="grid grid-cols-1 gap-3 md:grid-cols-2" data-testid="pair-responses">
        {payload.completions.map((c) => (
          <article
            key={c.label}
            aria-label={`Response ${c.label}`}
            className={`flex min-w-0 flex-col rounded-lg border bg-white shadow-sm ${answer === c.label ? "border-brand-600 ring-2 ring-brand-600" : "border-slate-200"}`}
          >
            <header className="border-b border-slate-100 px-3 py-2">
              <h3 className="font-semibold">Response {c.label}</h3>
            </header>
            <MarkableText
              text={c.text}
              name={`Response ${c.label}`}
              spans={spans.flatMap((span, index) => (span.side === c.label ? [{ ...span, index }] : []))}
              taxonomy={taxonomy}
              onMark={(sel) =>
                setMarking({
                  index: null,
                  span: { side: c.label, ...sel, tag: taxonomy.tags[0]!.key, severity: "major", comment: "", correction: "" },
                })
              }
              onEdit={(index) => setMarking({ index, span: spans[index]! })}
            />
            <fieldset className="border-t border-slate-100 px-3 py-2 text-sm">
              <legend className="sr-only">Flags for response {c.label}</legend>
              <div className="flex flex-wrap gap-x-4 gap-y-1">
                {CANDIDATE_FLAGS.map((f) => (
                  <label key={f.value} className="flex items-center gap-1.5">
                    <input type="checkbox" checked={flags[c.label].includes(f.value)} onChange={() => toggleFlag(c.label, f.value)} />
                    {f.label}
                  </label>
                ))}
              </div>
            </fieldset>
          </article>
        ))}
      </div>
      <section aria-label="Your answer" className="space-y-3 rounded-lg border border-slate-200 bg-white p-3">
        <fieldset id="pair-answer" tabIndex={-1}>
          <legend className="mb-2 font-medium">Your answer</legend>
          <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
            {ANSWER_KEYS.map((k) => (
              <label
                key={k.answer}
                className={`flex cursor-pointer items-center gap-2 rounded-md border px-3 py-2 text-sm ${answer === k.answer ? "border-brand-600 bg-brand-50 font-semibold text-brand-900" : "border-slate-300"}`}
              >
                <input
                  type="radio"
                  name="pair-answer"
                  value={k.answer}
                  checked={answer === k.answer}
                  onChange={() => setAnswer(k.answer)}
                />
                <span className="flex-1">{k.label}</span>
                <kbd aria-hidden="true" className="rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs">
                  {k.key}
                </kbd>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend className="mb-1 text-sm font-medium">Confidence (optional)</legend>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            {[1, 2, 3, 4, 5].map((n) => (
              <label
                key={n}
                className={`flex items-center gap-1 rounded border px-2 py-1 ${confidence === n ? "border-brand-600 bg-brand-50" : "border-slate-300"}`}
              >
                <input type="radio" name="pair-confidence" value={n} checked={confidence === n} onChange={() => setConfidence(n)} />
                {n}
              </label>
            ))}
            <span className="text-slate-600">1 unsure … 5 certain</span>
            {confidence !== null && (
              <button type="button" onClick={() => setConfidence(null)} className="text-brand-700 underline">
                clear
              </button>
            )}
          </div>
        </fieldset>
        <label className="block text-sm">
          <span className="font-medium">Rationale (optional)</span>
          <textarea
            value={rationale}
            onChange={(e) => setRationale(e.target.value)}
            rows={2}
            className="mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1"
          />
        </label>
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        )}
        <div className="flex flex-wrap items-center gap-2">
          <button
            type="button"
            onClick={() => void submit()}
            disabled={submitting}
            className="rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60"
          >
            {submitting ? "Saving…" : isRevision ? "Save revision" : "Submit"} <span className="text-xs">(Enter)</span>
          </button>
          {!isRevision && (
            <button
              type="button"
              onClick={() => setSkipping((v) => !v)}
              aria-expanded={skipping}
              className="rounded border border-slate-300 px-3 py-2 text-sm"
            >
              Skip…
            </button>
          )}
          <button
            type="button"
            onClick={() => setShowKeys((v) => !v)}
            aria-expanded={showKeys}
            className="rounded border border-slate-300 px-3 py-2 text-sm"
          >
            Keys (?)
          </button>
          <span className="ml-auto text-xs text-slate-600" aria-live="off">
            {save.kind === "saving" ? "Saving draft…" : save.kind === "saved" ? "Draft saved" : save.kind === "error" ? save.message : ""}
          </span>
        </div>
        {skipping && (
          <div className="flex flex-wrap items-end gap-2 text-sm">
            <label className="flex-1">
              <span className="font-medium">Why do you skip this pair?</span>
              <input
                type="text"
                value={skipReason}
                onChange={(e) => setSkipReason(e.target.value)}
                className="mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1"
                autoFocus
              />
            </label>
            <button
              type="button"
              onClick={() => void skip()}
              disabled={skipReason.trim().length < 3 || submitting}
              className="rounded border border-slate-300 px-3 py-1 disabled:opacity-60"
            >
              Skip this pair
            </button>
          </div>
        )}
        {showKeys && <PairKeyLegend />}
      </section>
      {marking && (
        <SpanDialog
          title={`${marking.index === null ? "Mark" : "Edit the mark"} in Response ${marking.span.side}`}
          span={marking.span}
          taxonomy={taxonomy}
          onSave={(span) => {
            const marked = { ...marking.span, ...span };
            setSpans((all) => (marking.index === null ? [...all, marked] : all.map((s, i) => (i === marking.index ? marked : s))));
            window.getSelection()?.removeAllRanges();
            setMarking(null);
          }}
          onRemove={
            marking.index === null
              ? undefined
              : () => {
                  setSpans((all) => all.filter((_, i) => i !== marking.index));
                  setMarking(null);
                }
          }
          onClose={() => setMarking(null)}
        />
      )}
    </div>
  );
}

export function PairKeyLegend() {
  const rows: [string, string][] = [
    ...ANSWER_KEYS.map((k): [string, string] => [k.key, k.label]),
    ["1–5", "confidence (the same number again clears it)"],
    ["Enter, or Ctrl+Enter / ⌘+Enter in a text field", "submit"],
    ["?", "show or hide these keys"],
  ];
  return <KeyList rows={rows} label="Keys" />;
}
