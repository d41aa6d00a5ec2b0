// The app's one decision: signed in or not. It owns the session, ends it when
// the API refuses the token (or it expires), and tells the person why.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { signOut } from './api/accounts.ts';
import { createApiClient } from './api/client.ts';
import type { IssuedToken } from './api/types.ts';
import { AuthScreen, type Notice } from './auth/AuthScreen.tsx';
import { clearAllDrafts } from './session/drafts.ts';
import {
  clearSession,
  lastEmail,
  loadSession,
  msUntilExpiry,
  SESSION_KEY,
  type Session,
  saveSession,
} from './session/session.ts';
import { TasksScreen } from './tasks/TasksScreen.tsx';

// setTimeout cannot wait longer than this (about 24.8 days).
const LONGEST_TIMER_MS = 2 ** 31 - 1;

const sessionEndedNotice = (reason: string): Notice => ({
  tone: 'warning',
  text: `Your session has ended (${reason.replace(/[.;]?\s*sign in again\.?$/i, '')}). Sign in again to continue — anything you had typed is kept.`,
});

export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const sessionRef = useRef(session);
  sessionRef.current = session;

  const endSession = useCallback((reason: string) => {
    if (sessionRef.current === undefined) return;
    sessionRef.current = undefined;
    clearSession();
    setSession(undefined);
    setNotice(sessionEndedNotice(reason));
  }, []);

  const api = useMemo(
    () => createApiClient({ token: () => sessionRef.current?.token, onSessionEnded: endSession }),
    [endSession],
  );

  // Another tab signed in, out, or again: this tab follows, so no tab works on with a token that is gone.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== SESSION_KEY) return;
      const stored = loadSession();
      if (stored?.token === sessionRef.current?.token) return;
      if (stored === undefined && sessionRef.current !== undefined) {
        setNotice({ tone: 'info', text: 'You signed out in another tab.' });
      }
      sessionRef.current = stored;
      setSession(stored);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  // The token's own expiry ends the session even when nothing is being sent.
  useEffect(() => {
    if (session === undefined) return;
    const timer = setTimeout(
      () => endSession('it expired'),
      Math.min(Math.max(0, msUntilExpiry(session)), LONGEST_TIMER_MS),
    );
    return () => clearTimeout(timer);
  }, [session, endSession]);

  const onSignedIn = (email: string, token: IssuedToken) => {
    setNotice(undefined);
    setSession(saveSession(email, token));
  };

  const [signingOut, setSigningOut] = useState(false);
  // The task screen finishes what must go out under this token (a delete still in its undo window).
  const beforeSignOut = useRef<(() => Promise<void>) | undefined>(undefined);
  const onSignOut = async () => {
    setSigningOut(true);
    try {
      await beforeSignOut.current?.();
      await signOut(api);
    } catch {
      // The token is dropped here either way; a failed revoke only means it lives until it expires.
    }
    sessionRef.current = undefined;
    clearSession();
    clearAllDrafts();
    setSession(undefined);
    setSigningOut(false);
    setNotice({ tone: 'info', text: 'You have signed out.' });
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <h1>Todo</h1>
        {session ? (
          <div className="account">
            <span className="account-email" dir="auto">
              {session.email}
            </span>
            <button type="button" onClick={() => void onSignOut()} disabled={signingOut}>
              {signingOut ? 'Signing out…' : 'Sign out'}
            </button>
          </div>
        ) : null}
      </header>
      {session ? (
        // Keyed by account: a new token for the same person keeps the screen (and what is typed in it).
        <TasksScreen key={session.email} api={api} beforeSignOut={beforeSignOut} />
      ) : (
        <AuthScreen api={api} initialEmail={lastEmail()} notice={notice} onSignedIn={onSignedIn} />
      )}
    </div>
  );
}
