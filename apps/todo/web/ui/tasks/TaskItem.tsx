// One task in the list: a checkbox named by the task's title (completes and
// un-completes it), its details, and Edit / Delete. User text is rendered as
// text (React escapes it) with dir="auto", so RTL titles read right to left.
import type { Task } from '../api/types.ts';
import { describeDue, isOverdue } from './due.ts';

export interface TaskItemProps {
  task: Task;
  now: Date;
  busy: boolean;
  /** An API error about this task (toggle or delete failed). */
  error: string | undefined;
  onToggle(): void;
  onEdit(): void;
  onDelete(): void;
  onTagClick(tag: string): void;
}

const PRIORITY_NAMES = { high: 'High', medium: 'Medium', low: 'Low' } as const;

export function TaskItem({ task, now, busy, error, onToggle, onEdit, onDelete, onTagClick }: TaskItemProps) {
  const overdue = isOverdue(task, now);
  const checkboxId = `task-${task.id}-done`;
  const classes = ['task', task.completed ? 'done' : '', overdue ? 'overdue' : ''].filter(Boolean).join(' ');
  return (
    <li className={classes} data-task-id={task.id} aria-busy={busy}>
      <div className="task-main">
        <input
          type="checkbox"
          id={checkboxId}
          checked={task.completed}
          onChange={onToggle}
          aria-describedby={error ? `task-${task.id}-error` : undefined}
        />
        <div className="task-text">
          <label htmlFor={checkboxId} className="task-title" dir="auto">
            {task.title}
          </label>
          {task.description ? (
            <p className="task-description" dir="auto">
              {task.description}
            </p>
          ) : null}
          <div className="task-meta">
            <span className={`priority priority-${task.priority}`}>{PRIORITY_NAMES[task.priority]} priority</span>
            {task.due_at ? (
              <span className={overdue ? 'due due-overdue' : 'due'}>
                {overdue ? <strong>Overdue: </strong> : null}
                due{' '}
                <time dateTime={task.due_at} title={new Date(task.due_at).toLocaleString()}>
                  {describeDue(task.due_at, now)}
                </time>
              </span>
            ) : null}
            {task.tags.length > 0 ? (
              <ul className="tags" aria-label="Tags">
                {task.tags.map((tag) => (
                  <li key={tag}>
                    <button
                      type="button"
                      className="tag"
                      dir="auto"
                      onClick={() => onTagClick(tag)}
                      aria-label={`Show tasks tagged ${tag}`}
                    >
                      #{tag}
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        </div>
        <div className="task-actions">
          <button type="button" className="edit-button" onClick={onEdit} aria-label={`Edit “${task.title}”`}>
            Edit
          </button>
          <button type="button" className="danger" onClick={onDelete} aria-label={`Delete “${task.title}”`}>
            Delete
          </button>
        </div>
      </div>
      {error ? (
        <p className="field-error" id={`task-${task.id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
