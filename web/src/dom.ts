/**
 * The one way the page builds elements. Text goes in through `textContent` only, so a transcript
 * line such as `<img src=x onerror=…>` always shows up as literal text; there is no option for HTML.
 */

export interface ElementOptions {
  className?: string;
  text?: string;
  attributes?: Record<string, string>;
  children?: ReadonlyArray<Node | null | undefined | false>;
}

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (options.className) created.className = options.className;
  if (options.text !== undefined) created.textContent = options.text;
  for (const [name, value] of Object.entries(options.attributes ?? {})) created.setAttribute(name, value);
  for (const child of options.children ?? []) if (child) created.append(child);
  return created;
}

/** Looks up an element the page's HTML must contain; a missing one is a build error, not a user error. */
export function requiredElement<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`web/index.html lacks #${id} (${type.name})`);
  return found;
}
