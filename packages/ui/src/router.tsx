/**
 * A small history-based router: the current Route is parsed from location on every change, navigation is
 * pushState (or replaceState for changes that should not fill the back button, such as selection).
 */
import { type AnchorHTMLAttributes, type MouseEvent, useMemo, useSyncExternalStore } from 'react';
import { parseRoute, type Route, routeToUrl } from './url-state.ts';

const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};
window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => window.location.pathname + window.location.search;

export function navigate(to: Route | string, opts: { replace?: boolean } = {}): void {
  const url = typeof to === 'string' ? to : routeToUrl(to);
  if (url === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  notify();
}

export function useRoute(): Route {
  const url = useSyncExternalStore(subscribe, snapshot);
  return useMemo(() => {
    const u = new URL(url, window.location.origin);
    return parseRoute(u.pathname, u.search);
  }, [url]);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: Route | string };

/** A real link (middle-click and copy work); a plain click navigates without reloading. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const href = typeof to === 'string' ? to : routeToUrl(to);
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
