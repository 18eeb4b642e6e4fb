/**
 * A profile: the trees of the files in KRB5_CONFIG, queried as MIT's profile library queries them
 * (prof_tree.c profile_node_iterator). A lookup walks the files in order and collects every
 * matching relation, so multi-valued relations such as `kdc` gather the values of all files,
 * while a single value is the first found: earlier files win. A `*` (final) mark on a section or
 * subsection of the path ends the search after the file where it is seen. As in MIT 1.20.1 (the
 * reference here), a `*` on a relation itself changes nothing; later MIT releases differ.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';
import { type ProfileIo, parseProfile, parseProfileDir } from './profile-parse.js';
import { childSection, type ProfileNode } from './profile-tree.js';

/** Reads files and directories with node:fs; unreadable ones are undefined. */
export const nodeProfileIo: ProfileIo = {
  readFile(path) {
    try {
      return new Uint8Array(readFileSync(path));
    } catch (e) {
      // fopen of a directory works in C and reads as empty; Node reports EISDIR.
      return (e as NodeJS.ErrnoException).code === 'EISDIR' ? new Uint8Array(0) : undefined;
    }
  },
  readDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  },
};

export class Profile {
  /** The parsed files, in order; `files[i]` is `trees[i]`. */
  readonly files: readonly string[];
  readonly trees: readonly ProfileNode[];

  constructor(
    trees: readonly ProfileNode[],
    files: readonly string[] = trees.map((_, i) => `(profile ${i})`),
  ) {
    this.trees = trees;
    this.files = files;
  }

  /** One profile from text (tests, embedded configs). */
  static parse(text: string, opts: { file?: string; io?: ProfileIo } = {}): Profile {
    return new Profile([parseProfile(text, opts)], [opts.file ?? '(profile)']);
  }

  /**
   * profile_init: every path in order, up to the first empty one (PROFILE_LAST_FILESPEC: with
   * KRB5_CONFIG="a::b", MIT reads only a); a missing or unreadable file is skipped, a directory
   * is read as `includedir`, `~/` is $HOME. A parse error is GssError with MIT's PROF_* code.
   */
  static load(paths: readonly string[], env: NodeJS.ProcessEnv = process.env, io = nodeProfileIo): Profile {
    const trees: ProfileNode[] = [];
    const files: string[] = [];
    for (const p of paths) {
      if (p === '') break;
      const path = p.startsWith('~/') && env.HOME !== undefined ? `${env.HOME}${p.slice(1)}` : p;
      let isDir = false;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        continue;
      }
      if (isDir) {
        trees.push(parseProfileDir(path, io));
      } else {
        const bytes = io.readFile(path);
        if (bytes === undefined) continue;
        trees.push(parseProfile(bytes, { file: path, io }));
      }
      files.push(path);
    }
    return new Profile(trees, files);
  }

  #iterate(names: readonly string[], want: 'relations' | 'sections'): ProfileNode[] {
    if (names.length === 0) throw new GssError(GSS_S_FAILURE, MINOR.PROF_BAD_NAMESET, 'empty profile name');
    const out: ProfileNode[] = [];
    const path = names.slice(0, -1);
    const last = names[names.length - 1];
    for (const tree of this.trees) {
      let section: ProfileNode | undefined = tree;
      let finalSeen = false;
      for (const n of path) {
        section = childSection(section, n);
        if (!section) break;
        if (section.final) finalSeen = true;
      }
      if (section) {
        for (const p of section.children) {
          if (p.name !== last) continue;
          if ((want === 'relations') !== (p.value !== undefined)) continue;
          out.push(p);
        }
      }
      if (finalSeen) break;
    }
    return out;
  }

  /** profile_get_values: every value of the relation `names` (section path, then relation name). */
  getValues(...names: string[]): string[] {
    return this.#iterate(names, 'relations').map((n) => n.value as string);
  }

  /** profile_get_string / profile_get_value: the first value, or undefined. */
  getString(...names: string[]): string | undefined {
    return this.getValues(...names)[0];
  }

  /** Whether a section (or subsection) exists at `names`. */
  hasSection(...names: string[]): boolean {
    return this.#iterate(names, 'sections').length > 0;
  }

  /**
   * profile_get_subsection_names: the subsection names of the section at `names`, file by file
   * (a name in two files is listed twice, as MIT lists it).
   */
  subsectionNames(...names: string[]): string[] {
    return this.#listSection(names, true);
  }

  /** profile_get_relation_names: the relation names in the section at `names`, without duplicates. */
  relationNames(...names: string[]): string[] {
    return [...new Set(this.#listSection(names, false))];
  }

  #listSection(names: readonly string[], sections: boolean): string[] {
    const out: string[] = [];
    for (const tree of this.trees) {
      let section: ProfileNode | undefined = tree;
      let finalSeen = false;
      for (const n of names) {
        section = childSection(section, n);
        if (!section) break;
        if (section.final) finalSeen = true;
      }
      if (section) {
        for (const p of section.children) if ((p.value === undefined) === sections) out.push(p.name);
      }
      if (finalSeen) break;
    }
    return out;
  }
}
