// What an unknown or malformed result link shows (the server answers both with 404).
import { followLink } from '../../router/navigation.js';

/** "No such result", with the way back to the form. */
export function NoSuchResult() {
  return (
    <section className="panel not-found">
      <h1>No such result</h1>
      <p>The link is wrong, or the result is gone.</p>
      <p>
        <a href="/" onClick={followLink}>
          Test a mail server
        </a>
      </p>
    </section>
  );
}
