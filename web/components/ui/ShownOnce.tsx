'use client';

import { useId, useRef, useState } from 'react';
import { useHydrated } from '@/lib/chat/use-hydrated';
import { SHOWN_ONCE_NOTE } from '@/lib/integrations/labels';

interface Props {
  /** What it is: "Webhook URL", "Access token". */
  label: string;
  value: string;
  testId?: string;
}

/**
 * A secret the API answers once (a webhook's URL, an access token): in a read-only field,
 * selected on focus, with a Copy button once JavaScript runs and the note that it will not
 * be shown again.
 */
export function ShownOnce({ label, value, testId }: Props) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const hydrated = useHydrated();

  const copy = async () => {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };

  return (
    <div className="shown-once" data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      <div className="shown-once-row">
        <input
          ref={input}
          id={id}
          className="shown-once-value"
          readOnly
          value={value}
          spellCheck={false}
          aria-describedby={`${id}-note`}
          onFocus={(e) => e.currentTarget.select()}
        />
        {hydrated && (
          <button type="button" className="button button-small" onClick={() => void copy()}>
            Copy
          </button>
        )}
      </div>
      <p id={`${id}-note`} className="field-hint">
        {SHOWN_ONCE_NOTE}
      </p>
      <p className="muted shown-once-status" role="status">
        {copied === 'yes' ? 'Copied.' : copied === 'no' ? 'Could not copy: select it and copy it yourself.' : ''}
      </p>
    </div>
  );
}
