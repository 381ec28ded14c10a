/** Types for the untyped npm package `parse-prometheus-text-format` (its output mirrors prom2json). */
declare module 'parse-prometheus-text-format' {
  export interface PromTextSample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  export interface PromTextFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: PromTextSample[];
  }
  /** Throws (InvalidLineError) on a line that is not Prometheus text format. */
  export default function parsePrometheusTextFormat(text: string): PromTextFamily[];
}
