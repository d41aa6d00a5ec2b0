import { startOfDay } from '@berth/service-kit';
import type { Task } from './todo-api-client.ts';

export interface TaskSummary {
  /** The person's time zone the days were counted in. */
  time_zone: string;
  pending: number;
  completed: number;
  /** Pending and past due, oldest first. */
  overdue: Task[];
  /** Pending and due later today. */
  due_today: Task[];
  /** Pending and due within the 6 days after today. */
  due_this_week: Task[];
  /** Pending without a due date. */
  no_due_date: number;
  high_priority_pending: number;
}

const byDue = (a: Task, b: Task) => Date.parse(a.due_at ?? '') - Date.parse(b.due_at ?? '');

/** What is due: what a person asks for first thing in the morning. */
export function summarizeTasks(tasks: readonly Task[], now: Date, timeZone: string): TaskSummary {
  const pending = tasks.filter((task) => !task.completed);
  const tomorrow = startOfDay(now, timeZone, 1).getTime();
  const weekEnd = startOfDay(now, timeZone, 7).getTime();
  const due = (task: Task) => (task.due_at === null ? undefined : Date.parse(task.due_at));
  const dueBetween = (from: number, to: number) =>
    pending.filter((task) => {
      const at = due(task);
      return at !== undefined && at >= from && at < to;
    });
  return {
    time_zone: timeZone,
    pending: pending.length,
    completed: tasks.length - pending.length,
    overdue: dueBetween(Number.NEGATIVE_INFINITY, now.getTime()).sort(byDue),
    due_today: dueBetween(now.getTime(), tomorrow).sort(byDue),
    due_this_week: dueBetween(tomorrow, weekEnd).sort(byDue),
    no_due_date: pending.filter((task) => task.due_at === null).length,
    high_priority_pending: pending.filter((task) => task.priority === 'high').length,
  };
}
