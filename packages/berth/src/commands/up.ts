import { existsSync } from 'node:fs';
import type { AppDefinition } from '../apps/descriptor.ts';
import { environmentValues } from '../apps/discover.ts';
import { parseDuration, parseSet } from '../args.ts';
import type { Context } from '../context.ts';
import { helmUpgrade } from '../deploy/helm-upgrade.ts';
import { buildImages, chooseBuilder, gitTag, type ImageRef, imageRefs, shipImages } from '../deploy/images.ts';
import { watchRollout } from '../deploy/rollout-watch.ts';
import { renderFinding } from '../doctor/render.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import { FLAVOURS, type Flavour, type FlavourFacts } from '../flavour.ts';
import { apiStatus, type Kube } from '../kube.ts';
import { projectFile, resolveUserPath } from '../paths.ts';
import type { CommandInput, UP_OPTIONS } from '../registry.ts';
import { flavourOf, helmStatus, publicUrl, selector } from '../release.ts';
import { runSmoke, type SmokeResult } from '../smoke.ts';

type UpOptions = CommandInput<typeof UP_OPTIONS>['options'];

/** What `berth up` deploys, checked before anything touches the cluster. */
interface Plan {
  app: AppDefinition;
  root: string;
  namespace: string;
  release: string;
  env: string;
  valuesFile: string;
  timeoutMs: number;
  valuesFiles: string[];
  sets: string[];
  createNamespace: boolean;
  started: number;
}

/**
 * berth up: plan, then build → ship → deploy (helm --atomic, with progress) →
 * smoke → how to reach it. Each step is a function below, in that order.
 */
export async function up(ctx: Context, { positionals, options }: CommandInput<typeof UP_OPTIONS>): Promise<ExitCode> {
  const plan = planDeployment(ctx, positionals[0], options);
  const kube = await ctx.cluster();
  const flavour = await clusterFlavour(ctx, options.flavour);
  const tag = options.tag ?? (await gitTag(plan.root));
  const images = imageRefs(plan.app, tag, options.registry);
  if (options['no-build']) ctx.out.step(`not building: using images tagged ${tag}`);
  else await buildAndShip(ctx, plan, options, { kube, flavour, tag, images });
  const revision = await deploy(ctx, plan, { flavour, tag, images });
  const reached = await reachAndSmoke(ctx, plan, flavour, !options['no-smoke']);
  return report(ctx, plan, { kube, revision, tag, images, ...reached });
}

function planDeployment(ctx: Context, appName: string | undefined, options: UpOptions): Plan {
  const app = ctx.app(appName);
  const env = options.env ?? 'dev';
  const sets = options.set ?? [];
  for (const pair of sets) parseSet(pair);
  const valuesFiles = (options.values ?? []).map((file) => resolveUserPath(file, ctx.cwd));
  for (const file of valuesFiles) {
    if (!existsSync(file)) throw new BerthError(`values file ${file} does not exist`, EXIT.usage);
  }
  if (options.flavour && !FLAVOURS.includes(options.flavour as Flavour)) {
    throw new BerthError(`unknown flavour "${options.flavour}"`, EXIT.usage, `flavours: ${FLAVOURS.join(', ')}`);
  }
  return {
    app,
    root: ctx.root(),
    namespace: ctx.namespace(app),
    release: ctx.release(app),
    env,
    valuesFile: environmentValues(app, env),
    timeoutMs: parseDuration(options.timeout ?? '5m', 'timeout'),
    valuesFiles,
    sets,
    createNamespace: !options['no-create-namespace'],
    started: Date.now(),
  };
}

/** The flavour berth detects from the nodes, unless --flavour says otherwise. */
export async function clusterFlavour(ctx: Context, given: string | undefined): Promise<FlavourFacts> {
  const detected = await flavourOf(ctx);
  return given ? { ...detected, flavour: given as Flavour, because: '--flavour' } : detected;
}

/** Builds the images and makes them available to the cluster (also `berth deploy`'s first step). */
export async function buildAndShip(
  ctx: Context,
  plan: Pick<Plan, 'root' | 'app'>,
  options: Pick<UpOptions, 'builder' | 'builder-arg' | 'registry' | 'loader'>,
  built: { kube: Kube; flavour: FlavourFacts; tag: string; images: ImageRef[] },
): Promise<void> {
  const builder = chooseBuilder(options.builder);
  ctx.out.step(
    `cluster ${built.kube.context}: flavour ${built.flavour.flavour} (${built.flavour.because}); builder ${builder}; tag ${built.tag}`,
  );
  await buildImages(
    built.images,
    { root: plan.root, builder, builderArgs: options['builder-arg'] ?? [], app: plan.app.name },
    ctx.out,
  );
  await shipImages(
    built.images,
    { root: plan.root, builder, registry: options.registry, loader: options.loader, flavour: built.flavour },
    ctx.out,
  );
}

async function ensureNamespace(ctx: Context, namespace: string, mayCreate: boolean): Promise<boolean> {
  const kube = ctx.kube();
  try {
    await kube.core.readNamespace({ name: namespace });
    return false;
  } catch (error) {
    if (apiStatus(error) !== 404) throw error;
  }
  if (!mayCreate) {
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

/** helm upgrade --install --atomic with progress; returns the deployed revision, or explains the failure. */
async function deploy(
  ctx: Context,
  plan: Plan,
  release: { flavour: FlavourFacts; tag: string; images: ImageRef[] },
): Promise<number | undefined> {
  const { out } = ctx;
  const { app, namespace } = plan;
  if (await ensureNamespace(ctx, namespace, plan.createNamespace)) {
    out.ok(`created namespace ${namespace} (PodSecurity restricted)`);
  }
  const previous = await helmStatus(ctx, app);
  out.step(
    `helm upgrade --install ${plan.release} (${plan.env}) in ${namespace}${previous ? `, from revision ${previous.revision}` : ''}; waiting for readiness`,
  );
  const watch = watchRollout(ctx, { namespace, release: plan.release, flavour: release.flavour });
  const result = await helmUpgrade(
    ctx,
    {
      release: plan.release,
      chart: projectFile(plan.root, app.chart),
      namespace,
      valuesFile: projectFile(plan.root, plan.valuesFile),
      userValuesFiles: plan.valuesFiles,
      sets: plan.sets,
      timeoutSeconds: Math.round(plan.timeoutMs / 1000),
    },
    { refs: release.images, tag: release.tag },
    plan.root,
  ).finally(() => watch.stop());
  if (result.code !== 0) await explainFailedUpgrade(ctx, plan, release.tag, result.stderr, watch.why());
  const deployed = await helmStatus(ctx, app);
  out.ok(
    `release ${plan.release} revision ${deployed?.revision} deployed and ready (${((Date.now() - plan.started) / 1000).toFixed(0)} s)`,
  );
  return deployed?.revision;
}

/** What failed and why (berth doctor's findings), where Helm's rollback left the release; then the error. */
async function explainFailedUpgrade(
  ctx: Context,
  plan: Plan,
  tag: string,
  stderr: string,
  why: ReturnType<ReturnType<typeof watchRollout>['why']>,
): Promise<never> {
  const { out } = ctx;
  const now = await helmStatus(ctx, plan.app).catch(() => undefined);
  const helmError = stderr.trim().split('\n').slice(-3).join(' ');
  out.bad(`helm upgrade failed: ${helmError}`);
  if (why.length) {
    out.line('What failed, and why:');
    for (const finding of why) for (const line of renderFinding(finding, out)) out.line(line);
  }
  out.line(
    now
      ? `Helm rolled back: release ${plan.release} is at revision ${now.revision} (${now.status}), the previous version keeps serving`
      : `Helm removed the failed first install of ${plan.release}`,
  );
  out.result({
    ok: false,
    release: plan.release,
    namespace: plan.namespace,
    tag,
    error: helmError,
    rolledBackTo: now?.revision ?? null,
    findings: why,
  });
  throw new BerthError(
    `deploying ${plan.app.name} failed${why[0] ? `: ${why[0].summary}` : ''}`,
    EXIT.failed,
    `fix the cause above and run berth up ${plan.app.name} again; berth doctor ${plan.app.name} for more`,
  );
}

/** The public URL (kept only when it outlives berth: a NodePort), and the smoke checks through it. */
async function reachAndSmoke(
  ctx: Context,
  plan: Plan,
  flavour: FlavourFacts,
  check: boolean,
): Promise<{ url: string | undefined; smoke: SmokeResult[] }> {
  const target = await publicUrl(ctx, plan.app, { flavour });
  try {
    let smoke: SmokeResult[] = [];
    if (check) {
      ctx.out.step(`smoke checks through ${target.url} (${target.how})`);
      smoke = await runSmoke(
        plan.app,
        { base: target.url, release: plan.release, namespace: plan.namespace, helmArgv: (a) => ctx.helmArgv(a) },
        ctx.out,
      );
    }
    return { url: target.how === 'nodeport' ? target.url : undefined, smoke };
  } finally {
    target.close();
  }
}

/** Where the app is (NodePort, Ingress hosts, or how to open it) and the --json result. */
async function report(
  ctx: Context,
  plan: Plan,
  done: {
    kube: Kube;
    revision: number | undefined;
    tag: string;
    images: ImageRef[];
    url: string | undefined;
    smoke: SmokeResult[];
  },
): Promise<ExitCode> {
  const { out } = ctx;
  const { app, namespace, release } = plan;
  const { smoke, url: reach } = done;
  const ingresses = await done.kube.networking
    .listNamespacedIngress({ namespace, labelSelector: selector(release) })
    .then((l) => l.items.flatMap((i) => (i.spec?.rules ?? []).map((r) => r.host).filter(Boolean)))
    .catch(() => []);
  if (reach) out.ok(`${app.name} is at ${reach}/`);
  for (const host of ingresses)
    out.ok(`${app.name} is at http://${host}/ (Ingress; the host must resolve to the cluster)`);
  if (!reach) out.line(`open it with: berth open${ctx.namespaceFlag()}`);
  const smokeOk = smoke.every((r) => r.ok);
  out.result({
    ok: smokeOk,
    release,
    namespace,
    revision: done.revision,
    tag: done.tag,
    images: done.images.map((i) => i.ref),
    url: reach ?? null,
    ingressHosts: ingresses,
    smoke,
    seconds: Math.round((Date.now() - plan.started) / 1000),
  });
  if (!smokeOk) {
    out.error(
      'deployed, but a smoke check failed',
      `berth doctor ${app.name}${ctx.namespaceFlag()}; berth logs ${app.entry}`,
    );
    return EXIT.unhealthy;
  }
  return EXIT.ok;
}
