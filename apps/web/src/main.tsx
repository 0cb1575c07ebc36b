// Entry point: restore the access token, then render the app into #root. Everything is in files
// the server serves from /assets (the CSP allows no inline script or style).
import './app.css';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { appStore } from './store/app-store.js';
import { browserStorage, loadToken } from './store/token-storage.js';

appStore.getState().setToken(loadToken(browserStorage()));
createRoot(document.getElementById('root') as HTMLElement).render(<App />);
