import { type ApiClient, nextCursor } from './client.ts';
import type { Task, TaskInput, TaskPatch, TaskQuery } from './types.ts';

export interface TaskPage {
  tasks: Task[];
  /** Pass back as `cursor` for the next page; undefined on the last page. */
  next: string | undefined;
}

export async function listTasks(api: ApiClient, query: TaskQuery, signal?: AbortSignal): Promise<TaskPage> {
  const { data, response } = await api.unwrap(
    api.raw.GET('/api/tasks', { params: { query }, ...(signal ? { signal } : {}) }),
  );
  return { tasks: data, next: nextCursor(response) };
}

export async function createTask(api: ApiClient, task: TaskInput): Promise<Task> {
  return (await api.unwrap(api.raw.POST('/api/tasks', { body: task }))).data;
}

export async function updateTask(api: ApiClient, id: number, patch: TaskPatch): Promise<Task> {
  return (await api.unwrap(api.raw.PATCH('/api/tasks/{id}', { params: { path: { id: String(id) } }, body: patch })))
    .data;
}

export async function toggleTask(api: ApiClient, id: number): Promise<Task> {
  return (await api.unwrap(api.raw.PATCH('/api/tasks/{id}/complete', { params: { path: { id: String(id) } } }))).data;
}

/** `keepalive` lets the request finish even if the page is being closed (a delete sent on leaving). */
export async function deleteTask(api: ApiClient, id: number): Promise<void> {
  await api.unwrap(api.raw.DELETE('/api/tasks/{id}', { params: { path: { id: String(id) } }, keepalive: true }));
}
