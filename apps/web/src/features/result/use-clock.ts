// The page's clock for text that counts (the greylist countdown, the elapsed time, "3 hours ago"):
// the component says when its text next changes and is rendered again then, so no timer runs
// more often than the text changes, and none once it stops counting.
import { useLayoutEffect, useRef, useState } from 'react';

/**
 * Date.now(), read again each time `nextChange(now)` milliseconds have passed, and no more once it
 * returns undefined. A new `key` starts counting afresh; an undefined key stops the clock.
 */
export function useClock(key: string | number | undefined, nextChange: (now: number) => number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  const next = useRef(nextChange);
  useLayoutEffect(() => {
    next.current = nextChange;
  });
  // A layout effect: a new count is shown with the right number from its first paint.
  useLayoutEffect(() => {
    if (key === undefined) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      const t = Date.now();
      setNow(t);
      const wait = next.current(t);
      timer = wait === undefined ? undefined : setTimeout(tick, wait);
    };
    tick();
    return () => clearTimeout(timer);
  }, [key]);
  return now;
}
