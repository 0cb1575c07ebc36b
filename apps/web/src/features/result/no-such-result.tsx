// What an unknown or malformed result link shows (the server answers both with 404).
import { followLink } from '../../router/navigation.js';

/** "No such result" (or another missing page), with the way back to the form. */
export function NoSuchResult({ title = 'No such result', detail = 'The link is wrong, or the result is gone.' }: { title?: string; detail?: string }) {
  return (
    <section className="panel not-found">
      <h1>{title}</h1>
      <p>{detail}</p>
      <p>
        <a href="/" onClick={followLink}>
          Test a mail server
        </a>
      </p>
    </section>
  );
}
