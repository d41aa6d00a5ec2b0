import { randomUUID } from 'node:crypto';
import type { Queryable } from '@berth/service-kit';
import type { UserRow } from './accounts-schema.ts';

/** All SQL for accounts; it runs unchanged on PGlite and on a PostgreSQL server. */
export function usersRepository(db: Queryable) {
  return {
    /** The new user, or undefined when the email is taken. */
    async create(email: string, passwordHash: string): Promise<UserRow | undefined> {
      const [row] = await db.query<UserRow>(
        `INSERT INTO users (id, email, password_hash) VALUES ($1, $2, $3)
         ON CONFLICT (email) DO NOTHING
         RETURNING id, email, password_hash, created_at`,
        [randomUUID(), email, passwordHash],
      );
      return row;
    },
    async byEmail(email: string): Promise<UserRow | undefined> {
      const [row] = await db.query<UserRow>('SELECT id, email, password_hash, created_at FROM users WHERE email = $1', [
        email,
      ]);
      return row;
    },
    async byId(id: string): Promise<UserRow | undefined> {
      const [row] = await db.query<UserRow>('SELECT id, email, password_hash, created_at FROM users WHERE id = $1', [
        id,
      ]);
      return row;
    },
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;
