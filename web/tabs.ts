/**
 * The WAI-ARIA tabs pattern: one tab stop for the list, arrow keys / Home / End move between tabs
 * and select them, each tab shows its own panel.
 */
export function setupTabs(list: HTMLElement, onSelect?: (tab: HTMLButtonElement) => void): (id: string) => void {
  const tabs = Array.from(list.querySelectorAll<HTMLButtonElement>('[role="tab"]'));
  const select = (tab: HTMLButtonElement, focus = false) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute('aria-controls')!)!.hidden = !on;
    }
    if (focus) tab.focus();
    onSelect?.(tab);
  };
  for (const tab of tabs) tab.addEventListener('click', () => select(tab));
  list.addEventListener('keydown', (e) => {
    const at = tabs.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    select(tabs[(to + tabs.length) % tabs.length]!, true);
  });
  select(tabs[0]!);
  return (id) => select(tabs.find((t) => t.id === id) ?? tabs[0]!);
}
