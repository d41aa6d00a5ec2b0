import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from '../context.ts';
import { run } from '../process.ts';
import { type ImageRef, imageValues } from './images.ts';

/** `helm upgrade --install --atomic --wait`: the arguments, and running it with the image values in a file. */

/** The helm upgrade --install arguments: environment values, image values, the user's values files, then their --set (last wins). */
export function helmUpgradeArgs(options: {
  release: string;
  chart: string;
  namespace: string;
  valuesFile: string;
  imageValuesFile: string;
  /** The user's own values files (e.g. sealed credentials from `berth seal --values`). */
  userValuesFiles?: string[];
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
    ...(options.userValuesFiles ?? []).flatMap((file) => ['--values', file]),
    ...options.sets.flatMap((pair) => ['--set', pair]),
  ];
}

/** Runs the upgrade with the image values in a file; resolves with helm's exit code and stderr (the caller explains a failure). */
export async function helmUpgrade(
  ctx: Context,
  upgrade: Omit<Parameters<typeof helmUpgradeArgs>[0], 'imageValuesFile'>,
  images: { refs: ImageRef[]; tag: string },
  cwd: string,
): Promise<{ code: number | null; stderr: string }> {
  const valuesDir = mkdtempSync(join(tmpdir(), 'berth-values-'));
  try {
    const imageValuesFile = join(valuesDir, 'images.yaml');
    writeFileSync(imageValuesFile, JSON.stringify(imageValues(images.refs, images.tag), null, 2));
    return await run(ctx.helmArgv(helmUpgradeArgs({ ...upgrade, imageValuesFile })), { cwd, allowFailure: true });
  } finally {
    rmSync(valuesDir, { recursive: true, force: true });
  }
}
