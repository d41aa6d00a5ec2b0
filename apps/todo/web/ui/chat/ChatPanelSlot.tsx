// The AI chat panel, beside the task list on wide screens and below it on
// narrow ones (the layout's <aside> column). It talks to the assistant in
// plain words; when the assistant changes a task, the list reloads at once,
// without a page reload.
import { type FormEvent, useRef, useState } from 'react';
import type { ApiClient } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import { askAssistant } from './chat-api.ts';

export interface ChatPanelSlotProps {
  api: ApiClient;
  onTasksChanged(): void;
}

interface Line {
  id: number;
  role: 'user' | 'assistant';
  text: string;
}

// Tools that change tasks; after any of them the list is stale.
const CHANGING_TOOLS = new Set(['add_task', 'update_task', 'complete_task', 'delete_task']);

const browserTimeZone = () => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
};

export function ChatPanelSlot({ api, onTasksChanged }: ChatPanelSlotProps) {
  const [lines, setLines] = useState<Line[]>([]);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const conversation = useRef<string | undefined>(undefined);
  const nextId = useRef(0);

  async function send(event: FormEvent) {
    event.preventDefault();
    const message = draft.trim();
    if (message === '' || busy) return;
    setBusy(true);
    setError(undefined);
    setDraft('');
    const answerId = nextId.current + 1;
    nextId.current += 2;
    const setAnswer = (update: (text: string) => string) =>
      setLines((all) => all.map((line) => (line.id === answerId ? { ...line, text: update(line.text) } : line)));
    setLines((all) => [
      ...all,
      { id: answerId - 1, role: 'user', text: message },
      { id: answerId, role: 'assistant', text: '' },
    ]);
    try {
      await askAssistant(
        api,
        { message, conversationId: conversation.current, timeZone: browserTimeZone() },
        (chat) => {
          if (chat.type === 'conversation') conversation.current = chat.conversation_id;
          else if (chat.type === 'delta') setAnswer((text) => text + chat.text);
          else if (chat.type === 'done') setAnswer(() => chat.response);
          else if (!chat.call.is_error && CHANGING_TOOLS.has(chat.call.name)) onTasksChanged();
        },
      );
    } catch (failure) {
      setError(errorMessage(failure));
      setLines((all) => all.filter((line) => line.id !== answerId));
      setDraft(message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <aside className="panel chat" aria-labelledby="chat-heading">
      <h2 id="chat-heading">Assistant</h2>
      {lines.length === 0 ? (
        <p className="chat-hint">Ask in plain words: “add call the dentist tomorrow”, “what’s overdue?”, “help”.</p>
      ) : null}
      <ol className="chat-log" aria-live="polite" aria-label="Conversation with the assistant">
        {lines.map((line) => (
          <li key={line.id} className={`chat-line chat-${line.role}`}>
            <span className="visually-hidden">{line.role === 'user' ? 'You:' : 'Assistant:'} </span>
            {line.text === '' ? '…' : line.text}
          </li>
        ))}
      </ol>
      <form className="chat-form" onSubmit={(submitted) => void send(submitted)} aria-label="Message the assistant">
        <label htmlFor="chat-message">Message</label>
        <input
          id="chat-message"
          value={draft}
          maxLength={2000}
          autoComplete="off"
          onChange={(change) => setDraft(change.target.value)}
          aria-describedby={error ? 'chat-error' : undefined}
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Thinking…' : 'Send'}
        </button>
      </form>
      {error ? (
        <p id="chat-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </aside>
  );
}
