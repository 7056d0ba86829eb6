import { useState, type ReactElement } from 'react';
import { useActions } from '../app-context.tsx';
import { Button } from './button.tsx';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }): ReactElement {
  const { copyText } = useActions();
  const [copied, setCopied] = useState<'idle' | 'ok' | 'fail'>('idle');
  return (
    <Button
      size="sm"
      variant="secondary"
      icon={copied === 'ok' ? 'check' : 'copy'}
      onClick={async () => {
        setCopied((await copyText(text)) ? 'ok' : 'fail');
        setTimeout(() => setCopied('idle'), 1600);
      }}
      aria-label={`${label}: ${text}`}
    >
      {copied === 'ok' ? 'Copied' : copied === 'fail' ? 'Select and copy' : label}
    </Button>
  );
}
