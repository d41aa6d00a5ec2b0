// The place of the AI chat panel (it arrives with the chat issue). The layout
// already gives it a column beside the task list on wide screens and a place
// below it on narrow ones; a panel rendered here needs no layout change.
// It gets the API client (with the person's token) and a way to ask the list
// to reload after the assistant changed tasks.
import type { ApiClient } from '../api/client.ts';

export interface ChatPanelSlotProps {
  api: ApiClient;
  onTasksChanged(): void;
}

export function ChatPanelSlot(_props: ChatPanelSlotProps) {
  return null;
}
