import type { Queryable } from '@berth/service-kit';
import type { NameRow } from './names-schema.ts';

/** All SQL for names lives here; it runs unchanged on PGlite and on a PostgreSQL server. */
export function namesRepository(db: Queryable) {
  return {
    list: () => db.query<NameRow>('SELECT id, name, created_at FROM names ORDER BY id'),
    async add(name: string): Promise<NameRow> {
      const [row] = await db.query<NameRow>('INSERT INTO names (name) VALUES ($1) RETURNING id, name, created_at', [
        name,
      ]);
      if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
      return row;
    },
    /** True when a row was deleted. */
    async remove(id: number): Promise<boolean> {
      const rows = await db.query('DELETE FROM names WHERE id = $1 RETURNING id', [id]);
      return rows.length > 0;
    },
  };
}

export type NamesRepository = ReturnType<typeof namesRepository>;
