// How many relay vectors each suite runs (RELAY-TESTS.md §2, "Suites"), for the texts that name
// them: the page's suite choices, the CLI help, the README. The engine's vector registry is the
// source; packages/engine/test/suite-sizes.test.ts keeps these numbers in step with it, and the
// README's and the help's numbers with these.

/** Relay vectors per suite (controls not counted); thorough repeats some of them per local name. */
export const SUITE_SIZES = { quick: 1, standard: 19, thorough: 23 } as const;

/** The three controls every suite runs (C1-C3). */
export const CONTROL_COUNT = 3;
