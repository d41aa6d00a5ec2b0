// Due dates: a person picks a day; the API stores an instant. A task is due
// at the end of its day in the person's own time zone, so a task due today
// is not overdue until today is over.
import type { Task } from '../api/types.ts';

/** "2026-11-30" (from <input type=date>) → the instant that day ends, locally, in RFC 3339. */
export function endOfDay(day: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999).toISOString();
}

/** An instant → the local day it falls on, as <input type=date> wants it. */
export function localDay(instant: string | null): string {
  if (instant === null) return '';
  const date = new Date(instant);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function isOverdue(task: Task, now: Date): boolean {
  return !task.completed && task.due_at !== null && Date.parse(task.due_at) < now.getTime();
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** "today", "tomorrow", "yesterday", or a short date ("Mon 3 Nov", with the year when it is not this year). */
export function describeDue(instant: string, now: Date): string {
  const due = new Date(instant);
  const startOf = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  const days = Math.round((startOf(due) - startOf(now)) / DAY_MS);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  return due.toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(due.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
}
