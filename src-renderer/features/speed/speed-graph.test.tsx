import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SpeedGraph, spanText } from './speed-graph.tsx';

describe('speed graph', () => {
  it('spans what was sampled, from one minute up to five', () => {
    expect(spanText(60)).toBe('last 60 seconds');
    expect(spanText(300)).toBe('last 5 minutes');
    expect(renderToStaticMarkup(<SpeedGraph down={[1, 2, 3]} up={[0, 0, 0]} />)).toContain('last 60 seconds');
    const long = Array.from({ length: 200 }, () => 2048);
    expect(renderToStaticMarkup(<SpeedGraph down={long} up={long} />)).toContain('last 3 minutes');
  });

  it('shows the real peak, and no invented one when idle', () => {
    expect(renderToStaticMarkup(<SpeedGraph down={[0, 4096, 0]} up={[0, 0, 0]} />)).toContain(
      'peak 4.00 KiB/s',
    );
    const idle = renderToStaticMarkup(<SpeedGraph down={[0, 0]} up={[0, 0]} />);
    expect(idle).not.toContain('peak');
    expect(idle).toContain('no traffic');
  });
});
