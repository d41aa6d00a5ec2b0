// A task as its form holds it (plain strings, as typed) and the conversions
// to and from what the API takes and gives.
import type { Priority, Task, TaskInput } from '../api/types.ts';
import { endOfDay, localDay } from './due.ts';

export interface TaskDraft {
  title: string;
  description: string;
  priority: Priority;
  /** yyyy-mm-dd, or '' for no due date. */
  due: string;
  /** As typed: tags separated by commas. */
  tags: string;
}

export const EMPTY_DRAFT: TaskDraft = { title: '', description: '', priority: 'medium', due: '', tags: '' };

export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

export function draftToInput(draft: TaskDraft): TaskInput {
  return {
    title: draft.title,
    description: draft.description,
    priority: draft.priority,
    due_at: draft.due === '' ? null : endOfDay(draft.due),
    tags: parseTags(draft.tags),
  };
}

export function taskToDraft(task: Task): TaskDraft {
  return {
    title: task.title,
    description: task.description,
    priority: task.priority,
    due: localDay(task.due_at),
    tags: task.tags.join(', '),
  };
}
