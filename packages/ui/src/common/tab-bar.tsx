import { Link } from '../router.tsx';
import type { Route } from '../url-state.ts';

/** The tabs of a page whose route has a `tab`: each tab is a link to the same route with that tab. */
export function TabBar<T extends string, R extends Route & { tab: T }>({
  route,
  tabs,
}: {
  route: R;
  tabs: readonly { tab: T; label: string }[];
}) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map(({ tab, label }) => (
        <Link
          key={tab}
          role="tab"
          aria-selected={route.tab === tab}
          className={route.tab === tab ? 'tab active' : 'tab'}
          to={{ ...route, tab } as R}
        >
          {label}
        </Link>
      ))}
    </div>
  );
}
