/**
 * The tenants table's "last 60" sparklines, drawn on a few canvases laid over the sparkline column,
 * one per chunk of SPARK_CHUNK_ROWS rows, instead of one canvas per row.
 *
 * Why: Chromium gives every 2D canvas its own compositing layer. With a canvas in each of the ~50
 * rendered rows, every scroll frame paid for creating and destroying canvases (and their layers) and
 * for layerizing and committing ~50 layers. A chunk canvas covers 16 rows, so scrolling mounts a new
 * one only every 16 rows (and reuses the one that left: see recycle.ts), and a tick redraws 3–5
 * canvases. Each chunk sits in a grid row with the table's own column template, so it lines up with
 * the column whatever the container queries do to the other columns; it ignores the pointer, so
 * clicks reach the row underneath.
 */
import { memo, useLayoutEffect, useMemo, useRef } from 'react';
import type { Palette } from '../../app/theme';
import { assignKeys, createKeyPool, spareKeys } from './recycle';
import { SPARK_POINTS, type TrafficModel } from './traffic-model';

export const SPARK_CHUNK_ROWS = 16;

export const SPARK_WIDTH = 80;
export const SPARK_HEIGHT = 20;
const scratch = new Float32Array(SPARK_POINTS);

export function drawSpark(
  ctx: CanvasRenderingContext2D,
  values: Float32Array,
  width: number,
  height: number,
  stroke: string,
  fill: string,
): void {
  ctx.clearRect(0, 0, width, height);
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > max) max = v;
  }
  if (max <= 0) max = 1;
  const step = width / (values.length - 1);
  const y = (v: number) => height - 1 - (v / max) * (height - 3);
  ctx.beginPath();
  let started = false;
  let firstX = 0;
  let lastX = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    const x = i * step;
    if (!started) {
      ctx.moveTo(x, y(v));
      firstX = x;
      started = true;
    } else ctx.lineTo(x, y(v));
    lastX = x;
  }
  if (!started) return;
  ctx.strokeStyle = stroke;
  ctx.lineWidth = 1.25;
  ctx.lineJoin = 'round';
  ctx.stroke();
  ctx.lineTo(lastX, height);
  ctx.lineTo(firstX, height);
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
}

export type SparkTone = 'normal' | 'spike' | 'off';

export function sparkTone(model: TrafficModel, slot: number): SparkTone {
  const status = model.statusOf(slot);
  return status === 'spike' ? 'spike' : status === 'off' || model.publishing[slot] !== 1 ? 'off' : 'normal';
}

function sparkColors(tone: SparkTone, palette: Palette): [stroke: string, fill: string] {
  if (tone === 'spike') return [palette.sparkSpike, 'rgba(242,107,100,0.16)'];
  if (tone === 'off') return [palette.sparkOff, 'transparent'];
  return [palette.sparkLine, palette.sparkFill];
}

interface ChunkProps {
  model: TrafficModel;
  order: Int32Array;
  seq: number;
  /** chunk number: rows chunk·SPARK_CHUNK_ROWS … +SPARK_CHUNK_ROWS−1 of `order` */
  chunk: number;
  rowHeight: number;
  palette: Palette;
  /** a recycled chunk not in the window: kept mounted (with its canvas) for reuse, hidden */
  spare?: boolean;
}

const SparkChunk = memo(function SparkChunk({
  model,
  order,
  seq,
  chunk,
  rowHeight,
  palette,
  spare = false,
}: ChunkProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const first = chunk * SPARK_CHUNK_ROWS;
  const rows = spare ? 0 : Math.max(0, Math.min(SPARK_CHUNK_ROWS, order.length - first));
  const height = rows * rowHeight;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `seq` redraws after the model was mutated in place
  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas || rows === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(SPARK_WIDTH * dpr);
    const h = Math.max(1, Math.round(height * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const top = (rowHeight - SPARK_HEIGHT) / 2;
    for (let r = 0; r < rows; r++) {
      const slot = order[first + r]!;
      model.readSpark(slot, scratch);
      const [stroke, fill] = sparkColors(sparkTone(model, slot), palette);
      ctx.setTransform(dpr, 0, 0, dpr, 0, Math.round((r * rowHeight + top) * dpr));
      drawSpark(ctx, scratch, SPARK_WIDTH, SPARK_HEIGHT, stroke, fill);
    }
  }, [model, order, seq, first, rows, height, rowHeight, palette]);
  // no rows (a spare, or past the end of a short table): hidden, but the canvas stays for reuse
  return (
    <div
      className={`trow sparks${rows === 0 ? ' sparks--spare' : ''}`}
      aria-hidden="true"
      style={{ transform: `translateY(${first * rowHeight}px)`, height }}
    >
      <div className="cell c-tenant" />
      <div className="cell c-spark">
        <canvas ref={ref} className="spark" style={{ width: SPARK_WIDTH, height }} />
      </div>
    </div>
  );
});

/**
 * Sparklines for rows `first`…`last` of `order` (the rendered window), as whole chunks. Rendered after
 * the rows so that the canvases paint on top of them and no row has to be promoted to a layer.
 */
export function SparkLayer({
  model,
  order,
  seq,
  first,
  last,
  rowHeight,
  palette,
}: {
  model: TrafficModel;
  order: Int32Array;
  seq: number;
  first: number;
  last: number;
  rowHeight: number;
  palette: Palette;
}) {
  const pool = useMemo(createKeyPool, []);
  if (last < first || order.length === 0) return null;
  const chunks: number[] = [];
  for (let k = Math.floor(first / SPARK_CHUNK_ROWS); k <= Math.floor(last / SPARK_CHUNK_ROWS); k++) {
    chunks.push(k);
  }
  const keys = assignKeys(pool, chunks);
  // in key order, spares included, so that a recycled chunk keeps its place in the DOM (only its
  // offset changes) and nothing is unmounted when the window shrinks for a moment
  const byKey = [
    ...chunks.map((chunk, i) => ({ chunk, key: keys[i]!, spare: false })),
    ...spareKeys(pool).map(({ key, item }) => ({ chunk: item, key, spare: true })),
  ].sort((a, b) => a.key - b.key);
  return (
    <>
      {byKey.map(({ chunk, key, spare }) => (
        <SparkChunk
          key={key}
          spare={spare}
          model={model}
          order={order}
          seq={spare ? 0 : seq}
          chunk={chunk}
          rowHeight={rowHeight}
          palette={palette}
        />
      ))}
    </>
  );
}
