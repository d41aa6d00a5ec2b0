import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core: never a downloaded browser.
 * The flags keep it from reaching for Google services this machine cannot reach;
 * `extraArgs` adds more (a --proxy-server, to reach an Ingress by its host name).
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
