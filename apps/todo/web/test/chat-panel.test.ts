// The chat panel in Chromium, against the whole assistant: the web server,
// the Todo API and the MCP server as processes. A person signs in, asks the
// assistant, and sees the task appear in the list without a reload.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Backend, embeddedBackend } from '@berth/testkit';
import type { Page } from 'playwright-core';
import {
  createAccount,
  openApp,
  type Stack,
  startStack,
  taskItem,
  uniqueEmail,
  visibleTitles,
  waitUntil,
} from './stack.ts';

describe('the chat panel (embedded PGlite, offline assistant)', () => {
  let backend: Backend;
  let stack: Stack;
  let page: Page;

  before(async () => {
    backend = await embeddedBackend();
    stack = await startStack(backend, { assistant: true });
    ({ page } = await openApp(stack));
  });
  after(async () => {
    await stack?.stop();
    await backend?.cleanup();
  });

  test('sign in, type "add call the dentist tomorrow", and the task appears in the list without a reload', async () => {
    await createAccount(page, uniqueEmail('chat'));
    // A mark on this page: a reload would lose it.
    await page.evaluate('window.beforeTheChat = true');
    const panel = page.getByRole('complementary', { name: 'Assistant' });
    await panel.getByRole('textbox', { name: 'Message' }).fill('add call the dentist tomorrow');
    await panel.getByRole('button', { name: 'Send' }).click();
    await panel.getByText(/Added #\d+ "Call the dentist" \(due /).waitFor();
    await taskItem(page, 'Call the dentist').waitFor();
    assert.deepEqual(await visibleTitles(page), ['Call the dentist']);
    assert.match(await taskItem(page, 'Call the dentist').innerText(), /due/i, 'with its due date');
    assert.equal(await page.evaluate('window.beforeTheChat'), true, 'the page was not reloaded');
    assert.equal(
      await panel.getByRole('textbox', { name: 'Message' }).inputValue(),
      '',
      'the box is ready for the next message',
    );

    await panel.getByRole('textbox', { name: 'Message' }).fill('mark it as done');
    await panel.getByRole('button', { name: 'Send' }).click();
    await panel.getByText(/"Call the dentist" .*is completed/).waitFor();
    const checkbox = taskItem(page, 'Call the dentist').getByRole('checkbox');
    await waitUntil(page, `document.querySelector('#task-list input[type="checkbox"]')?.checked === true`);
    assert.equal(await checkbox.isChecked(), true, 'completed by the chat, shown in the list');
  });
});
