import type { AppDefinition } from './apps/descriptor.ts';
import { discoverApps, findApp } from './apps/discover.ts';
import { BerthError, EXIT } from './exit-codes.ts';
import { connect, type Kube, unreachable } from './kube.ts';
import type { Output } from './output.ts';
import { findProjectRoot, resolveUserPath } from './paths.ts';
import { toolPath } from './process.ts';
import type { GlobalOptionValues } from './registry.ts';

/** What every command works with: the app, where it is deployed, the cluster, the output. */
export class Context {
  readonly options: GlobalOptionValues;
  readonly out: Output;
  readonly cwd: string;
  private kubeCache: Kube | undefined;
  private answering: Promise<Kube> | undefined;

  constructor(options: GlobalOptionValues, out: Output, cwd = process.cwd()) {
    this.options = options;
    this.out = out;
    this.cwd = cwd;
  }

  /** The app named (positional or --app), or the project's only app, from the descriptors under deploy/charts. */
  app(positional?: string): AppDefinition {
    return findApp(discoverApps(this.root()), positional ?? this.options.app);
  }
  namespace(app: AppDefinition): string {
    return this.options.namespace ?? app.name;
  }
  release(app: AppDefinition): string {
    return this.options.release ?? app.name;
  }
  /** " -n <ns>" when the user chose the namespace, for the next commands berth suggests. */
  namespaceFlag(): string {
    return this.options.namespace ? ` -n ${this.options.namespace}` : '';
  }

  root(): string {
    const given = this.options.root;
    if (given) return resolveUserPath(given, this.cwd);
    const found = findProjectRoot(this.cwd);
    if (!found) {
      throw new BerthError(
        `no project here: no deploy/charts folder in ${this.cwd} or above`,
        EXIT.usage,
        'run berth inside the project, or pass --root <dir>',
      );
    }
    return found;
  }

  /** The cluster's API clients (nothing is sent yet). */
  kube(): Kube {
    this.kubeCache ??= connect({ kubeconfig: this.options.kubeconfig, context: this.options.context });
    return this.kubeCache;
  }

  /**
   * The cluster, once it has answered: every command that needs the cluster asks
   * this first, so an unreachable cluster is one clear environment error (exit 3)
   * before any kubectl or helm call prints its own.
   */
  cluster(): Promise<Kube> {
    this.answering ??= (async () => {
      const kube = this.kube();
      try {
        await kube.version.getCode();
      } catch (error) {
        throw unreachable(kube, error);
      }
      return kube;
    })();
    return this.answering;
  }

  /** kubectl with the same kubeconfig and context as berth. */
  kubectlArgv(args: string[]): string[] {
    return this.clusterToolArgv('kubectl', '--context', args);
  }
  /** helm with the same kubeconfig and context as berth (helm calls the context flag --kube-context). */
  helmArgv(args: string[]): string[] {
    return this.clusterToolArgv('helm', '--kube-context', args);
  }
  private clusterToolArgv(tool: string, contextFlag: string, args: string[]): string[] {
    const { kubeconfig, context } = this.options;
    return [
      toolPath(tool),
      ...(kubeconfig ? ['--kubeconfig', kubeconfig] : []),
      ...(context ? [contextFlag, context] : []),
      ...args,
    ];
  }
}
