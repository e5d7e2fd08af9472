/**
 * A draft the server has not confirmed yet, kept in this browser's localStorage under its draft
 * URL: when a save fails (signed out after the idle timeout, offline), nothing is lost, and the
 * ranking screen starts from it next time and saves it (after signing in again).
 */
const keyOf = (url: string) => `medpref:unsaved-draft:${url}`;

export function readUnsavedDraft(url: string): ({ timeOnTaskMs?: number } & Record<string, unknown>) | null {
  try {
    const text = window.localStorage.getItem(keyOf(url));
    const value: unknown = text ? JSON.parse(text) : null;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function keepUnsavedDraft(url: string, body: string): void {
  try {
    window.localStorage.setItem(keyOf(url), body);
  } catch {
    // Storage full or disabled: the server save is still attempted.
  }
}

export function forgetUnsavedDraft(url: string): void {
  try {
    window.localStorage.removeItem(keyOf(url));
  } catch {
    // Nothing to forget.
  }
}
