// Pressing Test: check the input (nothing is sent when it is wrong), start the probe, and go to
// its page at once. A refusal shows the server's sentence; a 401 asks for the access token.
import type { CreateProbeBody, CreateProbeResponse } from '@relayprobe/contracts';
import type { ApiOutcome } from '../../api/api-outcome.js';
import type { AppState } from '../../store/app-state.js';
import type { FormFields } from '../../store/form-slice.js';
import { resultPath } from '../../router/routes.js';
import { checkForm } from './input-check.js';

/** What submitting needs: the store, the API call and the router (fakes in tests). */
export interface SubmitDeps {
  state(): AppState;
  createProbe(body: CreateProbeBody, token: string): Promise<ApiOutcome<CreateProbeResponse>>;
  navigate(path: string): void;
}

const FIELDS: readonly string[] = ['target', 'port', 'suite', 'tls', 'to'] satisfies (keyof FormFields)[];

/** Submit the form; resolves once the page has moved on or the problem is shown. */
export async function submitForm(deps: SubmitDeps): Promise<void> {
  const { form } = deps.state();
  if (form.submitting) return;
  const checked = checkForm(form);
  if (!checked.ok) return deps.state().setProblem(checked.message, checked.field);
  deps.state().setProblem(undefined);
  deps.state().setSubmitting(true);
  const outcome = await deps.createProbe(checked.body, deps.state().auth.token);
  const s = deps.state();
  s.setSubmitting(false);
  if (outcome.ok) return deps.navigate(resultPath(outcome.value.id));
  if (outcome.status === 401) s.requireToken();
  // The server names the field of every refusal about one (ApiError.field); the rest are about the target.
  const field = outcome.field !== undefined && FIELDS.includes(outcome.field) ? (outcome.field as keyof FormFields) : 'target';
  s.setProblem(outcome.message, field);
}
