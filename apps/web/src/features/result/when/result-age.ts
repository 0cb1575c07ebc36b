// How old the result on screen is, on a clock that moves each minute (for "3 hours ago" and the
// old-result notice): the store's startedAt, the page's settings (RELAYPROBE_OLD_RESULT_DAYS).
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { isRunning } from '../../../store/result-state.js';
import { useClock } from '../use-clock.js';
import { pageSettings } from '../page-settings.js';
import { ageInDays, isOld } from './when-text.js';

const selectStartedAt = (s: AppState) => s.result.startedAt;
const selectRunning = (s: AppState) => isRunning(s.result);

/** When the result was taken (ms since the epoch, undefined until known), now, its age in days, and whether it is old. */
export interface ResultAge {
  startedMs: number | undefined;
  now: number;
  days: number;
  /** Finished and at least RELAYPROBE_OLD_RESULT_DAYS old. */
  old: boolean;
}

/** The age of the result on screen. */
export function useResultAge(): ResultAge {
  const startedAt = useApp(selectStartedAt);
  const running = useApp(selectRunning);
  const now = useClock(startedAt, () => 60_000);
  const parsed = startedAt === undefined ? NaN : Date.parse(startedAt);
  const startedMs = Number.isFinite(parsed) ? parsed : undefined;
  if (startedMs === undefined) return { startedMs, now, days: 0, old: false };
  return { startedMs, now, days: ageInDays(startedMs, now), old: !running && isOld(startedMs, now, pageSettings().oldResultDays) };
}
