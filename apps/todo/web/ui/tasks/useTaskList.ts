// The list as the API pages it: the first page for the current filters, then
// "Show more" follows the Link header's cursor. A newer query cancels an
// older request so a slow answer can never overwrite a newer one.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import { listTasks } from '../api/tasks.ts';
import type { Task, TaskQuery } from '../api/types.ts';

export const PAGE_SIZE = 50;

export type ListState =
  | { phase: 'loading' }
  | { phase: 'error'; message: string }
  | { phase: 'ready'; tasks: Task[]; next: string | undefined; loadingMore: boolean; moreError?: string };

const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

export function useTaskList(api: ApiClient, query: TaskQuery) {
  const [state, setState] = useState<ListState>({ phase: 'loading' });
  const [generation, setGeneration] = useState(0);
  const queryKey = JSON.stringify(query);
  const current = useRef<AbortController | undefined>(undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: queryKey stands for query; generation forces a reload
  useEffect(() => {
    const controller = new AbortController();
    current.current?.abort();
    current.current = controller;
    setState({ phase: 'loading' });
    listTasks(api, { ...query, limit: PAGE_SIZE }, controller.signal).then(
      (page) => setState({ phase: 'ready', tasks: page.tasks, next: page.next, loadingMore: false }),
      (error: unknown) => {
        if (!isAbort(error)) setState({ phase: 'error', message: errorMessage(error) });
      },
    );
    return () => controller.abort();
  }, [api, queryKey, generation]);

  const loadMore = useCallback(async () => {
    if (state.phase !== 'ready' || state.next === undefined || state.loadingMore) return;
    const cursor = state.next;
    const signal = current.current?.signal;
    setState({ ...state, loadingMore: true, moreError: undefined });
    try {
      const page = await listTasks(api, { ...query, limit: PAGE_SIZE, cursor }, signal);
      setState((now) =>
        now.phase === 'ready'
          ? { phase: 'ready', tasks: [...now.tasks, ...page.tasks], next: page.next, loadingMore: false }
          : now,
      );
    } catch (error) {
      if (isAbort(error)) return;
      setState((now) => (now.phase === 'ready' ? { ...now, loadingMore: false, moreError: errorMessage(error) } : now));
    }
  }, [api, query, state]);

  /** Local changes after a successful write, so the list need not be fetched again. */
  const edit = useCallback((change: (tasks: Task[]) => Task[]) => {
    setState((now) => (now.phase === 'ready' ? { ...now, tasks: change(now.tasks) } : now));
  }, []);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  return { state, loadMore, edit, reload };
}
