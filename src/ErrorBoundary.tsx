import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
}

interface State {
  message: string | null;
}

/** Shows a render error as a message rather than leaving the page blank. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { message: null };

  static getDerivedStateFromError(err: unknown): State {
    return { message: err instanceof Error ? err.message : String(err) };
  }

  override componentDidCatch(err: unknown, info: ErrorInfo): void {
    console.warn('render error', err, info.componentStack);
  }

  override render() {
    if (this.state.message !== null) {
      return (
        <div className="page" data-status="error">
          <h1>SCSI error recovery — visualizer</h1>
          <p className="error" role="alert" data-testid="error">
            The page failed to render: {this.state.message}
          </p>
        </div>
      );
    }
    return this.props.children;
  }
}
