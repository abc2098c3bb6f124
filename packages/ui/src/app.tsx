/** The shell: top bar (navigation, theme) and the page for the current URL. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { Empty, Loading } from './common/states.tsx';
import { applyTheme, initialTheme, type Theme } from './common/theme.ts';
import { ComparePage } from './compare/compare-page.tsx';
import { LandingPage } from './experiments/landing-page.tsx';
import { Link, useRoute } from './router.tsx';
import { RunPage } from './run/run-page.tsx';
import { experimentsRoute } from './url-state.ts';

// The registry pages are separate chunks: most visits never open them.
const ModelsPage = lazy(() => import('./registry/models-page.tsx'));
const ModelPage = lazy(() => import('./registry/model-page.tsx'));
const VersionPage = lazy(() => import('./registry/version-page.tsx'));

export function App() {
  const route = useRoute();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => applyTheme(theme), [theme]);
  const section =
    route.page === 'models' || route.page === 'model' || route.page === 'version' ? 'models' : 'experiments';
  return (
    <div className="app">
      <header className="topbar">
        <Link to={experimentsRoute()} className="brand">
          mlflow-ts
        </Link>
        <nav aria-label="Sections">
          <Link to={experimentsRoute()} className={section === 'experiments' ? 'active' : undefined}>
            Experiments
          </Link>
          <Link to={{ page: 'models', filter: '' }} className={section === 'models' ? 'active' : undefined}>
            Models
          </Link>
        </nav>
        <span className="spacer" />
        <button
          type="button"
          className="theme-toggle"
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <main>
        <Suspense fallback={<Loading what="the page" />}>
          {route.page === 'experiments' && <LandingPage route={route} />}
          {route.page === 'run' && <RunPage key={route.runId} route={route} />}
          {route.page === 'compare' && <ComparePage route={route} />}
          {route.page === 'models' && <ModelsPage route={route} />}
          {route.page === 'model' && <ModelPage name={route.name} />}
          {route.page === 'version' && <VersionPage name={route.name} version={route.version} />}
          {route.page === 'not-found' && <Empty>No page at {route.path}.</Empty>}
        </Suspense>
      </main>
    </div>
  );
}
