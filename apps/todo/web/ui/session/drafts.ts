// What a person has typed but not saved yet (the new-task form, a task being
// edited) is kept in sessionStorage as they type, so a session that ends
// mid-edit (expired or revoked token) loses nothing: after signing in again
// the forms come back as they were. Drafts belong to the tab, not the account.
const PREFIX = 'todo.draft.';

export function readDraft<T>(name: string): T | undefined {
  try {
    const text = sessionStorage.getItem(PREFIX + name);
    return text === null ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}

export function writeDraft(name: string, value: unknown): void {
  try {
    sessionStorage.setItem(PREFIX + name, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the draft simply isn't kept.
  }
}

export function clearDraft(name: string): void {
  sessionStorage.removeItem(PREFIX + name);
}

/** Drafts are per person: signing out on purpose drops them, so the next person at this tab starts clean. */
export function clearAllDrafts(): void {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
}
