import type { Service } from '@berth/service-kit';
import type { Config } from '../config.ts';
import { chatRoutes } from '../routes/chat.ts';
import { modelSettings } from './chat-config.ts';
import { chatService } from './chat-service.ts';
import { conversationsRepository } from './conversations-repository.ts';
import { interpreterBrain } from './interpreter/interpreter-brain.ts';

/** The assistant's routes on the Todo API: a language model when one is configured, else the offline interpreter. */
export async function addAssistant(service: Service, config: Config): Promise<void> {
  const model = modelSettings(config);
  const conversations = conversationsRepository(service.db);
  // The model brain (and the OpenAI SDK it loads, ~240 modules) only when a model is configured.
  const brain = model === undefined ? interpreterBrain : (await import('./model-brain.ts')).modelBrain(model);
  const chat = chatService({
    conversations,
    brain,
    mcpUrl: config.TODO_MCP_URL,
    toolTimeoutMs: config.CHAT_TOOL_TIMEOUT_MS,
  });
  await service.app.register(chatRoutes, { prefix: '/api', chat, conversations });
  service.logger.info(
    {
      brain: model === undefined ? 'offline interpreter' : 'language model',
      ...(model === undefined ? {} : { model: model.model, endpoint: model.baseUrl ?? 'OpenAI' }),
      mcp: config.TODO_MCP_URL,
    },
    'assistant ready',
  );
}
