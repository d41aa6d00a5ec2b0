import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Service } from '@berth/service-kit';
import { type Backend, backends } from '@berth/testkit';
import { SignJWT, UnsecuredJWT } from 'jose';
import { AUDIENCE, ISSUER, JWT_SECRET } from '../../test/support.ts';
import { client, startTodoApi, todoApiForSuite } from '../../test/test-client.ts';

const secretKey = new TextEncoder().encode(JWT_SECRET);
const claims = (sub: string) =>
  new SignJWT({}).setSubject(sub).setIssuer(ISSUER).setAudience(AUDIENCE).setJti(crypto.randomUUID());

for (const { name: backendName, start } of backends) {
  describe(`accounts and tokens on ${backendName}`, () => {
    let backend: Backend;
    let service: Service;
    let api: ReturnType<typeof client>;

    before(async () => {
      backend = await start();
      service = await startTodoApi({
        ...backend.env,
        LOGIN_FAILURES_PER_ACCOUNT: '3',
        LOGIN_LIMIT_PER_ADDRESS: '1000',
      });
      api = client(service);
    });
    after(async () => {
      await service.close();
      await backend.cleanup();
    });

    test('register → 201 with a normalised email; the same email again (any case) is 409', async () => {
      const created = await api.call<{ id: string; email: string; created_at: string }>('POST', '/api/auth/register', {
        body: { email: '  Ada.Lovelace@Example.COM ', password: 'analytical engine' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.email, 'ada.lovelace@example.com');
      assert.match(created.body.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        Object.keys(created.body).sort(),
        ['created_at', 'email', 'expires_at', 'id', 'token', 'token_type'],
        'no password hash leaves',
      );
      const again = await api.call<{ error: string }>('POST', '/api/auth/register', {
        body: { email: 'ADA.LOVELACE@example.com', password: 'another password' },
      });
      assert.equal(again.status, 409);
      assert.match(again.body.error, /already exists/);
    });

    test('register refuses bad emails, passwords outside 8–128 characters and easily guessed ones, naming the field', async () => {
      const cases: [unknown, RegExp][] = [
        [{ email: 'not-an-email', password: 'long enough' }, /email: must be an email address/],
        [{ email: 'a@example.com', password: 'short' }, /password: must be at least 8 characters/],
        [{ email: 'a@example.com', password: 'x'.repeat(129) }, /password: must be at most 128 characters/],
        [{ email: 'a@example.com' }, /password: is required/],
        [{ email: 'a@example.com', password: 12345678 }, /password: must be a string/],
        [{ email: 'a@example.com', password: 'long enough', admin: true }, /Unrecognized key: "admin"/],
        [[], /must be a JSON object/],
      ];
      for (const [body, message] of cases) {
        const response = await api.call<{ error: string }>('POST', '/api/auth/register', { body });
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.match(response.body.error, message);
      }
      for (const weak of [
        'password',
        '12345678',
        '        ',
        'password123',
        '🔑'.repeat(8),
        'grace.hopper@example.com',
      ]) {
        const response = await api.call<{ error: string }>('POST', '/api/auth/register', {
          body: { email: 'grace.hopper@example.com', password: weak },
        });
        assert.equal(response.status, 400, `"${weak}" is refused`);
        assert.match(response.body.error, /password: is too easy to guess\. \w+/, 'with advice');
      }
      const emoji = await api.call('POST', '/api/auth/register', {
        body: { email: 'emoji@example.com', password: '🔑🎹🌵🐙🚲🧭🍋🎈' },
      });
      assert.equal(emoji.status, 201, 'eight emoji are eight characters');
    });

    test('login → {token, token_type: "bearer", expires_at}; me answers with the account', async () => {
      await api.call('POST', '/api/auth/register', { body: { email: 'grace@example.com', password: 'compiler!' } });
      const login = await api.call<{ token: string; token_type: string; expires_at: string }>(
        'POST',
        '/api/auth/login',
        {
          body: { email: 'Grace@Example.com', password: 'compiler!' },
        },
      );
      assert.equal(login.status, 200);
      assert.equal(login.body.token_type, 'bearer');
      const expires = Date.parse(login.body.expires_at) - Date.now();
      assert.ok(expires > 23 * 3600_000 && expires <= 24 * 3600_000, `expires in ${expires} ms`);
      const me = await api.call<{ email: string }>('GET', '/api/auth/me', { token: login.body.token });
      assert.equal(me.status, 200);
      assert.equal(me.body.email, 'grace@example.com');
    });

    test('register answers with a session, as login does, usable at once; answers carrying a token are not cached', async () => {
      const email = `session-${Date.now()}@example.com`;
      const registered = await api.call<{ id: string; token: string; token_type: string; expires_at: string }>(
        'POST',
        '/api/auth/register',
        { body: { email, password: 'a session at once' } },
      );
      assert.equal(registered.status, 201);
      assert.equal(registered.body.token_type, 'bearer');
      assert.ok(Date.parse(registered.body.expires_at) > Date.now());
      assert.equal(registered.headers['cache-control'], 'no-store');
      const me = await api.call<{ id: string }>('GET', '/api/auth/me', { token: registered.body.token });
      assert.equal(me.body.id, registered.body.id);
      const login = await api.call('POST', '/api/auth/login', { body: { email, password: 'a session at once' } });
      assert.equal(login.headers['cache-control'], 'no-store');
    });

    test('wrong password and unknown email are the same 401', async () => {
      const user = await api.user();
      const wrong = await api.call<{ error: string }>('POST', '/api/auth/login', {
        body: { email: user.email, password: 'not the password' },
      });
      const unknown = await api.call<{ error: string }>('POST', '/api/auth/login', {
        body: { email: 'nobody@example.com', password: 'not the password' },
      });
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrong.body, unknown.body);
      assert.equal(unknown.status, 401);
    });

    test('expired, tampered, forged, wrong-algorithm and wrong-issuer tokens are 401', async () => {
      const user = await api.user();
      const now = Math.floor(Date.now() / 1000);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const [header, payload] = user.token.split('.');
      const flipped = `${header}.${payload}.${user.token.split('.')[2]?.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`;
      const otherUserPayload = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), sub: crypto.randomUUID() }),
      ).toString('base64url');
      const bad: Record<string, string> = {
        expired: await claims(user.id)
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuedAt(now - 7200)
          .setExpirationTime(now - 3600)
          .sign(secretKey),
        'tampered signature': flipped,
        'tampered payload': `${header}.${otherUserPayload}.${user.token.split('.')[2]}`,
        'alg none': new UnsecuredJWT({ jti: crypto.randomUUID() })
          .setSubject(user.id)
          .setIssuer('berth-todo-api')
          .setAudience('berth-todo')
          .setIssuedAt()
          .setExpirationTime('1h')
          .encode(),
        'RS256 (an attacker key)': await claims(user.id)
          .setProtectedHeader({ alg: 'RS256' })
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey),
        'HS512 with the right secret': await claims(user.id)
          .setProtectedHeader({ alg: 'HS512' })
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(secretKey),
        'another secret': await claims(user.id)
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode('another-secret-0123456789-abcdefghijklm')),
        'wrong issuer': await new SignJWT({})
          .setSubject(user.id)
          .setIssuer('someone-else')
          .setAudience('berth-todo')
          .setJti(crypto.randomUUID())
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(secretKey),
        'no expiry': await claims(user.id).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().sign(secretKey),
        garbage: 'not.a.token',
      };
      // The control: the same construction with the right key and algorithm is accepted.
      const good = await claims(user.id)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(secretKey);
      assert.equal((await api.call('GET', '/api/auth/me', { token: good })).status, 200, 'control token');
      for (const [kind, token] of Object.entries(bad)) {
        const response = await api.call<{ error: string }>('GET', '/api/tasks', { token });
        assert.equal(response.status, 401, kind);
        assert.match(response.body.error, /invalid or expired/, kind);
        assert.match(String(response.headers['www-authenticate']), /^Bearer/, kind);
      }
      for (const header of ['', 'Basic dXNlcjpwYXNz', 'Bearer', `Token ${user.token}`]) {
        const response = await api.call('GET', '/api/tasks', { headers: { authorization: header } });
        assert.equal(response.status, 401, `Authorization: ${header}`);
      }
      const missing = await api.call<{ error: string }>('GET', '/api/tasks');
      assert.equal(missing.status, 401);
      assert.match(missing.body.error, /Sign in first/);
    });

    test('logout revokes that token only: it is 401 afterwards, another session of the same user still works', async () => {
      const user = await api.user();
      const second = await api.call<{ token: string }>('POST', '/api/auth/login', {
        body: { email: user.email, password: user.password },
      });
      assert.equal((await api.call('POST', '/api/auth/logout', { token: user.token })).status, 204);
      const after = await api.call<{ error: string }>('GET', '/api/tasks', { token: user.token });
      assert.equal(after.status, 401);
      assert.match(after.body.error, /revoked/);
      assert.equal((await api.call('POST', '/api/auth/logout', { token: user.token })).status, 401);
      assert.equal((await api.call('GET', '/api/tasks', { token: second.body.token })).status, 200);
    });

    test('failed logins per account: the 4th try after 3 failures is 429 with Retry-After, even with the right password; a success clears the count', async () => {
      const user = await api.user();
      for (let i = 0; i < 2; i++) {
        await api.call('POST', '/api/auth/login', { body: { email: user.email, password: `wrong ${i}` } });
      }
      const ok = await api.call('POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
      assert.equal(ok.status, 200, 'two failures, then the right password');
      for (let i = 0; i < 3; i++) {
        const response = await api.call('POST', '/api/auth/login', {
          body: { email: user.email, password: `wrong ${i}` },
        });
        assert.equal(response.status, 401);
      }
      const limited = await api.call<{ error: string }>('POST', '/api/auth/login', {
        body: { email: user.email, password: user.password },
      });
      assert.equal(limited.status, 429);
      assert.match(limited.body.error, /Too many attempts/);
      const retryAfter = Number(limited.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 900, `Retry-After ${retryAfter}`);
      // Parallel guesses cannot slip past the limit: each is counted before the password is checked.
      const burst = await api.user();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api.call('POST', '/api/auth/login', { body: { email: burst.email, password: `guess ${i}` } }),
        ),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
      // Other accounts are unaffected.
      const other = await api.user();
      assert.equal(
        (await api.call('POST', '/api/auth/login', { body: { email: other.email, password: other.password } })).status,
        200,
      );
    });

    test('login outcomes are counted in /metrics', async () => {
      const count = async (outcome: string) => {
        const text = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
        const line = text
          .split('\n')
          .find((l) => l.startsWith('todo_logins_total{') && l.includes(`outcome="${outcome}"`));
        return Number(line?.split(' ').at(-1) ?? Number.NaN);
      };
      const [success, failure] = [await count('success'), await count('failure')];
      const user = await api.user(); // one successful login
      await api.call('POST', '/api/auth/login', { body: { email: user.email, password: 'wrong password' } });
      assert.equal(await count('success'), success + 1);
      assert.equal(await count('failure'), failure + 1);
      assert.ok((await count('rate_limited')) >= 1, 'the previous test was rate limited');
    });
  });
}

describe('rate limits per client address', () => {
  const service = todoApiForSuite({
    REGISTER_LIMIT_PER_ADDRESS: '2',
    LOGIN_LIMIT_PER_ADDRESS: '3',
    TRUST_PROXY: 'true',
  });

  test('register and login are limited per address (X-Forwarded-For behind a trusted proxy)', async () => {
    const api = client(service());
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const register = (email: string, address: string) =>
      api.call('POST', '/api/auth/register', { body: { email, password: 'pass phrase 123' }, headers: from(address) });
    assert.equal((await register('r1@example.com', '203.0.113.1')).status, 201);
    assert.equal((await register('r2@example.com', '203.0.113.1')).status, 201);
    const third = await register('r3@example.com', '203.0.113.1');
    assert.equal(third.status, 429);
    assert.ok(Number(third.headers['retry-after']) > 0);
    assert.equal((await register('r3@example.com', '203.0.113.2')).status, 201, 'another address is not limited');

    const login = (address: string) =>
      api.call('POST', '/api/auth/login', {
        body: { email: 'r1@example.com', password: 'pass phrase 123' },
        headers: from(address),
      });
    for (let i = 0; i < 3; i++) assert.equal((await login('198.51.100.7')).status, 200);
    assert.equal((await login('198.51.100.7')).status, 429, 'successful logins count too');
    assert.equal((await login('198.51.100.8')).status, 200);
  });
});

describe('login limits by client and account, with backoff', () => {
  const service = todoApiForSuite({
    TRUST_PROXY: 'true',
    LOGIN_FAILURES_PER_ACCOUNT: '3',
    LOGIN_BACKOFF_SECONDS: '1',
    RATE_LIMIT_WINDOW_SECONDS: '60',
  });

  test("a stranger's wrong guesses never lock the owner out; the stranger backs off, each wait twice the last", async () => {
    const api = client(service());
    const owner = await api.user('owner');
    const login = (password: string, address: string) =>
      api.call<{ error?: string }>('POST', '/api/auth/login', {
        body: { email: owner.email, password },
        headers: { 'x-forwarded-for': address },
      });
    const stranger = '203.0.113.66';
    const guesses = [];
    for (let i = 0; i < 6; i++) guesses.push((await login(`guess ${i}`, stranger)).status);
    assert.deepEqual(guesses, [401, 401, 401, 429, 429, 429]);
    assert.equal((await login(owner.password, '198.51.100.20')).status, 200, 'the owner, from elsewhere, signs in');

    const first = await login('guess again', stranger);
    assert.equal(first.status, 429);
    assert.equal(first.headers['retry-after'], '1', 'the first wait is LOGIN_BACKOFF_SECONDS');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (let i = 0; i < 3; i++) assert.equal((await login(`after wait ${i}`, stranger)).status, 401);
    const second = await login('and again', stranger);
    assert.equal(second.status, 429);
    assert.equal(second.headers['retry-after'], '2', 'the next wait is twice as long');
  });
});

describe('without Redis, revocations and login limits are kept in the database across a restart', () => {
  let backend: Backend;
  before(async () => {
    backend = await backends[0].start();
  });
  after(() => backend.cleanup());

  test('a revoked token stays revoked and a limited client stays limited after the process restarts', async () => {
    const settings = { ...backend.env, LOGIN_FAILURES_PER_ACCOUNT: '2', LOGIN_BACKOFF_SECONDS: '600' };
    const first = await startTodoApi(settings);
    const api = client(first);
    const user = await api.user();
    assert.equal((await api.call('POST', '/api/auth/logout', { token: user.token })).status, 204);
    for (let i = 0; i < 3; i++)
      await api.call('POST', '/api/auth/login', { body: { email: user.email, password: 'nope' } });
    assert.equal(
      (await api.call('POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).status,
      429,
    );
    await first.close();

    const second = await startTodoApi(settings);
    try {
      const again = client(second);
      const revoked = await again.call<{ error: string }>('GET', '/api/tasks', { token: user.token });
      assert.equal(revoked.status, 401);
      assert.match(revoked.body.error, /revoked/);
      const limited = await again.call('POST', '/api/auth/login', {
        body: { email: user.email, password: user.password },
      });
      assert.equal(limited.status, 429, 'the limit outlived the restart');
    } finally {
      await second.close();
    }
  });
});
