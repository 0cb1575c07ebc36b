// Auto-scroll for the live transcript: follow new lines while the reader is at the bottom; stop
// as soon as they scroll up to read, and follow again once they come back down.
//
// Whether the reader was at the bottom is measured while rendering, before the new lines reach
// the DOM: a scroll listener would race with content that grows between a scroll and its event.
import { useLayoutEffect, useRef, type RefObject } from 'react';

/** Within this many pixels of the end counts as "at the bottom". */
const NEAR_BOTTOM_PX = 24;

/** True when a scroll box shows its end. */
export function isNearBottom(box: { scrollTop: number; scrollHeight: number; clientHeight: number }): boolean {
  return box.scrollHeight - box.scrollTop - box.clientHeight <= NEAR_BOTTOM_PX;
}

/** Keep `ref`'s box scrolled to its end when `content` changes, while `active` and the reader was at the bottom. */
export function useStickToBottom(ref: RefObject<HTMLElement | null>, active: boolean, content: unknown): void {
  const follow = useRef(true);
  // Read during render on purpose: this is the position before this render's lines are added.
  const box = ref.current;
  follow.current = box === null || isNearBottom(box);
  useLayoutEffect(() => {
    const current = ref.current;
    if (active && follow.current && current) current.scrollTop = current.scrollHeight;
  }, [ref, active, content]);
}
