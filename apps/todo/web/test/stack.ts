// What the browser tests run against: the real Todo API (its own process, on
// the backend under test) behind the real local web server serving the real
// build, and Debian's Chromium.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type Backend, launchChromium, type ServiceProcess, spawnService } from '@berth/testkit';
import { call, startAssistantStack, startTodoApi } from '@berth/todo-api/test-support';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureBuilt } from '../src/build.ts';
import { DIST_DIR } from '../src/config.ts';

const WEB_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/todo-web/', import.meta.url));

export interface Stack {
  api: ServiceProcess;
  web: ServiceProcess;
  browser: Browser;
  stop(): Promise<void>;
}

/** The web server and a browser in front of the API; with `assistant`, the MCP server too (for the chat panel). */
export async function startStack(backend: Backend, options: { assistant?: boolean } = {}): Promise<Stack> {
  await ensureBuilt(DIST_DIR);
  const assistant = options.assistant ? await startAssistantStack(backend.env) : undefined;
  const api = assistant?.api ?? (await startTodoApi(backend.env));
  const web = await spawnService(WEB_MAIN, {
    env: { API_URL: api.url, STATIC_DIR: DIST_DIR, SHUTDOWN_DRAIN_MS: '0' },
    readyPath: '/readyz',
  });
  const browser = await launchChromium();
  return {
    api,
    web,
    browser,
    async stop() {
      await browser.close();
      await web.stop();
      await (assistant ?? api).stop();
    },
  };
}

/** A fresh browser profile (its own storage) on the web app, failing the test on any page error or CSP violation. */
export async function openApp(
  stack: Stack,
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await stack.browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? 'light',
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  await page.goto(stack.web.url);
  return { context, page, problems };
}

export const password = 'correct horse battery';
export const uniqueEmail = (who: string) => `${who}-${randomUUID().slice(0, 8)}@example.com`;

export async function createAccount(page: Page, email: string): Promise<void> {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Your tasks' }).waitFor();
}

export async function signIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Your tasks' }).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

/** The bearer token the page holds (as the app stored it). */
export async function tokenOf(page: Page): Promise<string> {
  const stored = await page.evaluate(() => localStorage.getItem('todo.session'));
  return (JSON.parse(stored ?? '{}') as { token: string }).token;
}

export function apiCall<T>(stack: Stack, token: string, method: string, path: string, body?: unknown) {
  return call<T>(stack.api.url, method, path, { token, body });
}

export interface NewTask {
  title: string;
  description?: string;
  priority?: 'high' | 'medium' | 'low';
  /** yyyy-mm-dd */
  due?: string;
  tags?: string;
}

export async function addTask(page: Page, task: NewTask): Promise<void> {
  const form = page.getByRole('form', { name: 'Add a task' });
  await form.getByLabel('Title').fill(task.title);
  await form.getByLabel('Description').fill(task.description ?? '');
  await form.getByLabel('Priority').selectOption(task.priority ?? 'medium');
  await form.getByLabel('Due date').fill(task.due ?? '');
  await form.getByLabel('Tags').fill(task.tags ?? '');
  await form.getByRole('button', { name: 'Add task' }).click();
  await taskItem(page, task.title).waitFor();
  await waitUntil(page, "document.getElementById('new-title')?.value === ''");
}

/** The list item of the task with this exact title. */
export const taskItem = (page: Page, title: string) =>
  page.locator('#task-list > li').filter({ has: page.locator('.task-title', { hasText: exactly(title) }) });

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (text: string) => new RegExp(`^${escapeRegExp(text)}$`);

/** The titles in the list, top to bottom. */
export const visibleTitles = (page: Page) => page.locator('#task-list .task-title').allTextContents();

export const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/**
 * Polls a JavaScript expression in the page until it is truthy. (Playwright's
 * waitForFunction evaluates with eval inside the page, which the app's
 * Content-Security-Policy rightly refuses.)
 */
export async function waitUntil(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await page.waitForTimeout(50);
  }
}
