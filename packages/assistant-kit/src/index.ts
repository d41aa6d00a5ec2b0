export { mcpToolBox } from './mcp-tool-box.ts';
export {
  type ChatCompletionMessageParam,
  type ModelLoop,
  type ModelSettings,
  type ModelTurn,
  modelLoop,
  providerFailure,
} from './model-loop.ts';
export type { RecordingToolBox, ToolBox, ToolCallRecord, ToolDescription, ToolOutcome } from './tools.ts';
