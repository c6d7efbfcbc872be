// Small DOM helpers: the page has no framework; rows are kept by key so that a refresh does not
// take the keyboard focus away from a button in a row.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<{ className: string; text: string; title: string }> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  for (const c of children) node.append(c);
  return node;
}

export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** A cell's content: text (with an optional class) or a node built once and kept. */
export type Cell = string | { text: string; className?: string } | { node: () => Node; key: string };

/**
 * Puts exactly these rows in the table body, in this order: a row whose key exists is updated in
 * place (cells whose content changed only), a new key gets a new row, a missing key's row goes.
 */
export function syncRows<T>(body: HTMLTableSectionElement, items: readonly T[], key: (item: T) => string, cells: (item: T) => Cell[], decorate?: (row: HTMLTableRowElement, item: T, created: boolean) => void): void {
  const existing = new Map<string, HTMLTableRowElement>();
  for (const row of Array.from(body.rows)) existing.set(row.dataset['key'] ?? '', row);
  let previous: HTMLTableRowElement | null = null;
  for (const item of items) {
    const k = key(item);
    let row = existing.get(k);
    const created = row === undefined;
    if (row === undefined) {
      row = document.createElement('tr');
      row.dataset['key'] = k;
    }
    existing.delete(k);
    const values = cells(item);
    while (row.cells.length > values.length) row.deleteCell(-1);
    values.forEach((value, i) => {
      const td = row.cells[i] ?? row.insertCell();
      if (typeof value === 'string') {
        setText(td, value);
        td.className = '';
      } else if ('node' in value) {
        if (td.dataset['nodeKey'] !== value.key) {
          td.replaceChildren(value.node());
          td.dataset['nodeKey'] = value.key;
        }
      } else {
        setText(td, value.text);
        td.className = value.className ?? '';
      }
    });
    decorate?.(row, item, created);
    const wanted: ChildNode | null = previous === null ? body.firstChild : previous.nextSibling;
    if (wanted !== row) body.insertBefore(row, wanted);
    previous = row;
  }
  for (const row of existing.values()) row.remove();
}

export function show(node: HTMLElement, visible: boolean): void {
  if (node.hidden === visible) node.hidden = !visible;
}
