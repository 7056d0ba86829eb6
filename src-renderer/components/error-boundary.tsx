/**
 * Keeps a render error inside the part of the window that threw it. Without a boundary
 * React unmounts the whole tree on an error, and the window goes blank. The daemon and a
 * page that stays open can be different builds, so a value of an older or newer shape can
 * reach a component; the part that cannot draw it says so, and the sidebar, the list and
 * the status bar go on working.
 */
import { Component, type ErrorInfo, type ReactElement, type ReactNode } from 'react';
import { Button } from './button.tsx';
import { Icon } from './icons.tsx';

/** What a fallback needs: the error in words and a way to draw the part again. */
export interface PartFailure {
  message: string;
  retry: () => void;
}

interface ErrorBoundaryProps {
  /** Names the part in the console log, e.g. 'detail panel'. */
  part: string;
  /**
   * What the part shows (the selected torrent, the view, the dialog): when it changes, a
   * caught error is dropped and the children are drawn again.
   */
  resetKey: unknown;
  children: ReactNode;
  /** Draws the failure in a frame of its own (a dialog needs one to stay closable). */
  renderFallback?: (failure: PartFailure) => ReactNode;
}

interface ErrorBoundaryState {
  /** Wrapped, so that a thrown `undefined` or `null` still counts as an error. */
  caught: { error: unknown } | null;
  resetKey: unknown;
}

export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { caught: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<ErrorBoundaryState> {
    return { caught: { error } };
  }

  /** A new reset key clears the error before the next render, so the new thing is drawn. */
  static getDerivedStateFromProps(
    props: ErrorBoundaryProps,
    state: ErrorBoundaryState,
  ): Partial<ErrorBoundaryState> | null {
    return Object.is(props.resetKey, state.resetKey) ? null : { caught: null, resetKey: props.resetKey };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // The one log line for the error: main.tsx turns off React's own report of caught errors.
    console.error(`Swarmdrop: the ${this.props.part} failed to draw.`, error, info.componentStack ?? '');
  }

  private readonly retry = (): void => this.setState({ caught: null });

  override render(): ReactNode {
    const { caught } = this.state;
    if (!caught) return this.props.children;
    const failure: PartFailure = { message: errorText(caught.error), retry: this.retry };
    return this.props.renderFallback ? this.props.renderFallback(failure) : <PartFailedNotice {...failure} />;
  }
}

/** The failure in user words, with the way back, in the place the part would be. */
export function PartFailedNotice({ message, retry }: PartFailure): ReactElement {
  return (
    <div className="part-failed" role="alert">
      <Icon name="alert" size={18} />
      <div className="part-failed-text">
        <p>This part of the window failed to draw: {message}</p>
        <Button size="sm" icon="refresh" onClick={retry}>
          Try again
        </Button>
      </div>
    </div>
  );
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim() === '' ? 'an unexpected error' : text;
}
