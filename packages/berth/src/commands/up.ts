import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppDefinition } from '../apps.ts';
import { parseDuration, parseSet } from '../args.ts';
import type { Context } from '../context.ts';
import { diagnose } from '../doctor/diagnose.ts';
import type { Finding } from '../doctor/findings.ts';
import { readSnapshot } from '../doctor/read-snapshot.ts';
import { renderFinding } from '../doctor/render.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import {
  BUILDERS,
  type Builder,
  buildStep,
  detectFlavour,
  FLAVOURS,
  type Flavour,
  type FlavourFacts,
  importSteps,
  withPrivilege,
} from '../flavour.ts';
import { apiStatus } from '../kube.ts';
import { projectFile } from '../paths.ts';
import { run, toolAvailable } from '../process.ts';
import { helmStatus, publicUrl, selector } from '../release.ts';
import { runSmoke } from './smoke.ts';
import { readWorkloads } from './status.ts';

/** The image tag for a commit: the short SHA, plus dirty.<time> when the tree has changes (never "latest"). */
export function imageTag(sha: string, dirty: boolean, now: Date): string {
  const short = sha.trim().slice(0, 12);
  if (!/^[0-9a-f]{7,40}$/.test(short)) throw new Error(`not a git commit: "${sha}"`);
  return dirty ? `${short}-dirty.${now.getTime().toString(36)}` : short;
}

/** Image references of an app for a tag: <registry>/<name>:<tag>, or localhost/<name>:<tag> without a registry. */
export function imageRefs(
  app: AppDefinition,
  tag: string,
  registry?: string,
): { component: string; ref: string; repository: string; values: string; dockerfile: string }[] {
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

async function gitTag(root: string): Promise<string> {
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

async function ensureNamespace(ctx: Context, namespace: string): Promise<boolean> {
  const kube = ctx.kube();
  try {
    await kube.core.readNamespace({ name: namespace });
    return false;
  } catch (error) {
    if (apiStatus(error) !== 404) throw error;
  }
  if (ctx.flag('no-create-namespace')) {
    throw new BerthError(`namespace ${namespace} does not exist`, EXIT.usage, `kubectl create namespace ${namespace}`);
  }
  await kube.core.createNamespace({
    body: {
      metadata: {
        name: namespace,
        labels: {
          'app.kubernetes.io/managed-by': 'berth',
          // Berth's charts pass the restricted profile; enforce it so nothing regresses.
          'pod-security.kubernetes.io/enforce': 'restricted',
        },
      },
    },
  });
  return true;
}

export async function up(ctx: Context, positionals: string[]): Promise<ExitCode> {
  const { out } = ctx;
  const app = ctx.app(positionals[0]);
  const root = ctx.root();
  const namespace = ctx.namespace(app);
  const release = ctx.release(app);
  const env = (ctx.string('env') ?? 'dev') as 'dev' | 'prod';
  const timeoutMs = parseDuration(ctx.string('timeout') ?? '5m', 'timeout');
  const sets = ctx.list('set');
  for (const pair of sets) parseSet(pair);
  const registry = ctx.string('registry');
  const build = !ctx.flag('no-build');
  const kube = ctx.kube();
  const started = Date.now();
  try {
    await kube.version.getCode();
  } catch (error) {
    throw new BerthError(`the cluster does not answer: ${(error as Error).message}`, EXIT.environment, 'berth doctor');
  }

  // 1. Flavour and builder.
  const givenFlavour = ctx.string('flavour');
  if (givenFlavour && !FLAVOURS.includes(givenFlavour as Flavour)) {
    throw new BerthError(`unknown flavour "${givenFlavour}"`, EXIT.usage, `flavours: ${FLAVOURS.join(', ')}`);
  }
  const nodes = await kube.core
    .listNode()
    .then((l) => l.items)
    .catch(() => []);
  const detected = detectFlavour(kube.context, nodes);
  const flavour: FlavourFacts = givenFlavour
    ? { ...detected, flavour: givenFlavour as Flavour, because: '--flavour' }
    : detected;
  const tag = ctx.string('tag') ?? (await gitTag(root));
  const images = imageRefs(app, tag, registry);

  if (build) {
    const givenBuilder = ctx.string('builder');
    if (givenBuilder && !BUILDERS.includes(givenBuilder as Builder)) {
      throw new BerthError(`unknown builder "${givenBuilder}"`, EXIT.usage, `builders: ${BUILDERS.join(', ')}`);
    }
    const builder = (givenBuilder ?? BUILDERS.find((b) => toolAvailable(b))) as Builder | undefined;
    if (!builder) {
      throw new BerthError(
        'no image builder found (docker, podman, buildah, nerdctl)',
        EXIT.environment,
        'install one, or pass --no-build with --tag of images already on the cluster',
      );
    }
    out.step(
      `cluster ${kube.context}: flavour ${flavour.flavour} (${flavour.because}); builder ${builder}; tag ${tag}`,
    );
    // 2. Build.
    for (const image of images) {
      const step = buildStep(builder, projectFile(root, image.dockerfile), image.ref, ctx.list('builder-arg'), root);
      out.step(step.what);
      const t0 = Date.now();
      try {
        await run(step.argv, { cwd: root });
      } catch (error) {
        throw new BerthError(
          `building ${image.ref} failed: ${(error as Error).message}`,
          EXIT.failed,
          `fix the build, then berth up ${app.name} again`,
        );
      }
      out.ok(`built ${image.ref} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
    // 3. Make the images available to the cluster.
    const loader = ctx.string('loader');
    const dir = mkdtempSync(join(tmpdir(), 'berth-'));
    try {
      for (const image of images) {
        const steps = registry
          ? [{ argv: [builder, 'push', image.ref], what: `push ${image.ref}` }]
          : loader
            ? [{ argv: [loader, image.ref], what: `load ${image.ref} with ${loader}` }]
            : (() => {
                try {
                  return importSteps(flavour, builder, image.ref, join(dir, `${image.component}.tar`)).map((step) =>
                    withPrivilege(step, process.getuid?.()),
                  );
                } catch (error) {
                  throw new BerthError(
                    (error as Error).message,
                    EXIT.environment,
                    'pass --registry <registry> or --loader <program>',
                  );
                }
              })();
        for (const step of steps) {
          out.step(step.what);
          try {
            await run(step.argv, { cwd: root });
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
      rmSync(dir, { recursive: true, force: true });
    }
    out.ok(registry ? `images pushed to ${registry}` : 'images available on the cluster');
  } else out.step(`not building: using images tagged ${tag}`);

  // 4. Deploy.
  const created = await ensureNamespace(ctx, namespace);
  if (created) out.ok(`created namespace ${namespace} (PodSecurity restricted)`);
  const previous = await helmStatus(ctx, app);
  const valuesDir = mkdtempSync(join(tmpdir(), 'berth-values-'));
  const imageValuesFile = join(valuesDir, 'images.yaml');
  writeFileSync(imageValuesFile, JSON.stringify(imageValues(images, tag), null, 2));
  const args = helmUpgradeArgs({
    release,
    chart: projectFile(root, app.chart),
    namespace,
    valuesFile: projectFile(root, app.values[env]),
    imageValuesFile,
    sets,
    timeoutSeconds: Math.round(timeoutMs / 1000),
  });
  out.step(
    `helm upgrade --install ${release} (${env}) in ${namespace}${previous ? `, from revision ${previous.revision}` : ''}; waiting for readiness`,
  );
  const problems = new Map<string, Finding>();
  let lastProblems = new Set<string>();
  let watching = true;
  const progress = (async () => {
    const shown = new Map<string, string>();
    const shownProblems = new Set<string>();
    let tick = 0;
    while (watching) {
      try {
        for (const w of await readWorkloads(ctx, namespace, release)) {
          const text = `${w.kind.toLowerCase()}/${w.name} ${w.ready}/${w.desired} ready${w.updated < w.desired ? `, ${w.updated} updated` : ''}`;
          if (shown.get(w.name) !== text) {
            shown.set(w.name, text);
            out.line(`  ${text}`);
          }
        }
        if (tick % 3 === 2) {
          const snapshot = await readSnapshot(kube, namespace, flavour);
          snapshot.pods = snapshot.pods.filter((p) => p.metadata?.labels?.['app.kubernetes.io/instance'] === release);
          const now = new Set<string>();
          for (const finding of diagnose(snapshot).findings) {
            // Services follow their pods; the pods' own findings say more.
            if (finding.severity !== 'error' || finding.kind.startsWith('service-')) continue;
            const key = `${finding.kind}|${finding.workload ?? finding.objects[0]}`;
            now.add(key);
            problems.set(key, finding);
            // Probe failures and a first crash are normal while an app starts: show them once they persist.
            const soft = ['probe-failing', 'crash-loop', 'not-ready'].includes(finding.kind);
            if (!shownProblems.has(key) && (!soft || lastProblems.has(key))) {
              shownProblems.add(key);
              out.warn(`  ${finding.summary}`);
            }
          }
          lastProblems = now;
        }
      } catch {
        // progress is best effort; helm decides success
      }
      tick++;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  })();
  const result = await run(ctx.helmArgv(args), { cwd: root, allowFailure: true }).finally(() =>
    rmSync(valuesDir, { recursive: true, force: true }),
  );
  watching = false;
  await progress;
  if (result.code !== 0) {
    const now = await helmStatus(ctx, app).catch(() => undefined);
    const helmError = result.stderr.trim().split('\n').slice(-3).join(' ');
    out.bad(`helm upgrade failed: ${helmError}`);
    // The latest diagnosis says what was wrong when Helm gave up; earlier start-up noise is left out.
    const current = [...problems.entries()].filter(([key]) => lastProblems.has(key)).map(([, f]) => f);
    const why = current.length > 0 ? current : [...problems.values()];
    if (why.length) {
      out.line('What failed, and why:');
      for (const finding of why) for (const line of renderFinding(finding, out)) out.line(line);
    }
    const rolledBack = now
      ? `Helm rolled back: release ${release} is at revision ${now.revision} (${now.status}), the previous version keeps serving`
      : `Helm removed the failed first install of ${release}`;
    out.line(rolledBack);
    out.result({
      ok: false,
      release,
      namespace,
      tag,
      error: helmError,
      rolledBackTo: now?.revision ?? null,
      findings: why,
    });
    throw new BerthError(
      `deploying ${app.name} failed${why[0] ? `: ${why[0].summary}` : ''}`,
      EXIT.failed,
      `fix the cause above and run berth up ${app.name} again; berth doctor ${app.name} for more`,
    );
  }
  const deployed = await helmStatus(ctx, app);
  out.ok(
    `release ${release} revision ${deployed?.revision} deployed and ready (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );

  // 5. Smoke, then how to reach it.
  const target = await publicUrl(ctx, app, flavour);
  let smoke: Awaited<ReturnType<typeof runSmoke>> = [];
  try {
    if (!ctx.flag('no-smoke')) {
      out.step(`smoke checks through ${target.url} (${target.how})`);
      smoke = await runSmoke(app, target.url, out);
    }
  } finally {
    target.close();
  }
  const smokeOk = smoke.every((r) => r.ok);
  const ingresses = await kube.networking
    .listNamespacedIngress({ namespace, labelSelector: selector(release) })
    .then((l) => l.items.flatMap((i) => (i.spec?.rules ?? []).map((r) => r.host).filter(Boolean)))
    .catch(() => []);
  const reach = target.how === 'nodeport' ? target.url : undefined;
  if (reach) out.ok(`${app.name} is at ${reach}/`);
  for (const host of ingresses)
    out.ok(`${app.name} is at http://${host}/ (Ingress; the host must resolve to the cluster)`);
  if (!reach) out.line(`open it with: berth open${ctx.string('namespace') ? ` -n ${namespace}` : ''}`);
  out.result({
    ok: smokeOk,
    release,
    namespace,
    revision: deployed?.revision,
    tag,
    images: images.map((i) => i.ref),
    url: reach ?? null,
    ingressHosts: ingresses,
    smoke,
    seconds: Math.round((Date.now() - started) / 1000),
  });
  if (!smokeOk) {
    out.error('deployed, but a smoke check failed', `berth doctor ${app.name}; berth logs api`);
    return EXIT.unhealthy;
  }
  return EXIT.ok;
}
