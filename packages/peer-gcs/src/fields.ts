/**
 * Partial responses: the `fields` parameter of Google APIs, e.g.
 * `fields=items(name,size),nextPageToken,prefixes` or `fields=kind,metadata/owner`.
 */

type FieldTree = Map<string, FieldTree | null>;

function parse(spec: string): FieldTree {
  let i = 0;
  const parseList = (): FieldTree => {
    const tree: FieldTree = new Map();
    while (i < spec.length) {
      // one element: a/b/c(optional sub-list)
      const path: string[] = [];
      let name = '';
      while (i < spec.length) {
        const c = spec[i]!;
        if (c === '/') {
          path.push(name.trim());
          name = '';
          i++;
        } else if (c === ',' || c === '(' || c === ')') {
          break;
        } else {
          name += c;
          i++;
        }
      }
      path.push(name.trim());
      let sub: FieldTree | null = null;
      if (spec[i] === '(') {
        i++;
        sub = parseList();
        if (spec[i] === ')') i++;
      }
      insert(tree, path.filter((p) => p !== ''), sub);
      if (spec[i] === ',') {
        i++;
        continue;
      }
      if (spec[i] === ')') break;
    }
    return tree;
  };
  return parseList();
}

function insert(tree: FieldTree, path: string[], leaf: FieldTree | null): void {
  if (path.length === 0) return;
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    const existing = tree.get(head);
    if (existing === null) return; // already whole
    if (leaf === null || existing === undefined) {
      tree.set(head, leaf);
    } else {
      for (const [k, v] of leaf) existing.set(k, v);
    }
    return;
  }
  let child = tree.get(head);
  if (child === null) return;
  if (child === undefined) {
    child = new Map();
    tree.set(head, child);
  }
  insert(child, rest, leaf);
}

function apply(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((v) => apply(v, tree));
  if (value === null || typeof value !== 'object') return value;
  const src = value as Record<string, unknown>;
  if (tree.has('*')) return src;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of tree) {
    if (!(key in src)) continue;
    out[key] = sub === null ? src[key] : apply(src[key], sub);
  }
  return out;
}

export function filterFields(value: unknown, spec: string): unknown {
  return apply(value, parse(spec));
}
