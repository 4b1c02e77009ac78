// Tiny DOM helpers. Text only: names from traces never go through innerHTML.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function panelBody(root: HTMLElement): HTMLElement {
  return root.querySelector<HTMLElement>(".body") ?? root;
}
