// A client we did not write: the MCP Inspector's CLI mode (from the npm
// registry) lists and calls the tools over Streamable HTTP.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { assistantForSuite, newAccount } from '@berth/todo-api/test-support';

// The Inspector's own launcher (its `mcp-inspector` command); `--cli` selects the CLI mode.
const INSPECTOR = join(
  dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/inspector/package.json')),
  'clients/launcher/build/index.js',
);

describe('the MCP Inspector CLI against the Todo MCP server', () => {
  const stack = assistantForSuite();
  let token: string;

  before(async () => {
    token = await newAccount(stack.api.url, 'inspector');
  });

  /** Runs the Inspector CLI with the given arguments; resolves with its parsed JSON output. */
  async function inspector(args: string[], withToken = true): Promise<unknown> {
    // Non-interactive: never start a browser sign-in, report that one is needed.
    const auth = withToken ? ['--header', `Authorization: Bearer ${token}`] : ['--stored-auth-only'];
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [INSPECTOR, '--cli', `${stack.mcp.url}/mcp`, '--transport', 'http', ...auth, ...args],
      // Its catalog of servers goes to a scratch file, not the home directory.
      {
        timeout: 60_000,
        env: { ...process.env, MCP_CATALOG_PATH: join(stack.backend.env.DATA_DIR ?? '.', 'mcp.json') },
      },
    );
    return JSON.parse(stdout);
  }

  test('lists the tools with their schemas, adds a task and lists it back', async () => {
    const listed = (await inspector(['--method', 'tools/list'])) as {
      tools: { name: string; inputSchema: { properties: object } }[];
    };
    assert.deepEqual(listed.tools.map((tool) => tool.name).sort(), [
      'add_task',
      'complete_task',
      'delete_task',
      'list_tasks',
      'summarize_tasks',
      'update_task',
    ]);
    const added = (await inspector([
      '--method',
      'tools/call',
      '--tool-name',
      'add_task',
      '--tool-arg',
      'title=Inspect the tools',
      'priority=high',
    ])) as { structuredContent: { id: number; title: string; priority: string } };
    assert.equal(added.structuredContent.title, 'Inspect the tools');
    assert.equal(added.structuredContent.priority, 'high');
    const tasks = (await inspector(['--method', 'tools/call', '--tool-name', 'list_tasks'])) as {
      structuredContent: { tasks: { id: number }[] };
    };
    assert.deepEqual(
      tasks.structuredContent.tasks.map((task) => task.id),
      [added.structuredContent.id],
    );
  });

  test('without a token the Inspector is refused (it reads the 401 as "authorization required")', async () => {
    await assert.rejects(inspector(['--method', 'tools/list'], false), (error: Error & { stderr?: string }) => {
      assert.match(error.stderr ?? '', /"code":"auth_required"/);
      return true;
    });
  });
});
