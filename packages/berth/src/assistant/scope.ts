/**
 * The namespaces berth's assistant tools may touch: the ones it was told
 * about (the app's, -n, --allow-namespace), nothing else. Every tool asks
 * the scope for its namespace before it reads or changes anything; a name
 * outside it is refused with the list of those inside.
 */

export class OutOfScopeError extends Error {
  constructor(namespace: string, allowed: readonly string[]) {
    super(
      `Refused: namespace "${namespace}" is outside what berth was told to work on (allowed: ${allowed.join(', ')}). Nothing was read or changed there; start berth with --allow-namespace ${namespace} if it should be.`,
    );
    this.name = 'OutOfScopeError';
  }
}

export class Scope {
  readonly allowed: readonly string[];

  constructor(namespaces: readonly string[]) {
    const unique = [...new Set(namespaces.map((name) => name.trim()).filter(Boolean))];
    if (unique.length === 0) throw new Error('a scope needs at least one namespace');
    this.allowed = unique;
  }

  /** The first namespace: where a tool acts when it is not given one. */
  get default(): string {
    return this.allowed[0] as string;
  }

  /** The namespace to act in; throws OutOfScopeError for any other. */
  resolve(requested: string | undefined): string {
    const namespace = requested?.trim() || this.default;
    if (!this.allowed.includes(namespace)) throw new OutOfScopeError(namespace, this.allowed);
    return namespace;
  }
}
