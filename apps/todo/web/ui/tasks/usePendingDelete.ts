// Delete with undo: the task leaves the list at once, but the DELETE is sent
// only when the undo window closes (or earlier: another delete, Escape on the
// notice, signing out, leaving the page). Undo therefore puts back the same
// task, with its id and dates, instead of a re-created copy.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import { deleteTask } from '../api/tasks.ts';
import type { Task } from '../api/types.ts';

export const UNDO_WINDOW_MS = 6000;

export interface PendingDelete {
  task: Task;
  /** Where it was in the list, to put it back in place. */
  index: number;
}

export interface PendingDeleteHooks {
  /** The DELETE failed: put the task back and say why. */
  onFailed(pending: PendingDelete, message: string): void;
  onUndone(pending: PendingDelete): void;
}

export function usePendingDelete(api: ApiClient, hooks: PendingDeleteHooks) {
  const [pending, setPending] = useState<PendingDelete | undefined>(undefined);
  const pendingRef = useRef<PendingDelete | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const hooksRef = useRef(hooks);
  hooksRef.current = hooks;

  const settle = useCallback(() => {
    clearTimeout(timer.current);
    const done = pendingRef.current;
    pendingRef.current = undefined;
    setPending(undefined);
    return done;
  }, []);

  /** Sends the pending DELETE now; resolves when the API has answered. */
  const commit = useCallback(async () => {
    const done = settle();
    if (done === undefined) return;
    try {
      await deleteTask(api, done.task.id);
    } catch (error) {
      hooksRef.current.onFailed(done, errorMessage(error));
    }
  }, [api, settle]);

  const schedule = useCallback(
    (next: PendingDelete) => {
      void commit();
      pendingRef.current = next;
      setPending(next);
      timer.current = setTimeout(() => void commit(), UNDO_WINDOW_MS);
    },
    [commit],
  );

  const undo = useCallback(() => {
    const done = settle();
    if (done) hooksRef.current.onUndone(done);
  }, [settle]);

  // Leaving the page must not lose a delete the person asked for.
  useEffect(() => {
    const onPageHide = () => void commit();
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      void commit();
    };
  }, [commit]);

  return { pending, schedule, undo, commit };
}
