import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Backend, backends, launchChromium, type ServiceProcess, spawnService } from '@berth/testkit';
import type { Browser, Page } from 'playwright-core';

const API_MAIN = fileURLToPath(import.meta.resolve('@berth/names-api'));
const PUBLIC = fileURLToPath(new URL('../public', import.meta.url));

for (const { name: backendName, start } of backends) {
  describe(`the UI on ${backendName}`, () => {
    let backend: Backend;
    let api: ServiceProcess;
    let browser: Browser;
    let page: Page;

    before(async () => {
      backend = await start();
      api = await spawnService(API_MAIN, { env: { ...backend.env, STATIC_DIR: PUBLIC, SHUTDOWN_DRAIN_MS: '0' } });
      browser = await launchChromium();
      page = await browser.newPage();
      page.on('dialog', (dialog) => void dialog.accept()); // "Delete …?" confirmation
      await page.goto(api.url);
    });
    after(async () => {
      await browser?.close();
      await api?.stop();
      await backend?.cleanup();
    });

    const rowOf = (name: string) => page.locator('#names tbody tr', { hasText: name });

    test('adding "John Doe" lists it with a human-readable timestamp', async () => {
      await page.fill('#name-input', 'John Doe');
      await page.click('button[type=submit]');
      const row = rowOf('John Doe');
      await row.waitFor();
      const when = (await row.locator('td.when').textContent()) ?? '';
      assert.match(when, /\d{4}/, `"${when}" shows the year`);
      assert.doesNotMatch(when, /T\d\d:/, 'not a raw ISO timestamp');
      assert.equal(await page.inputValue('#name-input'), '', 'the field is cleared');
    });

    test('the API validation message is shown for an empty and an over-long name', async () => {
      await page.fill('#name-input', '');
      await page.click('button[type=submit]');
      await page.locator('#message', { hasText: 'must not be empty' }).waitFor();

      await page.fill('#name-input', 'x'.repeat(51));
      await page.click('button[type=submit]');
      await page.locator('#message', { hasText: 'at most 50 characters' }).waitFor();
      assert.equal(await rowOf('x'.repeat(51)).count(), 0);
    });

    test('deleting a name removes it from the list and from the API', async () => {
      for (const name of ['Ada Lovelace', 'Grace Hopper']) {
        await page.fill('#name-input', name);
        await page.click('button[type=submit]');
        await rowOf(name).waitFor();
      }
      await page.click('button[aria-label="Delete Ada Lovelace"]');
      await rowOf('Ada Lovelace').waitFor({ state: 'detached' });
      await rowOf('Grace Hopper').waitFor();
      const { names } = (await (await fetch(`${api.url}/api/names`)).json()) as { names: { name: string }[] };
      assert.deepEqual(
        names.map((n) => n.name),
        ['John Doe', 'Grace Hopper'],
      );
    });

    test('at 360 px nothing overflows sideways: Add and every Delete are on screen', async () => {
      const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
      const notFound: string[] = [];
      phone.on('response', (response) => {
        if (response.status() >= 400) notFound.push(`${response.status()} ${response.url()}`);
      });
      try {
        await phone.goto(api.url);
        await phone.fill('#name-input', 'Maximiliana Wolfeschlegelsteinhausenberger');
        await phone.click('button[type=submit]');
        await phone.locator('#names tbody tr', { hasText: 'Maximiliana' }).waitFor();
        const scrollWidth = Number(await phone.evaluate('document.documentElement.scrollWidth'));
        assert.ok(scrollWidth <= 360, `the page is ${scrollWidth} px wide`);
        for (const button of await phone.locator('button').all()) {
          const box = await button.boundingBox();
          assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `${await button.textContent()} is on screen`);
        }
        assert.deepEqual(notFound, [], 'every resource the page asks for exists (the favicon too)');
        assert.equal(await phone.getAttribute('link[rel=icon]', 'href'), 'favicon.svg');
      } finally {
        await phone.close();
      }
    });

    test('names are shown as text, never as markup', async () => {
      await page.fill('#name-input', '<img src=x onerror="window.pwned=1">');
      await page.click('button[type=submit]');
      await rowOf('<img src=x').waitFor();
      assert.equal(await page.evaluate('window.pwned'), undefined);
    });
  });
}
