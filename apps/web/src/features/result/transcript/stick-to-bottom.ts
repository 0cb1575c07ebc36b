// Auto-scroll for the live transcript: follow new lines while the reader is at the bottom; stop
// as soon as they scroll up to read, and follow again once they come back down.
//
// Whether the reader was at the bottom is measured while rendering, before the new lines reach
// the DOM: a scroll listener would race with content that grows between a scroll and its event.
// The reader's intent to scroll up (wheel up, PageUp/ArrowUp/Home) is taken from the input event
// itself: a smooth scroll is still within a few pixels of the bottom for its first frames, and a
// line arriving then must not pull the view back down. Following resumes once a scroll ends near
// the bottom again.
import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';

/** Within this many pixels of the end counts as "at the bottom". */
const NEAR_BOTTOM_PX = 24;
const UP_KEYS = new Set(['PageUp', 'ArrowUp', 'Home']);

/** True when a scroll box shows its end. */
function isNearBottom(box: { scrollTop: number; scrollHeight: number; clientHeight: number }): boolean {
  return box.scrollHeight - box.scrollTop - box.clientHeight <= NEAR_BOTTOM_PX;
}

/** Keep `ref`'s box scrolled to its end when `content` changes, while `active` and the reader was at the bottom. */
export function useStickToBottom(ref: RefObject<HTMLElement | null>, active: boolean, content: unknown): void {
  const follow = useRef(true);
  /** The reader asked to scroll up and has not come back to the bottom since. */
  const detached = useRef(false);
  // Read during render on purpose: this is the position before this render's lines are added.
  const box = ref.current;
  follow.current = !detached.current && (box === null || isNearBottom(box));

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let away = false;
    const onWheel = (e: WheelEvent) => {
      if (e.deltaY < 0) detached.current = true;
    };
    const onKey = (e: KeyboardEvent) => {
      if (UP_KEYS.has(e.key)) detached.current = true;
    };
    const onScroll = () => {
      if (!isNearBottom(el)) away = true;
      else if (away) {
        away = false;
        detached.current = false;
      }
    };
    el.addEventListener('wheel', onWheel, { passive: true });
    el.addEventListener('keydown', onKey);
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('keydown', onKey);
      el.removeEventListener('scroll', onScroll);
    };
  }, [ref]);

  useLayoutEffect(() => {
    const current = ref.current;
    if (active && follow.current && current) current.scrollTop = current.scrollHeight;
  }, [ref, active, content]);
}
