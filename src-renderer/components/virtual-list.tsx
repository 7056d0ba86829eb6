/**
 * A fixed-row-height virtual list: only visible rows exist in the DOM, so 500 (or
 * 50 000) transfers cost the same to render. Rows are absolutely positioned in a
 * spacer as tall as the whole list.
 */
import { useEffect, useLayoutEffect, useRef, useState, type ReactElement, type ReactNode } from 'react';
import { visibleRange } from './visible-range.ts';

export interface VirtualListProps {
  count: number;
  rowHeightPx: number;
  renderRow: (index: number) => ReactNode;
  /** Keep this row in view (keyboard selection). */
  scrollToIndex?: number;
  className?: string;
  label?: string;
}

export function VirtualList({
  count,
  rowHeightPx,
  renderRow,
  scrollToIndex,
  className,
  label,
}: VirtualListProps): ReactElement {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el || scrollToIndex === undefined || scrollToIndex < 0) return;
    const top = scrollToIndex * rowHeightPx;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeightPx > el.scrollTop + el.clientHeight)
      el.scrollTop = top + rowHeightPx - el.clientHeight;
  }, [scrollToIndex, rowHeightPx]);

  const { start, end } = visibleRange(scrollTop, height, rowHeightPx, count);
  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    rows.push(
      <div key={i} className="vrow" style={{ top: i * rowHeightPx, height: rowHeightPx }}>
        {renderRow(i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className={`vlist ${className ?? ''}`}
      role="list"
      aria-label={label}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div className="vspacer" style={{ height: count * rowHeightPx }}>
        {rows}
      </div>
    </div>
  );
}
