// The page frame and the router's switch: the home page (form and recent results), a result, or
// an unknown path.
import { useEffect } from 'react';
import { followLink, useRoute } from './router/navigation.js';
import { ProbeForm } from './features/probe-form/probe-form.js';
import { RecentResults } from './features/recent/recent-results.js';
import { ResultPage } from './features/result/result-page.js';
import { NoSuchResult, type MissingPageText } from './features/result/no-such-result.js';

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
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'home' && (
          <>
            <ProbeForm />
            <RecentResults />
          </>
        )}
        {route.page === 'result' && <ResultPage key={route.id} id={route.id} />}
        {route.page === 'no-result' && <NoSuchResult />}
        {route.page === 'unknown' && <NoSuchResult text={NO_SUCH_PAGE} />}
      </main>
    </>
  );
}
