import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppDefinition } from '../apps/descriptor.ts';
import { BerthError, EXIT } from '../exit-codes.ts';
import { BUILDERS, type Builder, buildStep, type FlavourFacts, importSteps, withPrivilege } from '../flavour.ts';
import type { Output } from '../output.ts';
import { projectFile } from '../paths.ts';
import { run, toolAvailable } from '../process.ts';

/** An app's images for one deployment: tagged, built, and made available to the cluster. */

export interface ImageRef {
  component: string;
  ref: string;
  repository: string;
  values: string;
  dockerfile: string;
}

/** The image tag for a commit: the short SHA, plus dirty.<time> when the tree has changes (never "latest"). */
export function imageTag(sha: string, dirty: boolean, now: Date): string {
  const short = sha.trim().slice(0, 12);
  if (!/^[0-9a-f]{7,40}$/.test(short)) throw new Error(`not a git commit: "${sha}"`);
  return dirty ? `${short}-dirty.${now.getTime().toString(36)}` : short;
}

/** Image references of an app for a tag: <registry>/<name>:<tag>, or localhost/<name>:<tag> without a registry. */
export function imageRefs(app: AppDefinition, tag: string, registry?: string): ImageRef[] {
  const prefix = registry ? registry.replace(/\/+$/, '') : 'localhost';
  return app.images.map((image) => ({
    component: image.component,
    repository: `${prefix}/${image.name}`,
    ref: `${prefix}/${image.name}:${tag}`,
    values: image.values,
    dockerfile: image.dockerfile,
  }));
}

/**
 * The image values as a values document (JSON is YAML): a file, not --set-string, because
 * Helm applies every --set-string after every --set, so the user's --set could not override it.
 */
export function imageValues(images: { repository: string; values: string }[], tag: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const image of images) {
    let node = root;
    for (const key of image.values.split('.')) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node.repository = image.repository;
    node.tag = tag; // a string even when the SHA is all digits
  }
  return root;
}

export async function gitTag(root: string): Promise<string> {
  try {
    const sha = (await run(['git', 'rev-parse', 'HEAD'], { cwd: root })).stdout;
    const dirty = (await run(['git', 'status', '--porcelain'], { cwd: root })).stdout.trim() !== '';
    return imageTag(sha, dirty, new Date());
  } catch (error) {
    throw new BerthError(
      `cannot tag images with the git commit: ${(error as Error).message}`,
      EXIT.environment,
      'run inside a git checkout, or pass --tag <version>',
    );
  }
}

/** The builder named with --builder (checked), else the first one installed. */
export function chooseBuilder(given: string | undefined): Builder {
  if (given && !BUILDERS.includes(given as Builder)) {
    throw new BerthError(`unknown builder "${given}"`, EXIT.usage, `builders: ${BUILDERS.join(', ')}`);
  }
  const builder = (given ?? BUILDERS.find((b) => toolAvailable(b))) as Builder | undefined;
  if (!builder) {
    throw new BerthError(
      'no image builder found (docker, podman, buildah, nerdctl)',
      EXIT.environment,
      'install one, or pass --no-build with --tag of images already on the cluster',
    );
  }
  return builder;
}

export async function buildImages(
  images: ImageRef[],
  build: { root: string; builder: Builder; builderArgs: string[]; app: string },
  out: Output,
): Promise<void> {
  for (const image of images) {
    const step = buildStep(
      build.builder,
      projectFile(build.root, image.dockerfile),
      image.ref,
      build.builderArgs,
      build.root,
    );
    out.step(step.what);
    const started = Date.now();
    try {
      await run(step.argv, { cwd: build.root });
    } catch (error) {
      throw new BerthError(
        `building ${image.ref} failed: ${(error as Error).message}`,
        EXIT.failed,
        `fix the build, then berth up ${build.app} again`,
      );
    }
    out.ok(`built ${image.ref} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

/** How one image reaches the cluster: a push to the registry, the user's loader, or the flavour's import. */
function shipSteps(
  image: ImageRef,
  how: { builder: Builder; registry?: string | undefined; loader?: string | undefined; flavour: FlavourFacts },
  archiveDir: string,
): { argv: string[]; what: string }[] {
  if (how.registry) return [{ argv: [how.builder, 'push', image.ref], what: `push ${image.ref}` }];
  if (how.loader) return [{ argv: [how.loader, image.ref], what: `load ${image.ref} with ${how.loader}` }];
  try {
    return importSteps(how.flavour, how.builder, image.ref, join(archiveDir, `${image.component}.tar`)).map((step) =>
      withPrivilege(step, process.getuid?.()),
    );
  } catch (error) {
    throw new BerthError(
      (error as Error).message,
      EXIT.environment,
      'pass --registry <registry> or --loader <program>',
    );
  }
}

export async function shipImages(
  images: ImageRef[],
  how: {
    root: string;
    builder: Builder;
    registry?: string | undefined;
    loader?: string | undefined;
    flavour: FlavourFacts;
  },
  out: Output,
): Promise<void> {
  const archiveDir = mkdtempSync(join(tmpdir(), 'berth-'));
  try {
    for (const image of images) {
      for (const step of shipSteps(image, how, archiveDir)) {
        out.step(step.what);
        try {
          await run(step.argv, { cwd: how.root });
        } catch (error) {
          throw new BerthError(
            `${step.what} failed: ${(error as Error).message}`,
            EXIT.failed,
            'berth doctor; or pass --loader <program> / --registry <registry>',
          );
        }
      }
    }
  } finally {
    rmSync(archiveDir, { recursive: true, force: true });
  }
  out.ok(how.registry ? `images pushed to ${how.registry}` : 'images available on the cluster');
}
