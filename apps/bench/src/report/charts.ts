import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec to SVG in Node, without a browser or canvas: Vega's headless view
 * (`renderer: 'none'`) still produces the SVG string. Text widths are estimated, which is fine
 * for axis labels.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Defaults for every chart: readable on GitHub's white background. */
export const chartConfig = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: null },
  // Without a canvas Vega over-estimates text widths and would cut contender names short.
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
} as const;
