// The vector results of an event stream in plan order: one per test key, the latest (a test run
// again, after a greylister's delay or with another sender for the controls, emits a second
// vector-result), where the test stands in the plan. Part of the fold (fold-events.ts).
//
// The plan itself is not in the stream, but every test that went on the wire has a vector-start
// whose `index` is its place in the plan. A test that never started (not run: no local name, a
// command too long, the probe's end) has none; the engine settles those in queue order, after
// the tests started so far, so such a result stands just after the highest index started before
// it came, in the order such results came. When the probe ends mid-test, the engine settles the
// tests still queued before the one it was running; that one has its index, so it still lands
// first. A vector-start that comes after its test's result moves the result to its index.
import type { VectorResult } from './results.js';

/** Plan positions: the vector-start index of each test seen, or a half step after the highest one for a test that never started. */
export interface VectorOrder {
  readonly positions: ReadonlyMap<string, number>;
  /** The highest vector-start index seen (0 before any). */
  readonly started: number;
}

export const EMPTY_VECTOR_ORDER: VectorOrder = Object.freeze({ positions: new Map<string, number>(), started: 0 });

type Placed = { vectors: readonly VectorResult[]; vectorOrder: VectorOrder };

/** `vectors` with `result` placed at `position`, replacing the result of the same key; later arrivals go after equal positions. */
function insert(vectors: readonly VectorResult[], positions: ReadonlyMap<string, number>, result: VectorResult, position: number): VectorResult[] {
  const others = vectors.filter((v) => v.key !== result.key);
  const at = others.findIndex((v) => (positions.get(v.key) ?? 0) > position);
  return at === -1 ? [...others, result] : [...others.slice(0, at), result, ...others.slice(at)];
}

/** A vector-start: remember the test's index, and move its result there if it had one elsewhere. */
export function placeStart(vectors: readonly VectorResult[], order: VectorOrder, key: string, index: number): Placed {
  const started = Math.max(order.started, index);
  if (order.positions.get(key) === index) return { vectors, vectorOrder: started === order.started ? order : { ...order, started } };
  const positions = new Map(order.positions).set(key, index);
  const result = vectors.find((v) => v.key === key);
  return { vectors: result ? insert(vectors, positions, result, index) : vectors, vectorOrder: { positions, started } };
}

/** A vector-result: the latest for its key, at the key's plan position. */
export function placeResult(vectors: readonly VectorResult[], order: VectorOrder, result: VectorResult): Placed {
  const known = order.positions.get(result.key);
  if (known !== undefined) {
    const i = vectors.findIndex((v) => v.key === result.key);
    // Run again: the new result takes the old one's place.
    if (i !== -1) return { vectors: [...vectors.slice(0, i), result, ...vectors.slice(i + 1)], vectorOrder: order };
    return { vectors: insert(vectors, order.positions, result, known), vectorOrder: order };
  }
  const position = order.started + 0.5;
  const positions = new Map(order.positions).set(result.key, position);
  return { vectors: insert(vectors, positions, result, position), vectorOrder: { ...order, positions } };
}
