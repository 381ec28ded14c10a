/**
 * Electron entry: the renderer inside the Electron window. The only file (with main.web.tsx) that
 * knows the host: it wraps the preload's `window.switchboard` bridge.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createElectronClient } from './client/electron-client';

const root = createRoot(document.getElementById('root')!);
const bridge = window.switchboard;

if (bridge) {
  root.render(
    <StrictMode>
      <App client={createElectronClient(bridge)} />
    </StrictMode>,
  );
} else {
  root.render(
    <div style={{ padding: 24, fontFamily: 'system-ui' }} role="alert">
      Switchboard could not reach its main process: the preload bridge (window.switchboard) is missing.
    </div>,
  );
}
