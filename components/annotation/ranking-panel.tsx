"use client";

import { DndContext, DragOverlay, PointerSensor, closestCenter, useDroppable, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from "@dnd-kit/core";
import { SortableContext, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { useState, type Dispatch, type ReactNode } from "react";
import { placeOf, type RankingAction, type RankingState } from "@/components/annotation/ranking-state";

interface Props {
  state: RankingState;
  dispatch: Dispatch<RankingAction>;
  labelOf: (id: string) => number;
  /** Shown after "Response N" (the model, for admins' reference rankings); clinicians never get it. */
  detailOf?: (id: string) => string;
  allowTies: boolean;
  error: string | null;
}

/**
 * The ranked list and the unranked pool. Drag and drop (dnd-kit) moves candidates between and
 * within them; every move also has a button with an accessible name, and the screen's keys
 * (1–N, Enter, arrows) do the same without a pointer.
 */
export function RankingPanel({ state, dispatch, labelOf, detailOf, allowTies, error }: Props) {
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }));
  const [dragging, setDragging] = useState<string | null>(null);

  function onDragStart(e: DragStartEvent) {
    setDragging(String(e.active.id));
  }

  function onDragEnd(e: DragEndEvent) {
    setDragging(null);
    const id = String(e.active.id);
    const over = e.over;
    if (!over) return;
    const overId = String(over.id);
    const container = (over.data.current as { container?: string } | undefined)?.container ?? overId;
    if (container === "pool") {
      dispatch({ type: "unrank", id });
      return;
    }
    const index = state.ranked.indexOf(overId);
    dispatch({ type: "moveTo", id, index: index === -1 ? state.ranked.length : index });
  }

  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
      <section aria-labelledby="ranking-heading" className="space-y-2">
        <h2 id="ranking-heading" className="font-semibold">Your ranking <span className="text-sm font-normal text-slate-500">(best first)</span></h2>
        {error && <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">{error}</p>}
        <DropList id="ranking" label="Ranked responses, best first" items={state.ranked} empty="Drag responses here, or use “Rank next”.">
          {state.ranked.map((id, i) => (
            <SortableRow key={id} id={id} container="ranking" label={labelOf(id)} selected={state.selected === id} onSelect={() => dispatch({ type: "select", id })}>
              <span className="w-7 shrink-0 text-right font-mono text-sm">{placeOf(state, id)}.</span>
              <CandidateName label={labelOf(id)} detail={detailOf?.(id)} />
              {allowTies && i > 0 && (
                <label className="flex items-center gap-1 text-xs">
                  <input type="checkbox" checked={Boolean(state.tiedWithAbove[id])} onChange={() => dispatch({ type: "toggleTie", id })} aria-label={`Tie Response ${labelOf(id)} with the one above`} />
                  tie
                </label>
              )}
              <IconButton label={`Move Response ${labelOf(id)} up`} disabled={i === 0} onClick={() => dispatch({ type: "move", id, delta: -1 })}>↑</IconButton>
              <IconButton label={`Move Response ${labelOf(id)} down`} disabled={i === state.ranked.length - 1} onClick={() => dispatch({ type: "move", id, delta: 1 })}>↓</IconButton>
              <IconButton label={`Remove Response ${labelOf(id)} from the ranking`} onClick={() => dispatch({ type: "unrank", id })}>✕</IconButton>
            </SortableRow>
          ))}
        </DropList>
        <h3 className="pt-2 text-sm font-semibold text-slate-600">Not ranked yet</h3>
        <DropList id="pool" label="Responses not ranked yet" items={state.unranked} empty="Every response is ranked.">
          {state.unranked.map((id) => (
            <SortableRow key={id} id={id} container="pool" label={labelOf(id)} selected={state.selected === id} onSelect={() => dispatch({ type: "select", id })}>
              <CandidateName label={labelOf(id)} detail={detailOf?.(id)} />
              <button type="button" onClick={() => dispatch({ type: "place", id })} className="rounded bg-brand-600 px-2 py-0.5 text-xs font-medium text-white hover:bg-brand-700" aria-label={`Rank Response ${labelOf(id)} next`}>
                Rank next
              </button>
            </SortableRow>
          ))}
        </DropList>
      </section>
      <DragOverlay>{dragging ? <div className="rounded border border-brand-600 bg-white px-3 py-2 text-sm font-medium shadow-lg">Response {labelOf(dragging)}</div> : null}</DragOverlay>
    </DndContext>
  );
}

function CandidateName({ label, detail }: { label: number; detail?: string }) {
  return (
    <span className="min-w-0 flex-1 font-medium [overflow-wrap:anywhere]">
      <span className="whitespace-nowrap">Response {label}</span>
      {detail && <span className="font-normal text-slate-600"> · {detail}</span>}
    </span>
  );
}

function DropList({ id, label, items, empty, children }: { id: string; label: string; items: string[]; empty: string; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id, data: { container: id } });
  return (
    <SortableContext id={id} items={items} strategy={verticalListSortingStrategy}>
      <ol ref={setNodeRef} aria-label={label} data-testid={`${id}-list`} className={`min-h-12 space-y-1 rounded-md border border-dashed p-1 ${isOver ? "border-brand-600 bg-brand-50" : "border-slate-300"}`}>
        {items.length === 0 && <li className="px-2 py-2 text-sm text-slate-500">{empty}</li>}
        {children}
      </ol>
    </SortableContext>
  );
}

function SortableRow({ id, container, label, selected, onSelect, children }: { id: string; container: string; label: number; selected: boolean; onSelect: () => void; children: ReactNode }) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id, data: { container } });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      onClick={onSelect}
      data-candidate-label={label}
      className={`flex items-center gap-2 rounded border bg-white px-2 py-1 text-sm ${selected ? "border-brand-600 ring-1 ring-brand-600" : "border-slate-200"} ${isDragging ? "opacity-40" : ""}`}
    >
      <button type="button" {...attributes} {...listeners} tabIndex={-1} aria-label={`Drag Response ${label}`} className="cursor-grab touch-none px-1 text-slate-400 hover:text-slate-700">
        ⠿
      </button>
      {children}
    </li>
  );
}

function IconButton({ label, disabled, onClick, children }: { label: string; disabled?: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" aria-label={label} title={label} disabled={disabled} onClick={onClick} className="rounded border border-slate-300 px-1.5 text-xs hover:bg-slate-50 disabled:opacity-30">
      {children}
    </button>
  );
}
