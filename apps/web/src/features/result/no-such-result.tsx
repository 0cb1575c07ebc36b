// What an unknown or malformed result link shows (the server answers both with 404), and, with
// other words, an unknown page. It sets its own document title: for a result link the contracts'
// NO_SUCH_RESULT_TITLE, the server's title for the same 404.
import { useEffect } from 'react';
import { NO_SUCH_RESULT_TITLE } from '@relayprobe/contracts';
import { followLink } from '../../router/navigation.js';

/** What a missing page says: its heading, one sentence, and its document title. */
export interface MissingPageText {
  heading: string;
  detail: string;
  documentTitle: string;
}

const NO_SUCH_RESULT: MissingPageText = { heading: 'No such result', detail: 'The link is wrong, or the result is gone.', documentTitle: NO_SUCH_RESULT_TITLE };

/** "No such result" (or another missing page), with the way back to the form. */
export function NoSuchResult({ text = NO_SUCH_RESULT }: { text?: MissingPageText }) {
  useEffect(() => {
    document.title = text.documentTitle;
  }, [text.documentTitle]);
  return (
    <section className="panel not-found">
      <h1>{text.heading}</h1>
      <p>{text.detail}</p>
      <p>
        <a href="/" onClick={followLink}>
          Test a mail server
        </a>
      </p>
    </section>
  );
}
