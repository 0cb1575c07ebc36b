// The shape of the one store: typed slices side by side (HOUSE-STYLE rule 11).
import type { AuthSlice } from './auth-slice.js';
import type { ConnectionSlice } from './connection-slice.js';
import type { FormSlice } from './form-slice.js';
import type { RecentSlice } from './recent-slice.js';
import type { ResultSlice } from './result-slice.js';
import type { WatchesSlice } from './watches-slice.js';

/** Everything the app keeps: form, auth, recent list, result on screen, live connection, watches. */
export type AppState = FormSlice & AuthSlice & RecentSlice & ResultSlice & ConnectionSlice & WatchesSlice;
