/**
 * Theme resolution. CSS does the styling (variables per theme in app.css, with 'system' following
 * prefers-color-scheme); canvas and chart code need concrete colours, which come from here.
 */
import { useEffect, useState } from 'react';
import type { Theme } from '../../electron/core/api';

export type ResolvedTheme = 'dark' | 'light';

const query = () =>
  typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia('(prefers-color-scheme: light)')
    : null;

export function resolveTheme(theme: Theme, prefersLight: boolean): ResolvedTheme {
  if (theme === 'system') return prefersLight ? 'light' : 'dark';
  return theme;
}

export function useResolvedTheme(theme: Theme): ResolvedTheme {
  const [prefersLight, setPrefersLight] = useState(() => query()?.matches ?? false);
  useEffect(() => {
    const mq = query();
    if (!mq) return;
    const onChange = () => setPrefersLight(mq.matches);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  return resolveTheme(theme, prefersLight);
}

export interface Palette {
  /** stacked series: top 5 tenants, then "others" */
  series: string[];
  others: string;
  total: string;
  grid: string;
  axis: string;
  spike: string;
  flip: string;
  revert: string;
  /** a broker's early warning (channel leak) */
  warning: string;
  /** a tenant that stopped sending */
  silent: string;
  baseline: string;
  line: string;
  sparkLine: string;
  sparkFill: string;
  sparkSpike: string;
  sparkOff: string;
  tooltipBg: string;
  tooltipBorder: string;
  text: string;
}

export const PALETTES: Record<ResolvedTheme, Palette> = {
  dark: {
    series: ['#4c9aff', '#a586f0', '#35b6a6', '#d9b44a', '#e07b53'],
    others: '#4a5563',
    total: '#c9d1d9',
    grid: '#232a33',
    axis: '#7d8794',
    spike: '#f26b64',
    flip: '#58a6ff',
    revert: '#8b949e',
    warning: '#d29922',
    silent: '#39b8c9',
    baseline: '#8b949e',
    line: '#4c9aff',
    sparkLine: '#6ea8ef',
    sparkFill: 'rgba(110,168,239,0.14)',
    sparkSpike: '#f26b64',
    sparkOff: '#5d6773',
    tooltipBg: '#1b2129',
    tooltipBorder: '#303a46',
    text: '#d8dee6',
  },
  light: {
    series: ['#2f6fd0', '#7d5bd0', '#1a8f80', '#b08a1e', '#c45a2c'],
    others: '#b3bcc6',
    total: '#30363d',
    grid: '#e6e9ed',
    axis: '#66707b',
    spike: '#cf222e',
    flip: '#0969da',
    revert: '#6e7781',
    warning: '#9a6700',
    silent: '#0e7c86',
    baseline: '#6e7781',
    line: '#2f6fd0',
    sparkLine: '#2f6fd0',
    sparkFill: 'rgba(47,111,208,0.12)',
    sparkSpike: '#cf222e',
    sparkOff: '#a0a8b1',
    tooltipBg: '#ffffff',
    tooltipBorder: '#d0d7de',
    text: '#1f2328',
  },
};
