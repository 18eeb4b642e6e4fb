/**
 * The tree MIT's profile library builds from a krb5.conf (src/util/profile/prof_tree.c): each
 * section keeps its children sorted by name, same-named relations in file order after each other,
 * and same-named subsections merged. MIT 1.20 records the `*` (final) marker on any node, but
 * only a final section or subsection on a lookup's path changes a lookup (see ./profile.ts).
 */

export interface ProfileNode {
  readonly name: string;
  /** The relation's value; undefined for a section. */
  readonly value: string | undefined;
  final: boolean;
  readonly parent: ProfileNode | undefined;
  readonly children: ProfileNode[];
}

export function createRoot(): ProfileNode {
  return { name: '(root)', value: undefined, final: false, parent: undefined, children: [] };
}

// strcmp order; krb5.conf names are ASCII in practice, where UTF-16 order is byte order.
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * profile_add_node (MIT 1.20): a new node goes after the last child of the same name, keeping
 * the children sorted; adding a subsection that exists returns the existing one.
 */
export function addNode(section: ProfileNode, name: string, value: string | undefined): ProfileNode {
  const kids = section.children;
  let i = 0;
  for (; i < kids.length; i++) {
    const p = kids[i];
    const c = cmp(p.name, name);
    if (c > 0) break;
    if (c === 0 && value === undefined && p.value === undefined) return p;
  }
  const node: ProfileNode = { name, value, final: false, parent: section, children: [] };
  kids.splice(i, 0, node);
  return node;
}

/** The first child section named `name` (profile_node_iterator's path walk). */
export function childSection(section: ProfileNode, name: string): ProfileNode | undefined {
  return section.children.find((p) => p.value === undefined && p.name === name);
}
