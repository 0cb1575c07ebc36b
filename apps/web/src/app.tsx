// The page frame and the router's switch: the home page (form and recent results), a result, or
// an unknown path.
import { Suspense, lazy, useEffect } from 'react';
import { followLink, useRoute } from './router/navigation.js';
import { ProbeForm } from './features/probe-form/probe-form.js';
import { RecentResults } from './features/recent/recent-results.js';
import { ResultPage } from './features/result/result-page.js';
import { NoSuchResult, type MissingPageText } from './features/result/no-such-result.js';

// The Watches page is its own chunk: most visitors never open it, and the initial script has a budget (DESIGN.md).
const WatchesPage = lazy(() => import('./features/watches/watches-page.js').then((m) => ({ default: m.WatchesPage })));

const HOME_TITLE = 'relayprobe: is your mail server an open relay?';
const NO_SUCH_PAGE: MissingPageText = { heading: 'No such page', detail: 'There is nothing at this address.', documentTitle: 'No such page · relayprobe' };

/** The whole app. */
export function App() {
  const route = useRoute();
  // Result pages and missing pages set their own titles.
  useEffect(() => {
    if (route.page === 'home') document.title = HOME_TITLE;
  }, [route]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <a className="brand" href="/" onClick={followLink}>
          relayprobe
        </a>
        <span className="tagline">open-relay tester for mail servers</span>
        <a className="site-nav" href="/watches" onClick={followLink}>
          Watches
        </a>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'home' && (
          <>
            <ProbeForm />
            <RecentResults />
          </>
        )}
        {route.page === 'result' && <ResultPage key={route.id} id={route.id} />}
        {route.page === 'watches' && (
          <Suspense fallback={<p className="hint">Loading…</p>}>
            <WatchesPage id={route.id} />
          </Suspense>
        )}
        {route.page === 'no-result' && <NoSuchResult />}
        {route.page === 'unknown' && <NoSuchResult text={NO_SUCH_PAGE} />}
      </main>
    </>
  );
}
