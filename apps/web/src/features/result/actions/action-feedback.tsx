// What an action tells the reader: a note in a polite live region, or a problem as an alert.

/** A note or a problem, or nothing yet. */
export type Feedback = { kind: 'note' | 'problem'; text: string } | undefined;

/** The feedback of an action. */
export function ActionFeedback({ feedback }: { feedback: Feedback }) {
  return (
    <>
      <p className="action-note" aria-live="polite">
        {feedback?.kind === 'note' ? feedback.text : ''}
      </p>
      {feedback?.kind === 'problem' && (
        <p className="problem" role="alert">
          {feedback.text}
        </p>
      )}
    </>
  );
}
