// A new person's whole journey through the Todo web app, in Chromium, against
// the real API on each database backend: account, tasks, finding them,
// changing them, a session that ends under them, long lists, and a second
// person who sees none of it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Backend, backends } from '@berth/testkit';
import { expiredToken } from '@berth/todo-api/test-support';
import type { BrowserContext, Page } from 'playwright-core';
import {
  addTask,
  apiCall,
  createAccount,
  day,
  openApp,
  type Stack,
  signIn,
  signOut,
  startStack,
  taskItem,
  tokenOf,
  uniqueEmail,
  visibleTitles,
  waitUntil,
} from './stack.ts';

const RENT = 'Pay rent';
const MILK = 'Buy milk 🥛';
const OAT_MILK = 'Buy oat milk 🥛';
const BOOK = 'قراءة كتاب'; // "read a book": right-to-left text
const MARKUP = '<img src=x onerror="window.pwned=1"><b>not bold</b>';

for (const { name: backendName, start } of backends) {
  describe(`the Todo web journey on ${backendName}`, () => {
    let backend: Backend;
    let stack: Stack;
    let page: Page;
    let context: BrowserContext;
    let problems: string[];
    const email = uniqueEmail('first');

    before(async () => {
      backend = await start();
      stack = await startStack(backend);
      ({ page, context, problems } = await openApp(stack));
    });
    after(async () => {
      await stack?.stop();
      await backend?.cleanup();
    });

    test('a new person creates an account, signs out and signs in again', async () => {
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await createAccount(page, email);
      await page.getByText('No tasks yet. Add your first one above.').waitFor();
      await signOut(page);
      await page.getByText('You have signed out.').waitFor();
      assert.equal(await page.getByLabel('Email').inputValue(), email, 'the email is offered again');
      await signIn(page, email);
    });

    test('a wrong password is reported next to the form, and nothing else happens', async () => {
      await signOut(page);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
      await signIn(page, email);
    });

    test('adds three tasks with different priorities, due dates and tags; overdue stands out; text is never markup', async () => {
      await addTask(page, { title: RENT, priority: 'high', due: day(-2), tags: 'home, money' });
      await addTask(page, { title: MILK, priority: 'low', due: day(3), tags: 'shopping' });
      await addTask(page, { title: BOOK, priority: 'medium', tags: 'reading, كتب', description: MARKUP });
      assert.deepEqual(await visibleTitles(page), [BOOK, MILK, RENT], 'newest first');

      const rent = taskItem(page, RENT);
      assert.match((await rent.getAttribute('class')) ?? '', /overdue/);
      assert.match(await rent.innerText(), /Overdue: due/);
      assert.match(await rent.innerText(), /High priority/);
      assert.doesNotMatch(await taskItem(page, MILK).innerText(), /Overdue/);

      const book = taskItem(page, BOOK);
      assert.equal(await book.locator('.task-description').textContent(), MARKUP, 'shown as the text typed');
      assert.equal(await book.locator('.task-description b, .task-description img').count(), 0, 'no element made');
      assert.equal(await page.evaluate('window.pwned'), undefined);
      assert.equal(await book.locator('.task-title').getAttribute('dir'), 'auto');
      const direction = await book
        .locator('.task-title')
        .evaluate((element) => (globalThis as unknown as Styles).getComputedStyle(element).direction);
      assert.equal(direction, 'rtl', 'Arabic is laid out right to left');
    });

    test('an API validation error is shown next to the field it is about', async () => {
      const form = page.getByRole('form', { name: 'Add a task' });
      await form.getByLabel('Title').fill('x'.repeat(201));
      await form.getByRole('button', { name: 'Add task' }).click();
      const error = form.locator('#new-title-error');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /at most 200 characters/);
      assert.equal(await form.getByLabel('Title').getAttribute('aria-invalid'), 'true');
      assert.equal(await form.getByLabel('Title').getAttribute('aria-describedby'), 'new-title-error');
      await form.getByLabel('Title').fill('');
    });

    test('filters by priority, status and tag; searches; sorts', async () => {
      await page.locator('#filter-priority').selectOption('high');
      await waitForTitles(page, [RENT]);
      await page.getByRole('button', { name: 'Clear filters' }).first().click();
      await waitForTitles(page, [BOOK, MILK, RENT]);

      await page.getByRole('button', { name: 'Show tasks tagged shopping' }).click();
      await waitForTitles(page, [MILK]);
      assert.equal(await page.locator('#filter-tag').inputValue(), 'shopping');
      await page.locator('#filter-tag').fill('كتب');
      await waitForTitles(page, [BOOK]);
      await page.locator('#filter-tag').fill('');

      await page.getByLabel('Search').fill('MILK');
      await waitForTitles(page, [MILK]);
      await page.getByLabel('Search').fill('no such words');
      await page.getByText('No tasks match these filters.').waitFor();
      await page.getByLabel('Search').fill('');

      await page.locator('#filter-sort').selectOption('-priority');
      await waitForTitles(page, [RENT, BOOK, MILK]);
      await page.locator('#filter-sort').selectOption('due_at');
      await waitForTitles(page, [RENT, MILK, BOOK]);
      await page.locator('#filter-sort').selectOption('-created_at');
      await waitForTitles(page, [BOOK, MILK, RENT]);
    });

    test('edits a task inline; an empty title is refused next to the field; Escape cancels', async () => {
      await taskItem(page, MILK)
        .getByRole('button', { name: `Edit “${MILK}”` })
        .click();
      const form = page.getByRole('form', { name: `Edit “${MILK}”` });
      await form.getByLabel('Title').fill('   ');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.locator('.field-error', { hasText: 'must not be empty' }).waitFor();
      await form.getByLabel('Title').fill(OAT_MILK);
      await form.getByLabel('Priority').selectOption('high');
      await form.getByRole('button', { name: 'Save' }).click();
      await taskItem(page, OAT_MILK).waitFor();
      assert.match(await taskItem(page, OAT_MILK).innerText(), /High priority/);
      assert.equal(await taskItem(page, MILK).count(), 0);

      await taskItem(page, RENT)
        .getByRole('button', { name: `Edit “${RENT}”` })
        .click();
      await page
        .getByRole('form', { name: `Edit “${RENT}”` })
        .getByLabel('Title')
        .fill('changed my mind');
      await page.keyboard.press('Escape');
      await taskItem(page, RENT)
        .getByRole('button', { name: `Edit “${RENT}”` })
        .waitFor();
      assert.equal(await taskItem(page, 'changed my mind').count(), 0, 'nothing was saved');
    });

    test('completes and un-completes a task; a completed task is not overdue', async () => {
      const rent = taskItem(page, RENT);
      await rent.getByRole('checkbox', { name: RENT }).check();
      await waitUntil(page, "document.querySelector('.task.done') !== null");
      assert.doesNotMatch((await rent.getAttribute('class')) ?? '', /overdue/);
      await page.locator('#filter-status').selectOption('completed');
      await waitForTitles(page, [RENT]);
      await page.locator('#filter-status').selectOption('pending');
      await waitForTitles(page, [BOOK, OAT_MILK]);
      await page.locator('#filter-status').selectOption('all');
      await taskItem(page, RENT).getByRole('checkbox', { name: RENT }).uncheck();
      await waitUntil(page, "document.querySelector('.task.done') === null");
      assert.match((await taskItem(page, RENT).getAttribute('class')) ?? '', /overdue/);
    });

    test('deletes a task with undo: Undo puts it back, and otherwise it is gone from the API', async () => {
      await taskItem(page, BOOK)
        .getByRole('button', { name: `Delete “${BOOK}”` })
        .click();
      await taskItem(page, BOOK).waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Undo' }).click();
      await taskItem(page, BOOK).waitFor();
      assert.deepEqual(await visibleTitles(page), [BOOK, OAT_MILK, RENT], 'back in its place');

      await taskItem(page, BOOK)
        .getByRole('button', { name: `Delete “${BOOK}”` })
        .click();
      await page.getByRole('button', { name: 'Undo' }).waitFor({ state: 'detached', timeout: 15_000 });
      const token = await tokenOf(page);
      const { body } = await apiCall<{ title: string }[]>(stack, token, 'GET', '/api/tasks?sort=-created_at');
      assert.deepEqual(
        body.map((task) => task.title),
        [OAT_MILK, RENT],
      );
    });

    test('a token revoked mid-session sends the person to sign-in with a message, keeping what they typed', async () => {
      const form = page.getByRole('form', { name: 'Add a task' });
      await form.getByLabel('Title').fill('Half-typed task');
      await form.getByLabel('Tags').fill('draft');
      const revoked = await apiCall(stack, await tokenOf(page), 'POST', '/api/auth/logout');
      assert.equal(revoked.status, 204);

      await form.getByRole('button', { name: 'Add task' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      const notice = page.getByRole('alert').filter({ hasText: 'Your session has ended' });
      await notice.waitFor();
      assert.match((await notice.textContent()) ?? '', /revoked/);
      assert.equal(await page.getByLabel('Email').inputValue(), email);

      await signIn(page, email);
      assert.equal(await form.getByLabel('Title').inputValue(), 'Half-typed task', 'the draft is back');
      assert.equal(await form.getByLabel('Tags').inputValue(), 'draft');
      await form.getByRole('button', { name: 'Add task' }).click();
      await taskItem(page, 'Half-typed task').waitFor();
    });

    test('a token that expires mid-session sends the person to sign-in with a message, keeping what they typed', async () => {
      const token = await tokenOf(page);
      const me = await apiCall<{ id: string }>(stack, token, 'GET', '/api/auth/me');
      const expired = expiredToken(me.body.id);
      assert.equal((await apiCall(stack, expired, 'GET', '/api/tasks')).status, 401, 'the API refuses it');
      const form = page.getByRole('form', { name: 'Add a task' });
      await form.getByLabel('Title').fill('Typed before expiry');

      // The page now holds an expired token: another tab of the app stores it, and this tab follows.
      const otherTab = await context.newPage();
      await otherTab.goto(stack.web.url);
      await otherTab.evaluate((value) => {
        const session = JSON.parse(localStorage.getItem('todo.session') ?? '{}');
        localStorage.setItem('todo.session', JSON.stringify({ ...session, token: value }));
      }, expired);
      await otherTab.close();
      await waitUntil(page, `JSON.parse(localStorage.getItem('todo.session')).token === ${JSON.stringify(expired)}`);
      assert.equal(await form.getByLabel('Title').inputValue(), 'Typed before expiry', 'still on the task screen');

      await form.getByRole('button', { name: 'Add task' }).click();
      const notice = page.getByRole('alert').filter({ hasText: 'Your session has ended' });
      await notice.waitFor();
      assert.match((await notice.textContent()) ?? '', /expired/);
      await signIn(page, email);
      assert.equal(await form.getByLabel('Title').inputValue(), 'Typed before expiry', 'the draft is back');
      await form.getByLabel('Title').fill('');
    });

    test('pages through 120 more tasks with the API’s Link cursor', async () => {
      const token = await tokenOf(page);
      for (let n = 1; n <= 120; n++) {
        const created = await apiCall(stack, token, 'POST', '/api/tasks', { title: `Bulk task ${n}`, tags: ['bulk'] });
        assert.equal(created.status, 201);
      }
      await page.reload();
      await page.getByRole('heading', { name: 'Your tasks' }).waitFor();
      await page.getByText('50 tasks shown; there are more').waitFor();
      await page.getByRole('button', { name: 'Show more tasks' }).click();
      await page.getByText('100 tasks shown; there are more').waitFor();
      await page.getByRole('button', { name: 'Show more tasks' }).click();
      await page.getByText('123 tasks shown', { exact: true }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Show more tasks' }).count(), 0, 'the last page');
      const titles = await visibleTitles(page);
      assert.equal(new Set(titles).size, 123, 'no task twice');
      assert.equal(titles[0], 'Bulk task 120');
      assert.equal(titles.at(-1), RENT);
    });

    test('signs out; a second person sees none of the first person’s tasks', async () => {
      await signOut(page);
      await createAccount(page, uniqueEmail('second'));
      await page.getByText('No tasks yet. Add your first one above.').waitFor();
      await page.getByLabel('Search').fill('Bulk');
      await page.getByText('No tasks match these filters.').waitFor();
      const { body } = await apiCall<unknown[]>(stack, await tokenOf(page), 'GET', '/api/tasks');
      assert.deepEqual(body, []);
      await signOut(page);
    });

    test('no page error and no Content-Security-Policy violation happened on the way', () => {
      assert.deepEqual(problems, []);
    });
  });
}

/** The one browser function these tests call, typed here because the tests are checked without the DOM library. */
interface Styles {
  getComputedStyle(element: unknown): { direction: string };
}

async function waitForTitles(page: Page, expected: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  let titles: string[] = [];
  while (Date.now() < deadline) {
    if (await page.locator('.state-loading').count()) {
      await page.waitForTimeout(50);
      continue;
    }
    titles = await visibleTitles(page);
    if (JSON.stringify(titles) === JSON.stringify(expected)) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(titles, expected);
}
