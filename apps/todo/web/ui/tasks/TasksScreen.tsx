// The signed-in screen: add a task, find tasks, and work through the list.
import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient } from '../api/client.ts';
import { ApiError, errorMessage } from '../api/errors.ts';
import { createTask, toggleTask, updateTask } from '../api/tasks.ts';
import type { Task, TaskQuery } from '../api/types.ts';
import { ChatPanelSlot } from '../chat/ChatPanelSlot.tsx';
import { clearDraft, readDraft, writeDraft } from '../session/drafts.ts';
import { DEFAULT_FILTERS, type Filters, isFiltered, TaskFilters } from './TaskFilters.tsx';
import { TaskForm } from './TaskForm.tsx';
import { TaskItem } from './TaskItem.tsx';
import { draftToInput, EMPTY_DRAFT, type TaskDraft, taskToDraft } from './task-draft.ts';
import { UndoToast } from './UndoToast.tsx';
import { useDebounced } from './useDebounced.ts';
import { usePendingDelete } from './usePendingDelete.ts';
import { useTaskList } from './useTaskList.ts';

interface Editing {
  id: number;
  draft: TaskDraft;
  busy?: boolean;
  error?: ApiError;
}

interface ItemState {
  busy?: boolean;
  error?: string;
}

const NEW_DRAFT = 'new-task';
const EDIT_DRAFT = 'edit-task';

const focusLater = (selector: string) =>
  requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus());

export interface TasksScreenProps {
  api: ApiClient;
  /** Set to what must finish before the token is revoked (a delete in its undo window). */
  beforeSignOut: RefObject<(() => Promise<void>) | undefined>;
}

export function TasksScreen({ api, beforeSignOut }: TasksScreenProps) {
  const [filters, setFilters] = useState<Filters>(DEFAULT_FILTERS);
  const search = useDebounced(filters.search.trim(), 300);
  const tag = useDebounced(filters.tag.trim(), 300);
  const query = useMemo<TaskQuery>(
    () => ({
      status: filters.status,
      sort: filters.sort,
      ...(search ? { q: search } : {}),
      ...(tag ? { tag } : {}),
      ...(filters.priority ? { priority: filters.priority } : {}),
    }),
    [filters.status, filters.sort, filters.priority, search, tag],
  );
  const list = useTaskList(api, query);

  const [composer, setComposer] = useState<TaskDraft>(() => readDraft<TaskDraft>(NEW_DRAFT) ?? EMPTY_DRAFT);
  const [composerBusy, setComposerBusy] = useState(false);
  const [composerError, setComposerError] = useState<ApiError | undefined>(undefined);
  const [editing, setEditing] = useState<Editing | undefined>(() => readDraft<Editing>(EDIT_DRAFT));
  const [items, setItems] = useState<Record<number, ItemState>>({});
  const [announcement, setAnnouncement] = useState('');
  const [now, setNow] = useState(() => new Date());
  const listHeading = useRef<HTMLHeadingElement>(null);

  // Overdue is relative to now: look again every minute.
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);

  const setItem = (id: number, state: ItemState) => setItems((all) => ({ ...all, [id]: state }));
  const replaceTask = (task: Task) => list.edit((tasks) => tasks.map((t) => (t.id === task.id ? task : t)));
  const asApiError = (error: unknown) => (error instanceof ApiError ? error : new ApiError(0, errorMessage(error)));

  const changeComposer = (draft: TaskDraft) => {
    setComposer(draft);
    writeDraft(NEW_DRAFT, draft);
  };
  const addTask = async () => {
    setComposerBusy(true);
    setComposerError(undefined);
    try {
      const task = await createTask(api, draftToInput(composer));
      clearDraft(NEW_DRAFT);
      setComposer(EMPTY_DRAFT);
      setAnnouncement(`Added “${task.title}”.`);
      list.reload();
      focusLater('#new-title');
    } catch (error) {
      setComposerError(asApiError(error));
    } finally {
      setComposerBusy(false);
    }
  };

  const changeEditing = (next: Editing | undefined) => {
    setEditing(next);
    if (next) writeDraft(EDIT_DRAFT, { id: next.id, draft: next.draft });
    else clearDraft(EDIT_DRAFT);
  };
  const closeEditor = (id: number) => {
    changeEditing(undefined);
    focusLater(`[data-task-id="${id}"] .edit-button`);
  };
  const saveEdit = async () => {
    if (!editing) return;
    const { id, draft } = editing;
    setEditing({ ...editing, busy: true, error: undefined });
    try {
      const task = await updateTask(api, id, draftToInput(draft));
      replaceTask(task);
      setAnnouncement(`Saved “${task.title}”.`);
      closeEditor(id);
    } catch (error) {
      setEditing({ id, draft, busy: false, error: asApiError(error) });
    }
  };

  // Optimistic: the checkbox changes at once; if the API refuses, it changes back and says why.
  const toggle = async (task: Task) => {
    if (items[task.id]?.busy) return;
    setItem(task.id, { busy: true });
    replaceTask({ ...task, completed: !task.completed });
    try {
      const changed = await toggleTask(api, task.id);
      replaceTask(changed);
      setItem(task.id, {});
      setAnnouncement(`Marked “${changed.title}” as ${changed.completed ? 'done' : 'not done'}.`);
    } catch (error) {
      replaceTask(task);
      setItem(task.id, { error: `Could not change it: ${errorMessage(error)}` });
    }
  };

  const putBack = useCallback(
    (task: Task, index: number) =>
      list.edit((tasks) =>
        tasks.some((t) => t.id === task.id) ? tasks : [...tasks.slice(0, index), task, ...tasks.slice(index)],
      ),
    [list.edit],
  );
  const deletes = usePendingDelete(api, {
    onUndone({ task, index }) {
      putBack(task, index);
      setAnnouncement(`Restored “${task.title}”.`);
      focusLater(`#task-${task.id}-done`);
    },
    onFailed({ task, index }, message) {
      putBack(task, index);
      setItem(task.id, { error: `Could not delete it: ${message}` });
    },
  });
  useEffect(() => {
    beforeSignOut.current = deletes.commit;
    return () => {
      beforeSignOut.current = undefined;
    };
  }, [beforeSignOut, deletes.commit]);
  const remove = (task: Task) => {
    if (list.state.phase !== 'ready') return;
    const index = list.state.tasks.findIndex((t) => t.id === task.id);
    list.edit((tasks) => tasks.filter((t) => t.id !== task.id));
    if (editing?.id === task.id) changeEditing(undefined);
    deletes.schedule({ task, index });
  };
  // When the undo notice closes with focus in it, continue from the list heading.
  const hadPending = useRef(false);
  useEffect(() => {
    if (hadPending.current && !deletes.pending && document.activeElement === document.body) {
      listHeading.current?.focus();
    }
    hadPending.current = deletes.pending !== undefined;
  }, [deletes.pending]);

  const loadMore = async () => {
    if (list.state.phase !== 'ready') return;
    const firstNew = list.state.tasks.length;
    await list.loadMore();
    focusLater(`#task-list > li:nth-child(${firstNew + 1}) input[type=checkbox]`);
  };

  const { state } = list;
  return (
    <div className="workspace">
      <main id="main" className="work">
        <section className="panel composer" aria-labelledby="add-heading">
          <h2 id="add-heading">Add a task</h2>
          <TaskForm
            idPrefix="new"
            label="Add a task"
            draft={composer}
            onChange={changeComposer}
            onSubmit={addTask}
            submitLabel="Add task"
            busy={composerBusy}
            error={composerError}
            autoFocus
          />
        </section>

        <section className="panel tasks" aria-labelledby="list-heading">
          <h2 id="list-heading" ref={listHeading} tabIndex={-1}>
            Your tasks
          </h2>
          <TaskFilters filters={filters} onChange={setFilters} />
          {state.phase === 'loading' ? (
            <p className="state state-loading" role="status">
              Loading your tasks…
            </p>
          ) : state.phase === 'error' ? (
            <div className="state state-error" role="alert">
              <p>Your tasks could not be loaded: {state.message}</p>
              <button type="button" onClick={list.reload}>
                Try again
              </button>
            </div>
          ) : state.tasks.length === 0 ? (
            <div className="state state-empty">
              {isFiltered(filters) ? (
                <>
                  <p>No tasks match these filters.</p>
                  <button type="button" onClick={() => setFilters({ ...DEFAULT_FILTERS, sort: filters.sort })}>
                    Clear filters
                  </button>
                </>
              ) : (
                <p>No tasks yet. Add your first one above.</p>
              )}
            </div>
          ) : (
            <>
              <ul id="task-list" className="task-list" aria-labelledby="list-heading">
                {state.tasks.map((task) =>
                  editing?.id === task.id ? (
                    <li key={task.id} className="task editing" data-task-id={task.id}>
                      <TaskForm
                        idPrefix={`edit-${task.id}`}
                        label={`Edit “${task.title}”`}
                        draft={editing.draft}
                        onChange={(draft) => changeEditing({ ...editing, draft })}
                        onSubmit={saveEdit}
                        onCancel={() => closeEditor(task.id)}
                        submitLabel="Save"
                        busy={editing.busy ?? false}
                        error={editing.error}
                        autoFocus
                      />
                    </li>
                  ) : (
                    <TaskItem
                      key={task.id}
                      task={task}
                      now={now}
                      busy={items[task.id]?.busy ?? false}
                      error={items[task.id]?.error}
                      onToggle={() => void toggle(task)}
                      onEdit={() => changeEditing({ id: task.id, draft: taskToDraft(task) })}
                      onDelete={() => remove(task)}
                      onTagClick={(name) => setFilters({ ...filters, tag: name })}
                    />
                  ),
                )}
              </ul>
              <div className="pager">
                <p className="count">
                  {state.tasks.length} {state.tasks.length === 1 ? 'task' : 'tasks'} shown
                  {state.next ? '; there are more' : ''}
                </p>
                {state.next ? (
                  <button type="button" onClick={() => void loadMore()} disabled={state.loadingMore}>
                    {state.loadingMore ? 'Loading…' : 'Show more tasks'}
                  </button>
                ) : null}
                {state.moreError ? (
                  <p className="field-error" role="alert">
                    More tasks could not be loaded: {state.moreError}
                  </p>
                ) : null}
              </div>
            </>
          )}
        </section>
      </main>
      <ChatPanelSlot api={api} onTasksChanged={list.reload} />

      {deletes.pending ? (
        <UndoToast pending={deletes.pending} onUndo={deletes.undo} onDismiss={() => void deletes.commit()} />
      ) : null}
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
    </div>
  );
}
