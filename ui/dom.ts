/** The few DOM helpers the page needs: typed lookups, element creation, copying, announcing. */

/** The element with this id; the page's HTML is fixed, so a missing one is a build error. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

type Child = Node | string | undefined;

/** A new element with a class and children (strings become text, never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  for (const child of children) if (child !== undefined) element.append(child);
  return element;
}

/** Replaces an element's content. */
export function fill(element: HTMLElement, ...children: Child[]): void {
  element.replaceChildren(...children.filter((child): child is Node | string => child !== undefined));
}

/** Shows a verdict in a result box: `ok`, `bad` or `warn` colours it. */
export function verdict(element: HTMLElement, tone: 'ok' | 'bad' | 'warn' | '', ...children: Child[]): void {
  element.className = `result ${tone}`.trim();
  fill(element, ...children);
}

/** Shows a caught error in a result box, with the stable code jwtkit errors carry. */
export function failure(target: HTMLElement, headline: string, error: unknown): void {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  verdict(
    target,
    'bad',
    el('strong', undefined, headline),
    ' ',
    code === undefined ? undefined : el('code', undefined, code),
    ` ${message}`,
  );
}

/** Copies text; falls back to a selection copy where the Clipboard API is refused (a file:// page). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = el('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'skip';
    document.body.append(area);
    area.select();
    const done = document.execCommand('copy');
    area.remove();
    return done;
  }
}
