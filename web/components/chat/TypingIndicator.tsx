import { typingSentence } from '@/lib/chat/use-typing';

/** Always takes its line, so the list does not jump when someone starts typing. */
export function TypingIndicator({ names }: { names: readonly string[] }) {
  const sentence = typingSentence(names);
  return (
    <div className="typing" data-testid="typing-indicator">
      {sentence && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {sentence}
        </>
      )}
    </div>
  );
}
