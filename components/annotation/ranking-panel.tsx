"use client";

import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  useDraggable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
} from "@dnd-kit/core";
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type Dispatch, type ReactNode } from "react";
import { dropTargetAt, keyboardStops, type Box, type PanelLayout } from "@/components/annotation/drop-target";
import {
  applyDrop,
  isTiedWithAbove,
  placeOf,
  rankedIds,
  type DropTarget,
  type RankingAction,
  type RankingState,
} from "@/components/annotation/ranking-state";

interface Props {
  state: RankingState;
  dispatch: Dispatch<RankingAction>;
  labelOf: (id: string) => number;
  /** Shown after "Response N" (the model, for admins' reference rankings); clinicians never get it. */
  detailOf?: (id: string) => string;
  allowTies: boolean;
  error: string | null;
  onDraggingChange?: (dragging: boolean) => void;
  /** Where the screen's keys (digits, arrows, T, Backspace) do what the row buttons do, the buttons
   * leave the Tab order so Submit is a few presses away; elsewhere they stay in it. */
  keysCoverButtons?: boolean;
}

const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th"}`;

/** Plain-words outcome of a drop, for the overlay, the live region and screen readers. */
export function describeDrop(state: RankingState, id: string, target: DropTarget | null, labelOf: (id: string) => number): string {
  const name = `Response ${labelOf(id)}`;
  if (!target) return `${name} was not moved: drop it on “Your ranking” or on “Not ranked yet”.`;
  const next = applyDrop(state, id, target);
  if (target.kind === "pool") return `${name} moved to Not ranked yet.`;
  const place = placeOf(next, id)!;
  const total = rankedIds(next).length;
  const tiedWith = next.tiers.find((t) => t.includes(id))!.filter((x) => x !== id);
  const tie = tiedWith.length > 0 ? `, tied with ${tiedWith.map((x) => `Response ${labelOf(x)}`).join(" and ")}` : "";
  return `${name} moved to position ${place} of ${total}${tie}.`;
}

function boxOf(el: Element | null): Box {
  const r = el?.getBoundingClientRect();
  return r ? { left: r.left, top: r.top, right: r.right, bottom: r.bottom } : { left: 0, top: 0, right: -1, bottom: -1 };
}

function measure(ranking: HTMLElement | null, pool: HTMLElement | null): PanelLayout {
  const rows = [...(ranking?.querySelectorAll<HTMLElement>("li[data-candidate-id]") ?? [])].map((li) => ({
    id: li.dataset.candidateId!,
    ...boxOf(li),
    tieZone: li.querySelector("[data-tie-zone]") ? boxOf(li.querySelector("[data-tie-zone]")) : null,
  }));
  return { ranking: boxOf(ranking), rows, pool: boxOf(pool) };
}

function pointOf(event: Event | null): { x: number; y: number } | null {
  if (!event) return null;
  if ("touches" in event) {
    const t = (event as TouchEvent).touches[0] ?? (event as TouchEvent).changedTouches[0];
    return t ? { x: t.clientX, y: t.clientY } : null;
  }
  if ("clientX" in event) return { x: (event as MouseEvent).clientX, y: (event as MouseEvent).clientY };
  return null;
}

/**
 * The ranked list and the unranked pool. A drag (mouse, touch, or Space on a handle and the arrow
 * keys) lands exactly where the insertion line shows: the target is worked out from the pointer
 * (or, for the keyboard, the dragged item) against the rows as they are on screen at that moment,
 * by the same pure functions the tests check. Every move also has a button and a key.
 */
export function RankingPanel({ state, dispatch, labelOf, detailOf, allowTies, error, onDraggingChange, keysCoverButtons = false }: Props) {
  const headingId = useId();
  const buttonTabIndex = keysCoverButtons ? -1 : 0;
  const rankingRef = useRef<HTMLOListElement>(null);
  const poolRef = useRef<HTMLOListElement>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const [target, setTarget] = useState<DropTarget | null>(null);
  const [outcome, setOutcome] = useState("");
  const drag = useRef<{
    id: string;
    keyboard: boolean;
    point: { x: number; y: number } | null;
    target: DropTarget | null;
    message: string;
  }>({ id: "", keyboard: false, point: null, target: null, message: "" });
  const stateRef = useRef(state);
  useLayoutEffect(() => {
    stateRef.current = state;
  });

  const keyboardCoordinates = useCallback<KeyboardCoordinateGetter>((event, { currentCoordinates, context }) => {
    if (event.code !== "ArrowDown" && event.code !== "ArrowUp") return undefined;
    const height = context.collisionRect?.height ?? 0;
    const centre = currentCoordinates.y + height / 2;
    const stops = keyboardStops(measure(rankingRef.current, poolRef.current));
    const next = event.code === "ArrowDown" ? stops.find((y) => y > centre + 1) : [...stops].reverse().find((y) => y < centre - 1);
    return next === undefined ? currentCoordinates : { x: currentCoordinates.x, y: next - height / 2 };
  }, []);

  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 4 } }),
    // A short press on the handle starts a drag on a touch screen; a swipe elsewhere still scrolls.
    useSensor(TouchSensor, { activationConstraint: { delay: 120, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates }),
  );

  const update = useCallback((x: number, y: number) => {
    const next = dropTargetAt(measure(rankingRef.current, poolRef.current), x, y, drag.current.id);
    drag.current.target = next;
    setTarget((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
  }, []);

  // Pointer drags follow the real pointer (touch included), re-measured on every move and scroll,
  // so autoscrolling and layout never put the line in one place and the drop in another.
  useEffect(() => {
    if (!dragging) return;
    const onMove = (e: Event) => {
      if (drag.current.keyboard) return;
      const p = pointOf(e);
      if (!p) return;
      drag.current.point = p;
      update(p.x, p.y);
    };
    const onScroll = () => {
      if (!drag.current.keyboard && drag.current.point) update(drag.current.point.x, drag.current.point.y);
    };
    const opts = { capture: true, passive: true } as const;
    window.addEventListener("pointermove", onMove, opts);
    window.addEventListener("mousemove", onMove, opts);
    window.addEventListener("touchmove", onMove, opts);
    window.addEventListener("scroll", onScroll, opts);
    return () => {
      window.removeEventListener("pointermove", onMove, opts);
      window.removeEventListener("mousemove", onMove, opts);
      window.removeEventListener("touchmove", onMove, opts);
      window.removeEventListener("scroll", onScroll, opts);
    };
  }, [dragging, update]);

  function setDraggingId(id: string | null) {
    setDragging(id);
    onDraggingChange?.(id !== null);
  }

  function onDragStart(e: DragStartEvent) {
    const id = String(e.active.id);
    const keyboard = e.activatorEvent instanceof KeyboardEvent;
    drag.current = { id, keyboard, point: pointOf(e.activatorEvent), target: null, message: "" };
    setTarget(null);
    setOutcome("");
    setDraggingId(id);
  }

  function keyboardCentre(e: DragMoveEvent | DragEndEvent) {
    const rect = e.active.rect.current.translated;
    return rect ? { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 } : null;
  }

  function onDragMove(e: DragMoveEvent) {
    if (!drag.current.keyboard) return;
    const c = keyboardCentre(e);
    if (c) update(c.x, c.y);
  }

  function onDragEnd(e: DragEndEvent) {
    const { id, keyboard, point } = drag.current;
    const at = keyboard ? keyboardCentre(e) : point;
    const final = at ? dropTargetAt(measure(rankingRef.current, poolRef.current), at.x, at.y, id) : null;
    const message = describeDrop(stateRef.current, id, final, labelOf);
    drag.current.target = final;
    drag.current.message = message;
    setTarget(final);
    setOutcome(message);
    if (final) dispatch({ type: "drop", id, target: final });
    setDraggingId(null);
  }

  function onDragCancel() {
    drag.current.message = `Dragging cancelled. Response ${labelOf(drag.current.id)} was not moved.`;
    drag.current.target = null;
    setTarget(null);
    setOutcome(drag.current.message);
    setDraggingId(null);
  }

  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up Response ${labelOf(String(active.id))}. Arrow keys move it, Space drops it, Escape cancels.`,
    onDragMove: ({ active }) =>
      drag.current.keyboard && drag.current.target
        ? `Drop here: ${describeDrop(stateRef.current, String(active.id), drag.current.target, labelOf).replace(" moved to", " goes to")}`
        : undefined,
    onDragOver: () => undefined,
    onDragEnd: () => drag.current.message,
    onDragCancel: () => drag.current.message,
  };

  const shown = rankedIds(state);
  const endLine = dragging !== null && target?.kind === "gap" && target.index === shown.length;
  return (
    <DndContext
      sensors={sensors}
      onDragStart={onDragStart}
      onDragMove={onDragMove}
      onDragEnd={onDragEnd}
      onDragCancel={onDragCancel}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            "To move this response, press Space, then the arrow keys to choose its place, and Space again to drop it. Escape cancels.",
        },
      }}
    >
      <section aria-labelledby={headingId} className="space-y-2">
        <h2 id={headingId} className="font-semibold">
          Your ranking{" "}
          <span className="text-sm font-normal text-slate-600">
            (best first · {shown.length} of {shown.length + state.unranked.length})
          </span>
        </h2>
        {error && (
          <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
            {error}
          </p>
        )}
        <ol
          ref={rankingRef}
          aria-label="Ranked responses, best first"
          data-testid="ranking-list"
          className={`space-y-1 rounded-md border border-dashed p-1 ${dragging ? "border-brand-600" : "border-slate-300"}`}
        >
          {state.tiers.flatMap((tier, t) =>
            tier.map((id, i) => {
              const index = shown.indexOf(id);
              const group = tier.length > 1 ? (i === 0 ? "first" : i === tier.length - 1 ? "last" : "middle") : null;
              return (
                <DraggableRow
                  key={id}
                  id={id}
                  label={labelOf(id)}
                  selected={state.selected === id}
                  onSelect={() => dispatch({ type: "select", id })}
                  group={group}
                  lineAbove={dragging !== null && target?.kind === "gap" && target.index === index}
                  tieZone={
                    allowTies && dragging !== null && dragging !== id
                      ? target?.kind === "join" && target.id === id
                        ? "active"
                        : "shown"
                      : null
                  }
                >
                  <span className="w-7 shrink-0 text-right font-mono text-sm" title={group ? "tied" : undefined}>
                    {placeOf(state, id)}
                    {group ? "=" : "."}
                  </span>
                  <CandidateName label={labelOf(id)} detail={detailOf?.(id)} />
                  <span className="flex shrink-0 gap-1">
                    {allowTies && (
                      <IconButton
                        tabIndex={buttonTabIndex}
                        label={`Tie Response ${labelOf(id)} with the one above`}
                        pressed={isTiedWithAbove(state, id)}
                        disabled={t === 0 && i === 0}
                        onClick={() => dispatch({ type: "toggleTie", id })}
                      >
                        =
                      </IconButton>
                    )}
                    <IconButton
                      tabIndex={buttonTabIndex}
                      label={`Move Response ${labelOf(id)} up`}
                      disabled={index === 0}
                      onClick={() => dispatch({ type: "move", id, delta: -1 })}
                    >
                      ↑
                    </IconButton>
                    <IconButton
                      tabIndex={buttonTabIndex}
                      label={`Move Response ${labelOf(id)} down`}
                      disabled={index === shown.length - 1 && !group}
                      onClick={() => dispatch({ type: "move", id, delta: 1 })}
                    >
                      ↓
                    </IconButton>
                    <IconButton
                      tabIndex={buttonTabIndex}
                      label={`Remove Response ${labelOf(id)} from the ranking`}
                      onClick={() => dispatch({ type: "unrank", id })}
                    >
                      ✕
                    </IconButton>
                  </span>
                </DraggableRow>
              );
            }),
          )}
          <li
            aria-hidden="true"
            data-end-slot
            className={`relative rounded px-2 py-2 text-center text-xs ${endLine ? "bg-brand-50 text-brand-900" : "text-slate-600"}`}
          >
            {endLine && <span className="absolute inset-x-0 -top-[3px] h-[3px] rounded bg-brand-600" />}
            {shown.length === 0 ? "Drag responses here, or use “Rank next” or the number keys." : "Drop here to rank last"}
          </li>
        </ol>
        <h3 className="pt-2 text-sm font-semibold text-slate-700">Not ranked yet</h3>
        <ol
          ref={poolRef}
          aria-label="Not ranked yet"
          data-testid="pool-list"
          className={`min-h-12 space-y-1 rounded-md border border-dashed p-1 ${dragging && target?.kind === "pool" ? "border-brand-600 bg-brand-50" : "border-slate-300"}`}
        >
          {state.unranked.length === 0 && <li className="px-2 py-2 text-sm text-slate-600">Every response is ranked.</li>}
          {state.unranked.map((id) => (
            <DraggableRow
              key={id}
              id={id}
              label={labelOf(id)}
              selected={state.selected === id}
              onSelect={() => dispatch({ type: "select", id })}
              group={null}
              lineAbove={false}
              tieZone={null}
            >
              <CandidateName label={labelOf(id)} detail={detailOf?.(id)} />
              <button
                type="button"
                tabIndex={buttonTabIndex}
                onClick={() => dispatch({ type: "place", id })}
                className="shrink-0 rounded bg-brand-600 px-2 py-0.5 text-xs font-medium text-white hover:bg-brand-700"
                aria-label={`Add Response ${labelOf(id)} to the end of the ranking`}
              >
                Add
              </button>
            </DraggableRow>
          ))}
        </ol>
        <p className="sr-only" aria-live="polite" data-testid="drop-outcome">
          {outcome}
        </p>
      </section>
      <DragOverlay dropAnimation={target ? null : undefined}>
        {dragging ? (
          <div data-testid="drag-overlay" className="rounded border border-brand-600 bg-white px-3 py-2 text-sm font-medium shadow-lg">
            Response {labelOf(dragging)} <span className="font-normal text-slate-700">{overlayHint(state, dragging, target, labelOf)}</span>
          </div>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}

function overlayHint(state: RankingState, id: string, target: DropTarget | null, labelOf: (id: string) => number): string {
  if (!target) return "→ back to where it was";
  if (target.kind === "pool") return "→ not ranked";
  if (target.kind === "join") return `→ tie with Response ${labelOf(target.id)}`;
  return `→ ${ordinal(placeOf(applyDrop(state, id, target), id)!)}`;
}

interface RowProps {
  id: string;
  label: number;
  selected: boolean;
  onSelect: () => void;
  group: "first" | "middle" | "last" | null;
  lineAbove: boolean;
  tieZone: "shown" | "active" | null;
  children: ReactNode;
}

const groupClass = { first: "rounded-b-none border-b-0", middle: "rounded-none border-y-0", last: "rounded-t-none border-t-0" } as const;

function DraggableRow({ id, label, selected, onSelect, group, lineAbove, tieZone, children }: RowProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, isDragging } = useDraggable({ id });
  return (
    <li
      ref={setNodeRef}
      onClick={onSelect}
      data-candidate-label={label}
      data-candidate-id={id}
      data-tie-group={group ?? undefined}
      className={`relative flex items-center gap-2 rounded border px-1.5 py-1 text-sm ${group ? `bg-brand-50 border-l-4 border-l-brand-600 ${groupClass[group]} ${group !== "first" ? "!mt-0" : ""}` : "bg-white"} ${selected ? "border-brand-600 ring-1 ring-brand-600" : "border-slate-200"} ${isDragging ? "opacity-40" : ""}`}
    >
      {lineAbove && (
        <span aria-hidden="true" data-insertion-line className="absolute inset-x-0 -top-[3px] z-10 h-[3px] rounded bg-brand-600" />
      )}
      <button
        type="button"
        ref={setActivatorNodeRef}
        {...attributes}
        {...listeners}
        onFocus={onSelect}
        aria-label={`Drag Response ${label}`}
        className="cursor-grab touch-none rounded px-1.5 py-1 text-slate-600 hover:text-slate-900"
      >
        ⠿
      </button>
      {children}
      {tieZone && (
        <span
          aria-hidden="true"
          data-tie-zone={label}
          className={`absolute inset-y-0 right-0 z-10 flex w-2/5 items-center justify-center rounded border-2 border-dashed text-xs font-medium ${tieZone === "active" ? "border-brand-600 bg-brand-100 text-brand-900" : "border-brand-600/40 bg-white/90 text-slate-700"}`}
        >
          = tie
        </span>
      )}
    </li>
  );
}

function IconButton({
  label,
  disabled,
  pressed,
  onClick,
  tabIndex,
  children,
}: {
  label: string;
  disabled?: boolean;
  pressed?: boolean;
  onClick: () => void;
  tabIndex: number;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      tabIndex={tabIndex}
      aria-label={label}
      aria-pressed={pressed}
      title={label}
      disabled={disabled}
      onClick={onClick}
      className={`rounded border px-1.5 text-xs disabled:opacity-30 ${pressed ? "border-brand-600 bg-brand-100 text-brand-900" : "border-slate-300 hover:bg-slate-50"}`}
    >
      {children}
    </button>
  );
}

/** "Response 3", and for admins' editors the model after it (never passed on a clinician's screen). */
function CandidateName({ label, detail }: { label: number; detail?: string }) {
  return (
    <span className="min-w-0 flex-1 truncate font-medium" title={detail ? `Response ${label} · ${detail}` : undefined}>
      Response {label}
      {detail && <span className="font-normal text-slate-600"> · {detail}</span>}
    </span>
  );
}
