import { useEffect, useRef } from 'react';
import type { PendingDelete } from './usePendingDelete.ts';

/**
 * "Deleted “X”. Undo" — shown while a delete can still be taken back. Focus
 * moves to Undo so a keyboard user can take it back with Enter; Escape
 * deletes at once.
 */
export function UndoToast(props: { pending: PendingDelete; onUndo(): void; onDismiss(): void }) {
  const undoRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    undoRef.current?.focus();
  }, []);
  return (
    <div
      className="toast"
      role="status"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          props.onDismiss();
        }
      }}
    >
      <span>
        Deleted “<bdi>{props.pending.task.title}</bdi>”.
      </span>
      <button type="button" ref={undoRef} onClick={props.onUndo} className="primary">
        Undo
      </button>
      <button type="button" onClick={props.onDismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
