// The signed-in session: the bearer token and when it expires, kept in
// localStorage so a reload or a second tab stays signed in. The email of the
// last person to sign in is kept apart, so the sign-in form can offer it again.
import type { IssuedToken } from '../api/types.ts';

export interface Session {
  token: string;
  expiresAt: string;
  email: string;
}

export const SESSION_KEY = 'todo.session';
const LAST_EMAIL_KEY = 'todo.last-email';

export function loadSession(): Session | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Partial<Session> | null;
    if (typeof stored?.token !== 'string' || typeof stored.expiresAt !== 'string' || typeof stored.email !== 'string') {
      return undefined;
    }
    return { token: stored.token, expiresAt: stored.expiresAt, email: stored.email };
  } catch {
    return undefined;
  }
}

export function saveSession(email: string, issued: IssuedToken): Session {
  const session = { token: issued.token, expiresAt: issued.expires_at, email };
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  localStorage.setItem(LAST_EMAIL_KEY, email);
  return session;
}

export function clearSession(): void {
  localStorage.removeItem(SESSION_KEY);
}

export function lastEmail(): string {
  return localStorage.getItem(LAST_EMAIL_KEY) ?? '';
}

/** Milliseconds until the token expires (negative once it has). */
export function msUntilExpiry(session: Session, now = Date.now()): number {
  return Date.parse(session.expiresAt) - now;
}
