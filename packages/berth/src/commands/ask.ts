import { createInterface } from 'node:readline/promises';
import { type ModelSettings, modelLoop } from '@berth/assistant-kit';
import type { AppDefinition } from '../apps/descriptor.ts';
import { confirmingToolBox } from '../assistant/confirm.ts';
import type { AppWords } from '../assistant/intent.ts';
import { interpret } from '../assistant/interpreter.ts';
import { isWriteTool } from '../assistant/mcp-server.ts';
import type { Scope } from '../assistant/scope.ts';
import { openBerthTools } from '../assistant/session.ts';
import type { Context } from '../context.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import type { ASK_OPTIONS, CommandInput } from '../registry.ts';
import { scopeOf } from './mcp.ts';

/** The model settings when a model is configured (option or environment), else undefined: the interpreter answers. */
export function askModelSettings(
  options: { model?: string | undefined; 'base-url'?: string | undefined; offline?: boolean | undefined },
  env: NodeJS.ProcessEnv = process.env,
): ModelSettings | undefined {
  if (options.offline) return undefined;
  const model = options.model ?? env.BERTH_MODEL;
  if (!model) return undefined;
  const baseUrl = options['base-url'] ?? env.OPENAI_BASE_URL;
  const apiKey = env.OPENAI_API_KEY;
  if (!baseUrl && !apiKey) {
    throw new BerthError(
      `model ${model} has no endpoint`,
      EXIT.usage,
      'give its OpenAI-compatible endpoint with --base-url (e.g. http://localhost:11434/v1 for Ollama), or set OPENAI_API_KEY for OpenAI; --offline uses the offline interpreter',
    );
  }
  if (baseUrl && !/^https?:\/\//.test(baseUrl)) {
    throw new BerthError(`--base-url ${baseUrl}: expected an http:// or https:// URL`, EXIT.usage);
  }
  return { model, baseUrl, apiKey, maxSteps: 8, timeoutMs: 60_000, retries: 1 };
}

export function appWords(app: AppDefinition): AppWords {
  return { components: app.components, entry: app.entry, database: app.database?.component };
}

function systemPrompt(app: AppDefinition, scope: Scope): string {
  return [
    `You help an operator run the app "${app.name}" (components: ${app.components.join(', ')}; the frontend is ${app.entry}${app.database ? `, the database is ${app.database.component}` : ''}) on Kubernetes, with berth's tools only.`,
    `You may work in these namespaces only: ${scope.allowed.join(', ')} (default ${scope.default}). Never ask a tool about another namespace.`,
    'To find out why something fails, call diagnose first: its findings name the cause and the fix; quote them.',
    'To change something (scale, restart, rollback), call the tool with the arguments you intend: berth shows the plan to the person and asks before anything changes. Never claim a change was made unless the tool said Done.',
    'Answer briefly in plain text for someone woken at night: what is wrong, what to do, what you did.',
  ].join('\n');
}

export async function ask(ctx: Context, { positionals, options }: CommandInput<typeof ASK_OPTIONS>): Promise<ExitCode> {
  const { out } = ctx;
  const question = (positionals[0] ?? '').trim();
  if (question === '')
    throw new BerthError('ask what? the question is empty', EXIT.usage, 'berth ask "why is the api failing?"');
  const settings = askModelSettings(options);
  const app = ctx.app();
  const scope = scopeOf(ctx.namespace(app), options['allow-namespace']);
  await ctx.cluster();

  let declined = false;
  const agree = async (plan: string): Promise<boolean> => {
    out.step(`berth will ${plan}`);
    if (options.yes) return true;
    if (!process.stdin.isTTY) {
      out.warn('not done: there is no terminal to ask on; run again with --yes to do it');
      declined = true;
      return false;
    }
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await prompt.question('Go ahead? [y/N] ');
      const yes = /^\s*y(?:es)?\s*$/i.test(answer);
      if (!yes) declined = true;
      return yes;
    } finally {
      prompt.close();
    }
  };

  const session = await openBerthTools({ ctx, app, scope, allowWrite: true });
  try {
    const tools = confirmingToolBox(session, agree);
    const answer =
      settings === undefined
        ? await interpret(question, tools, appWords(app))
        : await modelLoop(settings, { nothingDone: 'Nothing was changed.' }).run({
            messages: [
              { role: 'system', content: systemPrompt(app, scope) },
              { role: 'user', content: question },
            ],
            tools,
            stream: false,
            onText: () => undefined,
          });
    out.line(answer);
    out.result({
      question,
      brain: settings === undefined ? 'interpreter' : 'model',
      ...(settings === undefined ? {} : { model: settings.model }),
      namespaces: scope.allowed,
      answer,
      tool_calls: session.calls,
      changed: session.calls.some(
        (call) => isWriteTool(call.name) && !call.is_error && call.arguments.confirm === true,
      ),
    });
    // A change was asked for and none was made (not confirmed, refused, or failed): scripts see it.
    const writes = session.calls.filter((call) => isWriteTool(call.name));
    if (writes.length > 0 && !writes.some((call) => !call.is_error && call.arguments.confirm === true)) {
      out.error(
        declined ? 'nothing was changed: the change was not confirmed' : 'nothing was changed',
        declined ? 'answer y when asked, or pass --yes' : undefined,
      );
      return EXIT.failed;
    }
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
