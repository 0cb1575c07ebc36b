// The plan of one probe: which vectors and controls run, in what order, with which addresses.
// Built once the first EHLO has told us the server's names. Controls run first (they make every
// later 2xx meaningful and check the session works), then the vectors of the suite; the
// thorough suite repeats each vector that uses a local name for every distinct name found.
import type { ResultFlag, Suite, VectorResult } from '@relayprobe/contracts';
import { C1_WITHOUT_LOCAL_NAME, CONTROLS, RELAY_VECTORS, SUITE_VECTORS, fillTemplate, usesLocalName, type RelayVector, type TemplateValues } from './relay-vectors.js';

export interface PlannedTest {
  /** Unique key: the id, or "id@name" for a thorough-suite repetition. */
  key: string;
  vector: RelayVector;
  localName?: string | undefined;
  /** Filled paths; undefined when the template needs a local name and none is known. */
  mailFrom?: string | undefined;
  rcptTo?: string | undefined;
  /** Times this test was started (a connection lost mid-test gets one more try). */
  attempts: number;
}

export interface PlanInput {
  suite: Suite;
  values: Omit<TemplateValues, 'T'>;
  localNames: readonly string[];
}

function planned(vector: RelayVector, key: string, values: TemplateValues): PlannedTest {
  const rcptTo = vector.id === 'C1' && values.T === undefined ? C1_WITHOUT_LOCAL_NAME : fillTemplate(vector.rcptTo, values);
  return { key, vector, localName: usesLocalName(vector) ? values.T : undefined, mailFrom: fillTemplate(vector.mailFrom, values), rcptTo, attempts: 0 };
}

/** Build the ordered list of tests for a suite. */
export function buildPlan(input: PlanInput): PlannedTest[] {
  const [primary, ...others] = input.localNames;
  const values: TemplateValues = { ...input.values, T: primary };
  const tests = CONTROLS.map((c) => planned(c, c.id, values));
  const ids = new Set<string>(SUITE_VECTORS[input.suite]);
  const vectors = RELAY_VECTORS.filter((vec) => ids.has(vec.id));
  for (const vec of vectors) tests.push(planned(vec, vec.id, values));
  if (input.suite === 'thorough') {
    for (const name of others) {
      for (const vec of vectors.filter(usesLocalName)) tests.push(planned(vec, `${vec.id}@${name}`, { ...values, T: name }));
    }
  }
  return tests;
}

/** A result for a test that never went on the wire. */
export function notRunResult(test: PlannedTest, flag: ResultFlag, note: string): VectorResult {
  return {
    id: test.vector.id,
    key: test.key,
    name: test.vector.name,
    weight: test.vector.weight,
    mailFrom: test.mailFrom ?? test.vector.mailFrom,
    rcptTo: test.rcptTo ?? test.vector.rcptTo,
    ...(test.localName ? { localName: test.localName } : {}),
    outcome: 'not-run',
    flags: [flag],
    note,
    ...(test.vector.weight === 'control' ? { expectationMet: null } : {}),
  };
}
