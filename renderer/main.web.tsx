/**
 * Web entry: the renderer served by the web host. The only file (with main.electron.tsx) that knows
 * the host: it takes the per-launch token from the address bar and opens one WebSocket to
 * ws://<location.host>/ws.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { takeToken } from './client/token';
import { WebClient, webSocketUrl } from './client/web-client';

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

const token = takeToken({ location: window.location, history: window.history, storage: sessionStore() });

const client = new WebClient({
  url: webSocketUrl(window.location),
  token,
  // A host that answers plain HTTP but refused the WebSocket refused our token.
  probe: () =>
    fetch(new URL('./', window.location.href), { method: 'HEAD', cache: 'no-store' }).then(
      () => true,
      () => false,
    ),
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
