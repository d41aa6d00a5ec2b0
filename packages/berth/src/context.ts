import { type AppDefinition, findApp } from './apps.ts';
import type { Values } from './args.ts';
import { BerthError, EXIT } from './exit-codes.ts';
import { connect, type Kube } from './kube.ts';
import type { Output } from './output.ts';
import { findProjectRoot, resolveUserPath } from './paths.ts';
import { toolPath } from './process.ts';

/** What every command works with: the app, where it is deployed, the cluster, the output. */
export class Context {
  readonly values: Values;
  readonly out: Output;
  readonly cwd: string;
  private kubeCache: Kube | undefined;

  constructor(values: Values, out: Output, cwd = process.cwd()) {
    this.values = values;
    this.out = out;
    this.cwd = cwd;
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }
  flag(name: string): boolean {
    return this.values[name] === true;
  }
  list(name: string): string[] {
    const value = this.values[name];
    return Array.isArray(value) ? value : [];
  }

  app(positional?: string): AppDefinition {
    return findApp(positional ?? this.string('app'));
  }
  namespace(app: AppDefinition): string {
    return this.string('namespace') ?? app.name;
  }
  release(app: AppDefinition): string {
    return this.string('release') ?? app.name;
  }

  root(): string {
    const given = this.string('root');
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

  kube(): Kube {
    this.kubeCache ??= connect({ kubeconfig: this.string('kubeconfig'), context: this.string('context') });
    return this.kubeCache;
  }

  /** kubectl with the same kubeconfig and context as berth. */
  kubectlArgv(args: string[]): string[] {
    const kubeconfig = this.string('kubeconfig');
    const context = this.string('context');
    return [
      toolPath('kubectl'),
      ...(kubeconfig ? ['--kubeconfig', kubeconfig] : []),
      ...(context ? ['--context', context] : []),
      ...args,
    ];
  }

  helmArgv(args: string[]): string[] {
    const kubeconfig = this.string('kubeconfig');
    const context = this.string('context');
    return [
      toolPath('helm'),
      ...(kubeconfig ? ['--kubeconfig', kubeconfig] : []),
      ...(context ? ['--kube-context', context] : []),
      ...args,
    ];
  }
}
