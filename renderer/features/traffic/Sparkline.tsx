/**
 * One small canvas per visible row, redrawn when the row's data changes (once per tick). Drawing 60
 * points on a 2D canvas is a few microseconds; only the ~40 rows in view exist at all.
 */
import { useLayoutEffect, useRef } from 'react';
import type { Palette } from '../../app/theme';
import { SPARK_POINTS, type TrafficModel } from './traffic-model';

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

export function Sparkline({
  model,
  slot,
  seq,
  palette,
  tone,
}: {
  model: TrafficModel;
  slot: number;
  seq: number;
  palette: Palette;
  tone: 'normal' | 'spike' | 'off';
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `seq` redraws after the model was mutated in place
  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(SPARK_WIDTH * dpr);
    const h = Math.round(SPARK_HEIGHT * dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    model.readSpark(slot, scratch);
    const stroke =
      tone === 'spike' ? palette.sparkSpike : tone === 'off' ? palette.sparkOff : palette.sparkLine;
    const fill =
      tone === 'spike' ? 'rgba(242,107,100,0.16)' : tone === 'off' ? 'transparent' : palette.sparkFill;
    drawSpark(ctx, scratch, SPARK_WIDTH, SPARK_HEIGHT, stroke, fill);
  }, [model, slot, seq, palette, tone]);
  return <canvas ref={ref} className="spark" style={{ width: SPARK_WIDTH, height: SPARK_HEIGHT }} />;
}
