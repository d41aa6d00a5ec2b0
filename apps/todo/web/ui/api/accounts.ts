import type { ApiClient } from './client.ts';
import type { Account, Credentials, IssuedToken } from './types.ts';

export async function signIn(api: ApiClient, credentials: Credentials): Promise<IssuedToken> {
  return (await api.unwrap(api.raw.POST('/api/auth/login', { body: credentials }))).data;
}

/**
 * Creates the account and signs in. Today the API answers registration with
 * the account only, so this logs in next; if it starts returning a token as
 * login does, that token is used and the second request is skipped.
 */
export async function createAccount(api: ApiClient, credentials: Credentials): Promise<IssuedToken> {
  const { data } = await api.unwrap(api.raw.POST('/api/auth/register', { body: credentials }));
  const maybeToken = data as Partial<IssuedToken>;
  if (typeof maybeToken.token === 'string' && typeof maybeToken.expires_at === 'string') {
    return { token: maybeToken.token, token_type: 'bearer', expires_at: maybeToken.expires_at };
  }
  return signIn(api, credentials);
}

export async function currentAccount(api: ApiClient): Promise<Account> {
  return (await api.unwrap(api.raw.GET('/api/auth/me'))).data;
}

export async function signOut(api: ApiClient): Promise<void> {
  await api.unwrap(api.raw.POST('/api/auth/logout'));
}
