/**
 * WAI-ARIA tabs: one tab in the Tab order, arrow keys, Home and End move between tabs and select
 * them, each tab shows its panel.
 */
import { byId } from './dom.js';

export type View = 'decode' | 'verify' | 'decrypt' | 'inspect' | 'encode';
export const VIEWS: readonly View[] = ['decode', 'verify', 'decrypt', 'inspect', 'encode'];

const shown: ((view: View) => void)[] = [];
let active: View = 'decode';

export function onShow(listener: (view: View) => void): void {
  shown.push(listener);
}

export function activeView(): View {
  return active;
}

export function showView(view: View, focus = false): void {
  active = view;
  for (const each of VIEWS) {
    const tab = byId<HTMLButtonElement>(`tab-${each}`);
    const selected = each === view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    byId(`view-${each}`).hidden = !selected;
    if (selected && focus) tab.focus();
  }
  for (const listener of shown) listener(view);
}

export function setUpTabs(): void {
  for (const view of VIEWS) {
    const tab = byId<HTMLButtonElement>(`tab-${view}`);
    tab.addEventListener('click', () => showView(view));
    tab.addEventListener('keydown', (event) => {
      const at = VIEWS.indexOf(view);
      const next =
        event.key === 'ArrowRight'
          ? VIEWS[(at + 1) % VIEWS.length]
          : event.key === 'ArrowLeft'
            ? VIEWS[(at + VIEWS.length - 1) % VIEWS.length]
            : event.key === 'Home'
              ? VIEWS[0]
              : event.key === 'End'
                ? VIEWS[VIEWS.length - 1]
                : undefined;
      if (next === undefined) return;
      event.preventDefault();
      showView(next, true);
    });
  }
}
