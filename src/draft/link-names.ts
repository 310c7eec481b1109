import { referenceName } from './cross-refs.ts';
import type { LinkTodo } from './types.ts';

/**
 * The `link:NAME`s a draft invents, each unique and never one config already defines
 * (`consultation`, `site`). The same phrase twice gets the same name; `todo` lists them in
 * the order they were made, for `links.todo` in series.yaml.
 */
export function linkNames() {
  const todo: LinkTodo[] = [];
  const byPhrase = new Map<string, string>();
  const used = new Set(['consultation', 'site']);
  const claim = (base: string) => {
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return name;
  };
  return {
    todo,
    claim,
    /** The name for a cross-reference phrase, added to `todo` the first time. */
    forPhrase(phrase: string): string {
      const key = phrase.toLowerCase();
      let name = byPhrase.get(key);
      if (!name) {
        name = claim(referenceName(phrase));
        byPhrase.set(key, name);
        todo.push({ name, text: phrase });
      }
      return name;
    },
  };
}
