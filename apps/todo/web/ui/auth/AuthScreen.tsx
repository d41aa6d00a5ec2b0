// Sign in, or create an account (which signs in too). A notice from the app
// (session expired, signed out) is shown above the form.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { createAccount, signIn } from '../api/accounts.ts';
import type { ApiClient } from '../api/client.ts';
import { ApiError, errorMessage, unplacedMessage } from '../api/errors.ts';
import type { IssuedToken } from '../api/types.ts';

export interface Notice {
  tone: 'info' | 'warning';
  text: string;
}

export interface AuthScreenProps {
  api: ApiClient;
  initialEmail: string;
  notice: Notice | undefined;
  onSignedIn(email: string, token: IssuedToken): void;
}

type Mode = 'sign-in' | 'create';

export function AuthScreen({ api, initialEmail, notice, onSignedIn }: AuthScreenProps) {
  const [mode, setMode] = useState<Mode>('sign-in');
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    (initialEmail ? passwordRef : emailRef).current?.focus();
  }, [initialEmail]);

  const creating = mode === 'create';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const credentials = { email, password };
      const token = creating ? await createAccount(api, credentials) : await signIn(api, credentials);
      onSignedIn(email.trim().toLowerCase(), token);
    } catch (caught) {
      const apiError = caught instanceof ApiError ? caught : new ApiError(0, errorMessage(caught));
      setError(apiError);
      setBusy(false);
      (apiError.fields.email ? emailRef : passwordRef).current?.focus();
    }
  };
  const switchMode = () => {
    setMode(creating ? 'sign-in' : 'create');
    setError(undefined);
  };

  const fieldError = (field: 'email' | 'password') =>
    error?.fields[field] ? (
      <p className="field-error" id={`auth-${field}-error`}>
        {error.fields[field]}
      </p>
    ) : null;
  const describedBy = (field: 'email' | 'password', hint?: string) =>
    [hint, error?.fields[field] ? `auth-${field}-error` : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <main id="main" className="auth">
      <section className="panel auth-panel" aria-labelledby="auth-heading">
        <h2 id="auth-heading">{creating ? 'Create your account' : 'Sign in'}</h2>
        {notice ? (
          <p className={`notice notice-${notice.tone}`} role={notice.tone === 'warning' ? 'alert' : 'status'}>
            {notice.text}
          </p>
        ) : null}
        <form onSubmit={submit} noValidate aria-labelledby="auth-heading" aria-busy={busy}>
          <div className="field">
            <label htmlFor="auth-email">Email</label>
            <input
              ref={emailRef}
              id="auth-email"
              type="email"
              autoComplete={creating ? 'email' : 'username'}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={error?.fields.email ? true : undefined}
              aria-describedby={describedBy('email')}
              required
            />
            {fieldError('email')}
          </div>
          <div className="field">
            <label htmlFor="auth-password">Password</label>
            <input
              ref={passwordRef}
              id="auth-password"
              type="password"
              autoComplete={creating ? 'new-password' : 'current-password'}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-invalid={error?.fields.password ? true : undefined}
              aria-describedby={describedBy('password', creating ? 'auth-password-hint' : undefined)}
              required
            />
            {creating ? (
              <p className="hint" id="auth-password-hint">
                At least 8 characters
              </p>
            ) : null}
            {fieldError('password')}
          </div>
          {error && unplacedMessage(error, ['email', 'password']) ? (
            <p className="form-error" role="alert">
              {unplacedMessage(error, ['email', 'password'])}
            </p>
          ) : null}
          <button type="submit" className="primary wide" disabled={busy}>
            {busy ? (creating ? 'Creating…' : 'Signing in…') : creating ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p className="switch-mode">
          {creating ? 'Already have an account?' : 'New here?'}{' '}
          <button type="button" className="link" onClick={switchMode}>
            {creating ? 'Sign in' : 'Create an account'}
          </button>
        </p>
      </section>
    </main>
  );
}
