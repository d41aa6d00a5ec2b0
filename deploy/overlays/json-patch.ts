// JSON Patch (RFC 6902) between two Kubernetes objects: `diff` writes the
// operations that turn one into the other, `apply` carries them out. The
// overlays' kustomizations use them as patches (kustomize applies them the
// same way); `apply` lets the tests check a patch without kustomize.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Operation = { op: 'add' | 'replace'; path: string; value: Json } | { op: 'remove'; path: string };

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON Pointer segment: "~" and "/" escaped (RFC 6901). */
const segment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The operations from `from` to `to`: objects key by key, lists of the same
 * length item by item (a container keeps its index), anything else replaced
 * whole when it differs (a list that grew or shrank has no stable positions).
 */
export function diff(from: Json, to: Json, path = ''): Operation[] {
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    return from.flatMap((item, index) => diff(item, to[index] as Json, `${path}/${index}`));
  }
  if (isObject(from) && isObject(to)) {
    const operations: Operation[] = [];
    for (const key of Object.keys(from)) {
      if (!(key in to)) operations.push({ op: 'remove', path: `${path}/${segment(key)}` });
    }
    for (const [key, value] of Object.entries(to)) {
      const at = `${path}/${segment(key)}`;
      const before = from[key];
      if (before === undefined) operations.push({ op: 'add', path: at, value });
      else operations.push(...diff(before, value, at));
    }
    return operations;
  }
  return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ op: 'replace', path, value: to }];
}

/** Applies operations as diff writes them (object keys, list items by index), on a copy. */
export function apply(document: Json, operations: Operation[]): Json {
  const root = structuredClone(document) as { [key: string]: Json };
  for (const operation of operations) {
    const keys = operation.path
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop() as string;
    let node: Json = root;
    for (const key of keys) node = (node as Record<string, Json>)[key] as Json;
    if (Array.isArray(node)) {
      // diff addresses list items by index and only replaces them.
      if (operation.op !== 'replace') throw new Error(`${operation.path}: diff never adds to or removes from a list`);
      node[Number(last)] = operation.value;
    } else if (isObject(node)) {
      if (operation.op === 'remove') delete node[last];
      else node[last] = operation.value;
    } else {
      throw new Error(`${operation.path}: the parent is neither an object nor a list`);
    }
  }
  return root;
}
