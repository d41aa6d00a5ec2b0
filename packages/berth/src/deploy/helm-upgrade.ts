import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from '../context.ts';
import { run } from '../process.ts';
import { type ImageRef, imageValues } from './images.ts';

/** `helm upgrade --install --atomic --wait`: the arguments, and running it with the image values in a file. */

/** The helm upgrade --install arguments: environment values, image values, then the user's --set (last wins). */
export function helmUpgradeArgs(options: {
  release: string;
  chart: string;
  namespace: string;
  valuesFile: string;
  imageValuesFile: string;
  sets: string[];
  timeoutSeconds: number;
}): string[] {
  return [
    'upgrade',
    '--install',
    options.release,
    options.chart,
    '--namespace',
    options.namespace,
    '--atomic',
    '--wait',
    '--timeout',
    `${options.timeoutSeconds}s`,
    '--values',
    options.valuesFile,
    '--values',
    options.imageValuesFile,
    ...options.sets.flatMap((pair) => ['--set', pair]),
  ];
}

/** Runs the upgrade; resolves with helm's exit code and stderr (a failure is the caller's to explain). */
export async function helmUpgrade(
  ctx: Context,
  upgrade: Omit<Parameters<typeof helmUpgradeArgs>[0], 'imageValuesFile'> & {
    images: ImageRef[];
    tag: string;
    cwd: string;
  },
): Promise<{ code: number | null; stderr: string }> {
  const valuesDir = mkdtempSync(join(tmpdir(), 'berth-values-'));
  try {
    const imageValuesFile = join(valuesDir, 'images.yaml');
    writeFileSync(imageValuesFile, JSON.stringify(imageValues(upgrade.images, upgrade.tag), null, 2));
    const { images: _images, tag: _tag, cwd, ...args } = upgrade;
    return await run(ctx.helmArgv(helmUpgradeArgs({ ...args, imageValuesFile })), { cwd, allowFailure: true });
  } finally {
    rmSync(valuesDir, { recursive: true, force: true });
  }
}
