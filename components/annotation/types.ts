import type { AnnotationProgress } from "@/lib/annotation/annotation-progress";
import type { AssignmentPayload } from "@/lib/annotation/assignment-payload";

export type { AnnotationProgress, AssignmentPayload };

export type WorkspaceSource = { kind: "queue" } | { kind: "assignment"; id: string } | { kind: "revision"; id: string };

export interface FieldErrors {
  general: string | null;
  ranking: string | null;
  byCandidate: Record<string, string>;
}

export const noErrors: FieldErrors = { general: null, ranking: null, byCandidate: {} };
