// The fields of a task, shared by "add a task" and the inline editor. Each
// API error is shown under the field it names (and marks that field
// invalid); anything else is shown at the end of the form.
import { type FormEvent, type KeyboardEvent, useEffect, useRef } from 'react';
import { type ApiError, unplacedMessage } from '../api/errors.ts';
import { PRIORITIES } from '../api/types.ts';
import type { TaskDraft } from './task-draft.ts';

export interface TaskFormProps {
  /** Prefix for element ids, unique on the page. */
  idPrefix: string;
  /** Accessible name of the form ("Add a task", "Edit “Buy milk”"). */
  label: string;
  draft: TaskDraft;
  onChange(draft: TaskDraft): void;
  onSubmit(): void;
  /** Shown as a Cancel button, and bound to Escape. */
  onCancel?: () => void;
  submitLabel: string;
  busy: boolean;
  error: ApiError | undefined;
  autoFocus?: boolean;
  className?: string;
}

const PRIORITY_NAMES = { high: 'High', medium: 'Medium', low: 'Low' } as const;
/** The API's names of the fields this form shows. */
const FIELDS = ['title', 'description', 'priority', 'due_at', 'tags'] as const;

export function TaskForm(props: TaskFormProps) {
  const { idPrefix: id, draft, error, onChange } = props;
  const titleRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.autoFocus) titleRef.current?.focus();
  }, [props.autoFocus]);
  // After a refused save, put the person on the first field the API named.
  useEffect(() => {
    if (error === undefined) return;
    const first = FIELDS.find((field) => error.fields[field]);
    if (first) document.getElementById(`${id}-${first}`)?.focus();
  }, [error, id]);

  const set = <K extends keyof TaskDraft>(key: K, value: TaskDraft[K]) => onChange({ ...draft, [key]: value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!props.busy) props.onSubmit();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && props.onCancel) {
      event.preventDefault();
      props.onCancel();
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      // Ctrl+Enter saves from the description too, where Enter is a new line.
      event.preventDefault();
      if (!props.busy) props.onSubmit();
    }
  };
  const fieldError = (field: string) => error?.fields[field];
  const describedBy = (field: string, hint?: string) =>
    [hint, fieldError(field) ? `${id}-${field}-error` : undefined].filter(Boolean).join(' ') || undefined;
  const errorText = (field: string) =>
    fieldError(field) ? (
      <p className="field-error" id={`${id}-${field}-error`}>
        {fieldError(field)}
      </p>
    ) : null;

  return (
    <form
      className={`task-form ${props.className ?? ''}`}
      aria-label={props.label}
      noValidate
      onSubmit={submit}
      onKeyDown={onKeyDown}
      aria-busy={props.busy}
    >
      <div className="field field-title">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          ref={titleRef}
          id={`${id}-title`}
          name="title"
          dir="auto"
          autoComplete="off"
          value={draft.title}
          onChange={(event) => set('title', event.target.value)}
          aria-invalid={fieldError('title') ? true : undefined}
          aria-describedby={describedBy('title')}
          required
        />
        {errorText('title')}
      </div>
      <div className="field field-description">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          name="description"
          dir="auto"
          rows={2}
          value={draft.description}
          onChange={(event) => set('description', event.target.value)}
          aria-invalid={fieldError('description') ? true : undefined}
          aria-describedby={describedBy('description')}
        />
        {errorText('description')}
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-priority`}>Priority</label>
          <select
            id={`${id}-priority`}
            name="priority"
            value={draft.priority}
            onChange={(event) => set('priority', event.target.value as TaskDraft['priority'])}
            aria-invalid={fieldError('priority') ? true : undefined}
            aria-describedby={describedBy('priority')}
          >
            {PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {PRIORITY_NAMES[priority]}
              </option>
            ))}
          </select>
          {errorText('priority')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-due_at`}>Due date</label>
          <input
            id={`${id}-due_at`}
            name="due"
            type="date"
            value={draft.due}
            onChange={(event) => set('due', event.target.value)}
            aria-invalid={fieldError('due_at') ? true : undefined}
            aria-describedby={describedBy('due_at')}
          />
          {errorText('due_at')}
        </div>
        <div className="field field-tags">
          <label htmlFor={`${id}-tags`}>Tags</label>
          <input
            id={`${id}-tags`}
            name="tags"
            dir="auto"
            autoComplete="off"
            value={draft.tags}
            onChange={(event) => set('tags', event.target.value)}
            aria-invalid={fieldError('tags') ? true : undefined}
            aria-describedby={describedBy('tags', `${id}-tags-hint`)}
          />
          <p className="hint" id={`${id}-tags-hint`}>
            Separate tags with commas
          </p>
          {errorText('tags')}
        </div>
      </div>
      {error && unplacedMessage(error, FIELDS) ? (
        <p className="form-error" role="alert">
          {unplacedMessage(error, FIELDS)}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={props.busy}>
          {props.busy ? 'Saving…' : props.submitLabel}
        </button>
        {props.onCancel ? (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
