/**
 * A chart marker's label, anchored at its line: just right of it (left of it near the chart's right
 * edge, so it is not cut off), moved down by `dy` when markers crowd. recharts' own "insideTop…"
 * positions shift a label away from its line by the same offset they shift it down, so a stacked
 * label ended up tens of pixels from its line, nearer a neighbour's — read as the wrong marker.
 */
interface MarkerLabelProps {
  text: string;
  color: string;
  /** near the chart's right edge: the label ends at its line instead of starting there */
  leftOfLine: boolean;
  /** how far down, when markers crowd */
  dy: number;
  /** the line's box, given by recharts when it clones the label element */
  viewBox?: { x?: number; y?: number };
}

const GAP = 4;
const BASELINE = 8;

export function MarkerLabel({ text, color, leftOfLine, dy, viewBox }: MarkerLabelProps) {
  if (viewBox?.x === undefined || viewBox.y === undefined) return null;
  return (
    <text
      x={viewBox.x + (leftOfLine ? -GAP : GAP)}
      y={viewBox.y + dy + BASELINE}
      textAnchor={leftOfLine ? 'end' : 'start'}
      fill={color}
      fontSize={11}
    >
      {text}
    </text>
  );
}
