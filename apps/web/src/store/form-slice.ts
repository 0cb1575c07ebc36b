// The form slice: what the visitor typed on the home page, and the one problem shown about it.
import type { StateCreator } from 'zustand/vanilla';
import type { Suite, TlsMode } from '@relayprobe/contracts';
import type { AppState } from './app-state.js';

/** The form's fields as typed (the port stays text: free entry is allowed). */
export interface FormFields {
  target: string;
  port: string;
  suite: Suite;
  tls: TlsMode;
  sendMessage: boolean;
  to: string;
}

/** The fields plus the problem shown and whether a request is under way. */
export interface FormState extends FormFields {
  /** What is wrong with the input or what the server refused, as a sentence; shown as an alert. */
  problem: string | undefined;
  /** The field the problem is about, when one is. */
  problemField: keyof FormFields | undefined;
  submitting: boolean;
}

/** Form state and its actions. */
export interface FormSlice {
  form: FormState;
  setField<K extends keyof FormFields>(field: K, value: FormFields[K]): void;
  setProblem(problem: string | undefined, field?: keyof FormFields): void;
  setSubmitting(submitting: boolean): void;
}

/** Defaults: port 25, the standard suite, TLS auto (DESIGN.md "Contracts"). */
export const INITIAL_FORM: FormState = {
  target: '',
  port: '25',
  suite: 'standard',
  tls: 'auto',
  sendMessage: false,
  to: '',
  problem: undefined,
  problemField: undefined,
  submitting: false,
};

/** The form slice of the store. */
export const createFormSlice: StateCreator<AppState, [], [], FormSlice> = (set) => ({
  form: INITIAL_FORM,
  setField: (field, value) => set((s) => ({ form: { ...s.form, [field]: value } })),
  setProblem: (problem, field) => set((s) => ({ form: { ...s.form, problem, problemField: problem === undefined ? undefined : field } })),
  setSubmitting: (submitting) => set((s) => ({ form: { ...s.form, submitting } })),
});
