/** Light and dark themes: CSS variables switched by `data-theme` on <html>; the choice is remembered. */
export type Theme = 'light' | 'dark';

const KEY = 'mlflow-ts.theme';

export function initialTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem(KEY, theme);
}

/** Series colours readable on both backgrounds. */
export const PALETTE = [
  '#3b82f6',
  '#ef4444',
  '#10b981',
  '#f59e0b',
  '#8b5cf6',
  '#ec4899',
  '#14b8a6',
  '#84cc16',
  '#f97316',
  '#6366f1',
];
export const colorAt = (i: number) => PALETTE[i % PALETTE.length]!;
