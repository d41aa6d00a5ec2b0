import { randomUUID } from 'node:crypto';
import type { Database } from '@berth/service-kit';
import type { ToolCallRecord } from './turn.ts';

export interface ConversationRow {
  id: string;
  title: string;
  created_at: Date;
  updated_at: Date;
}

export interface MessageRow {
  id: number;
  role: 'user' | 'assistant';
  content: string;
  tool_calls: ToolCallRecord[];
  created_at: Date;
}

const TITLE_LENGTH = 80;

/** A conversation's title: its first message, cut at a word near 80 characters. */
export function titleOf(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  if ([...flat].length <= TITLE_LENGTH) return flat;
  const cut = [...flat].slice(0, TITLE_LENGTH - 1).join('');
  return `${cut.replace(/\s+\S*$/, '') || cut}…`;
}

/** All SQL for conversations. Every statement is scoped to one user: another's conversation does not exist here. */
export function conversationsRepository(db: Database) {
  return {
    async create(userId: string, title: string): Promise<ConversationRow> {
      const [row] = await db.query<ConversationRow>(
        'INSERT INTO conversations (id, user_id, title) VALUES ($1, $2, $3) RETURNING id, title, created_at, updated_at',
        [randomUUID(), userId, title],
      );
      return row as ConversationRow;
    },

    async get(userId: string, id: string): Promise<ConversationRow | undefined> {
      const [row] = await db.query<ConversationRow>(
        'SELECT id, title, created_at, updated_at FROM conversations WHERE user_id = $1 AND id = $2',
        [userId, id],
      );
      return row;
    },

    list(userId: string, limit: number): Promise<ConversationRow[]> {
      return db.query<ConversationRow>(
        `SELECT id, title, created_at, updated_at FROM conversations
         WHERE user_id = $1 ORDER BY updated_at DESC, id LIMIT $2`,
        [userId, limit],
      );
    },

    /** The messages of one of the user's conversations, oldest first (the last `limit`). */
    async messages(userId: string, conversationId: string, limit: number): Promise<MessageRow[]> {
      const rows = await db.query<MessageRow & { id: number | string }>(
        `SELECT m.id, m.role, m.content, m.tool_calls, m.created_at
         FROM chat_messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.user_id = $1 AND c.id = $2
         ORDER BY m.id DESC LIMIT $3`,
        [userId, conversationId, limit],
      );
      // bigint arrives as a string from node-postgres; the ids stay far below 2^53.
      return rows.reverse().map((row) => ({ ...row, id: Number(row.id) }));
    },

    /** Stores one exchange, both messages or neither, and marks the conversation as just used. */
    async appendExchange(
      conversationId: string,
      user: string,
      assistant: { content: string; tool_calls: ToolCallRecord[] },
    ): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO chat_messages (conversation_id, role, content, tool_calls)
           VALUES ($1, 'user', $2, '[]'::jsonb), ($1, 'assistant', $3, $4::jsonb)`,
          [conversationId, user, assistant.content, JSON.stringify(assistant.tool_calls)],
        );
        await tx.query('UPDATE conversations SET updated_at = now() WHERE id = $1', [conversationId]);
      });
    },

    async remove(userId: string, id: string): Promise<boolean> {
      const rows = await db.query('DELETE FROM conversations WHERE user_id = $1 AND id = $2 RETURNING id', [
        userId,
        id,
      ]);
      return rows.length > 0;
    },
  };
}

export type ConversationsRepository = ReturnType<typeof conversationsRepository>;
