// What a person notices beyond "it works": axe-core finds no serious or
// critical accessibility problem on the sign-in page, the task list and the
// edit form (light and dark); the whole add–complete–delete round works from
// the keyboard alone with focus always visible; the app fits a 360 px phone
// and a 1440 px desktop, in both colour schemes (screenshots are kept in
// test-artifacts/todo-web/ for people to look at).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Backend, embeddedBackend } from '@berth/testkit';
import { send, signIn } from '@berth/todo-api/test-support';
import type { Page } from 'playwright-core';
import {
  ARTIFACTS,
  apiCall,
  day,
  openApp,
  password,
  type Stack,
  startStack,
  taskItem,
  tokenOf,
  uniqueEmail,
  waitUntil,
} from './stack.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core inside the page; returns the serious and critical violations. */
async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`axe
    .run(document, { resultTypes: ['violations'] })
    .then((result) => result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((node) => node.target.join(' ')),
    })))`)) as Violation[];
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

describe('accessibility, keyboard and layout (embedded PGlite)', () => {
  let backend: Backend;
  let stack: Stack;
  const email = uniqueEmail('looks');
  let token: string;

  before(async () => {
    backend = await embeddedBackend();
    stack = await startStack(backend);
    // One person with a realistic list: overdue, done, RTL, emoji, a long title.
    token = await signIn(stack.api.url, email, password);
    const post = (path: string, body: unknown) => send('POST', `${stack.api.url}${path}`, { token, body });
    const tasks = [
      { title: 'Renew passport', priority: 'high', due_at: `${day(-3)}T23:59:59Z`, tags: ['admin'] },
      { title: 'Water the plants 🌱', priority: 'low', completed: true, tags: ['home'] },
      { title: 'שיחה עם סבתא', description: 'להתקשר אחרי 18:00', priority: 'medium', due_at: `${day(2)}T23:59:59Z` },
      {
        title: 'Write the quarterly report with every figure checked twice and the charts redrawn',
        description: 'Numbers from finance; charts from the dashboard.',
        priority: 'high',
        due_at: `${day(10)}T23:59:59Z`,
        tags: ['work', 'reports'],
      },
    ];
    for (const task of tasks) assert.equal((await post('/api/tasks', task)).status, 201);
  });
  after(async () => {
    await stack?.stop();
    await backend?.cleanup();
  });

  /** A browser profile already signed in as the test person (the app reads its session from localStorage). */
  async function signedIn(options: Parameters<typeof openApp>[1] = {}) {
    const opened = await openApp(stack, options);
    const session = JSON.stringify({ token, expiresAt: new Date(Date.now() + 3600_000).toISOString(), email });
    await opened.page.evaluate((value) => localStorage.setItem('todo.session', value), session);
    await opened.page.reload();
    await opened.page.locator('#task-list').waitFor();
    return opened;
  }

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe-core: no serious or critical violations on sign-in, the task list and the edit form (${colorScheme})`, async () => {
      const signInPage = await openApp(stack, { colorScheme });
      await signInPage.page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.deepEqual(await seriousViolations(signInPage.page), [], 'sign-in page');
      await signInPage.page.getByRole('button', { name: 'Create an account' }).click();
      await signInPage.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await signInPage.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      await signInPage.page.getByLabel('Password').fill('x');
      await signInPage.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await signInPage.page.locator('.field-error, .form-error').first().waitFor();
      assert.deepEqual(await seriousViolations(signInPage.page), [], 'sign-in page showing an error');
      await signInPage.context.close();

      const { page, context, problems } = await signedIn({ colorScheme });
      assert.deepEqual(await seriousViolations(page), [], 'task list');
      await taskItem(page, 'Renew passport').getByRole('button', { name: 'Edit “Renew passport”' }).click();
      const form = page.getByRole('form', { name: 'Edit “Renew passport”' });
      await form.getByLabel('Title').fill('');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.locator('.field-error').waitFor();
      assert.deepEqual(await seriousViolations(page), [], 'edit form, showing an API error');
      await page.keyboard.press('Escape');
      assert.deepEqual(problems, []);

      // The check can fail: a control without a name is reported.
      await page.evaluate(
        `document.querySelector('#task-list').append(Object.assign(document.createElement('input'), { id: 'unnamed' }))`,
      );
      const found = await seriousViolations(page);
      assert.ok(
        found.some((violation) => violation.targets.includes('#unnamed')),
        'axe reports an unnamed input',
      );
      await context.close();
    });
  }

  test('keyboard only: add, complete and delete a task, with focus always visible', async () => {
    const { page, context, problems } = await openApp(stack);
    const focused = () =>
      page.evaluate(`(() => {
        const element = document.activeElement;
        const style = getComputedStyle(element);
        return {
          id: element.id,
          tag: element.tagName.toLowerCase(),
          name: element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '',
          visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        };
      })()`) as Promise<{ id: string; tag: string; name: string; visible: boolean }>;
    /** Tabs forward until `matches` holds, checking every stop on the way shows where focus is. */
    const tabTo = async (what: string, matches: (element: Awaited<ReturnType<typeof focused>>) => boolean) => {
      for (let presses = 0; presses < 60; presses++) {
        await page.keyboard.press('Tab');
        const element = await focused();
        assert.ok(element.visible, `focus is visible on ${element.tag}#${element.id} "${element.name}"`);
        if (matches(element)) return;
      }
      assert.fail(`Tab never reached ${what}`);
    };

    // Sign in: the email field has focus on arrival; Enter submits.
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal((await focused()).id, 'auth-email');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');

    // Add: the title field has focus once signed in; Tab through the fields, Enter adds.
    await page.locator('#task-list').waitFor();
    assert.equal((await focused()).id, 'new-title');
    await page.keyboard.type('Typed without a mouse ⌨️');
    await page.keyboard.press('Tab');
    assert.equal((await focused()).id, 'new-description');
    await page.keyboard.type('Every step by keyboard.');
    await page.keyboard.press('Tab');
    assert.equal((await focused()).id, 'new-priority');
    await page.keyboard.press('ArrowUp'); // medium → high
    await page.keyboard.press('Tab');
    assert.equal((await focused()).id, 'new-due_at');
    // The date field's day, month and year are separate Tab stops.
    await tabTo('Tags', (element) => element.id === 'new-tags');
    await page.keyboard.type('keys');
    await page.keyboard.press('Enter');
    const item = taskItem(page, 'Typed without a mouse ⌨️');
    await item.waitFor();
    assert.match(await item.innerText(), /High priority/);
    assert.equal((await focused()).id, 'new-title', 'ready for the next task');

    // Complete: Tab to the task's checkbox, Space.
    const id = await item.getAttribute('data-task-id');
    await tabTo('the new task’s checkbox', (element) => element.id === `task-${id}-done`);
    await page.keyboard.press('Space');
    await waitUntil(page, `document.querySelector('[data-task-id="${id}"]').classList.contains('done')`);
    await waitUntil(
      page,
      `!document.querySelector('[data-task-id="${id}"]').hasAttribute('aria-busy') ||
      document.querySelector('[data-task-id="${id}"]').getAttribute('aria-busy') === 'false'`,
    );
    const stored = await apiCall<{ completed: boolean }>(stack, token, 'GET', `/api/tasks/${id}`);
    assert.equal(stored.body.completed, true, 'completed in the API');

    // Edit opens with Enter and Escape closes it, handing focus back to Edit.
    await tabTo('Edit', (element) => element.name.startsWith('Edit “Typed without a mouse'));
    await page.keyboard.press('Enter');
    assert.equal((await focused()).id, `edit-${id}-title`);
    await page.keyboard.press('Escape');
    await waitUntil(page, `document.activeElement?.classList.contains('edit-button')`);

    // Delete: Enter on Delete; focus lands on Undo; Escape deletes at once.
    await tabTo('Delete', (element) => element.name.startsWith('Delete “Typed without a mouse'));
    await page.keyboard.press('Enter');
    assert.equal((await focused()).name, 'Undo');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Undo' }).waitFor({ state: 'detached' });
    assert.equal((await focused()).id, 'list-heading', 'focus continues at the list');
    for (let attempt = 0; ; attempt++) {
      const gone = await apiCall(stack, token, 'GET', `/api/tasks/${id}`);
      if (gone.status === 404) break;
      assert.ok(attempt < 50, 'the task is deleted in the API');
      await page.waitForTimeout(100);
    }
    assert.equal(await item.count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  const sizes = [
    { width: 360, height: 740 },
    { width: 1440, height: 900 },
  ];
  for (const { width, height } of sizes) {
    for (const colorScheme of ['light', 'dark'] as const) {
      test(`fits ${width}×${height} in the ${colorScheme} scheme (screenshots kept)`, async () => {
        mkdirSync(ARTIFACTS, { recursive: true });
        const shot = (page: Page, name: string) =>
          page.screenshot({ path: join(ARTIFACTS, `${name}-${width}x${height}-${colorScheme}.png`), fullPage: true });
        const noSideways = async (page: Page, what: string) => {
          const scrollWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
          assert.ok(scrollWidth <= width, `${what}: no sideways scrolling at ${width}px (content is ${scrollWidth}px)`);
        };

        const signInPage = await openApp(stack, { width, height, colorScheme });
        await signInPage.page.getByRole('heading', { name: 'Sign in' }).waitFor();
        await noSideways(signInPage.page, 'sign-in');
        await shot(signInPage.page, 'sign-in');
        await signInPage.context.close();

        const { page, context } = await signedIn({ width, height, colorScheme });
        const background = (await page.evaluate(
          'getComputedStyle(document.documentElement).backgroundColor',
        )) as string;
        const [red = 0] = (background.match(/\d+/g) ?? []).map(Number);
        assert.ok(colorScheme === 'dark' ? red < 60 : red > 200, `${colorScheme} background, got ${background}`);
        await noSideways(page, 'task list');
        await shot(page, 'tasks');
        await taskItem(page, 'Renew passport').getByRole('button', { name: 'Edit “Renew passport”' }).click();
        await noSideways(page, 'edit form');
        await shot(page, 'edit');
        await context.close();
      });
    }
  }

  test('the session token is the one the API gave (sanity check of the fixture)', async () => {
    const { page, context } = await signedIn();
    assert.equal(await tokenOf(page), token);
    await context.close();
  });
});
