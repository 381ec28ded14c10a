/**
 * Dev-only preview on synthetic data (never built): `npx vite --config renderer/vite.config.ts` then
 * open /testing/preview.html. Query parameters:
 *   tenants=10000   number of tenants        spike=20   ticks until acme spikes (none = never)
 *   theme=dark|light|system                 prod=1 production profile    ro=1 read-only profile
 *   conn=reconnecting|unauthorized          tenant=<id> open that tenant   view=audit
 *   ticks=N  advance N ticks at once (for screenshots)   live=0  no timer
 *   dialog=<id>  open the flip dialog for a tenant      palette=<query>  open the palette
 *   broker=leak|healthy|alarm|none  the synthetic RabbitMQ (default leak)
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '../app/App';
import { MemoryClient } from './memory-client';

const q = new URLSearchParams(location.search);
const theme = q.get('theme');
const spike = q.get('spike');
const broker = q.get('broker');
const client = new MemoryClient({
  tenants: Number(q.get('tenants') ?? 2000),
  spikeAfterTicks: spike === 'none' ? null : Number(spike ?? 8),
  production: q.get('prod') === '1',
  readOnly: q.get('ro') === '1',
  profileName: q.get('prod') === '1' ? 'production' : 'demo (in-memory)',
  theme: theme === 'dark' || theme === 'light' ? theme : 'system',
  failFlipsFor: ['initech'],
  effectDelayMs: 1300,
  broker: broker === 'none' || broker === 'healthy' || broker === 'alarm' ? broker : 'leak',
  problems:
    q.get('problems') === '1' ? ['/data/tenants.json: tenants[3].limit: expected a number, got "lots"'] : [],
});
// warm up: the spike and some history
for (let i = 0; i < Number(q.get('ticks') ?? 0); i++) client.step();
// one finished flip in the audit trail, so the views have something to show
client.call('actions.flip', {
  tenantId: 'wonka',
  publish: false,
  reason: 'INC-118: duplicate events',
  timeboxMs: 3_600_000,
});
if (q.get('live') !== '0') client.start();
const conn = q.get('conn');
if (conn === 'reconnecting' || conn === 'unauthorized') {
  client.setConnection({
    state: conn,
    retryAt: Date.now() + 4000,
    detail:
      conn === 'reconnecting' ? 'connection lost (1006)' : 'the host is up but refused this session’s token',
  });
}

(window as unknown as { sbPreview: MemoryClient }).sbPreview = client;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
