/**
 * Renderer figures in Debian's Chromium against the web host with 10,000 simulated tenants updating
 * every second: frames per second while scrolling the tenants table (and re-sorting it), and the
 * renderer's memory after a minute of ticks (JS heap + ArrayBuffer backing stores + Blink's heap).
 */
import { chromium, type Page } from '@playwright/test';
import { chromiumPath } from '../e2e/fixtures/binaries';
import { startConsoleServer } from '../e2e/fixtures/console-server';
import { type BenchResult, runIfMain, sized, withCleanups } from './bench-harness';

const TENANTS = 10_000;
const SCROLL_MS = sized(8_000, 2_000);
/** more ticks before the heap is measured: ~1 min of them in all */
const HEAP_AFTER_MS = sized(45_000, 5_000);

export default async function run(): Promise<BenchResult> {
  return withCleanups(async (cleanups) => {
    const server = await startConsoleServer({ tenants: TENANTS, spikeAfterSec: 5 });
    cleanups.add('console server', () => server.stop());
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    cleanups.add('Chromium', () => browser.close());
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(server.url);
    await page.getByTestId('tenant-table').waitFor();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid^="tenant-row-"]').length > 0 && n > 0,
      TENANTS,
    );
    await page.waitForTimeout(5_000); // let ticks flow before measuring
    const scroll = await measureScrollFps(page, SCROLL_MS, false);
    const scrollSort = await measureScrollFps(page, SCROLL_MS, true);
    // A slower laptop, emulated: Chromium runs the page's main thread at half speed.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 2 });
    const scrollSlow = await measureScrollFps(page, SCROLL_MS, false);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.detach();
    await page.waitForTimeout(HEAP_AFTER_MS);
    const heap = await measureHeap(page);
    return {
      scroll_10k_fps: {
        value: scroll,
        unit: 'fps',
        note: `10,000 tenants ticking at 1 s, 1920×1080, scrolling ${SCROLL_MS / 1000} s`,
      },
      scroll_sort_10k_fps: {
        value: scrollSort,
        unit: 'fps',
        note: 'as above, re-sorting by another column every second',
      },
      scroll_10k_cpu2x_fps: {
        value: scrollSlow,
        unit: 'fps',
        note: 'as scroll_10k_fps with the page CPU-throttled 2× (CDP Emulation.setCPUThrottlingRate), standing in for a slower machine',
      },
      renderer_heap_10k_mb: { value: heap.totalMb, unit: 'MB', note: heap.note },
    };
  });
}

/**
 * Scroll the table a little every frame and count the frames the page manages to paint. The page
 * code is a string: tsx would otherwise wrap nested functions in a helper the page does not have.
 */
async function measureScrollFps(page: Page, durationMs: number, resort: boolean): Promise<number> {
  return page.evaluate(`(async () => {
    const table = document.querySelector('[data-testid="tenant-table"]');
    const candidates = [table, ...table.querySelectorAll('*')];
    const scroller = candidates.find((e) => e.scrollHeight > e.clientHeight + 10 && getComputedStyle(e).overflowY !== 'visible') ?? table;
    const headers = [...document.querySelectorAll('[data-testid^="sort-"]')];
    let frames = 0, lastSort = performance.now(), sortIndex = 0;
    const start = performance.now();
    await new Promise((resolve) => {
      const step = (now) => {
        frames++;
        scroller.scrollTop = (scroller.scrollTop + 37) % Math.max(1, scroller.scrollHeight - scroller.clientHeight);
        if (${resort} && headers.length > 0 && now - lastSort > 1000) {
          headers[sortIndex++ % headers.length].click();
          lastSort = now;
        }
        if (now - start < ${durationMs}) requestAnimationFrame(step); else resolve();
      };
      requestAnimationFrame(step);
    });
    return (frames * 1000) / (performance.now() - start);
  })()`);
}

interface HeapUsage {
  /** V8's JS heap in use */
  usedSize: number;
  /** Blink's C++ (Oilpan) heap in use: DOM nodes, styles, canvases' wrappers */
  embedderHeapUsedSize?: number;
  /** ArrayBuffer backing stores (typed arrays, canvas image data), outside the JS heap */
  backingStorageSize?: number;
}

/**
 * The renderer's memory after a full GC, counted honestly: `usedSize` alone leaves out the
 * ArrayBuffer backing stores that hold the tenants' figures and sparklines (typed arrays) and Blink's
 * own heap. Runtime.getHeapUsage reports both in the Chromium we run (156); a Chromium that does not
 * is refused rather than measured short.
 */
async function measureHeap(page: Page): Promise<{ totalMb: number; note: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as HeapUsage;
  if (usage.backingStorageSize === undefined || usage.embedderHeapUsedSize === undefined) {
    throw new Error(
      'Runtime.getHeapUsage gives no backingStorageSize/embedderHeapUsedSize in this Chromium: ' +
        'the heap figure would leave out the typed arrays',
    );
  }
  const mb = (bytes: number) => bytes / 2 ** 20;
  const js = mb(usage.usedSize);
  const buffers = mb(usage.backingStorageSize);
  const blink = mb(usage.embedderHeapUsedSize);
  const f = (n: number) => n.toFixed(1);
  return {
    totalMb: js + buffers + blink,
    note:
      `JS heap ${f(js)} + ArrayBuffer backing stores ${f(buffers)} + Blink (Oilpan) heap ${f(blink)} MB ` +
      `(CDP Runtime.getHeapUsage after a forced GC), after ~${Math.round((HEAP_AFTER_MS + 3 * SCROLL_MS + 5_000) / 1000)} s of 10,000-tenant ticks`,
  };
}

await runIfMain(import.meta.url, run);
